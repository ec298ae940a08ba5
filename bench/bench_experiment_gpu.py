"""The whole experiment on one GPU, the research team's way and babybliss's fast way, each stage timed.

Both ways run the same four stages as a user types them, each a fresh `babybliss` process (this script with `stage`
in front, which only adds a passive step clock to every trainer):

    data      babybliss data prepare --config C --data PAIRS --out RUN/data
    train     babybliss finetune --config C --data PAIRS --out RUN
    evaluate  babybliss evaluate RUN          (every epoch adapter on validation and test, both directions)
    report    babybliss report RUN

* team: `configs/llama2-7b-qlora.toml` as shipped: four separate QLoRA (nf4) runs of 1, 2, 3 and 4 epochs;
* fast: `configs/fast-gpu.toml` with `train.sweep=checkpoints`, epochs [1, 2, 3, 4]: one bf16 run, four adapters.
* one: the same config through `babybliss experiment`: every stage in one process, the base model loaded once, each
  epoch's adapter put on and taken off for evaluation; its stages are read from RUN/stages.json (the process start
  and the base model's load count with `data`).

The model is a randomly initialised Llama-2-7B-shaped model (no hub): bench_gpu_finetune.py saves it once as a model
folder (bf16 safetensors + the tokenizer given by --tokenizer) and both ways load it through `model.spec`, the nf4
path included. Runs go to --work (adapters and checkpoints, not OUT); OUT gets experiment.json and experiment.md.

Fitting one invocation into ~9 minutes on one H200 takes two caps, both extrapolated to the full experiment and
said so in the table (--full runs everything, about 45 minutes):
  --team-steps K   each of the team's four runs trains K optimizer steps; the rest of its epochs is added at the
                   steady step time measured in that run (the steps after its first quarter). Not added: the
                   per-epoch validation loss and the checkpoint saves outside the measured steps (so the team's
                   estimate is low, the speed-up conservative).
  --max-examples M evaluate.max_examples (per split) for both ways; each model's generation and scoring time is
                   scaled by full prompts / converted prompts. Model loading is counted as measured.

    # GPU machine (PYTHONPATH=src; trl, datasets, bitsandbytes, liger-kernel wheels installed)
    python bench/bench_experiment_gpu.py --data .g1/bliss.json --tokenizer .g1/tok --out $OUT
    python bench/bench_experiment_gpu.py --ways fast ...      # one way per invocation; results merge in OUT
    python bench/bench_experiment_gpu.py --ways one --max-examples 0 ...   # issue 19: the one-process experiment
    # CPU dry run of the same code path: tiny random model, 24 pairs of the shipped corpus (< 2 min)
    python bench/bench_experiment_gpu.py --tiny --out /tmp/experiment
    # only save the random model folder (e.g. before timing `babybliss finetune` on 2 GPUs)
    python bench/bench_experiment_gpu.py --tokenizer .g1/tok --prepare-only
"""

from __future__ import annotations

import argparse
import json
import math
import os
import re
import shutil
import subprocess
import sys
import time
from dataclasses import dataclass, field
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "src"))
sys.path.insert(0, str(ROOT / "bench"))

STAGES = ("data", "train", "evaluate", "report")
STEP_LOG_ENV = "BABYBLISS_BENCH_STEP_LOG"


@dataclass
class Way:
    name: str
    title: str
    config: str
    sets: list[str] = field(default_factory=list)


WAYS = {
    "team": Way("team", "team's way (recipe, 4 separate QLoRA runs)", "src/babybliss/configs/llama2-7b-qlora.toml"),
    "fast": Way("fast", "babybliss fast (fast-gpu, one sweep run)", "src/babybliss/configs/fast-gpu.toml",
                ["train.sweep=checkpoints", "train.epochs=[1,2,3,4]"]),
    "one": Way("one", "babybliss experiment (fast-gpu, every stage in one process)", "src/babybliss/configs/fast-gpu.toml",
               ["train.sweep=checkpoints", "train.epochs=[1,2,3,4]"]),
}
ONE_PROCESS_STAGES = {"load base model": "data", "data": "data", "train": "train", "evaluate": "evaluate",
                      "report": "report"}
"""`babybliss experiment`'s own stage clock (RUN/stages.json) folded into this table's four stages: the base
model's one load counts with data, the process start and imports (the rest of the wall time) too."""


# --- the child: one babybliss command with a step clock --------------------------------------------------------------


def stage_main(argv: list[str]) -> int:
    """`babybliss ARGV` in this process; every trainer also logs each optimizer step's end time to $STEP_LOG_ENV."""
    log = os.environ.get(STEP_LOG_ENV)
    if log:
        add_step_clock(Path(log))
    from babybliss.cli.commands import main

    return main(argv)


