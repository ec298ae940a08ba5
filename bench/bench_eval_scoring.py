"""The demo's evaluation scoring, replayed without the models: the same sets (validation, test, novel, everyday: 60
pairs each on configs/demo.toml) and the same scoring calls as `babybliss evaluate` makes on a demo run (rows base,
rules, shipped, epoch-1, epoch-2 in both directions, the everyday set and the hybrids English -> Bliss only), timed
two ways, alternately:

- `each`: every scoring call embeds (MiniLM) and parses (spaCy) all its texts, as before issue 29;
- `once`: each distinct text is embedded and parsed once per process (evaluation.metrics.embeddings / parsed).

The answers stand in for the models': the rules' own answers for the rules and hybrid rows, the input echoed for
the un-tuned base, and for each adapter row the reference on a seeded 70 % of the items and the rules' answer
elsewhere (about the demo's exact match). The metrics of both ways are compared.

    PYTHONPATH=src python bench/bench_eval_scoring.py [--rounds 2]
"""

from __future__ import annotations

import argparse
import json
import random
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "src"))

from babybliss.config import load_config  # noqa: E402
from babybliss.data.pairs import E2B_ONLY_SETS  # noqa: E402
from babybliss.data.prepare import prepare  # noqa: E402
from babybliss.data.prompts import pair_examples  # noqa: E402
from babybliss.evaluation import metrics  # noqa: E402
from babybliss.evaluation.evaluate import _rows, _score, eval_splits  # noqa: E402
from babybliss.grammar.realise import to_english  # noqa: E402
from babybliss.grammar.rules import to_bliss  # noqa: E402

ADAPTER_ROWS = ("shipped", "epoch-1", "epoch-2")


def calls(config, splits) -> list[tuple[str, str, list[dict]]]:
    """(row, direction, rows) for every scoring call of a demo evaluation, in its order."""
    out = []
    for direction, system in (("e2b", to_bliss), ("b2e", to_english)):
        for split, pairs in splits.items():
            if split in E2B_ONLY_SETS and direction != "e2b":
                continue
            examples = [e for p in pairs for e in pair_examples(p, [direction])]
            rules = system([e.input for e in examples])
            answers = {"base": [e.input for e in examples], "rules": rules}
            for name in ADAPTER_ROWS:
                pick = random.Random(f"{name}:{split}:{direction}")
                answers[name] = [e.answer if pick.random() < 0.7 else r for e, r in zip(examples, rules)]
            if direction == "e2b":
                answers.update({"hybrid-epoch-1": rules, "hybrid-epoch-2": rules})
            for name, given in answers.items():
                out.append((name, direction, _rows(split, direction, examples, given, [True] * len(given), given)))
    return out


def replay(config, todo, keep: bool) -> tuple[float, list[dict]]:
    metrics._known_embeddings.cache_clear()
    metrics._KNOWN_PARSES.clear()
    start = time.perf_counter()
    results = []
    for _, direction, rows in todo:
        if not keep:
            metrics._known_embeddings.cache_clear()
            metrics._KNOWN_PARSES.clear()
        results.append(_score(config, [dict(r) for r in rows], direction))
    return time.perf_counter() - start, results


def same(a, b, path="") -> list[str]:
    if isinstance(a, dict):
        return [d for k in a for d in same(a[k], b.get(k), f"{path}.{k}")]
    if isinstance(a, float) and isinstance(b, float):
        return [] if abs(a - b) <= 1e-4 else [f"{path}: {a} != {b}"]
    if isinstance(a, list) and isinstance(b, list) and len(a) == len(b):
        return [d for i, (x, y) in enumerate(zip(a, b)) for d in same(x, y, f"{path}[{i}]")]
    return [] if a == b else [f"{path}: {a} != {b}"]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rounds", type=int, default=2, help="pairs of runs, each way once, alternating")
    args = parser.parse_args()
    config = load_config(ROOT / "configs" / "demo.toml")
    with tempfile.TemporaryDirectory() as tmp:
        prepare(config, Path(tmp) / "data")
        splits = eval_splits(config, Path(tmp))
    todo = calls(config, splits)
    _score(config, [dict(r) for r in todo[0][2]], todo[0][1])  # MiniLM and spaCy loaded before timing
    texts = sum(2 * len(rows) for _, _, rows in todo)
    distinct = len({r[k] for _, _, rows in todo for r in rows for k in ("generated", "expected")})
    print(f"{len(todo)} scoring calls, {texts} texts embedded and parsed each way `each`, {distinct} distinct", flush=True)
    seconds: dict[str, list[float]] = {"each": [], "once": []}
    reference = None
    for _ in range(args.rounds):
        for way in ("each", "once"):
            took, results = replay(config, todo, keep=way == "once")
            seconds[way].append(round(took, 1))
            print(f"{way}: {took:.1f} s", flush=True)
            if reference is None:
                reference = results
            else:
                differences = [d for x, y in zip(reference, results) for d in same(x, y)]
                print(f"  metrics differ from the first run in {len(differences)} places {differences[:3]}", flush=True)
    print(json.dumps(seconds))


if __name__ == "__main__":
    main()
