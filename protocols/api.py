"""Everything the ``dendritic-models`` command does, one function call away: :func:`run`,
:func:`compare`, :func:`sweep`, :func:`load_result`.

A protocol is a module of :mod:`protocols` with this contract (each protocol's docstring is
its methods section):

- ``SOURCE`` (citation), ``RULE_SETS`` (name -> :class:`RuleSet`; empty if the paradigm has
  no plasticity), ``DEFAULT_RULES``, ``CONDITIONS``;
- ``QUICK`` and ``FULL``: its parameters, a frozen dataclass of plain numbers with ``dt``
  (s) and ``seed`` fields, and ``UNITS``, the Brian2 unit each dimensioned number is in
  (:mod:`dendritic_models.parameters`);
- ``phases(setup)``: ``(name, end in s)`` of each phase, for progress reports;
- ``simulate(setup, rule_sets, conditions)``: builds the network and runs it through
  :func:`dendritic_models.devices.run_network`, returns ``collect()`` (any device);
- ``evaluate(data, setup)``: ``(findings, measured)``, each finding tagged with its
  ``rule_set``, ``measured`` ready for JSON;
- ``arrays(data)``: the arrays saved in ``data.npz``;
- ``figure(result, path)``: draws from the result alone (as written to ``result.json``).

A run's folder holds ``result.json`` (written last and atomically: a folder with it is a
finished run), ``data.npz`` and ``figure.png`` / ``figure.svg``; every result records the
versions, settings and command that produced it (Sandve, Nekrutenko, Taylor & Hovig 2013,
PLoS Comput Biol 9:e1003285). Sweeps run on Dask's distributed scheduler (Rocklin 2015,
Proc. 14th Python in Science Conf., 130-136).
"""

from __future__ import annotations

import hashlib
import importlib
import itertools
import json
import shlex
import sys
import time
from dataclasses import asdict, replace
from pathlib import Path
from types import ModuleType
from typing import Any

import brian2
import numpy as np

from dendritic_models import parameters, rules
from dendritic_models.devices import CODEGEN_TARGETS, DEVICES, built_once, on_device
from dendritic_models.results import atomic, provenance, write_json
from dendritic_models.rules.base import RuleSet

PROTOCOLS = {
    "bac_firing": "protocols.bac_firing",
    "motor_learning": "protocols.motor_learning",
    "fear_conditioning": "protocols.fear_conditioning",
}
RESULT = "result.json"


class UsageError(ValueError):
    """A user's mistake, reported in one line before anything runs: an unknown protocol,
    rule set, condition or parameter, a value with the wrong units, an occupied folder."""


def protocol(name: str) -> ModuleType:
    """The protocol module called ``name`` (:data:`PROTOCOLS`)."""
    if name not in PROTOCOLS:
        raise UsageError(f"unknown protocol {name!r}; valid: {', '.join(PROTOCOLS)}")
    return importlib.import_module(PROTOCOLS[name])


def rule_set(module: ModuleType, spec: str) -> RuleSet:
    """A rule set by name (the protocol's ``RULE_SETS``), as ``kind=rule,...`` with rules of
    :mod:`dendritic_models.rules` at their defaults (``basal=triplet_stdp,
    apical_tuft=local_coactivity``), or as ``module:attribute`` naming a RuleSet."""
    known = module.RULE_SETS
    if spec in known:
        return known[spec]
    if "=" in spec and known:
        chosen = {}
        for item in spec.split(","):
            kind, _, name = (part.strip() for part in item.partition("="))
            if name not in rules.__all__:
                raise UsageError(f"unknown rule {name!r}; valid: {', '.join(rules.__all__)}")
            chosen[kind] = getattr(rules, name)()
        return RuleSet(spec, chosen, "user rule set")
    path, _, attribute = spec.partition(":")
    if attribute and known:
        try:
            found = getattr(importlib.import_module(path), attribute)
        except (ImportError, AttributeError) as err:
            raise UsageError(f"cannot import {spec}: {err}") from err
        if not isinstance(found, RuleSet):
            raise UsageError(f"{spec} is a {type(found).__name__}, not a RuleSet")
        return found
    if not known:
        raise UsageError(f"{module.__name__} has no plasticity; it takes no rule set")
    raise UsageError(f"unknown rule set {spec!r}; valid: {', '.join(known)}, 'all', "
                     "'kind=rule,...' or 'module:attribute'")


