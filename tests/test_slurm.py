"""SLURM scripts: syntax, golden files, no secrets, and a dry run of the scripts against stub cluster commands.

Regenerate the golden files with: BABYBLISS_UPDATE_GOLDEN=1 python -m pytest tests/test_slurm.py
"""

from __future__ import annotations

import os
import shlex
import shutil
import signal
import stat
import subprocess
import time
from pathlib import Path

import pytest
import torch

from babybliss.cluster import slurm
from babybliss.config import Config, load_config
from babybliss.cluster.slurm import VALID_STAGES, gpu_count, render_script, submit, write_script

GOLDEN = Path(__file__).parent / "golden"
CONFIG_PATH = "configs/llama2-7b-qlora.toml"
BASH = shutil.which("bash")
needs_bash = pytest.mark.skipif(BASH is None, reason="bash not installed")

FORMS = {
    "1gpu": {"nodes": 1, "gpus_per_node": "v100l:1"},
    "1node-4gpu": {"nodes": 1, "gpus_per_node": "v100l:4"},
    "2node-4gpu": {"nodes": 2, "gpus_per_node": "v100l:4"},
    "2node-1gpu": {"nodes": 2, "gpus_per_node": "1"},
}


def render(stage: str = "finetune", config: Config | None = None, args=(), overrides=(), **form) -> str:
    return render_script(
        stage, config or Config(), list(args), config_path=CONFIG_PATH, overrides=list(overrides), **form
    )


def bash_syntax_ok(text: str, tmp_path: Path) -> None:
    path = tmp_path / "job.sh"
    path.write_text(text, encoding="utf-8")
    result = subprocess.run([BASH, "-n", str(path)], capture_output=True, text=True)
    assert result.returncode == 0, result.stderr + "\n" + text


# ---- syntax ----


@needs_bash
@pytest.mark.parametrize("form", sorted(FORMS))
@pytest.mark.parametrize("stage", VALID_STAGES)
def test_every_stage_and_form_passes_bash_n(stage, form, tmp_path):
    bash_syntax_ok(render(stage, **FORMS[form]), tmp_path)


@needs_bash
@pytest.mark.parametrize("launcher", ["accelerate", "torchrun"])
@pytest.mark.parametrize("venv", ["", "$HOME/envs/bliss"])
def test_variants_pass_bash_n(launcher, venv, tmp_path):
    config = Config()
    config.slurm.launcher = launcher
    config.slurm.venv = venv
    config.slurm.account = "def-someprof"
    config.slurm.extra_sbatch = ["--mail-type=END", "#SBATCH --constraint=cascade"]
    config.slurm.pip_install = "$HOME/wheels/babybliss-0.1-py3-none-any.whl 'sentence-transformers>=3'"
    text = render(
        "finetune", config, args=["--resume"], overrides=["train.fsdp=full_shard auto_wrap", "out=it's here"],
        nodes=2, gpus_per_node="a100:2",
    )
    bash_syntax_ok(text, tmp_path)


# ---- golden files ----


@pytest.mark.parametrize(
    ("name", "form"),
    [("slurm-1gpu-finetune.sh", FORMS["1gpu"]), ("slurm-2node-4gpu-finetune.sh", FORMS["2node-4gpu"])],
)
def test_golden(name, form):
    recipe = load_config(Path(__file__).parents[1] / CONFIG_PATH)
    text = render("finetune", recipe, **form)
    path = GOLDEN / name
    if os.environ.get("BABYBLISS_UPDATE_GOLDEN") == "1":
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8")
    assert path.is_file(), f"{path} missing: run with BABYBLISS_UPDATE_GOLDEN=1 to create it"
    assert text == path.read_text(encoding="utf-8"), (
        f"{name} differs from the rendered script; if the change is intended, regenerate with "
        "BABYBLISS_UPDATE_GOLDEN=1 python -m pytest tests/test_slurm.py"
    )


