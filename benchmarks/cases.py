"""The benchmark cases of issue 7, each a list of side-by-side :class:`Comparison` rows.

Every ``case_*`` takes ``measured(spec) -> dict`` (one measurement in a fresh process, see
:mod:`benchmarks.measure`) and ``quick``. Targets (issue 7): with the same Brian2 device,
at least as fast as Dendrify under the Cython runtime and 1.5x faster under
``cpp_standalone``; networks of 1,000 neurons and more 5x faster than NEURON; the
1,000-neuron plastic network at or faster than real time in ``cpp_standalone`` on 2 cores;
a sweep 10x faster per point than rebuilding; a protocol's quick run under 60 s from a
cold cache.
"""

from __future__ import annotations

from collections.abc import Callable

from .report import Comparison

L5_NEURON = {"template": "l5_pyramidal", "n_neurons": 1, "duration": 1.0}
L23_NETWORK = {"template": "l23_pyramidal", "n_exc": 800, "n_inh": 200, "pool": 2000,
               "plastic": True, "duration": 1.0}
TOLERANCE = 0.05  #: relative difference of spike counts accepted as agreement


def _spec(simulator: str, device: str, threads: int = 0, **workload) -> dict:
    return {"kind": "workload", "simulator": simulator, "device": device,
            "threads": threads, "workload": workload}


def _seconds(result: dict) -> float | None:
    """Wall seconds of the simulation loop per simulated second."""
    return result["run_s"] / result["duration"] if "run_s" in result else None


def _side(result: dict, device: str) -> dict:
    """What a row shows of one side's measurement."""
    if "error" in result:
        return {"seconds": None, "device": device, "error": result["error"]}
    seconds = _seconds(result)
    side = {"seconds": seconds, "device": device}
    for key in ("setup_s", "compile_s", "run_s", "peak_mib", "state_variables", "spikes"):
        if key in result:
            side[key] = result[key]
    if "events" in result and result.get("run_s"):
        side["events_per_s"] = result["events"] / result["run_s"]
    return side


def agreement(ours: dict, peer: dict) -> str:
    """Spike counts (and mean final efficacies) of two runs of one workload."""
    if "error" in ours or "error" in peer:
        return "not compared: " + (ours.get("error") or peer.get("error"))
    a, b = ours["spikes"], peer["spikes"]
    rel = abs(a - b) / max(a, b, 1)
    text = (f"spikes {a} vs {b} ({100 * rel:.1f}%, "
            f"{'within' if rel <= TOLERANCE else 'OUTSIDE'} {100 * TOLERANCE:.0f}%)")
    for name, w in (ours.get("weights") or {}).items():
        if name in (peer.get("weights") or {}):
            text += f"; mean w {name} {w:.4f} vs {peer['weights'][name]:.4f}"
    return text


def _row(name: str, ours: dict, device: str, peer_name: str, peer: dict, target: str,
         peer_device: str | None = None) -> Comparison:
    return Comparison(name, _side(ours, device), f"{peer_name} ({peer_device or device})",
                      _seconds(peer) if "error" not in peer else None, agreement(ours, peer),
                      {"peer": _side(peer, peer_device or device)}, target)


def case_1(measured: Callable[[dict], dict], quick: bool) -> list[Comparison]:
    """One L5 template neuron, 1 s of bombardment (1,000 excitatory + 200 inhibitory
    synapses, see :func:`benchmarks.workload.bombardment`)."""
    run = {(sim, dev): measured(_spec(sim, dev, **L5_NEURON))
           for sim, dev in (("ours", "cython"), ("dendrify", "cython"),
                            ("ours", "cpp_standalone"), ("dendrify", "cpp_standalone"),
                            ("neuron", "neuron"))}
    name = "1: L5 neuron, 1 s bombardment"
    return [
        _row(name, run["ours", "cython"], "cython", "Dendrify", run["dendrify", "cython"],
             ">= 1"),
        _row(name, run["ours", "cpp_standalone"], "cpp_standalone", "Dendrify",
             run["dendrify", "cpp_standalone"], ">= 1.5"),
        _row(name, run["ours", "cpp_standalone"], "cpp_standalone", "NEURON",
             run["neuron", "neuron"], "-", "fixed-step backward Euler"),
    ]


NETWORK_SIZES = (100, 1000, 10000)  #: case 2 (quick: the first)
ANCHOR_SIZES = (1000, 10000, 100000)  #: Dendrify's published sizes (quick: the first)


