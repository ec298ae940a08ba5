"""Conceptual Bliss notation shared by every layer: the sentence markers and how a sentence's marker is read.

docs/conceptual-bliss.md §1-2 and §16 give the rules; each marker names the Bliss indicator it stands for, so the
symbol drawer can map it: `present` (action B81), `past` (B92), `future` (B87), `... progressive` (continuous B903
with the tense's indicator), `imperative` (B907), `conditional` / `past conditional` / `future conditional`
(B83 / B93 / B88), and `phrase` (no indicator: a greeting, thanks or a message without a verb).
"""

from __future__ import annotations

TENSE_MARKERS = ("present progressive", "past", "present", "future")
"""The markers of the research data (and of the first corpus)."""
EVERYDAY_MARKERS = (
    "past progressive",
    "future progressive",
    "imperative",
    "conditional",
    "past conditional",
    "future conditional",
    "phrase",
)
"""The markers for everyday messages (docs/conceptual-bliss.md §16): aspect, mood and verbless messages."""
MARKERS = TENSE_MARKERS + EVERYDAY_MARKERS
"""Every marker a Bliss sentence may start with, before its first ':'."""
END_MARKS = (".", "?", "!")
"""What ends a Bliss sentence: a statement, a question, an exclamation (§1)."""


def normalize_space(text: str | None) -> str:
    """Runs of whitespace as one space, none at the ends (None gives '')."""
    return " ".join(str(text).split()) if text is not None else ""


def tense_marker(bliss: str | None) -> str | None:
    """The marker a Bliss text starts with: the text before its first ':', spaces normalised and lower-cased
    (`Past :` is `past`), when it is one of MARKERS; otherwise None. Of a text of several sentences, the first's."""
    head, colon, _ = normalize_space(bliss).partition(":")
    head = head.strip().lower()
    return head if colon and head in MARKERS else None


def split_sentences(bliss: str | None) -> list[str]:
    """The sentences of a Bliss text (`phrase:hello. present:how you be?` gives two), each `MARKER:BODY END`.

    A new sentence starts after an end mark and a space where a marker and ':' follow; a text that is not in the
    notation comes back whole."""
    text = normalize_space(bliss)
    out, start = [], 0
    for i, char in enumerate(text):
        if char in END_MARKS and i + 1 < len(text) and text[i + 1] == " " and tense_marker(text[i + 2 :]):
            out.append(text[start : i + 1])
            start = i + 2
    return out + ([text[start:]] if text[start:] else [])
