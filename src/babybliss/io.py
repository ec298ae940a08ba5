"""Files written so that a reader never sees half of one (write beside, then rename), with the user's umask, and
write failures (read-only folder, full disk) told as one line that names the folder."""

from __future__ import annotations

import contextlib
import errno
import json
import os
import shutil
import signal
import tempfile
from collections.abc import Iterable, Iterator
from pathlib import Path
from typing import Any

from babybliss.errors import BlissError

PARTIAL_SUFFIX = ".partial"
TMP_SUFFIX = ".tmp"


class WriteError(BlissError):
    """A folder that cannot be written: permission denied, read-only, or no space left on device."""


def umask() -> int:
    """The process umask (read without changing it where /proc allows)."""
    with contextlib.suppress(OSError, ValueError, StopIteration):
        status = Path("/proc/self/status").read_text().splitlines()
        return int(next(line for line in status if line.startswith("Umask:")).split()[1], 8)
    mask = os.umask(0)
    os.umask(mask)
    return mask


def write_failure(err: OSError, where: Path) -> WriteError | None:
    """The one-line error for an OSError that the user fixes on the file system, or None for anything else."""
    if err.errno in (errno.ENOSPC, errno.EDQUOT):
        return WriteError(f"no space left on device while writing in {where} ({_free(where)} free)")
    if err.errno in (errno.EACCES, errno.EPERM, errno.EROFS):
        return WriteError(f"{where}: folder is not writable ({os.strerror(err.errno).lower()})")
    return None


def _free(where: Path) -> str:
    for folder in (where, *where.parents):
        with contextlib.suppress(OSError):
            return f"{shutil.disk_usage(folder).free / 2**20:.1f} MiB"
    return "unknown space"


@contextlib.contextmanager
def writing_in(folder: str | Path) -> Iterator[None]:
    """Turn a permission or full-disk OSError inside the block into a WriteError that names `folder`."""
    try:
        yield
    except OSError as err:
        failure = write_failure(err, Path(folder))
        if failure is None:
            raise
        raise failure from err


def ensure_writable(folder: str | Path) -> None:
    """Fail at once, naming `folder`, when it cannot be written: before long work whose results go there."""
    folder = Path(folder)
    with writing_in(folder):
        folder.mkdir(parents=True, exist_ok=True)
        fd, probe = tempfile.mkstemp(prefix=".probe.", suffix=TMP_SUFFIX, dir=folder)
        os.close(fd)
        os.unlink(probe)


def read_user_text(path: str | Path, error: type[BlissError] = BlissError, missing: str = "file not found") -> str:
    """A UTF-8 text file the user gave; `error` (one line naming the file) where it is missing or not UTF-8."""
    path = Path(path)
    if not path.is_file():
        raise error(f"{path}: {missing}")
    try:
        return path.read_text(encoding="utf-8")
    except UnicodeDecodeError as err:
        raise error(f"{path}: not UTF-8 text ({err.reason} at byte {err.start})") from None


def atomic_write_text(path: str | Path, text: str, mode: int = 0o666) -> None:
    """Write `text` (UTF-8) to a temporary file beside `path`, then rename it over `path`; `mode` less the umask."""
    atomic_write_bytes(path, text.encode("utf-8"), mode)


def atomic_write_bytes(path: str | Path, data: bytes, mode: int = 0o666) -> None:
    """Write `data` to a temporary file beside `path`, then rename it over `path`; `mode` less the umask."""
    path = Path(path)
    with writing_in(path.parent):
        path.parent.mkdir(parents=True, exist_ok=True)
        fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=TMP_SUFFIX, dir=path.parent)
        try:
            os.fchmod(fd, mode & ~umask())  # mkstemp makes 0600: follow the umask like any other file
            with os.fdopen(fd, "wb") as handle:
                handle.write(data)
            os.replace(tmp, path)
        except BaseException:
            with contextlib.suppress(FileNotFoundError):
                os.unlink(tmp)
            raise


def atomic_write_json(path: str | Path, data: Any) -> None:
    atomic_write_text(path, json.dumps(data, indent=2, ensure_ascii=False) + "\n")


def atomic_write_jsonl(path: str | Path, rows: Iterable[dict[str, Any]]) -> None:
    atomic_write_text(path, "".join(json.dumps(row, ensure_ascii=False) + "\n" for row in rows))


def read_jsonl(path: str | Path) -> list[dict[str, Any]]:
    with open(path, encoding="utf-8") as handle:
        return [json.loads(line) for line in handle if line.strip()]


@contextlib.contextmanager
def atomic_dir(path: str | Path) -> Iterator[Path]:
    """Yield a temporary folder that replaces `path` only when the block ends without error.

    A process killed inside the block leaves `.NAME.*.partial` beside `path`; `remove_leftovers` clears it.
    """
    path = Path(path)
    with writing_in(path.parent):
        path.parent.mkdir(parents=True, exist_ok=True)
        tmp = Path(tempfile.mkdtemp(prefix=f".{path.name}.", suffix=PARTIAL_SUFFIX, dir=path.parent))
        try:
            tmp.chmod(0o777 & ~umask())  # mkdtemp makes 0700: follow the umask like any other folder
            yield tmp
            if path.exists():
                shutil.rmtree(path)
            os.replace(tmp, path)
        finally:
            if tmp.exists():
                shutil.rmtree(tmp, ignore_errors=True)


def remove_leftovers(folder: str | Path) -> list[Path]:
    """Delete the half-written `.*.partial` folders and `.*.tmp` files a killed writer left anywhere in `folder`.

    Only while no other process writes there (the run lock)."""
    removed = []
    for leftover in sorted(Path(folder).rglob(f".*{PARTIAL_SUFFIX}")) + sorted(Path(folder).rglob(f".*{TMP_SUFFIX}")):
        if not leftover.exists():
            continue  # inside a folder removed before it
        if leftover.is_dir():
            shutil.rmtree(leftover, ignore_errors=True)
        else:
            leftover.unlink(missing_ok=True)
        removed.append(leftover)
    return removed


# --- fault points -------------------------------------------------------------------------------------------------
# Named points where the fault-injection tests stop a run at an exact moment instead of racing a timer.
# `BABYBLISS_FAULT=POINT:N[:SIGNAL][,...]` makes the process send itself SIGNAL (KILL unless TERM or INT is named)
# when it reaches POINT for the N-th time or at step/epoch N:
#
#     step:N             after optimizer step N (before its checkpoint)
#     save-checkpoint:N  inside the checkpoint of step N: weights written, trainer state not yet
#     save-epoch:N       inside the write of RUN/epoch-N: adapter written, folder not yet in place
#     eval-epoch:N       after epoch N's validation loss, before it is recorded in RUN/epoch-N
#     prepare:0          inside `data prepare`: some splits written, folder not yet in place
#
# Unset (always, outside tests) a point costs one environment lookup.

FAULT_ENV = "BABYBLISS_FAULT"


def fault_point(name: str, number: int = 0) -> None:
    spec = os.environ.get(FAULT_ENV)
    if not spec:
        return
    for item in spec.split(","):
        where, _, rest = item.strip().partition(":")
        count, _, sig = rest.partition(":")
        if where == name and int(count or 0) == number:
            os.kill(os.getpid(), getattr(signal, f"SIG{sig or 'KILL'}"))
