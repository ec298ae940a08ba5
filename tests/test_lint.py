"""`babybliss data lint`: disagreements with the rule converter, grouped by kind, naming each entry."""

from __future__ import annotations

import pytest

from babybliss.cli.commands import main
from babybliss.data.lint import KINDS, classify, lint_pairs
from conftest import write_json


@pytest.mark.parametrize(
    ("kind", "theirs", "rules"),
    [
        ("marker differs", "present:I read book night last.", "past:I read book night last."),
        ("verb not in base form", "past:We went to lake.", "past:We go to lake."),
        ("verb not in base form", "present:She bakes bread.", "present:She bake bread."),
        ("word repeated", "past:cat chase chase mouse.", "past:cat chase mouse."),
        ("word dropped", "future:sun set evening.", "future:sun set slowly evening."),
        ("preposition moved", "future:They have in picnic park.", "future:They have picnic in park."),
        ("other", "future:She wake up morning early.", "future:She wake up early morning."),
        ("other", "past:dog bark at cat.", "past:dog howl at cat."),
    ],
)
def test_classify(kind, theirs, rules):
    assert classify(theirs, rules) == kind


def test_lint_pairs_names_only_the_disagreeing_entries():
    pairs = [
        {"original": "The dog barked at the cat.", "bliss": "past:dog bark at cat."},
        {"original": "Lena went to the lake.", "bliss": "past:Lena went to lake."},
        {"original": "We will have a picnic in the park.", "bliss": "future:We have in picnic park."},
    ]
    findings = lint_pairs(pairs)
    assert [(f.where, f.kind) for f in findings] == [("entry 2 (1-based)", "verb not in base form"),
                                                    ("entry 3 (1-based)", "preposition moved")]
    assert findings[1].rules == "future:We have picnic in park."


def test_cli_groups_by_kind_with_counts(tmp_path, capsys):
    pairs = [
        {"original": "Lena went to the lake.", "bliss": "past:Lena went to lake."},
        {"original": "Lena went to the lake.", "bliss": "past:Lena went to lake."},
        {"original": "The sun will set slowly.", "bliss": "future:sun set."},
        {"original": "Omar paints doors.", "bliss": "present:Omar paint doors."},
    ]
    path = write_json(tmp_path / "pairs.json", pairs)
    assert main(["data", "lint", str(path)]) == 0
    out = capsys.readouterr().out.splitlines()
    assert out[0] == f"{path}: 4 entries, 3 disagree with the rule converter"
    counts = dict(line.strip().split(": ") for line in out[1 : 1 + len(KINDS)])
    assert counts["verb not in base form"] == "2" and counts["word dropped"] == "1" and counts["other"] == "0"
    group = out.index("verb not in base form (2):")
    assert out[group + 1] == "  entry 1 (1-based): Lena went to the lake."
    assert out[group + 4] == "  entry 2 (1-based): Lena went to the lake."
    assert not any("Omar" in line for line in out)


def test_cli_names_the_bad_entry(tmp_path, capsys):
    path = write_json(tmp_path / "bad.json", [{"original": "Hi there.", "bliss": "no marker here."}])
    assert main(["data", "lint", str(path)]) == 2
    err = capsys.readouterr().err
    assert str(path) in err and "entry 1 (1-based)" in err
