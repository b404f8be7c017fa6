"""A :class:`~benchmarks.workload.Workload` built and run with NEURON 9.

NEURON: Hines & Carnevale 1997, "The NEURON simulation environment", Neural Comput
9:1179; Carnevale & Hines 2006, *The NEURON Book* (Cambridge University Press); PyPI
``neuron``. The model is the template's :class:`dendritic_models.NeuronModel`
(``workload.model()``), translated node by node; ``simulate`` returns the same keys as
:func:`benchmarks.ours.simulate`. Our own NMODL mechanisms are in ``neuron_mod/``
(compiled once per source hash by ``nrnivmodl``, see :func:`mechanisms`).

Translation
-----------
- Geometry and passive membrane as :mod:`dendritic_models.neuron_reference`: one
  ``Section`` per compartment with the same L, diam, nseg, cm, Ra and ``pas`` g/e; the soma
  (nseg 1) is a cylinder with the same membrane area; children attach at ``soma(0.5)`` or
  at the parent's distal end ``parent(1)``. Each electrical node of
  :mod:`dendritic_models.tree` is one NEURON segment with the same area; NEURON's
  zero-area node at a branch point is our junction node, and where only one child leaves
  a branch NEURON's zero-area end node sits between the two half-segment resistances that
  our single coupling adds in series (the same conductance network;
  :func:`check_geometry` verifies areas and couplings against ``model.parameters``).
- Soma: ``DMAdEx`` point process (``dm_adex.mod``), AdEx of Brette & Gerstner 2005 (J
  Neurophysiol 94:3637; ``dendritic_models.mechanisms.somatic_spike``) with absolute
  parameters, the exponential term explicit (evaluated at the step's initial voltage, as
  our solver does). The waveform (V_AP for t_AP, then V_reset until t_ref) is a stiff
  conductance clamp, ``g_clamp`` = 1e5 uS (>1e5 times every other conductance of the soma
  node, so the soma sits within ~1e-3 mV of the target), in place of our ideal clamp.
  Spikes are counted in the mechanism; its ``spiking`` flag is the NetCon source of the
  postsynaptic events of pair STDP.
- Dendritic Na spikes and the L5 Ca plateau: ``DMEventSpike`` (``dm_event_spike.mod``),
  one per node, with the node's absolute ``gbar``, reversal, delay, duration, threshold,
  refractory period and (Ca) the activation low-pass ``tau_u``.
- Receptors: one ``DMReceptors`` point process (``dm_receptors.mod``) per targeted node,
  AMPA, NMDA (Mg block, weights divided by
  :func:`~dendritic_models.mechanisms.receptors.peak_factor`) and GABA_A, with a NetCon per
  static synapse (weights (AMPA, NMDA, GABA) in uS): the standard NEURON idiom of one
  synaptic mechanism shared by many NetCons, and the per-node receptors of our package.
- Plastic synapses: one ``DMPlastic`` point process (``dm_plastic.mod``) per synapse,
  holding the efficacy w and the rule's traces; its presynaptic event increments its
  node's receptors through POINTERs with the efficacy before the update, then applies
  the rule (:mod:`dendritic_models.rules.pair_stdp`, Song, Miller & Abbott 2000;
  :mod:`dendritic_models.rules.local_coactivity`, Wright, Hedrick & Komiyama 2025).
  Postsynaptic spikes: a NetCon from the soma's ``spiking`` flag to each pair-STDP synapse.
  Neighbours: a NetCon from the source of synapse k to each neighbour m
  (:func:`dendritic_models.wiring.neighbour_pairs`, 30 um) carrying the separation.
- Sources: one ``DMRelay`` artificial cell (``dm_relay.mod``) per source, whose spike times
  are queued by ``NetCon.event`` during ``finitialize`` and which re-emits each one to its
  NetCons.

Time stepping: fixed-step backward Euler (``secondorder = 0``) at the workload's ``dt``.
Our package, per step: Brian2's state update (exponential Euler) with the old voltage,
then the voltage solve, thresholds, then synaptic events. NEURON, per step: events,
currents and the voltage solve, then the state update with the new voltage. The two
orders give the same recursion step by step: the mechanisms update their states with
exponential Euler, detect thresholds and events at the end of the step with our
conventions, and compare times from integer step counts as Brian2 does
(``t = step*dt``, ``timestep()``); synaptic NetCons have delay dt (an input spike first
acts in the step after it, as in our package) and add their jumps already advanced by one
state step. A somatic spike detected at the end of step n has NEURON time t_(n+1), our
time t_n; its postsynaptic events take delay dt and the rule uses their time minus dt.
Presynaptic events carry an extra delay of ``EPS_MS`` and neighbour events twice that, so
that postsynaptic events of step n come before presynaptic events of step n + 1 and,
within a step, neighbour events after presynaptic events: the order of Brian2's
``on_pre``, ``on_post`` and the neighbour relays.
With ``threads`` > 1 NEURON needs every NetCon delay to be at least 2 dt: all delays are
then 2 dt and the source spikes are queued one step early (same input timing), and
postsynaptic events of step n come after presynaptic events of step n + 1 (a one-step
ordering difference of pair STDP, when a presynaptic spike follows a somatic spike within
one step). Remaining differences: the soma clamp is stiff, not ideal, and NEURON's slope
conductance of a current is a finite difference (dv = 1e-3 mV) where ours is analytic (it
matters for the NMDA Mg block): the voltages agree to ~1e-6 mV step by step until
regenerative events (dendritic spikes, plateaus, somatic threshold) amplify the
difference and spike times drift apart, with the same statistics.
"""

