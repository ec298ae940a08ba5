"""The real embedded default model (SmolLM2-135M-Instruct from its GGUF wheel): load, learn to stop, convert."""

from __future__ import annotations

from pathlib import Path

import pytest

from babybliss.config import load_config
from babybliss.convert.generate import generate_raw, load_for_generation
from babybliss.training.models import default_model_folder, load_model
from babybliss.data.prompts import build_prompt
from babybliss.training.train import finetune
from conftest import write_json

pytestmark = pytest.mark.integration

PAIRS = [
    {"original": "The cat sleeps.", "bliss": "present:cat sleep."},
    {"original": "We walked home.", "bliss": "past:We walk home."},
    {"original": "She will read a book.", "bliss": "future:She read book."},
    {"original": "I am eating an apple.", "bliss": "present progressive:I eat apple."},
]


@pytest.fixture(scope="module")
def trained_run(tmp_path_factory) -> Path:
    root = tmp_path_factory.mktemp("smol")
    data = write_json(root / "pairs.json", PAIRS * 4)
    config = load_config(
        None,
        [
            f"data.path={data}",
            f"out={root / 'run'}",
            "data.validation_fraction=0",
            "data.test_fraction=0",
            "data.directions=[\"e2b\"]",
            "lora.r=8",
            "lora.alpha=16",
            "lora.dropout=0",
            "lora.target_modules=[\"all-linear\"]",
            "train.learning_rate=2e-3",
            "train.per_device_train_batch_size=4",
            "train.gradient_checkpointing=false",
            "train.max_steps=25",
            "train.warmup_ratio=0",
            "train.logging_steps=5",
            "train.save_steps=1000",
        ],
    )
    finetune(config)
    return Path(config.out)


def test_default_model_is_a_llama_with_its_tokenizer():
    folder = default_model_folder()
    assert (folder / "model.safetensors").is_file(), "the GGUF file is converted once and cached as safetensors"
    loaded = load_model(load_config(None, []).model)
    assert type(loaded.model).__name__ == "LlamaForCausalLM"
    assert loaded.tokenizer.eos_token == "<|im_end|>"
    assert loaded.model.config.num_hidden_layers == 30


def test_trained_adapter_stops_with_eos_after_a_training_answer(trained_run):
    config = load_config(trained_run / "epoch-1" / "config.resolved.toml", ["generate.max_new_tokens=24"])
    loaded = load_for_generation(config, trained_run / "epoch-1")
    prompts = [build_prompt(config.prompts, "e2b", pair["original"]) for pair in PAIRS]
    outputs = generate_raw(loaded, prompts, config.generate)
    assert all(o.clean_stop for o in outputs), [o.raw for o in outputs]
    assert sum(o.answer == p["bliss"] for o, p in zip(outputs, PAIRS)) >= 3, [o.answer for o in outputs]
