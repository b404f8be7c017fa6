"""BAC firing on the L5 template: soma and nexus voltage for the AP alone, the distal EPSP
alone and the two together (cf. Larkum, Zhu & Sakmann 1999, Nature 398:338, Fig. 1).

    python figures/bac_firing.py --out results/figures/bac_firing   # 15 delays, cpp_standalone
    python figures/bac_firing.py --quick --out DIR                  # 5 delays
"""

from protocols.api import figure_main

if __name__ == "__main__":
    figure_main("bac_firing", __doc__)