def test_golden_files_hold_no_machine_paths():
    for path in GOLDEN.glob("slurm-*.sh"):
        text = path.read_text(encoding="utf-8")
        for needle in {str(Path.home()), os.getcwd(), str(Path(__file__).resolve().parent.parent)} - {"/", ""}:
            assert needle not in text, (path, needle)


# ---- content ----


def test_header_follows_config():
    text = render("finetune", **FORMS["1gpu"])
    assert text.startswith("#!/bin/bash\n#SBATCH --job-name=babybliss-finetune\n")
    for line in (
        "#SBATCH --nodes=1",
        "#SBATCH --gpus-per-node=v100l:1",
        "#SBATCH --ntasks-per-node=4",
        "#SBATCH --cpus-per-task=4",
        "#SBATCH --mem=64G",
        "#SBATCH --time=2-00:00",
        "#SBATCH --output=%x.o%j",
        "module load python/3.11.5",
        "set -euo pipefail",
        "export HF_HUB_OFFLINE=1",
        "export TRANSFORMERS_OFFLINE=1",
    ):
        assert line in text.splitlines(), line
    assert "needs no download" in text and "#     babybliss download" not in text, "the embedded model is not on the hub"
    assert "srun" not in text
    hub = render("finetune", load_config(None, ["model.spec=meta-llama/Llama-2-7b-hf"]), **FORMS["1gpu"])
    assert "#     babybliss download meta-llama/Llama-2-7b-hf" in hub.splitlines()


def test_all_sbatch_lines_come_before_any_command():
    config = Config()
    config.slurm.extra_sbatch = ["--mail-type=END"]
    lines = render("finetune", config, **FORMS["2node-4gpu"]).splitlines()
    sbatch = [i for i, line in enumerate(lines) if line.startswith("#SBATCH")]
    first_command = next(i for i, line in enumerate(lines) if line.strip() and not line.startswith("#"))
    assert max(sbatch) < first_command
    assert "#SBATCH --mail-type=END" in lines


def test_account_only_when_set():
    assert "--account" not in render()
    config = Config()
    config.slurm.account = "def-someprof"
    assert "#SBATCH --account=def-someprof" in render(config=config).splitlines()


def test_gpu_count_parsing():
    assert gpu_count("v100l:4") == 4
    assert gpu_count("4") == 4
    assert gpu_count("a100:2") == 2
    assert gpu_count("nvidia_h100_80gb_hbm3_3g.40gb:1") == 1
    assert gpu_count("") == 0
    for bad in ("v100l", "a100:", "two", "a100:x"):
        with pytest.raises(slurm.SlurmError, match="gpus-per-node"):
            gpu_count(bad)


def test_no_gpu_line_when_no_gpus():
    text = render("data", gpus_per_node="")
    assert "--gpus-per-node" not in text


def test_unknown_stage_names_the_valid_ones():
    with pytest.raises(slurm.SlurmError) as err:
        render("download")
    for stage in VALID_STAGES:
        assert stage in str(err.value)


def test_bad_values_are_refused():
    with pytest.raises(slurm.SlurmError, match="nodes"):
        render(nodes=0)
    config = Config()
    config.slurm.extra_sbatch = ["--comment=a\nrm -rf ~"]
    with pytest.raises(slurm.SlurmError, match="single line"):
        render(config=config)


def test_hf_token_never_in_script(monkeypatch):
    secret = "hf_FAKEsecretDoNotLeak1234567890"
    monkeypatch.setenv("HF_TOKEN", secret)
    monkeypatch.setenv("HUGGING_FACE_HUB_TOKEN", secret)
    config = load_config(None, [])
    for stage in VALID_STAGES:
        for form in FORMS.values():
            text = render(stage, config, **form)
            assert secret not in text
            assert "unset HF_TOKEN" in text


