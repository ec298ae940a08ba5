"""Bliss -> English answers that are English (babybliss.evaluation.acceptable) and the Bliss -> English hybrid."""

from __future__ import annotations

import json

import pytest

from babybliss.convert.hybrid import combine_b2e
from babybliss.evaluation.acceptable import (
    acceptable,
    acceptable_many,
    disagreements,
    edit_kinds,
    english_metrics,
    hybrid_b2e,
    kind_counts,
    misplaced_articles,
    non_words,
    real_word,
    words_left_out,
)
from babybliss.evaluation.metrics import INTERVALS

HUM = "past:man hum tune yesterday."


@pytest.mark.parametrize(("word", "real"), [("locksmith", True), ("hummed", True), ("o'clock", True), ("3", True),
                                            ("hummeed", False), ("weas", False), ("goed", False)])
def test_a_real_word_is_a_form_of_the_lexicon(word, real):
    assert real_word(word) is real


def test_an_acceptable_answer_converts_back_and_has_only_english_words():
    assert acceptable(HUM, "The man hummed the tune yesterday.")
    assert acceptable(HUM, "A man hummed a tune yesterday.")  # another article: still the same Bliss
    assert not acceptable(HUM, "The man hummeed the tune yesterday.")  # a non-word
    assert not acceptable(HUM, "The man hum the tune yesterday.")  # does not convert back
    assert not acceptable("present:weasel run.", "The weas runs.")
    assert acceptable("present:locksmith fix lock.", "The locksmith fixes the lock.")
    assert not acceptable("present:locksmith fix lock.", "The baker fixes the lock.")


def test_a_word_of_the_input_bliss_is_allowed_although_no_lexicon_has_it():
    assert non_words("present:Zorblat sing.", "Zorblat sings.") == []
    assert non_words("present:Zorblat sing.", "Zorblot sings.") == ["Zorblot"]


@pytest.mark.parametrize("english", ["The this is my brother.", "I the used to live in Paris.",
                                     "It is three the o'clock.", "Is the that your coat?", "The my dog barks."])
def test_an_article_where_english_puts_none_is_not_acceptable(english):
    assert misplaced_articles(english)


def test_articles_english_allows_pass():
    assert misplaced_articles("The three boys sold the used car and this cake at the one shop.") == []
    assert acceptable_many(["present:this be my brother."], ["The this is my brother."]) == [False]


def test_differences_from_the_reference_are_classified_by_errant():
    kinds = edit_kinds(["A dog is barking.", "We will visit the museum.", "The man hummeed the tune.", "Same."],
                       ["The dog is barking.", "We are going to visit the museum.", "The man hummed the tune.",
                        "Same."])
    assert kinds == [["R:DET"], ["R:VERB"], ["R:SPELL"], []]


def test_kinds_in_acceptable_answers_are_variants_not_errors():
    rows = [{"input": HUM, "generated": "A man hummed a tune yesterday.",
             "expected": "The man hummed the tune yesterday."},
            {"input": HUM, "generated": "The man hummeed the tune yesterday.",
             "expected": "The man hummed the tune yesterday."}]
    metrics = english_metrics(rows)
    assert metrics["acceptable"] == 0.5 and [r["acceptable"] for r in rows] == [True, False]
    assert metrics["edit_kinds"] == {"errors": {"R:SPELL": 1}, "variants": {"R:DET": 2}}
    assert rows[1]["non_words"] == ["hummeed"]
    assert kind_counts(rows) == metrics["edit_kinds"]


def test_the_hybrid_takes_the_realiser_over_an_unacceptable_model_answer():
    assert combine_b2e(["bad"], ["good"], [False], [True]) == [("good", True)]
    assert combine_b2e(["fine"], ["good"], [True], [True]) == [("fine", True)]
    assert combine_b2e(["bad"], ["worse"], [False], [False]) == [("bad", False)]
    assert combine_b2e([""], ["worse"], [False], [False]) == [("worse", False)]
    assert hybrid_b2e(["present:locksmith fix lock."], ["The baker fixes the lock."]) == [
        ("The locksmith fixes the lock.", True)]
    assert hybrid_b2e(["present:locksmith fix lock."], ["A locksmith fixes a lock."]) == [
        ("A locksmith fixes a lock.", True)]
    # neither converts back: the model's English stays, unsure, unless it holds a non-word
    assert hybrid_b2e(["present:zz qq."], ["Nothing."]) == [("Nothing.", False)]
    assert hybrid_b2e(["present:zz qq."], ["Nothinng."])[0][0] != "Nothinng."


