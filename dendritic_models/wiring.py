"""Synapses onto compartments, with positions (branch, um from the soma) and neighbours.

``connect`` places each synapse on a branch at a path distance from the soma and routes
its spikes to the receptor conductances of the electrical segment that contains that point
(Dendrify-style per-compartment receptors, Pagkalos et al. 2023). Positions live on a finer
grid than the electrical segments, so synaptic neighbourhoods of ~10 um (Harvey & Svoboda
2007, Nature 450:1195) are resolved independently of the segmentation.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass

import numpy as np
from brian2 import Quantity, Synapses, get_device, siemens, um

from .errors import ModelError
from .mechanisms.receptors import RECEPTORS, peak_factor
from .neuron import DendriticGroup, model_of
from .quantities import require_unit, unit_string
from .rules.base import Rule, RuleSet, on_target_synapses


@dataclass(frozen=True)
class Layout:
    """Where each synapse of a projection sits (arrays indexed like the Brian2 synapses)."""

    pre: np.ndarray  #: presynaptic index
    post: np.ndarray  #: postsynaptic neuron index
    branch: np.ndarray  #: compartment (branch) name
    kind: np.ndarray  #: compartment kind (``basal``, ``apical_tuft``, ...)
    node: np.ndarray  #: electrical node name
    distance: Quantity  #: path distance from the soma centre
    x: Quantity  #: distance from the branch's proximal end

    def neighbours(self, radius: Quantity) -> tuple[np.ndarray, np.ndarray]:
        """Every ordered pair ``(k, m)`` of distinct synapses on the same neuron and branch
        within ``radius`` of each other along the branch: two index arrays, sorted by ``k``
        then ``m``. See :func:`neighbour_pairs`."""
        require_unit(radius, um, "radius")
        return neighbour_pairs(self.post, self.branch, np.asarray(self.x / um),
                               float(radius / um))


def neighbour_pairs(post: np.ndarray, branch: np.ndarray, x: np.ndarray,
                    radius: float) -> tuple[np.ndarray, np.ndarray]:
    """Ordered pairs ``(k, m)``, ``k != m``, of synapses with the same ``post`` and ``branch``
    and ``|x[k] - x[m]| <= radius`` (``x`` and ``radius`` in one unit), in O(n log n + pairs):
    synapses sorted by (neuron, branch, x), each one's window found by binary search."""
    post = np.asarray(post)
    _, code = np.unique(np.asarray(branch, dtype=str), return_inverse=True)
    x = np.asarray(x, dtype=float)
    if not x.size:
        return np.zeros(0, dtype=int), np.zeros(0, dtype=int)
    order = np.lexsort((x, code, post))
    # one key per synapse: its (neuron, branch) group, spaced so no window crosses groups
    group = post.astype(np.int64) * (code.max() + 1) + code
    key = group[order] * (np.ptp(x) + 4 * radius + 1.0) + (x[order] - x.min())
    slack = 2 * radius + 1e-9  # widened window; the exact test below decides
    lo = np.searchsorted(key, key - slack, side="left")
    hi = np.searchsorted(key, key + slack, side="right")
    counts = hi - lo
    within = np.arange(counts.sum()) - np.repeat(np.cumsum(counts) - counts, counts)
    k = order[np.repeat(np.arange(order.size), counts)]
    m = order[np.repeat(lo, counts) + within]
    keep = (k != m) & (group[k] == group[m]) & (np.abs(x[k] - x[m]) <= radius)
    k, m = k[keep], m[keep]
    first = np.argsort(k.astype(np.int64) * x.size + m, kind="stable")
    return k[first], m[first]


