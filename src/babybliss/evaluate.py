"""Convert the held-out splits with the un-tuned model and each epoch's adapter; write predictions and metrics."""

from __future__ import annotations

import random
import re
import time
from pathlib import Path

from babybliss.config import Config
from babybliss.data import read_split
from babybliss.generate import adapter_config, constraint, generate_raw, load_for_generation
from babybliss.io import atomic_dir, atomic_write_json, atomic_write_jsonl
from babybliss.metrics import direction_metrics
from babybliss.models import Loaded, load_model
from babybliss.prompts import Example, build_prompt, few_shot_prompt, pair_examples
from babybliss.train import is_finished

BASE = "base"


def epoch_folders(run_dir: Path) -> list[Path]:
    """Finished adapters RUN/epoch-N, in epoch order."""
    found = [p for p in run_dir.glob("epoch-*") if re.fullmatch(r"epoch-\d+", p.name) and is_finished(p)]
    return sorted(found, key=lambda p: int(p.name.split("-")[1]))


def pick_shots(train: list[dict[str, str]], k: int, seed: int) -> list[dict[str, str]]:
    if k <= 0:
        return []
    if len(train) < k:
        raise ValueError(f"few-shot needs {k} training pairs, the train split has {len(train)}")
    return random.Random(f"shots:{seed}").sample(train, k)


def evaluate_model(config: Config, run_dir: Path, name: str, loaded: Loaded, few_shot: int = 0, epochs: int = 0) -> dict:
    """Convert each configured split in each direction with `loaded`; write RUN/eval/<name>/ atomically."""
    data_dir = run_dir / "data"
    shots = pick_shots(read_split(data_dir, "train"), few_shot, config.data.seed)
    rows, metrics, start = [], {}, time.perf_counter()
    for split in config.evaluate.splits:
        pairs = read_split(data_dir, split)
        if config.evaluate.max_examples:
            pairs = pairs[: config.evaluate.max_examples]
        metrics[split] = {}
        for direction in config.data.directions:
            examples = [e for p in pairs for e in pair_examples(p, [direction])]
            if not examples:
                continue
            shot_examples: list[Example] = [e for s in shots for e in pair_examples(s, [direction])]
            prompts = [
                few_shot_prompt(config.prompts, direction, e.input, shot_examples)
                if shot_examples
                else build_prompt(config.prompts, direction, e.input)
                for e in examples
            ]
            inputs = constraint(config.generate, direction, [e.input for e in examples])
            outputs = generate_raw(loaded, prompts, config.generate, show_progress=True, **inputs)
            split_rows = [
                {
                    "split": split,
                    "direction": direction,
                    "input": e.input,
                    "expected": e.answer,
                    "generated": o.answer,
                    "original": e.original,
                    "clean_stop": o.clean_stop,
                    "exact": " ".join(o.answer.split()) == " ".join(e.answer.split()),
                    "raw": o.raw,
                }
                for e, o in zip(examples, outputs)
            ]
            metrics[split][direction] = direction_metrics(split_rows, direction, config.evaluate.embedding_model)
            rows.extend(split_rows)
    result = {
        "model": name,
        "epochs": epochs,
        "few_shot": few_shot,
        "seconds": round(time.perf_counter() - start, 2),
        "device": str(next(loaded.model.parameters()).device),
        "splits": metrics,
    }
    with atomic_dir(run_dir / "eval" / name) as tmp:
        atomic_write_jsonl(tmp / "predictions.jsonl", rows)
        atomic_write_json(tmp / "metrics.json", result)
    return result


def evaluate_base(config: Config, run_dir: Path, few_shot: int) -> dict:
    return evaluate_model(config, run_dir, BASE, load_model(config.model), few_shot=few_shot)


def evaluate(config: Config, run_dir: str | Path, skip_done: bool = False) -> list[dict]:
    """The `evaluate` command: the few-shot base row, then every finished epoch adapter of the run."""
    run_dir = Path(run_dir)
    if not (run_dir / "data" / "test.jsonl").is_file():
        raise FileNotFoundError(f"{run_dir}: no data splits; run `babybliss finetune --out {run_dir}` first")
    results = []
    if config.evaluate.base_model and not (skip_done and (run_dir / "eval" / BASE / "metrics.json").is_file()):
        print(f"[babybliss] evaluating the un-tuned model ({config.evaluate.few_shot}-shot)", flush=True)
        results.append(evaluate_base(config, run_dir, config.evaluate.few_shot))
    folders = epoch_folders(run_dir)
    if not folders:
        print(f"[babybliss] {run_dir}: no finished epoch-N adapter to evaluate", flush=True)
    for folder in folders:
        if skip_done and (run_dir / "eval" / folder.name / "metrics.json").is_file():
            continue
        print(f"[babybliss] evaluating {folder.name}", flush=True)
        trained = adapter_config(folder)
        loaded = load_for_generation(config, folder)
        epochs = trained.train.epochs[0]
        results.append(evaluate_model(config, run_dir, folder.name, loaded, epochs=epochs))
    return results