def add_step_clock(path: Path) -> None:
    import torch
    import transformers.trainer
    from transformers import TrainerCallback

    class StepClock(TrainerCallback):
        def on_step_end(self, args, state, control, **kwargs):
            if state.is_world_process_zero:
                if torch.cuda.is_available():
                    torch.cuda.synchronize()
                row = {"run": Path(args.output_dir).name, "step": state.global_step, "t": time.time()}
                with path.open("a", encoding="utf-8") as handle:
                    handle.write(json.dumps(row) + "\n")

    transformers.trainer.DEFAULT_CALLBACKS.append(StepClock)


# --- the parent ------------------------------------------------------------------------------------------------------


def run_stage(cli_args: list[str], env: dict[str, str]) -> float:
    print(f"\n[experiment] babybliss {' '.join(cli_args)}", flush=True)
    start = time.perf_counter()
    done = subprocess.run([sys.executable, str(Path(__file__).resolve()), "stage", *cli_args], env=env, cwd=ROOT)
    seconds = time.perf_counter() - start
    if done.returncode != 0:
        raise RuntimeError(f"babybliss {cli_args[0]} failed (exit {done.returncode}) after {seconds:.1f} s")
    return seconds


def run_way(way: Way, args, model_folder: Path, pairs: Path, work: Path, env: dict[str, str]) -> dict:
    run = work / way.name
    shutil.rmtree(run, ignore_errors=True)
    run.mkdir(parents=True)
    step_log = run / "steps.jsonl"
    sets = [*way.sets, f"model.spec={model_folder}", *extra_sets(args), *(args.fast_set if way.name in ("fast", "one") else [])]
    if way.name == "team" and args.team_steps > 0:
        sets.append(f"train.max_steps={args.team_steps}")
    config = ["--config", str(ROOT / way.config)] + [x for s in sets for x in ("--set", s)]
    evaluate_sets = [f"evaluate.max_examples={args.max_examples}", f"evaluate.base_model={str(args.with_base).lower()}"]
    commands = {
        "data": ["data", "prepare", *config, "--data", str(pairs), "--out", str(run / "data")],
        "train": ["finetune", *config, "--data", str(pairs), "--out", str(run)],
        "evaluate": ["evaluate", str(run)] + [x for s in evaluate_sets for x in ("--set", s)],
        "report": ["report", str(run)],
    }
    if way.name == "one":
        measured = one_process(config, evaluate_sets, pairs, run, {**env, STEP_LOG_ENV: str(step_log)})
    else:
        measured = {stage: run_stage(commands[stage], {**env, STEP_LOG_ENV: str(step_log)}) for stage in STAGES}
    from babybliss.config import load_config

    resolved = load_config(ROOT / way.config, sets)
    full = dict(measured)
    notes = []
    if way.name == "team" and args.team_steps > 0:
        added, runs = team_train_remainder(run, step_log, resolved)
        full["train"] += added
        notes.append(f"train: each run {args.team_steps} steps measured, the rest added at its steady step time "
                     + ", ".join(f"{r['run']}: {r['steps_measured']}/{r['steps_full']} steps, {r['step_s']:.3f} s/step"
                                 for r in runs))
    if args.max_examples > 0:
        added, converted, total = evaluate_remainder(run, resolved)
        full["evaluate"] += added
        notes.append(f"evaluate: {converted} of {total} prompts converted per model, generation and scoring scaled")
    return {
        "title": way.title,
        "config": way.config,
        "sets": sets,
        "caps": {"team_steps": args.team_steps if way.name == "team" else 0, "max_examples": args.max_examples},
        "measured_s": {k: round(v, 2) for k, v in measured.items()},
        "full_s": {k: round(v, 2) for k, v in full.items()},
        "total_measured_s": round(sum(measured.values()), 2),
        "total_full_s": round(sum(full.values()), 2),
        "notes": notes,
        "run": str(run),
    }


def one_process(config: list[str], evaluate_sets: list[str], pairs: Path, run: Path, env: dict[str, str]) -> dict:
    """`babybliss experiment` once (no original use: the other ways have none); its stages from RUN/stages.json."""
    sets = [x for s in evaluate_sets for x in ("--set", s)]
    wall = run_stage(["experiment", *config, *sets, "--data", str(pairs), "--out", str(run), "--skip-original-use"],
                     env)
    stages = json.loads((run / "stages.json").read_text(encoding="utf-8"))["seconds"]
    measured = dict.fromkeys(STAGES, 0.0)
    for stage, seconds in stages.items():
        measured[ONE_PROCESS_STAGES[stage]] += seconds
    measured["data"] += wall - sum(stages.values())  # process start, imports, config
    return measured