from __future__ import annotations

import hashlib
import shutil
import subprocess
import tempfile
import time
from pathlib import Path

import numpy as np
from brian2 import metre, ms, second, um
from brian2.units.fundamentalunits import have_same_dimensions

from dendritic_models.devices import build_root
from dendritic_models.mechanisms.receptors import RECEPTORS, peak_factor
from dendritic_models.wiring import neighbour_pairs

from ..workload import RULES, Workload

MOD_DIR = Path(__file__).with_name("neuron_mod")
EPS_MS = 1e-9  #: ordering delay (ms) of presynaptic and neighbour events, see above


def _rule_parameters(name: str) -> dict[str, float]:
    """The rule's parameters in NEURON's units (times in ms, lengths in um)."""
    values = {}
    for key, value in RULES[name]().parameters.items():
        if have_same_dimensions(value, second):
            value = value / ms
        elif have_same_dimensions(value, metre):
            value = value / um
        values[key] = float(value)
    return values

_loaded: dict[str, Path] = {}


# -- mechanisms ---------------------------------------------------------------------------


def mechanisms() -> tuple[Path, float]:
    """Compile (once per content hash of ``neuron_mod/*.mod``) and load our mechanisms.

    The build directory is ``<build root>/neuron_mod/<hash>``
    (:func:`dendritic_models.devices.build_root`: ``$DENDRITIC_MODELS_BUILDS`` or
    ``<tempdir>/dendritic_models/builds``). Returns it and the ``nrnivmodl`` time
    (s; 0 when already built)."""
    import neuron

    mods = sorted(MOD_DIR.glob("*.mod"))
    digest = hashlib.sha256(b"".join(p.read_bytes() for p in mods)).hexdigest()[:16]
    build = build_root() / "neuron_mod" / digest
    compile_s = 0.0
    if not list(build.glob("*/libnrnmech.so")):
        build.parent.mkdir(parents=True, exist_ok=True)
        tmp = Path(tempfile.mkdtemp(prefix=f"{digest}-", dir=build.parent))
        for p in mods:
            shutil.copy(p, tmp / p.name)
        start = time.perf_counter()
        subprocess.run(["nrnivmodl", "."], cwd=tmp, check=True, capture_output=True)
        compile_s = time.perf_counter() - start
        try:
            tmp.rename(build)
        except OSError:  # built concurrently by another process: use theirs
            shutil.rmtree(tmp, ignore_errors=True)
    if digest not in _loaded:
        if _loaded:
            raise RuntimeError("neuron_mod changed since its mechanisms were loaded into this "
                               "process; restart Python")
        neuron.load_mechanisms(str(build), warn_if_already_loaded=False)
        _loaded[digest] = build
    return build, compile_s


# -- one neuron ---------------------------------------------------------------------------


def _si(model, name: str) -> float:
    return float(model.parameters[name])


