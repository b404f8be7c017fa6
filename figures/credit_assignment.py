"""Credit assignment on 8x8 digits: backprop, feedback alignment, burstprop (rate form),
segregated dendrites and the output-only baseline; learning curves (mean +- s.d.), final test
errors beside the published MNIST numbers (Lillicrap et al. 2016, Nat Commun 7:13276) and
sample efficiency (protocols/credit_assignment.py, whose docstring is the methods section).

    python figures/credit_assignment.py --out results/figures/credit_assignment  # 5 seeds
    python figures/credit_assignment.py --quick --out DIR  # 2 seeds, 20 epochs

Runs the protocol and writes DIR/figure.png and .svg beside result.json and data.npz; a
folder that already holds the same finished run is not re-run: its figure is redrawn from
its result.json. A folder holding another run is refused (exit 2) unless --force.
"""

import sys

from protocols.credit_assignment import main

if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
