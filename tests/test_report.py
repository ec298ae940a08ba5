from __future__ import annotations

import json
import re
import shutil
from pathlib import Path

import pytest

from babybliss.evaluation.report import write_report

CONFIG = '[model]\nspec = "tiny"\n\n[train]\nepochs = [1, 2]\nnote = "<b>&"\n'


def _metrics(chrf: float, exact: float, direction: str) -> dict:
    return {
        "n": 4,
        "exact_match": exact,
        "chrf": chrf,
        "bleu": chrf / 2,
        "tense_accuracy": exact if direction == "e2b" else None,
        "clean_stop": 0.75,
        "semantic_coherence": 0.8,
        "novelty": 0.4,
        "readability": 90.0,
    }


def _write_eval(run: Path, model: str, epochs: int, val_chrf: float, test_chrf: float, predictions: list[dict]) -> None:
    folder = run / "eval" / model
    folder.mkdir(parents=True)
    splits = {
        split: {d: _metrics(chrf + (5 if d == "b2e" else 0), 0.5, d) for d in ("e2b", "b2e")}
        for split, chrf in (("validation", val_chrf), ("test", test_chrf))
    }
    data = {"model": model, "epochs": epochs, "few_shot": 3 if model == "base" else 0, "seconds": 12.5,
            "device": "cpu", "splits": splits}
    (folder / "metrics.json").write_text(json.dumps(data), encoding="utf-8")
    (folder / "predictions.jsonl").write_text("".join(json.dumps(r) + "\n" for r in predictions), encoding="utf-8")


def _predictions(tag: str) -> list[dict]:
    rows = []
    for split in ("validation", "test"):
        for i in range(12):
            exact = i % 3 == 0
            rows.append({"split": split, "direction": "e2b", "input": f"We visit museum {i}.",
                         "expected": f"future:We visit museum {i}.",
                         "generated": f"future:We visit museum {i}." if exact else f"{tag} WRONG e2b {i} <x>",
                         "original": f"We visit museum {i}.", "clean_stop": exact, "exact": exact})
            rows.append({"split": split, "direction": "b2e", "input": f"past:I eat apple {i}.",
                         "expected": f"I ate apple {i}.",
                         "generated": f"I ate apple {i}." if exact else f"{tag} WRONG b2e {i}",
                         "original": f"I ate apple {i}.", "clean_stop": True, "exact": exact,
                         **({"missing": [], "invented": [], "tense_agrees": True} if exact else
                            {"missing": ["eat", "apple"], "invented": ["wrong"], "tense_agrees": False})})
    return rows


@pytest.fixture()
def run(tmp_path: Path) -> Path:
    run = tmp_path / "myrun"
    run.mkdir()
    (run / "config.resolved.toml").write_text(CONFIG, encoding="utf-8")
    logs = run / "logs"
    logs.mkdir()
    lines = []
    for n in (1, 2):
        for step in range(1, 5 * n + 1):
            lines.append({"run": f"epochs-{n}", "step": step * 10, "epoch": step / 5, "loss": 2.0 / step})
        for e in range(1, n + 1):
            lines.append({"run": f"epochs-{n}", "step": e * 50, "epoch": float(e), "eval_loss": 1.5 / e})
    (logs / "metrics.jsonl").write_text("".join(json.dumps(x) + "\n" for x in lines) + "not json\n", encoding="utf-8")
    for n in (1, 2):
        (run / f"epoch-{n}").mkdir()
        (run / f"epoch-{n}" / "training.json").write_text(json.dumps({
            "epochs": n, "train_seconds": 100.0 * n, "train_samples": 200, "samples_per_second": 2.0,
            "device": "cpu", "final_eval_loss": 1.5 / n}), encoding="utf-8")
    # epoch-1 best on validation, epoch-2 best on test: the choice must follow validation.
    _write_eval(run, "base", 0, val_chrf=10, test_chrf=11, predictions=_predictions("BASE"))
    _write_eval(run, "epoch-1", 1, val_chrf=60, test_chrf=50, predictions=_predictions("EP1"))
    _write_eval(run, "epoch-2", 2, val_chrf=55, test_chrf=70, predictions=_predictions("EP2"))
    return run


