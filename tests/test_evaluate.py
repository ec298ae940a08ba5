from __future__ import annotations

import json
import shutil
from dataclasses import replace

import pytest

from babybliss.cli import main
from babybliss.config import load_config
from babybliss.evaluate import epoch_folders, evaluate, evaluate_model, pick_shots
from babybliss.io import read_jsonl
from babybliss.metrics import METRIC_KEYS
from babybliss.models import load_model

OVERRIDES = ["evaluate.max_examples=3", "generate.max_new_tokens=6"]


@pytest.fixture(scope="module")
def run(tiny_run, tmp_path_factory):
    """A copy of the shared tiny run, so evaluation files stay out of the shared one."""
    target = tmp_path_factory.mktemp("eval") / "run"
    shutil.copytree(tiny_run, target)
    return target


@pytest.fixture(scope="module")
def config(run):
    return load_config(run / "config.resolved.toml", [*OVERRIDES, f"out={run}"])


@pytest.fixture(scope="module")
def results(run, config):
    return evaluate(config, run)


def test_evaluate_writes_base_and_epoch(run, results):
    assert [r["model"] for r in results] == ["base", "epoch-1"]
    for name in ("base", "epoch-1"):
        folder = run / "eval" / name
        assert sorted(p.name for p in folder.iterdir()) == ["metrics.json", "predictions.jsonl"]
    assert not [p for p in (run / "eval").iterdir() if p.name.startswith(".")]  # no partial folders


def test_metrics_have_both_splits_directions_and_keys(run, results):
    for result in results:
        saved = json.loads((run / "eval" / result["model"] / "metrics.json").read_text())
        assert saved == result
        assert set(saved["splits"]) == {"validation", "test"}
        for split in ("validation", "test"):
            assert set(saved["splits"][split]) == {"e2b", "b2e"}
            for direction, metrics in saved["splits"][split].items():
                assert set(metrics) == set(METRIC_KEYS)
                assert metrics["n"] == 3
                assert 0.0 <= metrics["exact_match"] <= 1.0
                assert 0.0 <= metrics["clean_stop"] <= 1.0
                assert 0.0 <= metrics["chrf"] <= 100.0
                assert isinstance(metrics["semantic_coherence"], float)
                assert (metrics["tense_accuracy"] is None) == (direction == "b2e")
    base, epoch = results
    assert (base["few_shot"], base["epochs"]) == (3, 0)
    assert (epoch["few_shot"], epoch["epochs"]) == (0, 1)
    assert base["device"] == "cpu"


def test_predictions_rows(run, results):
    test_pairs = read_jsonl(run / "data" / "test.jsonl")[:3]
    for name in ("base", "epoch-1"):
        rows = read_jsonl(run / "eval" / name / "predictions.jsonl")
        assert len(rows) == 2 * 2 * 3
        assert {(r["split"], r["direction"]) for r in rows} == {
            (s, d) for s in ("validation", "test") for d in ("e2b", "b2e")
        }
        for row in rows:
            assert set(row) >= {"split", "direction", "input", "expected", "generated", "original", "clean_stop", "exact", "raw"}
            assert row["exact"] == (" ".join(row["generated"].split()) == " ".join(row["expected"].split()))
            assert "\n" not in row["generated"]
        e2b_test = [r for r in rows if r["split"] == "test" and r["direction"] == "e2b"]
        assert [r["input"] for r in e2b_test] == [p["original"] for p in test_pairs]
        assert [r["expected"] for r in e2b_test] == [p["bliss"] for p in test_pairs]
        b2e_test = [r for r in rows if r["split"] == "test" and r["direction"] == "b2e"]
        assert [r["input"] for r in b2e_test] == [p["bliss"] for p in test_pairs]
        assert [r["original"] for r in b2e_test] == [p["original"] for p in test_pairs]


