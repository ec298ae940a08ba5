"""Multi-GPU scaling: samples/s of one fine-tuning epoch of bliss.json (both directions, no de-duplication) on a
random Llama-2-7B-shaped model, bf16 LoRA fast path (configs/fast-gpu.toml), through babybliss's `train_run`.
Each rank builds its own copy of the model (same seed) on its GPU; DDP comes from the launcher.

    python bench/bench_multi_gpu.py --data .g1/bliss.json --tokenizer .g1/tok --out $OUT/gpu1            # 1 GPU
    accelerate launch --num_processes 2 bench/bench_multi_gpu.py --data .g1/bliss.json --tokenizer .g1/tok \\
        --out $OUT/gpu2                                                                                # 2 GPUs

Rank 0 writes OUT/multi_gpu.json. CPU smoke test: --shape tiny --limit 64 (torchrun --nproc_per_node 2 for gloo).
"""

from __future__ import annotations

import argparse
import json
import os
import sys
import time
from pathlib import Path

import torch

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "src"))
sys.path.insert(0, str(ROOT / "bench"))

import bench_gpu_finetune as bench  # noqa: E402

from babybliss import models, train  # noqa: E402
from babybliss.config import load_config  # noqa: E402


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--shape", default="7b", choices=sorted(bench.SHAPES))
    parser.add_argument("--data", required=True)
    parser.add_argument("--tokenizer", required=True)
    parser.add_argument("--out", default=os.environ.get("OUT", "runs/bench-multi-gpu"))
    parser.add_argument("--config", default="configs/fast-gpu.toml")
    parser.add_argument("--set", action="append", default=[], help="more section.key=value overrides")
    parser.add_argument("--limit", type=int, default=0)
    args = parser.parse_args(argv)
    bench.LIMIT = args.limit

    from transformers import AutoTokenizer

    rank, world = int(os.environ.get("RANK", "0")), int(os.environ.get("WORLD_SIZE", "1"))
    local = int(os.environ.get("LOCAL_RANK", "0"))
    train._barrier()  # under a launcher: starts the process group and binds this rank to its GPU
    cuda = torch.cuda.is_available()
    device = f"cuda:{local}" if cuda else "cpu"
    out = Path(args.out)
    run_root = out / "run"
    tokenizer = models.prepare_tokenizer(AutoTokenizer.from_pretrained(args.tokenizer))
    config = load_config(ROOT / args.config, args.set + [f"out={run_root}"])
    if rank == 0:
        rows, tokens = bench.write_run_data(run_root, args.data, config, tokenizer)
    train._barrier()
    if rank != 0:
        rows = sum(1 for line in (run_root / "data" / "sft" / "train.jsonl").open() if line.strip())
        tokens = 0
    start = time.perf_counter()
    net = bench.random_model(args.shape, tokenizer, device, torch.bfloat16 if cuda else torch.float32)
    build_s = time.perf_counter() - start
    loaded = models.Loaded(net, tokenizer, f"random-{args.shape}", build_s)
    if cuda:
        torch.cuda.reset_peak_memory_stats()
    metrics = train.train_run(config, run_root, "bench", 1, [1], resume=False, loaded=loaded)
    peak = torch.cuda.max_memory_allocated() / 2**30 if cuda else float("nan")
    peaks = [peak]
    if world > 1 and torch.distributed.is_initialized():
        gathered = [None] * world
        torch.distributed.all_gather_object(gathered, peak)
        peaks = gathered
    if rank == 0:
        t = config.train
        result = {
            "device": torch.cuda.get_device_name(local) if cuda else "cpu",
            "gpus": world,
            "shape": args.shape,
            "config": args.config,
            "sets": args.set,
            "per_device_batch": t.per_device_train_batch_size,
            "global_batch": t.per_device_train_batch_size * t.gradient_accumulation_steps * world,
            "prompts": rows,
            "tokens": tokens,
            "seconds_per_epoch": round(metrics["train_runtime"], 2),
            "samples_per_s": round(rows / metrics["train_runtime"], 2),
            "tokens_per_s": round(tokens / metrics["train_runtime"]),
            "peak_gib_per_gpu": [round(p, 2) for p in peaks],
            "model_build_s": round(build_s, 1),
            "train_loss": metrics.get("train_loss"),
            "adapter_written": (run_root / "epoch-1" / "adapter_model.safetensors").is_file(),
            "versions": bench._versions(),
        }
        out.mkdir(parents=True, exist_ok=True)
        (out / "multi_gpu.json").write_text(json.dumps(result, indent=2))
        print("[multi-gpu] " + json.dumps(result), flush=True)
    train._barrier()
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