def test_full_report(run: Path):
    out = write_report(run)
    md, page = Path(out["report_md"]), Path(out["report_html"])
    assert md == run / "report.md" and page == run / "report.html"
    assert md.exists() and page.exists()
    assert out["best"] == "epoch-1"
    assert out["headline"]["e2b"]["chrf"] == 50 and out["headline"]["b2e"]["chrf"] == 55

    text = page.read_text(encoding="utf-8")
    # every model's answers drawn in symbols have their own section (test_report_symbols.py)
    text = re.sub(r"<h2>Examples in Bliss symbols</h2>.*?(?=<h2>)", "", text, flags=re.S)
    assert text.count("data:image/png;base64,") == 3  # losses, test metrics, validation metrics
    assert not re.search(r"""(?:src|href)=["']https?://""", text)  # self-contained
    # failures of the best model (test split) shown first and marked, successes too
    assert "EP1 WRONG e2b" in text and "EP2 WRONG" not in text
    assert "✗" in text and "✓" in text
    assert "&lt;x&gt;" in text and "<x>" not in text  # escaped
    assert "&lt;b&gt;&amp;" in text and "<details>" in text  # config, escaped, collapsible
    for model in ("base", "epoch-1", "epoch-2"):
        assert model in text
    assert "How to read this" in text

    md_text = md.read_text(encoding="utf-8")
    assert "```toml\n" + CONFIG.rstrip("\n") + "\n```" in md_text
    assert "## Metrics: test split" in md_text and "## Metrics: validation split" in md_text
    assert "epoch-1 ★" in md_text
    assert "1 unreadable line" in md_text  # the bad log line became a note
    # ten examples per direction: 8 failures first then 2... at least 3 successes kept
    section = md_text.split("### e2b")[1].split("###")[0]
    marks = [line.split("|")[1].strip() for line in section.splitlines() if line.startswith("| ✓") or line.startswith("| ✗")]
    assert len(marks) == 10
    assert marks[0] == "✗" and "✓" in marks
    assert marks == sorted(marks, key=lambda m: m == "✓")
    assert "4 of 12 test conversions exact" in md_text
    # each b2e example says what meaning it kept; rows written without a check (the e2b ones here) say —
    b2e = md_text.split("### b2e")[1].split("##")[0]
    assert "| missing: eat, apple; invented: wrong; tense differs |" in b2e and "| kept |" in b2e and "| — |" in section
    # times
    assert "100.0 s" in md_text and "200 s (3.3 min)" in md_text and "12.5 s" in md_text


def test_missing_pieces_are_notes(run: Path):
    (run / "logs" / "metrics.jsonl").unlink()
    (run / "config.resolved.toml").unlink()
    for n in (1, 2):
        (run / f"epoch-{n}" / "training.json").unlink()
    (run / "eval" / "epoch-1" / "predictions.jsonl").unlink()
    out = write_report(run)
    assert out["best"] == "epoch-1"
    text = Path(out["report_html"]).read_text(encoding="utf-8")
    assert text.count("data:image/png;base64,") == 2
    md = Path(out["report_md"]).read_text(encoding="utf-8")
    assert "No training log" in md and "No resolved config" in md and "No predictions for `epoch-1`" in md
    assert len(out["notes"]) >= 3


def test_original_use_section(run: Path):
    folder = run / "original-use"
    folder.mkdir()
    (folder / "result.json").write_text(json.dumps({
        "text_generation": [{"prompt": "Once upon", "output": "a time <there>"}],
        "word_prediction": [],
        "inference": [{"prompt": "Is it?", "output": "yes"}, {"prompt": "Said at once?", "output": ""}],
    }), encoding="utf-8")
    out = write_report(run)
    text = Path(out["report_html"]).read_text(encoding="utf-8")
    assert "Original uses" in text and "a time &lt;there&gt;" in text
    md = Path(out["report_md"]).read_text(encoding="utf-8")
    assert "Original uses" in md
    # an empty answer (the un-tuned model's first token can be its EOS) is said, not left blank
    assert "<i>(empty: the model ended without writing anything" in text and "_(empty: the model ended" in md


