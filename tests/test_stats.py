"""Intervals and paired tests (babybliss.evaluation.stats) against references computed another way."""

from __future__ import annotations

import math

import numpy as np
import pytest
import sacrebleu
from scipy.stats import binomtest

from babybliss.evaluation import stats


def two_systems(n: int, only_a: int, only_b: int, both: int) -> tuple[list[bool], list[bool]]:
    """Outcomes on n items: `only_a` right for A alone, `only_b` for B alone, `both` for both, the rest for neither."""
    a = [True] * only_a + [False] * only_b + [True] * both
    b = [False] * only_a + [True] * only_b + [True] * both
    rest = n - len(a)
    return a + [False] * rest, b + [False] * rest


def hand_two_sided(k: int, n: int, mid: bool) -> float:
    """Two-sided binomial(n, 1/2) tail of min(k, n-k), summed by hand; `mid` counts the observed value half."""
    low = min(k, n - k)
    tail = sum(math.comb(n, i) for i in range(low + 1)) / 2**n
    if mid:
        tail -= 0.5 * math.comb(n, low) / 2**n
    return min(1.0, 2 * tail)


@pytest.mark.parametrize(("n", "only_a", "only_b"), [(40, 7, 1), (40, 1, 7), (100, 12, 5), (30, 3, 3), (20, 0, 4)])
def test_mcnemar_matches_the_binomial_reference(n, only_a, only_b):
    a, b = two_systems(n, only_a, only_b, both=n // 4)
    result = stats.mcnemar(a, b)
    assert (result["only_a"], result["only_b"]) == (only_a, only_b)
    assert result["p"] == pytest.approx(binomtest(only_a, only_a + only_b, 0.5).pvalue, abs=1e-12)
    assert result["p"] == pytest.approx(hand_two_sided(only_a, only_a + only_b, mid=False), abs=1e-12)
    assert result["mid_p"] == pytest.approx(hand_two_sided(only_a, only_a + only_b, mid=True), abs=1e-12)


def test_mcnemar_of_identical_systems_and_of_unequal_lengths():
    a, _ = two_systems(10, 3, 0, 2)
    assert stats.mcnemar(a, a) == {"only_a": 0, "only_b": 0, "p": 1.0, "mid_p": 1.0}
    with pytest.raises(ValueError, match="same items"):
        stats.mcnemar([True], [True, False])


def test_an_interval_is_reproducible_under_its_seed_and_moves_with_another():
    values = np.random.default_rng(0).random(80) < 0.4
    assert stats.interval(values, seed=3) == stats.interval(values, seed=3)
    assert stats.interval(values, seed=3) != stats.interval(values, seed=4)
    low, high = stats.interval(values)
    assert low < values.mean() < high


def test_bootstrap_intervals_cover_the_true_rate_at_about_the_nominal_rate():
    """400 samples of 150 items with a true exact-match rate of 0.3: the 95 % interval should hold 0.3 in about
    95 % of them. The percentile bootstrap runs a little short at this size; the tolerance (0.91..0.985) is about
    three binomial standard errors of a 400-trial coverage estimate (sqrt(.95 * .05 / 400) = 0.011) each side."""
    rng = np.random.default_rng(2026)
    true_rate, hits, trials = 0.3, 0, 400
    for trial in range(trials):
        low, high = stats.interval(rng.random(150) < true_rate, samples=500, seed=trial)
        hits += low <= true_rate <= high
    assert 0.91 <= hits / trials <= 0.985


def test_seeds_widen_the_interval_when_they_disagree():
    items = np.random.default_rng(1).random(100) < 0.5
    agreeing = np.stack([items, items, items])
    disagreeing = np.stack([items, np.zeros(100, bool), np.ones(100, bool)])
    low_a, high_a = stats.interval(agreeing)
    low_d, high_d = stats.interval(disagreeing)
    assert high_d - low_d > 2 * (high_a - low_a)


def test_a_ratio_interval_resamples_numerator_and_denominator_together():
    found, words = [2, 3, 0, 1] * 25, [3, 3, 2, 1] * 25
    low, high = stats.interval(found, weights=words)
    assert low < sum(found) / sum(words) < high


def test_corpus_interval_holds_sacrebleus_score_and_is_reproducible():
    refs = ["present:I move slowly towards lake blue.", "past:dog run to house.", "future:we eat bread."] * 20
    hyps = [r if i % 3 else r.replace("blue", "red").replace("dog", "cat") for i, r in enumerate(refs)]
    for name, scorer in (("chrf", sacrebleu.corpus_chrf), ("bleu", sacrebleu.corpus_bleu)):
        statistics = stats.sentence_statistics(name, hyps, refs)
        assert stats.corpus_score(name, statistics) == pytest.approx(scorer(hyps, [refs]).score)
        low, high = stats.corpus_interval(name, statistics)
        assert low <= scorer(hyps, [refs]).score <= high
        assert stats.corpus_interval(name, statistics) == (low, high)


def test_paired_corpus_test_is_sacrebleus_paired_bootstrap():
    refs = [f"present:person {i} eat bread." for i in range(60)]
    good = list(refs)
    bad = [r if i % 2 else "present:dog." for i, r in enumerate(refs)]
    result = stats.paired_corpus_test("chrf", [good], [bad], refs)
    assert result["difference"] > 0 and stats.distinguishable(result["p"])
    assert stats.paired_corpus_test("chrf", [good], [good], refs)["p"] == 1.0
    several = stats.paired_corpus_test("chrf", [good, good], [bad, bad], refs)
    assert several["difference"] == pytest.approx(result["difference"])
    assert stats.distinguishable(several["p"])


def _sacrebleu_paired(name, hyp_a, hyp_b, refs):
    """sacrebleu's paired bootstrap with A as the system and B as the baseline, each read from scratch."""
    from sacrebleu.significance import Result, _paired_bs_test

    metric = stats.corpus_metric(name)
    stats_b = metric._extract_corpus_statistics(hyp_b, [refs])
    score_b = metric._aggregate_and_compute(stats_b).score
    _, results = _paired_bs_test({name: (stats_b, Result(score_b))}, "a", hyp_a, [refs], {name: metric},
                                 n_samples=stats.SAMPLES, seed=stats.SEED)
    return results[name].score - score_b, results[name].p_value


@pytest.mark.parametrize("name", ["chrf", "bleu"])
def test_the_kept_statistics_give_sacrebleus_paired_test(name):
    """The best model's statistics and the references are read once for every model tested against it: the same
    difference and p-value as sacrebleu's test read from scratch, for each of several models in turn."""
    rng = np.random.default_rng(3)
    words = ["lake", "blue", "move", "slowly", "towards", "I", "we", "bread", "eat"]
    refs = ["present:" + " ".join(rng.choice(words, 5)) + "." for _ in range(80)]
    best = [r if rng.random() < 0.7 else "present:" + " ".join(rng.choice(words, 4)) + "." for r in refs]
    others = [[r if rng.random() < share else "past:" + " ".join(rng.choice(words, 3)) + "." for r in refs]
              for share in (0.6, 0.3, 0.65)]
    for a, b in [(best, other) for other in others] + [(other, best) for other in others]:
        result = stats.paired_corpus_test(name, [a], [b], refs)
        difference, p = _sacrebleu_paired(name, a, b, refs)
        assert result["difference"] == pytest.approx(difference, abs=1e-9) and result["p"] == pytest.approx(p)
    assert len({stats.paired_corpus_test(name, [best], [o], refs)["p"] for o in others}) > 1  # the test can tell


def test_paired_mean_test_tells_a_real_gap_from_none():
    rng = np.random.default_rng(5)
    a = rng.random(200) < 0.6
    assert stats.distinguishable(stats.paired_mean_test(a, rng.random(200) < 0.2)["p"])
    assert stats.paired_mean_test(a, a)["p"] == 1.0
