"""The run report: `RUN/report.md` and a self-contained `RUN/report.html`.

Reads only what other stages wrote (the contract):

* `RUN/config.resolved.toml` - shown verbatim;
* `RUN/logs/metrics.jsonl` - training (`loss`) and validation (`eval_loss`) losses per run;
* `RUN/epoch-N/training.json` - training times (an epoch with one and no evaluation is listed as not scored);
* `RUN/eval/<model>/metrics.json` and `predictions.jsonl` - the evaluation (required);
* `RUN/original-use/result.json` - optional samples of the research team's original uses;
* `RUN/stages.json` - optional: the one-process experiment's wall time per stage.

A few English -> Bliss examples are drawn in Bliss symbols for every model (`report_symbols`), when node and the
renderer are installed; otherwise a note says why not.

Missing optional pieces become a note in the report; a run without any evaluation raises
FileNotFoundError. This module gathers the data and draws the plots (matplotlib's Agg backend,
embedded in the HTML as base64 PNG); the look of each format lives in its Jinja2 template in
`templates/report/`.
"""

from __future__ import annotations

import base64
import io
import json
import math
import re
from collections.abc import Iterable, Mapping, Sequence
from pathlib import Path
from typing import Any

from babybliss.io import atomic_write_text
from babybliss.evaluation import conclusion, pooled, trained_on
from babybliss.evaluation.metrics import INTERVALS, METRIC_KEYS, exact_match
from babybliss.evaluation.report_symbols import symbol_examples
from babybliss.data.pairs import E2B_ONLY_SETS, EVALUATION_SETS, scored_in
from babybliss.data.prompts import DIRECTIONS
from babybliss.training.seeds import seed_folders

DIRECTION_NAMES = {"e2b": "English → Bliss", "b2e": "Bliss → English"}
SPLITS = ("test", *EVALUATION_SETS, "validation")
"""Detail tables, in this order; the summary shows test and the shipped evaluation sets."""
SUMMARY_SPLITS = ("test", *EVALUATION_SETS)
METRIC_LABELS = {
    "n": "n",
    "exact_match": "exact match",
    "chrf": "chrF",
    "bleu": "BLEU",
    "tense_accuracy": "tense acc.",
    "clean_stop": "clean stop",
    "content_recall": "content recall",
    "invented_rate": "invented",
    "tense_agreement": "tense agreement",
    "semantic_coherence": "sem. coherence",
    "novelty": "novelty",
    "readability": "readability",
    "acceptable": "acceptable",
}
COMPOSE = "compose"
COMPOSE_KEYS = ("n", "acceptable", "exact_match", "chrf", "content_recall", "invented_rate", "clean_stop")
"""The compose set's detail columns: acceptable % first (its measure; its exact match is against one listed answer)."""
PERCENT_KEYS = {"acceptable", "exact_match", "tense_accuracy", "clean_stop", "content_recall", "invented_rate",
                "tense_agreement"}
PLOT_METRICS = [key for key in METRIC_KEYS if key != "n"]
SUMMARY_KEYS = ("exact_match", "chrf")
MEANING_KEYS = ("content_recall", "invented_rate", "tense_agreement")
EXAMPLES_PER_DIRECTION = 10
MIN_SUCCESS_EXAMPLES = 3
"""Slots kept for exact conversions among the examples when the model has some."""
NOT_SCORED = "not scored"
STAGES_FILE = "stages.json"
"""Written by the one-process experiment: {"seconds": {stage: wall seconds}, "device": ...}."""
NO_BEST = "none chosen (the report's notes say why)"
"""What the commands print for the best model when none is chosen."""
REPORT_STAGE = "report"
"""The report's own stage in `stages.json`: written after the report, so never in its table or total."""
DODGE = {"e2b": -0.06, "b2e": 0.06}
"""How far each direction's points sit from their epoch in the plots, so the error bars do not hide each other."""
RULES = "rules"
EMPTY_OUTPUT = ("(empty: the model ended without writing anything; the un-tuned model, greedy on a plain prompt as the "
                "research team ran it, can choose its end-of-sequence token first)")


# --------------------------------------------------------------------------- entry point


