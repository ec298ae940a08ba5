"""`babybliss serve`: the HTTP API under FastAPI's TestClient, the batcher, and the choice of converters."""

from __future__ import annotations

import asyncio
import dataclasses
import threading
import time
from concurrent.futures import ThreadPoolExecutor

import pytest
from fastapi.testclient import TestClient

from babybliss.serve import app as serve
from babybliss.serve.batching import Batcher, QueueFull
from babybliss.cli.commands import build_parser
from babybliss.config import ConfigError, GenerateConfig, ServeConfig, load_config
from babybliss.convert.generate import Output
from babybliss.grammar.nlp import NlpError


class Tagged:
    """A stand-in converter whose answer shows its input (the tiny model answers '' to everything)."""

    name = "tagged"

    def __init__(self, gate: threading.Event | None = None):
        self.calls: list[list[str]] = []
        self.gate = gate

    def convert(self, direction, sentences):
        self.calls.append(list(sentences))
        if self.gate is not None:
            assert self.gate.wait(10)
        return [Output(f"present:{direction} {s}", True, "") for s in sentences]


def local_client(app):
    """A TestClient addressing `localhost` (the server answers only its allowed host names)."""
    return TestClient(app, base_url="http://localhost")


def wait_until(condition, seconds: float = 5.0) -> None:
    end = time.monotonic() + seconds
    while not condition():
        assert time.monotonic() < end, "timed out"
        time.sleep(0.005)


@pytest.fixture(scope="module")
def tiny_converters():
    return serve.choose_converters(load_config(None, ["model.spec=tiny", "generate.max_new_tokens=8"]), None, True)


@pytest.fixture(scope="module")
def tiny_client(tiny_converters):
    app = serve.create_app(tiny_converters, ServeConfig(max_sentences=4, max_chars=40), "tiny")
    with local_client(app) as client:
        yield client


BAD_BODIES = [
    (b"not json", 422, "invalid_request", "not valid JSON"),
    (b'["a list"]', 422, "invalid_request", "body"),
    (b'{"sentences": ["Hi."]}', 422, "invalid_request", "direction: Field required"),
    (b'{"direction": "e2b"}', 422, "invalid_request", "sentences: Field required"),
    (b'{"direction": "e2x", "sentences": ["Hi."]}', 422, "invalid_request", "direction: Input should be 'e2b' or 'b2e'"),
    (b'{"direction": "e2b", "sentences": ["Hi."], "speed": 2}', 422, "invalid_request", "speed: Extra inputs"),
    (b'{"direction": "e2b", "sentences": "Hi."}', 422, "invalid_request", "sentences: Input should be a valid list"),
    (b'{"direction": "e2b", "sentences": ["Hi.", 3]}', 422, "invalid_request", "sentences[1]: Input should be a valid string"),
    (b'{"direction": "e2b", "sentences": []}', 422, "no_sentences", "the list is empty"),
    (b'{"direction": "e2b", "sentences": ["Hi.", "  "]}', 422, "empty_sentence", "sentences[1] is empty"),
    (b'{"direction": "e2b", "sentences": ["a\\nb"]}', 422, "line_break", "sentences[0] contains a line break"),
    (b'{"direction": "e2b", "sentences": ["Hi.", "a\\ud800b"]}', 422, "not_text", "sentences[1] holds U+D800 at character 1"),
    (b'{"direction": "b2e", "sentences": ["bell\\u0007"]}', 422, "not_text", "sentences[0] holds U+0007"),
    (b'{"direction": "e2b", "sentences": ["caf\xe9"]}', 422, "invalid_request", "not UTF-8 text (byte 0xe9 at offset 39)"),
    (b'{"direction": "e2b", "sentences": ["a", "b", "c", "d", "e"]}', 413, "too_many_sentences", "5 sentences, more than the limit of 4"),
    (b'{"direction": "e2b", "sentences": ["' + b"x" * 41 + b'"]}', 413, "sentence_too_long", "sentences[0] has 41 characters"),
    (b'{"direction": "e2b", "sentences": ["' + b"x" * 20_000 + b'"]}', 413, "body_too_large", "the body has 20039 bytes"),
]


