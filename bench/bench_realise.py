"""The rule realiser (Bliss -> English, babybliss.grammar.realise) on the novel set, the project corpus, the research
data's default test split and bench_rules.py's 40 held-out pairs (written before the realiser, never tuned on):
exact match and the meaning-kept measures of evaluation/metrics.py.

    PYTHONPATH=src python bench/bench_realise.py [--research ../shared/bliss.json] [--out realise.json]
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
from babybliss.data.pairs import builtin_path, load_pairs, novel_path, split_pairs  # noqa: E402
from babybliss.evaluation.metrics import exact_match_rate, meaning_checks, meaning_kept  # noqa: E402
from babybliss.grammar.realise import to_english  # noqa: E402


def score(name: str, pairs: list[dict[str, str]]) -> dict:
    start = time.perf_counter()
    english = to_english([p["bliss"] for p in pairs])
    seconds = time.perf_counter() - start
    kept = meaning_kept(meaning_checks([p["bliss"] for p in pairs], english, english_output=True))
    row = {"set": name, "pairs": len(pairs), "exact": exact_match_rate(english, [p["original"] for p in pairs]),
           **kept, "seconds": round(seconds, 2)}
    print(f"| {name} | {len(pairs)} | {row['exact']:.1%} | {kept['content_recall']:.1%} | {kept['invented_rate']:.1%} "
          f"| {kept['tense_agreement']:.1%} | {seconds:.1f} |", flush=True)
    return row


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--research", help="the research data (bliss.json): its default test split is scored")
    parser.add_argument("--out", help="write the rows as JSON")
    args = parser.parse_args()
    to_english(["past:dog sleep."])  # load spaCy's tables and lemminflect before timing
    print("| set | pairs | exact | content recall | invented | tense agreement | seconds |\n|---|---:|---:|---:|---:|---:|---:|")
    rows = [
        score("novel", load_pairs(novel_path())[0]),
        score("pairs.json", load_pairs(builtin_path())[0]),
        score("40 held-out (bench_rules.py)", [{"original": e, "bliss": b} for e, b in HELD_OUT]),
    ]
    if args.research:
        data = Config().data
        test = split_pairs(load_pairs(args.research)[0], data.seed, data.validation_fraction, data.test_fraction)["test"]
        rows.append(score("bliss.json test split", test))
    if args.out:
        Path(args.out).write_text(json.dumps(rows, indent=1), encoding="utf-8")


if __name__ == "__main__":
    main()
