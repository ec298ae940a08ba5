"""The API's Bliss symbols: the `symbols` of each English -> Bliss result, a gloss search for composing a sentence
from symbols, and the renderer's browser build served from the install (no CDN)."""

from __future__ import annotations

import logging

from typing import Literal

from fastapi import APIRouter, Query
from fastapi.responses import FileResponse, Response
from pydantic import BaseModel, ConfigDict, Field, StrictStr

from babybliss.serve.api_errors import ApiError
from babybliss.symbols.lexicon import attribution, search
from babybliss.symbols.sentence import tensed_codes
from babybliss.symbols.render import RendererMissing, browser_script

log = logging.getLogger("babybliss.serve.symbols_api")
RENDERER_PATH = "/vendor/bliss-svg-builder.js"
"""Where the page loads the renderer from: the browser build of the npm package `make` installed."""


class SymbolWordModel(BaseModel):
    word: str
    """The Bliss word (several for a multi-word gloss: `wake up`; punctuation too)."""
    id: int | None
    """Its BCI-AV ID; null for a name or unknown word (spelled in letters) and a number of several digits."""
    gloss: str | None
    """The symbol's first English gloss."""
    code: str
    """The word in bliss-svg-builder's notation, indicators included; join a sentence's codes with `//` to draw it."""


class SymbolEntry(BaseModel):
    id: int
    gloss: str
    glosses: list[str]
    code: str
    tensed: dict[str, str] | None = None
    """For a verb: its code as the main verb of a sentence with each tense marker (`past` puts the past indicator
    on it), to draw a composed sentence as the converter draws one; null for any other symbol."""


class SymbolSearch(BaseModel):
    symbols: list[SymbolEntry]
    attribution: str
    """BCI's attribution line and the Blissary credit: show it wherever symbols are shown."""


class BoardRequest(BaseModel):
    model_config = ConfigDict(extra="forbid")
    sentences: list[StrictStr] = Field(min_length=1, max_length=50)
    """One button each: an English sentence or word (converted by the rules) or a Bliss sentence with its marker."""
    format: Literal["obz", "obf"] = "obz"
    """obz: a zip with the Bliss drawings as SVG files and manifest.json; obf: one JSON file, drawings inside."""
    name: StrictStr = Field("babybliss board", min_length=1, max_length=100)
    """The board's name in the AAC app."""


BOARD_TYPES = {"obz": "application/zip", "obf": "application/json"}


def symbols_of(bliss_sentences: list[str]) -> list[list[dict]] | None:
    """Each Bliss sentence's words as the API gives them (`SymbolWordModel`'s fields), or None where spaCy is
    missing. The server calls it on a whole batch in the batch's worker thread: one spaCy call for all its
    sentences, not one per request."""
    from babybliss.grammar.nlp import NlpError
    from babybliss.symbols.sentence import sentence_symbols

    try:
        sentences = sentence_symbols(bliss_sentences)
    except NlpError as err:
        log.warning("no symbols: %s", err)
        return None
    return [[w.as_dict() for w in s.words] for s in sentences]


def symbols_router() -> APIRouter:
    router = APIRouter()

    @router.get("/v1/symbols", response_model=SymbolSearch)
    async def find_symbols(q: str = Query(..., min_length=1, max_length=60, description="the start of an English gloss"),
                           limit: int = Query(20, ge=1, le=100)):
        found = search(q, limit)
        entries = [SymbolEntry(id=s.id, gloss=s.gloss, glosses=list(s.glosses), code=s.code, tensed=tensed_codes(s.code))
                   for s in found]
        return SymbolSearch(symbols=entries, attribution=attribution())

    @router.post("/v1/board", response_class=Response,
                 responses={200: {"content": {t: {} for t in BOARD_TYPES.values()},
                                  "description": "the board file (Open Board Format)"}})
    def board(body: BoardRequest):
        """A communication board for AAC apps (Open Board Format, docs/serve.md): one button per sentence or word,
        with its Bliss drawing and the BCI-AV licence. Runs in the thread pool (spaCy and the renderer)."""
        from babybliss.symbols.board import BoardError, board_file

        try:
            data = board_file(body.sentences, body.format, body.name)
        except RendererMissing as err:
            raise ApiError("renderer_missing", str(err)) from None
        except BoardError as err:
            raise ApiError("invalid_request", str(err)) from None
        headers = {"Content-Disposition": f'attachment; filename="babybliss-board.{body.format}"'}
        return Response(data, media_type=BOARD_TYPES[body.format], headers=headers)

    @router.get(RENDERER_PATH, include_in_schema=False)
    async def renderer():
        try:
            return FileResponse(browser_script(), media_type="text/javascript")
        except RendererMissing as err:
            raise ApiError("renderer_missing", str(err)) from None

    return router
