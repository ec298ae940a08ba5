"""English at scale: the seeded sentence generator, its checked rule-made pairs, the cache and the `generated:N` lever."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from babybliss.data import generated
from babybliss.data.extra_train import extra_pairs
from babybliss.data.generator import Sentence, bliss_holds, sentences
from babybliss.data.pairs import DataError
from babybliss.data.vocabulary import vocabulary

SHARED_BLISS = Path(__file__).resolve().parents[2] / "shared" / "bliss.json"


@pytest.fixture(scope="module")
def words():
    return vocabulary()


@pytest.fixture(scope="module")
def stream(words):
    """The first sentences of the real pool's stream (same seed, same vocabulary)."""
    return sentences(4000, generated.SEED, words)


@pytest.fixture
def cache(monkeypatch, tmp_path):
    monkeypatch.setenv("BABYBLISS_CACHE", str(tmp_path))
    return tmp_path


def test_vocabulary_has_thousands_of_lemmas_from_the_packages(words):
    assert len(words.lemmas()) >= 3000
    assert len(words.nouns) > 2000 and len(words.adjectives) > 500
    assert all(plural != singular for singular, plural in words.nouns)
    assert {v.base for v in words.verbs} >= {"paint", "buy", "wash"}  # from the corpora's parse


def test_sentences_are_seeded_and_distinct(words):
    first, again, other = sentences(300, 7, words), sentences(300, 7, words), sentences(300, 8, words)
    assert [s.english for s in first] == [s.english for s in again]
    assert [s.english for s in first] != [s.english for s in other]
    assert len({s.english for s in first}) == 300


def test_sentences_cover_the_documents_constructions(stream):
    text = [s.english for s in stream]
    markers = {s.marker for s in stream}
    assert markers == {"past", "present", "future", "present progressive", "past progressive", "future progressive",
                       "conditional", "imperative", "past conditional"}
    for needle in (" will ", " going to ", " has ", " have ", " can ", " not ", "?", " is ", "There ", "'s ", " very ",
                   " to ", " because ", " when ", " last ", " next ", " every ", ", ", " would ", " could ", " might ",
                   "Please ", ", please", " two ", " would have ", " used to ", "Let's ", "Let us ", "Mom, ", ", Dad"):
        assert any(needle in f" {t}" for t in text), needle
    assert any(t.startswith(("Did ", "Does ", "Do ")) for t in text)
    clauses = [1 + sum(f" {c} " in t for c in ("and", "but", "because", "when", "if", "while")) for t in text]
    assert max(clauses) >= 3 and clauses.count(1) > len(text) / 4


def test_a_tenth_is_typed_fast_and_the_rules_read_it_as_the_sentence_written_out(stream):
    """§17: no capital, `i`, no apostrophe, no final mark, a doubled space; the pair's Bliss must be the one the rules
    give the sentence written out, or the model would learn a second convention."""
    from babybliss.grammar.rules import convert

    typed = [s for s in stream if not s.english.endswith((".", "?"))]
    assert 0.07 < len(typed) / len(stream) < 0.13
    assert any("  " in s.english for s in typed) and not any(s.english[0].isupper() and s.english.split()[0] in
                                                               ("The", "They", "We", "You") for s in typed)
    sample = typed[:40]
    as_typed = convert([s.english for s in sample])
    written = convert([written_out(s.english, a.bliss.endswith("?")) for s, a in zip(sample, as_typed)])
    agree = [a.bliss.rstrip("?.") == w.bliss.rstrip("?.") for a, w in zip(as_typed, written) if a.confident]
    assert len(agree) >= 30 and all(agree)


def written_out(typed: str, question: bool) -> str:
    words = ["I" if w == "i" else w for w in typed.split()]
    text = " ".join(words).replace("lets ", "let's ")
    return text[0].upper() + text[1:] + ("?" if question else ".")


def test_bliss_holds_needs_the_marker_and_every_run_in_one_piece():
    sentence = Sentence("The old coat fell.", "past", ("coat old", "fall"))
    assert bliss_holds("past:coat old fall.", sentence)
    assert not bliss_holds("present:coat old fall.", sentence)
    assert not bliss_holds("past:old coat fall.", sentence)
    assert not bliss_holds("past:coat oldish fall.", sentence)


def test_bliss_holds_a_question_by_its_mark_and_a_name_called_as_its_own_sentence():
    question = Sentence("can you help me", "present", ("can help", "me"), question=True)
    assert bliss_holds("present:You can help me?", question)
    assert not bliss_holds("present:You can help me.", question)  # read as a statement: not the plan
    called = Sentence("Tom, can you help me?", "present", ("can help",), "Tom", True, True)
    assert bliss_holds("phrase:Tom. present:You can help me?", called)
    assert not bliss_holds("present:Tom you can help me?", called)
    after = Sentence("Close the door, Dad.", "imperative", ("close door",), "Dad", False)
    assert bliss_holds("imperative:close door. phrase:Dad.", after)
    assert not bliss_holds("phrase:Dad. imperative:close door.", after)


