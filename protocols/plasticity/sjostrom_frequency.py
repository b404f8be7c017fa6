"""Frequency dependence of STDP in visual cortex L5 (Sjostrom, Turrigiano & Nelson 2001).

Source: Sjostrom, Turrigiano & Nelson 2001, Neuron 32:1149: pairings of one presynaptic
and one postsynaptic spike at dt = t_post - t_pre = +10 ms or -10 ms, repeated at 0.1 to
50 Hz; relative EPSP change (mean +- SEM) in ``DATA``, as tabulated by Pfister & Gerstner
2006 (J Neurosci 26:9673), whose minimal triplet model was fitted to them (60 pairings).
Post-before-pre pairing depresses at low frequency and potentiates at 40-50 Hz.

Rules compared on the same spikes:
- triplet STDP (Pfister & Gerstner 2006, Table 3): all ten points within 2 SEM;
- Clopath et al. 2010 (voltage-based, reading the synapse's own basal compartment): the
  sign pattern, i.e. -10 ms pairings depress at 0.1 Hz and potentiate at 50 Hz;
- pair STDP (Song, Miller & Abbott 2000): the negative control, which cannot turn
  post-before-pre depression into potentiation at high frequency.

Methods
-------
Cell: soma (AdEx, adaptation off so every pulse gives one AP at the same latency) and one
basal dendrite; the synapses sit 10 um from the soma. Postsynaptic APs: 3 nA x 2 ms somatic
pulses; presynaptic spikes are placed at the AP time minus dt (the AP latency is a constant
of the cell, measured and reported). Receptor weights are zero, so presynaptic spikes do not
change the postsynaptic voltage: the pairing is exactly the prescribed one.
One neuron per (frequency, dt) arm and rule synapses side by side on the same neurons, all in
one run. At 0.1 Hz the 10 s between pairings exceed 80 times the rules' longest time
constant (tau_y = 114 ms), so the 60 pairings are independent: they are run as single
pairings on 60 neurons in parallel and their changes summed, which is the same weight
change as a 600 s run to within exp(-87).
"""

from __future__ import annotations

import numpy as np
from brian2 import Network, SpikeGeneratorGroup, SpikeMonitor, ms, nA, nS, pA, um

from dendritic_models import Compartment, NeuronModel
from dendritic_models.mechanisms import adex
from dendritic_models.results import finding
from dendritic_models.rules.clopath import clopath
from dendritic_models.rules.pair_stdp import pair_stdp
from dendritic_models.rules.triplet_stdp import triplet_stdp
from dendritic_models.stimuli import current_pulses
from dendritic_models.wiring import connect

RULE = ("triplet_stdp", "clopath", "pair_stdp")
SOURCE = "Sjostrom, Turrigiano & Nelson 2001, Neuron 32:1149"

#: frequency (Hz) -> ((mean, SEM) at dt = +10 ms, (mean, SEM) at dt = -10 ms)
DATA = {
    0.1: ((-0.04, 0.05), (-0.29, 0.08)),
    10: ((0.14, 0.10), (-0.41, 0.11)),
    20: ((0.29, 0.14), (-0.34, 0.10)),
    40: ((0.53, 0.11), (0.56, 0.32)),
    50: ((0.56, 0.26), (0.75, 0.19)),
}
DTS = (10.0, -10.0)  # ms, t_post - t_pre
N_PAIRINGS = 60
INDEPENDENT_BELOW = 1.0  # Hz: slower pairings are run as independent single pairings
T0 = 50.0  # ms, first pulse onset
LATENCY = 0.2  # ms, pulse onset to AP threshold crossing of this cell (checked below)
PULSE = (3 * nA, 2 * ms)
X_SYNAPSE = 10 * um


def rules():
    return {"triplet_stdp": triplet_stdp(), "clopath": clopath(), "pair_stdp": pair_stdp()}


def cell(n: int):
    """n copies of the pairing cell; the basal dendrite carries the Clopath filters."""
    return NeuronModel(
        [
            Compartment("soma", "soma", length=20 * um, diameter=20 * um,
                        mechanisms=[adex(a=0 * nS, b=0 * pA)]),
            Compartment("basal", "basal", parent="soma", length=150 * um, diameter=1 * um,
                        n_seg=3, mechanisms=[rules()["clopath"].mechanism]),
        ],
        name="sjostrom_cell",
    ).group(n)


def arms(frequencies) -> list[tuple[float, float, int, np.ndarray]]:
    """(frequency, dt, neuron index, pulse onsets in ms) for every neuron of the run."""
    out, k = [], 0
    for f in frequencies:
        for dt in DTS:
            if f < INDEPENDENT_BELOW:
                for _ in range(N_PAIRINGS):
                    out.append((f, dt, k, np.array([T0])))
                    k += 1
            else:
                out.append((f, dt, k, T0 + np.arange(N_PAIRINGS) * 1000.0 / f))
                k += 1
    return out