def _split(value: str) -> list[str]:
    """``a,b,(c, d)`` -> ``["a", "b", "(c, d)"]``: commas inside brackets are kept."""
    out, depth, item = [], 0, ""
    for char in value:
        depth += (char in "([") - (char in ")]")
        if char == "," and depth == 0:
            out.append(item.strip())
            item = ""
        else:
            item += char
    return [*out, item.strip()] if item.strip() else out


def _settings(items: dict[str, Any] | list[str] | None) -> dict[str, Any]:
    if items is None:
        return {}
    if isinstance(items, dict):
        return dict(items)
    out = {}
    for item in items:
        key, sep, value = item.partition("=")
        if not sep or not key.strip() or not value.strip():
            raise UsageError(f"--set takes key=value (e.g. paradigm.tone_rate=40*Hz), got "
                             f"{item!r}")
        out[key.strip()] = value.strip()
    return out


def request(name: str, rules_: list[str] | None = None, conditions: list[str] | None = None,
            seed: int = 1, quick: bool = False,
            settings: dict[str, Any] | list[str] | None = None) -> dict[str, Any]:
    """What a run computes, validated (every name, unit and shape) before anything runs;
    two runs with equal requests give the same result on any device."""
    module = protocol(name)
    names = list(rules_ or (module.DEFAULT_RULES if module.RULE_SETS else []))
    if "all" in names:
        names = list(module.RULE_SETS)
    for spec in names:
        rule_set(module, spec)
    conditions = list(conditions or module.CONDITIONS)
    unknown = [c for c in conditions if c not in module.CONDITIONS]
    if unknown:
        raise UsageError(f"unknown condition(s) {unknown}; valid: {', '.join(module.CONDITIONS)}")
    # values as text in Brian2's syntax: a Quantity as its repr (15. * nsiemens), which
    # parses back to itself
    settings = {k: v if isinstance(v, str) else repr(v) for k, v in _settings(settings).items()}
    _setup(module, quick, seed, settings)
    return {"protocol": name, "rule_sets": names, "conditions": conditions, "seed": int(seed),
            "quick": bool(quick), "settings": settings}


def _setup(module: ModuleType, quick: bool, seed: int, settings: dict[str, Any]):
    if "seed" in settings:
        raise UsageError("set the seed with --seed, not --set")
    try:
        return parameters.apply(module.QUICK if quick else module.FULL,
                                {**settings, "seed": int(seed)}, module.UNITS)
    except parameters.ParameterError as err:
        raise UsageError(str(err)) from err
    except (TypeError, ValueError) as err:  # the protocol's own checks of its parameters
        raise UsageError(f"{', '.join(f'{k}={v}' for k, v in settings.items())}: {err}") from err


def _occupied(out: Path, wanted: dict | None = None) -> dict | None:
    """The finished result in ``out`` (None if none); refuses one from another request."""
    path = out / RESULT
    if not path.exists():
        return None
    found = json.loads(path.read_text())
    if wanted is not None and found.get("request") == wanted:
        return found
    raise UsageError(f"{out} holds the result of another run "
                     f"({json.dumps(found.get('request'))}); choose another folder or --force")


def _key(req: dict, threads: int) -> str:
    """Build-directory key: what shapes the generated code (not the seed or values)."""
    text = json.dumps([req["protocol"], req["rule_sets"], req["conditions"], threads,
                       brian2.__version__])
    return f"{req['protocol']}-{hashlib.sha1(text.encode()).hexdigest()[:10]}"


def draw(module: ModuleType, result: dict, out: Path) -> list[Path]:
    """The protocol's figure as ``figure.png`` and ``figure.svg`` (written atomically)."""
    paths = [out / "figure.png", out / "figure.svg"]
    for path in paths:
        with atomic(path, path.suffix) as tmp:
            module.figure(result, tmp)
    return paths


