"""The ``dendritic-models`` command: list, run, compare, figures, sweep, redraw.

    dendritic-models list
    dendritic-models run fear_conditioning --quick --rules three_factor --out results/fear
    dendritic-models compare fear_conditioning --rules all --seeds 1,2,3 --quick --out DIR
    dendritic-models figures --all --out results/figures
    dendritic-models sweep bac_firing --quick --grid epsp_weight=10*nS,15*nS --out DIR
    dendritic-models redraw results/fear

A user's mistake (an unknown name, a value of the wrong units, a folder holding results)
gets one line on stderr and exit status 2, before anything runs. Each protocol cites its
source in its own docstring; results carry their provenance (Sandve, Nekrutenko, Taylor &
Hovig 2013, PLoS Comput Biol 9:e1003285, rules 1, 3 and 6).
"""

from __future__ import annotations

import argparse
import ast
import importlib
import json
import pkgutil
import shlex
import subprocess
import sys
from collections.abc import Callable
from dataclasses import asdict, replace
from pathlib import Path

from protocols import api

FIGURES = Path(__file__).resolve().parent.parent / "figures"
#: protocols with their own command line (:func:`module_main`), outside ``api.PROTOCOLS``:
#: rate networks (numpy algebra, no Brian2 run), multi-hour runs on two clocks, and a
#: network built once and re-run per seed with its own random stream
OWN_COMMAND = ("credit_assignment", "consolidation", "burstprop_xor")


def _first_line(obj) -> str:
    return (obj.__doc__ or "").strip().split("\n")[0]


def figure_scripts() -> dict[str, Path]:
    """``figures/NAME.py`` scripts (each runnable on its own), by name."""
    return {p.stem: p for p in sorted(FIGURES.glob("*.py"))} if FIGURES.is_dir() else {}


def list_everything() -> str:
    from dendritic_models import templates

    lines = ["protocols (dendritic-models run NAME):"]
    for name in api.PROTOCOLS:
        module = api.protocol(name)
        lines.append(f"  {name:22s} {_first_line(module)}")
        for rs in module.RULE_SETS.values():
            lines.append(f"      rule set {rs.name:24s} {rs.description}")
        if module.CONDITIONS:
            lines.append(f"      conditions: {', '.join(module.CONDITIONS)}")
    lines.append("neuron templates (dendritic_models.templates):")
    for name in ("l23_pyramidal", "l5_pyramidal", "la_principal", "la_interneuron"):
        lines.append(f"  {name:22s} {_first_line(getattr(templates, name))}")
    lines.append("figures (dendritic-models figures NAME, or python figures/NAME.py):")
    for name, path in figure_scripts().items():
        doc = ast.get_docstring(ast.parse(path.read_text())) or ""
        lines.append(f"  {name:22s} {doc.split(chr(10))[0]}")
    lines.append("replays with their own command (python -m protocols.NAME [--quick] --out DIR):")
    for name in OWN_COMMAND:
        module = importlib.import_module(f"protocols.{name}")
        lines.append(f"  {name:22s} {_first_line(module)}")
    lines.append("rule validations (python -m protocols.plasticity.table --out DIR):")
    import protocols.plasticity as plasticity
    for info in pkgutil.iter_modules(plasticity.__path__):
        if info.name != "table":
            module = importlib.import_module(f"protocols.plasticity.{info.name}")
            lines.append(f"  {info.name:22s} {_first_line(module)}")
    return "\n".join(lines)


def list_parameters(name: str) -> str:
    """Every parameter of a protocol: path, unit, full and quick values."""
    from dendritic_models.parameters import with_units

    module = api.protocol(name)
    full, quick = (with_units(s, module.UNITS) for s in (module.FULL, module.QUICK))
    lines = [f"{name} parameters (--set KEY=VALUE with the unit shown; full / quick):"]
    for path, entry in full.items():
        unit = entry["unit"]
        shown = unit if isinstance(unit, str) else "(" + ", ".join(unit) + ")"
        other = "" if quick[path] == entry else f" / {quick[path]['value']}"
        lines.append(f"  {path:34s} {shown:14s} {entry['value']}{other}")
    return "\n".join(lines)


