"""Run every rule-validation experiment and write the README's rule table.

``python -m protocols.plasticity.table --out DIR [--quick] [--readme README.md]`` runs each
module of :mod:`protocols.plasticity`, writes ``DIR/<experiment>.json`` (findings, data,
provenance) as each finishes (an interrupted run keeps the finished ones), then
``DIR/rule_table.json`` and ``DIR/rule_table.md``; with ``--readme`` it replaces the table
between the README's ``rule-table`` markers. Exit status 1 if any finding is not reproduced.
"""

from __future__ import annotations

import argparse
import json
import sys
import time
from pathlib import Path

import brian2
import numpy as np

from dendritic_models.results import provenance, write_json

from . import experiments

START, END = "<!-- rule-table:start -->", "<!-- rule-table:end -->"


def _rounded(value):
    """Numbers to 4 significant digits, arrays to lists, recursively."""
    if isinstance(value, dict):
        return {k: _rounded(v) for k, v in value.items()}
    if isinstance(value, (list, tuple, np.ndarray)):
        return [_rounded(v) for v in np.asarray(value).tolist()]
    if isinstance(value, (float, np.floating)):
        return float(f"{value:.4g}")
    if isinstance(value, np.generic):
        return value.item()
    return value


def _short(value, limit: int = 160) -> str:
    """A finding's value or target in one table cell (long ones cut; the JSON has all)."""
    text = value if isinstance(value, str) else json.dumps(_rounded(value))
    text = text.replace('"', "").replace("|", "/")
    return text if len(text) <= limit else text[: limit - 3] + "..."


def markdown(rows: list[dict]) -> str:
    lines = ["| Rule | Experiment | Finding | Measured | Published / accepted | OK |",
             "|---|---|---|---|---|---|"]
    for r in rows:
        lines.append(
            f"| {r['rule']} | {r['experiment']} | {r['finding']} | {_short(r['value'])} | "
            f"{_short(r['target'])} | {'yes' if r['reproduced'] else 'NO'} |"
        )
    sources = sorted({(r["experiment"], r["source"]) for r in rows})
    lines += ["", "Sources: " + "; ".join(f"{e}: {s}" for e, s in sources) + "."]
    return "\n".join(lines) + "\n"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m protocols.plasticity.table",
                                     description=__doc__.split("\n")[0])
    parser.add_argument("--out", required=True, type=Path)
    parser.add_argument("--quick", action="store_true", help="each experiment's quick setting")
    parser.add_argument("--readme", type=Path, help="README to update between the markers")
    parser.add_argument("--only", nargs="*", help="experiment names (default: all)")
    args = parser.parse_args(argv)
    brian2.prefs.codegen.target = "numpy"
    rows = []
    for name, module in experiments().items():
        if args.only and name not in args.only:
            continue
        brian2.start_scope()
        brian2.defaultclock.dt = 0.1 * brian2.ms
        start = time.perf_counter()
        result = module.run(quick=args.quick)
        wall = time.perf_counter() - start
        write_json(args.out / f"{name}.json", {
            "experiment": name, "rules": module.RULE, "source": module.SOURCE, **result,
            "provenance": provenance(quick=args.quick, target="numpy", wall_s=round(wall, 2)),
        })
        for f in result["findings"]:
            rules = (module.RULE,) if isinstance(module.RULE, str) else module.RULE
            rows.append({"rule": ", ".join(rules), "experiment": name,
                         "source": module.SOURCE, "finding": f["name"], "value": f["value"],
                         "target": f["target"], "reproduced": f["reproduced"]})
        print(f"{name}: {sum(f['reproduced'] for f in result['findings'])}/"
              f"{len(result['findings'])} findings reproduced ({wall:.0f} s)", flush=True)
    write_json(args.out / "rule_table.json", {"rows": rows, "provenance": provenance()})
    table = markdown(rows)
    (args.out / "rule_table.md").write_text(table)
    if args.readme:
        text = args.readme.read_text()
        head, rest = text.split(START, 1)
        _, tail = rest.split(END, 1)
        command = "python -m protocols.plasticity.table" + (" --quick" if args.quick else "")
        args.readme.write_text(
            f"{head}{START}\nProduced by `{command} --out results/rules --readme README.md`.\n\n"
            f"{table}{END}{tail}"
        )
    return 0 if all(r["reproduced"] for r in rows) else 1


if __name__ == "__main__":
    sys.exit(main())
