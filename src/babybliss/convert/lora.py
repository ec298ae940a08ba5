"""A saved LoRA adapter put on a model with PEFT's LoRA tuner alone, for decoding.

`PeftModel` (what `PeftModel.from_pretrained` builds) reads the model's `is_gradient_checkpointing`, which
transformers 5 deprecates: a FutureWarning on every load of an adapter, from a check that prepares training. Decoding
needs only the tuner under it (`LoraModel`: the LoRA layers, switching and merging adapters), which never reads it;
the weights are the same and so is every logit."""

from __future__ import annotations

from pathlib import Path

SAVED_PREFIX = "base_model."
"""What a saved adapter's keys start with (they were written from a PeftModel); the tuner's keys start after it."""


def _load(tuner, folder: Path, name: str) -> None:
    from peft.utils import load_peft_weights, set_peft_model_state_dict

    weights = {key.removeprefix(SAVED_PREFIX): value for key, value in load_peft_weights(str(folder)).items()}
    result = set_peft_model_state_dict(tuner, weights, adapter_name=name)
    missing = [key for key in result.missing_keys if "lora_" in key and f".{name}." in key]
    if result.unexpected_keys or missing:
        raise ValueError(f"{folder}: the adapter's weights do not fit the model ({len(result.unexpected_keys)} "
                         f"unexpected, {len(missing)} missing)")


def _config(folder: Path):
    from peft import PeftConfig

    config = PeftConfig.from_pretrained(str(folder))
    config.inference_mode = True  # frozen, as PeftModel.from_pretrained(is_trainable=False) leaves it
    return config


def lora_on(model, folder: str | Path, name: str = "default"):
    """The tuner (a `LoraModel`, used as the model) with `folder`'s adapter on `model`, in place."""
    from peft import LoraModel

    folder = Path(folder)
    tuner = LoraModel(model, {name: _config(folder)}, name)
    _load(tuner, folder, name)
    return tuner


def add_lora(tuner, folder: str | Path, name: str) -> None:
    """Another adapter on the tuner's model, beside those already on it (`tuner.set_adapter` switches to it)."""
    folder = Path(folder)
    tuner.peft_config[name] = _config(folder)
    tuner.inject_adapter(tuner.model, name)
    _load(tuner, folder, name)
