"""Bad input fails before anything runs, with a message naming the problem (item 6)."""

import numpy as np
import pytest
from brian2 import Network, SpikeGeneratorGroup, defaultclock, ms, mV, nS, pA, um

from dendritic_models import Compartment, ModelError, NeuronModel
from dendritic_models.mechanisms import adex, na_spike
from dendritic_models.templates import l23_pyramidal
from dendritic_models.wiring import connect

SOMA = Compartment("soma", "soma", length=20 * um, diameter=20 * um)


def dend(name="dend", parent="soma", **kw):
    return Compartment(name, "basal", parent=parent, length=100 * um, diameter=1 * um, **kw)


def test_duplicate_compartment_name():
    with pytest.raises(ModelError, match=r"duplicate compartment name.*'dend'"):
        NeuronModel([SOMA, dend(), dend()])


def test_unknown_parent_names_it():
    with pytest.raises(ModelError, match=r"unknown parent 'trnk'"):
        NeuronModel([SOMA, dend(parent="trnk")])


def test_tree_not_connected():
    with pytest.raises(ModelError, match=r"not connected.*\['a', 'b'\]"):
        NeuronModel([SOMA, dend("a", parent="b"), dend("b", parent="a")])


def test_two_roots():
    with pytest.raises(ModelError, match="exactly one root"):
        NeuronModel([SOMA, Compartment("other", "soma", area=100 * um**2)])


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        ({"length": -5 * um}, "length .* must be positive"),
        ({"diameter": 0 * um}, "diameter .* must be positive"),
        ({"length": 100}, "length .* has no units"),
        ({"diameter": 1 * mV}, "diameter .* wrong units"),
        ({"Ra": 100 * um}, "Ra .* wrong units"),
        ({"n_seg": 0}, "n_seg must be a positive integer"),
    ],
)
def test_geometry_and_units(kwargs, message):
    spec = {"length": 100 * um, "diameter": 1 * um, **kwargs}
    with pytest.raises(ModelError, match=message):
        Compartment("dend", "basal", parent="soma", **spec)


def test_unknown_kind_lists_valid_kinds():
    with pytest.raises(ModelError, match="unknown kind 'basil'.*apical_tuft"):
        Compartment("d", "basil", parent="soma", length=1 * um, diameter=1 * um)


def test_mechanism_parameter_with_wrong_units():
    with pytest.raises(ModelError, match=r"gbar_Na = 3\. mV must be a conductance"):
        na_spike(gbar_Na=3 * mV)


def test_unknown_mechanism_parameter():
    with pytest.raises(ModelError, match="no parameter.*'gbar_Ca'"):
        na_spike().with_parameters(gbar_Ca=1 * nS)


def test_spike_mechanism_off_the_soma():
    with pytest.raises(ModelError, match="must sit on the root"):
        NeuronModel([SOMA, dend(mechanisms=[adex()])])


def test_synapse_on_missing_compartment_lists_the_valid_ones():
    group = l23_pyramidal().group(1)
    src = SpikeGeneratorGroup(1, [0], [1] * ms)
    with pytest.raises(ModelError, match=r"no compartment, segment or kind named 'apical_tft'"):
        connect(src, group, "apical_tft", {"AMPA": 1 * nS}, i=[0], j=[0])


def test_synapse_with_missing_receptor_or_wrong_units():
    model = NeuronModel([SOMA, dend(receptors=("AMPA",))])
    group = model.group(1)
    src = SpikeGeneratorGroup(1, [0], [1] * ms)
    with pytest.raises(ModelError, match=r"\['dend'\] carry no NMDA"):
        connect(src, group, "dend", {"NMDA": 1 * nS}, i=[0], j=[0])
    with pytest.raises(ModelError, match="weight of AMPA .* wrong units"):
        connect(src, group, "dend", {"AMPA": 1 * pA}, i=[0], j=[0])
    with pytest.raises(ModelError, match="outside branch 'dend'"):
        connect(src, group, "dend", {"AMPA": 1 * nS}, i=[0], j=[0], x=150 * um)


def test_dt_too_large_states_the_bound():
    model = l23_pyramidal()
    with pytest.raises(ModelError, match=r"t_AP_soma = 0\.8 ms.*dt <= 0\.4 ms"):
        model.group(1, dt=0.5 * ms)


def test_dt_changed_after_build_is_checked_before_the_run():
    group = l23_pyramidal().group(1)
    net = Network(group)
    defaultclock.dt = 1 * ms
    with pytest.raises(Exception) as raised:  # Brian2 wraps errors raised before a run
        net.run(1 * ms)
    assert "dt = 1. ms is too large" in str(raised.value.__cause__)
    assert np.all(group.t_[:] == 0)


def test_with_parameters_checks_units():
    with pytest.raises(ModelError, match="adex.*b = .* wrong units"):
        adex().with_parameters(b=1 * nS)


def test_equation_units_are_checked_when_the_group_is_built():
    from dendritic_models.mechanisms import Mechanism

    wrong = Mechanism(name="bad", source="test", current="g_bad", parameters={"g_bad": 1 * nS})
    with pytest.raises(ModelError, match="I_m_dend"):
        NeuronModel([SOMA, dend(mechanisms=[wrong])]).group(1)


def test_synapses_onto_a_lumped_soma():
    """A soma given by area has no length; connect() places synapses at its centre."""
    group = NeuronModel([Compartment("soma", "soma", area=1000 * um**2, mechanisms=[adex()]),
                         dend()]).group(1)
    src = SpikeGeneratorGroup(1, [0], [1] * ms)
    _, layout = connect(src, group, "soma", {"AMPA": 1 * nS}, i=np.zeros(3, int),
                        j=np.zeros(3, int), seed=0)
    assert list(layout.node) == ["soma"] * 3 and np.all(np.asarray(layout.x) == 0)
