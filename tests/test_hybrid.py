"""The English -> Bliss systems: rules, model, hybrid, and which one `generate` uses by default."""

from __future__ import annotations

import pytest

import babybliss.convert.generate  # noqa: F401  (imported before load_model is patched, so they keep the real one)
import babybliss.training.train  # noqa: F401
from babybliss.training import models
from babybliss.cli.commands import main
from babybliss.config import load_config
from babybliss.errors import BlissError
from babybliss.convert.hybrid import combine, convert_e2b, default_system
from babybliss.grammar.rules import Conversion

RULES = {
    "The old dog slept.": "past:dog old sleep.",
    "We are baking bread.": "present progressive:We be bake bread.",
}


@pytest.fixture
def fake_rules(monkeypatch):
    """The rule converter replaced by a table (the real one is tested with its own sentences)."""
    calls = []

    def convert(sentences):
        calls.append(list(sentences))
        return [Conversion(s, RULES.get(s, "present:thing.")) for s in sentences]

    monkeypatch.setattr("babybliss.grammar.rules.convert", convert)
    return calls


@pytest.mark.parametrize(
    ("rules", "model", "expected"),
    [
        ("past:dog old sleep.", "past:dog old sleep.", "past:dog old sleep."),  # agree
        ("past:I listen carefully to story.", "past:I listen to story carefully.", "past:I listen carefully to story."),
        ("past:dog old sleep.", "past:dog sleep.", "past:dog old sleep."),  # the model dropped a subject adjective
        ("past:dog old sleep.", "past:dog big sleep.", "past:dog old sleep."),  # swapped in a training-set word
        ("present progressive:We be bake bread.", "present:We bake bread.", "present progressive:We be bake bread."),
        ("", "past:dog sleep.", "past:dog sleep."),  # no rule answer: the model's
        ("past:dog sleep.", "", "past:dog sleep."),
    ],
)
def test_combine_keeps_the_rules_answer_where_they_are_sure(rules, model, expected):
    assert combine([rules], [model], [True]) == [expected]


def test_combine_asks_the_model_only_where_the_rules_are_unsure():
    rules, model = ["past:I could swim."], ["conditional:I can swim."]
    assert combine(rules, model, [False]) == model
    assert combine(rules, model, [True]) == rules
    assert combine(rules, [""], [False]) == rules
    assert combine(rules, ["I could swim."], [False]) == rules  # not Bliss: no marker
    assert combine(["no marker."], model, [True]) == model  # the rules could not convert


def test_combine_needs_to_know_where_the_rules_are_sure():
    with pytest.raises(TypeError):
        combine(["past:a."], ["past:b."])  # noqa: the confidence is a required argument


def test_combine_needs_one_answer_each():
    with pytest.raises(ValueError):
        combine(["past:a."], [], [True])


def test_default_system():
    assert default_system() == "rules"
    assert default_system("runs/x/epoch-4") == "hybrid"


def test_unknown_system_is_an_error():
    with pytest.raises(BlissError, match="unknown system"):
        convert_e2b(load_config(), "oracle", ["We walk."])


def test_generate_without_adapter_uses_the_rules_and_loads_no_model(fake_rules, monkeypatch, capsys):
    def no_model(*args, **kwargs):
        raise AssertionError("the default system must not load a model")

    monkeypatch.setattr(models, "load_model", no_model)
    monkeypatch.setattr("babybliss.convert.generate.load_model", no_model)
    assert main(["generate", "--direction", "e2b", *RULES]) == 0
    assert capsys.readouterr().out.splitlines() == list(RULES.values())
    assert fake_rules == [list(RULES)]


def test_generate_with_a_model_stays_the_model(fake_rules, capsys):
    assert main(["generate", "--model", "tiny", "--direction", "e2b", "--set", "generate.max_new_tokens=2", "We walk."]) == 0
    assert fake_rules == []


