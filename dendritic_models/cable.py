"""Analytic steady state of passive trees (Rall's finite-cable solution), for validation.

For a cylinder of diameter d, specific membrane resistance Rm = 1/gL and axial
resistivity Ra: length constant lambda = sqrt(Rm d / (4 Ra)) and infinite-cable input
conductance G_inf = pi d^(3/2) / (2 sqrt(Rm Ra)). A branch of length L whose far end sees
a load conductance G_L (sum of its children's input conductances; 0 for a sealed end) has
input conductance G_in = G_inf (B + tanh(L/lambda)) / (1 + B tanh(L/lambda)), B = G_L/G_inf,
and V(x)/V(0) = (cosh((L-x)/lambda) + B sinh((L-x)/lambda)) / (cosh(L/lambda) + B sinh(L/lambda))
(Rall 1959, Exp Neurol 1:491; Johnston & Wu 1995, Foundations of Cellular Neurophysiology,
ch. 4, Eqs. 4.5.21-4.5.26). The soma is a lumped isopotential conductance gL * area.
"""

from __future__ import annotations

import math

from brian2 import Quantity, siemens

from .neuron import NeuronModel


def length_constant(diameter: Quantity, gL: Quantity, Ra: Quantity) -> Quantity:
    """lambda = sqrt(d / (4 gL Ra)) for a cylinder with leak density gL."""
    return (diameter / (4 * gL * Ra)) ** 0.5


def _g_inf(diameter: Quantity, gL: Quantity, Ra: Quantity) -> Quantity:
    return math.pi * diameter**1.5 * gL**0.5 / (2 * Ra**0.5)


def branch_input_conductance(model: NeuronModel, compartment: str) -> Quantity:
    """Input conductance looking into a dendritic branch from its proximal end."""
    comp = model.tree.compartments[compartment]
    load = sum(
        (branch_input_conductance(model, k) for k in model.tree.children[compartment]),
        0 * siemens,
    )
    g_inf = _g_inf(comp.diameter, comp.gL, comp.Ra)
    b = float(load / g_inf)
    th = math.tanh(float(comp.length / length_constant(comp.diameter, comp.gL, comp.Ra)))
    return g_inf * (b + th) / (1 + b * th)


def input_resistance(model: NeuronModel) -> Quantity:
    """Steady-state input resistance at the soma of a passive tree."""
    root = model.tree.compartments[model.tree.root]
    g = root.gL * root.membrane_area
    for kid in model.tree.children[root.name]:
        g = g + branch_input_conductance(model, kid)
    return 1 / g


def attenuation(model: NeuronModel, compartment: str, x: Quantity) -> float:
    """Steady-state V(point)/V(soma) for current injected at the soma, at distance ``x``
    along ``compartment`` from its proximal end."""
    tree = model.tree
    path = []
    name = compartment
    while tree.compartments[name].parent is not None:
        path.append(name)
        name = tree.compartments[name].parent
    ratio = 1.0
    for k, name in enumerate(reversed(path)):
        comp = tree.compartments[name]
        lam = length_constant(comp.diameter, comp.gL, comp.Ra)
        load = sum((branch_input_conductance(model, c) for c in tree.children[name]), 0 * siemens)
        b = float(load / _g_inf(comp.diameter, comp.gL, comp.Ra))
        at = x if k == len(path) - 1 else comp.length
        big_l, rest = float(comp.length / lam), float((comp.length - at) / lam)
        ratio *= (math.cosh(rest) + b * math.sinh(rest)) / (math.cosh(big_l) + b * math.sinh(big_l))
    return ratio


__all__ = ["attenuation", "branch_input_conductance", "input_resistance", "length_constant"]