@pytest.mark.parametrize("body,status,code,message", BAD_BODIES, ids=[m for *_, m in BAD_BODIES])
def test_bad_input_is_a_4xx_json_error_naming_the_problem(tiny_client, body, status, code, message):
    response = tiny_client.post("/v1/convert", content=body, headers={"content-type": "application/json"})
    assert response.status_code == status
    assert response.headers["content-type"] == "application/json"
    error = response.json()["error"]
    assert error["code"] == code and message in error["message"]
    if message.startswith("sentences["):
        assert error["sentence"] == int(message[len("sentences[")])


def test_errors_outside_the_api_have_the_same_shape(tiny_client):
    missing = tiny_client.get("/no/such/page")
    assert missing.status_code == 404 and missing.json()["error"]["code"] == "not_found"
    wrong_method = tiny_client.get("/v1/convert")
    assert wrong_method.status_code == 405 and wrong_method.json()["error"]["code"] == "method_not_allowed"
    traversal = tiny_client.get("/static/..%2f..%2fapp.py")
    assert traversal.status_code == 404 and traversal.json()["error"]["code"] == "not_found"


@pytest.fixture(scope="module")
def echo_converter():
    """The tiny model made to echo: with its layers' outputs zeroed, each step repeats the last token, and with the
    sentence last in the prompt every sentence gets its own answer (the plain tiny model answers all alike)."""
    import torch

    config = load_config(None, ["model.spec=tiny", "generate.max_new_tokens=6", "prompts.template={input}",
                                "generate.runtime=torch"])  # its layers are changed in place
    converter = serve.choose_converters(config, None, True)["b2e"]
    with torch.no_grad():
        for layer in converter.loaded.model.model.layers:
            layer.self_attn.o_proj.weight.zero_()
            layer.mlp.down_proj.weight.zero_()
    return converter


def test_the_tiny_model_converts_in_input_order(echo_converter):
    sentences = ["The cat sleeps on the mat!", "We go?", "Hi.", "It rains all day long"]  # lengths out of order
    alone = [echo_converter.convert("b2e", [s])[0] for s in sentences]
    assert len({o.answer for o in alone}) == len(sentences)  # each sentence has its own answer
    app = serve.create_app({"e2b": echo_converter, "b2e": echo_converter}, ServeConfig(), "tiny")
    with local_client(app) as client:
        response = client.post("/v1/convert", json={"direction": "b2e", "sentences": sentences})
    assert response.status_code == 200
    results = response.json()["results"]
    assert [r["input"] for r in results] == sentences
    assert [(r["output"], r["clean_stop"]) for r in results] == [(o.answer, o.clean_stop) for o in alone]


def test_healthz_names_model_adapter_and_systems(tiny_client):
    health = tiny_client.get("/healthz").json()
    assert health["status"] == "ok" and health["model"] == "tiny" and health["adapter"] is None
    assert "not fine-tuned" in health["systems"]["e2b"] and "not fine-tuned" in health["systems"]["b2e"]


def test_the_page_and_its_assets_work_offline(tiny_client):
    page = tiny_client.get("/").text
    assert 'aria-live="polite"' in page and '<label for="sentences"' in page and "not fine-tuned" in page
    for asset in ("static/serve.css", "static/serve.js"):
        assert asset in page
        response = tiny_client.get("/" + asset)
        assert response.status_code == 200 and "http://" not in response.text and "https://" not in response.text
    assert "https://" not in page and "http://" not in page
    assert tiny_client.get("/docs").status_code == 200


