"""Fear-conditioning building blocks (Kim, Paré & Nair 2013, ModelDB 150288): the LA cells'
passive properties, the paradigm's schedule and wiring, and the plasticity-induction gate
that models APV.

Tolerances: input resistance of the principal cell within 2% of the value computed from
ModelDB's ``LAcells_template.hoc`` passive parameters and one-segment branches (210 MOhm),
its charging time between the fast equalisation and the slowest time constant (see
``test_principal_cell_has_the_published_passive_membrane``); schedule and wiring exact; a
blocked synapse's efficacy unchanged to 1e-12, an open one changed by the pair-STDP closed
form to 1e-9.
"""

import numpy as np
import pytest
from brian2 import Network, SpikeGeneratorGroup, SpikeMonitor, StateMonitor, ms, mV, nA, nS, pA

from dendritic_models import ModelError
from dendritic_models.rules.base import Rule
from dendritic_models.rules.pair_stdp import pair_stdp
from dendritic_models.stimuli import current_pulses
from dendritic_models.templates import LA_FIRING_TYPES, la_interneuron, la_principal
from dendritic_models.wiring import connect
from protocols import fear_conditioning as fc


def test_principal_cell_has_the_published_passive_membrane():
    """ModelDB 150288 (nseg = 1): soma 0.243 nS; dend 0.308 nS behind 24 MOhm of axial
    resistance (0.306 nS); p_dend 4.606 nS behind 20.4 MOhm (4.22 nS): R_in = 1 / 4.77 nS
    = 210 MOhm. Capacitance 224 pF, so the slowest time constant is about C/G = 47 ms; the
    somatic voltage reaches 63% of its step response sooner (p_dend charges through its
    axial resistance), but not before 0.75 C/G."""
    group = la_principal().group(1)
    group.b_soma = 0 * pA
    group.a_soma = 0 * nS
    trace = StateMonitor(group, "v_soma", record=0)
    net = Network(group, trace)
    net.run(50 * ms)
    group.I_ext_soma = -0.02 * nA
    net.run(400 * ms)
    v = np.asarray(trace.v_soma[0] / mV)
    rest, end = v[499], v[-1]
    assert (end - rest) / -0.02 == pytest.approx(210, rel=0.02)  # MOhm
    t = np.arange(v.size) * 0.1 - 50.0
    after = t >= 0
    reached = np.flatnonzero((v[after] - rest) <= (1 - np.exp(-1)) * (end - rest))[0] * 0.1
    assert 0.75 * 47 <= reached <= 47


def test_firing_types_order_by_adaptation_and_interneurons_do_not_adapt():
    """Types A, B, C: high, intermediate, low adaptation (Kim et al. 2013), so spike counts
    to the same step rise from A to C; the fast-spiking interneuron keeps its rate."""
    group = la_principal().group(3)
    for k, parameters in enumerate(LA_FIRING_TYPES.values()):
        for par, value in parameters.items():
            getattr(group, f"{par}_soma")[k] = value
    inter = la_interneuron().group(1)
    spikes, inter_spikes = SpikeMonitor(group), SpikeMonitor(inter)
    net = Network(group, inter, spikes, inter_spikes)
    group.I_ext_soma = 0.3 * nA
    inter.I_ext_soma = 0.3 * nA
    net.run(500 * ms)
    counts = np.bincount(spikes.i, minlength=3)
    assert counts[0] < counts[1] < counts[2]
    t = np.asarray(inter_spikes.t / ms)
    assert t.size > 10
    isi = np.diff(t)
    assert isi[-1] == pytest.approx(isi[1], rel=0.1)


def test_schedule_pairs_the_shock_with_the_end_of_each_tone():
    p = fc.Paradigm()
    tones = fc.tone_onsets(p)
    assert [len(tones[k]) for k in tones] == [8, 16, 4, 20, 4]
    assert tones["test"][0] == pytest.approx((8 + 16) * p.tone_period + p.consolidation)
    paired = fc.us_onsets(p, "paired")
    last_pulse = paired + (p.us_pulses - 1) / p.us_rate
    assert np.all(last_pulse < tones["conditioning"] + p.tone_duration)
    assert np.all(paired > tones["conditioning"])
    unpaired = fc.us_onsets(p, "unpaired")
    assert np.all(np.abs(unpaired - tones["conditioning"]) >= p.tone_duration)
    assert fc.us_onsets(p, "cs_only").size == 0


def test_wiring_has_the_published_in_degrees():
    circuit = fc.Circuit()
    wires = fc.wiring(circuit, np.random.default_rng(0))
    for name, degree in zip(("pn_pn", "pn_in", "in_pn"), circuit.in_degree, strict=True):
        n_post = circuit.n_interneurons if name == "pn_in" else circuit.n_principal
        n_pre = circuit.n_interneurons if name == "in_pn" else circuit.n_principal
        expected = min(degree, n_pre - (name == "pn_pn"))
        assert np.all(np.bincount(wires[f"{name}_post"], minlength=n_post) == expected)
    assert not np.any(wires["pn_pn_pre"] == wires["pn_pn_post"])
    types = np.bincount(wires["type"], minlength=3) / circuit.n_principal
    assert types[0] > types[1] > types[2]


def test_blocked_induction_leaves_the_efficacy_unchanged():
    """Two synapses with presynaptic spikes ~10 ms before an AP: the open one changes by the
    pair-STDP closed form A_plus exp(-(t_post - t_pre)/16.8 ms), the blocked one
    (``induction = 0``, APV) not at all."""
    group = la_principal().group(1)
    gen, pulse = current_pulses(group, "soma", [0], np.array([20.0]) * ms, 2 * nA, 2 * ms)
    source = SpikeGeneratorGroup(2, [0, 1], np.array([10.0, 10.0]) * ms)
    syn, _ = connect(source, group, "proximal", {"AMPA": 0 * nS}, i=[0, 1], j=[0, 0],
                     rule=pair_stdp(), seed=0)
    syn.induction = [1, 0]
    spikes = SpikeMonitor(group)
    Network(group, gen, pulse, source, syn, spikes).run(60 * ms)
    assert spikes.num_spikes == 1
    w = np.asarray(syn.w[:])
    assert w[1] == pytest.approx(1.0, abs=1e-12)
    interval = float(spikes.t[0] / ms) - 10.0
    assert w[0] - 1 == pytest.approx(0.01 * np.exp(-interval / 16.8), rel=1e-9)


def test_a_rule_gating_an_unknown_parameter_is_refused():
    rule = Rule("broken", "test", on_pre="w += eta", parameters={"eta": 0.1},
                induction=("eta", "zeta"))
    with pytest.raises(ModelError, match="zeta"):
        rule.gated()
