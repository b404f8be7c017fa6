"""Plasticity rules, one per module, each citing the experiment it reproduces."""

from .base import Rule
from .pair_stdp import pair_stdp

__all__ = ["Rule", "pair_stdp"]
