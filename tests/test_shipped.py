"""The adapter that ships with babybliss (babybliss.convert.shipped): found in the package, chosen where a model
converts and no other was named, scored by evaluate, and (integration) it converts with the real default model."""

from __future__ import annotations

import json
import shutil

import pytest

from babybliss.config import DEFAULT_SPEC, load_config
from babybliss.convert import shipped
from babybliss.convert.generate import adapter_config

CARD_FIELDS = ("**Data:**", "**Config and command:**", "**Revision:**", "**Metrics**")


def test_the_adapter_ships_with_its_card_and_config():
    folder = shipped.shipped_adapter()
    assert folder is not None and (folder / "adapter_model.safetensors").stat().st_size > 1_000_000
    card = (folder / "CARD.md").read_text(encoding="utf-8")
    assert all(field in card for field in CARD_FIELDS)
    trained = adapter_config(folder)
    assert trained.model.spec == DEFAULT_SPEC and trained.model.dtype == "auto"
    assert "release-gpu" in card and "generated:48000" in trained.data.extra_train
    assert json.loads((folder / "adapter_config.json").read_text())["base_model_name_or_path"] == DEFAULT_SPEC


def test_the_adapter_was_trained_by_the_release_recipe_it_names():
    """The config beside the adapter is configs/release-gpu.toml's recipe: its data, LoRA and training settings."""
    from babybliss.cli.commands import shipped_config

    trained, recipe = adapter_config(shipped.shipped_adapter()), load_config(shipped_config("release-gpu"))
    assert trained.data.extra_train == recipe.data.extra_train and trained.lora == recipe.lora
    assert trained.train.per_device_train_batch_size == recipe.train.per_device_train_batch_size
    assert (trained.train.learning_rate, trained.train.epochs) == (recipe.train.learning_rate, recipe.train.epochs)


def test_the_card_says_how_generate_decodes_by_default():
    """The card's decoding default is the config's (it once said constrained while the default was unconstrained)."""
    from babybliss.config import GenerateConfig

    card = (shipped.shipped_adapter() / "CARD.md").read_text(encoding="utf-8")
    default = str(GenerateConfig().constrain).lower()
    assert f"`generate.constrain = {default}`" in card
    assert "constrained, the config's default" not in card


def test_the_shipped_adapter_is_used_unless_another_is_named(monkeypatch, tmp_path):
    monkeypatch.setattr(shipped, "shipped_adapter", lambda: tmp_path)
    assert shipped.resolve_adapter(None, DEFAULT_SPEC) == str(tmp_path)
    assert shipped.resolve_adapter("runs/x/epoch-2", DEFAULT_SPEC) == "runs/x/epoch-2"
    assert shipped.resolve_adapter(shipped.NO_ADAPTER, DEFAULT_SPEC) is None
    assert shipped.resolve_adapter(None, DEFAULT_SPEC, model_given=True) is None  # --model: that model, un-tuned
    assert shipped.resolve_adapter(None, "gemma3-270m") is None  # trained on another base


@pytest.fixture
def shipped_tiny(tiny_run, monkeypatch):
    """The tiny run's adapter stands in for the shipped one, for the tiny model."""
    adapter = tiny_run / "epoch-1"
    monkeypatch.setattr(shipped, "shipped_for", lambda spec: adapter if spec == "tiny" else None)
    monkeypatch.setattr("babybliss.evaluation.evaluate.shipped_for", shipped.shipped_for)
    return adapter


def test_serve_converts_bliss_to_english_with_the_shipped_adapter(shipped_tiny):
    from babybliss.serve import app as serve

    converters = serve.choose_converters(load_config(None, ["model.spec=tiny"]), None, False)
    assert "not fine-tuned" not in converters["b2e"].name and "fine-tuned" in converters["b2e"].name
    assert isinstance(converters["e2b"], serve.RuleConverter)  # the default English -> Bliss system is unchanged
    base = serve.choose_converters(load_config(None, ["model.spec=tiny"]), shipped.NO_ADAPTER, False)
    assert "not fine-tuned" in base["b2e"].name


