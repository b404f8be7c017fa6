"""Rule 5, BCM with a sliding threshold (Bienenstock, Cooper & Munro 1982).

1. The event-driven traces integrate the rule's definition exactly: for imposed post- and
   presynaptic spike times, the final efficacy equals the sum over presynaptic spikes of
   eta nu (nu - theta)/nu_0^2 with nu and theta from their closed-form solutions between
   spikes (to 1e-9), and theta at the last event equals its closed form (to 1e-9).
2. The replay of :mod:`protocols.plasticity.bcm_threshold`: theta after conditioning and
   after adaptation within 3% of the value the definition predicts; every test rate whose
   effective rate differs from theta by more than 3% changes the weight with the sign of
   (rate - theta); the sign change lies at theta within 5%; 15 Hz potentiates before and
   depresses after 6 s at 20 Hz, while a control cell kept at 10 Hz still potentiates.
3. Hard bounds and unit checks.
"""

import numpy as np
import pytest
from brian2 import Hz, Network, SpikeGeneratorGroup, SpikeMonitor, ms, nA, nS, second, um

from dendritic_models import Compartment, NeuronModel
from dendritic_models.errors import ModelError
from dendritic_models.mechanisms import lif
from dendritic_models.rules.bcm import bcm
from dendritic_models.stimuli import current_pulses
from dendritic_models.wiring import connect
from protocols.plasticity import bcm_threshold

POST_ONSETS = [50.0, 120.0, 160.0, 300.0, 310.0, 320.0]  # ms, 2 nA x 2 ms pulses
PRE_TIMES = [10.0, 100.0, 140.0, 200.0, 305.0, 330.0, 600.0]  # ms


def imposed(rule, post_onsets, pre_times):
    """One cell with imposed APs and one synapse with the given presynaptic spikes."""
    group = NeuronModel([Compartment("soma", "soma", length=20 * um, diameter=20 * um,
                                     mechanisms=[lif()])], name="bcm_test_cell").group(1)
    pulses = current_pulses(group, "soma", np.zeros(len(post_onsets), int),
                            np.asarray(post_onsets) * ms, 2 * nA, 2 * ms)
    src = SpikeGeneratorGroup(1, np.zeros(len(pre_times), int), np.asarray(pre_times) * ms)
    syn, _ = connect(src, group, "soma", {"AMPA": 0 * nS}, i=[0], j=[0], rule=rule)
    spikes = SpikeMonitor(group)
    Network(group, *pulses, src, syn, spikes).run(max(pre_times) * ms + 1 * ms)
    return np.asarray(spikes.t / second), syn


def closed_form(post_s, pre_s, eta, tau, tau_theta, nu0, t_end):
    """nu, theta at each presynaptic spike and the final w, event by event (s, Hz)."""
    events = sorted([(t, "post") for t in post_s] + [(t, "pre") for t in pre_s])
    nu = theta = last = 0.0
    w = 1.0
    for t, kind in [*events, (t_end, "end")]:
        s = t - last
        a = nu**2 / nu0  # nu^2/nu_0 just after the previous event
        theta = theta * np.exp(-s / tau_theta) + a / (tau_theta * (1 / tau_theta - 2 / tau)) * (
            np.exp(-2 * s / tau) - np.exp(-s / tau_theta))
        nu *= np.exp(-s / tau)
        last = t
        if kind == "post":
            nu += 1 / tau
        elif kind == "pre":
            w += eta * nu * (nu - theta) / nu0**2
    return w, theta


def test_event_driven_traces_follow_the_definition():
    rule = bcm(eta=0.01, tau_theta=200 * ms)
    post_s, syn = imposed(rule, POST_ONSETS, PRE_TIMES)
    assert len(post_s) == len(POST_ONSETS)
    w, theta = closed_form(post_s, np.asarray(PRE_TIMES) / 1000, 0.01, 0.1, 0.2, 10.0,
                           PRE_TIMES[-1] / 1000)
    assert syn.w[0] == pytest.approx(w, rel=1e-9)
    assert syn.w[0] != pytest.approx(1.0, abs=1e-3)  # the spikes did change the weight
    assert float(syn.theta[0] / Hz) == pytest.approx(theta, rel=1e-9)


def test_sliding_threshold_replay():
    result = bcm_threshold.run(quick=True)
    failed = [f for f in result["findings"] if not f["reproduced"]]
    assert not failed, failed
    data = result["data"]
    adapt = int(data["adapt_cell"])
    assert data["theta_adapt_hz"][adapt] > 3 * data["theta_cond_hz"][adapt]


def test_weights_stay_within_bounds():
    """Huge steps: 100 Hz with theta still near 0 potentiates to w_max; with nu_0 = 1 Hz,
    theta ~ nu^2 >> nu and every presynaptic spike depresses, down to 0."""
    post = [20.0 + 10 * k for k in range(20)]
    _, syn_up = imposed(bcm(eta=5.0, w_max=1.5), post, [150.0, 200.0])
    assert syn_up.w[0] == 1.5
    _, syn_down = imposed(bcm(eta=5.0, nu_0=1 * Hz, tau_theta=20 * ms), post, [150.0, 200.0])
    assert syn_down.w[0] == 0.0


@pytest.mark.parametrize("kwargs", [
    {"tau_nu": 100.0},  # no units
    {"tau_theta": 2 * Hz},
    {"nu_0": 10 * ms},
    {"eta": 1e-3 * ms},
    {"eta": -1e-3},
    {"w_max": 0.0},
])
def test_bad_parameters_raise_model_error(kwargs):
    with pytest.raises(ModelError, match="bcm"):
        bcm(**kwargs)
