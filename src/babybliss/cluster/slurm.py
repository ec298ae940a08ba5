"""SLURM batch scripts for babybliss stages, in the style of the research team's Cedar (Alliance) scripts.

`render_script` checks the settings into the variables of a Jinja2 template (`script_context`) and renders the
shipped `templates/slurm/job.sh.j2`, or the user's own (`slurm.template`), whose blocks are the #SBATCH header,
the preamble, the environment (modules, a virtualenv, offline Hugging Face settings) and the launch (one process,
or srun + accelerate/torchrun across GPUs and nodes).
`write_script` saves it atomically and executable; `submit` hands it to sbatch where there is one.

Nothing here reads the process environment: a token exported on the machine that renders the script can never
end up in it.
"""

from __future__ import annotations

import argparse
import contextlib
import io
import re
import shlex
import shutil
import subprocess
from pathlib import Path

from babybliss.config import DEFAULT_SPEC, SMOLLM2_WHEEL, TINY_SPEC, Config
from babybliss.errors import BlissError
from babybliss.io import atomic_write_text

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

REQUEUED_STAGES: frozenset[str] = frozenset({"finetune"})
"""Stages that resume where they stopped: their jobs are signalled before the time limit and requeued."""

SEED_ARRAY_TAIL = ' --seed-index "$SLURM_ARRAY_TASK_ID"'
"""What a finetune job with train.seeds appends to its command: each array task trains one seed."""

DATA_SUBCOMMANDS: tuple[str, ...] = ("prepare", "check")

WITHOUT_CONFIG: frozenset[str] = frozenset({"report", "export"})
"""Commands that take no --config or --set: for them the config only shapes the script."""

BASE_PORT = 20000
"""MASTER_PORT is BASE_PORT + job id mod 10000, so two jobs sharing a node do not collide."""


class SlurmError(BlissError):
    """A job script that cannot be rendered or submitted as asked."""


def gpu_count(gpus_per_node: str) -> int:
    """GPUs per node from a --gpus-per-node value: "v100l:4" -> 4, "4" -> 4, "a100:2" -> 2, "" -> 0.

    The type may itself hold dots or underscores (MIG profiles such as "nvidia_h100_3g.40gb:1").
    """
    text = str(gpus_per_node).strip()
    if not text:
        return 0
    count = text.rsplit(":", 1)[-1]
    if not re.fullmatch(r"\d+", count):
        raise SlurmError(f"gpus-per-node {gpus_per_node!r}: expected COUNT or TYPE:COUNT, e.g. v100l:1 or 4")
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
    parser: argparse.ArgumentParser | None = None,
) -> str:
    """The sbatch script that runs `babybliss STAGE` with the same config file and `--set` overrides.

    `nodes` and `gpus_per_node` replace config.slurm's values when given. `stage_args` follow the config
    options on the stage's command line; for `data` a leading `prepare` or `check` picks the subcommand
    (default `prepare`). With `parser` (babybliss's), the job's command line must parse: a mistake shows now,
    not when the job starts. The text comes from the shipped template, or from `slurm.template` where set.
    """
    context = script_context(
        stage, config, stage_args, config_path=config_path, overrides=overrides, nodes=nodes,
        gpus_per_node=gpus_per_node,
    )
    if parser is not None:
        check_command(parser, context["command"] + (["--seed-index", "0"] if context["command_tail"] else []))
    return render_template(config.slurm.template, context)


def check_command(parser: argparse.ArgumentParser, words: list[str]) -> None:
    """SlurmError, with argparse's one-line reason, where `babybliss WORDS` would stop at its arguments."""
    out, err = io.StringIO(), io.StringIO()
    try:
        with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
            parser.parse_args(words)
    except SystemExit:
        reason = (err.getvalue().strip().splitlines() or ["it only prints help"])[-1]
        raise SlurmError(
            f"the job would run `babybliss {shlex.join(words)}`, which stops: {reason} "
            "(arguments for the stage that `babybliss slurm` would take as its own go after --)"
        ) from None