def _common(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("protocol", help=", ".join(api.PROTOCOLS))
    parser.add_argument("--condition", action="append", metavar="NAME",
                        help="repeatable; default: every condition")
    parser.add_argument("--quick", action="store_true",
                        help="the protocol's small, short setting")
    parser.add_argument("--set", action="append", metavar="KEY=VALUE", dest="settings",
                        help="a parameter with Brian2 units, e.g. paradigm.tone_rate=40*Hz "
                             "(repeatable; the names: dendritic-models list PROTOCOL)")
    parser.add_argument("--device", default="cpp_standalone", choices=api.DEVICES)
    parser.add_argument("--codegen", default="cython", choices=api.CODEGEN_TARGETS,
                        help="runtime device only (numpy: no compilation, slow)")
    parser.add_argument("--threads", type=int, default=0,
                        help="OpenMP threads of cpp_standalone (0: none)")
    parser.add_argument("--out", type=Path, required=True)


def parser() -> argparse.ArgumentParser:
    top = argparse.ArgumentParser(prog="dendritic-models", description=_first_line(
        sys.modules[__name__]))
    sub = top.add_subparsers(dest="command", required=True)
    p = sub.add_parser("list", help="protocols, rule sets, templates, figures; or one "
                       "protocol's parameters")
    p.add_argument("protocol", nargs="?", help="list this protocol's parameters and units")
    p = sub.add_parser("run", help="run one protocol")
    _common(p)
    p.add_argument("--rules", action="append", metavar="NAME",
                   help="rule set (repeatable): a name, 'all', 'kind=rule,...' or "
                        "'module:attribute'; default: the protocol's")
    p.add_argument("--seed", type=int, default=1)
    p.add_argument("--build", type=Path, default=None,
                   help="cpp_standalone build folder (default: a cached one keyed by model)")
    p.add_argument("--force", action="store_true", help="overwrite results in --out")
    p = sub.add_parser("compare", help="one protocol under several rule sets and seeds")
    _common(p)
    p.add_argument("--rules", required=True, help="comma-separated rule sets, or 'all'")
    p.add_argument("--seeds", default="1", help="comma-separated, e.g. 1,2,3")
    p.add_argument("--force", action="store_true")
    p = sub.add_parser("figures", help="re-draw the published figures (figures/NAME.py)")
    p.add_argument("names", nargs="*", metavar="NAME")
    p.add_argument("--all", action="store_true")
    p.add_argument("--quick", action="store_true", help="each figure's quick setting")
    p.add_argument("--out", type=Path, required=True)
    p = sub.add_parser("redraw", help="re-draw a finished run's figure from its result.json")
    p.add_argument("folder", type=Path)
    p = sub.add_parser("sweep", help="a parameter grid on a Dask cluster")
    _common(p)
    p.add_argument("--grid", action="append", required=True, metavar="KEY=V1,V2,...")
    p.add_argument("--rules", action="append", metavar="NAME")
    p.add_argument("--seed", type=int, default=1)
    p.add_argument("--workers", type=int, default=2, help="local cluster's worker processes")
    p.add_argument("--scheduler", default=None,
                   help="address of an existing Dask scheduler (tcp://host:8786)")
    p.add_argument("--figures", action="store_true", help="draw every point's figure")
    return top


def _options(args) -> dict:
    return {"conditions": args.condition, "quick": args.quick, "device": args.device,
            "codegen": args.codegen, "threads": args.threads}


def main(argv: list[str] | None = None) -> int:
    argv = sys.argv[1:] if argv is None else list(argv)
    args = parser().parse_args(argv)
    command = shlex.join(["dendritic-models", *argv])
    try:
        if args.command == "list":
            print(list_parameters(args.protocol) if args.protocol else list_everything())
        elif args.command == "run":
            result = api.run(args.protocol, args.rules, seed=args.seed, settings=args.settings,
                             out=args.out, force=args.force, build=args.build, command=command,
                             **_options(args))
            api.print_findings(result)
            print(f"wrote {args.out}")
        elif args.command == "compare":
            seeds = [int(s) for s in args.seeds.split(",")]
            api.compare(args.protocol, args.rules.split(","), seeds, args.out, args.force,
                        settings=args.settings, command=command, **_options(args))
        elif args.command == "figures":
            return _figures(args)
        elif args.command == "redraw":
            if not (args.folder / api.RESULT).exists():
                raise api.UsageError(f"{args.folder} holds no {api.RESULT}")
            for path in api.redraw(args.folder):
                print(f"wrote {path}")
        elif args.command == "sweep":
            if args.workers < 1:
                raise api.UsageError(f"--workers must be >= 1, got {args.workers}")
            api.sweep(args.protocol, args.grid, args.out, args.workers, args.scheduler,
                      args.settings, rules=args.rules, seed=args.seed, command=command,
                      figures=args.figures, **_options(args))
            print((args.out / "sweep.md").read_text())
    except api.UsageError as err:
        print(f"dendritic-models: error: {err}", file=sys.stderr)
        return 2
    return 0


def _figures(args) -> int:
    scripts = figure_scripts()
    names = list(scripts) if args.all else args.names
    if not names:
        raise api.UsageError(f"name figures or pass --all; valid: {', '.join(scripts)}")
    unknown = [n for n in names if n not in scripts]
    if unknown:
        raise api.UsageError(f"unknown figure(s) {unknown}; valid: {', '.join(scripts)}")
    failed = []
    for name in names:
        cmd = [sys.executable, str(scripts[name]), "--out", str(args.out / name)]
        print("$", shlex.join(cmd), flush=True)
        if subprocess.call([*cmd, *(["--quick"] if args.quick else [])]) != 0:
            failed.append(name)
    if failed:
        print(f"dendritic-models: figures failed: {', '.join(failed)}", file=sys.stderr)
    return 1 if failed else 0


def module_main(module, argv: list[str] | None = None,
                extra: dict[str, tuple[str, Callable]] | None = None) -> int:
    """``python -m protocols.NAME [--quick] [--seed N] [--force] --out DIR`` for a protocol
    with its own command line (:data:`OWN_COMMAND`): ``module`` has ``QUICK``, ``FULL``
    (frozen dataclasses with a ``seed``), ``check(setup)`` and ``run(setup, out)``. A folder
    holding the same finished run is not re-run (its figure is redrawn), one holding another
    run is refused unless ``--force``. ``extra``: flag -> (help, action(args, setup) -> exit
    status), run instead when its flag is given."""
    name = module.__name__.rsplit(".", 1)[-1]
    parser = argparse.ArgumentParser(prog=f"python -m {module.__name__}",
                                     description=_first_line(module))
    parser.add_argument("--out", type=Path, required=True, help="result folder")
    parser.add_argument("--quick", action="store_true",
                        help=f"the QUICK setting (what the tests run): {module.QUICK}")
    parser.add_argument("--seed", type=int, default=1, help="first seed")
    parser.add_argument("--force", action="store_true",
                        help="overwrite a folder holding another result")
    for flag, (text, _) in (extra or {}).items():
        parser.add_argument(f"--{flag}", action="store_true", help=text)
    args = parser.parse_args(argv)
    setup = replace(module.QUICK if args.quick else module.FULL, seed=args.seed)
    try:
        module.check(setup)
        for flag, (_, action) in (extra or {}).items():
            if getattr(args, flag.replace("-", "_")):
                return action(args, setup)
        path = args.out / api.RESULT
        if path.exists() and not args.force:
            found = json.loads(path.read_text())
            if (found.get("protocol") != name
                    or found.get("parameters") != json.loads(json.dumps(asdict(setup)))):
                raise ValueError(f"{args.out} holds the result of another run; choose "
                                 "another folder or --force")
            print(f"finished result found in {args.out}; redrawing its figure")
            api.draw(module, found, args.out)
            result = found
        else:
            result = module.run(setup, args.out)
    except ValueError as err:
        print(f"{name}: error: {err}", file=sys.stderr)
        return 2
    api.print_findings(result)
    return 0


def protocol_main(name: str) -> None:
    """``python -m protocols.NAME ARGS`` = ``dendritic-models run NAME ARGS``."""
    raise SystemExit(main(["run", name, *sys.argv[1:]]))


if __name__ == "__main__":
    raise SystemExit(main())
