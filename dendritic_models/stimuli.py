"""Electrode stimuli: timed rectangular current pulses into any compartment.

Slice protocols evoke somatic APs by brief current steps (e.g. 2-5 ms, ~1-3 nA; Larkum,
Zhu & Sakmann 1999, Nature 398:338; Markram, Lübke, Frotscher & Sakmann 1997, Science
275:213). A pulse is two events of a ``SpikeGeneratorGroup`` that add and remove the
amplitude on the node's electrode current ``I_ext_<node>``: event-driven, so it runs
unchanged under every Brian2 target including ``cpp_standalone``.
"""

from __future__ import annotations

import numpy as np
from brian2 import Quantity, SpikeGeneratorGroup, Synapses, amp, ms, second, volt

from .errors import ModelError
from .neuron import DendriticGroup, model_of
from .quantities import require_positive, require_unit


def current_pulses(
    target: DendriticGroup,
    where: str,
    neurons: np.ndarray,
    onsets: Quantity,
    amplitude: Quantity,
    duration: Quantity,
    name: str | None = None,
) -> tuple[SpikeGeneratorGroup, Synapses]:
    """Inject ``amplitude`` for ``duration`` at ``onsets[k]`` into neuron ``neurons[k]``.

    ``where`` names one electrical node (``'soma'``, ``'nexus'``, ``'tuft0_1'``). Returns the
    Brian2 objects to add to the network.
    """
    model = model_of(target)
    nodes = model.nodes(where)
    if len(nodes) != 1:
        raise ModelError(f"{where!r} spans {len(nodes)} segments; name one segment")
    require_unit(amplitude, amp, "amplitude")
    require_positive(duration, ms, "duration")
    require_unit(onsets, second, "onsets")
    neurons = np.asarray(neurons, dtype=int)
    onset_s = np.broadcast_to(np.asarray(onsets / second, dtype=float), neurons.shape)
    if onset_s.min(initial=0) < 0:
        raise ModelError("onsets must not be negative")
    n = len(neurons)
    # source 2k switches pulse k on, source 2k+1 switches it off
    indices = np.arange(2 * n)
    times = np.empty(2 * n)
    times[0::2], times[1::2] = onset_s, onset_s + float(duration / second)
    gen = SpikeGeneratorGroup(2 * n, indices, times * second, name=f"{name or 'pulses'}*")
    syn = Synapses(
        gen,
        target,
        model="polarity : 1 (constant)",
        on_pre=f"I_ext_{nodes[0].name}_post += polarity*{float(amplitude / amp)!r}*amp",
        name=f"{name or 'pulses'}_syn*",
    )
    syn.connect(i=indices, j=np.repeat(neurons, 2))
    syn.polarity = np.tile([1.0, -1.0], n)
    return gen, syn


def block_somatic_spikes(target: DendriticGroup, neurons) -> None:
    """Remove spike initiation at the soma of ``neurons`` (no APs, no bAPs), as local TTX
    does (Golding, Staff & Spruston 2002, Nature 418:326) and as Kir2.1 silencing does for
    the cell's output (Wright, Hedrick & Komiyama 2025); dendrites keep their own spikes.

    Sets the spike threshold ``V_th`` and, for AdEx, the exponential's ``VT`` to +1 V.
    """
    model = model_of(target)
    if model.spike is None:
        raise ModelError(f"model {model.name!r} has no somatic spike mechanism to block")
    root = model.tree.nodes[0].name
    # a list, not an array: cpp_standalone's index-array setter compares the index with a
    # string (brian2 2.9.0, CPPStandaloneDevice.variableview_set_with_index_array)
    neurons = [int(k) for k in np.asarray(neurons, dtype=int).ravel()]
    for par in ("V_th", "VT"):
        if f"{par}_{root}" in target.variables:
            getattr(target, f"{par}_{root}")[neurons] = 1 * volt
