"""The same passive tree in NEURON, the reference compartmental simulator.

NEURON (Hines & Carnevale 1997, Neural Comput 9:1179; PyPI ``neuron``) is an optional
dependency used to cross-check our dynamics. Each compartment becomes a ``Section`` with the
same length, diameter, ``nseg``, ``cm``, ``Ra`` and ``pas`` leak; the soma's children attach at
its centre (``soma(0.5)``), every other child at its parent's distal end (``parent(1)``),
matching :mod:`dendritic_models.tree`. A lumped soma area becomes a cylinder with
L = diam = sqrt(area / pi). Only passive membranes are translated.
"""

from __future__ import annotations

import math
from collections.abc import Mapping

import numpy as np
from brian2 import Quantity, cm, ms, mV, nA, ohm, uF, um
from brian2 import siemens as S

from .errors import ModelError
from .neuron import NeuronModel


def simulate(
    model: NeuronModel,
    duration: Quantity,
    dt: Quantity,
    injections: Mapping[str, Quantity],
    record: list[str],
) -> tuple[np.ndarray, dict[str, np.ndarray]]:
    """Run the model's passive tree in NEURON with constant currents from t = 0.

    ``injections`` maps node names to currents; ``record`` lists node names. Returns the
    time points (ms) and each recorded node's voltage trace (mV), backward Euler at ``dt``.
    """
    from neuron import h

    h.load_file("stdrun.hoc")
    sections = {}
    tree = model.tree
    for name in tree.order:
        comp = tree.compartments[name]
        if any(comp.mechanisms):
            raise ModelError(f"the NEURON reference translates passive trees only ({name!r})")
        sec = h.Section(name=name)
        if comp.area is not None:
            side = math.sqrt(float(comp.area / um**2) / math.pi)
            sec.L, sec.diam = side, side
        else:
            sec.L, sec.diam = float(comp.length / um), float(comp.diameter / um)
        sec.nseg = comp.n_seg
        sec.cm = float(comp.Cm / (uF / cm**2))
        sec.Ra = float(comp.Ra / (ohm * cm))
        sec.insert("pas")
        for seg in sec:
            seg.pas.g = float(comp.gL / (S / cm**2))
            seg.pas.e = float(comp.EL / mV)
        if comp.parent is not None:
            parent = tree.compartments[comp.parent]
            sec.connect(sections[parent.name](0.5 if parent.parent is None else 1.0), 0)
        sections[name] = sec

    def segment(node_name: str):
        node = tree.nodes[tree.node_index[node_name]]
        comp = node.compartment
        return sections[comp.name]((node.segment + 0.5) / comp.n_seg)

    clamps = []
    for node_name, current in injections.items():
        clamp = h.IClamp(segment(node_name))
        clamp.delay, clamp.dur, clamp.amp = 0, 1e9, float(current / nA)
        clamps.append(clamp)
    t_vec = h.Vector().record(h._ref_t)
    v_vecs = {n: h.Vector().record(segment(n)._ref_v) for n in record}
    h.dt = float(dt / ms)
    h.secondorder = 0
    root = tree.compartments[tree.root]
    h.finitialize(float(root.EL / mV))
    h.continuerun(float(duration / ms))
    result = np.array(t_vec), {n: np.array(v) for n, v in v_vecs.items()}
    for sec in sections.values():
        h.delete_section(sec=sec)
    return result
