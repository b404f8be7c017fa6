"""A plasticity rule: an equation-defined Brian2 ``Synapses`` model acting on efficacy ``w``.

Every synapse made by :func:`dendritic_models.wiring.connect` has a dimensionless efficacy
``w`` that scales its receptor conductance increments. A rule adds synaptic equations
(traces, usually ``(event-driven)``; a rule may also declare ``dw/dt`` itself), statements
run on a presynaptic spike (after the conductance increments, which use the efficacy before
the update) and on a postsynaptic (somatic) spike, and its parameters, which become
``(shared, constant)`` variables of the ``Synapses`` so that ``cpp_standalone``'s
``run_args`` can sweep them. Event-driven traces and pre/post pathways are Brian2's synapse
model (Stimberg, Brette & Goodman 2019, eLife 8:e47314, "Synapses"); each concrete rule
cites its own experiment.

Locality. A rule reads only what is local to its synapse:
- ``requires``: variables of the synapse's own electrical compartment, in local names
  (``v``, or a filter such as ``u_minus`` that ``mechanism`` provides). ``connect`` gives
  each synapse a subexpression of that name that selects its own compartment's variable,
  and fails at build time if a targeted compartment lacks one;
- ``mechanism``: the per-compartment part of the rule (voltage filters, calcium), placed on
  the compartments that carry the rule, so filters are computed once per compartment and
  not once per synapse;
- ``on_neighbour``: statements run in a synapse when another synapse on the same branch of
  the same neuron, within ``neighbour_radius`` along the branch, receives a spike; they may
  use ``separation`` (the distance between the two, in metre). The target synapse's
  variables carry the suffix ``_post``, the neighbour's ``_pre`` is not available.

Induction. ``induction`` names the parameters that set how much a synapse's activity
changes it (learning rates, trace increments, NMDA-dependent calcium). ``connect`` gives every
synapse of a rule with such parameters a variable ``induction`` (1; 0 blocks induction) that
multiplies each of them wherever the rule uses it, so a protocol can block plasticity
induction in chosen synapses and phases, as NMDA receptor blockade with APV does for
NMDA-dependent LTP (Collingridge, Kehl & McLennan 1983, J Physiol 334:33), while what was
learned stays and is expressed.

``method`` names Brian2's integrator for a rule's clock-driven equations when the default
choice (exact, then Euler) does not apply, e.g. for thresholded voltage terms.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field, replace

from brian2 import Equations, Quantity
from brian2.utils.stringtools import word_substitute

from ..compartment import Compartment
from ..errors import ModelError
from ..mechanisms.base import Mechanism
from ..quantities import unit_string


@dataclass(frozen=True)
class Rule:
    """A plasticity rule (see module docstring); ``w_max`` bounds the efficacy."""

    name: str
    source: str
    equations: str = ""
    on_pre: str = ""
    on_post: str = ""
    parameters: Mapping[str, Quantity | float] = field(default_factory=dict)
    requires: tuple[str, ...] = ()
    mechanism: Mechanism | None = None
    on_neighbour: str = ""
    neighbour_radius: Quantity | None = None
    method: str | None = None  #: Brian2 integration method of clock-driven equations
    induction: tuple[str, ...] = ()  #: parameters scaled by the synapse's ``induction``

    def gated(self) -> Rule:
        """The rule with each ``induction`` parameter multiplied by the per-synapse variable
        ``induction`` in its equations and statements (the rule itself if it has none)."""
        if not self.induction:
            return self
        missing = sorted(set(self.induction) - set(self.parameters))
        if missing:
            raise ModelError(f"rule {self.name!r}: induction names unknown parameters {missing}")
        names = {p: f"({p}*induction)" for p in self.induction}
        return replace(
            self,
            equations="\n".join(filter(None, ["induction : 1", word_substitute(self.equations,
                                                                              names)])),
            on_pre=word_substitute(self.on_pre, names),
            on_post=word_substitute(self.on_post, names),
            on_neighbour=word_substitute(self.on_neighbour, names),
            induction=(),
        )

    def synapse_model(self) -> list[str]:
        """The rule's lines of a ``Synapses`` model: the efficacy ``w`` (unless the rule's
        equations define it), its equations, and its parameters as shared constants."""
        lines = [] if "w" in Equations(self.equations).names else ["w : 1"]
        lines += [self.equations] if self.equations else []
        return lines + [
            f"{p} : {unit_string(v)} (shared, constant)" for p, v in self.parameters.items()
        ]

    def set_parameters(self, synapses) -> None:
        """Give a ``Synapses`` built from :meth:`synapse_model` the rule's parameter values."""
        for par, value in self.parameters.items():
            setattr(synapses, par, value)

    def __str__(self) -> str:
        params = ", ".join(f"{k} = {v}" for k, v in self.parameters.items())
        parts = [f"# rule {self.name} ({self.source})", f"# parameters: {params}"]
        if self.requires:
            parts.append(f"# reads from its compartment: {', '.join(self.requires)}")
        if self.mechanism is not None:
            parts.append(f"# per compartment:\n{self.mechanism.equations}")
        parts += [self.equations, f"# on_pre:\n{self.on_pre}", f"# on_post:\n{self.on_post}"]
        if self.on_neighbour:
            parts.append(
                f"# on a neighbour's spike (within {self.neighbour_radius}):\n{self.on_neighbour}"
            )
        return "\n".join(parts)


@dataclass(frozen=True)
class RuleSet:
    """A named map from compartment kind (or compartment name) to :class:`Rule`.

    Protocols compare rule sets, e.g. ``RuleSet('compartment_specific', {'basal':
    pair_stdp(), 'apical_tuft': local_coactivity()})``: the Hebbian basal / co-activity
    apical split of Wright, Hedrick & Komiyama 2025 (Science 388:322).
    """

    name: str
    rules: Mapping[str, Rule]
    description: str = ""

    def for_compartment(self, name: str, kind: str) -> Rule | None:
        """The rule of a compartment: by its name first, then by its kind."""
        return self.rules.get(name, self.rules.get(kind))

    def equip(self, compartments: Sequence[Compartment]) -> list[Compartment]:
        """The compartments with each rule's per-compartment ``mechanism`` added where the
        rule applies (once, if several rules share it)."""
        return [_with_rule_mechanism(c, self.for_compartment(c.name, c.kind)) for c in compartments]


def _with_rule_mechanism(comp: Compartment, rule: Rule | None) -> Compartment:
    if rule is None or rule.mechanism is None:
        return comp
    if any(m.name == rule.mechanism.name for m in comp.mechanisms):
        return comp
    return replace(comp, mechanisms=[*comp.mechanisms, rule.mechanism])


def on_target_synapses(statements: str, synapses) -> str:
    """``statements`` written in the names of a synapse of ``synapses``, rewritten for a
    ``Synapses`` whose targets are those synapses (synapses onto synapses): each of their
    variables gets the suffix ``_post``."""
    return word_substitute(statements, {v: f"{v}_post" for v in synapses.equations.names})
