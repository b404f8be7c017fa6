"""Motor learning in M1 L2/3 pyramidal neurons: which rule sets reproduce the dendritic split.

Source: Wright, Hedrick & Komiyama 2025, Science 388:322 (doi 10.1126/science.ads4706).
Mice learned a cued lever-press task over 14 daily sessions. In L2/3 neurons of motor
cortex, single-spine glutamate imaging gave each synapse's input, somatic calcium the
cell's APs, and spine volume over sessions structural potentiation (sLTP: follow-up /
baseline volume >= 1.5) or depression (sLTD: <= 0.75). Findings replayed here:
1. apical spines: potentiation is predicted by co-activity with nearby spines on the same
   dendrite (within 10 um; the paper's summaries also say 20 um), not by co-activity with
   the cell's APs;
2. basal spines: the reverse (Hebbian);
3. suppressing the cell's spiking with Kir2.1 cuts basal sLTP (4.4% vs 12.3% of spines,
   ratio 0.36) and leaves apical sLTP (14.9% vs 16.0%, ratio 0.93); early-period counts
   from the authors' notebooks (github wjakewright/Lab_Analyses): apical control 375
   spines, 16.0% sLTP, 23.7% sLTD; basal control 366 spines, 12.3% sLTP, 19.1% sLTD.

Methods
-------
Task (:class:`Task`). Each simulated session is ``trials`` trials of ``trial_duration``: a
cue at ``cue_time``, a lever press after a reaction time. Learning makes the movement
stereotyped (Peters, Chen & Komiyama 2014, Nature 510:263: reproducible movement-related
activity emerges in L2/3 of M1 over about a week of the same task): every "early -> late"
parameter approaches its late value as 1 - exp(-session / learning_sessions), so the
reaction time and its trial-to-trial jitter shrink, movement-tuned inputs respond more
reliably and with less timing jitter. Simulated sessions are short (tens of trials instead
of about a hundred); the rules' rates are scaled up accordingly (see Calibration).

Cells. ``n_cells`` L2/3 template neurons (:func:`dendritic_models.templates.l23_pyramidal`:
5 basal branches, an apical trunk, an oblique and 2 tuft branches), each rule set and
condition a copy receiving identical input. Modelled spines at the measured density (0.6 per
um, Wright et al.) on every basal, oblique and tuft branch, each with AMPA and NMDA receptors
and its own presynaptic input. These few hundred spines stand for the ~10^4 of a real L2/3
cell; the others are lumped at the soma (``Inputs.lumped_excitation``/``_inhibition``, the
in vivo bombardment of Destexhe et al. 2001's point-conductance model; drawn per cell in
numpy, so every copy of a cell receives the same bombardment) together with the
movement response of the cell's other inputs (``Inputs.movement_drive``, ramping up after
movement onset and as reliable as the session's movement), so no small group of modelled
spines can fire the cell on its own, and each cell is movement-tuned, as M1 L2/3 neurons
are (Peters et al. 2014).

Inputs (:class:`Inputs`). Basal and apical synapses receive different populations, as in
cortex: L2/3 basal dendrites sample local and L4/L5 axons, which in M1 carry much
movement-related activity, while apical tufts in layer 1 receive long-range (secondary
motor, thalamic) axons (Petreanu, Mao, Sternson & Svoboda 2009, Nature 457:1142, mapped how
long-range inputs target specific dendritic domains). Each input is movement-tuned
(responds at a lag to movement onset), cue-tuned (at a lag to the cue) or untuned, with
fractions per population (basal 50% movement, 10% cue; apical 15% and 15%), and fires
Poisson background spikes at lognormally distributed rates. A fraction of the synapses on
each branch (30%) sit in clusters of 5 co-tuned inputs 2 um apart driven by one presynaptic
ensemble: they respond to the task together and share spontaneous ensemble events (each
member joins with probability ``join``), the co-activity of neighbours that the imaging
found. Clustering is independent of tuning, so whether a spine is clustered says nothing
about whether it fires with the cell.

Rule sets (:data:`RULE_SETS`, identical input for all): ``compartment_specific`` (pair STDP
on basal dendrites, Song, Miller & Abbott 2000; local co-activity on the apical oblique and
tuft, :mod:`dendritic_models.rules.local_coactivity`), ``hebbian_everywhere``,
``local_everywhere`` and ``no_plasticity``; :func:`protocols.api.rule_set` also takes
``kind=rule,...`` and ``module:attribute``.

Conditions. ``control`` and ``silenced``: Kir2.1 hyperpolarises the cell and abolishes its
spiking (Wright et al.); modelled by removing somatic spike initiation throughout learning
(:func:`dendritic_models.stimuli.block_somatic_spikes`). Dendrites keep their own spikes
and the cell its subthreshold responses.

Measurements (:mod:`dendritic_models.analysis`) over the early period, sessions 1-3 (the
authors image "Early", "Middle" and "Late" periods; their main figures use the early one):
- volume ratio of each spine = efficacy at the period's end / at its start. Spine volume
  is taken proportional to efficacy: AMPA current scales with spine head volume (Matsuzaki
  et al. 2001, Nat Neurosci 4:1086) and grows with it in sLTP (Matsuzaki et al. 2004,
  Nature 429:761), so the paper's thresholds apply to the efficacy ratio unchanged;
- co-activity as the authors compute it: activity binarised in frames (``FRAME``), co-active
  frames counted pairwise, over the mean under circular shifts of the spine's trace
  (relative co-activity): with the cell's somatic APs (``soma``), with the other spines on
  the branch within 10 um (``local_10um``; also 20 um, and beyond 30 um for contrast);
- prediction: ROC AUC of each co-activity for sLTP vs all other spines, 95% CI from a
  bootstrap over cells. A predictor "predicts" at AUC >= ``AUC_PREDICTIVE`` with the CI
  above 0.5, and "does not" below it;
- learning curve: movement-related somatic activity (rate from movement onset to 0.5 s
  after it, minus the pre-cue rate) per session.

Calibration. The simulated sessions are short (12 trials of 1.2 s instead of about a
hundred trials), so the rules' rates are scaled up (``HEBBIAN``, ``LOCAL``): the fractions
of spines crossing the volume thresholds are fitted to the data, not predicted; the
predictions are which co-activity predicts potentiation in which compartment, and what
silencing does. ``eta_iso`` of the apical rule is set so that chance co-activity at the
modelled density roughly breaks even.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import numpy as np
from brian2 import (
    Hz,
    Network,
    SpikeGeneratorGroup,
    SpikeMonitor,
    StateMonitor,
    Synapses,
    nS,
    second,
    um,
)

from dendritic_models import NeuronModel, analysis, rules
from dendritic_models.devices import run_network
from dendritic_models.results import finding
from dendritic_models.rules.base import Rule, RuleSet
from dendritic_models.stimuli import block_somatic_spikes
from dendritic_models.templates import l23_pyramidal
from dendritic_models.wiring import connect
from protocols.api import findings_grid, reproduced_counts

SOURCE = "Wright, Hedrick & Komiyama 2025, Science 388:322"
CONDITIONS = ("control", "silenced")
BASAL, APICAL = ("basal",), ("apical_oblique", "apical_tuft")
COMPARTMENTS = {"basal": BASAL, "apical": APICAL}
#: early-period data (authors' notebooks): fraction of spines potentiated / depressed
PUBLISHED = {
    ("apical", "control"): {"n": 375, "sLTP": 0.160, "sLTD": 0.237},
    ("apical", "silenced"): {"n": 296, "sLTP": 0.149},
    ("basal", "control"): {"n": 366, "sLTP": 0.123, "sLTD": 0.191},
    ("basal", "silenced"): {"n": 249, "sLTP": 0.044},
}
SLTP, SLTD = 1.5, 0.75  # volume ratio thresholds (Wright et al.)
FRAME = 0.05  # s: activity is binarised in frames; co-active = active in the same frame
NEARBY = (10.0, 20.0)  # um
DISTANT = 30.0  # um
N_SHIFTS = 20  # circular shifts per null


@dataclass(frozen=True)
class Task:
    """The cued lever-press task; "early -> late" pairs change across sessions."""

    sessions: int = 14
    trials: int = 12  #: per session
    trial_duration: float = 1.2  #: s
    cue_time: float = 0.2  #: s into the trial
    reaction_time: tuple[float, float] = (0.30, 0.15)  #: mean cue -> movement onset (s)
    onset_jitter: tuple[float, float] = (0.10, 0.03)  #: SD of the reaction time (s)
    reliability: tuple[float, float] = (0.3, 0.8)  #: P(movement-tuned input responds)
    timing_jitter: tuple[float, float] = (0.05, 0.01)  #: SD of its response time (s)
    learning_sessions: float = 4.0  #: time constant of the change (sessions)

    @property
    def session_duration(self) -> float:
        return self.trials * self.trial_duration

    def at(self, pair: tuple[float, float], session: np.ndarray | int) -> np.ndarray:
        """The value of an early -> late parameter in ``session`` (0-based)."""
        early, late = pair
        return early + (late - early) * (1 - np.exp(-np.asarray(session) / self.learning_sessions))


@dataclass(frozen=True)
class Population:
    """The inputs of one compartment class."""

    movement: float  #: fraction movement-tuned
    cue: float  #: fraction cue-tuned (the rest untuned)
    background: float  #: Hz, Poisson spikes of every input
    ampa: float  #: nS per spike at efficacy 1
    nmda: float  #: nS


@dataclass(frozen=True)
class Inputs:
    density: float = 0.6  #: synapses per um (Wright et al.: 0.6-0.65 on both compartments)
    cluster_fraction: float = 0.3  #: of the synapses on a branch
    cluster_size: int = 5
    cluster_spacing: float = 2.0  #: um between neighbouring cluster members
    join: float = 0.8  #: P(a cluster member joins its cluster's response or event)
    #: Hz: spontaneous events of each cluster's presynaptic ensemble, task-independent
    ensemble_rate: float = 0.5
    movement_lag: tuple[float, float] = (-0.1, 0.4)  #: s from movement onset, uniform
    cue_lag: tuple[float, float] = (0.05, 0.4)  #: s from the cue, uniform
    cue_reliability: float = 0.5
    #: SD of log background rates: cortical rates are lognormal (Buzsaki & Mizuseki 2014,
    #: Nat Rev Neurosci 15:264); the mean rate is the population's ``background``
    rate_sigma: float = 1.0
    #: the cell's other synapses, unmodelled: (number, rate in Hz, nS) of AMPA excitation
    #: and GABA_A inhibition delivered at the soma. The spines modelled here are a few
    #: hundred of the ~10^4 on an L2/3 cell, so no small group of them can fire the cell:
    #: the regime of in vivo synaptic bombardment (Destexhe, Rudolph, Fellous & Sejnowski
    #: 2001, Neuroscience 107:13, the point-conductance model).
    lumped_excitation: tuple[int, float, float] = (2000, 1.5, 0.2)
    lumped_inhibition: tuple[int, float, float] = (500, 2.0, 0.5)
    #: the movement response of the cell's other inputs: (rate in Hz at full reliability,
    #: nS, duration in s from movement onset), scaled by the session's reliability; it gives
    #: each cell the movement tuning of L2/3 neurons in M1 (Peters et al. 2014)
    movement_drive: tuple[float, float, float] = (600.0, 0.2, 0.4)
    basal: Population = Population(movement=0.5, cue=0.1, background=1.0, ampa=0.08,
                                   nmda=0.08)
    apical: Population = Population(movement=0.15, cue=0.15, background=1.0, ampa=0.1,
                                    nmda=0.1)


@dataclass(frozen=True)
class Setup:
    n_cells: int = 20
    task: Task = Task()
    inputs: Inputs = Inputs()
    period: tuple[int, int] = (0, 3)  #: sessions [start, end) of the early period
    dt: float = 0.1e-3  #: s
    seed: int = 1


FULL = Setup()
QUICK = Setup(n_cells=6, task=Task(sessions=3))
#: the unit of every dimensioned parameter (:mod:`dendritic_models.parameters`)
UNITS = {
    **{f"task.{k}": second for k in ("trial_duration", "cue_time", "reaction_time",
                                     "onset_jitter", "timing_jitter")},
    "inputs.density": 1 / um, "inputs.cluster_spacing": um, "inputs.ensemble_rate": Hz,
    "inputs.movement_lag": second, "inputs.cue_lag": second,
    "inputs.lumped_excitation": (1, Hz, nS), "inputs.lumped_inhibition": (1, Hz, nS),
    "inputs.movement_drive": (Hz, nS, second),
    **{f"inputs.{p}.{k}": u for p in ("basal", "apical")
       for k, u in (("background", Hz), ("ampa", nS), ("nmda", nS))},
    "dt": second,
}


def phases(setup: Setup) -> list[tuple[str, float]]:
    """One phase per session (s)."""
    return [(f"session {k + 1}/{setup.task.sessions}", (k + 1) * setup.task.session_duration)
            for k in range(setup.task.sessions)]


# Calibration: the rules' rates are set so that, over the simulated early period, the
# fractions of spines crossing the volume thresholds land near the data (see module doc).
# A_plus 0.27 (basal sLTP 0.15 full, 20 cells): refitted when the lumped bombardment became
# shared by the copies; 0.30, 0.28 gave 0.175, 0.159.
HEBBIAN = rules.pair_stdp(A_plus=0.27, depression_ratio=1.05, w_max=3.0)
LOCAL = rules.local_coactivity(eta_coop=0.015, eta_iso=0.028)
DEFAULT_RULES = ("compartment_specific",)
RULE_SETS = {
    "compartment_specific": RuleSet(
        "compartment_specific",
        {"basal": HEBBIAN, "apical_oblique": LOCAL, "apical_tuft": LOCAL},
        "Hebbian (pair STDP) basal, local co-activity apical (Wright et al. 2025)",
    ),
    "hebbian_everywhere": RuleSet(
        "hebbian_everywhere", dict.fromkeys(BASAL + APICAL, HEBBIAN), "pair STDP everywhere"
    ),
    "local_everywhere": RuleSet(
        "local_everywhere", dict.fromkeys(BASAL + APICAL, LOCAL), "local co-activity everywhere"
    ),
    "no_plasticity": RuleSet("no_plasticity", {}, "fixed efficacies"),
}


# ---------------------------------------------------------------------------- inputs
def place_synapses(inputs: Inputs, n_cells: int, rng: np.random.Generator) -> dict:
    """Per synapse of the control cells: cell, branch, kind, class (``basal``/``apical``),
    x (um from the branch start), group (the presynaptic ensemble: shared by the members of
    a cluster, one per isolated synapse), clustered, tuning (0 untuned, 1 movement, 2 cue)
    and lag (s)."""
    model = l23_pyramidal()
    table = {k: [] for k in ("cell", "branch", "kind", "x", "group", "tuning", "lag")}
    n_groups = 0
    for cell in range(n_cells):
        for name, comp in model.tree.compartments.items():
            if comp.kind not in BASAL + APICAL:
                continue
            pop = inputs.basal if comp.kind in BASAL else inputs.apical
            length = float(comp.length / um)
            n = int(round(inputs.density * length))
            n_clusters = int(round(inputs.cluster_fraction * n / inputs.cluster_size))
            span = inputs.cluster_spacing * (inputs.cluster_size - 1)
            x, group = [], []
            for _ in range(n_clusters):
                start = rng.uniform(0, length - span)
                x += list(start + inputs.cluster_spacing * np.arange(inputs.cluster_size))
                group += [n_groups] * inputs.cluster_size
                n_groups += 1
            n_isolated = n - len(x)
            x += list(rng.uniform(0, length, n_isolated))
            group += list(range(n_groups, n_groups + n_isolated))
            n_groups += n_isolated
            tuning = rng.choice(3, size=n_groups, p=[1 - pop.movement - pop.cue, pop.movement,
                                                    pop.cue])
            lag = np.where(tuning == 1, rng.uniform(*inputs.movement_lag, n_groups),
                           rng.uniform(*inputs.cue_lag, n_groups))
            table["cell"] += [cell] * n
            table["branch"] += [name] * n
            table["kind"] += [comp.kind] * n
            table["x"] += x
            table["group"] += group
            table["tuning"] += list(tuning[group])
            table["lag"] += list(lag[group])
    out = {k: np.asarray(v) for k, v in table.items()}
    out["clustered"] = np.bincount(out["group"])[out["group"]] > 1
    out["compartment"] = np.where(np.isin(out["kind"], BASAL), "basal", "apical")
    return out


def task_schedule(task: Task, rng: np.random.Generator) -> dict[str, np.ndarray]:
    """Per trial (sessions x trials, flattened): session, cue time and movement onset (s)."""
    session = np.repeat(np.arange(task.sessions), task.trials)
    start = np.arange(session.size) * task.trial_duration
    cue = start + task.cue_time
    reaction = rng.normal(task.at(task.reaction_time, session), task.at(task.onset_jitter, session))
    onset = cue + np.clip(reaction, 0.05, task.trial_duration - task.cue_time - 0.5)
    return {"session": session, "start": start, "cue": cue, "onset": onset}


def input_spikes(layout: dict, schedule: dict, task: Task, inputs: Inputs,
                 rng: np.random.Generator) -> tuple[np.ndarray, np.ndarray]:
    """Spike (input index, time in s) of every input: background Poisson spikes (lognormal
    rates), task responses and cluster ensemble events. On a trial a movement-tuned group
    responds with the session's reliability at onset + lag + jitter, a cue-tuned group with
    ``cue_reliability`` at cue + lag + jitter; each cluster's ensemble also fires
    spontaneously at ``ensemble_rate``. Each member of a cluster joins a response or event
    with probability ``join`` (5 ms own jitter)."""
    n_syn = layout["group"].size
    duration = task.sessions * task.session_duration
    mean = np.where(layout["compartment"] == "basal", inputs.basal.background,
                    inputs.apical.background)
    sigma = inputs.rate_sigma
    rate = mean * rng.lognormal(-sigma**2 / 2, sigma, n_syn)
    counts = rng.poisson(rate * duration)
    index = [np.repeat(np.arange(n_syn), counts)]
    times = [rng.uniform(0, duration, counts.sum())]
    groups, first = np.unique(layout["group"], return_index=True)
    tuning, lag = layout["tuning"][first], layout["lag"][first]
    session = schedule["session"]
    p_move = task.at(task.reliability, session)
    jitter_move = task.at(task.timing_jitter, session)
    moving, cued = tuning == 1, tuning == 2
    # group x trial responses and times
    respond = np.zeros((groups.size, session.size), dtype=bool)
    when = np.zeros((groups.size, session.size))
    respond[moving] = rng.random((moving.sum(), session.size)) < p_move
    when[moving] = (schedule["onset"] + lag[moving, None]
                    + rng.normal(0, 1, (moving.sum(), session.size)) * jitter_move)
    respond[cued] = rng.random((cued.sum(), session.size)) < inputs.cue_reliability
    when[cued] = (schedule["cue"] + lag[cued, None]
                  + rng.normal(0, 1, (cued.sum(), session.size)) * jitter_move)
    # clusters' spontaneous ensemble events: appended as extra "trials" of those groups
    clusters = np.bincount(layout["group"])[groups] > 1
    n_events = rng.poisson(inputs.ensemble_rate * duration, groups.size) * clusters
    event_group = np.repeat(np.arange(groups.size), n_events)
    event_time = rng.uniform(0, duration, event_group.size)
    member_of = np.searchsorted(groups, layout["group"])
    joins = np.where(layout["clustered"], inputs.join, 1.0)
    for k in range(n_syn):
        g = member_of[k]
        fired = respond[g] & (rng.random(session.size) < joins[k])
        t = when[g, fired]
        if layout["clustered"][k]:
            own = event_time[event_group == g]
            t = np.concatenate([t, own[rng.random(own.size) < joins[k]]])
            t = t + rng.normal(0, 5e-3, t.size)
        index.append(np.full(t.size, k))
        times.append(t)
    index, times = np.concatenate(index), np.concatenate(times)
    keep = (times >= 0) & (times < duration)
    return index[keep], times[keep]


def movement_drive(schedule: dict, task: Task, inputs: Inputs, n_cells: int,
                   rng: np.random.Generator) -> tuple[np.ndarray, np.ndarray]:
    """Spikes (cell, time in s) of each cell's lumped movement drive: Poisson, on average
    the drive's rate times the session's reliability, from movement onset for the drive's
    duration, ramping up linearly from zero (activity builds up during the press)."""
    rate, _, span = inputs.movement_drive
    expected = rate * span * task.at(task.reliability, schedule["session"])
    counts = rng.poisson(np.tile(expected, n_cells))
    trial = np.repeat(np.tile(np.arange(expected.size), n_cells), counts)
    cell = np.repeat(np.repeat(np.arange(n_cells), expected.size), counts)
    # the rate ramps up linearly over the response (density 2t/span^2): inverse-CDF sampling
    return cell, schedule["onset"][trial] + span * np.sqrt(rng.uniform(0, 1, trial.size))


def spike_generator(index: np.ndarray, times: np.ndarray, n: int, dt: float,
                    name: str) -> tuple[SpikeGeneratorGroup, np.ndarray, np.ndarray]:
    """A SpikeGeneratorGroup of ``n`` sources with the spikes on the time grid (one per
    source and step: repeats within a step are dropped); also returns the kept spikes."""
    steps = np.round(np.asarray(times) / dt).astype(np.int64)
    order = np.lexsort((steps, index))
    index, steps = np.asarray(index)[order], steps[order]
    unique = np.ones(index.size, dtype=bool)
    unique[1:] = (index[1:] != index[:-1]) | (steps[1:] != steps[:-1])
    order = np.argsort(steps[unique], kind="stable")
    index, steps = index[unique][order], steps[unique][order]
    return SpikeGeneratorGroup(n, index, steps * dt * second, name=name), index, steps * dt


def lumped_bombardment(number: int, rate: float, n_cells: int, duration: float, dt: float,
                       rng: np.random.Generator) -> tuple[np.ndarray, np.ndarray]:
    """Each cell's lumped input (``number`` Poisson inputs at ``rate`` Hz, superposed: one
    Poisson process at ``number * rate``), drawn here in numpy so that every copy of a cell
    receives the same bombardment and every device the same numbers. Events of a cell in one
    time step are spread over channels (the k-th event goes to source ``cell + k *
    n_cells``), so none is lost. Returns (source, time in s), sorted by time."""
    counts = rng.poisson(number * rate * duration, n_cells)
    cell = np.repeat(np.arange(n_cells), counts)
    steps = np.floor(rng.uniform(0, duration, cell.size) / dt).astype(np.int64)
    order = np.lexsort((steps, cell))
    cell, steps = cell[order], steps[order]
    new = np.ones(cell.size, dtype=bool)
    new[1:] = (cell[1:] != cell[:-1]) | (steps[1:] != steps[:-1])
    start = np.maximum.accumulate(np.where(new, np.arange(cell.size), 0))
    rank = np.arange(cell.size) - start  # 0 for the first event of a (cell, step)
    order = np.argsort(steps, kind="stable")
    return (cell + rank * n_cells)[order], steps[order] * dt


# ---------------------------------------------------------------------------- simulation
def simulate(setup: Setup, rule_sets: dict[str, RuleSet], conditions=CONDITIONS):
    """Build the replay and run it on the current device; returns ``collect()`` (arrays).

    Every rule set and condition gets its own copy of the ``n_cells`` cells, all in one
    group and one network: one build, and identical input spikes for all copies."""
    rng = np.random.default_rng(setup.seed)
    task, inputs, n = setup.task, setup.inputs, setup.n_cells
    layout = place_synapses(inputs, n, rng)
    schedule = task_schedule(task, rng)
    index, times = input_spikes(layout, schedule, task, inputs, rng)
    dt = setup.dt
    source, index, times = spike_generator(index, times, layout["group"].size, dt, "inputs")
    drive, *_ = spike_generator(*movement_drive(schedule, task, inputs, n, rng), n, dt, "drive")
    comps = list(l23_pyramidal().tree.compartments.values())
    for rules_ in rule_sets.values():
        comps = rules_.equip(comps)  # each rule set's per-compartment mechanisms
    model = NeuronModel(comps, name="l23_pyramidal")
    copies = [(r, c) for r in range(len(rule_sets)) for c in range(len(conditions))]
    cells = model.group(n * len(copies), dt=dt * second, name="cells")
    first = {copy: k * n for k, copy in enumerate(copies)}  # first cell of each copy
    if "silenced" in conditions:
        silenced = conditions.index("silenced")
        block_somatic_spikes(cells, np.concatenate([
            np.arange(first[r, c], first[r, c] + n) for r, c in copies if c == silenced]))
    net = Network(cells, source, drive)
    _, weight, _ = inputs.movement_drive
    drive_syn, _ = connect(drive, cells, "soma", {"AMPA": weight * nS},
                           i=np.tile(np.arange(n), len(copies)), j=np.arange(n * len(copies)),
                           name="drive_synapses")
    net.add(drive_syn)
    duration = task.sessions * task.session_duration + dt
    for receptor, (number, rate, weight) in (("AMPA", inputs.lumped_excitation),
                                             ("GABA_A", inputs.lumped_inhibition)):
        # as Brian2's PoissonInput (each event adds ``weight`` to the receptor), but drawn
        # in numpy and shared by the copies
        channel, when = lumped_bombardment(number, rate, n, duration, dt, rng)
        size = int(channel.max(initial=0)) + 1
        lumped = SpikeGeneratorGroup(size, channel, when * second, name=f"lumped_{receptor}")
        syn = Synapses(lumped, cells, on_pre=f"{model.receptor_targets[('soma', receptor)]}"
                       f"_post += {weight!r}*nS", name=f"lumped_{receptor}_synapses")
        syn.connect(i=np.repeat(np.arange(size), len(copies)),
                    j=(np.arange(size) % n)[:, None].repeat(len(copies), 1).ravel()
                    + np.tile(np.arange(len(copies)) * n, size))
        net.add(lumped, syn)
    session = task.session_duration
    monitors = []
    for r, rules_ in enumerate(rule_sets.values()):
        # one Synapses per input population and rule: fewer objects, less code to generate
        projections: dict[tuple[str, int], tuple[Rule | None, list[str]]] = {}
        for branch in dict.fromkeys(layout["branch"]):
            kind = model.tree.compartments[branch].kind
            rule = rules_.for_compartment(branch, kind)
            population = "basal" if kind in BASAL else "apical"
            projections.setdefault((population, id(rule)), (rule, []))[1].append(branch)
        mine_copies = [first[r, c] for c in range(len(conditions))]
        for k, ((population, _), (rule, branches)) in enumerate(projections.items()):
            mine = np.flatnonzero(np.isin(layout["branch"], branches))
            pop = getattr(inputs, population)
            syn, _ = connect(
                source, cells, branches, {"AMPA": pop.ampa * nS, "NMDA": pop.nmda * nS},
                i=np.tile(mine, len(conditions)),
                j=np.concatenate([layout["cell"][mine] + f for f in mine_copies]),
                x=np.tile(layout["x"][mine], len(conditions)) * um,
                branch=np.tile(layout["branch"][mine], len(conditions)),
                rule=rule, name=f"syn_{r}_{population}_{k}",
            )
            monitor = StateMonitor(syn, "w", record=True, dt=session * second,
                                   name=f"w_{r}_{k}")
            net.add(syn, monitor)
            monitors.append((r, mine, monitor))
    spikes = SpikeMonitor(cells, name="somatic_spikes")
    net.add(spikes)
    run_network(net, duration * second)
    return lambda: _collect(rule_sets, conditions, layout, schedule, index, times, monitors,
                            spikes, copies, n, task.sessions)


def _collect(rule_sets, conditions, layout, schedule, index, times, monitors, spikes, copies,
             n, sessions) -> dict:
    w = np.empty((len(rule_sets), len(conditions), layout["group"].size, sessions + 1))
    for r, mine, monitor in monitors:
        w[r][:, mine, :] = np.asarray(monitor.w).reshape(len(conditions), mine.size, -1)
    cell = np.asarray(spikes.i)
    copy = cell // n
    return {
        "rule_sets": list(rule_sets),
        "conditions": list(conditions),
        "layout": layout,
        "schedule": schedule,
        "input_index": index,
        "input_time": times,
        "w": w,  # rule set x condition x synapse x (session boundary 0..sessions)
        # somatic APs: rule set, condition, cell (0..n_cells) and time (s)
        "spike_rule_set": np.array([copies[k][0] for k in copy], dtype=int),
        "spike_condition": np.array([copies[k][1] for k in copy], dtype=int),
        "spike_cell": cell % n,
        "spike_time": np.asarray(spikes.t / second),
    }


# ---------------------------------------------------------------------------- measurements
def period_bounds(setup: Setup, period: tuple[int, int]) -> tuple[float, float]:
    """Start and end (s) of sessions [first, last)."""
    return period[0] * setup.task.session_duration, period[1] * setup.task.session_duration


def somatic_spikes(data: dict, rule_set: int, condition: int) -> tuple[np.ndarray, np.ndarray]:
    """(cell, time in s) of the somatic APs of one rule set's cells in one condition."""
    mine = (data["spike_rule_set"] == rule_set) & (data["spike_condition"] == condition)
    return data["spike_cell"][mine], data["spike_time"][mine]


