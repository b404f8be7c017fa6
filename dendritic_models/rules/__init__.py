"""Plasticity rules, one per module, each citing the experiment it reproduces."""

from .base import Rule, RuleSet
from .clopath import clopath
from .graupner_brunel import graupner_brunel
from .local_coactivity import local_coactivity
from .pair_stdp import pair_stdp
from .triplet_stdp import triplet_stdp

__all__ = [
    "Rule",
    "RuleSet",
    "clopath",
    "graupner_brunel",
    "local_coactivity",
    "pair_stdp",
    "triplet_stdp",
]
