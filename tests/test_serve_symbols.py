"""The API's symbols: every English -> Bliss result carries its words as symbols (in the OpenAPI schema too), a
gloss search for composing from symbols, and the renderer's browser build served from the install."""

from __future__ import annotations

import shutil
from concurrent.futures import ThreadPoolExecutor

import pytest
from fastapi.testclient import TestClient

from babybliss.config import ServeConfig
from babybliss.serve import app as serve
from babybliss.grammar.nlp import load_nlp
from test_serve import Tagged


@pytest.fixture(scope="module")
def client():
    app = serve.create_app({"e2b": serve.RuleConverter(), "b2e": Tagged()}, ServeConfig(), "rules")
    with TestClient(app, base_url="http://localhost") as test_client:  # an allowed host
        yield test_client


def test_each_english_to_bliss_result_carries_its_symbols(client):
    sentences = ["The old farmer is taking a taxi to work.", "Jonah caught the bus?"]
    results = client.post("/v1/convert", json={"direction": "e2b", "sentences": sentences}).json()["results"]
    assert results[0]["output"] == "present progressive:farmer old be take taxi to work."
    words = {w["word"]: w for w in results[0]["symbols"]}
    assert set(results[0]["symbols"][0]) == {"word", "id", "gloss", "code"}
    assert words["take"]["code"].endswith(";;B903") and words["taxi"]["id"] == 17509
    assert words["old"]["gloss"] == "old" and words["."]["code"] == "B4"
    jonah = {w["word"]: w for w in results[1]["symbols"]}
    assert jonah["Jonah"] == {"word": "Jonah", "id": None, "gloss": None, "code": "XJonah"}
    assert jonah["catch"]["code"].endswith(";;B92") and jonah["?"]["code"] == "B3"


def test_the_symbols_of_a_batch_are_found_in_one_call(monkeypatch):
    parser = load_nlp()
    calls = []  # every call to the loaded spaCy pipeline, by `pipe` or by calling it on one text
    real_pipe, real_call = type(parser).pipe, type(parser).__call__
    monkeypatch.setattr(type(parser), "pipe", lambda self, *a, **k: calls.append("pipe") or real_pipe(self, *a, **k))
    monkeypatch.setattr(type(parser), "__call__",
                        lambda self, *a, **k: calls.append("call") or real_call(self, *a, **k))
    converter = Tagged()  # converts without spaCy: every parser call here is the symbols'
    app = serve.create_app({"e2b": converter, "b2e": converter}, ServeConfig(batch_window_ms=300), "tagged")
    bodies = [{"direction": "e2b", "sentences": [f"I see lake {i}."]} for i in range(8)]
    with TestClient(app, base_url="http://localhost") as client, ThreadPoolExecutor(len(bodies)) as pool:
        responses = list(pool.map(lambda body: client.post("/v1/convert", json=body), bodies))
    for i, response in enumerate(responses):
        words = [w["word"] for w in response.json()["results"][0]["symbols"]]
        assert words == ["e2b", "I", "see", "lake", str(i), "."]  # each request gets its own sentence's symbols
    assert calls == ["pipe"] * len(converter.calls) and len(converter.calls) < len(bodies)  # one spaCy call a batch


def test_bliss_to_english_results_have_no_symbols(client):
    result = client.post("/v1/convert", json={"direction": "b2e", "sentences": ["present:I go."]}).json()["results"][0]
    assert result["symbols"] is None


def test_the_openapi_schema_names_the_symbols(client):
    schemas = client.get("/openapi.json").json()["components"]["schemas"]
    assert "symbols" in schemas["Result"]["properties"]
    assert set(schemas["SymbolWordModel"]["properties"]) == {"word", "id", "gloss", "code"}


def test_symbols_are_found_by_gloss(client):
    answer = client.get("/v1/symbols", params={"q": "lake"}).json()
    assert answer["symbols"][0] == {"id": 15168, "gloss": "lake", "glosses": ["lake", "pond"], "code": "B368/B1117",
                                    "tensed": None}
    go = client.get("/v1/symbols", params={"q": "go"}).json()["symbols"][0]
    assert go["code"] == "B1525;B81"  # a verb: drawn with each marker's indicator when it is a sentence's verb
    assert (go["tensed"]["past"], go["tensed"]["future"], go["tensed"]["imperative"]) == ("B1525;;B92", "B1525;;B87",
                                                                                          "B1525;;B907")
    assert "Blissymbolics Communication International" in answer["attribution"]
    assert client.get("/v1/symbols", params={"q": ""}).status_code == 422


@pytest.mark.skipif(shutil.which("node") is None, reason="node is not installed on this machine")
def test_the_renderer_is_served_from_the_install(client):
    response = client.get("/vendor/bliss-svg-builder.js")
    assert response.status_code == 200 and "javascript" in response.headers["content-type"]
    assert "BlissSVGBuilder" in response.text
