"""95 % intervals for bench/RESULTS.md's headline rows (babybliss.evaluation.stats, seeded).

* The rule converter's rows are converted again here, item by item (deterministic, CPU): exact match and chrF with
  their bootstrap intervals, on the novel set and on bliss.json's default test split.
* The fine-tuned models' rows kept no per-item outputs (their runs lived on the GPU machine, gone): their exact-match
  intervals come from the count alone, k right of n, which is all a bootstrap over items of a right/wrong outcome
  depends on; their chrF has no interval.

    PYTHONPATH=src python bench/headline_intervals.py [--research ../shared/bliss.json]
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "src"))

from babybliss.config import Config  # noqa: E402
from babybliss.data.pairs import load_pairs, novel_path, split_pairs  # noqa: E402
from babybliss.evaluation import stats  # noqa: E402
from babybliss.evaluation.metrics import chrf, exact_match  # noqa: E402
from babybliss.grammar.rules import to_bliss  # noqa: E402

COUNTS = [
    ("default-cpu.toml recipe (lora-r16-lr2e-3-4ep) epoch 4, test e2b, seed 42", 64, 79),
    ("  the same, seed 7", 64, 79),
    ("  the same, validation e2b, seed 42", 68, 79),
    ("  the same, validation e2b, seed 7", 70, 79),
    ("highest test e2b of any run and seed (full-lr2e-4-4ep epoch 4, seed 7)", 67, 79),
    ("the CPU run of default-cpu (epoch 4), test e2b", 64, 79),
    ("shipped default (builtin + rules:english, 3 epochs), novel, model alone", 231, 402),
    ("  the same, constrained", 286, 402),
    ("  the same, hybrid", 376, 402),
    ("  the same, test (alone = constrained)", 65, 79),
    ("  the same, test, hybrid", 65, 79),
    ("trained on bliss.json alone, 3 epochs: test", 67, 79),
    ("  the same, novel", 35, 402),
    ("the demo (2026-11-30): test e2b", 43, 60),
    ("  test b2e", 29, 60),
    ("  novel e2b", 21, 60),
    ("  novel b2e", 13, 60),
]


def rate(k: int, n: int) -> str:
    low, high = stats.interval([1] * k + [0] * (n - k))
    return f"{100 * k / n:.1f} % ({k}/{n}) [{100 * low:.1f}–{100 * high:.1f}]"


def rules_row(name: str, pairs: list[dict]) -> None:
    english, bliss = [p["original"] for p in pairs], [p["bliss"] for p in pairs]
    answers = to_bliss(english)
    right = [exact_match(a, b) for a, b in zip(answers, bliss)]
    low, high = stats.corpus_interval("chrf", stats.sentence_statistics("chrf", answers, bliss))
    print(f"| rules, {name} | {rate(sum(right), len(right))} | {chrf(answers, bliss):.1f} [{low:.1f}–{high:.1f}] |")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--research", default=str(ROOT.parent / "shared" / "bliss.json"), help="the research data")
    args = parser.parse_args()
    print("| row | exact match [95 %] | chrF [95 %] |\n|---|---|---|")
    rules_row("novel set", load_pairs(novel_path())[0])
    research = Path(args.research)
    if research.is_file():
        data = Config().data
        test = split_pairs(load_pairs(research)[0], data.seed, data.validation_fraction, data.test_fraction)["test"]
        rules_row("bliss.json test split", test)
    for name, k, n in COUNTS:
        print(f"| {name} | {rate(k, n)} | – |")
    print("\nsmallest one-sided gap McNemar (mid-p) can tell on the same items:")
    for k in range(3, 8):
        print(f"  {k} items right for one system alone, none for the other: mid-p {stats.mcnemar([1] * k, [0] * k)['mid_p']:.3f}")


if __name__ == "__main__":
    main()