def module_result(module: ModuleType, setup: Any, found: list[dict], measured: Any,
                  start: float, command: str | None = None, **extra: Any) -> dict:
    """The result of a protocol with its own command line (``cli.module_main``): name,
    description, source, quick or not, seed, parameters, ``extra``, findings, measured and
    provenance (wall time since ``start``, a ``time.perf_counter()`` value)."""
    return {
        "protocol": module.__name__.rsplit(".", 1)[-1],
        "description": module.__doc__.strip().split("\n")[0],
        "source": module.SOURCE,
        "quick": setup == replace(module.QUICK, seed=setup.seed),
        "seed": setup.seed,
        "parameters": asdict(setup),
        **extra,
        "findings": found,
        "measured": measured,
        "provenance": provenance(command=command or shlex.join(sys.argv),
                                 wall_s=round(time.perf_counter() - start, 3)),
    }


def write_run(module: ModuleType, result: dict, data: dict[str, np.ndarray], out: Path) -> None:
    """A run folder of a protocol with its own command line (``cli.module_main``):
    ``data.npz``, the figure and, last and atomically, ``result.json``."""
    out.mkdir(parents=True, exist_ok=True)
    with atomic(out / "data.npz", ".npz") as tmp:
        np.savez_compressed(tmp, **data)
    draw(module, result, out)
    write_json(out / RESULT, result)


def _check_device(device: str, codegen: str, threads: int) -> None:
    if device not in DEVICES:
        raise UsageError(f"unknown device {device!r}; valid: {', '.join(DEVICES)}")
    if codegen not in CODEGEN_TARGETS:
        raise UsageError(f"unknown code-generation target {codegen!r}; valid: "
                         f"{', '.join(CODEGEN_TARGETS)}")
    if threads < 0:
        raise UsageError(f"threads must be >= 0, got {threads}")


def _finish(module: ModuleType, req: dict, setup: Any, chosen: dict, data: dict,
            device: str, threads: int, wall: float, command: str | None,
            out: Path | None, figures: bool = True) -> dict[str, Any]:
    """The result of one simulation, written to ``out`` if given (``result.json`` last;
    the figure only with ``figures``: :func:`redraw` draws it from the result later)."""
    found, measured = module.evaluate(data, setup)
    result = {
        "request": req,
        "protocol": req["protocol"],
        "description": (module.__doc__ or "").strip().split("\n")[0],
        "source": module.SOURCE,
        "rule_sets": {n: {kind: r.name for kind, r in rs.rules.items()}
                      for n, rs in chosen.items()},
        "conditions": req["conditions"],
        "seed": req["seed"],
        "quick": req["quick"],
        "device": device,
        "threads": threads,
        "parameters": parameters.with_units(setup, module.UNITS),
        "findings": found,
        "measured": measured,
        "provenance": provenance(command=command or shlex.join(sys.argv),
                                 wall_s=round(wall, 3)),
    }
    if out is not None:
        out.mkdir(parents=True, exist_ok=True)
        with atomic(out / "data.npz", ".npz") as tmp:
            np.savez_compressed(tmp, **module.arrays(data))
        if figures:
            draw(module, result, out)
        write_json(out / RESULT, result)  # last: its presence marks a finished run
    return result


