"""A neuron tree: validated compartments split into electrical nodes with axial couplings.

Electrical nodes are segment centres (with membrane) and, where two or more branches leave
the distal end of a dendrite, a zero-area junction node at that branch point. Couplings are
half-segment to half-segment: between a node and its parent,
``g = 1 / (r_half(node) + r_half(parent))`` with ``r_half = Ra (L/2) / (pi d^2 / 4)`` for a
cylindrical segment of length L, and 0 for the (isopotential) soma and for junctions. This is
the second-order-accurate central-difference discretisation of the cable equation that NEURON
uses (Hines & Carnevale 1997, Neural Comput 9:1179; NEURON's ``ri``), including its
zero-area node where several children meet at one point.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from brian2 import Quantity, um

from .compartment import Compartment
from .errors import ModelError

PI = 3.141592653589793


@dataclass(frozen=True)
class Node:
    """One electrical node: a segment of a compartment, or a junction (``compartment`` None).

    ``distance`` is the path distance of the node from the soma centre; ``g_axial`` the
    coupling conductance to ``parent`` (None for the root).
    """

    name: str
    compartment: Compartment | None
    segment: int
    parent: str | None
    area: Quantity
    distance: Quantity
    g_axial: Quantity | None

    @property
    def is_junction(self) -> bool:
        return self.compartment is None


def _half_resistance(comp: Compartment) -> Quantity:
    """Axial resistance from a segment's centre to its end (0 for the lumped soma)."""
    if comp.parent is None:
        return 0 * comp.Ra / um
    seg_length = comp.length / comp.n_seg
    return comp.Ra * (seg_length / 2) / (PI * comp.diameter**2 / 4)


class Tree:
    """The validated tree of compartments and its electrical nodes in parent-first order."""

    def __init__(self, compartments: Sequence[Compartment]):
        comps = list(compartments)
        if not comps:
            raise ModelError("a neuron needs at least one compartment")
        for comp in comps:
            if not isinstance(comp, Compartment):
                raise ModelError(f"expected Compartment objects, got {comp!r}")
        names = [c.name for c in comps]
        duplicates = sorted({n for n in names if names.count(n) > 1})
        if duplicates:
            raise ModelError(f"duplicate compartment name(s): {duplicates}")
        self.compartments: dict[str, Compartment] = {c.name: c for c in comps}
        roots = [c.name for c in comps if c.parent is None]
        if len(roots) != 1:
            raise ModelError(f"the tree needs exactly one root (parent=None), found {roots}")
        self.root = roots[0]
        for comp in comps:
            if comp.parent is not None and comp.parent not in self.compartments:
                raise ModelError(
                    f"compartment {comp.name!r} has unknown parent {comp.parent!r}; "
                    f"known compartments: {names}"
                )
        self.children: dict[str, list[str]] = {n: [] for n in names}
        for comp in comps:
            if comp.parent is not None:
                self.children[comp.parent].append(comp.name)
        order = self._preorder()
        unreachable = sorted(set(names) - set(order))
        if unreachable:
            raise ModelError(
                f"the tree is not connected to the root {self.root!r}: {unreachable} "
                "(a cycle of parents)"
            )
        self.order: list[str] = order
        self.nodes: list[Node] = self._segment()
        self.node_index = {n.name: i for i, n in enumerate(self.nodes)}

    def _preorder(self) -> list[str]:
        order, stack = [], [self.root]
        while stack:
            name = stack.pop()
            order.append(name)
            stack.extend(reversed(self.children[name]))
        return order

    def segment_names(self, compartment: str) -> list[str]:
        """Electrical node names of a compartment, proximal to distal."""
        comp = self.compartments[compartment]
        if comp.n_seg == 1:
            return [comp.name]
        return [f"{comp.name}_{i}" for i in range(comp.n_seg)]

    def start_distance(self, compartment: str) -> Quantity:
        """Path distance from the soma centre to the proximal end of a compartment."""
        comp = self.compartments[compartment]
        if comp.parent is None:
            return 0 * um
        parent = self.compartments[comp.parent]
        if parent.parent is None:
            return 0 * um
        return self.start_distance(parent.name) + parent.length

    def _segment(self) -> list[Node]:
        nodes: list[Node] = []
        attach: dict[str, tuple[str, Quantity]] = {}  # compartment -> (node, its r_half)
        for name in self.order:
            comp = self.compartments[name]
            seg_names = self.segment_names(name)
            r_half = _half_resistance(comp)
            start = self.start_distance(name)
            for i, seg in enumerate(seg_names):
                if i == 0:
                    parent, r_parent = attach.get(name, (None, None))
                else:
                    parent, r_parent = seg_names[i - 1], r_half
                if comp.parent is None:
                    distance, area = 0 * um, comp.membrane_area
                else:
                    distance = start + (i + 0.5) * comp.length / comp.n_seg
                    area = comp.membrane_area / comp.n_seg
                g = None if parent is None else 1 / (r_half + r_parent)
                nodes.append(Node(seg, comp, i, parent, area, distance, g))
            kids = self.children[name]
            end, r_end = seg_names[-1], r_half
            if len(kids) >= 2 and comp.parent is not None:
                junction = f"{name}_junction"
                end_distance = start + comp.length
                nodes.append(Node(junction, None, 0, end, 0 * um**2, end_distance, 1 / r_half))
                end, r_end = junction, 0 * r_half
            for kid in kids:
                attach[kid] = (end, r_end)
        return nodes

    def node_children(self) -> dict[str, list[str]]:
        kids: dict[str, list[str]] = {n.name: [] for n in self.nodes}
        for n in self.nodes:
            if n.parent is not None:
                kids[n.parent].append(n.name)
        return kids

    def nodes_of_kind(self, kind: str) -> list[Node]:
        return [n for n in self.nodes if n.compartment is not None and n.compartment.kind == kind]
