"""The model layer's contract: sources' numbers for the somatic spike, printable equations,
user-added terms, and every parameter a group variable (sweepable by run_args)."""

import math

import numpy as np
import pytest
from brian2 import (
    DEFAULT_CONSTANTS,
    DEFAULT_FUNCTIONS,
    Network,
    SpikeMonitor,
    ms,
    mV,
    nS,
    pA,
    pF,
    uF,
    um,
)
from brian2.core.namespace import DEFAULT_UNITS

from dendritic_models import Compartment, NeuronModel
from dendritic_models.mechanisms import Mechanism, adex, lif
from dendritic_models.templates import TEMPLATES

# Brette & Gerstner 2005, Table 1: C 281 pF, gL 30 nS, EL -70.6 mV, VT -50.4 mV, DeltaT 2 mV
C, GL, EL, VT, DT, A = 281 * pF, 30 * nS, -70.6 * mV, -50.4 * mV, 2 * mV, 4 * nS
AREA = 28100 * um**2  # with Cm = 1 uF/cm^2 this gives C = 281 pF


def adex_point_neuron(n: int):
    soma = Compartment("soma", "soma", area=AREA, Cm=1 * uF / (1e8 * um**2), gL=GL / AREA,
                       EL=EL, mechanisms=[adex(VT=VT, DeltaT=DT, a=A)], receptors=())
    return NeuronModel([soma], name="adex_point").group(n)


def test_adex_rheobase_matches_closed_form():
    """Rheobase of AdEx for a < gL tau_w / C: (gL + a)(VT - EL - DT + DT ln(1 + a/gL))
    (Touboul & Brette 2008, Biol Cybern 99:319, Eq. 9), with Brette & Gerstner 2005's
    parameters: 627 pA. Tolerance: 1% either side of it (the AP clamp and the explicit
    exponential do not move the fixed point)."""
    group = adex_point_neuron(2)
    assert float(group.C_soma[0] / C) == pytest.approx(1, rel=1e-9)
    rheobase = (GL + A) * (VT - EL - DT + DT * math.log(1 + float(A / GL)))
    assert float(rheobase / pA) == pytest.approx(627, abs=1)
    group.I_ext_soma = [0.99, 1.02] * rheobase
    spikes = SpikeMonitor(group)
    Network(group, spikes).run(3000 * ms)
    # onset transients (w lags behind v) may fire early; the asymptotic state decides
    late = spikes.t > 1000 * ms
    assert np.sum(late & (spikes.i == 0)) == 0
    assert np.sum(late & (spikes.i == 1)) >= 2


def test_adex_adapts():
    """Spike-triggered adaptation b lengthens successive intervals (Brette & Gerstner 2005,
    Fig. 2B; Naud et al. 2008, Biol Cybern 99:335: 'adapting' firing)."""
    group = adex_point_neuron(1)
    group.I_ext_soma = 1000 * pA
    spikes = SpikeMonitor(group)
    Network(group, spikes).run(500 * ms)
    isi = np.diff(spikes.t / ms)
    assert len(isi) >= 4 and isi[-1] > 1.5 * isi[0]


def test_lif_fires_at_its_threshold():
    """LIF soma: steady state EL + I/gL; fires iff it exceeds V_th (Gerstner et al. 2014)."""
    soma = Compartment("soma", "soma", area=AREA, gL=GL / AREA, EL=-70 * mV,
                       mechanisms=[lif(V_th=-50 * mV)], receptors=())
    group = NeuronModel([soma], name="lif_point").group(2)
    group.I_ext_soma = [19.5, 20.5] * mV * GL  # steady states 19.5 and 20.5 mV above rest
    spikes = SpikeMonitor(group)
    Network(group, spikes).run(300 * ms)
    assert spikes.count[0] == 0 and spikes.count[1] >= 2


@pytest.mark.parametrize("name", sorted(TEMPLATES))
def test_every_parameter_is_a_group_variable(name):
    """No namespace constants: every identifier in the equations is a variable of the group,
    a Brian2 unit, constant or function, so run_args can set any parameter."""
    model = TEMPLATES[name]()
    group = model.group(2)
    external = group.equations.identifiers - set(group.variables)
    builtin = set(DEFAULT_UNITS) | set(DEFAULT_FUNCTIONS) | set(DEFAULT_CONSTANTS)
    assert external - builtin - {"t", "dt"} == set()
    assert set(model.parameters) | set(model.constants) <= set(group.variables)
    for var, value in model.parameters.items():
        np.testing.assert_allclose(np.asarray(getattr(group, var)[:]), float(value))


def test_equations_are_printable_and_extendable():
    """The user reads what will run and adds a term: an M-type K current on the soma as a
    custom mechanism (kinetics of Yamada, Koch & Adams 1989 reduced to one gate)."""
    m_current = Mechanism(
        name="M",
        source="Yamada, Koch & Adams 1989 (Methods in Neuronal Modeling, ch. 4)",
        equations="dq/dt = (1/(1 + exp(-(v + 35*mV)/(10*mV))) - q)/tau_q : 1",
        current="gbar_M*q*(-90*mV - v)",
        parameters={"gbar_M": 5 * nS, "tau_q": 100 * ms},
    )
    soma = Compartment("soma", "soma", area=AREA, mechanisms=[adex(), m_current],
                       receptors=())
    model = NeuronModel([soma], name="with_M")
    text = str(model)
    assert "dq_soma/dt" in text and "gbar_M_soma*q_soma" in text and "hines_a_soma" in text
    group = model.group(1)
    group.q_soma = 0.5
    Network(group).run(20 * ms)
    assert 0 < group.q_soma[0] < 0.5  # relaxes towards its small resting value


def test_connect_gives_per_synapse_delays_unless_one_is_given():
    """Brian2 keeps a delay given at creation as one shared value; connect's default leaves
    a delay per synapse, so ``syn.delay = array`` sets each (the intra-LA synapses of the
    fear-conditioning circuit draw theirs from 1-5 ms)."""
    from brian2 import SpikeGeneratorGroup

    from dendritic_models.wiring import connect

    cells = TEMPLATES["l23_pyramidal"]().group(3)
    src = SpikeGeneratorGroup(3, [0], [1] * ms)
    syn, _ = connect(src, cells, "soma", {"AMPA": 0.1 * nS}, i=[0, 1, 2], j=[0, 1, 2])
    syn.delay = [1, 2, 5] * ms
    assert list(syn.delay[:] / ms) == [1, 2, 5]
    shared, _ = connect(src, cells, "soma", {"AMPA": 0.1 * nS}, i=[0, 1], j=[0, 1],
                        delay=3 * ms)
    assert shared.pre.variables["delay"].scalar
