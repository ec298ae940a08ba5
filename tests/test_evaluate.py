from __future__ import annotations

import json
import os
import shutil
from dataclasses import replace

import pytest

from babybliss.cli.commands import main
from babybliss.config import load_config
from babybliss.convert.generate import for_generation
from babybliss.evaluation.evaluate import EvaluateError, epoch_folders, eval_splits, evaluate, evaluate_model, pick_shots
from babybliss.io import read_jsonl
from babybliss.evaluation.metrics import INTERVALS, METRIC_KEYS
from babybliss.training.models import load_model

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
def results(run, config, tmp_path_factory):
    with pytest.MonkeyPatch.context() as patch:  # pin the default run to validation + test, whatever ships
        none = tmp_path_factory.mktemp("none")
        patch.setattr("babybliss.evaluation.evaluate.evaluation_set_path", lambda name: none / f"{name}.json")
        return evaluate(config, run)


def test_evaluate_writes_base_and_epoch(run, results):
    assert [r["model"] for r in results] == ["base", "rules", "epoch-1"]
    for name in ("base", "rules", "epoch-1"):
        folder = run / "eval" / name
        assert sorted(p.name for p in folder.iterdir()) == ["metrics.json", "predictions.jsonl"]
    assert not [p for p in (run / "eval").iterdir() if p.name.startswith(".")]  # no partial folders


def test_metrics_have_both_splits_directions_and_keys(run, results):
    for result in results:
        saved = json.loads((run / "eval" / result["model"] / "metrics.json").read_text())
        assert saved == result
        assert set(saved["splits"]) == {"validation", "test"}
        for split in ("validation", "test"):
            assert set(saved["splits"][split]) == {"e2b", "b2e"}  # the rules too: converter and realiser
            for direction, metrics in saved["splits"][split].items():
                english = {"acceptable", "edit_kinds"} if direction == "b2e" else set()  # evaluation/acceptable.py
                assert set(metrics) == {*METRIC_KEYS, INTERVALS} | english
                low, high = metrics[INTERVALS]["exact_match"]
                assert low <= metrics["exact_match"] <= high
                assert metrics["n"] == 3
                assert 0.0 <= metrics["exact_match"] <= 1.0
                assert 0.0 <= metrics["clean_stop"] <= 1.0
                assert 0.0 <= metrics["chrf"] <= 100.0
                assert isinstance(metrics["semantic_coherence"], float)
                assert (metrics["tense_accuracy"] is None) == (direction == "b2e")
    base, rules, epoch = results
    assert (base["few_shot"], base["epochs"]) == (3, 0)
    assert rules["epochs"] is None
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
            assert set(row) >= {"split", "direction", "input", "expected", "generated", "original", "clean_stop", "exact", "raw",
                                "missing", "invented", "tense_agrees"}
            assert (row["tense_agrees"] is None) == (row["direction"] == "e2b")
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

    monkeypatch.setattr("babybliss.evaluation.evaluate.generate_raw", boom)
    assert evaluate(config, run, skip_done=True) == []


def test_evaluate_model_writes_nothing_half_done(run, config, results, monkeypatch):
    loaded = load_model(config.model, device="cpu")
    calls = []

    def fails_on_second_call(loaded_, prompts, gen, show_progress=False):
        calls.append(len(prompts))
        if len(calls) == 2:
            raise RuntimeError("generation blew up")
        from babybliss.convert.generate import Output

        return [Output("x", True, "x") for _ in prompts]

    monkeypatch.setattr("babybliss.evaluation.evaluate.generate_raw", fails_on_second_call)
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

    monkeypatch.setattr("babybliss.evaluation.evaluate.generate_raw", capture)
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
    with pytest.raises(EvaluateError, match="few-shot needs 11"):
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
    code = main(["evaluate", str(run), "--set", "evaluate.base_model=false", "--set", "evaluate.novel=false",
                 "--set", "evaluate.everyday=false", "--set", "evaluate.rare=false", "--set", "evaluate.compose=false",
                 "--set", "evaluate.max_examples=1",
                 "--set", "generate.max_new_tokens=2", "--set", "evaluate.splits=test"])
    assert code == 0
    out = capsys.readouterr().out
    assert '"model": "epoch-1"' in out
    assert not (run / "eval" / "base").exists()
    metrics = json.loads((run / "eval" / "epoch-1" / "metrics.json").read_text())
    assert set(metrics["splits"]) == {"test"}
    assert metrics["splits"]["test"]["e2b"]["n"] == 1