def test_generate_uses_the_shipped_adapter(shipped_tiny, monkeypatch, capsys):
    from babybliss.cli.commands import main

    used = []
    monkeypatch.setattr("babybliss.convert.generate.load_for_generation",
                        lambda config, adapter=None, base=None: used.append(adapter) or _raise())
    torch = ["--set", "generate.runtime=torch"]  # CTranslate2 may find the conversion cached and never load it
    assert main(["generate", "--set", "model.spec=tiny", *torch, "--direction", "b2e", "past:dog bark."]) != 0
    assert main(["generate", "--set", "model.spec=tiny", *torch, "--adapter", "none", "--direction", "b2e",
                 "past:dog bark."]) != 0
    assert used == [str(shipped_tiny), None]


def _raise():
    raise FileNotFoundError("stop here: the adapter was chosen")


def test_evaluate_scores_the_shipped_adapter(shipped_tiny, tiny_run, tmp_path, monkeypatch):
    from babybliss.evaluation import evaluate as evaluation
    from babybliss.evaluation.evaluate import SHIPPED, evaluate

    loads = []
    for name in ("load_model", "load_for_generation"):
        real = getattr(evaluation, name)
        monkeypatch.setattr(evaluation, name, lambda *a, real=real, name=name, **k: loads.append(name) or real(*a, **k))
    run = tmp_path / "run"
    shutil.copytree(tiny_run, run)
    config = load_config(run / "config.resolved.toml", [f"out={run}", "evaluate.base_model=false", "evaluate.rules=false",
                                                        "evaluate.novel=false", "evaluate.max_examples=2",
                                                        "generate.max_new_tokens=4"])
    names = [r["model"] for r in evaluate(config, run)]
    assert names == [SHIPPED, "epoch-1"]
    assert loads == ["load_model"]  # one base for both: the shipped adapter and epoch-1 are put on it in turn
    assert (run / "eval" / SHIPPED / "metrics.json").is_file()
    again = tmp_path / "again"
    shutil.copytree(tiny_run, again)
    off = load_config(again / "config.resolved.toml", [f"out={again}", "evaluate.base_model=false", "evaluate.rules=false",
                                                       "evaluate.novel=false", "evaluate.max_examples=2",
                                                       "generate.max_new_tokens=4", "evaluate.shipped_adapter=false"])
    assert [r["model"] for r in evaluate(off, again)] == ["epoch-1"]


@pytest.mark.integration
def test_the_shipped_adapter_converts_with_the_default_model():
    from babybliss.convert.generate import convert, load_for_generation

    folder = shipped.shipped_adapter()
    config = load_config(None, ["generate.max_new_tokens=24", "generate.constrain=false"])
    loaded = load_for_generation(config, folder)
    prompts = adapter_config(folder).prompts
    e2b = [o.answer for o in convert(loaded, prompts, "e2b", ["We walked home yesterday.", "The cat sleeps."], config.generate)]
    assert e2b == ["past:We walk home yesterday.", "present:cat sleep."]
    (b2e,) = convert(loaded, prompts, "b2e", ["past:We walk home yesterday."], config.generate)
    assert "walked" in b2e.answer and ":" not in b2e.answer and b2e.clean_stop


def test_an_adapter_stops_at_the_eos_it_was_trained_with(tmp_path):
    from babybliss.convert.generate import with_trained_eos
    from babybliss.training.models import tiny_tokenizer

    (tmp_path / "prompt.json").write_text(json.dumps({"eos_token": "<s>"}))
    tokenizer = with_trained_eos(tiny_tokenizer(), tmp_path)
    assert tokenizer.eos_token == "<s>" and tokenizer.eos_token_id == tokenizer.convert_tokens_to_ids("<s>")
    assert with_trained_eos(tiny_tokenizer(), tmp_path / "elsewhere").eos_token == "</s>"  # no prompt.json: as it was