def test_the_model_never_decodes_more_than_twice_the_input(tiny_converters):
    converter = dataclasses.replace(tiny_converters["e2b"], gen=GenerateConfig(max_new_tokens=64))
    assert converter.token_bound(["abc"]) == 2 * 3 + 8  # the tiny tokenizer has one token per byte
    assert converter.token_bound(["x" * 100]) == converter.gen.max_new_tokens
    output = converter.convert("e2b", ["abc"])[0]
    assert len(output.raw) <= 14  # the random model never ends: it stops at the bound


def concurrent_posts(client, bodies):
    with ThreadPoolExecutor(len(bodies)) as pool:
        return list(pool.map(lambda body: client.post("/v1/convert", json=body), bodies))


def test_concurrent_requests_are_batched_and_each_keeps_its_order():
    converter = Tagged()
    app = serve.create_app({"e2b": converter, "b2e": converter}, ServeConfig(batch_window_ms=300), "tagged")
    bodies = [{"direction": "e2b", "sentences": [f"r{i} s{j}" for j in range(1 + i % 3)]} for i in range(8)]
    with local_client(app) as client:
        responses = concurrent_posts(client, bodies)
    for body, response in zip(bodies, responses):
        assert response.status_code == 200
        assert [r["output"] for r in response.json()["results"]] == [f"present:e2b {s}" for s in body["sentences"]]
    assert len(converter.calls) < len(bodies)
    assert sum(map(len, converter.calls)) == sum(len(b["sentences"]) for b in bodies)


class Poisonable(Tagged):
    """Tagged, but a call holding a sentence with "poison" raises (as spaCy's and the HF tokenizers did on a lone
    surrogate), failing the whole batch it is in."""

    def convert(self, direction, sentences):
        if any("poison" in s for s in sentences):
            self.calls.append(list(sentences))
            raise ValueError("the tokenizer cannot read this")
        return super().convert(direction, sentences)


def post_raw(client, body: bytes):
    return client.post("/v1/convert", content=body, headers={"content-type": "application/json"})


def test_one_poisoned_request_among_20_fails_alone():
    converter = Poisonable()
    app = serve.create_app({"e2b": converter, "b2e": converter}, ServeConfig(batch_window_ms=300), "tagged")
    bodies = [{"direction": "e2b", "sentences": [f"valid {i}"]} for i in range(10)]
    bodies += [{"direction": "e2b", "sentences": ["poison"]}]
    bodies += [{"direction": "e2b", "sentences": [f"valid {i}"]} for i in range(10, 20)]
    with local_client(app) as client:
        responses = concurrent_posts(client, bodies)
    assert any("poison" in call and len(call) > 1 for call in converter.calls)  # it shared a batch with others
    assert [r.status_code for r in responses].count(200) == 20
    for body, response in zip(bodies, responses):
        if body["sentences"] == ["poison"]:
            assert response.status_code == 500
            error = response.json()["error"]
            assert error["code"] == "conversion_failed" and error["sentence"] == 0 and "ValueError" in error["message"]
        else:
            assert response.json()["results"][0]["output"] == f"present:e2b {body['sentences'][0]}"


def test_a_lone_surrogate_among_20_valid_requests_is_a_422_and_the_20_convert():
    converters = serve.choose_converters(load_config(None, ["model.spec=tiny", "generate.max_new_tokens=4"]), None, False)
    app = serve.create_app(converters, ServeConfig(batch_window_ms=300), "tiny")
    subjects = [("We", "They", "I", "You", "She")[i % 5] for i in range(20)]
    bodies = [b'{"direction": "e2b", "sentences": ["%s will visit the museum next week."]}' % s.encode() for s in subjects]
    bodies.insert(7, b'{"direction": "e2b", "sentences": ["We will visit \\ud800 the museum."]}')
    with local_client(app) as client, ThreadPoolExecutor(len(bodies)) as pool:
        responses = list(pool.map(lambda body: post_raw(client, body), bodies))
    poisoned = responses.pop(7)
    assert poisoned.status_code == 422 and poisoned.json()["error"]["code"] == "not_text"
    assert "sentences[0]" in poisoned.json()["error"]["message"]
    assert [r.status_code for r in responses] == [200] * 20
    outputs = [r.json()["results"][0]["output"] for r in responses]
    assert outputs == [f"future:{s} visit museum week next." for s in subjects]


