"""GPU fine-tuning benchmark: one epoch of bliss.json (both directions, NO de-duplication) through babybliss's own
train path (`train.train_run(..., loaded=...)`) on a randomly initialised Llama-2-7B-shaped model, one process.

Each variant is the recipe (config defaults) plus `--set` overrides, or a config file; it prints seconds per epoch,
samples/s, tokens/s, peak GPU memory and its ratio to the recipe. Variants whose name ends in `@N` train N steps and
are extrapolated to the epoch (said so in the table): the run's time plus the missing steps at the steady rate of
its last three quarters. Results go to OUT/finetune.json after every variant.

    # GPU (wheels of trl, datasets, bitsandbytes, liger-kernel installed; PYTHONPATH=src)
    python bench/bench_gpu_finetune.py --data .g1/bliss.json --tokenizer .g1/tok --out $OUT
    # CPU smoke test of the same code path
    python bench/bench_gpu_finetune.py --shape tiny --data ../shared/bliss.json --tokenizer .g1/tok --out /tmp/bench

Caveat measured on an H200: the first epoch that meets a batch shape pays for it (kernel choice, lazy loading,
Triton compilation), and without `train.pad_to_multiple_of` padding-free batches have a new shape every step. So a
variant's time depends on what ran before it in this process (variants with the same batch size and seed replay the
same shapes). For what one `babybliss finetune` run gets, time one variant per fresh process (bench_multi_gpu.py).

The padding-free check (skip with `--skip-check`) verifies on a small model that a padding-free batch, also padded
to a multiple of 64, gives every sequence the same loss as the padded batch (no attention across sequences), with a
control that must differ.
"""

from __future__ import annotations

import argparse
import gc
import json
import math
import os
import sys
import time
from dataclasses import dataclass, field
from pathlib import Path

import torch

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "src"))

from babybliss.training import models  # noqa: E402
from babybliss.training import train
from babybliss.config import Config, load_config  # noqa: E402
from babybliss.data.pairs import instruction_rows  # noqa: E402
from babybliss.io import atomic_write_jsonl  # noqa: E402

SHAPES = {
    # Llama-2-7B: hidden 4096, 32 layers, 32 heads (no GQA), MLP 11008
    "7b": dict(hidden_size=4096, num_hidden_layers=32, num_attention_heads=32, num_key_value_heads=32, intermediate_size=11008),
    "small": dict(hidden_size=256, num_hidden_layers=4, num_attention_heads=4, num_key_value_heads=4, intermediate_size=688),
    "tiny": dict(hidden_size=64, num_hidden_layers=2, num_attention_heads=4, num_key_value_heads=4, intermediate_size=128),
}

BF16 = ["quant.load_in_4bit=false", "train.bf16=true"]
B32 = ["train.per_device_train_batch_size=32", "train.learning_rate=5.66e-4"]


@dataclass
class Variant:
    name: str
    weights: str  # "q4": QLoRA base loaded from disk, "q4dq": the same with double quantisation, "bf16": bf16 base
    sets: list[str] = field(default_factory=list)
    config_file: str = ""
    max_steps: int = -1
    needs: str = ""  # a module that must import (liger_kernel)


