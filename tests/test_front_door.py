"""The server's front door: allowed hosts, security headers, JSON errors that keep the connection, header and body
deadlines (a real uvicorn on 127.0.0.1 where sockets matter), and the API docs served from a package."""

from __future__ import annotations

import http.client
import json
import socket
import time

import pytest
from conftest import running_server
from fastapi.testclient import TestClient

from babybliss.cli.commands import build_parser
from babybliss.config import ServeConfig
from babybliss.convert.generate import Output
from babybliss.serve import app as serve
from babybliss.serve.front_door import host_name, guarded_protocol

TIMEOUT_S = 0.5


class Echo:
    name = "echo"

    def convert(self, direction, sentences):
        if any("poison" in s for s in sentences):
            raise ValueError("the tokenizer cannot read this")
        return [Output(f"present:{s}", True, "") for s in sentences]


def make_app(**serve_settings):
    converter = Echo()
    return serve.create_app({"e2b": converter, "b2e": converter}, ServeConfig(**serve_settings), "echo")


@pytest.fixture(scope="module")
def port():
    app = make_app(header_timeout_s=TIMEOUT_S, body_timeout_s=TIMEOUT_S)
    with running_server(app, http=guarded_protocol(TIMEOUT_S)) as port:
        yield port


def read_until_closed(sock: socket.socket, seconds: float) -> tuple[bytes, float]:
    """What the server sends until it closes the connection, and when it closed (seconds from now)."""
    start, data = time.monotonic(), b""
    sock.settimeout(seconds)
    while True:
        chunk = sock.recv(65536)
        if not chunk:
            return data, time.monotonic() - start
        data += chunk


@pytest.mark.parametrize("path", ["/", "/static/serve.js", "/healthz", "/docs", "/no/such/page", "/v1/convert"])
def test_every_response_carries_the_security_headers(path):
    with TestClient(make_app(), base_url="http://localhost") as client:
        response = client.get(path)
    csp = response.headers["content-security-policy"]
    assert "script-src 'self';" in csp and "style-src 'self';" in csp and "unsafe" not in csp
    assert "frame-ancestors 'none'" in csp and response.headers["x-frame-options"] == "DENY"
    assert response.headers["x-content-type-options"] == "nosniff"


@pytest.mark.parametrize("host", ["localhost", "localhost:8000", "127.0.0.1:8000", "[::1]:8000", "LOCALHOST"])
def test_localhost_names_are_served(host):
    with TestClient(make_app(), base_url="http://localhost") as client:
        assert client.get("/healthz", headers={"host": host}).status_code == 200


@pytest.mark.parametrize("host", ["evil.example", "evil.example:8000", "127.0.0.1.evil.example", ""])
def test_other_hosts_are_refused_as_json(host):
    with TestClient(make_app(), base_url="http://localhost") as client:
        response = client.get("/", headers={"host": host})
    assert response.status_code == 400
    error = response.json()["error"]
    assert error["code"] == "host_not_allowed" and "--allow-host" in error["message"]
    assert response.headers["x-frame-options"] == "DENY"


def test_allow_host_adds_a_name_and_the_bound_address_is_allowed():
    args = build_parser().parse_args(["serve", "--allow-host", "bliss.clinic.lan", "--allow-host", "10.0.0.5"])
    assert args.allow_host == ["bliss.clinic.lan", "10.0.0.5"]
    app = make_app(allowed_hosts=["localhost", "bliss.clinic.lan"], host="192.168.1.20")
    with TestClient(app, base_url="http://localhost") as client:
        assert client.get("/healthz", headers={"host": "bliss.clinic.lan"}).status_code == 200
        assert client.get("/healthz", headers={"host": "192.168.1.20:8000"}).status_code == 200
        assert client.get("/healthz", headers={"host": "127.0.0.1"}).status_code == 400


def test_host_name_parsing():
    def scope(value):
        return {"headers": [(b"host", value)]}

    assert host_name(scope(b"Example.ORG:80")) == "example.org"
    assert host_name(scope(b"[::1]:8000")) == "::1"
    assert host_name({"headers": []}) == ""


def test_a_failed_conversion_is_a_json_500_and_the_connection_goes_on(port):
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=10)
    headers = {"content-type": "application/json", "host": "localhost"}
    connection.request("POST", "/v1/convert", body=b'{"direction": "e2b", "sentences": ["poison"]}', headers=headers)
    failed = connection.getresponse()
    body = failed.read()
    assert failed.status == 500 and failed.getheader("content-type") == "application/json"
    assert b'"code": "conversion_failed"' in body or b'"code":"conversion_failed"' in body
    first_socket = connection.sock
    assert first_socket is not None  # the server did not close the connection
    connection.request("POST", "/v1/convert", body=b'{"direction": "e2b", "sentences": ["We go."]}', headers=headers)
    ok = connection.getresponse()
    assert ok.status == 200 and b"present:We go." in ok.read()
    assert connection.sock is first_socket  # the same connection served the next request
    connection.close()


