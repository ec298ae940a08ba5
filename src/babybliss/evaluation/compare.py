"""`babybliss compare`: the experiment for several models on one split, and one report with a row per model x epoch
(exact match and chrF on test, novel and rare, both directions, each with its 95 % interval; training time, peak memory)
and the rule converter as a row. Below the table, what the data support: the leading row (highest mean test chrF)
against every other by paired tests on the same items (evaluation.conclusion), in plain words per split.

    babybliss compare --models smollm2-135m,gemma3-270m --config default-cpu --data bliss.json --out runs/compare
"""

from __future__ import annotations

import json
import threading
import time
from contextlib import contextmanager
from dataclasses import replace
from pathlib import Path

import torch

from babybliss.config import Config
from babybliss.data.pairs import B2E_ONLY_SETS, E2B_ONLY_SETS, EVALUATION_SETS, evaluation_set_path, read_split
from babybliss.errors import BlissError
from babybliss.io import atomic_write_json, atomic_write_jsonl, atomic_write_text
from babybliss.evaluation import conclusion, stats
from babybliss.training.seeds import checked_runs
from babybliss.evaluation.metrics import INTERVALS, chrf, exact_match, exact_match_rate
from babybliss.data.prompts import DIRECTIONS

COMPARED_SETS = tuple(name for name in EVALUATION_SETS if name not in E2B_ONLY_SETS | B2E_ONLY_SETS)
"""The shipped evaluation sets compare scores in both directions (novel, rare)."""
SPLITS = ("test", *COMPARED_SETS)
RULES_ROW = "rules"


def model_names(specs: list[str]) -> list[tuple[str, str]]:
    """(run name, spec) per model: the spec's last path part, numbered when a name repeats (`tiny`, `tiny-2`)."""
    out, seen = [], {}
    for spec in specs:
        base = Path(spec.rstrip("/")).name or spec
        seen[base] = seen.get(base, 0) + 1
        out.append((base if seen[base] == 1 else f"{base}-{seen[base]}", spec))
    return out


@contextmanager
def peak_memory():
    """Yields a dict that holds `gib` (peak GPU memory allocated, or the process's peak resident memory on the CPU)
    and `kind` once the block ends."""
    found: dict = {"kind": "GPU allocated" if torch.cuda.is_available() else "CPU resident"}
    if torch.cuda.is_available():
        torch.cuda.reset_peak_memory_stats()
        yield found
        found["gib"] = torch.cuda.max_memory_allocated() / 2**30
        return
    import psutil

    process, peak, stop = psutil.Process(), [0], threading.Event()

    def sample():
        while not stop.is_set():
            peak[0] = max(peak[0], process.memory_info().rss)
            stop.wait(0.1)

    watcher = threading.Thread(target=sample, daemon=True)
    watcher.start()
    try:
        yield found
    finally:
        stop.set()
        watcher.join()
        found["gib"] = peak[0] / 2**30


def ensure_set_splits(run_dir: Path) -> list[str]:
    """RUN/data/NAME.jsonl from each shipped set of COMPARED_SETS (where the run's data has none); the names there."""
    from babybliss.data.pairs import load_pairs

    found = []
    for name in COMPARED_SETS:
        target = run_dir / "data" / f"{name}.jsonl"
        if not target.is_file() and evaluation_set_path(name).is_file():
            atomic_write_jsonl(target, load_pairs(evaluation_set_path(name))[0])
        if target.is_file():
            found.append(name)
    return found


def model_config(config: Config, spec: str, run_dir: Path, splits: list[str]) -> Config:
    return replace(
        config,
        out=str(run_dir),
        model=replace(config.model, spec=spec),
        # the shipped sets come in as splits of the run's data; the rule converter is one row for all models
        evaluate=replace(config.evaluate, splits=splits, base_model=False, rules=False,
                         **{name: False for name in EVALUATION_SETS}),
    )


def run_model(config: Config, name: str, spec: str, root: Path) -> list[dict]:
    """Fine-tune and evaluate one model; its rows (one per epoch)."""
    from babybliss.evaluation.evaluate import SHIPPED, evaluate
    from babybliss.training.train import TRAINING_FILE, finetune

    run_dir = root / name
    print(f"\n=== {name} ({spec}) ===", flush=True)
    with peak_memory() as memory:
        finetune(model_config(config, spec, run_dir, ["test"]))
    splits = ["test", *ensure_set_splits(run_dir)]
    rows = []
    for result in evaluate(model_config(config, spec, run_dir, splits), run_dir):
        training = read_json_or_empty(run_dir / result["model"] / TRAINING_FILE)
        rows.append(
            {
                "model": f"{name} (shipped adapter)" if result["model"] == SHIPPED else name,
                "label": f"{name}/{result['model']}",
                "predictions": str(run_dir / "eval" / result["model"] / "predictions.jsonl"),
                "epochs": result["epochs"],
                "scores": {s: {d: pick(m) for d, m in per.items()} for s, per in result["splits"].items()},
                "train_seconds": training.get("train_seconds"),
                "peak_memory_gib": round(memory["gib"], 2),
                "memory_kind": memory["kind"],
            }
        )
    return rows


def pick(metrics: dict) -> dict:
    intervals = metrics.get(INTERVALS) or {}
    return {"exact_match": metrics.get("exact_match"), "chrf": metrics.get("chrf"),
            INTERVALS: {key: intervals.get(key) for key in ("exact_match", "chrf")}}