def run(name: str, rules: list[str] | None = None, conditions: list[str] | None = None,
        seed: int = 1, quick: bool = False, settings: dict | list[str] | None = None,
        out: str | Path | None = None, device: str = "cpp_standalone", codegen: str = "cython",
        threads: int = 0, force: bool = False, build: str | Path | None = None,
        progress: bool = True, command: str | None = None, figures: bool = True
        ) -> dict[str, Any]:
    """Run protocol ``name`` for the named rule sets (``"all"``, names, ``kind=rule,...`` or
    ``module:attribute``) and conditions (default: the protocol's defaults and every
    condition), ``quick`` or full, with ``settings`` (``{"paradigm.tone_rate": "40*Hz"}`` or
    ``["paradigm.tone_rate=40*Hz"]``) on ``device`` (``runtime`` with ``codegen``, or
    ``cpp_standalone`` with ``threads``). Writes ``out`` (see the module docstring) if given,
    the figure unless ``figures`` is False; refuses a folder holding another result unless
    ``force``. Returns the result."""
    req = request(name, rules, conditions, seed, quick, settings)
    _check_device(device, codegen, threads)
    out = Path(out) if out is not None else None
    if out is not None and not force:
        _occupied(out)
    module = protocol(name)
    setup = _setup(module, quick, seed, req["settings"])
    chosen = {spec: rule_set(module, spec) for spec in req["rule_sets"]}
    start = time.perf_counter()
    data = on_device(lambda: module.simulate(setup, chosen, tuple(req["conditions"])),
                     device, codegen, setup.dt, _key(req, threads), module.phases(setup),
                     threads, build, progress)
    shown = device if device == "cpp_standalone" else f"runtime ({codegen})"
    return _finish(module, req, setup, chosen, data, shown, threads,
                   time.perf_counter() - start, command, out, figures)


def run_built_once(name: str, points: list[tuple[str | Path, dict]], rules=None,
                   conditions=None, seed: int = 1, quick: bool = False, threads: int = 0,
                   progress: bool = True, command: str | None = None, figures: bool = True
                   ) -> list[tuple[Path, dict]]:
    """Runs of protocol ``name`` that differ only in parameters its model holds as variables
    (the protocol's ``RUN_ARGS``: parameter path -> ``object.variable``): compiled once under
    ``cpp_standalone``, then the binary re-run with each point's values (Brian2's
    ``run_args``). ``points``: ``(folder, settings)``; a folder holding its finished result
    is skipped. Returns ``(folder, result)`` of the points run, each result written to its
    folder as it finishes (with its figure unless ``figures`` is False)."""
    module = protocol(name)
    run_args = getattr(module, "RUN_ARGS", {})
    todo = []
    for folder, settings in points:
        req = request(name, rules, conditions, seed, quick, settings)
        if _occupied(Path(folder), req) is None:
            todo.append((Path(folder), req, _setup(module, quick, seed, req["settings"])))
    if not todo:
        return []
    _, first, setup = todo[0]
    structural = [p for p in parameters.paths(setup) if p not in run_args]
    for *_, other in todo[1:]:
        differ = [p for p in structural
                  if parameters.paths(other)[p] != parameters.paths(setup)[p]]
        if differ:
            raise UsageError(f"{', '.join(differ)} change the model's structure (run-time "
                             f"parameters of {name}: {', '.join(run_args) or 'none'})")
    chosen = {spec: rule_set(module, spec) for spec in first["rule_sets"]}
    values = [[f"{target}={parameters.si(s, path, module.UNITS)!r}"
               for path, target in run_args.items()] for _, _, s in todo]
    results, clock = [], [time.perf_counter()]

    def each(k: int, data: dict) -> None:
        folder, req, point = todo[k]
        now = time.perf_counter()
        results.append((folder, _finish(module, req, point, chosen, data,
                                        "cpp_standalone (run_args)", threads, now - clock[0],
                                        command, folder, figures)))
        clock[0] = now

    built_once(lambda: module.simulate(setup, chosen, tuple(first["conditions"])), values, each,
               setup.dt, _key(first, threads), module.phases(setup), threads, None, progress)
    return results


def load_result(path: str | Path) -> dict[str, Any]:
    """A result written by :func:`run` (its folder or its ``result.json``)."""
    path = Path(path)
    return json.loads((path / RESULT if path.is_dir() else path).read_text())


def setup_of(result: dict) -> Any:
    """The protocol's parameters that produced ``result``, as its setup dataclass."""
    module = protocol(result["protocol"])
    return parameters.from_record(module.FULL, result["parameters"], module.UNITS)


def verdicts(result: dict) -> dict[tuple[str, str], bool]:
    """``(rule set, finding name) -> reproduced``."""
    return {(f.get("rule_set") or "-", f["name"]): f["reproduced"] for f in result["findings"]}


