from __future__ import annotations

import json
import os
from pathlib import Path

import pytest

from babybliss.evaluation import metrics

ORIGINAL = (
    "I had the pleasure of watching a captivating movie that thoroughly engaged my senses and emotions, "
    "providing a delightful escape into the realm of cinematic storytelling."
)
EXPECTED = (
    "past:I have pleasure of watching movie captivating that engage thoroughly my senses and emotions "
    "providing escape delightful into realm of storytelling cinematic."
)
GENERATED = (
    "past:I watch pleasure of movie captivating that engage thoroughly my senses emotions provide escape "
    "into realm storytelling cinematic."
)


@pytest.fixture(scope="module")
def embedder():
    return metrics.load_embedding_model("", device="cpu")


# ----------------------------------------------------------------- task metrics (no model)


def test_normalize_and_exact_match():
    assert metrics.normalize("  past:We  visit\tmuseum \n") == "past:We visit museum"
    assert metrics.normalize(None) == ""
    assert metrics.exact_match("past:We visit  museum.", " past:We visit museum.")
    assert not metrics.exact_match("past:We visit museum.", "past:We visit museum")
    assert metrics.exact_match_rate(["a", "b c", "x"], ["a", "b  c", "y"]) == pytest.approx(2 / 3)
    assert metrics.exact_match_rate([], []) == 0.0
    with pytest.raises(ValueError):
        metrics.exact_match_rate(["a"], [])


def test_chrf_and_bleu_scale():
    assert metrics.chrf(["past:We visit museum."], ["past:We visit museum."]) == pytest.approx(100.0)
    assert metrics.bleu(["future:We visit museum week next."], ["future:We visit museum week next."]) == pytest.approx(100.0)
    partial = metrics.chrf(["past:We visit park."], ["past:We visit museum."])
    assert 0.0 < partial < 100.0
    assert metrics.chrf([], []) == 0.0 and metrics.bleu([], []) == 0.0


def test_tense_marker():
    assert metrics.tense_marker("future:We visit museum week next.") == "future"
    assert metrics.tense_marker("present progressive:I read book.") == "present progressive"
    assert metrics.tense_marker(" past :I eat.") == "past"
    assert metrics.tense_marker("We visit museum.") is None
    assert metrics.tense_marker("note: something") is None
    assert metrics.tense_marker("") is None


def test_tense_accuracy_and_clean_stop():
    gens = ["past:I eat.", "present:I eat.", "I eat.", "future:x"]
    exps = ["past:I ate.", "past:I eat.", "past:I eat.", "no marker"]
    assert metrics.tense_accuracy(gens, exps) == pytest.approx(1 / 3)
    assert metrics.tense_accuracy(["a"], ["b"]) is None
    assert metrics.clean_stop_rate([True, False, True, True]) == 0.75
    assert metrics.clean_stop_rate([]) == 0.0


def sklearn_novelty(generated: str, original: str) -> float:
    """The definition as scikit-learn computes it: a TfidfVectorizer fitted on the pair, 1 - their cosine."""
    from sklearn.feature_extraction.text import TfidfVectorizer
    from sklearn.metrics.pairwise import cosine_similarity

    try:
        matrix = TfidfVectorizer().fit_transform([generated, original])
    except ValueError:
        return None
    return float(1.0 - cosine_similarity(matrix[0], matrix[1])[0, 0])


def test_novelty_equals_scikit_learns_tfidf_on_every_shipped_pair():
    pairs = json.loads((Path(metrics.__file__).parents[1] / "data" / "corpus" / "novel.json").read_text())
    cases = [(p["bliss"], p["original"]) for p in pairs] + [(p["original"], p["bliss"]) for p in pairs[:50]]
    cases += [("Ça va? Ça VA!", "ça va"), ("a b c", "d e"), ("x", "The dog, the DOG."), ("I I I go", "go go I")]
    for generated, original in cases:
        expected = sklearn_novelty(generated, original)
        if expected is not None:
            assert metrics.novelty(generated, original) == pytest.approx(expected, abs=1e-12), (generated, original)


