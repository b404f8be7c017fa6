"""Run a small tree carrying every mechanism type and every rule on one target; print JSON.

Used by test_targets.py in a fresh process per target. The tree: AdEx soma (AP clamp),
a basal branch with Na spikes (2 segments), a trunk and a tuft with the Ca plateau zone;
AMPA/NMDA/GABA-A synapses from 40 inputs with fixed pseudo-random spike times (seed 7).
Each plasticity rule gets its own projection from the same inputs (receptor weights small,
so the spikes are those of the fixed synapses plus a little), and its final weights are
reported. ``tag_capture`` draws random numbers, which differ between targets even with
one seed (each target has its own generator or buffering), so its projection carries no
conductance and cannot change the spikes that the other rules' comparison relies on.
"""

import json
import sys
import tempfile
from pathlib import Path

import numpy as np
from brian2 import (
    Network,
    SpikeGeneratorGroup,
    SpikeMonitor,
    ms,
    nS,
    prefs,
    seed,
    set_device,
    um,
)

from dendritic_models import Compartment, NeuronModel
from dendritic_models.mechanisms import adex, ca_plateau, na_spike
from dendritic_models.rules.bcm import bcm
from dendritic_models.rules.burst_dependent import burst_dependent
from dendritic_models.rules.clopath import clopath
from dendritic_models.rules.graupner_brunel import graupner_brunel
from dendritic_models.rules.local_coactivity import local_coactivity
from dendritic_models.rules.pair_stdp import pair_stdp
from dendritic_models.rules.tag_capture import tag_capture
from dendritic_models.rules.three_factor import dopamine_release, three_factor_stdp
from dendritic_models.rules.triplet_stdp import triplet_stdp
from dendritic_models.wiring import connect

STOCHASTIC = {"tag_capture"}  #: rules that draw random numbers
#: rule name -> (factory, compartment it is placed on); Graupner-Brunel without its noise
RULES = {
    "bcm": (bcm, "basal"),
    "three_factor_stdp": (three_factor_stdp, "basal"),
    "burst_dependent": (burst_dependent, "basal"),
    "tag_capture": (tag_capture, "soma"),
    "graupner_brunel": (lambda: graupner_brunel(sigma=0.0), "basal"),
    "pair_stdp": (pair_stdp, "basal"),
    "triplet_stdp": (triplet_stdp, "basal"),
    "clopath": (clopath, "trunk"),
    "local_coactivity": (local_coactivity, "tuft"),
}


def main(target: str) -> None:
    if target == "cpp_standalone":
        set_device("cpp_standalone", directory=tempfile.mkdtemp(prefix="dm_standalone_"))
    else:
        prefs.codegen.target = target
    if target == "cython":
        # this checks results, not speed: -O0 compiles the rules' ~40 extensions in about
        # 0.4x the time of Brian2's -O3; in a cache of their own, as Brian2's cache key
        # does not include the compiler flags
        prefs.codegen.cpp.extra_compile_args_gcc = [
            "-O0" if arg.startswith("-O") else arg
            for arg in prefs.codegen.cpp.extra_compile_args_gcc]
        prefs.codegen.runtime.cython.cache_dir = str(
            Path.home() / ".cython" / "brian_extensions_O0")
    model = NeuronModel(
        [
            Compartment("soma", "soma", length=20 * um, diameter=20 * um,
                        mechanisms=[adex(), tag_capture().mechanism]),
            Compartment("basal", "basal", parent="soma", length=150 * um, diameter=1 * um,
                        n_seg=2, mechanisms=[na_spike()]),
            Compartment("trunk", "apical_trunk", parent="soma", length=300 * um,
                        diameter=3 * um, mechanisms=[clopath().mechanism]),
            Compartment("tuft", "apical_tuft", parent="trunk", length=100 * um,
                        diameter=2 * um, mechanisms=[ca_plateau()]),
        ],
        name="small",
    )
    group = model.group(4)
    rng = np.random.default_rng(7)
    n_inputs, n_spikes = 40, 400
    src = SpikeGeneratorGroup(
        n_inputs, rng.integers(0, n_inputs, n_spikes),
        np.round(rng.uniform(0, 290, n_spikes), 1) * ms,
    )
    pairs = [(i, j) for i in range(n_inputs) for j in range(4)]
    i, j = np.array(pairs).T
    exc_b, _ = connect(src, group, "basal", {"AMPA": 1 * nS, "NMDA": 1.5 * nS}, i=i, j=j, seed=3)
    exc_t, _ = connect(src, group, "tuft", {"AMPA": 0.8 * nS, "NMDA": 0.8 * nS}, i=i, j=j,
                       seed=4)
    inh, _ = connect(src, group, "soma", {"GABA_A": 0.3 * nS}, i=i[::3], j=j[::3], seed=5)
    spikes = SpikeMonitor(group)
    net = Network(group, src, exc_b, exc_t, inh, spikes)
    seed(11)
    plastic = {}
    for name, (factory, where) in RULES.items():
        # a stochastic rule's weights differ between targets: keep them off the spikes
        weight = 0 * nS if name in STOCHASTIC else 0.05 * nS
        plastic[name], _ = connect(src, group, where, {"AMPA": weight}, i=i, j=j,
                                   rule=factory(), seed=6, name=f"plastic_{name}")
        net.add(plastic[name])
    reward = SpikeGeneratorGroup(1, [0, 0], [120, 200] * ms)  # the third factor's spikes
    net.add(reward, dopamine_release(reward, plastic["three_factor_stdp"]))
    net.run(300 * ms)
    print(json.dumps({
        "w": {name: syn.w[:].tolist() for name, syn in plastic.items()},
        "spike_i": spikes.i[:].tolist(),
        "spike_t": (spikes.t / ms).tolist(),
        "t_dspike": (group.t_dspike_basal_1[:] / ms).tolist(),
        "t_caspike": (group.t_caspike_tuft[:] / ms).tolist(),
    }))


if __name__ == "__main__":
    main(sys.argv[1])
