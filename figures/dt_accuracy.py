"""Accuracy of the implicit tree solver against dt: bAP amplitude along the L5 trunk.

Backward Euler (Hines 1984; Hines & Carnevale 1997) is first order in time: steady states
are exact at any dt, the fastest transient (the bAP) loses amplitude as dt grows. Reference:
the smallest dt of the scan. Writes ``result.json`` (data + provenance) and ``figure.png``.

    python figures/dt_accuracy.py --out results/dt_accuracy   # 6 dts, about 1 min
    python figures/dt_accuracy.py --quick --out DIR           # 3 dts
"""

from __future__ import annotations

import argparse
from pathlib import Path

import numpy as np
from brian2 import Network, StateMonitor, ms, mV, nA, prefs, start_scope

from dendritic_models.results import provenance, write_json
from dendritic_models.stimuli import current_pulses
from dendritic_models.templates import l5_pyramidal

DTS = [0.4, 0.2, 0.1, 0.05, 0.025, 0.0125]  # ms
SITES = {"trunk_dist_1": "trunk, 450 um", "nexus": "Ca zone, 650 um"}


def bap_amplitudes(dt_ms: float) -> dict[str, float]:
    start_scope()
    group = l5_pyramidal().group(1, dt=dt_ms * ms)
    mon = StateMonitor(group, [f"v_{s}" for s in SITES], record=0)
    gen, pulse = current_pulses(group, "soma", [0], [10] * ms, 2 * nA, 2 * ms)
    Network(group, mon, gen, pulse).run(30 * ms)
    return {s: float(np.ptp(getattr(mon, f"v_{s}")[0] / mV)) for s in SITES}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--out", type=Path, default=Path("results/dt_accuracy"))
    parser.add_argument("--quick", action="store_true", help="dt 0.4, 0.1, 0.025 ms")
    args = parser.parse_args()
    prefs.codegen.target = "numpy"
    dts = DTS[::2] if args.quick else DTS
    amplitude = {dt: bap_amplitudes(dt) for dt in dts}
    ref = amplitude[dts[-1]]
    error = {dt: {s: 100 * (a[s] / ref[s] - 1) for s in SITES} for dt, a in amplitude.items()}
    write_json(args.out / "result.json", {
        "figure": "dt_accuracy",
        "dt_ms": dts,
        "bap_amplitude_mV": {s: [amplitude[dt][s] for dt in dts] for s in SITES},
        "error_percent_vs_smallest_dt": {s: [error[dt][s] for dt in dts] for s in SITES},
        "provenance": provenance(target="numpy"),
    })
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    fig, ax = plt.subplots(figsize=(5, 3.5))
    for s, label in SITES.items():
        ax.semilogx(dts, [error[dt][s] for dt in dts], "o-", label=label)
    ax.set(xlabel="dt (ms)", ylabel=f"bAP amplitude error (%) vs dt={dts[-1]} ms",
           title="Implicit solver: bAP accuracy vs dt (L5 template)")
    ax.legend(frameon=False)
    fig.tight_layout()
    fig.savefig(args.out / "figure.png", dpi=120)
    for dt in dts:
        print(f"dt {dt:7.4f} ms: " + ", ".join(f"{SITES[s]} {error[dt][s]:+.1f}%" for s in SITES))


if __name__ == "__main__":
    main()
