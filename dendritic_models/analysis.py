"""Pure analysis functions on recorded arrays: co-activity, shuffle nulls, ROC AUC.

Nothing here touches Brian2 objects; spike times are plain arrays in seconds.

Co-activity follows Wright, Hedrick & Komiyama 2025 (Science 388:322) and their analysis
code (github wjakewright/Lab_Analyses, ``Utilities/coactivity_functions.py``): activity is
binarised per imaging frame, two traces are co-active in frames where both are active, and
the observed co-activity is compared with a null in which the spine's trace is circularly
shifted in time (``Utilities/data_utilities.py``, ``roll_2d_array``), which keeps its rate
and temporal structure and destroys only its alignment with the reference.
"""

from __future__ import annotations

import numpy as np


def activity(index: np.ndarray, times: np.ndarray, n: int, duration: float,
             frame: float) -> np.ndarray:
    """Binarised activity, as imaging gives it: (n, frames) float32, 1 where unit ``index``
    fired at least once in the frame of width ``frame`` (s)."""
    frames = int(np.ceil(duration / frame))
    trace = np.zeros((n, frames), dtype=np.float32)
    trace[np.asarray(index, dtype=int), np.minimum((np.asarray(times) / frame).astype(int),
                                                   frames - 1)] = 1
    return trace


def relative_coactivity(trace: np.ndarray, references: np.ndarray, shifts: np.ndarray) -> float:
    """Co-active frames of ``trace`` with each row of ``references``, summed over rows, over
    the same sum when ``trace`` is circularly shifted by each of ``shifts`` (frames), averaged:
    1 is chance, > 1 co-activity beyond chance. Pairwise, so many partners do not saturate it
    (the authors' local co-activity is the mean pairwise rate over partners). NaN when the
    null is zero (a silent spine or silent references)."""
    references = np.atleast_2d(references)
    if references.shape[0] == 0:
        return float("nan")
    observed = float((references @ trace).sum())
    rolled = np.stack([np.roll(trace, int(s)) for s in shifts])
    null = float((references @ rolled.T).sum()) / len(shifts)
    return observed / null if null > 0 else float("nan")


def roc_auc(score: np.ndarray, positive: np.ndarray) -> float:
    """Area under the ROC curve of ``score`` for the boolean labels ``positive`` (the
    Mann-Whitney U statistic over n_pos n_neg, ties counted half); NaN with one class."""
    score = np.asarray(score, dtype=float)
    positive = np.asarray(positive, dtype=bool)
    n_pos, n_neg = positive.sum(), (~positive).sum()
    if n_pos == 0 or n_neg == 0:
        return float("nan")
    order = np.argsort(score, kind="mergesort")
    ranks = np.empty(score.size)
    sorted_scores = score[order]
    # average ranks of ties
    _, first, counts = np.unique(sorted_scores, return_index=True, return_counts=True)
    average = first + (counts - 1) / 2.0 + 1.0
    ranks[order] = np.repeat(average, counts)
    return float((ranks[positive].sum() - n_pos * (n_pos + 1) / 2) / (n_pos * n_neg))


def bootstrap_auc(
    score: np.ndarray,
    positive: np.ndarray,
    cluster: np.ndarray,
    n_boot: int = 1000,
    seed: int = 0,
) -> tuple[float, float, float]:
    """ROC AUC with a 95% CI from a cluster bootstrap: ``cluster`` (e.g. the cell of each
    synapse) is resampled with replacement, since synapses of one cell are not independent
    (Saravanan, Berman & Sober 2020, Neurons Behav Data Anal Theory 3:1, the hierarchical
    bootstrap). Returns (AUC, lower, upper); NaN where undefined."""
    score, positive = np.asarray(score, dtype=float), np.asarray(positive, dtype=bool)
    valid = np.isfinite(score)
    score, positive, cluster = score[valid], positive[valid], np.asarray(cluster)[valid]
    auc = roc_auc(score, positive)
    ids = np.unique(cluster)
    if np.isnan(auc):
        return auc, float("nan"), float("nan")
    members = [np.flatnonzero(cluster == c) for c in ids]
    rng = np.random.default_rng(seed)
    samples = []
    for _ in range(n_boot):
        pick = np.concatenate([members[k] for k in rng.integers(0, ids.size, ids.size)])
        samples.append(roc_auc(score[pick], positive[pick]))
    samples = np.asarray(samples)
    samples = samples[np.isfinite(samples)]
    if samples.size == 0:
        return auc, float("nan"), float("nan")
    low, high = np.percentile(samples, [2.5, 97.5])
    return auc, float(low), float(high)