def test_no_eval_raises(tmp_path: Path):
    run = tmp_path / "empty"
    run.mkdir()
    with pytest.raises(FileNotFoundError) as info:
        write_report(run)
    message = str(info.value)
    assert str(run / "eval") in message and "babybliss evaluate" in message
    assert not (run / "report.md").exists()


def _add_split(run: Path, model: str, split: str, chrf: float, directions=("e2b", "b2e")) -> None:
    path = run / "eval" / model / "metrics.json"
    data = json.loads(path.read_text(encoding="utf-8"))
    data["splits"][split] = {d: {**_metrics(chrf, 0.25, d), "content_recall": 0.9 if d == "b2e" else 0.95,
                                 "invented_rate": 0.125, "tense_agreement": 0.75 if d == "b2e" else None}
                             for d in directions}
    path.write_text(json.dumps(data), encoding="utf-8")


def _md_row(md: str, label: str) -> list[str]:
    line = next(line for line in md.splitlines() if line.startswith(f"| {label} |"))
    return [cell.strip() for cell in line.strip("|").split("|")]


def test_novel_columns_and_rules_row(run: Path):
    for model in ("base", "epoch-1", "epoch-2"):
        _add_split(run, model, "novel", 40)
    rules = {split: {"e2b": _metrics(99, 0.96, "e2b")} for split in ("validation", "test", "novel")}
    (run / "eval" / "rules").mkdir()
    (run / "eval" / "rules" / "metrics.json").write_text(json.dumps(
        {"model": "rules", "epochs": None, "few_shot": 0, "seconds": 1.0, "device": "cpu", "splits": rules}))
    out = write_report(run)
    assert out["best"] == "epoch-1"  # the rules row's higher chrF (one direction) never makes it the best model
    assert out["novel"]["b2e"]["content_recall"] == 0.9
    md = Path(out["report_md"]).read_text(encoding="utf-8")
    summary = md.split("## Summary: test, novel and everyday")[1].split("## Metrics")[0]
    header = _md_row(summary, "model")
    assert header[:3] == ["model", "test e2b exact match", "test e2b chrF"] and "novel b2e chrF" in header
    labels = [line.split("|")[1].strip() for line in summary.splitlines() if line.startswith("| ")]
    assert labels[1:5] == ["base", "rules", "epoch-1 ★", "epoch-2"]
    rules_row = dict(zip(header, _md_row(summary, "rules")))
    assert rules_row["test e2b exact match"] == "96.0%" and rules_row["novel e2b chrF"] == "99.0"
    assert rules_row["test b2e chrF"] == "n/a" and rules_row["novel b2e exact match"] == "n/a"
    meaning_table = summary.split("Meaning kept")[1]
    meaning = dict(zip(_md_row(meaning_table, "model"), _md_row(meaning_table, "epoch-1 ★")))
    assert meaning["novel b2e content recall"] == "90.0%" and meaning["novel b2e invented"] == "12.5%"
    assert meaning["novel b2e tense agreement"] == "75.0%" and meaning["test b2e content recall"] == "—"
    assert "## Metrics: novel split" in md and "Novel: e2b chrF 40.0" in md
    assert not [note for note in out["notes"] if "novel set" in note or "rules row" in note]
    assert Path(out["report_html"]).read_text(encoding="utf-8").count("data:image/png;base64,") == 4


def test_unevaluated_epoch_is_listed_not_scored(run: Path):
    import shutil

    shutil.rmtree(run / "eval" / "epoch-1")  # the epoch that is best on validation was never evaluated
    out = write_report(run)
    assert out["not_scored"] == ["epoch-1"]
    assert out["best"] == "epoch-2"
    assert any("Trained but never evaluated: epoch-1" in note and "chosen among the scored ones" in note
               for note in out["notes"])
    md = Path(out["report_md"]).read_text(encoding="utf-8")
    summary = md.split("## Summary: test, novel and everyday")[1].split("## Metrics")[0]
    assert set(_md_row(summary, "epoch-1")[1:]) == {"not scored"}
    times = md.split("## Times")[1]
    row = _md_row(times, "epoch-1 (not scored)")
    assert row[2] == "100.0 s" and row[6] == "not scored"  # its training time, and no evaluation time
    assert "Not scored (trained, never evaluated): epoch-1." in md
    assert "- No model was scored on the novel set" in md and "- No rules row" in md
    assert 'class="not-scored"' in Path(out["report_html"]).read_text(encoding="utf-8")


