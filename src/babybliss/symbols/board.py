"""A communication board in the Open Board Format (OBF, the interchange format of AAC apps such as CoughDrop and
Cboard): one button per sentence or word, labelled with it and showing its Bliss drawing.

`.obf` is the board as JSON with each drawing inside it as a data URL; `.obz` is a zip of the board, its drawings as
SVG files and `manifest.json`. The board and every image carry the BCI-AV licence and attribution (CC BY-SA) in
their `license` fields, as the symbols lexicon does (symbols/lexicon/NOTICE.md). An English line is converted by the
rule converter first; a line that starts with a marker (`present:I want drink.`) is drawn as it is."""

from __future__ import annotations

import base64
import hashlib
import io
import json
import math
import zipfile
from dataclasses import dataclass
from pathlib import Path

from babybliss.errors import BlissError
from babybliss.io import atomic_write_bytes
from babybliss.symbols.lexicon import attribution, load_lexicon
from babybliss.symbols.render import draw_sentences
from babybliss.symbols.sentence import sentence_symbols, split_marker

FORMAT = "open-board-0.1"
SVG = "image/svg+xml"
BOARD_PATH = "board.obf"
MAX_BUTTONS = 200
LICENCE_URL = "https://creativecommons.org/licenses/by-sa/4.0/"
SOURCE_URL = "https://www.blissymbolics.org"
AUTHOR = "Blissymbolics Communication International (BCI)"


class BoardError(BlissError):
    """The board cannot be made from what was given (a user error, one line)."""


@dataclass
class Board:
    """The board's JSON (`obf`, with image `data` URLs or `path`s) and, for an .obz, {zip path: SVG text}."""

    obf: dict
    files: dict[str, str]


def licence() -> dict:
    """The OBF `license` object of the Bliss drawings: BCI-AV's licence, with its attribution line as the author."""
    return {"type": load_lexicon()["licence"], "copyright_notice_url": LICENCE_URL, "source_url": SOURCE_URL,
            "author_name": AUTHOR, "author_url": SOURCE_URL, "ext_babybliss_attribution": attribution()}


def bliss_lines(lines: list[str]) -> list[str]:
    """Each line as Conceptual Bliss: as it is where it starts with a marker, else by the rule converter."""
    english = [i for i, line in enumerate(lines) if split_marker(line)[0] is None]
    out = list(lines)
    if english:
        from babybliss.grammar.rules import to_bliss

        for i, bliss in zip(english, to_bliss([lines[i] for i in english])):
            out[i] = bliss
    return out


def label_of(line: str) -> str:
    """The button's words: an English line as typed; a Bliss line's words without its marker."""
    marker, body = split_marker(line)
    return body if marker else line


def grid(ids: list[str], columns: int | None) -> dict:
    """Buttons row by row, `columns` wide (default: as square as they fit), the last row padded with null."""
    columns = columns or max(1, math.ceil(math.sqrt(len(ids))))
    rows = math.ceil(len(ids) / columns)
    padded = ids + [None] * (rows * columns - len(ids))
    return {"rows": rows, "columns": columns, "order": [padded[r * columns:(r + 1) * columns] for r in range(rows)]}


def make_board(lines: list[str], name: str = "babybliss board", columns: int | None = None,
               packaged: bool = False) -> Board:
    """The board of `lines` (sentences or words, English or Bliss). `packaged`: images as files of an .obz (`path`),
    else inside the board (`data`)."""
    lines = [" ".join(line.split()) for line in lines]
    empty = [i + 1 for i, line in enumerate(lines) if not line]
    if empty:
        raise BoardError(f"line {empty[0]} is empty: give one sentence or word a line")
    if not lines:
        raise BoardError("no sentences or words to put on the board")
    if len(lines) > MAX_BUTTONS:
        raise BoardError(f"{len(lines)} lines: a board holds at most {MAX_BUTTONS} buttons")
    if columns is not None and columns < 1:
        raise BoardError(f"columns must be at least 1, not {columns}")
    bliss = bliss_lines(lines)
    drawings = draw_sentences(sentence_symbols(bliss))
    buttons, images, files = [], [], {}
    for number, (line, sentence, drawing) in enumerate(zip(lines, bliss, drawings), start=1):
        label = label_of(line)
        image = {"id": f"image-{number}", "content_type": SVG, "license": licence(), "ext_babybliss_bliss": sentence}
        if packaged:
            image["path"] = files_path = f"images/{number}.svg"
            files[files_path] = drawing.svg
        else:
            image["data"] = f"data:{SVG};base64," + base64.b64encode(drawing.svg.encode("utf-8")).decode("ascii")
        images.append(image)
        buttons.append({"id": str(number), "label": label, "vocalization": label, "image_id": image["id"]})
    digest = hashlib.sha256("\n".join(lines).encode("utf-8")).hexdigest()[:12]
    obf = {
        "format": FORMAT,
        "id": f"babybliss-{digest}",
        "locale": "en",
        "name": name,
        "description_html": f"Bliss symbols for {len(lines)} messages, made by babybliss. {attribution()}",
        "license": licence(),
        "buttons": buttons,
        "grid": grid([b["id"] for b in buttons], columns),
        "images": images,
        "sounds": [],
    }
    return Board(obf, files)


def obz_bytes(board: Board) -> bytes:
    """The .obz: the board, its drawings and manifest.json (root and paths), zipped."""
    manifest = {"format": FORMAT, "root": BOARD_PATH,
                "paths": {"boards": {board.obf["id"]: BOARD_PATH},
                          "images": {image["id"]: image["path"] for image in board.obf["images"]}, "sounds": {}}}
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("manifest.json", json.dumps(manifest, indent=2, ensure_ascii=False))
        archive.writestr(BOARD_PATH, json.dumps(board.obf, indent=2, ensure_ascii=False))
        for path, svg in board.files.items():
            archive.writestr(path, svg)
    return out.getvalue()


def board_file(lines: list[str], kind: str, name: str = "babybliss board", columns: int | None = None) -> bytes:
    """The board as the bytes of an `obf` or `obz` file."""
    if kind not in ("obf", "obz"):
        raise BoardError(f"a board is written as .obf or .obz, not {kind!r}")
    board = make_board(lines, name, columns, packaged=kind == "obz")
    return obz_bytes(board) if kind == "obz" else json.dumps(board.obf, indent=2, ensure_ascii=False).encode("utf-8")


def write_board(lines: list[str], out: str | Path, name: str = "babybliss board", columns: int | None = None) -> None:
    """The board written to `out` (.obf or .obz by its suffix), whole or not at all."""
    kind = Path(out).suffix.lower().lstrip(".")
    if kind not in ("obf", "obz"):
        raise BoardError(f"{out}: name an .obf or .obz file")
    atomic_write_bytes(out, board_file(lines, kind, name, columns))
