"""Fear conditioning in LA (Kim, Paré & Nair 2013 circuit): which of the four rule sets
reproduces which finding, over seeds 1-3 at the quick setting (the README's table), with each
seed's figure.

    python figures/fear_conditioning.py --out results/figures/fear_conditioning   # 3 seeds, ~21 min
    python figures/fear_conditioning.py --quick --out DIR                         # seed 1, ~7 min
"""

from protocols.api import figure_main

if __name__ == "__main__":
    figure_main("fear_conditioning", __doc__, comparison=("all", (1, 2, 3)), quick_setting=True)
