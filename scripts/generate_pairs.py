#!/usr/bin/env python3
"""Generate the rule-made pairs of docs/generator.md (or read them from the cache) and print what they hold.

    python scripts/generate_pairs.py                      # build or read the cached pool, print counts
    python scripts/generate_pairs.py --out runs/gen.json  # also write the training part (JSON list of pairs)
    python scripts/generate_pairs.py --heldout runs/heldout.json
    python scripts/generate_pairs.py --size 6000 --limit 3000 --out runs/gen-3k.json   # a vocabulary-curve pool

The pairs leave out every shipped pair set and, where ../shared/bliss.json exists (or --exclude names a pairs
file), that file's validation and test splits as babybliss splits it by default. Seeded: the same sources give the
same pairs. `data.extra_train = ["generated:N"]` uses the same pool in a training run.
"""

from __future__ import annotations

import argparse
import time
from collections import Counter
from pathlib import Path

from babybliss.data import generated
from babybliss.data.vocabulary import frame_agreement, vocabulary
from babybliss.grammar.notation import tense_marker
from babybliss.io import atomic_write_json

ROOT = Path(__file__).resolve().parents[1]
SHARED_BLISS = ROOT.parent / "shared" / "bliss.json"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--processes", type=int, default=2, help="conversion processes (default 2)")
    parser.add_argument("--exclude", default=str(SHARED_BLISS), help="pairs file whose held-out splits are left out")
    parser.add_argument("--out", help="write the training part here")
    parser.add_argument("--heldout", help="write the held-out slice here")
    parser.add_argument("--size", type=int, default=generated.POOL_SIZE, help="checked pairs in the pool")
    parser.add_argument("--limit", type=int, help="keep the generator to the LIMIT most frequent lemmas")
    args = parser.parse_args()
    start = time.perf_counter()
    cached = generated.cache_path(args.size, generated.SEED, args.limit).is_file()
    pairs = generated.pool(args.size, processes=args.processes, limit=args.limit)
    seconds = time.perf_counter() - start
    sides = generated.excluded(args.exclude)
    train, heldout = generated.split(pairs)
    train = generated.without(train, sides)
    print(f"{len(pairs)} checked pairs ({'read from the cache' if cached else 'built'} in {seconds:.1f} s), "
          f"{generated.cache_path(args.size, generated.SEED, args.limit)}")
    print(f"training part {len(train)}, held-out slice {len(heldout)}; {len(vocabulary(args.limit).lemmas())} lemmas "
          f"in the vocabulary, {len({p['original'] for p in pairs})} distinct English sentences")
    print("WordNet's first-sense frames against the corpora's parses:", frame_agreement())
    print("markers:", dict(Counter(tense_marker(p["bliss"]) for p in pairs)))
    clauses = Counter(1 + sum(p["original"].count(f" {c} ") for c in ("and", "but", "because", "so", "when", "after",
                                                                       "before", "while", "if", "although", "until"))
                      for p in pairs)
    print("questions:", sum(p["original"].endswith("?") for p in pairs), "negations:",
          sum(" not " in f" {p['bliss']} " for p in pairs), "clauses (by conjunctions):", dict(sorted(clauses.items())))
    if args.out:
        atomic_write_json(args.out, train)
    if args.heldout:
        atomic_write_json(args.heldout, generated.heldout_pairs(args.exclude))


if __name__ == "__main__":
    main()
