"""Cases 3 and 4: a protocol's parameter sweep, and its cold start, timed as users run them.

- :func:`sweep`: BAC firing (Larkum, Zhu & Sakmann 1999; :mod:`protocols.bac_firing`, its
  ``quick`` setting) at ``points`` values of the distal EPSP weight, each point a finished
  run folder (``result.json``, ``data.npz``; no figure, as ``dendritic-models sweep``
  writes them), by one of four paths: ``run_args``
  (one ``cpp_standalone`` build, the binary re-run per point with Brian2's ``run_args``:
  :func:`protocols.api.run_built_once`), ``rebuild`` (:func:`protocols.api.run` under
  ``cpp_standalone`` per point, in the model's keyed build directory, so each point
  regenerates the code and recompiles what changed), and the runtime with ``cython`` or
  ``numpy``.
- :func:`cold_start`: the wall time of ``dendritic-models run NAME --quick`` as a new
  process, with an empty Brian2 Cython cache and build root (``cold``) or with the caches
  that same command just filled (``warm``).
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import numpy as np

EPSP_WEIGHTS = (8.0, 20.0)  #: nS, the swept range of BAC firing's distal EPSP weight


GRID = 64  #: points of the full sweep; smaller sweeps take evenly spaced points of it


def _weights(points: int) -> list[str]:
    grid = np.round(np.linspace(*EPSP_WEIGHTS, GRID), 4)
    step = max(GRID // points, 1)
    return [f"{float(w)!r}*nS" for w in grid[::step][:points]]


def sweep(path: str, points: int) -> dict:
    """Per-point wall time of a BAC-firing sweep by ``path`` (see the module docstring);
    the first point (which compiles) and the rest are reported apart. Every path takes its
    points from one grid, so the findings of shared points can be compared."""
    from protocols import api

    out = Path(tempfile.mkdtemp(prefix="bench_sweep_"))
    weights = _weights(points)
    folders = [(out / f"p{k:03d}", {"epsp_weight": w}) for k, w in enumerate(weights)]
    stamps = [time.perf_counter()]
    try:
        if path == "run_args":
            api.run_built_once("bac_firing", folders, quick=True, progress=False,
                               figures=False)
            stamps.append(time.perf_counter())
        else:
            device = "cpp_standalone" if path == "rebuild" else "runtime"
            codegen = "cython" if path == "rebuild" else path
            for folder, settings in folders:
                api.run("bac_firing", quick=True, settings=settings, out=folder,
                        device=device, codegen=codegen, progress=False, figures=False)
                stamps.append(time.perf_counter())
        reproduced = [sum(f["reproduced"] for f in api.load_result(f)["findings"])
                      for f, _ in folders]
    finally:
        shutil.rmtree(out, ignore_errors=True)
    total = stamps[-1] - stamps[0]
    steps = np.diff(stamps)
    return {"path": path, "points": points, "total_s": total, "per_point_s": total / points,
            "first_point_s": float(steps[0]) if path != "run_args" else None,
            "later_point_s": float(steps[1:].mean()) if steps.size > 1 else None,
            "weights": weights, "reproduced": reproduced}


def cold_start(name: str, device: str = "cpp_standalone", codegen: str = "cython") -> dict:
    """Wall time of ``dendritic-models run NAME --quick`` in a new process: first with an
    empty Cython cache and build root, then again with the caches it filled."""
    scratch = Path(tempfile.mkdtemp(prefix="bench_cold_"))
    (scratch / "brian_preferences").write_text(
        f"codegen.runtime.cython.cache_dir = '{scratch / 'cython'}'\n")
    env = {**os.environ, "DENDRITIC_MODELS_BUILDS": str(scratch / "builds")}
    times = {}
    try:
        for state in ("cold", "warm"):
            start = time.perf_counter()
            subprocess.run(
                [sys.executable, "-m", "protocols.cli", "run", name, "--quick", "--force",
                 "--device", device, "--codegen", codegen, "--out", str(scratch / "out")],
                cwd=scratch, env=env, check=True, stdout=subprocess.DEVNULL)
            times[state] = time.perf_counter() - start
    finally:
        shutil.rmtree(scratch, ignore_errors=True)
    return {"protocol": name, "device": device, "codegen": codegen,
            "cold_s": times["cold"], "warm_s": times["warm"]}
