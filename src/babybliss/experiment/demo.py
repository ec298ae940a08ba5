"""The main job on the embedded defaults: data, original use, fine-tuning, evaluation and report, in one go.

    babybliss demo                                  # the shipped corpus and SmolLM2-135M, on the CPU
    babybliss demo --data ../shared/bliss.json      # the research team's pairs
"""

from __future__ import annotations

import time
from dataclasses import replace
from pathlib import Path

from babybliss.config import Config
from babybliss.evaluation.evaluate import evaluate, evaluate_base
from babybliss.training.models import load_model
from babybliss.training.original_use import original_use
from babybliss.evaluation.report import write_report
from babybliss.training.seeds import finetune_seeds, seed_configs
from babybliss.training.train import finetune


def _step(title: str) -> float:
    print(f"\n=== {title} ===", flush=True)
    return time.perf_counter()


def demo(config: Config, skip_original_use: bool = False) -> dict:
    run = Path(config.out)
    started = time.perf_counter()
    if not skip_original_use:
        _step("1/4 original use of the un-tuned model")
        original_use(config, load_model(config.model))
    _step("2/4 fine-tuning (data preparation first)")
    finetune_seeds(config) if config.train.seeds else finetune(config)
    _step("3/4 evaluation: un-tuned baseline, rule converter and each epoch")
    for one in seed_configs(config) if config.train.seeds else [config]:  # each seed's run folder
        if one.evaluate.base_model:
            evaluate_base(one, Path(one.out), one.evaluate.few_shot)
        evaluate(replace(one, evaluate=replace(one.evaluate, base_model=False)), Path(one.out))
    _step("4/4 report")
    result = write_report(run)
    minutes = (time.perf_counter() - started) / 60
    print(f"\nreport: {result['report_html']}  (and {result['report_md']})")
    print(f"best model: {result['best']}  |  {minutes:.1f} min in all")
    for split, by_direction in (("test", result["headline"]), ("novel", result["novel"])):
        for direction, metrics in by_direction.items():
            shown = ", ".join(f"{k} {v:.3f}" for k, v in metrics.items() if isinstance(v, float))
            print(f"  {split} {direction}: {shown}")
    return result
