"""Errors raised for bad model input, before anything is built or run."""


class ModelError(ValueError):
    """A model specification is invalid (names, tree, geometry, units, targets or dt)."""
