"""BCM: potentiation above, depression below a threshold that slides with the mean rate.

Source: Bienenstock, Cooper & Munro 1982 (J Neurosci 2:32), the rule's two claims: (a) at
fixed presynaptic activity the sign of plasticity changes at the modification threshold
theta_M (LTD below, LTP above), and (b) theta_M tracks the mean postsynaptic activity, so
after a period of higher activity a postsynaptic rate that potentiated before now depresses
(the sliding threshold seen as a shift of the LTD/LTP crossover after a change of activity
history; Kirkwood, Rioult & Bear 1996, Nature 381:526). Rule:
:func:`dendritic_models.rules.bcm.bcm` with theta = <nu^2>/nu_0.

Methods (soma-only LIF cells, one group; one run, all phases scheduled by stimuli):
- Postsynaptic spikes are imposed: regular trains of 2 nA x 2 ms somatic pulses, one AP
  each, at the rate each phase prescribes. Presynaptic input: 100 Poisson trains at 10 Hz
  onto every cell (fixed presynaptic activity), receptor weights zero, so the inputs do not
  move the imposed spikes; all synapses start at w = 1.
- Phase 1, conditioning (0-6 s): every cell fires at nu_c = nu_0 = 10 Hz; theta rises
  from 0 to its steady value.
- Phase 2, test (0.6 s): cell k fires at test rate nu_k (3-17 Hz); the weight change of its
  synapses over the last 0.4 s (after the rate trace has settled, 2 tau_nu) gives the sign
  of plasticity at nu_k.
- Phase 3, adaptation (6 s): one cell fires at 20 Hz, a control cell stays at 10 Hz.
- Phase 4, second test (0.6 s): both fire at nu_probe = 15 Hz, which potentiated in phase 2.
Time compression: tau_theta = 2 s instead of the rule's default 10 s, so each adaptation
phase lasts 3 tau_theta; BCM's behaviour depends only on the ordering tau_nu << test
duration << tau_theta, which holds (0.1 s, 0.4 s, 2 s). dt = 0.2 ms (the imposed APs, not
the rule, set the resolution).

Expected values from the rule's definition: for a regular train at rate nu the trace has
time averages <nu> = nu and <nu^2> = nu/(2 tau_nu) coth(1/(2 nu tau_nu)), so the steady
threshold is theta_inf = <nu^2>/nu_0 and the drift, proportional to <nu^2> - theta <nu>,
changes sign where the effective rate nu_eff = <nu^2>/<nu> equals theta (nu_eff -> nu for
nu tau_nu >> 1; at nu_c = nu_0 the crossover falls exactly at nu_c).
"""

from __future__ import annotations

import numpy as np
from brian2 import (
    Hz,
    Network,
    SpikeGeneratorGroup,
    StateMonitor,
    defaultclock,
    ms,
    nA,
    nS,
    second,
    seed,
    um,
)

from dendritic_models import Compartment, NeuronModel
from dendritic_models.mechanisms import lif
from dendritic_models.results import finding
from dendritic_models.rules.bcm import bcm
from dendritic_models.stimuli import current_pulses
from dendritic_models.wiring import connect

RULE = "bcm"
SOURCE = "Bienenstock, Cooper & Munro 1982, J Neurosci 2:32 (sliding-threshold BCM rule)"

DT = 0.2 * ms
TAU_THETA = 2 * second
NU_C = 10.0  # Hz, conditioning rate (= nu_0)
NU_HIGH = 20.0  # Hz, adaptation rate
NU_PROBE = 15.0  # Hz, tested before and after adaptation
TEST_RATES = np.array([3.0, 5.0, 7.0, 9.0, 11.0, 13.0, 15.0, 17.0])  # Hz, phase 2
T_COND, T_TEST, T_ADAPT = 6.0, 0.6, 6.0  # s, long phases 3 tau_theta
T_SETTLE = 0.2  # s, 2 tau_nu: the rate trace settles before the weight change is measured
N_INPUTS, RATE_PRE = 100, 10.0  # Poisson inputs per cell, Hz
TOL = 0.03  # relative tolerance of the thresholds
TOL_CROSS = 0.05  # relative tolerance of the crossover (sampling noise of the test)


def trace_moments(rate: np.ndarray, tau: float) -> tuple[np.ndarray, np.ndarray]:
    """Time averages <nu>, <nu^2> of the rate trace (Hz, Hz^2) for regular trains."""
    rate = np.asarray(rate, dtype=float)
    return rate, rate / (2 * tau) / np.tanh(1 / (2 * rate * tau))


def _train(rate: float, start: float, stop: float) -> np.ndarray:
    """Onsets (s) of a regular pulse train at ``rate`` in [start, stop)."""
    return start + np.arange(0, stop - start - 1e-9, 1 / rate)


