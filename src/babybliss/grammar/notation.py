"""Conceptual Bliss notation shared by every layer: the tense markers and how a sentence's marker is read."""

from __future__ import annotations

MARKERS = ("present progressive", "past", "present", "future")
"""The tense markers a Bliss sentence starts with, before its first ':'."""

def normalize_space(text: str | None) -> str:
    """Runs of whitespace as one space, none at the ends (None gives '')."""
    return " ".join(str(text).split()) if text is not None else ""


def tense_marker(bliss: str | None) -> str | None:
    """The tense marker a Bliss sentence starts with: the text before its first ':', spaces normalised and
    lower-cased (`Past :` is `past`), when it is one of MARKERS; otherwise None."""
    head, colon, _ = normalize_space(bliss).partition(":")
    head = head.strip().lower()
    return head if colon and head in MARKERS else None
