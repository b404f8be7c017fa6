"""Compartment dissociation of plasticity with the cell's output silenced (Wright et al. 2025).

Source: Wright, Hedrick & Komiyama 2025, Science 388:322. In motor-cortex L2/3 neurons,
apical spines potentiated with local co-activity whether or not the cell could fire, while
basal potentiation required coincidence with somatic APs: suppressing spiking with Kir2.1
left apical sLTP at 0.93 of control (14.9% vs 16.0% of spines) and cut basal sLTP to 0.36
(4.4% vs 12.3%; early-period counts from the authors' analysis notebooks).

Rule set ``compartment_specific``: pair STDP (Hebbian; Song, Miller & Abbott 2000) on basal
dendrites, local co-activity (:mod:`dendritic_models.rules.local_coactivity`) on the
apical oblique and tuft.

Methods
-------
Cell: an L2/3 pyramidal cell reduced to one electrical node per branch (soma, two basal,
trunk, two tuft branches; the dimensions of :func:`dendritic_models.templates.l23_pyramidal`),
so the numpy target runs it in seconds. Two copies receive identical input trains:
``control`` and ``silenced``, whose somatic spike initiation is removed (the cell's output
is abolished, the consequence of Kir2.1 silencing that the experiment relies on).
Inputs, on each compartment kind, 6 clustered synapses 3 um apart on one branch, driven by
one assembly (events at ASSEMBLY_RATE; each member joins an event with probability 0.8,
jittered by 3 ms SD), and 6 isolated synapses 40 um or more apart, each an independent
Poisson train of the same mean rate. The basal assembly is strong enough to fire the control
cell (the Hebbian pairing); apical inputs are weak.
Measurements: efficacy change of every synapse, somatic spike counts.
"""

from __future__ import annotations

import numpy as np
from brian2 import Network, SpikeGeneratorGroup, SpikeMonitor, nS, pA, second, um

from dendritic_models import Compartment, NeuronModel
from dendritic_models.mechanisms import adex
from dendritic_models.results import finding
from dendritic_models.rules.base import RuleSet
from dendritic_models.rules.local_coactivity import local_coactivity
from dendritic_models.rules.pair_stdp import pair_stdp
from dendritic_models.stimuli import block_somatic_spikes
from dendritic_models.templates import DENDRITE, PASSIVE
from dendritic_models.wiring import connect

RULE = ("local_coactivity", "pair_stdp")
SOURCE = "Wright, Hedrick & Komiyama 2025, Science 388:322 (Kir2.1 silencing)"

RULES = RuleSet(
    "compartment_specific",
    {"basal": pair_stdp(), "apical_oblique": local_coactivity(),
     "apical_tuft": local_coactivity()},
    "Hebbian basal, local co-activity apical (Wright et al. 2025)",
)
CONDITIONS = ("control", "silenced")
ASSEMBLY_RATE = 4.0  # Hz, assembly events
P_JOIN, JITTER = 0.8, 3e-3  # participation probability, jitter SD (s)
N_SYN = 6
CLUSTER_SPACING = 3.0  # um
#: (where, positions in um) of each input group
GROUPS = {
    "basal_clustered": ("basal0", 60 + CLUSTER_SPACING * np.arange(N_SYN)),
    "basal_isolated": ("basal1", np.linspace(0, 150, N_SYN)),
    "apical_clustered": ("tuft0", 60 + CLUSTER_SPACING * np.arange(N_SYN)),
    "apical_isolated": ("tuft1", np.linspace(0, 150, N_SYN)),
}
WEIGHTS = {
    "basal": {"AMPA": 3 * nS, "NMDA": 3 * nS},
    "apical": {"AMPA": 0.3 * nS, "NMDA": 0.3 * nS},
}
#: published sLTP fractions, Kir / control (Wright et al. 2025, early period)
PUBLISHED_RATIO = {"apical": 14.9 / 16.0, "basal": 4.4 / 12.3}


def cell(n: int):
    comps = [
        Compartment("soma", "soma", length=20 * um, diameter=20 * um,
                    mechanisms=[adex(a=2 * nS, b=40 * pA)], **PASSIVE),
        *[Compartment(f"basal{k}", "basal", parent="soma", length=150 * um, diameter=1 * um,
                      **DENDRITE) for k in range(2)],
        Compartment("trunk", "apical_trunk", parent="soma", length=120 * um, diameter=2 * um,
                    **DENDRITE),
        *[Compartment(f"tuft{k}", "apical_tuft", parent="trunk", length=150 * um,
                      diameter=0.8 * um, **DENDRITE) for k in range(2)],
    ]
    return NeuronModel(RULES.equip(comps), name="l23_reduced").group(n)