def test_sentences_are_normalised_before_they_join_a_batch():
    converter = Tagged()
    app = serve.create_app({"e2b": converter, "b2e": converter}, ServeConfig(), "tagged")
    with local_client(app) as client:
        response = client.post("/v1/convert", json={"direction": "e2b", "sentences": ["  Cafe\u0301 ok. "]})
    assert converter.calls == [["Caf\u00e9 ok."]]  # NFC, outer spaces gone
    assert response.json()["results"][0]["input"] == "  Cafe\u0301 ok. "  # the input is echoed as sent


def test_concurrent_requests_share_tiny_model_calls(tiny_converters, monkeypatch):
    model = tiny_converters["e2b"]
    calls = []
    real = model.convert
    monkeypatch.setattr(model, "convert", lambda d, s: calls.append(len(s)) or real(d, s))
    app = serve.create_app(tiny_converters, ServeConfig(batch_window_ms=300), "tiny")
    with local_client(app) as client:
        responses = concurrent_posts(client, [{"direction": "e2b", "sentences": [f"Sentence {i}."]} for i in range(6)])
    assert all(r.status_code == 200 for r in responses)
    assert sum(calls) == 6 and len(calls) < 6


def test_full_queue_is_503_with_retry_after_and_the_rest_finish():
    gate = threading.Event()
    converter = Tagged(gate)
    config = ServeConfig(batch_window_ms=0, max_batch=1, queue_size=2, max_sentences=2)
    app = serve.create_app({"e2b": converter, "b2e": converter}, config, "tagged")
    batcher = app.state.lanes.model  # a stand-in converter for both directions: both in the model lane
    with local_client(app) as client, ThreadPoolExecutor(2) as pool:
        first = pool.submit(client.post, "/v1/convert", json={"direction": "e2b", "sentences": ["one"]})
        wait_until(lambda: len(converter.calls) == 1)  # converting, the queue is empty again
        second = pool.submit(client.post, "/v1/convert", json={"direction": "b2e", "sentences": ["two", "three"]})
        wait_until(lambda: batcher.waiting == 2)
        refused = client.post("/v1/convert", json={"direction": "e2b", "sentences": ["four"]})
        assert refused.status_code == 503
        assert int(refused.headers["Retry-After"]) >= 1 and refused.json()["error"]["code"] == "busy"
        assert client.get("/healthz").json()["waiting"] == 2  # the loop answers while the model works
        gate.set()
        assert first.result().status_code == 200
        assert [r["output"] for r in second.result().json()["results"]] == ["present:b2e two", "present:b2e three"]


def test_a_client_that_leaves_is_dropped_and_does_not_stall_the_others():
    gate = threading.Event()
    converter = Tagged(gate)

    async def scenario():
        batcher = Batcher(lambda d, s: converter.convert(d, s), window_s=0, max_batch=4, queue_size=10)
        batcher.start()
        busy = asyncio.create_task(batcher.submit("e2b", ["first"]))
        while not converter.calls:
            await asyncio.sleep(0.005)
        leaving = asyncio.create_task(batcher.submit("e2b", ["gone1", "gone2"]))
        staying = asyncio.create_task(batcher.submit("e2b", ["stays"]))
        await asyncio.sleep(0.01)
        leaving.cancel()
        gate.set()
        results = await asyncio.wait_for(asyncio.gather(busy, staying), 5)
        await batcher.stop()
        return results

    busy, staying = asyncio.run(scenario())
    assert [o.answer for o in staying] == ["present:e2b stays"]
    assert converter.calls == [["first"], ["stays"]]  # the leaver's sentences were never converted


