"""The meaning-kept measures on reference outputs: each pair's own English as the Bliss -> English output.

A perfect converter scores content recall 1, invented 0 and tense agreement 1 here, so what is left is the
measures' own error (spaCy's tagging slips) or the pairs' label noise. Prints one JSON line per pairs file and the
pairs that disagree.

    python bench/bench_meaning_floor.py [PAIRS_FILE ...]     (default: the shipped corpus)
"""

from __future__ import annotations

import json
import sys
import time
from collections import Counter

from babybliss.data.pairs import builtin_path, load_pairs
from babybliss.evaluation.metrics import meaning_checks, meaning_kept


def floor(path: str) -> None:
    pairs, _ = load_pairs(path)
    blisses, english = [p["bliss"] for p in pairs], [p["original"] for p in pairs]
    start = time.perf_counter()
    checks = meaning_checks(blisses, english, english_output=True)
    seconds = time.perf_counter() - start
    kept = meaning_kept(blisses, english, english_output=True)
    print(json.dumps({"pairs": path, "n": len(pairs), **{k: round(v, 4) for k, v in kept.items()},
                      "parse_seconds": round(seconds, 1)}))
    print("  invented:", Counter(w for c in checks for w in c["invented"]).most_common(10))
    for bliss, eng, check in zip(blisses, english, checks):
        if check["missing"] or check["tense_agrees"] is False:
            print(f"  {eng!r} -> {bliss!r}: missing {check['missing']}, tense agrees {check['tense_agrees']}")


if __name__ == "__main__":
    for path in sys.argv[1:] or [str(builtin_path())]:
        floor(path)
