"""A :class:`~benchmarks.workload.Workload` built and run with Dendrify 2.2.

Dendrify: Pagkalos, Chavlis & Poirazi 2023, "Introducing the Dendrify framework for
incorporating dendrites to spiking neural networks", Nat Commun 14:131
(https://github.com/Poirazi-Lab/dendrify). Same Brian2 device and timing harness as
:mod:`benchmarks.ours` (:func:`benchmarks.timing.brian2_device`), so the two are timed
identically; ``simulate`` returns the same keys.

How the template (``workload.model()``, a :class:`dendritic_models.NeuronModel`) is mapped,
node by node, onto Dendrify's API:

- Every electrical node with membrane becomes a Dendrify compartment: the root a
  ``Soma(model='adex')``, the others ``Dendrite(model='passive')``, each *dimensionless*
  (Dendrify's ``cm_abs``/``gl_abs``/``v_rest``) with our absolute ``C_<node>``,
  ``gL_<node>``, ``EL_<node>``; they are joined with ``connect`` (``(a, b, g)`` edges of
  ``NeuronModel``) using our ``g_axial_<node>``.
- Junction nodes (our zero-area branch points, ``Node.is_junction``) have no counterpart in
  Dendrify, whose compartments all carry a capacitance. They are eliminated exactly by the
  star-mesh (Kron) transform: a junction with neighbours of coupling g_1..g_k is replaced by
  direct couplings g_a g_b / sum(g) between each pair of its neighbours (parallel couplings
  add). For a node without membrane this reduction is exact, so both models have the same
  conductance network (sibling branches become directly coupled in Dendrify).
- Soma: Dendrify's ``adex`` library equations (``Vth`` = our ``VT``, ``DeltaT``, ``a``,
  ``tauw``), threshold ``V_soma > V_th_soma`` (our ``VT + 5 DeltaT``), Dendrify's two-step
  reset: ``reset`` sets ``V_AP`` (+40 mV) and ``w += b``, ``second_reset`` sets ``V_reset``
  after ``spike_width = t_AP`` (0.8 ms), ``refractory = t_ref``. Our soma is an ideal
  clamp during the waveform; Dendrify writes ``dV_soma/dt`` without a flag, so here
  ``replace_equations`` adds ``(unless refractory)`` to it (Brian2 accepts it), which
  freezes V_soma at the values the two resets write, as our clamp does.
- Dendritic Na spikes and the L5 Ca plateau: Dendrify's ``dspikes`` (rectangular rise and
  fall conductances, absolute ``g_rise``/``g_fall`` = our node-scaled ``gbar``, durations,
  ``offset_fall`` = our K/KCa delay, ``refractory``, reversal). Dendrify converts the
  durations to whole time steps and opens its pulses for ``duration + 1`` steps counted
  from the event step (``t_in_timesteps <= spiketime + duration``), ours for ``dur`` from
  the event time: a difference of one step. Our Ca plateau triggers on a low-pass ``u`` of
  v (tau 4 ms); Dendrify's event condition reads ``V_<comp>``, so ``add_equations`` adds
  ``du_<node>/dt = (V_<node> - u_<node>)/tau_u_<node>`` and the one dSpike event condition
  of that compartment (``Dendrite._events``, where ``dspikes`` stores it) is rewritten to
  test ``u_<node>`` instead of ``V_<node>``.
- Receptors: ``synapse('AMPA'|'NMDA'|'GABA', tag=<projection>, g=<peak conductance>,
  t_decay=..., t_rise=...)`` on each targeted compartment: AMPA decay 5.26 ms; NMDA rise 2 ms
  / decay 60 ms with ``scale_g=True`` so that a unit jump peaks at ``g``; GABA decay 5.6 ms,
  E -80 mV (Dendrify's default ``E_GABA``). Mg block: Dendrify's
  1/(1 + Mg_con exp(-Alpha (V/mV + Gamma))/Beta) with Mg_con 1, Alpha 0.062, Beta 3.57,
  Gamma 0 (set explicitly) is our 1/(1 + [Mg]/3.57 mM exp(-0.062 v/mV)) at [Mg] = 1 mM.
  One Brian2 ``Synapses`` per (projection, node) from the ``SpikeGeneratorGroup`` that
  replays ``source_i``/``source_t``; ``on_pre`` adds the efficacy ``w`` to that node's
  channel variable (``s_<channel>_<tag>_<node>``), so w = 1 gives our peak conductance.
- Plasticity is added by hand as Brian2 ``Synapses`` (Dendrify has no plasticity API), with
  the equations and parameter values of :mod:`dendritic_models.rules.pair_stdp` (Song,
  Miller & Abbott 2000) and :mod:`dendritic_models.rules.local_coactivity` (Wright, Hedrick &
  Komiyama 2025): traces and clipped additive updates on ``w``; for local co-activity a
  second ``Synapses`` per (projection, node), from the sources onto those synapses,
  relays each source spike to the neighbouring synapses (pairs from
  :func:`dendritic_models.wiring.neighbour_pairs`, radius 30 um, ``separation`` =
  |x_k - x_m|).

Integration scheme and time step. Dendrify integrates every variable with Brian2's
explicit ``euler`` and the axial coupling explicitly; our package solves the voltages with a
backward-Euler tree solve. Explicit Euler on the passive cable is stable only for
dt < 2/|lambda_max| of the matrix C^-1 (G_leak + G_axial): for these templates
|lambda_max| = 24 /ms (L2/3, at the soma) and 27.8 /ms (L5, first proximal-trunk segment),
so dt < 0.083 ms and dt < 0.072 ms: **the workloads' 0.1 ms is unstable in Dendrify** (the
voltages diverge). :func:`euler_dt` picks the largest ``workload.dt / 2**k`` that is
stable, 0.05 ms for both templates (what a Dendrify user would pick); the chosen step is
returned as ``dt``. This halves Dendrify's step size relative to ours and doubles its
number of steps; pass ``dt=`` to override.
"""

