"""A plasticity rule: an equation-defined Brian2 ``Synapses`` model acting on efficacy ``w``.

Every synapse made by :func:`dendritic_models.wiring.connect` has a dimensionless efficacy
``w`` that scales its receptor conductance increments. A rule adds synaptic equations
(traces, usually ``(event-driven)``), statements run on a presynaptic spike (after the
conductance increments, which use the efficacy before the update) and on a postsynaptic
(somatic) spike, and its parameters, which become ``(shared, constant)`` variables of the
``Synapses`` so that ``cpp_standalone``'s ``run_args`` can sweep them. Event-driven traces
and pre/post pathways are Brian2's synapse model (Stimberg, Brette & Goodman 2019, eLife
8:e47314, "Synapses"); each concrete rule cites its own experiment.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field

from brian2 import Quantity


@dataclass(frozen=True)
class Rule:
    """A plasticity rule (see module docstring); ``w_max`` bounds the efficacy."""

    name: str
    source: str
    equations: str = ""
    on_pre: str = ""
    on_post: str = ""
    parameters: Mapping[str, Quantity | float] = field(default_factory=dict)

    def __str__(self) -> str:
        params = ", ".join(f"{k} = {v}" for k, v in self.parameters.items())
        return (
            f"# rule {self.name} ({self.source})\n# parameters: {params}\n{self.equations}\n"
            f"# on_pre:\n{self.on_pre}\n# on_post:\n{self.on_post}"
        )
