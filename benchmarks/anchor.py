"""Dendrify's own published benchmark, re-run here in Dendrify and in this package.

Source: Dendrify (Pagkalos, Chavlis & Poirazi 2023, Nat Commun 14:131), repository
``Poirazi-Lab/dendrify``, notebooks ``paper_figures/benchmarks/group_active_dendrites.ipynb``
and ``paper_figures/benchmarks/group_passive_dendrites.ipynb``, added in commit
dd0c61ef68e96f08fcb84032b34148c1c5f44de3 (2022-11-15, Dendrify 1.0.5; unchanged at
05515f3c2e31538aac44e25ce3f45edad2955927). Each notebook cell times, with
``%%timeit -r 10 -n 1``, the whole script: ``start_scope``, building, and
``run(1000*ms)``, Brian2 ``numpy`` target, ``euler``, default dt (0.1 ms).

The published model (taken exactly):

- soma ``Soma('soma', model='leakyIF', length=25 um, diameter=25 um)``; dendrites
  ``trunk`` 100 x 2.5 um, ``prox`` 100 x 1 um, ``dist`` 100 x 0.5 um, a chain
  soma-trunk-prox-dist with couplings 15, 10, 4 nS; ``NeuronModel(cm=1 uF/cm^2,
  gl=40 uS/cm^2, r_axial=150 Ohm cm, scale_factor=2.8, spine_factor=1.5 (dendrites only),
  v_rest=-60 mV)``;
- soma threshold ``V_soma > -50 mV``, reset ``V_soma = -60 mV``, refractory 4 ms (the
  voltage keeps integrating while refractory: no ``unless refractory`` flag);
- AMPA (instant rise, tau 5 ms, E 0 mV) on ``dist`` (1 nS) and ``prox`` (2 nS); input a
  ``PoissonGroup(2N, 50 Hz)``, source k to ``dist`` of neuron k and source N + k to
  ``prox`` of neuron k, ``s_AMPA += 1`` per spike;
- active variant: Na dSpikes on all three dendrites, threshold -40 mV, g_rise (Na) 34,
  15.3, 7 nS and g_fall (K) 27.2, 12.24, 5.6 nS (trunk, prox, dist);
  ``dspike_properties('Na', tau_rise=0.6 ms, tau_fall=1.2 ms, refractory=5 ms,
  offset_fall=0.2 ms)``; E_Na 70 mV, E_K -89 mV (Dendrify's defaults). In Dendrify 1.0.5
  (``dendrify/compartment.py``, ``_Na_spikes``, and ``dendrify/equations.py`` at that
  commit) a dSpike is: on the event ``V > Vth_Na and allow_I_Na and t > timer_Na +
  refractory_Na`` the Na conductance jumps by g_rise and decays with tau_rise
  (``dg_Na/dt = -g_Na/tau_Na``); once ``t > timer_Na + offset_Kn`` the K conductance jumps by
  g_fall and decays with tau_fall.

Dendrify 2.2 (installed here) replaced those decaying conductances with rectangular pulses
(``Dendrite.dspikes(duration_rise, ...)``), so ``simulator="dendrify"`` builds the
compartments, couplings, AMPA synapses and passive properties with the 2.2 API exactly as
the notebook does, and re-adds the 1.0.5 dSpike equations, events and ``run_on_event``
actions with 2.2's ``add_equations``/``replace_equations``/``add_params`` and the
``NeuronGroup(..., events=...)`` the notebook builds itself.

``simulator="ours"``: the same neuron with this package's public API: four
:class:`~dendritic_models.Compartment` (areas as published: the scale and spine factors are
folded into Cm and gL; each dendrite's Ra chosen so that our half-segment couplings are
exactly 15, 10 and 4 nS), a :func:`~dendritic_models.mechanisms.lif` soma
(V_th -50 mV, V_reset = V_AP = -60 mV, t_ref 4 ms), AMPA receptors on prox/dist (the
shared constant ``tau_AMPA`` set to the published 5 ms), and a dSpike
:class:`~dendritic_models.mechanisms.Mechanism` with the 1.0.5 equations (conductances that
jump at the event and decay exponentially, written as functions of the time since the
event; same threshold, refractory and offset). Input: the same ``PoissonGroup`` and plain
Brian2 ``Synapses`` onto our group's ``g_AMPA_dist``/``g_AMPA_prox``.

Same input on both sides: the Poisson trains are drawn inside Brian2 (as published), after
``brian2.seed(seed)`` with the same seed; the ``PoissonGroup`` is the only consumer of
random numbers on either side and draws N*2 uniforms per step in the same order, so both
simulators receive identical spikes on one device (``record_input=True`` returns their
count to check).

Known model difference: our soma is an ideal clamp at V_reset for the whole refractory
period (our ``lif`` waveform), Dendrify's soma integrates freely after the reset.
"""