class Cell:
    """One template neuron in NEURON: ``sections`` by compartment, ``segment(node)``,
    the soma's ``adex`` point process and the nodes' event-spike mechanisms."""

    def __init__(self, h, model, index: int, dt_s: float):
        self.model = model
        tree = model.tree
        self.sections = {}
        for name in tree.order:
            comp = tree.compartments[name]
            sec = h.Section(name=f"cell{index}_{name}")
            if comp.area is not None:  # lumped soma: a cylinder of the same area
                side = (float(comp.area) * 1e12 / np.pi) ** 0.5
                sec.L, sec.diam = side, side
            else:
                sec.L, sec.diam = float(comp.length) * 1e6, float(comp.diameter) * 1e6
            sec.nseg = comp.n_seg
            sec.cm = float(comp.Cm) * 1e2  # F/m^2 -> uF/cm^2
            sec.Ra = float(comp.Ra) * 1e2  # ohm m -> ohm cm
            sec.insert("pas")
            for seg in sec:
                seg.pas.g = float(comp.gL) * 1e-4  # S/m^2 -> S/cm^2
                seg.pas.e = float(comp.EL) * 1e3
            if comp.parent is not None:
                parent = tree.compartments[comp.parent]
                sec.connect(self.sections[parent.name](0.5 if parent.parent is None else 1.0), 0)
            self.sections[name] = sec
        self.point_processes = []
        self.adex = None
        for node in tree.nodes:
            if node.is_junction:
                continue
            for mech in node.compartment.mechanisms:
                if mech.name == "adex":
                    self.adex = self._adex(h, node.name, dt_s)
                elif f"theta_{mech.name}_{node.name}" in model.parameters:
                    self.point_processes.append(self._event_spike(h, mech, node.name, dt_s))
                else:
                    raise NotImplementedError(f"no NEURON translation of mechanism {mech.name!r}")
        if self.adex is None:
            raise NotImplementedError("the NEURON peer needs an AdEx soma")

    def segment(self, node_name: str):
        """The NEURON segment of an electrical node."""
        node = self.model.tree.nodes[self.model.tree.node_index[node_name]]
        comp = node.compartment
        return self.sections[comp.name]((node.segment + 0.5) / comp.n_seg)

    def _adex(self, h, n: str, dt_s: float):
        m = self.model
        pp = h.DMAdEx(self.segment(n))
        pp.gL = _si(m, f"gL_{n}") * 1e6  # uS
        pp.EL = _si(m, f"EL_{n}") * 1e3  # mV
        for par in ("VT", "DeltaT", "V_th", "V_AP", "V_reset"):
            setattr(pp, par, _si(m, f"{par}_{n}") * 1e3)
        pp.a = _si(m, f"a_{n}") * 1e6
        pp.b = _si(m, f"b_{n}") * 1e9  # nA
        pp.tau_w = _si(m, f"tau_w_{n}") * 1e3  # ms
        pp.t_AP_s, pp.t_ref_s, pp.dt_s = _si(m, f"t_AP_{n}"), _si(m, f"t_ref_{n}"), dt_s
        return pp

    def _event_spike(self, h, mech, n: str, dt_s: float):
        m, name = self.model, mech.name
        pp = h.DMEventSpike(self.segment(n))
        pp.theta = _si(m, f"theta_{name}_{n}") * 1e3
        pp.t_ref_s = _si(m, f"t_ref_{name}_{n}")
        pp.dt_s = dt_s
        pp.EL = _si(m, f"EL_{n}") * 1e3
        pp.tau_u = _si(m, f"tau_u_{name}_{n}") * 1e3 if f"tau_u_{name}_{n}" in m.parameters \
            else 0.0
        labels = sorted((p[len("gbar_"):] for p in mech.parameters if p.startswith("gbar_")),
                        key=lambda c: float(mech.parameters[f"delay_{c}"]))
        if len(labels) > 2:
            raise NotImplementedError(f"{name}: DMEventSpike has two channels, not {labels}")
        for k, label in enumerate(labels, start=1):
            setattr(pp, f"gbar{k}", _si(m, f"gbar_{label}_{n}") * 1e6)
            setattr(pp, f"E{k}", _si(m, f"E_{label}_{n}") * 1e3)
            setattr(pp, f"delay{k}_s", _si(m, f"delay_{label}_{n}"))
            setattr(pp, f"dur{k}_s", _si(m, f"dur_{label}_{n}"))
        return pp


