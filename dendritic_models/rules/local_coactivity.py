"""Local co-activity (cooperative) plasticity: the apical rule of Wright, Hedrick & Komiyama 2025.

Wright, Hedrick & Komiyama 2025 (Science 388:322) imaged single-spine glutamate input in
motor-cortex L2/3 neurons during learning: apical spines potentiated in proportion to their
co-activity with spines within ~10 um on the same dendrite, independent of the cell's own
spiking (unchanged when spiking was suppressed by Kir2.1), whereas basal spines followed
their coincidence with somatic APs. Its spatial scale is that of LTP crosstalk between
neighbouring spines (~10 um; Harvey & Svoboda 2007, Nature 450:1195).

Rule (event-driven, exact between spikes; no postsynaptic term):
- each synapse keeps its own activity trace A (jump 1, decay tau_coact) and a neighbour trace C
  (a spike of a neighbour at distance d adds exp(-d/length_scale), decay tau_coact);
- at its own presynaptic spike: w -> w + eta_coop C - eta_iso;
- at a neighbour's spike (distance d): w -> w + eta_coop exp(-d/length_scale) A.
So each coincident pair of neighbours at distance d and interval s adds
eta_coop exp(-d/length_scale) exp(-|s|/tau_coact) to both, and every spike costs eta_iso: a
synapse potentiates when its mean co-activity per spike exceeds eta_iso/eta_coop and
depresses when it is active without co-active neighbours (heterosynaptic balance).
Neighbours: the same branch of the same neuron within ``radius`` (30 um: Wright et al.'s
"distant" spines lie beyond 30 um). tau_coact = 60 ms, the NMDA conductance decay of
:mod:`dendritic_models.mechanisms.receptors`, over which two inputs' NMDA currents overlap and
sum supralinearly (Polsky, Mel & Schiller 2004, Nat Neurosci 7:621). eta_coop and eta_iso
are not measured quantities: their defaults put the break-even at 0.2 coincidences per
spike; protocols calibrate them. Hard bounds [0, w_max].
Traces are stored as (value, time of last update) and decayed on read, so another synapse's
spike can read them exactly without a per-step update.
"""

from __future__ import annotations

from brian2 import Quantity, ms, um

from ..quantities import require_positive, require_unit
from .base import Rule


def local_coactivity(
    eta_coop: float = 0.01,
    eta_iso: float = 0.002,
    tau_coact: Quantity = 60 * ms,
    length_scale: Quantity = 10 * um,
    radius: Quantity = 30 * um,
    w_max: float = 3.0,
) -> Rule:
    """Potentiation by co-active neighbours on the branch, depression of lone activity."""
    require_positive(tau_coact, ms, "local_coactivity: tau_coact")
    require_positive(length_scale, um, "local_coactivity: length_scale")
    require_positive(radius, um, "local_coactivity: radius")
    for par, value in (("eta_coop", eta_coop), ("eta_iso", eta_iso)):
        require_unit(value, um / um, f"local_coactivity: {par}")
    return Rule(
        name="local_coactivity",
        induction=("eta_coop", "eta_iso"),
        source="Wright, Hedrick & Komiyama 2025; Harvey & Svoboda 2007",
        equations="A : 1\nt_A : second\nC : 1\nt_C : second",
        on_pre=(
            "w = clip(w + eta_coop*C*exp(-(t - t_C)/tau_coact) - eta_iso, 0, w_max)\n"
            "A = A*exp(-(t - t_A)/tau_coact) + 1\n"
            "t_A = t"
        ),
        on_neighbour=(
            "proximity = exp(-separation/length_scale)\n"
            "w = clip(w + eta_coop*proximity*A*exp(-(t - t_A)/tau_coact), 0, w_max)\n"
            "C = C*exp(-(t - t_C)/tau_coact) + proximity\n"
            "t_C = t"
        ),
        parameters={
            "eta_coop": eta_coop,
            "eta_iso": eta_iso,
            "tau_coact": tau_coact,
            "length_scale": length_scale,
            "w_max": w_max,
        },
        neighbour_radius=radius,
    )
