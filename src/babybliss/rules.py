"""English -> Conceptual Bliss by the rules of docs/conceptual-bliss.md, from spaCy's dependency parse (placeholder)."""

from __future__ import annotations

from collections.abc import Sequence


def to_bliss(sentences: Sequence[str]) -> list[str]:
    """One Bliss sentence per English sentence, in order."""
    raise NotImplementedError("the rule converter is being written")
