"""What the numbers support: paired tests of the best model against every other on each split, and the sentence
that says which differences hold.

Two models are compared on the items both converted (the same split, direction, inputs and expected answers):
exact match by McNemar's exact test (mid-p), chrF by sacrebleu's paired bootstrap (`evaluation.stats`). A
difference holds when its p is below 0.05. Each direction's row of the table names a winner only where one of that
row's own tests holds, else it says the difference is not shown; the verdict over directions stands apart and says
when the directions disagree. Two models are *indistinguishable* on a split when no test in any direction they
share holds. A model scored on pairs it trained on is named with that mark wherever it appears. With several training seeds every outcome is an array (seeds, items) and the tests
resample the seeds as well (exact match then by the paired bootstrap of the two rates, McNemar being a one-sample
test).
"""

from __future__ import annotations

import json
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from babybliss.data.prompts import DIRECTIONS
from babybliss.evaluation import stats
from babybliss.evaluation.metrics import exact_match

BETTER, WORSE, MIXED, SAME = "better", "worse", "mixed", "indistinguishable"
DISAGREE = "directions disagree"
"""Over directions: the best model holds ahead in one direction and behind in another."""
NOT_SHOWN = "difference not shown"
"""A row of the table where none of its tests holds, whatever the point estimates say."""


@dataclass
class Outcomes:
    """One model's conversions of one split and direction, per seed: the items (input, expected) in order, the
    generated answers (one list per seed) and their exact-match outcomes."""

    items: list[tuple[str, str]]
    generated: list[list[str]] = field(default_factory=list)

    @property
    def exact(self) -> list[list[bool]]:
        return [[exact_match(g, e) for g, (_, e) in zip(seed, self.items)] for seed in self.generated]


def read_outcomes(predictions: Sequence[Path]) -> dict[tuple[str, str], Outcomes]:
    """{(split, direction): Outcomes} from one model's `predictions.jsonl`, one file per seed; a split and direction
    is kept only where every seed converted the same items in the same order."""
    found: dict[tuple[str, str], Outcomes] = {}
    for seed, path in enumerate(predictions):
        by_key: dict[tuple[str, str], tuple[list, list]] = {}
        for line in path.read_text(encoding="utf-8").splitlines():
            if not line.strip():
                continue
            try:
                row = json.loads(line)
            except ValueError:
                continue
            if not isinstance(row, dict):
                continue
            items, generated = by_key.setdefault((str(row.get("split")), str(row.get("direction"))), ([], []))
            items.append((str(row.get("input", "")), str(row.get("expected", ""))))
            generated.append(str(row.get("generated", "")))
        for key, (items, generated) in by_key.items():
            if seed == 0:
                found[key] = Outcomes(items, [generated])
            elif key in found and found[key].items == items:
                found[key].generated.append(generated)
    return {key: out for key, out in found.items() if len(out.generated) == len(predictions)}


def paired(a: Outcomes, b: Outcomes) -> dict[str, Any] | None:
    """A's and B's differences (A - B) in exact match and chrF with their p-values; None when they did not
    convert the same items (or not with the same number of seeds)."""
    if a.items != b.items or len(a.generated) != len(b.generated) or not a.items:
        return None
    references = [e for _, e in a.items]
    chrf = stats.paired_corpus_test("chrf", a.generated, b.generated, references)
    exact_a, exact_b = a.exact, b.exact
    if len(exact_a) == 1:
        test = stats.mcnemar(exact_a[0], exact_b[0])
        exact = {"difference": (test["only_a"] - test["only_b"]) / len(a.items), "p": test["mid_p"],
                 "test": "McNemar mid-p"}
    else:
        exact = {**stats.paired_mean_test(exact_a, exact_b), "test": "paired bootstrap"}
    return {"n": len(a.items), "seeds": len(a.generated), "exact_match": exact, "chrf": chrf}


def verdict(tests: Sequence[Mapping[str, Any]]) -> str:
    """BETTER (A holds ahead in some test, behind in none), WORSE, MIXED or SAME, from `paired` results."""
    ahead = behind = False
    for test in tests:
        for key in ("exact_match", "chrf"):
            if stats.distinguishable(test[key]["p"]):
                ahead |= test[key]["difference"] > 0
                behind |= test[key]["difference"] < 0
    return MIXED if ahead and behind else BETTER if ahead else WORSE if behind else SAME


def over_directions(by_direction: Mapping[str, str]) -> str:
    """The verdict over directions from each direction's own (`verdict` of that direction's tests): SAME when none
    holds, DISAGREE when one direction holds ahead and another behind, MIXED when the measures of one direction
    disagree, else BETTER or WORSE (in the directions where it holds)."""
    held = {v for v in by_direction.values() if v != SAME}
    if not held:
        return SAME
    if MIXED in held:
        return MIXED
    return DISAGREE if held == {BETTER, WORSE} else held.pop()


def against_best(outcomes: Mapping[str, Mapping[tuple[str, str], Outcomes]], best: str, split: str,
                 models: Sequence[str]) -> list[dict[str, Any]]:
    """For each other model with outcomes on `split`: {"model", "tests": {direction: paired(best, model)},
    "by_direction": {direction: the verdict of that direction's tests alone}, "verdict": `over_directions`};
    models sharing no direction with the best are left out."""
    rows = []
    mine = outcomes.get(best, {})
    for model in models:
        if model == best:
            continue
        tests = {}
        for direction in DIRECTIONS:
            a, b = mine.get((split, direction)), outcomes.get(model, {}).get((split, direction))
            result = paired(a, b) if a and b else None
            if result is not None:
                tests[direction] = result
        if tests:
            by_direction = {direction: verdict([test]) for direction, test in tests.items()}
            rows.append({"model": model, "verdict": over_directions(by_direction), "by_direction": by_direction,
                         "tests": tests})
    return rows


