"""Consolidation against forgetting: two associations learned in turn by the same neurons.

Two associations are learned one after the other by the same spiking neurons, with and
without tag-and-capture consolidation, and with and without apical context gating.

Sources: Clopath, Ziegler, Vasilaki, Büsing & Gerstner 2008, PLoS Comput Biol 4:e1000248
(the TagTriC rule, :mod:`dendritic_models.rules.tag_capture`, at the authors' ModelDB 118199
values, and its cell: the AdEx soma of Brette & Gerstner 2005 with C 281 pF, gL 30 nS);
the strong tetanus of its replay of Frey & Morris 1997 (Nature 385:533; 3 trains of 100
pulses at 100 Hz, 10 min apart) is each association's training; protein synthesis blocked
(anisomycin in Frey & Morris 1997) is the "no consolidation" arm. The context gate is a
disinhibition of the apical tuft: tonic dendrite-targeting (SST) inhibition that a context
input removes while it depolarises the tuft, the motif by which context and instructive
signals gate cortical learning (Letzkus et al. 2011, Nature 480:331: disinhibition is
required for auditory fear learning; Pi et al. 2013, Nature 503:521: VIP cells inhibit SST
cells). For scale only (rate networks trained by backpropagation, not our claim): Iyer et
al. 2022, Front Neurorobot 16:846219, permuted MNIST after 10 tasks, active-dendrites network
94.6% vs a 3-layer MLP 82.0% accuracy (``REFERENCE``).

The question (issue 8): does a memory consolidated by tag-and-capture survive the learning
of a second association by the same neurons, and does apical context gating protect it?

Methods
-------
Cell: the TagTriC AdEx soma (as :mod:`protocols.plasticity.tag_capture`) plus one passive
apical tuft (300 um x 1.5 um, Cm 1 uF/cm^2, gL 40 uS/cm^2, Ra 150 Ohm cm) carrying the
gate: a tonic shunt ``g_SST`` (40 nS, reversal -80 mV, the GABA-A reversal of
:mod:`dendritic_models.mechanisms.receptors`) and the context current ``I_context``. Without
context the shunt holds the tuft near -80 mV, and its low-passed voltages (which the rule
reads) below theta_minus (E_L = -70.6 mV) even during a 100-Hz train of somatic APs (the
back-propagating APs reach -62 mV for a fraction of a ms), so its synapses cannot be
tagged; context sets g_SST to 0 and injects ``context_current`` (100 pA), depolarising the
tuft by ~15 mV and the soma by ~3 mV (no APs). Each cell has two pathways, A and B, of
``n_syn`` TagTriC synapses on the tuft (the rule reads the tuft's voltage filters; the tag
count sums on the soma), 30% of each initially in the upper late-phase well, as in the
source; the synapses carry no conductance (as in the source's replay, the APs are evoked by
the unconditioned stimulus, so they do not depend on the weights, and the readout is the
efficacy).
Training: association 1 (from ``t_assoc1``): 3 trials 10 min apart, each a context window
of ``window`` s: context on from its start; the unconditioned stimulus (US: a 10-nA, 2-ms
somatic pulse, one AP each) at 100 Hz for 1 s from ``us_onset``, each pulse with a
volley of pathway A (CS+). Association 2 (from ``t_assoc2``): the same with pathway B as
CS+, and pathway A presented unreinforced (CS-) after each US train: ``cs_minus`` volleys
at 20 Hz from ``cs_minus_onset``, while context is still on (the old cue recurs without the
US, as in discrimination or extinction training; in TagTriC a silent synapse cannot be
tagged, so without this there is nothing to interfere). The US reaches every cell.
Arms (``CONDITIONS``, 2 x 2): ``consolidation`` (the rule at its source values) or not
(protein synthesis blocked: theta_p out of reach), ``gated`` (two groups of ``copies``
cells: context 1 reaches group 1 only during association 1, context 2 group 2 only during
association 2) or not (every cell receives the context in both associations).
Time: as :mod:`protocols.plasticity.tag_capture`: each context window at ``dt`` (0.1 ms;
``QUICK`` 0.2 ms) from rest, the rule's slow variables alone on a 10-s clock between
windows, up to ``test_after`` after association 2's first trial.
Measurements: mean efficacy of pathway A in group 1 and of B in group 2 (% of the
baseline 1 + g_z * 0.3), every minute; ``learned`` = 10 min after an association's last
trial, ``test`` = ``test_after`` after association 2's first trial; retention of
association 1 = (w_A(test) - 100) / (w_A(learned) - 100); over ``n_seeds`` seeds (mean,
s.d. ddof 1).
"""

