"""Credit assignment on 8x8 digits: backprop, feedback alignment, burstprop, segregated
dendrites and the output-only baseline; learning curves, final errors beside the published
MNIST numbers (Lillicrap et al. 2016), sample efficiency (protocols/credit_assignment.py).

    python figures/credit_assignment.py --out results/figures/credit_assignment  # 5 seeds
    python figures/credit_assignment.py --quick --out DIR  # 2 seeds, 20 epochs
"""

import sys

from protocols.credit_assignment import main

if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
