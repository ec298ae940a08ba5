"""`babybliss serve`: the converter as a web page and an HTTP API (FastAPI), with dynamic batching.

The server takes converters (one per direction, anything with `name` and `convert(direction, sentences)`), so the
system it serves is chosen in one place: `choose_converters`.
"""

from __future__ import annotations

import gc
import logging
import time
import unicodedata
from contextlib import asynccontextmanager
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Literal, Protocol

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import HTMLResponse, JSONResponse, Response
from fastapi.staticfiles import StaticFiles
from fastapi.templating import Jinja2Templates
from pydantic import BaseModel, ConfigDict, StrictStr
from starlette.exceptions import HTTPException

from babybliss.serve.api_docs import REDOC_SCRIPT, api_docs_assets, redoc_script
from babybliss.serve.api_errors import ApiError, code_for_status, error_content
from babybliss.serve.batching import QueueFull, SentenceFailed
from babybliss.serve.lanes import MODEL, RULES, Lanes, LaneSizes
from babybliss.serve.front_door import REDOC_CONTENT_SECURITY_POLICY, FrontDoor, guarded_protocol
from babybliss.serve.symbols_api import SymbolWordModel, symbols_of, symbols_router
from babybliss.symbols.lexicon import attribution
from babybliss.config import Config, GenerateConfig, PromptConfig, ServeConfig
from babybliss.convert.generate import (Output, adapter_config, generate_raw, load_for_conversion, realiser_drafts,
                                        stop_criteria)
from babybliss.convert.prefix_cache import PrefixCache, template_prefix
from babybliss.convert.ctranslate import is_ctranslate2
from babybliss.convert.hybrid import default_system
from babybliss.convert.shipped import NO_ADAPTER, resolve_adapter, shipped_adapter
from babybliss.training.models import Loaded
from babybliss.grammar.nlp import NlpError
from babybliss.data.prompts import DIRECTIONS, build_prompt
from babybliss.grammar.notation import MARKERS

log = logging.getLogger("babybliss.serve.app.app")
PACKAGE = Path(__file__).parent
RULE_PROBE = ["We will visit the museum next week."]


class Converter(Protocol):
    name: str
    """What converts, in words (shown on the page and in /healthz)."""

    def convert(self, direction: str, sentences: list[str]) -> list[Output]: ...


@dataclass
class ModelConverter:
    """A causal LM (base or base+adapter) loaded once; the stop criteria are built once too."""

    loaded: Loaded
    prompts: PromptConfig
    gen: GenerateConfig
    name: str
    untuned: bool = False
    """The model is not fine-tuned: its answers are not real conversions (the page marks them)."""

    def __post_init__(self):
        self.stop = stop_criteria(self.loaded.tokenizer)
        self.prefixes = PrefixCache(self.loaded.model, self.loaded.tokenizer)  # the instruction's KV, computed once

    def convert(self, direction: str, sentences: list[str]) -> list[Output]:
        prompts = [build_prompt(self.prompts, direction, s) for s in sentences]
        gen = replace(self.gen, max_new_tokens=self.token_bound(sentences))
        return generate_raw(self.loaded, prompts, gen, stop=self.stop, prefixes=self.prefixes,
                            prefix=template_prefix(self.prompts, direction),
                            **realiser_drafts(self.loaded, gen, direction, sentences))

    def token_bound(self, sentences: list[str]) -> int:
        """A conversion is about as long as its input (Bliss drops words, English adds a few): twice the longest
        input plus a margin is ample, and it stops a model that never ends from decoding max_new_tokens."""
        longest = max(len(ids) for ids in self.loaded.tokenizer(sentences, add_special_tokens=False)["input_ids"])
        return min(self.gen.max_new_tokens, 2 * longest + 8)


@dataclass
class RuleConverter:
    """English -> Bliss by the rules (`babybliss.grammar.rules`)."""

    name: str = "the rule converter (babybliss.grammar.rules)"

    def convert(self, direction: str, sentences: list[str]) -> list[Output]:
        from babybliss.grammar.rules import convert

        return [Output(c.bliss, True, c.bliss, c.warnings) for c in convert(sentences)]


