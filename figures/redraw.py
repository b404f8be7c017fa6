"""Re-draw a protocol's figure from the ``result.json`` it wrote, without re-running it.

    python figures/redraw.py motor_learning results/ml_all/result.json [--out figure.png]
    python figures/redraw.py fear_conditioning results/fear_all/result.json

Each protocol's ``figure(result, path)`` reads only its result, so a figure can be restyled
or re-drawn from archived results.
"""

from __future__ import annotations

import argparse
import importlib
import json
from pathlib import Path

PROTOCOLS = ("motor_learning", "fear_conditioning")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("protocol", choices=PROTOCOLS)
    parser.add_argument("result", type=Path)
    parser.add_argument("--out", type=Path, default=None)
    args = parser.parse_args()
    figure = importlib.import_module(f"protocols.{args.protocol}").figure
    result = json.loads(args.result.read_text())
    print(figure(result, args.out or args.result.with_name("figure.png")))


if __name__ == "__main__":
    main()
