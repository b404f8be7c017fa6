"""Rate-level credit assignment on 8x8 digits (protocols.credit_assignment): each teaching
signal against its definition, determinism, refusal of bad input, and the quick run's result
contract.

Sources: Lillicrap et al. 2016, Nat Commun 7:13276 (feedback alignment); Guerguiev, Lillicrap
& Richards 2017, eLife 6:e22901 (segregated dendrites); Payeur et al. 2021, Nat Neurosci
24:1010 (burstprop's rate form, jordan-g/Burstprop ``layers.py``).
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
    net = ca.initial(64, 100, 10, SETUP, seed=3)
    x = rng.random((7, 64))
    labels = rng.integers(0, 10, 7)
    h, y = ca.forward(net, x)
    return net, x, labels, np.eye(10)[labels], h, y


def loss(net, x, t):
    return 0.5 * np.sum((ca.forward(net, x)[1] - t) ** 2)


def tiny_net(Y):
    """1 input, 1 hidden unit, 2 outputs; ``Y`` (2 x 1) as both apical feedback matrices."""
    Y = np.asarray(Y, dtype=float).reshape(2, 1)
    return ca.Net(W1=np.array([[0.3]]), b1=np.zeros(1), W2=np.array([[0.5], [-0.5]]),
                  b2=np.zeros(2), B=Y.copy(), Y_burst=Y.copy(), Y_plateau=Y.copy())


def one_step(net, rule, x, h, y, t, lr=0.1):
    """Apply one update of ``rule`` without momentum or decay; returns (dW1, dW2)."""
    setup = replace(SETUP, momentum=0.0, weight_decay=0.0)
    before = net.W1.copy(), net.W2.copy()
    velocity = {n: np.zeros_like(getattr(net, n)) for n in ("W1", "b1", "W2", "b2")}
    ca.sgd_step(net, velocity, x, h, *rule(net, h, y, t, setup), lr, lr, setup)
    return net.W1 - before[0], net.W2 - before[1]


def test_backprop_is_the_gradient_of_the_squared_error(batch):
    """Central differences, relative error <= 1e-6 on W1, W2 and both biases."""
    net, x, _, t, h, y = batch
    delta_h, delta_o = ca.backprop(net, h, y, t, SETUP)
    grads = {"W1": delta_h.T @ x, "W2": delta_o.T @ h, "b1": delta_h.sum(0)[None],
             "b2": delta_o.sum(0)[None]}
    rng, eps = np.random.default_rng(1), 1e-5
    for name, grad in grads.items():
        weights = getattr(net, name)
        view = weights if weights.ndim == 2 else weights[None]
        for _ in range(8):
            i, j = rng.integers(view.shape[0]), rng.integers(view.shape[1])
            keep = view[i, j]
            view[i, j] = keep + eps
            up = loss(net, x, t)
            view[i, j] = keep - eps
            down = loss(net, x, t)
            view[i, j] = keep
            assert grad[i, j] == pytest.approx((up - down) / (2 * eps), rel=1e-6, abs=1e-11)


def test_feedback_alignment_with_the_transpose_is_backprop(batch):
    net, _, _, t, h, y = batch
    aligned = replace(net, B=net.W2.copy())
    for a, b in zip(ca.feedback_alignment(aligned, h, y, t, SETUP),
                    ca.backprop(net, h, y, t, SETUP), strict=True):
        np.testing.assert_array_equal(a, b)
    # with the random B the hidden error differs, the output error does not
    fa = ca.feedback_alignment(net, h, y, t, SETUP)
    assert not np.allclose(fa[0], ca.backprop(net, h, y, t, SETUP)[0])
    np.testing.assert_array_equal(fa[1], ca.backprop(net, h, y, t, SETUP)[1])


def test_burstprop_update_is_p_minus_pbar_times_e_times_presynaptic_rate():
    """Hand case: y = (0.5, 0.5), t = (1, 0), p_baseline 0.2, Y = (2, -2), h = 0.5, x = 2.
    Output p = 0.2 ((t - y)(1 - y) + 1) = (0.25, 0.15), p_bar = 0.2: dW2 = lr (p - p_bar) y h
    = lr (0.05, -0.05) 0.5 0.5. Hidden: u = Y.(p y)(1 - h) = (2 0.125 - 2 0.075) 0.5 = 0.05,
    u_bar = Y.(0.2 y) 0.5 = 0: dW1 = lr (sigmoid(0.05) - 1/2) h x."""
    net = tiny_net([2.0, -2.0])
    x, h, y, t, lr = np.array([[2.0]]), np.array([[0.5]]), np.array([[0.5, 0.5]]), \
        np.array([[1.0, 0.0]]), 0.1
    dW1, dW2 = one_step(net, ca.burstprop, x, h, y, t, lr)
    np.testing.assert_allclose(dW2, lr * np.array([[0.05], [-0.05]]) * 0.5 * 0.5, rtol=1e-12)
    p_h = 1 / (1 + np.exp(-0.05))
    np.testing.assert_allclose(dW1, [[lr * (p_h - 0.5) * 0.5 * 2.0]], rtol=1e-12)
    assert dW1[0, 0] > 0  # the teacher raised the burst probability: potentiation


def test_burstprop_output_error_is_p_baseline_times_the_squared_error_gradient(batch):
    """p - p_bar = p_baseline (t - y)(1 - y), so delta_o = p_baseline (y - t) y (1 - y); and
    without an error (t = y) nothing changes in either layer."""
    net, _, _, t, h, y = batch
    delta_h, delta_o = ca.burstprop(net, h, y, t, SETUP)
    np.testing.assert_allclose(delta_o, SETUP.p_baseline * (y - t) * y * (1 - y), rtol=1e-12)
    assert np.any(delta_h != 0)
    none_h, none_o = ca.burstprop(net, h, y, y.copy(), SETUP)
    assert not np.any(none_o) and not np.any(none_h)


@pytest.mark.parametrize("sign", [1.0, -1.0])
def test_segregated_dendrites_follow_the_plateau_difference(sign):
    """Guerguiev et al. 2017: dW1 = lr (alpha_t - alpha_f) h (1 - h) x. With Y = sign (1,
    -1), y = (0.5, 0.5), t = (1, 0): alpha_f = sigmoid(0) = 1/2, alpha_t = sigmoid(sign), so
    the hidden weight grows for sign +1 and shrinks for -1; the output learns the delta
    rule (t - y) y (1 - y) h."""
    net = tiny_net([sign, -sign])
    x, h, y, t, lr = np.array([[2.0]]), np.array([[0.5]]), np.array([[0.5, 0.5]]), \
        np.array([[1.0, 0.0]]), 0.1
    dW1, dW2 = one_step(net, ca.segregated_dendrites, x, h, y, t, lr)
    alpha_t = 1 / (1 + np.exp(-sign))
    np.testing.assert_allclose(dW1, [[lr * (alpha_t - 0.5) * 0.25 * 2.0]], rtol=1e-12)
    assert np.sign(dW1[0, 0]) == sign
    np.testing.assert_allclose(dW2, lr * np.array([[0.5], [-0.5]]) * 0.25 * 0.5, rtol=1e-12)


def test_apical_rules_follow_feedback_alignment_through_the_same_matrix(batch):
    """To first order both apical hidden errors are feedback-alignment errors through their
    Y with positive gains: they correlate positively with FA using B = Y."""
    net, _, _, t, h, y = batch
    for rule, Y in ((ca.burstprop, net.Y_burst), (ca.segregated_dendrites, net.Y_plateau)):
        fa = ca.feedback_alignment(replace(net, B=Y), h, y, t, SETUP)[0].ravel()
        assert np.corrcoef(fa, rule(net, h, y, t, SETUP)[0].ravel())[0, 1] > 0.8
        flipped = replace(net, Y_burst=-net.Y_burst, Y_plateau=-net.Y_plateau)
        assert np.corrcoef(fa, rule(flipped, h, y, t, SETUP)[0].ravel())[0, 1] < -0.8


def test_output_only_keeps_the_hidden_layer_and_others_change_it():
    x, x_test, labels, labels_test = ca.digits(2)
    setup = replace(ca.FULL, epochs=1)
    start = ca.initial(64, setup.n_hidden, 10, setup, seed=2)
    fixed = ca.train("output_only", x, labels, x_test, labels_test, setup, seed=2)[0]
    np.testing.assert_array_equal(fixed.W1, start.W1)
    np.testing.assert_array_equal(fixed.b1, start.b1)
    assert not np.array_equal(fixed.W2, start.W2)
    learned = ca.train("burstprop", x, labels, x_test, labels_test, setup, seed=2)[0]
    assert not np.array_equal(learned.W1, start.W1)


def test_same_seed_same_result_and_training_learns():
    setup = replace(ca.FULL, epochs=8, n_seeds=1, shots=(1,), seed=3)
    first, again = ca.simulate(setup, progress=False), ca.simulate(setup, progress=False)
    for key in ("curves", "shots"):
        np.testing.assert_array_equal(first[key], again[key])
    other = ca.simulate(replace(setup, seed=4), progress=False)
    assert not np.array_equal(first["curves"], other["curves"])
    bp = list(first["methods"]).index("backprop")
    assert first["curves"][bp, 0, 0] > 60 and first["curves"][bp, 0, -1] < 50  # chance: 90%


def test_sample_efficiency_subsets_are_stratified_and_nested():
    _, _, labels, _ = ca.digits(1)
    small = ca.per_class(labels, 1, np.random.default_rng([1, 3]))
    large = ca.per_class(labels, 5, np.random.default_rng([1, 3]))
    assert sorted(labels[small]) == list(range(10))
    assert np.all(np.bincount(labels[large]) == 5)
    assert set(small) <= set(large)


@pytest.mark.parametrize("change, message", [
    ({"n_hidden": 0}, "n_hidden"), ({"batch": -3}, "batch"), ({"epochs": 0}, "epochs"),
    ({"n_seeds": 0}, "n_seeds"), ({"lr": 0.0}, "lr"), ({"seed": -1}, "seed"),
    ({"shots": (0, 5)}, "shots"), ({"p_baseline": 1.5}, "p_baseline"),
    ({"momentum": 1.0}, "momentum"), ({"test_fraction": 0.0}, "test_fraction"),
])
def test_bad_settings_are_refused_before_anything_runs(change, message):
    with pytest.raises(ValueError, match=message):
        ca.check(replace(ca.FULL, **change))
    with pytest.raises(ValueError, match=message):
        ca.simulate(replace(ca.FULL, **change), progress=False)


def test_bad_sizes_and_unknown_methods_are_refused():
    with pytest.raises(ValueError, match="n_hidden"):
        ca.initial(64, 0, 10, SETUP, seed=1)
    with pytest.raises(ValueError, match="n_in"):
        ca.initial(-1, 5, 10, SETUP, seed=1)
    x, x_test, labels, labels_test = ca.digits(1)
    with pytest.raises(ValueError, match="unknown method 'hebb'; valid: backprop"):
        ca.train("hebb", x, labels, x_test, labels_test, ca.FULL, seed=1)
    with pytest.raises(ValueError, match="labels"):
        ca.train("backprop", x[:0], labels[:0], x_test, labels_test, ca.FULL, seed=1)
    with pytest.raises(ValueError, match="updates"):
        ca.train("backprop", x, labels, x_test, labels_test, ca.FULL, seed=1, updates=0)


def test_command_line_refuses_bad_input_with_one_line(tmp_path, capsys):
    assert ca.main(["--quick", "--seed", "-1", "--out", str(tmp_path / "a")]) == 2
    err = capsys.readouterr().err.strip()
    assert err.startswith("credit_assignment: error: seed") and "\n" not in err
    assert not (tmp_path / "a").exists()


def test_tuning_uses_a_validation_split_and_picks_from_the_grid():
    found = ca.tune(replace(ca.QUICK, epochs=1), grid=(0.05, 0.5), seeds=(101,),
                    progress=False)
    table = found["validation_error_percent"]
    assert found["chosen_lr"] in (0.05, 0.5) and set(table) == {"0.05", "0.5"}
    best = min(table, key=lambda lr: table[lr]["all methods"])
    assert found["chosen_lr"] == float(best)
    assert set(table["0.05"]) == {*ca.METHODS, "all methods"}


def test_quick_run_writes_the_result_contract(tmp_path, capsys):
    out = tmp_path / "ca"
    assert ca.main(["--quick", "--seed", "4", "--out", str(out)]) == 0
    result = json.loads((out / "result.json").read_text())
    assert result["seed"] == 4 and result["quick"] and result["protocol"] == "credit_assignment"
    assert result["measured"]["seeds"] == [4, 5]
    names = [f["name"] for f in result["findings"]]
    assert len(names) == 12 and len(set(names)) == 12
    for f in result["findings"]:
        assert set(f) >= {"name", "value", "target", "reproduced"}
        assert isinstance(f["reproduced"], bool)
    for method in ca.METHODS:
        assert any(n.startswith(f"{method}: test error, mean +- s.d.") for n in names)
    err = result["measured"]["test_error_percent"]
    assert set(err) == set(ca.METHODS)
    assert all(0 <= err[m]["mean"] <= 100 and len(err[m]["per_seed"]) == 2 for m in err)
    assert list(result["measured"]["sample_efficiency_percent"]["burstprop"]) == [
        "1 per class", "20 per class", "all"]
    assert result["reference"][ca.LILLICRAP] == {"backprop": 2.4, "feedback_alignment": 2.1,
                                                 "output_only": 7.2}
    assert {"numpy", "python", "command", "wall_s"} <= set(result["provenance"])
    assert (out / "figure.png").read_bytes()[:4] == b"\x89PNG"
    assert "<svg" in (out / "figure.svg").read_text()[:2000]
    data = np.load(out / "data.npz")
    assert data["curves"].shape == (5, 2, ca.QUICK.epochs + 1)
    assert data["shots"].shape == (5, 2, 3)
    np.testing.assert_array_equal(data["final"], data["curves"][:, :, -1])
    printed = capsys.readouterr().out
    assert printed.count("OK ") + printed.count("NO ") == 12
    # the same folder: the finished result is kept and redrawn; another request is refused
    (out / "figure.png").unlink()
    assert ca.main(["--quick", "--seed", "4", "--out", str(out)]) == 0
    assert (out / "figure.png").exists()
    assert json.loads((out / "result.json").read_text()) == result
    capsys.readouterr()
    assert ca.main(["--seed", "4", "--out", str(out)]) == 2
    assert "holds the result of another run" in capsys.readouterr().err


def test_the_fixed_learning_rate_is_the_recorded_calibration_choice():
    """FULL.lr is the grid value with the lowest validation error averaged over all
    methods in the recorded tuning table (a changed lr must be re-tuned)."""
    assert set(ca.TUNING) == set(ca.TUNE_GRID)
    assert all(len(row) == len(ca.METHODS) + 1 for row in ca.TUNING.values())
    assert ca.FULL.lr == min(ca.TUNING, key=lambda lr: ca.TUNING[lr][-1])
    assert ca.QUICK.lr == ca.FULL.lr
