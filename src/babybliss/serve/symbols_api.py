"""The API's Bliss symbols: the `symbols` of each English -> Bliss result, a gloss search for composing a sentence
from symbols, and the renderer's browser build served from the install (no CDN)."""

from __future__ import annotations

import logging

from fastapi import APIRouter, Query
from fastapi.responses import FileResponse
from pydantic import BaseModel

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

    @router.get(RENDERER_PATH, include_in_schema=False)
    async def renderer():
        try:
            return FileResponse(browser_script(), media_type="text/javascript")
        except RendererMissing as err:
            raise ApiError("renderer_missing", str(err)) from None

    return router
