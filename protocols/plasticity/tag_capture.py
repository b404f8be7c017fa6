"""Early LTP decays, late LTP persists, and a weak tetanus is captured (Frey & Morris 1997).

Source: Clopath, Ziegler, Vasilaki, Büsing & Gerstner 2008, PLoS Comput Biol 4:e1000248
(the TagTriC model; its replay of Frey & Morris 1997, Nature 385:533, "Synaptic tagging and
long-term potentiation"): a neuron with two pathways of 100 synapses each; a weak tetanus
(21 pulses at 100 Hz) on one pathway induces early LTP that decays within hours; a strong
tetanus (3 trains of 100 pulses at 100 Hz, 10 min apart) triggers protein synthesis and late
LTP that persists; a weak tetanus given 1 h after a strong one on the other pathway is
captured and consolidates. Numbers: the authors' code (ModelDB 118199, ``tagtric.py``,
functions ``sim('wtet', 'nothing')``, ``sim('stet', 'nothing')``, ``sim('stet', 'wtet')``)
run with seeds 0-9 (``REFERENCE``: mean and s.d. of the pathway mean weight in % of
baseline); the article's figures show the same protocols.

Methods
-------
Cell: the source's AdEx point neuron (Brette & Gerstner 2005: C 281 pF, gL 30 nS, EL
-70.6 mV), a soma carrying the rule's filters and tag count. Per condition ``copies`` cells:
``weak`` (weak tetanus on pathway 1 at 1 h), ``strong`` (strong tetanus on pathway 0 at 30,
40 and 50 min), ``capture`` (both). 2 x 100 plastic synapses per cell, 30 % of each pathway
initially in the upper late-phase well (z = 1), as in the source.
Stimulation: in the source every pulse of a tetanus is far suprathreshold (each volley adds
several hundred mV to the membrane in one step), so each pulse evokes exactly one AP; we
evoke it with a somatic current pulse (10 nA, 2 ms, enough also late in a 100-Hz train) at
each presynaptic volley and give the synapses no conductance, so the APs do not depend on the
weights.
Time: each tetanic train is simulated at dt = 0.1 ms for 1 s, starting from rest (the cell
has been silent for minutes, its slowest time constant is 1 s). Between trains the neuron is
silent and only the slow variables move (tags decay with 1-1.5 h, proteins and z with 6 min
to 1 h): the neuron group and the stimuli are made inactive and the rule's synapses alone are
integrated on a coarse clock, ``DT_SLOW`` = 10 s (Euler, dt/tau <= 0.03; the source uses
1 s; with 1 s the four weights of :func:`findings` moved by at most 2.5 % of baseline, for
seed 0, within the seed-to-seed spread: the random stream differs). No event can occur in
these periods, so none is lost.
Measurements: each pathway's mean efficacy (% of its baseline mean, 1.6), tag counts, the
number of synapses in the upper well, and the protein level, every minute for 5 h.
"""

from __future__ import annotations

import numpy as np
from brian2 import (
    Network,
    SpikeGeneratorGroup,
    SpikeMonitor,
    StateMonitor,
    cm,
    defaultclock,
    ms,
    mV,
    nA,
    nS,
    pF,
    second,
    uF,
)
from brian2 import seed as brian_seed

from dendritic_models import Compartment, NeuronModel
from dendritic_models.mechanisms import adex
from dendritic_models.results import finding
from dendritic_models.rules.tag_capture import tag_capture
from dendritic_models.stimuli import current_pulses
from dendritic_models.wiring import connect

RULE = ("tag_capture",)
SOURCE = "Clopath, Ziegler, Vasilaki, Büsing & Gerstner 2008, PLoS Comput Biol 4:e1000248"

CONDITIONS = ("weak", "strong", "capture")
N_SYN = 100  # synapses per pathway; pathway 0 gets the strong, pathway 1 the weak tetanus
UP_FRACTION = 0.3  # synapses initially in the upper late-phase well
WEAK = (1, 21)  # trains, pulses per train (100 Hz)
STRONG = (3, 100)
T_STRONG, T_WEAK = 1800.0, 3600.0  # s: first strong train; weak tetanus
GAP = 600.0  # s between strong trains
T_END = 5 * 3600.0  # s
EARLY, LATE = 600.0, 12600.0  # s after a tetanus: 10 min, 3.5 h
DT_FAST, DT_SLOW = 0.1 * ms, 10 * second
PULSE = (10 * nA, 2 * ms)  # one AP per pulse, also at the end of a 1-s, 100-Hz train
RECORD_EVERY = 60 * second

