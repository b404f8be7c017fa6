"""One measurement in a fresh Python process: ``python -m benchmarks.measure SPEC_JSON``.

Each measurement runs alone in its own interpreter, so its peak memory (``ru_maxrss`` of
the process and of the programs it started, e.g. a ``cpp_standalone`` binary) is its own
and no Brian2 device state or compiled module leaks between simulators. Prints one line
``RESULT <json>``. ``SPEC`` keys: ``kind`` (``workload``, ``anchor``, ``sweep``,
``cold_start``) and that kind's arguments (see :func:`measure`).
"""

from __future__ import annotations

import importlib
import json
import resource
import sys
import time

import numpy as np

SIMULATORS = {"ours": "benchmarks.ours", "dendrify": "benchmarks.peers.dendrify_peer",
              "neuron": "benchmarks.peers.neuron_peer"}


def peak_mib() -> float:
    """Peak resident memory of this process or of any child it waited for (MiB)."""
    own = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    children = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
    return max(own, children) / 1024


def measure(spec: dict) -> dict:
    """Run the measurement ``spec`` describes and return its numbers."""
    kind = spec["kind"]
    if kind == "workload":
        from .workload import bombardment

        work = bombardment(**spec["workload"])
        sim = importlib.import_module(SIMULATORS[spec["simulator"]])
        out = sim.simulate(work, spec["device"], spec.get("threads", 0))
        counts = np.asarray(out.pop("spike_counts"))
        out.update(spikes=int(counts.sum()), spikes_per_neuron=counts.tolist()[:100],
                   events=work.synaptic_events, synapses=work.n_synapses,
                   neurons=work.n_neurons, duration=work.duration)
        return out
    if kind == "anchor":
        from . import anchor

        out = anchor.simulate(spec["n_neurons"], spec["simulator"], spec["device"],
                              spec.get("active", True))
        counts = np.asarray(out.pop("spike_counts"))
        out.update(spikes=int(counts.sum()), neurons=spec["n_neurons"], duration=1.0)
        return out
    if kind in ("sweep", "cold_start"):
        from . import protocol_cases

        return getattr(protocol_cases, kind)(**spec["arguments"])
    raise ValueError(f"unknown measurement kind {kind!r}")


def main(argv: list[str] | None = None) -> None:
    spec = json.loads((argv or sys.argv[1:])[0])
    start = time.perf_counter()
    out = measure(spec)
    out.update(wall_s=time.perf_counter() - start, peak_mib=peak_mib())
    print("RESULT " + json.dumps(out), flush=True)


if __name__ == "__main__":
    main()
