"""Where a simulation runs: Brian2's runtime (code generated for ``cython`` or ``numpy``) or
``cpp_standalone`` (one C++ program, optionally with OpenMP threads), and how it reports
progress.

A simulation is written once for every device as ``setup() -> collect``: ``setup`` builds
the network and calls :func:`run_network`; ``collect()`` reads the monitors. At runtime the
run happens inside ``setup``; under ``cpp_standalone`` (``build_on_run=False``) it only
records, and one ``device.build`` compiles and runs the program before ``collect``.

Build directories are keyed by the model: the first free one of ``<root>/<key>-0``,
``<key>-1``... (a file lock per directory), so a second run of the same model reuses the
compiled objects (Brian2 rewrites only changed files and ``make`` recompiles only those)
and two processes never write into one directory. Never the default relative ``output/``.

Brian2's runtime and standalone code generation: Stimberg, Brette & Goodman 2019, eLife
8:e47314 ("Brian 2, an intuitive and efficient neural simulator").
"""

from __future__ import annotations

import fcntl
import gc
import itertools
import os
import tempfile
import time
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from pathlib import Path

from brian2 import Network, defaultclock, device, prefs, second, set_device

DEVICES = ("cpp_standalone", "runtime")
CODEGEN_TARGETS = ("cython", "numpy")
REPORT_PERIOD = 10.0  #: s of wall time between progress lines

#: what :func:`run_network` passes to ``Network.run`` while a device context is active
_report: dict = {}


def build_root() -> Path:
    """``$DENDRITIC_MODELS_BUILDS`` or ``<tmp>/dendritic_models/builds``."""
    env = os.environ.get("DENDRITIC_MODELS_BUILDS")
    return Path(env) if env else Path(tempfile.gettempdir()) / "dendritic_models" / "builds"