#: ModelDB 118199 (tagtric.py: sim('wtet', 'nothing'), sim('stet', 'nothing'),
#: sim('stet', 'wtet')) with seeds 0-9: mean and s.d. of the pathway mean weight (% of
#: baseline): weak tetanus alone 10 min and 3.5 h after it; strong tetanus 3.5 h after its
#: first train; a weak tetanus 1 h after a strong one on the other pathway, 3.5 h after it.
REFERENCE = {
    "weak_early": (114.7, 2.9),
    "weak_late": (100.4, 1.0),
    "strong_late": (121.6, 9.4),
    "capture_late": (111.2, 3.0),
}


def soma(rule) -> Compartment:
    """The source's AdEx point neuron (C 281 pF, gL 30 nS, EL -70.6 mV) with the rule's
    filters and tag count (a cylinder as long as wide with that membrane area)."""
    area = 281 * pF / (1 * uF / cm**2)
    side = np.sqrt(area / np.pi)
    return Compartment("soma", "soma", length=side, diameter=side, Cm=1 * uF / cm**2,
                       gL=30 * nS / area, EL=-70.6 * mV, mechanisms=[adex(), rule.mechanism])


def cell(rule, n: int):
    """``n`` of the source's point neurons (:func:`soma`)."""
    return NeuronModel([soma(rule)], name="tagtric_cell").group(n)


def tetanus_times(first: float, trains: int, pulses: int) -> np.ndarray:
    """Pulse times (s) of ``trains`` trains of ``pulses`` at 100 Hz, GAP apart."""
    return np.concatenate([first + GAP * k + 0.01 * np.arange(pulses) for k in range(trains)])