def test_the_hybrid_is_never_less_acceptable_than_the_realiser_on_the_novel_set():
    """Model answers mangled every other pair (a half-word, as a model writes one): wherever the realiser's English
    is acceptable, so is the hybrid's."""
    from babybliss.data.pairs import load_pairs, novel_path
    from babybliss.grammar.realise import to_english

    pairs = load_pairs(novel_path())[0][:60]
    blisses = [p["bliss"] for p in pairs]
    model = [p["original"] if i % 2 else p["original"].replace("e", "ee", 1) for i, p in enumerate(pairs)]
    hybrid = [english for english, _ in hybrid_b2e(blisses, model)]
    realised_ok = acceptable_many(blisses, to_english(blisses))
    hybrid_ok = acceptable_many(blisses, hybrid)
    assert all(h for h, r in zip(hybrid_ok, realised_ok) if r)
    assert sum(hybrid_ok) >= sum(realised_ok)


def test_the_report_shows_acceptable_exact_and_the_kinds_per_model_and_split():
    from babybliss.evaluation.report import _english_table

    b2e = {"acceptable": 0.9, "exact_match": 0.4, INTERVALS: {"acceptable": [0.8, 0.95]},
           "edit_kinds": {"errors": {"R:SPELL": 3, "R:NOUN": 1}, "variants": {"R:DET": 12, "M:DET": 2}}}
    evals = {"epoch-1": {"splits": {"novel": {"b2e": b2e, "e2b": {"exact_match": 0.5}}}},
             "rules": {"splits": {"novel": {"e2b": {"exact_match": 0.9}}}}}  # no B->E: no row
    table = _english_table(evals, ["epoch-1", "rules"], "epoch-1")
    assert table["header"][:4] == ["model", "split", "acceptable", "exact match"]
    assert [row["cells"] for row in table["rows"]] == [
        ["epoch-1 ★", "novel", "90.0% [80.0–95.0]", "40.0%", "SPELL 3, NOUN 1", "DET 14"]]


def test_a_reading_may_restore_the_small_words_a_composed_row_left_out():
    assert acceptable("present:I tired.", "I am tired.")  # round trip `present:I be tired.`
    assert acceptable("present:I go bed.", "I go to bed.")  # `to` a preposition
    assert not acceptable("present:I want drink.", "I want to drink.")  # an infinitive's `to` is a Bliss word
    assert not acceptable("present:I tired.", "I the tired.")
    assert not acceptable("present:I tired.", "I am very tired.")  # a content word added
    assert not acceptable("present:I go now bed.", "I go to bed.")  # a word left out of the English
    assert not acceptable("present:I be tired.", "I tired.")  # only the round trip's words are taken away
    assert acceptable("future:we go home today.", "We will go home today.")  # a pronoun's case aside
    assert not acceptable("present:Caspian parrot repeat riddle.", "Caspian parrots the repeat riddle.")  # a name's


def test_an_adverb_a_composed_row_puts_last_may_stand_in_the_adverb_slot():
    """The rules put `now`, `later` right after the verb wherever English has them (docs/conceptual-bliss.md §7):
    a row that puts the adverb last says the same; an adverb elsewhere in the row keeps its place."""
    assert acceptable("present:I go bed now.", "I go to bed now.")  # round trip `present:I go now to bed.`
    assert acceptable("present:I want apple now.", "I want an apple right now.")
    assert acceptable("future:we go bed later.", "We will go to bed later.")
    assert not acceptable("present:I go bed now.", "I go to bed.")  # the adverb dropped
    assert not acceptable("past:dog bark loudly at squirrels.", "The dog barked at the squirrels loudly.")


def test_a_row_composed_as_a_question_may_be_read_with_its_question_mark():
    assert acceptable("present:where doctor.", "Where is the doctor?")  # the page ends every row with `.`
    assert not acceptable("present:where father.", "Where the father is.")  # a clause, not a question
    assert not acceptable("present:where father.", "Where father.")  # the row word for word
    assert not acceptable("present:doctor here.", "Is the doctor here?")  # no wh-word first: a statement
    assert not acceptable("present:where doctor.", "Where does the doctor live?")  # a verb invented


