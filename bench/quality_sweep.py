"""Quality sweep: which training settings make the default model convert English to Bliss exactly.

Each named variant is a list of config overrides on top of a config file (default: configs/default-cpu.toml).
A variant trains once with `train.sweep=checkpoints`, keeping every epoch's adapter (or full model), then each
epoch converts the validation and test splits in both directions (greedy) and records exact match (whitespace
normalised), clean-stop rate, chrF and tense accuracy. Variants run as parallel worker processes (a 135M model
leaves a GPU mostly idle, so several runs share one card), each writing OUT/<variant>/quality.json after every
epoch, so a deadline that stops the sweep keeps what finished. `collect` writes OUT/quality.json and
OUT/quality.md (the table) and prints the best variant's e2b test failures.

    python bench/quality_sweep.py run --data ../shared/bliss.json --out runs/quality --parallel 8
    python bench/quality_sweep.py run --variants full-lr1e-4-4ep,lora-r16-lr5e-4-2ep --max-steps 2   # smoke test
    python bench/quality_sweep.py run --out runs/quality-seed7 --variants full-lr1e-4-b8-4ep --set train.seed=7
    python bench/quality_sweep.py collect --out runs/quality,runs/quality-seed7   # seeds side by side

The best variant is picked on VALIDATION e2b exact match, averaged over the seeds collected (ties: validation b2e,
then validation e2b chrF); its test numbers are the ones to report. The CPU estimate multiplies the prompts a variant trains on by CPU_S_PER_PROMPT, measured
on the 2-core CPU this project targets.
"""

from __future__ import annotations

import argparse
import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]

# Seconds per training prompt on the 2-core CPU this project targets. LoRA: the upper end of the 0.30-0.45 s measured
# for the default config (batch 16, 1 272 prompts in 5-8 min an epoch). Full fine-tuning was not measured on that CPU
# (it was too contended while this sweep ran): 1.5x LoRA, since the weight gradients add a third matmul to the two of
# forward and input-gradient, plus AdamW over 135M parameters every step. Estimates, not measurements.
CPU_S_PER_PROMPT = {"lora": 0.45, "full": 0.68}
CPU_BUDGET_MIN = 40.0

LORA16 = ["lora.r=16", "lora.alpha=32", 'lora.target_modules=["all-linear"]']
LORA64 = ["lora.r=64", "lora.alpha=128", 'lora.target_modules=["all-linear"]']
FULL = ["lora.enabled=false"]
BUILTIN = ['data.extra_train=["builtin"]']


def _v(epochs: int, *groups: list[str] | str) -> dict:
    sets: list[str] = []
    for group in groups:
        sets.extend([group] if isinstance(group, str) else group)
    return {"epochs": epochs, "set": sets}


def lr(value: str) -> str:
    return f"train.learning_rate={value}"


def batch(value: int) -> str:
    return f"train.per_device_train_batch_size={value}"


VARIANTS: dict[str, dict] = {
    # The default CPU config before this sweep: LoRA r16 (alpha 32) on all linear layers, lr 5e-4, batch 16, 2 epochs.
    "lora-r16-lr5e-4-2ep": _v(2, LORA16, lr("5e-4"), batch(16)),
    "lora-r16-lr5e-4-4ep": _v(4, LORA16, lr("5e-4"), batch(16)),
    "lora-r16-lr1e-3-4ep": _v(4, LORA16, lr("1e-3"), batch(16)),
    "lora-r16-lr1e-3-b8-4ep": _v(4, LORA16, lr("1e-3"), batch(8)),
    "lora-r16-lr1e-3-6ep": _v(6, LORA16, lr("1e-3"), batch(16)),
    "lora-r16-lr2e-3-4ep": _v(4, LORA16, lr("2e-3"), batch(16)),
    "lora-r64-lr5e-4-4ep": _v(4, LORA64, lr("5e-4"), batch(16)),
    "lora-r64-lr1e-3-b8-4ep": _v(4, LORA64, lr("1e-3"), batch(8)),
    "full-lr5e-5-4ep": _v(4, FULL, lr("5e-5"), batch(16)),
    "full-lr1e-4-4ep": _v(4, FULL, lr("1e-4"), batch(16)),
    "full-lr2e-4-4ep": _v(4, FULL, lr("2e-4"), batch(16)),
    "full-lr1e-4-b8-4ep": _v(4, FULL, lr("1e-4"), batch(8)),
    "full-lr1e-4-6ep": _v(6, FULL, lr("1e-4"), batch(16)),
    "lora-r16-lr1e-3-builtin-1ep": _v(1, LORA16, lr("1e-3"), batch(16), BUILTIN),
    "full-lr1e-4-builtin-1ep": _v(1, FULL, lr("1e-4"), batch(16), BUILTIN),
    "lora-r16-lr1e-3-builtin-2ep": _v(2, LORA16, lr("1e-3"), batch(16), BUILTIN),
    "lora-r64-lr1e-3-builtin-3ep": _v(3, LORA64, lr("1e-3"), batch(16), BUILTIN),
    "full-lr1e-4-builtin-2ep": _v(2, FULL, lr("1e-4"), batch(16), BUILTIN),
    "full-lr5e-5-builtin-3ep": _v(3, FULL, lr("5e-5"), batch(16), BUILTIN),
}

