"""Seconds per training epoch of a config on the CPU (the default model unless --set model.spec=... says otherwise).

    python bench/bench_cpu_epoch.py --config default-cpu --data ../shared/bliss.json
    python bench/bench_cpu_epoch.py --config default-cpu --data ../shared/bliss.json --steps 20 --set train.bf16=false

With --steps, the epoch time is extrapolated from that many optimizer steps after two warm-up steps.
Prints one JSON line; copy it into bench/RESULTS.md with the machine and the date.
"""

from __future__ import annotations

import argparse
import json
import platform
import tempfile
import time
from pathlib import Path

import torch
from transformers import TrainerCallback

from babybliss.cli.commands import shipped_config
from babybliss.config import load_config
from babybliss.data.prepare import prepare
from babybliss.io import read_jsonl
from babybliss.training import train


class StepClock(TrainerCallback):
    """Times optimizer steps after the warm-up ones, and stops after the asked number."""

    def __init__(self, warmup: int, steps: int | None):
        self.warmup, self.steps, self.times, self.start = warmup, steps, [], None

    def on_step_begin(self, args, state, control, **kwargs):
        self.start = time.perf_counter()

    def on_step_end(self, args, state, control, **kwargs):
        if state.global_step > self.warmup:
            self.times.append(time.perf_counter() - self.start)
        if self.steps and len(self.times) >= self.steps:
            control.should_training_stop = True


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--config", default="default-cpu")
    parser.add_argument("--data", required=True)
    parser.add_argument("--set", action="append", default=[])
    parser.add_argument("--score-all-positions", action="store_true",
                        help="TRL's own CPU LM head (every position scored): the timing before babybliss changed it")
    parser.add_argument("--steps", type=int, help="time this many steps and extrapolate (default: the whole epoch)")
    args = parser.parse_args()
    config_path = shipped_config(args.config) or args.config
    if args.score_all_positions:
        train.score_answer_positions_only = lambda: None
    with tempfile.TemporaryDirectory() as tmp:
        overrides = [f"data.path={args.data}", f"out={tmp}", "train.epochs=[1]", "data.validation_fraction=0", "train.save_steps=100000"]
        config = load_config(config_path, overrides + args.set)
        prepare(config, Path(tmp) / "data")
        prompts = len(read_jsonl(Path(tmp) / "data" / "sft" / "train.jsonl"))
        trainer, _ = train.build_trainer(config, Path(tmp), "bench", 1, [1], resume=False)
        warmup = 2 if args.steps else 0
        clock = StepClock(warmup, args.steps)
        trainer.add_callback(clock)
        started = time.perf_counter()
        trainer.train()
        wall = time.perf_counter() - started
        steps_per_epoch = len(trainer.get_train_dataloader()) // config.train.gradient_accumulation_steps
    per_step = sum(clock.times) / len(clock.times)
    epoch_seconds = per_step * steps_per_epoch if args.steps else wall
    print(
        json.dumps(
            {
                "date": time.strftime("%Y-%m-%d"),
                "machine": f"{platform.machine()} {torch.get_num_threads()} threads, torch {torch.__version__}",
                "config": str(args.config),
                "overrides": args.set + (["--score-all-positions"] if args.score_all_positions else []),
                "prompts": prompts,
                "steps_timed": len(clock.times),
                "seconds_per_epoch": round(epoch_seconds, 1),
                "seconds_per_prompt": round(epoch_seconds / prompts, 4),
                "extrapolated": bool(args.steps),
            }
        )
    )


if __name__ == "__main__":
    main()
