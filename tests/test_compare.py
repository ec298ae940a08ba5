"""`babybliss compare`: two tiny models on one split, one report with the rule converter as a row."""

from __future__ import annotations

import json

from babybliss.cli.commands import main
from babybliss.evaluation.compare import model_names
from babybliss.grammar.rules import Conversion
from conftest import TINY_RUN_OVERRIDES, make_pairs, write_json


def test_model_names_are_unique_and_short():
    assert model_names(["smollm2-135m", "tiny", "tiny", "/data/models/llama-7b/", "meta-llama/Llama-2-7b-hf"]) == [
        ("smollm2-135m", "smollm2-135m"),
        ("tiny", "tiny"),
        ("tiny-2", "tiny"),
        ("llama-7b", "/data/models/llama-7b/"),
        ("Llama-2-7b-hf", "meta-llama/Llama-2-7b-hf"),
    ]


def test_compare_two_tiny_models(tmp_path, monkeypatch, capsys):
    pairs = make_pairs(40)
    data = write_json(tmp_path / "pairs.json", pairs[:30])
    novel = write_json(tmp_path / "novel.json", pairs[30:])
    monkeypatch.setattr("babybliss.evaluation.compare.evaluation_set_path",
                        lambda name: novel if name == "novel" else tmp_path / f"absent-{name}.json")
    # The rule converter gets every novel pair right and every test pair wrong.
    answers = {p["original"]: p["bliss"] for p in pairs[30:]}
    monkeypatch.setattr("babybliss.grammar.rules.convert", lambda texts: [Conversion(s, answers.get(s, "past:x.")) for s in texts])
    out = tmp_path / "cmp"
    sets = [x for item in TINY_RUN_OVERRIDES if item != "train.max_steps=4" for x in ("--set", item)]
    code = main(["compare", "--models", "tiny,tiny", "--data", str(data), "--out", str(out), *sets,
                 "--set", "train.max_steps=1", "--set", "evaluate.max_examples=3", "--set", "generate.max_new_tokens=4"])
    assert code == 0, capsys.readouterr().err
    result = json.loads((out / "compare.json").read_text())
    assert result["models"] == {"tiny": "tiny", "tiny-2": "tiny"}
    rows = {row["model"]: row for row in result["rows"]}
    assert set(rows) == {"tiny", "tiny-2", "rules"}
    for name in ("tiny", "tiny-2"):
        row = rows[name]
        assert row["epochs"] == 1
        assert set(row["scores"]) == {"test", "novel"}
        assert all(set(row["scores"][split]) == {"e2b", "b2e"} for split in row["scores"])
        assert row["train_seconds"] > 0 and row["peak_memory_gib"] > 0
        assert (out / name / "epoch-1" / "adapter_config.json").is_file()
    # both models trained and scored on the same split
    assert (out / "tiny" / "data" / "test.jsonl").read_text() == (out / "tiny-2" / "data" / "test.jsonl").read_text()
    assert rows["rules"]["scores"]["novel"]["e2b"]["exact_match"] == 1.0
    assert rows["rules"]["scores"]["test"]["e2b"]["exact_match"] == 0.0
    assert rows["rules"]["scores"]["test"]["e2b"]["intervals"]["exact_match"] == [0.0, 0.0]
    low, high = rows["tiny"]["scores"]["test"]["e2b"]["intervals"]["chrf"]
    assert low <= rows["tiny"]["scores"]["test"]["e2b"]["chrf"] <= high
    markdown = (out / "compare.md").read_text()
    assert "| tiny-2 | 1 |" in markdown and "| rules | – | 0.0 [0.0–0.0] |" in markdown
    # the rule converter, right on all 3 novel pairs, against a leader that cannot be: 3 of 3 discordant items
    # give a McNemar mid-p of 2 * (1/8 - 1/16) = 0.125, so that difference does not hold
    assert "## What the data support" in markdown
    novel = markdown.split("### novel")[1]
    assert "| rules | e2b | 3 |" in novel and "| 0.125 |" in novel
    assert "novel e2b exact" in markdown
    html = (out / "compare.html").read_text()
    assert html.split("</table>")[0].count("<tr><th scope=\"row\">") == 3
    assert "<td>&lt;0.001</td>" in html


def test_compare_needs_models(capsys):
    assert main(["compare", "--models", " , "]) == 2
    assert "--models" in capsys.readouterr().err
