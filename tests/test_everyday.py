"""Everyday messages (docs/conceptual-bliss.md §16-17): one test per rule, expected Bliss written from the rule.

The sentences are written for these tests and are in none of the corpora."""

from __future__ import annotations

import pytest

from babybliss.grammar.notation import MARKERS, split_sentences, tense_marker

# rule of §16 -> [(English, Bliss)]
RULES = {
    "imperative: a command or request": [
        ("Open the window, please.", "imperative:open window please."),
        ("Please pass the salt.", "imperative:please pass salt."),
        ("Stop!", "imperative:stop!"),
        ("Don't forget your hat.", "imperative:not forget your hat."),
        ("Be careful.", "imperative:be careful."),
        ("Turn off the radio.", "imperative:turn off radio."),
        ("First wash your hands.", "imperative:wash first your hands."),  # an adverb of the verb before it
        ("Quickly close the door.", "imperative:close quickly door."),
    ],
    "let's": [
        ("Let's play cards.", "imperative:let us play cards."),
    ],
    "conditional: would, would like, could, might, may": [
        ("I would like a pear.", "conditional:I like pear."),
        ("I'd like some soup.", "conditional:I like some soup."),
        ("Could I have a pillow?", "conditional:I can have pillow?"),
        ("We might visit Oslo.", "conditional:We may visit Oslo."),
        ("It may rain.", "conditional:It may rain."),
    ],
    "past and future conditional": [
        ("I would have called you.", "past conditional:I call you."),
        ("She may come tomorrow.", "future conditional:She may come tomorrow."),
    ],
    "past and future progressive": [
        ("He was reading when I arrived.", "past progressive:He be read when I arrive."),
        ("We were watching a film.", "past progressive:We be watch film."),
        ("I will be working tomorrow.", "future progressive:I be work tomorrow."),
    ],
    "past perfect, used to": [
        ("I had eaten before you came.", "past:I eat before you come."),
        ("I used to swim.", "past:I used to swim."),
    ],
    "passive": [
        ("The vase was broken by the cat.", "past:vase be broken by cat."),
    ],
    "comparatives and superlatives": [
        ("My brother is taller than me.", "present:my brother be taller than me."),
        ("This is the biggest cake.", "present:this be cake biggest."),
        ("I want a softer pillow.", "present:I want pillow softer."),
    ],
    "demonstratives and quantifiers": [
        ("I like this song.", "present:I like this song."),
        ("Those shoes are wet.", "present:those shoes be wet."),
        ("I need some water.", "present:I need some water."),
        ("I have no money.", "present:I have no money."),
        ("We ate a lot of cake.", "past:We eat lot of cake."),
        ("All the cups are dirty.", "present:all cups be dirty."),
    ],
    "numbers, clock times, dates": [
        ("I have two dogs.", "present:I have two dogs."),
        ("The bus leaves at five o'clock.", "present:bus leave at five o'clock."),
        ("Take two pills at 8:30.", "imperative:take two pills at 8:30."),
        ("My birthday is on May 5.", "present:my birthday be on May 5."),
    ],
    "a time expression first": [
        ("Yesterday, we went to the zoo.", "past:We go to zoo yesterday."),
        ("Tomorrow I will visit Grandma.", "future:I visit Grandma tomorrow."),
        ("At six o'clock, we eat dinner.", "present:We eat dinner at six o'clock."),
    ],
    "verbless messages": [
        ("Yes.", "phrase:yes."),
        ("More juice, please.", "phrase:more juice please."),
        ("Ouch!", "phrase:ouch!"),
    ],
    "greetings and thanks": [
        ("Thank you.", "phrase:thank you."),
        ("Good morning.", "phrase:good morning."),
        ("Thank you for the flowers.", "phrase:thank you for flowers."),
        ("Hello, how are you?", "phrase:hello. present:how you be?"),
    ],
    "vocatives": [
        ("Mom, I am hungry.", "phrase:Mom. present:I be hungry."),
        ("Come here, Dad.", "imperative:come here. phrase:Dad."),
        ("Tom, can you help me?", "phrase:Tom. present:You can help me?"),  # a name that is also a word
        ("Anna, will you open the window?", "phrase:Anna. future:You open window?"),
        ("Yesterday, did you see the film?", "past:You see film yesterday?"),  # a time word is not a name
        ("Water, please.", "phrase:water please."),  # a thing asked for
    ],
    "tag and negative questions": [
        ("It's cold, isn't it?", "present:It be cold?"),
        ("Don't you like tea?", "present:You not like tea?"),
        ("Isn't it late?", "present:It not be late?"),
    ],
}

