"""Unit checks for user-supplied quantities (Brian2 units everywhere in the public API)."""

from __future__ import annotations

from brian2 import Quantity
from brian2.units.fundamentalunits import get_dimensions, get_unit, have_same_dimensions

from .errors import ModelError


def require_unit(value: object, unit: Quantity, what: str) -> Quantity:
    """Return ``value`` if it has the dimensions of ``unit``, else raise :class:`ModelError`."""
    if not isinstance(value, Quantity) and unit.dim != get_dimensions(1):
        raise ModelError(f"{what} = {value} has no units; expected a quantity in {unit}")
    if not have_same_dimensions(value, unit):
        raise ModelError(f"{what} = {value} has the wrong units; expected {unit}")
    return value


def require_positive(value: object, unit: Quantity, what: str) -> Quantity:
    """Like :func:`require_unit`, and the value must also be strictly positive and finite."""
    require_unit(value, unit, what)
    if not float(value / unit) > 0 or float(value / unit) == float("inf"):
        raise ModelError(f"{what} = {value} must be positive and finite")
    return value


def unit_string(value: object) -> str:
    """The Brian2 equation unit of a value (``'1'`` if dimensionless)."""
    dim = get_dimensions(value)
    return "1" if dim.is_dimensionless else repr(get_unit(dim))