def extra_sets(args) -> list[str]:
    sets = list(args.set)
    try:
        import liger_kernel  # noqa: F401
    except ImportError:
        sets.append("train.use_liger_kernel=false")  # fast-gpu.toml's own advice without the package
    return sets


def steady_step_s(times: list[float]) -> float:
    """Seconds per step after the first quarter of the steps (compilation, first shapes); all of them when few."""
    skip = len(times) // 4 if len(times) >= 8 else 0
    if len(times) - skip < 2:
        raise RuntimeError("too few timed steps to extrapolate; raise --team-steps")
    return (times[-1] - times[skip]) / (len(times) - 1 - skip)


def team_train_remainder(run: Path, step_log: Path, config) -> tuple[float, list[dict]]:
    """Seconds the capped runs did not train: per run, the missing steps of its epochs at its steady step time."""
    rows = sum(1 for line in (run / "data" / "sft" / "train.jsonl").open(encoding="utf-8") if line.strip())
    per_epoch = math.ceil(rows / (config.train.per_device_train_batch_size * config.train.gradient_accumulation_steps))
    times: dict[str, list[float]] = {}
    for line in step_log.read_text(encoding="utf-8").splitlines():
        entry = json.loads(line)
        times.setdefault(entry["run"], []).append(entry["t"])
    added, runs = 0.0, []
    for name, stamps in sorted(times.items()):
        epochs = int(re.search(r"(\d+)$", name).group(1))
        step_s = steady_step_s(stamps)
        missing = max(0, epochs * per_epoch - len(stamps))
        added += missing * step_s
        runs.append({"run": name, "steps_measured": len(stamps), "steps_full": epochs * per_epoch, "step_s": step_s})
    return added, runs


def evaluate_remainder(run: Path, config) -> tuple[float, int, int]:
    """Seconds the capped evaluation did not spend: each model's converting and scoring time scaled to every prompt
    (the splits, and the novel and everyday sets where configured)."""
    from dataclasses import replace

    from babybliss.data.pairs import E2B_ONLY_SETS
    from babybliss.evaluation.evaluate import eval_splits

    uncapped = replace(config, evaluate=replace(config.evaluate, max_examples=0))
    total = sum(len(pairs) * (1 if split in E2B_ONLY_SETS else len(config.data.directions))
                for split, pairs in eval_splits(uncapped, run).items())
    added, converted = 0.0, 0
    for path in sorted((run / "eval").glob("*/metrics.json")):
        result = json.loads(path.read_text(encoding="utf-8"))
        converted = sum(d["n"] for split in result["splits"].values() for d in split.values())
        if converted:
            added += result["seconds"] * (total / converted - 1)
    return added, converted, total


def markdown(report: dict) -> str:
    ways = report["ways"]
    options = report["options"]
    lines = [f"Device: {report['device']}; model: random {report['shape']} ({report['model_folder_note']}); "
             f"{report['pairs']} pairs; --team-steps {options['team_steps']}, --max-examples {options['max_examples']}"
             + "".join(f", --fast-set {s}" for s in options.get("fast_sets", [])) + ".", ""]
    names = [n for n in ("team", "fast", "one") if n in ways]
    faster = [n for n in names if n != "team"] if "team" in names else []
    head = (["stage"] + [f"{n} measured s" for n in names] + [f"{n} full s (est.)" for n in names]
            + [f"{n} speed-up (full)" for n in faster])
    lines += ["| " + " | ".join(head) + " |", "|" + "---|" + "---:|" * (len(head) - 1)]
    for stage in (*STAGES, "total"):
        key = (lambda w, kind: w[f"total_{kind}_s"]) if stage == "total" else (lambda w, kind: w[f"{kind}_s"][stage])
        cells = [f"{key(ways[n], 'measured'):.1f}" for n in names] + [f"{key(ways[n], 'full'):.1f}" for n in names]
        for n in faster:
            fast = key(ways[n], "full")
            cells.append(f"{key(ways['team'], 'full') / fast:.1f}x" if fast else "-")
        label = "**end to end**" if stage == "total" else stage
        lines.append(f"| {label} | " + " | ".join(cells) + " |")
    for n in names:
        lines += [""] + [f"- {n}: {note}" for note in ways[n]["notes"]]
    return "\n".join(lines) + "\n"


def device_label() -> str:
    import torch

    return torch.cuda.get_device_name(0) if torch.cuda.is_available() else "cpu"


def limited_pairs(path: Path, limit: int, work: Path) -> Path:
    if not limit:
        return path
    entries = json.loads(path.read_text(encoding="utf-8"))[:limit]
    out = work / f"pairs-first-{limit}.json"  # under --work, never OUT
    out.write_text(json.dumps(entries, ensure_ascii=False), encoding="utf-8")
    return out