def print_findings(result: dict) -> None:
    """One line per finding: reproduced or not, rule set, claim, measured value."""
    for f in result["findings"]:
        tag = f"[{f['rule_set']}] " if f.get("rule_set") else ""
        print(f"{'OK ' if f['reproduced'] else 'NO '} {tag}{f['name']}: {f['value']}")


# ---------------------------------------------------------------------------- comparisons
def _table(rows: list[list[str]], header: list[str]) -> str:
    lines = ["| " + " | ".join(header) + " |", "| " + " | ".join("---" for _ in header) + " |"]
    return "\n".join(lines + ["| " + " | ".join(r) + " |" for r in rows]) + "\n"


def compare(name: str, rules: list[str], seeds: list[int] = (1,), out: str | Path = ".",
            force: bool = False, **options: Any) -> dict[str, Any]:
    """The protocol under several rule sets (side by side in one network, so on identical
    input) for each seed; writes ``seed-N/`` (one run each; a finished one with the same
    request is reused) and ``comparison.json`` / ``.md`` / ``.png``: for every finding and
    rule set, the number of seeds in which it is reproduced."""
    out = Path(out)
    reqs = {s: request(name, rules, options.get("conditions"), s, options.get("quick", False),
                       options.get("settings")) for s in seeds}
    if not reqs[seeds[0]]["rule_sets"]:
        raise UsageError(f"{name} has no rule sets to compare")
    results = {}
    for s, req in reqs.items():
        folder = out / f"seed-{s}"
        found = None if force else _occupied(folder, req)
        if found is not None:
            print(f"seed {s}: finished result reused ({folder})")
        results[s] = found or run(name, rules, seed=s, out=folder, force=force,
                                  **{k: v for k, v in options.items()})
    names = reqs[seeds[0]]["rule_sets"]
    counts = reproduced_counts(list(results.values()), names)
    claims = list(counts)
    table = {"protocol": name, "seeds": list(seeds), "rule_sets": names,
             "reproduced": counts,
             "results": {str(s): str(out / f"seed-{s}" / RESULT) for s in seeds}}
    out.mkdir(parents=True, exist_ok=True)
    write_json(out / "comparison.json", table)
    markdown = _table([[c, *(f"{counts[c][n]}/{len(seeds)}" for n in names)] for c in claims],
                      ["finding", *(f"`{n}`" for n in names)])
    (out / "comparison.md").write_text(markdown)
    _grid_figure(counts, len(seeds), out / "comparison.png",
                 f"{name}: seeds in which each finding is reproduced ({len(seeds)} seeds)")
    print(markdown)
    return table


def reproduced_counts(results: list[dict], names: list[str]) -> dict[str, dict[str, int]]:
    """For every finding (in order) and rule set: in how many of ``results`` it is
    reproduced."""
    claims = list(dict.fromkeys(f["name"] for f in results[0]["findings"]))
    return {c: {n: sum(verdicts(r).get((n, c), False) for r in results) for n in names}
            for c in claims}


def findings_grid(ax, counts: dict[str, dict[str, int]], n: int = 1, paper: bool = False) -> None:
    """Draw on ``ax`` which rule set (column) reproduces which finding (row): green in all
    ``n`` runs, red in none (:func:`reproduced_counts`); with several runs each cell says in
    how many. ``paper`` adds the source's column, which reproduces every finding."""
    claims, names = list(counts), list(next(iter(counts.values())))
    grid = np.array([[counts[c][k] / n for k in names] for c in claims])
    if paper:
        grid, names = np.column_stack([grid, np.ones(len(claims))]), [*names, "paper"]
    ax.imshow(grid, cmap="RdYlGn", vmin=0, vmax=1, aspect="auto")
    if n > 1:
        for (i, j), value in np.ndenumerate(grid):
            ax.text(j, i, f"{round(value * n)}/{n}", ha="center", va="center", fontsize=8)
    ax.set_xticks(range(len(names)), names, rotation=20, fontsize=7)
    ax.set_yticks(range(len(claims)), [c[:60] for c in claims], fontsize=6)
    ax.set_title("finding reproduced (green) or not (red)", fontsize=9)


