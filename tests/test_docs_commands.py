"""Every `babybliss` command in the fenced shell blocks of README.md and docs/*.md runs, offline, as documented.

Each block runs in a fresh folder holding what the docs assume (`bliss.json`, `configs/`), with a stub `sbatch`
on PATH and HOME inside the folder. A block's commands run in order (a later one may read what an earlier one
wrote). Commands that load a model get the tiny model and a few steps appended (`TINY`); those that cannot run
here are listed in `SKIPPED` with the reason. A command found in no table fails the test with a message saying
where to add it, so a new documented command is never passed over silently. `make` commands are out of scope;
usage synopses belong in ```text blocks, which are not run.
"""

from __future__ import annotations

import os
import re
import shlex
import shutil
from dataclasses import dataclass
from pathlib import Path

import pytest

from conftest import make_pairs, write_json

ROOT = Path(__file__).parents[1]
DOCUMENTS = [ROOT / "README.md", *sorted((ROOT / "docs").glob("*.md"))]
SHELL_BLOCKS = {"", "bash", "sh", "shell", "console", "zsh"}
"""Fence info strings whose blocks are commands; ```text, ```toml, ```jinja ... are not run."""

TINY = [
    "--set", "model.spec=tiny",
    "--set", "train.epochs=[1]",
    "--set", "train.max_steps=2",
    "--set", "train.per_device_train_batch_size=8",
    "--set", "train.save_steps=100",
    "--set", "lora.r=4",
    "--set", 'evaluate.splits=["test"]',
    "--set", "evaluate.max_examples=2",
    "--set", "evaluate.few_shot=1",
    "--set", "generate.max_new_tokens=8",
    "--set", "original_use.inference_max_length=32",
    "--set", "original_use.text_generation_max_new_tokens=8",
    "--set", 'original_use.prompts=["Today is a lovely sunny day."]',
    "--set", "original_use.word_prediction_sequences=1",
]
"""Appended to commands that load a model: the tiny in-process model, one epoch of two steps, few short answers."""

def slurm_wrote_and_submitted(words: list[str], folder: Path) -> None:
    """`babybliss slurm ... --out FILE [--submit]` wrote FILE, a job script, and handed it to sbatch."""
    own = words[: words.index("--")] if "--" in words else words
    if "--out" in own:
        script = folder / own[own.index("--out") + 1]
        assert script.is_file() and script.read_text().startswith("#!/bin/bash\n#SBATCH "), script
    if "--submit" in own:
        assert (folder / "bin" / "sbatch.calls").read_text().split()[-1] == own[own.index("--out") + 1]


CHECKS = {"slurm": slurm_wrote_and_submitted}
"""What a command must have done besides exiting 0."""

RUNNERS: dict[str, list[str]] = {
    "data check": [],
    "data prepare": [],
    "data lint": [],
    "info": [],
    "rules": [],
    "symbols": [],  # draws with the real renderer (node + bliss-svg-builder from `make`)
    "original-use": TINY,
    "finetune": TINY,
    "export": [],
    "generate": TINY,
    "score": [],
    "evaluate": TINY,
    "report": [],
    "compare": [],
    "slurm": [],  # renders and (with --submit) hands the script to the stub sbatch
    "demo": TINY,
    "experiment": TINY,
}
"""Commands that run here, and what is appended to them."""

SKIPPED: dict[str, str] = {
    "download": "needs the internet (the Hugging Face hub); the tests run offline",
    "serve": "starts a web server that runs until it is stopped",
}
"""Commands that cannot run here, with the reason."""

PLACEHOLDER = re.compile(r"^\[|^[A-Z][A-Z0-9_]+(/|$)")
"""A synopsis word: `[--option]`, `FILE`, `RUN/epoch-N`."""


