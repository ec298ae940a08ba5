"""The main job on the embedded defaults: data, original use, fine-tuning, evaluation and report, in one go.

    babybliss demo                                  # the shipped corpus and SmolLM2-135M, on the CPU
    babybliss demo --data ../shared/bliss.json      # the research team's pairs
"""

from __future__ import annotations

import time
from pathlib import Path

from babybliss.config import Config
from babybliss.evaluation.evaluate import evaluate, evaluate_base
from babybliss.training.models import load_model
from babybliss.training.original_use import original_use
from babybliss.evaluation.report import write_report
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
    finetune(config)
    _step("3/4 evaluation: un-tuned baseline, rule converter and each epoch")
    if config.evaluate.base_model:
        evaluate_base(config, run, config.evaluate.few_shot)
    config.evaluate.base_model = False
    evaluate(config, run)
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
