"""The run report: `RUN/report.md` and a self-contained `RUN/report.html`.

Reads only what other stages wrote (the contract):

* `RUN/config.resolved.toml` - shown verbatim;
* `RUN/logs/metrics.jsonl` - training (`loss`) and validation (`eval_loss`) losses per run;
* `RUN/epoch-N/training.json` - training times;
* `RUN/eval/<model>/metrics.json` and `predictions.jsonl` - the evaluation (required);
* `RUN/original-use/result.json` - optional samples of the research team's original uses.

Missing optional pieces become a note in the report; a run without any evaluation raises
FileNotFoundError. Plots are drawn with matplotlib's Agg backend and embedded in the HTML as
base64 PNG; the Markdown report carries the same tables and points to the HTML for the plots.
"""

from __future__ import annotations

import base64
import html
import io
import json
import math
import re
from collections.abc import Iterable, Mapping, Sequence
from pathlib import Path
from typing import Any

from babybliss.io import atomic_write_text
from babybliss.metrics import METRIC_KEYS, exact_match

DIRECTIONS = ("e2b", "b2e")
DIRECTION_NAMES = {"e2b": "English → Bliss", "b2e": "Bliss → English"}
SPLITS = ("test", "validation")
METRIC_LABELS = {
    "n": "n",
    "exact_match": "exact match",
    "chrf": "chrF",
    "bleu": "BLEU",
    "tense_accuracy": "tense acc.",
    "clean_stop": "clean stop",
    "semantic_coherence": "sem. coherence",
    "novelty": "novelty",
    "readability": "readability",
}
PERCENT_KEYS = {"exact_match", "tense_accuracy", "clean_stop"}
PLOT_METRICS = [key for key in METRIC_KEYS if key != "n"]
EXAMPLES_PER_DIRECTION = 10
MIN_SUCCESS_EXAMPLES = 3
"""Slots kept for exact conversions among the examples when the model has some."""

HOW_TO_READ = (
    "Each model converts the held-out pairs in both directions: e2b (English → Bliss) and b2e "
    "(Bliss → English). `base` is the model before fine-tuning (few-shot prompted when few_shot > 0), "
    "`epoch-N` the model after N training epochs. Exact match, tense accuracy (e2b only: the tense "
    "marker before ':' is right) and clean stop (nothing generated after the answer) are shares of "
    "the examples; chrF and BLEU are sacrebleu corpus scores from 0 to 100, higher is closer to the "
    "expected text. The research team's three measures are averages: semantic coherence is the cosine "
    "similarity of sentence embeddings of generated and expected text (1 = same meaning), novelty is "
    "1 − TF-IDF cosine similarity between the output and the input sentence (higher = fewer words "
    "copied; a good conversion is not necessarily novel), readability is the Flesch reading ease of "
    "the output (higher = easier; Bliss sentences are short, so they score high). The best model is "
    "chosen on the validation split (mean chrF over directions) and reported on the test split, which "
    "played no part in the choice."
)


# --------------------------------------------------------------------------- entry point