def test_a_disconnect_cancels_the_request_work():
    class Gone:
        async def receive(self):
            return {"type": "http.disconnect"}

    async def scenario():
        never = asyncio.get_running_loop().create_future()
        with pytest.raises(serve.ClientGone):
            await serve.unless_disconnected(Gone(), never)
        return never.cancelled()

    assert asyncio.run(scenario())


def test_queue_full_is_raised_before_anything_is_queued():
    async def scenario():
        batcher = Batcher(lambda d, s: [], window_s=1, max_batch=4, queue_size=3)
        with pytest.raises(QueueFull):
            await batcher.submit("e2b", ["a", "b", "c", "d"])
        return batcher.waiting

    assert asyncio.run(scenario()) == 0


def test_rules_serve_e2b_when_they_work_otherwise_the_model(monkeypatch):
    config = load_config(None, ["model.spec=tiny", "generate.runtime=torch"])  # one model for both directions
    best = serve.choose_converters(config, None, False)  # no adapter: the rules (hybrid.default_system)
    assert isinstance(best["e2b"], serve.RuleConverter) and isinstance(best["b2e"], serve.ModelConverter)
    assert best["e2b"].convert("e2b", ["We will visit the museum next week."])[0].answer == "future:We visit museum week next."
    named = serve.choose_converters(config, None, True)  # --model: that model serves both directions
    assert isinstance(named["e2b"], serve.ModelConverter) and named["e2b"] is named["b2e"]

    def no_spacy(sentences):
        raise NlpError("spaCy's English model is not installed")

    monkeypatch.setattr("babybliss.grammar.rules.convert", no_spacy)
    fallback = serve.choose_converters(config, None, False)
    assert isinstance(fallback["e2b"], serve.ModelConverter) and fallback["e2b"] is fallback["b2e"]


def test_an_adapter_serves_the_hybrid_and_its_model(tiny_run, monkeypatch):
    config = load_config(None, ["model.spec=tiny", "generate.runtime=torch"])  # one model for both directions
    converters = serve.choose_converters(config, str(tiny_run / "epoch-1"), False)
    assert isinstance(converters["e2b"], serve.HybridConverter) and isinstance(converters["b2e"],
                                                                              serve.EnglishHybridConverter)
    assert converters["e2b"].model is converters["b2e"].model
    assert "fine-tuned (epoch-1" in converters["b2e"].name and "not fine-tuned" not in converters["b2e"].name
    assert "hybrid" in converters["e2b"].name and "hybrid" in converters["b2e"].name
    # where the model's answer has other words than the sure rules, the rules' answer is served
    monkeypatch.setattr(converters["b2e"].model, "convert",
                        lambda direction, sentences: [Output("past:dog bark.", True, "x")])
    (answer,) = converters["e2b"].convert("e2b", ["We will visit the museum next week."])
    assert answer.answer == "future:We visit museum week next."


def test_the_hybrid_asks_the_model_only_where_the_rules_are_unsure(tiny_run, monkeypatch):
    config = load_config(None, ["model.spec=tiny"])
    hybrid = serve.choose_converters(config, str(tiny_run / "epoch-1"), False)["e2b"]
    asked: list[str] = []

    def model(direction, sentences):
        asked.extend(sentences)
        return [Output(f"present:guess {i}.", True, "x") for i, _ in enumerate(sentences)]

    monkeypatch.setattr(hybrid.model, "convert", model)
    sure, unsure = "We will visit the museum next week.", "He said; she left."
    answers = hybrid.convert("e2b", [sure, unsure, sure])
    assert asked == [unsure]
    assert [a.answer for a in answers] == ["future:We visit museum week next.", "present:guess 0.", "future:We visit museum week next."]
    assert answers[1].warnings and not answers[0].warnings


