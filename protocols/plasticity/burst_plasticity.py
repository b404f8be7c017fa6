"""Burst probability above its running average potentiates, below it depresses.

Source: Payeur, Guerguiev, Zenke, Richards & Naud 2021, Nat Neurosci 24:1010, Fig. 2: the
burst-dependent rule under imposed event/burst trains (Fig. 2b-d), and in two-compartment
pyramidal neurons whose dendritic input sets the burst probability and thereby the sign of
plasticity at their somatic (feedforward) synapses (Fig. 2e-g; the authors' code
``sim_plasticity_rule.cpp``). The issue's claims: the sign of the weight change follows the
burst probability relative to its running average, and a two-compartment neuron shows
potentiation when dendritic input raises its burst probability. The source states these as
signs and time courses, so the numbers compared here are the rule's own prediction: the
efficacies replayed from the recorded spikes, and the mean-field change
eta <Etilde> sum(B - Pbar E).

Methods
-------
Cell: a two-compartment pyramidal neuron, the L5 template's AdEx soma (30 x 30 um; a 4 nS,
b 80.5 pA, tau_w 144 ms) and one apical compartment (900 x 2 um) carrying the Ca2+ plateau
of :func:`dendritic_models.mechanisms.ca_plateau` (BAC firing: the plateau makes the soma
burst). Three copies in one group:
- ``controlled`` (part a): plateau conductance set to zero; postsynaptic spikes imposed by
  somatic pulses (3 nA, 2 ms), one event every 100 ms, a burst being a second pulse 6 ms
  later; 100 plastic synapses from Poisson trains (10 Hz) that carry no conductance;
- ``apical`` and ``control`` (part b): 100 feedforward Poisson inputs (10 Hz, 0.6 nS AMPA)
  on the soma, plastic; ``apical`` also receives 100 Poisson inputs (5 Hz, 0.15 nS AMPA +
  0.15 nS NMDA) on the apical compartment during epoch 1 only.
Epochs (``EPOCHS``, s): warm-up (rule on with eta = 0, so the running averages settle, as
the source's protocol does before plasticity), epoch 1 (controlled: burst probability 0.6
instead of 0.2; apical input on), epoch 2 (back to 0.2; apical input off).
Measurements: each synapse's efficacy at the epoch boundaries; the rule's expected changes,
replayed offline from the recorded pre- and postsynaptic spike times (:func:`replay`); the
burst probability per epoch and the running average Pbar at each postsynaptic event.
"""

from __future__ import annotations

import numpy as np
from brian2 import Hz, Network, PoissonGroup, SpikeMonitor, defaultclock, ms, nA, nS, pA, second, um
from brian2 import seed as brian_seed

from dendritic_models import Compartment, NeuronModel
from dendritic_models.mechanisms import adex, ca_plateau
from dendritic_models.results import finding
from dendritic_models.rules.burst_dependent import burst_dependent
from dendritic_models.stimuli import current_pulses
from dendritic_models.templates import PASSIVE
from dendritic_models.wiring import connect

RULE = ("burst_dependent",)
SOURCE = "Payeur, Guerguiev, Zenke, Richards & Naud 2021, Nat Neurosci 24:1010, Fig. 2"

CELLS = ("controlled", "apical", "control")
EPOCHS = (1.0, 1.5, 1.5)  # s: warm-up, epoch 1, epoch 2
BOUNDS = np.cumsum((0.0, *EPOCHS))  # s
EVENT_PERIOD, BURST_ISI = 0.1, 0.006  # s
P_BURST = (0.2, 0.6, 0.2)  # imposed burst probability per epoch (controlled cell)
PULSE = (3 * nA, 2 * ms)
N_CONTROLLED, N_FF, N_APICAL = 100, 100, 100
RATE_PRE, RATE_APICAL = 10 * Hz, 5 * Hz
W_FF, W_APICAL = {"AMPA": 0.6 * nS}, {"AMPA": 0.15 * nS, "NMDA": 0.15 * nS}


def cell(n: int):
    """Soma (the L5 template's AdEx) and a 900-um apical compartment with the Ca2+ plateau."""
    return NeuronModel([
        Compartment("soma", "soma", length=30 * um, diameter=30 * um,
                    mechanisms=[adex(a=4 * nS, b=80.5 * pA, tau_w=144 * ms)], **PASSIVE),
        Compartment("apical", "apical_tuft", parent="soma", length=900 * um, diameter=2 * um,
                    mechanisms=[ca_plateau()], **PASSIVE),
    ], name="two_compartment").group(n)


def imposed_pattern(rng: np.random.Generator) -> np.ndarray:
    """Pulse times (s): one event every EVENT_PERIOD, exactly round(P n) of them bursts."""
    times = []
    for start, length, p in zip(BOUNDS[:-1], EPOCHS, P_BURST, strict=True):
        events = start + EVENT_PERIOD * (0.5 + np.arange(round(length / EVENT_PERIOD)))
        bursts = rng.choice(len(events), int(round(p * len(events))), replace=False)
        times += [events, events[bursts] + BURST_ISI]
    return np.sort(np.concatenate(times))


