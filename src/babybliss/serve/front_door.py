"""What every request passes before the app, and what every response leaves with.

`FrontDoor` (ASGI middleware): the `Host` header must name an allowed host (DNS rebinding against a server on
127.0.0.1 is refused); the body is read whole, within a size bound and a deadline, and must be UTF-8; every response
gets the security headers; any fault becomes a JSON error in the one shape and the connection stays usable; `HEAD`
is answered wherever `GET` is.
`guarded_protocol`: uvicorn's HTTP/1.1 protocol with a deadline for a request's line and headers (uvicorn itself
has none: a client sending one header line every few seconds would hold a connection for as long as it liked), and
JSON with the security headers where uvicorn answers a malformed request itself.
"""

from __future__ import annotations

import asyncio
import logging
import time

from babybliss.serve.api_errors import ApiError, error_bytes

log = logging.getLogger("babybliss.serve.front_door")

CONTENT_SECURITY_POLICY = (
    "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self' data:; connect-src 'self'; "
    "font-src 'self'; base-uri 'none'; form-action 'self'; frame-ancestors 'none'"
)
"""Only the server's own scripts, styles, images and API; no inline script or style; never inside a frame."""
REDOC_CONTENT_SECURITY_POLICY = CONTENT_SECURITY_POLICY.replace(
    "style-src 'self';", "style-src 'self' 'unsafe-inline'; worker-src blob:;"
)
"""ReDoc (on /redoc only) writes its styles inline and searches in a worker; scripts are still only the server's."""
SECURITY_HEADERS = [
    (b"content-security-policy", CONTENT_SECURITY_POLICY.encode()),
    (b"x-content-type-options", b"nosniff"),
    (b"x-frame-options", b"DENY"),
    (b"referrer-policy", b"no-referrer"),
]


def host_name(scope) -> str:
    """The `Host` header's name, port aside and lower-cased ('' when absent); `[::1]:8000` -> `::1`."""
    raw = next((value for key, value in scope["headers"] if key == b"host"), b"").decode("latin-1").strip().lower()
    if raw.startswith("["):
        return raw[1 : raw.find("]")] if "]" in raw else raw
    return raw.rsplit(":", 1)[0] if raw.count(":") == 1 else raw


class FrontDoor:
    """ASGI middleware: allowed hosts, a bounded and timed UTF-8 body, security headers, JSON errors."""

    def __init__(self, app, allowed_hosts: list[str], body_timeout_s: float, max_body_bytes: int):
        self.app = app
        self.allowed_hosts = {h.strip().lower().strip("[]") for h in allowed_hosts}
        self.body_timeout_s = body_timeout_s
        self.max_body_bytes = max_body_bytes

    def __getattr__(self, name):
        return getattr(self.app, name)

    async def __call__(self, scope, receive, send):
        if scope["type"] != "http":
            return await self.app(scope, receive, send)
        started = False
        head = scope["method"] == "HEAD"
        if head:  # answered wherever GET is, as GET's headers without its body
            scope = {**scope, "method": "GET"}

        async def send_secured(message):
            nonlocal started
            if message["type"] == "http.response.start":
                started = True
                own = {key.lower() for key, _ in message.get("headers", [])}
                extra = [(key, value) for key, value in SECURITY_HEADERS if key not in own]
                message = {**message, "headers": [*message.get("headers", []), *extra]}
            elif message["type"] == "http.response.body" and head:
                message = {**message, "body": b""}
            await send(message)

        try:
            self.check_host(scope)
            body = await self.read_body(scope, receive)
            if body is None:
                return  # the client left while sending its body
            await self.app(scope, replay(body, receive), send_secured)
        except ApiError as err:
            if not started:
                await send_error(send_secured, err)
        except Exception:
            log.exception("%s %s failed", scope["method"], scope["path"])
            if not started:
                await send_error(send_secured, ApiError("internal_error", "the server failed on this request; it is logged"))
            # else the app already answered (FastAPI's handler sends the JSON 500, then re-raises): the connection
            # stays open for the client's next request instead of being dropped

    def check_host(self, scope) -> None:
        if "*" in self.allowed_hosts:
            return
        name = host_name(scope)
        if name not in self.allowed_hosts:
            raise ApiError(
                "host_not_allowed",
                f"host {name or '(none)'!r} is not served here; the server answers {', '.join(sorted(self.allowed_hosts))}"
                " (start it with --allow-host NAME to add one)",
            )

    async def read_body(self, scope, receive) -> bytes | None:
        """The whole body (None if the client disconnected), within `max_body_bytes` and `body_timeout_s`."""
        length = next((value for key, value in scope["headers"] if key == b"content-length"), None)
        if length is not None and length.isdigit() and int(length) > self.max_body_bytes:
            raise too_large(int(length), self.max_body_bytes)
        deadline = time.monotonic() + self.body_timeout_s
        chunks, size = [], 0
        while True:
            try:
                message = await asyncio.wait_for(receive(), max(0.0, deadline - time.monotonic()))
            except TimeoutError:
                raise ApiError(
                    "timeout",
                    f"the body did not arrive within {self.body_timeout_s:g} s",
                    headers={"connection": "close"},
                ) from None
            if message["type"] == "http.disconnect":
                return None
            chunk = message.get("body", b"")
            size += len(chunk)
            if size > self.max_body_bytes:
                raise too_large(size, self.max_body_bytes)
            chunks.append(chunk)
            if not message.get("more_body", False):
                break
        body = b"".join(chunks)
        if body and is_json(scope):
            try:
                body.decode("utf-8")
            except UnicodeDecodeError as err:
                raise ApiError(
                    "invalid_request",
                    f"the body is not UTF-8 text (byte 0x{body[err.start]:02x} at offset {err.start}): send JSON as UTF-8",
                ) from None
        return body


