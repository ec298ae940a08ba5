"""One base model in memory, each epoch's LoRA adapter put on it and taken off again (PEFT's LoRA tuner, `lora`).

Evaluating a sweep this way loads the base once and copies nothing: an adapter is a few MB of LoRA matrices beside
the frozen base weights, which are never changed (no merge, so nothing is rounded back either)."""

from __future__ import annotations

import contextlib
import copy
from collections.abc import Callable, Iterator
from pathlib import Path

from babybliss.convert.generate import with_trained_eos
from babybliss.convert.lora import add_lora, lora_on
from babybliss.training.models import Loaded


@contextlib.contextmanager
def adapter_slot(base: Loaded) -> Iterator[Callable[[str | Path], Loaded]]:
    """Yield `wear(folder)`: the base model with that folder's adapter on, the one worn before taken off. On exit
    every adapter is taken off and `base.model` is the plain base model again."""
    worn: dict[str, object] = {"model": None, "name": None}

    def wear(folder: str | Path) -> Loaded:
        folder = Path(folder)
        name = folder.name.replace(".", "_")
        model, before = worn["model"], worn["name"]
        if name == before:
            pass  # already on
        elif model is None:
            model = lora_on(base.model, folder, name)
        else:
            add_lora(model, folder, name)
            model.set_adapter(name)
            model.delete_adapter(before)
        worn.update(model=model, name=name)
        tokenizer = with_trained_eos(copy.copy(base.tokenizer), folder)
        return Loaded(model.eval(), tokenizer, str(folder), base.seconds, base.quantized)

    try:
        yield wear
    finally:
        if worn["model"] is not None:
            base.model = worn["model"].unload()
