"""Passive cable validation (issue: foundation, item 1).

Sources: Rall 1959 (Exp Neurol 1:491) finite-cable solution via
``dendritic_models.cable``; NEURON (Hines & Carnevale 1997) with identical geometry and
segmentation; membrane time constant tau_m = Cm/gL for a uniform passive membrane
(Rall 1969, Biophys J 9:1483: the slowest equalising time constant tau_0 = Rm Cm).
Tolerance: 2% against the analytic solution (the issue's target; the error left is the
finite segmentation), 0.1% against NEURON (same discretisation and method, so only
floating-point differences are expected).
"""

import numpy as np
import pytest
from brian2 import Network, StateMonitor, cm, ms, mV, nA, ohm, pA, uF, um, uS

from dendritic_models import Compartment, NeuronModel
from dendritic_models.cable import attenuation, input_resistance
from dendritic_models.neuron_reference import simulate

PASSIVE = {"Cm": 1 * uF / cm**2, "gL": 40 * uS / cm**2, "Ra": 100 * ohm * cm, "receptors": ()}


def ball_and_stick() -> NeuronModel:
    """Soma 20 x 20 um, dendrite 200 x 1 um in 20 segments (the issue's geometry)."""
    return NeuronModel(
        [
            Compartment("soma", "soma", length=20 * um, diameter=20 * um, **PASSIVE),
            Compartment("dend", "basal", parent="soma", length=200 * um, diameter=1 * um,
                        n_seg=20, **PASSIVE),
        ],
        name="ball_and_stick",
    )


def branched() -> NeuronModel:
    """Soma, a trunk that forks into two unequal branches, and a basal branch."""
    return NeuronModel(
        [
            Compartment("soma", "soma", length=20 * um, diameter=20 * um, **PASSIVE),
            Compartment("trunk", "apical_trunk", parent="soma", length=300 * um,
                        diameter=3 * um, n_seg=15, **PASSIVE),
            Compartment("tuftA", "apical_tuft", parent="trunk", length=400 * um,
                        diameter=1 * um, n_seg=20, **PASSIVE),
            Compartment("tuftB", "apical_tuft", parent="trunk", length=150 * um,
                        diameter=0.6 * um, n_seg=10, **PASSIVE),
            Compartment("basal", "basal", parent="soma", length=150 * um, diameter=1 * um,
                        n_seg=10, **PASSIVE),
        ],
        name="branched",
    )


def steady_state(model, inject_at, current, record, duration=400 * ms):
    group = model.group(1)
    setattr(group, f"I_ext_{inject_at}", current)
    Network(group).run(duration)
    rest = float(model.tree.compartments[model.tree.root].EL / mV)
    return {n: float(getattr(group, f"v_{n}")[0] / mV) - rest for n in record}


@pytest.mark.parametrize("factory", [ball_and_stick, branched])
def test_input_resistance_matches_finite_cable(factory):
    model = factory()
    dv = steady_state(model, "soma", 10 * pA, ["soma"])["soma"] * mV
    expected = input_resistance(model)
    assert float(dv / (10 * pA) / expected) == pytest.approx(1, rel=0.02)


@pytest.mark.parametrize(
    ("factory", "branch", "node"),
    [(ball_and_stick, "dend", "dend_19"), (branched, "tuftA", "tuftA_19"),
     (branched, "tuftB", "tuftB_4")],
)
def test_attenuation_matches_finite_cable(factory, branch, node):
    model = factory()
    dv = steady_state(model, "soma", 100 * pA, ["soma", node])
    seg = model.tree.nodes[model.tree.node_index[node]]
    x = seg.distance - model.tree.start_distance(branch)
    assert dv[node] / dv["soma"] == pytest.approx(attenuation(model, branch, x), rel=0.02)


def test_membrane_time_constant_is_rm_cm():
    """After a current step ends, the slowest decay has tau_0 = Cm/gL = 25 ms."""
    model = branched()
    group = model.group(1)
    mon = StateMonitor(group, "v_soma", record=0)
    net = Network(group, mon)
    group.I_ext_tuftA_19 = 50 * pA
    net.run(200 * ms)
    group.I_ext_tuftA_19 = 0 * pA
    net.run(150 * ms)
    t = mon.t / ms
    dv = mon.v_soma[0] / mV + 70
    late = (t > 260) & (t < 340)
    slope = np.polyfit(t[late], np.log(dv[late]), 1)[0]
    assert -1 / slope == pytest.approx(float(PASSIVE["Cm"] / PASSIVE["gL"] / ms), rel=0.02)


@pytest.mark.parametrize(("factory", "tip"), [(ball_and_stick, "dend_19"), (branched, "tuftA_19")])
def test_voltage_traces_match_neuron(factory, tip):
    """Soma and tip voltage during 50 pA at the tip, whole trace, against NEURON."""
    pytest.importorskip("neuron")
    model = factory()
    t_ref, v_ref = simulate(model, 100 * ms, 0.1 * ms, {tip: 50 * pA}, ["soma", tip])
    group = model.group(1)
    setattr(group, f"I_ext_{tip}", 50 * pA)
    mon = StateMonitor(group, ["v_soma", f"v_{tip}"], record=0, when="end")
    Network(group, mon).run(100 * ms)
    for node in ("soma", tip):
        ours = getattr(mon, f"v_{node}")[0] / mV + 70
        ref = v_ref[node][1:] + 70
        np.testing.assert_allclose(ours, ref, rtol=1e-3, atol=1e-6)


def test_neuron_reference_rejects_active_trees():
    from dendritic_models.templates import l23_pyramidal

    with pytest.raises(ValueError, match="passive"):
        simulate(l23_pyramidal(), 1 * ms, 0.1 * ms, {"soma": 0 * nA}, ["soma"])


@pytest.mark.parametrize(
    ("name", "tip"), [("l23_pyramidal", "tuft1_2"), ("l5_pyramidal", "tuft1_1")]
)
def test_templates_passive_trees_match_neuron(name, tip):
    """Each template's own geometry and segmentation (mechanisms removed), dt 0.1 ms."""
    pytest.importorskip("neuron")
    from dataclasses import replace

    from dendritic_models.templates import TEMPLATES

    template = TEMPLATES[name]()
    model = NeuronModel(
        [replace(c, mechanisms=()) for c in template.tree.compartments.values()], name=name
    )
    nodes = ["soma", "basal0_1", tip]
    _, v_ref = simulate(model, 60 * ms, 0.1 * ms, {tip: 100 * pA, "soma": -30 * pA}, nodes)
    group = model.group(1)
    setattr(group, f"I_ext_{tip}", 100 * pA)
    group.I_ext_soma = -30 * pA
    mon = StateMonitor(group, [f"v_{n}" for n in nodes], record=0, when="end")
    Network(group, mon).run(60 * ms)
    for node in nodes:
        ours = getattr(mon, f"v_{node}")[0] / mV + 70
        np.testing.assert_allclose(ours, v_ref[node][1:] + 70, rtol=1e-3, atol=1e-6)
