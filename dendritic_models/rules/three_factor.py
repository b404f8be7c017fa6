"""Three-factor, dopamine-modulated STDP with an eligibility trace.

Source: Izhikevich 2007 (Cereb Cortex 17:2443), "Solving the distal reward problem through
linkage of STDP and dopamine signaling", the model of its first Results section (Fig. 1a):

    dc/dt = -c/tau_c + STDP(tau) delta(t - t_pre/post)     (eligibility trace c)
    ds/dt = c d                                            (synaptic strength s, here w)
    dd/dt = -d/tau_d + DA(t)                               (extracellular dopamine d)

STDP sets a slowly decaying tag c; the weight changes only while dopamine is present, so
a reward that arrives seconds after a pre-post pairing still finds the tag of the synapses
that caused it (the "neoHebbian three-factor rule" with an eligibility trace reviewed by
Frémaux & Gerstner 2016, Front Neural Circuits 9:85). Numbers are those of the published code
(ModelDB 84167, ``daspnet.m``, the simulation of Izhikevich 2007, Fig. 1), discretised there
at 1 ms:

=================  ===========  =====================================================
parameter          default      daspnet.m
=================  ===========  =====================================================
A_plus             0.1          post spike: ``sd += STDP`` of the pre trace, set to 0.1
A_minus            0.15         pre spike: ``sd -= 1.5*STDP`` of the post trace
tau_plus/minus     20 ms        traces decay by 0.95 per ms (tau = 19.5 ms)
tau_c              1 s          ``sd = 0.99*sd`` every 10 ms (tau = 995 ms)
tau_d              200 ms       ``DA = DA*0.995`` every ms (tau = 199.5 ms)
d_reward           0.5          ``DA = DA + 0.5`` per reward
d_tonic            0.002        ``s += (0.002 + DA)*sd`` every 10 ms ...
tau_s              10 ms        ... i.e. ds/dt = c (d + d_tonic)/tau_s
w_max              4            ``sm = 4``: weights clipped to [0, 4] (initial 1)
=================  ===========  =====================================================

Traces are nearest-spike (set, not summed, at each spike), as in the code; ``w`` is in units
of the initial efficacy (Izhikevich's s in mV with s = 1 initially).

Implementation. ``apre``/``apost`` are Brian2 event-driven traces. ``c``, ``d`` and ``w``
are integrated exactly between events in closed form (c and d decay exponentially, so the
integral of c (d + d_tonic)/tau_s has one), each synapse bringing itself up to date at its
own events (pre, post, reward: the statements ``CATCH_UP``). They cannot be Brian2
``(event-driven)`` equations: ds/dt = c d is bilinear (Brian2 integrates event-driven
equations with its linear solver), and a reward must update the synapse before adding
dopamine. Between events w moves monotonically (c has one sign, d + d_tonic >= 0), so
clipping to [0, w_max] at each event is an exact hard bound. ``w_now`` gives the efficacy at
the current time; ``w`` is its value at the synapse's last event, and a presynaptic spike's
conductance increment (applied by ``connect`` before the rule's statements) uses that.
Each synapse holds its own copy of d: every copy receives the same rewards, so all equal the
global dopamine level of the source. Rewards reach the synapses through
:func:`dopamine_release`, a ``Synapses`` from a reward group onto the plastic ``Synapses``.
"""

from __future__ import annotations

import numpy as np
from brian2 import Quantity, Synapses, ms, second

from ..errors import ModelError
from ..quantities import require_positive, require_unit
from .base import Rule, on_target_synapses

_EQUATIONS = """
dapre/dt = -apre/tau_plus : 1 (event-driven)
dapost/dt = -apost/tau_minus : 1 (event-driven)
c : 1
d : 1
t_last : second
elapsed = t - t_last : second
c_now = c*exp(-elapsed/tau_c) : 1
d_now = d*exp(-elapsed/tau_d) : 1
tau_cd = tau_c*tau_d/(tau_c + tau_d) : second
dw_phasic = c*d*tau_cd*(1 - exp(-elapsed/tau_cd))/tau_s : 1
dw_tonic = c*d_tonic*tau_c*(1 - exp(-elapsed/tau_c))/tau_s : 1
w_now = clip(w + dw_phasic + dw_tonic, 0, w_max) : 1
"""

#: bring w, c and d from the synapse's last event to now (order matters: w first)
CATCH_UP = "w = w_now\nc = c_now\nd = d_now\nt_last = t"


def three_factor_stdp(
    A_plus: float = 0.1,
    A_minus: float = 0.15,
    tau_plus: Quantity = 20 * ms,
    tau_minus: Quantity = 20 * ms,
    tau_c: Quantity = 1 * second,
    tau_d: Quantity = 200 * ms,
    d_reward: float = 0.5,
    d_tonic: float = 0.002,
    tau_s: Quantity = 10 * ms,
    w_max: float = 4.0,
) -> Rule:
    """Dopamine-modulated STDP (Izhikevich 2007); defaults from ModelDB 84167 (table above)."""
    for name, value in {"tau_plus": tau_plus, "tau_minus": tau_minus, "tau_c": tau_c,
                        "tau_d": tau_d, "tau_s": tau_s}.items():
        require_positive(value, ms, f"three_factor_stdp: {name}")
    for name, value in {"A_plus": A_plus, "A_minus": A_minus, "d_reward": d_reward,
                        "d_tonic": d_tonic, "w_max": w_max}.items():
        require_unit(value, Quantity(1), f"three_factor_stdp: {name}")
        if float(value) < 0:
            raise ModelError(f"three_factor_stdp: {name} = {value} must not be negative")
    return Rule(
        name="three_factor_stdp",
        induction=("A_plus", "A_minus"),
        source="Izhikevich 2007 (Cereb Cortex 17:2443), Fig. 1a model; ModelDB 84167",
        equations=_EQUATIONS,
        on_pre=f"{CATCH_UP}\napre = A_plus\nc -= apost",
        on_post=f"{CATCH_UP}\napost = A_minus\nc += apre",
        parameters={
            "A_plus": float(A_plus),
            "A_minus": float(A_minus),
            "tau_plus": tau_plus,
            "tau_minus": tau_minus,
            "tau_c": tau_c,
            "tau_d": tau_d,
            "d_reward": float(d_reward),
            "d_tonic": float(d_tonic),
            "tau_s": tau_s,
            "w_max": float(w_max),
        },
    )


def dopamine_release(reward, plastic: Synapses, name: str | None = None,
                     i: np.ndarray | None = None, j: np.ndarray | None = None) -> Synapses:
    """A ``Synapses`` from the neurons of ``reward`` onto the synapses of ``plastic`` (made
    by ``connect(..., rule=three_factor_stdp())``): each reward spike brings the synapse up
    to date, then adds ``d_reward`` to its dopamine level d (the source term DA(t) of
    Izhikevich 2007). Every reward neuron reaches every synapse, unless ``i`` (reward neuron)
    and ``j`` (synapse index) say which.
    """
    if "d_reward" not in plastic.variables:
        raise ModelError(f"{plastic.name!r} does not carry the three_factor_stdp rule")
    if (i is None) != (j is None):
        raise ModelError("dopamine_release: give both i and j, or neither")
    statements = on_target_synapses(f"{CATCH_UP}\nd += d_reward", plastic)
    release = Synapses(reward, plastic, on_pre=statements, name=name or f"{plastic.name}_dopamine")
    if i is None:
        release.connect()
    else:
        release.connect(i=np.asarray(i, dtype=int), j=np.asarray(j, dtype=int))
    return release