@pytest.mark.skipif(not Path("/usr/bin/chromium").exists(), reason="needs Debian's chromium at /usr/bin/chromium")
def test_report_page_has_no_serious_accessibility_violations(run: Path):
    from axe_playwright_python.sync_playwright import Axe
    from playwright.sync_api import sync_playwright

    (run / "eval" / "epoch-2" / "metrics.json").unlink()  # a not-scored row, too
    page_path = Path(write_report(run)["report_html"])
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path="/usr/bin/chromium", args=["--no-sandbox"])
        try:
            page = browser.new_page(viewport={"width": 800, "height": 900})  # narrow: wide tables scroll
            page.goto(page_path.as_uri())
            page.click("summary")  # the config too
            violations = Axe().run(page).response["violations"]
        finally:
            browser.close()
    serious = [(v["id"], v["impact"], [n["target"] for n in v["nodes"]][:3]) for v in violations
               if v["impact"] in ("serious", "critical")]
    assert serious == []


def _outcome_rows(right: list[bool], tag: str) -> list[dict]:
    """Predictions on validation and test, both directions: item i converted exactly where right[i]."""
    rows = []
    for split in ("validation", "test"):
        for i, ok in enumerate(right):
            for direction, source, target in (("e2b", f"We visit museum {i}.", f"future:We visit museum {i}."),
                                              ("b2e", f"past:I eat apple {i}.", f"I ate apple {i}.")):
                rows.append({"split": split, "direction": direction, "input": source, "expected": target,
                             "generated": target if ok else f"{tag} nothing alike {i}", "original": source,
                             "clean_stop": True, "exact": ok})
    return rows


def test_the_report_says_which_differences_hold(tmp_path: Path):
    """Two strong epochs that differ on 2 of 40 items and one weak epoch: the report names the strong two as
    indistinguishable and both as beating the weak one, on validation (the choice) and on test."""
    run = tmp_path / "run"
    run.mkdir()
    strong = [i % 10 != 0 for i in range(40)]
    close = [ok if i not in (0, 1) else not ok for i, ok in enumerate(strong)]
    weak = [i % 3 == 0 for i in range(40)]
    _write_eval(run, "epoch-1", 1, val_chrf=30, test_chrf=30, predictions=_outcome_rows(weak, "A"))
    _write_eval(run, "epoch-3", 3, val_chrf=80, test_chrf=80, predictions=_outcome_rows(strong, "B"))
    _write_eval(run, "epoch-4", 4, val_chrf=79, test_chrf=81, predictions=_outcome_rows(close, "C"))
    out = write_report(run)
    assert out["best"] == "epoch-3"
    assert out["conclusions"]["test"] == "On test, epoch-3 and epoch-4 are indistinguishable; both beat epoch-1."
    assert out["conclusions"]["validation"].startswith("On validation, epoch-3 and epoch-4 are indistinguishable")
    md = Path(out["report_md"]).read_text(encoding="utf-8")
    assert "- On test, epoch-3 and epoch-4 are indistinguishable; both beat epoch-1." in md
    tests = md.split("## Paired tests against epoch-3: test split")[1].split("##")[0]
    epoch4 = [line for line in tests.splitlines() if line.startswith("| epoch-4 | e2b |")][0].split(" | ")
    assert epoch4[3] == "+0.0 pts" and epoch4[7].rstrip(" |") == "difference not shown"  # 1 item each way
    epoch1 = [line for line in tests.splitlines() if line.startswith("| epoch-1 | e2b |")][0].split(" | ")
    assert epoch1[3] == "+55.0 pts" and epoch1[4] == "\\<0.001" and epoch1[7].startswith("epoch-3 better")