@dataclass
class HybridConverter:
    """English -> Bliss by the hybrid (`babybliss.convert.hybrid.combine`): the rules' answer where they are sure of
    it, the model's where they are unsure or cannot convert. In two steps, so that the server runs each in its own
    lane: `by_rules` (every sentence) and `settle` (a sentence the rules could not stand behind, with the model's
    answer)."""

    model: ModelConverter
    name: str = ""

    def __post_init__(self):
        self.name = self.name or f"the hybrid: the rule converter checking {self.model.name}"

    def convert(self, direction: str, sentences: list[str]) -> list[Output]:
        outputs = self.by_rules(sentences)
        asked = [i for i, o in enumerate(outputs) if isinstance(o, NeedsModel)]
        answers = self.model.convert(direction, [sentences[i] for i in asked]) if asked else []
        for i, answer in zip(asked, answers):
            outputs[i] = self.settle(outputs[i], answer)
        return outputs

    def by_rules(self, sentences: list[str]) -> list[Output | NeedsModel]:
        """Each sentence's final answer where the rules' answer stands, else what `settle` needs to finish it."""
        from babybliss.convert.hybrid import rules_stand
        from babybliss.grammar.rules import convert

        return [
            Output(c.bliss, True, c.bliss, c.warnings) if rules_stand(c.bliss, c.words_sure) else NeedsModel(text, c)
            for text, c in zip(sentences, convert(sentences))
        ]

    def settle(self, pending: NeedsModel, by_model: Output) -> Output:
        """The hybrid's answer once the model has answered a sentence the rules do not stand behind."""
        from babybliss.convert.hybrid import combine

        rules = pending.conversion
        (answer,) = combine([rules.bliss], [by_model.answer], [rules.words_sure])
        if answer == by_model.answer:
            return replace(by_model, warnings=rules.warnings)
        return Output(answer, True, answer, rules.warnings)


@dataclass
class NeedsModel:
    """A sentence the hybrid's rules do not stand behind: the model must answer it (`HybridConverter.settle`)."""

    text: str
    conversion: object
    """The rule converter's `Conversion` of it."""


@dataclass
class EnglishHybridConverter:
    """Bliss -> English by the hybrid (`babybliss.evaluation.acceptable.hybrid_b2e`): the model's English where it is
    acceptable, else the rule realiser's where that is, else the model's with a warning (confident false)."""

    model: ModelConverter
    name: str = ""

    def __post_init__(self):
        self.name = self.name or f"the hybrid: {self.model.name}, checked by the rules, the rule realiser behind it"

    def convert(self, direction: str, sentences: list[str]) -> list[Output]:
        from babybliss.evaluation.acceptable import hybrid_b2e

        outputs = self.model.convert(direction, sentences)
        unsure = ["neither the model's English nor the rule realiser's converts back to this Bliss"]
        out = []
        for o, (english, sure) in zip(outputs, hybrid_b2e(sentences, [o.answer for o in outputs])):
            warnings = [] if sure else unsure
            same = english == o.answer
            # The hybrid judged its answer (sure: acceptable), so the server need not judge it again.
            out.append(replace(o, warnings=warnings, acceptable=sure) if same
                       else Output(english, True, english, warnings, acceptable=sure))
        return out


def model_label(config: Config, adapter: str | None) -> str:
    if adapter and Path(adapter) == shipped_adapter():
        return f"{adapter_config(adapter).model.spec} fine-tuned (the shipped adapter)"
    if adapter:
        return f"{adapter_config(adapter).model.spec} fine-tuned ({Path(adapter).name} of {Path(adapter).parent.name})"
    return f"{config.model.spec}, not fine-tuned: its answers are not real conversions"