# Always applied: plain fp32 weights without 4-bit loading (what the CPU config trains with, on any device), and no
# mid-epoch trainer checkpoints (full fine-tuning would write 1.6 GB of optimizer state every save_steps).
COMMON = ["model.dtype=float32", "quant.load_in_4bit=false", "train.save_steps=100000", "train.sweep=checkpoints"]


def variant_config(args, name: str):
    from babybliss.config import load_config

    spec = VARIANTS[name]
    epochs = list(range(1, spec["epochs"] + 1))
    overrides = [
        *COMMON,
        f"train.epochs={json.dumps(epochs)}",
        f"data.path={Path(args.data).resolve()}",
        f"out={Path(args.out).resolve() / name}",
        *spec["set"],
        *(args.set or []),
    ]
    if args.max_steps:
        overrides.append(f"train.max_steps={args.max_steps}")
    return load_config(args.config, overrides), overrides


def score(rows: list[dict], direction: str) -> dict:
    from babybliss.evaluation import metrics

    generated = [r["generated"] for r in rows]
    expected = [r["expected"] for r in rows]
    out = {
        "n": len(rows),
        "exact_match": round(metrics.exact_match_rate(generated, expected), 4),
        "clean_stop": round(metrics.clean_stop_rate([r["clean_stop"] for r in rows]), 4),
        "chrf": round(metrics.chrf(generated, expected), 2),
    }
    if direction == "e2b":
        out["tense_accuracy"] = metrics.tense_accuracy(generated, expected)
    return out


def convert_splits(config, run_dir: Path, loaded, splits: list[str], gen) -> tuple[dict, dict]:
    from babybliss.data.pairs import read_split
    from babybliss.convert.generate import generate_raw
    from babybliss.data.prompts import build_prompt, pair_examples

    result, predictions = {}, {}
    for split in splits:
        pairs = read_split(run_dir / "data", split)
        result[split], predictions[split] = {}, {}
        for direction in config.data.directions:
            examples = [e for p in pairs for e in pair_examples(p, [direction])]
            outputs = generate_raw(loaded, [build_prompt(config.prompts, direction, e.input) for e in examples], gen)
            rows = [
                {"input": e.input, "expected": e.answer, "generated": o.answer, "clean_stop": o.clean_stop, "raw": o.raw}
                for e, o in zip(examples, outputs)
            ]
            result[split][direction] = score(rows, direction)
            predictions[split][direction] = rows
    return result, predictions