def write_report(run_dir: str | Path) -> dict[str, Any]:
    """Write `RUN/report.md` and `RUN/report.html` from the files other stages wrote.

    Returns {"report_md": path, "report_html": path, "best": model name, "headline": the best
    model's test metrics by direction, and each shipped evaluation set's name (novel, everyday, rare, compose): its
    metrics on that set by direction ({} when not scored), "trained_on": {model: {split: pairs of it the model was
    trained on}}, "not_scored": trained epochs without an evaluation, "notes": what was missing or skipped}. "best" is
    None (and the metrics {}) when no model that was not trained on pairs it is scored on has validation metrics.
    Raises FileNotFoundError when the run has no evaluation (`RUN/eval/<model>/metrics.json`).
    """
    run = Path(run_dir)
    notes: list[str] = []
    seed_runs = [] if (run / "eval").is_dir() else seed_folders(run)
    source = seed_runs[0] if seed_runs else run  # training records, logs and examples: the first seed's
    evals = pooled.pooled_evals(seed_runs, notes) if seed_runs else _load_evals(run, notes)
    models = sorted(evals, key=_model_sort_key)
    training = _load_training(source, notes)
    not_scored = sorted(set(training) - set(evals), key=_model_sort_key)
    known = trained_on.trained_on(source, models, notes)
    best, selection_note = _pick_best(evals, models, known)
    if not_scored:
        notes.append(
            f"Trained but never evaluated: {', '.join(not_scored)} (no `eval/<model>/metrics.json`). They are not "
            "scored, and the best model is chosen among the scored ones only; "
            f"run `babybliss evaluate {run}` to score them."
        )
    for name in EVALUATION_SETS:
        if not any(_split_metrics(data, name) for data in evals.values()):
            notes.append(f"No model was scored on the {name} set (not shipped when evaluate ran, or evaluate.{name} "
                         "off).")
    if RULES not in evals:
        notes.append("No rules row: the rule converter was not evaluated (not available, or evaluate.rules off).")
    for model, splits in known.items():
        notes.append(f"`{model}` is scored on pairs it " + ("was written around" if model == RULES else "trained on")
                     + ": " + ", ".join(f"{n} of the {split} pairs" for split, n in splits.items())
                     + ("" if model == RULES else "; its numbers there say what it recalls, not how it converts "
                        "unseen sentences, and it is never chosen as the best model") + ".")
    if selection_note:
        notes.append(selection_note)
    headline = _split_metrics(evals[best], "test") if best else {}
    if headline and not any(isinstance(m, dict) and m.get(INTERVALS) for m in headline.values()):
        notes.append(f"`{best}` was evaluated before evaluate recorded intervals: its numbers have none; run "
                     f"`babybliss evaluate {run}` again to add them.")
    if best and not headline:
        notes.append(f"The best model `{best}` has no test-split metrics.")
    examples, example_split = _pick_examples(source, best, notes) if best else ({}, None)
    tests = _paired_tests(seed_runs or [run], models, best, known, notes) if best else []
    context = {
        "title": f"babybliss run report: {run.name}",
        "best": best,
        "summary": (f"Pooled over {len(seed_runs)} training seeds ({', '.join(f.name for f in seed_runs)}). "
                    if seed_runs else "") + _best_summary(evals, best),
        "conclusions": [test["sentence"] for test in tests],
        "test_tables": [test["table"] for test in tests if test["table"]["rows"]],
        "not_scored": not_scored,
        "summary_table": _summary_table(evals, models, not_scored, best, SUMMARY_KEYS, DIRECTIONS, known),
        "meaning_table": _summary_table(evals, models, not_scored, best, MEANING_KEYS, ("b2e",), known),
        "english_table": _english_table(evals, models, best, known),
        "split_tables": [(split, _metric_table(evals, models, best, split, known)) for split in SPLITS],
        "plots": _plots(source, evals, models, notes, known),
        "examples": _example_items(examples, example_split),
        "symbols": symbol_examples(run, models, examples.get("e2b", {}).get("rows", []), example_split, notes),
        "times": _time_table(evals, training, models, not_scored),
        "stages": _stage_table(run, notes),
        "original_use": _load_original_use(source, notes),
        "config": _read_config(run, notes),
        "notes": notes,
        "direction_names": DIRECTION_NAMES,
        "empty_output": EMPTY_OUTPUT,
    }
    md_path, html_path = run / "report.md", run / "report.html"
    atomic_write_text(md_path, _render("report.md.j2", context, autoescape=False))
    atomic_write_text(html_path, _render("report.html.j2", context, autoescape=True))
    return {
        "report_md": str(md_path),
        "report_html": str(html_path),
        "best": best,
        "headline": headline,
        **{name: _split_metrics(evals[best], name) if best else {} for name in EVALUATION_SETS},
        "trained_on": known,
        "conclusions": {test["split"]: test["sentence"] for test in tests},
        "not_scored": not_scored,
        "notes": list(notes),
    }


def _render(template: str, context: Mapping[str, Any], autoescape: bool) -> str:
    import jinja2

    env = jinja2.Environment(
        loader=jinja2.PackageLoader("babybliss.evaluation", "templates/report"),
        autoescape=autoescape,
        undefined=jinja2.StrictUndefined,
        keep_trailing_newline=True,
        trim_blocks=True,
        lstrip_blocks=True,
    )
    env.filters["md"] = _md_cell
    env.filters["truncate_text"] = _truncate
    return env.get_template(template).render(context)