from __future__ import annotations

import time

import numpy as np
from brian2 import (
    Hz,
    Network,
    NeuronGroup,
    PoissonGroup,
    SpikeMonitor,
    Synapses,
    cm,
    metre,
    ms,
    mV,
    nS,
    ohm,
    second,
    seed,
    uF,
    um,
    uS,
)

from dendritic_models import Compartment, NeuronModel
from dendritic_models.mechanisms import Mechanism, lif

from .timing import brian2_device

#: published wall time (s) of the whole notebook cell, mean of 10 runs, numpy target
PUBLISHED = {
    ("active", 10): 2.57, ("active", 100): 2.77, ("active", 1000): 3.65,
    ("active", 10000): 9.87, ("active", 100000): 93.0,
    ("passive", 10): 1.17, ("passive", 100): 1.23, ("passive", 1000): 1.78,
    ("passive", 10000): 5.69, ("passive", 100000): 56.0,
    "source": ("Pagkalos, Chavlis & Poirazi 2023, Nat Commun 14:131; github.com/"
               "Poirazi-Lab/dendrify paper_figures/benchmarks/group_active_dendrites.ipynb "
               "and group_passive_dendrites.ipynb, commit "
               "dd0c61ef68e96f08fcb84032b34148c1c5f44de3 (Dendrify 1.0.5, numpy target, "
               "%%timeit of build + run(1000*ms), mean of 10)"),
}

DT = 0.1e-3  #: s, Brian2's default dt, as published
DURATION = 1.0  #: s
RATE = 50 * Hz
G_AMPA = {"dist": 1 * nS, "prox": 2 * nS}
TAU_AMPA = 5 * ms
GEOMETRY = {"trunk": (100 * um, 2.5 * um), "prox": (100 * um, 1 * um),
            "dist": (100 * um, 0.5 * um)}
COUPLING = {"trunk": 15 * nS, "prox": 10 * nS, "dist": 4 * nS}  #: to the parent
PARENT = {"trunk": "soma", "prox": "trunk", "dist": "prox"}
DSPIKE = {  # g_rise (Na), g_fall (K)
    "trunk": (34 * nS, 27.2 * nS), "prox": (15.3 * nS, 12.24 * nS), "dist": (7 * nS, 5.6 * nS)}
DSPIKE_PROPERTIES = {"Vth": -40 * mV, "tau_Na": 0.6 * ms, "tau_Kn": 1.2 * ms,
                     "refractory_Na": 5 * ms, "offset_Kn": 0.2 * ms,
                     "E_Na": 70 * mV, "E_K": -89 * mV}
CM, GL, RA, V_REST = 1 * uF / cm**2, 40 * uS / cm**2, 150 * ohm * cm, -60 * mV
SCALE, SPINE = 2.8, 1.5


# -- Dendrify ------------------------------------------------------------------------------


