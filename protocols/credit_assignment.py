"""Credit assignment with and without backpropagation: a 64-100-10 rate network on 8x8 digits.

Sources: Lillicrap, Cownden, Tweed & Akerman 2016, Nat Commun 7:13276 (feedback alignment;
their MNIST 784-1000-10 test errors, Fig. 2: backpropagation 2.4%, feedback alignment 2.1%,
shallow (output layer only) 7.2%); Guerguiev, Lillicrap & Richards 2017, eLife 6:e22901
(segregated dendrites: hidden neurons learn from the difference of their apical plateau
potentials between a forward and a target phase); Payeur, Guerguiev, Zenke, Richards & Naud
2021, Nat Neurosci 24:1010 (burstprop; its rate form as published in the authors' code,
github.com/jordan-g/Burstprop, ``layers.py``: ``OutputLayer.backward`` and
``HiddenLayer.backward``; hyperparameters from ``train_mnist.py``).

The question (issue 8): what does a hidden layer learn when its teaching signal arrives at
the apical dendrite instead of through the transpose of the forward weights?

Methods
-------
Data: scikit-learn's bundled digits (1,797 images, 8x8, 0-16 grey levels; no download),
divided by 16, split 75/25 stratified by class (1,347 training, 450 test images), one
split per seed.
Network: 64 inputs -> 100 sigmoid hidden units -> 10 sigmoid outputs, biases, squared
error against one-hot targets (the cost of Lillicrap et al. and of the burstprop rate
code). Forward weights uniform in +-sqrt(6/(fan_in + fan_out)) (Glorot & Bengio 2010, as
the burstprop code initialises them), biases 0. All methods of one seed start from the
same weights and see the same mini-batches in the same order.
Teaching signals (one pure function each; ``delta`` = the hidden and output errors the
weights descend along, ``dW = -lr delta x^T``):
- ``backprop``: delta_h = (W2^T delta_o) * h(1 - h), delta_o = (y - t) y(1 - y);
- ``feedback_alignment``: W2^T replaced by a fixed random matrix B (same distribution as W2);
- ``burstprop`` (rate form of Payeur et al. 2021): the output's burst probability is
  p_baseline = 0.2 without teacher and p_baseline ((t - y)(1 - y) + 1) with it; burst rates
  b = p e (e: event rate = the unit's output); hidden units receive the output's burst rate
  through fixed random feedback weights Y in their apical dendrite, u = (Y^T b_o)(1 - h),
  burst probability p = sigmoid(u); each layer's error is minus its change of burst rate
  between the teacher and no-teacher phases, delta = -(b_t - b). No recurrent input
  (the code's ``weight_r``, which keeps u near 0 in deep networks, is off here: one hidden
  layer). The code's learning rates: hidden 0.1, output 0.01 (10:1, applied here as
  ``lr * 10`` and ``lr``), momentum 0.9, weight decay 1e-5, feedback range 1.0 (Y uniform
  in +-1), p_baseline 0.2;
- ``segregated_dendrites`` (rate form of Guerguiev et al. 2017, their Eqs. for the hidden
  and output losses): apical plateau alpha = sigmoid(Y^T r_o) with fixed random Y; forward
  phase r_o = y, target phase r_o = t; output error delta_o = (y - t) y(1 - y), hidden error
  delta_h = -(alpha_t - alpha_f) h(1 - h). The source's spiking neurons, phase lengths and
  plateau averaging are not modelled; only the steady-state rates;
- ``output_only``: delta_h = 0; the hidden layer stays at its random initial weights (the
  "shallow" network of Lillicrap et al.).
Training: mini-batch SGD, ``batch`` 32, momentum 0.9 and weight decay 1e-5 (the burstprop
code's values) for every method, gradients averaged over the batch, ``epochs`` passes.
The learning rate ``lr`` is one number for all methods (burstprop's hidden layer gets the
code's 10x); chosen once so that backprop converges within the budget, never per method.
Measurements: test error (% of the 450 test images misclassified, argmax of the output)
after every epoch (learning curves) and at the end, over ``n_seeds`` seeds (mean and s.d.);
sample efficiency: the same training (same number of weight updates as the full run) on
k = 1, 5, 20 images per class of the training split, and on all of it; test error on the
same test set.
This is not a dynamical simulation: rate networks are algebra on each mini-batch (numpy),
so no Brian2 code is generated here.

Run: ``python -m protocols.credit_assignment [--quick] [--seed N] --out DIR``; writes
``DIR/result.json`` (findings, every number, the papers' MNIST numbers as ``reference``,
provenance), ``data.npz`` (curves and errors per method and seed) and ``figure.png/.svg``.
"""