# ----------------------------------------------------------------- novel set, rules row, read-only runs


def _novel_pairs(run) -> list[dict]:
    trained = read_jsonl(run / "data" / "train.jsonl")[0]
    fresh = [{"original": f"Mara will paint the {c} fence tomorrow.", "bliss": f"future:Mara paint fence {c} tomorrow."}
             for c in ("red", "green", "blue")]
    return [{"original": trained["original"], "bliss": trained["bliss"]}] + fresh  # first: max_examples keeps 3


def _fake_rules(pairs):
    """A rule converter that gets every pair right except the first it sees (and converts English it does not know,
    such as a model's Bliss -> English answers checked by evaluation/acceptable.py, to nothing)."""
    answers = {p["original"]: p["bliss"] for p in pairs}

    def to_bliss(sentences):
        return ["present:wrong." if i == 0 else answers.get(s, "") for i, s in enumerate(sentences)]

    return to_bliss


@pytest.fixture(scope="module")
def novel_run(tiny_run, tmp_path_factory):
    run = tmp_path_factory.mktemp("novel") / "run"
    shutil.copytree(tiny_run, run)
    novel = run.parent / "novel.json"
    novel.write_text(json.dumps(_novel_pairs(run)), encoding="utf-8")
    pairs = [p for split in ("train", "validation", "test") for p in read_jsonl(run / "data" / f"{split}.jsonl")]
    config = load_config(run / "config.resolved.toml", [*OVERRIDES, "evaluate.base_model=false", f"out={run}"])
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr("babybliss.evaluation.evaluate.evaluation_set_path", lambda name: novel if name == "novel" else run.parent / f"no-{name}.json")
        patch.setattr("babybliss.grammar.rules.to_bliss", _fake_rules(pairs + _novel_pairs(run)))
        results = evaluate(config, run)
    return run, results


def test_novel_split_scored_both_directions_without_trained_pairs(novel_run, capsys):
    run, results = novel_run
    epoch = next(r for r in results if r["model"] == "epoch-1")
    assert list(epoch["splits"]) == ["validation", "test", "novel"]
    assert set(epoch["splits"]["novel"]) == {"e2b", "b2e"}
    assert epoch["splits"]["novel"]["e2b"]["n"] == 3  # the pair from the train split is left out
    rows = [r for r in read_jsonl(run / "eval" / "epoch-1" / "predictions.jsonl") if r["split"] == "novel"]
    assert {r["original"] for r in rows} == {p["original"] for p in _novel_pairs(run)[1:]}


def test_rules_row_has_the_converter_and_the_realiser(novel_run):
    from babybliss.grammar.realise import to_english

    run, results = novel_run
    assert [r["model"] for r in results] == ["rules", "epoch-1"]
    saved = json.loads((run / "eval" / "rules" / "metrics.json").read_text())
    assert saved == results[0] and saved["epochs"] is None
    assert list(saved["splits"]) == ["validation", "test", "novel"]
    for split, by_direction in saved["splits"].items():
        assert list(by_direction) == ["e2b", "b2e"]
        assert by_direction["e2b"]["exact_match"] == pytest.approx(1 - 1 / by_direction["e2b"]["n"])
        assert set(by_direction["e2b"]) == {*METRIC_KEYS, INTERVALS}
        assert set(by_direction["b2e"]) == {*METRIC_KEYS, INTERVALS, "acceptable", "edit_kinds"}
    rows = read_jsonl(run / "eval" / "rules" / "predictions.jsonl")
    e2b = [r for r in rows if r["direction"] == "e2b"]
    b2e = [r for r in rows if r["direction"] == "b2e"]
    assert e2b[0]["generated"] == "present:wrong." and e2b[0]["exact"] is False
    assert [r["generated"] for r in b2e] == to_english([r["input"] for r in b2e])