def test_serve_command_and_config():
    args = build_parser().parse_args(["serve", "--adapter", "runs/x/epoch-1", "--port", "9001"])
    assert args.adapter == "runs/x/epoch-1" and args.port == 9001 and args.host is None
    assert load_config(None).serve.host == "127.0.0.1"
    with pytest.raises(ConfigError, match="serve.queue_size"):
        load_config(None, ["serve.queue_size=4", "serve.max_sentences=8"])
    with pytest.raises(ConfigError, match="serve.rules_queue_size"):
        load_config(None, ["serve.rules_queue_size=4", "serve.max_sentences=8"])
    with pytest.raises(ConfigError, match="unknown key"):
        load_config(None, ["serve.workers=2"])
    with pytest.raises(ConfigError, match="serve.threads"):
        load_config(None, ["serve.threads=-1"])


def test_a_real_disconnect_over_http_drops_the_request(tiny_converters):
    import socket

    import httpx
    import uvicorn

    gate = threading.Event()
    converter = Tagged(gate)
    app = serve.create_app({"e2b": converter, "b2e": converter}, ServeConfig(batch_window_ms=0, max_batch=1), "tagged")
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    server = uvicorn.Server(uvicorn.Config(app, host="127.0.0.1", port=port, log_level="warning"))
    threading.Thread(target=server.run, daemon=True).start()
    wait_until(lambda: server.started, 20)
    url = f"http://127.0.0.1:{port}/v1/convert"
    try:
        with ThreadPoolExecutor(2) as pool:
            busy = pool.submit(httpx.post, url, json={"direction": "e2b", "sentences": ["busy"]}, timeout=10)
            wait_until(lambda: converter.calls)
            with pytest.raises(httpx.TimeoutException):  # the client gives up and closes the connection
                httpx.post(url, json={"direction": "e2b", "sentences": ["leaver"]}, timeout=0.3)
            wait_until(lambda: app.state.lanes.model.waiting == 0)
            stays = pool.submit(httpx.post, url, json={"direction": "e2b", "sentences": ["stays"]}, timeout=10)
            gate.set()
            assert busy.result().status_code == 200 and stays.result().json()["results"][0]["output"] == "present:e2b stays"
        assert converter.calls == [["busy"], ["stays"]]
    finally:
        server.should_exit = True


def test_served_model_decodes_in_the_configured_dtype():
    import torch

    config = load_config(None, ["model.spec=tiny", "serve.dtype=bfloat16", "generate.runtime=torch"])
    converters = serve.choose_converters(config, None, True)
    assert next(converters["b2e"].loaded.model.parameters()).dtype == torch.bfloat16
    with pytest.raises(ConfigError, match="serve.dtype"):
        load_config(None, ["serve.dtype=int8"])


# --- two lanes: English -> Bliss by the rules never waits for the model ---------------------------------------------


class GatedRules(serve.RuleConverter):
    """The rule converter, held at `gate` (to fill the rules lane)."""

    def __init__(self, gate: threading.Event):
        super().__init__()
        self.gate = gate

    def convert(self, direction, sentences):
        assert self.gate.wait(10)
        return super().convert(direction, sentences)


def b2e_load(client, pool, requests: int = 3, sentences: int = 32):
    """`requests` Bliss -> English requests of `sentences` sentences each, in flight."""
    body = {"direction": "b2e", "sentences": [f"present:I go home {i}." for i in range(sentences)]}
    return [pool.submit(client.post, "/v1/convert", json=body) for _ in range(requests)]


def test_english_to_bliss_by_the_rules_answers_while_the_model_is_busy():
    gate = threading.Event()
    model = Tagged(gate)  # the model made slow on purpose: it answers only once the gate opens
    app = serve.create_app({"e2b": serve.RuleConverter(), "b2e": model}, ServeConfig(), "tagged")
    with local_client(app) as client, ThreadPoolExecutor(4) as pool:
        try:
            load = b2e_load(client, pool)
            wait_until(lambda: model.calls and app.state.lanes.model.waiting == 64)  # one batch in the model, two wait
            quick = pool.submit(client.post, "/v1/convert", json={"direction": "e2b", "sentences": ["I am hungry."]})
            response = quick.result(timeout=20)  # on one shared lane it would wait for the gate
            assert response.status_code == 200 and response.json()["results"][0]["output"] == "present:I be hungry."
            assert not gate.is_set() and app.state.lanes.model.waiting == 64  # the model lane is still as busy
            assert client.get("/healthz").json()["waiting_by_lane"] == {"rules": 0, "model": 64}
        finally:
            gate.set()
        assert [r.result().status_code for r in load] == [200, 200, 200]


