"""Distal reward: dopamine credits the one synapse whose pairing precedes a delayed reward.

Source: Izhikevich 2007 (Cereb Cortex 17:2443), Fig. 1, as simulated by the published code
(ModelDB 84167, ``daspnet.m``): in a network of 1000 spiking neurons (100 synapses each)
firing randomly at about 1 Hz, one synapse is chosen; every time its postsynaptic neuron
fires within 20 ms after its presynaptic neuron, a reward (a dopamine release) follows after
a random delay of 1-3 s. Meanwhile all neurons keep firing, so the reward finds many
synapses tagged by chance pairings. After about an hour the chosen synapse, started at 0,
is at the maximum (4) while the others stay low. Rule:
:func:`dendritic_models.rules.three_factor.three_factor_stdp` with the source's parameters.

Methods (a scaled-down replay; each change from the source is listed):
1. Cells: soma-only LIF compartments (source: Izhikevich regular-spiking neurons).
2. Activity: ``n_inputs`` Poisson inputs at 1 Hz, each cell receiving ``synapses_per_cell``
   distinct plastic inputs (source: a recurrent network of 800 excitatory and 200
   inhibitory neurons at about 1 Hz, 100 synapses per neuron; feedforward here, so the
   inputs' rate does not depend on the weights). Plus random "thalamic" input, redrawn
   every 1 ms as in the source: a current uniform in +-50 pA, which makes the cells fire at
   about 1 Hz and keeps a single EPSP's effect on the cell's firing small, as the source's
   strong noise does.
3. Synapses: AMPA, 0.02 nS per unit efficacy (a 0.4 mV EPSP at rest for w = 1; source: s
   in mV, about a 1 mV kick for s = 1): w in [0, 4], starting at 1, the chosen synapse
   (synapse 0) at 0, as in the source. The smaller EPSP keeps a single synapse's causal
   effect on its cell weak, as the source's strong noise does; with 0.04 nS the Hebbian
   part of STDP under tonic dopamine drove some unrewarded synapses to the maximum too.
4. Reward: a Brian2 group of ``SLOTS`` reward timers. The chosen pre- and postsynaptic
   neurons drive it through two Synapses: a spike of the presynaptic neuron stores its time,
   a spike of the postsynaptic neuron within 20 ms of it (``daspnet.m``: ``interval = 20``)
   arms the next timer (round robin) to fire at t + U(1, 3) s. Each timer spike is a reward:
   :func:`~dendritic_models.rules.three_factor.dopamine_release` adds 0.5 to the dopamine
   of every plastic synapse. Up to ``SLOTS`` rewards can be pending at once.
5. Duration 1 h (the source's ``T = 3600`` s); dt = 1 ms, the source's step, with the LIF
   AP waveform lengthened to 2 ms (refractory 4 ms) so that dt resolves it.
``quick`` uses 20 cells x 50 synapses; the full replay 100 cells x 100 synapses from 1000
inputs. Both run on ``cpp_standalone`` (3.6 x 10^6 time steps; the numpy target would need
about 20 minutes), built in a cached directory so that a repeated run only recompiles
what changed.
Measurements: every synapse's final efficacy, the chosen synapse's trajectory, pairings,
rewards and firing rates. Findings: the chosen synapse ends near the maximum, above the
99th percentile of all other synapses and far above their mean.
"""

from __future__ import annotations

import tempfile
from dataclasses import dataclass
from pathlib import Path

import numpy as np
from brian2 import (
    Hz,
    Network,
    NeuronGroup,
    PoissonGroup,
    SpikeMonitor,
    StateMonitor,
    Synapses,
    defaultclock,
    device,
    ms,
    nS,
    pA,
    prefs,
    second,
    seed,
    set_device,
    um,
)

from dendritic_models import Compartment, NeuronModel
from dendritic_models.mechanisms import Mechanism, lif
from dendritic_models.results import finding
from dendritic_models.rules.three_factor import dopamine_release, three_factor_stdp
from dendritic_models.wiring import connect

