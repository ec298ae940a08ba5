"""`data prepare`: check, de-duplicate and split the pairs, add extra training pairs, write the run's data folder."""

from __future__ import annotations

import random
from pathlib import Path

from babybliss.config import Config
from babybliss.data.extra_train import extra_pairs as load_extra
from babybliss.data.inputs import check_inputs
from babybliss.data.pairs import (SPLITS, fingerprint, instruction_rows, load_run_pairs, sentence_key, shares_a_side, sides,
                                  split_pairs)
from babybliss.io import atomic_dir, atomic_write_json, atomic_write_jsonl, fault_point


def prepare(config: Config, out_dir: str | Path) -> dict[str, object]:
    """Check, de-duplicate and split the pairs; write splits and instruction sets into `out_dir` atomically.

    Layout: {train,validation,test}.jsonl (pairs), sft/{train,validation}.jsonl (prompt/completion), summary.json.
    """
    check_inputs(config)  # every input, before the slow ones (generated pairs) are built
    pairs, report = load_run_pairs(config.data.path)
    splits = split_pairs(pairs, config.data.seed, config.data.validation_fraction, config.data.test_fraction)
    if 0 < config.data.max_train_pairs < len(splits["train"]):
        splits["train"] = random.Random(f"{config.data.seed}:cap").sample(splits["train"], config.data.max_train_pairs)
    held_english, held_bliss = sides(splits["validation"] + splits["test"])
    for extra in config.data.extra_train:
        extra_pairs = load_extra(extra, splits["train"], config.data.seed, config.data.path)
        in_train = sides(splits["train"])[0]  # e.g. `builtin` beside --data builtin: no double weight
        fresh = [p for p in extra_pairs
                 if not shares_a_side(p, held_english, held_bliss) and sentence_key(p["original"]) not in in_train]
        splits["train"].extend(fresh)
    summary = {
        "source": report.source,
        "entries": report.entries,
        "pairs": report.pairs,
        "duplicates_removed": report.duplicates,
        "conflicts": len(report.conflicts),
        "extra_train": list(config.data.extra_train),
        "splits": {name: len(rows) for name, rows in splits.items()},
        "markers": dict(report.markers),
        "fingerprint": fingerprint(pairs),
        "seed": config.data.seed,
    }
    out_dir = Path(out_dir)
    with atomic_dir(out_dir) as tmp:
        for name in SPLITS:
            atomic_write_jsonl(tmp / f"{name}.jsonl", splits[name])
        for name in ("train", "validation"):
            atomic_write_jsonl(tmp / "sft" / f"{name}.jsonl", instruction_rows(splits[name], config.prompts, config.data.directions))
            fault_point("prepare")
        atomic_write_json(tmp / "summary.json", summary)
    return summary
