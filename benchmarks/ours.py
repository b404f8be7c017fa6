"""A :class:`~benchmarks.workload.Workload` built and run with this package.

The template's ``NeuronModel.group`` (implicit tree solver, Brian2 state updaters) and
:func:`dendritic_models.wiring.connect` (receptors per electrical node, rules from
:mod:`dendritic_models.rules`), driven by a ``SpikeGeneratorGroup`` replaying the
workload's spikes. Every simulator module in this package exposes the same
``simulate(workload, device, threads) -> dict`` (see :func:`simulate`).
"""

from __future__ import annotations

import time

import numpy as np
from brian2 import Network, SpikeGeneratorGroup, SpikeMonitor, metre, second

from dendritic_models.wiring import connect

from .timing import brian2_device, receptor_weights
from .workload import RULES, Workload


def simulate(workload: Workload, device: str = "cython", threads: int = 0) -> dict:
    """Run ``workload`` on ``device`` (``numpy``, ``cython`` or ``cpp_standalone``).

    Returns ``setup_s`` (building the Brian2 objects), ``compile_s`` (code generation and
    compilation), ``run_s`` (the simulation loop alone), ``spike_counts`` (somatic spikes
    per neuron) and ``weights`` (mean final efficacy per plastic projection)."""
    with brian2_device(device, workload.dt, threads, key=f"bench_ours_{workload.name}") as dev:
        start = time.perf_counter()
        group = workload.model().group(workload.n_neurons, name="cells")
        source = SpikeGeneratorGroup(workload.n_sources, workload.source_i,
                                     workload.source_t * second, name="sources")
        synapses = {}
        for p in workload.projections:
            rule = RULES[p.rule]() if p.rule else None
            synapses[p.name], _ = connect(
                source, group, sorted(set(p.branch)), receptor_weights(p), i=p.pre, j=p.post,
                branch=p.branch, x=p.x * metre, rule=rule, name=p.name)
        spikes = SpikeMonitor(group, record=False, name="spikes")
        net = Network(group, source, spikes, *synapses.values())
        result = dev.run(net, workload.duration * second, setup_s=time.perf_counter() - start)
        result["spike_counts"] = np.asarray(spikes.count[:])
        result["weights"] = {p.name: float(np.mean(synapses[p.name].w[:]))
                             for p in workload.projections if p.rule}
        # ODEs plus the node voltages, which the tree solver updates outside them
        result["state_variables"] = (len(group.equations.diff_eq_names)
                                     + len(group.neuron_model.node_names))
    return result