def write_report(run_dir: str | Path) -> dict[str, Any]:
    """Write `RUN/report.md` and `RUN/report.html` from the files other stages wrote.

    Returns {"report_md": path, "report_html": path, "best": model name, "headline": the best
    model's test metrics by direction, "notes": what was missing or skipped}.
    Raises FileNotFoundError when the run has no evaluation (`RUN/eval/<model>/metrics.json`).
    """
    run = Path(run_dir)
    notes: list[str] = []
    evals = _load_evals(run, notes)
    models = sorted(evals, key=_model_sort_key)
    config_text = _read_config(run, notes)
    logs = _load_logs(run, notes)
    training = _load_training(run, notes)
    original_use = _load_original_use(run, notes)

    best, selection_note = _pick_best(evals, models)
    if selection_note:
        notes.append(selection_note)
    headline = dict(evals[best].get("splits", {}).get("test", {}) or {})
    if not headline:
        notes.append(f"The best model `{best}` has no test-split metrics.")
    examples, example_split = _pick_examples(run, best, notes)

    plots: list[tuple[str, str]] = []  # (title, base64 png)
    loss_png = _plot_losses(logs)
    if loss_png:
        plots.append(("Training and validation loss", loss_png))
    for split in SPLITS:
        png = _plot_metrics(evals, models, split)
        if png:
            plots.append((f"Metrics by epoch ({split} split)", png))

    data = {
        "run": run,
        "models": models,
        "evals": evals,
        "best": best,
        "headline": headline,
        "config": config_text,
        "training": training,
        "examples": examples,
        "example_split": example_split,
        "original_use": original_use,
        "notes": notes,
        "plots": plots,
    }
    md_path = run / "report.md"
    html_path = run / "report.html"
    atomic_write_text(md_path, _render_md(data))
    atomic_write_text(html_path, _render_html(data))
    return {
        "report_md": str(md_path),
        "report_html": str(html_path),
        "best": best,
        "headline": headline,
        "notes": list(notes),
    }


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
        name = str(data.get("model") or path.parent.name)
        data["_dir"] = path.parent
        evals[name] = data
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
        name = str(row.get("run", "run"))
        epoch = _num(row.get("epoch"))
        step = _num(row.get("step"))
        if epoch is None:
            continue
        entry = runs.setdefault(name, {"train": [], "eval": []})
        for key, kind in (("loss", "train"), ("eval_loss", "eval")):
            value = _num(row.get(key))
            if value is not None:
                entry[kind].append((step if step is not None else epoch, epoch, value))
    out: dict[str, dict[str, list[tuple[float, float]]]] = {}
    for name in sorted(runs, key=_run_sort_key):
        out[name] = {kind: [(e, v) for _, e, v in sorted(points)] for kind, points in runs[name].items()}
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
    if name == "base":
        return (0, 0.0, name)
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
    kind, number, _ = _model_sort_key(name)
    return 0.0 if kind == 0 else (number if kind == 1 else None)


def _mean_chrf(data: Mapping[str, Any], split: str) -> float | None:
    by_dir = (data.get("splits") or {}).get(split) or {}
    values = [_num((m or {}).get("chrf")) for m in by_dir.values() if isinstance(m, dict)]
    values = [v for v in values if v is not None]
    return sum(values) / len(values) if values else None


def _pick_best(evals: Mapping[str, Mapping[str, Any]], models: Sequence[str]) -> tuple[str, str | None]:
    """Best epoch-* model on validation chrF (mean over directions), with fallbacks noted."""
    epoch_models = [m for m in models if m.startswith("epoch-")]
    attempts = [
        (epoch_models, "validation", None),
        (list(models), "validation", "No fine-tuned model has validation metrics; the best model is chosen among all models on validation chrF."),
        (list(models), "test", "No model has validation metrics; the best model is chosen on test chrF (not a held-out choice)."),
    ]
    for candidates, split, note in attempts:
        scored = [(m, _mean_chrf(evals[m], split)) for m in candidates]
        scored = [(m, s) for m, s in scored if s is not None]
        if scored:
            best = max(scored, key=lambda item: item[1])[0]  # first (earliest) wins ties
            return best, note
    return models[-1], f"No model has chrF scores; `{models[-1]}` is shown."


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
        examples[direction] = {
            "rows": failures[:n_fail] + successes[:n_success],
            "total": len(chosen),
            "exact": len(successes),
        }
    return examples, split


def _ordered_directions(found: Iterable[Any]) -> list[str]:
    found = {str(d) for d in found if d}
    return [d for d in DIRECTIONS if d in found] + sorted(found - set(DIRECTIONS))


# --------------------------------------------------------------------------- plots


def _png(fig: Any) -> str:
    import matplotlib.pyplot as plt

    buffer = io.BytesIO()
    fig.savefig(buffer, format="png", dpi=90, bbox_inches="tight")
    plt.close(fig)
    return base64.b64encode(buffer.getvalue()).decode("ascii")


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
    return _png(fig)