def variants() -> list[Variant]:
    """In run order: each weights group reuses one loaded base; Liger patches modules, so it runs last in a group."""
    ladder = BF16 + B32
    lean, fast = "src/babybliss/configs/lean-gpu.toml", "src/babybliss/configs/fast-gpu.toml"
    # lean-gpu.toml as the first session left it (fp32 upcast, batch 16, no buckets): the ladder's rows build on it
    lean_s1 = ["quant.upcast_unquantized=true", "train.pad_to_multiple_of=0",
               "train.per_device_train_batch_size=16", "train.learning_rate=4e-4"]
    b24_lean = ["train.per_device_train_batch_size=24", "train.learning_rate=4.9e-4"]
    b32_lean = ["train.per_device_train_batch_size=32", "train.learning_rate=5.66e-4"]
    b64 = ["train.per_device_train_batch_size=64", "train.learning_rate=8e-4"]
    b128 = ["train.per_device_train_batch_size=128", "train.learning_rate=1.13e-3"]
    # fast-gpu.toml as the first session left it (batch 32, no Liger), with its buckets of 256
    fast_s1 = ["train.per_device_train_batch_size=32", "train.learning_rate=5.66e-4", "train.use_liger_kernel=false"]
    pad = lean_s1 + ["train.pad_to_multiple_of=256"]
    pad_8bit = pad + ["train.optim=adamw_8bit"]
    liger = ["train.use_liger_kernel=true"]
    no_upcast, dq = pad + ["quant.upcast_unquantized=false"], ["quant.double_quant=true"]
    return [
        Variant("a-recipe@80", "q4", max_steps=80),
        Variant("a-recipe@120", "q4", max_steps=120),
        Variant("c-lean", "q4", config_file=lean),  # as shipped
        Variant("c-lean-b32", "q4", config_file=lean, sets=lean_s1 + b32_lean),
        Variant("c-lean-b32+bf16amp", "q4", config_file=lean, sets=lean_s1 + b32_lean + ["train.bf16=true"]),
        Variant("c-lean-b16", "q4", config_file=lean, sets=lean_s1),
        Variant("c-lean-pad", "q4", config_file=lean, sets=pad),
        Variant("c-lean-pad-8bit", "q4", config_file=lean, sets=pad_8bit),
        Variant("c-lean-b32+liger", "q4", config_file=lean, sets=lean_s1 + b32_lean + liger, needs="liger_kernel"),
        Variant("c-lean-pad-8bit+liger", "q4", config_file=lean, sets=pad_8bit + liger, needs="liger_kernel"),
        Variant("c-lean-b24-pad-8bit+liger", "q4", config_file=lean, sets=pad_8bit + liger + b24_lean, needs="liger_kernel"),
        Variant("c-lean-nu-b16", "q4", config_file=lean, sets=no_upcast),
        Variant("c-lean-nu-b24", "q4", config_file=lean, sets=no_upcast + b24_lean),
        Variant("c-lean-nu-b32", "q4", config_file=lean, sets=no_upcast + b32_lean),
        Variant("c-lean-nu-b32+liger", "q4", config_file=lean, sets=no_upcast + b32_lean + liger, needs="liger_kernel"),
        Variant("c-lean-nu-dq-b24", "q4dq", config_file=lean, sets=no_upcast + b24_lean + dq),
        Variant("c-lean-nu-dq-b32", "q4dq", config_file=lean, sets=no_upcast + b32_lean + dq),
        Variant("bf16-b32-padded", "bf16", sets=ladder),
        Variant("+padding_free", "bf16", sets=ladder + ["train.padding_free=true"]),
        Variant("+no_ckpt", "bf16", sets=ladder + ["train.padding_free=true", "train.gradient_checkpointing=false"]),
        Variant("+fused_adamw", "bf16", sets=ladder + ["train.padding_free=true", "train.gradient_checkpointing=false",
                                                        "train.optim=adamw_torch_fused"]),
        Variant("b-fast", "bf16", config_file=fast),  # as shipped
        Variant("b-fast-b32", "bf16", config_file=fast, sets=fast_s1),
        Variant("b-fast-nopad", "bf16", config_file=fast, sets=fast_s1 + ["train.pad_to_multiple_of=0"]),
        Variant("b-fast-b64", "bf16", config_file=fast, sets=fast_s1 + b64),
        Variant("b-fast-b128", "bf16", config_file=fast, sets=fast_s1 + b128),
        Variant("b-fast+compile", "bf16", config_file=fast, sets=fast_s1 + ["train.torch_compile=true"]),
        Variant("b-fast+liger", "bf16", config_file=fast, sets=fast_s1 + liger, needs="liger_kernel"),
        Variant("b-fast-b64+liger", "bf16", config_file=fast, sets=fast_s1 + b64 + liger, needs="liger_kernel"),
        Variant("b-fast-b128+liger", "bf16", config_file=fast, sets=fast_s1 + b128 + liger, needs="liger_kernel"),
    ]


# --- data -----------------------------------------------------------------------------------------------------------


WEIGHTS_DIR = "/tmp/babybliss-bench"  # random weights, saved once per machine (random_folder)
LIMIT = 0  # --limit: first N pairs only (smoke tests)


def raw_pairs(path: str) -> list[dict[str, str]]:
    """Every entry of the pairs file, stripped, duplicates kept (the research team trained on all of them)."""
    entries = json.loads(Path(path).read_text(encoding="utf-8"))
    entries = entries[:LIMIT] if LIMIT else entries
    return [{"original": e["original"].strip(), "bliss": e["bliss"].strip()} for e in entries]