RULE = "three_factor_stdp"
SOURCE = "Izhikevich 2007, Cereb Cortex 17:2443, Fig. 1 (ModelDB 84167, daspnet.m)"

DT = 1 * ms
RATE_INPUT = 1 * Hz
THALAMIC_RANGE = 100 * pA  # peak to peak, redrawn every ms
G_AMPA = 0.02 * nS  # per unit efficacy
WINDOW = 20 * ms  # post within WINDOW after pre counts as a pairing
DELAY_MIN, DELAY_MAX = 1 * second, 3 * second
SLOTS = 8  # reward timers, i.e. rewards that may be pending at once

#: random thalamic input of ``daspnet.m`` (``I = 13*(rand - 0.5)`` each ms): a current that
#: a ``run_regularly`` operation redraws every ms
THALAMIC = Mechanism(
    name="thalamic",
    source="Izhikevich 2007, ModelDB 84167 (daspnet.m): random thalamic input",
    equations="I_thal : amp",
    current="I_thal",
)


@dataclass(frozen=True)
class Setup:
    """Size and length of one replay."""

    n_cells: int
    synapses_per_cell: int
    n_inputs: int
    duration: float  # s
    seed: int = 1


QUICK = Setup(n_cells=20, synapses_per_cell=50, n_inputs=100, duration=3600.0)
FULL = Setup(n_cells=100, synapses_per_cell=100, n_inputs=1000, duration=3600.0)


def reward_timers(pre_group, pre: int, post_group, post: int, name: str = "reward"):
    """The reward schedule: a group of ``SLOTS`` timers and the two Synapses that arm them.

    A spike of ``pre_group[pre]`` stores its time in every timer; a spike of
    ``post_group[post]`` less than ``WINDOW`` later is a pairing: it arms timer
    ``pairings % SLOTS`` to fire after a delay drawn uniformly in [DELAY_MIN, DELAY_MAX].
    Returns ``(timers, watch_pre, watch_post)``; ``timers.pairings`` counts the pairings.
    """
    timers = NeuronGroup(
        SLOTS,
        "t_presyn : second\nt_due : second\npairings : integer",
        threshold="t_due > 0*second and t >= t_due",
        reset="t_due = 0*second",
        name=name,
    )
    timers.t_presyn = -1 * second
    namespace = {"window": WINDOW, "delay_min": DELAY_MIN,
                 "delay_span": DELAY_MAX - DELAY_MIN, "slots": SLOTS}
    watch_pre = Synapses(pre_group, timers, on_pre="t_presyn_post = t",
                         name=f"{name}_watch_pre")
    watch_pre.connect(i=pre, j=np.arange(SLOTS))
    watch_post = Synapses(
        post_group, timers, namespace=namespace, name=f"{name}_watch_post",
        on_pre=(
            "paired = int(t - t_presyn_post < window)\n"
            "armed = paired*int(pairings_post % slots == j)\n"
            "t_due_post += armed*(t + delay_min + delay_span*rand() - t_due_post)\n"
            "pairings_post += paired"
        ),
    )
    watch_post.connect(i=post, j=np.arange(SLOTS))
    return timers, watch_pre, watch_post