def script_context(
    stage: str,
    config: Config,
    stage_args: list[str],
    *,
    config_path: str | None,
    overrides: list[str],
    nodes: int | None = None,
    gpus_per_node: str | None = None,
) -> dict[str, object]:
    """The template's variables, checked: every value that lands in the script is a single line."""
    if stage not in VALID_STAGES:
        raise SlurmError(f"unknown stage {stage!r} for a SLURM job; valid stages: {', '.join(VALID_STAGES)}")
    slurm = config.slurm
    nodes = slurm.nodes if nodes is None else nodes
    if not isinstance(nodes, int) or isinstance(nodes, bool) or nodes < 1:
        raise SlurmError(f"nodes: expected a whole number of at least 1, got {nodes!r}")
    gpus_spec = (slurm.gpus_per_node if gpus_per_node is None else gpus_per_node).strip()
    gpus = gpu_count(gpus_spec)
    distributed = is_distributed(stage, nodes, gpus)
    if stage in DISTRIBUTED_STAGES and nodes > 1 and gpus < 1:
        raise SlurmError(f"{stage} on {nodes} nodes needs GPUs: set --gpus-per-node (e.g. v100l:1)")
    if slurm.launcher not in {"accelerate", "torchrun"}:
        raise SlurmError(f"slurm.launcher: expected accelerate or torchrun, got {slurm.launcher!r}")
    if not isinstance(slurm.signal_grace, int) or slurm.signal_grace < 0:
        raise SlurmError(f"slurm.signal_grace: expected whole seconds, 0 or more, got {slurm.signal_grace!r}")
    requeue = stage in REQUEUED_STAGES and slurm.signal_grace > 0
    command = job_command(stage, stage_args, config_path, overrides)
    if requeue and "--resume" not in command:
        command.append("--resume")
    seed_array = stage == "finetune" and len(config.train.seeds) > 1 and "--seed-index" not in command
    pip_install = shlex.split(slurm.pip_install) or ["babybliss"]
    return {
        "stage": stage,
        "config": config,
        "slurm": slurm,
        "sbatch": _sbatch_options(stage, config, nodes, gpus_spec, gpus, distributed, requeue, seed_array),
        "spec": _comment(config.model.spec),
        "embedded_model": config.model.spec in {DEFAULT_SPEC, TINY_SPEC},
        "wheel": SMOLLM2_WHEEL,
        "hf_home": _one_line(slurm.hf_home.strip(), "slurm.hf_home"),
        "modules": [_one_line(m, "slurm.modules") for m in slurm.modules if m.strip()],
        "venv": _one_line(slurm.venv.strip(), "slurm.venv").rstrip("/"),
        "pip_install": [_one_line(w, "slurm.pip_install") for w in pip_install],
        "multinode": distributed and nodes > 1,
        "command": command,
        "command_tail": SEED_ARRAY_TAIL if seed_array else "",
        "requeue": requeue,
        "signal_grace": slurm.signal_grace,
        "nodes": nodes,
        "gpus": gpus,
        "distributed": distributed,
        "distributed_stages": sorted(DISTRIBUTED_STAGES),
        "launcher": slurm.launcher,
        "base_port": BASE_PORT,
    }