def write_run_data(run_dir: Path, pairs_path: str, config: Config, tokenizer) -> tuple[int, int]:
    """RUN/data/sft/train.jsonl with both directions of every pair; an empty validation set (no evaluation)."""
    rows = instruction_rows(raw_pairs(pairs_path), config.prompts, ["e2b", "b2e"])
    sft = run_dir / "data" / "sft"
    sft.mkdir(parents=True, exist_ok=True)
    atomic_write_jsonl(sft / "train.jsonl", rows)
    atomic_write_jsonl(sft / "validation.jsonl", [])
    tokens = sum(len(tokenizer(r["prompt"] + r["completion"], add_special_tokens=False)["input_ids"]) + 1 for r in rows)
    return len(rows), tokens


# --- models ---------------------------------------------------------------------------------------------------------


def llama_config(shape: str, tokenizer):
    from transformers import LlamaConfig

    return LlamaConfig(
        vocab_size=len(tokenizer), max_position_embeddings=4096, rms_norm_eps=1e-5, tie_word_embeddings=False,
        bos_token_id=tokenizer.bos_token_id, eos_token_id=tokenizer.eos_token_id, pad_token_id=tokenizer.pad_token_id,
        **SHAPES[shape],
    )


def random_model(shape: str, tokenizer, device: str, dtype=torch.bfloat16, seed: int = 0):
    """A randomly initialised Llama of `shape`, built directly on `device` (the same weights on every rank)."""
    from transformers import LlamaForCausalLM

    torch.manual_seed(seed)
    with torch.device(device):
        net = LlamaForCausalLM._from_config(llama_config(shape, tokenizer), dtype=dtype, attn_implementation="sdpa")
    return net.to(device).eval()


def random_folder(shape: str, tokenizer, root: Path) -> Path:
    """Random bf16 weights saved once as a model folder, so `models.load_model` (and its 4-bit path) can read it."""
    folder = root / f"random-{shape}-bf16"
    if (folder / "config.json").is_file() and (folder / "tokenizer_config.json").is_file():
        return folder
    start = time.perf_counter()
    device = models.device_name()
    net = random_model(shape, tokenizer, device, torch.bfloat16 if device == "cuda" else torch.float32)
    tmp = root / f".tmp-{shape}"
    net.save_pretrained(tmp, safe_serialization=True)
    tokenizer.save_pretrained(tmp)
    tmp.rename(folder)
    del net
    _free()
    print(f"[bench] random {shape} weights saved to {folder} in {time.perf_counter() - start:.1f} s", flush=True)
    return folder


def _free() -> None:
    gc.collect()
    if torch.cuda.is_available():
        torch.cuda.empty_cache()


def strip_adapters(net) -> None:
    """Undo what a training run left on a reused base: LoRA layers, TRL's fused-head forward, checkpointing, hooks."""
    from peft.tuners.tuners_utils import BaseTunerLayer

    for module in list(net.modules()):
        for child_name, child in list(module.named_children()):
            if isinstance(child, BaseTunerLayer):
                setattr(module, child_name, child.get_base_layer())
    for attr in ("peft_config", "forward"):
        net.__dict__.pop(attr, None)
    if getattr(net, "is_gradient_checkpointing", False):
        net.gradient_checkpointing_disable()
    if hasattr(net, "_require_grads_hook"):
        net.disable_input_require_grads()
    net.config.use_cache = True
    for p in net.parameters():
        p.requires_grad_(False)
        p.grad = None


class LlamaModulePatches:
    """Liger replaces module-level names of transformers' Llama code; put them back after a Liger run."""

    NAMES = ("apply_rotary_pos_emb", "LlamaRMSNorm", "LlamaMLP")

    def __init__(self):
        from transformers.models.llama import modeling_llama

        self.module = modeling_llama
        self.saved = {n: getattr(modeling_llama, n) for n in self.NAMES}
        self.forward = modeling_llama.LlamaForCausalLM.forward

    def restore(self):
        for name, value in self.saved.items():
            setattr(self.module, name, value)
        self.module.LlamaForCausalLM.forward = self.forward


# --- padding-free check ---------------------------------------------------------------------------------------------