def choose_converters(config: Config, adapter: str | None, model_given: bool) -> dict[str, Converter]:
    """The system serving each direction. Bliss -> English: the adapter's model (or the model named, or the shipped
    adapter on the default model: `shipped.resolve_adapter`). English -> Bliss: the model named with --model;
    otherwise the project's default system for the adapter named (`hybrid.default_system`: the rules, or the hybrid
    of rules and adapter), the model alone if spaCy is missing."""
    named = None if adapter == NO_ADAPTER else adapter
    adapter = resolve_adapter(adapter, config.model.spec, model_given)
    prompts = adapter_config(adapter).prompts if adapter else config.prompts

    def model_for(direction: str, loaded: Loaded | None = None) -> ModelConverter:
        loaded = loaded or load_for_conversion(config, adapter, config.serve.dtype, direction)
        return ModelConverter(loaded, prompts, config.generate, model_label(config, adapter), untuned=not adapter)

    model = model_for("b2e")
    # English -> Bliss decodes with PyTorch where Bliss -> English has CTranslate2 (`uses_ctranslate2`): loaded only
    # where a model serves English -> Bliss.
    english_model = (lambda: model) if not is_ctranslate2(model.loaded) else (lambda: model_for("e2b"))
    if model_given:
        return {"e2b": english_model(), "b2e": model}
    try:
        RuleConverter().convert("e2b", RULE_PROBE)
    except (NotImplementedError, NlpError) as err:
        log.warning("the rule converter is not available (%s): the model serves English -> Bliss", err)
        return {"e2b": english_model(), "b2e": model}
    e2b = HybridConverter(english_model()) if default_system(named) == "hybrid" else RuleConverter()
    return {"e2b": e2b, "b2e": EnglishHybridConverter(model) if adapter else model}


# --- the app -------------------------------------------------------------------------------------------------------


@dataclass
class Answer:
    """A sentence's conversion as the batch gives it back: the converter's output and, English -> Bliss, its words as
    symbols (computed for the whole batch at once; None for Bliss -> English or without spaCy)."""

    output: Output
    symbols: list[dict] | None
    acceptable: bool | None = None
    """Bliss -> English: the English is acceptable for the Bliss (evaluation.acceptable); None for English -> Bliss
    or without spaCy."""


class ConvertRequest(BaseModel):
    model_config = ConfigDict(extra="forbid")
    direction: Literal["e2b", "b2e"]
    """e2b: English to Bliss; b2e: Bliss to English."""
    sentences: list[StrictStr]
    """One sentence per item, converted in order."""


class Result(BaseModel):
    input: str
    output: str
    clean_stop: bool
    """The converter ended right after its answer (a model that rambles on is cut off and gets false)."""
    confident: bool | None = None
    """English -> Bliss: false when the rule converter was unsure of the message (see `warnings`); Bliss -> English
    (the hybrid): false when neither the model's English nor the rule realiser's converts back to the Bliss; null
    where no rules checked the answer (a model alone)."""
    acceptable: bool | None = None
    """Bliss -> English: true when the English converts back through the rules to the same Bliss and every word is
    a real English word (docs/compose-set.md); false marks it unsure; null for English -> Bliss or without spaCy."""
    warnings: list[str] = []
    """What made the rule converter unsure (e.g. "punctuation ';' is not covered"); empty when it was sure."""
    symbols: list[SymbolWordModel] | None = None
    """English -> Bliss: the answer's words as Bliss symbols (word, BCI-AV ID, gloss, code), to draw with
    bliss-svg-builder; null for Bliss -> English."""


class ConvertResponse(BaseModel):
    results: list[Result]


class ErrorDetail(BaseModel):
    code: str
    """Stable, for programs: one of the codes in docs/serve.md (`sentence_too_long`, `busy`, ...)."""
    message: str
    """Where and what is wrong, for people."""
    sentence: int | None = None
    """The index of the sentence at fault, where one is."""


class ErrorResponse(BaseModel):
    error: ErrorDetail


ERROR_RESPONSES = {status: {"model": ErrorResponse} for status in (400, 408, 413, 422, 500, 503)}