def test_a_run_of_several_seeds_is_reported_pooled(tmp_path: Path):
    """RUN/seed-S folders: one report over both seeds, intervals from the pooled predictions, tests across seeds."""
    run = tmp_path / "run"
    strong = [i % 10 != 0 for i in range(40)]
    weak = [i % 3 == 0 for i in range(40)]
    other_seed = [ok if i not in (0, 1) else not ok for i, ok in enumerate(strong)]  # 1 gained, 1 lost
    for seed, best_rows in ((42, strong), (7, other_seed)):
        folder = run / f"seed-{seed}"
        folder.mkdir(parents=True)
        _write_eval(folder, "epoch-1", 1, val_chrf=30, test_chrf=30, predictions=_outcome_rows(weak, "A"))
        _write_eval(folder, "epoch-3", 3, val_chrf=80, test_chrf=80, predictions=_outcome_rows(best_rows, "B"))
    (run / "seeds.json").write_text(json.dumps({"seeds": [42, 7], "vary_split": False}), encoding="utf-8")
    out = write_report(run)
    assert out["best"] == "epoch-3"
    e2b = out["headline"]["e2b"]
    assert e2b["exact_match"] == pytest.approx((36 + 36) / 80)
    low, high = e2b["intervals"]["exact_match"]
    assert low < e2b["exact_match"] < high
    assert out["conclusions"]["test"] == "On test, epoch-3 is distinguishable from every other model; epoch-3 beats epoch-1."
    md = Path(out["report_md"]).read_text(encoding="utf-8")
    assert "Pooled over 2 training seeds (seed-42, seed-7)." in md
    assert "90.0% [" in md


def test_a_value_beside_its_interval_still_plots(run: Path):
    """A percentile interval can sit beside its value (a corpus score's skewed resamples, or rounding: BLEU
    100.00000000000004 with [100.0, 100.0]); the error bars then have length 0 on that side, not a crash."""
    path = run / "eval" / "epoch-1" / "metrics.json"
    data = json.loads(path.read_text(encoding="utf-8"))
    for by_direction in data["splits"].values():
        for metrics in by_direction.values():
            metrics["intervals"] = {"chrf": [metrics["chrf"] + 1, metrics["chrf"] + 2],
                                    "bleu": [metrics["bleu"] - 2, metrics["bleu"] - 1e-9]}
    path.write_text(json.dumps(data), encoding="utf-8")
    out = write_report(run)
    assert Path(out["report_html"]).read_text(encoding="utf-8").count("data:image/png;base64,") == 3


def test_compose_split_leads_with_acceptable_and_the_summary_names_it(run: Path):
    path = run / "eval" / "epoch-1" / "metrics.json"
    data = json.loads(path.read_text(encoding="utf-8"))
    data["splits"]["compose"] = {"b2e": {**_metrics(50, 0.25, "b2e"), "content_recall": 0.9, "invented_rate": 0.125,
                                         "tense_agreement": 0.75, "acceptable": 0.625,
                                         "intervals": {"acceptable": [0.5, 0.75]}}}
    path.write_text(json.dumps(data), encoding="utf-8")
    out = write_report(run)
    assert out["best"] == "epoch-1" and out["compose"]["b2e"]["acceptable"] == 0.625
    md = Path(out["report_md"]).read_text(encoding="utf-8")
    table = md.split("## Metrics: compose split")[1].split("## ")[0]
    row = dict(zip(_md_row(table, "model"), _md_row(table, "epoch-1 ★")))
    assert list(row)[:4] == ["model", "direction", "n", "acceptable"] and row["acceptable"] == "62.5% [50.0–75.0]"
    assert "Compose (Bliss rows as users compose them): b2e acceptable 62.5% [50.0–75.0]." in md


def _outcomes(right: list[bool], tag: str, direction: str):
    from babybliss.evaluation.conclusion import Outcomes

    items = [(f"in {direction} {i}", f"out {direction} {i}") for i in range(len(right))]
    return Outcomes(items, [[e if ok else f"{tag} wrong {i}" for i, ((_, e), ok) in enumerate(zip(items, right))]])