def _plot_metrics(evals: Mapping[str, Mapping[str, Any]], models: Sequence[str], split: str) -> str | None:
    present = [m for m in models if (evals[m].get("splits") or {}).get(split)]
    if not present:
        return None
    plt = _pyplot()
    from matplotlib.ticker import MaxNLocator

    fig, axes = plt.subplots(2, 4, figsize=(13, 5.8))
    colors = {"e2b": "tab:blue", "b2e": "tab:orange"}
    for ax, key in zip(axes.flat, PLOT_METRICS):
        for direction in DIRECTIONS:
            line_x, line_y, base_pts = [], [], []
            for model in present:
                value = _num((((evals[model].get("splits") or {}).get(split) or {}).get(direction) or {}).get(key))
                epochs = _model_epochs(model, evals[model])
                if value is None or epochs is None:
                    continue
                if model == "base":
                    base_pts.append((0.0, value))
                elif model.startswith("epoch-"):
                    line_x.append(epochs)
                    line_y.append(value)
            if line_x:
                order = sorted(range(len(line_x)), key=lambda i: line_x[i])
                ax.plot([line_x[i] for i in order], [line_y[i] for i in order], marker="o", markersize=4,
                        color=colors[direction], label=direction)
            for x, y in base_pts:
                ax.plot([x], [y], marker="*", markersize=11, linestyle="none", color=colors[direction],
                        markeredgecolor="black", label=f"{direction} base")
        ax.set_title(METRIC_LABELS[key], fontsize=10)
        ax.set_xlabel("epoch (0 = base)", fontsize=8)
        ax.tick_params(labelsize=8)
        ax.grid(alpha=0.3)
        ax.xaxis.set_major_locator(MaxNLocator(integer=True))
        if key in PERCENT_KEYS:
            ax.set_ylim(-0.05, 1.05)
    handles, labels = [], []
    for ax in axes.flat:
        for handle, label in zip(*ax.get_legend_handles_labels()):
            if label not in labels:
                handles.append(handle)
                labels.append(label)
    if handles:
        fig.legend(handles, labels, loc="lower center", ncol=len(labels), fontsize=8, frameon=False)
    fig.tight_layout(rect=(0, 0.05, 1, 1))
    return _png(fig)


# --------------------------------------------------------------------------- formatting


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


def _fmt_seconds(value: Any) -> str:
    number = _num(value)
    if number is None:
        return "—"
    if number >= 120:
        return f"{number:.0f} s ({number / 60:.1f} min)"
    return f"{number:.1f} s"


def _metric_rows(data: Mapping[str, Any], split: str) -> list[list[str]]:
    rows = []
    for model in data["models"]:
        by_dir = (data["evals"][model].get("splits") or {}).get(split) or {}
        for direction in _ordered_directions(by_dir):
            metrics = by_dir.get(direction) or {}
            label = f"{model} ★" if model == data["best"] else model
            rows.append([label, direction] + [_fmt(key, metrics.get(key)) for key in METRIC_KEYS])
    return rows


def _metric_header() -> list[str]:
    return ["model", "direction"] + [METRIC_LABELS[key] for key in METRIC_KEYS]


def _time_rows(data: Mapping[str, Any]) -> tuple[list[str], list[list[str]]]:
    header = ["model", "epochs", "training time", "train samples", "samples/s", "final val. loss", "evaluation time", "device"]
    rows = []
    names = sorted(set(data["models"]) | set(data["training"]), key=_model_sort_key)
    for name in names:
        train = data["training"].get(name, {})
        ev = data["evals"].get(name, {})
        epochs = train.get("epochs", ev.get("epochs"))
        devices = sorted({str(d) for d in (train.get("device"), ev.get("device")) if d})
        few_shot = ev.get("few_shot")
        label = f"{name} ({few_shot}-shot)" if name == "base" and few_shot else name
        rows.append([
            label,
            "—" if epochs is None else str(epochs),
            _fmt_seconds(train.get("train_seconds")),
            "—" if train.get("train_samples") is None else str(train.get("train_samples")),
            "—" if _num(train.get("samples_per_second")) is None else f"{_num(train.get('samples_per_second')):.2f}",
            "—" if _num(train.get("final_eval_loss")) is None else f"{_num(train.get('final_eval_loss')):.4f}",
            _fmt_seconds(ev.get("seconds")),
            ", ".join(devices) or "—",
        ])
    return header, rows


def _example_items(data: Mapping[str, Any]) -> list[tuple[str, str, list[dict[str, Any]]]]:
    """[(direction, summary line, rows)]"""
    out = []
    for direction, picked in data["examples"].items():
        rows = picked["rows"]
        shown_fail = sum(1 for r in rows if not r["exact"])
        summary = (
            f"{picked['exact']} of {picked['total']} {data['example_split']} conversions exact; "
            f"showing {shown_fail} failure(s) first, then {len(rows) - shown_fail} exact one(s)."
        )
        out.append((direction, summary, rows))
    return out


def _truncate(text: Any, limit: int = 400) -> str:
    text = str(text if text is not None else "")
    return text if len(text) <= limit else text[: limit - 1] + "…"