@dataclass
class Command:
    where: str
    """file:line of the command in the docs."""
    words: list[str]
    """The words after `babybliss`."""

    @property
    def key(self) -> str:
        """The table key: `data check` for a command with subcommands, else the command's name."""
        two = " ".join(self.words[:2])
        return two if two in RUNNERS or two in SKIPPED else self.words[0] if self.words else ""

    def __str__(self) -> str:
        return "babybliss " + shlex.join(self.words)


def fenced_blocks(text: str) -> list[tuple[int, str, list[str]]]:
    """(line number of the block's first line, info string, lines) of each ``` block."""
    blocks, current = [], None
    for number, line in enumerate(text.splitlines(), 1):
        fence = re.match(r"^\s*```\s*([\w+-]*)\s*$", line)
        if current is None and fence:
            current = (number + 1, fence.group(1).lower(), [])
        elif current is not None and line.strip() == "```":
            blocks.append(current)
            current = None
        elif current is not None:
            current[2].append(line)
    return blocks


def commands_in(lines: list[str], first_line: int, name: str) -> list[Command]:
    """The babybliss commands of a shell block: continuations joined, comments dropped, split at && ; |."""
    commands, pending, start = [], "", first_line
    for number, line in enumerate(lines, first_line):
        if not pending:
            start = number
            line = re.sub(r"^\s*\$ ", "", line)
        if line.rstrip().endswith("\\"):
            pending += line.rstrip()[:-1] + " "
            continue
        text, pending, segment = pending + line, "", []
        lexer = shlex.shlex(text, posix=True, punctuation_chars=True)
        lexer.whitespace_split = True
        try:
            tokens = [*lexer, ";"]
        except ValueError as err:  # prose in a plain ``` block; a command must still parse
            if re.search(r"(^|[;&|])\s*(\w+=\S*\s+)*babybliss\b", text):
                raise ValueError(f"{name}:{start}: {err}: {text.strip()}") from None
            continue
        for token in tokens:
            if token in {"&&", "||", ";", "|", "&"}:
                while segment and re.match(r"^\w+=", segment[0]):  # VAR=value before the command
                    segment.pop(0)
                if segment[:1] == ["babybliss"]:
                    commands.append(Command(f"{name}:{start}", segment[1:]))
                segment = []
            else:
                segment.append(token)
    return commands


def documented_commands() -> list[tuple[str, list[Command]]]:
    """(file:line, commands) of every shell block that holds a babybliss command, in document order."""
    found = []
    for path in DOCUMENTS:
        for first, language, lines in fenced_blocks(path.read_text(encoding="utf-8")):
            if language in SHELL_BLOCKS:
                commands = commands_in(lines, first, path.name)
                if commands:
                    found.append((f"{path.name}:{first}", commands))
    return found


BLOCKS = documented_commands()


@pytest.fixture
def docs_folder(tmp_path, monkeypatch):
    """A fresh folder with what the docs assume, a stub sbatch on PATH, HOME inside, and the hub offline."""
    write_json(tmp_path / "bliss.json", make_pairs(40))
    shutil.copytree(ROOT / "configs", tmp_path / "configs")
    bindir = tmp_path / "bin"
    bindir.mkdir()
    (bindir / "sbatch").write_text('#!/bin/bash\necho "$@" >> "$(dirname "$0")/sbatch.calls"\necho 4242\n')
    (bindir / "sbatch").chmod(0o755)
    monkeypatch.setenv("PATH", f"{bindir}{os.pathsep}{os.environ.get('PATH', '')}")
    monkeypatch.setenv("HOME", str(tmp_path / "home"))
    for name in ("HF_HUB_OFFLINE", "TRANSFORMERS_OFFLINE", "HF_DATASETS_OFFLINE"):
        monkeypatch.setenv(name, "1")
    monkeypatch.delenv("HF_TOKEN", raising=False)
    monkeypatch.chdir(tmp_path)
    return tmp_path