def _bounds(found: tuple[float, float] | None) -> list[float] | None:
    return None if found is None else [round(found[0], 6), round(found[1], 6)]


def read_json_or_empty(path: Path) -> dict:
    return json.loads(path.read_text()) if path.is_file() else {}


def rules_row(data_dir: Path, limit: int = 0) -> dict | None:
    """The rule converter on each split's English sentences (English -> Bliss only), at most `limit` pairs a split
    (0: all) as evaluate takes them, so the rows pair item by item; None while it is unavailable."""
    from babybliss.convert.hybrid import rules_answers

    scores, outcomes = {}, {}
    for split in SPLITS:
        if not (data_dir / f"{split}.jsonl").is_file():
            continue
        pairs = read_split(data_dir, split)[: limit or None]
        try:
            answers = rules_answers([p["original"] for p in pairs])
        except NotImplementedError:
            return None
        expected = [p["bliss"] for p in pairs]
        intervals = {"exact_match": _bounds(stats.interval([exact_match(a, e) for a, e in zip(answers, expected)])),
                     "chrf": _bounds(stats.corpus_interval("chrf", stats.sentence_statistics("chrf", answers, expected)))}
        scores[split] = {"e2b": {"exact_match": exact_match_rate(answers, expected), "chrf": chrf(answers, expected),
                                 INTERVALS: intervals}}
        outcomes[(split, "e2b")] = conclusion.Outcomes([(p["original"], p["bliss"]) for p in pairs], [answers])
    return {"model": RULES_ROW, "label": RULES_ROW, "epochs": None, "scores": scores, "train_seconds": None,
            "peak_memory_gib": None, "outcomes": outcomes}


def _mean_chrf(row: dict, split: str) -> float | None:
    values = [m.get("chrf") for m in row["scores"].get(split, {}).values() if m.get("chrf") is not None]
    return sum(values) / len(values) if values else None


def conclusions(rows: list[dict]) -> tuple[str | None, list[str], list[dict]]:
    """(the leading row's label, a sentence per split, a table of paired tests per split): the row with the highest
    mean test chrF (not the rule converter, which converts one direction) against every other row."""
    ranked = [(_mean_chrf(r, "test"), r["label"]) for r in rows if r["model"] != RULES_ROW]
    ranked = [(score, label) for score, label in ranked if score is not None]
    if not ranked:
        return None, [], []
    leader = max(ranked)[1]
    outcomes = {}
    for row in rows:
        if "outcomes" in row:
            outcomes[row["label"]] = row["outcomes"]
        elif Path(row["predictions"]).is_file():
            outcomes[row["label"]] = conclusion.read_outcomes([Path(row["predictions"])])
    labels = [r["label"] for r in rows]
    sentences, tables = [], []
    for split in SPLITS:
        if not any(key[0] == split for key in outcomes.get(leader, {})):
            continue
        tested = conclusion.against_best(outcomes, leader, split, labels)
        sentences.append(conclusion.sentence(split, leader, tested))
        tables.append(conclusion.test_table(split, tested, leader))
    return leader, sentences, tables



def render(rows: list[dict], specs: list[tuple[str, str]], config: Config) -> tuple[str, str]:
    from jinja2 import Environment, PackageLoader, select_autoescape

    env = Environment(loader=PackageLoader("babybliss.evaluation", "templates"), autoescape=select_autoescape(["html", "html.j2"]))
    env.filters["pct"] = lambda v: "–" if v is None else f"{100 * v:.1f}"
    env.filters["num"] = lambda v, digits=1: "–" if v is None else f"{v:.{digits}f}"
    env.filters["ci"] = _interval_text
    leader, sentences, tables = conclusions(rows)
    context = dict(rows=rows, models=specs, splits=SPLITS, directions=DIRECTIONS, data=config.data.path or "builtin",
                   epochs=config.train.epochs, device=rows[0].get("memory_kind", "") if rows else "",
                   leader=leader, conclusions=sentences, test_tables=tables)
    return env.get_template("compare.md.j2").render(context), env.get_template("compare.html.j2").render(context)


def _interval_text(bounds: list[float] | None, scale: float = 1.0) -> str:
    """` [35.0–47.5]` after a value, or nothing when it has no interval."""
    return "" if not bounds else f" [{scale * bounds[0]:.1f}–{scale * bounds[1]:.1f}]"


def compare(config: Config, specs: list[str]) -> dict:
    """Every model in `specs` through finetune and evaluate on the same split; writes OUT/compare.{json,md,html}."""
    if not specs:
        raise BlissError("--models: name at least one model spec, e.g. smollm2-135m,gemma3-270m")
    root = Path(config.out)
    names = model_names(specs)
    for name, spec in names:  # every model's data and run folder before the first one trains
        checked_runs(model_config(config, spec, root / name, ["test"]))
    rows: list[dict] = []
    started = time.perf_counter()
    for name, spec in names:
        rows.extend(run_model(config, name, spec, root))
    rules = rules_row(root / names[0][0] / "data", config.evaluate.max_examples)
    if rules:
        rows.append(rules)
    markdown, html = render(rows, names, config)
    kept = [{k: v for k, v in row.items() if k not in ("outcomes", "predictions")} for row in rows]
    atomic_write_json(root / "compare.json", {"models": dict(names), "rows": kept})
    atomic_write_text(root / "compare.md", markdown)
    atomic_write_text(root / "compare.html", html)
    return {"rows": rows, "report_md": str(root / "compare.md"), "report_html": str(root / "compare.html"),
            "minutes": round((time.perf_counter() - started) / 60, 2)}