def _grid_figure(counts: dict, n: int, path: Path, title: str) -> None:
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    fig, ax = plt.subplots(figsize=(5 + 1.6 * len(next(iter(counts.values()))),
                                    1 + 0.35 * len(counts)))
    findings_grid(ax, counts, n)
    ax.set_title(title, fontsize=9)
    fig.tight_layout()
    fig.savefig(path, dpi=110)
    plt.close(fig)


# ---------------------------------------------------------------------------- sweeps
def grid_points(grid: dict[str, list[str]] | list[str]) -> list[dict[str, str]]:
    """``{"a": ["1", "2"], "b": ["x"]}`` or ``["a=1,2", "b=x"]`` -> one settings dict per
    point of the Cartesian product, in order."""
    if not isinstance(grid, dict):
        parsed = {}
        for item in grid:
            key, sep, values = item.partition("=")
            if not sep or not _split(values):
                raise UsageError(f"--grid takes key=v1,v2,... (e.g. circuit.n_principal=20,30),"
                                 f" got {item!r}")
            parsed[key.strip()] = _split(values)
        grid = parsed
    if not grid:
        raise UsageError("a sweep needs at least one --grid key=v1,v2,...")
    keys = list(grid)
    return [dict(zip(keys, values, strict=True)) for values in
            itertools.product(*(list(map(str, grid[k])) for k in keys))]


def _summary(result: dict, folder: str | Path) -> dict:
    return {"folder": str(folder), "findings": result["findings"],
            "wall_s": result["provenance"]["wall_s"]}


def _point_run(name: str, folder: str, settings: dict, options: dict) -> list[dict]:
    """One sweep point, in a worker process."""
    return [_summary(run(name, settings=settings, out=folder, force=True, **options), folder)]


def _group_run(name: str, points: list[tuple[str, dict]], options: dict) -> list[dict]:
    """Sweep points that differ only in run-time parameters: one build, one run each."""
    keep = {k: v for k, v in options.items() if k not in ("device", "codegen", "build")}
    return [_summary(result, folder) for folder, result in run_built_once(name, points, **keep)]


