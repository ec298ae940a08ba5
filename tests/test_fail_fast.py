"""Bad input is refused before any model loads and before anything is written: every command that takes a pairs file
or a config checks them first (data.inputs, run_folder.check_start), with `data check`'s own messages, and a refused
run leaves no run folder, lock or resolved config behind."""

from __future__ import annotations

import fcntl
import importlib
import json
import os
from pathlib import Path

import pytest

from babybliss.cli.commands import main
from conftest import make_pairs, write_json
from test_light_commands import _run_command

LOADERS = ("babybliss.experiment.pipeline", "babybliss.training.train", "babybliss.training.original_use",
           "babybliss.evaluation.evaluate", "babybliss.convert.generate")
"""Every module that loads a model by `load_model`."""


class ModelLoaded(AssertionError):
    pass


@pytest.fixture
def no_model(monkeypatch):
    """Any model load fails the test: the check must come before it."""

    def refuse(*args, **kwargs):
        raise ModelLoaded("a model was loaded before the input was checked")

    for name in LOADERS:
        monkeypatch.setattr(importlib.import_module(name), "load_model", refuse)


def _bad_files(root: Path) -> dict[str, tuple[Path, str]]:
    """name: (file, what the one-line error says)."""
    good = make_pairs(6)
    lacking = write_json(root / "lacking.json", good[:2] + [{"original": "We walk."}] + good[2:])
    jsonl = root / "bad.jsonl"
    jsonl.write_text("".join(json.dumps(p) + "\n" for p in good[:3]) + "{not json\n", encoding="utf-8")
    broken = root / "broken.json"
    broken.write_text('[{"original": "We walk.", "bliss": "present:We walk."},', encoding="utf-8")
    return {
        "missing": (root / "missing.json", "file not found"),
        "entry lacking bliss": (lacking, "entry 3 (1-based): missing key 'bliss'"),
        "bad JSON": (broken, "not JSON"),
        "bad JSONL line": (jsonl, "line 4: not JSON"),
        "no pairs": (write_json(root / "empty.json", []), "holds no pairs"),
    }


BAD = ("missing", "entry lacking bliss", "bad JSON", "bad JSONL line", "no pairs")
COMMANDS = {
    "demo": ["demo", "--skip-original-use"],
    "demo with original use": ["demo"],
    "experiment": ["experiment", "--set", "model.spec=tiny"],
    "finetune": ["finetune", "--set", "model.spec=tiny"],
    "original-use": ["original-use", "--set", "model.spec=tiny"],
    "compare": ["compare", "--models", "tiny"],
}


def _refused(capsys, argv: list[str], problem: str, *where: Path) -> None:
    assert main(argv) == 2
    err = capsys.readouterr().err.strip().splitlines()
    assert len(err) == 1 and problem in err[0], err
    for path in where:
        assert str(path) in err[0]


@pytest.mark.parametrize("bad", BAD)
@pytest.mark.parametrize("command", list(COMMANDS))
def test_bad_data_is_refused_before_any_model_and_leaves_nothing(tmp_path, capsys, no_model, command, bad):
    path, problem = _bad_files(tmp_path)[bad]
    out = tmp_path / "run"
    _refused(capsys, COMMANDS[command] + ["--data", str(path), "--out", str(out)], problem, path)
    assert not out.exists()


def test_data_prepare_refuses_before_writing(tmp_path, capsys):
    path, problem = _bad_files(tmp_path)["entry lacking bliss"]
    _refused(capsys, ["data", "prepare", "--data", str(path), "--out", str(tmp_path / "data")], problem, path)
    assert not (tmp_path / "data").exists()


@pytest.mark.parametrize(
    "entry, problem",
    [
        ("generated:many", "expected generated:N"),
        ("augment:colours", "unknown augmentation"),
        ("rules:{root}/absent.txt", "absent.txt: file not found"),
        ("{root}/lacking.json", "entry 3 (1-based): missing key 'bliss'"),
    ],
)
def test_bad_extra_training_data_is_refused_before_any_model(tmp_path, capsys, no_model, entry, problem):
    _bad_files(tmp_path)
    pairs = write_json(tmp_path / "pairs.json", make_pairs(12))
    extra = entry.format(root=tmp_path)
    out = tmp_path / "run"
    argv = ["demo", "--data", str(pairs), "--out", str(out), "--set", f'data.extra_train=["{extra}"]']
    _refused(capsys, argv, problem)
    assert not out.exists()


def test_demo_on_bad_data_imports_no_torch(tmp_path):
    """`demo --data BAD` is answered at typing speed: refused before torch or transformers are imported."""
    path, _ = _bad_files(tmp_path)["entry lacking bliss"]
    result = _run_command(["demo", "--data", str(path), "--out", str(tmp_path / "run")])
    assert result["status"] == 2 and result["heavy"] == []
    assert not (tmp_path / "run").exists()


def test_a_busy_run_folder_is_refused_before_any_model_and_untouched(tmp_path, capsys, no_model):
    pairs = write_json(tmp_path / "pairs.json", make_pairs(12))
    out = tmp_path / "run"
    out.mkdir()
    fd = os.open(out / ".lock", os.O_RDWR | os.O_CREAT)
    os.write(fd, b"babybliss process 1 on elsewhere\n")
    fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
    try:
        _refused(capsys, ["demo", "--data", str(pairs), "--out", str(out)], "in use by babybliss process 1")
    finally:
        os.close(fd)
    assert sorted(p.name for p in out.iterdir()) == [".lock"]


def test_a_folder_of_another_run_is_refused_before_any_model_and_untouched(tmp_path, capsys, no_model):
    pairs = write_json(tmp_path / "pairs.json", make_pairs(12))
    out = tmp_path / "run"
    out.mkdir()
    (out / "run.json").write_text(json.dumps({"settings": {"lora.r": 1}, "data": {}}))
    _refused(capsys, ["demo", "--data", str(pairs), "--out", str(out)], "it holds another run")
    assert sorted(p.name for p in out.iterdir()) == ["run.json"]


def test_seeds_are_all_checked_before_the_first_trains(tmp_path, capsys, no_model):
    path, problem = _bad_files(tmp_path)["missing"]
    out = tmp_path / "run"
    _refused(capsys, ["finetune", "--set", "model.spec=tiny", "--seeds", "2", "--data", str(path), "--out", str(out)],
             problem)
    assert not out.exists()


def test_slurm_submit_checks_the_jobs_data_before_writing_the_script(tmp_path, capsys):
    path, problem = _bad_files(tmp_path)["entry lacking bliss"]
    script = tmp_path / "job.sh"
    _refused(capsys, ["slurm", "finetune", "--data", str(path), "--out", str(script), "--submit"], problem, path)
    assert not script.exists()
    _refused(capsys, ["slurm", "data", "check", str(path), "--out", str(script), "--submit"], problem, path)
    assert not script.exists()


def test_a_good_run_still_starts(tmp_path, capsys, no_model):
    """The check passes good input on to the model load (here refused by the fixture, so the run gets that far)."""
    pairs = write_json(tmp_path / "pairs.json", make_pairs(12))
    with pytest.raises(ModelLoaded):
        main(["--debug", "demo", "--data", str(pairs), "--out", str(tmp_path / "run"), "--set", "model.spec=tiny"])
