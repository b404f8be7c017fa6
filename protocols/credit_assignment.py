"""Credit assignment with and without backpropagation: a 64-100-10 rate network on 8x8 digits.

Sources: Lillicrap, Cownden, Tweed & Akerman 2016, Nat Commun 7:13276 (feedback alignment;
their MNIST 784-1000-10 test errors, Fig. 2: backpropagation 2.4%, feedback alignment 2.1%,
shallow (output layer only) 7.2%); Guerguiev, Lillicrap & Richards 2017, eLife 6:e22901
(segregated dendrites: hidden neurons learn from the difference of their apical plateau
potentials between a forward and a target phase; the authors' code,
github.com/jordan-g/Segregated-Dendrite-Deep-Learning, ``deep_learning.py``,
``hiddenLayer.update_W`` / ``finalLayer.update_W``); Payeur, Guerguiev, Zenke, Richards &
Naud 2021, Nat Neurosci 24:1010 (burstprop; its rate form as in the authors' code,
github.com/jordan-g/Burstprop, ``layers.py``: ``OutputLayer.backward`` and
``HiddenLayer.backward``; hyperparameters from ``train_mnist.py``).

The question (issue 8): what does a hidden layer learn when its teaching signal arrives at
the apical dendrite instead of through the transpose of the forward weights?

This is not a dynamical simulation. All networks are rate networks: a "rate" is a unit's
output in (0, 1) (a fraction of its maximal rate), every quantity is dimensionless, and one
learning step is numpy algebra on a mini-batch. No Brian2 code is generated here.

Methods
-------
Data: scikit-learn's bundled digits (1,797 images, 8x8, grey levels 0-16; no download),
divided by 16, split 75/25 stratified by class (1,347 training, 450 test images), one split
per seed (``random_state`` = seed).
Network: 64 inputs -> 100 sigmoid hidden units -> 10 sigmoid outputs, with biases; squared
error 1/2 |y - t|^2 against one-hot targets t (the cost of Lillicrap et al. 2016 and of the
burstprop rate code, ``F.mse_loss``). Forward weights Glorot-normal, N(0, 2/(fan_in +
fan_out)) (Glorot & Bengio 2010; ``nn.init.xavier_normal_`` in the burstprop MNIST network),
biases 0. All methods of one seed start from the same forward weights and see the same
mini-batches in the same order.
Teaching signals: one pure function each, returning ``(delta_h, delta_o)``, the errors the
weights descend along (:func:`sgd_step`: dW1 ~ -delta_h^T x, dW2 ~ -delta_o^T h):
- :func:`backprop`: gradient of the squared error;
- :func:`feedback_alignment`: W2^T replaced by a fixed random B (Lillicrap et al. 2016);
- :func:`burstprop`: rate form of Payeur et al. 2021 (teacher-induced change of burst rate);
- :func:`segregated_dendrites`: rate form of Guerguiev et al. 2017 (forward vs target phase
  apical plateaus);
- :func:`output_only`: the hidden layer keeps its random weights (Lillicrap's "shallow").
Training (the same for every method): mini-batch SGD with momentum, batch 32, momentum 0.8,
weight decay 1e-6 per update (all three the burstprop code's MNIST defaults), gradients
averaged over the batch, a constant learning rate ``lr`` (no schedule), ``epochs`` passes
(``epochs * ceil(1347 / 32)`` updates). One ``lr`` for all methods; burstprop's hidden layer
learns 10x faster than its output layer, the ratio its code prescribes (``train_mnist.py``:
``hidden_lr`` 0.1, ``output_lr`` 0.01), so burstprop uses ``10 lr`` and ``lr``.
Measurements: test error (% of the 450 test images misclassified, argmax of the output;
one image = 0.22 points) before training and after every epoch (learning curves) over
``n_seeds`` consecutive seeds (mean and s.d., ddof 1), and each method's paired difference
from backprop (same seed: same split, initial weights and batches).
Sample efficiency: for k in ``shots`` (1, 5, 20 examples per class): a class-stratified
subset of k training images per class (nested: the 5 contain the 1, the 20 the 5; drawn per
seed), trained from the same initial weights with the same number of weight updates as the
full run (batch min(32, 10 k), the subset re-shuffled every pass), then tested on the same
450 held-out images; "all" is the full run. Sample efficiency is the test error as a
function of k at a fixed update budget.

Calibration (once, for all methods; ``python -m protocols.credit_assignment --tune --out
DIR``): ``lr`` from {0.02, 0.05, 0.1, 0.2, 0.5, 1.0}, chosen by the lowest validation error
averaged over all five methods, on seeds 101 and 102 (not among the reported seeds 1-5),
training on 80% of those seeds' training split and validating on the other 20%; the test
images are never used for the choice. The grid's result is in ``TUNING`` below. Nothing else
was tuned: batch, momentum, weight decay, p_baseline and the feedback scales are the source
codes' values, ``epochs`` the budget (150 epochs: 6,450 updates).

Deviations from the sources: the MNIST task is replaced by the 8x8 digits (issue 8); one
hidden layer of 100 units instead of 1000 (Lillicrap), 500 (Guerguiev; burstprop) units; the
burstprop code's recurrent input (``weight_r``, which keeps the apical drive near 0 in deep
networks) is off, as with ``-recurrent_input False``; Guerguiev et al.'s spiking neurons,
phase lengths, conductances and plateau timing are replaced by steady-state rates, and their
target phase by clamping the output to the target (the limit of a strong teaching
conductance); their weight-scaling constants (``P_hidden``, ``k_B``, ``lambda_max``) are
absorbed into the shared ``lr``.

Run: ``python -m protocols.credit_assignment [--quick] [--seed N] [--force] --out DIR``;
writes ``DIR/data.npz`` (curves and errors per method and seed), ``DIR/figure.png/.svg``
and, last and atomically, ``DIR/result.json`` (findings, every number, the papers' MNIST
numbers as ``reference``, provenance). numpy runs single-threaded (threadpoolctl).
"""

