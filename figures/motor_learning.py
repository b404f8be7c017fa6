"""Motor learning (Wright, Hedrick & Komiyama 2025, Science 388:322): ROC AUCs of local and
somatic co-activity for sLTP per compartment, sLTP under silencing, learning curves, and the
findings grid; the README's table (compartment_specific, seed 1).

    python figures/motor_learning.py --out results/figures/motor_learning   # 20 cells, 14 sessions
    python figures/motor_learning.py --quick --out DIR                      # 6 cells, 3 sessions
"""

from protocols.api import figure_main

if __name__ == "__main__":
    figure_main("motor_learning", __doc__)
