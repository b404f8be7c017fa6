"""Burst-dependent plasticity (burstprop): potentiation by bursts, depression by events.

Source: Payeur, Guerguiev, Zenke, Richards & Naud 2021, Nat Neurosci 24:1010, "Burst-dependent
synaptic plasticity can coordinate learning in hierarchical circuits", the rule of Fig. 2
and Methods:

    dw_ij/dt = eta [B_i(t) - Pbar_i(t) E_i(t)] Etilde_j(t)

- postsynaptic spikes are split into events ``E_i`` (an isolated spike or the first spike of
  a burst) and bursts ``B_i`` (the second spike of a burst); a spike less than ``t_burst`` =
  16 ms after the previous one belongs to a burst (later spikes of the same burst count for
  neither);
- ``Pbar_i = Bbar_i / Ebar_i``, the running burst probability: ratio of exponential moving
  averages of the burst and event trains (time constant ``tau_avg``);
- ``Etilde_j``: presynaptic event trace (jump 1 per presynaptic event, ``tau_event``).
So at each postsynaptic burst w += eta Etilde_j and at each event w -= eta Pbar Etilde_j: on
average dw/dt = eta r_E Etilde (P - Pbar), potentiation while the burst probability P is
above its running average, depression while below.
Parameter values: the Methods text of the article was not accessible here; the values are
those of the authors' published simulation code (github.com/apayeur/spikingburstprop, the
code of the article's Figs. 2-4): bursts detected with a 16-ms window (a postsynaptic trace
of 16 ms against threshold e^-1, ``BCPConnection.cpp``: for one preceding spike, an interval
below 16 ms); the spiking XOR network of Fig. 4 uses tau_event (their tau_pre) = 100 ms,
tau_avg = 2 s and eta = 8e-3 (input to hidden) or 4e-3 (hidden to output) (``sim_xor.cpp``,
``run_xor.sh``), the defaults here; Fig. 2e-g used tau_avg = 5 s and eta = 3.5e-3
(``run_plasticity_rule.sh``, ``sim_plasticity_rule.cpp``). The code's extra homeostatic
terms (event-rate bounds 2-12 Hz in ``AdaptiveEBCPConnection``) are not in the article's
rule and are left out. Pbar is 0 before the first event and at most 1.

Brian2 implementation, all event-driven: each synapse classifies its postsynaptic (somatic)
spikes in ``on_post`` from the time of the previous one (an event if it comes at least
``t_burst`` after it; ``window_out`` = previous spike + t_burst, 0 before any spike) and
keeps the moving averages (per-synapse copies of per-neuron quantities, updated only at
postsynaptic spikes); presynaptic spikes are classified the same way in ``on_pre``.
Bounds: w is clipped to [0, w_max] (w_max = 2, twice the initial efficacy; the source's code
clips at a maximal weight as well).
"""

from __future__ import annotations

from brian2 import Quantity, ms, second

from ..quantities import require_positive, require_unit
from .base import Rule


def burst_dependent(
    eta: float = 8e-3,
    tau_event: Quantity = 100 * ms,
    tau_avg: Quantity = 2 * second,
    t_burst: Quantity = 16 * ms,
    w_max: float = 2.0,
) -> Rule:
    """The burst-dependent rule of Payeur et al. 2021 (XOR-network values: eta 8e-3,
    tau_event 100 ms, tau_avg 2 s, bursts: intervals < 16 ms)."""
    require_unit(eta, Quantity(1), "burst_dependent: eta")
    require_positive(tau_event, ms, "burst_dependent: tau_event")
    require_positive(tau_avg, ms, "burst_dependent: tau_avg")
    require_positive(t_burst, ms, "burst_dependent: t_burst")
    require_unit(w_max, Quantity(1), "burst_dependent: w_max")
    return Rule(
        name="burst_dependent",
        induction=("eta",),
        source="Payeur, Guerguiev, Zenke, Richards & Naud 2021 (Nat Neurosci 24:1010)",
        equations=(
            "detilde/dt = -etilde/tau_event : 1 (event-driven)\n"
            "dE_avg/dt = -E_avg/tau_avg : 1 (event-driven)\n"
            "dB_avg/dt = -B_avg/tau_avg : 1 (event-driven)\n"
            "window_in : second  # t_burst after the last presynaptic spike\n"
            "window_out : second  # t_burst after the last postsynaptic spike\n"
            "in_burst : 1"
        ),
        on_pre=(
            "etilde += int(t >= window_in)\n"
            "window_in = t + t_burst"
        ),
        on_post=(
            "is_event = int(t >= window_out)\n"
            "is_burst = (1 - is_event)*(1 - in_burst)\n"
            "P_bar = clip(B_avg/(E_avg + int(E_avg == 0)), 0, 1)\n"
            "w = clip(w + eta*etilde*(is_burst - is_event*P_bar), 0, w_max)\n"
            "E_avg += is_event\n"
            "B_avg += is_burst\n"
            "in_burst = 1 - is_event\n"
            "window_out = t + t_burst"
        ),
        parameters={
            "eta": eta,
            "tau_event": tau_event,
            "tau_avg": tau_avg,
            "t_burst": t_burst,
            "w_max": w_max,
        },
    )
