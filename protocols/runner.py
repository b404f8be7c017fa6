"""What every paradigm replay shares: running its simulation on a code-generation target,
and printing its findings."""

from __future__ import annotations

import tempfile
from collections.abc import Callable
from pathlib import Path

from brian2 import defaultclock, device, prefs, second, set_device


def on_target(simulate: Callable[[], dict], target: str, dt: float, protocol: str,
              directory: str | Path | None = None) -> dict:
    """``simulate()`` with ``defaultclock.dt = dt`` (s) on ``numpy``, ``cython`` or
    ``cpp_standalone`` (built in ``directory``, default ``<tmp>/dendritic_models/<protocol>``,
    a cache reused by the next build); the device, target and dt are restored afterwards."""
    old_dt = defaultclock.dt
    defaultclock.dt = dt * second
    try:
        if target == "cpp_standalone":
            build = directory or Path(tempfile.gettempdir()) / "dendritic_models" / protocol
            set_device("cpp_standalone", directory=str(build), build_on_run=True)
            try:
                return simulate()
            finally:
                device.reinit()
                set_device("runtime")
        old_target = prefs.codegen.target
        prefs.codegen.target = target
        try:
            return simulate()
        finally:
            prefs.codegen.target = old_target
    finally:
        defaultclock.dt = old_dt


def print_findings(findings: list[dict]) -> None:
    """One line per finding: reproduced or not, rule set, claim, measured value."""
    for f in findings:
        print(f"{'OK ' if f['reproduced'] else 'NO '} [{f['rule_set']}] {f['name']}: "
              f"{f['value']}")