def test_missing_novel_set_and_rules_placeholder_are_skipped_with_a_notice(run, config, tmp_path, monkeypatch, capsys):
    monkeypatch.setattr("babybliss.evaluation.evaluate.evaluation_set_path", lambda name: tmp_path / f"absent-{name}.json")
    monkeypatch.setattr("babybliss.evaluation.evaluate.epoch_folders", lambda run_dir: [])

    def unavailable(sentences):
        raise NotImplementedError("no rule converter here")

    monkeypatch.setattr("babybliss.grammar.rules.to_bliss", unavailable)
    results = evaluate(replace(config, evaluate=replace(config.evaluate, base_model=False)), run)
    out = capsys.readouterr().out
    assert results == []
    assert f"no novel set at {tmp_path / 'absent-novel.json'}" in out
    assert f"no rare set at {tmp_path / 'absent-rare.json'}" in out
    assert "rules row is skipped" in out


def test_read_only_run_fails_before_any_work(tiny_run, tmp_path, monkeypatch, capsys):
    run = tmp_path / "run"
    shutil.copytree(tiny_run, run)
    (run / "eval").mkdir()
    for name in ("load_model", "load_for_generation", "generate_raw", "eval_splits"):
        monkeypatch.setattr(f"babybliss.evaluation.evaluate.{name}", lambda *a, **k: pytest.fail("work started"))
    if os.geteuid() == 0:  # root writes through file modes: refuse the write as a read-only mount would
        def refuse(*args, dir=None, **kwargs):
            raise PermissionError(13, "Permission denied", str(dir))

        monkeypatch.setattr("babybliss.evaluation.evaluate.tempfile.TemporaryFile", refuse)
    (run / "eval").chmod(0o555)
    try:
        code = main(["evaluate", str(run)])
    finally:
        (run / "eval").chmod(0o755)
    err = capsys.readouterr().err.strip()
    assert code == 2
    assert err == f"babybliss: error: {run / 'eval'}: cannot write the evaluation there (Permission denied); " \
                  "evaluate a writable copy of the run"
    assert list((run / "eval").iterdir()) == []


def test_max_examples_samples_the_novel_set_in_file_order(run, config, tmp_path, monkeypatch):
    novel = [{"original": f"Mara paints fence {i}.", "bliss": f"present:Mara paint fence {i}."} for i in range(40)]
    (tmp_path / "novel.json").write_text(json.dumps(novel), encoding="utf-8")
    monkeypatch.setattr("babybliss.evaluation.evaluate.evaluation_set_path", lambda name: tmp_path / ("novel.json" if name == "novel" else f"no-{name}.json"))
    splits = eval_splits(config, run)  # max_examples=3
    assert [len(pairs) for pairs in splits.values()] == [3, 3, 3]
    picked = [novel.index(p) for p in splits["novel"]]
    assert picked == sorted(picked) and picked != [0, 1, 2]  # a seeded spread over the file, not its first rules
    assert eval_splits(config, run)["novel"] == splits["novel"]
    no_novel = replace(config, evaluate=replace(config.evaluate, novel=False))
    assert list(eval_splits(no_novel, run)) == ["validation", "test"]


def test_epochs_share_one_base_load_and_never_merge_into_it(run, config, tmp_path, monkeypatch):
    """Two adapters of one base: the base is loaded once (cast for decoding), and each adapter is put on and taken
    off, so the loaded base keeps its weights (a merge into it would give the next epoch the sum of both adapters)."""
    import torch

    two = tmp_path / "run"
    shutil.copytree(run, two)
    shutil.rmtree(two / "eval", ignore_errors=True)
    shutil.copytree(two / "epoch-1", two / "epoch-2")
    loads = []
    monkeypatch.setattr("babybliss.evaluation.evaluate.load_model", lambda *a, **k: loads.append(load_model(*a, **k)) or loads[-1])
    monkeypatch.setattr("babybliss.evaluation.evaluate.evaluation_set_path", lambda name: tmp_path / f"no-{name}.json")
    cfg = replace(config, out=str(two), evaluate=replace(config.evaluate, base_model=False, rules=False))
    evaluate(cfg, two)
    assert len(loads) == 1
    fresh = for_generation(load_model(load_config(two / "epoch-1" / "config.resolved.toml").model))
    kept, untouched = loads[0].model.state_dict(), fresh.model.state_dict()
    assert all(torch.equal(kept[name], untouched[name]) for name in untouched)
    first, second = (read_jsonl(two / "eval" / name / "predictions.jsonl") for name in ("epoch-1", "epoch-2"))
    assert [r["raw"] for r in first] == [r["raw"] for r in second]