from __future__ import annotations

import shlex
import sys
import time
from collections.abc import Callable
from dataclasses import dataclass, replace
from pathlib import Path

import numpy as np

from dendritic_models.results import finding, provenance, write_json
from protocols import api
from protocols.cli import module_main

SOURCE = ("Lillicrap, Cownden, Tweed & Akerman 2016 (Nat Commun 7:13276); Guerguiev, Lillicrap "
          "& Richards 2017 (eLife 6:e22901); Payeur, Guerguiev, Zenke, Richards & Naud 2021 "
          "(Nat Neurosci 24:1010)")
LILLICRAP = "Lillicrap et al. 2016, Fig. 2 (MNIST test error %)"
REFERENCE = {
    "note": "published MNIST results (784-1000-10, 60,000 training images): context for our "
            "numbers on the 8x8 digits, not the same task",
    LILLICRAP: {"backprop": 2.4, "feedback_alignment": 2.1, "output_only": 7.2},
}
CHANCE = 90.0  #: % test error of guessing among 10 balanced classes
N_CLASSES = 10


@dataclass(frozen=True)
class Setup:
    """Fixed hyperparameters, the same for every method (module docstring: Methods,
    Calibration). Rates and weights are dimensionless; errors in %."""

    n_hidden: int = 100
    epochs: int = 150  #: passes through the training split (43 updates each)
    batch: int = 32  #: burstprop code, train_mnist.py
    lr: float = 0.2  #: per batch-averaged gradient, constant; chosen once (Calibration)
    momentum: float = 0.8  #: burstprop code, train_mnist.py
    weight_decay: float = 1e-6  #: per update, w -= weight_decay * w (burstprop code)
    p_baseline: float = 0.2  #: burstprop: the output's burst probability without teacher
    feedback_std: float = 1.0  #: burstprop: apical feedback Y ~ N(0, feedback_std^2)
    plateau_range: float = 1.0  #: segregated dendrites: Y ~ U(-range, range) (their code)
    n_seeds: int = 5
    seed: int = 1  #: first seed; the run uses seed, seed + 1, ..., seed + n_seeds - 1
    shots: tuple[int, ...] = (1, 5, 20)  #: examples per class, sample efficiency
    test_fraction: float = 0.25


