"""The main job on the embedded defaults: data, original use, fine-tuning, evaluation and report, in one process.

    babybliss demo                                  # the shipped corpus and SmolLM2-135M, on the CPU
    babybliss demo --data ../shared/bliss.json      # the research team's pairs
"""

from __future__ import annotations

from babybliss.config import Config
from babybliss.data.pairs import EVALUATION_SETS
from babybliss.evaluation.report import NO_BEST
from babybliss.experiment.pipeline import run_experiment


def demo(config: Config, skip_original_use: bool = False) -> dict:
    result = run_experiment(config, skip_original_use=skip_original_use)
    stages = result["stages"]
    print(f"\nreport: {result['report_html']}  (and {result['report_md']})")
    print(f"best model: {result['best'] or NO_BEST}  |  {sum(stages.values()) / 60:.1f} min in all: "
          + ", ".join(f"{stage} {seconds:.0f} s" for stage, seconds in stages.items()))
    for split, by_direction in (("test", result["headline"]), *((name, result[name]) for name in EVALUATION_SETS)):
        for direction, metrics in by_direction.items():
            shown = ", ".join(f"{k} {v:.3f}" for k, v in metrics.items() if isinstance(v, float))
            print(f"  {split} {direction}: {shown}")
    return result