def check_geometry(cell: Cell) -> tuple[float, float]:
    """Largest relative errors of the NEURON segments' areas and axial couplings against
    ``C_<node>/Cm`` and ``g_axial_<node>`` of the model (junctions: NEURON's zero-area
    branch-point node; a single child: NEURON's end node eliminated, resistances in series)."""
    model, tree = cell.model, cell.model.tree
    area_err = coupling_err = 0.0
    for node in tree.nodes:
        if node.is_junction:
            sec = cell.sections[tree.nodes[tree.node_index[node.parent]].compartment.name]
            r = sec(1).ri()  # the zero-area node at the branch point
        else:
            comp = node.compartment
            seg = cell.segment(node.name)
            area = seg.area() * 1e-12
            area_err = max(area_err, abs(area - float(model.parameters[f"C_{node.name}"]
                                                       / comp.Cm)) / area)
            if node.parent is None:
                continue
            r = seg.ri()  # MOhm, to the previous node of this section or its parent point
            parent = tree.nodes[tree.node_index[node.parent]]
            if node.segment == 0 and not parent.is_junction and parent.parent is not None:
                r += cell.sections[parent.compartment.name](1).ri()
        g = 1e-6 / r
        g_model = float(model.parameters[f"g_axial_{node.name}"])
        coupling_err = max(coupling_err, abs(g - g_model) / g_model)
    return area_err, coupling_err


# -- the workload -------------------------------------------------------------------------


def _receptor_jumps(projection) -> tuple[float, float, float]:
    """(AMPA, NMDA, GABA_A) jumps per spike at efficacy 1, in uS (NMDA: of s, 1/peak)."""
    jumps = []
    for name in ("AMPA", "NMDA", "GABA_A"):
        weight = projection.receptors.get(name, 0.0) * 1e6
        jumps.append(weight / peak_factor(RECEPTORS[name]))
    return tuple(jumps)


