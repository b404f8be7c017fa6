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

import argparse
import sys
import time
from pathlib import Path

import numpy as np
from brian2 import (
    Network,
    SpikeGeneratorGroup,
    SpikeMonitor,
    StateMonitor,
    device,
    ms,
    mV,
    nA,
    nS,
    prefs,
    set_device,
    um,
)

from dendritic_models.results import provenance, write_json
from dendritic_models.stimuli import current_pulses
from dendritic_models.templates import l5_pyramidal
from dendritic_models.wiring import connect

T_EPSP = 52.0  # ms
DURATION = 130.0  # ms
DELAYS_FULL = np.array(
    [-30.0, -20.0, -15.0, -10.0, -7.0, -5.0, -3.0, -1.0, 1.0, 3.0, 5.0, 7.0, 10.0, 15.0, 20.0]
)
DELAYS_QUICK = np.array([-15.0, -3.0, -1.0, 3.0, 15.0])
#: EPSP 1-3 ms after the AP (Hay et al. 2011's protocol) and 3 ms before it: coincident
COINCIDENT = (-3.0, -1.0, 3.0)
#: 15 ms or more apart: outside the "few ms" window of Larkum et al. 1999
APART = 15.0


def simulate(delays: np.ndarray) -> dict[str, np.ndarray]:
    """Run the protocol on the current Brian2 device; return arrays (times in ms, mV)."""
    model = l5_pyramidal()
    n = len(delays) + 2  # conditions, then AP alone, then EPSP alone
    group = model.group(n)
    ap_neurons = list(range(len(delays))) + [n - 2]
    onsets = np.array(list(T_EPSP - 1 + delays) + [T_EPSP]) * ms
    gen, pulse = current_pulses(group, "soma", ap_neurons, onsets, 2 * nA, 2 * ms)
    distal = [k for k in range(n) if k != n - 2]
    src = SpikeGeneratorGroup(n, distal, np.full(len(distal), T_EPSP) * ms)
    syn, _ = connect(src, group, "tuft0", {"AMPA": 15 * nS}, i=distal, j=distal, x=50 * um)
    traces = StateMonitor(group, ["v_soma", "v_nexus"], record=True, dt=0.2 * ms)
    spikes = SpikeMonitor(group)
    Network(group, gen, pulse, src, syn, traces, spikes).run(DURATION * ms)
    return {
        "t": np.asarray(traces.t / ms),
        "v_soma": np.asarray(traces.v_soma / mV),
        "v_nexus": np.asarray(traces.v_nexus / mV),
        "spike_i": np.asarray(spikes.i[:]),
        "spike_t": np.asarray(spikes.t / ms),
        "t_plateau": np.asarray(group.t_caspike_nexus[:] / ms),
    }


def findings(delays: np.ndarray, data: dict[str, np.ndarray]) -> list[dict]:
    """The paper's claims, each with the measured value and whether it holds."""
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


def figure(delays: np.ndarray, data: dict[str, np.ndarray], path: Path) -> None:
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    n = len(delays)
    best = int(np.flatnonzero(np.isin(delays, COINCIDENT))[0])
    fig, axes = plt.subplots(1, 3, figsize=(12, 3.5))
    for ax, k, title in zip(
        axes, [n, n + 1, best], ["AP alone", "distal EPSP alone", f"AP {delays[best]:+g} ms"],
        strict=True,
    ):
        ax.plot(data["t"], data["v_soma"][k], "k", lw=1, label="soma")
        ax.plot(data["t"], data["v_nexus"][k], "r", lw=1, label="nexus (Ca zone)")
        ax.set(title=title, xlabel="time (ms)", xlim=(40, 110), ylim=(-80, 50))
    axes[0].set_ylabel("V (mV)")
    axes[0].legend(frameon=False, fontsize=8)
    fig.suptitle("BAC firing, L5 template (cf. Larkum, Zhu & Sakmann 1999, Fig. 1)")
    fig.tight_layout()
    fig.savefig(path, dpi=120)
    plt.close(fig)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="python -m protocols.bac_firing", description=__doc__.split("\n")[0]
    )
    parser.add_argument("--quick", action="store_true", help="5 delays instead of 15")
    parser.add_argument("--target", default="numpy",
                        choices=["numpy", "cython", "cpp_standalone"])
    parser.add_argument("--out", required=True, type=Path)
    args = parser.parse_args(argv)
    delays = DELAYS_QUICK if args.quick else DELAYS_FULL
    args.out.mkdir(parents=True, exist_ok=True)
    if args.target == "cpp_standalone":
        set_device("cpp_standalone", directory=str(args.out / "build"))
    else:
        prefs.codegen.target = args.target
    start = time.perf_counter()
    data = simulate(delays)
    wall = time.perf_counter() - start
    result = {
        "protocol": "bac_firing",
        "source": "Larkum, Zhu & Sakmann 1999, Nature 398:338",
        "parameters": {"delays_ms": delays, "t_epsp_ms": T_EPSP, "duration_ms": DURATION},
        "findings": findings(delays, data),
        "data": {k: v for k, v in data.items() if k not in ("t", "v_soma", "v_nexus")},
        "provenance": provenance(target=args.target, wall_s=round(wall, 3)),
    }
    np.savez_compressed(args.out / "traces.npz", **data)
    write_json(args.out / "result.json", result)
    figure(delays, data, args.out / "figure.png")
    for f in result["findings"]:
        print(f"{'OK ' if f['reproduced'] else 'NO '} {f['name']}")
    if args.target == "cpp_standalone":
        device.reinit()
    return 0 if all(f["reproduced"] for f in result["findings"]) else 1


if __name__ == "__main__":
    sys.exit(main())
