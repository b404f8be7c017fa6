"""Motor-learning replay (Wright, Hedrick & Komiyama 2025): analysis functions, input
structure, and the quick replay of three rule sets side by side (one cpp_standalone build).

Tolerances are the issue's and the paper's: sLTP 16 +- 5 % apical and 12 +- 5 % basal, sLTD
15-30 %, silenced / control sLTP <= 0.5 basal and 0.75-1.25 apical (data: 0.36 and 0.93).
"""

import json

import numpy as np
import pytest
from brian2 import nS, um

from dendritic_models import ModelError, analysis
from dendritic_models.templates import l23_pyramidal
from dendritic_models.wiring import connect
from protocols import api, cli
from protocols import motor_learning as ml


def test_roc_auc_matches_the_mann_whitney_count():
    rng = np.random.default_rng(0)
    score, positive = rng.normal(size=200), rng.random(200) < 0.3
    pairs = score[positive][:, None] - score[~positive][None, :]
    expected = (np.sum(pairs > 0) + 0.5 * np.sum(pairs == 0)) / pairs.size
    assert analysis.roc_auc(score, positive) == pytest.approx(expected, abs=1e-12)
    assert analysis.roc_auc(positive.astype(float), positive) == 1.0


def test_relative_coactivity_is_one_for_independent_trains_and_high_for_shared_ones():
    rng = np.random.default_rng(1)
    n, frames = 400, 20000
    a = (rng.random((n, frames)) < 0.02).astype(np.float32)
    b = (rng.random((n, frames)) < 0.02).astype(np.float32)
    shifts = rng.integers(100, frames - 100, 20)
    independent = [analysis.relative_coactivity(a[k], b[k], shifts) for k in range(n)]
    assert np.nanmean(independent) == pytest.approx(1.0, abs=0.05)
    shared = np.maximum(a[0], b[0])  # shares all of a's events
    assert analysis.relative_coactivity(a[0], shared, shifts) > 20


def test_bootstrap_ci_resamples_cells_and_contains_the_estimate():
    rng = np.random.default_rng(2)
    cell = np.repeat(np.arange(10), 50)
    positive = rng.random(cell.size) < 0.2
    score = positive + rng.normal(0, 1, cell.size)
    auc, low, high = analysis.bootstrap_auc(score, positive, cell, n_boot=300)
    assert low < auc < high and low > 0.6


def test_inputs_have_the_measured_density_and_clusters_share_tuning():
    rng = np.random.default_rng(3)
    layout = ml.place_synapses(ml.Inputs(), 2, rng)
    model = l23_pyramidal()
    for branch in ("basal0", "tuft1"):
        length = float(model.tree.compartments[branch].length / um)
        n = np.sum((layout["branch"] == branch) & (layout["cell"] == 0))
        assert n / length == pytest.approx(0.6, abs=0.01)
    clustered = layout["clustered"]
    assert 0.25 < clustered.mean() < 0.35
    for g in np.unique(layout["group"][clustered]):
        members = layout["group"] == g
        assert len(set(layout["tuning"][members])) == 1
        assert np.ptp(layout["x"][members]) <= 8.0 + 1e-9


def test_connect_branch_must_lie_in_where():
    cells = l23_pyramidal().group(1)
    with pytest.raises(ModelError, match="not among the compartments"):
        connect(cells, cells, "basal", {"AMPA": 0.1 * nS}, i=[0], j=[0], x=[10] * um,
                branch=["tuft0"])


def test_lumped_bombardment_keeps_every_event_on_distinct_sources():
    """The superposed Poisson input: every event kept (several in one step go to different
    channels of the cell), the count within 5 SD of number x rate x duration x cells, and no
    source fires twice in one step (a SpikeGeneratorGroup's requirement)."""
    rng = np.random.default_rng(3)
    dt, n = 1e-4, 4
    source, t = ml.lumped_bombardment(2000, 1.5, n, 10.0, dt, rng)
    expected = 2000 * 1.5 * 10.0 * n
    assert abs(source.size - expected) < 5 * np.sqrt(expected)
    steps = np.round(t / dt).astype(np.int64)
    assert np.all(np.diff(steps) >= 0)
    assert np.unique(np.stack([source, steps]), axis=1).shape[1] == source.size
    assert source.max() >= n  # some steps hold two events of one cell
    per_cell = np.bincount(source % n, minlength=n)
    assert abs(per_cell - expected / n).max() < 5 * np.sqrt(expected / n)


def test_rule_set_specs():
    assert api.rule_set(ml, "compartment_specific") is ml.RULE_SETS["compartment_specific"]
    custom = api.rule_set(ml, "basal=triplet_stdp,apical_tuft=local_coactivity")
    assert custom.rules["basal"].name == "triplet_stdp"
    with pytest.raises(api.UsageError, match="is a Rule, not a RuleSet"):
        api.rule_set(ml, "protocols.motor_learning:HEBBIAN")
    with pytest.raises(api.UsageError, match="unknown rule"):
        api.rule_set(ml, "basal=no_such_rule")
    with pytest.raises(api.UsageError, match="unknown rule set"):
        api.rule_set(ml, "nonsense")


@pytest.fixture(scope="module")
def replay(tmp_path_factory):
    """The quick replay of the compartment-specific and both uniform rule sets, through the
    CLI (no_plasticity is left out to save time: it changes no spine)."""
    out = tmp_path_factory.mktemp("motor_learning")
    assert cli.main(["run", "motor_learning", "--quick", "--rules", "compartment_specific",
                     "--rules", "hebbian_everywhere", "--rules", "local_everywhere",
                     "--seed", "1", "--out", str(out)]) == 0
    return out, json.loads((out / "result.json").read_text())


def _verdicts(result, name):
    return {f["name"]: f["reproduced"] for f in result["findings"] if f["rule_set"] == name}


@pytest.mark.slow
def test_result_contract(replay):
    out, result = replay
    assert (out / "figure.png").stat().st_size > 10_000
    assert set(result["rule_sets"]) == set(ml.RULE_SETS) - {"no_plasticity"}
    assert result["conditions"] == list(ml.CONDITIONS) and result["seed"] == 1
    for f in result["findings"]:
        assert {"rule_set", "name", "value", "target", "reproduced"} <= set(f)


@pytest.mark.slow
def test_compartment_specific_rule_set_reproduces_every_finding(replay):
    _, result = replay
    verdicts = _verdicts(result, "compartment_specific")
    assert len(verdicts) == 8
    assert all(verdicts.values()), [k for k, v in verdicts.items() if not v]


@pytest.mark.parametrize("name, fails", [
    ("hebbian_everywhere", "silencing: apical sLTP silenced / control"),
    ("local_everywhere", "silencing: basal sLTP silenced / control"),
])
@pytest.mark.slow
def test_uniform_rule_sets_fail_where_the_paper_says_they_should(replay, name, fails):
    _, result = replay
    assert not _verdicts(result, name)[fails]


@pytest.mark.slow
def test_silencing_leaves_the_apical_rule_untouched_and_removes_basal_potentiation(replay):
    _, result = replay
    comp = result["measured"]["compartment_specific"]["compartments"]
    assert comp["apical/silenced"]["sLTP"] == pytest.approx(comp["apical/control"]["sLTP"])
    assert comp["basal/silenced"]["sLTP"] == 0.0
