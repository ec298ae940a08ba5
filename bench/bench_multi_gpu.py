"""Multi-GPU scaling: samples/s of one fine-tuning epoch of bliss.json (both directions, no de-duplication) on a
random Llama-2-7B-shaped model, bf16 LoRA fast path (configs/fast-gpu.toml), through babybliss's `train_run`.
Each rank builds its own copy of the model (same seed) on its GPU; DDP comes from the launcher.

    python bench/bench_multi_gpu.py --data .g1/bliss.json --tokenizer .g1/tok --out $OUT/gpu1            # 1 GPU
    accelerate launch --num_processes 2 bench/bench_multi_gpu.py --data .g1/bliss.json --tokenizer .g1/tok \\
        --out $OUT/gpu2                                                                                # 2 GPUs

Rank 0 writes OUT/multi_gpu.json. CPU smoke test: --shape tiny --limit 64 (torchrun --nproc_per_node 2 for gloo).

`--epochs 2` times each epoch: the first one pays the process's one-time warm-up (kernel choice, Triton compilation,
each new batch shape), the second shows the steady rate. A config with `quant.load_in_4bit` (configs/lean-gpu.toml)
loads the random weights that bench_gpu_finetune.py saved (`--weights`) through `models.load_model`, in nf4.

What-ifs for the 2-GPU run, none of them babybliss's behaviour: `--accelerate-dealing` (accelerate's whole batches in
turn instead of epoch_shards), `--ddp KEY=VALUE` (DDP fields of TrainingArguments), `--bf16-grad-comm`,
`--local-metrics`; `--profile` prints where the last epoch's GPU time went.
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

from babybliss.training import epoch_shards  # noqa: E402
from babybliss.training import models
from babybliss.training import train
from babybliss.config import load_config  # noqa: E402


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--shape", default="7b", choices=sorted(bench.SHAPES))
    parser.add_argument("--data", required=True)
    parser.add_argument("--tokenizer", required=True)
    parser.add_argument("--out", default=os.environ.get("OUT", "runs/bench-multi-gpu"))
    parser.add_argument("--config", default="src/babybliss/configs/fast-gpu.toml")
    parser.add_argument("--set", action="append", default=[], help="more section.key=value overrides")
    parser.add_argument("--limit", type=int, default=0)
    parser.add_argument("--epochs", type=int, default=1, help="epochs in one run, each timed")
    parser.add_argument("--accelerate-dealing", action="store_true",
                        help="accelerate's own dealing (whole batches in turn, the short last round topped up with "
                             "repeats; babybliss before epoch_shards) instead of epoch_shards.deal_rounds")
    parser.add_argument("--ddp", action="append", default=[], metavar="KEY=VALUE",
                        help="a TrainingArguments DDP field: ddp_bucket_cap_mb, ddp_broadcast_buffers, ddp_static_graph")
    parser.add_argument("--bf16-grad-comm", action="store_true",
                        help="DDP averages the gradients in bfloat16 (torch's bf16_compress_hook): half the bytes")
    parser.add_argument("--local-metrics", action="store_true",
                        help="TRL's per-step logging metrics (entropy, token accuracy, token counts) stay on each rank "
                             "instead of being gathered across ranks after every forward")
    parser.add_argument("--profile", action="store_true", help="profile the last epoch on rank 0 (torch.profiler)")
    parser.add_argument("--weights", default=f"{bench.WEIGHTS_DIR}/random-7b-bf16",
                        help="saved random weights, for 4-bit configs (made by bench_gpu_finetune.py)")
    args = parser.parse_args(argv)
    bench.LIMIT = args.limit
    if args.accelerate_dealing:
        epoch_shards.deal_rounds = lambda loader: loader
    if args.ddp:
        set_ddp_fields(dict(item.split("=", 1) for item in args.ddp))
    if args.local_metrics:
        keep_logging_metrics_local()
    if args.bf16_grad_comm:
        compress_ddp_gradients()

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
    if config.quant.load_in_4bit:
        loaded = models.load_model(bench.replace_spec(config.model, args.weights), config.quant)
    else:
        net = bench.random_model(args.shape, tokenizer, device, torch.bfloat16 if cuda else torch.float32)
        loaded = models.Loaded(net, tokenizer, f"random-{args.shape}", time.perf_counter() - start)
    build_s = time.perf_counter() - start
    if cuda:
        torch.cuda.reset_peak_memory_stats()
    clock, step_clock, last_epoch_steps = time_epochs()
    if args.profile and rank == 0:
        profile_epoch(args.epochs)
    epochs = list(range(1, args.epochs + 1))
    metrics = train.train_run(config, run_root, "bench", args.epochs, epochs, resume=False, loaded=loaded)
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
            "dealing": "accelerate" if args.accelerate_dealing else "epoch_shards.deal_rounds",
            "ddp": args.ddp,
            "local_metrics": args.local_metrics,
            "bf16_grad_comm": args.bf16_grad_comm,
            "profiled": args.profile,
            "per_device_batch": t.per_device_train_batch_size,
            "global_batch": t.per_device_train_batch_size * t.gradient_accumulation_steps * world,
            "prompts": rows,
            "tokens": tokens,
            "seconds_per_epoch": [round(x, 2) for x in clock],
            "samples_per_s": [round(rows / x, 2) for x in clock],
            "tokens_per_s": [round(tokens / x) for x in clock],
            "train_steps_seconds": [round(x, 2) for x in step_clock],
            "samples_per_s_train_steps": [round(rows / x, 2) for x in step_clock],
            "last_epoch_step_seconds": [round(x, 3) for x in last_epoch_steps],
            "train_runtime": round(metrics["train_runtime"], 2),
            "quantized": loaded.quantized,
            "peak_gib_per_gpu": [round(p, 2) for p in peaks],
            "model_build_s": round(build_s, 1),
            "train_loss": metrics.get("train_loss"),
            "adapter_written": (run_root / f"epoch-{args.epochs}" / "adapter_model.safetensors").is_file(),
            "versions": bench._versions(),
        }
        out.mkdir(parents=True, exist_ok=True)
        (out / "multi_gpu.json").write_text(json.dumps(result, indent=2))
        print("[multi-gpu] " + json.dumps(result), flush=True)
    train._barrier()
    return 0


def time_epochs() -> tuple[list[float], list[float], list[float]]:
    """Seconds of each epoch (the end-of-epoch adapter save included), of its training steps alone (first step's
    start to last step's end: data loading and the optimizer included, the epoch-end save and bookkeeping not), and
    of each step of the latest epoch, from a callback on every trainer built."""
    from transformers import TrainerCallback

    seconds: list[float] = []
    step_seconds: list[float] = []
    each_step: list[float] = []

    class EpochClock(TrainerCallback):
        def on_epoch_begin(self, args, state, control, **kwargs):
            self.start = self.last_step_end = bench.synced_now()
            each_step.clear()

        def on_step_end(self, args, state, control, **kwargs):
            now = bench.synced_now()
            each_step.append(now - self.last_step_end)
            self.last_step_end = now

        def on_epoch_end(self, args, state, control, **kwargs):
            seconds.append(bench.synced_now() - self.start)
            step_seconds.append(self.last_step_end - self.start)

    bench.add_callback_to_every_trainer(EpochClock())
    return seconds, step_seconds, each_step


def set_ddp_fields(fields: dict[str, str]) -> None:
    build = train.sft_arguments

    def with_ddp_fields(*args, **kwargs):
        arguments = build(*args, **kwargs)
        for key, text in fields.items():
            if not hasattr(arguments, key):
                raise SystemExit(f"--ddp {key}: this transformers has no such TrainingArguments field")
            flags = {"true": True, "false": False}
            setattr(arguments, key, flags[text.lower()] if text.lower() in flags else int(text))
        return arguments

    train.sft_arguments = with_ddp_fields


def compress_ddp_gradients() -> None:
    from torch.distributed.algorithms.ddp_comm_hooks import default_hooks
    from torch.nn.parallel import DistributedDataParallel

    init = DistributedDataParallel.__init__

    def init_with_hook(self, *args, **kwargs):
        init(self, *args, **kwargs)
        self.register_comm_hook(self.process_group, default_hooks.bf16_compress_hook)

    DistributedDataParallel.__init__ = init_with_hook


def keep_logging_metrics_local() -> None:
    from accelerate import Accelerator

    gather = Accelerator.gather_for_metrics

    def local_scalars(self, data, *args, **kwargs):
        if isinstance(data, torch.Tensor) and data.dim() == 0:
            return data.unsqueeze(0)
        return gather(self, data, *args, **kwargs)

    Accelerator.gather_for_metrics = local_scalars


def profile_epoch(epoch: int) -> None:
    """Profile epoch `epoch` and print where its GPU time went, and how much of the wall time the GPU was busy."""
    from torch.profiler import ProfilerActivity, profile
    from transformers import TrainerCallback

    class EpochProfiler(TrainerCallback):
        def on_epoch_begin(self, args, state, control, **kwargs):
            if round(state.epoch or 0) == epoch - 1:
                self.prof = profile(activities=[ProfilerActivity.CPU, ProfilerActivity.CUDA])
                self.prof.__enter__()
                self.start = bench.synced_now()

        def on_epoch_end(self, args, state, control, **kwargs):
            if getattr(self, "prof", None) is None:
                return
            wall = bench.synced_now() - self.start
            self.prof.__exit__(None, None, None)
            events = [e for e in self.prof.events() if e.device_type.name == "CUDA"]
            busy = sum(e.time_range.elapsed_us() for e in events) / 1e6
            nccl = sum(e.time_range.elapsed_us() for e in events if "nccl" in e.name.lower()) / 1e6
            print(f"\n[profile] wall {wall:.2f} s, GPU kernels {busy:.2f} s (NCCL {nccl:.2f} s), "
                  f"{len(events)} kernels", flush=True)
            print(self.prof.key_averages().table(sort_by="self_device_time_total", row_limit=12, max_name_column_width=60),
                  flush=True)
            self.prof = None

    bench.add_callback_to_every_trainer(EpochProfiler())


if __name__ == "__main__":
    raise SystemExit(main())
