"""Ready-to-use pyramidal neuron specs (data): L2/3 and L5 thick-tufted.

Both are reduced trees in the spirit of Dendrify's reduced pyramidal models (Pagkalos,
Chavlis & Poirazi 2023, Nat Commun 14:131) with electrical segments of 50-100 um, an AdEx
soma (Brette & Gerstner 2005) emitting a bAP, event-gated Na spikes in basal and oblique
branches (Losonczy & Magee 2006), NMDA-capable synapses everywhere (Jahr & Stevens 1990)
and, in L5, a Ca2+ plateau zone at the main apical bifurcation (Larkum, Zhu & Sakmann 1999;
Schiller et al. 1997). Passive properties: Cm 1 uF/cm^2, Rm 25 kOhm cm^2, Ra 150 Ohm cm
(Dendrify's defaults; within the range fitted for L5 neurons by Stuart & Spruston 1998,
J Neurosci 18:3501); dendritic Cm and gL are doubled for spines (spine factor 2),
except on the L5 apical trunk and Ca zone.

Geometry:
- L2/3 (Larkum, Waters, Sakmann & Helmchen 2007, J Neurosci 27:8999: apical tuft starting
  ~150-200 um from the soma): soma 20 x 20 um, 5 basal branches 150 x 1 um, apical trunk
  120 x 2 um, one oblique 120 x 0.8 um, two tuft branches 150 x 0.8 um.
- L5 (Larkum et al. 1999: bifurcation ~ 600-700 um from the soma; Hay et al. 2011, PLoS
  Comput Biol 7:e1002107): soma 30 x 30 um, 3 basal branches 200 x 1.2 um, apical trunk
  600 um tapering 4 -> 2.5 um in two pieces, one oblique 150 x 1 um off the proximal trunk,
  a 100 x 2 um Ca zone (``nexus``) and two tuft branches 200 x 1 um.
"""

from __future__ import annotations

from brian2 import cm, kohm, ms, mV, nS, ohm, pA, siemens, uF, um

from .compartment import Compartment
from .mechanisms import adex, ca_plateau, na_spike
from .neuron import NeuronModel
from .rules.base import RuleSet

PASSIVE = {"Cm": 1 * uF / cm**2, "gL": 1 / (25 * kohm * cm**2), "Ra": 150 * ohm * cm}
#: dendrites: spines double the membrane (spine factor 2, as cm = 2 uF/cm^2 in Hay et al. 2011)
DENDRITE = {**PASSIVE, "Cm": 2 * uF / cm**2, "gL": 2 / (25 * kohm * cm**2)}


def _build(comps: list[Compartment], name: str, rules: RuleSet | None) -> NeuronModel:
    return NeuronModel(comps if rules is None else rules.equip(comps), name=name)


def l23_pyramidal(rules: RuleSet | None = None) -> NeuronModel:
    """An L2/3 pyramidal neuron: soma, 5 basal, trunk, oblique, 2 tuft branches (25 nodes).

    ``rules``: a rule set whose per-compartment mechanisms (voltage filters, calcium) are
    added to the compartments it governs."""
    soma = adex(a=2 * nS, b=40 * pA, tau_w=144 * ms)
    comps = [
        Compartment("soma", "soma", length=20 * um, diameter=20 * um, mechanisms=[soma],
                    **PASSIVE),
        *[
            Compartment(f"basal{i}", "basal", parent="soma", length=150 * um, diameter=1 * um,
                        n_seg=3, mechanisms=[na_spike()], **DENDRITE)
            for i in range(5)
        ],
        Compartment("trunk", "apical_trunk", parent="soma", length=120 * um, diameter=2 * um,
                    n_seg=2, **DENDRITE),
        Compartment("oblique", "apical_oblique", parent="trunk", length=120 * um,
                    diameter=0.8 * um, n_seg=2, mechanisms=[na_spike()], **DENDRITE),
        *[
            Compartment(f"tuft{i}", "apical_tuft", parent="trunk", length=150 * um,
                        diameter=0.8 * um, n_seg=3, **DENDRITE)
            for i in range(2)
        ],
    ]
    return _build(comps, "l23_pyramidal", rules)


def l5_pyramidal(rules: RuleSet | None = None) -> NeuronModel:
    """An L5 thick-tufted pyramidal neuron with a tuft Ca2+ zone (BAC firing); ``rules`` as
    in :func:`l23_pyramidal`."""
    soma = adex(a=4 * nS, b=80.5 * pA, tau_w=144 * ms)
    comps = [
        Compartment("soma", "soma", length=30 * um, diameter=30 * um, mechanisms=[soma],
                    **PASSIVE),
        *[
            Compartment(f"basal{i}", "basal", parent="soma", length=200 * um,
                        diameter=1.2 * um, n_seg=2, mechanisms=[na_spike()], **DENDRITE)
            for i in range(3)
        ],
        Compartment("trunk_prox", "apical_trunk", parent="soma", length=300 * um,
                    diameter=4 * um, n_seg=3, **PASSIVE),
        Compartment("oblique", "apical_oblique", parent="trunk_prox", length=150 * um,
                    diameter=1 * um, n_seg=2, mechanisms=[na_spike()], **DENDRITE),
        Compartment("trunk_dist", "apical_trunk", parent="trunk_prox", length=300 * um,
                    diameter=2.5 * um, n_seg=3, **PASSIVE),
        Compartment("nexus", "apical_tuft", parent="trunk_dist", length=100 * um,
                    diameter=2 * um, mechanisms=[ca_plateau()], **PASSIVE),
        *[
            Compartment(f"tuft{i}", "apical_tuft", parent="nexus", length=200 * um,
                        diameter=1 * um, n_seg=2, **DENDRITE)
            for i in range(2)
        ],
    ]
    return _build(comps, "l5_pyramidal", rules)