from __future__ import annotations

import os
import sys
import time
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass
from multiprocessing import get_context
from pathlib import Path

import numpy as np
from brian2 import (
    Network,
    SpikeGeneratorGroup,
    StateMonitor,
    amp,
    cm,
    defaultclock,
    mV,
    nS,
    ohm,
    pA,
    second,
    siemens,
    uF,
    um,
    uS,
)
from brian2 import seed as brian_seed

from dendritic_models import Compartment, NeuronModel
from dendritic_models.devices import on_device
from dendritic_models.mechanisms import GABA_A, Mechanism
from dendritic_models.results import finding
from dendritic_models.rules.tag_capture import tag_capture
from dendritic_models.stimuli import current_pulses
from dendritic_models.wiring import connect
from protocols import api
from protocols.cli import module_main
from protocols.plasticity.tag_capture import (
    PULSE,
    RECORD_EVERY,
    UP_FRACTION,
    pathway_summary,
    run_fast,
    run_slow,
)
from protocols.plasticity.tag_capture import REFERENCE as TAGTRIC
from protocols.plasticity.tag_capture import soma as tagtric_soma

SOURCE = ("Clopath, Ziegler, Vasilaki, Büsing & Gerstner 2008, PLoS Comput Biol 4:e1000248; "
          "Frey & Morris 1997, Nature 385:533; context gate: Letzkus et al. 2011, Nature "
          "480:331")
CONDITIONS = (  # (name, consolidation, gated)
    ("consolidation, gated", True, True),
    ("consolidation, ungated", True, False),
    ("no consolidation, gated", False, True),
    ("no consolidation, ungated", False, False),
)
US_PULSES, US_RATE = 100, 100.0  # one train of the source's strong tetanus
TRIAL_GAP = 600.0  # s
CS_MINUS_RATE = 20.0  # Hz
#: Iyer, Grewal, Velu, Souza, Forest & Ahmad 2022 (Front Neurorobot 16:846219), permuted
#: MNIST, accuracy after 10 tasks: backprop-trained rate networks, context for scale only
REFERENCE = {"active dendrites network, 10 tasks (%)": 94.6, "3-layer MLP, 10 tasks (%)": 82.0}


@dataclass(frozen=True)
class Setup:
    """The protocol's numbers in SI: times in s, currents in A, conductances in S."""

    n_seeds: int = 5
    seed: int = 1
    copies: int = 4  # cells per group per arm
    trials: int = 3  # per association (the source's strong tetanus: 3 trains)
    n_syn: int = 100  # synapses per pathway (source)
    t_assoc1: float = 1800.0
    t_assoc2: float = 9000.0
    window: float = 2.0  # whole seconds (the slow clock's first steps are 1 s)
    us_onset: float = 0.1
    cs_minus: int = 16
    cs_minus_onset: float = 1.2
    g_sst: float = 40e-9
    context_current: float = 100e-12
    test_after: float = 12600.0  # 3.5 h, the source's late time point
    dt: float = 1e-4


FULL = Setup()
QUICK = Setup(n_seeds=1, copies=1, dt=2e-4)


def check(setup: Setup) -> None:
    """Every problem of ``setup`` in one ValueError, before anything runs."""
    problems = []
    for name in ("n_seeds", "copies", "trials", "n_syn", "cs_minus"):
        if int(getattr(setup, name)) != getattr(setup, name) or getattr(setup, name) < 1:
            problems.append(f"{name} must be a positive integer")
    for name in ("t_assoc1", "window", "us_onset", "g_sst", "context_current", "dt"):
        if not getattr(setup, name) > 0:
            problems.append(f"{name} must be positive")
    train = setup.us_onset + US_PULSES / US_RATE
    if not train < setup.cs_minus_onset:
        problems.append("cs_minus_onset must follow the US train "
                        f"(us_onset + {US_PULSES / US_RATE:g} s)")
    if not setup.cs_minus_onset + setup.cs_minus / CS_MINUS_RATE <= setup.window:
        problems.append("the CS- volleys must end within the context window")
    if not setup.t_assoc2 >= setup.t_assoc1 + setup.trials * TRIAL_GAP:
        problems.append(f"t_assoc2 must follow association 1 ({setup.trials} trials "
                        f"{TRIAL_GAP:g} s apart)")
    if not setup.test_after >= setup.trials * TRIAL_GAP:
        problems.append("test_after must follow association 2's last trial")
    if setup.window != round(setup.window):
        problems.append("window must be a whole number of seconds")
    if problems:
        raise ValueError("; ".join(problems))


