"""The English -> Bliss systems: rules, model, hybrid, and which one `generate` uses by default."""

from __future__ import annotations

import pytest

import babybliss.convert.generate  # noqa: F401  (imported before load_model is patched, so they keep the real one)
import babybliss.training.train  # noqa: F401
from babybliss.training import models
from babybliss.cli.commands import main
from babybliss.config import load_config
from babybliss.errors import BlissError
from babybliss.convert.hybrid import combine, convert_e2b, default_system, words_of
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


def test_words_of_ignores_order_case_and_end_mark():
    assert words_of("past:Dog old sleep.") == words_of("past:old dog sleep.")
    assert words_of("past:dog old sleep.") != words_of("present:dog old sleep.")
    assert words_of("past:dog sleep.") != words_of("past:dog old sleep.")


@pytest.mark.parametrize(
    ("rules", "model", "expected"),
    [
        ("past:dog old sleep.", "past:dog old sleep.", "past:dog old sleep."),  # agree
        ("past:I listen carefully to story.", "past:I listen to story carefully.", "past:I listen to story carefully."),
        ("past:dog old sleep.", "past:dog sleep.", "past:dog old sleep."),  # the model dropped a subject adjective
        ("past:dog old sleep.", "past:dog big sleep.", "past:dog old sleep."),  # swapped in a training-set word
        ("present progressive:We be bake bread.", "present:We bake bread.", "present progressive:We be bake bread."),
        ("", "past:dog sleep.", "past:dog sleep."),  # no rule answer: the model's
        ("past:dog sleep.", "", "past:dog sleep."),
    ],
)
def test_combine_keeps_the_model_only_where_the_rules_vouch_for_its_words(rules, model, expected):
    assert combine([rules], [model]) == [expected]


def test_combine_trusts_the_model_where_the_rules_are_unsure():
    rules, model = ["past:I could swim."], ["present:I could swim."]
    assert combine(rules, model, [False]) == model
    assert combine(rules, model, [True]) == rules
    assert combine(rules, [""], [False]) == rules


def test_combine_needs_one_answer_each():
    with pytest.raises(ValueError):
        combine(["past:a."], [])


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
    assert convert_e2b(config, "hybrid", texts, adapter=str(tiny_run / "epoch-1")) == combine(list(RULES.values()), model_answers)
    assert main(["generate", "--adapter", str(tiny_run / "epoch-1"), "--system", "hybrid", "--direction", "e2b",
                 "--set", "generate.max_new_tokens=8", *texts]) == 0
    assert capsys.readouterr().out.splitlines() == list(RULES.values())


def test_hybrid_writes_the_models_answer_without_a_space_after_the_marker():
    from babybliss.convert.hybrid import combine

    assert combine(["past:ferry arrive at harbor."], ["past: ferry arrive at harbor."]) == ["past:ferry arrive at harbor."]
