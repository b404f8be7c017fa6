"""The STDP window of Bi & Poo 1998 with pair STDP (Song, Miller & Abbott 2000).

Source: Bi & Poo 1998, J Neurosci 18:10464, Fig. 7: single pre/post pairings at intervals
from -100 to +100 ms; potentiation for pre-before-post, depression for post-before-pre,
each decaying exponentially (tau_plus 16.8 ms, tau_minus 33.7 ms as fitted by Bi & Poo 2001,
Annu Rev Neurosci 24:139). The rule's single-pair change is also compared with its closed
form (Song et al. 2000, Eqs. 1-2).

Methods
-------
One postsynaptic AP (2 nA x 2 ms somatic pulse into a soma + basal cell) and, per synapse,
one presynaptic spike about dt before it; dt is then taken from the measured AP time.
Receptor weights are zero, so the presynaptic spikes do not move the AP.
"""

from __future__ import annotations

import numpy as np
from brian2 import Network, SpikeGeneratorGroup, SpikeMonitor, ms, nA, nS, um

from dendritic_models import Compartment, NeuronModel
from dendritic_models.mechanisms import adex
from dendritic_models.results import finding
from dendritic_models.rules.pair_stdp import pair_stdp
from dendritic_models.stimuli import current_pulses
from dendritic_models.wiring import connect

RULE = ("pair_stdp",)
SOURCE = "Bi & Poo 1998, J Neurosci 18:10464, Fig. 7"

W0 = 1.0
T_PULSE = 150.0  # ms, onset of the somatic pulse
LATENCY = 1.0  # ms, approximate pulse-to-AP latency; the exact AP time is measured
NOMINAL = np.array([-100, -60, -40, -25, -15, -10, -5, -2, 2, 5, 10, 15, 25, 40, 60, 100.0])
TAU_PLUS, TAU_MINUS, AREA_RATIO = 16.8, 33.7, 1.05  # ms, ms, A_minus tau_minus/(A_plus tau_plus)


def pair(rule, pre_offsets_ms: list[list[float]]) -> tuple[list[list[float]], np.ndarray, int]:
    """Synapse k gets presynaptic spikes near t_post + pre_offsets_ms[k]. Returns each
    synapse's pre times minus the measured t_post (ms), the final efficacies and the number
    of postsynaptic spikes."""
    group = NeuronModel(
        [
            Compartment("soma", "soma", length=20 * um, diameter=20 * um, mechanisms=[adex()]),
            Compartment("basal", "basal", parent="soma", length=150 * um, diameter=1 * um),
        ],
        name="pairing_cell",
    ).group(1)
    gen, pulse = current_pulses(group, "soma", [0], [T_PULSE] * ms, 2 * nA, 2 * ms)
    n = len(pre_offsets_ms)
    idx = np.concatenate([[k] * len(o) for k, o in enumerate(pre_offsets_ms)])
    times = np.concatenate([T_PULSE + LATENCY + np.asarray(o, float) for o in pre_offsets_ms])
    src = SpikeGeneratorGroup(n, idx, np.round(times, 6) * ms)
    syn, _ = connect(src, group, "basal", {"AMPA": 0 * nS}, i=np.arange(n), j=np.zeros(n, int),
                     rule=rule, w=W0, seed=0)
    post = SpikeMonitor(group)
    Network(group, gen, pulse, src, syn, post).run(T_PULSE * ms + 150 * ms)
    t_post = float(post.t[0] / ms) if post.num_spikes else np.nan
    offsets = [[float(t) - t_post for t in times[idx == k]] for k in range(n)]
    return offsets, np.asarray(syn.w[:]), int(post.num_spikes)


def run(quick: bool = True) -> dict:
    """16 intervals in one run; ``quick`` changes nothing."""
    rule = pair_stdp()
    p = rule.parameters
    offsets, w, n_post = pair(rule, [[-dt] for dt in NOMINAL])
    dts = -np.array([o[0] for o in offsets])  # t_post - t_pre, from the measured AP
    dw = w - W0
    tp, tm = float(p["tau_plus"] / ms), float(p["tau_minus"] / ms)
    closed = np.where(dts > 0, p["A_plus"] * np.exp(-dts / tp), -p["A_minus"] * np.exp(dts / tm))
    ltp, ltd = dts > 0, dts < 0
    fit_plus = -1 / np.polyfit(dts[ltp], np.log(dw[ltp]), 1)[0]
    fit_minus = 1 / np.polyfit(dts[ltd], np.log(-dw[ltd]), 1)[0]
    area = (p["A_minus"] * tm) / (p["A_plus"] * tp)
    error = float(np.max(np.abs(dw - closed)))
    findings = [
        finding("protocol: one AP, intervals of the prescribed sign", n_post, 1,
                n_post == 1 and np.all(np.sign(dts) == np.sign(NOMINAL))),
        finding("single-pair change equals the closed form (max abs error)", error, "<= 1e-9",
                error <= 1e-9),
        finding("sign: pre-before-post potentiates, post-before-pre depresses",
                {"ltp": bool(np.all(dw[ltp] > 0)), "ltd": bool(np.all(dw[ltd] < 0))},
                "all dw > 0 for dt > 0, < 0 for dt < 0",
                np.all(dw[ltp] > 0) and np.all(dw[ltd] < 0)),
        finding("fitted tau_plus, tau_minus (ms)", [round(fit_plus, 2), round(fit_minus, 2)],
                f"{TAU_PLUS}, {TAU_MINUS} within 1%",
                abs(fit_plus / TAU_PLUS - 1) < 0.01 and abs(fit_minus / TAU_MINUS - 1) < 0.01),
        finding("depression / potentiation area", round(area, 4), f"{AREA_RATIO} within 1%",
                abs(area / AREA_RATIO - 1) < 0.01),
    ]
    return {"findings": findings, "data": {"dt_ms": dts, "dw": dw, "closed_form": closed}}