def create_app(converters: dict[str, Converter], serve: ServeConfig, model: str = "", adapter: str | None = None):
    """The app: `/` (the page), `/healthz`, `POST /v1/convert`, the API's docs at `/docs` and `/redoc` (served from
    the fastapi-offline package, no CDN); behind the front door (hosts, body bounds, security headers, JSON errors)."""

    lanes = converter_lanes(converters, serve)

    @asynccontextmanager
    async def lifespan(app):
        lanes.start()
        yield
        await lanes.stop()

    app = FastAPI(title="babybliss", summary="English <-> Conceptual Bliss sentence structure", lifespan=lifespan,
                  docs_url=None, redoc_url=None)
    app.state.lanes = lanes
    app.mount("/static", StaticFiles(directory=PACKAGE / "static"), name="static")
    app.mount("/apidocs-assets", StaticFiles(directory=api_docs_assets()), name="apidocs-assets")
    app.include_router(symbols_router())
    templates = Jinja2Templates(directory=PACKAGE / "templates")
    systems = {d: converters[d].name for d in DIRECTIONS}
    untuned = {d: bool(getattr(converters[d], "untuned", False)) for d in DIRECTIONS}

    @app.exception_handler(ApiError)
    async def api_error(request: Request, exc: ApiError):
        return JSONResponse(exc.content(), status_code=exc.status, headers=exc.headers)

    @app.exception_handler(RequestValidationError)
    async def invalid(request: Request, exc: RequestValidationError):
        kind = request.headers.get("content-type", "")
        if kind and "json" not in kind.lower():  # FastAPI did not parse the body as JSON, so every field is wrong
            wrong = ApiError("unsupported_media_type", f"the body's content type is {kind!r}; the API takes 'application/json'")
            return JSONResponse(wrong.content(), status_code=wrong.status)
        errors = exc.errors()
        where = [e["loc"][2] for e in errors if tuple(e["loc"][:2]) == ("body", "sentences") and len(e["loc"]) > 2]
        details = {"sentence": where[0]} if where else {}
        return JSONResponse(error_content("invalid_request", validation_message(errors), **details), status_code=422)

    @app.exception_handler(HTTPException)
    async def http_error(request: Request, exc: HTTPException):
        content = error_content(code_for_status(exc.status_code), str(exc.detail))
        return JSONResponse(content, status_code=exc.status_code, headers=exc.headers)

    @app.exception_handler(Exception)
    async def fault(request: Request, exc: Exception):
        log.error("%s %s failed", request.method, request.url.path, exc_info=exc)
        return JSONResponse(error_content("internal_error", "the server failed on this request; it is logged"), 500)

    @app.get("/", response_class=HTMLResponse, include_in_schema=False)
    async def page(request: Request):
        context = {"systems": systems, "untuned": untuned, "max_sentences": serve.max_sentences,
                   "max_chars": serve.max_chars, "markers": list(MARKERS), "symbols_attribution": attribution()}
        return templates.TemplateResponse(request, "index.html", context)

    @app.get("/docs", response_class=HTMLResponse, include_in_schema=False)
    async def swagger_ui(request: Request):
        return templates.TemplateResponse(request, "swagger.html", {"title": app.title})

    @app.get("/redoc", response_class=HTMLResponse, include_in_schema=False)
    async def redoc(request: Request):
        headers = {"content-security-policy": REDOC_CONTENT_SECURITY_POLICY}
        return templates.TemplateResponse(request, "redoc.html", {"title": app.title}, headers=headers)

    @app.get(REDOC_SCRIPT, include_in_schema=False)
    async def redoc_js():
        return Response(redoc_script(), media_type="text/javascript")

    @app.get("/healthz")
    async def healthz():
        waiting = lanes.waiting
        return {"status": "ok", "model": model, "adapter": adapter, "systems": systems,
                "waiting": sum(waiting.values()), "waiting_by_lane": waiting}

    @app.post("/v1/convert", response_model=ConvertResponse, responses=ERROR_RESPONSES)
    async def convert_endpoint(body: ConvertRequest, request: Request):
        sentences = prepare_sentences(body.sentences, serve)
        try:
            answers = await unless_disconnected(request, lanes.submit(body.direction, sentences))
        except ClientGone:
            return JSONResponse(error_content("client_gone", "client disconnected"), status_code=499)
        except QueueFull as err:
            headers = {"Retry-After": str(err.retry_after)}
            raise ApiError("busy", f"the server's {err.lane} lane is busy: {err}; retry later", headers=headers) from None
        except SentenceFailed as failed:
            log.error("sentences[%d] could not be converted", failed.index, exc_info=failed.__cause__)
            raise ApiError(
                "conversion_failed",
                f"sentences[{failed.index}] could not be converted ({type(failed.__cause__).__name__}); the server "
                "logged it. Other requests were not affected; send the other sentences again without this one",
                sentence=failed.index,
            ) from None
        results = [
            Result(input=s, output=a.output.answer, clean_stop=a.output.clean_stop,
                   warnings=a.output.warnings or ([NOT_ACCEPTABLE] if a.acceptable is False else []),
                   confident=a.acceptable if a.output.warnings is None else not a.output.warnings,
                   acceptable=a.acceptable, symbols=a.symbols)
            for s, a in zip(body.sentences, answers)
        ]
        return ConvertResponse(results=results)

    hosts = serve.allowed_hosts + ([serve.host] if serve.host not in ("0.0.0.0", "::") else [])  # its own address
    return RequestLog(FrontDoor(app, hosts, serve.body_timeout_s, max_body_bytes(serve)))