def _dendrify_group(n: int, active: bool):
    from dendrify import Dendrite, Soma
    from dendrify import NeuronModel as DendrifyModel

    soma = Soma("soma", model="leakyIF", length=25 * um, diameter=25 * um)
    dends = {name: Dendrite(name, length=length, diameter=diameter)
             for name, (length, diameter) in GEOMETRY.items()}
    dends["dist"].synapse("AMPA", tag="X", g=G_AMPA["dist"], t_decay=TAU_AMPA)
    dends["prox"].synapse("AMPA", tag="Y", g=G_AMPA["prox"], t_decay=TAU_AMPA)
    events, actions, params = {}, {}, {}
    if active:  # Dendrify 1.0.5's Na dSpike, see the module docstring
        for name, comp in dends.items():
            comp.replace_equations(f"= I_ext_{name}", f"= I_ext_{name} + I_Na_{name} + I_Kn_{name}")
            comp.add_equations("\n".join([
                f"I_Na_{name} = g_Na_{name} * (E_Na-V_{name})  :amp",
                f"I_Kn_{name} = g_Kn_{name} * (E_K-V_{name})  :amp",
                f"dg_Na_{name}/dt = -g_Na_{name}/tau_Na  :siemens",
                f"dg_Kn_{name}/dt = -g_Kn_{name}/tau_Kn  :siemens",
                f"allow_I_Na_{name}  :boolean",
                f"allow_I_Kn_{name}  :boolean",
                f"timer_Na_{name}  :second"]))
            events[f"activate_I_Na_{name}"] = (f"V_{name} > Vth_Na_{name} and allow_I_Na_{name}"
                                               f" and t > timer_Na_{name} + refractory_Na")
            events[f"activate_I_Kn_{name}"] = (f"t > (timer_Na_{name} + offset_Kn) and "
                                               f"allow_I_Kn_{name}")
            actions[f"activate_I_Na_{name}"] = (
                f"g_Na_{name} += g_Na_{name}_max; allow_I_Na_{name}=False; "
                f"allow_I_Kn_{name}=True; timer_Na_{name} = t")
            actions[f"activate_I_Kn_{name}"] = (
                f"g_Kn_{name} += g_Kn_{name}_max; allow_I_Kn_{name}=False; "
                f"allow_I_Na_{name}=True")
            g_rise, g_fall = DSPIKE[name]
            params.update({f"Vth_Na_{name}": DSPIKE_PROPERTIES["Vth"],
                           f"g_Na_{name}_max": g_rise, f"g_Kn_{name}_max": g_fall})
    edges = [(soma, dends["trunk"], COUPLING["trunk"]),
             (dends["trunk"], dends["prox"], COUPLING["prox"]),
             (dends["prox"], dends["dist"], COUPLING["dist"])]
    model = DendrifyModel(edges, cm=CM, gl=GL, r_axial=RA, scale_factor=SCALE,
                          spine_factor=SPINE, v_rest=V_REST)
    if active:
        model.add_params({**params, **{k: v for k, v in DSPIKE_PROPERTIES.items()
                                       if k != "Vth"}})
    group = NeuronGroup(n, model=model.equations, method="euler",
                        threshold="V_soma > -50*mV", reset="V_soma = -60*mV",
                        refractory=4 * ms, namespace=model.parameters,
                        events=events or None, name="cells")
    for name in ("soma", *GEOMETRY):
        setattr(group, f"V_{name}", V_REST)
    for name in GEOMETRY if active else ():
        setattr(group, f"allow_I_Na_{name}", True)
        setattr(group, f"allow_I_Kn_{name}", False)
    for event, action in actions.items():
        group.run_on_event(event, action)
    targets = {"dist": "s_AMPA_X_dist += 1", "prox": "s_AMPA_Y_prox += 1"}
    return group, targets


# -- ours ----------------------------------------------------------------------------------


def published_dspike(g_rise, g_fall) -> Mechanism:
    """Dendrify 1.0.5's Na dSpike as a mechanism of this package: at the event the Na
    conductance jumps to g_rise and decays with tau_Na; ``offset_Kn`` later the K conductance
    jumps to g_fall and decays with tau_Kn (functions of the time since the event)."""
    p = DSPIKE_PROPERTIES
    return Mechanism(
        name="dspike_published",
        source="Pagkalos, Chavlis & Poirazi 2023; Dendrify 1.0.5 (commit dd0c61e) _Na_spikes",
        equations=("t_dsp : second\n"
                   "g_Na = g_rise*exp(-(t - t_dsp)/tau_Na) : siemens\n"
                   "g_Kn = g_fall*exp(-(t - t_dsp - offset_Kn)/tau_Kn)"
                   "*int(t - t_dsp > offset_Kn) : siemens"),
        current="g_Na*(E_Na - v) + g_Kn*(E_K - v)",
        parameters={"Vth_Na": p["Vth"], "g_rise": g_rise, "g_fall": g_fall,
                    "tau_Na": p["tau_Na"], "tau_Kn": p["tau_Kn"], "offset_Kn": p["offset_Kn"],
                    "refractory_Na": p["refractory_Na"], "E_Na": p["E_Na"], "E_K": p["E_K"]},
        initial={"t_dsp": -1e4 * second},
        triggers={"t_dsp": "v > Vth_Na and t - t_dsp > refractory_Na"},
    )