def test_slow_headers_get_408_and_the_connection_is_closed(port):
    with socket.create_connection(("127.0.0.1", port)) as sock:
        sock.sendall(b"GET /healthz HTTP/1.1\r\nHost: localhost\r\n")
        start = time.monotonic()
        try:
            for i in range(20):  # one header line every 0.1 s, never the end of the headers
                time.sleep(0.1)
                sock.sendall(b"X-Slow-%d: 1\r\n" % i)
        except (BrokenPipeError, ConnectionResetError):
            pass
        data, _ = read_until_closed(sock, 5)
        closed_after = time.monotonic() - start
    assert data.startswith(b"HTTP/1.1 408 ") and b'"code": "timeout"' in data
    assert closed_after < TIMEOUT_S + 2.5


def test_a_connection_that_sends_nothing_is_closed(port):
    with socket.create_connection(("127.0.0.1", port)) as sock:
        data, closed_after = read_until_closed(sock, 5)
    assert data.startswith(b"HTTP/1.1 408 ") and closed_after < TIMEOUT_S + 1


def test_a_slow_body_gets_408(port):
    with socket.create_connection(("127.0.0.1", port)) as sock:
        head = b"POST /v1/convert HTTP/1.1\r\nHost: localhost\r\nContent-Type: application/json\r\nContent-Length: 200\r\n\r\n"
        sock.sendall(head + b'{"direction": "e2b", ')
        data, closed_after = read_until_closed(sock, 5)
    assert data.startswith(b"HTTP/1.1 408 ") and b'"code":"timeout"' in data.replace(b" ", b"")
    assert closed_after < TIMEOUT_S + 1.5


def test_a_prompt_client_on_a_kept_connection_is_not_cut_off(port):
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=10)
    for _ in range(3):  # three requests, with pauses longer than the header deadline between them
        connection.request("GET", "/healthz", headers={"host": "localhost"})
        response = connection.getresponse()
        assert response.status == 200 and response.read()
        time.sleep(TIMEOUT_S * 1.5)
    connection.close()


def test_the_api_docs_are_served_from_a_package_with_no_cdn():
    with TestClient(make_app(), base_url="http://localhost") as client:
        for path, assets in [("/docs", ["apidocs-assets/swagger-ui-bundle.js", "apidocs-assets/swagger-ui.css"]),
                             ("/redoc", ["apidocs/redoc.standalone.js"])]:
            page = client.get(path).text
            assert "http://" not in page and "https://" not in page and "<script>" not in page
            for asset in assets:
                assert asset in page
                assert client.get(f"/{asset}").status_code == 200
        redoc = client.get("/apidocs/redoc.standalone.js")
        assert redoc.headers["content-type"].startswith("text/javascript") and "cdn.redoc.ly" not in redoc.text
        assert client.get("/openapi.json").json()["paths"]["/v1/convert"]


def test_the_openapi_schema_gives_the_error_shape():
    with TestClient(make_app(), base_url="http://localhost") as client:
        schema = client.get("/openapi.json").json()
    responses = schema["paths"]["/v1/convert"]["post"]["responses"]
    for status in ("400", "408", "413", "422", "500", "503"):
        assert responses[status]["content"]["application/json"]["schema"]["$ref"].endswith("/ErrorResponse")
    assert set(schema["components"]["schemas"]["ErrorDetail"]["properties"]) == {"code", "message", "sentence"}


# --- every response at the front door, the HTTP layer's own included ------------------------------------------------


def raw_exchange(port: int, request: bytes) -> tuple[int, dict[str, str], bytes]:
    """Send `request` as bytes on a new connection; the status, headers (lower-cased names) and body of the answer,
    read until the server closes the connection."""
    with socket.create_connection(("127.0.0.1", port)) as sock:
        try:
            sock.sendall(request)
        except (BrokenPipeError, ConnectionResetError):
            pass  # the server answered and closed before taking it all (the 1 MB header)
        data = b""
        sock.settimeout(5)
        try:
            while chunk := sock.recv(65536):
                data += chunk
        except ConnectionResetError:
            pass
    head, _, body = data.partition(b"\r\n\r\n")
    status_line, *lines = head.decode("latin-1").split("\r\n")
    headers = {name.strip().lower(): value.strip() for name, value in (line.split(":", 1) for line in lines)}
    return int(status_line.split()[1]), headers, body


