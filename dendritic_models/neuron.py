"""Build N multi-compartment neurons as ONE Brian2 ``NeuronGroup`` from a tree spec.

Compartments are state variables (the reduced-compartment approach of Dendrify, Pagkalos,
Chavlis & Poirazi 2023, Nat Commun 14:131): node ``x`` has voltage ``v_x``, capacitance
``C_x``, leak ``gL_x``/``EL_x``, electrode current ``I_ext_x``, membrane current ``I_m_x``
with its slope conductance ``G_m_x``, and its mechanisms' variables renamed ``<name>_x``.
Voltages are updated by the implicit tree solver of :mod:`dendritic_models.solver`; all
other ODEs (gates, receptor conductances, adaptation) by Brian2's own state updater.
Every parameter is a declared variable of the group (per-neuron, or shared constants), so
``cpp_standalone``'s ``run_args`` can change any of them without recompiling.

``print(model)`` shows the equations and the solver code exactly as they will run.
"""

from __future__ import annotations

from collections.abc import Sequence

import sympy
from brian2 import Equations, NeuronGroup, Quantity, amp, farad, metre, siemens
from brian2.parsing.sympytools import str_to_sympy, sympy_to_str
from brian2.units.fundamentalunits import have_same_dimensions

from .compartment import Compartment
from .errors import ModelError
from .mechanisms.base import Mechanism, localise
from .mechanisms.receptors import RECEPTORS
from .mechanisms.somatic_spike import SomaticSpike
from .quantities import unit_string
from .solver import hines_code
from .tree import Node, Tree

NODE_NAMES = ("v", "C", "gL", "EL", "I_ext")


def _scaled(value: Quantity, node: Node) -> Quantity:
    """Densities times the node's area; extensive absolutes split by area over segments."""
    comp = node.compartment
    for extensive in (siemens, farad, amp):
        if have_same_dimensions(value, extensive / metre**2):
            return value * node.area
        if have_same_dimensions(value, extensive):
            return value * float(node.area / comp.membrane_area)
    return value


