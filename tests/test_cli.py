from __future__ import annotations

import argparse
import json
import subprocess
import sys
from pathlib import Path

import pytest

from babybliss.cli.commands import build_parser, main
from conftest import make_pairs, write_json


def _subcommands(parser: argparse.ArgumentParser, prefix: tuple[str, ...] = ()) -> list[tuple[str, ...]]:
    found = []
    for action in parser._actions:
        if isinstance(action, argparse._SubParsersAction):
            for name, sub in action.choices.items():
                found.append(prefix + (name,))
                found.extend(_subcommands(sub, prefix + (name,)))
    return found


SUBCOMMANDS = _subcommands(build_parser())


def test_expected_subcommands_exist():
    names = {" ".join(c) for c in SUBCOMMANDS}
    for name in ("data check", "data prepare", "download", "info", "original-use", "finetune", "export",
                 "generate", "score", "evaluate", "report", "slurm", "demo"):
        assert name in names


def test_top_level_help(capsys):
    with pytest.raises(SystemExit) as exit_:
        main(["--help"])
    assert exit_.value.code == 0
    out = capsys.readouterr().out
    assert "usage: babybliss" in out and "finetune" in out


@pytest.mark.parametrize("command", SUBCOMMANDS, ids=" ".join)
def test_subcommand_help(capsys, command):
    with pytest.raises(SystemExit) as exit_:
        main([*command, "--help"])
    assert exit_.value.code == 0
    assert "usage: babybliss " + " ".join(command) in capsys.readouterr().out


def test_no_command_is_a_usage_error(capsys):
    with pytest.raises(SystemExit) as exit_:
        main([])
    assert exit_.value.code == 2


def test_console_script_help():
    script = Path(sys.executable).with_name("babybliss")
    if not script.is_file():
        pytest.skip("the babybliss console script is not installed beside this python")
    result = subprocess.run([str(script), "--help"], capture_output=True, text=True, timeout=60)
    assert result.returncode == 0
    assert "usage: babybliss" in result.stdout


# ------------------------------------------------------------------ data


def test_data_check_good_file(tmp_path, capsys):
    pairs = make_pairs(8)
    path = write_json(tmp_path / "p.json", pairs + pairs[:1])
    assert main(["data", "check", str(path)]) == 0
    out = capsys.readouterr().out
    assert f"{path}: 9 entries, 8 unique pairs (1 exact duplicates removed), 8 distinct Bliss sentences" in out
    assert "present progressive: 2, past: 2, present: 2, future: 2" in out
    assert "no English sentence has two Bliss forms" in out


def test_data_check_bad_file(tmp_path, capsys):
    path = write_json(tmp_path / "bad.json", make_pairs(3) + [{"original": "We walk.", "bliss": "We walk."}])
    assert main(["data", "check", str(path)]) == 2
    captured = capsys.readouterr()
    assert captured.out == ""
    assert str(path) in captured.err
    assert "entry 4 (1-based)" in captured.err and "no tense marker" in captured.err
    assert "Traceback" not in captured.err


def test_data_check_missing_file(tmp_path, capsys):
    assert main(["data", "check", str(tmp_path / "none.json")]) == 2
    assert "not found" in capsys.readouterr().err


def test_data_prepare_writes_folder(tmp_path, capsys):
    path = write_json(tmp_path / "p.json", make_pairs(20))
    out = tmp_path / "prepared"
    assert main(["data", "prepare", "--data", str(path), "--out", str(out), "--set", "data.seed=3"]) == 0
    summary = json.loads(capsys.readouterr().out)
    assert summary["pairs"] == 20 and summary["seed"] == 3
    for name in ("train.jsonl", "validation.jsonl", "test.jsonl", "sft/train.jsonl", "sft/validation.jsonl", "summary.json"):
        assert (out / name).is_file(), name
    assert json.loads((out / "summary.json").read_text()) == summary


def test_data_prepare_bad_file_writes_nothing(tmp_path, capsys):
    path = write_json(tmp_path / "p.json", [{"original": "x"}])
    out = tmp_path / "prepared"
    assert main(["data", "prepare", "--data", str(path), "--out", str(out)]) == 2
    assert "missing key 'bliss'" in capsys.readouterr().err
    assert not out.exists()


# ------------------------------------------------------------------ config errors


def test_unknown_set_key_exits_2(capsys):
    assert main(["info", "--set", "train.learnin_rate=1"]) == 2
    err = capsys.readouterr().err
    assert "babybliss: error:" in err
    assert "unknown key 'learnin_rate'" in err and "learning_rate" in err
    assert "Traceback" not in err


def test_unknown_set_section_exits_2(capsys):
    assert main(["info", "--set", "trian.epochs=2"]) == 2
    err = capsys.readouterr().err
    assert "unknown key 'trian'" in err and "train" in err


def test_bad_set_value_exits_2(capsys):
    assert main(["info", "--set", "lora.r=big"]) == 2
    assert "lora.r" in capsys.readouterr().err


def test_missing_config_file_exits_2(tmp_path, capsys):
    assert main(["info", "--config", str(tmp_path / "nope.toml")]) == 2
    assert "not found" in capsys.readouterr().err


# ------------------------------------------------------------------ info, generate, score


