"""The shipped compose set (Bliss rows as users compose them on the page) and the acceptable check it is scored by."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from babybliss.grammar.notation import tense_marker

PAGE_TENSES = {"present", "past", "future", "present progressive"}
"""The tenses the page's compose row offers."""


def _keys(pairs):
    return {" ".join(p["original"].split()).lower() for p in pairs} | {" ".join(p["bliss"].split()).lower() for p in pairs}


@pytest.fixture(scope="module")
def compose():
    from babybliss.data.pairs import compose_path

    return json.loads(compose_path().read_text(encoding="utf-8"))


def test_compose_set_is_large_composed_on_the_page_and_lists_its_english(compose):
    from babybliss.symbols.lexicon import senses

    assert len(compose) >= 150
    assert len({r["bliss"] for r in compose}) == len(compose)
    for row in compose:
        assert tense_marker(row["bliss"]) in PAGE_TENSES and row["bliss"].endswith(".")
        words = row["bliss"].split(":", 1)[1].rstrip(".").split()
        assert all(senses(w) for w in words), row["bliss"]  # every word is a symbol the page finds
        assert row["original"] == row["acceptable"][0] and len(set(row["acceptable"])) == len(row["acceptable"])
    assert sum(len(r["acceptable"]) > 1 for r in compose) >= 100  # most rows read more than one way


def test_compose_set_shares_nothing_with_the_corpus_other_sets_or_research_data(compose):
    from babybliss.data.pairs import builtin_path, everyday_path, load_pairs, novel_path

    ours = _keys(compose)
    for path in (builtin_path(), novel_path(), everyday_path()):
        assert not ours & _keys(load_pairs(path)[0]), path.name
    root = Path(__file__).resolve().parents[1]
    research = next((p / "shared" / "bliss.json" for p in root.parents[:2] if (p / "shared" / "bliss.json").is_file()), None)
    if research is not None:
        assert not ours & _keys(json.loads(research.read_text(encoding="utf-8")))


def test_compose_set_is_kept_out_of_training_pairs(compose):
    from babybliss.data.extra_train import without_novel

    row = compose[0]
    kept = without_novel([{"original": row["original"], "bliss": "present:something else."},
                          {"original": "Something else.", "bliss": row["bliss"]},
                          {"original": "Fine.", "bliss": "phrase:fine."}])
    assert kept == [{"original": "Fine.", "bliss": "phrase:fine."}]


def test_every_listed_english_sentence_is_real_words(compose):
    from babybliss.evaluation.acceptable import real_words

    assert all(real_words(e, row["bliss"]) for row in compose for e in row["acceptable"])  # names come from the Bliss


def test_acceptable_is_the_round_trip_with_real_words():
    from babybliss.evaluation.acceptable import acceptable

    assert acceptable("present:I want drink.", "I want a drink.")
    assert acceptable("present:I want drink.", "i want  a drink.")  # case and spacing aside
    assert not acceptable("present:I want drink.", "I want to drink.")  # converts to another Bliss sentence
    assert not acceptable("past:man hum tune.", "The man hummeed the tune.")  # not a word
    assert not acceptable("present:I want drink.", "")


def test_a_non_word_is_not_acceptable_even_where_the_round_trip_holds(monkeypatch):
    from babybliss.evaluation.acceptable import acceptable, real_words

    monkeypatch.setattr("babybliss.grammar.rules.to_bliss", lambda texts: ["past:man hum tune." for _ in texts])
    assert acceptable("past:man hum tune.", "The man hummed the tune.")
    assert not acceptable("past:man hum tune.", "The man hummeed the tune.")
    assert real_words("I don't want a drink, Tamsin.", "present:I not want drink Tamsin.") and not real_words("I wantz a drink.")


def test_a_listed_sentence_is_acceptable_though_it_does_not_round_trip():
    from babybliss.evaluation.compose import acceptable_rate

    rows = [{"input": "present:I go toilet now.", "generated": "I am going to the toilet now."},
            {"input": "present:I go toilet now.", "generated": "I go the toilet now."}]
    listed = {"present:I go toilet now.": ["I go to the toilet now.", "I am going to the toilet now."]}
    assert acceptable_rate(rows, listed) == 0.5
    assert [r["acceptable"] for r in rows] == [True, False]
