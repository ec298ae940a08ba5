"""Fault injection on the tiny model: kill -9 inside each kind of save, SIGTERM, SIGINT, two runs on one folder.

The kills happen at named points of the product code (babybliss.faults, `BABYBLISS_FAULT`), never after a timer.
A longer sweep over random steps is bench/bench_faults.py.
"""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
from pathlib import Path

import pytest
from safetensors.torch import load_file

from babybliss.training import run_folder
from babybliss.config import load_config
from babybliss.io import FAULT_ENV as ENV
from babybliss.training.train import SIGTERM_EXIT, epoch_dir, finetune
from conftest import make_pairs, write_json

BATCH = 4
SETS = [
    "model.spec=tiny",
    "lora.r=4",
    f"train.per_device_train_batch_size={BATCH}",
    "train.logging_steps=1",
    "train.save_steps=2",
    "train.epochs=[1,2]",
    "train.sweep=checkpoints",
    "train.gradient_checkpointing=false",
    "train.num_threads=1",
    "train.seed=7",
    "data.validation_fraction=0.25",  # one Bliss group per marker: epochs end with a validation loss
]
ADAPTER = "adapter_model.safetensors"


def finetune_process(run: Path, pairs: Path, *extra: str, fault: str | None = None) -> subprocess.CompletedProcess:
    command = [sys.executable, "-m", "babybliss", "finetune", "--data", str(pairs), "--out", str(run), *extra]
    for item in SETS:
        command += ["--set", item]
    env = {**os.environ, "OMP_NUM_THREADS": "1"}
    env.pop(ENV, None)
    if fault:
        env[ENV] = fault
    return subprocess.run(command, capture_output=True, text=True, env=env, timeout=600)


def metric_rows(run: Path) -> list[tuple]:
    rows = [json.loads(line) for line in (run / "logs" / "metrics.jsonl").read_text().splitlines()]
    return [(r["run"], r["step"], tuple(sorted(r.items()))) for r in rows]


def leftovers(run: Path) -> list[Path]:
    return [p for p in run.rglob(".*") if p.name.endswith((".partial", ".tmp"))]


@pytest.fixture(scope="module")
def pairs(tmp_path_factory) -> Path:
    return write_json(tmp_path_factory.mktemp("pairs") / "pairs.json", make_pairs(16))


@pytest.fixture(scope="module")
def reference(pairs) -> Path:
    """The uninterrupted run."""
    run = pairs.parent / "reference"
    result = finetune_process(run, pairs)
    assert result.returncode == 0, result.stderr[-3000:]
    return run


