"""Does one adapter decode the same on two machines? (issue 27 §3)

Decodes an adapter (default: the shipped one) on the shipped novel set with `generate`'s code path, in a chosen
dtype, and writes every answer; `compare` then scores two or more such files and counts the answers that differ.

    # decode (any machine; --allowed: constrained decoding's words from a machine with spaCy, for one without it)
    PYTHONPATH=src python bench/decode_agreement.py decode --dtype float32 --out runs/agree/cpu-fp32.json
    PYTHONPATH=src python bench/decode_agreement.py decode --dtype bfloat16 --out runs/agree/cpu-bf16.json
    PYTHONPATH=src python bench/decode_agreement.py allowed --out runs/agree/allowed.json   # spaCy here, for a GPU
    # compare (exact match per file, and how many answers differ between each pair of files)
    PYTHONPATH=src python bench/decode_agreement.py compare runs/agree/*.json

`--dtype` is the weights' dtype during decoding (`auto`: what `for_generation` picks on that machine).
"""

from __future__ import annotations

import argparse
import itertools
import json
import platform
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "src"))

from babybliss.io import atomic_write_json  # noqa: E402

MODES = ("e2b", "e2b_constrained", "b2e")


def decode(args) -> None:
    import torch
    import transformers

    from babybliss.convert.generate import adapter_config, convert, for_generation, load_for_generation
    from babybliss.convert.shipped import shipped_adapter
    from babybliss.data.pairs import load_pairs, novel_path

    if args.allowed:
        import babybliss.convert.constrain as constrain

        cache = json.loads(Path(args.allowed).read_text(encoding="utf-8"))
        constrain.allowed_words = lambda text: set(cache[text])
    adapter = Path(args.adapter) if args.adapter else shipped_adapter()
    config = adapter_config(adapter)
    loaded = for_generation(load_for_generation(config, adapter), args.dtype)
    pairs, _ = load_pairs(novel_path())
    english, bliss = [p["original"] for p in pairs], [p["bliss"] for p in pairs]
    device = torch.cuda.get_device_name(0) if torch.cuda.is_available() else f"cpu ({platform.processor() or platform.machine()})"
    result = {"adapter": str(adapter), "dtype": str(next(loaded.model.parameters()).dtype), "device": device,
              "torch": torch.__version__, "transformers": transformers.__version__, "eos": loaded.tokenizer.eos_token,
              "seconds": {}, "answers": {}}
    for mode in args.modes.split(","):
        config.generate.constrain = mode == "e2b_constrained"
        direction, texts = ("b2e", bliss) if mode == "b2e" else ("e2b", english)
        begin = time.perf_counter()
        result["answers"][mode] = [o.answer for o in convert(loaded, config.prompts, direction, texts, config.generate)]
        result["seconds"][mode] = round(time.perf_counter() - begin, 1)
        print(f"{mode}: {result['seconds'][mode]} s", flush=True)
        atomic_write_json(Path(args.out), result)  # after each mode, so a run cut short keeps what it decoded


def allowed(args) -> None:
    from babybliss.convert.constrain import allowed_words
    from babybliss.data.pairs import load_pairs, novel_path

    pairs, _ = load_pairs(novel_path())
    atomic_write_json(Path(args.out), {p["original"]: sorted(allowed_words(p["original"])) for p in pairs})


def compare(args) -> None:
    from babybliss.data.pairs import load_pairs, novel_path
    from babybliss.evaluation.metrics import exact_match
    from babybliss.evaluation.stats import interval, mcnemar

    pairs, _ = load_pairs(novel_path())
    refs = {"e2b": [p["bliss"] for p in pairs], "e2b_constrained": [p["bliss"] for p in pairs],
            "b2e": [p["original"] for p in pairs]}
    runs = {Path(f).stem: json.loads(Path(f).read_text(encoding="utf-8")) for f in args.files}
    hits = {name: {m: [exact_match(a, r) for a, r in zip(run["answers"][m], refs[m])]
                   for m in MODES if m in run["answers"]} for name, run in runs.items()}

    def cell(values):
        low, high = interval(values)
        return f"{100 * sum(values) / len(values):.1f} [{100 * low:.1f}–{100 * high:.1f}]"

    print("| run | device | dtype | transformers | " + " | ".join(MODES) + " |")
    print("|---|---|---|---|" + "---:|" * len(MODES))
    for name, run in runs.items():
        cells = [cell(hits[name][m]) if m in hits[name] else "–" for m in MODES]
        print(f"| {name} | {run['device']} | {run['dtype']} | {run['transformers']} | " + " | ".join(cells) + " |")
    print()
    for (a, ra), (b, rb) in itertools.combinations(runs.items(), 2):
        for mode in MODES:
            if mode in hits[a] and mode in hits[b]:
                differ = sum(x != y for x, y in zip(ra["answers"][mode], rb["answers"][mode]))
                test = mcnemar(hits[a][mode], hits[b][mode])
                print(f"{a} vs {b}, {mode}: {differ} of {len(refs[mode])} answers differ; McNemar {test}")


def main(argv=None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    sub = parser.add_subparsers(dest="command", required=True)
    p = sub.add_parser("decode")
    p.add_argument("--adapter", help="adapter folder (default: the shipped adapter)")
    p.add_argument("--dtype", default="auto", help="auto, float32 or bfloat16")
    p.add_argument("--modes", default=",".join(MODES), help="comma-separated: " + ", ".join(MODES))
    p.add_argument("--allowed", help="constrained decoding's allowed words (from `allowed`), for a machine without spaCy")
    p.add_argument("--out", required=True)
    p = sub.add_parser("allowed")
    p.add_argument("--out", required=True)
    p = sub.add_parser("compare")
    p.add_argument("files", nargs="+")
    args = parser.parse_args(argv)
    {"decode": decode, "allowed": allowed, "compare": compare}[args.command](args)


if __name__ == "__main__":
    main()
