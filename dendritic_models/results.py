"""Results are data first: arrays plus a provenance JSON, written atomically.

Every result records the versions and settings that produced it (Sandve, Nekrutenko,
Taylor & Hovig 2013, PLoS Comput Biol 9:e1003285, rules 1, 3 and 6), and a file is never
left half-written, so an interrupted run loses no finished result.
"""

from __future__ import annotations

import json
import os
import platform
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import brian2
import numpy as np


def provenance(**extra: Any) -> dict[str, Any]:
    """Package, Brian2, numpy and Python versions, plus the caller's entries."""
    from . import __version__

    return {
        "dendritic_models": __version__,
        "brian2": brian2.__version__,
        "numpy": np.__version__,
        "python": platform.python_version(),
        **extra,
    }


@contextmanager
def atomic(path: str | Path, suffix: str = ".tmp") -> Iterator[str]:
    """A temporary file beside ``path`` (ending in ``suffix``, for writers that infer the
    format from it) to write in the block; renamed onto ``path`` when the block succeeds, so
    a crash never leaves half a file."""
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(dir=path.parent, suffix=suffix)
    os.close(fd)
    yield tmp
    os.replace(tmp, path)


def write_json(path: str | Path, data: dict[str, Any]) -> Path:
    """Write JSON atomically (:func:`atomic`)."""
    with atomic(path) as tmp, open(tmp, "w") as fh:
        json.dump(data, fh, indent=2, default=_plain)
    return Path(path)


def _plain(value: Any) -> Any:
    if isinstance(value, np.ndarray):
        return value.tolist()
    if isinstance(value, np.generic):
        return value.item()
    return str(value)


def finding(name: str, value: Any, target: Any, reproduced: bool) -> dict[str, Any]:
    """One claim of a source: what we measured, what was published (with the tolerance we
    accept, in words or numbers), and whether the measurement lies within it."""
    return {"name": name, "value": value, "target": target, "reproduced": bool(reproduced)}
