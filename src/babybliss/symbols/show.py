"""What `babybliss symbols` shows: one line per word, and the sentence drawn into an SVG file."""

from __future__ import annotations

from pathlib import Path

from babybliss.errors import BlissError
from babybliss.io import atomic_write_text
from babybliss.symbols.render import draw_sentences
from babybliss.symbols.sentence import sentence_symbols


def symbol_lines(bliss_sentences: list[str]) -> tuple[list[str], list[str]]:
    """Each sentence, then one tab-separated line per word (word, BCI-AV ID, gloss, code; `-` where there is none);
    and the words no symbol was found for."""
    lines, unknown = [], []
    for sentence in sentence_symbols(bliss_sentences):
        lines.append(sentence.bliss)
        for w in sentence.words:
            lines.append("\t".join(str(v) if v is not None else "-" for v in (w.word, w.id, w.gloss, w.code)))
        unknown += sentence.unknown
    return lines, unknown


def write_drawing(bliss: str, out: str | Path) -> None:
    """The sentence drawn as an SVG file (written whole or not at all)."""
    if Path(out).suffix.lower() != ".svg":
        raise BlissError(f"{out}: the drawing is written as SVG; name a .svg file")
    drawing = draw_sentences(sentence_symbols([bliss]))[0]
    atomic_write_text(out, drawing.svg)