def test_each_row_names_a_winner_only_where_its_own_tests_hold():
    """e2b: the best model far ahead; b2e: the two close (p > 0.05), the weak model even a point ahead. The b2e row
    says the difference is not shown, the verdict over directions says where it holds, and so does the sentence."""
    from babybliss.evaluation import conclusion

    strong, weak = [i % 10 != 0 for i in range(40)], [i % 3 == 0 for i in range(40)]
    close = [ok or i == 0 for i, ok in enumerate(strong)]  # one item more right than the best
    outcomes = {"epoch-2": {("test", "e2b"): _outcomes(strong, "A", "e2b"), ("test", "b2e"): _outcomes(strong, "A", "b2e")},
                "base": {("test", "e2b"): _outcomes(weak, "B", "e2b"), ("test", "b2e"): _outcomes(close, "B", "b2e")}}
    rows = conclusion.against_best(outcomes, "epoch-2", "test", ["base", "epoch-2"])
    table = conclusion.test_table("test", rows, "epoch-2")
    verdicts = {row["cells"][1]: row["cells"][-1] for row in table["rows"]}
    assert verdicts == {"e2b": "epoch-2 better", "b2e": "difference not shown"}
    assert float(table["rows"][1]["cells"][3].split()[0]) < 0  # the point estimate favours base, yet no winner
    assert table["overall"] == ["base: epoch-2 better in e2b; not shown in b2e"]
    assert conclusion.sentence("test", "epoch-2", rows) == ("On test, epoch-2 is distinguishable from every other "
                                                            "model; epoch-2 beats base (e2b only).")


def test_directions_that_disagree_are_said_apart():
    from babybliss.evaluation import conclusion

    strong, weak = [i % 10 != 0 for i in range(40)], [i % 3 == 0 for i in range(40)]
    outcomes = {"epoch-2": {("test", "e2b"): _outcomes(strong, "A", "e2b"), ("test", "b2e"): _outcomes(weak, "A", "b2e")},
                "rules": {("test", "e2b"): _outcomes(weak, "B", "e2b"), ("test", "b2e"): _outcomes(strong, "B", "b2e")}}
    rows = conclusion.against_best(outcomes, "epoch-2", "test", ["rules", "epoch-2"])
    table = conclusion.test_table("test", rows, "epoch-2")
    assert [row["cells"][-1] for row in table["rows"]] == ["epoch-2 better", "rules better"]
    assert table["overall"] == ["rules: directions disagree: epoch-2 better in e2b; rules better in b2e"]
    assert "the directions disagree (epoch-2 better in e2b, rules better in b2e)" in conclusion.sentence(
        "test", "epoch-2", rows)


def test_no_validation_split_means_no_best_model(run: Path):
    """The choice is made on validation only: without validation metrics no model is chosen, and the report says so
    (epoch-2 leads on test; it must not be chosen there)."""
    for model in ("base", "epoch-1", "epoch-2"):
        path = run / "eval" / model / "metrics.json"
        data = json.loads(path.read_text(encoding="utf-8"))
        del data["splits"]["validation"]
        path.write_text(json.dumps(data), encoding="utf-8")
    out = write_report(run)
    assert out["best"] is None and out["headline"] == {}
    md = Path(out["report_md"]).read_text(encoding="utf-8")
    assert "No best model is chosen" in md and "★" not in md.split("## Notes")[0].replace("★ marks", "")
    assert "Paired tests against" not in md