def la_principal(rules: RuleSet | None = None) -> NeuronModel:
    """A lateral-amygdala principal neuron: the 3-compartment cell of Kim, Paré & Nair 2013
    (Learn Mem 20:421; ModelDB 150288, ``LAcells_template.hoc``), with an AdEx soma.

    Geometry and passive membrane as published: soma 25 x 24.75 um (Rm 80 kOhm cm^2);
    ``dend`` 118.5 x 2.5 um (leak x 2.65, Cm x 1.76 for spines), where all inputs land, split
    here into a ``proximal`` and a ``distal`` half so that rule sets can address the two;
    ``p_dend`` 400 x 5 um (gL 73.3 uS/cm^2, Cm x 1.98), the rest of the tree. Cm 1.4 uF/cm^2,
    Ra 200 Ohm cm, EL -70 mV: input resistance ~190 MOhm, membrane time constant ~45 ms.
    The published Hodgkin-Huxley channels (Na, Kdr, A, M, h, HVA Ca, sAHP) are reduced to an
    AdEx soma (threshold VT -50 mV) whose adaptation sets the firing type, see
    :data:`LA_FIRING_TYPES`. ``rules`` as in :func:`l23_pyramidal`."""
    cm_ = 1.4 * uF / cm**2
    rm = 80 * kohm * cm**2
    dend = {"Cm": 1.7637 * cm_, "gL": 1.7637 * 1.5 / rm, "Ra": 200 * ohm * cm}
    comps = [
        Compartment("soma", "soma", length=25 * um, diameter=24.75 * um,
                    mechanisms=[adex(VT=-50 * mV, **LA_FIRING_TYPES["A"])], Cm=cm_, gL=1 / rm,
                    Ra=147 * ohm * cm),
        Compartment("proximal", "dendrite", parent="soma", length=59.25 * um,
                    diameter=2.5 * um, **dend),
        Compartment("distal", "dendrite", parent="proximal", length=59.25 * um,
                    diameter=2.5 * um, **dend),
        Compartment("p_dend", "dendrite", parent="soma", length=400 * um, diameter=5 * um,
                    Cm=1.983 * cm_, gL=7.33e-5 * siemens / cm**2, Ra=200 * ohm * cm),
    ]
    return _build(comps, "la_principal", rules)


#: AdEx adaptation of the three LA principal-cell types of Kim et al. 2013 (types A, B, C:
#: high, intermediate and low spike-frequency adaptation; ModelDB 150288 differs between them
#: only in the sAHP and M conductances, gsAHP 8, 0.45, 0.36 mS/cm^2 and gM 0.55, 0.39,
#: 0.40 mS/cm^2). Spike-triggered adaptation b follows gsAHP (slow, tau_w 1 s, the decay of
#: the model's Ca pool that drives the sAHP) and subthreshold adaptation a follows gM.
LA_FIRING_TYPES = {
    "A": {"a": 1.4 * nS, "b": 160 * pA, "tau_w": 1000 * ms},
    "B": {"a": 1.0 * nS, "b": 9 * pA, "tau_w": 1000 * ms},
    "C": {"a": 1.0 * nS, "b": 7.2 * pA, "tau_w": 1000 * ms},
}


def la_interneuron() -> NeuronModel:
    """A lateral-amygdala fast-spiking interneuron (Kim et al. 2013, ModelDB 150288,
    ``interneuron_template.hoc``: soma 15 x 15 um, dendrite 150 x 10 um, Rm 20 kOhm cm^2,
    Cm 1 uF/cm^2, EL -70 mV), with a non-adapting AdEx soma standing for its Na/Kdr."""
    passive = {"Cm": 1 * uF / cm**2, "gL": 1 / (20 * kohm * cm**2), "Ra": 150 * ohm * cm}
    comps = [
        Compartment("soma", "soma", length=15 * um, diameter=15 * um,
                    mechanisms=[adex(VT=-50 * mV, a=0 * nS, b=0 * pA, tau_w=100 * ms)],
                    **passive),
        Compartment("dend", "dendrite", parent="soma", length=150 * um, diameter=10 * um,
                    **passive),
    ]
    return NeuronModel(comps, name="la_interneuron")


TEMPLATES = {"l23_pyramidal": l23_pyramidal, "l5_pyramidal": l5_pyramidal,
             "la_principal": la_principal, "la_interneuron": la_interneuron}
