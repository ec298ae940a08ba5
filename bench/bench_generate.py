"""Generation speed on the test-split prompts of bliss.json (babybliss's split, e2b + b2e) with a randomly initialised
Llama-2-7B-shaped model in bf16: the research team's way (one prompt at a time, sampling at temperature 0.7 and
top_p 0.9, 100 new tokens) against babybliss's `generate.generate_raw` (batched greedy, stops at EOS / `\\n###` or
when every row is done; random weights never emit EOS, so max_new_tokens is capped at 24).

    python bench/bench_generate.py --data .g1/bliss.json --tokenizer .g1/tok --out $OUT           # GPU
    python bench/bench_generate.py --shape tiny --data ../shared/bliss.json --tokenizer .g1/tok \\
        --batches 8,16 --their 2 --tile 64 --out /tmp/gen                                       # CPU smoke test

`--static` also times batch 128 with a static KV cache (transformers then compiles the decoding step), twice: the
first pass includes compilation. Results go to OUT/generate.json.
"""

from __future__ import annotations

import argparse
import json
import os
import signal
import sys
import time
from pathlib import Path

import torch

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "src"))
sys.path.insert(0, str(ROOT / "bench"))

from bench_gpu_finetune import SHAPES, _versions, random_folder  # noqa: E402

from babybliss.training import models  # noqa: E402
from babybliss.config import GenerateConfig, load_config  # noqa: E402
from babybliss.data.pairs import read_split  # noqa: E402
from babybliss.data.prepare import prepare
from babybliss.convert.generate import generate_raw  # noqa: E402
from babybliss.data.prompts import build_prompt, pair_examples  # noqa: E402


def sync() -> None:
    if torch.cuda.is_available():
        torch.cuda.synchronize()


def test_prompts(config, out: Path) -> list[str]:
    prepare(config, out / "gen-data")
    pairs = read_split(out / "gen-data", "test")
    return [build_prompt(config.prompts, ex.direction, ex.input) for p in pairs for ex in pair_examples(p, ["e2b", "b2e"])]


def their_way(loaded, prompts: list[str], max_new_tokens: int = 100) -> dict:
    """One prompt at a time, sampling (temperature 0.7, top_p 0.9), plain `model.generate` as the research code did."""
    model, tok = loaded.model, loaded.tokenizer
    device = next(model.parameters()).device

    def one(prompt, n):
        enc = tok(prompt, return_tensors="pt").to(device)
        out = model.generate(**enc, do_sample=True, temperature=0.7, top_p=0.9, max_new_tokens=n, pad_token_id=tok.eos_token_id)
        return out.shape[1] - enc["input_ids"].shape[1]

    with torch.inference_mode():
        one(prompts[0], 4)  # warm-up
        sync()
        start = time.perf_counter()
        new_tokens = sum(one(p, max_new_tokens) for p in prompts)
        sync()
    seconds = time.perf_counter() - start
    return {"prompts": len(prompts), "seconds": round(seconds, 2), "sentences_per_s": round(len(prompts) / seconds, 3),
            "new_tokens": new_tokens, "tokens_per_s": round(new_tokens / seconds, 1)}


def batched(loaded, prompts: list[str], batch: int, max_new_tokens: int) -> dict:
    gen = GenerateConfig(batch_size=batch, max_new_tokens=max_new_tokens)
    generate_raw(loaded, prompts[: min(batch, len(prompts))], GenerateConfig(batch_size=batch, max_new_tokens=2))  # warm-up
    sync()
    if torch.cuda.is_available():
        torch.cuda.reset_peak_memory_stats()
    start = time.perf_counter()
    outputs = generate_raw(loaded, prompts, gen)
    sync()
    seconds = time.perf_counter() - start
    peak = torch.cuda.max_memory_allocated() / 2**30 if torch.cuda.is_available() else float("nan")
    return {"batch": batch, "prompts": len(prompts), "max_new_tokens": max_new_tokens, "seconds": round(seconds, 3),
            "sentences_per_s": round(len(prompts) / seconds, 2), "peak_gib": round(peak, 2),
            "rows_stopped_early": sum(1 for o in outputs if o.clean_stop)}