from __future__ import annotations

import argparse
import json
import shlex
import sys
import time
from collections.abc import Callable
from dataclasses import asdict, dataclass, replace
from pathlib import Path

import numpy as np

from dendritic_models.results import atomic, finding, provenance, write_json

SOURCE = ("Lillicrap, Cownden, Tweed & Akerman 2016 (Nat Commun 7:13276); Guerguiev, Lillicrap "
          "& Richards 2017 (eLife 6:e22901); Payeur, Guerguiev, Zenke, Richards & Naud 2021 "
          "(Nat Neurosci 24:1010)")
REFERENCE = {
    "note": "published MNIST results (784-1000-10, 60,000 training images): context for our "
            "numbers, not the same task",
    "Lillicrap et al. 2016, Fig. 2 (test error %)": {
        "backprop": 2.4, "feedback_alignment": 2.1, "output_only": 7.2},
}
RESULT = "result.json"


@dataclass(frozen=True)
class Setup:
    """Fixed hyperparameters, the same for every method (see the module docstring)."""

    n_hidden: int = 100
    epochs: int = 150
    batch: int = 32
    lr: float = 0.06  #: per batch-averaged gradient; burstprop's hidden layer: 10x (its code)
    momentum: float = 0.9
    weight_decay: float = 1e-5
    p_baseline: float = 0.2  #: burstprop: the output's burst probability without teacher
    feedback_range: float = 1.0  #: burstprop / segregated dendrites: Y uniform in +-range
    n_seeds: int = 5
    seed: int = 1
    shots: tuple[int, ...] = (1, 5, 20)  #: examples per class, sample efficiency
    test_fraction: float = 0.25


FULL = Setup()
QUICK = replace(FULL, epochs=20, n_seeds=2, shots=(1, 20))
TARGETS = {"backprop": 4.5, "fa_minus_bp": 2.0, "burstprop": 7.0, "beats_output_only": 2.0}


def check(setup: Setup) -> None:
    """Refuse impossible settings before anything runs."""
    for name in ("n_hidden", "epochs", "batch", "n_seeds"):
        if int(getattr(setup, name)) < 1:
            raise ValueError(f"{name} must be >= 1, got {getattr(setup, name)}")
    for name in ("lr", "p_baseline", "feedback_range"):
        if not getattr(setup, name) > 0:
            raise ValueError(f"{name} must be > 0, got {getattr(setup, name)}")
    if not 0 <= setup.momentum < 1 or setup.weight_decay < 0:
        raise ValueError("momentum must be in [0, 1) and weight_decay >= 0")
    if not 0 < setup.test_fraction < 1:
        raise ValueError(f"test_fraction must be in (0, 1), got {setup.test_fraction}")
    if any(int(k) < 1 for k in setup.shots):
        raise ValueError(f"shots (examples per class) must be >= 1, got {setup.shots}")


# ---------------------------------------------------------------------------- data
def digits(seed: int, test_fraction: float = 0.25):
    """``(x_train, x_test, labels_train, labels_test)``: pixels / 16, stratified split of
    ``seed``."""
    from sklearn.datasets import load_digits
    from sklearn.model_selection import train_test_split

    data = load_digits()
    return train_test_split(data.data / 16.0, data.target, test_size=test_fraction,
                            stratify=data.target, random_state=seed)