def _worker(args) -> None:
    """Train one variant and score every epoch it kept; OUT/<name>/quality.json after each epoch."""
    import torch

    from babybliss.training import train
    from babybliss.config import GenerateConfig
    from babybliss.evaluation.evaluate import epoch_folders
    from babybliss.convert.generate import load_for_generation

    name = args.variant
    config, overrides = variant_config(args, name)
    run_dir = Path(config.out)
    torch.manual_seed(config.train.seed)
    start = time.perf_counter()
    train.finetune(config)
    train_wall = time.perf_counter() - start
    summary = json.loads((run_dir / "data" / "summary.json").read_text())
    gen = GenerateConfig(max_new_tokens=args.max_new_tokens, batch_size=args.gen_batch)
    record = {
        "variant": name,
        "overrides": overrides,
        "full": not config.lora.enabled,
        "max_epochs": max(config.train.epochs),
        "train_prompts": summary["splits"]["train"] * len(config.data.directions),
        "train_wall_seconds": round(train_wall, 1),
        "device": train._device_label(),
        "epochs": {},
    }
    out_file = run_dir / "quality.json"
    for folder in epoch_folders(run_dir):
        info = json.loads((folder / train.TRAINING_FILE).read_text())
        t0 = time.perf_counter()
        loaded = load_for_generation(config, folder)
        metrics, predictions = convert_splits(config, run_dir, loaded, ["validation", "test"], gen)
        del loaded
        if torch.cuda.is_available():
            torch.cuda.empty_cache()
        record["epochs"][str(info["epochs"])] = {
            "train_seconds": info["train_seconds"],
            "eval_loss": info.get("final_eval_loss"),
            "convert_seconds": round(time.perf_counter() - t0, 1),
            "metrics": metrics,
            "predictions": predictions,
        }
        out_file.write_text(json.dumps(record, indent=1, ensure_ascii=False))
        e2b = metrics["validation"]["e2b"]["exact_match"], metrics["test"]["e2b"]["exact_match"]
        print(f"[sweep] {name} epoch {info['epochs']}: e2b val {e2b[0]:.3f} test {e2b[1]:.3f}", flush=True)
        if args.prune and (folder / "model.safetensors").is_file():
            (folder / "model.safetensors").unlink()  # full fine-tuning: 538 MB per epoch, scored already


def run(args) -> None:
    names = args.variants.split(",") if args.variants else list(VARIANTS)
    unknown = [n for n in names if n not in VARIANTS]
    if unknown:
        sys.exit(f"unknown variants {unknown}; known: {', '.join(VARIANTS)}")
    out = Path(args.out)
    out.mkdir(parents=True, exist_ok=True)
    # Convert the default model once, before the workers race for it.
    from babybliss.config import load_config
    from babybliss.training.models import resolve_folder

    base = load_config(args.config, [*(args.set or [])])
    resolve_folder(base.model.spec, base.model)
    # Longest runs first, so the tail of the sweep is short ones.
    names.sort(key=lambda n: -VARIANTS[n]["epochs"] * (3 if "builtin" in n else 1))
    deadline = time.time() + args.deadline if args.deadline else None
    env = dict(os.environ, OMP_NUM_THREADS=str(args.threads), TOKENIZERS_PARALLELISM="false",
               PYTORCH_CUDA_ALLOC_CONF="expandable_segments:True")
    pending, running = list(names), {}
    while pending or running:
        while pending and len(running) < args.parallel:
            name = pending.pop(0)
            cmd = [sys.executable, __file__, "worker", "--variant", name, *_common_argv(args)]
            log = open(out / f"{name}.log", "w")
            running[name] = (subprocess.Popen(cmd, stdout=log, stderr=subprocess.STDOUT, env=env, start_new_session=True), log)
            print(f"[sweep] started {name}", flush=True)
        time.sleep(2)
        for name, (proc, log) in list(running.items()):
            if proc.poll() is not None:
                log.close()
                print(f"[sweep] {name} finished with exit code {proc.returncode}", flush=True)
                if proc.returncode:
                    print((out / f"{name}.log").read_text()[-3000:], flush=True)
                del running[name]
        if deadline and time.time() > deadline:
            for name, (proc, log) in running.items():
                os.killpg(proc.pid, signal.SIGTERM)
                print(f"[sweep] deadline: stopped {name}", flush=True)
            for proc, _ in running.values():
                proc.wait()
            print(f"[sweep] deadline: not started {pending}", flush=True)
            break
    collect(args)


