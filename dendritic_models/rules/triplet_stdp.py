"""Triplet STDP (Pfister & Gerstner 2006, J Neurosci 26:9673), visual-cortex parameters.

Eqs. 1-4 of the paper: presynaptic traces r1 (tau_plus), r2 (tau_x), postsynaptic traces
o1 (tau_minus), o2 (tau_y), each jumping by 1 at its spike (all-to-all; ``nearest=True``
resets them to 1, the nearest-spike variant). At a presynaptic spike
w -> w - o1 (A2_minus + A3_minus r2), at a postsynaptic spike w -> w + r1 (A2_plus + A3_plus o2),
the slow traces read just before their own increment. Defaults: the minimal all-to-all model
fitted to the visual-cortex frequency data of Sjostrom, Turrigiano & Nelson 2001 (Neuron
32:1149): Pfister & Gerstner 2006, Table 3, "Min., All-to-All": A2+ = 0, A3+ = 6.5e-3,
A2- = 7.1e-3, A3- = 0, tau_y = 114 ms; tau_plus = 16.8 ms and tau_minus = 33.7 ms fixed from
Bi & Poo; tau_x = 101 ms (Table 3's full model; unused while A3- = 0). Additive updates with
hard bounds [0, w_max], starting from w = 1 so that w - 1 is the relative change the data report.
"""

from __future__ import annotations

from brian2 import Quantity, ms

from ..quantities import require_positive
from .base import Rule


def triplet_stdp(
    A2_plus: float = 0.0,
    A3_plus: float = 6.5e-3,
    A2_minus: float = 7.1e-3,
    A3_minus: float = 0.0,
    tau_plus: Quantity = 16.8 * ms,
    tau_minus: Quantity = 33.7 * ms,
    tau_x: Quantity = 101 * ms,
    tau_y: Quantity = 114 * ms,
    w_max: float = 3.0,
    nearest: bool = False,
) -> Rule:
    """Triplet STDP; defaults are the minimal all-to-all visual-cortex fit (Table 3)."""
    for par, value in (("tau_plus", tau_plus), ("tau_minus", tau_minus), ("tau_x", tau_x),
                       ("tau_y", tau_y)):
        require_positive(value, ms, f"triplet_stdp: {par}")
    jump = "= 1" if nearest else "+= 1"
    return Rule(
        name="triplet_stdp_nearest" if nearest else "triplet_stdp",
        induction=("A2_plus", "A3_plus", "A2_minus", "A3_minus"),
        source="Pfister & Gerstner 2006, Table 3",
        equations=(
            "dr1/dt = -r1/tau_plus : 1 (event-driven)\n"
            "dr2/dt = -r2/tau_x : 1 (event-driven)\n"
            "do1/dt = -o1/tau_minus : 1 (event-driven)\n"
            "do2/dt = -o2/tau_y : 1 (event-driven)"
        ),
        on_pre=f"w = clip(w - o1*(A2_minus + A3_minus*r2), 0, w_max)\nr1 {jump}\nr2 {jump}",
        on_post=f"w = clip(w + r1*(A2_plus + A3_plus*o2), 0, w_max)\no1 {jump}\no2 {jump}",
        parameters={
            "A2_plus": A2_plus,
            "A3_plus": A3_plus,
            "A2_minus": A2_minus,
            "A3_minus": A3_minus,
            "tau_plus": tau_plus,
            "tau_minus": tau_minus,
            "tau_x": tau_x,
            "tau_y": tau_y,
            "w_max": w_max,
        },
    )
