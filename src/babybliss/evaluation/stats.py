"""How sure a number is: 95 % bootstrap intervals and paired tests between two systems on the same items.

Every function takes per-item values as an array of shape (seeds, items) - one row per training seed, the same
items in the same order in every row (a single run is one row). Bootstrap replicates resample the seeds, then the
items (the same item indices for every seed drawn, and for both systems of a paired test), so an interval covers
both the item sample and the training seed when there are several seeds.

* `interval`: percentile interval of a mean (exact match, clean stop, invented rate, coherence, ...) or of a ratio
  of sums (content recall: words found / words);
* `corpus_interval`: chrF or BLEU, resampling sacrebleu's own per-sentence statistics and scoring each replicate
  with sacrebleu, as `sacrebleu.significance` does (its bounds: the 1/40 and 39/40 order statistics);
* `mcnemar`: exact McNemar test (and its mid-p) for two systems' exact-match outcomes on the same items;
* `paired_corpus_test`: sacrebleu's paired bootstrap resampling test (`_paired_bs_test`, the Moses script's) for
  chrF/BLEU on one seed; with several seeds, the same test with seeds resampled too;
* `paired_mean_test`: the paired bootstrap test for the difference of two means across seeds.

Results are reproducible: every function draws from `numpy.random.default_rng(seed)`.
"""

from __future__ import annotations

import functools
import math
from collections.abc import Sequence
from typing import Any

import numpy as np

LEVEL = 0.95
"""Confidence level of every interval, and 1 - the significance level of every test."""
ALPHA = 1 - LEVEL
SAMPLES = 1000
"""Bootstrap replicates (sacrebleu's default for its paired bootstrap)."""
SEED = 12345
"""Seed of every bootstrap (sacrebleu's default SACREBLEU_SEED)."""


def as_matrix(values: Any) -> np.ndarray:
    """Per-item values as a float array (seeds, items); a flat sequence is one seed."""
    array = np.asarray(values, dtype=float)
    if array.ndim == 1:
        array = array[None, :]
    if array.ndim != 2:
        raise ValueError(f"expected values of shape (items,) or (seeds, items), got {array.shape}")
    return array


def resample_indices(seeds: int, items: int, samples: int = SAMPLES, seed: int = SEED) -> tuple[np.ndarray, np.ndarray]:
    """(seed indices (samples, seeds), item indices (samples, items)) of the bootstrap replicates."""
    rng = np.random.default_rng(seed)
    seed_idx = rng.integers(0, seeds, size=(samples, seeds)) if seeds > 1 else np.zeros((samples, 1), dtype=int)
    return seed_idx, rng.integers(0, items, size=(samples, items))


def _replicates(values: np.ndarray, seed_idx: np.ndarray, item_idx: np.ndarray) -> np.ndarray:
    """Mean over the drawn seeds and items of each replicate: (samples,)."""
    picked = values[seed_idx[:, :, None], item_idx[:, None, :]]  # (samples, seeds, items)
    return picked.mean(axis=(1, 2))


def _bounds(replicates: np.ndarray) -> tuple[float, float]:
    low, high = np.quantile(replicates, [ALPHA / 2, 1 - ALPHA / 2])
    return float(low), float(high)


def interval(values: Any, weights: Any = None, samples: int = SAMPLES, seed: int = SEED) -> tuple[float, float] | None:
    """95 % percentile bootstrap interval of the mean of `values` (seeds x items), or, with `weights`, of the
    ratio sum(values) / sum(weights) (e.g. content words found / content words). None when there are no items."""
    values = as_matrix(values)
    if values.size == 0:
        return None
    seed_idx, item_idx = resample_indices(*values.shape, samples=samples, seed=seed)
    if weights is None:
        return _bounds(_replicates(values, seed_idx, item_idx))
    weights = as_matrix(weights)
    found = _replicates(values, seed_idx, item_idx)
    total = _replicates(weights, seed_idx, item_idx)
    ok = total > 0
    return _bounds(found[ok] / total[ok]) if ok.any() else None


# --------------------------------------------------------------------------- chrF and BLEU


