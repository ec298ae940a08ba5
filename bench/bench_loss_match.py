"""Does a fast config's data path train the same model as plain padded batches? Per-step training loss, same steps.

Three runs of N optimizer steps from the same weights and the same batches (same data seed):
- fast:  the config as given (padding-free batches, `pad_to_multiple_of` buckets, Liger where it is on);
- plain: the same with padded batches and no Liger (`padding_free=false`, `pad_to_multiple_of=0`);
- noise: plain again with the LoRA A matrices drawn anew (generator seed `--noise-seed`; B starts at zero, so step 1
  is the same and the batches are the same), the yardstick for "within noise".
If sequences attended to each other inside a packed row, fast would drift away from plain by more than noise does.

    python bench/bench_loss_match.py --config fast-gpu --data ../shared/bliss.json --steps 25 --set model.spec=smollm2-135m

Prints one JSON line (per-step losses and the mean absolute differences).
"""

from __future__ import annotations

import argparse
import json
import math
import platform
import tempfile
import time
from pathlib import Path

import torch
from transformers import TrainerCallback

from babybliss.training import train
from babybliss.cli.commands import shipped_config
from babybliss.config import load_config
from babybliss.data.prepare import prepare

PLAIN = ["train.padding_free=false", "train.pad_to_multiple_of=0", "train.use_liger_kernel=false"]


class LossLog(TrainerCallback):
    def __init__(self):
        self.losses: list[float] = []

    def on_log(self, args, state, control, logs=None, **kwargs):
        if logs and "loss" in logs:
            self.losses.append(round(float(logs["loss"]), 5))


def run(config_path, sets: list[str], data: str, steps: int, init_seed: int | None) -> list[float]:
    with tempfile.TemporaryDirectory() as tmp:
        overrides = [f"data.path={data}", f"out={tmp}", "train.epochs=[1]", "data.validation_fraction=0",
                     "train.save_steps=100000", "train.logging_steps=1", f"train.max_steps={steps}"]
        config = load_config(config_path, overrides + sets)
        prepare(config, Path(tmp) / "data")
        trainer, _ = train.build_trainer(config, Path(tmp), "bench", 1, [1], resume=False)
        if init_seed is not None:
            redraw_lora_a(trainer.model, init_seed)
        log = LossLog()
        trainer.add_callback(log)
        trainer.train()
        return log.losses


def redraw_lora_a(model, seed: int) -> None:
    """Another LoRA initialisation, drawn like peft's default (Kaiming uniform) from its own generator, so the
    global random state, and with it the batch order, stays as it was."""
    generator = torch.Generator().manual_seed(seed)
    for name, param in model.named_parameters():
        if "lora_A" in name:
            bound = 1 / math.sqrt(param.shape[1])
            fresh = torch.empty(param.shape, dtype=torch.float32).uniform_(-bound, bound, generator=generator)
            with torch.no_grad():
                param.copy_(fresh.to(param.dtype))


def mean_abs(a: list[float], b: list[float]) -> float:
    return round(sum(abs(x - y) for x, y in zip(a, b)) / min(len(a), len(b)), 5)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--config", default="fast-gpu")
    parser.add_argument("--data", required=True)
    parser.add_argument("--set", action="append", default=[])
    parser.add_argument("--steps", type=int, default=25)
    parser.add_argument("--noise-seed", type=int, default=1)
    parser.add_argument("--out", default="", help="also write the JSON here")
    args = parser.parse_args()
    config_path = shipped_config(args.config) or args.config
    started = time.perf_counter()
    fast = run(config_path, args.set, args.data, args.steps, None)
    plain = run(config_path, args.set + PLAIN, args.data, args.steps, None)
    noise = run(config_path, args.set + PLAIN, args.data, args.steps, args.noise_seed)
    result = {
        "date": time.strftime("%Y-%m-%d"),
        "machine": torch.cuda.get_device_name(0) if torch.cuda.is_available() else f"{platform.machine()} CPU",
        "config": str(args.config),
        "overrides": args.set,
        "steps": args.steps,
        "mean_abs_diff_fast_vs_plain": mean_abs(fast, plain),
        "mean_abs_diff_noise_vs_plain": mean_abs(noise, plain),
        "first_loss": {"fast": fast[0], "plain": plain[0], "noise": noise[0]},
        "last_loss": {"fast": fast[-1], "plain": plain[-1], "noise": noise[-1]},
        "fast": fast,
        "plain": plain,
        "noise": noise,
        "seconds": round(time.perf_counter() - started, 1),
    }
    result["fast_within_noise"] = result["mean_abs_diff_fast_vs_plain"] <= result["mean_abs_diff_noise_vs_plain"]
    line = json.dumps(result)
    print(line, flush=True)
    if args.out:
        Path(args.out).write_text(line + "\n")


if __name__ == "__main__":
    main()