def padding_free_check(tokenizer, pairs_path: str, device: str, dtype=torch.float32, n: int = 24) -> dict:
    """Per-sequence loss of a padding-free batch against the padded batch, through TRL's collator and fused head.

    The control packs the same sequences but passes an all-ones attention mask (plain causal attention across the
    concatenation, per-sequence position ids kept): it must differ, showing the check can see cross-attention.
    """
    from trl.trainer.sft_trainer import DataCollatorForLanguageModeling
    from trl.trainer.utils import add_fused_lm_head

    config = Config()
    rows = instruction_rows(raw_pairs(pairs_path)[: n // 2], config.prompts, ["e2b", "b2e"])
    examples = []
    for r in rows:
        prompt = tokenizer(r["prompt"], add_special_tokens=False)["input_ids"]
        answer = tokenizer(r["completion"], add_special_tokens=False)["input_ids"] + [tokenizer.eos_token_id]
        examples.append({"input_ids": prompt + answer, "labels": [-100] * len(prompt) + answer})
    net = random_model("small", tokenizer, device, dtype, seed=1)
    add_fused_lm_head(net)
    pad_id = tokenizer.pad_token_id

    def run(batch):
        batch = {k: v.to(device) if torch.is_tensor(v) else v for k, v in batch.items()}
        labels = batch.pop("labels")
        with torch.no_grad():
            out = net(**batch, labels=labels, fused_lm_head=True)
        return out.log_probs.float(), out.label_mask

    padded = DataCollatorForLanguageModeling(pad_token_id=pad_id)(examples)
    lp, mask = run(padded)
    ref = (lp.sum(1) / mask.sum(1)).cpu()  # mean log-prob of each sequence's completion tokens

    packed = DataCollatorForLanguageModeling(pad_token_id=pad_id, padding_free=True)(examples)
    starts = (packed["position_ids"][0] == 0).nonzero().flatten().tolist() + [packed["input_ids"].shape[1]]

    def per_sequence(lp, mask):
        # log_probs[t] scores token t+1: sequence i's predictions sit at [start_i, end_i - 1)
        return torch.stack([lp[0, s : e - 1].sum() / mask[0, s : e - 1].sum() for s, e in zip(starts, starts[1:])]).cpu()

    got = per_sequence(*run(packed))
    # The same with the packed row padded to a multiple of 64 (train.pad_to_multiple_of): pad tokens must change nothing
    bucketed = DataCollatorForLanguageModeling(pad_token_id=pad_id, padding_free=True, pad_to_multiple_of=64)(examples)
    got_bucketed = per_sequence(*run(bucketed))
    control_batch = {k: v for k, v in packed.items() if not k.startswith(("cu_seq", "max_length", "seq_idx"))}
    control_batch["attention_mask"] = torch.ones_like(packed["input_ids"])
    control = per_sequence(*run(control_batch))
    result = {
        "dtype": str(dtype).replace("torch.", ""),
        "sequences": len(examples),
        "max_abs_diff_padding_free": float((got - ref).abs().max()),
        "max_abs_diff_control_cross_attention": float((control - ref).abs().max()),
        "max_abs_diff_padding_free_pad_to_64": float((got_bucketed - ref).abs().max()),
    }
    tol = 1e-4 if dtype == torch.float32 else 2e-2
    result["equal_within_noise"] = max(result["max_abs_diff_padding_free"], result["max_abs_diff_padding_free_pad_to_64"]) <= tol
    result["control_differs"] = result["max_abs_diff_control_cross_attention"] > 10 * max(result["max_abs_diff_padding_free"], 1e-6)
    del net
    _free()
    return result


# --- one variant ----------------------------------------------------------------------------------------------------

STEP_TIMES: list[float] = []
STEP_ENDS: list[float] = []  # perf_counter at each step's end: the steady rate includes data loading between steps


def synced_now() -> float:
    if torch.cuda.is_available():
        torch.cuda.synchronize()
    return time.perf_counter()


def add_callback_to_every_trainer(callback) -> None:
    """Every trainer that `train.build_trainer` builds from now on gets `callback` (the benches time through it)."""
    build = train.build_trainer

    def build_with_callback(*args, **kwargs):
        trainer, resume_from = build(*args, **kwargs)
        trainer.add_callback(callback)
        return trainer, resume_from

    train.build_trainer = build_with_callback


def time_steps() -> None:
    """Record each optimizer step's duration (synchronised) in STEP_TIMES and STEP_ENDS."""
    from transformers import TrainerCallback

    class StepTimer(TrainerCallback):
        def on_step_begin(self, args, state, control, **kwargs):
            self.start = synced_now()

        def on_step_end(self, args, state, control, **kwargs):
            STEP_ENDS.append(synced_now())
            STEP_TIMES.append(STEP_ENDS[-1] - self.start)

    add_callback_to_every_trainer(StepTimer())


def variant_config(v: Variant, run_dir: Path) -> Config:
    path = ROOT / v.config_file if v.config_file else None
    sets = list(v.sets) + [f"out={run_dir}", "train.logging_steps=25"]
    if v.max_steps > 0:
        sets.append(f"train.max_steps={v.max_steps}")
    return load_config(path, sets)


def run_variant(v: Variant, config: Config, loaded, run_root: Path, rows: int, tokens: int) -> dict:
    cuda = torch.cuda.is_available()
    if cuda:
        torch.cuda.synchronize()
        torch.cuda.reset_peak_memory_stats()
    STEP_TIMES.clear()
    STEP_ENDS.clear()
    start = time.perf_counter()
    metrics = train.train_run(config, run_root, "bench", 1, [1], resume=False, loaded=loaded)
    wall = time.perf_counter() - start
    steps = sorted(STEP_TIMES)
    peak = torch.cuda.max_memory_allocated() / 2**30 if cuda else float("nan")
    t = config.train
    batch = t.per_device_train_batch_size * t.gradient_accumulation_steps * int(os.environ.get("WORLD_SIZE", "1"))
    steps_epoch = math.ceil(rows / batch)
    runtime = metrics["train_runtime"]
    extrapolated = t.max_steps > 0 and t.max_steps < steps_epoch
    # A partial run pays the one-time warm-up once, as a full epoch would: the steps it did not run are added at the
    # steady rate of its last three quarters (end to end, data loading included), not by scaling the whole run.
    epoch_s = runtime + (steps_epoch - t.max_steps) * steady_step_s() if extrapolated else runtime
    return {
        "variant": v.name,
        "weights": ("nf4 4-bit (QLoRA)" + (" dq" if config.quant.double_quant else "")) if loaded.quantized else str(next(loaded.model.parameters()).dtype).replace("torch.", ""),
        "config_file": v.config_file,
        "sets": v.sets,
        "batch": batch,
        "steps_per_epoch": steps_epoch,
        "steps_run": t.max_steps if extrapolated else steps_epoch,
        "extrapolated": extrapolated,
        "seconds_per_epoch": round(epoch_s, 2),
        "samples_per_s": round(rows / epoch_s, 2),
        "tokens_per_s": round(tokens / epoch_s),
        "peak_gib": round(peak, 2),
        "train_runtime": round(runtime, 2),
        "train_run_wall_s": round(wall, 2),
        "train_loss": metrics.get("train_loss"),
        "first_steps_s": [round(x, 3) for x in STEP_TIMES[:3]],
        "median_step_s": round(steps[len(steps) // 2], 3) if steps else None,
        "steady_step_s": round(steady_step_s(), 4) if len(STEP_ENDS) > 4 else None,
    }


def steady_step_s() -> float:
    skip = len(STEP_ENDS) // 4
    return (STEP_ENDS[-1] - STEP_ENDS[skip]) / (len(STEP_ENDS) - 1 - skip)


def print_table(results: list[dict]) -> None:
    recipe = next((r["seconds_per_epoch"] for r in results if r["variant"].startswith("a-recipe")), None)
    print(f"\n{'variant':<22} {'weights':<17} {'batch':>5} {'s/epoch':>9} {'samples/s':>9} {'tokens/s':>9} {'peak GiB':>8} {'x recipe':>8}")
    for r in results:
        if "error" in r:
            print(f"{r['variant']:<22} ERROR {r['error'][:90]}")
            continue
        ratio = f"{recipe / r['seconds_per_epoch']:.1f}" if recipe else "-"
        mark = "*" if r["extrapolated"] else " "
        print(f"{r['variant']:<22} {r['weights']:<17} {r['batch']:>5} {r['seconds_per_epoch']:>8.1f}{mark} "
              f"{r['samples_per_s']:>9.1f} {r['tokens_per_s']:>9} {r['peak_gib']:>8.2f} {ratio:>8}")
    print("* timed over steps_run steps and extrapolated to the epoch", flush=True)


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--shape", default="7b", choices=sorted(SHAPES))
    parser.add_argument("--data", required=True, help="bliss.json")
    parser.add_argument("--tokenizer", required=True, help="saved tokenizer folder (babybliss's SmolLM2 tokenizer)")
    parser.add_argument("--out", default=os.environ.get("OUT", "runs/bench-gpu"))
    parser.add_argument("--weights-dir", default=WEIGHTS_DIR, help="where random weights are saved once")
    parser.add_argument("--variants", default="all", help="comma-separated names, or all")
    parser.add_argument("--skip-check", action="store_true", help="skip the padding-free equivalence check")
    parser.add_argument("--limit", type=int, default=0, help="first N pairs only (smoke tests)")
    parser.add_argument("--run-dir", default="", help="run folder (default OUT/run)")
    parser.add_argument("--repeat", type=int, default=1, help="run each variant this many times (shape warm-up)")
    parser.add_argument("--budget-s", type=float, default=0, help="start no variant after this many seconds")
    args = parser.parse_args(argv)
    global LIMIT
    LIMIT = args.limit

    from transformers import AutoTokenizer

    out = Path(args.out)
    out.mkdir(parents=True, exist_ok=True)
    tokenizer = models.prepare_tokenizer(AutoTokenizer.from_pretrained(args.tokenizer))
    device = models.device_name()
    report: dict = {"device": torch.cuda.get_device_name(0) if device == "cuda" else "cpu", "shape": args.shape,
                    "versions": _versions(), "results": []}
    save = lambda: (out / "finetune.json").write_text(json.dumps(report, indent=2))  # noqa: E731
    if not args.skip_check:
        checks = [padding_free_check(tokenizer, args.data, device, torch.float32)]
        if device == "cuda":
            checks.append(padding_free_check(tokenizer, args.data, device, torch.bfloat16))
        report["padding_free_check"] = checks
        print("[bench] padding-free check:", json.dumps(checks), flush=True)
        save()

    wanted = [v for v in variants() if args.variants == "all" or v.name in args.variants.split(",")]
    run_root = Path(args.run_dir) if args.run_dir else out / "run"
    rows, tokens = write_run_data(run_root, args.data, Config(), tokenizer)
    report.update(rows=rows, tokens=tokens)
    print(f"[bench] {rows} prompts, {tokens} tokens per epoch on {report['device']}", flush=True)
    folder = random_folder(args.shape, tokenizer, Path(args.weights_dir)) if wanted else None
    patches = LlamaModulePatches()
    loaded, loaded_kind, upcast_done = None, None, False
    time_steps()
    runs = [v if i == 0 else Variant(f"{v.name}#{i + 1}", v.weights, v.sets, v.config_file, v.max_steps, v.needs)
            for v in wanted for i in range(args.repeat)]
    began = time.perf_counter()
    for v in runs:
        if args.budget_s and time.perf_counter() - began > args.budget_s:
            print(f"[bench] {v.name}: not started, --budget-s {args.budget_s:.0f} spent", flush=True)
            continue
        if v.needs:
            try:
                __import__(v.needs)
            except ImportError:
                print(f"[bench] {v.name}: skipped, {v.needs} missing", flush=True)
                continue
        config = variant_config(v, run_root)
        # the recipe's fp32 upcast changes the shared base in place: a variant without it needs a fresh load
        upcast = config.quant.upcast_unquantized
        if loaded_kind != v.weights or (loaded.quantized and upcast_done and not upcast):
            loaded = None
            patches.restore()
            _free()
            start = time.perf_counter()
            loaded = models.load_model(replace_spec(config.model, str(folder)), config.quant)
            loaded_kind, upcast_done = v.weights, False
            print(f"[bench] loaded {v.weights} base in {time.perf_counter() - start:.1f} s", flush=True)
        print(f"\n[bench] === {v.name} ===", flush=True)
        try:
            result = run_variant(v, config, loaded, run_root, rows, tokens)
            upcast_done = upcast_done or upcast
        except Exception as err:  # keep the other variants' numbers
            import traceback

            traceback.print_exc()
            result = {"variant": v.name, "error": f"{type(err).__name__}: {err}"}
        strip_adapters(loaded.model)
        _free()
        report["results"].append(result)
        save()
        print("[bench] " + json.dumps(result), flush=True)
    print_table(report["results"])
    return 0


def replace_spec(model_config, spec: str):
    from dataclasses import replace

    return replace(model_config, spec=spec)


def _versions() -> dict:
    import importlib.metadata as md

    found = {}
    for name in ("torch", "transformers", "trl", "peft", "accelerate", "datasets", "bitsandbytes", "liger-kernel"):
        try:
            found[name] = md.version(name)
        except md.PackageNotFoundError:
            found[name] = None
    return found


if __name__ == "__main__":
    raise SystemExit(main())
