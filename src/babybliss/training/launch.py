"""Several GPUs from one command: `babybliss finetune` re-executes itself under `accelerate launch`.

One process that sees several CUDA GPUs and was not started by a launcher starts the same command again under
`accelerate launch --num_processes N` (one process per GPU, DDP); `--gpus N` uses the first N visible GPUs, and
`--gpus 1` just hides the others (CUDA_VISIBLE_DEVICES) and trains here. Under a launcher nothing changes.
"""

from __future__ import annotations

import os
import shlex
import sys
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path

from babybliss.errors import BlissError

LAUNCHER_ENV = ("RANK", "LOCAL_RANK", "WORLD_SIZE", "TORCHELASTIC_RUN_ID", "ACCELERATE_MIXED_PRECISION")
"""Variables a launcher sets in its processes (torchrun: the first four; `accelerate launch`, even with one process:
ACCELERATE_MIXED_PRECISION). Any of them means the process is already placed: it runs as it is."""


@dataclass(frozen=True)
class Decision:
    """What `finetune` does with the GPUs it sees."""

    processes: int
    """Training processes: 1 trains in this process, more re-execute under `accelerate launch`."""
    cuda_visible_devices: str | None = None
    """The GPUs to keep visible (the first `processes` ones), or None to leave CUDA_VISIBLE_DEVICES as it is."""

    @property
    def launches(self) -> bool:
        return self.processes > 1


def decide(visible: int, env: Mapping[str, str], gpus: int | None) -> Decision:
    """The plan for `visible` CUDA GPUs, the process environment `env` and the `--gpus` flag (None: all of them)."""
    if gpus is not None and gpus < 1:
        raise BlissError(f"--gpus {gpus}: give 1 or more GPUs")
    if any(name in env for name in LAUNCHER_ENV):
        return Decision(1)  # the launcher placed this process; --gpus is the launcher's business
    if gpus is not None and gpus > visible:
        raise BlissError(f"--gpus {gpus}: only {visible} CUDA GPU(s) visible" + (" (CUDA_VISIBLE_DEVICES="
                         f"{env['CUDA_VISIBLE_DEVICES']})" if "CUDA_VISIBLE_DEVICES" in env else ""))
    wanted = visible if gpus is None else gpus
    if wanted == visible:
        return Decision(max(1, wanted))
    return Decision(wanted, first_devices(env.get("CUDA_VISIBLE_DEVICES"), wanted))


def first_devices(cuda_visible_devices: str | None, n: int) -> str:
    """The first `n` entries of CUDA_VISIBLE_DEVICES (indices or UUIDs), or 0..n-1 when it is not set."""
    if cuda_visible_devices and cuda_visible_devices.strip():
        return ",".join(d.strip() for d in cuda_visible_devices.split(",")[:n])
    return ",".join(str(i) for i in range(n))


def launch_command(processes: int, argv: Sequence[str], python: str = sys.executable) -> list[str]:
    """`accelerate launch --num_processes N -m babybliss ARGV` (ARGV without --gpus), with this Python's accelerate."""
    script = Path(python).with_name("accelerate")
    accelerate = [str(script), "launch"] if script.is_file() else [python, "-m", "accelerate.commands.launch"]
    return [*accelerate, "--num_processes", str(processes), "-m", "babybliss", *without_gpus(argv)]


def without_gpus(argv: Sequence[str]) -> list[str]:
    """`argv` less the `--gpus N` / `--gpus=N` option (the launched processes must not decide again)."""
    out, skip = [], False
    for arg in argv:
        if skip:
            skip = False
        elif arg == "--gpus":
            skip = True
        elif not arg.startswith("--gpus="):
            out.append(arg)
    return out


def visible_gpus() -> int:
    """CUDA GPUs this process sees. torch counts them through NVML when it can, so CUDA itself is not initialised
    and a narrower CUDA_VISIBLE_DEVICES set afterwards still takes effect (torch.cuda.is_available() would
    initialise it)."""
    import torch

    return torch.cuda.device_count()


def use_gpus(
    gpus: int | None,
    argv: Sequence[str],
    *,
    env: os._Environ | dict | None = None,
    visible: Callable[[], int] = visible_gpus,
    execute: Callable[[str, list[str], Mapping[str, str]], object] = os.execvpe,
) -> Decision:
    """Apply `decide` before training starts: restrict CUDA_VISIBLE_DEVICES in `env` (default os.environ), and for
    several GPUs print the launch line and replace this process by `accelerate launch` (`execute`; never returns)."""
    env = os.environ if env is None else env
    decision = decide(visible(), env, gpus)
    if decision.cuda_visible_devices is not None:
        env["CUDA_VISIBLE_DEVICES"] = decision.cuda_visible_devices
    if decision.launches:
        command = launch_command(decision.processes, argv)
        print(f"[babybliss] {decision.processes} GPUs: {shlex.join(command)}", flush=True)
        execute(command[0], command, dict(env))
    elif decision.cuda_visible_devices is not None and visible() != 1:
        # CUDA was initialised before the narrower CUDA_VISIBLE_DEVICES (no NVML count): start afresh to apply it
        command = [sys.executable, "-m", "babybliss", *without_gpus(argv)]
        execute(command[0], command, dict(env))
    return decision
