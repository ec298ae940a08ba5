"""The rule realiser (Bliss -> English, babybliss.grammar.realise) on the novel, everyday and rare sets, the project corpus, the research
data's default test split and bench_rules.py's 40 held-out pairs (written before the realiser, never tuned on):
exact match, acceptable English (evaluation/acceptable.py) and the meaning-kept measures of evaluation/metrics.py.
With --model-answers FILE (JSON rows {"bliss", "model"[, "original"]}: a model's Bliss -> English answers), the model's
acceptable share on those rows with its 95 % bootstrap interval and the hybrid's (evaluation.acceptable.hybrid_b2e),
the non-words the answers hold and, where rows give the reference English, ERRANT's kinds of the unacceptable answers.

    PYTHONPATH=src python bench/bench_realise.py [--research ../shared/bliss.json] [--out realise.json]
        [--model-answers answers.json]
"""

from __future__ import annotations

import argparse
import json
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "src"))
sys.path.insert(0, str(ROOT / "bench"))

from bench_rules import HELD_OUT  # noqa: E402
from babybliss.config import Config  # noqa: E402
from babybliss.data.pairs import builtin_path, everyday_path, load_pairs, novel_path, rare_path, split_pairs  # noqa: E402
from babybliss.evaluation.acceptable import (acceptable_many, hybrid_b2e, judge, kind_counts, kinds_text,  # noqa: E402
                                             non_words)
from babybliss.evaluation.metrics import exact_match_rate, meaning_checks, meaning_kept  # noqa: E402
from babybliss.evaluation.stats import interval  # noqa: E402
from babybliss.grammar.realise import to_english  # noqa: E402


def score(name: str, pairs: list[dict[str, str]]) -> dict:
    start = time.perf_counter()
    english = to_english([p["bliss"] for p in pairs])
    seconds = time.perf_counter() - start
    kept = meaning_kept(meaning_checks([p["bliss"] for p in pairs], english, english_output=True))
    ok = acceptable_many([p["bliss"] for p in pairs], english)
    row = {"set": name, "pairs": len(pairs), "exact": exact_match_rate(english, [p["original"] for p in pairs]),
           "acceptable": sum(ok) / len(ok), **kept, "seconds": round(seconds, 2)}
    print(f"| {name} | {len(pairs)} | {row['exact']:.1%} | {row['acceptable']:.1%} | {kept['content_recall']:.1%} "
          f"| {kept['invented_rate']:.1%} | {kept['tense_agreement']:.1%} | {seconds:.1f} |", flush=True)
    return row


def model_and_hybrid(answers: list[dict]) -> dict:
    blisses, model = [a["bliss"] for a in answers], [a["model"] for a in answers]
    hybrid = hybrid_b2e(blisses, model)
    flags = acceptable_many(blisses, model)
    row = {"rows": len(answers), "model_acceptable": sum(flags) / len(answers), "model_interval": interval(flags),
           "model_answers_with_non_words": sum(bool(non_words(b, m)) for b, m in zip(blisses, model)),
           "hybrid_acceptable": sum(acceptable_many(blisses, [e for e, _ in hybrid])) / len(answers),
           "hybrid_unsure": sum(not sure for _, sure in hybrid),
           "model_non_words": sorted({w for b, m in zip(blisses, model) for w in non_words(b, m)}),
           "hybrid_non_words": sorted({w for b, (e, _) in zip(blisses, hybrid) for w in non_words(b, e)})}
    if all("original" in a for a in answers):
        row["model_error_kinds"] = kind_counts(judge(blisses, model, [a["original"] for a in answers]))["errors"]
    low, high = row["model_interval"]
    print(f"\nmodel answers ({row['rows']}): model acceptable {row['model_acceptable']:.1%} [{low:.1%}-{high:.1%}], hybrid "
          f"{row['hybrid_acceptable']:.1%} ({row['hybrid_unsure']} unsure); non-words: model "
          f"{row['model_non_words']}, hybrid {row['hybrid_non_words']}", flush=True)
    if "model_error_kinds" in row:
        print(f"ERRANT kinds of the unacceptable answers: {kinds_text(row['model_error_kinds'], 8)}", flush=True)
    return row


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--research", help="the research data (bliss.json): its default test split is scored")
    parser.add_argument("--out", help="write the rows as JSON")
    parser.add_argument("--model-answers", help="JSON rows {bliss, model}: score the model and the hybrid on them")
    args = parser.parse_args()
    to_english(["past:dog sleep."])  # load spaCy's tables and lemminflect before timing
    print("| set | pairs | exact | acceptable | content recall | invented | tense agreement | seconds |\n"
          "|---|---:|---:|---:|---:|---:|---:|---:|")
    rows = [
        score("novel", load_pairs(novel_path())[0]),
        score("everyday", load_pairs(everyday_path())[0]),
        score("rare", load_pairs(rare_path())[0]),
        score("pairs.json", load_pairs(builtin_path())[0]),
        score("40 held-out (bench_rules.py)", [{"original": e, "bliss": b} for e, b in HELD_OUT]),
    ]
    if args.research:
        data = Config().data
        test = split_pairs(load_pairs(args.research)[0], data.seed, data.validation_fraction, data.test_fraction)["test"]
        rows.append(score("bliss.json test split", test))
    if args.model_answers:
        rows.append(model_and_hybrid(json.loads(Path(args.model_answers).read_text(encoding="utf-8"))))
    if args.out:
        Path(args.out).write_text(json.dumps(rows, indent=1), encoding="utf-8")


if __name__ == "__main__":
    main()
