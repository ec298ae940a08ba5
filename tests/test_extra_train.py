"""Training-data levers as data.extra_train entries: rule-made pairs and name-swap augmentation."""

from __future__ import annotations

import json

import pytest

from babybliss.config import load_config
from babybliss.data.pairs import DataError
from babybliss.data.prepare import prepare
from babybliss.data.extra_train import english_path, extra_pairs, names_in, swap_names
from babybliss.grammar.rules import Conversion
from conftest import make_pairs, write_json


@pytest.fixture
def fake_rules(monkeypatch):
    def convert(sentences):
        """Unsure of sentences with `odd`, no marker for those with `bare`, else a made-up past sentence."""
        return [
            Conversion(s, "bare" if "bare" in s else "past:" + s.lower().rstrip(".") + ".", ["odd"] if "odd" in s else [])
            for s in sentences
        ]

    monkeypatch.setattr("babybliss.grammar.rules.convert", convert)


@pytest.fixture
def no_novel(monkeypatch, tmp_path):
    monkeypatch.setattr("babybliss.data.extra_train.evaluation_set_path", lambda name: tmp_path / f"absent-{name}.json")


def test_rules_file_becomes_pairs(tmp_path, fake_rules, no_novel):
    english = tmp_path / "english.txt"
    english.write_text("Ada walked.\n\nAn odd one.\nA bare one.\nBo sang.\n")
    assert extra_pairs(f"rules:{english}", []) == [
        {"original": "Ada walked.", "bliss": "past:ada walked."},
        {"original": "Bo sang.", "bliss": "past:bo sang."},
    ]


def test_rules_english_is_the_shipped_sentences(fake_rules, no_novel):
    sentences = english_path().read_text().splitlines()
    assert len(set(sentences)) == len(sentences) >= 500
    assert len(extra_pairs("rules:english", [])) == len(sentences)


def test_shipped_sentences_are_not_in_the_novel_set():
    from babybliss.data.pairs import novel_path

    if not novel_path().is_file():
        pytest.skip("the novel set is not shipped yet")
    novel = {p["original"].lower() for p in json.loads(novel_path().read_text())}
    assert not novel & {s.lower() for s in english_path().read_text().splitlines()}


def test_novel_pairs_are_never_added(tmp_path, fake_rules, monkeypatch):
    english = tmp_path / "english.txt"
    english.write_text("Ada walked.\nBo sang.\n")
    novel = write_json(tmp_path / "novel.json", [{"original": "Bo sang.", "bliss": "past:bo sing."}])
    monkeypatch.setattr("babybliss.data.extra_train.evaluation_set_path",
                        lambda name: novel if name == "novel" else tmp_path / f"absent-{name}.json")
    assert [p["original"] for p in extra_pairs(f"rules:{english}", [])] == ["Ada walked."]


def test_name_swap_changes_names_on_both_sides_only():
    pair = {"original": "On Monday, Ana gave He-Man's book to Ivo.", "bliss": "past:Ana give book to Ivo on Monday."}
    assert names_in(pair) == ["Ana", "Ivo"]
    (swapped,) = swap_names([pair, {"original": "She slept.", "bliss": "past:She sleep."}], seed=1)
    new_names = names_in(swapped)
    assert len(new_names) == 2 and not {"Ana", "Ivo"} & set(new_names)
    assert "Monday" in swapped["bliss"] and "Monday" in swapped["original"]
    for name in new_names:
        assert name in swapped["original"] and name in swapped["bliss"]
    assert swap_names([pair], seed=1) == swap_names([pair], seed=1)


def test_unknown_augmentation_is_an_error():
    with pytest.raises(DataError, match="augment:names"):
        extra_pairs("augment:colours", [])


def test_prepare_adds_levers_to_the_training_split_only(tmp_path, fake_rules, no_novel):
    data = write_json(tmp_path / "pairs.json", make_pairs(40))
    english = tmp_path / "english.txt"
    english.write_text("Ada walked.\nBo sang.\n")
    base = load_config(None, [f"data.path={data}", "data.validation_fraction=0.2", "data.test_fraction=0.2"])
    plain = prepare(base, tmp_path / "plain")
    levers = load_config(None, [f"data.path={data}", "data.validation_fraction=0.2", "data.test_fraction=0.2",
                                f'data.extra_train=["rules:{english}", "augment:names"]'])
    summary = prepare(levers, tmp_path / "levers")
    assert summary["splits"]["train"] == plain["splits"]["train"] + 2  # make_pairs has no names to swap
    assert summary["splits"]["test"] == plain["splits"]["test"]
    assert "Ada walked." in (tmp_path / "levers" / "train.jsonl").read_text()


def test_prepare_drops_an_extra_pair_that_differs_from_a_held_out_one_only_in_case_or_spacing(tmp_path, no_novel):
    from babybliss.io import read_jsonl

    data = write_json(tmp_path / "pairs.json", make_pairs(40))
    base = ["data.validation_fraction=0.2", "data.test_fraction=0.2", f"data.path={data}"]
    prepare(load_config(None, base), tmp_path / "plain")
    held = read_jsonl(tmp_path / "plain" / "test.jsonl")[0]
    twin = {"original": "  " + held["original"].upper().replace(" ", "  "), "bliss": "present:something else 99."}
    extra = write_json(tmp_path / "extra.json", [twin, {"original": "A new one.", "bliss": "present:new one."}])
    summary = prepare(load_config(None, base + [f'data.extra_train=["{extra}"]']), tmp_path / "extra")
    train = (tmp_path / "extra" / "train.jsonl").read_text()
    assert "A new one." in train and "something else 99" not in train
    assert summary["splits"]["train"] == 24 + 1
