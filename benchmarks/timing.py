"""Timing one Brian2 network on one device, the same way for our models and Dendrify's.

``numpy`` / ``cython``: ``Network.run(0 s)`` generates and compiles every code object
(``compile_s``), then ``Network.run(duration)`` is timed alone (``run_s``).
``cpp_standalone``: ``device.build(run=False)`` generates and compiles the program
(``compile_s``); ``run_s`` is the main loop's own time as the binary reports it
(``last_run_info.txt``, Brian2's ``device._last_run_time``), without process start-up or
result loading. Brian2: Stimberg, Brette & Goodman 2019, eLife 8:e47314.
"""

from __future__ import annotations

import tempfile
import time
from contextlib import contextmanager
from pathlib import Path

from brian2 import defaultclock, device, prefs, second, set_device, siemens

from dendritic_models.devices import build_root

DEVICES = ("numpy", "cython", "cpp_standalone")


class _Runtime:
    def run(self, net, duration, setup_s: float) -> dict:
        start = time.perf_counter()
        net.run(0 * second)
        compile_s = time.perf_counter() - start
        start = time.perf_counter()
        net.run(duration)
        return {"setup_s": setup_s, "compile_s": compile_s,
                "run_s": time.perf_counter() - start}


class _Standalone:
    def __init__(self, directory: Path):
        self.directory = directory

    def run(self, net, duration, setup_s: float) -> dict:
        net.run(duration)
        start = time.perf_counter()
        device.build(directory=str(self.directory), compile=True, run=False, clean=False)
        compile_s = time.perf_counter() - start
        device.run(directory=str(self.directory))
        return {"setup_s": setup_s, "compile_s": compile_s,
                "run_s": float(device._last_run_time)}


@contextmanager
def brian2_device(name: str, dt: float, threads: int = 0, key: str = "bench"):
    """A context giving an object whose ``run(net, duration, setup_s)`` times ``net``;
    ``cpp_standalone`` builds in a fresh directory under the package's build root
    (:func:`dendritic_models.devices.build_root`; a cold build: no object files from an
    earlier run), removed afterwards."""
    if name not in DEVICES:
        raise ValueError(f"unknown device {name!r}; valid: {DEVICES}")
    old_dt, old_target = defaultclock.dt, prefs.codegen.target
    defaultclock.dt = dt * second
    try:
        if name == "cpp_standalone":
            prefs.devices.cpp_standalone.openmp_threads = threads
            build_root().mkdir(parents=True, exist_ok=True)
            with tempfile.TemporaryDirectory(prefix=f"{key}-", dir=build_root()) as d:
                set_device("cpp_standalone", directory=d, build_on_run=False)
                try:
                    yield _Standalone(Path(d))
                finally:
                    device.reinit()
                    set_device("runtime")
                    prefs.devices.cpp_standalone.openmp_threads = 0
        else:
            prefs.codegen.target = name
            yield _Runtime()
    finally:
        defaultclock.dt, prefs.codegen.target = old_dt, old_target


def receptor_weights(projection) -> dict:
    """A projection's receptor weights as Brian2 quantities."""
    return {r: w * siemens for r, w in projection.receptors.items()}
