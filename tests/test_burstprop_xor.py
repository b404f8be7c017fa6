"""Spiking XOR with burst-dependent plasticity (protocols.burstprop_xor; Payeur et al. 2021,
Nat Neurosci 24:1010, Fig. 4; parameters: docs/sources/payeur2021_xor_parameters.md).

The quick run (one cpp_standalone build, < 2 min) checks the machinery against the authors'
code: a burst's second spike 5-15 ms after its event and events >= 20 ms apart
(BurstPoissonGroup.cpp: 20-ms refractory period, 5 ms + U(0, 10 ms) intra-burst interval),
feedback transmits bursts only (TransmitBurstConnection), burst probability rises with
dendritic current from < 0.05 at -400 pA to > 0.8 at +1200 pA (the sigmoid of V_d with
threshold -57 mV, slope 6 mV), a burst-rich window potentiates and an event-only window
depresses (AdaptiveEBCPConnection), the teacher raises the output's burst probability; the
result contract; refusal of bad setups.
"""

import json
from dataclasses import replace

import brian2
import numpy as np
import pytest

from protocols import burstprop_xor as bx


@pytest.fixture(scope="module")
def quick(tmp_path_factory):
    out = tmp_path_factory.mktemp("burstprop_xor")
    assert bx.main(["--quick", "--out", str(out)]) == 0
    result = json.loads((out / "result.json").read_text())
    return dict(np.load(out / "data_burstprop.npz")), result["findings"], out


@pytest.mark.slow
def test_quick_findings_reproduced(quick):
    data, found, out = quick
    assert (out / "figure.png").stat().st_size > 0 and (out / "figure.svg").exists()
    assert type(brian2.get_device()).__name__ == "RuntimeDevice"  # restored after the run
    names = [f["name"] for f in found]
    assert len(found) == 5, names
    for f in found:
        assert f["reproduced"], f
        assert set(f) == {"name", "value", "target", "reproduced"}


def test_quick_measurements(quick):
    data, _, _ = quick
    # input populations: "1" (+150 pA) fires well above "0" (-350 pA)
    pats = np.array(bx.PATTERNS)
    in1 = data["input1_before"][0]
    assert in1[pats[:, 0] == 1].min() > 2 * in1[pats[:, 0] == 0].max()
    # bursts need dendritic drive: no bursts at -400 pA, mostly bursts at +1200 pA
    bp = data["sweep_burst_prob"][0]
    assert bp[0] < 0.05 < 0.8 < bp[-1]
    assert data["probe_up_dw"][0] > 0 > data["probe_down_dw"][0]
    assert data["fb_received"][0] == data["fb_expected_bursts"][0] > 0
    assert np.all(np.isfinite(data["before"])) and data["before"].shape == (1, 4)
    assert data["train_rate"].shape == (1, bx.QUICK.numex)


@pytest.mark.parametrize("change", [
    {"N": 0}, {"N": 2.5}, {"numex": 0}, {"n_seeds": 0}, {"seed": -1}, {"p_conn": 0.0},
    {"p_conn": 1.5}, {"durex": -1.0}, {"alpha": 0.0}, {"learn_frac": 1.0},
    {"readout_frac": 0.0}, {"eta_in_hid": 0.0}, {"dt": 2e-3}, {"durex": 1.00005},
    {"rate_min": 9.0}, {"probes": -1},
])
def test_bad_setup_raises(change):
    with pytest.raises(ValueError):
        bx.check(replace(bx.QUICK, **change))


def test_bad_rule_and_seeds_raise():
    with pytest.raises(ValueError):
        bx.simulate(bx.QUICK, rule="hebb")
    with pytest.raises(ValueError):
        bx.simulate(bx.QUICK, seeds=[])


def test_schedule_and_criterion():
    sch = bx.schedule(bx.FULL)
    assert list(sch["pattern"][:8]) == [0, 1, 2, 3, 0, 1, 2, 3]
    # plasticity on exactly learn_frac of every training example, never in tests
    step = float(sch["step"])
    per_ex = round(bx.FULL.durex / step)
    lead = round(bx.FULL.burn_in / step)
    learn = sch["learn"][lead:-1].reshape(-1, per_ex)
    assert np.all(learn[:4] == 0) and np.all(learn[-4:] == 0)
    assert np.allclose(learn[4:-4].mean(1), bx.FULL.learn_frac)
    assert list(bx.xor_solved(np.array([[4.9, 9.4, 9.1, 3.4], [4.9, 7.0, 9.1, 3.4],
                                        [5.6, 9.4, 9.1, 3.4], [6.0, 7.9, 9.1, 3.4]]))) == [
        True, False, False, False]


def test_authors_protocol_setting():
    """AUTHORS_PROTOCOL: the authors' protocol (sim_xor.cpp / run_xor.sh: 8-s examples, alpha
    2 s, 2000 examples, 10% learning windows, their learning rates and inputs) on FULL's
    network (N 100 with the authors' in-degree of 100), dt 0.2 ms."""
    a, paper = bx.AUTHORS_PROTOCOL, bx.PAPER
    for name in ("durex", "alpha", "numex", "learn_frac", "eta_in_hid", "eta_hid_out",
                 "input_one", "input_zero", "tau_pre", "tau_hom", "rate_max", "rate_min"):
        assert getattr(a, name) == getattr(paper, name), name
    assert (a.N, a.p_conn) == (bx.FULL.N, bx.FULL.p_conn)
    assert a.N * a.p_conn == paper.N * paper.p_conn == 100
    assert a.dt == 2e-4 and not a.control
    bx.check(a)


def test_authors_protocol_flag(monkeypatch, tmp_path):
    """``--authors-protocol`` runs that setting (from the given seed) instead of FULL."""
    ran = []
    monkeypatch.setattr(bx, "run", lambda setup, out: ran.append((setup, out)) or {
        "findings": []})
    assert bx.main(["--authors-protocol", "--seed", "3", "--out", str(tmp_path)]) == 0
    assert ran == [(replace(bx.AUTHORS_PROTOCOL, seed=3), tmp_path)]