def simulate(copies: int, seed: int = 0) -> dict[str, np.ndarray]:
    """``copies`` cells per condition (cell index = condition * copies + copy)."""
    brian_seed(seed)
    rng = np.random.default_rng(seed)
    rule = tag_capture()
    n_cells = len(CONDITIONS) * copies
    group = cell(rule, n_cells)
    # fibre 2 * cell + pathway carries the volleys of one pathway of one cell
    strong_t, weak_t = tetanus_times(T_STRONG, *STRONG), tetanus_times(T_WEAK, *WEAK)
    cells = {c: CONDITIONS.index(c) * copies + np.arange(copies) for c in CONDITIONS}
    plan = [(2 * k, strong_t) for k in (*cells["strong"], *cells["capture"])]
    plan += [(2 * k + 1, weak_t) for k in (*cells["weak"], *cells["capture"])]
    fibre = np.concatenate([np.full(len(ts), f) for f, ts in plan])
    times = np.concatenate([ts for _, ts in plan])
    volleys = SpikeGeneratorGroup(2 * n_cells, fibre, times * second)
    gen, pulse = current_pulses(group, "soma", fibre // 2, times * second, *PULSE)
    fibres = np.repeat(np.arange(2 * n_cells), N_SYN)
    syn, _ = connect(volleys, group, "soma", {"AMPA": 0 * nS}, i=fibres, j=fibres // 2,
                     rule=rule, name="tagged")
    syn.z = np.concatenate([rng.permutation(np.arange(N_SYN) < UP_FRACTION * N_SYN)
                            for _ in range(2 * n_cells)]).astype(float)
    record = StateMonitor(syn, ["w", "h", "l", "z", "p"], record=True, dt=RECORD_EVERY)
    spikes = SpikeMonitor(group)
    net = Network(group, volleys, gen, pulse, syn, record, spikes)
    fast = [group, volleys, gen, pulse, syn.pre, syn.post]
    for start in sorted({T_STRONG + GAP * k for k in range(STRONG[0])} | {T_WEAK}):
        run_slow(net, fast, start * second)
        run_fast(net, fast, 1 * second)
    run_slow(net, fast, T_END * second)

    return {
        **pathway_summary(record, rule, (len(CONDITIONS), copies, 2), N_SYN),
        "aps": np.bincount(np.asarray(spikes.i), minlength=n_cells),
        "pulses": np.bincount(fibre // 2, minlength=n_cells),
    }


def pathway_summary(record: StateMonitor, rule, shape: tuple[int, ...], n_syn: int
                    ) -> dict[str, np.ndarray]:
    """Per pathway and time, from a StateMonitor of the rule's synapses (``w``, ``h``, ``l``,
    ``z``, ``p``), ordered ``shape`` (its last axis the pathway) x ``n_syn`` synapses: mean
    efficacy (% of the baseline 1 + g_z * UP_FRACTION), tags of each kind, synapses in the
    upper well, and the proteins of each cell (``shape`` without the pathway)."""
    def per_pathway(values):
        return np.asarray(values).reshape(*shape, n_syn, -1)

    baseline = 1 + rule.parameters["g_z"] * UP_FRACTION
    return {
        "t_s": np.asarray(record.t / second),
        "w_percent": 100 * per_pathway(record.w).mean(axis=-2) / baseline,
        "H_tags": per_pathway(record.h).sum(axis=-2),
        "L_tags": per_pathway(record.l).sum(axis=-2),
        "z_up": (per_pathway(record.z) > rule.parameters["kappa"]).sum(axis=-2),
        "p": per_pathway(record.p)[..., 0, 0, :],  # the same in every synapse of a cell
    }


def run_fast(net: Network, fast: list, duration, fast_dt=DT_FAST) -> None:
    """Simulate everything at ``fast_dt``, starting from rest: the neuron has been silent for
    minutes, far longer than its slowest time constant (1 s), so it starts at its initial
    (resting) state."""
    group = fast[0]
    for var, value in group.neuron_model.initial.items():
        setattr(group, var, value)
    defaultclock.dt = fast_dt
    for obj in fast:
        obj.active = True
    net.run(duration)


def run_slow(net: Network, fast: list, until) -> None:
    """Integrate only the rule's synapses, on the coarse clock, up to ``until``."""
    for obj in fast:
        obj.active = False
    # Brian2 changes dt only at multiples of the new dt: 1 s steps up to one, then DT_SLOW
    aligned = min(until, np.ceil(net.t / DT_SLOW) * DT_SLOW)
    for step, end in ((1 * second, aligned), (DT_SLOW, until)):
        defaultclock.dt = step
        if end > net.t:
            net.run(end - net.t)


def findings(data: dict[str, np.ndarray]) -> list[dict]:
    t = data["t_s"]
    weak, strong, capture = (CONDITIONS.index(c) for c in CONDITIONS)

    def w(condition, pathway, when):  # mean over copies at time ``when`` (s)
        return float(data["w_percent"][condition, :, pathway, np.argmin(abs(t - when))].mean())

    weak_early = w(weak, 1, T_WEAK + EARLY)
    weak_late = w(weak, 1, T_WEAK + LATE)
    strong_late = w(strong, 0, T_STRONG + LATE)
    capture_late = w(capture, 1, T_WEAK + LATE)
    ref = REFERENCE
    return [
        finding("all pulses evoke one AP (APs / pulses)",
                f"{int(data['aps'].sum())} / {int(data['pulses'].sum())}", "equal",
                np.array_equal(data["aps"], data["pulses"])),
        finding("weak tetanus: early LTP 10 min after (% of baseline)", round(weak_early, 1),
                f"{ref['weak_early'][0]} +/- 7 (ModelDB 118199, s.d. {ref['weak_early'][1]})",
                abs(weak_early - ref["weak_early"][0]) <= 7),
        finding("weak tetanus alone: back to baseline 3.5 h after (%)", round(weak_late, 1),
                f"{ref['weak_late'][0]}; within 3 of 100", abs(weak_late - 100) <= 3),
        finding("strong tetanus: late LTP persists 3.5 h after (%)", round(strong_late, 1),
                f"{ref['strong_late'][0]} +/- 15 (s.d. {ref['strong_late'][1]}), and >= 110",
                abs(strong_late - ref["strong_late"][0]) <= 15 and strong_late >= 110),
        finding("capture: weak tetanus 1 h after a strong one consolidates (%, 3.5 h after)",
                {"with strong": round(capture_late, 1), "alone": round(weak_late, 1)},
                f"{ref['capture_late'][0]} +/- 6 (s.d. {ref['capture_late'][1]}), and at "
                "least 5 above the weak tetanus alone",
                abs(capture_late - ref["capture_late"][0]) <= 6
                and capture_late - weak_late >= 5),
    ]


def run(quick: bool = True) -> dict:
    """5 h of the protocol; ``quick``: 3 cells per condition (else 10)."""
    data = simulate(3 if quick else 10)
    return {"findings": findings(data), "data": data}
