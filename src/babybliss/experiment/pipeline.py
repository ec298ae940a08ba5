"""The whole experiment in one process: data, fine-tuning sweep, the un-tuned baseline and the rule converter,
every epoch's evaluation, and the report, each stage timed.

The base model is loaded once. Training puts LoRA layers on it and takes them out after the sweep (its weights are
frozen); evaluation casts it to the decoding dtype (bfloat16 where the hardware has it) and puts each epoch's adapter
on and takes it off again (convert.adapters). A separate `finetune`, `evaluate` and `report` give the same results.

    babybliss experiment --config fast-gpu --data pairs.json --out runs/x     # a GPU
    babybliss demo                                                           # the same on the demo config (CPU)
"""

from __future__ import annotations

import contextlib
import time
from pathlib import Path

from babybliss.config import Config
from babybliss.convert.generate import for_generation
from babybliss.evaluation.evaluate import evaluate
from babybliss.evaluation.report import REPORT_STAGE, STAGES_FILE, write_report
from babybliss.io import atomic_write_json
from babybliss.training import kernel_warmup
from babybliss.training.models import load_model, wants_4bit
from babybliss.training.original_use import original_use
from babybliss.training.seeds import checked_runs, record
from babybliss.training.train import finetune


class StageClock:
    """Wall seconds per stage, in the order the stages first ran (a stage entered twice adds up)."""

    def __init__(self) -> None:
        self.seconds: dict[str, float] = {}

    @contextlib.contextmanager
    def __call__(self, stage: str):
        print(f"\n=== {stage} ===", flush=True)
        start = time.perf_counter()
        try:
            yield
        finally:
            _synchronize()
            self.seconds[stage] = self.seconds.get(stage, 0.0) + time.perf_counter() - start

    def write(self, run: Path) -> None:
        rounded = {stage: round(seconds, 2) for stage, seconds in self.seconds.items()}
        atomic_write_json(run / STAGES_FILE, {"seconds": rounded, "device": _device_label()})


def _synchronize() -> None:
    import torch

    if torch.cuda.is_available():
        torch.cuda.synchronize()


def _device_label() -> str:
    import torch

    if torch.cuda.is_available():
        return f"cuda: {torch.cuda.get_device_name(0)}"
    return f"cpu, {torch.get_num_threads()} threads"


def run_experiment(config: Config, skip_original_use: bool = False) -> dict:
    """Every stage in this process; returns write_report's result with `stages` (wall seconds each) added."""
    run = Path(config.out)
    runs = checked_runs(config)  # each seed trains into RUN/seed-S
    clock = StageClock()
    shared = not wants_4bit(config.quant)  # a 4-bit base is prepared for training in place: training loads its own
    base = None
    if skip_original_use:  # Liger's RoPE, once put on, is the whole process's: never before the original use
        kernel_warmup.start(config)  # the first training step's kernels compile while the base model loads
    if shared or not skip_original_use:
        with clock("load base model"):
            base = load_model(config.model)
    if not skip_original_use:
        with clock("original use"):
            original_use(config, base)
    if config.train.seeds:
        record(config)
    for one in runs:  # every run trains on the base as loaded, before evaluation casts it for decoding
        finetune(one, loaded=base if shared else None, clock=clock)
    with clock("evaluate"):
        if base is not None and base.model.config.use_cache is False:
            base.model.config.use_cache = True  # training with gradient checkpointing turns the KV cache off
        ready = for_generation(base, config.model.dtype) if shared else None
        for one in runs:
            evaluate(one, Path(one.out), base=ready)
    clock.write(run)
    with clock(REPORT_STAGE):
        result = write_report(run)
    clock.write(run)
    result["stages"] = dict(clock.seconds)
    return result
