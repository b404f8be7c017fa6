"""Slice and in-vivo plasticity experiments, replayed to validate each rule.

One module per experiment, readable top to bottom like a methods section. Each defines

- ``RULE``: the rule(s) it validates (names from :mod:`dendritic_models.rules`);
- ``SOURCE``: the paper (and figure) whose numbers it compares with;
- ``run(quick: bool = True) -> dict``: builds the model, runs the protocol with Brian2 and
  returns ``{"findings": [...], "data": {...}}``; every finding comes from
  :func:`dendritic_models.results.finding` (measured value, published value with the
  tolerance, reproduced or not).

``python -m protocols.plasticity.table`` runs them all and writes the README's rule table.
"""

import importlib
import pkgutil


def experiments() -> dict:
    """Every experiment module of this package, by name."""
    names = [m.name for m in pkgutil.iter_modules(__path__) if m.name != "table"]
    return {name: importlib.import_module(f"{__name__}.{name}") for name in sorted(names)}
