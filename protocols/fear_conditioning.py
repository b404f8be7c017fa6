"""Auditory fear conditioning in the lateral amygdala: which rule sets learn, and where.

Sources. The circuit, inputs and paradigm follow the 1000-cell LA model of Kim, Paré & Nair
2013 (Learn Mem 20:421; ModelDB 150288, files named below); the findings are the
experiments the field uses as evidence that LTP in LA stores the tone-shock association:
1. conditioning raises tone (CS) responses of LA principal neurons, most in the
   short-latency (< 15-20 ms) component carried by direct thalamic input, and turns
   unresponsive cells into responsive ones (Quirk, Repa & LeDoux 1995, Neuron 15:1029);
2. the memory is stored at the tone-input synapses: blocking their plasticity prevents
   retention, blocking plasticity among LA principal cells changes little (Kim et al. 2013);
3. NMDA receptor blockade (APV) in the amygdala during training blocks acquisition, during
   the test it leaves expression intact (Miserendino, Sananes, Melia & Davis 1990, Nature
   345:716; Campeau, Miserendino & Davis 1992, Behav Neurosci 106:569);
4. unpaired tones and shocks, or tones alone, teach nothing;
5. extinction (tones alone after learning) lowers the CS response.

Methods
-------
Paradigm (:class:`Paradigm`). Phases habituation (tones alone), conditioning (tone-shock
pairings, the shock co-terminating with the tone), consolidation (spontaneous activity),
test (tones alone), extinction (tones alone), a second gap and extinction recall. Tones
last 500 ms, one every 4 s, as Kim et al. (8 habituation tones, 16 pairings, 20 extinction
tones). Each tone drives the tone afferents with regular trains (ModelDB
``function_ToneSignalGen_*.hoc``), here 40 Hz throughout (Kim et al. raise it from 20 to
40 Hz during training; a constant rate keeps the CS the same in every phase, so that a
change in the CS response measures plasticity in LA). The shock (US) is 10 pulses at
100 Hz in the last 100 ms of the tone (``shockcondi.hoc``). Unpaired (explicitly unpaired,
in blocks): the same shocks, one per tone period, during the consolidation gap, the first
5.5 s after the last tone; shocks midway between tones (1.5 s after a tone ends) would be
trace conditioning, which rats learn (and which the 1 s eligibility trace of the
three-factor rule bridges).

Circuit (:class:`Circuit`). Principal neurons (PNs, :func:`~dendritic_models.templates.
la_principal`, firing types A:B:C = 6:3:1 as the paper states; ModelDB's cell list gives
5:3:2) and fast-spiking interneurons (INs, :func:`~dendritic_models.templates.
la_interneuron`); PN->PN, PN->IN and IN->PN connections with the published mean in-degrees
(21, 22 and 20 from ModelDB ``Syn_Matrix.txt``; no IN->IN) and 1-5 ms delays; IN->PN
synapses on the soma. Each cell has one background Poisson input (PN 3 Hz, IN 5 Hz, with
30 and 20 ms dead times, ``BgGen.hoc``). Synaptic weights are the published peak
conductances (AMPA 1 nS, NMDA 0.5 nS, GABA_A 0.6 nS per unit of ModelDB's ``initW``), AMPA
and GABA_A converted to the same charge per event with this package's receptor kinetics
(:func:`charge_scale`; ModelDB's background synapses, a 0.5/7 ms double exponential, are
scaled like the tone synapses, 1.55 where their own kinetics would give 1.63); short-term
depression of intra-LA synapses is left out. Smaller than the published 800 PNs
and 200 INs by default; the published size is ``Circuit(n_principal=800,
n_interneurons=200)``.

Inputs. 70% of PNs receive thalamic tone input and 35% cortical (LAd in ModelDB); 70% of PNs
and 72% of INs receive the shock. Kim et al. model each tone input as one strong synapse;
here it is ``synapses_per_input`` synapses from as many afferents (same total conductance),
so that co-activity among neighbouring synapses exists for rules that read it. Thalamic
synapses sit on the proximal half of the PN's input dendrite and cortical ones on its
distal half (ModelDB puts both at 90% of the dendrite); the shock lands proximally.
Thalamic afferents respond 8-12 ms after tone onset (medial geniculate units, Bordi &
LeDoux 1994, Exp Brain Res 98:261), cortical ones 20-30 ms (ModelDB's ventral delays).

Rule sets (:data:`RULE_SETS`), on tone->PN and PN->PN synapses (the synapses whose
plasticity the findings are about; Kim et al. also make PN->IN, tone->IN and IN->PN
plastic), efficacies bounded to [0 or 1, 3] x initial (Kim et al.'s tone synapses reach
2.6-3.6 x):

- ``hebbian``: pair STDP (Song et al. 2000), A_plus 0.03, set so that the paired condition
  learns within the conditioning phase (at the package default 0.01 its rise was not
  significant);
- ``calcium``: Graupner & Brunel 2012, DP set (tau 150 s) with both calcium jumps halved
  (C_pre = C_post = 0.5): as in Kim et al.'s NMDA-only calcium, neither the 40 Hz tone
  alone (peak 0.7) nor a 100 Hz postsynaptic burst alone (peak 1.27) reaches theta_p = 1.3,
  their conjunction does;
- ``three_factor``: STDP eligibility x neuromodulator (Izhikevich 2007), released by each US
  (noradrenaline/dopamine released by the shock gate Hebbian plasticity in LA; Hebbian
  pairing of tone and PN depolarisation alone does not teach: Johansen et al. 2014, PNAS
  111:E5584), hence no tonic level (d_tonic = 0; Izhikevich's 0.002 makes it plain STDP
  between rewards); ModelDB 84167's rates;
- ``compartment_specific``: pair STDP (as ``hebbian``) on the proximal half of the input
  dendrite (thalamic and shock synapses), local co-activity on the distal half (cortical and
  PN->PN synapses) with the rates calibrated on Wright et al.'s spine data
  (:data:`protocols.motor_learning.LOCAL`).

Conditions (:data:`CONDITIONS`), each a copy of the circuit on identical input: ``paired``,
``apv_conditioning`` and ``apv_test`` (APV during that phase), ``unpaired``, ``cs_only``,
``tone_plasticity_blocked`` and ``intra_plasticity_blocked`` (plasticity of tone->PN or of
PN->PN synapses blocked during conditioning). APV blocks plasticity induction (each
synapse's ``induction``, see :class:`~dendritic_models.rules.base.Rule`) and leaves synaptic
transmission, the NMDA current included, intact: that is the dissociation of Miserendino et
al. and Campeau et al. (other studies found that APV also lowers expression, e.g. Maren,
Aharonov, Stote & Fanselow 1996, Behav Neurosci 110:1365; modelling that would also scale
``w_NMDA``).

Measurements (PNs only). CS response of a cell on a tone: spikes in a window after tone
onset, minus those its pre-tone rate (500 ms before onset) predicts, as a rate (Hz):
``short`` window 0-40 ms (the thalamic component: no model PN fires before 20 ms, as the
afferents arrive after 8-12 ms and the membrane time constant is ~45 ms; Quirk et al.'s
rat units fire within 15 ms), ``late`` 40-500 ms. A cell is CS-responsive in a phase if its
short-window spike count over the phase's tones exceeds its baseline expectation with
Poisson p < 0.01.
Freezing proxy (ours, not Kim et al.'s): the fraction of 50 ms bins during the tones of a
phase in which the PN population rate exceeds the mean + 3 SD of the same bins during
habituation: LA output beyond what the naive tone drives, a stand-in for the drive that
central amygdala needs to trigger freezing (near 0 in habituation by construction).
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
    TimedArray,
    ms,
    nS,
    second,
)
from scipy.stats import binomtest, poisson

from dendritic_models import NeuronModel, rules
from dendritic_models.devices import run_network
from dendritic_models.mechanisms.receptors import RECEPTORS
from dendritic_models.results import finding
from dendritic_models.rules.base import RuleSet
from dendritic_models.rules.three_factor import dopamine_release
from dendritic_models.templates import LA_FIRING_TYPES, la_interneuron, la_principal
from dendritic_models.wiring import connect
from protocols.api import findings_grid, reproduced_counts
from protocols.motor_learning import LOCAL

SOURCE = ("Kim, Paré & Nair 2013, Learn Mem 20:421 (ModelDB 150288); Quirk, Repa & LeDoux "
          "1995; Miserendino et al. 1990; Campeau et al. 1992")
PHASES = ("habituation", "conditioning", "consolidation", "test", "extinction", "gap", "recall")
CONDITIONS = ("paired", "apv_conditioning", "apv_test", "unpaired", "cs_only",
              "tone_plasticity_blocked", "intra_plasticity_blocked")
#: condition -> (phase in which plasticity induction is blocked, synapse classes blocked)
BLOCKED = {
    "apv_conditioning": ("conditioning", ("tone", "intra")),
    "apv_test": ("test", ("tone", "intra")),
    "tone_plasticity_blocked": ("conditioning", ("tone",)),
    "intra_plasticity_blocked": ("conditioning", ("intra",)),
}
#: s after tone onset: the thalamic component reaches the PNs 8-12 ms after onset and fires
#: them 10-25 ms later in this model (its membrane time constant is ~45 ms); Quirk et al.'s
#: rat LA units respond within 15 ms
SHORT, LATE = (0.0, 0.04), (0.04, 0.5)
BASELINE = 0.5  # s before tone onset
BIN = 0.05  # s, freezing proxy


@dataclass(frozen=True)
class Paradigm:
    """Phases (tone counts, gaps in s) and stimuli."""

    habituation: int = 8
    conditioning: int = 16
    consolidation: float = 100.0  #: s (Kim et al.: ~100 s); holds the unpaired shocks
    test: int = 4
    extinction: int = 20
    gap: float = 10.0  #: s between extinction and recall
    recall: int = 4
    tone_period: float = 4.0  #: s, onset to onset (Kim et al.)
    tone_duration: float = 0.5  #: s
    tone_rate: float = 40.0  #: Hz, regular afferent trains
    thalamic_latency: tuple[float, float] = (0.008, 0.012)  #: s, uniform per afferent
    cortical_latency: tuple[float, float] = (0.020, 0.030)  #: s
    jitter: float = 0.001  #: s, SD of each afferent spike
    us_pulses: int = 10
    us_rate: float = 100.0  #: Hz, ending with the tone
    us_delay: tuple[float, float] = (0.010, 0.020)  #: s, per target cell (ModelDB)

    def __post_init__(self):
        room = (self.conditioning + 1) * self.tone_period
        if self.consolidation < room:
            raise ValueError(f"consolidation = {self.consolidation} s cannot hold the unpaired "
                             f"shocks: it needs (conditioning + 1) x tone_period = {room} s")

    def phase_durations(self) -> dict[str, float]:
        return {p: (getattr(self, p) * self.tone_period
                    if isinstance(getattr(self, p), int) else getattr(self, p))
                for p in PHASES}


#: ModelDB 150288 receptor kinetics (Destexhe et al. 1994 scheme: transmitter for Cdur ms,
#: dr/dt = alpha T (1 - r) - beta r; Cdur ms, alpha /ms, beta /ms): AMPA onto PNs
#: (``tone2pyrD.mod``), onto INs (``tone2interD.mod``), GABA_A (``interD2pyrD_STFD.mod``)
MODELDB_KINETICS = {"AMPA_PN": (1.421, 3.8142, 0.1429), "AMPA_IN": (0.713, 10.1571, 0.4167),
                    "GABA_A": (0.7254, 7.2609, 0.2667)}


def charge_scale(kinetics: str) -> float:
    """Factor by which a ModelDB peak conductance is scaled here so that one event delivers
    the same conductance integral (charge at fixed driving force) with this package's
    single-exponential receptor: integral of r per unit of its peak, over ``tau``.
    AMPA onto PNs 1.55, onto INs 0.57, GABA_A 0.78."""
    cdur, alpha, beta = MODELDB_KINETICS[kinetics]
    r_inf, tau_on = alpha / (alpha + beta), 1 / (alpha + beta)
    r_end = r_inf * (1 - np.exp(-cdur / tau_on))
    integral = r_inf * (cdur - tau_on * (1 - np.exp(-cdur / tau_on))) + r_end / beta
    ours = RECEPTORS["GABA_A" if kinetics == "GABA_A" else "AMPA"]
    return float(integral / r_end / (ours.constants[f"tau_{ours.name}"] / ms))


@dataclass(frozen=True)
class Circuit:
    """Cells, connectivity and peak conductances (nS as AMPA, NMDA or GABA_A per synapse, as
    published: ModelDB's gbar per unit weight times ``initW``). AMPA and GABA_A are converted
    by :func:`charge_scale` to this package's receptor kinetics; NMDA is used as published
    (ModelDB's NMDA saturates at one event per synapse, ours sums, so during a 40 Hz tone ours
    already passes more NMDA charge)."""

    n_principal: int = 60
    n_interneurons: int = 15
    types: tuple[float, float, float] = (0.6, 0.3, 0.1)  #: A, B, C
    in_degree: tuple[int, int, int] = (21, 22, 20)  #: PN->PN, PN->IN, IN->PN
    delay: tuple[float, float] = (0.001, 0.005)  #: s, intra-LA
    p_thalamic: float = 0.7
    p_cortical: float = 0.35
    p_us_principal: float = 0.7
    p_us_interneuron: float = 0.72
    p_tone_interneuron: float = 0.7
    synapses_per_input: int = 4
    thalamic: tuple[float, float] = (5.5, 2.75)  #: AMPA, NMDA, whole input
    cortical: tuple[float, float] = (4.0, 2.0)
    tone_to_in: tuple[float, float] = (4.5, 2.25)
    pn_pn: tuple[float, float] = (1.0, 0.5)
    pn_in: tuple[float, float] = (1.5, 0.75)
    in_pn: float = 2.7  #: GABA_A
    us_pn: tuple[float, float] = (10.0, 5.0)
    us_in: tuple[float, float] = (9.0, 4.5)
    background_pn: tuple[float, float, float, float] = (3.0, 0.03, 6.3, 3.15)  #: Hz, s, nS
    background_in: tuple[float, float, float, float] = (5.0, 0.02, 8.0, 4.0)


@dataclass(frozen=True)
class Setup:
    paradigm: Paradigm = Paradigm()
    circuit: Circuit = Circuit()
    dt: float = 0.1e-3  #: s
    seed: int = 1


FULL = Setup()
QUICK = Setup(
    paradigm=Paradigm(habituation=3, conditioning=6, consolidation=28.0, test=3, extinction=6,
                      gap=4.0, recall=2),
    circuit=Circuit(n_principal=30, n_interneurons=8),
)
#: the unit of every dimensioned parameter (:mod:`dendritic_models.parameters`)
UNITS = {
    **{f"paradigm.{k}": second for k in ("consolidation", "gap", "tone_period", "tone_duration",
                                         "thalamic_latency", "cortical_latency", "jitter",
                                         "us_delay")},
    "paradigm.tone_rate": Hz, "paradigm.us_rate": Hz,
    "circuit.delay": second,
    **{f"circuit.{k}": nS for k in ("thalamic", "cortical", "tone_to_in", "pn_pn", "pn_in",
                                    "in_pn", "us_pn", "us_in")},
    "circuit.background_pn": (Hz, second, nS, nS), "circuit.background_in": (Hz, second, nS, nS),
    "dt": second,
}


def phases(setup: Setup) -> list[tuple[str, float]]:
    """The phases and their ends (s), back to back."""
    ends = np.cumsum(list(setup.paradigm.phase_durations().values()))
    return list(zip(PHASES, ends.tolist(), strict=True))

# Calibration (see the module's Rule sets): rates set so that the paired condition learns;
# every other condition and finding is a prediction.
HEBBIAN = rules.pair_stdp(A_plus=0.03, depression_ratio=1.05, w_max=3.0)
DEFAULT_RULES = ("compartment_specific",)
RULE_SETS = {
    "hebbian": RuleSet("hebbian", {"dendrite": HEBBIAN}, "pair STDP (Song et al. 2000)"),
    "calcium": RuleSet("calcium", {"dendrite": rules.graupner_brunel(C_pre=0.5, C_post=0.5, b=3.0)},
                       "calcium-based (Graupner & Brunel 2012)"),
    "three_factor": RuleSet(
        "three_factor", {"dendrite": rules.three_factor_stdp(d_tonic=0.0, w_max=3.0)},
        "STDP eligibility x US-evoked neuromodulator (Izhikevich 2007; Johansen et al. 2014)"),
    "compartment_specific": RuleSet(
        "compartment_specific", {"proximal": HEBBIAN, "distal": LOCAL},
        "pair STDP proximal, local co-activity distal (Wright et al. 2025)"),
}


# ---------------------------------------------------------------------------- schedule
def tone_onsets(paradigm: Paradigm) -> dict[str, np.ndarray]:
    """Tone onsets (s) of every phase with tones; the phases run back to back."""
    start, out = 0.0, {}
    for phase, duration in paradigm.phase_durations().items():
        n = getattr(paradigm, phase)
        if isinstance(n, int):
            out[phase] = start + paradigm.tone_period * np.arange(n)
        start += duration
    return out


def us_onsets(paradigm: Paradigm, condition: str) -> np.ndarray:
    """Onsets (s) of the shock trains of a condition: co-terminating with the conditioning
    tones, one per tone period in the middle of the periods of the consolidation gap
    (``unpaired``), or none (``cs_only``)."""
    if condition == "cs_only":
        return np.empty(0)
    tones = tone_onsets(paradigm)["conditioning"]
    train = paradigm.us_pulses / paradigm.us_rate
    if condition == "unpaired":
        return tones + (paradigm.conditioning + 0.5) * paradigm.tone_period
    return tones + paradigm.tone_duration - train


# ---------------------------------------------------------------------------- inputs
def wiring(circuit: Circuit, rng: np.random.Generator) -> dict[str, np.ndarray]:
    """One copy's connectivity: firing type of each PN; per input pathway the (afferent,
    PN) pairs; intra-LA (pre, post, delay in s); which cells get the shock."""
    n, m, k = circuit.n_principal, circuit.n_interneurons, circuit.synapses_per_input
    out = {"type": rng.choice(3, n, p=circuit.types)}
    for pathway, p in (("thalamic", circuit.p_thalamic), ("cortical", circuit.p_cortical)):
        cells = np.flatnonzero(rng.random(n) < p)
        out[f"{pathway}_post"] = np.repeat(cells, k)
        out[f"{pathway}_pre"] = np.concatenate(
            [rng.choice(n, k, replace=False) for _ in cells]).astype(int) if cells.size else \
            np.empty(0, int)
    out["tone_in_post"] = np.flatnonzero(rng.random(m) < circuit.p_tone_interneuron)
    for name, (n_pre, n_post, degree) in {"pn_pn": (n, n, circuit.in_degree[0]),
                                          "pn_in": (n, m, circuit.in_degree[1]),
                                          "in_pn": (m, n, circuit.in_degree[2])}.items():
        pre = []
        for post in range(n_post):
            candidates = np.setdiff1d(np.arange(n_pre), [post] if name == "pn_pn" else [])
            pre.append(rng.choice(candidates, min(degree, candidates.size), replace=False))
        out[f"{name}_pre"] = np.concatenate(pre)
        out[f"{name}_post"] = np.repeat(np.arange(n_post), [len(p) for p in pre])
        out[f"{name}_delay"] = rng.uniform(*circuit.delay, out[f"{name}_pre"].size)
    out["us_pn"] = np.flatnonzero(rng.random(n) < circuit.p_us_principal)
    out["us_in"] = np.flatnonzero(rng.random(m) < circuit.p_us_interneuron)
    return out


def afferent_spikes(paradigm: Paradigm, n: int, rng: np.random.Generator
                    ) -> tuple[np.ndarray, np.ndarray]:
    """(afferent, time in s) of the 2n tone afferents: thalamic 0..n-1, cortical n..2n-1,
    each a regular train at ``tone_rate`` during every tone, from its own latency."""
    onsets = np.concatenate(list(tone_onsets(paradigm).values()))
    latency = np.concatenate([rng.uniform(*paradigm.thalamic_latency, n),
                              rng.uniform(*paradigm.cortical_latency, n)])
    per_tone = np.arange(0, paradigm.tone_duration, 1 / paradigm.tone_rate)
    times = (onsets[None, :, None] + latency[:, None, None] + per_tone[None, None, :])
    times = times + rng.normal(0, paradigm.jitter, times.shape)
    index = np.broadcast_to(np.arange(2 * n)[:, None, None], times.shape)
    return index.ravel(), times.ravel()


def poisson_dead_time(rate: float, dead: float, n: int, duration: float,
                      rng: np.random.Generator) -> tuple[np.ndarray, np.ndarray]:
    """(source, time) of ``n`` Poisson trains of mean ``rate`` with a dead time ``dead``
    after each spike (NEURON NetStim with noise, as ModelDB's ``BgGen``)."""
    mean_isi = 1 / rate
    count = int(duration / mean_isi * 1.5) + 20
    isi = dead + rng.exponential(mean_isi - dead, (n, count))
    times = np.cumsum(isi, axis=1) - rng.uniform(0, mean_isi, (n, 1))
    index = np.broadcast_to(np.arange(n)[:, None], times.shape)
    keep = (times >= 0) & (times < duration)
    return index[keep], times[keep]


# ---------------------------------------------------------------------------- simulation
def simulate(setup: Setup, rule_sets: dict[str, RuleSet], conditions: tuple[str, ...]):
    """Build and run the paradigm, returning ``collect()`` (arrays). Every rule set and
    condition is a copy of the circuit (one group of PNs, one of INs) on identical input
    spikes. The phases run back to back in one run; what changes between them (the US, and
    the ``induction`` of the synapses a condition blocks) is scheduled in advance, so the
    model is compiled once."""
    paradigm, circuit, dt = setup.paradigm, setup.circuit, setup.dt
    rng = np.random.default_rng(setup.seed)
    n, m = circuit.n_principal, circuit.n_interneurons
    wires = wiring(circuit, rng)
    durations = paradigm.phase_durations()
    total = sum(durations.values())
    copies = [(r, c) for r in range(len(rule_sets)) for c in range(len(conditions))]
    n_copies = len(copies)

    # every input spike, in one generator: tone afferents, background, per-condition shocks
    sources, offset = {}, 0
    index, times = [], []

    def add(name, size, idx, t):
        nonlocal offset
        sources[name] = offset
        index.append(np.asarray(idx, int) + offset)
        times.append(np.asarray(t, float))
        offset += size

    add("tone", 2 * n, *afferent_spikes(paradigm, n, rng))
    add("background_pn", n, *poisson_dead_time(*circuit.background_pn[:2], n, total, rng))
    add("background_in", m, *poisson_dead_time(*circuit.background_in[:2], m, total, rng))
    pulses = np.arange(paradigm.us_pulses) / paradigm.us_rate
    delay = rng.uniform(*paradigm.us_delay, n + m)  # per cell, the same in every condition
    for c, condition in enumerate(conditions):
        onsets = us_onsets(paradigm, condition)
        train = (onsets[:, None] + pulses[None, :]).ravel()
        add(f"us_{c}", n + m, np.repeat(np.arange(n + m), train.size),
            (delay[:, None] + train[None, :]).ravel())
        add(f"neuromodulator_{c}", 1, np.zeros(onsets.size), onsets + paradigm.us_delay[0])
    index, times = np.concatenate(index), np.concatenate(times)
    keep = (times >= 0) & (times < total)
    steps = np.round(times[keep] / dt).astype(np.int64)
    index = index[keep]
    unique = np.unique(np.stack([index, steps]), axis=1)  # one spike per source and step
    order = np.argsort(unique[1], kind="stable")
    afferents = SpikeGeneratorGroup(offset, unique[0][order], unique[1][order] * dt * second,
                                    name="afferents")

    # cells: one group per cell class, copy k holding cells k*n .. (k+1)*n - 1
    comps = list(la_principal().tree.compartments.values())
    for rule_set in rule_sets.values():
        comps = rule_set.equip(comps)  # each rule set's per-compartment mechanisms
    principal = NeuronModel(comps, name="la_principal").group(
        n * n_copies, dt=dt * second, name="principal")
    firing_type = np.tile(wires["type"], n_copies)
    for t, parameters in enumerate(LA_FIRING_TYPES.values()):
        cells = [int(k) for k in np.flatnonzero(firing_type == t)]
        if not cells:  # a small circuit may lack a type
            continue
        for par, value in parameters.items():
            getattr(principal, f"{par}_soma")[cells] = value
    interneurons = la_interneuron().group(m * n_copies, dt=dt * second, name="interneurons")
    net = Network(afferents, principal, interneurons)

    def each_copy(pre, post, size_pre, size_post, pre_offset=0, which=None):
        """(i, j) of a connection replicated into the copies ``which`` (default all)."""
        which = range(n_copies) if which is None else which
        i = np.concatenate([pre + pre_offset + (k * size_pre if size_pre else 0)
                            for k in which])
        j = np.concatenate([post + k * size_post for k in which])
        return i, j

    def receptors(pair, onto="PN"):
        return {"AMPA": pair[0] * charge_scale(f"AMPA_{onto}") * nS, "NMDA": pair[1] * nS}

    # fixed synapses: background, shocks, tone -> IN, PN -> IN, IN -> PN
    static = [
        ("background_pn", principal, "proximal", np.arange(n), np.arange(n), 0,
         receptors(circuit.background_pn[2:])),
        ("background_in", interneurons, "dend", np.arange(m), np.arange(m), 0,
         receptors(circuit.background_in[2:], "IN")),
        ("tone_in", interneurons, "dend", wires["tone_in_post"] % n, wires["tone_in_post"], 0,
         receptors(circuit.tone_to_in, "IN")),
    ]
    for source_name, target, where, pre, post, size_pre, weights in static:
        i, j = each_copy(pre, post, size_pre, target.N // n_copies,
                         sources["tone" if source_name == "tone_in" else source_name])
        syn, _ = connect(afferents, target, where, weights, i=i, j=j, name=source_name)
        net.add(syn)
    for c in range(len(conditions)):
        mine = [k for k, (_, cc) in enumerate(copies) if cc == c]
        for target, cells, where, pair, size in (
                (principal, wires["us_pn"], "proximal", circuit.us_pn, n),
                (interneurons, wires["us_in"], "dend", circuit.us_in, m)):
            pre = cells + (0 if target is principal else n)
            i, j = each_copy(pre, cells, 0, size, sources[f"us_{c}"], mine)
            syn, _ = connect(afferents, target, where,
                             receptors(pair, "PN" if target is principal else "IN"), i=i, j=j,
                             name=f"us_{c}_{target.name}")
            net.add(syn)
    i, j = each_copy(wires["pn_in_pre"], wires["pn_in_post"], n, m)
    syn, _ = connect(principal, interneurons, "dend", receptors(circuit.pn_in, "IN"), i=i, j=j,
                     name="pn_in")
    syn.delay = np.tile(wires["pn_in_delay"], n_copies) * second
    net.add(syn)
    i, j = each_copy(wires["in_pn_pre"], wires["in_pn_post"], m, n)
    syn, _ = connect(interneurons, principal, "soma",
                     {"GABA_A": circuit.in_pn * charge_scale("GABA_A") * nS}, i=i, j=j,
                     name="in_pn")
    syn.delay = np.tile(wires["in_pn_delay"], n_copies) * second
    net.add(syn)

    # plastic synapses: tone -> PN (thalamic proximal, cortical distal) and PN -> PN (distal)
    k_syn = circuit.synapses_per_input
    plastic = []  # (rule set, class, Synapses, copy of each synapse)
    for r, rule_set in enumerate(rule_sets.values()):
        mine = [k for k, (rr, _) in enumerate(copies) if rr == r]
        for cls, source, where, pre, post, size_pre, weights, delay in (
            ("thalamic", afferents, "proximal", wires["thalamic_pre"], wires["thalamic_post"],
             0, {k: v / k_syn for k, v in receptors(circuit.thalamic).items()}, None),
            ("cortical", afferents, "distal", wires["cortical_pre"] + n,
             wires["cortical_post"], 0,
             {k: v / k_syn for k, v in receptors(circuit.cortical).items()}, None),
            ("intra", principal, "distal", wires["pn_pn_pre"], wires["pn_pn_post"], n,
             receptors(circuit.pn_pn), wires["pn_pn_delay"]),
        ):
            if not pre.size:
                continue
            i, j = each_copy(pre, post, size_pre, n, 0, mine)
            rule = rule_set.for_compartment(where, "dendrite")
            syn, _ = connect(source, principal, where, weights, i=i, j=j, rule=rule,
                             seed=setup.seed, name=f"{cls}_{r}")
            if delay is not None:
                syn.delay = np.tile(delay, len(mine)) * second
            copy = np.repeat(mine, pre.size)
            net.add(syn)
            if rule is not None and "d_reward" in syn.variables:
                # the US of each condition releases neuromodulator onto its own copies
                cond = np.array([copies[k][1] for k in copy])
                net.add(dopamine_release(
                    afferents, syn, i=np.array([sources[f"neuromodulator_{c}"] for c in cond]),
                    j=np.arange(copy.size), name=f"neuromodulator_{cls}_{r}"))
            plastic.append((r, "tone" if cls != "intra" else "intra", syn, copy))
    spikes = SpikeMonitor(principal, name="pn_spikes")
    net.add(spikes)
    weight_monitors = []
    for r, cls, syn, copy in plastic:
        mon = StateMonitor(syn, "w", record=True, dt=paradigm.tone_period * second,
                           name=f"w_{syn.name}")
        net.add(mon)
        weight_monitors.append((r, cls, copy, mon))

    # plasticity induction blocked where and when a condition says: a schedule (tone period x
    # condition) per synapse class, read by each plastic synapse at every tone period
    step = paradigm.tone_period
    boundaries = np.cumsum([0, *durations.values()])
    period_start = np.arange(int(round(total / step))) * step
    schedules = {}
    for cls in ("tone", "intra"):
        gate = np.ones((period_start.size, len(conditions)))
        for c, condition in enumerate(conditions):
            when, classes = BLOCKED.get(condition, (None, ()))
            if cls in classes:
                k = PHASES.index(when)
                during = ((period_start >= boundaries[k] - 1e-9)
                          & (period_start < boundaries[k + 1] - 1e-9))
                gate[during, c] = 0
        schedules[f"induction_{cls}"] = TimedArray(gate, dt=step * second)
        for _, syn_cls, syn, _ in plastic:
            if syn_cls == cls and "induction" in syn.variables:
                net.add(syn.run_regularly(
                    f"induction = induction_{cls}(t, (j // {n}) % {len(conditions)})",
                    dt=step * second, when="start", name=f"{syn.name}_induction"))
    run_network(net, total * second, namespace=schedules)
    return lambda: _collect(setup, rule_sets, conditions, copies, weight_monitors, spikes,
                            wires)


def _collect(setup, rule_sets, conditions, copies, weight_monitors, spikes, wires) -> dict:
    paradigm, n = setup.paradigm, setup.circuit.n_principal
    total = sum(paradigm.phase_durations().values())
    n_records = int(round(total / paradigm.tone_period))
    mean_w = {cls: np.full((len(rule_sets), len(conditions), n_records), np.nan)
              for cls in ("tone", "intra")}
    for r in range(len(rule_sets)):
        for c in range(len(conditions)):
            for cls, out in mean_w.items():
                values = [np.asarray(mon.w)[np.array([copies[k][1] == c for k in copy])]
                          for rr, kind, copy, mon in weight_monitors if rr == r and kind == cls]
                if values:
                    out[r, c] = np.concatenate(values)[:, :n_records].mean(axis=0)
    cell = np.asarray(spikes.i)
    return {
        "rule_sets": list(rule_sets),
        "conditions": list(conditions),
        "tone_onsets": tone_onsets(paradigm),
        "firing_type": wires["type"],
        "spike_rule_set": np.array([copies[k][0] for k in cell // n], dtype=int),
        "spike_condition": np.array([copies[k][1] for k in cell // n], dtype=int),
        "spike_cell": cell % n,
        "spike_time": np.asarray(spikes.t / second),
        # mean efficacy of tone->PN and of PN->PN synapses per rule set, condition and tone
        # period (from t = 0)
        "tone_w": mean_w["tone"],
        "intra_w": mean_w["intra"],
    }


# ---------------------------------------------------------------------------- measurements
def pn_spikes(data: dict, rule_set: int, condition: int) -> tuple[np.ndarray, np.ndarray]:
    """(cell, time in s) of the PN spikes of one copy."""
    mine = (data["spike_rule_set"] == rule_set) & (data["spike_condition"] == condition)
    return data["spike_cell"][mine], data["spike_time"][mine]


def tone_counts(cell: np.ndarray, t: np.ndarray, onsets: np.ndarray, n: int,
                window: tuple[float, float]) -> np.ndarray:
    """Spikes of each cell in ``window`` (s after onset) of each tone: tone x cell."""
    out = np.zeros((onsets.size, n))
    for k, onset in enumerate(onsets):
        inside = (t >= onset + window[0]) & (t < onset + window[1])
        out[k] = np.bincount(cell[inside], minlength=n)
    return out


def cs_response(cell, t, onsets, n) -> dict[str, np.ndarray]:
    """Per tone and cell: spike counts in the short and late windows and in the baseline
    before onset, and the evoked rates (Hz, window rate minus baseline rate)."""
    base = tone_counts(cell, t, onsets, n, (-BASELINE, 0.0))
    out = {"baseline": base}
    for name, window in (("short", SHORT), ("late", LATE)):
        counts = tone_counts(cell, t, onsets, n, window)
        out[f"{name}_count"] = counts
        out[name] = counts / (window[1] - window[0]) - base / BASELINE
    return out


def responsive(response: dict[str, np.ndarray], alpha: float = 0.01) -> np.ndarray:
    """Cells whose short-window spikes over the tones exceed the count their baseline rate
    predicts, Poisson p < ``alpha`` (at least one spike; baseline floored at 0.1 Hz)."""
    counts = response["short_count"].sum(axis=0)
    rate = np.maximum(response["baseline"].sum(axis=0) / (BASELINE * len(response["baseline"])),
                      0.1)
    expected = rate * (SHORT[1] - SHORT[0]) * len(response["baseline"])
    return (counts > 0) & (poisson.sf(counts - 1, expected) < alpha)


def freezing_proxy(cell, t, onsets: dict[str, np.ndarray], n: int, tone: float) -> dict:
    """Fraction of ``BIN`` bins during the tones of each phase in which the population PN
    rate exceeds the mean + 3 SD of the habituation tones' bins (see module docstring)."""
    def rates(starts, span):
        edges = (starts[:, None] + np.arange(0, span + 1e-9, BIN)[None, :])
        counts = [np.histogram(t, bins=e)[0] for e in edges]
        return np.asarray(counts) / (BIN * n)
    naive = rates(onsets["habituation"], tone)
    threshold = naive.mean() + 3 * naive.std()
    return {phase: float((rates(o, tone) > threshold).mean()) for phase, o in onsets.items()}


def measure(data: dict, setup: Setup) -> dict[str, dict]:
    """Per rule set and condition: mean short and late CS responses (Hz) per phase, the
    short response per extinction tone, the fraction of CS-responsive cells per phase and
    of cells that became responsive (test vs habituation), the freezing proxy per phase,
    and the mean tone->PN and PN->PN efficacies per tone period."""
    n = setup.circuit.n_principal
    onsets = data["tone_onsets"]
    out = {}
    for r, name in enumerate(data["rule_sets"]):
        out[name] = {}
        for c, condition in enumerate(data["conditions"]):
            cell, t = pn_spikes(data, r, c)
            per_phase = {p: cs_response(cell, t, o, n) for p, o in onsets.items()}
            resp = {p: responsive(v) for p, v in per_phase.items()}
            out[name][condition] = {
                "short": {p: float(v["short"].mean()) for p, v in per_phase.items()},
                "short_count": {p: [int(v["short_count"].sum()), len(v["short_count"])]
                                for p, v in per_phase.items()},
                "late": {p: float(v["late"].mean()) for p, v in per_phase.items()},
                "extinction_curve": per_phase["extinction"]["short"].mean(axis=1).tolist(),
                "responsive": {p: float(v.mean()) for p, v in resp.items()},
                "became_responsive": float((resp["test"] & ~resp["habituation"]).mean()),
                "freezing": freezing_proxy(cell, t, onsets, n, setup.paradigm.tone_duration),
                "tone_w": data["tone_w"][r, c].tolist(),
                "intra_w": data["intra_w"][r, c].tolist(),
                "rate": float(t.size / n / max(data["spike_time"].max(initial=1e-9), 1e-9)),
            }
    return out


# ---------------------------------------------------------------------------- findings
RISE = 1.5  #: test / habituation short-latency response counted as a clear rise
NO_RISE = 1.1  #: at most a 10% rise counts as "no increase" ...
ALPHA = 0.05  #: ... and so does a rise that is not significant (:func:`_rise_p`)
KEPT = 0.75  #: a rise kept when at least this fraction of the paired one (at most 1/KEPT x
#: for "changes little")


def _ratio(entry: dict, phase: str = "test") -> float:
    base = entry["short"]["habituation"]
    return entry["short"][phase] / base if base > 0 else float("inf")


def _rise(entry: dict) -> float:
    return entry["short"]["test"] - entry["short"]["habituation"]


def _rise_p(entry: dict) -> float:
    """One-sided p that the PNs' short-window spike count per tone rose from habituation to
    test: given the pooled count of both phases, the test's share is binomial with the test's
    share of the tones under no change (the conditional test of two Poisson rates)."""
    (test, n_test), (hab, n_hab) = entry["short_count"]["test"], entry["short_count"]["habituation"]
    if test + hab == 0:
        return 1.0
    return float(binomtest(test, test + hab, n_test / (n_test + n_hab),
                           alternative="greater").pvalue)


def findings(measured: dict) -> list[dict]:
    """The claims of the sources, for one rule set (``measured[condition]``); a claim is
    only judged when every condition it compares was run."""
    out = []
    paired = measured.get("paired")
    if paired is not None:
        ratio, p = _ratio(paired), _rise_p(paired)
        out.append(finding(
            "paired: short-latency CS response rises from habituation to test",
            {"ratio": round(ratio, 3), "p": round(p, 4)},
            f"test / habituation >= {RISE} and significant (one-sided p < {ALPHA}, "
            "Poisson counts; Quirk et al. 1995)", ratio >= RISE and p < ALPHA))
        late = (paired["late"]["test"] / paired["late"]["habituation"]
                if paired["late"]["habituation"] > 0 else float("inf"))
        out.append(finding(
            "paired: the rise is largest in the short-latency (< 40 ms) window",
            {"short": round(ratio, 3), "late": round(late, 3)},
            "relative rise short > late (Quirk et al. 1995)", ratio > late))
        out.append(finding(
            "paired: unresponsive cells become CS-responsive",
            round(paired["became_responsive"], 3),
            ">= 0.1 of PNs responsive at test, not at habituation (Quirk et al. 1995)",
            paired["became_responsive"] >= 0.1))
        first, last = np.array_split(np.asarray(paired["extinction_curve"]), 4)[::3]
        drop = last.mean() / first.mean() if first.mean() > 0 else float("nan")
        out.append(finding(
            "extinction lowers the CS response",
            round(float(drop), 3), "last / first quarter of extinction tones <= 0.8",
            drop <= 0.8))
    for condition, name, claim in (
        ("apv_conditioning", "APV during conditioning: no acquisition", "no_rise"),
        ("unpaired", "unpaired CS and US: no increase", "no_rise"),
        ("cs_only", "CS only: no increase", "no_rise"),
        ("tone_plasticity_blocked", "tone-synapse plasticity blocked: no retention", "no_rise"),
        ("apv_test", "APV at test: the learned response is expressed", "kept"),
        ("intra_plasticity_blocked", "intra-LA plasticity blocked: retention changes little",
         "little"),
    ):
        entry = measured.get(condition)
        if entry is None or (claim != "no_rise" and paired is None):
            continue
        if claim == "no_rise":
            ratio, p = _ratio(entry), _rise_p(entry)
            out.append(finding(
                name, {"ratio": round(ratio, 3), "p": round(p, 4)},
                f"test / habituation <= {NO_RISE}, or no significant rise "
                f"(one-sided Poisson p >= {ALPHA})", ratio <= NO_RISE or p >= ALPHA))
        elif claim == "kept":
            kept = _rise(entry) / _rise(paired) if _rise(paired) > 0 else float("nan")
            out.append(finding(name, round(kept, 3), f"rise >= {KEPT} of the paired rise "
                               "(Miserendino et al. 1990; Campeau et al. 1992)", kept >= KEPT))
        else:
            kept = _rise(entry) / _rise(paired) if _rise(paired) > 0 else float("nan")
            out.append(finding(name, round(kept, 3),
                               f"rise {KEPT}-{1 / KEPT:.2f} x the paired rise (Kim et al. 2013)",
                               KEPT <= kept <= 1 / KEPT))
    return out


# ---------------------------------------------------------------------------- result
def evaluate(data: dict, setup: Setup) -> tuple[list[dict], dict]:
    """Findings of every rule set (tagged ``rule_set``) and the measurements."""
    measured = measure(data, setup)
    return [{"rule_set": name, **f} for name in measured for f in findings(measured[name])], \
        measured


def arrays(data: dict) -> dict[str, np.ndarray]:
    """Spikes, firing types, mean efficacies per tone period, tone onsets."""
    return {
        "rule_sets": np.array(data["rule_sets"]), "conditions": np.array(data["conditions"]),
        "firing_type": data["firing_type"], "tone_w": data["tone_w"],
        "intra_w": data["intra_w"],
        **{f"tone_onsets_{k}": v for k, v in data["tone_onsets"].items()},
        **{k: data[k] for k in ("spike_rule_set", "spike_condition", "spike_cell",
                                "spike_time")},
    }


# ---------------------------------------------------------------------------- figure
def figure(result: dict, path: str | Path) -> Path:
    """One panel per condition (short-latency CS response per phase, one line per rule
    set) and a grid of which rule set reproduces which finding. Reads only the result (as
    written to ``result.json``)."""
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    measured = result["measured"]
    names = list(measured)
    conditions = list(measured[names[0]])
    phases = [p for p in PHASES if p in measured[names[0]][conditions[0]]["short"]]
    columns = 4
    rows = -(-(len(conditions) + 1) // columns)
    fig, axes = plt.subplots(rows, columns, figsize=(4 * columns, 3.4 * rows), squeeze=False)
    axes = axes.ravel()
    for ax, condition in zip(axes, conditions, strict=False):
        for k, name in enumerate(names):
            short = measured[name][condition]["short"]
            ax.plot(range(len(phases)), [short[p] for p in phases], "o-", color=f"C{k}",
                    label=name)
        ax.set_xticks(range(len(phases)), [p[:5] for p in phases], fontsize=8)
        ax.set_title(condition, fontsize=10)
        ax.set_ylabel("CS response 0-40 ms (Hz)", fontsize=8)
        ax.axhline(0, color="k", lw=0.5)
    axes[0].legend(fontsize=7)
    findings_grid(axes[len(conditions)], reproduced_counts([result], names))
    for ax in axes[len(conditions) + 1:]:
        ax.axis("off")
    fig.suptitle(f"Auditory fear conditioning in LA (Kim, Paré & Nair 2013 circuit), "
                 f"seed {result.get('seed', '')}")
    fig.tight_layout()
    path = Path(path)
    fig.savefig(path, dpi=110)
    plt.close(fig)
    return path


if __name__ == "__main__":
    from protocols.cli import protocol_main

    protocol_main("fear_conditioning")
