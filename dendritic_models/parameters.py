"""A protocol's parameters: a frozen dataclass of plain numbers, with the Brian2 unit each
number is in declared beside it (``units``), so that users set and read them with units
(``paradigm.tone_rate=40*Hz``) and every result records them with units.

Units are Brian2's (Stimberg, Brette & Goodman 2019, eLife 8:e47314): a value of the wrong
dimension is refused before it reaches a model. Fields are addressed by dotted paths into
nested dataclasses (``task.sessions``). ``units`` maps a path to a Brian2 unit, or, for a
tuple field, to a tuple of units (``1`` for a dimensionless element); paths not in
``units`` are dimensionless.
"""

from __future__ import annotations

import ast
import dataclasses
from typing import Any

import brian2
from brian2 import Quantity, Unit
from brian2.units.fundamentalunits import is_dimensionless

#: names a value may use: Brian2's units (``ms``, ``Hz``, ``nS``, ``um``...) and nothing else
_UNITS = {name: unit for name, unit in vars(brian2.units).items() if isinstance(unit, Unit)}


class ParameterError(ValueError):
    """A parameter path that does not exist, or a value of the wrong units or shape."""


def paths(setup: Any, prefix: str = "") -> dict[str, Any]:
    """Every leaf field of ``setup`` by dotted path, in declaration order."""
    out = {}
    for field in dataclasses.fields(setup):
        value = getattr(setup, field.name)
        if dataclasses.is_dataclass(value):
            out.update(paths(value, f"{prefix}{field.name}."))
        else:
            out[f"{prefix}{field.name}"] = value
    return out


def _unit_of(units: dict, path: str, size: int | None) -> tuple:
    unit = units.get(path, 1)
    if size is None:
        return (unit,)
    return tuple(unit) if isinstance(unit, tuple) else (unit,) * size


def _plain(unit: Any) -> bool:
    """Whether ``unit`` stands for "dimensionless" (``1`` in ``units``)."""
    return not isinstance(unit, Unit) or is_dimensionless(unit)


def _unit_name(unit: Any) -> str:
    return "1" if _plain(unit) else str(unit)


def with_units(setup: Any, units: dict) -> dict[str, dict[str, Any]]:
    """Every parameter as ``{"value": <number or list>, "unit": "ms"}``, the form a result
    records."""
    out = {}
    for path, value in paths(setup).items():
        size = len(value) if isinstance(value, tuple) else None
        names = [_unit_name(u) for u in _unit_of(units, path, size)]
        unit = names[0] if len(set(names)) == 1 else names
        out[path] = {"value": list(value) if size is not None else value, "unit": unit}
    return out


def _evaluate(text: str) -> Any:
    """A number, a quantity or a tuple of them, written with Brian2's unit names
    (``4*second``, ``(8*ms, 12*ms)``, ``0.6/um``); nothing else is evaluated."""
    try:
        tree = ast.parse(text.strip(), mode="eval")
    except SyntaxError as err:
        raise ParameterError(f"cannot read {text!r} as a value (e.g. 40*Hz, 3, (8*ms, 12*ms))"
                             ) from err
    allowed = (ast.Expression, ast.BinOp, ast.UnaryOp, ast.Constant, ast.Name, ast.Tuple,
               ast.Load, ast.Mult, ast.Div, ast.Pow, ast.USub, ast.UAdd)
    for node in ast.walk(tree):
        if not isinstance(node, allowed):
            raise ParameterError(f"{text!r}: only numbers, units (ms, Hz, nS...), *, / and "
                                 "tuples are allowed")
        if isinstance(node, ast.Name) and node.id not in _UNITS:
            raise ParameterError(f"{text!r}: {node.id!r} is not a Brian2 unit")
    return eval(compile(tree, "<value>", "eval"), {"__builtins__": {}}, dict(_UNITS))  # noqa: S307


