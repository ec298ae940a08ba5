"""Training pairs from plain English sentences, converted by the rule converter (`babybliss data from-english`)."""

from __future__ import annotations

from pathlib import Path

from babybliss.io import atomic_write_json, read_user_text


def read_sentences(path: str | Path) -> list[str]:
    """The non-empty lines of a UTF-8 text file, one sentence each."""
    text = read_user_text(path)
    return [line.strip() for line in text.splitlines() if line.strip()]


def pairs_from_english(sentences: list[str]) -> tuple[list[dict[str, str]], list[tuple[str, list[str]]]]:
    """({original, bliss} pairs for the sentences the rules are sure of, [(sentence, warnings)] skipped)."""
    from babybliss.grammar.rules import convert

    pairs, skipped, seen = [], [], set()
    for conversion in convert(sentences):
        if conversion.english in seen:
            continue
        seen.add(conversion.english)
        if conversion.confident:
            pairs.append({"original": conversion.english, "bliss": conversion.bliss})
        else:
            skipped.append((conversion.english, conversion.warnings))
    return pairs, skipped


def write_pairs_from_english(path: str | Path, out: str | Path) -> tuple[int, list[tuple[str, list[str]]]]:
    """Convert the sentences of `path` and write the pairs file `out` (JSON list); (pairs written, skipped)."""
    pairs, skipped = pairs_from_english(read_sentences(path))
    atomic_write_json(out, pairs)
    return len(pairs), skipped