def test_only_the_full_lane_answers_503():
    model_gate, rules_gate = threading.Event(), threading.Event()
    model = Tagged(model_gate)
    config = ServeConfig(batch_window_ms=0, max_batch=1, max_sentences=2, queue_size=2, rules_queue_size=2)
    app = serve.create_app({"e2b": GatedRules(rules_gate), "b2e": model}, config, "tagged")
    lanes = app.state.lanes
    with local_client(app) as client, ThreadPoolExecutor(4) as pool:
        try:
            busy = [pool.submit(client.post, "/v1/convert", json={"direction": "b2e", "sentences": ["present:a.", "present:b."]})]
            wait_until(lambda: model.calls and lanes.model.waiting == 1)
            busy.append(pool.submit(client.post, "/v1/convert", json={"direction": "b2e", "sentences": ["present:c."]}))
            wait_until(lambda: lanes.model.waiting == 2)  # the model lane is full
            refused = client.post("/v1/convert", json={"direction": "b2e", "sentences": ["present:d."]})
            assert refused.status_code == 503 and int(refused.headers["Retry-After"]) >= 1
            assert refused.json()["error"]["code"] == "busy" and "model lane" in refused.json()["error"]["message"]
            rules_gate.set()
            assert client.post("/v1/convert", json={"direction": "e2b", "sentences": ["I am hungry."]}).status_code == 200
            rules_gate.clear()  # now fill the rules lane while the model lane is still full
            busy.append(pool.submit(client.post, "/v1/convert", json={"direction": "e2b", "sentences": ["We go.", "We eat."]}))
            wait_until(lambda: lanes.rules.waiting == 1)
            busy.append(pool.submit(client.post, "/v1/convert", json={"direction": "e2b", "sentences": ["We sing."]}))
            wait_until(lambda: lanes.rules.waiting == 2)
            refused = client.post("/v1/convert", json={"direction": "e2b", "sentences": ["We sit."]})
            assert refused.status_code == 503 and "rules lane" in refused.json()["error"]["message"]
        finally:
            model_gate.set()
            rules_gate.set()
        assert [f.result().status_code for f in busy] == [200] * 4


def test_the_hybrid_asks_the_model_lane_only_for_what_the_rules_do_not_stand_behind():
    gate = threading.Event()
    model = Tagged(gate)
    hybrid = serve.HybridConverter(model)
    app = serve.create_app({"e2b": hybrid, "b2e": model}, ServeConfig(), "tagged")
    sure, unsure = "We will visit the museum next week.", "He said; she left."
    with local_client(app) as client, ThreadPoolExecutor(4) as pool:
        try:
            load = b2e_load(client, pool, requests=1)
            wait_until(lambda: model.calls)
            waits = pool.submit(client.post, "/v1/convert", json={"direction": "e2b", "sentences": [sure, unsure]})
            wait_until(lambda: app.state.lanes.model.waiting == 1)  # only the unsure sentence joined the model lane
            quick = client.post("/v1/convert", json={"direction": "e2b", "sentences": [sure, "I like pizza 🍕."]})
            first, emoji = quick.json()["results"]
            assert quick.status_code == 200 and first["output"] == "future:We visit museum week next."
            # an emoji left out: unsure for the user, but the model, reading the same input, is not asked
            assert emoji["output"] == "present:I like pizza." and emoji["confident"] is False
            assert not waits.done()
        finally:
            gate.set()
        results = waits.result().json()["results"]
    assert load[0].result().status_code == 200
    assert [r["output"] for r in results] == ["future:We visit museum week next.", f"present:e2b {unsure}"]
    assert results[1]["confident"] is False and results[1]["symbols"] and not results[0]["warnings"]
    assert model.calls[1:] == [[unsure]]