def corpus_metric(name: str, references: Sequence[str] | None = None) -> Any:
    """sacrebleu's metric object for `chrf` or `bleu`, with the defaults `metrics.chrf`/`metrics.bleu` use;
    `references` (one per item) read once into its cache."""
    from sacrebleu.metrics import BLEU, CHRF

    refs = [list(references)] if references is not None else None
    if name == "chrf":
        return CHRF(references=refs)
    if name == "bleu":
        return BLEU(references=refs)
    raise ValueError(f"no corpus metric {name!r}: expected chrf or bleu")


def sentence_statistics(name: str, hypotheses: Sequence[str], references: Sequence[str]) -> np.ndarray:
    """sacrebleu's sufficient statistics per sentence, (items, k): what its corpus score sums over."""
    from babybliss.grammar.notation import normalize_space

    metric = corpus_metric(name)
    hyps = [normalize_space(h) for h in hypotheses]
    refs = [normalize_space(r) for r in references]
    return np.asarray(metric._extract_corpus_statistics(hyps, [refs]), dtype=float)


def _corpus_scores(name: str, stats: np.ndarray, seed_idx: np.ndarray, item_idx: np.ndarray) -> np.ndarray:
    """The corpus score of each replicate: the drawn seeds' and items' statistics summed, scored by sacrebleu."""
    metric = corpus_metric(name)
    sums = stats[seed_idx[:, :, None], item_idx[:, None, :]].sum(axis=(1, 2))  # (samples, k)
    return np.array([metric._compute_score_from_stats(list(row)).score for row in sums])


def corpus_interval(name: str, stats: Any, samples: int = SAMPLES, seed: int = SEED) -> tuple[float, float] | None:
    """95 % interval of chrF/BLEU from `sentence_statistics` (items, k) or one such array per seed (seeds, items,
    k), by bootstrap resampling as sacrebleu does: its lower and upper bounds are the (samples // 40)-th smallest
    and largest replicate scores."""
    stats = np.asarray(stats, dtype=float)
    if stats.ndim == 2:
        stats = stats[None]
    if stats.shape[1] == 0:
        return None
    seed_idx, item_idx = resample_indices(stats.shape[0], stats.shape[1], samples=samples, seed=seed)
    scores = np.sort(_corpus_scores(name, stats, seed_idx, item_idx))
    cut = samples // 40
    return float(scores[cut]), float(scores[samples - cut - 1])


# --------------------------------------------------------------------------- paired tests


def mcnemar(a: Sequence[bool], b: Sequence[bool]) -> dict[str, float | int]:
    """Exact McNemar test of two systems' right/wrong outcomes on the same items.

    Only the discordant items count: `only_a` right for A alone, `only_b` for B alone. Under the null hypothesis
    each is a fair coin, so `p` is the two-sided exact binomial p-value of min(only_a, only_b) in only_a + only_b
    tosses, and `mid_p` the same less half the probability of the observed count (less conservative, closer to the
    nominal level). Both are 1.0 when no item is discordant.
    """
    from scipy.stats import binom

    if len(a) != len(b):
        raise ValueError(f"McNemar needs the same items: {len(a)} and {len(b)} outcomes")
    only_a = sum(bool(x) and not bool(y) for x, y in zip(a, b))
    only_b = sum(bool(y) and not bool(x) for x, y in zip(a, b))
    n, k = only_a + only_b, min(only_a, only_b)
    if n == 0:
        return {"only_a": 0, "only_b": 0, "p": 1.0, "mid_p": 1.0}
    tail = float(binom.cdf(k, n, 0.5))
    return {
        "only_a": only_a,
        "only_b": only_b,
        "p": min(1.0, 2 * tail),
        "mid_p": min(1.0, 2 * (tail - 0.5 * float(binom.pmf(k, n, 0.5)))),
    }


def _p_from_differences(differences: np.ndarray, observed: float) -> float:
    """sacrebleu's p-value: the share of centred bootstrap |differences| above the observed |difference|, +1
    in numerator and denominator; 1.0 for no difference (sacrebleu's count would give 1 / (samples + 1))."""
    from sacrebleu.significance import _compute_p_value

    if observed == 0:
        return 1.0

    centred = np.abs(differences) - np.abs(differences).mean()
    return float(_compute_p_value(centred, abs(observed)))