def test_a_model_scored_on_pairs_it_trained_on_is_marked_and_never_best(tmp_path: Path):
    """The demo's own case: the run's data is the shipped corpus, which the shipped adapter trained on and the rules
    were written around. Their rows are marked in every table, plot and verdict; the adapter, best on validation,
    is not chosen."""
    from babybliss.data.pairs import builtin_path, load_pairs

    corpus = load_pairs(builtin_path())[0]
    held = {"validation": corpus[:20], "test": corpus[20:40]}
    run = tmp_path / "demo"
    (run / "data").mkdir(parents=True)
    (run / "data" / "train.jsonl").write_text("".join(json.dumps(p) + "\n" for p in corpus[40:300]), encoding="utf-8")

    def predictions(right: int, tag: str) -> list[dict]:
        return [{"split": split, "direction": direction, "input": p[a], "expected": p[b],
                 "generated": p[b] if i < right else f"{tag} wrong {i}", "original": p["original"],
                 "clean_stop": True, "exact": i < right}
                for split, pairs in held.items() for direction, a, b in (("e2b", "original", "bliss"),
                                                                         ("b2e", "bliss", "original"))
                for i, p in enumerate(pairs)]

    _write_eval(run, "base", 0, val_chrf=10, test_chrf=10, predictions=predictions(2, "B"))
    _write_eval(run, "epoch-1", 1, val_chrf=50, test_chrf=50, predictions=predictions(12, "E"))
    _write_eval(run, "shipped", 1, val_chrf=99, test_chrf=99, predictions=predictions(20, "S"))
    _write_eval(run, "rules", 0, val_chrf=99, test_chrf=99, predictions=predictions(20, "R"))
    out = write_report(run)
    assert out["trained_on"] == {"rules": {"validation": 20, "test": 20}, "shipped": {"validation": 20, "test": 20}}
    assert out["best"] == "epoch-1"
    md = Path(out["report_md"]).read_text(encoding="utf-8")
    shipped = _md_row(md, "shipped")
    assert all("(trained on 20 of these pairs)" in cell for cell in shipped[1:5])  # every test column
    assert "| shipped (trained on 20 of these pairs) | e2b |" in md.split("## Metrics: test split")[1]
    assert "| rules (rule-checked data: the rules were written around 20 of these pairs) | e2b |" in md
    assert "shipped (trained on 20 of these pairs)" in out["conclusions"]["test"]
    assert "- shipped (trained on 20 of these pairs): " in md.split("## Paired tests against epoch-1: test split")[1]
    assert "`shipped` is scored on pairs it trained on: 20 of the validation pairs, 20 of the test pairs" in md
    page = Path(out["report_html"]).read_text(encoding="utf-8")
    assert "Metrics by epoch (test split) — rules: rule-checked data" in page
    shutil.rmtree(run / "eval" / "epoch-1")  # without an epoch, the best is chosen among the others: never shipped
    assert write_report(run)["best"] == "base"


def test_the_reports_own_time_is_never_a_stage_of_its_table(run: Path):
    """stages.json holds the report's time after the first report; a second report neither lists it nor adds it."""
    (run / "stages.json").write_text(json.dumps({"seconds": {"train": 60.0, "evaluate": 30.0, "report": 500.0},
                                                 "device": "cpu"}), encoding="utf-8")
    md = Path(write_report(run)["report_md"]).read_text(encoding="utf-8")
    stages = md.split("Stages of the one-process experiment")[1].split("##")[0]
    assert "| report |" not in stages and "| in all, up to the report | 90.0 s |" in stages


def test_stage_floors_are_shown_beside_the_wall_times(run: Path):
    """stages.json's floors (bench/bench_gpu_path.py writes them) appear beside each stage, with how they were found."""
    floors = {"train": {"seconds": 13.0, "how": "tokens x 4 x params / FLOP/s"}, "evaluate": {"seconds": None, "how": "x"}}
    (run / "stages.json").write_text(json.dumps({"seconds": {"train": 60.0, "evaluate": 30.0}, "floors": floors,
                                                 "device": "cuda"}), encoding="utf-8")
    md = Path(write_report(run)["report_md"]).read_text(encoding="utf-8")
    stages = md.split("Stages of the one-process experiment")[1].split("##")[0]
    assert "| train | 60.0 s | 13.0 s | tokens x 4 x params / FLOP/s |" in stages
    assert "| evaluate | 30.0 s | — | x |" in stages


def test_a_split_scored_one_way_has_no_empty_panel():
    """The everyday set is scored English -> Bliss only: no panel for tense agreement, a Bliss -> English measure."""
    from babybliss.evaluation.report import _plotted_metrics

    e2b = {"exact_match": 0.5, "chrf": 40.0, "tense_accuracy": 0.9, "tense_agreement": None}
    evals = {"epoch-1": {"splits": {"everyday": {"e2b": e2b},
                                    "test": {"e2b": e2b, "b2e": {"chrf": 50.0, "tense_agreement": 0.8}}}}}
    assert _plotted_metrics(evals, ["epoch-1"], "everyday") == ["exact_match", "chrf", "tense_accuracy"]
    assert "tense_agreement" in _plotted_metrics(evals, ["epoch-1"], "test")