def test_hybrid_with_the_tiny_adapter(fake_rules, tiny_run, tiny_run_config, capsys):
    """The random tiny model never produces the rules' words, so the hybrid answers with the rules throughout."""
    texts = list(RULES)
    config = tiny_run_config
    config.generate.max_new_tokens = 8
    model_answers = convert_e2b(config, "model", texts, adapter=str(tiny_run / "epoch-1"))
    assert convert_e2b(config, "hybrid", texts, adapter=str(tiny_run / "epoch-1")) == combine(
        list(RULES.values()), model_answers, [True] * len(texts))
    assert main(["generate", "--adapter", str(tiny_run / "epoch-1"), "--system", "hybrid", "--direction", "e2b",
                 "--set", "generate.max_new_tokens=8", *texts]) == 0
    assert capsys.readouterr().out.splitlines() == list(RULES.values())


def test_hybrid_writes_the_models_answer_without_a_space_after_the_marker():
    from babybliss.convert.hybrid import combine

    assert combine(["past:ferry arrive at harbor."], ["past: ferry arrive at harbor."], [False]) == [
        "past:ferry arrive at harbor."]


UNSURE = "I could swim."


@pytest.fixture
def half_sure_rules(monkeypatch):
    """Rules sure of RULES' sentences and unsure of UNSURE (a construction they do not cover)."""

    def convert(sentences):
        return [Conversion(s, RULES[s]) if s in RULES else Conversion(s, "present:I could swim.", ["'could'"])
                for s in sentences]

    monkeypatch.setattr("babybliss.grammar.rules.convert", convert)


def test_generate_hybrid_keeps_the_rules_confidence(half_sure_rules, tiny_run, monkeypatch, capsys):
    """`generate --system hybrid`: the model answers the sentence the rules are unsure of, and only that one. Drop the
    rules' confidence anywhere on the way (all sure: the rules' answer; none sure: the model's everywhere) and this
    fails."""
    texts = [*RULES, UNSURE]
    answers = {text: f"past:model answer {i}." for i, text in enumerate(texts)}
    asked: list[str] = []

    def model_answers(config, adapter, texts, loaded=None):
        asked.extend(texts)
        return [answers[t] for t in texts]

    monkeypatch.setattr("babybliss.convert.hybrid.model_answers", model_answers)
    assert main(["generate", "--adapter", str(tiny_run / "epoch-1"), "--system", "hybrid", "--direction", "e2b",
                 *texts]) == 0
    assert capsys.readouterr().out.splitlines() == [*RULES.values(), answers[UNSURE]]
    assert asked == [UNSURE]


def test_on_the_novel_set_the_hybrid_never_does_worse_than_the_rules_where_they_are_sure():
    """The real rule converter on the shipped novel set against a model that uses the rules' words in another order
    (the case that used to lower the rules' score), and against a model that knows every answer."""
    import json

    from babybliss.data.pairs import novel_path
    from babybliss.convert.hybrid import rule_conversions
    from babybliss.evaluation.metrics import exact_match

    pairs = json.loads(novel_path().read_text(encoding="utf-8"))
    by_rules, sure = rule_conversions([p["original"] for p in pairs])
    shuffled = [f"{b.partition(':')[0]}:{' '.join(reversed(b.partition(':')[2].rstrip('.?!').split()))}." for b in by_rules]
    hybrid = combine(by_rules, shuffled, sure)
    assert sum(sure) > 0.9 * len(pairs)
    for pair, rules_answer, hybrid_answer, confident in zip(pairs, by_rules, hybrid, sure):
        if confident:
            assert hybrid_answer == rules_answer
            assert exact_match(hybrid_answer, pair["bliss"]) >= exact_match(rules_answer, pair["bliss"])
    knowing = combine(by_rules, [p["bliss"] for p in pairs], sure)
    right = lambda answers: sum(exact_match(a, p["bliss"]) for a, p in zip(answers, pairs))  # noqa: E731
    assert right(knowing) >= right(by_rules)