NOT_ACCEPTABLE = "the English does not convert back to this Bliss sentence by the rules, or has a word that is not English"


def acceptable_answers(bliss: list[str], english: list[str]) -> list[bool] | None:
    """Whether each Bliss -> English answer is acceptable (evaluation.acceptable), or None where spaCy is missing.
    Called in the batch's worker thread, like `symbols_of`."""
    from babybliss.evaluation.acceptable import acceptable_many

    try:
        return acceptable_many(bliss, english)
    except (NlpError, NotImplementedError) as err:
        log.warning("no acceptable check: %s", err)
        return None


def converter_lanes(converters: dict[str, Converter], serve: ServeConfig) -> Lanes:
    """The two lanes (`serve.lanes`): English -> Bliss by the rules or the hybrid starts in the rules lane, a
    direction served by a model alone goes to the model lane. Each answer comes with its symbols (English -> Bliss),
    found for the lane's whole batch with one spaCy call."""

    def with_symbols(direction: str, texts: list[str], outputs: list) -> list:
        """Each finished output as an Answer: English -> Bliss with its symbols, Bliss -> English with whether it is
        acceptable (both for the whole batch at once); the rest (NeedsModel) wait for the model."""
        done = [(t, o) for t, o in zip(texts, outputs) if isinstance(o, Output)]
        answers = [o.answer for _, o in done]
        symbols = (symbols_of(answers) if direction == "e2b" and done else None) or [None] * len(done)
        judged = [o.acceptable for _, o in done]
        if None not in judged:  # the hybrid judged every answer already
            checks = judged
        else:
            checks = (acceptable_answers([t for t, _ in done], answers) if direction == "b2e" and done else None) \
                or [None] * len(done)
        found = iter(zip(symbols, checks))
        return [Answer(o, *next(found)) if isinstance(o, Output) else o for o in outputs]

    def first(direction: str, texts: list[str]) -> list:
        converter = converters[direction]
        by_rules = converter.by_rules(texts) if isinstance(converter, HybridConverter) else converter.convert(direction, texts)
        return with_symbols(direction, texts, by_rules)

    def finish(direction: str, pending: list[NeedsModel]) -> list[Answer]:
        hybrid = converters[direction]
        texts = [p.text for p in pending]
        by_model = hybrid.model.convert(direction, texts)
        return with_symbols(direction, texts, [hybrid.settle(p, m) for p, m in zip(pending, by_model)])

    def model(direction: str, texts: list[str]) -> list[Answer]:
        return with_symbols(direction, texts, converters[direction].convert(direction, texts))

    lane_of = {d: RULES if isinstance(c, (RuleConverter, HybridConverter)) else MODEL for d, c in converters.items()}
    sizes = LaneSizes(serve.batch_window_ms / 1000, serve.max_batch, serve.rules_queue_size, serve.queue_size)
    return Lanes(lane_of, first, finish, model, lambda answer: isinstance(answer, NeedsModel), sizes)


def max_body_bytes(serve: ServeConfig) -> int:
    """The largest body a valid request can need: every sentence at the longest, each character JSON-escaped
    (`\\uXXXX`, 6 bytes), plus room for the rest of the JSON."""
    return serve.max_sentences * (serve.max_chars * 6 + 8) + 1024


class ClientGone(Exception):
    """The client closed the connection before its answer was ready."""


async def unless_disconnected(request, work):
    """Await `work`, but cancel it (its sentences leave the queue) if the client disconnects first."""
    import asyncio

    async def gone():
        while (await request.receive())["type"] != "http.disconnect":
            pass

    task, watch = asyncio.ensure_future(work), asyncio.ensure_future(gone())
    try:
        await asyncio.wait({task, watch}, return_when=asyncio.FIRST_COMPLETED)
    finally:
        watch.cancel()
    if not task.done():
        task.cancel()
        raise ClientGone
    return task.result()


