"""Ca2+ plateau zone of the apical tuft (event-gated, see ``event_spike``).

The distal initiation zone near the main bifurcation of L5 pyramidal neurons generates
Ca2+ plateaus of tens of ms (Schiller, Schiller, Stuart & Sakmann 1997, J Physiol 505:605;
Larkum, Zhu & Sakmann 1999, Nature 398:338, Fig. 1-2: BAC firing). Its threshold is above
what a backpropagating AP or a moderate distal EPSP reaches alone, so the plateau needs
their coincidence (Larkum 1999). Modelled as a high-threshold Ca conductance pulse of
``dur_Ca`` followed by a K pulse that ends it (the Ca-activated/slow K of Hay et al. 2011,
PLoS Comput Biol 7:e1002107, collapsed to a pulse). The event is triggered when the
channel's activation ``u`` (a low-pass of v, ``tau_activation`` 4 ms, standing for the
few-ms activation of high-voltage-activated Ca channels) exceeds ``theta``; the bAP's brief
depolarisation then lingers for a few ms, so a distal EPSP that arrives shortly after the AP
still combines with it, as in Hay et al. 2011's BAC protocol.
"""

from __future__ import annotations

from brian2 import Quantity, cm, mS, ms, mV

from .base import Mechanism
from .event_spike import event_gated_spike


def ca_plateau(
    gbar_Ca: Quantity = 1.5 * mS / cm**2,
    gbar_KCa: Quantity = 1.0 * mS / cm**2,
    theta: Quantity = -50 * mV,
    dur_Ca: Quantity = 30 * ms,
    dur_KCa: Quantity = 10 * ms,
    refractory: Quantity = 60 * ms,
    tau_activation: Quantity = 4 * ms,
) -> Mechanism:
    """Tuft Ca plateau: Ca (E 120 mV) for ``dur_Ca``, then K (E -90 mV) for ``dur_KCa``;
    triggered by the activation ``u`` (low-pass of v, ``tau_activation``) above ``theta``."""
    return event_gated_spike(
        "caspike",
        "Larkum, Zhu & Sakmann 1999 (Nature 398:338); Schiller et al. 1997 (J Physiol 505:605)",
        theta,
        refractory,
        {
            "Ca": {"gbar": gbar_Ca, "E": 120 * mV, "delay": 0 * ms, "dur": dur_Ca},
            "KCa": {"gbar": gbar_KCa, "E": -90 * mV, "delay": dur_Ca, "dur": dur_KCa},
        },
        tau_activation,
    )