def render_template(template: str, context: dict[str, object]) -> str:
    """Render the shipped job template, or the user's file `template` (which may extend "babybliss/job.sh.j2")."""
    import jinja2  # here, not at the top: the CLI's parser imports this module for VALID_STAGES

    shipped = jinja2.PackageLoader("babybliss.cluster", "templates/slurm")
    if template:
        path = Path(template).expanduser()
        if not path.is_file():
            raise SlurmError(f"slurm.template: no such file {template}")
        loader = jinja2.ChoiceLoader(
            [jinja2.FileSystemLoader(str(path.parent)), jinja2.PrefixLoader({"babybliss": shipped})]
        )
        name = path.name
    else:
        loader, name = jinja2.PrefixLoader({"babybliss": shipped}), "babybliss/job.sh.j2"
    env = jinja2.Environment(
        loader=loader,
        undefined=jinja2.StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
        keep_trailing_newline=True,
        autoescape=False,
    )
    env.filters["sq"] = shlex.quote
    env.filters["dq"] = _dq
    try:
        return env.get_template(name).render(context)
    except jinja2.TemplateSyntaxError as err:
        raise SlurmError(f"slurm.template {err.filename or name}, line {err.lineno}: {err.message}") from None
    except jinja2.UndefinedError as err:
        raise SlurmError(f"slurm.template {template or name}: {err.message}") from None


def job_command(stage: str, stage_args: list[str], config_path: str | None, overrides: list[str]) -> list[str]:
    """babybliss's arguments (after the program name): the stage, its config options, then stage_args."""
    args = [str(a) for a in stage_args]
    words = [stage]
    if stage == "data":
        sub = "prepare"
        if args and args[0] in DATA_SUBCOMMANDS:
            sub, args = args[0], args[1:]
        words.append(sub)
    if " ".join(words) not in WITHOUT_CONFIG:
        if config_path:
            words += ["--config", str(config_path)]
        for item in overrides:
            words += ["--set", str(item)]
    return words + args


def _one_line(value: str, what: str) -> str:
    value = str(value)
    if "\n" in value or "\r" in value:
        raise SlurmError(f"{what}: must be a single line, got {value!r}")
    return value


def _sbatch_options(
    stage: str, config: Config, nodes: int, gpus_spec: str, gpus: int, distributed: bool, requeue: bool,
    seed_array: bool = False,
) -> list[str]:
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
    if requeue:
        # B: signals only the batch shell, which passes SIGTERM on to babybliss; append keeps the first
        # attempt's log when the requeued job writes to the same output file.
        options += ["--requeue", f"--signal=B:TERM@{slurm.signal_grace}", "--open-mode=append"]
    if seed_array:
        # One array task per seed of train.seeds; each requeues and resumes on its own (RUN/seed-S).
        options.append(f"--array=0-{len(config.train.seeds) - 1}")
    for line in slurm.extra_sbatch:
        line = line.strip()
        if line.startswith("#SBATCH"):
            line = line[len("#SBATCH") :].strip()
        if line:
            options.append(line)
    return [_one_line(o, "slurm option") for o in options]


def _comment(text: str) -> str:
    return " ".join(str(text).split())


def _dq(value: str) -> str:
    """Double-quote for bash, keeping $VAR expansion (config values such as $HOME/projects/...)."""
    escaped = value.replace("\\", "\\\\").replace('"', '\\"').replace("`", "\\`")
    return f'"{escaped}"'


def write_script(text: str, out_path: str | Path) -> Path:
    """Write the script atomically (a temporary file beside it, renamed over it), executable (755 under umask 022)."""
    path = Path(out_path)
    atomic_write_text(path, text, mode=0o777)
    return path


def submit(path: str | Path) -> str:
    """Run `sbatch --parsable PATH` and return the job id; SlurmError where there is no sbatch or it fails."""
    sbatch = shutil.which("sbatch")
    if sbatch is None:
        raise SlurmError(
            f"sbatch not found: this machine is not a SLURM login node; copy {path} to the cluster "
            f"and run sbatch {path}"
        )
    result = subprocess.run([sbatch, "--parsable", str(path)], capture_output=True, text=True, check=False)
    if result.returncode != 0:
        detail = (result.stderr or result.stdout).strip()
        raise SlurmError(f"sbatch {path} failed (exit {result.returncode}): {detail}")
    # --parsable prints "jobid" or "jobid;cluster".
    return result.stdout.strip().split(";", 1)[0]