def simulate(workload: Workload, device: str = "neuron", threads: int = 0,
             record: tuple[str, ...] = ()) -> dict:
    """Run ``workload`` in NEURON (``device`` must be ``'neuron'``; ``threads`` > 1 uses
    ``ParallelContext.nthread``).

    Returns ``setup_s`` (sections, mechanisms, synapses, NetCons; s), ``compile_s``
    (``nrnivmodl``; 0 when cached), ``run_s`` (``finitialize`` + ``continuerun`` alone),
    ``spike_counts`` (somatic spikes per neuron), ``weights`` (mean final efficacy per
    plastic projection), ``state_variables`` (ODE states per neuron: node voltages, AdEx w,
    Ca activations u, receptor states of the targeted nodes) and ``dt`` (s); with
    ``record`` (node names), also ``traces``: node -> voltage of neuron 0 at every step
    (mV, from t = 0)."""
    if device != "neuron":
        raise ValueError(f"the NEURON peer runs on device 'neuron', not {device!r}")
    _, compile_s = mechanisms()
    from neuron import h

    h.load_file("stdrun.hoc")
    start = time.perf_counter()
    model = workload.model()
    dt_ms = workload.dt * 1e3
    h.dt = dt_ms
    h.secondorder = 0
    h.cvode_active(0)
    cells = [Cell(h, model, k, workload.dt) for k in range(workload.n_neurons)]
    # NetCon delay (ms) of every event: dt, or 2 dt with threads (NEURON's least usable
    # delay there); source spikes are then queued dt early, see the module docstring
    lag = dt_ms * (2 if threads > 1 else 1)
    constants = {k: float(v) for k, v in model.constants.items()}
    exp_ = {"EA": np.exp(-workload.dt / constants["tau_AMPA"]),
            "ENr": np.exp(-workload.dt / constants["tau_NMDA_rise"]),
            "ENd": np.exp(-workload.dt / constants["tau_NMDA_decay"]),
            "EG": np.exp(-workload.dt / constants["tau_GABA_A"])}

    receptors: dict[tuple[int, str], object] = {}

    def receptor(post: int, node: str):
        key = (post, node)
        if key not in receptors:
            rec = h.DMReceptors(cells[post].segment(node))
            rec.tau_AMPA = constants["tau_AMPA"] * 1e3
            rec.E_AMPA = constants["E_AMPA"] * 1e3
            rec.tau_NMDA_rise = constants["tau_NMDA_rise"] * 1e3
            rec.tau_NMDA_decay = constants["tau_NMDA_decay"] * 1e3
            rec.E_NMDA = constants["E_NMDA"] * 1e3
            rec.Mg = constants["Mg"] * 1.0  # mol/m^3 = mM
            rec.APV = constants["APV"]
            rec.tau_GABA = constants["tau_GABA_A"] * 1e3
            rec.E_GABA = constants["E_GABA_A"] * 1e3
            receptors[key] = rec
        return receptors[key]

    relays = [h.DMRelay() for _ in range(workload.n_sources)]
    netcons, plastic = [], {}
    for p in workload.projections:
        jumps = _receptor_jumps(p)
        if p.rule is None:
            for pre, post, node in zip(p.pre, p.post, p.node, strict=True):
                nc = h.NetCon(relays[pre], receptor(post, node))
                nc.delay = lag + EPS_MS
                for k, value in enumerate(jumps):
                    nc.weight[k] = value
                netcons.append(nc)
            continue
        syns = []
        for pre, post, node in zip(p.pre, p.post, p.node, strict=True):
            rec = receptor(post, node)
            syn = h.DMPlastic(cells[post].segment(node))
            syn.wA, syn.wN, syn.wG = jumps
            for k, value in exp_.items():
                setattr(syn, k, value)
            h.setpointer(rec._ref_gA, "pgA", syn)
            h.setpointer(rec._ref_gN, "pgN", syn)
            h.setpointer(rec._ref_sN, "psN", syn)
            h.setpointer(rec._ref_gG, "pgG", syn)
            nc = h.NetCon(relays[pre], syn)
            nc.delay = lag + EPS_MS
            nc.weight[0] = 0  # a presynaptic spike
            netcons.append(nc)
            syns.append(syn)
        if p.rule == "pair_stdp":
            par = _rule_parameters(p.rule)
            for syn, post in zip(syns, p.post, strict=True):
                syn.rule, syn.w_max = 1, par["w_max"]
                syn.A_plus, syn.A_minus = par["A_plus"], par["A_minus"]
                syn.tau_plus, syn.tau_minus = par["tau_plus"], par["tau_minus"]
                soma = cells[post].adex
                nc = h.NetCon(soma._ref_spiking, syn, 0.5, lag, 1.0,
                              sec=cells[post].sections[model.tree.root])
                nc.weight[0], nc.weight[1] = 1, lag  # a postsynaptic spike, lag ms late
                netcons.append(nc)
        elif p.rule == "local_coactivity":
            par = _rule_parameters(p.rule)
            for syn in syns:
                syn.rule, syn.w_max = 2, par["w_max"]
                syn.eta_coop, syn.eta_iso = par["eta_coop"], par["eta_iso"]
                syn.tau_coact, syn.length_scale = par["tau_coact"], par["length_scale"]
            x_um = np.asarray(p.x, dtype=float) * 1e6
            radius = float(RULES[p.rule]().neighbour_radius / um)
            origin, target = neighbour_pairs(p.post, p.branch, x_um, radius)
            for k, m in zip(origin, target, strict=True):
                nc = h.NetCon(relays[p.pre[k]], syns[m])
                nc.delay = lag + 2 * EPS_MS
                nc.weight[0], nc.weight[1] = 2, abs(x_um[k] - x_um[m])  # a neighbour's spike
                netcons.append(nc)
        else:
            raise NotImplementedError(f"no NEURON translation of rule {p.rule!r}")
        plastic[p.name] = syns

    # source spikes: queued at initialisation, one event per spike on the source's relay
    feeds = [h.NetCon(None, relay) for relay in relays]
    times_ms = np.asarray(workload.source_t, dtype=float) * 1e3 - (lag - dt_ms)
    index = np.asarray(workload.source_i, dtype=int)

    def queue_spikes():
        for i, t in zip(index.tolist(), times_ms.tolist(), strict=True):
            feeds[i].event(t)

    handler = h.FInitializeHandler(1, queue_spikes)
    traces = {n: h.Vector().record(cells[0].segment(n)._ref_v) for n in record}
    pc = h.ParallelContext()
    pc.nthread(max(int(threads), 1))
    setup_s = time.perf_counter() - start

    start = time.perf_counter()
    h.finitialize(float(model.parameters[f"EL_{model.tree.root}"]) * 1e3)
    h.continuerun(workload.duration * 1e3)
    run_s = time.perf_counter() - start

    n_nodes = len(model.node_names)
    n_u = sum(1 for pp in cells[0].point_processes if pp.tau_u > 0)
    n_receptor_nodes = sum(1 for (post, _) in receptors if post == 0)
    result = {
        "setup_s": setup_s,
        "compile_s": compile_s,
        "run_s": run_s,
        "spike_counts": np.array([int(c.adex.nspike) for c in cells]),
        "weights": {name: float(np.mean([s.w for s in syns])) for name, syns in plastic.items()},
        "state_variables": n_nodes + 1 + n_u + 4 * n_receptor_nodes,
        "dt": workload.dt,
    }
    if record:
        result["traces"] = {n: np.array(v) for n, v in traces.items()}
    pc.nthread(1)
    del handler  # NEURON objects go before their sections
    for held in (feeds, netcons, plastic, receptors, relays):
        held.clear()
    for cell in cells:
        for sec in cell.sections.values():
            h.delete_section(sec=sec)
    return result