def too_large(size: int, limit: int) -> ApiError:
    return ApiError(
        "body_too_large", f"the body has {size} bytes, more than {limit}: send fewer or shorter sentences",
        headers={"connection": "close"},
    )


def is_json(scope) -> bool:
    """FastAPI parses a body as JSON when its type is JSON or not given."""
    kind = next((value for key, value in scope["headers"] if key == b"content-type"), b"").decode("latin-1").lower()
    return not kind or "json" in kind


def replay(body: bytes, receive):
    """A `receive` that gives the body read up front once, then the client's own events (its disconnect)."""
    sent = False

    async def replayed():
        nonlocal sent
        if not sent:
            sent = True
            return {"type": "http.request", "body": body, "more_body": False}
        return await receive()

    return replayed


async def send_error(send, err: ApiError) -> None:
    body = error_bytes(err.code, err.message, **err.details)
    headers = [(b"content-type", b"application/json"), (b"content-length", str(len(body)).encode())]
    headers += [(key.encode(), value.encode()) for key, value in err.headers.items()]
    await send({"type": "http.response.start", "status": err.status, "headers": headers})
    await send({"type": "http.response.body", "body": body})


def raw_error(status: int, reason: str, err: ApiError) -> bytes:
    """A whole HTTP/1.1 error response in the one shape, with the security headers, that closes the connection:
    for the protocol layer, which answers below the app."""
    body = error_bytes(err.code, err.message, **err.details)
    return (
        b"HTTP/1.1 %d %s\r\ncontent-type: application/json\r\nconnection: close\r\n" % (status, reason.encode())
        + b"content-length: %d\r\n" % len(body)
        + b"".join(b"%s: %s\r\n" % pair for pair in SECURITY_HEADERS)
        + b"\r\n"
        + body
    )


def guarded_protocol(header_timeout_s: float) -> type:
    """uvicorn's h11 protocol class, with what uvicorn lacks at the front door:
    - a deadline of `header_timeout_s` from a request's first byte (or the connection's opening) to the end of its
      headers; past it the client gets 408 and the connection is closed;
    - the answer to a request that is not HTTP/1.1 (a garbage request line, a header line without a colon, two
      `Host` headers, a bad `Content-Length`, headers over h11's 16 KiB): uvicorn's own is a plain-text 400 with no
      security headers; this one is JSON in the one shape (`malformed_request` 400, `headers_too_large` 431), with
      them, and names what h11 found wrong. The connection is closed, as uvicorn does: the stream cannot be trusted.
    Both through uvicorn's extension point, the `http` protocol class (`uvicorn.run(http=...)`)."""
    import h11
    from uvicorn.protocols.http.h11_impl import H11Protocol

    timeout_response = raw_error(
        408, "Request Timeout", ApiError("timeout", f"the request's headers did not arrive within {header_timeout_s:g} s")
    )

    class GuardedProtocol(H11Protocol):
        header_timer: asyncio.TimerHandle | None = None
        protocol_error: h11.RemoteProtocolError | None = None

        def connection_made(self, transport):
            super().connection_made(transport)
            self.arm_header_timer()
            next_event = self.conn.next_event

            def remembering_next_event():  # uvicorn drops h11's reason: keep it for the answer
                try:
                    return next_event()
                except h11.RemoteProtocolError as err:
                    self.protocol_error = err
                    raise

            self.conn.next_event = remembering_next_event

        def data_received(self, data: bytes) -> None:
            super().data_received(data)
            if self.conn.their_state is h11.IDLE:  # a request has begun but its headers are not all in
                self.arm_header_timer()
            else:
                self.disarm_header_timer()

        def connection_lost(self, exc):
            self.disarm_header_timer()
            super().connection_lost(exc)

        def send_400_response(self, msg: str) -> None:
            self.disarm_header_timer()
            if self.conn.our_state in (h11.IDLE, h11.SEND_RESPONSE) and not self.transport.is_closing():
                self.transport.write(protocol_error_response(self.protocol_error))
            self.transport.close()

        def arm_header_timer(self) -> None:
            if self.header_timer is None:
                self.header_timer = self.loop.call_later(header_timeout_s, self.headers_too_slow)

        def disarm_header_timer(self) -> None:
            if self.header_timer is not None:
                self.header_timer.cancel()
                self.header_timer = None

        def headers_too_slow(self) -> None:
            self.header_timer = None
            if not self.transport.is_closing():
                log.info("closed a connection whose headers took over %g s", header_timeout_s)
                self.transport.write(timeout_response)
                self.transport.close()

    return GuardedProtocol


def protocol_error_response(err) -> bytes:
    """The answer to a request h11 could not read (`err`, its RemoteProtocolError; None if unknown)."""
    reason = str(err) if err is not None else "unreadable request"
    reason = reason if len(reason) <= 200 else reason[:200] + "…"  # h11 quotes the bad line: not all of it
    if err is not None and err.error_status_hint == 431:
        return raw_error(431, "Request Header Fields Too Large", ApiError(
            "headers_too_large", "the request line and headers are larger than 16 KiB: send shorter headers"))
    return raw_error(400, "Bad Request", ApiError(
        "malformed_request", f"the request is not valid HTTP/1.1 ({reason}); the connection is closed"))
