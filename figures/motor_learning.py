"""Re-draw the motor-learning figure (Wright, Hedrick & Komiyama 2025 replay) from a
``result.json`` written by ``python -m protocols.motor_learning``, without re-running it.

    python figures/motor_learning.py results/ml_all/result.json [--out figure.png]
"""

from __future__ import annotations

import argparse
import json
from pathlib import Path

from protocols.motor_learning import figure


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("result", type=Path)
    parser.add_argument("--out", type=Path, default=None)
    args = parser.parse_args()
    result = json.loads(args.result.read_text())
    print(figure(result, args.out or args.result.with_name("figure.png")))


if __name__ == "__main__":
    main()