# --------------------------------------------------------------------------- loading


def _read_json(path: Path, notes: list[str]) -> Any:
    try:
        return json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError) as err:
        notes.append(f"Could not read `{path}`: {err}.")
        return None


def _read_jsonl(path: Path, notes: list[str]) -> list[dict[str, Any]]:
    rows: list[dict[str, Any]] = []
    bad = 0
    try:
        lines = path.read_text(encoding="utf-8").splitlines()
    except OSError as err:
        notes.append(f"Could not read `{path}`: {err}.")
        return rows
    for line in lines:
        if not line.strip():
            continue
        try:
            row = json.loads(line)
        except ValueError:
            bad += 1
            continue
        if isinstance(row, dict):
            rows.append(row)
        else:
            bad += 1
    if bad:
        notes.append(f"Skipped {bad} unreadable line(s) in `{path}`.")
    return rows


def _load_evals(run: Path, notes: list[str]) -> dict[str, dict[str, Any]]:
    eval_dir = run / "eval"
    found = sorted(eval_dir.glob("*/metrics.json")) if eval_dir.is_dir() else []
    evals: dict[str, dict[str, Any]] = {}
    for path in found:
        data = _read_json(path, notes)
        if not isinstance(data, dict):
            continue
        evals[str(data.get("model") or path.parent.name)] = data
    if not evals:
        raise FileNotFoundError(
            f"No evaluation results in {eval_dir} (expected eval/<model>/metrics.json): "
            f"run `babybliss evaluate {run}` first."
        )
    return evals


def _read_config(run: Path, notes: list[str]) -> str | None:
    path = run / "config.resolved.toml"
    try:
        return path.read_text(encoding="utf-8")
    except OSError:
        notes.append(f"No resolved config (`{path.name}`) in the run folder.")
        return None


def _load_logs(run: Path, notes: list[str]) -> dict[str, dict[str, list[tuple[float, float]]]]:
    """{run name: {"train": [(epoch, loss)...], "eval": [(epoch, eval_loss)...]}}, by step."""
    path = run / "logs" / "metrics.jsonl"
    if not path.exists():
        notes.append("No training log (`logs/metrics.jsonl`): the loss plot is left out.")
        return {}
    runs: dict[str, dict[str, list[tuple[float, float, float]]]] = {}
    for row in _read_jsonl(path, notes):
        epoch, step = _num(row.get("epoch")), _num(row.get("step"))
        if epoch is None:
            continue
        entry = runs.setdefault(str(row.get("run", "run")), {"train": [], "eval": []})
        for key, kind in (("loss", "train"), ("eval_loss", "eval")):
            value = _num(row.get(key))
            if value is not None:
                entry[kind].append((step if step is not None else epoch, epoch, value))
    out = {name: {kind: [(e, v) for _, e, v in sorted(points)] for kind, points in runs[name].items()}
           for name in sorted(runs, key=_run_sort_key)}
    if not any(points for entry in out.values() for points in entry.values()):
        notes.append("The training log has no loss values: the loss plot is left out.")
    return out


def _load_training(run: Path, notes: list[str]) -> dict[str, dict[str, Any]]:
    training: dict[str, dict[str, Any]] = {}
    for path in sorted(run.glob("epoch-*/training.json"), key=lambda p: _model_sort_key(p.parent.name)):
        data = _read_json(path, notes)
        if isinstance(data, dict):
            training[path.parent.name] = data
    if not training:
        notes.append("No training records (`epoch-N/training.json`): training times are left out.")
    return training


def _load_original_use(run: Path, notes: list[str]) -> dict[str, list[dict[str, Any]]] | None:
    path = run / "original-use" / "result.json"
    if not path.exists():
        return None
    data = _read_json(path, notes)
    if not isinstance(data, dict):
        return None
    return {str(k): [r for r in v if isinstance(r, dict)] for k, v in data.items() if isinstance(v, list)}


# --------------------------------------------------------------------------- choosing


def _model_sort_key(name: str) -> tuple[int, float, str]:
    """base, rules, then epoch-N by N, then anything else."""
    if name in ("base", RULES):
        return (0, float(name == RULES), name)
    match = re.fullmatch(r"epoch-(\d+(?:\.\d+)?)", name)
    if match:
        return (1, float(match.group(1)), name)
    return (2, 0.0, name)


def _run_sort_key(name: str) -> tuple[int, float, str]:
    match = re.fullmatch(r"epochs-(\d+(?:\.\d+)?)", name)
    return (0, float(match.group(1)), name) if match else (1, 0.0, name)


