"""Somatic spike generation: adaptive exponential (AdEx) or leaky integrate-and-fire.

Sources
-------
- AdEx: Brette & Gerstner 2005, J Neurophysiol 94:3637, Eqs. 1-2 and Table 1 (C 281 pF,
  gL 30 nS, EL -70.6 mV, VT -50.4 mV, DeltaT 2 mV, tau_w 144 ms, a 4 nS, b 80.5 pA,
  V_r = EL). Spike detection at VT + 5 DeltaT as recommended by Touboul & Brette 2008
  (Biol Cybern 99:319) and used in Brian2's AdEx example.
- Spike waveform (so that a backpropagating AP exists): after detection the soma is held at
  ``V_AP`` for ``t_AP``, then at ``V_reset`` until ``t_ref`` has elapsed. The +40 mV / 0.8 ms
  pulse follows the two-step reset of Dendrify (Pagkalos, Chavlis & Poirazi 2023, Nat Commun
  14:131; dendrify 2.2 ``Soma`` spike parameters); we hold the soma (an ideal clamp inside
  the implicit solver) instead of setting it once, so the pulse shape does not depend on the
  dendritic load. The bAP is this pulse spreading along the dendrites through the axial
  coupling, attenuated with distance and boosted where dendritic Na spikes are present
  (Stuart & Sakmann 1994, Nature 367:69).

The leak current ``gL (EL - v)`` belongs to the compartment, not to this mechanism.
"""

from __future__ import annotations

from dataclasses import dataclass

from brian2 import Quantity, ms, mV, nS, pA

from .base import Mechanism

_WAVEFORM = {"V_AP": 40 * mV, "t_AP": 0.8 * ms, "V_reset": -65 * mV, "t_ref": 2 * ms}


@dataclass(frozen=True)
class SomaticSpike(Mechanism):
    """A mechanism that also defines the group's spike: threshold, reset and AP waveform.

    Only the root compartment (the soma) may carry one. ``threshold`` and ``reset`` are in
    local names; the waveform parameters ``V_AP``, ``t_AP``, ``V_reset`` and ``t_ref`` must
    be among ``parameters``.
    """

    threshold: str = "v > V_th"
    reset: str = ""


def adex(
    VT: Quantity = -50.4 * mV,
    DeltaT: Quantity = 2 * mV,
    a: Quantity = 4 * nS,
    b: Quantity = 80.5 * pA,
    tau_w: Quantity = 144 * ms,
    **waveform: Quantity,
) -> SomaticSpike:
    """AdEx soma (Brette & Gerstner 2005): exponential spike initiation and adaptation ``w``.

    The exponential term's slope is negative, so it is integrated explicitly (see
    :mod:`dendritic_models.mechanisms.base`); detection at ``V_th = VT + 5 DeltaT``.
    Keyword arguments override the waveform defaults (``V_AP``, ``t_AP``, ``V_reset``, ``t_ref``).
    """
    return SomaticSpike(
        name="adex",
        source="Brette & Gerstner 2005 (J Neurophysiol 94:3637), Eqs. 1-2, Table 1",
        equations="dw/dt = (a*(v - EL) - w)/tau_w : amp",
        current="-w",
        explicit_current="gL*DeltaT*exp((v - VT)/DeltaT)",
        parameters={
            "VT": VT,
            "DeltaT": DeltaT,
            "a": a,
            "b": b,
            "tau_w": tau_w,
            "V_th": VT + 5 * DeltaT,
            **_WAVEFORM,
            **waveform,
        },
        initial={"w": 0 * pA},
        threshold="v > V_th",
        reset="w += b",
    )


def lif(V_th: Quantity = -50 * mV, **waveform: Quantity) -> SomaticSpike:
    """Leaky integrate-and-fire soma: fixed threshold ``V_th``, then the AP waveform.

    Lapicque 1907 in the form of Gerstner, Kistler, Naud & Paninski 2014 (Neuronal
    Dynamics, Eq. 1.5); the membrane is the compartment's own leak.
    """
    return SomaticSpike(
        name="lif",
        source="Gerstner, Kistler, Naud & Paninski 2014, Neuronal Dynamics, ch. 1.3, Eq. 1.5",
        parameters={"V_th": V_th, **_WAVEFORM, **waveform},
        threshold="v > V_th",
    )