def context_gate(g_sst=40 * nS) -> Mechanism:
    """Tonic dendrite-targeting inhibition ``g_SST`` (reversal: GABA-A's) and a context
    current ``I_context`` (0 until context); context = g_SST 0 and I_context on."""
    return Mechanism(
        name="context_gate",
        source="disinhibitory gate: Letzkus et al. 2011 (Nature 480:331), Pi et al. 2013",
        current="g_SST*(E_SST - v) + I_context",
        parameters={"g_SST": g_sst, "E_SST": GABA_A.constants["E_GABA_A"],
                    "I_context": 0 * pA},
    )


def cell(rule, n: int, g_sst) -> object:
    """TagTriC's AdEx soma (C 281 pF, gL 30 nS, EL -70.6 mV) and a gated apical tuft."""
    tuft = Compartment("tuft", "apical_tuft", parent="soma", length=300 * um,
                       diameter=1.5 * um, Cm=1 * uF / cm**2, gL=40 * uS / cm**2,
                       EL=-70.6 * mV, Ra=150 * ohm * cm,
                       mechanisms=[rule.mechanism, context_gate(g_sst)])
    return NeuronModel([tagtric_soma(rule), tuft], name="consolidation_cell").group(n)


def trial_starts(setup: Setup, association: int) -> np.ndarray:
    """Start (s) of each trial's context window of association 1 or 2."""
    first = setup.t_assoc1 if association == 1 else setup.t_assoc2
    return first + TRIAL_GAP * np.arange(setup.trials)


