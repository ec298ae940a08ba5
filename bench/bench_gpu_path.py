"""Issue 30: the GPU path against today's, side by side on one card, each stage beside its floor.

In one invocation, on the random Llama-2-7B-shaped model of bench_experiment_gpu.py (bf16 folder saved once):

1. the card: what it does at best, measured here (bf16 matmul FLOP/s, GPU memory copy GB/s, pinned host-to-GPU GB/s)
   and how fast the model folder's files read from the page cache;
2. the whole experiment in one process (`babybliss experiment --config fast-gpu`, bench_experiment_gpu.py `--ways one
   --max-examples 0 --with-base`), once with the new settings (`--fast-set`: `model.load_on_device=true
   generate.kv_cache=static generate.batch_size=1024 generate.max_batch_tokens=65536`) and once as today
   (`model.load_on_device=false generate.kv_cache=dynamic generate.batch_size=256 generate.max_batch_tokens=0`), the
   same contents as bench/RESULTS.md's 142 s run;
3. the greedy answers of the un-tuned base (the same weights in both runs: training never changes them) compared row
   by row, and each epoch's too (training on a GPU is not bit-for-bit repeatable, so those are reported, not required);
   then the epoch-4 adapter merged, every evaluation prompt decoded by today's path, by it in batches of 128, by the
   static cache at today's batches (step by step and as CUDA graphs) and by the new path (`greedy_check`): seconds
   each, answers identical to today's;
4. each stage's floor (below), written into each run's stages.json (`floors`) and its report rendered again;
5. `serve` with the new run's epoch-4 adapter merged, 512 clients: today's settings and the new ones
   (bench_serve_gpu.py).

Floors, from counted work and the card's measured rates (not its datasheet):
  load      model bytes / pinned host-to-GPU rate (the page-cache read rate one reader measures is not a bound: on
            an H100 the load took 2.8 s where it gave 7.6 s; it is still recorded in the card's rates)
  train     (tokens trained + tokens of the per-epoch validation loss / 2) x 4 x params / matmul FLOP/s
            (LoRA on frozen weights: forward 2 x params a token, backward to the activations 2 x params)
  evaluate  per model: 2 x params x (prompt tokens after the shared instruction + generated tokens) / FLOP/s, plus one
            read of the weights per decode step with every prompt of a direction in one batch (its longest answer's
            tokens) / memory copy rate; scoring counted as free
  data, report: no GPU work (the process start and imports before any stage are timed alone here)

    python bench/bench_gpu_path.py --data PAIRS --tokenizer TOK --set evaluate.embedding_model=MINILM --out $OUT
    python bench/bench_gpu_path.py --tiny --out runs/gpu-path-dry     # CPU dry run of the plumbing
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "src"))
sys.path.insert(0, str(ROOT / "bench"))

TODAY = ["model.load_on_device=false", "generate.kv_cache=dynamic", "generate.batch_size=256",
         "generate.max_batch_tokens=0", "train.kernel_warmup=false"]
"""The path the 142 s run measured (configs/fast-gpu.toml before 2026-12-07), named in full."""
NEW = ["model.load_on_device=true", "generate.kv_cache=static", "generate.batch_size=1024",
       "generate.max_batch_tokens=65536"]
"""The new settings (configs/fast-gpu.toml since 2026-12-07): weights straight to the GPU, a static KV cache (each
decode step a CUDA graph, the prompts' shared beginning kept once a batch: generate.cuda_graphs and
generate.shared_prefix are on by default), batches of up to 1 024 rows bounded by 65 536 tokens of KV cache (32 GiB
for the 7B shape), so plain and few-shot prompts alike go a direction at a time."""
TEMPLATE_TAIL = 8
"""Tokens of the prompt template after the input (`\n\n### Response:\n`), counted per prompt in the floor."""
SHARED_BEGINNING = 200
"""Tokens of the shared beginning (the instruction; the base's three worked examples), counted once per direction."""
CONTENTS = ["evaluate.rules=false", "evaluate.everyday=false", "evaluate.rare=false", "evaluate.compose=false",
            "generate.max_new_tokens=28"]
"""The 142 s run's contents: validation, test and novel, both directions, answers capped at 28 new tokens."""
SERVE_TODAY = ["serve.max_batch=256", "serve.queue_size=4096"]
SERVE_NEW = ["serve.max_batch=512", "serve.queue_size=4096", "generate.batch_size=512", "generate.kv_cache=static",
             "model.load_on_device=true"]


def card_rates() -> dict:
    """What this card does at best: bf16 matmul FLOP/s, on-GPU copy bytes/s, pinned host-to-GPU bytes/s."""
    import torch

    if not torch.cuda.is_available():
        return {"device": "cpu", "flops": 1e11, "copy_bps": 1e10, "h2d_bps": 1e10}

    def timed(fn, repeat: int) -> float:
        fn()
        torch.cuda.synchronize()
        start = time.perf_counter()
        for _ in range(repeat):
            fn()
        torch.cuda.synchronize()
        return (time.perf_counter() - start) / repeat

    a = torch.randn(8192, 8192, device="cuda", dtype=torch.bfloat16)
    flops = 2 * 8192**3 / timed(lambda: a @ a, 20)
    src = torch.empty(2**30, dtype=torch.uint8, device="cuda")
    dst = torch.empty_like(src)
    copy_bps = 2 * src.numel() / timed(lambda: dst.copy_(src), 10)  # read + write
    host = torch.empty(2**30, dtype=torch.uint8).pin_memory()
    h2d_bps = host.numel() / timed(lambda: dst.copy_(host, non_blocking=True), 5)
    del a, src, dst, host
    torch.cuda.empty_cache()
    return {"device": torch.cuda.get_device_name(0), "flops": flops, "copy_bps": copy_bps, "h2d_bps": h2d_bps}


def read_rate(folder: Path) -> tuple[int, float]:
    """The model's weight bytes and how fast they read (the files were just written: the page cache, as a run sees)."""
    files = sorted(folder.glob("*.safetensors"))
    size = sum(f.stat().st_size for f in files)
    start = time.perf_counter()
    for f in files:
        with f.open("rb", buffering=0) as handle:
            while handle.read(1 << 26):
                pass
    return size, size / (time.perf_counter() - start)


def import_seconds() -> float:
    """A fresh interpreter importing what `babybliss experiment` needs before any work."""
    start = time.perf_counter()
    subprocess.run([sys.executable, "-c", "import torch, transformers, peft, trl; import babybliss.experiment.pipeline"],
                   check=True, env={**os.environ, "PYTHONPATH": os.pathsep.join([str(ROOT / "src"), os.environ.get("PYTHONPATH", "")])})
    return time.perf_counter() - start


def token_counts(run: Path, tokenizer) -> dict:
    """Tokens the run trained (per epoch, prompt + completion + EOS) and validated on."""
    from babybliss.io import read_jsonl

    def tokens(name: str) -> int:
        rows = read_jsonl(run / "data" / "sft" / f"{name}.jsonl")
        return sum(len(ids) + 1 for ids in tokenizer([r["prompt"] + r["completion"] for r in rows])["input_ids"])

    return {"train": tokens("train"), "validation": tokens("validation")}


def evaluate_work(run: Path, tokenizer) -> dict:
    """Per evaluated model: prompt tokens (each input, the template's tail, the shared beginning once per direction),
    generated tokens (with the end token), and the longest answer per direction (its decode steps)."""
    from babybliss.io import read_jsonl

    work = {}
    for predictions in sorted((run / "eval").glob("*/predictions.jsonl")):
        rows = read_jsonl(predictions)
        prompt_tokens = generated = steps = 0
        for direction in ("e2b", "b2e"):
            mine = [r for r in rows if r["direction"] == direction]
            if not mine:
                continue
            inputs = tokenizer([r["input"] for r in mine])["input_ids"]
            prompt_tokens += sum(len(ids) + TEMPLATE_TAIL for ids in inputs) + SHARED_BEGINNING
            lengths = [len(ids) + 1 for ids in tokenizer([r.get("raw", r["generated"]) for r in mine])["input_ids"]]
            generated += sum(lengths)
            steps += max(lengths)
        work[predictions.parent.name] = {"prompt_tokens": prompt_tokens, "generated_tokens": generated,
                                         "decode_steps": steps}
    return work


def floors(run: Path, card: dict, model_bytes: int, imports_s: float, tokenizer) -> dict:
    params = model_bytes / 2  # bf16
    load = model_bytes / card["h2d_bps"]
    counts = token_counts(run, tokenizer)
    from babybliss.config import load_config

    epochs = max(load_config(run / "config.resolved.toml").train.epochs)
    train = (counts["train"] * epochs + counts["validation"] * epochs / 2) * 4 * params / card["flops"]
    work = evaluate_work(run, tokenizer)
    evaluate = sum(2 * params * (w["prompt_tokens"] + w["generated_tokens"]) / card["flops"]
                   + w["decode_steps"] * model_bytes / (card["copy_bps"] / 2) for w in work.values())
    how = {
        "load base model": f"{model_bytes / 1e9:.1f} GB / {card['h2d_bps'] / 1e9:.1f} GB/s pinned host-to-GPU",
        "data": f"splitting the pairs, no GPU work (before any stage: the process start and imports, {imports_s:.1f} s "
                "timed alone)",
        "train": f"({counts['train']} trained tokens x {epochs} epochs + half of {counts['validation']} validation "
                 f"tokens x {epochs}) x 4 x {params / 1e9:.2f} G params / {card['flops'] / 1e12:.0f} TFLOP/s",
        "evaluate": f"{len(work)} models: 2 x params x (prompt tokens after the shared beginning + generated tokens) "
                    f"/ {card['flops'] / 1e12:.0f} TFLOP/s + one weight read per decode step (every prompt of a "
                    f"direction in one batch) at {card['copy_bps'] / 2e9:.0f} GB/s",
        "report": "no GPU work; not bounded here",
    }
    seconds = {"load base model": load, "data": 0.0, "train": train, "evaluate": evaluate, "report": None}
    return {stage: {"seconds": None if s is None else round(s, 2), "how": how[stage]} for stage, s in seconds.items()}


def random_embedder(config_folder: Path, target: Path) -> Path:
    """A sentence-transformers folder of MiniLM's shape with random weights, from its small files (the real weights,
    88 MB, do not fit what travels to the GPU machine): scoring costs the same, its coherence values mean nothing."""
    import shutil

    from transformers import BertConfig, BertModel

    if target.exists():
        shutil.rmtree(target)
    shutil.copytree(config_folder, target)
    BertModel(BertConfig.from_pretrained(config_folder)).save_pretrained(target, safe_serialization=True)
    return target


WARM_UP = ("import torch, triton, trl, datasets, sacrebleu, sentence_transformers, matplotlib.pyplot\n"
           "if torch.cuda.is_available():\n"
           "    from liger_kernel.transformers import LigerRMSNorm\n"
           "    LigerRMSNorm(64).cuda()(torch.ones(16, 64, device='cuda'))\n")
"""What the experiment's first run reads from disk besides kernel caches: its packages, Triton's compiler library,
ptxas and the C compiler Triton builds each kernel's launcher with."""


def warm_disk(work: Path) -> float:
    """Read WARM_UP's files once, compiling one Liger kernel into a cache thrown away after, so that both ways find
    them in the page cache and only their kernel caches empty: in the 2026-12-07 calls the way run first trained
    1.3-4.7 s longer than the second with the same training code, its first validation 1.7 s against 0.5 s."""
    import shutil

    cache = work / "triton-warm-up"
    start = time.perf_counter()
    subprocess.run([sys.executable, "-c", WARM_UP], check=False, env={**os.environ, "TRITON_CACHE_DIR": str(cache)},
                   stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    shutil.rmtree(cache, ignore_errors=True)
    return time.perf_counter() - start


def experiment(way: str, args, out: Path) -> dict | None:
    sets = [x for s in [*CONTENTS, *args.set] for x in ("--set", s)]
    fast = [x for s in (TODAY if way == "today" else NEW + args.new_set) for x in ("--fast-set", s)]
    command = [sys.executable, str(ROOT / "bench" / "bench_experiment_gpu.py"), "--ways", "one", "--with-base",
               *(["--tiny"] if args.tiny else ["--max-examples", "0", "--data", args.data, "--tokenizer", args.tokenizer]),
               *sets, *fast, "--out", str(Path(args.work) / f"{way}-out"), "--work", str(Path(args.work) / way),
               "--weights-dir", args.weights_dir]
    print(f"\n[gpu-path] {way}: {' '.join(command)}", flush=True)
    start = time.perf_counter()
    caches = {name: str(Path(args.work) / f"{name.lower()}-{way}") for name in ("TRITON_CACHE_DIR", "TORCHINDUCTOR_CACHE_DIR")}
    # each way starts with empty kernel caches, as on a fresh machine: the first would otherwise warm the second's
    try:
        done = subprocess.run(command, cwd=ROOT, timeout=args.experiment_timeout, env={**os.environ, **caches})
    except subprocess.TimeoutExpired:
        print(f"[gpu-path] {way}: stopped after {args.experiment_timeout} s", flush=True)
        return None
    print(f"[gpu-path] {way}: exit {done.returncode} after {time.perf_counter() - start:.1f} s", flush=True)
    path = Path(args.work) / f"{way}-out" / "experiment.json"
    if path.is_file():
        (out / f"{way}-experiment.md").write_bytes(path.with_suffix(".md").read_bytes())
    return json.loads(path.read_text())["ways"]["one"] if done.returncode == 0 and path.is_file() else None


def step_times(run: Path) -> dict:
    """The training steps' clock (bench_experiment_gpu's step log): the first step, the steady step, all steps."""
    path = run / "steps.jsonl"
    if not path.is_file():
        return {}
    stamps = [json.loads(line)["t"] for line in path.read_text().splitlines() if line.strip()]
    if len(stamps) < 4:
        return {"steps": len(stamps)}
    from bench_experiment_gpu import steady_step_s

    steady = steady_step_s(stamps)
    return {"steps": len(stamps), "steady_step_s": round(steady, 4), "steady_x_steps_s": round(steady * len(stamps), 2),
            "first_to_last_s": round(stamps[-1] - stamps[0], 2)}


def greedy_check(adapter: Path, max_new_tokens: int) -> dict:
    """The trained adapter merged (as `serve` runs it), every evaluation prompt of its run (validation, test, novel,
    both directions) decoded by today's path, by today's path in batches of 128 (how far bf16 answers move with a
    batch's padding alone), by the static cache at today's batches step by step and as CUDA graphs, and by the new
    path: seconds and greedy answers identical to today's."""
    from dataclasses import replace

    import torch

    from babybliss.convert.generate import adapter_config, for_generation, generate_raw, load_for_generation
    from babybliss.data.prompts import build_prompt
    from babybliss.io import read_jsonl

    trained = adapter_config(adapter)
    rows = read_jsonl(adapter.parent / "eval" / adapter.name / "predictions.jsonl")
    prompts = [build_prompt(trained.prompts, r["direction"], r["input"]) for r in rows]
    loaded = for_generation(load_for_generation(trained, adapter), trained.model.dtype)
    gen = replace(trained.generate, max_new_tokens=max_new_tokens, do_sample=False)
    paths = {"today": replace(gen, kv_cache="dynamic", batch_size=256, max_batch_tokens=0)}
    paths["today, batches of 128"] = replace(paths["today"], batch_size=128)  # the same path, other padding
    paths["static, today's batches, step by step"] = replace(paths["today"], kv_cache="static", cuda_graphs=False)
    paths["static, today's batches, graphs"] = replace(paths["today"], kv_cache="static")
    paths["new"] = replace(gen, kv_cache="static", batch_size=1024, max_batch_tokens=65536)
    paths["new, prefix in every row"] = replace(paths["new"], shared_prefix=False)
    answers, result = {}, {"prompts": len(prompts)}
    for name, path in paths.items():
        if torch.cuda.is_available():
            torch.cuda.synchronize()
        start = time.perf_counter()
        answers[name] = [o.raw for o in generate_raw(loaded, prompts, path)]
        if torch.cuda.is_available():
            torch.cuda.synchronize()
        result[name] = {"seconds": round(time.perf_counter() - start, 2),
                        "identical_to_today": sum(a == b for a, b in zip(answers[name], answers["today"]))}
        print(f"[gpu-path] greedy check, {name}: {json.dumps(result[name])}", flush=True)
    del loaded
    if torch.cuda.is_available():
        torch.cuda.empty_cache()
    return result


def profile_decode(folder: Path, data: str, out: Path, rows: int) -> dict:
    """Where a batch's decoding time goes: `rows` of the un-tuned base's 3-shot English -> Bliss prompts (the base's
    evaluation) and `rows` plain ones (a trained epoch's), 28 new tokens, by the new path step by step, with the
    decode step replayed as a CUDA graph, and as graphs with the prompts' shared beginning copied into every row
    (`generate.shared_prefix = false`): seconds of each batch (warm; graphs also at a row count not run before),
    whether they give the same answers, and the CUDA kernels' time by name under torch.profiler (OUT/profile.txt)."""
    import torch
    from torch.profiler import ProfilerActivity, profile

    from babybliss.convert.generate import generate_raw
    from babybliss.data.prompts import build_prompt, few_shot_prompt, pair_examples

    config, loaded, gen = new_path(folder)
    pairs = json.loads(Path(data).read_text(encoding="utf-8"))
    shots = [e for p in pairs[:3] for e in pair_examples(p, ["e2b"])]
    texts = [p["original"] for p in pairs[3 : 3 + rows]]
    batches = {"3-shot": [few_shot_prompt(config.prompts, "e2b", t, shots) for t in texts],
               "plain": [build_prompt(config.prompts, "e2b", t) for t in texts]}
    gpu = torch.cuda.is_available()
    sync = torch.cuda.synchronize if gpu else (lambda: None)
    activities = [ProfilerActivity.CPU] + ([ProfilerActivity.CUDA] if gpu else [])
    result, tables = {"rows": len(texts)}, []
    for name, prompts in batches.items():
        result[name] = {}
        answers = {}
        for way, way_gen in decode_ways(gen).items():
            if way == "graphs":  # the first batch of a row count: what a shape never run before costs
                sync()
                start = time.perf_counter()
                generate_raw(loaded, prompts[:-1], way_gen)
                sync()
                result[name]["graphs, a new row count"] = round(time.perf_counter() - start, 3)
            generate_raw(loaded, prompts[:16], way_gen)
            sync()
            start = time.perf_counter()
            answers[way] = [o.raw for o in generate_raw(loaded, prompts, way_gen)]
            sync()
            result[name][way] = round(time.perf_counter() - start, 3)
            again = [o.raw for o in generate_raw(loaded, prompts, way_gen)]
            result[name][f"{way}, same answers twice"] = sum(a == b for a, b in zip(answers[way], again))
            if way != "step by step":
                result[name][f"same answers, {way} and step by step"] = sum(
                    a == b for a, b in zip(answers[way], answers["step by step"]))
            with profile(activities=activities) as prof:
                generate_raw(loaded, prompts, way_gen)
                sync()
            tables.append(f"## {name}, {way}: {len(prompts)} rows, {result[name][way]} s\n\n" + prof.key_averages().table(
                sort_by="cuda_time_total" if gpu else "cpu_time_total", row_limit=30))
        print(f"[gpu-path] profile {name}: {json.dumps(result[name])}", flush=True)
    (out / "profile.txt").write_text("\n\n".join(tables), encoding="utf-8")
    del loaded
    if gpu:
        torch.cuda.empty_cache()
        result["float32, 3-shot"] = float32_graphs(folder, batches["3-shot"][:64])
    return result


def new_path(folder: Path, *sets: str):
    """The random model loaded for the new path (28 new tokens, each batch whole): its config, the model, the
    generate settings."""
    from dataclasses import replace

    from babybliss.config import load_config
    from babybliss.convert.generate import for_generation, load_for_generation

    config = load_config(None, [f"model.spec={folder}", *NEW, "generate.max_new_tokens=28", *sets])
    loaded = for_generation(load_for_generation(config), config.model.dtype)
    return config, loaded, replace(config.generate, max_batch_tokens=0)


def decode_ways(gen):
    """The new path's decoding compared in the profile and in float32: step by step, each step a CUDA graph, and as
    graphs with the prompts' shared beginning copied into every row."""
    from dataclasses import replace

    return {"step by step": replace(gen, cuda_graphs=False), "graphs": gen,
            "graphs, prefix in every row": replace(gen, shared_prefix=False)}


def float32_graphs(folder: Path, prompts: list[str]) -> dict:
    """In float32, where near-ties of the random model's bf16 logits cannot hide a difference in what is computed:
    the decode step replayed as a CUDA graph against step by step, and the prompts' shared beginning kept once a
    batch against copied into every row; how many of `prompts` answer the same."""
    import torch

    from babybliss.convert.generate import generate_raw

    _, loaded, gen = new_path(folder, "model.dtype=float32")
    answers = {way: [o.raw for o in generate_raw(loaded, prompts, way_gen)] for way, way_gen in decode_ways(gen).items()}
    del loaded
    torch.cuda.empty_cache()
    same = lambda a, b: sum(x == y for x, y in zip(answers[a], answers[b]))  # noqa: E731
    return {"rows": len(prompts), "same answers, graphs and step by step": same("graphs", "step by step"),
            "same answers, prefix kept once and in every row": same("graphs", "graphs, prefix in every row"),
            "distinct answers": len(set(answers["step by step"]))}


def same_answers(a: Path, b: Path) -> dict:
    from babybliss.io import read_jsonl

    rows_a, rows_b = read_jsonl(a), read_jsonl(b)
    key = lambda r: (r["split"], r["direction"], r["input"])  # noqa: E731
    by_b = {key(r): r.get("raw", r["generated"]) for r in rows_b}
    same = sum(by_b.get(key(r)) == r.get("raw", r["generated"]) for r in rows_a)
    return {"rows": len(rows_a), "identical": same}


def serve(name: str, sets: list[str], folder: Path, adapter: Path, args, out: Path) -> None:
    per_client = "4" if name == "new" else "2"  # today's path is slow: half the requests, the same closed loop
    command = [sys.executable, str(ROOT / "bench" / "bench_serve_gpu.py"), "--model", str(folder), "--adapter",
               str(adapter), "--levels", args.serve_levels, "--replicas", "1", "--requests-per-client", per_client,
               "--out", str(Path(args.work) / f"serve-{name}")]
    command += [x for s in sets for x in ("--set", s)]
    print(f"\n[gpu-path] serve {name}: {' '.join(command)}", flush=True)
    try:
        subprocess.run(command, cwd=ROOT, timeout=args.serve_timeout)
    except subprocess.TimeoutExpired:
        print(f"[gpu-path] serve {name}: stopped after {args.serve_timeout} s", flush=True)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--data", help="pairs file (bliss.json, by path)")
    parser.add_argument("--tokenizer", help="tokenizer folder for the random model")
    parser.add_argument("--tiny", action="store_true", help="CPU dry run: the tiny model, 24 pairs")
    parser.add_argument("--set", action="append", default=[], help="section.key=value for both ways")
    parser.add_argument("--new-set", action="append", default=[],
                        help="section.key=value for the new settings only (experiment and serve), after NEW's")
    parser.add_argument("--ways", default="new,today", help="which experiments, in this order")
    parser.add_argument("--serve", default="new,today", help="which serve settings to measure (empty: none)")
    parser.add_argument("--serve-levels", default="512")
    parser.add_argument("--experiment-timeout", type=int, default=300)
    parser.add_argument("--serve-timeout", type=int, default=150)
    parser.add_argument("--work", default=str(Path(tempfile.gettempdir()) / "babybliss-gpu-path"))
    parser.add_argument("--weights-dir", default=str(Path(tempfile.gettempdir()) / "babybliss-bench"),
                        help="where the random model is saved once (bench_experiment_gpu.py's default)")
    parser.add_argument("--no-greedy-check", dest="greedy_check", action="store_false",
                        help="skip decoding the epoch-4 adapter's prompts by each path")
    parser.add_argument("--profile", type=int, default=0, metavar="ROWS",
                        help="first, profile one batch of ROWS 3-shot and plain prompts (OUT/profile.txt)")
    parser.add_argument("--adapter", help="with no experiment run (--ways ''): a trained run's epoch-4 adapter for "
                        "the greedy check and serve (an earlier call's, on a machine still warm)")
    parser.add_argument("--random-embedder", help="MiniLM's folder without model.safetensors: random weights instead")
    parser.add_argument("--out", default=os.environ.get("OUT", "runs/bench-gpu-path"))
    args = parser.parse_args()
    if args.random_embedder:
        folder = random_embedder(Path(args.random_embedder), Path(args.work) / "minilm-random")
        args.set.append(f"evaluate.embedding_model={folder}")
    if not args.tiny and not (args.data and args.tokenizer):
        parser.error("--data and --tokenizer are needed (or --tiny)")
    out = Path(args.out)
    out.mkdir(parents=True, exist_ok=True)
    summary: dict = {"date": time.strftime("%Y-%m-%d %H:%M")}

    def save() -> None:
        (out / "gpu-path.json").write_text(json.dumps(summary, indent=2), encoding="utf-8")

    from bench_experiment_gpu import model_folder

    start = time.perf_counter()
    folder = model_folder("tiny" if args.tiny else "7b", args.tokenizer, Path(args.weights_dir))
    summary["model_folder_s"] = round(time.perf_counter() - start, 1)
    card = card_rates()
    size, read_bps = read_rate(folder)
    summary["card"] = {**card, "model_bytes": size, "page_cache_read_bps": read_bps, "imports_s": import_seconds(),
                       "warm_disk_s": warm_disk(Path(args.work))}
    print(f"[gpu-path] card: {json.dumps(summary['card'])}", flush=True)
    save()

    if args.profile:
        try:
            summary["profile"] = profile_decode(folder, args.data, out, args.profile)
        except Exception as err:  # a profiler the machine lacks must not cost the experiments after it
            summary["profile"] = {"error": repr(err)}
        save()

    from transformers import AutoTokenizer

    tokenizer = AutoTokenizer.from_pretrained(folder)
    summary["ways"] = {}
    for way in [w for w in args.ways.split(",") if w]:
        result = experiment(way, args, out)
        if result is None:
            continue
        run = Path(result["run"])
        floor = floors(run, card, size, summary["card"]["imports_s"], tokenizer)
        stages_path = run / "stages.json"
        stages = json.loads(stages_path.read_text())
        stages["floors"] = floor
        stages_path.write_text(json.dumps(stages, indent=2))
        from babybliss.evaluation.report import write_report

        write_report(run)
        models = {p.parent.name: {k: json.loads(p.read_text()).get(k) for k in ("seconds", "generate_seconds")}
                  for p in sorted((run / "eval").glob("*/metrics.json"))}
        summary["ways"][way] = {"stages_s": stages["seconds"], "floors": floor, "measured_s": result["measured_s"],
                                "total_s": result["total_measured_s"], "evaluate_models_s": models,
                                "train_steps": step_times(run), "run": str(run)}
        (out / f"{way}-report.md").write_bytes((run / "report.md").read_bytes())
        save()
    runs = {w: Path(v["run"]) for w, v in summary["ways"].items()}
    if {"new", "today"} <= set(runs):
        summary["greedy"] = {p.parent.name: same_answers(p, runs["today"] / "eval" / p.parent.name / "predictions.jsonl")
                             for p in sorted((runs["new"] / "eval").glob("*/predictions.jsonl"))}
        print(f"[gpu-path] greedy answers, new against today: {json.dumps(summary['greedy'])}", flush=True)
        save()
    adapter = next((runs[w] / "epoch-4" for w in ("new", "today") if w in runs and (runs[w] / "epoch-4").is_dir()),
                   Path(args.adapter) if args.adapter else None)
    if adapter is not None and args.greedy_check:
        summary["greedy_check"] = greedy_check(adapter, 8 if args.tiny else 28)
        save()
    for name in [s for s in args.serve.split(",") if s] if adapter else []:
        serve(name, SERVE_NEW + args.new_set if name == "new" else SERVE_TODAY, folder, adapter, args, out)
        path = Path(args.work) / f"serve-{name}" / "serve-gpu.json"
        if path.is_file():
            summary.setdefault("serve", {})[name] = json.loads(path.read_text())
            save()
    print(json.dumps(summary, indent=2), flush=True)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
