"""BAC firing: coincidence of a backpropagating AP and a distal EPSP in an L5 neuron.

Source: Larkum, Zhu & Sakmann 1999, Nature 398:338 (Figs. 1-4). In L5 pyramidal neurons a
distal (tuft) EPSP alone and a somatic AP alone each fail to evoke the Ca2+ plateau of the
distal initiation zone; an AP that backpropagates while the distal EPSP is under way evokes
the plateau, which returns to the soma as a burst of 2-4 APs ("BAC firing"). Outside a
window of a few ms the effect is lost. Timing as in the BAC protocol of Hay, Hill, Schürmann,
Markram & Segev 2011 (PLoS Comput Biol 7:e1002107; ModelDB 139653, BAC_firing.hoc): somatic
pulse 1.5 nA x 5 ms, distal EPSP-shaped current (rise 0.5 ms, decay 5 ms) starting 5 ms after
the pulse onset, i.e. arriving a few ms after the AP.

Methods (replayed on :func:`dendritic_models.templates.l5_pyramidal`, one neuron per
condition, all in one group):
1. Rest 50 ms.
2. Distal EPSP at ``t_epsp`` = 52 ms: one AMPA conductance event of 15 nS on ``tuft0`` at
   50 um from its start (750 um from the soma), standing for Larkum's EPSP-shaped current
   injection at the distal pipette (fast, no NMDA tail).
3. Somatic AP: a 2 nA, 2 ms current pulse starting at ``t_epsp + delay - 1 ms`` (the AP
   peaks ~1 ms after pulse onset), for each ``delay`` (AP minus EPSP onset, ms).
4. Controls: AP alone; EPSP alone.
Measurements: whether the nexus fired a Ca2+ plateau, somatic spike counts and times, and
voltage traces at soma and nexus.
"""

from __future__ import annotations

from dataclasses import dataclass, replace

import numpy as np
from brian2 import (
    Network,
    SpikeGeneratorGroup,
    SpikeMonitor,
    StateMonitor,
    ms,
    mV,
    nA,
    nS,
    second,
    um,
)

from dendritic_models.devices import run_network
from dendritic_models.stimuli import current_pulses
from dendritic_models.templates import l5_pyramidal
from dendritic_models.wiring import connect

SOURCE = "Larkum, Zhu & Sakmann 1999, Nature 398:338"
RULE_SETS: dict = {}  # no plasticity
DEFAULT_RULES: tuple = ()
CONDITIONS: tuple = ()
#: EPSP 1-3 ms after the AP (Hay et al. 2011's protocol) and 3 ms before it: coincident
COINCIDENT = (-3.0, -1.0, 3.0)
#: 15 ms or more apart: outside the "few ms" window of Larkum et al. 1999
APART = 15.0


@dataclass(frozen=True)
class Setup:
    #: AP minus EPSP onset, ms
    delays: tuple[float, ...] = (-30.0, -20.0, -15.0, -10.0, -7.0, -5.0, -3.0, -1.0, 1.0, 3.0,
                                 5.0, 7.0, 10.0, 15.0, 20.0)
    t_epsp: float = 52.0  #: ms, distal EPSP onset
    duration: float = 130.0  #: ms
    epsp_weight: float = 15.0  #: nS, AMPA conductance of the distal EPSP
    epsp_distance: float = 50.0  #: um from the start of ``tuft0`` (750 um from the soma)
    pulse_amplitude: float = 2.0  #: nA, somatic current pulse evoking the AP
    pulse_duration: float = 2.0  #: ms
    dt: float = 0.1e-3  #: s
    seed: int = 1


FULL = Setup()
QUICK = replace(FULL, delays=(-15.0, -3.0, -1.0, 3.0, 15.0))
#: parameters held as variables of the built model: a ``cpp_standalone`` sweep over them
#: compiles once and re-runs the binary (:func:`protocols.api.run_built_once`)
RUN_ARGS = {"epsp_weight": "bac_epsp.w_AMPA"}
UNITS = {"delays": ms, "t_epsp": ms, "duration": ms, "epsp_weight": nS, "epsp_distance": um,
         "pulse_amplitude": nA, "pulse_duration": ms, "dt": second}


def phases(setup: Setup) -> list[tuple[str, float]]:
    return [("rest", setup.t_epsp * 1e-3), ("AP and EPSP", setup.duration * 1e-3)]


def simulate(setup: Setup, rule_sets: dict | None = None, conditions: tuple = ()):
    """Build the protocol on the current Brian2 device and run it; returns ``collect()``:
    arrays with times in ms and voltages in mV."""
    delays, t_epsp = np.asarray(setup.delays), setup.t_epsp
    model = l5_pyramidal()
    n = len(delays) + 2  # conditions, then AP alone, then EPSP alone
    group = model.group(n)
    ap_neurons = list(range(len(delays))) + [n - 2]
    onsets = np.array(list(t_epsp - 1 + delays) + [t_epsp]) * ms
    gen, pulse = current_pulses(group, "soma", ap_neurons, onsets, setup.pulse_amplitude * nA,
                                setup.pulse_duration * ms)
    distal = [k for k in range(n) if k != n - 2]
    src = SpikeGeneratorGroup(n, distal, np.full(len(distal), t_epsp) * ms)
    syn, _ = connect(src, group, "tuft0", {"AMPA": setup.epsp_weight * nS}, i=distal,
                     j=distal, x=setup.epsp_distance * um, name="bac_epsp")
    traces = StateMonitor(group, ["v_soma", "v_nexus"], record=True, dt=0.2 * ms)
    spikes = SpikeMonitor(group)
    run_network(Network(group, gen, pulse, src, syn, traces, spikes), setup.duration * ms)
    return lambda: {
        "delays": delays,
        "t": np.asarray(traces.t / ms),
        "v_soma": np.asarray(traces.v_soma / mV),
        "v_nexus": np.asarray(traces.v_nexus / mV),
        "spike_i": np.asarray(spikes.i[:]),
        "spike_t": np.asarray(spikes.t / ms),
        "t_plateau": np.asarray(group.t_caspike_nexus[:] / ms),
    }


