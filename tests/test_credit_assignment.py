"""Rate-level credit assignment on 8x8 digits (protocols.credit_assignment): each teaching
signal against its definition, and the quick run's result contract.

Sources: Lillicrap et al. 2016 (feedback alignment), Guerguiev et al. 2017 (segregated
dendrites), Payeur et al. 2021 (burstprop's rate form, jordan-g/Burstprop ``layers.py``).
"""

import json
from dataclasses import replace

import numpy as np
import pytest

from protocols import credit_assignment as ca

SETUP = ca.FULL


@pytest.fixture(scope="module")
def batch():
    rng = np.random.default_rng(0)
    net = ca.initial(64, 100, 10, SETUP.feedback_range, seed=3)
    x = rng.random((7, 64))
    labels = rng.integers(0, 10, 7)
    h, y = ca.forward(net, x)
    return net, x, labels, np.eye(10)[labels], h, y


def loss(net, x, t):
    return 0.5 * np.sum((ca.forward(net, x)[1] - t) ** 2)


def test_backprop_is_the_gradient_of_the_squared_error(batch):
    """Central differences, relative error <= 1e-6 on every W1 and W2 entry tried."""
    net, x, _, t, h, y = batch
    delta_h, delta_o = ca.backprop(net, h, y, t, SETUP)
    grads = {"W1": delta_h.T @ x, "W2": delta_o.T @ h}
    rng, eps = np.random.default_rng(1), 1e-6
    for name, grad in grads.items():
        weights = getattr(net, name)
        for _ in range(10):
            i, j = rng.integers(weights.shape[0]), rng.integers(weights.shape[1])
            keep = weights[i, j]
            weights[i, j] = keep + eps
            up = loss(net, x, t)
            weights[i, j] = keep - eps
            down = loss(net, x, t)
            weights[i, j] = keep
            numeric = (up - down) / (2 * eps)
            assert grad[i, j] == pytest.approx(numeric, rel=1e-6, abs=1e-10)


def test_feedback_alignment_with_the_transpose_is_backprop(batch):
    net, _, _, t, h, y = batch
    aligned = ca.Net(net.W1, net.b1, net.W2, net.b2, B=net.W2.copy(), Y=net.Y)
    for a, b in zip(ca.feedback_alignment(aligned, h, y, t, SETUP),
                    ca.backprop(net, h, y, t, SETUP), strict=True):
        np.testing.assert_array_equal(a, b)
    # with the random B the hidden error differs, the output error does not
    fa = ca.feedback_alignment(net, h, y, t, SETUP)
    assert not np.allclose(fa[0], ca.backprop(net, h, y, t, SETUP)[0])
    np.testing.assert_array_equal(fa[1], ca.backprop(net, h, y, t, SETUP)[1])


def test_burstprop_output_error_is_p_baseline_times_the_squared_error_gradient(batch):
    """b_t - b = p_baseline (t - y)(1 - y) y, so delta_o = p_baseline (y - t) y (1 - y)."""
    net, _, _, t, h, y = batch
    delta_h, delta_o = ca.burstprop(net, h, y, t, SETUP)
    np.testing.assert_allclose(delta_o, SETUP.p_baseline * (y - t) * y * (1 - y), rtol=1e-12)
    # hidden: a hand computation for one unit of one example
    u = (SETUP.p_baseline * y[0]) @ net.Y[:, 5] * (1 - h[0, 5])
    p_t = SETUP.p_baseline * ((t[0] - y[0]) * (1 - y[0]) + 1)
    u_t = (p_t * y[0]) @ net.Y[:, 5] * (1 - h[0, 5])
    expected = -(ca.sigmoid(u_t) - ca.sigmoid(u)) * h[0, 5]
    assert delta_h[0, 5] == pytest.approx(expected, rel=1e-12)


def test_burstprop_and_segregated_dendrites_follow_the_feedback_alignment_sign(batch):
    """To first order both hidden errors are B-feedback errors with positive gains, so
    they correlate positively with feedback alignment through the same matrix."""
    net, _, _, t, h, y = batch
    same = ca.Net(net.W1, net.b1, net.W2, net.b2, B=net.Y, Y=net.Y)
    fa = ca.feedback_alignment(same, h, y, t, SETUP)[0].ravel()
    for rule in (ca.burstprop, ca.segregated_dendrites):
        other = rule(net, h, y, t, SETUP)[0].ravel()
        assert np.corrcoef(fa, other)[0, 1] > 0.8
    assert not np.any(ca.output_only(net, h, y, t, SETUP)[0])


def test_training_is_deterministic_and_learns():
    x, x_test, labels, labels_test = ca.digits(2)
    setup = replace(ca.FULL, epochs=3)
    first = ca.train("backprop", x, labels, x_test, labels_test, setup, seed=2)[1]
    again = ca.train("backprop", x, labels, x_test, labels_test, setup, seed=2)[1]
    np.testing.assert_array_equal(first, again)
    assert first[0] > 80 and first[-1] < first[0] - 10  # chance is 90%


def test_bad_input_is_refused_before_anything_runs(tmp_path):
    with pytest.raises(ValueError, match="n_hidden"):
        ca.check(replace(ca.FULL, n_hidden=0))
    with pytest.raises(ValueError, match="lr"):
        ca.check(replace(ca.FULL, lr=-1.0))
    with pytest.raises(ValueError, match="shots"):
        ca.check(replace(ca.FULL, shots=(0, 5)))
    x, x_test, labels, labels_test = ca.digits(1)
    with pytest.raises(ValueError, match="unknown method"):
        ca.train("hebb", x, labels, x_test, labels_test, ca.FULL, seed=1)


def test_quick_run_writes_the_result_contract(tmp_path):
    out = tmp_path / "ca"
    assert ca.main(["--quick", "--seed", "4", "--out", str(out)]) == 0
    result = json.loads((out / "result.json").read_text())
    assert result["seed"] == 4 and result["quick"]
    assert result["measured"]["seeds"] == [4, 5]
    assert len(result["findings"]) == 7
    for f in result["findings"]:
        assert set(f) >= {"name", "value", "target", "reproduced"}
    err = result["measured"]["test_error_percent"]
    assert set(err) == set(ca.METHODS)
    assert all(0 <= err[m]["mean"] <= 100 for m in err)
    assert list(result["measured"]["sample_efficiency_percent"]["burstprop"]) == [
        "1 per class", "20 per class", "all"]
    assert (out / "figure.png").stat().st_size > 0 and (out / "figure.svg").exists()
    data = np.load(out / "data.npz")
    assert data["curves"].shape == (5, 2, ca.QUICK.epochs + 1)
    # the same folder: the finished result is kept; another request is refused
    assert ca.main(["--quick", "--seed", "4", "--out", str(out)]) == 0
    assert ca.main(["--seed", "4", "--out", str(out)]) == 2
