"""Rule 8, burst-dependent plasticity (Payeur, Guerguiev, Zenke, Richards & Naud 2021).

1. Closed form: one presynaptic event (a second presynaptic spike 5 ms later is not an
   event), then postsynaptic spikes imposed by somatic pulses: an event (Pbar = 0: no change),
   a burst spike 6 ms later (w += eta Etilde), a third spike (no change) and, 250 ms later,
   an event with Pbar = min(1, Bbar/Ebar) = 1 (w -= eta Etilde). Tolerance 1e-9.
2. :mod:`protocols.plasticity.burst_plasticity` (Fig. 2 of the source): Brian2's efficacies
   equal the rule replayed offline from the spike times (1e-9); with imposed spikes, burst
   probability above its running average potentiates and below depresses, with the
   mean-field magnitude within 15 % (mean of 100 synapses); in a two-compartment neuron
   apical input raises the burst probability by at least 0.2 and potentiates the
   feedforward synapses (dw > 0 and more than 3x the change without apical input), and its
   withdrawal depresses them.
3. Bad input: parameters with wrong units name the rule and the parameter.
"""

import numpy as np
import pytest
from brian2 import Network, SpikeGeneratorGroup, SpikeMonitor, ms, mV, nA, nS, second, um

from dendritic_models import Compartment, ModelError, NeuronModel
from dendritic_models.mechanisms import lif
from dendritic_models.rules.burst_dependent import burst_dependent
from dendritic_models.stimuli import current_pulses
from dendritic_models.wiring import connect
from protocols.plasticity import burst_plasticity


def test_single_burst_and_event_match_closed_form():
    rule = burst_dependent()
    p = rule.parameters
    group = NeuronModel([Compartment("soma", "soma", length=20 * um, diameter=20 * um,
                                     mechanisms=[lif()])]).group(1)
    pulses = np.array([150.0, 156.0, 162.0, 412.0])
    gen, pulse = current_pulses(group, "soma", np.zeros(4, int), pulses * ms, 3 * nA, 2 * ms)
    pre = SpikeGeneratorGroup(1, [0, 0], [100, 105] * ms)
    syn, _ = connect(pre, group, "soma", {"AMPA": 0 * nS}, i=np.array([0]), j=np.array([0]),
                     rule=rule)
    post = SpikeMonitor(group)
    Network(group, gen, pulse, pre, syn, post).run(450 * ms)
    t = np.asarray(post.t / ms)
    assert len(t) == 4 and t[1] - t[0] < 16 and t[2] - t[1] < 16 and t[3] - t[2] > 16
    trace = np.exp(-(t - 100) / float(p["tau_event"] / ms))  # only the first pre spike
    expected = 1 + p["eta"] * (trace[1] - trace[3])
    assert syn.w[0] == pytest.approx(expected, rel=1e-9)
    assert syn.E_avg[0] == pytest.approx(np.exp(-(t[3] - t[0]) / 2000) + 1, rel=1e-9)
    assert syn.B_avg[0] == pytest.approx(np.exp(-(t[3] - t[1]) / 2000), rel=1e-9)


def test_burst_probability_sets_the_sign_of_plasticity():
    result = burst_plasticity.run()
    failed = [f for f in result["findings"] if not f["reproduced"]]
    assert not failed, failed


@pytest.mark.parametrize(("kwargs", "name"), [
    ({"tau_avg": 2.0}, "tau_avg"),
    ({"tau_event": 100 * mV}, "tau_event"),
    ({"t_burst": -16 * ms}, "t_burst"),
    ({"eta": 8e-3 / second}, "eta"),
])
def test_wrong_units_name_the_rule_and_parameter(kwargs, name):
    with pytest.raises(ModelError, match=f"burst_dependent: {name}"):
        burst_dependent(**kwargs)