from __future__ import annotations

import time
from collections import defaultdict

import numpy as np
from brian2 import (
    Network,
    SpikeGeneratorGroup,
    SpikeMonitor,
    Synapses,
    metre,
    ms,
    second,
    siemens,
    um,
)
from dendrify import Dendrite, NeuronModel, Soma

from dendritic_models.wiring import neighbour_pairs

from ..timing import brian2_device
from ..workload import RULES, Projection, Workload

#: our receptor name -> Dendrify's channel name
CHANNEL = {"AMPA": "AMPA", "NMDA": "NMDA", "GABA_A": "GABA"}

# -- the conductance network --------------------------------------------------------------


def couplings(model) -> dict[tuple[str, str], float]:
    """Axial couplings (S) between membrane nodes of ``model``, junctions eliminated by
    the star-mesh transform (see the module docstring)."""
    edges: dict[tuple[str, str], float] = defaultdict(float)
    for node in model.tree.nodes:
        if node.parent is not None:
            edges[(node.parent, node.name)] += float(model.parameters[f"g_axial_{node.name}"])
    for junction in (n.name for n in model.tree.nodes if n.is_junction):
        star = {(a if b == junction else b): g for (a, b), g in edges.items()
                if junction in (a, b)}
        for key in [k for k in edges if junction in k]:
            del edges[key]
        total = sum(star.values())
        names = list(star)
        for i, a in enumerate(names):
            for b in names[i + 1:]:
                key = (a, b) if (b, a) not in edges else (b, a)
                edges[key] += star[a] * star[b] / total
    return dict(edges)


def euler_dt(model, dt: float) -> float:
    """The largest ``dt / 2**k`` for which explicit Euler is stable on the model's passive
    cable (``dt * |lambda_max| < 2`` for the matrix C^-1 (G_leak + G_axial))."""
    names = model.node_names
    index = {n: i for i, n in enumerate(names)}
    g = np.zeros((len(names), len(names)))
    for (a, b), value in couplings(model).items():
        i, k = index[a], index[b]
        g[i, k] -= value
        g[k, i] -= value
        g[i, i] += value
        g[k, k] += value
    cap = np.array([float(model.parameters[f"C_{n}"]) for n in names])
    leak = np.array([float(model.parameters[f"gL_{n}"]) for n in names])
    lam = np.max(np.abs(np.linalg.eigvals((g + np.diag(leak)) / cap[:, None])))
    while dt * lam >= 2:
        dt /= 2
    return dt


# -- the neuron ---------------------------------------------------------------------------


def _has(model, name: str) -> bool:
    return name in model.parameters