class Timeout(Exception):
    pass


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--shape", default="7b", choices=sorted(SHAPES))
    parser.add_argument("--data", required=True)
    parser.add_argument("--tokenizer", required=True)
    parser.add_argument("--out", default=os.environ.get("OUT", "runs/bench-generate"))
    parser.add_argument("--weights-dir", default="/tmp/babybliss-bench")
    parser.add_argument("--batches", default="64,128,256,512")
    parser.add_argument("--their", type=int, default=10, help="prompts timed the research team's way")
    parser.add_argument("--max-new-tokens", type=int, default=24)
    parser.add_argument("--tile", type=int, default=1024, help="also time the test prompts repeated to this many")
    parser.add_argument("--static", action="store_true", help="also try a static KV cache (compiled decoding)")
    parser.add_argument("--static-timeout", type=int, default=180)
    args = parser.parse_args(argv)

    from transformers import AutoTokenizer

    out = Path(args.out)
    out.mkdir(parents=True, exist_ok=True)
    tokenizer = models.prepare_tokenizer(AutoTokenizer.from_pretrained(args.tokenizer))
    folder = random_folder(args.shape, tokenizer, Path(args.weights_dir))
    config = load_config(None, [f"data.path={args.data}", f"model.spec={folder}"])
    prompts = test_prompts(config, out)
    tiled = (prompts * (args.tile // len(prompts) + 1))[: args.tile] if args.tile else []
    start = time.perf_counter()
    loaded = models.load_model(config.model)  # bf16 on a GPU (model.dtype auto)
    device = torch.cuda.get_device_name(0) if torch.cuda.is_available() else "cpu"
    report = {"device": device, "shape": args.shape, "dtype": str(next(loaded.model.parameters()).dtype),
              "versions": _versions(), "test_prompts": len(prompts), "load_s": round(time.perf_counter() - start, 1)}
    save = lambda: (out / "generate.json").write_text(json.dumps(report, indent=2))  # noqa: E731
    print(f"[gen] {len(prompts)} test prompts; model loaded in {report['load_s']} s on {device}", flush=True)

    report["their_way"] = their_way(loaded, prompts[: args.their])
    print("[gen] their way:", json.dumps(report["their_way"]), flush=True)
    save()
    report["batched"] = []
    for workload, items in (("test", prompts), ("tiled", tiled)):
        for b in [int(x) for x in args.batches.split(",") if x]:
            if not items or (workload == "test" and b > len(items) * 2):
                continue
            row = {"workload": workload, **batched(loaded, items, b, args.max_new_tokens)}
            row["x_their_way"] = round(row["sentences_per_s"] / report["their_way"]["sentences_per_s"], 1)
            report["batched"].append(row)
            print("[gen] batched:", json.dumps(row), flush=True)
            save()

    if args.static:
        def alarm(signum, frame):
            raise Timeout()

        signal.signal(signal.SIGALRM, alarm)
        signal.alarm(args.static_timeout)
        loaded.model.generation_config.cache_implementation = "static"
        report["static"] = []
        try:
            for attempt in (1, 2):
                row = {"attempt": attempt, "workload": "tiled[:256]", **batched(loaded, tiled[:256], 128, args.max_new_tokens)}
                report["static"].append(row)
                print("[gen] static cache:", json.dumps(row), flush=True)
                save()
        except Timeout:
            report["static"].append({"error": f"stopped after {args.static_timeout} s (compilation)"})
            print("[gen] static cache: timed out", flush=True)
        except Exception as err:  # report, keep the rest
            report["static"].append({"error": f"{type(err).__name__}: {err}"[:300]})
            print("[gen] static cache failed:", err, flush=True)
        finally:
            signal.alarm(0)
            loaded.model.generation_config.cache_implementation = None
        save()

    print(f"\n{'workload':<8} {'batch':>5} {'prompts':>7} {'seconds':>8} {'sent/s':>8} {'x their way':>11}")
    tw = report["their_way"]
    print(f"{'their':<8} {1:>5} {tw['prompts']:>7} {tw['seconds']:>8} {tw['sentences_per_s']:>8} {'1':>11}")
    for r in report["batched"]:
        print(f"{r['workload']:<8} {r['batch']:>5} {r['prompts']:>7} {r['seconds']:>8} {r['sentences_per_s']:>8} {r['x_their_way']:>11}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