def simulate(seed_value: int = 1) -> dict[str, np.ndarray]:
    """Run all phases; return weights at phase boundaries, thresholds and spike counts."""
    seed(seed_value)
    rng = np.random.default_rng(seed_value)
    n_test = len(TEST_RATES)
    adapt, control = n_test, n_test + 1  # the two cells of phases 3-4
    n_cells = n_test + 2
    t1 = T_COND
    t2 = t1 + T_TEST
    t3 = t2 + T_ADAPT
    t4 = t3 + T_TEST
    onsets, cells = [], []
    for k in range(n_cells):
        trains = [_train(NU_C, 0, t1)]
        if k < n_test:
            trains.append(_train(TEST_RATES[k], t1, t2))
        else:
            trains += [_train(NU_PROBE, t1, t2),
                       _train(NU_HIGH if k == adapt else NU_C, t2, t3),
                       _train(NU_PROBE, t3, t4)]
        train = np.concatenate(trains)
        onsets.append(train)
        cells.append(np.full(len(train), k))
    model = NeuronModel([Compartment("soma", "soma", length=20 * um, diameter=20 * um,
                                     mechanisms=[lif()])], name="bcm_cell")
    group = model.group(n_cells)
    pulses = current_pulses(group, "soma", np.concatenate(cells),
                            np.concatenate(onsets) * second, 2 * nA, 2 * ms)
    n_pre = int(RATE_PRE * t4 * 1.5) + 50
    times = np.cumsum(rng.exponential(1 / RATE_PRE, (N_INPUTS, n_pre)), axis=1)
    steps = np.round(times / float(DT)).astype(int)
    keep = (times < t4) & np.concatenate([np.ones((N_INPUTS, 1), bool),
                                          np.diff(steps, axis=1) > 0], axis=1)
    src_i = np.repeat(np.arange(N_INPUTS), n_pre)[keep.ravel()]
    inputs = SpikeGeneratorGroup(N_INPUTS, src_i, steps[keep] * DT)
    rule = bcm(tau_theta=TAU_THETA)
    pre = np.tile(np.arange(N_INPUTS), n_cells)
    post = np.repeat(np.arange(n_cells), N_INPUTS)
    syn, _ = connect(inputs, group, "soma", {"AMPA": 0 * nS}, i=pre, j=post, rule=rule,
                     seed=seed_value)
    # test windows, measured after the rate trace has settled to the new rate
    boundaries = np.array([t1, t1 + T_SETTLE, t2, t3, t3 + T_SETTLE, t4])
    weights = StateMonitor(syn, ["w", "theta"], record=True, dt=0.1 * second)
    net = Network(group, *pulses, inputs, syn, weights)
    net.run(t4 * second + DT)
    t = np.asarray(weights.t / second)
    at = [int(np.argmin(np.abs(t - b))) for b in boundaries]
    w = np.asarray(weights.w)  # synapse x time; w changes only at presynaptic spikes
    theta = np.asarray(weights.theta / Hz)

    def per_cell(x: np.ndarray) -> np.ndarray:
        return np.array([x[post == k].mean() for k in range(n_cells)])

    return {
        "test_rates_hz": TEST_RATES,
        "boundaries_s": boundaries,
        "dw_test1": per_cell(w[:, at[2]] - w[:, at[1]]),
        "dw_test2": per_cell(w[:, at[5]] - w[:, at[4]]),
        # theta is updated at each postsynaptic spike; the value at a phase boundary is the
        # one at the cell's last spike before it (same for all synapses of the cell)
        "theta_cond_hz": per_cell(theta[:, at[0]]),
        "theta_start_hz": per_cell(theta[:, at[2]]),
        "theta_test_hz": per_cell(theta[:, at[1]:at[2] + 1].mean(axis=1)),
        "theta_adapt_hz": per_cell(theta[:, at[3]]),
        "adapt_cell": np.array(adapt),
        "control_cell": np.array(control),
        "tau_nu_s": np.array(float(rule.parameters["tau_nu"] / second)),
        "nu_0_hz": np.array(float(rule.parameters["nu_0"] / Hz)),
    }


def _crossover(rates: np.ndarray, dw: np.ndarray) -> float:
    """Rate where dw changes sign (linear interpolation between the bracketing rates)."""
    k = int(np.flatnonzero(np.diff(np.sign(dw)) > 0)[0])
    return float(rates[k] - dw[k] * (rates[k + 1] - rates[k]) / (dw[k + 1] - dw[k]))


