"""The mechanism abstraction: an equation template with units, instantiated per compartment.

A mechanism is written in *local* names: ``v`` is the voltage of the electrical compartment
it sits in, and every variable it declares (state variables, subexpressions, parameters), as
well as the node-level names `v`, `Cm`, `gL`, `EL` and `I_ext`, is
renamed ``<name>_<node>`` when it is placed on node ``<node>`` (e.g. ``w`` -> ``w_soma``),
in the spirit of Brian2's ``Equations.substitute``. Names in ``constants`` are group-wide
shared constants and keep their name.

Conventions
-----------
- ``current`` is a membrane current in amp, positive = depolarising (inward), as Brian2's
  ``SpatialNeuron`` ``Im``.
- The voltage update is implicit (see :mod:`dendritic_models.solver`): currents listed in
  ``current`` enter with their slope conductance ``-dI/dv`` on the diagonal (NEURON's
  linearisation, Hines & Carnevale 1997); currents in ``explicit_current`` enter at their
  value from the previous step only (used for the AdEx exponential, whose slope is
  negative and would weaken the diagonal).
- ``parameters`` are per-neuron group variables, so ``cpp_standalone``'s ``run_args`` can
  change them without recompiling. Densities (S/m^2, F/m^2, A/m^2) are multiplied by the
  compartment's membrane area; absolute extensive values (S, F, A) on a branch split into
  ``n_seg`` segments are divided among the segments in proportion to their area.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass, field, replace

from brian2 import Quantity, metre
from brian2.units.fundamentalunits import have_same_dimensions
from brian2.utils.stringtools import word_substitute

from ..errors import ModelError

_DECLARED = re.compile(r"^\s*(?:d([A-Za-z]\w*)\s*/\s*dt|([A-Za-z]\w*))\s*(?:=|:)", re.M)


@dataclass(frozen=True)
class Mechanism:
    """An equation template placed on one compartment.

    Attributes
    ----------
    name:
        Short identifier (``'nmda'``, ``'adex'``); two mechanisms of one compartment must differ.
    source:
        Citation (paper, year, figure/table) for the equations and defaults.
    equations:
        Brian2 equation lines in local names (ODEs and subexpressions), without the
        parameter declarations, which come from ``parameters``.
    current, explicit_current:
        Membrane current expressions (amp) in local names, see module docstring.
    parameters:
        Per-neuron parameters, name -> default quantity.
    constants:
        Group-wide ``(shared, constant)`` values, name -> quantity; not renamed.
    initial:
        Initial values of declared state variables, local name -> quantity, or an
        expression in local names (e.g. ``'EL'``).
    triggers:
        Event times: local name of a ``second`` variable -> condition (local names). Each
        step, after the voltage update, the variable is set to ``t`` where its condition
        holds (a branch-free statement in the solver block, so no extra code objects).
    target:
        The variable a presynaptic spike increments (receptor mechanisms only).
    """

    name: str
    source: str
    equations: str = ""
    current: str = ""
    explicit_current: str = ""
    parameters: Mapping[str, Quantity] = field(default_factory=dict)
    constants: Mapping[str, Quantity] = field(default_factory=dict)
    initial: Mapping[str, Quantity | str] = field(default_factory=dict)
    triggers: Mapping[str, str] = field(default_factory=dict)
    target: str | None = None

    def with_parameters(self, **values: Quantity) -> Mechanism:
        """A copy with some parameter defaults replaced; each keeps its default's units
        (or swaps between an absolute value and its per-area density)."""
        unknown = set(values) - set(self.parameters)
        if unknown:
            raise ModelError(
                f"mechanism {self.name!r} has no parameter(s) {sorted(unknown)}; "
                f"its parameters are {sorted(self.parameters)}"
            )
        for par, value in values.items():
            default = self.parameters[par]
            if not any(
                have_same_dimensions(value, default * scale) for scale in (1, metre**2, metre**-2)
            ):
                raise ModelError(
                    f"mechanism {self.name!r}: {par} = {value} has the wrong units "
                    f"(default {default})"
                )
        return replace(self, parameters={**self.parameters, **values})

    def declared_names(self) -> set[str]:
        """Every name this mechanism declares: renamed ``<name>_<node>`` on each node."""
        declared = {a or b for a, b in _DECLARED.findall(self.equations)}
        return declared | set(self.parameters)



_DERIVATIVE = re.compile(r"\bd([A-Za-z]\w*)\s*/\s*dt\b")


def localise(text: str, renaming: Mapping[str, str]) -> str:
    """Rename local names in equations, expressions or statements (``dx/dt`` included)."""
    text = _DERIVATIVE.sub(lambda m: f"d{renaming.get(m.group(1), m.group(1))}/dt", text)
    return word_substitute(text, renaming)