def findings(data: dict[str, np.ndarray]) -> list[dict]:
    """The paper's claims, each with the measured value and whether it holds."""
    delays = data["delays"]
    n = len(delays)
    plateau = data["t_plateau"] > 0
    counts = np.bincount(data["spike_i"], minlength=n + 2)
    coincident = np.isin(delays, COINCIDENT)
    apart = np.abs(delays) >= APART
    fired = delays[plateau[:n]]
    return [
        {
            "name": "AP alone: no plateau, one spike",
            "value": {"plateau": bool(plateau[n]), "spikes": int(counts[n])},
            "target": {"plateau": False, "spikes": 1},
            "reproduced": bool(not plateau[n] and counts[n] == 1),
        },
        {
            "name": "distal EPSP alone: no plateau, no spike",
            "value": {"plateau": bool(plateau[n + 1]), "spikes": int(counts[n + 1])},
            "target": {"plateau": False, "spikes": 0},
            "reproduced": bool(not plateau[n + 1] and counts[n + 1] == 0),
        },
        {
            "name": "AP and EPSP within a few ms: plateau and a burst (Larkum 1999: 2-4 spikes)",
            "value": {"delays_ms": delays[coincident], "plateau": plateau[:n][coincident],
                      "spikes": counts[:n][coincident]},
            "target": f"plateau and >= 3 spikes at delays {COINCIDENT} ms",
            "reproduced": bool(
                coincident.any()
                and np.all(plateau[:n][coincident])
                and np.all(counts[:n][coincident] >= 3)
            ),
        },
        {
            "name": "outside the window: no plateau, one spike",
            "value": {"delays_ms": delays[apart], "plateau": plateau[:n][apart],
                      "spikes": counts[:n][apart]},
            "target": f"no plateau and 1 spike for |delay| >= {APART} ms",
            "reproduced": bool(
                apart.any() and not plateau[:n][apart].any() and np.all(counts[:n][apart] == 1)
            ),
        },
        {
            "name": "measured window (AP minus EPSP onset, ms)",
            "value": [float(fired.min()), float(fired.max())] if fired.size else None,
            "target": "a few ms around coincidence (Larkum 1999)",
            "reproduced": bool(fired.size and fired.max() - fired.min() < 2 * APART),
        },
    ]


def evaluate(data: dict[str, np.ndarray], setup: Setup) -> tuple[list[dict], dict]:
    """Findings, and the measurements the figure draws: the traces of the AP alone, the
    EPSP alone and the first coincident pairing (mV, every 0.2 ms)."""
    n = len(data["delays"])
    coincident = np.flatnonzero(np.isin(data["delays"], COINCIDENT))
    shown = {"AP alone": n, "distal EPSP alone": n + 1}
    if coincident.size:
        shown[f"AP {data['delays'][coincident[0]]:+g} ms"] = int(coincident[0])
    measured = {
        "t_ms": np.round(data["t"], 3),
        "traces": {label: {"soma": np.round(data["v_soma"][k], 2),
                           "nexus": np.round(data["v_nexus"][k], 2)}
                   for label, k in shown.items()},
        "plateau": (data["t_plateau"] > 0).tolist(),
        "spikes": np.bincount(data["spike_i"], minlength=n + 2).tolist(),
    }
    return findings(data), measured


def arrays(data: dict[str, np.ndarray]) -> dict[str, np.ndarray]:
    return dict(data)


def figure(result: dict, path) -> None:
    """Soma and nexus voltage for the AP alone, the EPSP alone and a coincident pairing
    (cf. Larkum et al. 1999, Fig. 1); reads only the result."""
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    measured = result["measured"]
    t = np.asarray(measured["t_ms"])
    traces = measured["traces"]
    fig, axes = plt.subplots(1, len(traces), figsize=(4 * len(traces), 3.5), squeeze=False)
    for ax, (title, trace) in zip(axes[0], traces.items(), strict=True):
        ax.plot(t, trace["soma"], "k", lw=1, label="soma")
        ax.plot(t, trace["nexus"], "r", lw=1, label="nexus (Ca zone)")
        ax.set(title=title, xlabel="time (ms)", xlim=(40, 110), ylim=(-80, 50))
    axes[0, 0].set_ylabel("V (mV)")
    axes[0, 0].legend(frameon=False, fontsize=8)
    fig.suptitle("BAC firing, L5 template (cf. Larkum, Zhu & Sakmann 1999, Fig. 1)")
    fig.tight_layout()
    fig.savefig(path, dpi=120)
    plt.close(fig)


if __name__ == "__main__":
    from protocols.cli import protocol_main

    protocol_main("bac_firing")