def test_info_runs(capsys):
    assert main(["info", "--model", "tiny"]) == 0
    out = capsys.readouterr().out
    assert "torch" in out and "transformers" in out
    assert "configured model: tiny" in out
    assert "cache folder:" in out


def test_info_accepts_shipped_config_name(capsys):
    assert main(["info", "--config", "llama2-7b-qlora"]) == 0
    assert "configured model: meta-llama/Llama-2-7b-hf" in capsys.readouterr().out


def test_generate_with_tiny(capsys):
    code = main(["generate", "--model", "tiny", "--direction", "e2b", "--set", "generate.max_new_tokens=3",
                 "We walk.", "She will sing."])
    assert code == 0
    # one answer line per sentence (the random model's answers may be blank)
    assert capsys.readouterr().out.count("\n") == 2


def test_generate_needs_input(capsys):
    assert main(["generate", "--model", "tiny", "--direction", "e2b"]) == 2
    assert "give sentences" in capsys.readouterr().err


def test_generate_needs_direction(capsys):
    assert main(["generate", "--model", "tiny", "--set", "generate.max_new_tokens=1", "We walk."]) == 2
    assert "--direction" in capsys.readouterr().err


def test_score_json(capsys):
    code = main(["score", "--json", "--original", "We will visit the museum next week.",
                 "--expected", "future:We visit museum week next.", "--generated", "future:We visit museum next week."])
    assert code == 0
    scores = json.loads(capsys.readouterr().out)
    assert set(scores) == {"semantic_coherence", "novelty", "readability"}
    assert 0.5 < scores["semantic_coherence"] <= 1.0 + 1e-6
    assert all(isinstance(v, float) for v in scores.values())


def test_generate_b2e_defaults_to_the_hybrid_with_a_model(tiny_run, capsys):
    """With an adapter, Bliss -> English is the hybrid: the tiny model's English does not convert back, so the rule
    realiser's answers; `--system model` gives the model's own."""
    args = ["generate", "--adapter", str(tiny_run / "epoch-1"), "--direction", "b2e", "--set",
            "generate.max_new_tokens=4", "present:locksmith fix lock."]
    assert main(args) == 0
    assert capsys.readouterr().out.strip() == "The locksmith fixes the lock."
    assert main([*args, "--system", "model"]) == 0
    assert capsys.readouterr().out.strip() != "The locksmith fixes the lock."

@pytest.mark.parametrize(
    "argv, number",
    [
        (["rules", ""], 1),
        (["rules", "   "], 1),
        (["rules", "I like pizza.", " "], 2),
        (["symbols", ""], 1),
        (["symbols", "present:I walk.", "  "], 2),
        (["generate", ""], 1),
        (["generate", "--direction", "b2e", "   "], 1),
        (["generate", "--direction", "e2b", "--adapter", "none", "We walk.", ""], 2),
    ],
)
def test_an_empty_sentence_is_an_error(argv, number, capsys):
    assert main(argv) == 2
    captured = capsys.readouterr()
    assert captured.out == ""
    assert captured.err.splitlines() == [f"babybliss: error: sentence {number} (1-based) is empty; give a sentence with words"]


def test_an_empty_prompt_is_an_error(capsys):
    assert main(["generate", "--prompt", "  "]) == 2
    assert capsys.readouterr().err.splitlines() == ["babybliss: error: --prompt is empty; give the text to send"]


def _help_of(command: str, option: str) -> str:
    sub = build_parser()._subparsers._group_actions[0].choices[command]
    return sub._option_string_actions[option].help


def test_config_help_lists_every_shipped_config():
    shipped = sorted(p.stem for p in (Path(__file__).resolve().parents[1] / "src" / "babybliss" / "configs").glob("*.toml"))
    assert len(shipped) >= 6
    for command in ("demo", "experiment", "finetune", "generate", "evaluate"):
        listed = _help_of(command, "--config").partition("a shipped one: ")[2].split(", ")
        assert listed == shipped, command


def test_generate_help_says_the_defaults_the_command_uses(monkeypatch, capsys):
    from babybliss.cli.commands import GENERATE_DEFAULTS
    from babybliss.convert.shipped import shipped_adapter

    used = {}
    monkeypatch.setattr("babybliss.convert.generate.run_generate",
                        lambda config, adapter, direction, texts, prompt: used.update(b2e=adapter) or [])
    monkeypatch.setattr("babybliss.convert.hybrid.convert_e2b",
                        lambda config, system, texts, adapter: used.update(e2b=system) or [])
    monkeypatch.setattr("babybliss.evaluation.acceptable.hybrid_b2e",
                        lambda texts, answers: used.update(b2e_system="hybrid") or [])
    assert main(["generate", "--direction", "b2e", "present:I walk."]) == 0
    assert main(["generate", "--direction", "e2b", "I walk."]) == 0
    assert used == {"b2e": str(shipped_adapter()), "b2e_system": "hybrid", "e2b": "rules"}
    assert GENERATE_DEFAULTS["b2e"].startswith("the hybrid: the model's English where it is acceptable, else the rule")
    assert GENERATE_DEFAULTS["e2b"].startswith("the rule converter;")
    help_text = " ".join(_help_of("generate", "--system").split())
    assert f"e2b {GENERATE_DEFAULTS['e2b']}" in help_text and f"b2e {GENERATE_DEFAULTS['b2e']}" in help_text
