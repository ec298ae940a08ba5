"""Generalisation bench: train the default model with a config and levers, then score English -> Bliss exact match on
the shipped novel set and on the data's test split, for the model alone, the model with constrained decoding, the
hybrid (babybliss.convert.hybrid) on each, and the rule converter alone. Writes one JSON file per run.

    PYTHONPATH=src python bench/quality_novel.py --data ../shared/bliss.json --out runs/qn/base
    PYTHONPATH=src python bench/quality_novel.py --data ../shared/bliss.json --out runs/qn/rules \
        --extra-train rules:english
    PYTHONPATH=src python bench/quality_novel.py --data ../shared/bliss.json --out runs/qn/gemma --model gemma3-270m
    PYTHONPATH=src python bench/quality_novel.py ... --set train.max_steps=3    # a smoke run

On a machine without spaCy (the rule converter's parser), make a cache of the rule converter's answers and of the
words constrained decoding allows where spaCy is installed, carry it, and pass it:

    PYTHONPATH=src python bench/quality_novel.py --data ../shared/bliss.json --out runs/qn --make-rules-cache runs/rules-cache.json
    PYTHONPATH=src python bench/quality_novel.py --data ../shared/bliss.json --out runs/qn/base --rules-cache runs/rules-cache.json

The cache holds English sentences of the data: keep it under runs/ (not committed).

Training follows the config (default: configs/default-cpu.toml with its epochs kept as checkpoints); every epoch is
scored. The weights load in float32 on any device, as on the CPU the default targets (bf16 autocast per the config).
Runs on CUDA when present, else the CPU. Several runs can share one GPU (a 135M model leaves it mostly idle).
"""

from __future__ import annotations

import argparse
import json
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "src"))

from babybliss.config import load_config  # noqa: E402
from babybliss.data.pairs import load_pairs, novel_path, read_split  # noqa: E402
from babybliss.evaluation.evaluate import epoch_folders  # noqa: E402
from babybliss.convert.generate import adapter_config, convert, load_for_generation  # noqa: E402
from babybliss.convert.hybrid import combine, rule_conversions  # noqa: E402
from babybliss.io import atomic_write_json  # noqa: E402
from babybliss.evaluation.metrics import exact_match_rate  # noqa: E402
from babybliss.training.models import device_name  # noqa: E402
from babybliss.training.train import TRAINING_FILE, finetune  # noqa: E402