def runnable(command: Command) -> list[str]:
    """The command's arguments as run here, or a test failure that says why it cannot be."""
    placeholders = [w for w in command.words if PLACEHOLDER.search(w)]
    if placeholders:
        pytest.fail(f"{command.where}: `{command}` looks like a synopsis ({' '.join(placeholders)}): "
                    "put it in a ```text block, or write a command that runs")
    if command.key not in RUNNERS:
        pytest.fail(f"{command.where}: `{command}`: the command `{command.key}` is in neither RUNNERS nor SKIPPED "
                    "of tests/test_docs_commands.py: add how to run it offline, or why it cannot run here")
    words = [os.path.expandvars(os.path.expanduser(w)) for w in command.words]
    return words + RUNNERS[command.key]


@pytest.mark.parametrize(("where", "commands"), BLOCKS, ids=[where for where, _ in BLOCKS])
def test_documented_commands_run(where, commands, docs_folder, capsys):
    from babybliss.cli.commands import main

    skipped = []
    for command in commands:
        if command.key in SKIPPED:
            skipped.append(f"`{command}`: {SKIPPED[command.key]}")
            continue
        argv = runnable(command)
        try:
            code = main(argv)
        except SystemExit as exit:  # argparse: a documented option that does not exist
            code = exit.code
        output = capsys.readouterr()
        assert code == 0, f"{command.where}: `{command}` exited {code}:\n{output.err[-2000:]}"
        if command.key in CHECKS:
            CHECKS[command.key](argv, docs_folder)
    if skipped and len(skipped) == len(commands):
        pytest.skip("; ".join(skipped))


def test_the_documented_slurm_commands_are_found():
    """The collection itself works: the README's and docs/slurm.md's job commands are among those run."""
    found = {str(c) for _, commands in BLOCKS for c in commands}
    assert ("babybliss slurm finetune --config configs/llama2-7b-qlora.toml --set slurm.account=def-yourpi "
            "--out finetune.sh --submit") in found
    assert ("babybliss slurm finetune --config configs/llama2-7b-qlora.toml --nodes 2 --gpus-per-node v100l:4 "
            "--out jobs/finetune-2x4.sh --submit") in found  # joined across its line continuation
    assert not [c for c in found if c.startswith("babybliss slurm STAGE")], "synopses in ```text blocks are not run"


def test_block_parsing():
    markdown = "\n".join([
        "intro `babybliss inline` is not a block",
        "```bash",
        "$ babybliss data check a.json      # a comment",
        "export HF_HOME=~/hf",
        "babybliss evaluate runs/x && babybliss report runs/x",
        "HF_HUB_OFFLINE=1 babybliss generate --direction e2b \"I walk. # not a comment\" \\",
        "    --sample",
        "make demo",
        "```",
        "```text",
        "babybliss slurm STAGE [--out FILE]",
        "```",
        "```toml",
        "[slurm]",
        "```",
    ])
    blocks = fenced_blocks(markdown)
    assert [(first, language) for first, language, _ in blocks] == [(3, "bash"), (11, "text"), (14, "toml")]
    commands = commands_in(blocks[0][2], blocks[0][0], "X.md")
    assert [(c.where, c.words) for c in commands] == [
        ("X.md:3", ["data", "check", "a.json"]),
        ("X.md:5", ["evaluate", "runs/x"]),
        ("X.md:5", ["report", "runs/x"]),
        ("X.md:6", ["generate", "--direction", "e2b", "I walk. # not a comment", "--sample"]),
    ]
    assert [c.key for c in commands] == ["data check", "evaluate", "report", "generate"]


def test_unknown_commands_and_synopses_fail_loudly():
    with pytest.raises(pytest.fail.Exception, match=r"X.md:1: `babybliss frobnicate --now`: the command `frobnicate`"):
        runnable(Command("X.md:1", ["frobnicate", "--now"]))
    with pytest.raises(pytest.fail.Exception, match="looks like a synopsis"):
        runnable(Command("X.md:2", ["slurm", "STAGE", "--config", "FILE"]))
    assert runnable(Command("X.md:3", ["finetune", "--config", "x"]))[-len(TINY):] == TINY