def test_the_docs_picture_of_the_page_is_of_the_page_as_it_is():
    from pathlib import Path

    from babybliss.serve.page_picture import page_digest, picture_digest

    picture = Path(__file__).resolve().parents[1] / "docs" / "serve-page.png"
    assert picture_digest(picture) == page_digest(), (
        "the page's files changed since docs/serve-page.png was taken: retake it from the live page with "
        "`python bench/bench_serve.py --levels '' --paced '' --soak 0` (about a minute)"
    )


class Reader:
    """Bliss -> English with fixed answers."""

    name = "reader"

    def convert(self, direction, sentences):
        answers = {"present:I want drink.": "I want a drink.", "past:man hum tune.": "The man hummeed the tune."}
        return [Output(answers[s], True, "") for s in sentences]


def test_a_bliss_to_english_answer_says_whether_it_is_acceptable():
    app = serve.create_app({"e2b": Reader(), "b2e": Reader()}, ServeConfig(), "reader")
    with local_client(app) as client:
        results = client.post("/v1/convert", json={"direction": "b2e", "sentences": [
            "present:I want drink.", "past:man hum tune."]}).json()["results"]
    assert [(r["acceptable"], r["confident"]) for r in results] == [(True, True), (False, False)]
    assert results[0]["warnings"] == [] and "does not convert back" in results[1]["warnings"][0]

class Fixed:
    """A Bliss -> English model with set answers: one acceptable, one with a non-word, one that converts back to
    nothing the input holds."""

    name = "fixed"

    def convert(self, direction, sentences):
        answers = {"present:locksmith fix lock.": "A locksmith fixes a lock.",
                   "past:dog bark.": "The dogg barked.", "present:zz qq.": "Nothing."}
        return [Output(answers[s], True, answers[s]) for s in sentences]


def test_the_hybrids_bliss_to_english_answers_are_judged_once(monkeypatch):
    """The hybrid has judged each answer it gives (the model's or the realiser's), so the server does not judge it
    again: the check is most of a sentence's CPU time once the model is fast."""
    judged_again = []
    real = serve.acceptable_answers
    monkeypatch.setattr(serve, "acceptable_answers", lambda *a: judged_again.append(a) or real(*a))
    app = serve.create_app({"e2b": serve.RuleConverter(), "b2e": serve.EnglishHybridConverter(Fixed())},
                           ServeConfig(), "fixed")
    with local_client(app) as client:
        results = client.post("/v1/convert", json={"direction": "b2e", "sentences": [
            "present:locksmith fix lock.", "past:dog bark.", "present:zz qq."]}).json()["results"]
    assert [(r["output"], r["acceptable"]) for r in results] == [
        ("A locksmith fixes a lock.", True), ("The dog barked.", True), ("Nothing.", False)]
    assert judged_again == []


def test_bliss_to_english_answers_carry_confident_from_the_hybrid():
    """The B->E hybrid: the model's acceptable English (confident), the rule realiser's where the model's is not
    (confident), the model's marked unsure where neither converts back."""
    app = serve.create_app({"e2b": serve.RuleConverter(), "b2e": serve.EnglishHybridConverter(Fixed())},
                           ServeConfig(), "fixed")
    with local_client(app) as client:
        response = client.post("/v1/convert", json={"direction": "b2e", "sentences": [
            "present:locksmith fix lock.", "past:dog bark.", "present:zz qq."]})
    results = response.json()["results"]
    assert [(r["output"], r["confident"]) for r in results] == [
        ("A locksmith fixes a lock.", True), ("The dog barked.", True), ("Nothing.", False)]
    assert results[2]["warnings"] and not results[0]["warnings"]