def test_everyday_set_is_scored_english_to_bliss_only(tiny_run, tmp_path, monkeypatch):
    run = tmp_path / "run"
    shutil.copytree(tiny_run, run)
    everyday = [{"original": "im cold", "bliss": "present:I be cold."},
                {"original": "Thank you, Mom.", "bliss": "phrase:thank you. phrase:Mom."}]
    (tmp_path / "everyday.json").write_text(json.dumps(everyday), encoding="utf-8")
    monkeypatch.setattr("babybliss.evaluation.evaluate.evaluation_set_path", lambda name: tmp_path / ("everyday.json" if name == "everyday" else f"no-{name}.json"))
    config = load_config(run / "config.resolved.toml", [*OVERRIDES, "evaluate.base_model=false", f"out={run}",
                                                         "evaluate.splits=[\"test\"]"])
    results = {r["model"]: r for r in evaluate(config, run)}
    rules_row, epoch = results["rules"], results["epoch-1"]
    assert list(rules_row["splits"]["everyday"]) == ["e2b"]  # the realiser does not write typing back
    assert list(epoch["splits"]) == ["test", "everyday"] and list(epoch["splits"]["everyday"]) == ["e2b"]
    assert rules_row["splits"]["everyday"]["e2b"]["exact_match"] == 1.0  # the rules read typing and vocatives
    rows = [r for r in read_jsonl(run / "eval" / "epoch-1" / "predictions.jsonl") if r["split"] == "everyday"]
    assert sorted(r["input"] for r in rows) == ["Thank you, Mom.", "im cold"]


def test_hybrid_rows_combine_an_epochs_answers_with_the_rules_on_the_same_items(novel_run, monkeypatch):
    """evaluate.hybrid: hybrid-epoch-N holds, item for item, convert.hybrid.combine of the epoch's e2b answers and
    the rule converter's (here right on every item and sure of it, so the hybrid takes the rules' answer wherever
    the tiny model's words differ)."""
    from babybliss.evaluation.acceptable import acceptable_many, hybrid_b2e
    from babybliss.evaluation.evaluate import evaluate_hybrid
    from babybliss.grammar.rules import Conversion

    run, _ = novel_run
    model_rows = [r for r in read_jsonl(run / "eval" / "epoch-1" / "predictions.jsonl") if r["direction"] == "e2b"]
    answers = {r["input"]: r["expected"] for r in model_rows}
    monkeypatch.setattr("babybliss.grammar.rules.convert",  # English the table does not hold converts to nothing
                        lambda texts: [Conversion(t, answers.get(t, "")) for t in texts])
    config = load_config(run / "config.resolved.toml", [*OVERRIDES, f"out={run}"])
    result = evaluate_hybrid(config, run, "epoch-1", 1)
    assert result["model"] == "hybrid-epoch-1" and list(result["splits"]) == ["validation", "test", "novel"]
    rows = read_jsonl(run / "eval" / "hybrid-epoch-1" / "predictions.jsonl")
    e2b_rows = [r for r in rows if r["direction"] == "e2b"]
    assert [(r["split"], r["input"], r["expected"]) for r in e2b_rows] == \
        [(r["split"], r["input"], r["expected"]) for r in model_rows]
    assert all(r["exact"] for r in e2b_rows)
    # the rules answered every item and always stop cleanly: the tiny model's unclean stops are not the hybrid's
    assert not all(r["clean_stop"] for r in model_rows) and all(r["clean_stop"] for r in e2b_rows)
    for split, by_direction in result["splits"].items():
        assert by_direction["e2b"]["exact_match"] == 1.0
    # Bliss -> English: item for item, evaluation.acceptable.hybrid_b2e of the epoch's answers (the same fake rules)
    b2e_model = [r for r in read_jsonl(run / "eval" / "epoch-1" / "predictions.jsonl") if r["direction"] == "b2e"]
    b2e_rows = [r for r in rows if r["direction"] == "b2e"]
    chosen = hybrid_b2e([r["input"] for r in b2e_model], [r["generated"] for r in b2e_model])
    assert b2e_model and [r["generated"] for r in b2e_rows] == [english for english, _ in chosen]
    assert [r["acceptable"] for r in b2e_rows] == acceptable_many([r["input"] for r in b2e_rows],
                                                                  [r["generated"] for r in b2e_rows])