FULL = Setup()
QUICK = replace(FULL, epochs=20, n_seeds=2, shots=(1, 20))
TARGETS = {"backprop": 4.5, "fa_minus_bp": 2.0, "burstprop": 7.0, "beats_output_only": 2.0}
#: learning rates tried by :func:`tune` (Calibration)
TUNE_GRID = (0.02, 0.05, 0.1, 0.2, 0.5, 1.0)
TUNE_SEEDS = (101, 102)
#: :func:`tune` on FULL (150 epochs; ``--tune``): validation error % (mean of seeds 101,
#: 102) per lr. Lowest mean over all methods: lr 0.2, also backprop's own best. Above it
#: backprop, feedback alignment and segregated dendrites diverge while burstprop (its output
#: error carries the factor p_baseline = 0.2) does not.
#: columns: backprop, feedback_alignment, burstprop, segregated_dendrites, output_only, all methods
TUNING: dict[float, tuple[float, ...]] = {
    0.02: (6.30, 11.48, 16.48, 6.85, 22.41, 12.70),
    0.05: (4.81, 5.56, 5.74, 4.81, 13.52, 6.89),
    0.1: (4.26, 5.19, 4.81, 4.07, 10.00, 5.67),
    0.2: (3.33, 4.44, 3.33, 3.15, 7.78, 4.41),
    0.5: (12.78, 13.52, 3.15, 12.22, 15.37, 11.41),
    1.0: (50.56, 55.19, 3.33, 64.44, 55.93, 45.89),
}


def check(setup: Setup) -> None:
    """Refuse impossible settings before anything runs (ValueError, one line)."""
    for name in ("n_hidden", "epochs", "batch", "n_seeds"):
        value = getattr(setup, name)
        if int(value) != value or value < 1:
            raise ValueError(f"{name} must be a positive integer, got {value}")
    if int(setup.seed) != setup.seed or setup.seed < 0:
        raise ValueError(f"seed must be a non-negative integer, got {setup.seed}")
    for name in ("lr", "p_baseline", "feedback_std", "plateau_range"):
        if not getattr(setup, name) > 0:
            raise ValueError(f"{name} must be > 0, got {getattr(setup, name)}")
    if not setup.p_baseline < 1:
        raise ValueError(f"p_baseline is a probability in (0, 1), got {setup.p_baseline}")
    if not 0 <= setup.momentum < 1 or setup.weight_decay < 0:
        raise ValueError("momentum must be in [0, 1) and weight_decay >= 0")
    if not 0 < setup.test_fraction < 1:
        raise ValueError(f"test_fraction must be in (0, 1), got {setup.test_fraction}")
    if not setup.shots or any(int(k) != k or k < 1 for k in setup.shots):
        raise ValueError(f"shots (examples per class) must be positive integers, got "
                         f"{setup.shots}")


# ---------------------------------------------------------------------------- data
def digits(seed: int, test_fraction: float = 0.25):
    """``(x_train, x_test, labels_train, labels_test)``: scikit-learn's 8x8 digits, pixels
    / 16 (in [0, 1]), split stratified by class with ``random_state=seed``."""
    from sklearn.datasets import load_digits
    from sklearn.model_selection import train_test_split

    data = load_digits()
    return train_test_split(data.data / 16.0, data.target, test_size=test_fraction,
                            stratify=data.target, random_state=seed)


def per_class(labels: np.ndarray, k: int, rng: np.random.Generator) -> np.ndarray:
    """Indices of the first ``k`` examples of each class in a random order drawn from
    ``rng``; a generator seeded alike gives nested subsets for growing ``k``."""
    return np.concatenate([rng.permutation(np.flatnonzero(labels == c))[:k]
                           for c in np.unique(labels)])


# ---------------------------------------------------------------------------- network
def sigmoid(x: np.ndarray) -> np.ndarray:
    """Logistic function 1 / (1 + exp(-x)), overflow-free."""
    return 0.5 * (1.0 + np.tanh(0.5 * x))


@dataclass
class Net:
    """Forward weights (rows: postsynaptic units) and the fixed feedback matrices, all
    dimensionless."""

    W1: np.ndarray  #: hidden x input
    b1: np.ndarray
    W2: np.ndarray  #: output x hidden
    b2: np.ndarray
    B: np.ndarray  #: feedback alignment: stands in for W2 (output x hidden)
    Y_burst: np.ndarray  #: burstprop: output burst rate -> hidden apical (output x hidden)
    Y_plateau: np.ndarray  #: segregated dendrites: output rate -> hidden apical