def ours_model(active: bool = True) -> NeuronModel:
    """The published neuron with this package's public API (see the module docstring)."""
    # half-segment resistances so that each coupling to the parent is the published value:
    # g_axial(x) = 1/(r_half(x) + r_half(parent)), r_half(soma) = 0
    r_half, previous = {}, 0.0
    for name in GEOMETRY:
        r_half[name] = 1 / float(COUPLING[name]) - previous
        previous = r_half[name]
    comps = [Compartment("soma", "soma", length=25 * um, diameter=25 * um,
                         Cm=CM * SCALE, gL=GL * SCALE, EL=V_REST, Ra=RA, receptors=(),
                         mechanisms=[lif(V_th=-50 * mV, V_AP=V_REST, t_AP=0.2 * ms,
                                         V_reset=V_REST, t_ref=4 * ms)])]
    for name, (length, diameter) in GEOMETRY.items():
        ra = r_half[name] * np.pi * float(diameter) ** 2 / 4 / (float(length) / 2)
        comps.append(Compartment(
            name, "dendrite", parent=PARENT[name], length=length, diameter=diameter,
            Cm=CM * SCALE * SPINE, gL=GL * SCALE * SPINE, EL=V_REST, Ra=ra * ohm * metre,
            receptors=("AMPA",) if name in G_AMPA else (),
            mechanisms=[published_dspike(*DSPIKE[name])] if active else []))
    return NeuronModel(comps, name="dendrify_anchor")


def _ours_group(n: int, active: bool):
    group = ours_model(active).group(n, name="cells")
    group.tau_AMPA = TAU_AMPA
    targets = {name: f"g_AMPA_{name}_post += {float(g / nS)!r}*nS"
               for name, g in G_AMPA.items()}
    return group, targets


# -- both ----------------------------------------------------------------------------------


def simulate(n_neurons: int, simulator: str = "dendrify", device: str = "numpy",
             active: bool = True, seed_value: int = 1, record_input: bool = False) -> dict:
    """Dendrify's published benchmark (``active`` or passive dendrites) for ``n_neurons``,
    1 s, in ``simulator`` (``dendrify`` or ``ours``) on ``device``. Returns ``setup_s``,
    ``compile_s``, ``run_s`` (:mod:`benchmarks.timing`; the published figure is their sum)
    and ``spike_counts``; with ``record_input``, ``input_spikes`` (total Poisson spikes)."""
    build = {"dendrify": _dendrify_group, "ours": _ours_group}[simulator]
    with brian2_device(device, DT, 0, key=f"bench_anchor_{simulator}") as dev:
        seed(seed_value)
        start = time.perf_counter()
        group, targets = build(n_neurons, active)
        poisson = PoissonGroup(2 * n_neurons, RATE, name="poisson")
        inputs = []
        for k, name in enumerate(("dist", "prox")):
            syn = Synapses(poisson[k * n_neurons:(k + 1) * n_neurons], group,
                           on_pre=targets[name], name=f"input_{name}")
            syn.connect(j="i")
            inputs.append(syn)
        spikes = SpikeMonitor(group, record=False, name="spikes")
        extra = [SpikeMonitor(poisson, record=False, name="poisson_spikes")] \
            if record_input else []
        net = Network(group, poisson, spikes, *inputs, *extra)
        result = dev.run(net, DURATION * second, setup_s=time.perf_counter() - start)
        result["spike_counts"] = np.asarray(spikes.count[:])
        if record_input:
            result["input_spikes"] = int(extra[0].num_spikes)
    return result