def paired_mean_test(a: Any, b: Any, samples: int = SAMPLES, seed: int = SEED) -> dict[str, float]:
    """Paired bootstrap test of mean(a) - mean(b), both (seeds, items) on the same items and seeds; the same
    statistic and p-value as sacrebleu's paired bootstrap. Returns {"difference", "p"}."""
    a, b = as_matrix(a), as_matrix(b)
    if a.shape != b.shape:
        raise ValueError(f"a paired test needs the same seeds and items: {a.shape} and {b.shape}")
    seed_idx, item_idx = resample_indices(*a.shape, samples=samples, seed=seed)
    differences = _replicates(a, seed_idx, item_idx) - _replicates(b, seed_idx, item_idx)
    observed = float(a.mean() - b.mean())
    return {"difference": observed, "p": _p_from_differences(differences, observed)}


def paired_corpus_test(name: str, hyps_a: Sequence[Sequence[str]], hyps_b: Sequence[Sequence[str]],
                       references: Sequence[str], samples: int = SAMPLES, seed: int = SEED) -> dict[str, float]:
    """Paired bootstrap test of chrF/BLEU(A) - chrF/BLEU(B) on the same references, one list of hypotheses per
    seed for each system. One seed: sacrebleu's own `_paired_bs_test`. Several: the same test with the seeds
    resampled too (sacrebleu has none). Returns {"difference", "p"}."""
    from sacrebleu.significance import Result, _paired_bs_test

    from babybliss.grammar.notation import normalize_space

    if len(hyps_a) != len(hyps_b):
        raise ValueError(f"a paired test needs the same seeds: {len(hyps_a)} and {len(hyps_b)}")
    if len(hyps_a) == 1:
        refs = tuple(normalize_space(r) for r in references)
        stats_a, score_a = _corpus_statistics(name, tuple(normalize_space(h) for h in hyps_a[0]), refs)
        # A is sacrebleu's baseline here: the test's statistic |A - B| is symmetric, and a report tests its best
        # model (A) against every other on the same references, so A's statistics and the references' are kept
        _, results = _paired_bs_test({name: (stats_a, Result(score_a))}, "b", [normalize_space(h) for h in hyps_b[0]],
                                     None, {name: _metric_on(name, refs)}, n_samples=samples, seed=seed)
        difference = float(score_a - results[name].score)
        return {"difference": difference, "p": float(results[name].p_value) if difference else 1.0}
    stats_a = np.stack([sentence_statistics(name, h, references) for h in hyps_a])
    stats_b = np.stack([sentence_statistics(name, h, references) for h in hyps_b])
    seed_idx, item_idx = resample_indices(stats_a.shape[0], stats_a.shape[1], samples=samples, seed=seed)
    differences = _corpus_scores(name, stats_a, seed_idx, item_idx) - _corpus_scores(name, stats_b, seed_idx, item_idx)
    observed = corpus_score(name, stats_a) - corpus_score(name, stats_b)
    return {"difference": observed, "p": _p_from_differences(differences, observed)}


@functools.lru_cache(maxsize=8)
def _metric_on(name: str, references: tuple[str, ...]) -> Any:
    return corpus_metric(name, references)


@functools.lru_cache(maxsize=8)
def _corpus_statistics(name: str, hypotheses: tuple[str, ...], references: tuple[str, ...]) -> tuple[list, float]:
    """sacrebleu's per-sentence statistics of `hypotheses` and their corpus score."""
    metric = _metric_on(name, references)
    statistics = metric._extract_corpus_statistics(list(hypotheses), None)
    return statistics, metric._aggregate_and_compute(statistics).score


def corpus_score(name: str, stats: Any) -> float:
    """chrF/BLEU of per-sentence statistics (items, k), or of several seeds' (seeds, items, k) pooled."""
    stats = np.asarray(stats, dtype=float)
    total = stats.reshape(-1, stats.shape[-1]).sum(axis=0)
    return float(corpus_metric(name)._compute_score_from_stats(list(total)).score)


def distinguishable(p: float | None) -> bool:
    """A difference the data support: a paired test's p below 1 - LEVEL."""
    return p is not None and not math.isnan(p) and p < ALPHA