def test_skip_done_generates_nothing(run, config, results, monkeypatch):
    def boom(*args, **kwargs):
        raise AssertionError("generate_raw called for a finished evaluation")

    monkeypatch.setattr("babybliss.evaluate.generate_raw", boom)
    assert evaluate(config, run, skip_done=True) == []


def test_evaluate_model_writes_nothing_half_done(run, config, results, monkeypatch):
    loaded = load_model(config.model, device="cpu")
    calls = []

    def fails_on_second_call(loaded_, prompts, gen, show_progress=False):
        calls.append(len(prompts))
        if len(calls) == 2:
            raise RuntimeError("generation blew up")
        from babybliss.generate import Output

        return [Output("x", True, "x") for _ in prompts]

    monkeypatch.setattr("babybliss.evaluate.generate_raw", fails_on_second_call)
    with pytest.raises(RuntimeError, match="blew up"):
        evaluate_model(config, run, "broken", loaded)
    assert not (run / "eval" / "broken").exists()
    assert not [p for p in (run / "eval").iterdir() if p.name.startswith(".broken")]

    # an earlier complete evaluation under the same name survives a failed re-run untouched
    before = (run / "eval" / "base" / "metrics.json").read_bytes()
    calls.clear()
    with pytest.raises(RuntimeError):
        evaluate_model(config, run, "base", loaded, few_shot=3)
    assert (run / "eval" / "base" / "metrics.json").read_bytes() == before
    assert (run / "eval" / "base" / "predictions.jsonl").is_file()


def test_base_prompt_is_few_shot(run, config, monkeypatch):
    seen = []

    def capture(loaded_, prompts, gen, show_progress=False):
        seen.extend(prompts)
        raise RuntimeError("stop here")

    monkeypatch.setattr("babybliss.evaluate.generate_raw", capture)
    with pytest.raises(RuntimeError):
        evaluate_model(config, run, "shots", object(), few_shot=3)
    assert seen and all(p.count("### Response:\n") == 4 for p in seen)
    seen.clear()
    with pytest.raises(RuntimeError):
        evaluate_model(config, run, "noshots", object(), few_shot=0)
    assert seen and all(p.count("### Response:\n") == 1 for p in seen)


def test_pick_shots():
    train = [{"original": str(i), "bliss": f"past:{i}"} for i in range(10)]
    assert pick_shots(train, 3, 42) == pick_shots(train, 3, 42)
    assert len(pick_shots(train, 3, 42)) == 3
    assert pick_shots(train, 0, 42) == []
    with pytest.raises(ValueError, match="few-shot needs 11"):
        pick_shots(train, 11, 42)


def test_epoch_folders_only_finished(run, tmp_path):
    assert [p.name for p in epoch_folders(run)] == ["epoch-1"]
    fake = tmp_path / "r"
    for name in ("epoch-10", "epoch-2", "epoch-3", "epoch-x"):
        (fake / name).mkdir(parents=True)
    for name in ("epoch-10", "epoch-2", "epoch-x"):
        (fake / name / "training.json").write_text("{}")
    assert [p.name for p in epoch_folders(fake)] == ["epoch-2", "epoch-10"]


def test_evaluate_without_data_errors(tmp_path, config):
    with pytest.raises(FileNotFoundError, match="babybliss finetune"):
        evaluate(replace(config, out=str(tmp_path)), tmp_path)


def test_evaluate_cli_uses_run_config(tiny_run, tmp_path, capsys):
    run = tmp_path / "run"
    shutil.copytree(tiny_run, run)
    code = main(["evaluate", str(run), "--set", "evaluate.base_model=false", "--set", "evaluate.max_examples=1",
                 "--set", "generate.max_new_tokens=2", "--set", "evaluate.splits=test"])
    assert code == 0
    out = capsys.readouterr().out
    assert '"model": "epoch-1"' in out
    assert not (run / "eval" / "base").exists()
    metrics = json.loads((run / "eval" / "epoch-1" / "metrics.json").read_text())
    assert set(metrics["splits"]) == {"test"}
    assert metrics["splits"]["test"]["e2b"]["n"] == 1
