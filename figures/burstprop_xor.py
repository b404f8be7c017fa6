"""Spiking XOR with burst-dependent plasticity (Payeur et al. 2021, Nat Neurosci 24:1010,
Fig. 4): output event rate per input pattern before and after learning, beside the pair-STDP
control and the published re-run, and the output rate over training
(protocols/burstprop_xor.py, whose docstring is the methods section).

    python figures/burstprop_xor.py --out results/figures/burstprop_xor  # reduced config, 5 seeds
    python figures/burstprop_xor.py --quick --out DIR  # mechanism smoke run, not the learning claim
    python figures/burstprop_xor.py --authors-protocol --out DIR  # authors' protocol, N 100

Runs the protocol and writes DIR/figure.png and .svg beside result.json and the raw arrays;
a folder that already holds the same finished run is not re-run: its figure is redrawn from
its result.json. A folder holding another run is refused (exit 2) unless --force.
"""

import sys

from protocols.burstprop_xor import main

if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