def _in_unit(path: str, value: Any, unit: Any, old: Any) -> Any:
    """``value`` checked against ``unit`` and returned as a plain number in it."""
    if _plain(unit):
        if isinstance(value, Quantity) and not is_dimensionless(value):
            raise ParameterError(f"{path} is dimensionless, got {value}")
        try:
            number = float(value)
        except TypeError as err:
            raise ParameterError(f"{path} takes one number, got {value}") from err
        if isinstance(old, bool) or (isinstance(old, int) and not number.is_integer()):
            raise ParameterError(f"{path} takes a whole number, got {value}")
        return int(number) if isinstance(old, int) else number
    if not isinstance(value, Quantity) or value.dim != unit.dim:
        raise ParameterError(f"{path} needs units of {unit} (e.g. {old:g}*{unit}), got {value}")
    return float(f"{float(value / unit):.14g}")  # 15*nS/nS = 15, not 15.000000000000002


def apply(setup: Any, settings: dict[str, Any], units: dict) -> Any:
    """A copy of ``setup`` with every ``path -> value`` of ``settings`` set at once (so a
    dataclass's own consistency checks see the final values). A value is a string in Brian2's
    syntax (``"40*Hz"``) or a Quantity / number / tuple; its units must match the declared
    ones, and a tuple field takes a tuple of the same length."""
    known = paths(setup)
    new = {}
    for path, given in settings.items():
        if path not in known:
            raise ParameterError(f"unknown parameter {path!r}; valid: {', '.join(known)}")
        value = _evaluate(given) if isinstance(given, str) else given
        old = known[path]
        if isinstance(old, tuple):
            any_length = "..." in str(_field(setup, path).type)  # tuple[float, ...]
            if not isinstance(value, tuple) or (len(value) != len(old) and not any_length):
                size = "values" if any_length else f"{len(old)} values"
                raise ParameterError(f"{path} takes a tuple of {size}, got {value}")
            if any_length:
                old = (old[0],) * len(value)
            new[path] = tuple(
                _in_unit(f"{path}[{k}]", v, u, o) for k, (v, u, o) in
                enumerate(zip(value, _unit_of(units, path, len(old)), old, strict=True)))
        else:
            new[path] = _in_unit(path, value, _unit_of(units, path, None)[0], old)
    return _rebuild(setup, new)


def _field(setup: Any, path: str) -> dataclasses.Field:
    head, _, rest = path.partition(".")
    if rest:
        return _field(getattr(setup, head), rest)
    return next(f for f in dataclasses.fields(setup) if f.name == head)


def _rebuild(setup: Any, new: dict[str, Any], prefix: str = "") -> Any:
    changes = {}
    for field in dataclasses.fields(setup):
        value, path = getattr(setup, field.name), f"{prefix}{field.name}"
        if dataclasses.is_dataclass(value):
            inner = _rebuild(value, new, f"{path}.")
            if inner is not value:
                changes[field.name] = inner
        elif path in new:
            changes[field.name] = new[path]
    return dataclasses.replace(setup, **changes) if changes else setup


def from_record(setup: Any, record: dict[str, dict[str, Any]], units: dict) -> Any:
    """The setup a result recorded (see :func:`with_units`), rebuilt on ``setup``'s type."""
    settings = {}
    for path, entry in record.items():
        value = entry["value"]
        unit = _unit_of(units, path, len(value) if isinstance(value, list) else None)
        if isinstance(value, list):
            value = tuple(v if _plain(u) else v * u for v, u in zip(value, unit, strict=True))
        elif not _plain(unit[0]):
            value = value * unit[0]
        settings[path] = value
    return apply(setup, settings, units)


def si(setup: Any, path: str, units: dict) -> Any:
    """The value at ``path`` in SI (a number, or a tuple of numbers)."""
    value = paths(setup)[path]
    if isinstance(value, tuple):
        return tuple(v if _plain(u) else v * float(u)
                     for v, u in zip(value, _unit_of(units, path, len(value)), strict=True))
    unit = _unit_of(units, path, None)[0]
    return value if _plain(unit) else value * float(unit)
