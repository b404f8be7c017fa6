"""Rule 1, pair STDP (Song, Miller & Abbott 2000; window of Bi & Poo 1998).

Replays :mod:`protocols.plasticity.bi_poo_window`. Tolerances: the single-pair change equals
the closed form to 1e-9; the exponential fits of the simulated window recover
tau_plus = 16.8 ms and tau_minus = 33.7 ms within 1%; the depression/potentiation area ratio
is 1.05 within 1%. Also: all-to-all vs nearest-spike pairing, and the weight bounds.
"""

import numpy as np
import pytest

from dendritic_models.rules.pair_stdp import pair_stdp
from protocols.plasticity import bi_poo_window
from protocols.plasticity.bi_poo_window import W0, pair


def test_single_pair_matches_closed_form_and_bi_poo_window():
    result = bi_poo_window.run()
    failed = [f for f in result["findings"] if not f["reproduced"]]
    assert not failed, failed


def test_all_to_all_and_nearest_spike_differ_as_defined():
    """Two presynaptic spikes 20 and 10 ms before the AP: all-to-all sums both pairs,
    nearest-spike only the closer one (Morrison, Diesmann & Gerstner 2008, Sec. 4.1)."""
    [(far, near)], w_all, _ = pair(pair_stdp(), [[-20.0, -10.0]])
    _, w_near, _ = pair(pair_stdp(nearest=True), [[-20.0, -10.0]])
    a, tp = 0.01, 16.8
    assert w_all[0] - W0 == pytest.approx(a * (np.exp(far / tp) + np.exp(near / tp)), rel=1e-9)
    assert w_near[0] - W0 == pytest.approx(a * np.exp(near / tp), rel=1e-9)


def test_weights_stay_within_bounds():
    rule = pair_stdp(A_plus=0.8, w_max=1.5)
    _, w, _ = pair(rule, [[-5.0], [5.0], [-5.0, -3.0]])
    assert np.all(w >= 0) and np.all(w <= 1.5)
    assert w[0] == pytest.approx(1.5) and w[2] == pytest.approx(1.5)
