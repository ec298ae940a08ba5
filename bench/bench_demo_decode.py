"""The demo's decoding of one model row, two ways, alternately, on a slice of the demo's own prompts:

- `generate`: `model.generate` per batch, every row kept until the batch's last one stops (as before issue 29's cut);
- `drop`: convert.greedy, each row leaving the batch at its stop (what generate_raw does now).

The model is the demo's: SmolLM2-135M in its decoding dtype with the shipped adapter worn (convert.adapters), the
demo's batch size and answer cap; the prompts are the first N of the demo's evaluation sets (configs/demo.toml) in
one direction, zero-shot, or with `--few-shot 3` the base row's 3-shot prompts without the adapter. Prints wall and
CPU seconds of each run and whether the raw answers of every run equal the first run's.

    PYTHONPATH=src python bench/bench_demo_decode.py [--direction b2e] [--prompts 64] [--rounds 2] [--threads 2]
        [--few-shot 3] [--drop-batch 64]
"""

from __future__ import annotations

import argparse
import json
import sys
import tempfile
import time
from dataclasses import replace
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "src"))

import torch  # noqa: E402

from babybliss.config import load_config  # noqa: E402
from babybliss.convert import generate as generate_module  # noqa: E402
from babybliss.convert.adapters import adapter_slot  # noqa: E402
from babybliss.convert.generate import for_generation, generate_raw  # noqa: E402
from babybliss.convert.shipped import shipped_for  # noqa: E402
from babybliss.data.pairs import read_split, scored_in  # noqa: E402
from babybliss.data.prepare import prepare  # noqa: E402
from babybliss.data.prompts import build_prompt, few_shot_prompt, pair_examples  # noqa: E402
from babybliss.evaluation.evaluate import eval_splits, pick_shots  # noqa: E402
from babybliss.training.models import load_model  # noqa: E402

GREEDY_ROWS = generate_module.greedy_rows


def by_generate(model, encoded, cache_key, max_new_tokens, eos, pad, stop):
    """generate's tokens for the batch (the way before the cut)."""
    out = model.generate(**encoded, max_new_tokens=max_new_tokens, eos_token_id=eos, pad_token_id=pad,
                         stopping_criteria=stop, do_sample=False)
    return out[:, encoded["input_ids"].shape[1]:].tolist()


def prompts_of(config, direction: str, count: int, few_shot: int) -> list[str]:
    with tempfile.TemporaryDirectory() as tmp:
        prepare(config, Path(tmp) / "data")
        splits = eval_splits(config, Path(tmp))
        train = read_split(Path(tmp) / "data", "train")
    examples = [e for split, pairs in splits.items() if scored_in(split, direction) for p in pairs
                for e in pair_examples(p, [direction])][:count]
    shots = [e for s in pick_shots(train, few_shot, config.data.seed) for e in pair_examples(s, [direction])]
    return [few_shot_prompt(config.prompts, direction, e.input, shots) if shots else
            build_prompt(config.prompts, direction, e.input) for e in examples]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--direction", default="b2e", choices=["e2b", "b2e"])
    parser.add_argument("--prompts", type=int, default=64)
    parser.add_argument("--rounds", type=int, default=2, help="pairs of runs, each way once, alternating")
    parser.add_argument("--threads", type=int, default=0, help="torch threads (0: torch's default)")
    parser.add_argument("--few-shot", type=int, default=0, help="3: the base row's prompts, no adapter")
    parser.add_argument("--drop-batch", type=int, default=0, help="batch size of the `drop` way (0: the demo's)")
    parser.add_argument("--save", type=Path, help="write each way's prompts and raw answers (last round) as JSON here")
    args = parser.parse_args()
    if args.threads:
        torch.set_num_threads(args.threads)
    config = load_config(ROOT / "configs" / "demo.toml")
    prompts = prompts_of(config, args.direction, args.prompts, args.few_shot)
    base = for_generation(load_model(config.model), config.model.dtype)
    print(f"{len(prompts)} {args.direction} prompts, batch {config.generate.batch_size}, {torch.get_num_threads()} "
          f"threads", flush=True)
    seconds: dict[str, list[tuple[float, float]]] = {"generate": [], "drop": []}
    with adapter_slot(base) as wear:
        loaded = base if args.few_shot else wear(shipped_for(config.model.spec))
        generate_raw(loaded, prompts[:2], config.generate)  # warm
        first, saved = None, {"prompts": prompts}
        for _ in range(args.rounds):
            for way in ("generate", "drop"):
                generate_module.greedy_rows = by_generate if way == "generate" else GREEDY_ROWS
                wall, cpu = time.perf_counter(), time.process_time()
                gen = replace(config.generate, batch_size=args.drop_batch or config.generate.batch_size) \
                    if way == "drop" else config.generate
                raws = [o.raw for o in generate_raw(loaded, prompts, gen)]
                took = (round(time.perf_counter() - wall, 1), round(time.process_time() - cpu, 1))
                seconds[way].append(took)
                first, saved[way] = first or raws, raws
                print(f"{way}: wall {took[0]} s, cpu {took[1]} s, raw answers equal to the first run's: "
                      f"{sum(a == b for a, b in zip(raws, first))} of {len(raws)}", flush=True)
    print(json.dumps(seconds))
    if args.save:
        args.save.write_text(json.dumps(saved, ensure_ascii=False), encoding="utf-8")


if __name__ == "__main__":
    main()
