"""Dendritic Na spike for basal and oblique dendrites (event-gated, see ``event_spike``).

Fast, all-or-none dendritic Na spikes of thin basal/oblique branches (Losonczy & Magee 2006,
Neuron 50:291; Ariav, Polsky & Schiller 2003, J Neurosci 23:7750). Scheme and the threshold
(-35 mV) from Dendrify 2.2 (Pagkalos, Chavlis & Poirazi 2023, Nat Commun 14:131): Na pulse
then delayed K pulse. Conductance densities: Dendrify's example gives 9 nS Na / 5.7 nS K on a
100 x 1 um branch (2.9 / 1.8 mS/cm^2); the defaults below are of that order.
"""

from __future__ import annotations

from brian2 import Quantity, cm, mS, ms, mV

from .base import Mechanism
from .event_spike import event_gated_spike


def na_spike(
    gbar_Na: Quantity = 3.0 * mS / cm**2,
    gbar_K: Quantity = 2.0 * mS / cm**2,
    theta: Quantity = -35 * mV,
    dur_Na: Quantity = 1.0 * ms,
    delay_K: Quantity = 0.5 * ms,
    dur_K: Quantity = 2.0 * ms,
    refractory: Quantity = 5 * ms,
) -> Mechanism:
    """Dendritic Na spike: Na (E 50 mV) for ``dur_Na``, then K (E -90 mV)."""
    return event_gated_spike(
        "dspike",
        "Pagkalos, Chavlis & Poirazi 2023 (Nat Commun 14:131), Dendrify 2.2 Na spikes; "
        "Losonczy & Magee 2006 (Neuron 50:291)",
        theta,
        refractory,
        {
            "Na": {"gbar": gbar_Na, "E": 50 * mV, "delay": 0 * ms, "dur": dur_Na},
            "K": {"gbar": gbar_K, "E": -90 * mV, "delay": delay_K, "dur": dur_K},
        },
    )