def simulate(setup: Setup) -> dict[str, np.ndarray]:
    """Build and run one replay on the current device; return arrays."""
    seed(setup.seed)
    rng = np.random.default_rng(setup.seed)
    model = NeuronModel(
        [Compartment("soma", "soma", length=20 * um, diameter=20 * um,
                     mechanisms=[lif(t_AP=2 * ms, t_ref=4 * ms), THALAMIC])],
        name="distal_reward_cell",
    )
    cells = model.group(setup.n_cells)
    cells.run_regularly(f"I_thal_soma = {float(THALAMIC_RANGE / pA)!r}*pA*(rand() - 0.5)",
                        dt=1 * ms)
    inputs = PoissonGroup(setup.n_inputs, RATE_INPUT)
    pre = np.concatenate([rng.choice(setup.n_inputs, setup.synapses_per_cell, replace=False)
                          for _ in range(setup.n_cells)])
    post = np.repeat(np.arange(setup.n_cells), setup.synapses_per_cell)
    syn, _ = connect(inputs, cells, "soma", {"AMPA": G_AMPA}, i=pre, j=post,
                     rule=three_factor_stdp(), w=1.0, seed=setup.seed, name="plastic")
    syn.w[0] = 0.0  # the chosen synapse
    timers, watch_pre, watch_post = reward_timers(inputs, int(pre[0]), cells, int(post[0]))
    dopamine = dopamine_release(timers, syn)
    rewards = SpikeMonitor(timers)
    spikes = SpikeMonitor(cells, record=False)
    # w_now (the efficacy at the sampling time; see the rule); the last sample is at the end
    samples = StateMonitor(syn, "w_now", record=True, dt=setup.duration / 60 * second)
    net = Network(cells, inputs, syn, timers, watch_pre, watch_post, dopamine, rewards,
                  spikes, samples)
    net.run(setup.duration * second + DT)
    return {
        "t_s": np.asarray(samples.t / second),
        "w_chosen": np.asarray(samples.w_now[0]),
        "w_others_mean": np.asarray(samples.w_now[1:]).mean(axis=0),
        "w_final": np.asarray(samples.w_now[:, -1]),
        "reward_times_s": np.sort(np.asarray(rewards.t / second)),
        "pairings": np.array(int(timers.pairings[0])),
        "pending": np.array(int(np.sum(np.asarray(timers.t_due / second) > 0))),
        "cell_rate_hz": np.asarray(spikes.count) / setup.duration,
    }


def findings(data: dict[str, np.ndarray], w_max: float = 4.0) -> list[dict]:
    """Izhikevich's claim for Fig. 1, measured on the final weights."""
    w = data["w_final"]
    chosen, others = float(w[0]), w[1:]
    p99 = float(np.percentile(others, 99))
    mean = float(others.mean())
    delivered = len(data["reward_times_s"]) + int(data["pending"])
    return [
        finding("chosen synapse at the end (efficacy)", chosen,
                f">= 0.9 w_max = {0.9 * w_max:g} (source: at the maximum after ~1 h)",
                chosen >= 0.9 * w_max),
        finding("chosen synapse vs the 99th percentile of the others", {"chosen": chosen,
                "p99": p99, "max_other": float(others.max())}, "chosen > p99",
                chosen > p99),
        finding("chosen synapse vs the mean of the others", {"chosen": chosen, "mean": mean},
                "chosen >= 4 x mean (source: the others stay low)", chosen >= 4 * mean),
        finding("rewards: pairings scheduled, delivered or still pending",
                {"pairings": int(data["pairings"]), "rewarded": delivered,
                 "cell_rate_hz": float(data["cell_rate_hz"].mean())},
                "every pairing rewarded once; cells near 1 Hz (source)",
                int(data["pairings"]) == delivered and 0.5 < data["cell_rate_hz"].mean() < 2),
    ]


def run(quick: bool = True, target: str = "cpp_standalone",
        directory: str | Path | None = None) -> dict:
    """Run the replay (``quick``: 20 x 50 synapses; else 100 x 100), on ``cpp_standalone``
    by default, built in ``directory`` (default: a cached folder in the temp directory)."""
    setup = QUICK if quick else FULL
    old_dt = defaultclock.dt
    defaultclock.dt = DT
    try:
        if target == "cpp_standalone":
            build = directory or Path(tempfile.gettempdir()) / "dendritic_models" / (
                f"distal_reward_{'quick' if quick else 'full'}")
            set_device("cpp_standalone", directory=str(build), build_on_run=True)
            try:
                data = simulate(setup)
            finally:
                device.reinit()
                set_device("runtime")
        else:
            prefs.codegen.target = target
            data = simulate(setup)
    finally:
        defaultclock.dt = old_dt
    return {"findings": findings(data), "data": data}


if __name__ == "__main__":
    import sys

    from protocols.api import print_findings

    print_findings(run(quick="--full" not in sys.argv))