def _best_summary(data: Mapping[str, Any]) -> str:
    best = data["best"]
    val = _mean_chrf(data["evals"][best], "validation")
    parts = [f"Best model: {best}"]
    if val is not None:
        parts.append(f"(validation chrF, mean over directions: {val:.1f})")
    test = [f"{d} chrF {_fmt('chrf', m.get('chrf'))}, exact {_fmt('exact_match', m.get('exact_match'))}"
            for d, m in data["headline"].items() if isinstance(m, dict)]
    text = " ".join(parts) + "."
    if test:
        text += " Test: " + "; ".join(test) + "."
    return text


# --------------------------------------------------------------------------- Markdown


def _md_cell(text: Any) -> str:
    return str(text).replace("\\", "\\\\").replace("|", "\\|").replace("<", "\\<").replace("\r", " ").replace("\n", " ⏎ ")


def _md_table(header: Sequence[str], rows: Sequence[Sequence[Any]]) -> str:
    lines = ["| " + " | ".join(_md_cell(h) for h in header) + " |", "|" + "---|" * len(header)]
    lines += ["| " + " | ".join(_md_cell(c) for c in row) + " |" for row in rows]
    return "\n".join(lines)


def _render_md(data: Mapping[str, Any]) -> str:
    out = [f"# babybliss run report: {data['run'].name}", "", _best_summary(data), "", "## How to read this", "", HOW_TO_READ, ""]
    for split in SPLITS:
        rows = _metric_rows(data, split)
        out += [f"## Metrics: {split} split", ""]
        out += [_md_table(_metric_header(), rows) if rows else f"_No model has {split} metrics._", ""]
    out += ["★ marks the best model.", ""]
    out += ["## Plots", "", "The loss and metric plots are embedded in `report.html`." if data["plots"] else "_No plots._", ""]
    out += [f"## Example conversions ({data['best']})", ""]
    items = _example_items(data)
    if not items:
        out += ["_No predictions to show._", ""]
    for direction, summary, rows in items:
        out += [f"### {direction}: {DIRECTION_NAMES.get(direction, direction)}", "", summary, ""]
        table_rows = [["✓" if r["exact"] else "✗", r.get("input", ""), r.get("expected", ""), r.get("generated", ""),
                       "yes" if r.get("clean_stop") else "no"] for r in rows]
        out += [_md_table(["", "input", "expected", "generated", "clean stop"], table_rows), ""]
    header, rows = _time_rows(data)
    out += ["## Times", "", _md_table(header, rows), ""]
    if data["original_use"] is not None:
        out += ["## Original uses", ""]
        for task, samples in data["original_use"].items():
            out += [f"### {task.replace('_', ' ')}", ""]
            for sample in samples[:3]:
                out += [f"- **prompt:** {_md_cell(_truncate(sample.get('prompt'), 300))}",
                        f"  **output:** {_md_cell(_truncate(sample.get('output'), 300))}"]
            out += [""] if samples else ["_No samples._", ""]
    out += ["## Config", ""]
    if data["config"] is not None:
        fence = "```"
        while fence in data["config"]:
            fence += "`"
        out += [fence + "toml", data["config"].rstrip("\n"), fence, ""]
    else:
        out += ["_No resolved config._", ""]
    if data["notes"]:
        out += ["## Notes", ""] + [f"- {note}" for note in data["notes"]] + [""]
    return "\n".join(out)


# --------------------------------------------------------------------------- HTML

_CSS = """
body{font-family:system-ui,-apple-system,Segoe UI,Roboto,sans-serif;max-width:1150px;margin:2em auto;padding:0 1em;color:#222;line-height:1.45}
h1{font-size:1.6em}h2{margin-top:1.8em;border-bottom:1px solid #ddd;padding-bottom:.2em}
table{border-collapse:collapse;margin:.6em 0;font-size:.88em}
th,td{border:1px solid #ccc;padding:.3em .55em;text-align:left;vertical-align:top}
th{background:#f3f3f3}td.num{text-align:right;font-variant-numeric:tabular-nums}
tr.best td{background:#fff8dc}td.ok{color:#17803d;font-weight:bold}td.bad{color:#c0262d;font-weight:bold}
.summary{background:#f6f8fa;border-left:4px solid #4a7;padding:.6em 1em}
img{max-width:100%;border:1px solid #eee}pre{background:#f6f8fa;padding:.8em;overflow:auto;font-size:.85em}
.note{color:#666}code{background:#f3f3f3;padding:0 .2em}
"""


def _e(text: Any) -> str:
    return html.escape(str(text if text is not None else ""), quote=True)