def per_class(labels: np.ndarray, k: int, rng: np.random.Generator) -> np.ndarray:
    """Indices of ``k`` random examples of each class."""
    return np.concatenate([rng.permutation(np.flatnonzero(labels == c))[:k]
                           for c in np.unique(labels)])


# ---------------------------------------------------------------------------- network
def sigmoid(x: np.ndarray) -> np.ndarray:
    return 0.5 * (1.0 + np.tanh(0.5 * x))


@dataclass
class Net:
    """Weights (rows: postsynaptic units) and the fixed feedback matrices."""

    W1: np.ndarray
    b1: np.ndarray
    W2: np.ndarray
    b2: np.ndarray
    B: np.ndarray  #: feedback alignment: stands in for W2 (10 x hidden)
    Y: np.ndarray  #: burstprop / segregated dendrites: apical feedback (10 x hidden)


def initial(n_in: int, n_hidden: int, n_out: int, feedback_range: float, seed: int) -> Net:
    """Glorot-uniform forward weights, zero biases, random feedback (one draw per seed)."""
    rng = np.random.default_rng([seed, 1])
    r1, r2 = np.sqrt(6 / (n_in + n_hidden)), np.sqrt(6 / (n_hidden + n_out))
    return Net(W1=rng.uniform(-r1, r1, (n_hidden, n_in)), b1=np.zeros(n_hidden),
               W2=rng.uniform(-r2, r2, (n_out, n_hidden)), b2=np.zeros(n_out),
               B=rng.uniform(-r2, r2, (n_out, n_hidden)),
               Y=rng.uniform(-feedback_range, feedback_range, (n_out, n_hidden)))


