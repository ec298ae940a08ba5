"""The rule converter on words spaCy's small model rarely saw: one test per construction it reads by the lexicon rather
than by spaCy's tags (docs/conceptual-bliss.md §3, §6, §7), and the shipped `rare` set. Sentences written for these
tests, in none of the corpora."""

from __future__ import annotations

import signal

import pytest

from babybliss.grammar import repairs
from babybliss.grammar.nlp import parse
from babybliss.grammar.rules import convert

CASES = {
    "a colour or material noun before a noun is an adjective (§6)": [
        ("The tailor hemmed a mauve chiffon scarf.", "past:tailor hem scarf mauve chiffon."),
    ],
    "a verb form read by its spelling, not its place": [
        ("The cooks pureed the carrots.", "past:cooks puree carrots."),  # tagged as a present verb
        ("The ferrymen tow the gigantic barge unhappily.", "present:ferrymen tow unhappily barge gigantic."),  # as a past
    ],
    "an -ly adverb read as a noun belongs to the verb (§7)": [
        ("I scrubbed up the greasy skillet meekly.", "past:I scrub up meekly skillet greasy."),
        ("The jeweller buffed the bracelet meekly.", "past:jeweller buff meekly bracelet."),
    ],
    "a noun phrase read by its words' classes (§6)": [
        ("The ranger will lasso a nosy wiggly calf next Friday.", "future:ranger lasso calf nosy wiggly Friday next."),
        ("She will not groom nosy frisky ferrets next week.", "future:She not groom ferrets nosy frisky week next."),
    ],
    "a question's verb that is also a noun, read into its subject, is the verb and `do` its auxiliary": [
        ("Does the old neighbour duck?", "present:neighbour old duck?"),
        ("Did my cousin motion near the gate?", "past:my cousin motion near gate?"),
        ("Do you till the garden in spring?", "present:You till garden in spring?"),
    ],
    "a subordinate clause's head read as a plural noun is its verb": [
        ("Grandpa naps when the puppy snores beside the fire.", "present:Grandpa nap when puppy snore beside fire."),
    ],
    "a noun with its determiner and adjective, or before its verb, gets no do-support reading": [
        ("These boots are too tight.", "present:these boots be too tight."),
        ("The upholsterer stuffs the velvet cushions.", "present:upholsterer stuff cushions velvet."),
    ],
    "a rare verb read as a noun is parsed as a common verb in its place": [
        ("You tether goats in the orchard every summer.", "present:You tether goats in orchard summer."),
        ("Is the pony going to canter?", "future:pony canter?"),
    ],
}


@pytest.fixture(scope="module")
def converted():
    from babybliss.grammar.rules import convert

    english = [e for cases in CASES.values() for e, _ in cases]
    return {c.english: c.bliss for c in convert(english)}


@pytest.mark.parametrize("construction", list(CASES))
def test_construction(construction, converted):
    for english, bliss in CASES[construction]:
        assert converted[english] == bliss, english


def test_a_verb_in_oes_has_its_base_form():
    from babybliss.grammar.lexicon import verb_base

    assert verb_base("tiptoes") == ("tiptoe", "s")
    assert verb_base("goes") == ("go", "s")


def test_colour_and_material_nouns_are_adjective_words_but_things_made_of_them_are_not():
    from babybliss.grammar.lexicon import adjective_word

    assert adjective_word("turquoise") and adjective_word("bamboo") and adjective_word("tweed")
    assert not adjective_word("handkerchief") and not adjective_word("tombstone")


def test_rule_converter_exact_match_on_rare_set():
    from babybliss.data.pairs import load_pairs, rare_path
    from babybliss.evaluation.metrics import exact_match_rate
    from babybliss.grammar.rules import to_bliss

    rare = load_pairs(rare_path())[0]
    assert exact_match_rate(to_bliss([p["original"] for p in rare]), [p["bliss"] for p in rare]) >= 0.95


def test_a_noun_phrase_rebuilt_under_a_word_of_its_own_attachment_is_left_as_parsed():
    # the rebuilt phrase's attachment lay inside the words it moved: its head became its own ancestor and every
    # tree walk after it (the pool's build, a served request) never ended
    signal.alarm(60)
    try:
        bliss = convert(["Does the silly driver lam under her incorrect maintainable rendering continually?"])[0].bliss
    finally:
        signal.alarm(0)
    assert bliss.startswith("present:") and "render" in bliss


def test_repairs_that_would_make_a_token_its_own_ancestor_are_undone(monkeypatch):
    def loop(token):  # a repair that hangs the root under its first child
        children = list(token.children)
        if token.head.i == token.i and children:
            token.head = children[0]
            return "looped"
        return None

    monkeypatch.setattr(repairs, "_REPAIRS", (loop,))
    doc = parse(["The dog chased the cat."])[0]
    notes = repairs.fix_tags(doc)
    assert notes == [] and repairs._acyclic({t.i: t.head.i for t in doc})
