"""Rule 1, pair STDP (Song, Miller & Abbott 2000; window of Bi & Poo 1998).

Protocol: one postsynaptic AP (2 nA x 2 ms somatic pulse) and, per synapse, one presynaptic
spike about dt before it, for dt from -100 to +100 ms, dt then taken from the measured AP
(Bi & Poo 1998, Fig. 7: a single pairing interval per synapse). Receptor weights are zero,
so the presynaptic spikes do not move the postsynaptic spike. Tolerances: the single-pair
change equals the closed form to 1e-9; the exponential fits of the simulated window recover
tau_plus = 16.8 ms and tau_minus = 33.7 ms within 1%; the depression/potentiation area
ratio is 1.05 within 1%.
"""

import numpy as np
import pytest
from brian2 import Network, SpikeGeneratorGroup, SpikeMonitor, ms, nA, nS, um

from dendritic_models import Compartment, NeuronModel
from dendritic_models.mechanisms import adex
from dendritic_models.rules import pair_stdp
from dendritic_models.stimuli import current_pulses
from dendritic_models.wiring import connect

W0 = 1.0


def neuron():
    """The rule acts on somatic spikes only, so a soma and one basal branch suffice."""
    return NeuronModel(
        [
            Compartment("soma", "soma", length=20 * um, diameter=20 * um, mechanisms=[adex()]),
            Compartment("basal", "basal", parent="soma", length=150 * um, diameter=1 * um),
        ],
        name="pairing_cell",
    ).group(1)


T_PULSE = 150.0  # ms, onset of the 2 nA x 2 ms somatic pulse
LATENCY = 1.0  # ms, approximate pulse-to-AP latency; the exact AP time is measured


def pair(rule, pre_offsets_ms: list[list[float]]):
    """Synapse k gets presynaptic spikes near t_post + pre_offsets_ms[k]. Receptor weights
    are zero, so the AP does not depend on them. Returns (each synapse's actual pre times
    minus the measured t_post, in ms; final efficacies)."""
    group = neuron()
    gen, pulse = current_pulses(group, "soma", [0], [T_PULSE] * ms, 2 * nA, 2 * ms)
    idx = np.concatenate([[k] * len(o) for k, o in enumerate(pre_offsets_ms)])
    times = np.concatenate([T_PULSE + LATENCY + np.asarray(o, float) for o in pre_offsets_ms])
    src = SpikeGeneratorGroup(len(pre_offsets_ms), idx, np.round(times, 6) * ms)
    n = len(pre_offsets_ms)
    syn, _ = connect(src, group, "basal", {"AMPA": 0 * nS}, i=np.arange(n), j=np.zeros(n, int),
                     rule=rule, w=W0, seed=0)
    post = SpikeMonitor(group)
    Network(group, gen, pulse, src, syn, post).run(T_PULSE * ms + 150 * ms)
    assert post.num_spikes == 1
    t_post = float(post.t[0] / ms)
    offsets = [[float(t) - t_post for t in times[idx == k]] for k in range(n)]
    return offsets, np.asarray(syn.w[:])


def test_single_pair_matches_closed_form_and_bi_poo_window():
    rule = pair_stdp()
    p = rule.parameters
    nominal = np.array([-100, -60, -40, -25, -15, -10, -5, -2, 2, 5, 10, 15, 25, 40, 60, 100.0])
    offsets, w = pair(rule, [[-dt] for dt in nominal])
    dts = -np.array([o[0] for o in offsets])  # t_post - t_pre, from the measured AP
    assert np.all(np.sign(dts) == np.sign(nominal))
    dw = w - W0
    tp, tm = float(p["tau_plus"] / ms), float(p["tau_minus"] / ms)
    expected = np.where(dts > 0, p["A_plus"] * np.exp(-dts / tp),
                        -p["A_minus"] * np.exp(dts / tm))
    np.testing.assert_allclose(dw, expected, rtol=1e-9, atol=1e-12)
    # the window as an experimentalist would fit it (Bi & Poo 1998, Fig. 7)
    ltp, ltd = dts > 0, dts < 0
    assert np.all(dw[ltp] > 0) and np.all(dw[ltd] < 0)
    tau_fit_plus = -1 / np.polyfit(dts[ltp], np.log(dw[ltp]), 1)[0]
    tau_fit_minus = 1 / np.polyfit(dts[ltd], np.log(-dw[ltd]), 1)[0]
    assert tau_fit_plus == pytest.approx(16.8, rel=0.01)
    assert tau_fit_minus == pytest.approx(33.7, rel=0.01)
    area = (p["A_minus"] * tm) / (p["A_plus"] * tp)
    assert area == pytest.approx(1.05, rel=0.01)


def test_all_to_all_and_nearest_spike_differ_as_defined():
    """Two presynaptic spikes 20 and 10 ms before the AP: all-to-all sums both pairs,
    nearest-spike only the closer one (Morrison, Diesmann & Gerstner 2008, Sec. 4.1)."""
    [(far, near)], w_all = pair(pair_stdp(), [[-20.0, -10.0]])
    _, w_near = pair(pair_stdp(nearest=True), [[-20.0, -10.0]])
    a, tp = 0.01, 16.8
    assert w_all[0] - W0 == pytest.approx(a * (np.exp(far / tp) + np.exp(near / tp)), rel=1e-9)
    assert w_near[0] - W0 == pytest.approx(a * np.exp(near / tp), rel=1e-9)


def test_weights_stay_within_bounds():
    rule = pair_stdp(A_plus=0.8, w_max=1.5)
    _, w = pair(rule, [[-5.0], [5.0], [-5.0, -3.0]])
    assert np.all(w >= 0) and np.all(w <= 1.5)
    assert w[0] == pytest.approx(1.5) and w[2] == pytest.approx(1.5)
