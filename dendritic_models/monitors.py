"""Per-synapse weight records with each synapse's location (branch, kind, um from soma).

A :class:`WeightMonitor` is a Brian2 ``StateMonitor`` of the efficacy ``w`` of one
projection (Stimberg, Brette & Goodman 2019, eLife 8:e47314, "Recording"), joined with the
projection's :class:`~dendritic_models.wiring.Layout`, so a record answers "which synapse,
where, how much" as plain arrays (the data-first result of Sandve et al. 2013, PLoS Comput
Biol 9:e1003285, rule 5: record intermediate results).
"""

from __future__ import annotations

import numpy as np
from brian2 import Quantity, StateMonitor, Synapses, ms, um

from .quantities import require_positive
from .wiring import Layout


class WeightMonitor(StateMonitor):
    """Record ``w`` of every synapse of ``synapses`` every ``dt`` (default 10 ms)."""

    def __init__(self, synapses: Synapses, layout: Layout, dt: Quantity = 10 * ms, **kwargs):
        require_positive(dt, ms, "WeightMonitor dt")
        self.layout = layout
        super().__init__(synapses, "w", record=True, dt=dt, **kwargs)

    def table(self) -> dict[str, np.ndarray]:
        """Arrays: ``t`` (ms), ``w`` (synapse x time), and per synapse ``pre``, ``post``,
        ``branch``, ``kind``, ``node``, ``distance_um``."""
        lay = self.layout
        return {
            "t": np.asarray(self.t / ms),
            "w": np.asarray(self.w),
            "pre": lay.pre,
            "post": lay.post,
            "branch": lay.branch.astype(str),
            "kind": lay.kind.astype(str),
            "node": lay.node.astype(str),
            "distance_um": np.asarray(lay.distance / um),
        }