def _html_table(header: Sequence[str], rows: Sequence[Sequence[Any]], classes: Sequence[str] | None = None,
                num_from: int = 10**6, cell_classes: Sequence[Sequence[str]] | None = None) -> str:
    parts = ["<table>", "<tr>" + "".join(f"<th>{_e(h)}</th>" for h in header) + "</tr>"]
    for i, row in enumerate(rows):
        cls = f' class="{_e(classes[i])}"' if classes and classes[i] else ""
        cells = []
        for j, cell in enumerate(row):
            names = []
            if j >= num_from:
                names.append("num")
            if cell_classes and cell_classes[i][j]:
                names.append(cell_classes[i][j])
            attr = f' class="{" ".join(names)}"' if names else ""
            cells.append(f"<td{attr}>{_e(cell)}</td>")
        parts.append(f"<tr{cls}>" + "".join(cells) + "</tr>")
    parts.append("</table>")
    return "\n".join(parts)


def _render_html(data: Mapping[str, Any]) -> str:
    title = f"babybliss run report: {data['run'].name}"
    out = [
        "<!DOCTYPE html>",
        '<html lang="en"><head><meta charset="utf-8">',
        '<meta name="viewport" content="width=device-width, initial-scale=1">',
        f"<title>{_e(title)}</title><style>{_CSS}</style></head><body>",
        f"<h1>{_e(title)}</h1>",
        f'<p class="summary">{_e(_best_summary(data))}</p>',
        "<h2>How to read this</h2>",
        f"<p>{_e(HOW_TO_READ)}</p>",
    ]
    for split in SPLITS:
        rows = _metric_rows(data, split)
        out.append(f"<h2>Metrics: {_e(split)} split</h2>")
        if rows:
            classes = ["best" if r[0].endswith("★") else "" for r in rows]
            out.append(_html_table(_metric_header(), rows, classes, num_from=2))
        else:
            out.append(f'<p class="note">No model has {_e(split)} metrics.</p>')
    out.append('<p class="note">★ marks the best model (highlighted).</p>')
    out.append("<h2>Plots</h2>")
    if not data["plots"]:
        out.append('<p class="note">No plots.</p>')
    for plot_title, png in data["plots"]:
        out.append(f"<h3>{_e(plot_title)}</h3>")
        out.append(f'<img alt="{_e(plot_title)}" src="data:image/png;base64,{png}">')
    out.append(f"<h2>Example conversions ({_e(data['best'])})</h2>")
    items = _example_items(data)
    if not items:
        out.append('<p class="note">No predictions to show.</p>')
    for direction, summary, rows in items:
        out.append(f"<h3>{_e(direction)}: {_e(DIRECTION_NAMES.get(direction, direction))}</h3>")
        out.append(f"<p>{_e(summary)}</p>")
        table_rows = [["✓" if r["exact"] else "✗", r.get("input", ""), r.get("expected", ""), r.get("generated", ""),
                       "yes" if r.get("clean_stop") else "no"] for r in rows]
        cell_classes = [["ok" if r["exact"] else "bad", "", "", "", ""] for r in rows]
        out.append(_html_table(["", "input", "expected", "generated", "clean stop"], table_rows, cell_classes=cell_classes))
    header, rows = _time_rows(data)
    out += ["<h2>Times</h2>", _html_table(header, rows, num_from=1)]
    if data["original_use"] is not None:
        out.append("<h2>Original uses</h2>")
        for task, samples in data["original_use"].items():
            out.append(f"<h3>{_e(task.replace('_', ' '))}</h3>")
            if not samples:
                out.append('<p class="note">No samples.</p>')
                continue
            out.append("<ul>")
            for sample in samples[:3]:
                out.append(f"<li><b>prompt:</b> <code>{_e(_truncate(sample.get('prompt'), 300))}</code><br>"
                           f"<b>output:</b> <code>{_e(_truncate(sample.get('output'), 300))}</code></li>")
            out.append("</ul>")
    out.append("<h2>Config</h2>")
    if data["config"] is not None:
        out.append(f"<details><summary>config.resolved.toml</summary><pre>{_e(data['config'])}</pre></details>")
    else:
        out.append('<p class="note">No resolved config.</p>')
    if data["notes"]:
        out.append("<h2>Notes</h2><ul>" + "".join(f"<li>{_e(n)}</li>" for n in data["notes"]) + "</ul>")
    out.append("</body></html>")
    return "\n".join(out) + "\n"