@contextmanager
def build_directory(key: str, root: str | Path | None = None) -> Iterator[Path]:
    """The first directory ``<root>/<key>-<k>`` that no other process holds, held (an
    exclusive ``flock`` on ``<key>-<k>.lock``) until the context ends."""
    root = Path(root) if root is not None else build_root()
    root.mkdir(parents=True, exist_ok=True)
    for k in itertools.count():
        lock = open(root / f"{key}-{k}.lock", "a")  # noqa: SIM115 (held across the yield)
        try:
            fcntl.flock(lock, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            lock.close()
            continue
        try:
            yield root / f"{key}-{k}"
        finally:
            fcntl.flock(lock, fcntl.LOCK_UN)
            lock.close()
        return


def phase_at(phases: Sequence[tuple[str, float]], t: float) -> str:
    """The name of the phase (``(name, end in s)``, in order) that contains ``t`` (s)."""
    return next((name for name, end in phases if t < end), phases[-1][0] if phases else "")


def _python_report(phases: Sequence[tuple[str, float]]) -> Callable:
    def report(elapsed, completed, start, duration):
        t = float(start + completed * duration)
        print(f"  t = {t:.1f} s of {float(start + duration):.1f} s ({phase_at(phases, t)}), "
              f"{float(elapsed):.0f} s wall", flush=True)
    return report


def _cpp_report(phases: Sequence[tuple[str, float]]) -> str:
    """The same progress line, as the C++ body of Brian2's standalone report function."""
    branches = "".join(f'if (t < {end!r}) phase = "{name}"; else '
                       for name, end in phases[:-1])
    last = phases[-1][0] if phases else ""
    return ("const double t = start + completed*duration;\n"
            f'const char* phase; {branches}phase = "{last}";\n'
            'std::cout << "  t = " << t << " s of " << start + duration << " s (" << phase '
            '<< "), " << elapsed << " s wall" << std::endl;')


def run_network(net: Network, duration, **kwargs) -> None:
    """``net.run(duration, **kwargs)`` with the active device context's progress report."""
    net.run(duration, **kwargs, **_report)


def on_device(setup: Callable[[], Callable[[], dict]], device_name: str = "cpp_standalone",
              codegen: str = "cython", dt: float = 1e-4, key: str = "model",
              phases: Sequence[tuple[str, float]] = (), threads: int = 0,
              directory: str | Path | None = None, progress: bool = True) -> dict:
    """``setup()`` then ``collect()`` (see the module docstring) with ``defaultclock.dt =
    dt`` (s) on ``device_name`` (:data:`DEVICES`); ``codegen`` is the runtime target
    (:data:`CODEGEN_TARGETS`), ``threads`` the OpenMP threads of ``cpp_standalone`` (0: none),
    ``key`` names the model's build directory (``directory`` replaces it), ``phases``
    (``(name, end in s)``) label the progress lines. Device, target, threads and dt are
    restored afterwards."""
    if device_name not in DEVICES:
        raise ValueError(f"unknown device {device_name!r}; valid: {', '.join(DEVICES)}")
    if codegen not in CODEGEN_TARGETS:
        raise ValueError(f"unknown code-generation target {codegen!r}; valid: "
                         f"{', '.join(CODEGEN_TARGETS)}")
    if device_name == "cpp_standalone":
        with _standalone(dt, key, phases, threads, directory, progress) as build:
            collect = setup()
            start = time.perf_counter()
            device.build(directory=str(build), compile=True, run=True, clean=False)
            print(f"  built and ran in {time.perf_counter() - start:.1f} s ({build})", flush=True)
            return collect()
    # free the names of an earlier run's objects (Brian2 numbers a taken ``name*``), so the
    # same model generates the same code and the runtime reuses its compiled Cython
    gc.collect()
    with _settings(dt, _python_report(phases) if progress else None):
        old_target = prefs.codegen.target
        prefs.codegen.target = codegen
        try:
            return setup()()
        finally:
            prefs.codegen.target = old_target


def built_once(setup: Callable[[], Callable[[], dict]], runs: Sequence[list[str]],
               each: Callable[[int, dict], None], dt: float = 1e-4, key: str = "model",
               phases: Sequence[tuple[str, float]] = (), threads: int = 0,
               directory: str | Path | None = None, progress: bool = True) -> None:
    """``cpp_standalone`` compiled once, run once per entry of ``runs`` (Brian2's
    ``run_args``: ``"object.variable=value"`` in SI, Brian2 >= 2.6), ``each(k, collect())``
    after run ``k``: a sweep over variables of the built model without rebuilding it."""
    with _standalone(dt, key, phases, threads, directory, progress) as build:
        collect = setup()
        start = time.perf_counter()
        device.build(directory=str(build), compile=True, run=False, clean=False)
        print(f"  built in {time.perf_counter() - start:.1f} s for {len(runs)} runs ({build})",
              flush=True)
        for k, run_args in enumerate(runs):
            device.run(directory=str(build), run_args=list(run_args))
            each(k, collect())


@contextmanager
def _settings(dt: float, report) -> Iterator[None]:
    """``defaultclock.dt`` and the progress report of :func:`run_network`, restored after."""
    old_dt, old_report = defaultclock.dt, dict(_report)
    defaultclock.dt = dt * second
    _report.clear()
    if report is not None:
        _report.update(report=report, report_period=REPORT_PERIOD * second)
    try:
        yield
    finally:
        defaultclock.dt = old_dt
        _report.clear()
        _report.update(old_report)


@contextmanager
def _standalone(dt, key, phases, threads, directory, progress) -> Iterator[Path]:
    """The ``cpp_standalone`` device (``build_on_run=False``) in a held build directory."""
    old_threads = prefs.devices.cpp_standalone.openmp_threads
    prefs.devices.cpp_standalone.openmp_threads = threads
    held = build_directory(key) if directory is None else _held(Path(directory))
    try:
        with held as build, _settings(dt, _cpp_report(phases) if progress else None):
            set_device("cpp_standalone", directory=str(build), build_on_run=False)
            yield build
    finally:
        device.reinit()
        set_device("runtime")
        prefs.devices.cpp_standalone.openmp_threads = old_threads


@contextmanager
def _held(directory: Path) -> Iterator[Path]:
    """A directory the caller named, locked like a keyed one."""
    directory.parent.mkdir(parents=True, exist_ok=True)
    with open(directory.parent / f"{directory.name}.lock", "a") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        try:
            yield directory
        finally:
            fcntl.flock(lock, fcntl.LOCK_UN)
