"""Fault sweep on the tiny model: kill -9 at random steps and inside every kind of save, resume, compare bit for bit.

    python bench/bench_faults.py                       # 12 random faults, seed 0
    python bench/bench_faults.py --faults 40 --seed 3 --epochs 3

One uninterrupted run is the reference. Each trial kills a fresh run once or twice at random points (a step, a
checkpoint being written, an epoch adapter being written, its validation loss being recorded, data being prepared,
SIGTERM at a step), resumes it with `--resume` until it exits 0, and checks that every epoch adapter equals the
reference's bit for bit (group_by_length on, the default), that each step is logged once with the reference's
values, and that no half-written file is left. Prints one JSON line per trial and a summary line.
"""

from __future__ import annotations

import argparse
import json
import os
import random
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from safetensors.torch import load_file

SETS = [
    "model.spec=tiny",
    "lora.r=4",
    "train.per_device_train_batch_size=4",
    "train.logging_steps=1",
    "train.save_steps=2",
    "train.sweep=checkpoints",
    "train.gradient_checkpointing=false",
    "train.num_threads=1",
    "train.seed=11",
    "data.validation_fraction=0.25",
]


def pairs_file(folder: Path, n: int) -> Path:
    markers = ("past", "present", "future", "present progressive")
    pairs = [
        {"original": f"Person {i} walked to place {i * 7 % 13}.", "bliss": f"{markers[i % 4]}:person {i} walk place {i * 7 % 13}."}
        for i in range(n)
    ]
    path = folder / "pairs.json"
    path.write_text(json.dumps(pairs))
    return path


def finetune(run: Path, pairs: Path, epochs: int, resume: bool, fault: str | None) -> int:
    command = [sys.executable, "-m", "babybliss", "finetune", "--data", str(pairs), "--out", str(run)]
    command += ["--resume"] if resume else []
    for item in SETS + [f"train.epochs={list(range(1, epochs + 1))}"]:
        command += ["--set", item]
    env = {k: v for k, v in os.environ.items() if k != "BABYBLISS_FAULT"}
    env["OMP_NUM_THREADS"] = "1"
    if fault:
        env["BABYBLISS_FAULT"] = fault
    return subprocess.run(command, env=env, capture_output=True, text=True).returncode


def random_fault(rng: random.Random, steps: int, epochs: int) -> str:
    total = steps * epochs
    kind = rng.choice(["step", "step", "save-checkpoint", "save-epoch", "eval-epoch", "prepare", "term"])
    if kind == "step":
        return f"step:{rng.randint(1, total)}"
    if kind == "term":
        return f"step:{rng.randint(1, total)}:TERM"
    if kind == "save-checkpoint":
        return f"save-checkpoint:{rng.randrange(2, total + 1, 2)}"
    if kind in ("save-epoch", "eval-epoch"):
        return f"{kind}:{rng.randint(1, epochs)}"
    return "prepare"


def differences(run: Path, reference: Path, epochs: int) -> list[str]:
    problems = []
    for n in range(1, epochs + 1):
        path = run / f"epoch-{n}" / "adapter_model.safetensors"
        if not path.is_file():
            problems.append(f"epoch-{n} missing")
            continue
        ours, theirs = load_file(path), load_file(reference / f"epoch-{n}" / "adapter_model.safetensors")
        if ours.keys() != theirs.keys() or any(not ours[k].equal(theirs[k]) for k in ours):
            problems.append(f"epoch-{n} differs")
    logged = (run / "logs" / "metrics.jsonl").read_text()
    if logged != (reference / "logs" / "metrics.jsonl").read_text():
        problems.append("metrics.jsonl differs")
    left = [str(p.relative_to(run)) for p in run.rglob(".*") if p.name.endswith((".partial", ".tmp"))]
    if left:
        problems.append(f"left behind: {left}")
    return problems


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--faults", type=int, default=12, help="trials (each one or two faults, then resumes)")
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--epochs", type=int, default=2)
    parser.add_argument("--pairs", type=int, default=16)
    args = parser.parse_args()
    rng = random.Random(args.seed)
    root = Path(tempfile.mkdtemp(prefix="bench-faults-"))
    pairs = pairs_file(root, args.pairs)
    reference = root / "reference"
    started = time.perf_counter()
    assert finetune(reference, pairs, args.epochs, resume=False, fault=None) == 0, "the reference run failed"
    steps = json.loads((reference / "epoch-1" / "training.json").read_text())["global_step"]
    failures = 0
    for trial in range(args.faults):
        run = root / f"trial-{trial}"
        faults = [random_fault(rng, steps, args.epochs) for _ in range(rng.randint(1, 2))]
        codes = [finetune(run, pairs, args.epochs, resume=i > 0, fault=f) for i, f in enumerate(faults)]
        for _ in range(3):  # a fault past the end of the run never fires: the run is then already finished
            codes.append(finetune(run, pairs, args.epochs, resume=True, fault=None))
            if codes[-1] == 0:
                break
        problems = differences(run, reference, args.epochs) if codes[-1] == 0 else [f"resume exit {codes[-1]}"]
        failures += bool(problems)
        print(json.dumps({"trial": trial, "faults": faults, "exit_codes": codes, "problems": problems}), flush=True)
    print(json.dumps({"trials": args.faults, "failed": failures, "steps_per_epoch": steps, "epochs": args.epochs,
                      "seconds": round(time.perf_counter() - started, 1), "folder": str(root)}))
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