MALFORMED = [
    ("a garbage request line", b"\x16\x03\x01 hello\r\n\r\n", 400, "malformed_request", "illegal request line"),
    ("two Host headers", b"GET /healthz HTTP/1.1\r\nHost: localhost\r\nHost: localhost\r\n\r\n", 400,
     "malformed_request", "multiple Host"),
    ("a header line without a colon", b"GET /healthz HTTP/1.1\r\nHost: localhost\r\nNoColonHere\r\n\r\n", 400,
     "malformed_request", "illegal header line"),
    ("a 1 MB header", b"GET /healthz HTTP/1.1\r\nHost: localhost\r\nX-Big: " + b"a" * (1 << 20) + b"\r\n\r\n", 431,
     "headers_too_large", "16 KiB"),
    ("a negative Content-Length", b"POST /v1/convert HTTP/1.1\r\nHost: localhost\r\nContent-Length: -5\r\n\r\n", 400,
     "malformed_request", "bad Content-Length"),
    ("no Host header", b"GET /healthz HTTP/1.1\r\n\r\n", 400, "malformed_request", "Host"),
]


@pytest.mark.parametrize("request_bytes,status,code,message", [m[1:] for m in MALFORMED], ids=[m[0] for m in MALFORMED])
def test_a_malformed_request_gets_json_with_the_security_headers(port, request_bytes, status, code, message):
    got, headers, body = raw_exchange(port, request_bytes)
    assert got == status and headers["content-type"] == "application/json" and headers["connection"] == "close"
    assert headers["x-frame-options"] == "DENY" and headers["x-content-type-options"] == "nosniff"
    assert "script-src 'self'" in headers["content-security-policy"] and headers["referrer-policy"] == "no-referrer"
    error = json.loads(body)["error"]
    assert error["code"] == code and message in error["message"]
    assert int(headers["content-length"]) == len(body)


def test_the_server_answers_well_formed_requests_after_malformed_ones(port):
    raw_exchange(port, MALFORMED[0][1])
    status, _, body = raw_exchange(port, b"GET /healthz HTTP/1.1\r\nHost: localhost\r\nConnection: close\r\n\r\n")
    assert status == 200 and json.loads(body)["status"] == "ok"


def test_a_websocket_upgrade_is_answered_by_the_app_in_the_one_shape():
    options = {k: v for k, v in serve.uvicorn_options(ServeConfig()).items() if k not in ("host", "port", "log_level")}
    with running_server(make_app(), **options) as ws_port:  # as `babybliss serve` runs uvicorn
        status, headers, body = raw_exchange(ws_port, b"GET /nowhere HTTP/1.1\r\nHost: localhost\r\nConnection: Upgrade\r\n"
                                             b"Upgrade: websocket\r\nSec-WebSocket-Version: 13\r\n"
                                             b"Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\nConnection: close\r\n\r\n")
    assert status == 404 and json.loads(body)["error"]["code"] == "not_found" and headers["x-frame-options"] == "DENY"


@pytest.mark.parametrize("path", ["/", "/healthz", "/static/serve.js", "/docs", "/redoc", "/openapi.json",
                                  "/apidocs/redoc.standalone.js", "/v1/symbols?q=lake", "/no/such/page"])
def test_head_answers_wherever_get_does(port, path):
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=10)
    connection.request("GET", path, headers={"host": "localhost"})
    got = connection.getresponse()
    body = got.read()
    connection.request("HEAD", path, headers={"host": "localhost"})
    head = connection.getresponse()
    assert head.read() == b"" and head.status == got.status and head.getheader("content-type") == got.getheader("content-type")
    assert head.getheader("content-length") == str(len(body)) or got.getheader("content-length") is None
    assert head.getheader("x-frame-options") == "DENY"
    connection.close()


@pytest.mark.parametrize("kind", ["text/plain", "application/x-www-form-urlencoded", "multipart/form-data; boundary=x"])
def test_a_wrong_content_type_is_named_with_the_one_wanted(kind):
    with TestClient(make_app(), base_url="http://localhost") as client:
        response = client.post("/v1/convert", content=b'{"direction": "e2b", "sentences": ["Hi."]}',
                               headers={"content-type": kind})
    assert response.status_code == 415
    error = response.json()["error"]
    assert error["code"] == "unsupported_media_type" and repr(kind) in error["message"] and "'application/json'" in error["message"]
