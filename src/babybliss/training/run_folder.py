"""One folder, one run: a lock while a process trains into a run folder, and the run's identity.

The identity (`RUN/run.json`) records what the run was started with: the training-relevant config and a hash of
each pairs file's content. `--resume` continues only a run whose identity matches, and a run without `--resume`
never mixes its epochs with another run's: into a folder holding the same run it starts clean, into a folder
holding another run it refuses.
"""

from __future__ import annotations

import contextlib
import dataclasses
import fcntl
import hashlib
import json
import os
import shutil
import socket
import time
from collections.abc import Iterator
from pathlib import Path

from babybliss.config import Config
from babybliss.errors import BlissError
from babybliss.io import atomic_write_json, writing_in

LOCK_FILE = ".lock"
IDENTITY_FILE = "run.json"
OPERATIONAL = {"out", "model.cache_dir", "data.path", "data.extra_train", "train.num_threads", "train.save_steps",
               "train.logging_steps", "train.seeds", "train.vary_split"}
"""Settings that do not change what a run trains (the pairs files count by content, not by path; a seed's run folder
records its own train.seed and data.seed)."""
TRAINING_SECTIONS = ("model", "data", "prompts", "lora", "quant", "train")


class RunFolderError(BlissError):
    """A run folder that is in use, or holds another run."""


@contextlib.contextmanager
def locked(folder: str | Path) -> Iterator[None]:
    """Hold RUN/.lock (an flock, so a killed holder releases it) or refuse, naming the process that holds it."""
    folder = Path(folder)
    with writing_in(folder):
        folder.mkdir(parents=True, exist_ok=True)
        fd = os.open(folder / LOCK_FILE, os.O_RDWR | os.O_CREAT, 0o666)
    try:
        _take(fd, folder)
        os.ftruncate(fd, 0)
        started = time.strftime("%Y-%m-%d %H:%M:%S")
        os.pwrite(fd, f"babybliss process {os.getpid()} on {socket.gethostname()} (since {started})\n".encode(), 0)
        try:
            yield
        finally:
            os.ftruncate(fd, 0)  # no holder named once released
    finally:
        os.close(fd)  # closing releases the flock


def _take(fd: int, folder: Path) -> None:
    """flock `fd` (RUN/.lock) or refuse, naming the process that holds it."""
    try:
        fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
    except BlockingIOError:
        holder = os.pread(fd, 4096, 0).decode(errors="replace").strip() or "another process"
        raise RunFolderError(f"{folder}: in use by {holder}; wait for it to end or choose another --out") from None


def check_free(folder: str | Path) -> None:
    """Refuse now, as `locked` would later, when another process holds the folder; creates nothing."""
    folder = Path(folder)
    try:
        fd = os.open(folder / LOCK_FILE, os.O_RDWR)
    except FileNotFoundError:
        return
    try:
        _take(fd, folder)
    finally:
        os.close(fd)  # releases the lock taken for the test


def check_start(config: Config, resume: bool = False) -> None:
    """Everything that would refuse a training run, checked before any model loads or anything is written: the input
    files (data.inputs), the run folder's lock and the run it holds. A refused run leaves nothing behind."""
    from babybliss.data.inputs import check_inputs

    check_inputs(config)
    check_free(config.out)
    check_claim(config.out, config, resume)


def _file_hash(path: str) -> str:
    from babybliss.data.pairs import resolve_path

    resolved = resolve_path(path)
    if not resolved.is_file():
        return "missing"
    return hashlib.sha256(resolved.read_bytes()).hexdigest()[:16]


def _extra_identity(entry: str) -> str:
    """A pairs file by its content; a lever (`generated:N`, `rules:english`, `augment:names`) by the entry itself and,
    for `generated:N`, the generator's cache key (which follows the generator's and the rules' source)."""
    from babybliss.data.extra_train import GENERATED_PREFIX

    if entry.startswith(GENERATED_PREFIX):
        from babybliss.data.generated import cache_key

        return f"{entry}@{cache_key()}"
    return _file_hash(entry)


def identity(config: Config) -> dict[str, object]:
    """What the run trains: config values that change its result, and the content of its pairs files."""
    settings = {}
    for section in TRAINING_SECTIONS:
        for key, value in dataclasses.asdict(getattr(config, section)).items():
            if f"{section}.{key}" not in OPERATIONAL:
                settings[f"{section}.{key}"] = value
    data = {"data.path": _file_hash(config.data.path)}
    data.update({f"data.extra_train[{i}]": _extra_identity(p) for i, p in enumerate(config.data.extra_train)})
    return {"settings": settings, "data": data}


def differences(recorded: dict, current: dict) -> list[str]:
    """`key: old -> new` for each setting, and `FILE content` for each pairs file, that differs."""
    out = []
    for key in sorted(set(recorded.get("settings", {})) | set(current["settings"])):
        old, new = recorded.get("settings", {}).get(key), current["settings"].get(key)
        if old != new:
            out.append(f"{key}: {old!r} -> {new!r}")
    for key in sorted(set(recorded.get("data", {})) | set(current["data"])):
        if recorded.get("data", {}).get(key) != current["data"].get(key):
            out.append(f"{key}: other file content")
    return out


def holds_a_run(folder: Path) -> bool:
    return (folder / IDENTITY_FILE).is_file() or (folder / "checkpoints").is_dir() or any(folder.glob("epoch-*"))


def claim(folder: str | Path, config: Config, resume: bool) -> bool:
    """Check that `config` may train into `folder` and record its identity; True when an earlier run continues.

    Raises RunFolderError when `--resume` would continue another run, or a fresh run would mix with one.
    """
    folder = Path(folder)
    recorded, current = check_claim(folder, config, resume)
    if recorded and not resume:
        start_clean(folder)
    atomic_write_json(folder / IDENTITY_FILE, current)
    return bool(recorded) and resume


def check_claim(folder: str | Path, config: Config, resume: bool) -> tuple[dict | None, dict]:
    """(the identity recorded in `folder` or None, `config`'s) where `config` may train there, else RunFolderError.
    Reads only."""
    folder = Path(folder)
    current = identity(config)
    path = folder / IDENTITY_FILE
    recorded = json.loads(path.read_text()) if path.is_file() else None
    if recorded is None and holds_a_run(folder):
        raise RunFolderError(f"{folder}: holds files of an unknown run (no {IDENTITY_FILE}); choose another --out")
    changed = differences(recorded, current) if recorded else []
    if changed:
        what = "; ".join(changed[:6]) + (f"; and {len(changed) - 6} more" if len(changed) > 6 else "")
        action = "--resume would train on other data or settings than" if resume else "it holds another run than"
        raise RunFolderError(f"{folder}: {action} this command ({what}); choose another --out")
    return recorded, current


def start_clean(folder: Path) -> None:
    """Remove what training wrote (adapters, checkpoints, training logs) and the adapters' evaluations, so no epoch
    of the old run remains (evaluate skips an epoch already scored)."""
    for target in [*folder.glob("epoch-*"), *folder.glob("eval/epoch-*"), folder / "checkpoints", folder / "logs"]:
        if target.is_dir():
            shutil.rmtree(target)
