"""Distal synapses need local dendritic spikes to potentiate (Golding, Staff & Spruston 2002).

Source: Golding, Staff & Spruston 2002, Nature 418:326: at distal apical synapses the bAP
has attenuated too much to support LTP under pairing; LTP there requires dendritic spikes,
and persists when somatic APs are blocked. The issue's test for the voltage-based rule of
Clopath et al. 2010 reading the LOCAL compartment voltage: the same pairing potentiates
proximal synapses more than distal ones, and a local dendritic spike rescues distal
potentiation without any somatic AP.

Methods
-------
Cell: the L5 template's apical axis (soma, proximal and distal trunk, the Ca2+ zone
``nexus`` with its plateau mechanism, one tuft branch; :func:`dendritic_models.templates.
l5_pyramidal` geometry) with the Clopath voltage filters on the trunk and tuft. Two copies:
- ``pairing``: 10 somatic APs at 10 Hz (3 nA x 2 ms pulses), each preceded by 10 ms by one
  presynaptic spike at a proximal (trunk, 50 um from the soma) and a distal (tuft, ~850 um)
  synapse; synaptic weights are tiny, so only the bAP depolarises the synapses;
- ``dendritic_spike``: somatic spike initiation blocked (no APs, as with TTX at the soma),
  the same presynaptic spikes, plus a synchronous distal volley (8 synapses, 2 nS AMPA + 2 nS NMDA
  each, on the tuft) that fires the nexus Ca2+ plateau (Larkum, Zhu & Sakmann 1999).
Measurements: efficacy change of the proximal and distal test synapses, somatic AP counts,
plateau events, and the peak depolarisation at each synapse during the pairing.
"""

from __future__ import annotations

import numpy as np
from brian2 import Network, SpikeGeneratorGroup, SpikeMonitor, StateMonitor, ms, mV, nA, nS, um

from dendritic_models import Compartment, NeuronModel
from dendritic_models.mechanisms import adex, ca_plateau
from dendritic_models.results import finding
from dendritic_models.rules.clopath import clopath
from dendritic_models.stimuli import block_somatic_spikes, current_pulses
from dendritic_models.templates import DENDRITE, PASSIVE
from dendritic_models.wiring import connect

RULE = ("clopath",)
SOURCE = "Golding, Staff & Spruston 2002, Nature 418:326"

CONDITIONS = ("pairing", "dendritic_spike")
N_PAIRINGS, PERIOD, LEAD = 10, 100.0, 10.0  # pairings, ms between them, ms pre before AP
T0, LATENCY = 50.0, 1.6  # ms: first pulse; pulse-to-AP latency of the soma
TEST_WEIGHT = {"AMPA": 0.01 * nS}
VOLLEY = (8, {"AMPA": 2 * nS, "NMDA": 2 * nS})  # synapses, weights of the distal volley
PROXIMAL, DISTAL = ("trunk_prox", 50 * um), ("tuft0", 150 * um)


def cell(n: int):
    """The L5 template's apical axis (soma to tuft), with the rule's voltage filters."""
    filters = clopath().mechanism
    comps = [
        Compartment("soma", "soma", length=30 * um, diameter=30 * um, mechanisms=[adex()],
                    **PASSIVE),
        Compartment("trunk_prox", "apical_trunk", parent="soma", length=300 * um,
                    diameter=4 * um, n_seg=3, mechanisms=[filters], **PASSIVE),
        Compartment("trunk_dist", "apical_trunk", parent="trunk_prox", length=300 * um,
                    diameter=2.5 * um, n_seg=3, **PASSIVE),
        Compartment("nexus", "apical_tuft", parent="trunk_dist", length=100 * um,
                    diameter=2 * um, mechanisms=[ca_plateau()], **PASSIVE),
        Compartment("tuft0", "apical_tuft", parent="nexus", length=200 * um, diameter=1 * um,
                    n_seg=2, mechanisms=[filters], **DENDRITE),
    ]
    return NeuronModel(comps, name="l5_apical_axis").group(n)


def simulate() -> dict[str, np.ndarray]:
    group = cell(len(CONDITIONS))
    pairing, dspike = CONDITIONS.index("pairing"), CONDITIONS.index("dendritic_spike")
    block_somatic_spikes(group, [dspike])
    onsets = T0 + PERIOD * np.arange(N_PAIRINGS)
    gen, pulse = current_pulses(group, "soma", [pairing] * N_PAIRINGS, onsets * ms, 3 * nA,
                                2 * ms)
    pre_times = onsets + LATENCY - LEAD
    pre = SpikeGeneratorGroup(1, np.zeros(N_PAIRINGS, int), pre_times * ms)
    net = Network(group, gen, pulse, pre)
    both = np.arange(len(CONDITIONS))
    tests, nodes = {}, {}
    for label, (where, x) in {"proximal": PROXIMAL, "distal": DISTAL}.items():
        syn, layout = connect(pre, group, where, TEST_WEIGHT, i=np.zeros(2, int), j=both, x=x,
                              rule=clopath(), w=1.0, name=f"syn_{label}")
        tests[label], nodes[label] = syn, layout.node[0]
        net.add(syn)
    n_volley, volley_weights = VOLLEY
    volley, _ = connect(pre, group, DISTAL[0], volley_weights, i=np.zeros(n_volley, int),
                        j=np.full(n_volley, dspike), x=np.linspace(100, 160, n_volley) * um)
    trace = StateMonitor(group, [f"v_{n}" for n in nodes.values()], record=[pairing])
    spikes = SpikeMonitor(group)
    net.add(volley, trace, spikes)
    net.run((onsets[-1] + 100) * ms)
    return {
        "dw_proximal": np.asarray(tests["proximal"].w[:]) - 1,
        "dw_distal": np.asarray(tests["distal"].w[:]) - 1,
        "somatic_spikes": np.bincount(np.asarray(spikes.i), minlength=len(CONDITIONS)),
        "plateau": np.asarray(group.t_caspike_nexus[:] / ms) > 0,
        "peak_bAP_mV": np.array([float(np.max(getattr(trace, f"v_{n}")[0] / mV))
                                 for n in nodes.values()]),
    }


def findings(data: dict[str, np.ndarray]) -> list[dict]:
    pairing, dspike = CONDITIONS.index("pairing"), CONDITIONS.index("dendritic_spike")
    prox, dist = data["dw_proximal"], data["dw_distal"]
    return [
        finding("pairing: the bAP is smaller at the distal synapse (peak mV, proximal/distal)",
                np.round(data["peak_bAP_mV"], 1), "distal peak below theta_plus (-45.3 mV)",
                data["peak_bAP_mV"][1] < -45.3 < data["peak_bAP_mV"][0]),
        finding("pairing: proximal synapses potentiate more than distal ones",
                {"proximal": round(float(prox[pairing]), 4),
                 "distal": round(float(dist[pairing]), 4)},
                "dw proximal > 0 and > dw distal", prox[pairing] > max(dist[pairing], 0)),
        finding("dendritic spike without somatic APs: distal potentiation rescued",
                {"somatic APs": int(data["somatic_spikes"][dspike]),
                 "plateau": bool(data["plateau"][dspike]),
                 "distal dw": round(float(dist[dspike]), 4)},
                "0 APs, a plateau, distal dw > 0 and > distal dw under bAP pairing",
                data["somatic_spikes"][dspike] == 0 and data["plateau"][dspike]
                and dist[dspike] > max(dist[pairing], 0)),
    ]


def run(quick: bool = True) -> dict:
    """One protocol (1.05 s); ``quick`` changes nothing."""
    data = simulate()
    return {"findings": findings(data), "data": data}