def _common_argv(args) -> list[str]:
    argv = ["--data", args.data, "--out", args.out, "--config", args.config, "--max-new-tokens", str(args.max_new_tokens),
            "--gen-batch", str(args.gen_batch)]
    if args.max_steps:
        argv += ["--max-steps", str(args.max_steps)]
    if args.prune:
        argv.append("--prune")
    for item in args.set or []:
        argv += ["--set", item]
    return argv


def cpu_minutes(record: dict) -> float:
    per = CPU_S_PER_PROMPT["full" if record["full"] else "lora"]
    return record["train_prompts"] * record["max_epochs"] * per / 60


def _pct(value) -> str:
    return "–" if value is None else f"{100 * value:.1f}"


def _seed(record: dict) -> int:
    seeds = [o.split("=", 1)[1] for o in record["overrides"] if o.startswith("train.seed=")]
    return int(seeds[-1]) if seeds else 42


def _mean(values: list) -> float | None:
    values = [v for v in values if v is not None]
    return sum(values) / len(values) if values else None


METRIC_PATHS = {
    "val_e2b": ("validation", "e2b", "exact_match"),
    "val_b2e": ("validation", "b2e", "exact_match"),
    "val_e2b_chrf": ("validation", "e2b", "chrf"),
    "test_e2b": ("test", "e2b", "exact_match"),
    "test_e2b_clean": ("test", "e2b", "clean_stop"),
    "test_e2b_chrf": ("test", "e2b", "chrf"),
    "test_e2b_tense": ("test", "e2b", "tense_accuracy"),
    "test_b2e": ("test", "b2e", "exact_match"),
    "test_b2e_clean": ("test", "b2e", "clean_stop"),
}


