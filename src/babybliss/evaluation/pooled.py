"""The evaluations of several training seeds (RUN/seed-S/eval/<model>/) pooled into one set of metrics per model,
in the shape of one `metrics.json`, so the report reads a run of several seeds as it reads a run of one.

Pooled from the predictions, over seeds and items, with intervals that resample both (evaluation.stats): exact
match, chrF and BLEU (sacrebleu's statistics summed over the seeds' sentences), tense accuracy, clean stop, the
invented rate and tense agreement. The other measures (content recall and the research team's three) are the
mean of the seeds' values, without an interval. Seeds that drew their own split (train.vary_split) share no
items: then every measure is the seeds' mean, with no interval, and the note says so.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from babybliss.evaluation import stats
from babybliss.evaluation.metrics import INTERVALS, METRIC_KEYS, exact_match
from babybliss.grammar.notation import tense_marker

POOLED_KEYS = ("exact_match", "chrf", "bleu", "tense_accuracy", "clean_stop", "invented_rate", "tense_agreement")
"""Measures pooled from the predictions over seeds and items, with an interval."""


def _read_rows(path: Path) -> list[dict[str, Any]]:
    rows = []
    for line in path.read_text(encoding="utf-8").splitlines():
        try:
            row = json.loads(line) if line.strip() else None
        except ValueError:
            continue
        if isinstance(row, dict):
            rows.append(row)
    return rows


def _by_key(rows: Sequence[dict[str, Any]]) -> dict[tuple[str, str], list[dict[str, Any]]]:
    out: dict[tuple[str, str], list[dict[str, Any]]] = {}
    for row in rows:
        out.setdefault((str(row.get("split")), str(row.get("direction"))), []).append(row)
    return out


def _values(key: str, seeds: Sequence[Sequence[dict[str, Any]]], direction: str) -> list[list[float]] | None:
    """Per seed, per item, the item's share in `key`; None when the measure does not apply or was not kept."""
    if key == "exact_match":
        return [[exact_match(str(r.get("generated", "")), str(r.get("expected", ""))) for r in rows] for rows in seeds]
    if key == "clean_stop":
        return [[bool(r.get("clean_stop")) for r in rows] for rows in seeds]
    if key == "tense_accuracy":
        if direction != "e2b":
            return None
        kept = [i for i, r in enumerate(seeds[0]) if tense_marker(str(r.get("expected", ""))) is not None]
        return [[tense_marker(str(rows[i].get("generated", ""))) == tense_marker(str(rows[i].get("expected", "")))
                 for i in kept] for rows in seeds] if kept else None
    if key == "invented_rate":
        if not all(isinstance(r.get("invented"), list) for rows in seeds for r in rows):
            return None
        return [[bool(r["invented"]) for r in rows] for rows in seeds]
    if key == "tense_agreement":
        kept = [i for i, r in enumerate(seeds[0]) if r.get("tense_agrees") is not None]
        if not kept or any(rows[i].get("tense_agrees") is None for rows in seeds for i in kept):
            return None
        return [[bool(rows[i]["tense_agrees"]) for i in kept] for rows in seeds]
    raise ValueError(key)


def pooled_direction(seed_rows: Sequence[Sequence[dict[str, Any]]], seed_metrics: Sequence[dict[str, Any]],
                     direction: str) -> dict[str, Any]:
    """One split and direction over the seeds: `seed_rows` (each seed's predictions, the same items in the same
    order) and `seed_metrics` (each seed's metrics.json entry)."""
    out: dict[str, Any] = {key: _mean([m.get(key) for m in seed_metrics]) for key in METRIC_KEYS}
    intervals: dict[str, Any] = {}
    if seed_rows[0]:
        out["n"] = len(seed_rows[0])
        for key in POOLED_KEYS:
            if key in ("chrf", "bleu"):
                found = [stats.sentence_statistics(key, [str(r.get("generated", "")) for r in rows],
                                                   [str(r.get("expected", "")) for r in rows]) for rows in seed_rows]
                out[key] = stats.corpus_score(key, found)
                bounds = stats.corpus_interval(key, found)
            else:
                values = _values(key, seed_rows, direction)
                if values is None:
                    continue
                out[key] = sum(map(sum, values)) / sum(map(len, values))
                bounds = stats.interval(values)
            intervals[key] = None if bounds is None else [round(bounds[0], 6), round(bounds[1], 6)]
    out[INTERVALS] = intervals
    return out


def _same_items(seed_rows: Sequence[Sequence[dict[str, Any]]]) -> bool:
    items = [[(r.get("input"), r.get("expected")) for r in rows] for rows in seed_rows]
    return bool(items[0]) and all(found == items[0] for found in items)


def _mean(values: Sequence[Any]) -> float | None:
    numbers = [v for v in values if isinstance(v, (int, float)) and not isinstance(v, bool)]
    return sum(numbers) / len(numbers) if len(numbers) == len(values) and numbers else None


def pooled_evals(folders: Sequence[Path], notes: list[str]) -> dict[str, dict[str, Any]]:
    """{model: metrics.json-shaped data over the seeds} for each model evaluated in every seed folder."""
    per_model: dict[str, list[Path]] = {}
    for folder in folders:
        for path in sorted((folder / "eval").glob("*/metrics.json")):
            per_model.setdefault(path.parent.name, []).append(path.parent)
    partial = sorted(m for m, found in per_model.items() if len(found) < len(folders))
    if partial:
        notes.append(f"Not evaluated in every seed's folder, so left out: {', '.join(partial)}; run "
                     f"`babybliss evaluate` on the run folder to evaluate every seed.")
    names = ", ".join(f.name for f in folders)
    evals: dict[str, dict[str, Any]] = {}
    varied = False
    for model, found in per_model.items():
        if model in partial:
            continue
        metrics = [json.loads((f / "metrics.json").read_text(encoding="utf-8")) for f in found]
        rows = [_by_key(_read_rows(f / "predictions.jsonl")) if (f / "predictions.jsonl").is_file() else {}
                for f in found]
        splits: dict[str, dict[str, Any]] = {}
        for split, by_direction in (metrics[0].get("splits") or {}).items():
            splits[split] = {}
            for direction in by_direction:
                seed_metrics = [(m.get("splits") or {}).get(split, {}).get(direction) or {} for m in metrics]
                seed_rows = [r.get((split, direction), []) for r in rows]
                if not _same_items(seed_rows):
                    seed_rows, varied = [[]], True
                splits[split][direction] = pooled_direction(seed_rows, seed_metrics, direction)
        evals[model] = {**metrics[0], "splits": splits, "seeds": [f.parent.parent.name for f in found],
                        "seconds": sum(m.get("seconds") or 0 for m in metrics)}
    if not evals:
        raise FileNotFoundError(f"No evaluation results in the seed folders ({names}): run `babybliss evaluate` on "
                                "the run folder first.")
    notes.append(f"Pooled over {len(folders)} training seeds ({names}): intervals resample the seeds and the items; "
                 "content recall and the research team's three measures are the seeds' mean, without an interval.")
    if varied:
        notes.append("The seeds drew different splits (train.vary_split), so their items do not pair: some "
                     "measures are the seeds' mean without an interval; see each seed's own report.")
    return evals
