"""The report's examples in Bliss symbols: a few English -> Bliss test inputs, the expected Bliss sentence and each
scored model's answer (base, rules, every epoch) drawn as inline SVG, all in one renderer call."""

from __future__ import annotations

import json
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any

SYMBOL_EXAMPLES = 3
"""English -> Bliss inputs drawn in symbols (each once per model)."""
SYMBOL_HEIGHT = 64
"""Pixels: the drawings' height in the report."""


def symbol_examples(run: Path, models: Sequence[str], inputs: Sequence[Mapping[str, Any]], split: str | None,
                    notes: list[str]) -> dict[str, Any] | None:
    """{"examples": [{"input", "rows": [{"label", "bliss", "exact", "svg", "unknown", "glosses"}]}],
    "attribution"} for the first SYMBOL_EXAMPLES e2b example rows: the expected sentence first, then each model in
    order. None, with a note, when the renderer or spaCy is missing; None when there is nothing to draw."""
    from babybliss.errors import BlissError
    from babybliss.evaluation.metrics import exact_match
    from babybliss.symbols.lexicon import attribution
    from babybliss.symbols.render import draw_sentences, renderer_available
    from babybliss.symbols.sentence import sentence_symbols

    chosen = list(inputs)[:SYMBOL_EXAMPLES]
    if not chosen or split is None:
        return None
    missing = renderer_available()
    if missing:
        notes.append(f"The examples are not drawn in Bliss symbols: {missing}.")
        return None
    answers = {model: _answers(run / "eval" / model / "predictions.jsonl", split) for model in models}
    examples = []
    for example in chosen:
        text, expected = str(example.get("input", "")), str(example.get("expected", ""))
        lines = [("expected", expected)] + [(m, answers[m][text]) for m in models if text in answers[m]]
        examples.append({"input": text, "rows": [{"label": label, "bliss": bliss,
                                                  "exact": label != "expected" and exact_match(bliss, expected)}
                                                 for label, bliss in lines]})
    rows = [row for example in examples for row in example["rows"]]
    try:
        sentences = sentence_symbols([row["bliss"] for row in rows])
        drawings = draw_sentences(sentences, SYMBOL_HEIGHT)
    except BlissError as err:
        notes.append(f"The examples are not drawn in Bliss symbols: {err}.")
        return None
    for row, sentence, drawing in zip(rows, sentences, drawings):
        row.update(svg=drawing.svg, unknown=sentence.unknown, glosses=sentence.label)
    return {"examples": examples, "attribution": f"{attribution()} Drawn with bliss-svg-builder (MPL-2.0)."}


def _answers(path: Path, split: str) -> dict[str, str]:
    """input -> generated, of a model's e2b predictions on `split` (empty when the file is missing or unreadable)."""
    found: dict[str, str] = {}
    if not path.is_file():
        return found
    for line in path.read_text(encoding="utf-8").splitlines():
        try:
            row = json.loads(line)
        except json.JSONDecodeError:
            continue
        if isinstance(row, dict) and row.get("split") == split and row.get("direction") == "e2b":
            found.setdefault(str(row.get("input", "")), str(row.get("generated", "")))
    return found