def _model_epochs(name: str, data: Mapping[str, Any]) -> float | None:
    value = _num(data.get("epochs"))
    if value is not None:
        return value
    if name == "base":
        return 0.0
    kind, number, _ = _model_sort_key(name)
    return number if kind == 1 else None


def _split_metrics(data: Mapping[str, Any], split: str) -> dict[str, Any]:
    return dict((data.get("splits") or {}).get(split) or {})


def _mean_chrf(data: Mapping[str, Any], split: str) -> float | None:
    values = [_num((m or {}).get("chrf")) for m in _split_metrics(data, split).values() if isinstance(m, dict)]
    values = [v for v in values if v is not None]
    return sum(values) / len(values) if values else None


def _pick_best(evals: Mapping[str, Mapping[str, Any]], models: Sequence[str],
               known: Mapping[str, Mapping[str, int]]) -> tuple[str | None, str | None]:
    """Best scored epoch-* model on validation chrF (mean over directions), else the best other model there; never
    the rules row (one direction), never a model trained on pairs of any split it is scored on. Chosen on
    validation only: with no validation metrics no model is chosen (None, with a note), since a choice on the test
    split would be reported on the split it was made on."""
    eligible = [m for m in models if not any(known.get(m, {}).values())]
    epoch_models = [m for m in eligible if m.startswith("epoch-")]
    others = [m for m in eligible if m != RULES]
    attempts = [
        (epoch_models, None),
        (others, "No fine-tuned model has validation metrics; the best model is chosen among all models on validation "
                 "chrF."),
    ]
    for candidates, note in attempts:
        scored = [(m, _mean_chrf(evals[m], "validation")) for m in candidates]
        scored = [(m, s) for m, s in scored if s is not None]
        if scored:
            return max(scored, key=lambda item: item[1])[0], note  # first (earliest) wins ties
    return None, ("No best model is chosen: no model that was not trained on pairs it is scored on has validation "
                  "metrics, and the choice is made on validation only (a choice on the test split would be reported "
                  "on the split it was made on).")


def _paired_tests(runs: Sequence[Path], models: Sequence[str], best: str, known: Mapping[str, Mapping[str, int]],
                  notes: list[str]) -> list[dict[str, Any]]:
    """Per split (validation first: where the best was chosen), the paired tests of the best model against every
    other model with predictions in every run folder (one per seed), and the sentence that says what they support."""
    outcomes = {m: conclusion.read_outcomes([r / "eval" / m / "predictions.jsonl" for r in runs]) for m in models
                if all((r / "eval" / m / "predictions.jsonl").is_file() for r in runs)}
    if best not in outcomes:
        notes.append(f"No predictions for `{best}`: no paired tests, so no statement of which differences hold.")
        return []
    out = []
    for split in ("validation", *SUMMARY_SPLITS):
        if not any(key[0] == split for key in outcomes[best]):
            continue
        rows = conclusion.against_best(outcomes, best, split, models)
        marked = {m: trained_on.marks(splits[split], m) for m, splits in known.items() if split in splits}
        out.append({"split": split, "sentence": conclusion.sentence(split, best, rows, marked),
                    "table": conclusion.test_table(split, rows, best, marked)})
    return out


def _pick_examples(run: Path, best: str, notes: list[str]) -> tuple[dict[str, dict[str, Any]], str | None]:
    """Per direction, up to ten of the best model's test conversions: failures first, then exact
    ones (keeping a few slots for exact ones when there are any); {"rows", "total", "exact"}."""
    path = run / "eval" / best / "predictions.jsonl"
    if not path.exists():
        notes.append(f"No predictions for `{best}` (`eval/{best}/predictions.jsonl`): example conversions are left out.")
        return {}, None
    rows = _read_jsonl(path, notes)
    split = "test" if any(r.get("split") == "test" for r in rows) else None
    if split is None and any(r.get("split") == "validation" for r in rows):
        split = "validation"
        notes.append(f"`{best}` has no test predictions; examples come from the validation split.")
    if split is None:
        notes.append(f"`{best}` has no test or validation predictions: example conversions are left out.")
        return {}, None
    examples: dict[str, dict[str, Any]] = {}
    for direction in _ordered_directions({r.get("direction") for r in rows if r.get("split") == split}):
        chosen = [r for r in rows if r.get("split") == split and r.get("direction") == direction]
        for row in chosen:
            if not isinstance(row.get("exact"), bool):
                row["exact"] = exact_match(str(row.get("generated", "")), str(row.get("expected", "")))
        failures = [r for r in chosen if not r["exact"]]
        successes = [r for r in chosen if r["exact"]]
        n_success = min(len(successes), max(MIN_SUCCESS_EXAMPLES, EXAMPLES_PER_DIRECTION - len(failures)))
        n_fail = min(len(failures), EXAMPLES_PER_DIRECTION - n_success)
        n_success = min(len(successes), EXAMPLES_PER_DIRECTION - n_fail)
        examples[direction] = {"rows": failures[:n_fail] + successes[:n_success], "total": len(chosen),
                               "exact": len(successes)}
    return examples, split