def simulate(seed: int = 0) -> dict:
    brian_seed(seed)
    rng = np.random.default_rng(seed)
    controlled, apical, control = range(len(CELLS))
    group = cell(len(CELLS))
    group.gbar_Ca_apical[controlled] = 0 * nS
    pulses = imposed_pattern(rng)
    gen, pulse = current_pulses(group, "soma", np.full(len(pulses), controlled),
                                pulses * second, *PULSE)
    rule = burst_dependent()
    # one Poisson source: imposed-spike cell's inputs, feedforward inputs, apical inputs
    a = np.arange(N_CONTROLLED)
    ff = N_CONTROLLED + np.arange(2 * N_FF)
    dend = N_CONTROLLED + 2 * N_FF + np.arange(N_APICAL)
    inputs = PoissonGroup(dend[-1] + 1, RATE_PRE)
    syn_a, _ = connect(inputs, group, "soma", {"AMPA": 0 * nS}, i=a,
                       j=np.full(N_CONTROLLED, controlled), rule=rule, name="controlled_syn")
    syn_ff, _ = connect(inputs, group, "soma", W_FF, i=ff, j=np.repeat([apical, control], N_FF),
                        rule=rule, name="feedforward")
    syn_ap, _ = connect(inputs, group, "apical", W_APICAL, i=dend, j=np.full(N_APICAL, apical),
                        seed=seed, name="apical_input")
    post, pre = SpikeMonitor(group), SpikeMonitor(inputs)
    net = Network(group, gen, pulse, inputs, syn_a, syn_ff, syn_ap, post, pre)
    learning_rate = rule.parameters["eta"]
    w_a, w_ff = [np.array(syn_a.w[:])], [np.array(syn_ff.w[:])]
    for epoch, length in enumerate(EPOCHS):
        for syn in (syn_a, syn_ff):
            syn.eta = 0 if epoch == 0 else learning_rate
        inputs.rates[dend] = RATE_APICAL if epoch == 1 else 0 * Hz
        net.run(length * second)
        w_a.append(np.array(syn_a.w[:]))
        w_ff.append(np.array(syn_ff.w[:]))
    trains = pre.spike_trains()
    return {
        "w_controlled": np.array(w_a),  # epoch boundary x synapse
        "w_feedforward": np.array(w_ff),  # epoch boundary x synapse (apical cell first)
        "post_s": [np.asarray(post.t[post.i == k] / second) for k in range(len(CELLS))],
        "pre_controlled_s": [np.asarray(trains[k] / second) for k in a],
        "pre_feedforward_s": [np.asarray(trains[k] / second) for k in ff],
        "imposed_s": pulses,
    }


def classify(times: np.ndarray, t_burst: float) -> tuple[np.ndarray, np.ndarray]:
    """Events (the first spike, or one at least t_burst after the previous spike) and bursts
    (the spike after an event, within t_burst) of a spike train, as boolean arrays."""
    event = times >= np.concatenate([[0.0], times[:-1] + t_burst])
    burst = np.zeros_like(event)
    in_burst = False
    for k, e in enumerate(event):
        burst[k] = not e and not in_burst
        in_burst = not e
    return event, burst


def running_average(post: np.ndarray, t_burst: float, tau_avg: float) -> np.ndarray:
    """Pbar just before each postsynaptic event (0 before the first one)."""
    event, burst = classify(post, t_burst)
    pbar, E, B, last = [], 0.0, 0.0, 0.0
    for t, e, b in zip(post, event, burst, strict=True):
        decay = np.exp(-(t - last) / tau_avg)
        E, B, last = E * decay, B * decay, t
        if e:
            pbar.append(min(B / E, 1.0) if E > 0 else 0.0)
        E, B = E + e, B + b
    return np.array(pbar)


def replay(pre: np.ndarray, post: np.ndarray, eta: np.ndarray, rule, dt: float,
           w: float = 1.0) -> float:
    """The rule's weight after the spike trains ``pre`` and ``post`` (s, on a grid of ``dt``
    s), computed from its definition; ``eta[k]`` applies in epoch k. Presynaptic spikes come
    first at equal times (Brian2's order of pathways)."""
    p = {k: float(v) for k, v in rule.parameters.items()}
    t_burst, tau_event = p["t_burst"], p["tau_event"]
    pre_event, _ = classify(pre, t_burst)
    post_event, post_burst = classify(post, t_burst)
    pbar = iter(running_average(post, t_burst, p["tau_avg"]))
    e_times = pre[pre_event]
    for t, e, b in zip(post, post_event, post_burst, strict=True):
        trace = np.exp(-(t - e_times[e_times <= t]) / tau_event).sum()
        rate = eta[np.searchsorted(np.round(BOUNDS / dt), round(t / dt), side="right") - 1]
        dw = b - (next(pbar) if e else 0.0)
        w = float(np.clip(w + rate * trace * dw, 0, p["w_max"]))
    return w