def sweep(name: str, grid: dict[str, list[str]] | list[str], out: str | Path,
          workers: int = 2, scheduler: str | None = None, settings: dict | list | None = None,
          **options: Any) -> dict[str, Any]:
    """Run the protocol at every point of ``grid`` (see :func:`grid_points`, on top of
    ``settings``) on a Dask cluster: a local one with ``workers`` processes, or the one at
    ``scheduler``. Each point is a run folder ``points/<hash of its request>`` written when it
    finishes (``result.json`` last, atomically); a point whose folder holds its finished
    result is skipped, so an interrupted sweep resumes where it stopped and a grown grid
    reuses the points it shares. Under ``cpp_standalone``, points that differ only in the
    protocol's run-time parameters (``RUN_ARGS``) are one task: one build, the binary re-run
    per point (:func:`run_built_once`). Points get no figure unless ``figures=True`` (drawing
    one costs more than a ``run_args`` run; ``redraw`` draws it from the point's result).
    Writes ``sweep.json`` and ``sweep.md`` (one row per point and rule set: the point's
    values, findings reproduced)."""
    from dask.distributed import Client, LocalCluster, as_completed

    out = Path(out)
    base = _settings(settings)
    points = grid_points(grid)
    options = {"figures": False, **{k: v for k, v in options.items() if k != "force"}}
    _check_device(options.get("device", "cpp_standalone"), options.get("codegen", "cython"),
                  options.get("threads", 0))
    run_args = getattr(protocol(name), "RUN_ARGS", {})
    once = options.get("device", "cpp_standalone") == "cpp_standalone"
    plan, groups = [], {}
    for point in points:
        req = request(name, options.get("rules"), options.get("conditions"),
                      options.get("seed", 1), options.get("quick", False), {**base, **point})
        digest = hashlib.sha1(json.dumps(req, sort_keys=True).encode()).hexdigest()[:8]
        folder = out / "points" / digest
        done = _occupied(folder, req)
        plan.append((point, req, folder, done))
        if done is None:
            structure = {k: v for k, v in point.items() if not (once and k in run_args)}
            key = json.dumps(structure, sort_keys=True) if once else str(folder)
            groups.setdefault(key, []).append((str(folder), {**base, **point}))
    todo = sum(len(g) for g in groups.values())
    print(f"sweep {name}: {len(points)} points, {len(points) - todo} already finished "
          f"({len(groups)} tasks)")
    summaries = {str(f): _summary(done, f) for _, _, f, done in plan if done is not None}
    if groups:
        cluster = None if scheduler else LocalCluster(
            n_workers=workers, threads_per_worker=1, processes=True, dashboard_address=None)
        try:
            with Client(scheduler or cluster) as client:
                futures = [
                    client.submit(_group_run, name, group, options, pure=False)
                    if once and len(group) > 1 else
                    client.submit(_point_run, name, group[0][0], group[0][1], options,
                                  pure=False)
                    for group in groups.values()]
                finished = 0
                for future in as_completed(futures):
                    for summary in future.result():
                        summaries[summary["folder"]] = summary
                        finished += 1
                        print(f"point {finished}/{todo} finished: {summary['folder']}",
                              flush=True)
        finally:
            if cluster is not None:
                cluster.close()
    rows, table = [], []
    for point, req, folder, _ in plan:
        summary = summaries[str(folder)]
        for rs in req["rule_sets"] or ["-"]:
            mine = [f for f in summary["findings"] if (f.get("rule_set") or "-") == rs]
            failed = [f["name"] for f in mine if not f["reproduced"]]
            table.append({"point": point, "rule_set": rs, "folder": str(folder),
                          "reproduced": len(mine) - len(failed), "findings": len(mine),
                          "failed": failed, "wall_s": summary["wall_s"]})
            rows.append([*point.values(), rs, f"{len(mine) - len(failed)}/{len(mine)}",
                         "; ".join(failed) or "-"])
    result = {"protocol": name, "grid": {k: [p[k] for p in points] for k in points[0]},
              "settings": {k: str(v) for k, v in base.items()}, "points": table}
    write_json(out / "sweep.json", result)
    (out / "sweep.md").write_text(_table(rows, [*points[0], "rule set", "reproduced",
                                                "not reproduced"]))
    return result


# ---------------------------------------------------------------------------- figures
def redraw(folder: str | Path) -> list[Path]:
    """Re-draw a finished run's figure from its ``result.json`` alone (no re-run)."""
    result = load_result(folder)
    return draw(protocol(result["protocol"]), result, Path(folder))


def figure_main(name: str, doc: str, comparison: tuple | None = None,
                quick_setting: bool = False) -> None:
    """The command line of a ``figures/NAME.py`` script: ``--out DIR [--quick]``. Runs the
    protocol as the README reports it (``comparison``: ``(rules, seeds)``, the quick setting
    if ``quick_setting``; ``--quick`` then keeps the first seed), or re-draws a finished
    run of the same request in ``DIR``."""
    import argparse

    parser = argparse.ArgumentParser(description=doc.strip().split("\n")[0])
    parser.add_argument("--out", type=Path, required=True)
    parser.add_argument("--quick", action="store_true", help="the protocol's quick setting")
    args = parser.parse_args()
    try:
        if comparison is not None:
            rules_, seeds = comparison
            compare(name, [rules_], list(seeds[:1] if args.quick else seeds), args.out,
                    quick=quick_setting or args.quick)
            return
        found = _occupied(args.out, request(name, quick=args.quick))
        if found is None:
            found = run(name, quick=args.quick, out=args.out)
        else:
            draw(protocol(name), found, args.out)
        print_findings(found)
    except UsageError as err:
        print(f"{Path(sys.argv[0]).name}: error: {err}", file=sys.stderr)
        raise SystemExit(2) from err
