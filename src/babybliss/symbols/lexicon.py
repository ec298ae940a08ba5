"""The shipped Bliss lexicon (lexicon/bliss-lexicon.json, CC BY-SA, built by scripts/build_bliss_lexicon.py): English
word and class -> BCI-AV ID -> the word's composition in bliss-svg-builder's notation."""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from functools import lru_cache
from importlib import resources

ACTION, DESCRIPTION, THING, PERSONAL, POSSESSIVE = "action", "description", "thing", "personal", "possessive"

INDICATORS = {
    "action": "B81",
    "past": "B92",
    "future": "B87",
    "continuous": "B903",
    "imperative": "B907",
    "present conditional": "B83",
    "past conditional": "B93",
    "future conditional": "B88",
    "passive": "B91",
    "description": "B86",
    "thing": "B97",
    "plural": "B99",
    "possessive": "B913",
}
"""Bliss grammar as bliss-svg-builder draws it (indicator codes from shared/bliss-symbols' README)."""

GRAMMAR_INDICATORS = {INDICATORS[k] for k in ("action", "past", "future", "continuous", "imperative", "description",
                                             "present conditional", "past conditional", "future conditional")}
"""The indicators that a word's own class gives it: replaced when the sentence gives the word another."""

_PART_INDICATOR = re.compile(r";(B\d+)(?=[/;]|$)")


@dataclass(frozen=True)
class Symbol:
    """One BCI-AV word."""

    id: int
    glosses: tuple[str, ...]
    code: str
    """Its composition in bliss-svg-builder's DSL (`B974;B81` is to move)."""
    old: bool = False

    @property
    def gloss(self) -> str:
        return self.glosses[0]


@lru_cache(maxsize=1)
def load_lexicon() -> dict:
    """The lexicon's JSON (words, symbols, punctuation, digits, attribution), read once."""
    path = resources.files("babybliss.symbols") / "lexicon" / "bliss-lexicon.json"
    return json.loads(path.read_text(encoding="utf-8"))


def attribution() -> str:
    """BCI's attribution line and the Blissary credit, as a product using the lexicon must show them."""
    lexicon = load_lexicon()
    return f"{lexicon['attribution']} {lexicon['credit']}"


@lru_cache(maxsize=None)
def symbol(bci_id: int) -> Symbol:
    row = load_lexicon()["symbols"][str(bci_id)]
    return Symbol(bci_id, tuple(row["glosses"]), row["code"], row.get("old", False))


def senses(word: str) -> dict[str, int]:
    """The BCI-AV ID of each class the word (lower case, or several words joined by one space) has."""
    return load_lexicon()["words"].get(word.lower(), {})


def is_synonym(word: str) -> bool:
    """The word is drawn with another word's symbol (the lexicon's synonyms)."""
    return word.lower() in load_lexicon()["synonyms"]


def lookup(word: str, classes: tuple[str, ...]) -> tuple[Symbol, str] | None:
    """The word's symbol in the first of `classes` it has, and that class; else in any class it has."""
    found = senses(word)
    for kind in classes + tuple(found):
        if kind in found:
            return symbol(found[kind]), kind
    return None


def punctuation(mark: str) -> Symbol | None:
    bci_id = load_lexicon()["punctuation"].get(mark)
    return symbol(bci_id) if bci_id else None


def digits_code(number: str) -> str:
    """`12` -> `B10/B11`: Bliss digits, one character each; `8:30` with the colon between."""
    lexicon = load_lexicon()
    return "/".join(symbol(lexicon["digits"][c] if c.isdigit() else lexicon["punctuation"][c]).code for c in number)


def digit_symbol(digit: str) -> Symbol:
    return symbol(load_lexicon()["digits"][digit])


def letters_code(text: str) -> str:
    """A word spelled in Latin letters (the renderer's X codes) and Bliss digits: `Jonah` -> `XJonah`; `O'Neil` ->
    `XO/XNeil`; `B313` -> `XB` and the digits 3, 1, 3."""
    runs = re.findall(r"[^\W\d_]+|\d+", text)
    return "/".join(digits_code(run) if run.isdigit() else f"X{run}" for run in runs)


def is_action(code: str) -> bool:
    """The composition carries the action indicator: the symbol is a verb (`B974;B81`, to move)."""
    return INDICATORS["action"] in _PART_INDICATOR.findall(code)


def with_indicator(code: str, indicator: str | None) -> str:
    """The composition with `indicator` on its head character in place of its own grammar indicators (action,
    description, tense). None: the grammar indicators taken off (a verb's symbol used as a noun)."""
    bare = _PART_INDICATOR.sub(lambda m: "" if m.group(1) in GRAMMAR_INDICATORS else m.group(0), code)
    return f"{bare};;{indicator}" if indicator else bare


def search(prefix: str, limit: int = 20) -> list[Symbol]:
    """Symbols whose gloss starts with `prefix` (case-insensitive), current ones first, for a type-ahead."""
    prefix = prefix.strip().lower()
    if not prefix:
        return []
    seen: dict[int, tuple] = {}
    for word, found in load_lexicon()["words"].items():
        if word.startswith(prefix):
            for bci_id in found.values():
                sym = symbol(bci_id)
                rank = (sym.old, word != prefix, len(word), bci_id)
                if bci_id not in seen or rank < seen[bci_id]:
                    seen[bci_id] = rank
    return [symbol(i) for i in sorted(seen, key=seen.get)[:limit]]
