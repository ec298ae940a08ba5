"""Export an epoch's adapter alone, or merged into its base model as a plain Hugging Face folder."""

from __future__ import annotations

import shutil
from pathlib import Path

from babybliss.convert.generate import adapter_config, load_for_generation
from babybliss.io import atomic_dir
from babybliss.training.train import PROMPT_FILE


def export(adapter: str | Path, out: str | Path, merge: bool = False) -> Path:
    """Copy the adapter folder, or save base+adapter merged (safetensors) so that transformers alone loads it."""
    adapter, out = Path(adapter), Path(out)
    config = adapter_config(adapter)
    with atomic_dir(out) as tmp:
        if merge:
            loaded = load_for_generation(config, adapter)
            loaded.model.save_pretrained(tmp, safe_serialization=True)
            loaded.tokenizer.save_pretrained(tmp)
            for name in (PROMPT_FILE, "config.resolved.toml"):
                shutil.copy2(adapter / name, tmp / name)
        else:
            shutil.copytree(adapter, tmp, dirs_exist_ok=True)
    return out