def collect(args) -> dict:
    """One row per (variant, epoch), seeds side by side (`--out` may list several sweep folders, comma-separated).

    The pick is the highest seed-mean validation e2b exact match (ties: validation b2e, then validation e2b chrF).
    """
    outs = [Path(o) for o in args.out.split(",")]
    records = [json.loads(path.read_text()) for out in outs for path in sorted(out.glob("*/quality.json"))]
    groups: dict[tuple[str, int], list[tuple[int, dict, dict]]] = {}
    for rec in records:
        for epoch, ep in rec["epochs"].items():
            groups.setdefault((rec["variant"], int(epoch)), []).append((_seed(rec), rec, ep))
    rows = []
    for (variant, epoch), runs in sorted(groups.items()):
        runs.sort(key=lambda run: run[0] != 42)  # seed 42 (the default) first
        rec = runs[0][1]
        row = {
            "variant": variant,
            "epoch": epoch,
            "max_epochs": rec["max_epochs"],
            "train_prompts": rec["train_prompts"],
            "cpu_min": round(cpu_minutes(rec), 1),
            "seeds": [seed for seed, _, _ in runs],
            "gpu_train_s": [ep["train_seconds"] for _, _, ep in runs],
            "eval_loss": _mean([ep["eval_loss"] for _, _, ep in runs]),
        }
        for key, (split, direction, metric) in METRIC_PATHS.items():
            values = [ep["metrics"][split][direction][metric] for _, _, ep in runs]
            row[key] = _mean(values)
            row[key + "_seeds"] = values
        rows.append(row)
    key = lambda r: (r["val_e2b"], r["val_b2e"], r["val_e2b_chrf"])  # noqa: E731
    best = max(rows, key=key) if rows else None
    feasible = [r for r in rows if r["cpu_min"] <= CPU_BUDGET_MIN]
    best_cpu = max(feasible, key=key) if feasible else None

    def cell(r: dict, name: str) -> str:
        values = r[name + "_seeds"]
        if len(values) == 1:
            return _pct(values[0])
        return f"{_pct(r[name])} ({' / '.join(_pct(v) for v in values)})"

    lines = [
        "| variant | epoch | train prompts | CPU min (est.) | seeds | val e2b EM | test e2b EM | test e2b clean stop | "
        "test e2b chrF | test e2b tense | test b2e EM | test b2e clean stop | eval loss |",
        "|---|---:|---:|---:|---|---:|---:|---:|---:|---:|---:|---:|---:|",
    ]
    for r in rows:
        mark = " **(best)**" if r is best else (f" **(best ≤ {CPU_BUDGET_MIN:.0f} CPU min)**" if r is best_cpu else "")
        loss = "–" if r["eval_loss"] is None else f"{r['eval_loss']:.3f}"
        lines.append(
            f"| {r['variant']}{mark} | {r['epoch']}/{r['max_epochs']} | {r['train_prompts']} | {r['cpu_min']} | "
            f"{', '.join(map(str, r['seeds']))} | {cell(r, 'val_e2b')} | {cell(r, 'test_e2b')} | {cell(r, 'test_e2b_clean')} | "
            f"{r['test_e2b_chrf']:.1f} | {_pct(r['test_e2b_tense'])} | {cell(r, 'test_b2e')} | {_pct(r['test_b2e_clean'])} | {loss} |"
        )
    table = "\n".join(lines) + "\n"
    target = outs[0]
    (target / "quality.md").write_text(table)
    slim = [
        {k: v for k, v in rec.items() if k != "epochs"}
        | {"epochs": {e: {k: v for k, v in ep.items() if k != "predictions"} for e, ep in rec["epochs"].items()}}
        for rec in records
    ]
    (target / "quality.json").write_text(json.dumps({"rows": rows, "best": best, "best_cpu": best_cpu, "runs": slim}, indent=1))
    print(table)
    for label, pick in (("best", best), ("best within the CPU budget", best_cpu)):
        if pick is not None:
            print(f"[sweep] {label}: {pick['variant']} epoch {pick['epoch']}: val e2b {_pct(pick['val_e2b'])}, "
                  f"test e2b {_pct(pick['test_e2b'])} (clean stop {_pct(pick['test_e2b_clean'])}), seeds {pick['seeds']}")
    if best is not None:
        seed, rec, ep = groups[(best["variant"], best["epoch"])][0]
        failures = [r for r in ep["predictions"]["test"]["e2b"] if " ".join(r["generated"].split()) != " ".join(r["expected"].split())]
        print(f"[sweep] {len(failures)} e2b test failures of {best['variant']} epoch {best['epoch']} seed {seed} "
              f"(first {args.failures}):")
        for r in failures[: args.failures]:
            print(f"  IN  {r['input']}\n  EXP {r['expected']}\n  GOT {r['generated']}{'' if r['clean_stop'] else '   [no clean stop]'}")
    return {"rows": rows, "best": best, "best_cpu": best_cpu}


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("command", choices=["run", "worker", "collect", "list"])
    parser.add_argument("--data", default=str(ROOT.parent / "shared" / "bliss.json"))
    parser.add_argument("--out", default=str(ROOT / "runs" / "quality"), help="run folder (collect: several, comma-separated)")
    parser.add_argument("--config", default=str(ROOT / "configs" / "default-cpu.toml"))
    parser.add_argument("--variants", default="", help="comma-separated names (default: all)")
    parser.add_argument("--variant", default="", help="worker: the one variant to train")
    parser.add_argument("--set", action="append", help="section.key=value for every variant (after the variant's)")
    parser.add_argument("--parallel", type=int, default=1, help="variants trained at once")
    parser.add_argument("--threads", type=int, default=2, help="CPU threads per worker")
    parser.add_argument("--deadline", type=float, default=0, help="seconds after which running workers are stopped")
    parser.add_argument("--max-steps", type=int, default=0, help="train.max_steps (smoke tests)")
    parser.add_argument("--max-new-tokens", type=int, default=64)
    parser.add_argument("--gen-batch", type=int, default=64)
    parser.add_argument("--failures", type=int, default=15)
    parser.add_argument("--prune", action="store_true", help="delete full-fine-tuning weights once scored")
    args = parser.parse_args(argv)
    if args.command == "list":
        for name, spec in VARIANTS.items():
            print(f"{name}: {spec['epochs']} epochs, {' '.join(spec['set'])}")
    elif args.command == "worker":
        _worker(args)
    elif args.command == "run":
        run(args)
    else:
        collect(args)


if __name__ == "__main__":
    main()