def test_novelty_definition():
    assert metrics.novelty("We visit museum.", "We visit museum.") == pytest.approx(0.0, abs=1e-9)
    assert metrics.novelty("alpha beta", "gamma delta") == pytest.approx(1.0)
    assert 0.0 < metrics.novelty("We visit museum.", "We will visit the museum.") < 1.0
    # no token the vectorizer accepts
    assert metrics.novelty("?", "?") == 0.0
    assert metrics.novelty("?", "!") == 1.0


def test_readability_is_textstat_073():
    # textstat 0.7.3's value (pyphen syllables); tests/test_readability.py checks thousands more
    assert metrics.readability("The cat sat on the mat.") == 116.15


def test_packaged_model_path_and_bad_path(tmp_path):
    path = metrics.packaged_embedding_model_path()
    assert path.is_dir() and (path / "config.json").exists()
    assert metrics.resolve_embedding_model("") == path
    with pytest.raises(FileNotFoundError, match="embedding_model"):
        metrics.resolve_embedding_model(tmp_path / "missing")


# ----------------------------------------------------------------- with the embedding model


def test_published_example_regression(embedder):
    scores = metrics.score_one(ORIGINAL, EXPECTED, GENERATED)
    assert set(scores) == {"semantic_coherence", "novelty", "readability"}
    assert scores["semantic_coherence"] == pytest.approx(0.881828, abs=1e-3)
    assert scores["novelty"] == pytest.approx(0.471302, abs=1e-3)
    assert scores["readability"] == 27.83  # textstat 0.7.3 (textstat 0.7.8's cmudict syllables gave 9.965)


def test_model_cached_and_offline_restored(embedder):
    assert metrics.load_embedding_model("", device="cpu") is embedder
    assert metrics.load_embedding_model(str(metrics.packaged_embedding_model_path()), device="cpu") is embedder
    before = os.environ.get("HF_HUB_OFFLINE")
    with metrics._offline():
        assert os.environ["HF_HUB_OFFLINE"] == "1"
        import huggingface_hub.constants as hub_constants

        assert hub_constants.HF_HUB_OFFLINE is True
    assert os.environ.get("HF_HUB_OFFLINE") == before


def test_score_many_batched(embedder):
    originals = ["We will visit the museum next week.", "I ate an apple."]
    expecteds = ["future:We visit museum week next.", "past:I eat apple."]
    generateds = ["future:We visit museum week next.", "present:dog run."]
    scores = metrics.score_many(originals, expecteds, generateds, device="cpu")
    assert len(scores) == 2
    assert scores[0]["semantic_coherence"] == pytest.approx(1.0, abs=1e-5)
    assert scores[1]["semantic_coherence"] < 0.9
    assert metrics.score_many([], [], []) == []


def test_direction_metrics(embedder):
    rows = [
        {
            "input": "We will visit the museum next week.",
            "expected": "future:We visit museum week next.",
            "generated": "future:We visit museum week next.",
            "clean_stop": True,
            "original": "We will visit the museum next week.",
        },
        {
            "input": "I ate an apple.",
            "expected": "past:I eat apple.",
            "generated": "present:I eat apple.",
            "clean_stop": False,
            "original": "I ate an apple.",
        },
    ]
    out = metrics.direction_metrics(rows, "e2b", device="cpu")
    assert list(out) == [*metrics.METRIC_KEYS, metrics.INTERVALS]
    assert out["n"] == 2
    for key, bounds in out[metrics.INTERVALS].items():  # every metric with a value has its interval around it
        if out[key] is None:
            assert bounds is None, key
        else:
            assert bounds[0] <= out[key] <= bounds[1], key
    assert out[metrics.INTERVALS]["exact_match"] == [0.0, 1.0]  # two items, one right
    assert out["exact_match"] == 0.5
    assert out["tense_accuracy"] == 0.5
    assert out["clean_stop"] == 0.5
    assert 0 < out["chrf"] <= 100 and 0 <= out["bleu"] <= 100
    for key in ("semantic_coherence", "novelty", "readability"):
        assert isinstance(out[key], float)
    # meaning kept against the expected Bliss sentence; no tense agreement for Bliss outputs
    assert (out["content_recall"], out["invented_rate"], out["tense_agreement"]) == (1.0, 0.0, None)
    expected_novelty = sum(metrics.novelty(r["generated"], r["input"]) for r in rows) / 2
    assert out["novelty"] == pytest.approx(expected_novelty)

    b2e_rows = [
        {
            "input": "past:I eat apple.",
            "expected": "I ate an apple.",
            "generated": "I ate an apple.",
            "clean_stop": True,
            "original": "I ate an apple.",
        }
    ]
    b2e = metrics.direction_metrics(b2e_rows, "b2e", device="cpu")
    assert b2e["tense_accuracy"] is None
    assert (b2e["content_recall"], b2e["invented_rate"], b2e["tense_agreement"]) == (1.0, 0.0, 1.0)
    assert b2e["exact_match"] == 1.0
    # novelty is against the row's input (the Bliss sentence for b2e)
    assert b2e["novelty"] == pytest.approx(metrics.novelty("I ate an apple.", "past:I eat apple."))

    empty = metrics.direction_metrics([], "b2e")
    assert empty["n"] == 0 and empty["chrf"] is None
    with pytest.raises(ValueError):
        metrics.direction_metrics(rows, "x2y")