def test_hf_token_never_in_hub_model_script(monkeypatch):
    """The hub-model preamble (download instructions, HF_HOME) is the branch where a token could matter."""
    secret = "hf_FAKEsecretDoNotLeak1234567890"
    monkeypatch.setenv("HF_TOKEN", secret)
    monkeypatch.setenv("HUGGING_FACE_HUB_TOKEN", secret)
    config = load_config(None, ["model.spec=meta-llama/Llama-2-7b-hf"])
    for stage in VALID_STAGES:
        for form in FORMS.values():
            text = render(stage, config, **form)
            assert "#     babybliss download meta-llama/Llama-2-7b-hf" in text.splitlines()  # the hub branch
            assert secret not in text
            assert "unset HF_TOKEN HUGGING_FACE_HUB_TOKEN" in text.splitlines()


def test_multinode_uses_srun_and_slurm_rendezvous():
    text = render("finetune", **FORMS["2node-4gpu"])
    assert "#SBATCH --nodes=2" in text
    assert "#SBATCH --ntasks-per-node=1" in text  # one launcher per node
    assert "#SBATCH --cpus-per-task=16" in text  # 4 CPUs for each of the 4 GPU processes
    assert 'NODES="$(scontrol show hostnames "$SLURM_JOB_NODELIST")"' in text
    commands = [line for line in text.splitlines() if not line.startswith("#")]
    assert not [line for line in commands if "| head" in line]  # head's early exit would SIGPIPE scontrol
    assert "srun " in text
    # the per-node variables sit inside the single-quoted srun script, so the batch host does not expand them
    launch = text.split("bash -c '")[-1].split("\n' ")[0]
    for fragment in ('--machine_rank "$SLURM_NODEID"', '--num_machines "$SLURM_NNODES"',
                     '"$((SLURM_NNODES * 4))"', '--main_process_ip "$MASTER_ADDR"',
                     '--main_process_port "$MASTER_PORT"', "--multi_gpu", '-m babybliss "$@"'):
        assert fragment in launch, fragment
    assert "'" not in launch


def test_torchrun_launcher():
    config = Config()
    config.slurm.launcher = "torchrun"
    text = render("finetune", config, **FORMS["2node-4gpu"])
    for fragment in ('--nnodes "$SLURM_NNODES"', "--nproc_per_node 4", '--node_rank "$SLURM_NODEID"',
                     '--master_addr "$MASTER_ADDR"', '--master_port "$MASTER_PORT"'):
        assert fragment in text
    assert "accelerate launch" not in text


@pytest.mark.parametrize("stage", [s for s in VALID_STAGES if s != "finetune"])
def test_only_finetune_is_distributed(stage):
    text = render(stage, **FORMS["2node-4gpu"])
    assert "accelerate launch" not in text and "scontrol" not in text
    assert "runs as one" in text


def test_explicit_venv_is_activated_not_built():
    config = Config()
    config.slurm.venv = "$HOME/envs/bliss/"
    text = render(config=config, **FORMS["2node-4gpu"])
    assert 'source "$HOME/envs/bliss/bin/activate"' in text
    assert "virtualenv --no-download" not in text and "pip install" not in text


def test_data_stage_picks_subcommand():
    assert f"babybliss data prepare --config {CONFIG_PATH}\n" in render("data")
    # data check reads the config too: its tokenizer measures the pairs against train.max_seq_length
    assert f"babybliss data check --config {CONFIG_PATH} pairs.json\n" in render("data", args=["check", "pairs.json"])


# ---- writing and submitting ----


def test_write_script_is_atomic_and_executable(tmp_path):
    out = tmp_path / "jobs" / "finetune.sh"
    write_script("#!/bin/bash\necho old\n", out)
    path = write_script(render(), out)
    assert path == out
    assert out.read_text(encoding="utf-8") == render()
    assert stat.S_IMODE(out.stat().st_mode) == 0o755
    assert [p.name for p in out.parent.iterdir()] == ["finetune.sh"]  # no temporary file left


def test_submit_without_sbatch(monkeypatch, tmp_path):
    monkeypatch.setattr(slurm.shutil, "which", lambda name, *a, **k: None)
    with pytest.raises(slurm.SlurmError) as err:
        submit(tmp_path / "job.sh")
    message = str(err.value)
    assert message.startswith("sbatch not found: this machine is not a SLURM login node")
    assert f"run sbatch {tmp_path / 'job.sh'}" in message