def test_a_run_killed_in_every_kind_of_save_resumes_to_the_uninterrupted_adapters(reference, pairs, tmp_path):
    steps = json.loads((epoch_dir(reference, 1) / "training.json").read_text())["global_step"]
    assert steps >= 5, "epoch 2 must hold a checkpoint after its first step"
    mid_epoch_2 = steps + 1 if steps % 2 else steps + 2  # the first checkpoint inside epoch 2
    torn = mid_epoch_2 + 2  # killed while this checkpoint is written: the resume continues from mid_epoch_2
    run = tmp_path / "run"

    killed = finetune_process(run, pairs, fault="prepare")
    assert killed.returncode == -signal.SIGKILL
    assert not (run / "data").exists(), "a half-prepared data folder is never in place"

    # --resume on a folder whose first run died before training: it starts by itself (what a requeued job does)
    killed = finetune_process(run, pairs, "--resume", fault="save-epoch:1")
    assert killed.returncode == -signal.SIGKILL, killed.stderr[-2000:]
    assert not epoch_dir(run, 1).exists() and leftovers(run)

    killed = finetune_process(run, pairs, "--resume", fault="eval-epoch:1")
    assert killed.returncode == -signal.SIGKILL, killed.stderr[-2000:]
    assert json.loads((epoch_dir(run, 1) / "training.json").read_text())["final_eval_loss"] is None

    killed = finetune_process(run, pairs, "--resume", fault=f"save-checkpoint:{torn}")
    assert killed.returncode == -signal.SIGKILL, killed.stderr[-2000:]
    assert (run / "checkpoints" / "sweep" / f"checkpoint-{torn}").is_dir(), "the torn checkpoint is left behind"

    termed = finetune_process(run, pairs, "--resume", fault=f"step:{torn + 1}:TERM")
    assert termed.returncode == SIGTERM_EXIT, termed.stderr[-2000:]
    assert termed.stderr.count("babybliss:") == 1, termed.stderr[-2000:]
    assert f"babybliss: stopped by SIGTERM at step {torn + 1};" in termed.stderr and "Traceback" not in termed.stderr
    assert (run / "checkpoints" / "sweep" / f"checkpoint-{torn + 1}" / "trainer_state.json").is_file()

    # A tripwire at a step before the checkpoint: a resume that restarted from step 0 would be killed there.
    resumed = finetune_process(run, pairs, "--resume", fault=f"step:{torn}")
    assert resumed.returncode == 0, resumed.stderr[-3000:]

    for n in (1, 2):
        ours, theirs = load_file(epoch_dir(run, n) / ADAPTER), load_file(epoch_dir(reference, n) / ADAPTER)
        assert ours.keys() == theirs.keys()
        for key in ours:
            assert ours[key].equal(theirs[key]), f"epoch-{n}: {key} differs from the uninterrupted run"
        loss = json.loads((epoch_dir(run, n) / "training.json").read_text())["final_eval_loss"]
        assert loss is not None and loss == json.loads((epoch_dir(reference, n) / "training.json").read_text())["final_eval_loss"]
    assert metric_rows(run) == metric_rows(reference), "each step logged once, with the uninterrupted run's values"
    assert not leftovers(run), "no half-written folder or file is left"

    from babybliss.convert.generate import load_for_generation

    loaded = load_for_generation(load_config(None, ["model.spec=tiny"]), epoch_dir(run, 2))
    assert loaded.model is not None


def test_ctrl_c_exits_130_with_one_line(pairs, tmp_path):
    result = finetune_process(tmp_path / "run", pairs, fault="step:1:INT")
    assert result.returncode == 130
    assert result.stderr.count("babybliss:") == 1 and "babybliss: interrupted\n" in result.stderr, result.stderr[-2000:]
    assert "Traceback" not in result.stderr


def _config(tmp_path: Path, pairs: Path, *extra: str):
    return load_config(None, SETS + [f"data.path={pairs}", f"out={tmp_path / 'run'}", *extra])


def test_a_second_process_on_a_run_folder_is_refused_and_told_the_holder(pairs, tmp_path):
    config = _config(tmp_path, pairs)
    with run_folder.locked(config.out):
        with pytest.raises(run_folder.RunFolderError, match=rf"in use by babybliss process {os.getpid()} on "):
            finetune(config)
    assert not (Path(config.out) / "data").exists(), "the refused process wrote nothing"
    with run_folder.locked(config.out):  # released when its holder ends
        pass


def test_resume_refuses_other_data_or_settings_and_names_them(pairs, tmp_path):
    config = _config(tmp_path, pairs)
    run = Path(config.out)
    assert run_folder.claim(run, config, resume=True) is False, "a fresh folder starts, even with --resume"
    assert run_folder.claim(run, config, resume=True) is True

    other = write_json(tmp_path / "other.json", make_pairs(12))
    with pytest.raises(run_folder.RunFolderError, match=r"--resume would train on other data.*data\.path: other file content"):
        run_folder.claim(run, _config(tmp_path, other), resume=True)
    with pytest.raises(run_folder.RunFolderError, match=r"train\.learning_rate: 0\.0002 -> 0\.001"):
        run_folder.claim(run, _config(tmp_path, pairs, "train.learning_rate=1e-3"), resume=True)
    # settings that do not change what is trained may differ
    assert run_folder.claim(run, _config(tmp_path, pairs, "train.save_steps=50", "train.num_threads=2"), resume=True)