def _ordered_directions(found: Iterable[Any]) -> list[str]:
    found = {str(d) for d in found if d}
    return [d for d in DIRECTIONS if d in found] + sorted(found - set(DIRECTIONS))


# --------------------------------------------------------------------------- plots


def _plots(run: Path, evals: Mapping[str, Mapping[str, Any]], models: Sequence[str],
           notes: list[str], known: Mapping[str, Mapping[str, int]]) -> list[dict[str, str]]:
    """[{"title", "png" (base64), "alt"}]: the losses, then the metrics by epoch of each split."""
    plots = []
    loss_png = _plot_losses(_load_logs(run, notes))
    if loss_png:
        plots.append({"title": "Training and validation loss", "png": loss_png,
                      "alt": "Training loss (solid) and validation loss (dashed) by epoch, one colour per run"})
    for split in SPLITS:
        png = _plot_metrics(evals, models, split, known)
        if png:
            marked = "; ".join(f"{m}: {trained_on.marks(n[split], m)}" for m, n in known.items() if split in n)
            plots.append({"title": f"Metrics by epoch ({split} split)" + (f" — {marked}" if marked else ""),
                          "png": png,
                          "alt": f"Each metric of the {split} split by epoch, e2b and b2e, with 95 % intervals as "
                                 "error bars; stars are the un-tuned model, dotted lines with shaded bands the rule "
                                 "converter; the tables above hold the same numbers"})
    return plots


def _png(fig: Any) -> str:
    import matplotlib.pyplot as plt

    buffer = io.BytesIO()
    fig.savefig(buffer, format="png", dpi=90)
    plt.close(fig)
    return base64.b64encode(buffer.getvalue()).decode("ascii")


def _margins(fig: Any, rows: int, left: float, bottom: float, top: float = 0.3, gap: float = 0.72) -> None:
    """Margins and the gap between rows of panels in inches, set once: matplotlib's tight layout measures every label
    by drawing the figure, which made two thirds of the report's time (5.3 s of a four-epoch run's on 2 cores)."""
    width, height = fig.get_size_inches()
    panel = (height - top - bottom - (rows - 1) * gap) / rows
    fig.subplots_adjust(left=left / width, right=1 - 0.12 / width, bottom=bottom / height, top=1 - top / height,
                        wspace=0.28, hspace=gap / panel)


def _pyplot() -> Any:
    import matplotlib

    matplotlib.use("Agg", force=True)
    import matplotlib.pyplot as plt

    return plt


def _plot_losses(logs: Mapping[str, Mapping[str, list[tuple[float, float]]]]) -> str | None:
    if not any(points for entry in logs.values() for points in entry.values()):
        return None
    plt = _pyplot()
    fig, ax = plt.subplots(figsize=(7.5, 4))
    colors = plt.rcParams["axes.prop_cycle"].by_key()["color"]
    for i, (name, entry) in enumerate(logs.items()):
        color = colors[i % len(colors)]
        if entry["train"]:
            xs, ys = zip(*entry["train"])
            ax.plot(xs, ys, color=color, linewidth=1.2, label=f"{name} train")
        if entry["eval"]:
            xs, ys = zip(*entry["eval"])
            ax.plot(xs, ys, color=color, linestyle="--", marker="o", markersize=4, label=f"{name} validation")
    ax.set_xlabel("epoch")
    ax.set_ylabel("loss")
    ax.grid(alpha=0.3)
    ax.legend(fontsize=7, ncol=2)
    _margins(fig, 1, left=0.65, bottom=0.5)
    return _png(fig)


def _error_bars(values: Sequence[float], lows: Sequence[float], highs: Sequence[float]) -> list[list[float]]:
    """matplotlib's yerr: distances below and above each value. A percentile interval of a corpus score can lie
    beside its value (skewed resamples; rounding), so a distance is never below 0."""
    return [[max(0.0, v - lo) for v, lo in zip(values, lows)], [max(0.0, hi - v) for v, hi in zip(values, highs)]]


def _plotted_metrics(evals: Mapping[str, Mapping[str, Any]], models: Sequence[str], split: str) -> list[str]:
    """The measures some model has a value of on `split`: a panel each, none left empty (tense agreement is Bliss ->
    English's; the everyday set is scored English -> Bliss only)."""
    return [key for key in PLOT_METRICS if any(_num((_split_metrics(evals[m], split).get(d) or {}).get(key)) is not None
                                               for m in models for d in DIRECTIONS)]