# §17: typed -> the tidy sentence it stands for (same Bliss)
TYPED = [
    ("i need the toilet", "I need the toilet."),
    ("im cold", "I'm cold."),
    ("dont touch that", "Don't touch that."),
    ("i cant find my phone", "I can't find my phone."),
    ("it wont open", "It won't open."),
    ("ill call you later", "I'll call you later."),
    ("i feel ill", "I feel ill."),
    ("its raining", "It's raining."),
    ("its tail is long", "Its tail is long."),
    ("are you coming", "Are you coming?"),
    ("where is my bag", "Where is my bag?"),
    ("stop!!", "Stop!"),
    ("can i have water??", "Can I have water?"),
    ("I   want   to go home .", "I want to go home."),
    ("I am happy 😀", "I am happy."),
    ("lets go outside", "Let's go outside."),
    ("call mom", "Call Mom."),
]

# the issue's table: typed -> Bliss by the rules of §16-17
TABLE = [
    ("i need the toilet", "present:I need toilet."),
    ("im cold", "present:I be cold."),
    ("We went to the beach. The water was warm.", "past:We go to beach. past:water be warm."),
    ("dad when are we leaving", "phrase:Dad. present progressive:when we be leave?"),
    ("Open the door, please.", "imperative:open door please."),
    ("Stop!", "imperative:stop!"),
    ("Don't forget your coat.", "imperative:not forget your coat."),
    ("I would like a sandwich.", "conditional:I like sandwich."),
    ("Could I have a blanket?", "conditional:I can have blanket?"),
    ("She may come tomorrow.", "future conditional:She may come tomorrow."),
    ("He was reading when I arrived.", "past progressive:He be read when I arrive."),
    ("I have two dogs.", "present:I have two dogs."),
    ("The bus leaves at five o'clock.", "present:bus leave at five o'clock."),
    ("Let's play a game.", "imperative:let us play game."),
    ("Thank you.", "phrase:thank you."),
    ("Hello, how are you?", "phrase:hello. present:how you be?"),
]


@pytest.fixture(scope="module")
def converted():
    from babybliss.grammar.rules import convert

    english = [e for cases in RULES.values() for e, _ in cases] + [e for pair in TYPED for e in pair]
    english += [e for e, _ in TABLE]
    return {c.english: c for c in convert(english)}


@pytest.mark.parametrize("rule", list(RULES))
def test_rule(rule, converted):
    for english, bliss in RULES[rule]:
        assert converted[english].bliss == bliss, english
        assert converted[english].confident, (english, converted[english].warnings)


@pytest.mark.parametrize("typed, tidy", TYPED)
def test_typed_input_gives_the_tidy_answer(typed, tidy, converted):
    assert converted[" ".join(typed.split())].bliss == converted[tidy].bliss


@pytest.mark.parametrize("english, bliss", TABLE)
def test_issue_table(english, bliss, converted):
    assert converted[english].bliss == bliss


def test_several_sentences_keep_their_order_and_markers(converted):
    conversion = converted["We went to the beach. The water was warm."]
    assert conversion.sentences == ["past:We go to beach.", "past:water be warm."]
    assert split_sentences(conversion.bliss) == conversion.sentences


def test_every_marker_is_read_back():
    for marker in MARKERS:
        assert tense_marker(f"{marker}:I go.") == marker
    assert tense_marker("phrase:hello. present:how you be?") == "phrase"
    assert split_sentences("present:I go.") == ["present:I go."]
    assert split_sentences("no marker. here") == ["no marker. here"]


def test_empty_and_emoji_only_input_is_unsure():
    from babybliss.grammar.rules import convert_one

    conversion = convert_one("😀")
    assert conversion.bliss == "" and not conversion.confident