def forward(net: Net, x: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Hidden and output rates for a batch ``x`` (examples x 64)."""
    h = sigmoid(x @ net.W1.T + net.b1)
    return h, sigmoid(h @ net.W2.T + net.b2)


def error_percent(net: Net, x: np.ndarray, labels: np.ndarray) -> float:
    return 100.0 * float(np.mean(forward(net, x)[1].argmax(1) != labels))


# ---------------------------------------------------------------------------- teaching signals
# Each takes (net, h, y, t) for a batch and returns (delta_hidden, delta_output), the errors
# the weights descend along: dW1 = -lr delta_h^T x, dW2 = -lr delta_o^T h (batch-averaged).
def backprop(net: Net, h, y, t, setup: Setup):
    """Gradient of 1/2 |y - t|^2 (Rumelhart, Hinton & Williams 1986)."""
    delta_o = (y - t) * y * (1 - y)
    return (delta_o @ net.W2) * h * (1 - h), delta_o


def feedback_alignment(net: Net, h, y, t, setup: Setup):
    """Backprop with W2^T replaced by a fixed random B^T (Lillicrap et al. 2016, Eq. 2)."""
    delta_o = (y - t) * y * (1 - y)
    return (delta_o @ net.B) * h * (1 - h), delta_o


def burstprop(net: Net, h, y, t, setup: Setup):
    """Rate burstprop (Payeur et al. 2021; jordan-g/Burstprop ``layers.py``): errors are the
    changes of burst rate b = p e that the teacher causes, delta = -(b_t - b)."""
    p = setup.p_baseline
    p_t = setup.p_baseline * ((t - y) * (1 - y) + 1)
    b_o, b_o_t = p * y, p_t * y
    b_h = sigmoid((b_o @ net.Y) * (1 - h)) * h
    b_h_t = sigmoid((b_o_t @ net.Y) * (1 - h)) * h
    return -(b_h_t - b_h), -(b_o_t - b_o)


def segregated_dendrites(net: Net, h, y, t, setup: Setup):
    """Guerguiev et al. 2017: apical plateau alpha = sigmoid(Y^T r_o), forward phase
    (r_o = y) vs target phase (r_o = t); hidden error -(alpha_t - alpha_f) h(1 - h)."""
    delta_o = (y - t) * y * (1 - y)
    alpha_f, alpha_t = sigmoid(y @ net.Y), sigmoid(t @ net.Y)
    return -(alpha_t - alpha_f) * h * (1 - h), delta_o


def output_only(net: Net, h, y, t, setup: Setup):
    """The output layer's delta rule; the hidden layer keeps its random weights."""
    return np.zeros_like(h), (y - t) * y * (1 - y)


METHODS: dict[str, Callable] = {
    "backprop": backprop,
    "feedback_alignment": feedback_alignment,
    "burstprop": burstprop,
    "segregated_dendrites": segregated_dendrites,
    "output_only": output_only,
}
HIDDEN_RULES = ("backprop", "feedback_alignment", "burstprop", "segregated_dendrites")
HIDDEN_LR = {"burstprop": 10.0}  #: the burstprop code's hidden : output learning-rate ratio


def train(method: str, x: np.ndarray, labels: np.ndarray, x_test: np.ndarray,
          labels_test: np.ndarray, setup: Setup, seed: int, updates: int | None = None
          ) -> tuple[Net, np.ndarray]:
    """Train a fresh network of ``seed`` with ``method``; returns it and the test error (%)
    before training and after each epoch (``updates``: total weight updates instead of
    ``epochs`` passes, for the sample-efficiency runs)."""
    if method not in METHODS:
        raise ValueError(f"unknown method {method!r}; valid: {', '.join(METHODS)}")
    rule = METHODS[method]
    net = initial(x.shape[1], setup.n_hidden, 10, setup.feedback_range, seed)
    targets = np.eye(10)[labels]
    rng = np.random.default_rng([seed, 2])
    batch = min(setup.batch, len(x))
    per_epoch = -(-len(x) // batch)
    total = updates if updates is not None else setup.epochs * per_epoch
    lr_h, lr_o = setup.lr * HIDDEN_LR.get(method, 1.0), setup.lr
    names = ("W1", "b1", "W2", "b2")
    velocity = {n: np.zeros_like(getattr(net, n)) for n in names}
    curve = [error_percent(net, x_test, labels_test)]
    order, step = np.array([], dtype=int), 0
    while step < total:
        if len(order) < batch:
            order = np.concatenate([order, rng.permutation(len(x))])
        idx, order = order[:batch], order[batch:]
        h, y = forward(net, x[idx])
        delta_h, delta_o = rule(net, h, y, targets[idx], setup)
        grads = {"W1": delta_h.T @ x[idx], "b1": delta_h.sum(0),
                 "W2": delta_o.T @ h, "b2": delta_o.sum(0)}
        for n in names:
            lr = lr_h if n.endswith("1") else lr_o
            velocity[n] = setup.momentum * velocity[n] - lr * grads[n] / len(idx)
            value = getattr(net, n)
            value += velocity[n] - (setup.weight_decay * value if n.startswith("W") else 0)
        step += 1
        if updates is None and step % per_epoch == 0:
            curve.append(error_percent(net, x_test, labels_test))
    if updates is not None:
        curve.append(error_percent(net, x_test, labels_test))
    return net, np.array(curve)


# ---------------------------------------------------------------------------- protocol
def simulate(setup: Setup, progress: bool = True) -> dict[str, np.ndarray]:
    """Every method on every seed: learning curves, final errors, sample efficiency."""
    check(setup)
    seeds = np.arange(setup.seed, setup.seed + setup.n_seeds)
    names = list(METHODS)
    curves = np.zeros((len(names), len(seeds), setup.epochs + 1))
    shots = np.zeros((len(names), len(seeds), len(setup.shots) + 1))
    for j, seed in enumerate(seeds):
        x, x_test, labels, labels_test = digits(int(seed), setup.test_fraction)
        updates = setup.epochs * -(-len(x) // setup.batch)
        subsets = [per_class(labels, k, np.random.default_rng([int(seed), 3]))
                   for k in setup.shots]
        for i, name in enumerate(names):
            curves[i, j] = train(name, x, labels, x_test, labels_test, setup, int(seed))[1]
            for s, idx in enumerate(subsets):
                shots[i, j, s] = train(name, x[idx], labels[idx], x_test, labels_test, setup,
                                       int(seed), updates)[1][-1]
            shots[i, j, -1] = curves[i, j, -1]
        if progress:
            print(f"seed {seed}: " + ", ".join(f"{n} {curves[i, j, -1]:.2f}%"
                                               for i, n in enumerate(names)), flush=True)
    return {"methods": np.array(names), "seeds": seeds, "curves": curves,
            "shots": shots, "shot_sizes": np.array([*setup.shots, -1])}


def evaluate(data: dict[str, np.ndarray], setup: Setup) -> tuple[list[dict], dict]:
    """The issue's four targets, each over the seeds' mean test error."""
    names = list(data["methods"])
    final = data["curves"][:, :, -1]
    mean = dict(zip(names, final.mean(1), strict=True))
    sd = dict(zip(names, final.std(1, ddof=1) if final.shape[1] > 1 else 0 * final[:, 0],
                  strict=True))
    n = final.shape[1]

    def shown(name: str) -> str:
        return f"{mean[name]:.2f} +- {sd[name]:.2f} % ({n} seeds)"

    found = [finding("backprop: test error <= 4.5%", shown("backprop"),
                     f"<= {TARGETS['backprop']}%", mean["backprop"] <= TARGETS["backprop"]),
             finding("feedback alignment within 2 points of backprop",
                     f"{mean['feedback_alignment'] - mean['backprop']:+.2f} points "
                     f"({shown('feedback_alignment')})", f"<= +{TARGETS['fa_minus_bp']}",
                     mean["feedback_alignment"] - mean["backprop"] <= TARGETS["fa_minus_bp"]),
             finding("burstprop: test error <= 7%", shown("burstprop"),
                     f"<= {TARGETS['burstprop']}%", mean["burstprop"] <= TARGETS["burstprop"])]
    for name in HIDDEN_RULES:
        gain = mean["output_only"] - mean[name]
        found.append(finding(f"{name} beats the output-only baseline by >= 2 points",
                             f"{gain:+.2f} points ({shown(name)} vs {shown('output_only')})",
                             f">= {TARGETS['beats_output_only']}",
                             gain >= TARGETS["beats_output_only"]))
    sizes = [int(k) for k in data["shot_sizes"]]
    measured = {
        "test_error_percent": {m: {"mean": float(mean[m]), "sd": float(sd[m]),
                                   "per_seed": final[i].tolist()}
                               for i, m in enumerate(names)},
        "sample_efficiency_percent": {
            m: {("all" if k < 0 else f"{k} per class"):
                {"mean": float(data["shots"][i, :, s].mean()),
                 "sd": float(data["shots"][i, :, s].std(ddof=1)) if n > 1 else 0.0}
                for s, k in enumerate(sizes)} for i, m in enumerate(names)},
        "learning_curve_mean_percent": {m: data["curves"][i].mean(0).round(3).tolist()
                                        for i, m in enumerate(names)},
        "seeds": data["seeds"].tolist(),
    }
    return found, measured


def figure(result: dict, path) -> None:
    """Learning curves (mean +- s.d.), final errors with the MNIST references, and error
    against training examples per class; drawn from ``result`` alone."""
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    measured = result["measured"]
    names = list(measured["test_error_percent"])
    colours = dict(zip(names, ["k", "tab:blue", "tab:red", "tab:green", "0.6"], strict=True))
    fig, axes = plt.subplots(1, 3, figsize=(14, 4))
    for name in names:
        curve = np.array(measured["learning_curve_mean_percent"][name])
        axes[0].plot(np.arange(len(curve)), curve, color=colours[name], label=name)
    axes[0].set(xlabel="epoch", ylabel="test error (%)", yscale="log",
                title="learning curves (mean over seeds)")
    axes[0].legend(fontsize=7)
    err = measured["test_error_percent"]
    axes[1].bar(range(len(names)), [err[n]["mean"] for n in names],
                yerr=[err[n]["sd"] for n in names], color=[colours[n] for n in names])
    mnist = result["reference"]["Lillicrap et al. 2016, Fig. 2 (test error %)"]
    for k, name in enumerate(names):
        if name in mnist:
            axes[1].plot(k, mnist[name], "D", color="orange",
                         label="MNIST, Lillicrap 2016" if k == 0 else None)
    axes[1].set_xticks(range(len(names)), [n.replace("_", "\n") for n in names], fontsize=7)
    axes[1].set(ylabel="test error (%)", title="digits, final (mean +- s.d.)")
    axes[1].legend(fontsize=7)
    eff = measured["sample_efficiency_percent"]
    for name in names:
        keys = list(eff[name])
        axes[2].errorbar(range(len(keys)), [eff[name][k]["mean"] for k in keys],
                         yerr=[eff[name][k]["sd"] for k in keys], color=colours[name],
                         marker="o", label=name)
    axes[2].set_xticks(range(len(keys)), keys, fontsize=7)
    axes[2].set(ylabel="test error (%)", yscale="log",
                title="sample efficiency (same number of updates)")
    fig.tight_layout()
    fig.savefig(path, dpi=110, format=Path(path).suffix.lstrip(".") or "png")
    plt.close(fig)


def run(setup: Setup, out: str | Path | None = None, command: str | None = None,
        progress: bool = True) -> dict:
    """Simulate, evaluate and (with ``out``) write data.npz, the figure and result.json
    (last, atomically). Returns the result."""
    check(setup)
    start = time.perf_counter()
    data = simulate(setup, progress)
    found, measured = evaluate(data, setup)
    result = {
        "protocol": "credit_assignment",
        "description": __doc__.strip().split("\n")[0],
        "source": SOURCE,
        "quick": setup == replace(QUICK, seed=setup.seed),
        "seed": setup.seed,
        "parameters": asdict(setup),
        "findings": found,
        "measured": measured,
        "reference": REFERENCE,
        "provenance": provenance(command=command or shlex.join(sys.argv),
                                 wall_s=round(time.perf_counter() - start, 3)),
    }
    if out is not None:
        out = Path(out)
        out.mkdir(parents=True, exist_ok=True)
        with atomic(out / "data.npz", ".npz") as tmp:
            np.savez_compressed(tmp, **data)
        for suffix in (".png", ".svg"):
            with atomic(out / f"figure{suffix}", suffix) as tmp:
                figure(result, tmp)
        write_json(out / RESULT, result)
    return result


def main(argv: list[str] | None = None) -> int:
    """``python -m protocols.credit_assignment [--quick] [--seed N] [--force] --out DIR``."""
    parser = argparse.ArgumentParser(prog="python -m protocols.credit_assignment",
                                     description=__doc__.strip().split("\n")[0])
    parser.add_argument("--out", type=Path, required=True)
    parser.add_argument("--quick", action="store_true", help="2 seeds, 20 epochs")
    parser.add_argument("--seed", type=int, default=1, help="first of n_seeds seeds")
    parser.add_argument("--force", action="store_true", help="overwrite a finished result")
    args = parser.parse_args(argv)
    setup = replace(QUICK if args.quick else FULL, seed=args.seed)
    try:
        check(setup)
        if (args.out / RESULT).exists() and not args.force:
            found = json.loads((args.out / RESULT).read_text())
            if found.get("parameters") != json.loads(json.dumps(asdict(setup))):
                raise ValueError(f"{args.out} holds the result of another run; choose "
                                 "another folder or --force")
            print(f"finished result found in {args.out}; redrawing its figure")
            for suffix in (".png", ".svg"):
                with atomic(args.out / f"figure{suffix}", suffix) as tmp:
                    figure(found, tmp)
            result = found
        else:
            result = run(setup, args.out)
    except ValueError as err:
        print(f"credit_assignment: error: {err}", file=sys.stderr)
        return 2
    for f in result["findings"]:
        print(f"{'OK ' if f['reproduced'] else 'NO '} {f['name']}: {f['value']}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