def case_2(measured: Callable[[dict], dict], quick: bool,
           sizes: tuple[int, ...] = NETWORK_SIZES, cython: bool = True) -> list[Comparison]:
    """Networks of L2/3 template neurons with compartment-specific plasticity, 1 s; the
    Cython runtime (unless ``quick`` or not ``cython``) up to 1,000 neurons: a cold cache
    compiles the L2/3 solver for 10-20 minutes per simulator on 2 cores."""
    rows = []
    for n in sizes[:1] if quick else sizes:
        work = {**L23_NETWORK, "n_neurons": n}
        name = f"2: {n} L2/3 neurons, plastic, 1 s"
        if cython and not quick and n <= 1000:
            rows.append(_row(name, measured(_spec("ours", "cython", **work)), "cython",
                             "Dendrify", measured(_spec("dendrify", "cython", **work)), ">= 1"))
        best = {}
        for threads in (1, 2):
            ours_s = measured(_spec("ours", "cpp_standalone", threads, **work))
            dev = f"cpp_standalone, {threads} thread{'s' * (threads > 1)}"
            rows.append(_row(name, ours_s, dev, "Dendrify",
                             measured(_spec("dendrify", "cpp_standalone", threads, **work)),
                             ">= 1.5"))
            if "error" not in ours_s and (not best or _seconds(ours_s) < _seconds(best[1])):
                best = {0: dev, 1: ours_s}
        if not best:
            continue
        if n <= 1000:  # NEURON builds one point process and NetCon per synapse
            rows.append(_row(name, best[1], best[0], "NEURON",
                             measured(_spec("neuron", "neuron", **work)),
                             ">= 5" if n >= 1000 else "-", "fixed-step backward Euler"))
        if n == 1000:
            rows.append(Comparison(name, _side(best[1], best[0]), "real time", 1.0,
                                   f"{best[1]['spikes']} spikes", {}, ">= 1"))
    return rows


def case_3(measured: Callable[[dict], dict], quick: bool) -> list[Comparison]:
    """A sweep of BAC firing's distal EPSP weight: seconds per finished point."""
    points = {"run_args": 8 if quick else 64, "rebuild": 3 if quick else 16,
              "cython": 3 if quick else 16, "numpy": 2 if quick else 4}
    run = {path: measured({"kind": "sweep", "arguments": {"path": path, "points": n}})
           for path, n in points.items()}
    mine = run["run_args"]
    ours = ({"seconds": mine["per_point_s"], "device": "cpp_standalone, run_args",
             "total_s": mine["total_s"], "points": mine["points"]}
            if "error" not in mine else {"seconds": None, "device": "run_args"})
    rows = []
    for path, label, target in (("rebuild", "rebuild per point (cpp_standalone)", ">= 10"),
                                ("cython", "runtime (cython)", "-"),
                                ("numpy", "runtime (numpy)", "-")):
        peer = run[path]
        later = peer.get("later_point_s")
        rows.append(Comparison(
            f"3: BAC firing sweep, {points['run_args']} points (s per point)", ours, label,
            later, _findings(mine, peer), {"peer": peer}, target))
    return rows


def _findings(ours: dict, peer: dict) -> str:
    """Findings reproduced at the sweep points both paths ran."""
    if "error" in ours or "error" in peer:
        return "not compared: " + (ours.get("error") or peer.get("error"))
    mine = dict(zip(ours["weights"], ours["reproduced"], strict=True))
    shared = [(w, r) for w, r in zip(peer["weights"], peer["reproduced"], strict=True)
              if w in mine]
    same = sum(mine[w] == r for w, r in shared)
    return f"findings reproduced identical at {same}/{len(shared)} shared points"


def case_4(measured: Callable[[dict], dict], quick: bool) -> list[Comparison]:
    """Cold start: ``dendritic-models run NAME --quick`` on empty caches, then warm."""
    rows = []
    runs = [("bac_firing", "cpp_standalone")]
    if not quick:  # the Cython runtime compiles the L5 solver for minutes on a cold cache
        runs += [("bac_firing", "runtime"), ("motor_learning", "cpp_standalone"),
                 ("fear_conditioning", "cpp_standalone")]
    for name, device in runs:
        shown = device if device == "cpp_standalone" else "runtime (cython)"
        res = measured({"kind": "cold_start", "arguments": {
            "name": name, "device": device, "codegen": "cython"}})
        ours = ({"seconds": res["cold_s"], "device": shown, "warm_s": res["warm_s"]}
                if "error" not in res else {"seconds": None, "device": shown})
        rows.append(Comparison(f"4: cold start, {name} --quick (s)", ours, "target 60 s", 60.0,
                               res.get("error", f"warm: {res.get('warm_s', 0):.1f} s"),
                               {"result": res}, ">= 1"))
    return rows


def case_anchor(measured: Callable[[dict], dict], quick: bool,
                sizes: tuple[int, ...] = ANCHOR_SIZES) -> list[Comparison]:
    """Dendrify's published 4-compartment benchmark, in Dendrify and in this package."""
    from .anchor import PUBLISHED

    rows = []
    for active in (True, False):
        for n in sizes[:1] if quick else sizes:
            spec = {"kind": "anchor", "n_neurons": n, "device": "numpy", "active": active}
            ours = measured({**spec, "simulator": "ours"})
            peer = measured({**spec, "simulator": "dendrify"})
            kind = "active" if active else "passive"
            published = PUBLISHED.get((kind, n))
            rows.append(_row(f"anchor: Dendrify 4-compartment, {kind}, {n} neurons", ours,
                             "numpy", "Dendrify", peer, ">= 1"))
            rows[-1].details["published_dendrify_s"] = published
    return rows