def prepare_sentences(sentences: list[str], serve: ServeConfig) -> list[str]:
    """The sentences as the converters get them (NFC, outer spaces stripped), checked before they join a batch:
    ApiError names the first sentence no converter could take."""
    if not sentences:
        raise ApiError("no_sentences", "sentences: the list is empty; send at least one sentence")
    if len(sentences) > serve.max_sentences:
        raise ApiError(
            "too_many_sentences",
            f"sentences: {len(sentences)} sentences, more than the limit of {serve.max_sentences} per request",
        )
    prepared = []
    for i, sentence in enumerate(sentences):
        if not sentence.strip():
            raise ApiError("empty_sentence", f"sentences[{i}] is empty", sentence=i)
        if len(sentence) > serve.max_chars:
            raise ApiError(
                "sentence_too_long",
                f"sentences[{i}] has {len(sentence)} characters, more than the limit of {serve.max_chars}",
                sentence=i,
            )
        if "\n" in sentence or "\r" in sentence:
            raise ApiError(
                "line_break", f"sentences[{i}] contains a line break; send each sentence as its own list item", sentence=i
            )
        bad = next((c for c in sentence if unicodedata.category(c) in ("Cs", "Cc") and c != "\t"), None)
        if bad is not None:
            what = "half of a UTF-16 surrogate pair, not a character" if unicodedata.category(bad) == "Cs" else "a control character"
            raise ApiError(
                "not_text",
                f"sentences[{i}] holds U+{ord(bad):04X} at character {sentence.index(bad)}, {what}: send plain text",
                sentence=i,
            )
        prepared.append(unicodedata.normalize("NFC", sentence.strip()))
    return prepared


def validation_message(errors) -> str:
    """FastAPI's validation errors as one line: `where: what is wrong`."""
    parts = []
    for error in errors:
        if error["type"] == "json_invalid":
            parts.append(f"the body is not valid JSON ({error.get('ctx', {}).get('error', 'cannot parse')})")
            continue
        where = "".join(f"[{p}]" if isinstance(p, int) else f".{p}" for p in error["loc"][1:]).lstrip(".") or "body"
        parts.append(f"{where}: {error['msg']}")
    return "; ".join(parts)


class RequestLog:
    """ASGI middleware: one log line per HTTP request (method, path, status, seconds); the app's attributes show
    through (`app.state`)."""

    def __init__(self, app):
        self.app = app

    def __getattr__(self, name):
        return getattr(self.app, name)

    async def __call__(self, scope, receive, send):
        if scope["type"] != "http":
            return await self.app(scope, receive, send)
        start, status = time.perf_counter(), [0]

        async def send_status(message):
            if message["type"] == "http.response.start":
                status[0] = message["status"]
            await send(message)

        try:
            await self.app(scope, receive, send_status)
        finally:
            log.info("%s %s %d %.3f s", scope["method"], scope["path"], status[0], time.perf_counter() - start)


def run_serve(config: Config, adapter: str | None, model_given: bool) -> None:
    """Load once, then serve until stopped."""
    import uvicorn

    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(message)s")
    if config.serve.threads:
        import torch

        torch.set_num_threads(config.serve.threads)
    converters = choose_converters(config, adapter, model_given)
    adapter = resolve_adapter(adapter, config.model.spec, model_given)
    spec = adapter_config(adapter).model.spec if adapter else config.model.spec
    app = create_app(converters, config.serve, spec, adapter)
    for direction, converter in converters.items():
        converter.convert(direction, RULE_PROBE)  # warm-up: the first request does not pay for it
        log.info("%s: %s", direction, converter.name)
    acceptable_answers(RULE_PROBE, RULE_PROBE)  # the check's word lists load once, before the first answer
    gc.freeze()  # what is loaded lives as long as the server: the collector's full passes skip it from now on
    log.info("serving on http://%s:%d (stop with Ctrl+C)", config.serve.host, config.serve.port)
    uvicorn.run(app, **uvicorn_options(config.serve))


def uvicorn_options(serve: ServeConfig) -> dict:
    """uvicorn's settings: h11 with a header deadline (`serve.header_timeout_s`) and JSON for malformed requests
    (`front_door.guarded_protocol`), no WebSocket (an upgrade request is answered by the app like any other, not by
    uvicorn's plain-text 403), idle keep-alive closed after 5 s."""
    return dict(host=serve.host, port=serve.port, http=guarded_protocol(serve.header_timeout_s), ws="none",
                timeout_keep_alive=5, access_log=False, log_level="warning")
