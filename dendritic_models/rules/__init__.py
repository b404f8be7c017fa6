"""Plasticity rules, one per module, each citing the experiment it reproduces."""

from .base import Rule, RuleSet
from .bcm import bcm
from .burst_dependent import burst_dependent
from .clopath import clopath
from .graupner_brunel import graupner_brunel
from .local_coactivity import local_coactivity
from .pair_stdp import pair_stdp
from .tag_capture import tag_capture
from .three_factor import dopamine_release, three_factor_stdp
from .triplet_stdp import triplet_stdp

__all__ = [
    "Rule",
    "RuleSet",
    "bcm",
    "burst_dependent",
    "clopath",
    "dopamine_release",
    "graupner_brunel",
    "local_coactivity",
    "pair_stdp",
    "tag_capture",
    "three_factor_stdp",
    "triplet_stdp",
]