def initial(n_in: int, n_hidden: int, n_out: int, setup: Setup, seed: int) -> Net:
    """Glorot-normal forward weights, zero biases, the fixed random feedback: B from W2's
    distribution (Lillicrap et al. 2016), Y_burst ~ N(0, feedback_std^2) (burstprop
    ``weight_fa_std``), Y_plateau ~ U(+-plateau_range) (Guerguiev et al. 2017's code). One
    draw per seed, so every method of a seed starts from the same W1, W2."""
    for name, n in (("n_in", n_in), ("n_hidden", n_hidden), ("n_out", n_out)):
        if int(n) != n or n < 1:
            raise ValueError(f"{name} must be a positive integer, got {n}")
    rng = np.random.default_rng([seed, 1])
    s1, s2 = np.sqrt(2 / (n_in + n_hidden)), np.sqrt(2 / (n_hidden + n_out))
    return Net(W1=rng.normal(0, s1, (n_hidden, n_in)), b1=np.zeros(n_hidden),
               W2=rng.normal(0, s2, (n_out, n_hidden)), b2=np.zeros(n_out),
               B=rng.normal(0, s2, (n_out, n_hidden)),
               Y_burst=rng.normal(0, setup.feedback_std, (n_out, n_hidden)),
               Y_plateau=rng.uniform(-setup.plateau_range, setup.plateau_range,
                                     (n_out, n_hidden)))


def forward(net: Net, x: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Hidden rates h = sigmoid(W1 x + b1) and output rates y = sigmoid(W2 h + b2) for a
    batch ``x`` (examples x inputs)."""
    h = sigmoid(x @ net.W1.T + net.b1)
    return h, sigmoid(h @ net.W2.T + net.b2)


def error_percent(net: Net, x: np.ndarray, labels: np.ndarray) -> float:
    """% of ``x`` whose largest output is not the label."""
    return 100.0 * float(np.mean(forward(net, x)[1].argmax(1) != labels))


# ---------------------------------------------------------------------------- teaching signals
# Each takes (net, h, y, t, setup) for a batch (rows: examples) and returns
# (delta_h, delta_o); the weights change by dW1 = -lr mean_batch(delta_h x^T),
# dW2 = -lr mean_batch(delta_o h^T) (:func:`sgd_step`).
def backprop(net: Net, h, y, t, setup: Setup):
    """Gradient of E = 1/2 |y - t|^2 (Rumelhart, Hinton & Williams 1986):
    delta_o = (y - t) y (1 - y);  delta_h = (W2^T delta_o) h (1 - h)."""
    delta_o = (y - t) * y * (1 - y)
    return (delta_o @ net.W2) * h * (1 - h), delta_o


def feedback_alignment(net: Net, h, y, t, setup: Setup):
    """Feedback alignment (Lillicrap et al. 2016, Eq. 2 and Fig. 1): backprop with W2^T
    replaced by the fixed random B^T: delta_h = (B^T delta_o) h (1 - h)."""
    delta_o = (y - t) * y * (1 - y)
    return (delta_o @ net.B) * h * (1 - h), delta_o


def burstprop(net: Net, h, y, t, setup: Setup):
    """Rate burstprop (Payeur et al. 2021; rate code jordan-g/Burstprop ``layers.py``).

    Event rate e = the unit's rate (y, h); burst rate b = p e. Output layer: burst
    probability p_bar = p_baseline without the teacher and
    p = p_baseline ((t - y)(1 - y) + 1) with it. Hidden layer: apical drive
    u = (Y^T b_o)(1 - h) from the output's burst rate through the fixed random Y
    (``Y_burst``), p = sigmoid(u), with (p) and without (p_bar) the teacher. Every layer
    learns dW = lr (p - p_bar) e x_pre^T, i.e. delta = -(p - p_bar) e. At the output this is
    p_baseline times the squared-error delta."""
    p_bar_o = setup.p_baseline
    p_o = setup.p_baseline * ((t - y) * (1 - y) + 1)
    p_bar_h = sigmoid(((p_bar_o * y) @ net.Y_burst) * (1 - h))
    p_h = sigmoid(((p_o * y) @ net.Y_burst) * (1 - h))
    return -(p_h - p_bar_h) * h, -(p_o - p_bar_o) * y


def segregated_dendrites(net: Net, h, y, t, setup: Setup):
    """Segregated dendrites (Guerguiev et al. 2017, rate form; their code's
    ``hiddenLayer.update_W`` and ``finalLayer.update_W``).

    Apical plateau alpha = sigmoid(Y r_o) with fixed random Y (``Y_plateau``); forward
    phase r_o = y (alpha_f), target phase r_o = t (alpha_t, output clamped to the target).
    Hidden: dW1 = lr (alpha_t - alpha_f) h (1 - h) x^T, i.e.
    delta_h = -(alpha_t - alpha_f) h (1 - h); output: dW2 = lr (t - y) y (1 - y) h^T."""
    delta_o = (y - t) * y * (1 - y)
    alpha_f, alpha_t = sigmoid(y @ net.Y_plateau), sigmoid(t @ net.Y_plateau)
    return -(alpha_t - alpha_f) * h * (1 - h), delta_o


def output_only(net: Net, h, y, t, setup: Setup):
    """The output layer's delta rule, delta_o = (y - t) y (1 - y); delta_h = 0: the hidden
    layer keeps its random weights (the "shallow" network of Lillicrap et al. 2016)."""
    return np.zeros_like(h), (y - t) * y * (1 - y)


METHODS: dict[str, Callable] = {
    "backprop": backprop,
    "feedback_alignment": feedback_alignment,
    "burstprop": burstprop,
    "segregated_dendrites": segregated_dendrites,
    "output_only": output_only,
}
HIDDEN_RULES = ("backprop", "feedback_alignment", "burstprop", "segregated_dendrites")
#: hidden : output learning-rate ratio prescribed by a source (burstprop train_mnist.py:
#: hidden_lr 0.1, output_lr 0.01); 0 for the output-only network (its hidden layer is
#: fixed); 1 for the others
HIDDEN_LR = {"burstprop": 10.0, "output_only": 0.0}


def sgd_step(net: Net, velocity: dict, x, h, delta_h, delta_o, lr_h: float, lr_o: float,
             setup: Setup) -> None:
    """One update in place, for every parameter w with batch-mean gradient g:
    v <- momentum v - lr g;  w <- w + v - weight_decay w (weights only, not biases), the
    burstprop code's ``update_weights``. g: delta_h^T x / n, delta_o^T h / n and the
    deltas' batch means for the biases. A layer with lr 0 does not change at all (no decay
    either): the output-only network's hidden layer stays exactly at its initial weights."""
    n = len(x)
    grads = {"W1": delta_h.T @ x / n, "b1": delta_h.mean(0),
             "W2": delta_o.T @ h / n, "b2": delta_o.mean(0)}
    for name, grad in grads.items():
        lr = lr_h if name.endswith("1") else lr_o
        if lr == 0:
            continue
        velocity[name] = setup.momentum * velocity[name] - lr * grad
        value = getattr(net, name)
        decay = setup.weight_decay * value if name.startswith("W") else 0.0
        value += velocity[name] - decay