def test_submit_with_sbatch_returns_job_id(monkeypatch, tmp_path):
    bindir = tmp_path / "bin"
    bindir.mkdir()
    _stub(bindir, "sbatch", 'echo "$@" > "$(dirname "$0")/sbatch.args"; echo "4242;cedar"')
    monkeypatch.setenv("PATH", f"{bindir}{os.pathsep}{os.environ.get('PATH', '')}")
    job = tmp_path / "job.sh"
    assert submit(job) == "4242"
    assert (bindir / "sbatch.args").read_text().split() == ["--parsable", str(job)]

    _stub(bindir, "sbatch", 'echo "sbatch: error: Batch job submission failed: Invalid account" >&2; exit 1')
    with pytest.raises(slurm.SlurmError, match="Invalid account"):
        submit(job)


# ---- dry run against stub cluster commands ----


def _stub(bindir: Path, name: str, body: str) -> None:
    path = bindir / name
    path.write_text(f"#!/bin/bash\n{body}\n", encoding="utf-8")
    path.chmod(0o755)


LOGGING = (
    '{ printf "%s" "$(basename "$0")|node=${SLURM_NODEID:-batch}|offline=${HF_HUB_OFFLINE:-}|token=${HF_TOKEN:-}"; '
    'printf "|%s" "$@"; printf "\\n"; } >> "$STUB_LOG"'
)


def stub_cluster(text: str, tmp_path: Path, nodes: int, babybliss: str = LOGGING) -> tuple[list[str], dict]:
    """The script written beside stub module/virtualenv/pip/srun/scontrol/launchers: (command, environment)."""
    bindir = tmp_path / "bin"
    bindir.mkdir()
    for name in ("module", "pip", "accelerate", "torchrun"):
        _stub(bindir, name, LOGGING)
    _stub(bindir, "babybliss", babybliss)
    _stub(bindir, "virtualenv", LOGGING + '\nmkdir -p "${@: -1}/bin"\n: > "${@: -1}/bin/activate"')
    # scontrol: a node list longer than a pipe's buffer, so a reader that stops early would SIGPIPE it
    _stub(
        bindir,
        "scontrol",
        'if [[ "$1" == show ]]; then printf "node-a\\nnode-b\\n"; seq -f "node-%g" 200000; exit; fi\n' + LOGGING,
    )
    # srun: skip its options, then run the command once per node with that node's SLURM_NODEID, passing
    # SIGTERM on to it as srun does
    _stub(
        bindir,
        "srun",
        'while [[ "$1" == -* ]]; do shift; done\n'
        'trap \'kill -TERM "$task"; wait "$task"\' TERM\n'
        'for ((i = 0; i < SLURM_NNODES; i++)); do SLURM_NODEID=$i "$@" & task=$!; wait "$task" || exit; done',
    )
    script = tmp_path / "job.sh"
    write_script(text, script)
    env = {
        "PATH": f"{bindir}:/usr/bin:/bin",
        "HOME": str(tmp_path / "home"),
        "STUB_LOG": str(tmp_path / "calls.log"),
        "HF_TOKEN": "hf_FAKEsecretDoNotLeak",
        "SLURM_JOB_ID": "123456",
        "SLURM_NNODES": str(nodes),
        "SLURM_JOB_NODELIST": "node-[a-b]",
        "SLURM_CPUS_PER_TASK": "16",
        "SLURM_SUBMIT_DIR": str(tmp_path),
        "SLURM_TMPDIR": str(tmp_path / "local"),
    }
    return [BASH, str(script)], env


def logged_calls(env: dict) -> list[list[str]]:
    return [line.split("|") for line in Path(env["STUB_LOG"]).read_text().splitlines()]


def dry_run(text: str, tmp_path: Path, nodes: int) -> list[list[str]]:
    """Run the script against the stub cluster; return the stubs' logged calls."""
    command, env = stub_cluster(text, tmp_path, nodes)
    result = subprocess.run(command, env=env, capture_output=True, text=True, cwd=tmp_path)
    assert result.returncode == 0, result.stderr
    return logged_calls(env)