def test_pool_keeps_only_confident_checked_pairs_and_reads_the_cache(cache, monkeypatch):
    pairs = generated.pool(size=60, processes=1, log=lambda *_: None)
    assert len(pairs) == 60 and len({p["original"] for p in pairs}) == 60
    from babybliss.grammar.rules import convert

    assert all(c.confident and c.bliss == p["bliss"] for c, p in zip(convert([p["original"] for p in pairs]), pairs))
    assert generated.cache_path(60).is_file()

    def no_build(*_, **__):
        raise AssertionError("the cache was not read")

    monkeypatch.setattr(generated, "build_pool", no_build)
    assert generated.pool(size=60, processes=1) == pairs


def test_two_processes_give_the_same_pairs_as_one(cache):
    one = generated.build_pool(size=40, processes=1, log=lambda *_: None)["pairs"]
    monkeypatch_chunk = generated.CHUNK
    try:
        generated.CHUNK = 15  # several chunks, so the pool of processes is used
        two = generated.build_pool(size=40, processes=2, log=lambda *_: None)["pairs"]
    finally:
        generated.CHUNK = monkeypatch_chunk
    assert one == two


def test_cache_key_follows_seed_size_and_sources(monkeypatch, tmp_path):
    key = generated.cache_key()
    assert generated.cache_key(seed=generated.SEED + 1) != key
    assert generated.cache_key(size=10) != key
    changed = tmp_path / "rules.py"
    changed.write_text("# another rule\n")
    monkeypatch.setattr(generated, "_sources", lambda real=generated._sources: real() + [changed])
    assert generated.cache_key() != key


@pytest.fixture
def small_pool(monkeypatch):
    """A pool of made-up pairs with a few that collide with shipped sets, in place of the real (cached) pool."""
    from babybliss.data.pairs import builtin_path, novel_path

    novel = json.loads(novel_path().read_text())[0]
    corpus = json.loads(builtin_path().read_text())[0]
    made = [{"original": f"Ada painted fence {i}.", "bliss": f"past:Ada paint fence {i}."} for i in range(3000)]
    collide = [
        {"original": novel["original"], "bliss": "past:something else."},
        {"original": "Something else entirely.", "bliss": corpus["bliss"]},
    ]
    monkeypatch.setattr(generated, "pool", lambda *a, **k: collide + made)
    return made, collide


def test_generated_n_is_seeded_nested_and_held_out_apart(small_pool, monkeypatch):
    made, collide = small_pool
    monkeypatch.setattr(generated, "HELDOUT", 500)
    small, large = extra_pairs("generated:100", [], seed=1), extra_pairs("generated:1000", [], seed=1)
    assert len(small) == 100 and len(large) == 1000 and large[:100] == small
    assert extra_pairs("generated:100", [], seed=2) != small
    heldout = generated.heldout_pairs()
    assert len(heldout) >= 490
    every_train = generated.training_pairs(len(made) - len(heldout) - 5)
    assert not {p["original"] for p in heldout} & {p["original"] for p in every_train}
    assert not {p["bliss"] for p in heldout} & {p["bliss"] for p in every_train}
    for pair in collide:
        assert pair not in heldout and pair not in every_train


def test_generated_entry_errors(small_pool):
    with pytest.raises(DataError, match="generated:N"):
        extra_pairs("generated:lots", [])
    with pytest.raises(DataError, match="more than"):
        extra_pairs("generated:99999", [])


def test_generated_english_is_not_in_any_shipped_set(stream):
    sides = generated.excluded()
    assert not {generated._key(s.english) for s in stream} & sides


@pytest.mark.skipif(not SHARED_BLISS.is_file(), reason="../shared/bliss.json is not here")
def test_generated_pairs_leave_out_bliss_json_held_out_splits(stream, small_pool, monkeypatch):
    from babybliss.config import DataConfig
    from babybliss.data.pairs import load_pairs, split_pairs

    d = DataConfig()
    held = split_pairs(load_pairs(SHARED_BLISS)[0], d.seed, d.validation_fraction, d.test_fraction)
    held = held["validation"] + held["test"]
    assert not {generated._key(s.english) for s in stream} & {generated._key(p["original"]) for p in held}
    made, _ = small_pool
    monkeypatch.setattr(generated, "pool", lambda *a, **k: held[:3] + made)
    monkeypatch.setattr(generated, "HELDOUT", 10)
    every = len(generated.without(generated.split(generated.pool())[0], generated.excluded(SHARED_BLISS)))
    kept = extra_pairs(f"generated:{every}", [], data_path=str(SHARED_BLISS))
    assert len(kept) == every and not {p["original"] for p in held[:3]} & {p["original"] for p in kept}
    assert len(extra_pairs(f"generated:{every + 3}", [])) == every + 3  # without the data path they stay


def test_a_runs_identity_follows_the_number_of_generated_pairs():
    from babybliss.config import load_config
    from babybliss.training.run_folder import identity

    small, large = (load_config(None, [f'data.extra_train=["generated:{n}"]']) for n in (100, 200))
    assert identity(small)["data"] != identity(large)["data"]
    assert generated.cache_key() in identity(small)["data"]["data.extra_train[0]"]
