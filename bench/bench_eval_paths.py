"""Evaluation's generation paths side by side on the default model: float32 against bfloat16, the prompts' shared
beginning recomputed against cached once (convert/prefix_cache.py), and an adapter merged into a copy of the base
against put on the base (convert/adapters.py). Wall and CPU seconds (process time, all threads) per variant, each
run twice in turn (A B A B ...) so a shared machine's load falls on all alike.

    PYTHONPATH=src python bench/bench_eval_paths.py [--prompts 24] [--tokens 24] [--threads 2]
"""

from __future__ import annotations

import argparse
import copy
import time

import torch

from babybliss.config import load_config
from babybliss.convert.generate import generate_raw
from babybliss.data.pairs import builtin_path, load_pairs
from babybliss.data.prompts import build_prompt
from babybliss.training.models import Loaded, load_model


def lora_on(base: Loaded) -> Loaded:
    """A LoRA of the demo's shape (r 16 on every linear layer) with random non-zero weights, put on the base."""
    from peft import LoraConfig, get_peft_model

    model = get_peft_model(base.model, LoraConfig(r=16, lora_alpha=32, target_modules="all-linear"))
    torch.manual_seed(0)
    for name, weight in model.named_parameters():
        if "lora_B" in name:
            torch.nn.init.normal_(weight, std=1e-3)
    return Loaded(model.eval(), base.tokenizer, "lora", 0.0)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--prompts", type=int, default=24, help="pairs of the shipped corpus (each in both directions)")
    parser.add_argument("--tokens", type=int, default=24, help="generate.max_new_tokens")
    parser.add_argument("--threads", type=int, default=2)
    parser.add_argument("--rounds", type=int, default=2)
    args = parser.parse_args()
    torch.set_num_threads(args.threads)
    config = load_config("src/babybliss/configs/demo.toml", [f"generate.max_new_tokens={args.tokens}"])
    pairs = load_pairs(builtin_path())[0][: args.prompts]
    prompts = [build_prompt(config.prompts, "e2b", p["original"]) for p in pairs]
    prompts += [build_prompt(config.prompts, "b2e", p["bliss"]) for p in pairs]
    fp32 = load_model(config.model)
    bf16 = Loaded(copy.deepcopy(fp32.model).to(torch.bfloat16), fp32.tokenizer, "bf16", 0.0)
    adapter = lora_on(Loaded(copy.deepcopy(bf16.model), fp32.tokenizer, "", 0.0))
    merged = Loaded(copy.deepcopy(adapter.model).merge_and_unload(), fp32.tokenizer, "merged", 0.0)
    variants = {
        "float32, prefix recomputed": (fp32, ""),
        "bfloat16, prefix recomputed": (bf16, ""),
        "bfloat16, prefix cached": (bf16, None),
        "bfloat16 + adapter merged (a copy per epoch), prefix cached": (merged, None),
        "bfloat16 + adapter on (PEFT, unmerged), prefix cached": (adapter, None),
    }
    generate_raw(bf16, prompts[:2], config.generate)  # warm-up
    seconds: dict[str, list[tuple[float, float]]] = {name: [] for name in variants}
    for _ in range(args.rounds):
        for name, (loaded, prefix) in variants.items():
            wall, cpu = time.perf_counter(), time.process_time()
            generate_raw(loaded, prompts, config.generate, prefix=prefix)
            seconds[name].append((time.perf_counter() - wall, time.process_time() - cpu))
    print(f"{len(prompts)} prompts, max {args.tokens} new tokens, batch {config.generate.batch_size}, "
          f"{args.threads} threads; best of {args.rounds}:")
    for name, runs in seconds.items():
        wall, cpu = min(runs)
        print(f"  {name}: {wall:.1f} s wall, {min(c for _, c in runs):.1f} s CPU")


if __name__ == "__main__":
    main()