def findings(data: dict[str, np.ndarray]) -> list[dict]:
    """The two claims of BCM, measured against the rule's definition."""
    tau, nu0 = float(data["tau_nu_s"]), float(data["nu_0_hz"])
    rates = data["test_rates_hz"]
    dw1 = data["dw_test1"][: len(rates)]
    adapt, control = int(data["adapt_cell"]), int(data["control_cell"])
    tau_theta = float(TAU_THETA / second)
    # (a) threshold after conditioning (relaxing from 0 towards <nu^2>/nu_0), and the sign
    # of plasticity at each test rate against it
    theta_c = float(np.mean(data["theta_cond_hz"][: len(rates)]))
    _, sq = trace_moments(np.array([NU_C, NU_HIGH, NU_PROBE]), tau)
    theta_inf_c, theta_inf_high = sq[0] / nu0, sq[1] / nu0
    expected_c = theta_inf_c * (1 - np.exp(-T_COND / tau_theta))
    m1, m2 = trace_moments(rates, tau)
    eff = m2 / m1  # the rate the rule sees: <nu^2>/<nu>
    theta_test = data["theta_test_hz"][: len(rates)]  # each cell's theta during its test
    clear = np.abs(eff / theta_test - 1) > TOL  # rates not within the tolerance of theta
    signs_ok = bool(np.all(np.sign(dw1[clear]) == np.sign(eff[clear] - theta_test[clear])))
    ups = np.flatnonzero(np.diff(np.sign(dw1)) != 0)
    if len(ups) == 1 and dw1[0] < 0:
        k = int(ups[0])
        cross = float(rates[k] - dw1[k] * (rates[k + 1] - rates[k]) / (dw1[k + 1] - dw1[k]))
        c1, c2 = trace_moments(np.array([cross]), tau)
        eff_cross = float(c2[0] / c1[0])
        theta_cross = float(np.interp(cross, rates, data["theta_test_hz"][: len(rates)]))
    else:
        cross = eff_cross = theta_cross = float("nan")
    # (b) threshold after the adaptation phase (relaxing from its value at the phase start)
    theta_start = float(data["theta_start_hz"][adapt])
    theta_a = float(data["theta_adapt_hz"][adapt])
    expected_a = theta_inf_high + (theta_start - theta_inf_high) * np.exp(-T_ADAPT / tau_theta)
    dw_before = float(data["dw_test1"][adapt])
    dw_after = float(data["dw_test2"][adapt])
    dw_control = float(data["dw_test2"][control])
    return [
        finding(
            f"theta after {T_COND:g} s at {NU_C:g} Hz (Hz)",
            theta_c,
            f"{expected_c:.2f} Hz within {TOL:.0%}: <nu^2>/nu_0 = {theta_inf_c:.2f} Hz, "
            f"reached to 1 - exp(-T/tau_theta)",
            abs(theta_c / expected_c - 1) < TOL,
        ),
        finding(
            "sign of the weight change at each test rate vs effective rate - theta",
            {"rates_hz": rates, "effective_rates_hz": eff, "theta_hz": theta_test, "dw": dw1},
            f"dw < 0 where <nu^2>/<nu> < theta, > 0 where above (rates within {TOL:.0%} of "
            "theta excluded), a single sign change",
            signs_ok and len(ups) == 1,
        ),
        finding(
            "sign change: effective rate at the crossover vs theta during the test (Hz)",
            {"crossover_rate_hz": cross, "effective_rate_hz": eff_cross,
             "theta_hz": theta_cross},
            f"equal within {TOL_CROSS:.0%} (BCM: phi changes sign at nu = theta)",
            bool(abs(eff_cross / theta_cross - 1) < TOL_CROSS),
        ),
        finding(
            f"theta after {T_ADAPT:g} s at {NU_HIGH:g} Hz (Hz)",
            theta_a,
            f"{expected_a:.2f} Hz within {TOL:.0%}: <nu^2>/nu_0 = {theta_inf_high:.2f} Hz, "
            f"relaxing from {theta_start:.2f} Hz",
            abs(theta_a / expected_a - 1) < TOL,
        ),
        finding(
            f"{NU_PROBE:g} Hz potentiates before, depresses after the rate was raised",
            {"dw_before": dw_before, "dw_after": dw_after, "dw_control": dw_control,
             "theta_before_hz": theta_c, "theta_after_hz": theta_a},
            "dw_before > 0 > dw_after; the control cell (kept at 10 Hz) still potentiates",
            dw_before > 0 > dw_after and dw_control > 0,
        ),
    ]


def run(quick: bool = True) -> dict:
    """Run the protocol (the same in quick and full mode: one run of 13 s biological time)."""
    old_dt = defaultclock.dt
    defaultclock.dt = DT
    try:
        data = simulate()
    finally:
        defaultclock.dt = old_dt
    return {"findings": findings(data), "data": data}


if __name__ == "__main__":
    from protocols.api import print_findings

    print_findings(run())
