"""Benchmarks against Dendrify and NEURON, measured side by side on this machine.

``python -m benchmarks [--quick] --out FILE.json [--cases 1,2,3,4,anchor]`` times this
package against its peers, each measurement in a fresh process
(:mod:`benchmarks.measure`), and writes ``FILE.json`` (a ``cases`` list: per comparison
``name``, ``ours`` (seconds of wall time per simulated second and the device), ``peer``,
``peer_value``, ``ratio`` = peer time / our time, so > 1 means we are faster, and
``agreement``, how the outputs matched) and ``FILE.md`` (the same as a table).

Cases (issue 7):
1. one L5 template neuron, 1 s of synaptic bombardment: ours (Cython runtime,
   ``cpp_standalone``) vs Dendrify (same devices) vs NEURON;
2. networks of L2/3 template neurons, ~1,000 synapses each, compartment-specific
   plasticity, 1 s: ours vs Dendrify (Cython; ``cpp_standalone`` with 1 and 2 threads) vs
   NEURON where feasible;
3. a 64-point sweep of BAC firing: ``run_args`` vs a rebuild per point vs the runtime;
4. cold start: a protocol's quick run on empty compilation caches, and warm;
anchor: Dendrify's published 4-compartment benchmark (Pagkalos, Chavlis & Poirazi 2023,
Nat Commun 14:131), re-run here in Dendrify beside the same model in this package.

``--quick`` runs small sizes of every case (within about 5 minutes on 2 cores once the
Cython cache is warm). Timings are wall-clock and noisy; ratios measured in one run are
the headline.
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import time
from pathlib import Path

from dendritic_models.results import provenance, write_json

from .report import Comparison, markdown

CASES = ("1", "2", "3", "4", "anchor")
TIMEOUT = 3600  #: s, per measurement


def run(spec: dict, log) -> dict:
    """One measurement in a fresh process (its stdout goes to ``log``); ``{"error": ...}``
    if it fails or times out, so one failing peer loses no other result."""
    label = json.dumps(spec)
    print(f"  measuring {label}", flush=True)
    try:
        done = subprocess.run([sys.executable, "-m", "benchmarks.measure", label],
                              capture_output=True, text=True, timeout=TIMEOUT,
                              env={**os.environ, "PYTHONWARNINGS": "ignore"})
    except subprocess.TimeoutExpired:
        return {"error": f"timed out after {TIMEOUT} s"}
    log.write(f"### {label}\n{done.stdout}\n{done.stderr}\n")
    log.flush()
    lines = [ln for ln in done.stdout.splitlines() if ln.startswith("RESULT ")]
    if done.returncode != 0 or not lines:
        tail = (done.stderr or done.stdout).strip().splitlines()[-1:] or ["no output"]
        return {"error": f"exit {done.returncode}: {tail[0]}"}
    return json.loads(lines[-1][len("RESULT "):])


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m benchmarks", description=__doc__.split(
        "\n")[0])
    parser.add_argument("--quick", action="store_true", help="small sizes of every case")
    parser.add_argument("--out", required=True, help="result JSON (a .md table beside it)")
    parser.add_argument("--cases", default=",".join(CASES),
                        help=f"comma-separated subset of {','.join(CASES)}")
    parser.add_argument("--sizes", default=None, metavar="N,N,...",
                        help="case 2's network sizes (default 100,1000,10000)")
    parser.add_argument("--anchor-sizes", default=None, metavar="N,N,...",
                        help="the anchor's sizes (default 1000,10000,100000)")
    parser.add_argument("--no-cython-networks", action="store_true",
                        help="skip case 2's Cython rows (cold compiles of 10-20 min each)")
    args = parser.parse_args(argv)
    chosen = args.cases.split(",")
    unknown = sorted(set(chosen) - set(CASES))
    if unknown:
        parser.error(f"unknown case(s) {unknown}; valid: {','.join(CASES)}")
    from . import cases

    out = Path(args.out)
    out.parent.mkdir(parents=True, exist_ok=True)
    start = time.perf_counter()
    comparisons: list[Comparison] = []
    measurements: list[dict] = []
    with open(out.with_suffix(".log"), "w") as log:
        def measured(spec: dict) -> dict:
            result = run(spec, log)
            measurements.append({"spec": spec, "result": result})
            return result

        sizes = {"2": args.sizes, "anchor": args.anchor_sizes}
        for case in chosen:
            print(f"case {case}", flush=True)
            extra = {"sizes": tuple(int(n) for n in sizes[case].split(","))} \
                if sizes.get(case) else {}
            if case == "2" and args.no_cython_networks:
                extra["cython"] = False
            comparisons += getattr(cases, f"case_{case}")(measured, args.quick, **extra)
            # written after every case: an interrupted run keeps what finished
            _write(out, comparisons, measurements, args, time.perf_counter() - start)
    print(markdown(comparisons))
    return 0


def _write(out: Path, comparisons, measurements, args, wall: float) -> None:
    write_json(out, {"quick": args.quick, "cases": [c.as_dict() for c in comparisons],
                     "measurements": measurements,
                     "provenance": provenance(command=" ".join(sys.argv), wall_s=round(wall, 1))})
    out.with_suffix(".md").write_text(markdown(comparisons))


if __name__ == "__main__":
    sys.exit(main())