def _plot_metrics(evals: Mapping[str, Mapping[str, Any]], models: Sequence[str], split: str,
                  known: Mapping[str, Mapping[str, int]]) -> str | None:
    present = [m for m in models if _split_metrics(evals[m], split)]
    if not present:
        return None
    keys = _plotted_metrics(evals, present, split)
    plt = _pyplot()
    from matplotlib.ticker import MaxNLocator

    rows = math.ceil(len(keys) / 4)
    fig, axes = plt.subplots(rows, 4, figsize=(13, 2.8 * rows), squeeze=False)
    colors = {"e2b": "tab:blue", "b2e": "tab:orange"}
    for ax, key in zip(axes.flat, keys):
        for direction in DIRECTIONS:
            line, base_pts = [], []
            for model in present:
                metrics = _split_metrics(evals[model], split).get(direction) or {}
                value, bounds = _num(metrics.get(key)), _interval(key, metrics)
                low, high = bounds if bounds is not None else (value, value)
                epochs = _model_epochs(model, evals[model])
                if model == RULES and value is not None:
                    ax.axhline(value, color=colors[direction], linestyle=":",
                               label=_marked(f"{direction} rules", model, split, known))
                    if bounds is not None:
                        ax.axhspan(low, high, color=colors[direction], alpha=0.12, linewidth=0)
                if value is None or epochs is None:
                    continue
                if model == "base":
                    base_pts.append((0.0, value, low, high))
                elif model.startswith("epoch-"):
                    line.append((epochs, value, low, high))
                    if known.get(model, {}).get(split):
                        ax.annotate(f"trained on {known[model][split]}", (epochs + DODGE[direction], value),
                                    fontsize=6, color=colors[direction])
            if line:
                xs, ys, lows, highs = zip(*sorted(line))
                xs = [x + DODGE[direction] for x in xs]  # the two directions' error bars side by side
                ax.errorbar(xs, ys, yerr=_error_bars(ys, lows, highs),
                            marker="o", markersize=4, capsize=3, color=colors[direction], label=direction)
            for x, y, low, high in base_pts:
                ax.errorbar([x + DODGE[direction]], [y], yerr=_error_bars([y], [low], [high]), marker="*", markersize=11, linestyle="none",
                            capsize=3, color=colors[direction], markeredgecolor="black", label=f"{direction} base")
        ax.set_title(METRIC_LABELS[key], fontsize=10)
        ax.set_xlabel("epoch (0 = base)", fontsize=8)
        ax.tick_params(labelsize=8)
        ax.grid(alpha=0.3)
        ax.xaxis.set_major_locator(MaxNLocator(integer=True))
        if key in PERCENT_KEYS:
            ax.set_ylim(-0.05, 1.05)
    for ax in list(axes.flat)[len(keys):]:
        ax.set_visible(False)
    handles, labels = [], []
    for ax in axes.flat:
        for handle, label in zip(*ax.get_legend_handles_labels()):
            if label not in labels:
                handles.append(handle)
                labels.append(label)
    if handles:
        fig.legend(handles, labels, loc="lower center", ncol=len(labels), fontsize=8, frameon=False)
    _margins(fig, rows, left=0.6, bottom=0.75)
    return _png(fig)


# --------------------------------------------------------------------------- tables (rows of text)


def _num(value: Any) -> float | None:
    if isinstance(value, bool) or value is None:
        return None
    try:
        number = float(value)
    except (TypeError, ValueError):
        return None
    return number if math.isfinite(number) else None


def _fmt(key: str, value: Any) -> str:
    number = _num(value)
    if number is None:
        return "—"
    if key == "n":
        return str(int(number))
    if key in PERCENT_KEYS:
        return f"{100 * number:.1f}%"
    if key in ("chrf", "bleu", "readability"):
        return f"{number:.1f}"
    return f"{number:.3f}"


def _interval(key: str, metrics: Mapping[str, Any]) -> tuple[float, float] | None:
    bounds = (metrics.get(INTERVALS) or {}).get(key)
    if not isinstance(bounds, (list, tuple)) or len(bounds) != 2:
        return None
    low, high = _num(bounds[0]), _num(bounds[1])
    return None if low is None or high is None else (low, high)


def _cell(key: str, metrics: Mapping[str, Any]) -> str:
    """`41.3% [35.0–47.5]`: the value and its 95 % interval (the value alone when the evaluation has none)."""
    text, bounds = _fmt(key, metrics.get(key)), _interval(key, metrics)
    if bounds is None or text == "—":
        return text
    scale, digits = (100, 1) if key in PERCENT_KEYS else (1, 1 if key in ("chrf", "bleu", "readability") else 3)
    return f"{text} [{scale * bounds[0]:.{digits}f}–{scale * bounds[1]:.{digits}f}]"