def test_cli_explain_shows_warnings_and_json_carries_them(capsys):
    import json

    from babybliss.cli.commands import main

    assert main(["rules", "We met; it rained.", "im cold", "--explain"]) == 0
    out = capsys.readouterr().out.splitlines()
    assert out[0] == "past:We meet it rain."
    assert out[1].startswith("  UNSURE") and "';'" in out[2]
    assert "present:I be cold." in out and "  sure: im cold" in out
    assert main(["rules", "Hello, how are you?", "We met; it rained.", "--json"]) == 0
    first, second = [json.loads(line) for line in capsys.readouterr().out.splitlines()]
    assert first["sentences"] == ["phrase:hello.", "present:how you be?"] and first["confident"] is True
    assert second["confident"] is False and second["warnings"]


def test_api_returns_confident_and_warnings_per_result():
    from fastapi.testclient import TestClient

    from babybliss.config import ServeConfig
    from babybliss.serve import app as serve

    rules = serve.RuleConverter()
    app = serve.create_app({"e2b": rules, "b2e": rules}, ServeConfig(batch_window_ms=0), "rules")
    with TestClient(app, base_url="http://localhost") as client:  # an allowed host
        body = client.post("/v1/convert", json={"direction": "e2b", "sentences": [
            "We went to the beach. The water was warm.", "We met; it rained."]}).json()
        page = client.get("/").text
    sure, unsure = body["results"]
    assert sure["output"] == "past:We go to beach. past:water be warm."
    assert sure["confident"] is True and sure["warnings"] == []
    assert unsure["confident"] is False and any("';'" in w for w in unsure["warnings"])
    assert "&#34;imperative&#34;" in page or '"imperative"' in page  # the page reads the markers from MARKERS


# --- the data sets --------------------------------------------------------------------------------------------------


def _keys(pairs):
    return {" ".join(p["original"].split()).lower() for p in pairs} | {" ".join(p["bliss"].split()).lower() for p in pairs}


@pytest.fixture(scope="module")
def everyday():
    from babybliss.data.pairs import everyday_path, load_pairs

    pairs, report = load_pairs(everyday_path())
    assert report.duplicates == 0 and not report.conflicts
    return pairs


def test_everyday_set_is_large_covers_the_new_markers_and_typing(everyday):
    assert len(everyday) >= 300
    markers = {tense_marker(p["bliss"]) for p in everyday}
    assert {"imperative", "conditional", "phrase", "past progressive", "future progressive"} <= markers
    assert sum(p["original"][:1].islower() for p in everyday) >= 50  # typed fast
    assert sum(len(split_sentences(p["bliss"])) > 1 for p in everyday) >= 30  # several sentences, vocatives


def test_everyday_set_shares_nothing_with_the_corpus_novel_set_or_research_data(everyday):
    from pathlib import Path

    from babybliss.data.pairs import builtin_path, load_pairs, novel_path

    ours = _keys(everyday)
    assert not ours & _keys(load_pairs(builtin_path())[0])
    assert not ours & _keys(load_pairs(novel_path())[0])
    root = Path(__file__).resolve().parents[1]
    research = next((p / "shared" / "bliss.json" for p in root.parents[:2] if (p / "shared" / "bliss.json").is_file()), None)
    if research is not None:
        import json

        assert not ours & _keys(json.loads(research.read_text(encoding="utf-8")))


def test_rule_converter_exact_match_on_everyday_and_novel_sets(everyday):
    from babybliss.data.pairs import load_pairs, novel_path
    from babybliss.evaluation.metrics import exact_match_rate
    from babybliss.grammar.rules import to_bliss

    novel = load_pairs(novel_path())[0]
    for pairs in (everyday, novel):
        assert exact_match_rate(to_bliss([p["original"] for p in pairs]), [p["bliss"] for p in pairs]) >= 0.98


def test_lint_applies_the_everyday_conventions():
    from babybliss.data.lint import lint_pairs

    pairs = [
        {"original": "I have two dogs.", "bliss": "present:I have dogs."},  # the research habit: number dropped
        {"original": "Open the door, please.", "bliss": "present:open door please."},  # a command read as a statement
        {"original": "Hello, how are you?", "bliss": "phrase:hello. present:how you be?"},  # agrees
    ]
    findings = lint_pairs(pairs)
    assert [(f.english, f.kind) for f in findings] == [
        ("I have two dogs.", "word dropped"), ("Open the door, please.", "marker differs")]