def epoch_of(times: np.ndarray) -> np.ndarray:
    return np.searchsorted(BOUNDS, times, side="right") - 1


def findings(data: dict, dt: float) -> list[dict]:
    rule = burst_dependent()
    eta = float(rule.parameters["eta"])
    t_burst, tau_avg = float(rule.parameters["t_burst"]), float(rule.parameters["tau_avg"])
    schedule = np.array([0.0, eta, eta])
    controlled, apical, control = range(len(CELLS))
    post = data["post_s"]
    expected = np.concatenate([
        [replay(pre, post[controlled], schedule, rule, dt) for pre in data["pre_controlled_s"]],
        [replay(pre, post[apical if k < N_FF else control], schedule, rule, dt)
         for k, pre in enumerate(data["pre_feedforward_s"])],
    ])
    simulated = np.concatenate([data["w_controlled"][-1], data["w_feedforward"][-1]])
    stats = {}
    for k, name in enumerate(CELLS):
        event, burst = classify(post[k], t_burst)
        pbar = running_average(post[k], t_burst, tau_avg)
        epoch, epoch_events = epoch_of(post[k]), epoch_of(post[k][event])
        w = data["w_controlled"] if k == controlled else data["w_feedforward"][
            :, (k - apical) * N_FF:(k - apical + 1) * N_FF]
        stats[name] = [{
            "P": round(float(burst[epoch == e].sum() / max(event[epoch == e].sum(), 1)), 3),
            "Pbar": round(float(pbar[epoch_events == e].mean()), 3),
            "drive": round(float(burst[epoch == e].sum() - pbar[epoch_events == e].sum()), 3),
            "dw": round(float(np.mean(w[e + 1] - w[e])), 5),
        } for e in range(len(EPOCHS))]
    a, b, c = stats["controlled"], stats["apical"], stats["control"]
    rate = np.mean([np.sum(classify(p, t_burst)[0]) for p in data["pre_controlled_s"]])
    etilde = rate / BOUNDS[-1] * float(rule.parameters["tau_event"])  # mean event trace
    mean_field = [float(eta * etilde * a[e]["drive"]) for e in (1, 2)]
    return [
        finding("Brian2 efficacies equal the rule replayed from the spike times (max |diff|)",
                float(np.max(np.abs(simulated - expected))), "< 1e-9 (300 synapses)",
                np.max(np.abs(simulated - expected)) < 1e-9),
        finding("imposed spikes: burst probability above its running average potentiates",
                a[1], "P > Pbar and dw > 0 (epoch 1: P = 0.6 after 0.2)",
                a[1]["P"] > a[1]["Pbar"] and a[1]["dw"] > 0),
        finding("imposed spikes: burst probability below its running average depresses",
                a[2], "P < Pbar and dw < 0 (epoch 2: P = 0.2 after 0.6)",
                a[2]["P"] < a[2]["Pbar"] and a[2]["dw"] < 0),
        finding("imposed spikes: dw = eta <Etilde> sum(B - Pbar E) (mean field; epochs 1, 2)",
                {"dw": [a[e]["dw"] for e in (1, 2)],
                 "mean field": [round(m, 5) for m in mean_field]},
                "within 15 %", all(abs(a[e]["dw"] - m) <= 0.15 * abs(m)
                                   for e, m in zip((1, 2), mean_field, strict=True))),
        finding("two compartments: apical input raises the burst probability",
                {"apical cell P": [b[e]["P"] for e in range(3)],
                 "control cell P": [c[e]["P"] for e in range(3)]},
                "apical cell: epoch 1 P at least 0.2 above warm-up and epoch 2",
                b[1]["P"] >= b[0]["P"] + 0.2 and b[1]["P"] >= b[2]["P"] + 0.2),
        finding("two compartments: feedforward synapses potentiate with apical input, not "
                "without", {"apical cell dw": b[1]["dw"], "control cell dw": c[1]["dw"]},
                "apical dw > 0 and > 3 |control dw| (epoch 1)",
                b[1]["dw"] > 0 and b[1]["dw"] > 3 * abs(c[1]["dw"])),
        finding("two compartments: apical input withdrawn, burst probability below its "
                "average, depression", b[2], "P < Pbar and dw < 0 (epoch 2)",
                b[2]["P"] < b[2]["Pbar"] and b[2]["dw"] < 0),
    ]


def run(quick: bool = True) -> dict:
    """One 4-s protocol; ``quick`` changes nothing."""
    data = simulate()
    return {"findings": findings(data, float(defaultclock.dt)), "data": data}
