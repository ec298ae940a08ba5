"""Which of the pairs a model is scored on it was trained on (or, for the rules, written around).

A pair counts when its English or its Bliss sentence is one of the model's training sentences, compared as every
disjointness check compares them (`data.pairs.sentence_key`). The training pairs of each row of a run:

* `epoch-N`: the run's training split with its extra training pairs (`RUN/data/train.jsonl`);
* `hybrid-epoch-N`: the same, and the shipped corpus its rules were written around;
* `shipped`: the shipped adapter's recipe (its `config.resolved.toml`): its `data.path` split and each
  `data.extra_train` entry, where they can be had here. The shipped corpus (`builtin`) always can; the research
  team's file it trained on is not shipped, and its generated pairs are read only from a built generator pool (they
  share no sentence with any shipped pair set by construction): what could not be compared is said in a note;
* `rules`: the shipped corpus, which the rule converter was written around (rule-checked data);
* `base`: nothing.
"""

from __future__ import annotations

import json
import tomllib
from collections.abc import Iterable, Mapping, Sequence
from pathlib import Path
from typing import Any

from babybliss.data.pairs import builtin_path, load_pairs, read_split, resolve_path, shares_a_side, sides, split_pairs

RULES = "rules"
SHIPPED = "shipped"
HYBRID = "hybrid-"


def marks(count: int, model: str) -> str:
    """The words every table, plot and verdict puts beside a row scored on pairs its model knew."""
    if model == RULES:
        return f"rule-checked data: the rules were written around {count} of these pairs"
    if model.startswith(HYBRID):
        return f"trained on, or its rules written around, {count} of these pairs"
    return f"trained on {count} of these pairs"


def _shipped_pairs(notes: list[str]) -> list[dict[str, str]]:
    from babybliss.convert.shipped import shipped_adapter
    from babybliss.data.extra_train import GENERATED_PREFIX, extra_pairs
    from babybliss.data.generated import cache_path

    folder = shipped_adapter()
    if folder is None or not (folder / "config.resolved.toml").is_file():
        return []
    data = tomllib.loads((folder / "config.resolved.toml").read_text(encoding="utf-8")).get("data", {})
    seed, path = int(data.get("seed", 42)), str(data.get("path") or "")
    pairs, unchecked = [], []
    try:
        source = load_pairs(resolve_path(path))[0] if path else []
        train = split_pairs(source, seed, data.get("validation_fraction", 0.1), data.get("test_fraction", 0.1))["train"]
    except (OSError, ValueError):
        train = []
        unchecked.append(f"its training split of `{path}` (not here)")
    pairs += train
    for entry in data.get("extra_train", []):
        if entry.startswith(GENERATED_PREFIX) and not cache_path().is_file():
            unchecked.append(f"its `{entry}` pairs (the generator's pool is not built here; they share no sentence "
                             "with the shipped pair sets by construction)")
            continue
        try:
            pairs += extra_pairs(entry, train, seed, path)
        except (OSError, ValueError):
            unchecked.append(f"its `{entry}` pairs (not here)")
    if unchecked:
        notes.append("The shipped adapter's rows are compared with the training pairs that can be had here; not with "
                     + "; ".join(unchecked) + ".")
    return pairs


def training_pairs(run: Path, model: str, notes: list[str]) -> list[dict[str, str]]:
    """The pairs `model` (a row of the run's evaluation) was trained on, as far as they can be had."""
    corpus = load_pairs(builtin_path())[0] if builtin_path().is_file() else []
    if model == RULES:
        return corpus
    if model == SHIPPED:
        return _shipped_pairs(notes)
    if model.startswith("epoch-") or model.startswith(HYBRID):
        try:
            train = read_split(run / "data", "train")
        except (OSError, ValueError):
            notes.append(f"No training split (`data/train.jsonl`): `{model}` is not compared with its training pairs.")
            train = []
        return train + corpus if model.startswith(HYBRID) else train
    return []


def scored_pairs(rows: Iterable[Mapping[str, Any]]) -> dict[str, list[dict[str, str]]]:
    """{split: the distinct pairs a model's predictions convert}, each as {original, bliss}."""
    found: dict[str, dict[tuple[str, str], None]] = {}
    for row in rows:
        source, target = str(row.get("input", "")), str(row.get("expected", ""))
        pair = (source, target) if row.get("direction") == "e2b" else (target, source)
        found.setdefault(str(row.get("split")), {})[pair] = None
    return {split: [{"original": e, "bliss": b} for e, b in pairs] for split, pairs in found.items()}


def overlap(pairs: Sequence[dict[str, str]], trained: Sequence[dict[str, str]]) -> int:
    """How many of `pairs` share an English or a Bliss sentence with `trained`."""
    english, bliss = sides(trained)
    return sum(shares_a_side(p, english, bliss) for p in pairs)


def _rows(path: Path) -> list[dict[str, Any]]:
    rows = []
    for line in path.read_text(encoding="utf-8").splitlines():
        try:
            row = json.loads(line)
        except ValueError:
            continue
        if isinstance(row, dict):
            rows.append(row)
    return rows


def trained_on(run: Path, models: Sequence[str], notes: list[str]) -> dict[str, dict[str, int]]:
    """{model: {split: how many of the split's pairs it was trained on}}, splits with none left out."""
    out: dict[str, dict[str, int]] = {}
    for model in models:
        path = run / "eval" / model / "predictions.jsonl"
        trained = training_pairs(run, model, notes) if path.is_file() else []
        if not trained:
            continue
        counts = {split: overlap(pairs, trained) for split, pairs in scored_pairs(_rows(path)).items()}
        if any(counts.values()):
            out[model] = {split: n for split, n in counts.items() if n}
    return out