def parse_args(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--data", required=True, help="pairs file whose test split is scored (bliss.json)")
    parser.add_argument("--out", required=True, help="run folder")
    parser.add_argument("--config", default=str(ROOT / "configs" / "default-cpu.toml"))
    parser.add_argument("--model", help="model spec (default: the config's)")
    parser.add_argument("--extra-train", help="comma-separated data.extra_train entries replacing the config's, e.g. "
                        "rules:english,augment:names; `none` for none")
    parser.add_argument("--novel", help="novel pairs file (default: the shipped set)")
    parser.add_argument("--set", action="append", default=[], metavar="SECTION.KEY=VALUE")
    parser.add_argument("--json", help="result file (default: OUT/quality_novel.json)")
    parser.add_argument("--no-train", action="store_true", help="score the run's existing epoch adapters")
    parser.add_argument("--make-rules-cache", metavar="PATH", help="write the rules cache for --data, the novel set and "
                        "corpus/english.txt, then exit")
    parser.add_argument("--rules-cache", metavar="PATH", help="read the rule converter's answers and the allowed words "
                        "from this cache instead of running spaCy")
    parser.add_argument("--max-examples", type=int, default=0, help="score at most this many pairs per set (smoke runs)")
    return parser.parse_args(argv)


def build_config(args):
    overrides = [f"data.path={args.data}", f"out={args.out}", "model.dtype=float32", "train.sweep=checkpoints"]
    if args.model:
        overrides.append(f"model.spec={args.model}")
    if args.extra_train is not None:
        entries = [e for e in args.extra_train.split(",") if e and e != "none"]
        overrides.append("data.extra_train=" + json.dumps(entries))
    return load_config(args.config, overrides + args.set)


def make_rules_cache(args, path: Path) -> None:
    from babybliss.convert.constrain import allowed_words
    from babybliss.data.extra_train import english_path
    from babybliss.grammar.rule_pairs import read_sentences
    from babybliss.grammar.rules import convert

    sentences = [p["original"] for f in (args.data, args.novel or novel_path()) for p in load_pairs(f)[0]]
    conversions = {c.english: {"bliss": c.bliss, "warnings": c.warnings} for c in convert(sentences + read_sentences(english_path()))}
    allowed = {text: sorted(allowed_words(text)) for text in sentences}
    atomic_write_json(path, {"conversions": conversions, "allowed": allowed})
    print(f"wrote {path}: {len(conversions)} conversions, {len(allowed)} allowed-word sets")


def use_rules_cache(path: Path) -> None:
    """Answer the rule converter and the constrained-decoding vocabulary from the cache (no spaCy needed)."""
    import babybliss.constrain
    import babybliss.rules

    cache = json.loads(path.read_text(encoding="utf-8"))
    found = cache["conversions"]

    def convert(sentences):
        texts = [" ".join(str(s).split()) for s in sentences]
        return [babybliss.grammar.rules.Conversion(t, found[t]["bliss"], found[t]["warnings"]) for t in texts]

    babybliss.grammar.rules.convert = convert
    babybliss.convert.constrain.allowed_words = lambda text: set(cache["allowed"][text])


def score_epoch(config, folder: Path, sets: dict[str, list[dict]], rules: dict[str, list[str]]) -> dict:
    loaded = load_for_generation(config, folder)
    prompts = adapter_config(folder).prompts
    scores, seconds = {}, {}
    for constrain in (False, True):
        config.generate.constrain = constrain
        suffix = "+constrain" if constrain else ""
        for name, pairs in sets.items():
            start = time.perf_counter()
            answers = [o.answer for o in convert(loaded, prompts, "e2b", [p["original"] for p in pairs], config.generate)]
            seconds[f"{name}{suffix}"] = round(time.perf_counter() - start, 2)
            expected = [p["bliss"] for p in pairs]
            scores.setdefault(f"model{suffix}", {})[name] = exact_match_rate(answers, expected)
            hybrid = combine(rules[name][0], answers, rules[name][1])
            scores.setdefault(f"hybrid{suffix}", {})[name] = exact_match_rate(hybrid, expected)
    info = json.loads((folder / TRAINING_FILE).read_text())
    return {"epoch": info["epochs"], "train_seconds": info["train_seconds"], "exact_match": scores, "decode_seconds": seconds}


def main(argv=None) -> dict:
    args = parse_args(argv)
    if args.make_rules_cache:
        make_rules_cache(args, Path(args.make_rules_cache))
        return {}
    if args.rules_cache:
        use_rules_cache(Path(args.rules_cache))
    config = build_config(args)
    run = Path(config.out)
    start = time.perf_counter()
    if not args.no_train:
        finetune(config)
    sets = {"novel": load_pairs(args.novel or novel_path())[0], "test": read_split(run / "data", "test")}
    if args.max_examples:
        sets = {name: pairs[: args.max_examples] for name, pairs in sets.items()}
    rules = {name: rule_conversions([p["original"] for p in pairs]) for name, pairs in sets.items()}
    result = {
        "config": args.config,
        "model": config.model.spec,
        "extra_train": config.data.extra_train,
        "overrides": args.set,
        "device": device_name(),
        "pairs": {name: len(pairs) for name, pairs in sets.items()},
        "train_prompts": sum(1 for _ in open(run / "data" / "sft" / "train.jsonl", encoding="utf-8")),
        "rules": {name: exact_match_rate(rules[name][0], [p["bliss"] for p in pairs]) for name, pairs in sets.items()},
        "epochs": [],
    }
    target = Path(args.json or run / "quality_novel.json")
    for folder in epoch_folders(run):
        result["epochs"].append(score_epoch(config, folder, sets, rules))
        result["wall_seconds"] = round(time.perf_counter() - start, 1)
        atomic_write_json(target, result)  # after every epoch, so a deadline keeps what finished
        print(json.dumps(result["epochs"][-1]), flush=True)
    print(f"rules: {json.dumps(result['rules'])}\nwrote {target}")
    return result


if __name__ == "__main__":
    main()