@needs_bash
def test_dry_run_one_gpu(tmp_path):
    text = render("finetune", overrides=["train.fsdp=full_shard auto_wrap", "out=it's here"], args=["--resume"],
                  **FORMS["1gpu"])
    calls = dry_run(text, tmp_path, nodes=1)
    names = [c[0] for c in calls]
    assert names == ["module", "virtualenv", "pip", "pip", "babybliss"]
    assert calls[0][4:] == ["load", "python/3.11.5"]
    assert calls[2][4:] == ["install", "--no-index", "--upgrade", "pip"]
    assert calls[3][4:] == ["install", "--no-index", "babybliss"]
    run = calls[-1]
    assert run[1:4] == ["node=batch", "offline=1", "token="]
    assert run[4:] == ["finetune", "--config", CONFIG_PATH, "--set", "train.fsdp=full_shard auto_wrap",
                       "--set", "out=it's here", "--resume"]


@needs_bash
@pytest.mark.parametrize("launcher", ["accelerate", "torchrun"])
def test_dry_run_two_nodes(launcher, tmp_path):
    config = Config()
    config.slurm.launcher = launcher
    text = render("finetune", config, overrides=["out=runs/a b"], **FORMS["2node-4gpu"])
    calls = dry_run(text, tmp_path, nodes=2)
    # the virtualenv is built on each node, then one launcher per node
    assert [(c[0], c[1]) for c in calls if c[0] == "virtualenv"] == [("virtualenv", "node=0"), ("virtualenv", "node=1")]
    launches = [c for c in calls if c[0] == launcher]
    assert [c[1] for c in launches] == ["node=0", "node=1"]
    port = str(20000 + 123456 % 10000)
    for rank, call in enumerate(launches):
        assert call[2:4] == ["offline=1", "token="]
        args = call[4:]
        tail = ["-m", "babybliss", "finetune", "--config", CONFIG_PATH, "--set", "out=runs/a b", "--resume"]
        assert args[-len(tail):] == tail
        if launcher == "accelerate":
            assert args[:-len(tail)] == ["launch", "--multi_gpu", "--num_machines", "2", "--num_processes", "8",
                                         "--machine_rank", str(rank), "--main_process_ip", "node-a",
                                         "--main_process_port", port]
        else:
            assert args[:-len(tail)] == ["--nnodes", "2", "--nproc_per_node", "4", "--node_rank", str(rank),
                                         "--master_addr", "node-a", "--master_port", port]
    assert not [c for c in calls if c[0] == "babybliss"]


# ---- time limit: SIGTERM, checkpoint, requeue, resume ----


def test_finetune_job_is_signalled_and_requeued():
    config = Config()
    text = render("finetune", config, **FORMS["1gpu"]).splitlines()
    for line in ("#SBATCH --requeue", "#SBATCH --signal=B:TERM@300", "#SBATCH --open-mode=append",
                 "trap requeue_job TERM"):
        assert line in text, line
    assert f"babybliss finetune --config {CONFIG_PATH} --resume &" in text
    config.slurm.signal_grace = 90
    assert "#SBATCH --signal=B:TERM@90" in render("finetune", config, **FORMS["2node-4gpu"]).splitlines()
    given = render("finetune", config, args=["--resume"]).splitlines()
    assert f"babybliss finetune --config {CONFIG_PATH} --resume &" in given  # not given twice


def test_signal_grace_zero_and_other_stages_are_not_requeued():
    config = Config()
    config.slurm.signal_grace = 0
    for stage, conf in (("finetune", config), ("evaluate", Config()), ("demo", Config())):
        text = render(stage, conf, **FORMS["2node-4gpu"])
        assert "--requeue" not in text and "--signal" not in text and "--resume" not in text and "trap" not in text
    config.slurm.signal_grace = -1
    with pytest.raises(slurm.SlurmError, match="signal_grace"):
        render("finetune", config)


