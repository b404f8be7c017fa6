"""Rule 4, calcium-based plasticity (Graupner & Brunel 2012, PNAS 109:3991, Fig. 2 DP).

Replays Fig. 2 (DP): 60 pre-post pairs at 1 Hz, half the synapses starting DOWN, half UP,
relative strength after / before (beta = 0.5, b = 5); see
:mod:`protocols.plasticity.graupner_brunel_stdp`. Tolerances:
- the paper's analytic curve, computed by its method: maximum 1.24 +- 0.01 within 1 ms of
  dt = +5 ms, minimum 0.72 +- 0.01 within 1 ms of dt = -24 ms (published, Fig. 2 DP);
- the stochastic Brian2 simulation (2 x 2000 synapses per dt, one run) within 0.05 of the
  analytic value at dt = +5 and -24 ms;
- the rule wired by ``connect`` onto a neuron, noise off, equals a direct integration of
  Eq. 1 with the measured spike times to 1e-4 in rho;
- the 1 ms run equals the 0.1 ms run draw for draw (1e-9);
- the analytic time above threshold equals a brute-force calcium trace to 2 us.
"""

import numpy as np
import pytest
from brian2 import ms, mV, second

from dendritic_models import ModelError
from dendritic_models.rules.graupner_brunel import graupner_brunel
from protocols.plasticity import graupner_brunel_stdp as gb


def test_fig2_dp_curve_analytic_and_stochastic():
    result = gb.run(quick=True)
    data = result["data"]
    grid, curve = data["analytic_dt_ms"], data["analytic_change"]
    assert curve.max() == pytest.approx(1.24, abs=0.01)
    assert grid[np.argmax(curve)] == pytest.approx(5.0, abs=1.0)
    assert curve.min() == pytest.approx(0.72, abs=0.01)
    assert grid[np.argmin(curve)] == pytest.approx(-24.0, abs=1.0)
    assert sorted(data["simulated_dt_ms"]) == [-24.0, 5.0]
    assert np.all(data["simulated_n"] >= 300)
    np.testing.assert_allclose(data["simulated_change"], data["simulated_analytic"], atol=0.05)
    # both transition directions occur, as the noise requires (Fig. 2 is an average)
    assert np.all((data["simulated_U"] > 0.1) & (data["simulated_D"] > 0.1))
    np.testing.assert_allclose(data["wired_rho"], data["wired_reference"], atol=1e-4)
    np.testing.assert_allclose(data["wired_dt_ms"], gb.WIRED_DTS, atol=0.05)
    assert np.all(np.abs(data["wired_rho"] - gb.WIRED_RHO0) > 1e-2)  # the pairings acted
    assert all(f["reproduced"] for f in result["findings"]), result["findings"]


def test_time_above_threshold_matches_brute_force_trace():
    """Calcium of a 1 Hz pair train sampled every 1 us over its third period (earlier periods
    contribute exp(-50) of their jumps, so this is the periodic steady state)."""
    p = gb.parameters(graupner_brunel())
    for lag in (-0.0377, -0.0087, 0.0, 0.012, 0.3):
        t = np.arange(0, 3.0, 1e-6)
        c = np.zeros_like(t)
        for start, jump in ((0.0, p["Cpre"]), (lag % 1.0, p["Cpost"])):
            for s in start + np.arange(3):
                window = (t >= s) & (t < s + 0.5)
                c[window] += jump * np.exp(-(t[window] - s) / p["tau_Ca"])
        last = t >= 2.0
        t_d, t_p = gb.time_above(np.array(lag), p)
        assert float(t_d) == pytest.approx(np.sum(c[last] >= p["theta_d"]) * 1e-6, abs=2e-6)
        assert float(t_p) == pytest.approx(np.sum(c[last] >= p["theta_p"]) * 1e-6, abs=2e-6)


def test_efficacy_is_the_bounded_read_out_of_rho():
    sim = gb.stdp_simulation(gb.DTS_QUICK, n=50, n_pairs=5, frequency=5.0)
    rho, w = sim["rho"], sim["w"]
    np.testing.assert_allclose(w, 1 + 4 * np.clip(rho, 0, 1))
    assert w.min() >= 1.0 and w.max() <= 5.0
    assert np.any(rho != sim["rho0"])


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        ({"tau_Ca": 20}, "graupner_brunel: tau_Ca.*no units"),
        ({"tau": 150 * mV}, "graupner_brunel: tau.*wrong units"),
        ({"D": 13.7}, "graupner_brunel: D.*no units"),
        ({"D": -1 * ms}, "graupner_brunel: D.*negative"),
        ({"C_post": 2 * mV}, "graupner_brunel: C_post.*wrong units"),
        ({"gamma_p": -1.0}, "graupner_brunel: gamma_p.*positive"),
        ({"sigma": 1 * second}, "graupner_brunel: sigma.*wrong units"),
        ({"theta_p": 0.9}, "graupner_brunel: theta_p.*must exceed theta_d"),
    ],
)
def test_bad_input_names_rule_and_parameter(kwargs, message):
    with pytest.raises(ModelError, match=message):
        graupner_brunel(**kwargs)