def _fmt_seconds(value: Any) -> str:
    number = _num(value)
    if number is None:
        return "—"
    if number >= 120:
        return f"{number:.0f} s ({number / 60:.1f} min)"
    return f"{number:.1f} s"


def _label(model: str, best: str | None) -> str:
    return f"{model} ★" if model == best else model


def _marked(text: str, model: str, split: str, known: Mapping[str, Mapping[str, int]]) -> str:
    """`text`, with the words that say the model was scored on pairs it knew on `split` (trained_on.marks)."""
    count = known.get(model, {}).get(split)
    return f"{text} ({trained_on.marks(count, model)})" if count else text


def _summary_table(evals: Mapping[str, Mapping[str, Any]], models: Sequence[str], not_scored: Sequence[str],
                   best: str | None, keys: Sequence[str], directions: Sequence[str],
                   known: Mapping[str, Mapping[str, int]]) -> dict[str, Any]:
    """One row per model (not-scored epochs included), a column per (test/novel split, direction, key);
    `n/a` where a model has no such direction (a rules row written before the realiser); no b2e columns for the
    everyday set."""
    columns = [(s, d, k) for s in SUMMARY_SPLITS for d in directions for k in keys
               if scored_in(s, d)]
    rows = []
    for model in sorted([*models, *not_scored], key=_model_sort_key):
        if model in not_scored:
            rows.append({"cells": [model] + [NOT_SCORED] * len(columns), "best": False, "not_scored": True})
            continue
        cells = [_label(model, best)]
        for split, direction, key in columns:
            by_direction = _split_metrics(evals[model], split)
            if by_direction and direction not in by_direction:
                cells.append("n/a")
            else:
                cells.append(_marked(_cell(key, by_direction.get(direction) or {}), model, split, known))
        rows.append({"cells": cells, "best": model == best, "not_scored": False})
    header = ["model"] + [f"{s} {d} {METRIC_LABELS[k]}" for s, d, k in columns]
    return {"header": header, "rows": rows}


def _metric_table(evals: Mapping[str, Mapping[str, Any]], models: Sequence[str], best: str | None,
                  split: str, known: Mapping[str, Mapping[str, int]]) -> dict[str, Any]:
    keys = COMPOSE_KEYS if split == COMPOSE else METRIC_KEYS
    rows = []
    for model in models:
        by_direction = _split_metrics(evals[model], split)
        for direction in _ordered_directions(by_direction):
            metrics = by_direction.get(direction) or {}
            rows.append({"cells": [_marked(_label(model, best), model, split, known), direction]
                         + [_cell(k, metrics) for k in keys],
                         "best": model == best, "not_scored": False})
    return {"header": ["model", "direction"] + [METRIC_LABELS[k] for k in keys], "rows": rows}


def _english_table(evals: Mapping[str, Mapping[str, Any]], models: Sequence[str], best: str | None,
                   known: Mapping[str, Mapping[str, int]] | None = None) -> dict[str, Any]:
    """Bliss -> English per model and split: acceptable (evaluation/acceptable.py), exact match, and the ERRANT kinds
    of what differs from the reference, in unacceptable answers (errors) and in acceptable ones (variants)."""
    from babybliss.evaluation.acceptable import kinds_text

    rows = []
    for model in models:
        for split in SUMMARY_SPLITS:
            metrics = _split_metrics(evals[model], split).get("b2e") or {}
            if "acceptable" not in metrics:
                continue
            kinds = metrics.get("edit_kinds") or {}
            rows.append({"cells": [_marked(_label(model, best), model, split, known or {}), split,
                                   _cell("acceptable", metrics),
                                   _cell("exact_match", metrics), kinds_text(kinds.get("errors") or {}),
                                   kinds_text(kinds.get("variants") or {})],
                         "best": model == best, "not_scored": False})
    return {"header": ["model", "split", "acceptable", "exact match", "error kinds (ERRANT)",
                       "variant kinds (ERRANT)"], "rows": rows}


