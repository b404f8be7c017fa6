"""Pair-based STDP with traces, all-to-all or nearest-spike.

Source: Song, Miller & Abbott 2000 (Nat Neurosci 3:919), Eqs. 1-2: a pre-before-post pair
at interval dt = t_post - t_pre > 0 changes w by A_plus exp(-dt/tau_plus), post-before-pre
by -A_minus exp(dt/tau_minus); implemented with traces (Morrison, Diesmann & Gerstner 2008,
Biol Cybern 98:459, Sec. 4.1: all-to-all = traces add, nearest-spike = traces reset).
Window time constants from Bi & Poo's hippocampal data (Bi & Poo 1998, J Neurosci 18:10464,
Fig. 7; fits tau_plus = 16.8 ms, tau_minus = 33.7 ms as quoted by Bi & Poo 2001, Annu Rev
Neurosci 24:139, and Pfister & Gerstner 2006). A_minus tau_minus / (A_plus tau_plus) = 1.05:
depression slightly dominates, as Song et al. require for stable competition.
Additive updates, hard bounds [0, w_max].
"""

from __future__ import annotations

from brian2 import Quantity, ms

from ..quantities import require_positive
from .base import Rule


def pair_stdp(
    A_plus: float = 0.01,
    depression_ratio: float = 1.05,
    tau_plus: Quantity = 16.8 * ms,
    tau_minus: Quantity = 33.7 * ms,
    w_max: float = 2.0,
    nearest: bool = False,
) -> Rule:
    """Pair STDP; ``depression_ratio`` = A_minus tau_minus / (A_plus tau_plus)."""
    require_positive(tau_plus, ms, "pair_stdp: tau_plus")
    require_positive(tau_minus, ms, "pair_stdp: tau_minus")
    A_minus = A_plus * depression_ratio * float(tau_plus / tau_minus)
    jump = "=" if nearest else "+="
    return Rule(
        name="pair_stdp_nearest" if nearest else "pair_stdp",
        induction=("A_plus", "A_minus"),
        source="Song, Miller & Abbott 2000; Bi & Poo 1998",
        equations=(
            "dapre/dt = -apre/tau_plus : 1 (event-driven)\n"
            "dapost/dt = -apost/tau_minus : 1 (event-driven)"
        ),
        on_pre=f"apre {jump} A_plus\nw = clip(w - apost, 0, w_max)",
        on_post=f"apost {jump} A_minus\nw = clip(w + apre, 0, w_max)",
        parameters={
            "A_plus": A_plus,
            "A_minus": A_minus,
            "tau_plus": tau_plus,
            "tau_minus": tau_minus,
            "w_max": w_max,
        },
    )
