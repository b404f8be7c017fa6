"""Consolidation against forgetting: association 1 (w_A) and 2 (w_B) over 6 h in the four
arms (tag-and-capture consolidation or protein synthesis blocked, x apical context gating or
none), proteins, and the retention of association 1 (protocols/consolidation.py, whose
docstring is the methods section).

    python figures/consolidation.py --out results/figures/consolidation  # 5 seeds x 4 cells
    python figures/consolidation.py --quick --out DIR  # 1 seed, 1 cell per group

Runs the protocol and writes DIR/figure.png and .svg beside result.json and data.npz; a
folder that already holds the same finished run is not re-run: its figure is redrawn from
its result.json. A folder holding another run is refused (exit 2) unless --force.
"""

import sys

from protocols.consolidation import main

if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
