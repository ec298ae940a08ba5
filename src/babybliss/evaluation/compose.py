"""The shipped `compose` set (data/corpus/compose.json, docs/compose-set.md): Bliss rows as a user composes them on
the page, each with the English sentences that read it. An answer is acceptable when it is one of those, or when
`evaluation.acceptable.acceptable` holds for it."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from babybliss.data.pairs import compose_path
from babybliss.evaluation.acceptable import acceptable

COMPOSE = "compose"


def _key(text: str) -> str:
    return " ".join(text.lower().split())


def listed_english(pairs: Sequence[Mapping[str, Any]]) -> dict[str, list[str]]:
    """{Bliss row: its acceptable English sentences} (the row's `original` when it lists none)."""
    return {p["bliss"]: list(p.get("acceptable") or [p["original"]]) for p in pairs}


def shipped_listed() -> dict[str, list[str]]:
    """`listed_english` of the shipped compose set (read whole: `load_pairs` keeps only the two sides)."""
    import json

    return listed_english(json.loads(compose_path().read_text(encoding="utf-8")))


def is_acceptable(bliss: str, english: str, listed: Sequence[str] = ()) -> bool:
    """`english` is one of the `listed` sentences (case and spacing aside), or acceptable by the round trip."""
    return _key(english) in {_key(e) for e in listed} or acceptable(bliss, english)


def acceptable_rate(rows: list[dict], listed: Mapping[str, Sequence[str]]) -> float | None:
    """The share of Bliss -> English `rows` (input, generated) whose answer is acceptable; each row gets its
    `acceptable` flag (kept where evaluate already judged it by the round trip). None for no rows."""
    for row in rows:
        given = listed.get(row["input"], ())
        if "acceptable" in row:
            row["acceptable"] = row["acceptable"] or _key(row["generated"]) in {_key(e) for e in given}
        else:
            row["acceptable"] = is_acceptable(row["input"], row["generated"], given)
    return sum(row["acceptable"] for row in rows) / len(rows) if rows else None