def _time_table(evals: Mapping[str, Mapping[str, Any]], training: Mapping[str, Mapping[str, Any]],
                models: Sequence[str], not_scored: Sequence[str]) -> dict[str, Any]:
    header = ["model", "epochs", "training time", "train samples", "samples/s", "final val. loss", "evaluation time",
              "device"]
    rows = []
    for name in sorted(set(models) | set(training), key=_model_sort_key):
        train, ev = training.get(name, {}), evals.get(name, {})
        epochs = train.get("epochs", ev.get("epochs"))
        devices = sorted({str(d) for d in (train.get("device"), ev.get("device")) if d})
        few_shot = ev.get("few_shot")
        rate, loss = _num(train.get("samples_per_second")), _num(train.get("final_eval_loss"))
        label = f"{name} ({few_shot}-shot)" if name == "base" and few_shot else name
        rows.append({"cells": [
            f"{name} ({NOT_SCORED})" if name in not_scored else label,
            "—" if epochs is None else str(epochs),
            _fmt_seconds(train.get("train_seconds")),
            "—" if train.get("train_samples") is None else str(train.get("train_samples")),
            "—" if rate is None else f"{rate:.2f}",
            "—" if loss is None else f"{loss:.4f}",
            NOT_SCORED if name in not_scored else _fmt_seconds(ev.get("seconds")),
            ", ".join(devices) or "—",
        ], "best": False, "not_scored": name in not_scored})
    return {"header": header, "rows": rows}


def _stage_table(run: Path, notes: list[str]) -> dict[str, Any] | None:
    """The one-process experiment's stage clock (RUN/stages.json), or None for a run made stage by stage."""
    path = run / STAGES_FILE
    if not path.is_file():
        return None
    stages = _read_json(path, notes)
    if not isinstance(stages, dict) or not isinstance(stages.get("seconds"), dict):
        return None
    before = {name: seconds for name, seconds in stages["seconds"].items() if name != REPORT_STAGE}
    floors = stages.get("floors") if isinstance(stages.get("floors"), dict) else None
    rows = [{"cells": [name, _fmt_seconds(seconds), *(_floor_cells(floors.get(name)) if floors else [])],
             "best": False, "not_scored": False} for name, seconds in before.items()]
    rows.append({"cells": ["in all, up to the report", _fmt_seconds(sum(before.values())), *(["", ""] if floors else [])],
                 "best": True, "not_scored": False})
    header = ["stage", "wall time", *(["floor", "how the floor is computed"] if floors else [])]
    return {"header": header, "rows": rows, "device": stages.get("device", "")}


def _floor_cells(floor: Any) -> list[str]:
    """A stage's floor (what the hardware needs at least for its work, written by bench/bench_gpu_path.py) and how."""
    if not isinstance(floor, dict):
        return ["—", ""]
    seconds = floor.get("seconds")
    return [_fmt_seconds(seconds) if isinstance(seconds, (int, float)) else "—", str(floor.get("how", ""))]


def _meaning_note(row: Mapping[str, Any]) -> str:
    """`missing: old; invented: paint; tense differs` from the row's meaning check; `—` when it has none."""
    if not isinstance(row.get("missing"), list):
        return "—"
    parts = [f"{label}: {', '.join(map(str, row.get(key) or []))}" for key, label in
             (("missing", "missing"), ("invented", "invented")) if row.get(key)]
    if row.get("tense_agrees") is False:
        parts.append("tense differs")
    return "; ".join(parts) or "kept"


def _example_items(examples: Mapping[str, Mapping[str, Any]], split: str | None) -> list[dict[str, Any]]:
    out = []
    for direction, picked in examples.items():
        rows = [{**row, "meaning": _meaning_note(row)} for row in picked["rows"]]
        shown_fail = sum(1 for r in rows if not r["exact"])
        out.append({
            "direction": direction,
            "summary": f"{picked['exact']} of {picked['total']} {split} conversions exact; showing {shown_fail} "
                       f"failure(s) first, then {len(rows) - shown_fail} exact one(s).",
            "rows": rows,
        })
    return out


def _truncate(text: Any, limit: int = 400) -> str:
    text = str(text if text is not None else "")
    return text if len(text) <= limit else text[: limit - 1] + "…"


def _best_summary(evals: Mapping[str, Mapping[str, Any]], best: str | None) -> str:
    if best is None:
        return "No best model is chosen (the notes say why)."
    val = _mean_chrf(evals[best], "validation")
    text = f"Best model: {best}" + ("" if val is None else f" (validation chrF, mean over directions: {val:.1f})") + "."
    for split in SUMMARY_SPLITS:
        scores = [f"{d} chrF {_cell('chrf', m)}, exact {_cell('exact_match', m)}"
                  for d, m in _split_metrics(evals[best], split).items() if isinstance(m, dict)]
        if scores:
            text += f" {split.capitalize()}: " + "; ".join(scores) + "."
    composed = _split_metrics(evals[best], COMPOSE).get("b2e")
    if isinstance(composed, dict) and composed.get("acceptable") is not None:
        text += f" Compose (Bliss rows as users compose them): b2e acceptable {_cell('acceptable', composed)}."
    return text


def _md_cell(text: Any) -> str:
    return str(text).replace("\\", "\\\\").replace("|", "\\|").replace("<", "\\<").replace("\r", " ").replace("\n", " ⏎ ")