def test_compose_set_is_scored_bliss_to_english_only_as_acceptable(tiny_run, tmp_path, monkeypatch):
    """The compose set: Bliss -> English only, each answer acceptable when listed or when it round-trips through
    the rules with real words (the realiser's "The teacher helps me." does; "Caspian parrots the repeat riddle.", a
    row whose name it reads as the subject of a verb `parrot`, does not)."""
    run = tmp_path / "run"
    shutil.copytree(tiny_run, run)
    compose = [{"original": "The teacher helps me.", "bliss": "present:teacher help me.",
                "acceptable": ["The teacher helps me.", "My teacher helps me."]},
               {"original": "Caspian the parrot repeats the riddle.", "bliss": "present:Caspian parrot repeat riddle.",
                "acceptable": ["Caspian the parrot repeats the riddle."]}]
    (tmp_path / "compose.json").write_text(json.dumps(compose), encoding="utf-8")
    monkeypatch.setattr("babybliss.evaluation.evaluate.evaluation_set_path", lambda name: tmp_path / (
        "compose.json" if name == "compose" else f"no-{name}.json"))
    monkeypatch.setattr("babybliss.evaluation.compose.compose_path", lambda: tmp_path / "compose.json")
    config = load_config(run / "config.resolved.toml", [*OVERRIDES, "evaluate.base_model=false", f"out={run}",
                                                         "evaluate.splits=[\"test\"]"])
    results = {r["model"]: r for r in evaluate(config, run)}
    rules_row, epoch = results["rules"], results["epoch-1"]
    assert list(rules_row["splits"]["compose"]) == ["b2e"] and list(epoch["splits"]["compose"]) == ["b2e"]
    assert rules_row["splits"]["compose"]["b2e"]["acceptable"] == 0.5
    low, high = rules_row["splits"]["compose"]["b2e"][INTERVALS]["acceptable"]
    assert low <= 0.5 <= high
    rows = {r["input"]: r for r in read_jsonl(run / "eval" / "rules" / "predictions.jsonl") if r["split"] == "compose"}
    assert rows["present:teacher help me."]["acceptable"]
    assert not rows["present:Caspian parrot repeat riddle."]["acceptable"]


def test_a_shipped_pair_the_run_trained_on_is_not_scored_whatever_its_case_or_spacing(tmp_path, capsys):
    from babybliss.evaluation.evaluate import shipped_pairs

    data = tmp_path / "data"
    data.mkdir()
    (data / "train.jsonl").write_text(json.dumps({"original": "The cat sleeps.", "bliss": "present:cat sleep."}) + "\n")
    shipped = tmp_path / "rare.json"
    shipped.write_text(json.dumps([{"original": "the  cat sleeps.", "bliss": "present:cat  sleep."},
                                   {"original": "A dog barks.", "bliss": "present:dog bark."}]))
    assert [p["original"] for p in shipped_pairs("rare", shipped, data)] == ["A dog barks."]
    assert "1 rare pair(s) are in the run's train split" in capsys.readouterr().out


def _without_seconds(metrics: dict) -> dict:
    return {k: v for k, v in metrics.items() if k not in ("seconds", "generate_seconds")}