def dendrify_model(model, projections: tuple[Projection, ...] = ()) -> NeuronModel:
    """The Dendrify ``NeuronModel`` of our template ``model`` with the receptor channels
    the ``projections`` need (see the module docstring)."""
    p = model.parameters
    root = model.tree.nodes[0].name
    comps = {}
    for name in model.node_names:
        kind = Soma if name == root else Dendrite
        comps[name] = kind(name, model="adex" if name == root else "passive",
                           cm_abs=p[f"C_{name}"], gl_abs=p[f"gL_{name}"], v_rest=p[f"EL_{name}"])
        if _has(model, f"theta_dspike_{name}"):
            comps[name].dspikes(
                "Na", threshold=p[f"theta_dspike_{name}"], g_rise=p[f"gbar_Na_{name}"],
                g_fall=p[f"gbar_K_{name}"], duration_rise=p[f"dur_Na_{name}"],
                duration_fall=p[f"dur_K_{name}"], reversal_rise=p[f"E_Na_{name}"],
                reversal_fall=p[f"E_K_{name}"], offset_fall=p[f"delay_K_{name}"],
                refractory=p[f"t_ref_dspike_{name}"])
        if _has(model, f"theta_caspike_{name}"):
            comp = comps[name]
            comp.dspikes(
                "Ca", threshold=p[f"theta_caspike_{name}"], g_rise=p[f"gbar_Ca_{name}"],
                g_fall=p[f"gbar_KCa_{name}"], duration_rise=p[f"dur_Ca_{name}"],
                duration_fall=p[f"dur_KCa_{name}"], reversal_rise=p[f"E_Ca_{name}"],
                reversal_fall=p[f"E_KCa_{name}"], offset_fall=p[f"delay_KCa_{name}"],
                refractory=p[f"t_ref_caspike_{name}"])
            if _has(model, f"tau_u_caspike_{name}"):  # trigger on the activation u
                comp.add_equations(f"du_{name}/dt = (V_{name} - u_{name})/tau_u_{name}  :volt")
                comp.add_params({f"tau_u_{name}": p[f"tau_u_caspike_{name}"]})
                event = f"spike_Ca_{name}"
                comp._events[event] = comp._events[event].replace(f"V_{name} >=",
                                                                  f"u_{name} >=")
    for proj in projections:
        for node in sorted(set(proj.node)):
            for receptor, g in proj.receptors.items():
                kinetics = {"AMPA": {"t_decay": 5.26 * ms},
                            "NMDA": {"t_rise": 2 * ms, "t_decay": 60 * ms, "scale_g": True},
                            "GABA_A": {"t_decay": 5.6 * ms}}[receptor]
                comps[node].synapse(CHANNEL[receptor], tag=proj.name, g=g * siemens,
                                    **kinetics)
    edges = [(comps[a], comps[b], g * siemens) for (a, b), g in couplings(model).items()]
    neuron = NeuronModel(edges)
    # our soma is clamped during the AP waveform: freeze V_soma between Dendrify's resets
    neuron.replace_equations(f"/ C_{root}  :volt", f"/ C_{root}  :volt (unless refractory)")
    neuron.add_params({
        f"Vth_{root}": p[f"VT_{root}"], f"DeltaT_{root}": p[f"DeltaT_{root}"],
        f"a_{root}": p[f"a_{root}"], f"tauw_{root}": p[f"tau_w_{root}"],
        f"b_{root}": p[f"b_{root}"], f"Vspike_{root}": p[f"V_th_{root}"],
        f"V_AP_{root}": p[f"V_AP_{root}"], f"V_reset_{root}": p[f"V_reset_{root}"],
        "Mg_con": 1.0, "Alpha_NMDA": 0.062, "Beta_NMDA": 3.57, "Gamma_NMDA": 0,
    })
    return neuron


def neuron_group(model, neuron: NeuronModel, n: int):
    """Dendrify's ``make_neurongroup`` with the two-step AP reset; returns
    ``(group, second_reset_synapses)``."""
    p, root = model.parameters, model.tree.nodes[0].name
    group = neuron.make_neurongroup(
        n, method="euler", threshold=f"V_{root} > Vspike_{root}",
        reset=f"V_{root} = V_AP_{root}; w_{root} += b_{root}",
        refractory=p[f"t_ref_{root}"], name="cells")
    # Dendrify's second reset (make_neurongroup(second_reset=, spike_width=)) built as
    # Dendrify builds it; asking for it there fails under cpp_standalone, since
    # make_neurongroup tests the new Synapses' truth value, i.e. reads its size, before
    # the run (dendrify 2.2 neuronmodel.py, the last line of make_neurongroup)
    ap_reset = Synapses(group, group, on_pre=f"V_{root} = V_reset_{root}",
                        delay=p[f"t_AP_{root}"], namespace=neuron.parameters)
    ap_reset.connect(j="i")
    for name in model.node_names:
        if f"u_{name}" in group.variables:
            setattr(group, f"u_{name}", p[f"EL_{name}"])
    return group, ap_reset


# -- synapses and rules ---------------------------------------------------------------------