def test_a_fresh_run_never_mixes_with_the_run_in_its_folder(pairs, tmp_path):
    config = _config(tmp_path, pairs)
    run = Path(config.out)
    run_folder.claim(run, config, resume=False)
    (run / "epoch-2").mkdir()
    (run / "checkpoints" / "sweep").mkdir(parents=True)
    (run / "eval" / "epoch-2").mkdir(parents=True)

    with pytest.raises(run_folder.RunFolderError, match=r"holds another run .*lora\.r: 4 -> 8"):
        run_folder.claim(run, _config(tmp_path, pairs, "lora.r=8"), resume=False)
    assert (run / "epoch-2").is_dir(), "a refused run deletes nothing"

    run_folder.claim(run, config, resume=False)  # the same run again starts clean
    assert not (run / "epoch-2").exists() and not (run / "checkpoints").exists()
    assert not (run / "eval" / "epoch-2").exists(), "evaluate would take the old epoch's scores as done"


def test_an_unknown_run_in_the_folder_is_refused(pairs, tmp_path):
    run = tmp_path / "run"
    (run / "epoch-1").mkdir(parents=True)
    with pytest.raises(run_folder.RunFolderError, match="unknown run"):
        run_folder.claim(run, _config(tmp_path, pairs), resume=True)


# ------------------------------------------------------------------ errors a user sees as one line


@pytest.mark.parametrize(
    "name, content, problem",
    [
        ("empty.txt", b"\n  \n", "the file is empty"),
        ("binary.txt", b"\xff\xfe\x00bad", "not UTF-8 text"),
        ("rows.jsonl", b'{"input": "We walk."}\n{"english": "x"}\n', "line 2: expected an object with a text input"),
        ("rows.jsonl", b'"We walk."\n', "line 1: expected an object"),
        ("rows.jsonl", b"{not json\n", "line 1: not JSON"),
    ],
)
def test_generate_input_files_fail_with_one_line_naming_the_file(tmp_path, capsys, name, content, problem):
    from babybliss.cli.commands import main

    path = tmp_path / name
    path.write_bytes(content)
    assert main(["generate", "--model", "tiny", "--direction", "e2b", "--file", str(path)]) == 2
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and str(path) in err and problem in err, err


def test_an_internal_error_keeps_its_traceback(monkeypatch):
    from babybliss.cli import commands as cli

    def broken(args):
        raise ValueError("a bug deep inside a library")

    monkeypatch.setattr(cli, "cmd_info", broken)
    with pytest.raises(ValueError, match="a bug deep inside"):
        cli.main(["info"])


def test_a_user_error_shows_its_traceback_with_debug(tmp_path):
    from babybliss.cli.commands import main
    from babybliss.errors import BlissError

    with pytest.raises(BlissError):
        main(["--debug", "data", "check", str(tmp_path / "none.json")])


@pytest.mark.parametrize("code, says", [(28, "no space left on device while writing in {folder}"), (13, "{folder}: folder is not writable")])
def test_write_failures_name_the_folder_not_a_temp_file(tmp_path, capsys, monkeypatch, code, says):
    import tempfile

    from babybliss.cli.commands import main

    pairs = write_json(tmp_path / "pairs.json", make_pairs(8))
    folder = tmp_path / "runs"

    def refuse(*args, dir=None, **kwargs):
        raise OSError(code, os.strerror(code), str(Path(dir) / ".data.x1y2.partial"))

    monkeypatch.setattr(tempfile, "mkdtemp", refuse)
    assert main(["data", "prepare", "--data", str(pairs), "--out", str(folder / "data")]) == 2
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and says.format(folder=folder) in err and ".partial" not in err, err


def test_ensure_writable_names_a_read_only_folder(tmp_path, monkeypatch):
    import errno
    import tempfile

    from babybliss.io import WriteError, ensure_writable

    ensure_writable(tmp_path / "new")
    assert list((tmp_path / "new").iterdir()) == [], "the probe is removed"

    def read_only(*args, dir=None, **kwargs):
        raise OSError(errno.EROFS, "Read-only file system", str(Path(dir) / ".probe.x.tmp"))

    monkeypatch.setattr(tempfile, "mkstemp", read_only)
    with pytest.raises(WriteError, match=rf"^{tmp_path}: folder is not writable \(read-only file system\)$"):
        ensure_writable(tmp_path)


