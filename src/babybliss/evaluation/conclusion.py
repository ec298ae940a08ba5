"""What the numbers support: paired tests of the best model against every other on each split, and the sentence
that says which differences hold.

Two models are compared on the items both converted (the same split, direction, inputs and expected answers):
exact match by McNemar's exact test (mid-p), chrF by sacrebleu's paired bootstrap (`evaluation.stats`). A
difference holds when its p is below 0.05; two models are *indistinguishable* on a split when no test in any
direction they share holds. With several training seeds every outcome is an array (seeds, items) and the tests
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


def against_best(outcomes: Mapping[str, Mapping[tuple[str, str], Outcomes]], best: str, split: str,
                 models: Sequence[str]) -> list[dict[str, Any]]:
    """For each other model with outcomes on `split`: {"model", "verdict" (the best against it), "tests":
    {direction: paired(best, model)}}; models sharing no direction with the best are left out."""
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
            rows.append({"model": model, "verdict": verdict(list(tests.values())), "tests": tests})
    return rows


def _names(models: Sequence[str]) -> str:
    models = list(models)
    return models[0] if len(models) == 1 else ", ".join(models[:-1]) + " and " + models[-1]


def sentence(split: str, best: str, rows: Sequence[Mapping[str, Any]]) -> str:
    """The plain-words conclusion of `against_best` on one split, e.g. `On test, epoch-3 and epoch-4 are
    indistinguishable; both beat epoch-1 and base.`"""
    groups = {kind: [r["model"] for r in rows if r["verdict"] == kind] for kind in (SAME, BETTER, WORSE, MIXED)}
    if not rows:
        return f"On {split}, {best} has no other model to be compared with on the same items."
    top = [best, *groups[SAME]]
    if groups[SAME]:
        text = f"On {split}, {_names(top)} are indistinguishable"
        subject = "both" if len(top) == 2 else "all"
    else:
        text = f"On {split}, {best} is distinguishable from every other model"
        subject = best
    parts = []
    if groups[BETTER]:
        parts.append(f"{subject} beat{'s' if subject == best else ''} {_names(groups[BETTER])}")
    if groups[WORSE]:
        parts.append(f"{_names(groups[WORSE])} beat{'s' if len(groups[WORSE]) == 1 else ''} {best}")
    if groups[MIXED]:
        parts.append(f"{best} and {_names(groups[MIXED])} each lead on a different measure or direction")
    if groups[SAME] and not (groups[BETTER] or groups[WORSE] or groups[MIXED]):
        parts.append("no difference between them holds")
    return text + ("; " + "; ".join(parts) if parts else "") + "."


def _p(value: float) -> str:
    return "<0.001" if value < 0.001 else f"{value:.3f}"


def test_table(split: str, rows: Sequence[Mapping[str, Any]], best: str) -> dict[str, Any]:
    """The report's table of `against_best` on one split: a row per model and direction."""
    header = ["model", "direction", "n", f"exact match: {best} − model", "p (exact)", f"chrF: {best} − model",
              "p (chrF)", "verdict"]
    out = []
    for row in rows:
        said = {BETTER: f"{best} better", WORSE: f"{row['model']} better", MIXED: "mixed", SAME: SAME}[row["verdict"]]
        for direction, test in row["tests"].items():
            exact, chrf = test["exact_match"], test["chrf"]
            out.append({"cells": [row["model"], direction, str(test["n"]), f"{100 * exact['difference']:+.1f} pts",
                                  _p(exact["p"]), f"{chrf['difference']:+.1f}", _p(chrf["p"]), said],
                        "best": False, "not_scored": False})
    return {"split": split, "header": header, "rows": out}