SLOW_RUN = (
    LOGGING + '\nsleep 60 & sleeper=$!\n'
    'trap \'echo "babybliss|checkpoint" >> "$STUB_LOG"; kill $sleeper; exit 0\' TERM\n'
    ': > "$STUB_LOG.started"\nwait $sleeper'
)
"""A stub babybliss that runs until SIGTERM, then logs the checkpoint it would write and exits 0."""


@needs_bash
@pytest.mark.parametrize("form", ["1gpu", "2node-4gpu"])
def test_sigterm_reaches_the_run_then_the_job_is_requeued(form, tmp_path):
    nodes = FORMS[form]["nodes"]
    launcher = "babybliss" if nodes == 1 else "accelerate"
    stubs = {"babybliss": SLOW_RUN} if nodes == 1 else {}
    command, env = stub_cluster(render("finetune", **FORMS[form]), tmp_path, nodes, **stubs)
    if nodes > 1:  # the launcher is the long-running process here; srun runs one node (the stub runs nodes in turn)
        (tmp_path / "bin" / "accelerate").write_text("#!/bin/bash\n" + SLOW_RUN.replace("babybliss|", "accelerate|"))
        env["SLURM_NNODES"] = "1"
    job = subprocess.Popen(command, env=env, cwd=tmp_path, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    started = Path(env["STUB_LOG"] + ".started")
    deadline = time.monotonic() + 30
    while not started.exists() and time.monotonic() < deadline and job.poll() is None:
        time.sleep(0.05)
    assert started.exists(), job.communicate()
    job.send_signal(signal.SIGTERM)  # what SLURM does signal_grace seconds before the time limit
    _, stderr = job.communicate(timeout=30)
    assert job.returncode == 0, stderr
    start, checkpoint, requeue = logged_calls(env)[-3:]
    assert start[0] == launcher and start[-1] == "--resume"
    assert checkpoint == [launcher, "checkpoint"]
    assert requeue[0] == "scontrol" and requeue[4:] == ["requeue", "123456"]
    assert "SIGTERM" in stderr


# ---- the command line: every documented order ----


@pytest.fixture
def login_node(tmp_path, monkeypatch):
    """A folder holding configs/llama2-7b-qlora.toml, with a stub sbatch on PATH that records what it submits."""
    (tmp_path / "configs").mkdir()
    shutil.copy(Path(__file__).parents[1] / CONFIG_PATH, tmp_path / CONFIG_PATH)
    bindir = tmp_path / "bin"
    bindir.mkdir()
    _stub(bindir, "sbatch", 'echo "$@" >> "$(dirname "$0")/sbatch.args"; echo "4242;cedar"')
    monkeypatch.setenv("PATH", f"{bindir}{os.pathsep}{os.environ.get('PATH', '')}")
    monkeypatch.chdir(tmp_path)
    return tmp_path


def slurm_cli(*argv: str) -> int:
    from babybliss.cli.commands import main

    return main(["slurm", *argv])


def job_line(script: Path) -> list[str]:
    """The job's babybliss arguments, read back from the script."""
    line = next(line for line in script.read_text().splitlines() if line.startswith("babybliss "))
    return shlex.split(line.removesuffix(" &"))[1:]


def test_cli_readme_order_writes_and_submits(login_node, capsys):
    code = slurm_cli("finetune", "--config", CONFIG_PATH, "--set", "slurm.account=def-yourpi",
                     "--out", "finetune.sh", "--submit")
    assert code == 0
    script = login_node / "finetune.sh"
    assert capsys.readouterr().out == "wrote finetune.sh\n4242\n"
    assert (login_node / "bin" / "sbatch.args").read_text().split() == ["--parsable", "finetune.sh"]
    text = script.read_text()
    assert "#SBATCH --account=def-yourpi" in text.splitlines()
    assert "#     babybliss download meta-llama/Llama-2-7b-hf" in text.splitlines()  # rendered from the config
    assert job_line(script) == ["finetune", "--config", CONFIG_PATH, "--set", "slurm.account=def-yourpi", "--resume"]


def test_cli_slurm_options_before_and_after_the_stage(login_node):
    assert slurm_cli("--config", CONFIG_PATH, "--set", "slurm.account=a", "--out", "before.sh", "finetune") == 0
    assert slurm_cli("--set", "slurm.account=a", "finetune", "--out", "mixed.sh", "--config", CONFIG_PATH) == 0
    before, mixed = (login_node / "before.sh").read_text(), (login_node / "mixed.sh").read_text()
    assert before == mixed
    assert "#SBATCH --account=a" in before.splitlines()
    assert slurm_cli("--set", "slurm.account=a", "finetune", "--set", "slurm.time=1:00:00", "--out", "two.sh") == 0
    two = (login_node / "two.sh").read_text().splitlines()
    assert "#SBATCH --account=a" in two and "#SBATCH --time=1:00:00" in two


def test_cli_stage_arguments_known_flags_positionals_and_after_dashes(login_node):
    assert slurm_cli("original-use", "--few-shot", "3", "--out", "ou.sh", "--config", CONFIG_PATH) == 0
    assert job_line(login_node / "ou.sh") == ["original-use", "--config", CONFIG_PATH, "--few-shot", "3"]
    assert slurm_cli("evaluate", "runs/x", "--config", CONFIG_PATH, "--out", "ev.sh") == 0
    assert job_line(login_node / "ev.sh") == ["evaluate", "--config", CONFIG_PATH, "runs/x"]
    # the stage's own --out shares slurm's name: after -- it goes to the stage
    stage_args = ["--out", "runs/a", "--data", "b.json"]
    assert slurm_cli("finetune", "--config", CONFIG_PATH, "--out", "ft.sh", "--", *stage_args) == 0
    assert job_line(login_node / "ft.sh") == ["finetune", "--config", CONFIG_PATH, *stage_args, "--resume"]
    # report and export take no config options (the config shapes only the script); data check does
    assert slurm_cli("data", "check", "pairs.json", "--config", CONFIG_PATH, "--out", "dc.sh") == 0
    assert job_line(login_node / "dc.sh") == ["data", "check", "--config", CONFIG_PATH, "pairs.json"]
    assert slurm_cli("report", "runs/x", "--config", CONFIG_PATH, "--out", "rp.sh") == 0
    assert job_line(login_node / "rp.sh") == ["report", "runs/x"]


def test_cli_a_job_command_that_would_not_parse_is_refused(login_node, capsys):
    assert slurm_cli("finetune", "--config", CONFIG_PATH, "--bogus", "--out", "bad.sh") == 2
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and "--bogus" in err and "babybliss finetune --config" in err and " -- " not in err[:20]
    assert slurm_cli("evaluate", "--out", "bad.sh") == 2  # evaluate needs its RUN
    assert "required: run" in capsys.readouterr().err
    assert slurm_cli("finetune", "--submit") == 2
    assert "--submit needs --out" in capsys.readouterr().err
    assert not (login_node / "bad.sh").exists()


def test_cli_help_says_where_stage_arguments_go(capsys):
    with pytest.raises(SystemExit):
        slurm_cli("--help")
    text = " ".join(capsys.readouterr().out.split())
    assert "before or after STAGE" in text and "go after --" in text


def test_commands_without_config_options_match_the_parser():
    from babybliss.cli.commands import build_parser

    parser = build_parser()
    commands = parser._subparsers._group_actions[0].choices  # noqa: SLF001 - argparse keeps them here
    commands = {**{k: v for k, v in commands.items() if k != "data"},
                **{f"data {k}": v for k, v in commands["data"]._subparsers._group_actions[0].choices.items()}}
    for stage in VALID_STAGES:
        name = "data prepare" if stage == "data" else stage
        takes_config = "--config" in commands[name]._option_string_actions
        assert takes_config == (name not in slurm.WITHOUT_CONFIG), name
    assert "--config" in commands["data check"]._option_string_actions  # long pairs are measured with the config's tokenizer


def test_resume_on_a_fresh_run_trains_it_as_a_plain_run_would(tiny_run, tmp_path):
    """The requeued job and the first one run the same `finetune --resume`: on an empty folder it must just train."""
    from safetensors.torch import load_file

    from conftest import TINY_RUN_OVERRIDES, make_pairs, write_json
    from babybliss.training.train import finetune

    pairs = write_json(tmp_path / "pairs.json", make_pairs(40))  # the same pairs as tiny_run's
    run = tmp_path / "never-started"
    config = load_config(None, TINY_RUN_OVERRIDES + [f"data.path={pairs}", f"out={run}"])
    assert finetune(config, resume=True)["adapters"] == [str(run / "epoch-1")]
    fresh = load_file(run / "epoch-1" / "adapter_model.safetensors")
    plain = load_file(tiny_run / "epoch-1" / "adapter_model.safetensors")
    assert fresh.keys() == plain.keys()
    assert all(torch.equal(fresh[k], plain[k]) for k in fresh)


# ---- your own template ----

DOCS = Path(__file__).parents[1] / "docs" / "slurm.md"


def docs_block(language: str) -> str:
    """The first fenced block of docs/slurm.md's template section in `language`."""
    section = DOCS.read_text(encoding="utf-8").split("## Your own job template", 1)[1]
    return section.split(f"```{language}\n", 1)[1].split("```", 1)[0]


@needs_bash
def test_documented_template_example_renders(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    (tmp_path / "jobs").mkdir()
    (tmp_path / "jobs" / "scratch-cluster.sh.j2").write_text(docs_block("jinja"), encoding="utf-8")
    (tmp_path / "cluster.toml").write_text(docs_block("toml"), encoding="utf-8")
    config = load_config(tmp_path / "cluster.toml")
    text = render("finetune", config)
    lines = text.splitlines()
    sbatch = [i for i, line in enumerate(lines) if line.startswith("#SBATCH")]
    assert lines[sbatch[-2]:sbatch[-1] + 1] == ["#SBATCH --partition=gpu", "#SBATCH --constraint=a100"]
    assert sbatch == list(range(1, len(sbatch) + 1))  # all #SBATCH lines at the top, after the shebang
    assert 'export TMPDIR="$SCRATCH/tmp/$SLURM_JOB_ID"' in lines
    assert lines.index('mkdir -p "$TMPDIR"') < lines.index("# ---- launch ----")
    assert "module load cuda/12.1" in lines and 'source "/scratch/$USER/envs/babybliss/bin/activate"' in lines
    assert "#SBATCH --gpus-per-node=a100:1" in lines
    assert text.split("# ---- launch ----")[1] == render("finetune").split("# ---- launch ----")[1]
    bash_syntax_ok(text, tmp_path)


def test_template_errors_are_one_line(tmp_path):
    config = Config()
    config.slurm.template = str(tmp_path / "missing.sh.j2")
    with pytest.raises(slurm.SlurmError, match="slurm.template: no such file .*missing.sh.j2"):
        render(config=config)
    (tmp_path / "broken.sh.j2").write_text("#!/bin/bash\n\n{% if stage %}\necho\n", encoding="utf-8")
    config.slurm.template = str(tmp_path / "broken.sh.j2")
    with pytest.raises(slurm.SlurmError, match=r"broken.sh.j2, line \d"):
        render(config=config)
    (tmp_path / "typo.sh.j2").write_text("#!/bin/bash\nbabybliss {{ comand }}\n", encoding="utf-8")
    config.slurm.template = str(tmp_path / "typo.sh.j2")
    with pytest.raises(slurm.SlurmError, match="typo.sh.j2: 'comand' is undefined"):
        render(config=config)


def test_own_template_replaces_the_shipped_one(tmp_path):
    (tmp_path / "job.sh.j2").write_text('#!/bin/bash\nsrun babybliss {{ command | map("sq") | join(" ") }}\n')
    config = Config()
    config.slurm.template = str(tmp_path / "job.sh.j2")
    assert render(config=config, overrides=["out=a b"]) == (
        f"#!/bin/bash\nsrun babybliss finetune --config {CONFIG_PATH} --set 'out=a b' --resume\n"
    )