class NeuronModel:
    """A validated neuron tree and the Brian2 model text it generates.

    Parameters
    ----------
    compartments: the tree, one :class:`~dendritic_models.compartment.Compartment` per branch.
    name: a label (used for the group's name and in provenance).
    """

    def __init__(self, compartments: Sequence[Compartment], name: str = "neuron"):
        self.name = name
        self.tree = Tree(compartments)
        self.spike: SomaticSpike | None = self._somatic_spike()
        self.parameters: dict[str, Quantity] = {}
        self.constants: dict[str, Quantity] = {}
        self.initial: dict[str, Quantity | str] = {}
        self.triggers: dict[str, str] = {}
        self.durations: dict[str, Quantity] = {}
        self.receptor_targets: dict[tuple[str, str], str] = {}
        lines: list[str] = []
        for node in self.tree.nodes:
            if not node.is_junction:
                lines.append(self._node_equations(node))
            if node.parent is not None:
                lines.append(f"g_axial_{node.name} : siemens (constant)")
                self.parameters[f"g_axial_{node.name}"] = node.g_axial
        for const, value in self.constants.items():
            lines.append(f"{const} : {unit_string(value)} (shared, constant)")
        self.equations: Equations = Equations("\n".join(lines))
        root = self.tree.nodes[0].name
        clamp = None
        if self.spike is not None:
            clamp = (
                "1 - int(not_refractory)",
                f"V_reset_{root} + (V_AP_{root} - V_reset_{root})*int(t - lastspike < t_AP_{root})",
            )
        self.solver_code: str = hines_code(self.tree, clamp, self.triggers)
        self.threshold = None if self.spike is None else self._rename(self.spike.threshold, root)
        self.reset = None if self.spike is None else self._rename(self.spike.reset, root)
        self.refractory = None if self.spike is None else f"t_ref_{root}"

    # -- construction helpers -------------------------------------------------------------
    def _somatic_spike(self) -> SomaticSpike | None:
        spikes = []
        for comp in self.tree.compartments.values():
            for mech in comp.mechanisms:
                if isinstance(mech, SomaticSpike):
                    if comp.parent is not None:
                        raise ModelError(
                            f"mechanism {mech.name!r} defines the somatic spike and must sit on "
                            f"the root compartment, not on {comp.name!r}"
                        )
                    spikes.append(mech)
        if len(spikes) > 1:
            raise ModelError(f"more than one somatic spike mechanism: {[m.name for m in spikes]}")
        return spikes[0] if spikes else None

    def _mechanisms(self, node: Node) -> list[Mechanism]:
        comp = node.compartment
        return list(comp.mechanisms) + [RECEPTORS[r] for r in comp.receptors]

    def _renaming(self, node: Node) -> dict[str, str]:
        renaming = {name: f"{name}_{node.name}" for name in NODE_NAMES}
        owner: dict[str, str] = {}
        for mech in self._mechanisms(node):
            for name in mech.declared_names():
                if name in owner or name in NODE_NAMES:
                    raise ModelError(
                        f"compartment {node.compartment.name!r}: name {name!r} of mechanism "
                        f"{mech.name!r} is already declared by {owner.get(name, 'the node')!r}"
                    )
                owner[name] = mech.name
                renaming[name] = f"{name}_{node.name}"
        return renaming

    def _rename(self, text: str, node_name: str) -> str:
        node = self.tree.nodes[self.tree.node_index[node_name]]
        return localise(text, self._renaming(node))

    def _node_equations(self, node: Node) -> str:
        n, comp = node.name, node.compartment
        where = f"compartment {comp.name!r}"
        rename = self._renaming(node)
        lines = [
            f"v_{n} : volt",
            f"C_{n} : farad (constant)",
            f"gL_{n} : siemens (constant)",
            f"EL_{n} : volt (constant)",
            f"I_ext_{n} : amp",
        ]
        self.parameters.update(
            {
                f"C_{n}": comp.Cm * node.area,
                f"gL_{n}": comp.gL * node.area,
                f"EL_{n}": comp.EL,
            }
        )
        self.initial[f"v_{n}"] = comp.EL
        implicit = ["gL*(EL - v)", "I_ext"]
        explicit = []
        for mech in self._mechanisms(node):
            if mech.equations:
                lines.append(localise(mech.equations, rename))
            for par, value in mech.parameters.items():
                scaled = _scaled(value, node)
                self.parameters[f"{par}_{n}"] = scaled
                lines.append(f"{par}_{n} : {unit_string(scaled)} (constant)")
                if par.startswith("dur_") or par == "t_AP":
                    self.durations[f"{par}_{n}"] = value
            for const, value in mech.constants.items():
                if const in self.constants and not _same(self.constants[const], value):
                    raise ModelError(
                        f"{where}: constant {const!r} of {mech.name!r} = {value} conflicts "
                        f"with {self.constants[const]} set by another mechanism"
                    )
                self.constants[const] = value
            for var, value in mech.initial.items():
                if isinstance(value, str):
                    value = localise(value, rename)
                self.initial[f"{var}_{n}"] = value
            for var, condition in mech.triggers.items():
                self.triggers[rename[var]] = localise(condition, rename)
            if mech.current:
                implicit.append(f"({mech.current})")
            if mech.explicit_current:
                explicit.append(f"({mech.explicit_current})")
            if mech.target is not None:
                self.receptor_targets[(n, mech.name)] = rename[mech.target]
        i_m = localise(" + ".join(implicit), rename)
        g_m = sympy.diff(-str_to_sympy(i_m), sympy.Symbol(f"v_{n}", real=True))
        lines.append(f"I_m_{n} = {i_m} : amp")
        lines.append(f"G_m_{n} = {sympy_to_str(g_m)} : siemens")
        i_explicit = localise(" + ".join(explicit), rename) if explicit else "0*amp"
        lines.append(f"I_explicit_{n} = {i_explicit} : amp")
        return "\n".join(lines)

    # -- public API -----------------------------------------------------------------------
    @property
    def node_names(self) -> list[str]:
        """Electrical nodes with membrane (junctions excluded), parent-first."""
        return [n.name for n in self.tree.nodes if not n.is_junction]

    def nodes(self, where: str) -> list[Node]:
        """Nodes of a compartment name, a segment name, or a compartment kind."""
        tree = self.tree
        if where in tree.compartments:
            return [tree.nodes[tree.node_index[s]] for s in tree.segment_names(where)]
        if where in tree.node_index and not tree.nodes[tree.node_index[where]].is_junction:
            return [tree.nodes[tree.node_index[where]]]
        by_kind = tree.nodes_of_kind(where)
        if by_kind:
            return by_kind
        kinds = sorted({c.kind for c in tree.compartments.values()})
        raise ModelError(
            f"no compartment, segment or kind named {where!r} in model {self.name!r}; "
            f"compartments: {list(tree.compartments)}; kinds: {kinds}"
        )

    def check_dt(self, dt: Quantity) -> None:
        """Fail if ``dt`` cannot resolve the model's shortest waveform or event duration.

        The axial coupling is integrated implicitly and sets no stability bound; what ``dt``
        must resolve are the durations the model compares with ``t`` (AP width, dendritic
        spike channel pulses): each must last at least two steps.
        """
        if not self.durations:
            return
        name, shortest = min(self.durations.items(), key=lambda kv: float(kv[1]))
        bound = shortest / 2
        if float(dt) > float(bound) * (1 + 1e-9):
            raise ModelError(
                f"dt = {dt} is too large for model {self.name!r}: the shortest duration, "
                f"{name} = {shortest}, must span at least 2 steps, so dt <= {bound}"
            )

    def group(
        self,
        N: int,
        *,
        dt: Quantity | None = None,
        extra_equations: str | Equations = "",
        method: str = "exponential_euler",
        name: str | None = None,
        **kwargs,
    ) -> DendriticGroup:
        """N neurons of this model as one :class:`DendriticGroup` (a Brian2 ``NeuronGroup``).

        ``extra_equations`` are appended to the generated equations (e.g. a user's extra
        current, referenced by adding a mechanism); ``kwargs`` go to ``NeuronGroup``.
        """
        if not isinstance(N, int) or N < 1:
            raise ModelError(f"N must be a positive integer, got {N!r}")
        return DendriticGroup(
            self, N, dt=dt, extra_equations=extra_equations, method=method, name=name, **kwargs
        )

    def __str__(self) -> str:
        head = f"# {self.name}: {len(self.node_names)} electrical compartments"
        spike = ""
        if self.spike is not None:
            spike = (
                f"\n# threshold: {self.threshold}\n# reset: {self.reset}\n"
                f"# refractory: {self.refractory}"
            )
        return (
            f"{head}\n{self.equations}{spike}\n"
            f"# voltage update (run_regularly every dt):\n{self.solver_code}"
        )