def test_scoring_beside_decoding_writes_what_scoring_in_turn_writes(run, config, results, tmp_path, monkeypatch):
    """On a GPU each model is scored in one background thread while the next decodes: the same rows and metrics,
    each model scored after its own decoding, every score in the one scoring thread, never the decoder's."""
    import threading

    from babybliss.evaluation import evaluate as module

    copy = tmp_path / "run"
    shutil.copytree(run, copy, ignore=shutil.ignore_patterns("eval"))
    none = tmp_path / "none"
    monkeypatch.setattr(module, "evaluation_set_path", lambda name: none / f"{name}.json")
    monkeypatch.setattr(module, "beside_decoding", lambda gen: True)
    events = []
    decode, score = module.decode_model, module.score_model
    monkeypatch.setattr(module, "decode_model", lambda *a, **k: events.append(("decoded", a[2])) or decode(*a, **k))
    monkeypatch.setattr(module, "score_model", lambda c, r, d: events.append(("scored", d.name, threading.get_ident()))
                        or score(c, r, d))
    beside = evaluate(replace(config, out=str(copy)), copy)
    assert [r["model"] for r in beside] == [r["model"] for r in results]
    for name in ("base", "rules", "epoch-1"):
        ours, theirs = (json.loads((folder / "eval" / name / "metrics.json").read_text()) for folder in (copy, run))
        assert _without_seconds(ours) == _without_seconds(theirs)
        assert read_jsonl(copy / "eval" / name / "predictions.jsonl") == read_jsonl(run / "eval" / name / "predictions.jsonl")
    order = [event[:2] for event in events]
    assert order.index(("decoded", "base")) < order.index(("scored", "base"))
    assert order.index(("decoded", "epoch-1")) < order.index(("scored", "epoch-1"))
    threads = {event[2] for event in events if event[0] == "scored"}
    assert len(threads) == 1 and threading.get_ident() not in threads


def test_scoring_goes_beside_only_a_decoder_that_waits_on_the_card(monkeypatch):
    import torch

    from babybliss.config import GenerateConfig
    from babybliss.evaluation.lane import beside_decoding

    graphs = GenerateConfig(kv_cache="static")
    assert not beside_decoding(graphs) or torch.cuda.is_available()  # a CPU: never
    monkeypatch.setattr(torch.cuda, "is_available", lambda: True)
    assert beside_decoding(graphs)
    assert not beside_decoding(GenerateConfig())  # the dynamic cache: every kernel launched from Python
    assert not beside_decoding(GenerateConfig(kv_cache="static", cuda_graphs=False))


def test_a_scoring_error_beside_decoding_is_raised_and_writes_nothing(run, config, tmp_path, monkeypatch):
    from babybliss.evaluation import evaluate as module

    copy = tmp_path / "run"
    shutil.copytree(run, copy, ignore=shutil.ignore_patterns("eval"))
    monkeypatch.setattr(module, "evaluation_set_path", lambda name: tmp_path / f"no-{name}.json")
    monkeypatch.setattr(module, "beside_decoding", lambda gen: True)
    score = module.score_model

    def fails_for_the_epoch(config_, run_dir, decoded):
        if decoded.name == "epoch-1":
            raise RuntimeError("scoring blew up")
        return score(config_, run_dir, decoded)

    monkeypatch.setattr(module, "score_model", fails_for_the_epoch)
    with pytest.raises(RuntimeError, match="scoring blew up"):
        evaluate(replace(config, out=str(copy)), copy)
    assert (copy / "eval" / "base" / "metrics.json").is_file()
    assert not (copy / "eval" / "epoch-1").exists()
    assert not [p for p in (copy / "eval").iterdir() if p.name.startswith(".")]


def test_missing_meaning_checks_are_said_once(monkeypatch, capsys):
    from babybliss.config import Config
    from babybliss.evaluation import evaluate as module
    from babybliss.grammar.nlp import NlpError

    def no_spacy(rows, direction):
        raise NlpError("spaCy's English model is not installed")

    monkeypatch.setattr(module, "row_meaning_checks", no_spacy)
    monkeypatch.setattr(module, "_SAID", set())
    monkeypatch.setattr(module, "direction_metrics", lambda rows, direction, model, checks: {INTERVALS: {}})
    rows = [{"split": "test", "direction": "e2b", "input": "I walk.", "expected": "present:I walk.", "generated": "x"}]
    for direction in ("e2b", "b2e", "e2b"):
        module._score(Config(), [dict(r, direction=direction) for r in rows], direction)
    assert capsys.readouterr().out.count("meaning-kept measures skipped") == 1
