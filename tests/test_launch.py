"""Several GPUs from one `babybliss finetune`: the decision without GPUs, the re-execution with a stubbed exec."""

from __future__ import annotations

import pytest

from babybliss.cli import commands as cli
from babybliss.training import launch
from babybliss.errors import BlissError
from babybliss.training.launch import Decision, decide

ARGV = ["finetune", "--config", "fast-gpu", "--set", "train.epochs=[1]", "--out", "runs/x"]


@pytest.mark.parametrize(
    ("visible", "env", "gpus", "expected"),
    [
        (0, {}, None, Decision(1)),  # CPU: train here
        (1, {}, None, Decision(1)),
        (2, {}, None, Decision(2)),  # every visible GPU
        (8, {}, None, Decision(8)),
        (4, {}, 2, Decision(2, "0,1")),  # fewer: the first two
        (4, {}, 4, Decision(4)),
        (2, {}, 1, Decision(1, "0")),  # one: no launcher, the first GPU only
        (2, {"CUDA_VISIBLE_DEVICES": "5,3"}, 1, Decision(1, "5")),
        (3, {"CUDA_VISIBLE_DEVICES": "GPU-a, GPU-b,GPU-c"}, 2, Decision(2, "GPU-a,GPU-b")),
        # already under a launcher: run as placed, whatever --gpus says
        (2, {"RANK": "0", "LOCAL_RANK": "0", "WORLD_SIZE": "2"}, None, Decision(1)),
        (2, {"LOCAL_RANK": "1"}, 1, Decision(1)),
        (2, {"TORCHELASTIC_RUN_ID": "x"}, None, Decision(1)),
        (2, {"ACCELERATE_MIXED_PRECISION": "no"}, None, Decision(1)),  # accelerate launch --num_processes 1
    ],
)
def test_decide(visible, env, gpus, expected):
    assert decide(visible, env, gpus) == expected


@pytest.mark.parametrize(("visible", "gpus", "message"), [(2, 3, "only 2 CUDA GPU"), (0, 1, "only 0 CUDA GPU"), (2, 0, "1 or more")])
def test_decide_refuses_impossible_counts(visible, gpus, message):
    with pytest.raises(BlissError, match=message):
        decide(visible, {}, gpus)


def test_without_gpus_drops_both_spellings():
    assert launch.without_gpus(["finetune", "--gpus", "2", "--out", "r", "--gpus=3"]) == ["finetune", "--out", "r"]


def test_launch_command_is_accelerate_launch(tmp_path):
    python = tmp_path / "python"
    assert launch.launch_command(2, ARGV + ["--gpus", "2"], str(python)) == [
        str(python), "-m", "accelerate.commands.launch", "--num_processes", "2", "-m", "babybliss", *ARGV]
    (tmp_path / "accelerate").write_text("")  # a venv's own accelerate script is preferred
    assert launch.launch_command(2, ARGV, str(python))[:4] == [str(tmp_path / "accelerate"), "launch", "--num_processes", "2"]


class Exec:
    def __init__(self):
        self.calls = []

    def __call__(self, file, args, env):
        self.calls.append((file, args, env))


def test_use_gpus_launches_on_every_visible_gpu(capsys):
    execute, env = Exec(), {"PATH": "/bin"}
    launch.use_gpus(None, ARGV, env=env, visible=lambda: 2, execute=execute)
    (file, args, child_env), = execute.calls
    assert args[0] == file and args[-len(ARGV) - 4:] == ["--num_processes", "2", "-m", "babybliss", *ARGV]
    assert "CUDA_VISIBLE_DEVICES" not in child_env and child_env["PATH"] == "/bin"
    assert f"[babybliss] 2 GPUs: {args[0]}" in capsys.readouterr().out  # the launch line comes first


def test_use_gpus_fewer_gpus_restricts_the_launch():
    execute, env = Exec(), {}
    launch.use_gpus(2, ARGV + ["--gpus", "2"], env=env, visible=lambda: 4, execute=execute)
    (_, args, child_env), = execute.calls
    assert child_env["CUDA_VISIBLE_DEVICES"] == "0,1" and "--gpus" not in args


def test_use_gpus_one_gpu_stays_in_this_process():
    execute, env = Exec(), {}
    counts = iter([2, 1])  # torch counts again after CUDA_VISIBLE_DEVICES narrowed: one left
    decision = launch.use_gpus(1, ARGV, env=env, visible=lambda: next(counts), execute=execute)
    assert decision == Decision(1, "0") and env["CUDA_VISIBLE_DEVICES"] == "0" and execute.calls == []


def test_use_gpus_one_gpu_restarts_when_cuda_was_already_initialised():
    execute, env = Exec(), {}
    launch.use_gpus(1, ARGV + ["--gpus", "1"], env=env, visible=lambda: 2, execute=execute)
    (_, args, child_env), = execute.calls
    assert args[1:] == ["-m", "babybliss", *ARGV] and child_env["CUDA_VISIBLE_DEVICES"] == "0"


def test_use_gpus_under_a_launcher_does_nothing():
    execute, env = Exec(), {"RANK": "1", "WORLD_SIZE": "2", "LOCAL_RANK": "1"}
    launch.use_gpus(None, ARGV, env=env, visible=lambda: 2, execute=execute)
    assert execute.calls == [] and "CUDA_VISIBLE_DEVICES" not in env


def test_finetune_command_hands_its_own_argv_to_the_launcher(monkeypatch, tmp_path):
    seen = {}

    def stop(gpus, argv):
        seen.update(gpus=gpus, argv=argv)
        raise SystemExit(0)  # stands in for the exec

    monkeypatch.setattr(launch, "use_gpus", stop)
    argv = ["finetune", "--model", "tiny", "--out", str(tmp_path / "run"), "--gpus", "2"]
    with pytest.raises(SystemExit):
        cli.main(argv)
    assert seen == {"gpus": 2, "argv": argv}
    assert not (tmp_path / "run").exists()  # nothing trained or written before the launch


def test_finetune_checks_the_config_before_launching(monkeypatch, capsys):
    monkeypatch.setattr(launch, "use_gpus", lambda *a: pytest.fail("launched with a bad config"))
    assert cli.main(["finetune", "--set", "train.nope=1", "--gpus", "2"]) == 2
    assert "nope" in capsys.readouterr().err
