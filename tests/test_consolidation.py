"""Consolidation against forgetting (protocols.consolidation): the apical context gate, the
protein-synthesis block, capture of depression, and the quick run's result contract.

Source: Clopath, Ziegler, Vasilaki, Büsing & Gerstner 2008, PLoS Comput Biol 4:e1000248
(TagTriC, ModelDB 118199): proteins saturate at tau_p_deg / (tau_p_deg + tau_p_syn) =
3600 / 3960 = 0.909 while more than 60 synapses are tagged; a synapse can be tagged only
while its compartment's filtered voltage exceeds theta_minus = E_L = -70.6 mV.
"""

import json

import numpy as np
import pytest
from brian2 import Network, StateMonitor, amp, mV, second, siemens

from dendritic_models.rules.tag_capture import tag_capture
from dendritic_models.stimuli import current_pulses
from protocols import consolidation as cons
from protocols.plasticity.tag_capture import PULSE

THETA_MINUS = -70.6  # mV


@pytest.fixture(scope="module")
def quick(tmp_path_factory):
    out = tmp_path_factory.mktemp("consolidation")
    assert cons.main(["--quick", "--out", str(out)]) == 0
    return out, json.loads((out / "result.json").read_text()), dict(np.load(out / "data.npz"))


def tuft_voltage(context: bool) -> dict[str, np.ndarray]:
    """Tuft potential and its filters u_ltp, u_ltd (the voltages the rule reads), and the
    somatic potential (mV) of one cell during 0.3 s: context (or not) from t = 0 and a
    100-Hz train of somatic APs from 0.1 s (the US of the protocol)."""
    setup = cons.QUICK
    group = cons.cell(tag_capture(), 1, setup.g_sst * siemens)
    group.g_SST_tuft = 0 * siemens if context else setup.g_sst * siemens
    group.I_context_tuft = setup.context_current * amp if context else 0 * amp
    onsets = (0.1 + np.arange(20) / 100) * second
    gen, pulse = current_pulses(group, "soma", np.zeros(20, int), onsets, *PULSE)
    names = ["v_tuft", "u_ltp_tuft", "u_ltd_tuft", "v_soma"]
    record = StateMonitor(group, names, record=0)
    Network(group, gen, pulse, record).run(0.3 * second)
    return {name: np.asarray(getattr(record, name)[0] / mV) for name in names}


def test_without_context_the_rule_sees_the_tuft_below_theta_minus_even_during_APs():
    v = tuft_voltage(context=False)
    assert v["v_soma"].max() > 0  # the APs happen
    # the filters start at E_L = theta_minus (the rule needs u > theta_minus) and fall
    for u in ("u_ltp_tuft", "u_ltd_tuft"):
        assert v[u].max() <= THETA_MINUS and v[u][int(0.1 / 1e-4):].max() < THETA_MINUS


def test_context_depolarises_the_tuft_by_10_to_20_mV_without_somatic_APs():
    v = tuft_voltage(context=True)
    before_us = slice(int(0.05 / 1e-4), int(0.1 / 1e-4))  # 50-100 ms: steady, no US yet
    assert 10 < v["v_tuft"][before_us].mean() - THETA_MINUS < 20
    assert v["v_soma"][before_us].max() < -60  # subthreshold


@pytest.mark.slow
def test_quick_run_writes_the_result_contract(quick):
    out, result, _ = quick
    assert (out / "figure.png").stat().st_size > 0 and (out / "figure.svg").exists()
    assert result["protocol"] == "consolidation" and result["quick"]
    for f in result["findings"]:
        assert set(f) >= {"name", "value", "target", "reproduced"}
    names = [c["name"] for c in result["conditions"]]
    assert set(result["measured"]) >= set(names)


def test_the_gate_and_the_protein_block_act_as_designed(quick):
    _, result, data = quick
    arm = {c: k for k, (c, _, _) in enumerate(cons.CONDITIONS)}
    gated, ungated = arm["consolidation, gated"], arm["consolidation, ungated"]
    t, setup = data["t_s"], cons.QUICK
    before2 = np.searchsorted(t, setup.t_assoc2) - 1
    tags = data["H_tags"] + data["L_tags"]  # arm, seed, group, copy, pathway, time
    # group 2 of a gated arm has no context in association 1: not one tag, no proteins
    for k in (gated, arm["no consolidation, gated"]):
        assert tags[k, :, 1, :, :, :before2].max() == 0
    assert data["p"][gated, :, 1, :, :before2].max() == 0
    # blocked synthesis: no proteins ever; otherwise they reach 3600/3960 (source)
    assert data["p"][2:].max() == 0
    assert data["p"][gated, :, 0].max() == pytest.approx(3600 / 3960, abs=0.01)
    # capture of depression: association 2 (ungated) moves A synapses of group 1 out of
    # the upper well, below the 30 they started with
    z_up = data["z_up"][:, 0, 0, 0, 0]  # arm, time: pathway A, group 1, first copy
    assert z_up[gated, -1] > 30
    assert z_up[ungated, -1] < z_up[ungated, before2]
    failed = [f["name"] for f in result["findings"][:2] if not f["reproduced"]]
    assert not failed, failed


def test_a_finished_folder_is_not_rerun_and_another_run_is_refused(quick, capsys):
    out, _, _ = quick
    assert cons.main(["--quick", "--out", str(out)]) == 0
    assert "redrawing" in capsys.readouterr().out
    assert cons.main(["--quick", "--seed", "2", "--out", str(out)]) == 2
    assert "holds the result of another run" in capsys.readouterr().err


@pytest.mark.parametrize(("change", "message"), [
    ({"window": 2.5}, "whole number of seconds"),
    ({"cs_minus_onset": 0.5}, "must follow the US train"),
    ({"cs_minus": 40}, "within the context window"),
    ({"t_assoc2": 2000.0}, "must follow association 1"),
    ({"copies": 0}, "copies must be a positive integer"),
    ({"g_sst": -1e-9}, "g_sst must be positive"),
])
def test_bad_setups_are_refused_before_anything_runs(change, message):
    from dataclasses import replace

    with pytest.raises(ValueError, match=message):
        cons.check(replace(cons.QUICK, **change))