@pytest.mark.skipif(os.geteuid() == 0, reason="root writes into read-only folders")
def test_a_read_only_out_folder_is_named(tmp_path, capsys):
    from babybliss.cli.commands import main

    pairs = write_json(tmp_path / "pairs.json", make_pairs(8))
    locked = tmp_path / "locked"
    locked.mkdir(mode=0o555)
    assert main(["data", "prepare", "--data", str(pairs), "--out", str(locked / "data")]) == 2
    assert f"{locked}: folder is not writable" in capsys.readouterr().err


@pytest.mark.parametrize("mask", [0o022, 0o002, 0o077])
def test_run_files_and_folders_follow_the_umask(tmp_path, mask):
    from babybliss.data.prepare import prepare

    config = _config(tmp_path, write_json(tmp_path / "pairs.json", make_pairs(12)))
    old = os.umask(mask)
    try:
        prepare(config, tmp_path / "data")
    finally:
        os.umask(old)
    for path in [tmp_path / "data", *(tmp_path / "data").rglob("*")]:
        expected = (0o777 if path.is_dir() else 0o666) & ~mask
        assert path.stat().st_mode & 0o777 == expected, f"{path}: {oct(path.stat().st_mode & 0o777)}"


def test_generate_reads_the_tokenizer_saved_with_the_adapter(tiny_run, tiny_run_config):
    from babybliss.convert.generate import load_for_generation

    folder = tiny_run / "epoch-1"
    loaded = load_for_generation(tiny_run_config, folder)
    assert Path(loaded.tokenizer.name_or_path) == folder
    assert loaded.tokenizer.decode(loaded.tokenizer("We walk.", add_special_tokens=False)["input_ids"]) == "We walk."


def test_leftovers_of_killed_writers_are_removed_everywhere_in_the_run(tmp_path):
    from babybliss.io import remove_leftovers

    run = tmp_path / "run"
    for path in (run / ".data.ab.partial" / "sft", run / "epoch-1", run / "checkpoints" / "sweep"):
        path.mkdir(parents=True)
    (run / "epoch-1" / ".training.json.x.tmp").write_text("{")
    (run / "checkpoints" / "sweep" / ".elapsed.json.y.tmp").write_text("")
    (run / "epoch-1" / "training.json").write_text("{}")
    remove_leftovers(run)
    assert sorted(str(p.relative_to(run)) for p in run.rglob("*")) == [
        "checkpoints", "checkpoints/sweep", "epoch-1", "epoch-1/training.json"
    ]


def test_sigterm_outside_training_stops_at_once_and_inside_waits_for_the_step():
    from babybliss.training.train import GracefulStop, Terminated

    stop = GracefulStop()
    with stop.installed():
        assert signal.getsignal(signal.SIGTERM) == stop.handle
        stop.training = True
        os.kill(os.getpid(), signal.SIGTERM)  # handled at once: only noted while a step runs
        assert stop.requested
        stop.training = False
        with pytest.raises(Terminated, match="--resume"):
            os.kill(os.getpid(), signal.SIGTERM)
    assert signal.getsignal(signal.SIGTERM) != stop.handle, "the previous handler is back"


def test_an_unreadable_file_is_named_in_one_line(tmp_path, capsys, monkeypatch):
    import errno

    from babybliss.cli import commands as cli

    def unreadable(args):
        raise PermissionError(errno.EACCES, "Permission denied", str(tmp_path / "pairs.json"))

    monkeypatch.setattr(cli, "cmd_data_check", unreadable)
    assert cli.main(["data", "check", "x"]) == 2
    assert capsys.readouterr().err == f"babybliss: error: {tmp_path / 'pairs.json'}: permission denied\n"