def model_folder(shape: str, tokenizer_path: str | None, root: Path) -> Path:
    import bench_gpu_finetune as gpu_bench
    from transformers import AutoTokenizer

    from babybliss.training import models

    tokenizer = models.tiny_tokenizer() if not tokenizer_path else AutoTokenizer.from_pretrained(tokenizer_path)
    return gpu_bench.random_folder(shape, models.prepare_tokenizer(tokenizer), root)


def main(argv=None) -> int:
    argv = sys.argv[1:] if argv is None else argv
    if argv[:1] == ["stage"]:
        return stage_main(argv[1:])
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--data", help="pairs file (bliss.json, read by path); default: the shipped corpus")
    parser.add_argument("--tokenizer", help="tokenizer folder for the random model (default with --tiny: byte-level)")
    parser.add_argument("--shape", default="7b", help="7b (Llama-2-7B), small or tiny")
    parser.add_argument("--tiny", action="store_true", help="CPU dry run: tiny shape, 24 pairs, small caps")
    parser.add_argument("--ways", default="team,fast", help="team, fast, one (comma-separated; both = team,fast); results merge into OUT")
    parser.add_argument("--team-steps", type=int, default=None, help="steps per team run, extrapolated (0: full)")
    parser.add_argument("--max-examples", type=int, default=None, help="evaluate.max_examples, extrapolated (0: all)")
    parser.add_argument("--full", action="store_true", help="no caps: the whole experiment (about 45 min on an H200)")
    parser.add_argument("--with-base", action="store_true", help="also evaluate the un-tuned model (few-shot)")
    parser.add_argument("--limit", type=int, default=None, help="first N pairs only")
    parser.add_argument("--set", action="append", default=[], help="more section.key=value for both ways")
    parser.add_argument("--fast-set", action="append", default=[], help="section.key=value for the fast way only "
                        "(e.g. generate.batch_size=256); it reaches evaluate through the run's resolved config")
    parser.add_argument("--out", default=os.environ.get("OUT", "runs/bench-experiment"))
    parser.add_argument("--work", default="/tmp/babybliss-experiment", help="run folders (adapters, checkpoints)")
    parser.add_argument("--weights-dir", default="/tmp/babybliss-bench", help="where the random model is saved once")
    parser.add_argument("--prepare-only", action="store_true", help="save the random model folder, print it, stop")
    args = parser.parse_args(argv)
    tiny = dict(shape="tiny", limit=24, team_steps=4, max_examples=4)
    defaults = dict(limit=0, team_steps=0, max_examples=0) if args.full else dict(limit=0, team_steps=30, max_examples=16)
    for key, value in (tiny if args.tiny else defaults).items():
        if key == "shape" or getattr(args, key) is None:
            setattr(args, key, value)
    if args.tiny:
        args.set = ["generate.max_new_tokens=8", "train.logging_steps=2", *args.set]
    if not args.tiny and not args.tokenizer:
        parser.error("--tokenizer is needed for a real-vocabulary random model (or use --tiny)")

    folder = model_folder(args.shape, args.tokenizer, Path(args.weights_dir))
    print(f"[experiment] random {args.shape} model folder: {folder}", flush=True)
    if args.prepare_only:
        return 0
    work, out = Path(args.work), Path(args.out)
    work.mkdir(parents=True, exist_ok=True)
    out.mkdir(parents=True, exist_ok=True)
    pairs = limited_pairs(Path(args.data) if args.data else ROOT / "src" / "babybliss" / "data" / "corpus" / "pairs.json", args.limit, work)
    env = {**os.environ, "PYTHONPATH": os.pathsep.join([str(ROOT / "src"), os.environ.get("PYTHONPATH", "")]),
           "TQDM_DISABLE": "1"}
    env.setdefault("CUDA_VISIBLE_DEVICES", "0")  # one GPU: finetune must not launch itself on several

    import bench_gpu_finetune as gpu_bench

    report_path = out / "experiment.json"
    report = json.loads(report_path.read_text()) if report_path.is_file() else {"ways": {}}
    report.update(device=device_label(), shape=args.shape, pairs=len(json.loads(pairs.read_text(encoding="utf-8"))),
                  model_folder_note="saved once, loaded by each stage", versions=gpu_bench._versions(),
                  options={"team_steps": args.team_steps, "max_examples": args.max_examples, "limit": args.limit,
                           "with_base": args.with_base, "sets": args.set, "fast_sets": args.fast_set})
    for name in [n.strip() for n in args.ways.replace("both", "team,fast").split(",") if n.strip()]:
        report["ways"][name] = run_way(WAYS[name], args, folder, pairs, work, env)
        report_path.write_text(json.dumps(report, indent=2))
    table = markdown(report)
    (out / "experiment.md").write_text(table, encoding="utf-8")
    print("\n" + table, flush=True)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