def simulate(frequencies=tuple(DATA)) -> dict[str, np.ndarray]:
    plan = arms(frequencies)
    n = len(plan)
    group = cell(n)
    neuron = np.concatenate([[k] * len(onsets) for _, _, k, onsets in plan])
    onsets = np.concatenate([onsets for *_, onsets in plan])
    gen, pulse = current_pulses(group, "soma", neuron, onsets * ms, *PULSE)
    pre_times = np.concatenate([o + LATENCY - dt for _, dt, _, o in plan])
    pre = SpikeGeneratorGroup(n, neuron, np.round(pre_times, 6) * ms)
    net = Network(group, gen, pulse, pre)
    projections = {}
    for name, rule in rules().items():
        syn, _ = connect(pre, group, "basal", {"AMPA": 0 * nS}, i=np.arange(n), j=np.arange(n),
                         x=X_SYNAPSE, rule=rule, w=1.0, name=f"syn_{name}")
        projections[name] = syn
        net.add(syn)
    post = SpikeMonitor(group)
    net.add(post)
    net.run((onsets.max() + 200) * ms)
    post_i, post_t = np.asarray(post.i), np.asarray(post.t / ms)
    measured_dt = []
    for _, dt, k, o in plan:
        t_post = post_t[post_i == k]
        measured_dt.append(t_post[: len(o)] - (o + LATENCY - dt) if len(t_post) == len(o)
                           else np.full(len(o), np.nan))
    return {
        "frequency": np.array([p[0] for p in plan]),
        "dt": np.array([p[1] for p in plan]),
        "spikes_per_pairing": np.array([np.sum(post_i == k) / len(o) for _, _, k, o in plan]),
        "measured_dt_ms": np.concatenate(measured_dt),
        **{f"w_{name}": np.asarray(syn.w[:]) for name, syn in projections.items()},
    }


def weight_change(data: dict[str, np.ndarray], rule: str) -> dict[tuple[float, float], float]:
    """Relative change per (frequency, dt) arm, summed over the arm's neurons."""
    change = {}
    for f, dt in {(f, dt) for f, dt in zip(data["frequency"], data["dt"], strict=True)}:
        arm = (data["frequency"] == f) & (data["dt"] == dt)
        change[(float(f), float(dt))] = float(np.sum(data[f"w_{rule}"][arm] - 1.0))
    return change


def findings(data: dict[str, np.ndarray]) -> list[dict]:
    freqs = sorted({float(f) for f in data["frequency"]})
    lo, hi = freqs[0], freqs[-1]
    triplet = weight_change(data, "triplet_stdp")
    within = {
        (f, dt): abs(triplet[(f, dt)] - DATA[f][k][0]) <= 2 * DATA[f][k][1]
        for f in freqs for k, dt in enumerate(DTS)
    }
    cl, pair = weight_change(data, "clopath"), weight_change(data, "pair_stdp")
    deviation = np.nanmax(np.abs(data["measured_dt_ms"] - np.repeat(
        data["dt"], [N_PAIRINGS if f >= INDEPENDENT_BELOW else 1 for f in data["frequency"]])))
    fmt = lambda d: {f"{f:g} Hz, {dt:+g} ms": round(v, 3) for (f, dt), v in sorted(d.items())}  # noqa: E731
    return [
        finding("protocol: one AP per pulse, pairing interval as prescribed (ms)",
                {"spikes_per_pairing": sorted(set(data["spikes_per_pairing"].tolist())),
                 "max |dt error|": round(float(deviation), 3)},
                "1 spike per pairing, |dt error| <= 0.2 ms",
                bool(np.all(data["spikes_per_pairing"] == 1) and deviation <= 0.2)),
        finding("triplet STDP: relative change at all 10 (frequency, dt) points",
                fmt(triplet),
                {f"{f:g} Hz, {dt:+g} ms": f"{DATA[f][k][0]:+.2f} +- 2 x {DATA[f][k][1]:.2f}"
                 for f in freqs for k, dt in enumerate(DTS)},
                all(within.values())),
        finding("Clopath: -10 ms pairing depresses at low and potentiates at high frequency",
                {f"{lo:g} Hz": round(cl[(lo, -10.0)], 3), f"{hi:g} Hz": round(cl[(hi, -10.0)], 3)},
                "< 0 at 0.1 Hz, > 0 at 50 Hz (data: -0.29, +0.75)",
                cl[(lo, -10.0)] < 0 < cl[(hi, -10.0)]),
        finding("Clopath: +10 ms pairing potentiates at high frequency",
                round(cl[(hi, 10.0)], 3), "> 0 at 50 Hz (data: +0.56)", cl[(hi, 10.0)] > 0),
        finding("pair STDP (control): -10 ms pairing never potentiates",
                {f"{f:g} Hz": round(pair[(f, -10.0)], 3) for f in freqs},
                "<= 0 at every frequency (fails the 40-50 Hz data by design)",
                all(pair[(f, -10.0)] <= 0 for f in freqs)),
    ]


def run(quick: bool = True) -> dict:
    """All five frequencies in both modes (the 10 Hz arm, 6 s, sets the run time)."""
    data = simulate()
    return {"findings": findings(data), "data": data}