# ----------------------------------------------------------------- meaning kept (spaCy parse)


@pytest.mark.parametrize(
    ("english", "marker"),
    [
        ("Omar is going to repaint the old boathouse next month.", "future"),
        ("I'll phone Grandma tonight.", "future"),
        ("The shop won't open on Sunday.", "future"),
        ("The museum will be crowded tomorrow afternoon.", "future"),
        ("We are going to be at work.", "future"),
        ("It is raining right now.", "present progressive"),
        ("We are going shopping with Anouk's sister this summer.", "present progressive"),
        ("Is Ines waking up?", "present progressive"),
        ("I am not washing the shirt right now.", "present progressive"),
        ("Jonah caught the bus last week.", "past"),
        ("I have finished my homework.", "past"),
        ("Did Freya win the match?", "past"),
        ("They weren't at home last night.", "past"),
        ("She teaches science every Thursday evening.", "present"),
        ("I don't eat meat.", "present"),
        ("Children must hold the rail on the stairs.", "present"),
        ("There is a spider in the bathtub.", "present"),
        ("He could swim.", "conditional"),  # §16: could is a conditional (was None before §16)
        ("He was reading.", "past progressive"),
        # spaCy slips the measure corrects: a verb read as a noun's clause, an irregular past read as present,
        # a going-to hung under `is`
        ("The dog barked at the strangers yesterday.", "past"),
        ("She swam in the pool yesterday.", "past"),
        ("Where is the old cat going to sleep?", "future"),
    ],
)
def test_english_tense(english, marker):
    from babybliss.grammar.nlp import parse

    assert metrics.english_tense(parse([english])[0]) == marker


def test_meaning_checks_b2e():
    bliss = [
        "future:Omar repaint boathouse old month next.",  # right, with going-to
        "future:Omar repaint boathouse old month next.",  # adjective lost, verb swapped
        "present:She not can find her reading glasses.",  # negation dropped, tense wrong
        "present progressive:You be walk now to school.",  # `right now` is `now`
        "present:Hamid can speak languages.",  # a number the Bliss side does not carry
        "present:children must hold rail on stairs.",  # plurals by lemma
    ]
    english = [
        "Omar is going to repaint the old boathouse next month.",
        "Omar will paint the boathouse next month.",
        "She found her reading glasses.",
        "You're walking to school right now.",
        "Hamid can speak four languages.",
        "A child must hold the rail on the stair.",
    ]
    checks = metrics.meaning_checks(bliss, english, english_output=True)
    assert checks[0] == {"content": ["omar", "repaint", "boathouse", "old", "month", "next"], "missing": [],
                         "invented": [], "tense_agrees": True}
    assert checks[1]["missing"] == ["repaint", "old"] and checks[1]["invented"] == ["paint"]
    assert checks[1]["tense_agrees"] is True
    assert checks[2]["missing"] == ["not", "can"] and checks[2]["tense_agrees"] is False
    assert (checks[3]["missing"], checks[3]["invented"], checks[3]["tense_agrees"]) == ([], [], True)
    assert checks[4]["invented"] == ["four"] and checks[4]["missing"] == []
    assert checks[5]["missing"] == [] and checks[5]["invented"] == []

    kept = metrics.meaning_kept(checks)
    total = sum(len(c["content"]) for c in checks)
    assert kept["content_recall"] == pytest.approx(1 - 4 / total)
    assert kept["invented_rate"] == pytest.approx(2 / 6)
    assert kept["tense_agreement"] == pytest.approx(5 / 6)