def _events(setup: Setup, n_cells: int) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Fibre indices (2 cell + pathway, A = 0, B = 1) and times (s) of every CS volley, and
    the US times (the same for every cell)."""
    us = setup.us_onset + np.arange(US_PULSES) / US_RATE
    cs_minus = setup.cs_minus_onset + np.arange(setup.cs_minus) / CS_MINUS_RATE
    us_times = np.concatenate([t0 + us for a in (1, 2) for t0 in trial_starts(setup, a)])
    plan = [(0, t0 + us) for t0 in trial_starts(setup, 1)]  # association 1: A+
    plan += [(1, t0 + us) for t0 in trial_starts(setup, 2)]  # association 2: B+ ...
    plan += [(0, t0 + cs_minus) for t0 in trial_starts(setup, 2)]  # ... and A-
    fibres = np.concatenate([np.repeat(2 * np.arange(n_cells) + p, len(ts)) for p, ts in plan])
    times = np.concatenate([np.tile(ts, n_cells) for _, ts in plan])
    return fibres, times, us_times


def simulate_arms(setup: Setup, seed: int, consolidation: bool) -> dict[str, np.ndarray]:
    """The two gating arms (gated, ungated) of one consolidation setting, one network:
    cell index = (arm * 2 + group) * copies + copy."""
    brian_seed(seed)
    rng = np.random.default_rng(seed)
    defaultclock.dt = setup.dt * second
    rule = tag_capture() if consolidation else tag_capture(theta_p=np.inf)
    n_cells = 2 * 2 * setup.copies
    group = cell(rule, n_cells, setup.g_sst * siemens)
    arm, grp = np.divmod(np.arange(n_cells) // setup.copies, 2)
    fibre, times, us_times = _events(setup, n_cells)
    volleys = SpikeGeneratorGroup(2 * n_cells, fibre, times * second)
    us_cells = np.repeat(np.arange(n_cells), len(us_times))
    gen, pulse = current_pulses(group, "soma", us_cells, np.tile(us_times, n_cells) * second,
                                *PULSE, name="US")
    fibres = np.repeat(np.arange(2 * n_cells), setup.n_syn)
    syn, _ = connect(volleys, group, "tuft", {"AMPA": 0 * nS}, i=fibres, j=fibres // 2,
                     rule=rule, name="tagged")
    syn.z = np.concatenate([rng.permutation(np.arange(setup.n_syn) < UP_FRACTION * setup.n_syn)
                            for _ in range(2 * n_cells)]).astype(float)
    record = StateMonitor(syn, ["w", "h", "l", "z", "p"], record=True, dt=RECORD_EVERY)
    net = Network(group, volleys, gen, pulse, syn, record)
    fast = [group, volleys, gen, pulse, syn.pre, syn.post]
    for association in (1, 2):
        # context k reaches every cell (ungated arm, 1) or group k only (gated arm, 0)
        context = (arm == 1) | (grp == association - 1)
        for start in trial_starts(setup, association):
            run_slow(net, fast, start * second)
            group.g_SST_tuft = np.where(context, 0, setup.g_sst) * siemens
            group.I_context_tuft = np.where(context, setup.context_current, 0) * amp
            run_fast(net, fast, setup.window * second, setup.dt * second)  # from rest
    run_slow(net, fast, (setup.t_assoc2 + setup.test_after) * second)

    return pathway_summary(record, rule, (2, 2, setup.copies, 2), setup.n_syn)


def _one(setup: Setup, seed: int, consolidation: bool) -> tuple[dict, float]:
    start = time.perf_counter()
    data = on_device(lambda: lambda: simulate_arms(setup, seed, consolidation),
                     device_name="runtime", codegen="numpy", dt=setup.dt, progress=False)
    return data, time.perf_counter() - start


def simulate(setup: Setup, progress: bool = True, workers: int | None = None
             ) -> dict[str, np.ndarray]:
    """Every arm for seeds ``seed`` .. ``seed + n_seeds - 1`` on Brian2's numpy runtime
    target (no compilation), two networks per seed (one per consolidation setting), run by
    ``workers`` processes (default: one per core, at most 2). Arrays: ``w_percent`` etc.
    indexed [arm (``CONDITIONS``), seed, group, copy, pathway, time]."""
    check(setup)
    jobs = [(setup.seed + k, c) for k in range(setup.n_seeds) for c in (True, False)]
    workers = workers or min(2, os.cpu_count() or 1, len(jobs))
    with ProcessPoolExecutor(workers, mp_context=get_context("fork")) as pool:
        futures = {job: pool.submit(_one, setup, *job) for job in jobs}
        runs = {}
        for (seed, consolidation), future in futures.items():
            runs[seed, consolidation], wall = future.result()
            if progress:
                print(f"  seed {seed}, consolidation {consolidation}: {wall:.0f} s",
                      flush=True)
    seeds = [setup.seed + k for k in range(setup.n_seeds)]
    out = {"t_s": runs[setup.seed, True]["t_s"]}
    for name in ("w_percent", "H_tags", "L_tags", "z_up", "p"):
        out[name] = np.stack([np.stack([runs[s, c][name][arm] for s in seeds])
                              for c in (True, False) for arm in (0, 1)])
    return out


def _at(data: dict, when: float) -> int:
    return int(np.argmin(abs(data["t_s"] - when)))


def measures(data: dict, setup: Setup) -> dict[str, np.ndarray]:
    """Per arm and seed (mean over copies): association 1 (w_A, group 1) when learned and
    at test, its retention, association 2 (w_B, group 2) at test, and the tags set without
    context (gated arms: group 2 during association 1, group 1 during association 2)."""
    w = data["w_percent"].mean(axis=3)  # arm, seed, group, pathway, time
    learned = _at(data, trial_starts(setup, 1)[-1] + 600)
    test = _at(data, setup.t_assoc2 + setup.test_after)
    a_learned, a_test = w[:, :, 0, 0, learned], w[:, :, 0, 0, test]
    during = lambda a: slice(_at(data, trial_starts(setup, a)[0] - 60),  # noqa: E731
                             _at(data, trial_starts(setup, a)[-1] + 60) + 1)
    tags = data["H_tags"] + data["L_tags"]  # arm, seed, group, copy, pathway, time
    gated = [k for k, (_, _, g) in enumerate(CONDITIONS) if g]
    off_context = max(
        np.diff(tags[gated, :, 1, :, :, during(1)], axis=-1).clip(0).sum(axis=-1).max(),
        np.diff(tags[gated, :, 0, :, :, during(2)], axis=-1).clip(0).sum(axis=-1).max())
    return {"A_learned": a_learned, "A_test": a_test,
            "retention": (a_test - 100) / (a_learned - 100),
            "B_test": w[:, :, 1, 1, test], "tags_without_context": float(off_context)}


def _stats(values: np.ndarray) -> dict:
    values = np.asarray(values, dtype=float)
    sd = float(values.std(ddof=1)) if len(values) > 1 else 0.0
    return {"mean": round(float(values.mean()), 2), "sd": round(sd, 2),
            "per_seed": [round(float(v), 2) for v in values]}


def evaluate(data: dict, setup: Setup) -> tuple[list[dict], dict]:
    """Findings (targets from the source where it has one, see each) and the measures."""
    m = measures(data, setup)
    arm = {name: k for k, (name, _, _) in enumerate(CONDITIONS)}
    mean = {key: m[key].mean(axis=1) for key in ("A_learned", "A_test", "retention", "B_test")}
    gated, ungated = arm["consolidation, gated"], arm["consolidation, ungated"]
    late = TAGTRIC["strong_late"]
    found = [
        finding("association 1 learned: w_A 10 min after its last trial, every arm (%)",
                {name: round(float(mean["A_learned"][k]), 1) for name, k in arm.items()},
                ">= 110 in every arm (TagTriC's early LTP after a tetanus: 114.7 +/- 2.9 "
                "for the weak one, ModelDB 118199)",
                bool(np.all(mean["A_learned"] >= 110))),
        finding("no tag is set without context (gated arms, cells outside the context; a "
                "lower bound from the per-minute tag counts)", m["tags_without_context"],
                "0", m["tags_without_context"] == 0),
        finding("consolidated and gated: association 1 survives association 2 (w_A at "
                "test, %)", round(float(mean["A_test"][gated]), 1),
                f">= 110 (late LTP 3.5 h after a strong tetanus: {late[0]} +/- {late[1]}, "
                "accepted >= 110 as in protocols.plasticity.tag_capture)",
                bool(mean["A_test"][gated] >= 110)),
        finding("without context gating, association 2 erases association 1 (retention, "
                "gated minus ungated, consolidation arms)",
                round(float(mean["retention"][gated] - mean["retention"][ungated]), 2),
                ">= 0.5", bool(mean["retention"][gated] - mean["retention"][ungated] >= 0.5)),
        finding("without consolidation association 1 is forgotten, gated or not (retention)",
                {name: round(float(mean["retention"][k]), 2) for name, k in arm.items()
                 if name.startswith("no ")},
                "<= 0.2 in both arms (early LTP decays with the tags, 1-1.5 h)",
                bool(np.all(mean["retention"][2:] <= 0.2))),
        finding("association 2 learned where its context was: w_B at test, consolidation "
                "arms (%)", {name: round(float(mean["B_test"][k]), 1)
                             for name, k in arm.items() if not name.startswith("no ")},
                ">= 110 in both (late LTP, as above)",
                bool(np.all(mean["B_test"][:2] >= 110))),
    ]
    measured = {name: {key: _stats(m[key][k]) for key in
                       ("A_learned", "A_test", "retention", "B_test")}
                for name, k in arm.items()}
    measured["tags_without_context"] = m["tags_without_context"]
    return found, measured


def curves(data: dict) -> dict:
    """Mean and s.d. over seeds (of the mean over copies) of w_A in group 1, w_B in group
    2 and the proteins of each group, per arm, every RECORD_EVERY."""
    w = data["w_percent"].mean(axis=3)  # arm, seed, group, pathway, time
    p = data["p"].mean(axis=3)  # arm, seed, group, time

    def pair(x):
        sd = x.std(axis=1, ddof=1) if x.shape[1] > 1 else np.zeros_like(x[:, 0])
        return {"mean": np.round(x.mean(axis=1), 3).tolist(), "sd": np.round(sd, 3).tolist()}

    return {"t_h": np.round(data["t_s"] / 3600, 4).tolist(), "w_A_group1": pair(w[:, :, 0, 0]),
            "w_B_group2": pair(w[:, :, 1, 1]), "p_group1": pair(p[:, :, 0]),
            "p_group2": pair(p[:, :, 1])}


def figure(result: dict, path) -> None:
    """A: association 1 (w_A, group 1) over time per arm, mean +- s.d. over seeds, the
    trials marked; B: association 2 (w_B, group 2); C: proteins; D: retention per arm."""
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    c, setup = result["curves"], Setup(**result["parameters"])
    t = np.asarray(c["t_h"])
    colours = ("tab:blue", "tab:red", "tab:cyan", "tab:orange")
    fig, axes = plt.subplots(1, 4, figsize=(16, 3.8))
    for ax, key, title in ((axes[0], "w_A_group1", "A: association 1 (w_A, group 1)"),
                           (axes[1], "w_B_group2", "B: association 2 (w_B, group 2)"),
                           (axes[2], "p_group1", "C: proteins, group 1")):
        for k, (name, _, _) in enumerate(CONDITIONS):
            mean, sd = np.asarray(c[key]["mean"][k]), np.asarray(c[key]["sd"][k])
            ax.plot(t, mean, color=colours[k], label=name, lw=1.2)
            ax.fill_between(t, mean - sd, mean + sd, color=colours[k], alpha=0.2, lw=0)
        for a, shade in ((1, "0.85"), (2, "0.7")):
            for start in trial_starts(setup, a):
                ax.axvline(start / 3600, color=shade, lw=0.8, zorder=0)
        ax.axvline((setup.t_assoc2 + setup.test_after) / 3600, color="k", ls=":", lw=0.8)
        ax.set_xlabel("time (h)")
        ax.set_title(title, fontsize=9)
    axes[0].set_ylabel("mean efficacy (% of baseline)")
    axes[2].set_ylabel("proteins p")
    axes[0].legend(fontsize=7, frameon=False)
    ax = axes[3]
    for k, (name, _, _) in enumerate(CONDITIONS):
        r = result["measured"][name]["retention"]
        ax.bar(k, r["mean"], yerr=r["sd"], color=colours[k], alpha=0.6)
        ax.plot(np.full(len(r["per_seed"]), k), r["per_seed"], "k.", ms=4)
    ax.axhline(0, color="k", lw=0.6)
    ax.set_xticks(range(len(CONDITIONS)), [n.replace(", ", "\n") for n, _, _ in CONDITIONS],
                  fontsize=7, rotation=30, ha="right")
    ax.set_ylabel("retention of association 1 at test")
    ax.set_title("D: retention (w_A(test) - 100) / (w_A(learned) - 100)", fontsize=9)
    fig.suptitle("Two associations, one after the other, in the same TagTriC neurons "
                 f"({setup.n_seeds} seeds x {setup.copies} cells per group)", fontsize=10)
    fig.tight_layout()
    fig.savefig(path, dpi=110, format=Path(path).suffix.lstrip(".") or "png")
    plt.close(fig)


def run(setup: Setup, out: str | Path | None = None, command: str | None = None,
        progress: bool = True) -> dict:
    """Simulate, evaluate and (with ``out``) write data.npz, the figure and, last and
    atomically, result.json. Returns the result."""
    check(setup)
    start = time.perf_counter()
    data = simulate(setup, progress)
    found, measured = evaluate(data, setup)
    result = api.module_result(
        sys.modules[__name__], setup, found, measured, start, command,
        conditions=[{"name": n, "consolidation": c, "gated": g} for n, c, g in CONDITIONS],
        curves=curves(data),
        reference={"TagTriC (ModelDB 118199, % of baseline)": TAGTRIC, **REFERENCE})
    if out is not None:
        api.write_run(sys.modules[__name__], result, data, Path(out))
    return result


def main(argv: list[str] | None = None) -> int:
    """``python -m protocols.consolidation [--quick] [--seed N] [--force] --out DIR``."""
    return module_main(sys.modules[__name__], argv)


if __name__ == "__main__":
    raise SystemExit(main())