def input_activity(data: dict, setup: Setup) -> tuple[np.ndarray, np.ndarray]:
    """Binarised input activity over ``setup.period`` in frames of ``FRAME`` (synapse x
    frame), and the circular shifts (frames) of the null: at least one trial, as the authors
    shift by 1-600 s."""
    start, end = period_bounds(setup, setup.period)
    keep = (data["input_time"] >= start) & (data["input_time"] < end)
    inputs = analysis.activity(data["input_index"][keep], data["input_time"][keep] - start,
                               data["layout"]["group"].size, end - start, FRAME)
    low = int(setup.task.trial_duration / FRAME)
    shifts = np.random.default_rng(setup.seed).integers(low, inputs.shape[1] - low, N_SHIFTS)
    return inputs, shifts


def soma_coactivity(data: dict, setup: Setup, inputs: np.ndarray, shifts: np.ndarray,
                    rule_set: int, condition: int) -> np.ndarray:
    """Per synapse, relative co-activity with the somatic APs of its cell (NaN if silent)."""
    start, end = period_bounds(setup, setup.period)
    cell, t = somatic_spikes(data, rule_set, condition)
    keep = (t >= start) & (t < end)
    soma = analysis.activity(cell[keep], t[keep] - start, setup.n_cells, end - start, FRAME)
    score = np.full(inputs.shape[0], np.nan)
    for k in np.flatnonzero(inputs.any(axis=1)):
        score[k] = analysis.relative_coactivity(inputs[k], soma[data["layout"]["cell"][k]],
                                                shifts)
    return score