def test_content_words_match_any_lemma_spacy_allows():
    checks = metrics.meaning_checks(
        ["past:Keanu swim across bay.", "past:museum be crowded.", "past:You hope to ride horse.",
         "present progressive:baker be go sail."],
        ["Keanu swam across the bay.", "The museum was crowded.", "You hoped to ride a horse.",
         "The baker is going sailing."],
        english_output=True,
    )
    assert [(c["missing"], c["invented"]) for c in checks] == [([], [])] * 4


def test_meaning_checks_e2b_against_expected_bliss():
    checks = metrics.meaning_checks(
        ["past:my sister car old break down on highway.", "present:sky be cloudy."],
        ["past:my sister car break down on road.", "present:sky be cloudy."],
        english_output=False,
    )
    assert checks[0]["missing"] == ["old", "highway"] and checks[0]["invented"] == ["road"]
    assert checks[0]["tense_agrees"] is None
    assert checks[1]["missing"] == [] and checks[1]["invented"] == []
    kept = metrics.meaning_kept(checks[1:])
    assert kept == {"content_recall": 1.0, "invented_rate": 0.0, "tense_agreement": None}
    rows = [{"input": "I ate the apple.", "expected": "past:I eat apple.", "generated": "past:I eat pear."}]
    assert metrics.row_meaning_checks(rows, "e2b")[0]["missing"] == ["apple"]  # against the expected Bliss
    rows = [{"input": "past:I eat apple.", "expected": "I ate the apple.", "generated": "I ate a pear."}]
    assert metrics.row_meaning_checks(rows, "b2e")[0]["invented"] == ["pear"]  # against the Bliss input
    assert metrics.meaning_kept([]) == {
        "content_recall": None, "invented_rate": None, "tense_agreement": None}


def test_each_distinct_text_is_embedded_once_with_the_same_result(embedder, monkeypatch):
    """An evaluation scores the same references for every model row: they are encoded once, and a text's vector does
    not depend on the batch it came in."""
    references = ["present:We walk home.", "past:She read book.", "future:They visit museum."]
    answers = ["present:We walk home.", "past:She read paper.", "future:They visit zoo."]
    metrics._known_embeddings.cache_clear()
    fresh = metrics.semantic_coherence(answers, references, device="cpu")
    encoded: list[str] = []
    encode = embedder.encode
    monkeypatch.setattr(embedder, "encode", lambda texts, **kw: encoded.extend(texts) or encode(texts, **kw))
    again = metrics.semantic_coherence(answers, references, device="cpu")
    other = ["present:We walk home.", "past:She read book.", "future:They visit park."]
    metrics.semantic_coherence(other, references, device="cpu")
    assert encoded == ["future:They visit park."]
    assert again == pytest.approx(fresh, abs=1e-6)
    metrics._known_embeddings.cache_clear()
    alone = [metrics.semantic_coherence([a], [r], device="cpu")[0] for a, r in zip(answers, references)]
    assert alone == pytest.approx(fresh, abs=1e-5)


def test_each_distinct_text_is_parsed_once_with_the_same_checks(monkeypatch):
    from babybliss.grammar import nlp

    bliss = ["present:We walk home.", "past:She read book."]
    metrics._KNOWN_PARSES.clear()
    fresh = metrics.meaning_checks(bliss, ["We walk home.", "She read a paper."], english_output=True)
    parsed: list[str] = []
    parse = nlp.parse
    monkeypatch.setattr(nlp, "parse", lambda texts: parsed.extend(texts) or parse(texts))
    again = metrics.meaning_checks(bliss, ["We walk home.", "She read a paper."], english_output=True)
    metrics.meaning_checks(bliss, ["We walked home.", "She read a paper."], english_output=True)
    assert parsed == ["We walked home."]
    assert again == fresh