def _names(models: Sequence[str]) -> str:
    models = list(models)
    return models[0] if len(models) == 1 else ", ".join(models[:-1]) + " and " + models[-1]


def _where(row: Mapping[str, Any], kind: str) -> str:
    """` (e2b only)` when `kind` holds in some of the row's directions but not all, else ``."""
    held = [d for d, v in row["by_direction"].items() if v == kind]
    return "" if len(held) == len(row["by_direction"]) else f" ({', '.join(held)} only)"


def _named(model: str, marked: Mapping[str, str]) -> str:
    return f"{model} ({marked[model]})" if model in marked else model


def sentence(split: str, best: str, rows: Sequence[Mapping[str, Any]], marked: Mapping[str, str] | None = None) -> str:
    """The plain-words conclusion of `against_best` on one split, e.g. `On test, epoch-3 and epoch-4 are
    indistinguishable; both beat epoch-1 and base (e2b only).` A model beats another only where a test holds, in
    the directions it holds in; a model scored on pairs it trained on carries `marked[model]`."""
    marked = marked or {}
    by_kind = {kind: [r for r in rows if r["verdict"] == kind] for kind in (SAME, BETTER, WORSE, MIXED, DISAGREE)}
    if not rows:
        return f"On {split}, {_named(best, marked)} has no other model to be compared with on the same items."
    top = [_named(best, marked), *(_named(r["model"], marked) for r in by_kind[SAME])]
    if by_kind[SAME]:
        text = f"On {split}, {_names(top)} are indistinguishable"
        subject = "both" if len(top) == 2 else "all"
    else:
        text = f"On {split}, {top[0]} is distinguishable from every other model"
        subject = best
    parts = []
    if by_kind[BETTER]:
        beaten = [_named(r["model"], marked) + _where(r, BETTER) for r in by_kind[BETTER]]
        parts.append(f"{subject} beat{'s' if subject == best else ''} {_names(beaten)}")
    for row in by_kind[WORSE]:
        parts.append(f"{_named(row['model'], marked)} beats {best}{_where(row, WORSE)}")
    if by_kind[MIXED]:
        parts.append(f"{best} and {_names([_named(r['model'], marked) for r in by_kind[MIXED]])} each lead on a "
                     "different measure")
    for row in by_kind[DISAGREE]:
        ahead = ", ".join(d for d, v in row["by_direction"].items() if v == BETTER)
        behind = ", ".join(d for d, v in row["by_direction"].items() if v == WORSE)
        parts.append(f"{best} and {_named(row['model'], marked)}: the directions disagree ({best} better in {ahead}, "
                     f"{row['model']} better in {behind})")
    if by_kind[SAME] and not (by_kind[BETTER] or by_kind[WORSE] or by_kind[MIXED] or by_kind[DISAGREE]):
        parts.append("no difference between them holds")
    return text + ("; " + "; ".join(parts) if parts else "") + "."


def _p(value: float) -> str:
    return "<0.001" if value < 0.001 else f"{value:.3f}"


def _said(kind: str, best: str, model: str) -> str:
    return {BETTER: f"{best} better", WORSE: f"{model} better", MIXED: "the measures disagree", SAME: NOT_SHOWN,
            DISAGREE: DISAGREE}[kind]


def _over(row: Mapping[str, Any], best: str) -> str:
    """The verdict over directions in words: `epoch-2 better in e2b; not shown in b2e`."""
    if row["verdict"] == SAME:
        return f"{NOT_SHOWN} in any direction"
    said: dict[str, list[str]] = {}
    for direction, kind in row["by_direction"].items():
        said.setdefault(_said(kind, best, row["model"]) if kind != SAME else "not shown", []).append(direction)
    text = "; ".join(f"{words} in {', '.join(directions)}" for words, directions in said.items())
    return f"{DISAGREE}: {text}" if row["verdict"] == DISAGREE else text


def test_table(split: str, rows: Sequence[Mapping[str, Any]], best: str,
               marked: Mapping[str, str] | None = None) -> dict[str, Any]:
    """The report's table of `against_best` on one split: a row per model and direction, each with the verdict of
    its own tests; "overall": a line per model with the verdict over directions, apart from the rows."""
    marked = marked or {}
    header = ["model", "direction", "n", f"exact match: {best} − model", "p (exact)", f"chrF: {best} − model",
              "p (chrF)", "verdict (this row's tests)"]
    out, overall = [], []
    for row in rows:
        for direction, test in row["tests"].items():
            exact, chrf = test["exact_match"], test["chrf"]
            out.append({"cells": [_named(row["model"], marked), direction, str(test["n"]),
                                  f"{100 * exact['difference']:+.1f} pts", _p(exact["p"]), f"{chrf['difference']:+.1f}",
                                  _p(chrf["p"]), _said(row["by_direction"][direction], best, row["model"])],
                        "best": False, "not_scored": False})
        overall.append(f"{_named(row['model'], marked)}: {_over(row, best)}")
    if best in marked:
        overall.insert(0, f"{best} ({marked[best]})")
    return {"split": split, "header": header, "rows": out, "overall": overall}
