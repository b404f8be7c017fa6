"""The benchmark workloads: one model, one input, handed identically to every simulator.

A :class:`Workload` is plain data (numbers in SI units, numpy arrays): the template neuron,
how many copies, the presynaptic spike trains (Poisson, drawn once in numpy and snapped to
the ``dt`` grid, so every simulator receives the very same spikes), and each synapse's
presynaptic source, postsynaptic neuron, branch, position along the branch, electrical node,
receptor weights and plasticity rule. Our package (:mod:`benchmarks.ours`), Dendrify
(:mod:`benchmarks.peers.dendrify_peer`) and NEURON (:mod:`benchmarks.peers.neuron_peer`)
each build it from this data and the template's :class:`~dendritic_models.NeuronModel`
(node capacitances, leaks, couplings and channel densities in absolute units), so the
compartments, conductances, synapse counts and input statistics are the same by construction.

Bombardment statistics (case 1, one L5 neuron): excitatory synapses spread over the basal,
oblique and tuft dendrites in proportion to length, AMPA + NMDA (peak 0.3 + 0.3 nS, the
unitary L5 EPSC scale of Markram et al. 1997, J Physiol 500:409, and an NMDA/AMPA ratio of
~1 at rest-free peaks, Myme et al. 2003, J Neurophysiol 90:771), and inhibitory synapses on
the soma (GABA_A 1 nS); background rates 2 Hz excitatory (sparse in vivo activity, Barth
& Poulet 2012, Trends Neurosci 35:345) and 10 Hz inhibitory: the L5 template then fires
~11 Hz (at 5 Hz excitatory, ~31 Hz with NMDA-saturated tuft plateaus). Case 2 (networks of L2/3
neurons): ~1,000 synapses per neuron (800 excitatory on basal and apical dendrites, 200
inhibitory on the soma) from a shared pool of Poisson sources, with the compartment-specific
rule set of Wright, Hedrick & Komiyama 2025 (Science 388:322): pair STDP (Song, Miller &
Abbott 2000) on basal synapses, local co-activity on apical oblique and tuft synapses.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np

from dendritic_models.rules.local_coactivity import local_coactivity
from dendritic_models.rules.pair_stdp import pair_stdp
from dendritic_models.templates import TEMPLATES

#: the rules a projection names, with their default parameters on every simulator
RULES = {"pair_stdp": pair_stdp, "local_coactivity": local_coactivity}
#: rule of each compartment kind in the networks of case 2 (None: static synapses)
COMPARTMENT_SPECIFIC = {"basal": "pair_stdp", "apical_oblique": "local_coactivity",
                        "apical_tuft": "local_coactivity"}


@dataclass(frozen=True)
class Projection:
    """Synapses of one kind: arrays indexed by synapse (all the same length)."""

    name: str
    receptors: dict[str, float]  #: receptor -> peak conductance per spike (S)
    pre: np.ndarray  #: source index
    post: np.ndarray  #: postsynaptic neuron
    branch: np.ndarray  #: compartment (branch) name
    x: np.ndarray  #: distance from the branch's proximal end (m)
    node: np.ndarray  #: electrical node name (the segment containing x)
    rule: str | None = None  #: a key of :data:`RULES`, or None

    @property
    def size(self) -> int:
        return int(self.pre.size)


@dataclass(frozen=True)
class Workload:
    """A benchmark model and its input (see the module docstring)."""

    name: str
    template: str  #: a key of :data:`dendritic_models.templates.TEMPLATES`
    n_neurons: int
    duration: float  #: s
    dt: float  #: s
    n_sources: int
    source_i: np.ndarray  #: spike source index, sorted by time
    source_t: np.ndarray  #: spike time (s), on the dt grid
    projections: tuple[Projection, ...] = field(default_factory=tuple)

    @property
    def n_synapses(self) -> int:
        return sum(p.size for p in self.projections)

    @property
    def synaptic_events(self) -> int:
        """Spikes delivered to synapses (each source spike times its fan-out)."""
        counts = np.bincount(self.source_i, minlength=self.n_sources)
        return int(sum(counts[p.pre].sum() for p in self.projections))

    def model(self):
        """The template's :class:`~dendritic_models.NeuronModel` with no rule mechanisms
        (both rules of case 2 are event-driven and need none)."""
        return TEMPLATES[self.template]()


def poisson_trains(n: int, rate: float, duration: float, dt: float,
                   rng: np.random.Generator) -> tuple[np.ndarray, np.ndarray]:
    """Independent Poisson trains of ``n`` sources at ``rate`` (Hz), on the dt grid, at most
    one spike per source and step; sorted by time."""
    counts = rng.poisson(rate * duration, n)
    index = np.repeat(np.arange(n), counts)
    steps = np.floor(rng.uniform(0, duration, index.size) / dt).astype(np.int64)
    keep = np.unique(index * (int(duration / dt) + 1) + steps, return_index=True)[1]
    index, steps = index[keep], steps[keep]
    order = np.lexsort((index, steps))
    return index[order], steps[order] * dt


def _place(model, kinds: tuple[str, ...], size: int, rng: np.random.Generator):
    """Branch, position and node of ``size`` synapses spread over the compartments of
    ``kinds`` in proportion to their length (the soma: its single node)."""
    comps = [c for c in model.tree.compartments.values() if c.kind in kinds]
    if comps == [model.tree.compartments[model.tree.root]]:
        return (np.full(size, comps[0].name, dtype=object), np.zeros(size),
                np.full(size, model.tree.root, dtype=object))
    lengths = np.array([float(c.length) for c in comps])
    pick = rng.choice(len(comps), size=size, p=lengths / lengths.sum())
    x = rng.uniform(0, 1, size) * lengths[pick]
    seg = np.minimum((x / (lengths[pick] / [comps[k].n_seg for k in pick])).astype(int),
                     [comps[k].n_seg - 1 for k in pick])
    names = [model.tree.segment_names(c.name) for c in comps]
    node = np.array([names[k][s] for k, s in zip(pick, seg, strict=True)], dtype=object)
    branch = np.array([comps[k].name for k in pick], dtype=object)
    return branch, x, node


def bombardment(template: str = "l5_pyramidal", n_neurons: int = 1, *, n_exc: int = 1000,
                n_inh: int = 200, rate_exc: float = 2.0, rate_inh: float = 10.0,
                w_ampa: float = 0.3e-9, w_nmda: float = 0.3e-9, w_gaba: float = 1e-9,
                pool: int | None = None, plastic: bool = False, duration: float = 1.0,
                dt: float = 1e-4, seed: int = 1, name: str | None = None) -> Workload:
    """Synaptic bombardment of ``n_neurons`` template neurons (see the module docstring).

    Each neuron gets ``n_exc`` excitatory (AMPA + NMDA) synapses on its basal, oblique and
    tuft dendrites and ``n_inh`` inhibitory (GABA_A) ones on its soma. ``pool=None``: every
    synapse has its own source; otherwise each neuron draws its synapses' sources from a
    shared pool of ``pool`` excitatory and ``pool // 4`` inhibitory sources. ``plastic``
    gives each kind its rule from :data:`COMPARTMENT_SPECIFIC`."""
    rng = np.random.default_rng(seed)
    model = TEMPLATES[template]()
    n_exc_src = n_neurons * n_exc if pool is None else pool
    n_inh_src = n_neurons * n_inh if pool is None else max(pool // 4, 1)
    if pool is None:
        pre_e = np.arange(n_exc_src)
        pre_i = n_exc_src + np.arange(n_inh_src)
    else:
        pre_e = rng.integers(0, n_exc_src, n_neurons * n_exc)
        pre_i = n_exc_src + rng.integers(0, n_inh_src, n_neurons * n_inh)
    i_e, t_e = poisson_trains(n_exc_src, rate_exc, duration, dt, rng)
    i_i, t_i = poisson_trains(n_inh_src, rate_inh, duration, dt, rng)
    source_i = np.concatenate([i_e, n_exc_src + i_i])
    source_t = np.concatenate([t_e, t_i])
    order = np.argsort(source_t, kind="stable")
    dendritic = ("basal", "apical_oblique", "apical_tuft")
    post_e = np.repeat(np.arange(n_neurons), n_exc)
    branch, x, node = _place(model, dendritic, post_e.size, rng)
    projections = []
    kind_of = {c.name: c.kind for c in model.tree.compartments.values()}
    kinds = np.array([kind_of[b] for b in branch], dtype=object)
    for kind in dendritic:
        sel = kinds == kind
        if not sel.any():
            continue
        projections.append(Projection(
            f"exc_{kind}", {"AMPA": w_ampa, "NMDA": w_nmda}, pre_e[sel], post_e[sel],
            branch[sel], x[sel], node[sel], COMPARTMENT_SPECIFIC[kind] if plastic else None))
    post_i = np.repeat(np.arange(n_neurons), n_inh)
    branch_i, x_i, node_i = _place(model, ("soma",), post_i.size, rng)
    projections.append(Projection("inh_soma", {"GABA_A": w_gaba}, pre_i, post_i, branch_i,
                                  x_i, node_i))
    return Workload(name or f"{template}_x{n_neurons}", template, n_neurons, duration, dt,
                    n_exc_src + n_inh_src, source_i[order], source_t[order], tuple(projections))