def _rule_parts(rule: str | None):
    """(model lines, extra on_pre, on_post, namespace) of a rule, written out by hand from
    the equations of our rule modules."""
    if rule is None:
        return ["w : 1"], [], None, {}
    if rule == "pair_stdp":
        par = dict(RULES[rule]().parameters)
        return (["w : 1", "dapre/dt = -apre/tau_plus : 1 (event-driven)",
                 "dapost/dt = -apost/tau_minus : 1 (event-driven)"],
                ["apre += A_plus", "w = clip(w - apost, 0, w_max)"],
                "apost += A_minus\nw = clip(w + apre, 0, w_max)", par)
    if rule == "local_coactivity":
        par = dict(RULES[rule]().parameters)
        return (["w : 1", "A : 1", "t_A : second", "C : 1", "t_C : second"],
                ["w = clip(w + eta_coop*C*exp(-(t - t_C)/tau_coact) - eta_iso, 0, w_max)",
                 "A = A*exp(-(t - t_A)/tau_coact) + 1", "t_A = t"], None, par)
    raise ValueError(f"unknown rule {rule!r}")


NEIGHBOUR_ON_PRE = (
    "proximity = exp(-separation/length_scale)\n"
    "w_post = clip(w_post + eta_coop*proximity*A_post*exp(-(t - t_A_post)/tau_coact), 0, w_max)\n"
    "C_post = C_post*exp(-(t - t_C_post)/tau_coact) + proximity\n"
    "t_C_post = t"
)


def connect_projection(source, group, proj: Projection) -> tuple[dict, list]:
    """One ``Synapses`` per node of ``proj`` (and the co-activity relays); returns
    ``({node: (synapses, synapse indices in proj)}, relays)``."""
    eqs, rule_pre, on_post, namespace = _rule_parts(proj.rule)
    per_node = {}
    position = np.empty(proj.size, dtype=int)
    for node in sorted(set(proj.node)):
        idx = np.flatnonzero(proj.node == node)
        position[idx] = np.arange(idx.size)
        increments = [f"s_{CHANNEL[r]}_{proj.name}_{node}_post += w" for r in proj.receptors]
        syn = Synapses(source, group, model="\n".join(eqs),
                       on_pre="\n".join(increments + rule_pre), on_post=on_post,
                       namespace=namespace, name=f"{proj.name}_{node}")
        syn.connect(i=proj.pre[idx], j=proj.post[idx])
        syn.w = 1.0
        per_node[node] = (syn, idx)
    relays = []
    if proj.rule == "local_coactivity":
        radius = float(RULES[proj.rule]().neighbour_radius / um)
        origin, target = neighbour_pairs(proj.post, proj.branch, proj.x / 1e-6, radius)
        separation = np.abs(proj.x[target] - proj.x[origin])
        for node, (syn, _) in per_node.items():
            sel = proj.node[target] == node
            if not sel.any():
                continue
            relay = Synapses(source, syn, model="separation : metre (constant)",
                             on_pre=NEIGHBOUR_ON_PRE, namespace=namespace,
                             name=f"{proj.name}_{node}_neighbours")
            relay.connect(i=proj.pre[origin[sel]], j=position[target[sel]])
            relay.separation = separation[sel] * metre
            relays.append(relay)
    return per_node, relays


def simulate(workload: Workload, device: str = "cython", threads: int = 0,
             dt: float | None = None) -> dict:
    """Run ``workload`` in Dendrify on ``device`` (``numpy``, ``cython``,
    ``cpp_standalone``); same keys as :func:`benchmarks.ours.simulate`, plus ``dt`` (the
    step used: :func:`euler_dt` of the workload's unless ``dt`` is given)."""
    model = workload.model()
    dt = euler_dt(model, workload.dt) if dt is None else dt
    with brian2_device(device, dt, threads, key=f"bench_dendrify_{workload.name}") as dev:
        start = time.perf_counter()
        neuron = dendrify_model(model, workload.projections)  # after dt is set (dSpike steps)
        group, ap_reset = neuron_group(model, neuron, workload.n_neurons)
        source = SpikeGeneratorGroup(workload.n_sources, workload.source_i,
                                     workload.source_t * second, name="sources")
        synapses, relays = {}, []
        for proj in workload.projections:
            synapses[proj.name], extra = connect_projection(source, group, proj)
            relays += extra
        spikes = SpikeMonitor(group, record=False, name="spikes")
        net = Network(group, ap_reset, source, spikes, *relays,
                      *(s for per_node in synapses.values() for s, _ in per_node.values()))
        result = dev.run(net, workload.duration * second, setup_s=time.perf_counter() - start)
        result["spike_counts"] = np.asarray(spikes.count[:])
        result["weights"] = {}
        for proj in workload.projections:
            if proj.rule:
                w = np.empty(proj.size)
                for syn, idx in synapses[proj.name].values():
                    w[idx] = syn.w[:]
                result["weights"][proj.name] = float(np.mean(w))
        result["state_variables"] = len(group.equations.diff_eq_names)
        result["dt"] = dt
    return result
