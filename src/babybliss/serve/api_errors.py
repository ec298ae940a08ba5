"""The one shape of every error the server answers: `{"error": {"code": CODE, "message": TEXT, ...}}` (docs/serve.md).

`code` is one of CODES, stable for programs (the page words its messages from it); `message` names where and what
is wrong; a sentence's error also has `sentence`, its index in the request.
"""

from __future__ import annotations

import json

CODES = {
    "invalid_request": (422, "the body is not UTF-8 JSON, or a field is missing, unknown or of the wrong type"),
    "no_sentences": (422, "`sentences` is an empty list"),
    "empty_sentence": (422, "a sentence is empty or only spaces"),
    "line_break": (422, "a sentence holds a line break: send each sentence as its own item"),
    "not_text": (422, "a sentence holds a lone surrogate or a control character, which no converter can read"),
    "too_many_sentences": (413, "more sentences than `serve.max_sentences`"),
    "sentence_too_long": (413, "a sentence longer than `serve.max_chars` characters"),
    "body_too_large": (413, "a body larger than the most sentences of the longest length could need"),
    "host_not_allowed": (400, "the `Host` header names a host not in `serve.allowed_hosts` (`--allow-host` adds one)"),
    "malformed_request": (400, "not HTTP/1.1 (a garbage request line, a header line without a colon, two `Host` headers, a bad "
                          "`Content-Length`, ...): answered by the protocol layer, which closes the connection"),
    "headers_too_large": (431, "the request line and headers are over 16 KiB (h11's bound); the connection is closed"),
    "unsupported_media_type": (415, "the body's `Content-Type` is not JSON"),
    "not_found": (404, "no such page or file"),
    "method_not_allowed": (405, "the path exists, the method does not"),
    "timeout": (408, "the headers or the body came slower than `serve.header_timeout_s` / `serve.body_timeout_s`"),
    "renderer_missing": (503, "the symbol renderer is not installed (`make setup` runs `npm ci`)"),
    "busy": (503, "the lane the request needs is full (`serve.rules_queue_size` or `serve.queue_size`): retry after "
                  "`Retry-After` seconds"),
    "client_gone": (499, "the client closed the connection before its answer (only in the server's log)"),
    "conversion_failed": (500, "the converter failed on this sentence (the others in its batch were converted)"),
    "internal_error": (500, "a fault in the server; it is logged"),
}
"""code -> (HTTP status, when it is answered)."""


class ApiError(Exception):
    """An error answered as JSON in the one shape; `details` join `code` and `message` (e.g. `sentence=2`)."""

    def __init__(self, code: str, message: str, headers: dict[str, str] | None = None, **details):
        super().__init__(message)
        self.status = CODES[code][0]
        self.code = code
        self.message = message
        self.headers = headers or {}
        self.details = details

    def content(self) -> dict:
        return error_content(self.code, self.message, **self.details)


def error_content(code: str, message: str, **details) -> dict:
    return {"error": {"code": code, "message": message, **details}}


def error_bytes(code: str, message: str, **details) -> bytes:
    """The error body for places below FastAPI (raw ASGI or the HTTP protocol)."""
    return json.dumps(error_content(code, message, **details)).encode()


def code_for_status(status: int) -> str:
    """The code for an error FastAPI or Starlette raised with only a status (404 for an unknown path, ...)."""
    known = {404: "not_found", 405: "method_not_allowed", 408: "timeout", 413: "body_too_large", 503: "busy"}
    return known.get(status, "internal_error" if status >= 500 else "invalid_request")