def neighbour_coactivity(data: dict, inputs: np.ndarray,
                         shifts: np.ndarray) -> dict[str, np.ndarray]:
    """Per synapse, relative co-activity with the other spines on its branch within 10 and
    20 um (``local_10um``, ``local_20um``) and beyond 30 um (``distant``); all rule sets
    share it (identical input)."""
    layout = data["layout"]
    out = {name: np.full(inputs.shape[0], np.nan) for name in
           (*(f"local_{int(r)}um" for r in NEARBY), "distant")}
    x = layout["x"]
    _, dendrite = np.unique(np.char.add(layout["cell"].astype(str), layout["branch"]),
                            return_inverse=True)
    members = np.split(np.argsort(dendrite, kind="stable"),
                       np.cumsum(np.bincount(dendrite))[:-1])
    for k in np.flatnonzero(inputs.any(axis=1)):
        same = members[dendrite[k]]
        same = same[same != k]
        d = np.abs(x[same] - x[k])
        for name, partners in [*((f"local_{int(r)}um", same[d <= r]) for r in NEARBY),
                               ("distant", same[d > DISTANT])]:
            out[name][k] = analysis.relative_coactivity(inputs[k], inputs[partners], shifts)
    return out


def learning_curve(data: dict, setup: Setup, rule_set: int, condition: int) -> np.ndarray:
    """Movement-related somatic activity per session (Hz per cell): the rate from movement
    onset to 0.5 s after it minus the pre-cue rate, averaged over trials and cells."""
    task, schedule = setup.task, data["schedule"]
    _, t = somatic_spikes(data, rule_set, condition)
    trial = np.minimum((t // task.trial_duration).astype(int), schedule["start"].size - 1)
    since_onset = t - schedule["onset"][trial]
    moving = np.bincount(trial[(since_onset >= 0) & (since_onset < 0.5)],
                         minlength=schedule["start"].size) / 0.5
    before = np.bincount(trial[t - schedule["start"][trial] < task.cue_time],
                         minlength=schedule["start"].size) / task.cue_time
    per_trial = (moving - before) / setup.n_cells
    return per_trial.reshape(task.sessions, task.trials).mean(axis=1)


def measure(data: dict, setup: Setup) -> dict[str, dict]:
    """Per rule set, everything its findings and the figure use (numbers and arrays):
    ``compartments['apical/control']`` etc. with n, sLTP, sLTD and volume ratios, in
    ``control`` also the ROC AUC of each co-activity for sLTP; the learning curve per
    condition."""
    layout = data["layout"]
    first, last = setup.period
    inputs, shifts = input_activity(data, setup)
    local = neighbour_coactivity(data, inputs, shifts)
    out = {}
    for r, name in enumerate(data["rule_sets"]):
        entry = {"compartments": {}, "learning_curve": {}}
        for c, condition in enumerate(data["conditions"]):
            entry["learning_curve"][condition] = learning_curve(data, setup, r, c)
            ratio = data["w"][r, c, :, last] / data["w"][r, c, :, first]
            # a spine whose efficacy started at 0 is counted as stable
            ratio = np.where(np.isfinite(ratio), ratio, 1.0)
            scores = ({"soma": soma_coactivity(data, setup, inputs, shifts, r, c), **local}
                      if condition == "control" else {})
            for compartment in COMPARTMENTS:
                m = layout["compartment"] == compartment
                potentiated = ratio[m] >= SLTP
                auc = {}
                for predictor, score in scores.items():
                    value, low, high = analysis.bootstrap_auc(
                        score[m], potentiated, layout["cell"][m], seed=setup.seed)
                    auc[predictor] = {"auc": value, "ci": [low, high]}
                entry["compartments"][f"{compartment}/{condition}"] = {
                    "n": int(m.sum()),
                    "sLTP": float(potentiated.mean()),
                    "sLTD": float((ratio[m] <= SLTD).mean()),
                    "volume_ratio": ratio[m],
                    "auc": auc,
                }
        out[name] = entry
    return out


# ---------------------------------------------------------------------------- findings
#: ROC AUC below which a predictor counts as not predictive: 0.5 is chance, 0.6 the lower
#: edge of "poor" discrimination (Hosmer & Lemeshow 2000, Applied Logistic Regression,
#: 2nd ed., Sec. 5.2.4). With thousands of modelled spines a CI excludes 0.5 for effects
#: far too small for the paper's ~300 spines per group to see, so an effect size is needed.
AUC_PREDICTIVE = 0.6


def _predicts(entry: dict) -> bool:
    return entry["ci"][0] > 0.5 and entry["auc"] >= AUC_PREDICTIVE


def _no_prediction(entry: dict) -> bool:
    return not entry["auc"] >= AUC_PREDICTIVE


def findings(measured: dict) -> list[dict]:
    """The paper's findings that one rule set's ``measured`` entry covers (the silencing
    ones need both conditions)."""
    comp = measured["compartments"]
    out = []
    control = {k: comp[f"{k}/control"] for k in COMPARTMENTS if f"{k}/control" in comp}
    for compartment, predictor, other in (("apical", "local_10um", "soma"),
                                          ("basal", "soma", "local_10um")):
        if compartment not in control:
            continue
        auc = control[compartment]["auc"]
        out.append(finding(
            f"{compartment}: {predictor} co-activity predicts sLTP, {other} co-activity does not",
            {predictor: auc[predictor], other: auc[other]},
            f"ROC AUC of {predictor} >= {AUC_PREDICTIVE} with its 95% CI (bootstrap over "
            f"cells) above 0.5; of {other} < {AUC_PREDICTIVE}",
            _predicts(auc[predictor]) and _no_prediction(auc[other]),
        ))
    ratio = {}
    for compartment in COMPARTMENTS:
        if f"{compartment}/silenced" in comp and compartment in control:
            base = control[compartment]["sLTP"]
            ratio[compartment] = (comp[f"{compartment}/silenced"]["sLTP"] / base if base
                                  else float("nan"))
    if ratio:
        published = {k: PUBLISHED[(k, "silenced")]["sLTP"] / PUBLISHED[(k, "control")]["sLTP"]
                     for k in COMPARTMENTS}
        out.append(finding(
            "silencing: basal sLTP silenced / control", round(ratio["basal"], 3),
            f"<= 0.5 (data {published['basal']:.2f})", ratio["basal"] <= 0.5))
        out.append(finding(
            "silencing: apical sLTP silenced / control", round(ratio["apical"], 3),
            f"0.75-1.25 (data {published['apical']:.2f})", 0.75 <= ratio["apical"] <= 1.25))
    for compartment, entry in control.items():
        data = PUBLISHED[(compartment, "control")]
        out.append(finding(
            f"{compartment} control: fraction of spines potentiated (sLTP)",
            round(entry["sLTP"], 3), f"{data['sLTP']:.3f} +- 0.05",
            abs(entry["sLTP"] - data["sLTP"]) <= 0.05))
        out.append(finding(
            f"{compartment} control: fraction of spines depressed (sLTD)",
            round(entry["sLTD"], 3), f"0.15-0.30 (data {data['sLTD']:.3f})",
            0.15 <= entry["sLTD"] <= 0.30))
    return out


# ---------------------------------------------------------------------------- result
def evaluate(data: dict, setup: Setup) -> tuple[list[dict], dict]:
    """Findings of every rule set (tagged ``rule_set``) and the measurements, without the
    per-spine volume ratios (those are in ``data.npz`` as ``w``)."""
    measured = measure(data, setup)
    found = [{"rule_set": name, **f} for name in measured for f in findings(measured[name])]
    return found, {n: {**m, "compartments": {k: {kk: vv for kk, vv in e.items()
                                                 if kk != "volume_ratio"}
                                             for k, e in m["compartments"].items()}}
                   for n, m in measured.items()}


def arrays(data: dict) -> dict[str, np.ndarray]:
    """Weights per session boundary, synapse layout, task schedule, somatic spikes."""
    return {
        "w": data["w"], "rule_sets": np.array(data["rule_sets"]),
        "conditions": np.array(data["conditions"]),
        **{f"layout_{k}": v for k, v in data["layout"].items()},
        **{f"schedule_{k}": v for k, v in data["schedule"].items()},
        **{k: data[k] for k in ("spike_rule_set", "spike_condition", "spike_cell",
                                "spike_time")},
    }


# ---------------------------------------------------------------------------- figure
def figure(result: dict, path: str | Path) -> Path:
    """Model beside paper: ROC AUCs of the two predictors per compartment, sLTP fractions
    per condition, learning curves, and which findings each rule set reproduces. Reads only
    the result (as written to ``result.json``)."""
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    measured, names = result["measured"], list(result["measured"])
    fig, axes = plt.subplots(2, 2, figsize=(12, 9))
    width = 0.8 / (len(names) + 1)
    ax = axes[0, 0]
    groups = [("apical", "local_10um"), ("apical", "soma"), ("basal", "soma"),
              ("basal", "local_10um")]
    paper = [True, False, True, False]  # Wright et al.: predicts / does not
    for k, name in enumerate(names):
        comp = measured[name]["compartments"]
        for g, (compartment, predictor) in enumerate(groups):
            entry = comp.get(f"{compartment}/control", {}).get("auc", {}).get(predictor)
            if entry is None:
                continue
            ax.errorbar(g + k * width, entry["auc"], fmt="o", color=f"C{k}",
                        yerr=[[entry["auc"] - entry["ci"][0]], [entry["ci"][1] - entry["auc"]]],
                        label=name if g == 0 else None)
    for g, predicts in enumerate(paper):
        ax.text(g + len(names) * width, 0.93, "paper:\npredicts" if predicts else "paper:\nno",
                ha="center", fontsize=8)
    ax.axhline(0.5, color="k", lw=0.5)
    ax.axhline(AUC_PREDICTIVE, color="k", lw=0.5, ls="--")
    ax.set_xticks(np.arange(len(groups)) + width * (len(names) - 1) / 2,
                  [f"{c}\n{p}" for c, p in groups])
    ax.set_ylim(0.3, 1.0)
    ax.set_ylabel("ROC AUC for sLTP (95% CI over cells)")
    ax.legend(fontsize=8)
    ax = axes[0, 1]
    bars = [(c, cond) for c in COMPARTMENTS for cond in CONDITIONS]
    for k, name in enumerate(names):
        comp = measured[name]["compartments"]
        values = [comp.get(f"{c}/{cond}", {}).get("sLTP", np.nan) for c, cond in bars]
        ax.bar(np.arange(len(bars)) + k * width, values, width, color=f"C{k}", label=name)
    ax.bar(np.arange(len(bars)) + len(names) * width,
           [PUBLISHED[b]["sLTP"] for b in bars], width, color="k", label="paper")
    ax.set_xticks(np.arange(len(bars)) + width * len(names) / 2,
                  [f"{c}\n{cond}" for c, cond in bars])
    ax.set_ylabel("fraction of spines with sLTP (early period)")
    ax.legend(fontsize=8)
    ax = axes[1, 0]
    for k, name in enumerate(names):
        curve = measured[name]["learning_curve"].get("control")
        if curve is not None:
            ax.plot(np.arange(1, len(curve) + 1), curve, "o-", color=f"C{k}", label=name)
    ax.set_xlabel("session")
    ax.set_ylabel("movement-related somatic rate (Hz, minus pre-cue)")
    ax.legend(fontsize=8)
    findings_grid(axes[1, 1], reproduced_counts([result], names), paper=True)
    fig.suptitle(f"Motor learning, Wright, Hedrick & Komiyama 2025: model vs paper "
                 f"(seed {result.get('seed', '')})")
    fig.tight_layout()
    path = Path(path)
    fig.savefig(path, dpi=120)
    plt.close(fig)
    return path


if __name__ == "__main__":
    from protocols.cli import protocol_main

    protocol_main("motor_learning")
