"""Synapses onto compartments, with positions (branch, um from the soma) and neighbours.

``connect`` places each synapse on a branch at a path distance from the soma and routes
its spikes to the receptor conductances of the electrical segment that contains that point
(Dendrify-style per-compartment receptors, Pagkalos et al. 2023). Positions live on a finer
grid than the electrical segments, so synaptic neighbourhoods of ~10 um (Harvey & Svoboda
2007, Nature 450:1195) are resolved independently of the segmentation.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

import numpy as np
from brian2 import Quantity, Synapses, ms, siemens, um

from .errors import ModelError
from .mechanisms.receptors import RECEPTORS, peak_factor
from .neuron import DendriticGroup, model_of
from .quantities import require_unit, unit_string
from .rules.base import Rule


@dataclass(frozen=True)
class Layout:
    """Where each synapse of a projection sits (arrays indexed like the Brian2 synapses)."""

    pre: np.ndarray  #: presynaptic index
    post: np.ndarray  #: postsynaptic neuron index
    branch: np.ndarray  #: compartment (branch) name
    node: np.ndarray  #: electrical node name
    distance: Quantity  #: path distance from the soma centre
    x: Quantity  #: distance from the branch's proximal end

    def neighbours(self, radius: Quantity) -> list[np.ndarray]:
        """For each synapse, the indices of synapses on the same neuron and branch within
        ``radius`` along the branch (itself excluded)."""
        require_unit(radius, um, "radius")
        x = np.asarray(self.x / um)
        r = float(radius / um)
        result = []
        for k in range(len(x)):
            same = (self.post == self.post[k]) & (self.branch == self.branch[k])
            close = same & (np.abs(x - x[k]) <= r)
            close[k] = False
            result.append(np.flatnonzero(close))
        return result


def connect(
    source,
    target: DendriticGroup,
    where: str,
    weights: Mapping[str, Quantity],
    *,
    i: np.ndarray,
    j: np.ndarray,
    x: Quantity | None = None,
    delay: Quantity = 0 * ms,
    rule: Rule | None = None,
    w: float = 1.0,
    seed: int | None = None,
    name: str | None = None,
) -> tuple[Synapses, Layout]:
    """Connect ``source`` neurons ``i`` to ``target`` neurons ``j`` on compartments ``where``.

    Parameters
    ----------
    where: a compartment name (e.g. ``'tuft0'``), a segment name or a kind (``'basal'``);
        with a kind, each synapse picks a branch of that kind with probability proportional
        to its length.
    weights: receptor name -> peak conductance per spike (``{'AMPA': 0.5*nS, 'NMDA': ...}``);
        each receptor must exist on every targeted compartment.
    x: distance of each synapse from its branch's proximal end; uniform random if None.
    rule: a plasticity rule (:mod:`dendritic_models.rules`) acting on the efficacy ``w``.
    w: initial efficacy; each spike increments a receptor by ``w * weights[receptor]``.
    seed: seed of the placement's random generator.

    Returns the Brian2 ``Synapses`` (per-synapse ``w``, ``w_<receptor>``, ``distance``) and
    the :class:`Layout`.
    """
    model = model_of(target)
    i, j = np.asarray(i, dtype=int), np.asarray(j, dtype=int)
    if i.shape != j.shape or i.ndim != 1:
        raise ModelError("i and j must be 1-D index arrays of equal length")
    if len(j) and (j.min() < 0 or j.max() >= target.N):
        raise ModelError(f"postsynaptic indices must lie in [0, {target.N})")
    nodes = model.nodes(where)
    for receptor, weight in weights.items():
        if receptor not in RECEPTORS:
            raise ModelError(f"unknown receptor {receptor!r}; valid: {sorted(RECEPTORS)}")
        require_unit(weight, siemens, f"weight of {receptor}")
        lacking = sorted(
            {n.compartment.name for n in nodes if receptor not in n.compartment.receptors}
        )
        if lacking:
            raise ModelError(f"compartment(s) {lacking} carry no {receptor} receptors")
    rng = np.random.default_rng(seed)
    branches = sorted({n.compartment.name for n in nodes}, key=lambda b: model.tree.order.index(b))
    segments = {b: [n for n in nodes if n.compartment.name == b] for b in branches}
    lengths = np.array([_span(segments[b]) for b in branches])
    pick = rng.choice(len(branches), size=len(i), p=lengths / lengths.sum())
    branch = np.array([branches[k] for k in pick], dtype=object)
    if x is None:
        x_um = rng.uniform(0, 1, len(i)) * lengths[pick]
    else:
        require_unit(x, um, "x")
        x_um = np.broadcast_to(np.asarray(x / um, dtype=float), i.shape).copy()
    node, distance = [], np.empty(len(i))
    for k in range(len(i)):
        segs = segments[branch[k]]
        comp = segs[0].compartment
        seg_len = float(comp.length / um) / comp.n_seg if comp.length is not None else 0.0
        offset = segs[0].segment * seg_len
        if not 0 <= x_um[k] <= _span(segs):
            raise ModelError(
                f"synapse position x = {x_um[k]} um lies outside branch {branch[k]!r} "
                f"(0..{_span(segs)} um)"
            )
        idx = min(int(x_um[k] // seg_len), len(segs) - 1) if seg_len else 0
        node.append(segs[idx].name)
        start = float(model.tree.start_distance(comp.name) / um)
        distance[k] = start + offset + x_um[k]
        x_um[k] += offset
    node = np.array(node, dtype=object)
    node_names = [n.name for n in nodes]
    eqs = ["w : 1"] + [f"w_{r} : siemens" for r in weights] + [
        "node_index : integer (constant)",
        "distance : metre (constant)",
    ]
    on_pre = []
    for r in weights:
        factor = 1 / peak_factor(RECEPTORS[r])
        for k, n in enumerate(node_names):
            target_var = model.receptor_targets[(n, r)]
            on_pre.append(f"{target_var}_post += {factor!r}*w*w_{r}*int(node_index == {k})")
    on_post = None
    if rule is not None:
        eqs += [rule.equations] if rule.equations else []
        eqs += [f"{p} : {unit_string(v)} (shared, constant)" for p, v in rule.parameters.items()]
        on_pre += [rule.on_pre] if rule.on_pre else []
        on_post = rule.on_post or None
    syn = Synapses(source, target, model="\n".join(eqs), on_pre="\n".join(on_pre),
                   on_post=on_post, delay=delay, name=name or "synapses*")
    syn.connect(i=i, j=j)
    # connect(i=, j=) creates the synapses in the order given, so our arrays index them
    syn.node_index = np.array([node_names.index(n) for n in node])
    syn.distance = distance * um
    syn.w = w
    for r, weight in weights.items():
        setattr(syn, f"w_{r}", weight)
    for p, value in (rule.parameters if rule is not None else {}).items():
        setattr(syn, p, value)
    layout = Layout(i, j, branch, node, distance * um, x_um * um)
    return syn, layout


def _span(segments) -> float:
    comp = segments[0].compartment
    if comp.length is None:
        return 0.0
    return float(comp.length / um) / comp.n_seg * len(segments)
