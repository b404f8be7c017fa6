"""A named compartment of a neuron tree: geometry, passive membrane and mechanisms.

Passive defaults are those of Dendrify's examples (Pagkalos, Chavlis & Poirazi 2023, Nat
Commun 14:131): Cm 1 uF/cm^2, gL 40 uS/cm^2 (Rm 25 kOhm cm^2), Ra 150 Ohm cm; EL -70 mV.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field

from brian2 import Quantity, cm, mV, ohm, uF, um, uS

from .errors import ModelError
from .mechanisms.base import Mechanism
from .mechanisms.receptors import RECEPTORS
from .quantities import require_positive, require_unit

KINDS = ("soma", "basal", "apical_trunk", "apical_oblique", "apical_tuft", "axon", "dendrite")


@dataclass(frozen=True)
class Compartment:
    """One branch (or the soma) of a neuron tree.

    Parameters
    ----------
    name: unique identifier, a valid Python name without trailing ``_<digits>``.
    kind: one of :data:`KINDS` (rule sets and wiring address compartments by kind).
    parent: name of the parent compartment; ``None`` for the root (the soma). Children
        attach to the soma's centre and to the distal end of any other parent.
    length, diameter: cylinder geometry; the membrane area is pi * diameter * length (ends
        excluded, as NEURON). The soma may instead give a lumped ``area``.
    n_seg: number of electrical segments the branch is split into (the soma has one).
    Cm, gL, EL, Ra: specific capacitance, leak conductance density, leak reversal and axial
        resistivity.
    mechanisms: active mechanisms (see :mod:`dendritic_models.mechanisms`).
    receptors: receptor names from :data:`~dendritic_models.mechanisms.RECEPTORS` whose
        conductances this compartment carries (synapses can only target these).
    """

    name: str
    kind: str
    parent: str | None = None
    length: Quantity | None = None
    diameter: Quantity | None = None
    area: Quantity | None = None
    n_seg: int = 1
    Cm: Quantity = field(default_factory=lambda: 1 * uF / cm**2)
    gL: Quantity = field(default_factory=lambda: 40 * uS / cm**2)
    EL: Quantity = field(default_factory=lambda: -70 * mV)
    Ra: Quantity = field(default_factory=lambda: 150 * ohm * cm)
    mechanisms: Sequence[Mechanism] = ()
    receptors: Sequence[str] = field(default=("AMPA", "NMDA", "GABA_A"))

    def __post_init__(self) -> None:
        where = f"compartment {self.name!r}"
        if not isinstance(self.name, str) or not self.name.isidentifier() or self.name[0] == "_":
            raise ModelError(f"{where}: the name must be a Python identifier not starting with _")
        tail = self.name.rsplit("_", 1)
        if len(tail) == 2 and tail[1].isdigit():
            raise ModelError(f"{where}: names ending in _<digits> are reserved for segments")
        if self.kind not in KINDS:
            raise ModelError(f"{where}: unknown kind {self.kind!r}; valid kinds are {KINDS}")
        if self.area is not None:
            if self.length is not None or self.diameter is not None:
                raise ModelError(f"{where}: give either area or length and diameter, not both")
            if self.parent is not None:
                raise ModelError(f"{where}: only the root (soma) may be given a lumped area")
            require_positive(self.area, um**2, f"{where}: area")
        else:
            if self.length is None or self.diameter is None:
                raise ModelError(f"{where}: needs length and diameter (or, for the soma, area)")
            require_positive(self.length, um, f"{where}: length")
            require_positive(self.diameter, um, f"{where}: diameter")
        if not isinstance(self.n_seg, int) or self.n_seg < 1:
            raise ModelError(f"{where}: n_seg must be a positive integer, got {self.n_seg!r}")
        if self.parent is None and self.n_seg != 1:
            raise ModelError(f"{where}: the root (soma) is isopotential and has n_seg = 1")
        require_positive(self.Cm, uF / cm**2, f"{where}: Cm")
        require_unit(self.gL, uS / cm**2, f"{where}: gL")
        if float(self.gL / (uS / cm**2)) < 0:
            raise ModelError(f"{where}: gL must not be negative")
        require_unit(self.EL, mV, f"{where}: EL")
        require_positive(self.Ra, ohm * cm, f"{where}: Ra")
        unknown = set(self.receptors) - set(RECEPTORS)
        if unknown:
            raise ModelError(
                f"{where}: unknown receptor(s) {sorted(unknown)}; valid: {sorted(RECEPTORS)}"
            )
        names = [m.name for m in self.mechanisms]
        if len(set(names)) != len(names):
            raise ModelError(f"{where}: two mechanisms share a name in {names}")

    @property
    def membrane_area(self) -> Quantity:
        """Total membrane area of the branch (lateral surface of the cylinder, or ``area``)."""
        if self.area is not None:
            return self.area
        return 3.141592653589793 * self.diameter * self.length
