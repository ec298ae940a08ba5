"""The server's front door: allowed hosts, security headers, JSON errors that keep the connection, header and body
deadlines (a real uvicorn on 127.0.0.1 where sockets matter), and the API docs served from a package."""

from __future__ import annotations

import http.client
import socket
import time

import pytest
from conftest import running_server
from fastapi.testclient import TestClient

from babybliss.cli.commands import build_parser
from babybliss.config import ServeConfig
from babybliss.convert.generate import Output
from babybliss.serve import app as serve
from babybliss.serve.front_door import host_name, timed_headers_protocol

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
    with running_server(app, http=timed_headers_protocol(TIMEOUT_S)) as port:
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
        for path, assets in [("/docs", ["swagger-ui-bundle.js", "swagger-ui.css"]), ("/redoc", ["redoc.standalone.js"])]:
            page = client.get(path).text
            assert "http://" not in page and "https://" not in page and "<script>" not in page
            for asset in assets:
                assert f"apidocs-assets/{asset}" in page
                assert client.get(f"/apidocs-assets/{asset}").status_code == 200
        assert client.get("/openapi.json").json()["paths"]["/v1/convert"]


def test_the_openapi_schema_gives_the_error_shape():
    with TestClient(make_app(), base_url="http://localhost") as client:
        schema = client.get("/openapi.json").json()
    responses = schema["paths"]["/v1/convert"]["post"]["responses"]
    for status in ("400", "408", "413", "422", "500", "503"):
        assert responses[status]["content"]["application/json"]["schema"]["$ref"].endswith("/ErrorResponse")
    assert set(schema["components"]["schemas"]["ErrorDetail"]["properties"]) == {"code", "message", "sentence"}