def input_trains(duration: float, rng: np.random.Generator) -> dict[str, list[np.ndarray]]:
    """Spike times (s) of each group's synapses: assemblies for clustered groups, independent
    Poisson trains of the same mean rate for isolated ones."""
    trains = {}
    for name in GROUPS:
        if name.endswith("clustered"):
            events = rng.uniform(0, duration, rng.poisson(ASSEMBLY_RATE * duration))
            trains[name] = []
            for _ in range(N_SYN):
                joined = events[rng.random(events.size) < P_JOIN]
                spikes = joined + rng.normal(0, JITTER, joined.size)
                trains[name].append(np.sort(spikes[(spikes > 0) & (spikes < duration)]))
        else:
            rate = ASSEMBLY_RATE * P_JOIN
            trains[name] = [np.sort(rng.uniform(0, duration, rng.poisson(rate * duration)))
                            for _ in range(N_SYN)]
    return trains


def simulate(duration: float, seed: int = 1) -> dict[str, np.ndarray]:
    """Both conditions in one run; returns efficacy changes per group and condition."""
    rng = np.random.default_rng(seed)
    trains = input_trains(duration, rng)
    group = cell(len(CONDITIONS))
    block_somatic_spikes(group, [CONDITIONS.index("silenced")])
    net = Network(group)
    synapses = {}
    for name, (where, x) in GROUPS.items():
        # one source per synapse, shared by both conditions: identical input to both cells
        idx = np.concatenate([[k] * len(tr) for k, tr in enumerate(trains[name])])
        times = np.concatenate(trains[name])
        order = np.argsort(times, kind="stable")
        source = SpikeGeneratorGroup(N_SYN, idx[order], times[order] * second)
        pre = np.tile(np.arange(N_SYN), len(CONDITIONS))
        post = np.repeat(np.arange(len(CONDITIONS)), N_SYN)
        weights = WEIGHTS[name.split("_")[0]]
        syn, _ = connect(source, group, where, weights, i=pre, j=post,
                         x=np.tile(x, len(CONDITIONS)) * um, rule=RULES, name=f"syn_{name}")
        synapses[name] = syn
        net.add(source, syn)
    spikes = SpikeMonitor(group)
    net.add(spikes)
    net.run(duration * second)
    data = {"somatic_spikes": np.bincount(np.asarray(spikes.i), minlength=len(CONDITIONS))}
    for name, syn in synapses.items():
        data[f"dw_{name}"] = (np.asarray(syn.w[:]) - 1.0).reshape(len(CONDITIONS), N_SYN)
    return data


def findings(data: dict[str, np.ndarray]) -> list[dict]:
    control, silenced = CONDITIONS.index("control"), CONDITIONS.index("silenced")
    dw = {name: data[f"dw_{name}"] for name in GROUPS}
    spikes = data["somatic_spikes"]
    ratio = {}
    for kind in ("apical", "basal"):
        gain = dw[f"{kind}_clustered"]
        ratio[kind] = float(gain[silenced].mean() / gain[control].mean())
    return [
        finding("silencing: the silenced cell fires no AP, the control cell fires",
                {c: int(spikes[k]) for k, c in enumerate(CONDITIONS)},
                "0 APs silenced, > 0 control", spikes[silenced] == 0 < spikes[control]),
        finding("silenced: clustered co-active apical inputs potentiate, isolated ones do not",
                {"clustered": np.round(dw["apical_clustered"][silenced], 4),
                 "isolated": np.round(dw["apical_isolated"][silenced], 4)},
                "every clustered dw > 0, every isolated dw <= 0",
                np.all(dw["apical_clustered"][silenced] > 0)
                and np.all(dw["apical_isolated"][silenced] <= 0)),
        finding("silenced: basal synapses under the Hebbian rule do not potentiate",
                float(np.max(np.concatenate([dw["basal_clustered"][silenced],
                                             dw["basal_isolated"][silenced]]))),
                "max dw <= 0", np.all(dw["basal_clustered"][silenced] <= 0)
                and np.all(dw["basal_isolated"][silenced] <= 0)),
        finding("control: basal inputs that fire the cell potentiate (Hebbian)",
                np.round(dw["basal_clustered"][control], 4), "mean dw > 0",
                dw["basal_clustered"][control].mean() > 0),
        finding("apical potentiation, silenced / control (clustered inputs)",
                round(ratio["apical"], 3),
                f"{PUBLISHED_RATIO['apical']:.2f} (sLTP fraction, Kir / control); "
                "accepted: >= 0.8", ratio["apical"] >= 0.8),
        finding("basal potentiation, silenced / control (clustered inputs)",
                round(ratio["basal"], 3),
                f"{PUBLISHED_RATIO['basal']:.2f} (sLTP fraction, Kir / control); "
                "accepted: <= 0.5", ratio["basal"] <= 0.5),
    ]


def run(quick: bool = True) -> dict:
    """quick: 3 s of input; full: 20 s."""
    data = simulate(3.0 if quick else 20.0)
    return {"findings": findings(data), "data": data}
