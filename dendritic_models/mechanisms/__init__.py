"""Equation templates that a compartment can carry, each with its source."""

from .base import Mechanism
from .calcium import ca_plateau
from .dendritic_na import na_spike
from .event_spike import event_gated_spike
from .receptors import AMPA, GABA_A, NMDA, RECEPTORS, peak_factor
from .somatic_spike import SomaticSpike, adex, lif

__all__ = [
    "AMPA",
    "GABA_A",
    "NMDA",
    "RECEPTORS",
    "Mechanism",
    "SomaticSpike",
    "adex",
    "ca_plateau",
    "event_gated_spike",
    "lif",
    "na_spike",
    "peak_factor",
]