def connect(
    source,
    target: DendriticGroup,
    where: str | Sequence[str],
    weights: Mapping[str, Quantity],
    *,
    i: np.ndarray,
    j: np.ndarray,
    x: Quantity | None = None,
    branch: Sequence[str] | None = None,
    delay: Quantity | None = None,
    rule: Rule | RuleSet | None = None,
    w: float = 1.0,
    seed: int | None = None,
    name: str | None = None,
) -> tuple[Synapses, Layout]:
    """Connect ``source`` neurons ``i`` to ``target`` neurons ``j`` on compartments ``where``.

    Parameters
    ----------
    where: a compartment name (e.g. ``'tuft0'``), a segment name or a kind (``'basal'``),
        or a sequence of them; with several branches, each synapse picks one with
        probability proportional to its length, unless ``branch`` says which.
    branch: the compartment (branch) of each synapse, among those of ``where``.
    weights: receptor name -> peak conductance per spike (``{'AMPA': 0.5*nS, 'NMDA': ...}``);
        each receptor must exist on every targeted compartment.
    x: distance of each synapse from its branch's proximal end; uniform random if None.
    rule: a plasticity rule (:mod:`dendritic_models.rules`) acting on the efficacy ``w``,
        or a :class:`~dendritic_models.rules.RuleSet`, which must give one rule to every
        targeted compartment (connect each kind separately to mix rules).
    w: initial efficacy; each spike increments a receptor by ``w * weights[receptor]``.
    seed: seed of the placement's random generator.
    delay: one transmission delay shared by every synapse; None (default): a delay per
        synapse, 0 until set (``syn.delay = ...``). Brian2 stores a delay given at creation
        as one shared value, which per-synapse values cannot then replace.

    Returns the Brian2 ``Synapses`` (per-synapse ``w``, ``w_<receptor>``, ``distance``, and
    ``induction`` (1; set 0 to block plasticity induction) for a rule with ``induction``
    parameters, see :class:`~dendritic_models.rules.base.Rule`) and
    the :class:`Layout`. A rule with ``on_neighbour`` statements gets a second ``Synapses``
    (``syn.neighbour_synapses``, contained in ``syn`` so networks include it) that relays
    each spike to the neighbours of the synapse it arrives at.
    """
    model = model_of(target)
    i, j = np.asarray(i, dtype=int), np.asarray(j, dtype=int)
    if i.shape != j.shape or i.ndim != 1:
        raise ModelError("i and j must be 1-D index arrays of equal length")
    if len(j) and (j.min() < 0 or j.max() >= target.N):
        raise ModelError(f"postsynaptic indices must lie in [0, {target.N})")
    names = [where] if isinstance(where, str) else list(where)
    nodes = list({n.name: n for name in names for n in model.nodes(name)}.values())
    rule = _rule_for(rule, nodes)
    rule = rule.gated() if rule is not None else None
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
    # a lumped soma has no length: then every targeted branch is equally likely
    weights_by_length = lengths / lengths.sum() if lengths.sum() > 0 else None
    if branch is None:
        pick = rng.choice(len(branches), size=len(i), p=weights_by_length)
    else:
        branch = np.asarray(branch, dtype=object)
        if branch.shape != i.shape:
            raise ModelError(f"branch has shape {branch.shape}, the synapses {i.shape}")
        unknown = sorted(set(branch) - set(branches))
        if unknown:
            raise ModelError(f"branch(es) {unknown} are not among the compartments of "
                             f"where={where!r}: {branches}")
        pick = np.array([branches.index(b) for b in branch], dtype=int)
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
    eqs = [f"w_{r} : siemens" for r in weights] + [
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
    if rule is None:
        eqs.insert(0, "w : 1")
    else:
        eqs += rule.synapse_model() + _local_variables(rule, target, nodes)
        on_pre += [rule.on_pre] if rule.on_pre else []
        on_post = rule.on_post or None
    syn = Synapses(source, target, model="\n".join(eqs), on_pre="\n".join(on_pre),
                   on_post=on_post, name=name or "synapses*",
                   **({"delay": delay} if delay is not None else {}),
                   **({"method": rule.method} if rule is not None and rule.method else {}))
    syn.connect(i=i, j=j)
    # connect(i=, j=) creates the synapses in the order given, so our arrays index them
    syn.node_index = np.array([node_names.index(n) for n in node])
    syn.distance = distance * um
    syn.w = w
    for r, weight in weights.items():
        setattr(syn, f"w_{r}", weight)
    if rule is not None:
        rule.set_parameters(syn)
    if "induction" in syn.variables:  # a gated rule: induction on until a protocol blocks it
        syn.induction = 1
    kind = np.array([model.tree.compartments[b].kind for b in branch], dtype=object)
    layout = Layout(i, j, branch, kind, node, distance * um, x_um * um)
    if rule is not None and rule.on_neighbour:
        syn.add_attribute("neighbour_synapses")
        syn.neighbour_synapses = _neighbour_relay(source, syn, layout, rule, delay)
        syn.contained_objects.append(syn.neighbour_synapses)
        # cpp_standalone declares only the Synapses it finds among a network's top-level
        # objects (CPPStandaloneDevice.network_run), so register the contained relay too
        standalone_synapses = getattr(get_device(), "synapses", None)
        if isinstance(standalone_synapses, set):
            standalone_synapses.add(syn.neighbour_synapses)
    return syn, layout


def _rule_for(rule: Rule | RuleSet | None, nodes) -> Rule | None:
    """The one rule that governs all targeted compartments."""
    if not isinstance(rule, RuleSet):
        return rule
    chosen = {n.compartment.name: rule.for_compartment(n.compartment.name, n.compartment.kind)
              for n in nodes}
    rules = {id(r): r for r in chosen.values()}
    if len(rules) != 1 or None in chosen.values():
        names = {c: (r.name if r is not None else None) for c, r in chosen.items()}
        raise ModelError(
            f"rule set {rule.name!r} gives these compartments different or no rules: {names}; "
            "connect each group of compartments separately"
        )
    return next(iter(rules.values()))


def _local_variables(rule: Rule, target: DendriticGroup, nodes) -> list[str]:
    """Each variable the rule reads from its compartment, as a synaptic subexpression that
    picks the synapse's own electrical node (``node_index``)."""
    lines = []
    for var in rule.requires:
        terms = []
        for k, n in enumerate(nodes):
            name = f"{var}_{n.name}"
            if name not in target.variables:
                hint = (
                    f"; add the rule's mechanism {rule.mechanism.name!r} to it "
                    "(RuleSet.equip or the compartment's mechanisms)"
                    if rule.mechanism is not None and var in rule.mechanism.declared_names()
                    else ""
                )
                raise ModelError(
                    f"rule {rule.name!r} reads {var!r} from compartment "
                    f"{n.compartment.name!r}, which lacks it{hint}"
                )
            dim = target.variables[name].dim
            # 1 - |sign(node_index - k)| is int(node_index == k) in a form sympy knows to be
            # real, so clock-driven rules may compare the sum (v > theta) in their ODEs
            terms.append(f"{name}_post*(1 - abs(sign(node_index - {k})))")
        lines.append(f"{var} = {' + '.join(terms)} : {unit_string(Quantity(1, dim=dim))}")
    return lines


def _neighbour_relay(source, syn: Synapses, layout: Layout, rule: Rule, delay) -> Synapses:
    """Synapses from each presynaptic neuron to the plastic synapses neighbouring the ones it
    makes, running the rule's ``on_neighbour`` in the receiving synapse."""
    require_unit(rule.neighbour_radius, um, f"rule {rule.name!r}: neighbour_radius")
    origin, target = layout.neighbours(rule.neighbour_radius)
    pre = layout.pre[origin]
    separation = np.abs(np.asarray(layout.x / um)[target] - np.asarray(layout.x / um)[origin])
    statements = on_target_synapses(rule.on_neighbour, syn)
    relay = Synapses(source, syn, model="separation : metre (constant)", on_pre=statements,
                     name=f"{syn.name}_neighbours",
                     **({"delay": delay} if delay is not None else {}))
    if pre.size:
        relay.connect(i=pre.astype(int), j=target.astype(int))
        relay.separation = separation * um
    return relay


def _span(segments) -> float:
    comp = segments[0].compartment
    if comp.length is None:
        return 0.0
    return float(comp.length / um) / comp.n_seg * len(segments)