def updates_per_epoch(n_examples: int, batch: int) -> int:
    return -(-n_examples // batch)


def train(method: str, x: np.ndarray, labels: np.ndarray, x_test: np.ndarray,
          labels_test: np.ndarray, setup: Setup, seed: int, updates: int | None = None
          ) -> tuple[Net, np.ndarray]:
    """Train a fresh network of ``seed`` with ``method``; returns it and the test error (%)
    before training and after each epoch (or, with ``updates``, after that many weight
    updates: the sample-efficiency runs)."""
    if method not in METHODS:
        raise ValueError(f"unknown method {method!r}; valid: {', '.join(METHODS)}")
    if len(x) == 0 or len(x) != len(labels):
        raise ValueError(f"need as many labels as examples (> 0), got {len(x)} and "
                         f"{len(labels)}")
    if updates is not None and updates < 1:
        raise ValueError(f"updates must be >= 1, got {updates}")
    rule = METHODS[method]
    net = initial(x.shape[1], setup.n_hidden, N_CLASSES, setup, seed)
    targets = np.eye(N_CLASSES)[labels]
    rng = np.random.default_rng([seed, 2])
    batch = min(setup.batch, len(x))
    per_epoch = updates_per_epoch(len(x), batch)
    total = updates if updates is not None else setup.epochs * per_epoch
    lr_h, lr_o = setup.lr * HIDDEN_LR.get(method, 1.0), setup.lr
    velocity = {n: np.zeros_like(getattr(net, n)) for n in ("W1", "b1", "W2", "b2")}
    curve = [error_percent(net, x_test, labels_test)]
    order = np.array([], dtype=int)
    for step in range(1, total + 1):
        if len(order) < batch:
            order = np.concatenate([order, rng.permutation(len(x))])
        idx, order = order[:batch], order[batch:]
        h, y = forward(net, x[idx])
        delta_h, delta_o = rule(net, h, y, targets[idx], setup)
        sgd_step(net, velocity, x[idx], h, delta_h, delta_o, lr_h, lr_o, setup)
        if updates is None and step % per_epoch == 0:
            curve.append(error_percent(net, x_test, labels_test))
    if updates is not None:
        curve.append(error_percent(net, x_test, labels_test))
    return net, np.array(curve)


# ---------------------------------------------------------------------------- protocol
def simulate(setup: Setup, progress: bool = True) -> dict[str, np.ndarray]:
    """Every method on every seed: learning curves (%, epochs 0..epochs), final errors and
    sample efficiency (%, k per class in ``shots`` then all)."""
    from threadpoolctl import threadpool_limits

    check(setup)
    seeds = np.arange(setup.seed, setup.seed + setup.n_seeds)
    names = list(METHODS)
    curves = np.zeros((len(names), len(seeds), setup.epochs + 1))
    shots = np.zeros((len(names), len(seeds), len(setup.shots) + 1))
    updates = 0
    with threadpool_limits(1):
        for j, seed in enumerate(seeds):
            x, x_test, labels, labels_test = digits(int(seed), setup.test_fraction)
            updates = setup.epochs * updates_per_epoch(len(x), setup.batch)
            subsets = [per_class(labels, k, np.random.default_rng([int(seed), 3]))
                       for k in setup.shots]
            for i, name in enumerate(names):
                curves[i, j] = train(name, x, labels, x_test, labels_test, setup,
                                     int(seed))[1]
                for s, idx in enumerate(subsets):
                    shots[i, j, s] = train(name, x[idx], labels[idx], x_test, labels_test,
                                           setup, int(seed), updates)[1][-1]
                shots[i, j, -1] = curves[i, j, -1]
            if progress:
                print(f"seed {seed}: " + ", ".join(f"{n} {curves[i, j, -1]:.2f}%"
                                                   for i, n in enumerate(names)), flush=True)
    return {"methods": np.array(names), "seeds": seeds, "curves": curves,
            "final": curves[:, :, -1], "shots": shots,
            "shot_sizes": np.array([*setup.shots, -1]), "updates": np.array(updates)}


def _sd(values: np.ndarray, axis: int = -1) -> np.ndarray:
    """Sample s.d. (ddof 1); 0 for a single seed."""
    return values.std(axis, ddof=1) if values.shape[axis] > 1 else 0 * values.mean(axis)


def evaluate(data: dict[str, np.ndarray], setup: Setup) -> tuple[list[dict], dict]:
    """The issue's targets over the seeds' mean test error, then one finding per method
    with its mean +- s.d.; and the numbers the figure draws."""
    names = [str(m) for m in data["methods"]]
    final = data["curves"][:, :, -1]
    n = final.shape[1]
    mean = dict(zip(names, final.mean(1), strict=True))
    sd = dict(zip(names, _sd(final, 1), strict=True))

    def shown(name: str) -> str:
        return f"{mean[name]:.2f} +- {sd[name]:.2f} % ({n} seeds)"

    gap = mean["feedback_alignment"] - mean["backprop"]
    found = [finding("backprop: test error <= 4.5%", shown("backprop"),
                     f"<= {TARGETS['backprop']}% (MNIST, {LILLICRAP}: 2.4%)",
                     mean["backprop"] <= TARGETS["backprop"]),
             finding("feedback alignment within 2 points of backprop",
                     f"{gap:+.2f} points ({shown('feedback_alignment')} vs "
                     f"{shown('backprop')})",
                     f"<= +{TARGETS['fa_minus_bp']} points (MNIST: 2.1% vs 2.4%)",
                     gap <= TARGETS["fa_minus_bp"]),
             finding("burstprop (rate form): test error <= 7%", shown("burstprop"),
                     f"<= {TARGETS['burstprop']}%", mean["burstprop"] <= TARGETS["burstprop"])]
    for name in HIDDEN_RULES:
        gain = mean["output_only"] - mean[name]
        found.append(finding(f"{name} beats the output-only baseline by >= 2 points",
                             f"{gain:+.2f} points ({shown(name)} vs {shown('output_only')})",
                             f">= {TARGETS['beats_output_only']} points (MNIST: "
                             f"shallow 7.2% vs 2.1-2.4%)",
                             gain >= TARGETS["beats_output_only"]))
    mnist = REFERENCE[LILLICRAP]
    for i, name in enumerate(names):
        ref = f"; MNIST ({LILLICRAP}): {mnist[name]}%" if name in mnist else ""
        found.append(finding(
            f"{name}: test error, mean +- s.d. over {n} seeds",
            {"mean": round(float(mean[name]), 3), "sd": round(float(sd[name]), 3),
             "per_seed": final[i].round(3).tolist()},
            f"learns: below chance ({CHANCE:g}%) on every seed{ref}",
            bool(np.all(final[i] < CHANCE))))
    sizes = [int(k) for k in data["shot_sizes"]]
    paired = final - final[names.index("backprop")]  # same seed: same split, weights, batches
    measured = {
        "test_error_percent": {m: {"mean": float(mean[m]), "sd": float(sd[m]),
                                   "per_seed": final[i].tolist()}
                               for i, m in enumerate(names)},
        "sample_efficiency_percent": {
            m: {("all" if k < 0 else f"{k} per class"):
                {"mean": float(data["shots"][i, :, s].mean()),
                 "sd": float(_sd(data["shots"][i, :, s]))}
                for s, k in enumerate(sizes)} for i, m in enumerate(names)},
        "learning_curve_mean_percent": {m: data["curves"][i].mean(0).round(3).tolist()
                                        for i, m in enumerate(names)},
        "learning_curve_sd_percent": {m: _sd(data["curves"][i], 0).round(3).tolist()
                                      for i, m in enumerate(names)},
        "paired_minus_backprop_points": {
            m: {"mean": float(paired[i].mean()), "sd": float(_sd(paired[i])),
                "per_seed": paired[i].round(3).tolist()} for i, m in enumerate(names)},
        "seeds": data["seeds"].tolist(),
        "updates": int(data["updates"]),
    }
    return found, measured


COLOURS = {"backprop": "k", "feedback_alignment": "tab:blue", "burstprop": "tab:red",
           "segregated_dendrites": "tab:green", "output_only": "0.55"}


def figure(result: dict, path) -> None:
    """Three panels, drawn from ``result`` alone: learning curves (mean +- s.d. over seeds),
    final test errors (mean +- s.d., seeds as dots) beside the MNIST numbers of Lillicrap
    et al. 2016 and the targets, and test error against training examples per class at the
    same update budget (sample efficiency)."""
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    measured = result["measured"]
    names = list(measured["test_error_percent"])
    n = len(measured["seeds"])
    fig, axes = plt.subplots(1, 3, figsize=(15, 4.3))
    ax = axes[0]
    for name in names:
        mean = np.array(measured["learning_curve_mean_percent"][name])
        sd = np.array(measured["learning_curve_sd_percent"][name])
        epochs = np.arange(len(mean))
        ax.plot(epochs, mean, color=COLOURS.get(name), lw=1.2, label=name)
        ax.fill_between(epochs, np.maximum(mean - sd, 0.1), mean + sd,
                        color=COLOURS.get(name), alpha=0.15, lw=0)
    ax.set(xlabel="epoch (pass through the 1,347 training images)",
           ylabel="test error (%)", yscale="log",
           title=f"learning curves (mean +- s.d., {n} seeds)")
    ax.legend(fontsize=7, frameon=False)
    ax = axes[1]
    err = measured["test_error_percent"]
    xs = np.arange(len(names))
    ax.bar(xs, [err[m]["mean"] for m in names], yerr=[err[m]["sd"] for m in names],
           color=[COLOURS.get(m) for m in names], alpha=0.8, capsize=3,
           label="8x8 digits (ours)")
    for k, name in enumerate(names):
        seeds = err[name]["per_seed"]
        ax.plot(np.full(len(seeds), k) + np.linspace(-0.2, 0.2, len(seeds)), seeds, ".",
                color="0.2", ms=3, label="seeds" if k == 0 else None)
    mnist = result["reference"][LILLICRAP]
    shown = [k for k, m in enumerate(names) if m in mnist]
    ax.plot(shown, [mnist[names[k]] for k in shown], "D", color="orange", ms=7,
            label="MNIST, Lillicrap et al. 2016")
    ax.axhline(TARGETS["burstprop"], color="tab:red", ls=":", lw=1,
               label="target: burstprop <= 7%")
    ax.axhline(TARGETS["backprop"], color="k", ls=":", lw=1, label="target: backprop <= 4.5%")
    ax.set_xticks(xs, [m.replace("_", "\n") for m in names], fontsize=7)
    top = max(max(err[m]["mean"] + err[m]["sd"], *err[m]["per_seed"]) for m in names)
    ax.set(ylabel="test error (%)", title="final test error (mean +- s.d.)",
           ylim=(0, 1.45 * max(top, TARGETS["burstprop"])))
    ax.legend(fontsize=7, frameon=False, loc="upper left", ncol=2)
    ax = axes[2]
    eff = measured["sample_efficiency_percent"]
    keys = list(eff[names[0]])
    for name in names:
        ax.errorbar(range(len(keys)), [eff[name][k]["mean"] for k in keys],
                    yerr=[eff[name][k]["sd"] for k in keys], color=COLOURS.get(name),
                    marker="o", ms=4, capsize=2, label=name)
    ax.set_xticks(range(len(keys)), keys, fontsize=8)
    ax.set(xlabel="training examples per class", ylabel="test error (%)", yscale="log",
           title=f"sample efficiency ({measured['updates']} updates each)")
    from matplotlib.ticker import NullFormatter, ScalarFormatter

    for ax in (axes[0], axes[2]):
        ax.yaxis.set_major_formatter(ScalarFormatter())
        ax.yaxis.set_minor_formatter(NullFormatter())
        ax.set_yticks([2, 5, 10, 20, 50, 100])
    fig.suptitle("Credit assignment, 64-100-10 sigmoid rate network on scikit-learn's 8x8 "
                 "digits (450 test images)", fontsize=10)
    fig.tight_layout()
    fig.savefig(path, dpi=110, format=Path(path).suffix.lstrip(".") or "png")
    plt.close(fig)


def run(setup: Setup, out: str | Path | None = None, command: str | None = None,
        progress: bool = True) -> dict:
    """Simulate, evaluate and (with ``out``) write data.npz, the figure and, last and
    atomically, result.json. Returns the result."""
    check(setup)
    start = time.perf_counter()
    data = simulate(setup, progress)
    found, measured = evaluate(data, setup)
    result = api.module_result(sys.modules[__name__], setup, found, measured, start, command,
                               hidden_lr_ratio=HIDDEN_LR, reference=REFERENCE)
    if out is not None:
        api.write_run(sys.modules[__name__], result, data, Path(out))
    return result


def tune(setup: Setup = FULL, grid: tuple[float, ...] = TUNE_GRID,
         seeds: tuple[int, ...] = TUNE_SEEDS, validation_fraction: float = 0.2,
         progress: bool = True) -> dict:
    """The one calibration (module docstring): validation error (%) of every method for
    every ``lr`` in ``grid``, on ``seeds``' training splits (80% train, 20% validation,
    stratified); the test split is never touched. Returns the table and the ``lr`` with the
    lowest validation error averaged over all methods."""
    from sklearn.model_selection import train_test_split
    from threadpoolctl import threadpool_limits

    check(setup)
    table = {}
    with threadpool_limits(1):
        for lr in grid:
            row = {m: [] for m in METHODS}
            for seed in seeds:
                x, _, labels, _ = digits(seed, setup.test_fraction)
                xt, xv, lt, lv = train_test_split(x, labels, test_size=validation_fraction,
                                                  stratify=labels, random_state=seed)
                for m in METHODS:
                    row[m].append(train(m, xt, lt, xv, lv, replace(setup, lr=lr), seed)[1][-1])
            table[str(lr)] = {m: float(np.mean(v)) for m, v in row.items()}
            table[str(lr)]["all methods"] = float(np.mean([np.mean(v) for v in row.values()]))
            if progress:
                print(f"lr {lr}: " + ", ".join(f"{m} {v:.2f}%"
                                               for m, v in table[str(lr)].items()), flush=True)
    best = min(table, key=lambda lr: table[lr]["all methods"])
    return {"validation_error_percent": table, "chosen_lr": float(best),
            "seeds": list(seeds), "grid": list(grid), "epochs": setup.epochs,
            "validation_fraction": validation_fraction}


def _tune(args, setup: Setup) -> int:
    """``--tune``: the calibration, written to DIR/tuning.json."""
    path = args.out / "tuning.json"
    if path.exists() and not args.force:
        raise ValueError(f"{path} exists; choose another folder or --force")
    found = tune(setup)
    write_json(path, {**found, "provenance": provenance(command=shlex.join(sys.argv))})
    print(f"chosen lr {found['chosen_lr']} ({path})")
    return 0


def main(argv: list[str] | None = None) -> int:
    """``python -m protocols.credit_assignment [--quick] [--seed N] [--force] --out DIR``
    (``--tune``: the learning-rate calibration instead, written to DIR/tuning.json)."""
    return module_main(sys.modules[__name__], argv, extra={
        "tune": ("run the learning-rate calibration (validation split)", _tune)})


if __name__ == "__main__":
    raise SystemExit(main())