def test_an_infinitives_to_after_want_may_be_left_out_before_a_verb_with_its_object():
    assert acceptable("present:I want go church.", "I want to go to church.")
    assert acceptable("present:I want write letter.", "I want to write a letter.")
    assert not acceptable("present:I want drink.", "I want to drink.")  # `want drink` reads `want a drink`
    assert not acceptable("present:I want hug.", "I want to hug.")  # spaCy's `to` a preposition here: not after want
    assert not acceptable("present:I like swim in sea.", "I like to swim in the sea.")  # only `want`/`need`


@pytest.mark.parametrize("english", ["I go bed right now.", "I go the kitchen now.", "We will go bed later.",
                                     "I went church today.", "I listen music.", "I want watering now.",
                                     "The baby comes the home."])
def test_english_that_leaves_out_a_small_word_english_needs_is_not_acceptable(english):
    """The row left the word out too, so the round trip cannot see it (`I go bed` -> `present:I go bed.`)."""
    from babybliss.grammar.nlp import load_nlp

    assert words_left_out(load_nlp()(english))


def test_a_reading_that_copies_the_rows_left_out_words_is_not_acceptable():
    assert not acceptable("present:I go bed now.", "I go bed right now.")  # round trip `present:I go now bed.`
    assert not acceptable("past:I go church today.", "I went church today.")
    assert not acceptable("present:I want water now.", "I want watering now.")  # `want` + -ing: no English
    assert acceptable("past:I go church today.", "I went to church today.")


@pytest.mark.parametrize("english", ["I go home now.", "We go shopping tonight.", "They came last week.",
                                     "Come this way.", "I went to school yesterday.", "I want a drink."])
def test_english_with_its_small_words_passes_the_left_out_check(english):
    from babybliss.grammar.nlp import load_nlp

    assert words_left_out(load_nlp()(english)) == []


def test_the_hybrid_is_never_less_acceptable_than_the_realiser_on_the_compose_set():
    """Scored as the compose set is (a listed reading, or the check), with model answers mangled every other row:
    wherever the realiser's English is acceptable, so is the hybrid's. The hybrid's own check decides where no list
    exists, so this holds because every realiser answer the set lists passes the check too (asserted first)."""
    from babybliss.data.pairs import compose_path
    from babybliss.evaluation.compose import is_acceptable, listed_english
    from babybliss.grammar.realise import to_english

    rows = json.loads(compose_path().read_text(encoding="utf-8"))
    listed = listed_english(rows)
    blisses = [r["bliss"] for r in rows]
    realised = to_english(blisses)
    checked = acceptable_many(blisses, realised)
    assert [b for b, e, ok in zip(blisses, realised, checked) if is_acceptable(b, e, listed[b]) and not ok] == []
    model = [r["original"] if i % 2 else r["original"].replace("e", "ee", 1).replace(" to ", " ")
             for i, r in enumerate(rows)]
    hybrid = [english for english, _ in hybrid_b2e(blisses, model)]
    for bliss, by_rules, chosen in zip(blisses, realised, hybrid):
        if is_acceptable(bliss, by_rules, listed[bliss]):
            assert is_acceptable(bliss, chosen, listed[bliss]), (bliss, chosen)


@pytest.mark.parametrize(("english", "found"), [("I are lonely.", ["I are"]), ("He go home.", ["He go"]),
                                                ("I goes home.", ["I goes"]), ("You was late.", ["You was"]),
                                                ("I am lonely.", []), ("He swam in the sea.", []),
                                                ("If I were you, I would go.", []), ("Are you hungry?", [])])
def test_a_verb_that_disagrees_with_its_pronoun_subject_is_found(english, found):
    from babybliss.grammar.nlp import load_nlp

    assert disagreements(load_nlp()(english)) == found


def test_a_reading_whose_verb_disagrees_with_its_subject_is_not_acceptable():
    """`I are lonely.` round-trips to `present:I be lonely.`: the rules write `be` for every form of it."""
    assert not acceptable("present:I lonely.", "I are lonely.")
    assert acceptable("present:I lonely.", "I am lonely.")


def test_a_parent_word_is_the_same_person_with_a_capital_or_without():
    assert acceptable("present:where father.", "Where is Father?")  # round trip `present:where Father be?`
    assert acceptable("present:father help me.", "Father helps me.")
    assert not acceptable("present:Caspian parrot repeat riddle.", "caspian parrots the repeat riddle.")
