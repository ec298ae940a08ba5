"""The whole experiment in one process (experiment/pipeline.py): one base model, adapters put on and taken off,
and the same results as the stages run one by one."""

from __future__ import annotations

import json
import warnings
from pathlib import Path

import torch

from babybliss.config import load_config
from babybliss.convert.adapters import adapter_slot
from babybliss.evaluation.evaluate import evaluate
from babybliss.evaluation.report import write_report
from babybliss.experiment.pipeline import run_experiment
from babybliss.training.models import load_model
from babybliss.training.train import finetune
from conftest import TINY_RUN_OVERRIDES, make_pairs, write_json

OVERRIDES = TINY_RUN_OVERRIDES + [
    "train.max_steps=-1",
    "train.epochs=[1, 2]",
    "train.sweep=checkpoints",
    "evaluate.max_examples=4",
    "evaluate.few_shot=1",
    "generate.max_new_tokens=12",
]


def _config(root: Path, name: str):
    pairs = write_json(root / "pairs.json", make_pairs(24))
    return load_config(None, OVERRIDES + [f"data.path={pairs}", f"out={root / name}"])


def _weights(model: torch.nn.Module) -> dict[str, torch.Tensor]:
    return {k: v.detach().clone() for k, v in model.state_dict().items()}


def _rows(run: Path, model: str) -> list[dict]:
    rows = [json.loads(line) for line in (run / "eval" / model / "predictions.jsonl").read_text().splitlines()]
    return rows


def test_one_process_equals_the_stages(tmp_path):
    one = run_experiment(_config(tmp_path, "one"), skip_original_use=True)
    assert set(one["stages"]) == {"load base model", "data", "train", "evaluate", "report"}
    assert json.loads((tmp_path / "one" / "stages.json").read_text())["seconds"].keys() == one["stages"].keys()
    assert "Stages of the one-process experiment" in (tmp_path / "one" / "report.md").read_text()

    config = _config(tmp_path, "stages")
    finetune(config)
    evaluate(config, tmp_path / "stages")
    staged = write_report(tmp_path / "stages")

    for model in ("base", "rules", "epoch-1", "epoch-2"):
        assert _rows(tmp_path / "one", model) == _rows(tmp_path / "stages", model), model
    assert one["best"] == staged["best"] and one["headline"] == staged["headline"]


def test_training_and_adapters_leave_the_base_untouched(tmp_path):
    config = _config(tmp_path, "run")
    base = load_model(config.model)
    before = _weights(base.model)
    finetune(config, loaded=base)
    assert _weights(base.model).keys() == before.keys(), "LoRA layers were left in the base model"
    prompt = base.tokenizer(["### Input: I walk.\n### Response:\n"], return_tensors="pt")
    plain = base.model(**prompt).logits
    with adapter_slot(base) as wear, warnings.catch_warnings():
        warnings.simplefilter("error", FutureWarning)  # putting an adapter on reads nothing transformers deprecates
        with_one = wear(tmp_path / "run" / "epoch-1").model(**prompt).logits
        with_two = wear(tmp_path / "run" / "epoch-2").model(**prompt).logits
        assert not torch.equal(with_one, plain) and not torch.equal(with_two, with_one)
        assert list(wear(tmp_path / "run" / "epoch-2").model.peft_config) == ["epoch-2"]  # epoch-1 taken off
    after = _weights(base.model)
    assert after.keys() == before.keys()
    assert all(torch.equal(after[k], before[k]) for k in before)
    assert torch.equal(base.model(**prompt).logits, plain)


def test_experiment_command_writes_the_report(tmp_path, capsys):
    from babybliss.cli.commands import main

    config = _config(tmp_path, "cli")
    sets = [item for o in OVERRIDES for item in ("--set", o)]
    status = main(["experiment", "--data", config.data.path, "--out", str(tmp_path / "cli"), "--skip-original-use", *sets])
    assert status == 0
    assert (tmp_path / "cli" / "report.html").is_file() and "min in all" in capsys.readouterr().out