def _same(a: object, b: object) -> bool:
    return have_same_dimensions(a, b) and float(a) == float(b)


class DendriticGroup(NeuronGroup):
    """A ``NeuronGroup`` of N neurons of one :class:`NeuronModel`, with its tree solver.

    ``neuron_model`` holds the model (compartments, nodes, positions). The voltage solver is
    a ``run_regularly`` operation of this group, after its state update each step.
    """

    def __init__(self, neuron_model: NeuronModel, N: int, *, dt, extra_equations, method,
                 name, **kwargs):
        self.neuron_model = neuron_model
        eqs = neuron_model.equations
        if extra_equations:
            eqs = eqs + (
                extra_equations
                if isinstance(extra_equations, Equations)
                else Equations(extra_equations)
            )
        super().__init__(
            N,
            eqs,
            threshold=neuron_model.threshold,
            reset=neuron_model.reset or None,
            refractory=neuron_model.refractory or False,
            method=method,
            dt=dt,
            name=name or f"{neuron_model.name}*",
            **kwargs,
        )
        for var, value in {**neuron_model.parameters, **neuron_model.constants}.items():
            setattr(self, var, value)
        for var, value in neuron_model.initial.items():
            setattr(self, var, value)
        neuron_model.check_dt(self.clock.dt)
        try:  # every expression's units, now rather than at the first run
            self.equations.check_units(self, run_namespace={})
        except Exception as err:  # Brian2 raises DimensionMismatchError or KeyError here
            raise ModelError(f"model {neuron_model.name!r}: {err}") from err
        self.run_regularly(
            neuron_model.solver_code, when="groups", order=self.order + 1, name=f"{self.name}_cable"
        )

    def before_run(self, run_namespace):
        self.neuron_model.check_dt(self.clock.dt)
        super().before_run(run_namespace)


def model_of(group: object) -> NeuronModel:
    """The :class:`NeuronModel` of a group built by :meth:`NeuronModel.group`."""
    if not isinstance(group, DendriticGroup):
        raise ModelError(f"{group!r} is not a group built by NeuronModel.group()")
    return group.neuron_model

