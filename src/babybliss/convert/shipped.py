"""The adapter that ships in the package: the embedded default model (SmolLM2-135M) fine-tuned with
`configs/release-gpu.toml` (adapters/smollm2-135m/CARD.md says on what, how, and how well).

`generate`, `serve`, `evaluate` and `compare` use it wherever a model converts and no other was named: Bliss ->
English always, English -> Bliss where a model or the hybrid is asked for."""

from __future__ import annotations

from importlib import resources
from pathlib import Path

from babybliss.config import DEFAULT_SPEC

NO_ADAPTER = "none"
"""`--adapter none`: the base model, un-tuned, instead of the shipped adapter."""


def shipped_adapter() -> Path | None:
    """The shipped adapter folder, or None where the package was built without it."""
    folder = Path(str(resources.files("babybliss.convert") / "adapters" / DEFAULT_SPEC))
    return folder if (folder / "adapter_model.safetensors").is_file() else None


def shipped_for(spec: str) -> Path | None:
    """The shipped adapter when `spec` is the model it was trained on, else None."""
    return shipped_adapter() if spec == DEFAULT_SPEC else None


def resolve_adapter(adapter: str | None, spec: str, model_given: bool = False) -> str | None:
    """The adapter a command uses: the one named (`none`: no adapter), else the shipped one when the model is the
    embedded default and no other model was named."""
    if adapter == NO_ADAPTER:
        return None
    if adapter:
        return adapter
    found = None if model_given else shipped_for(spec)
    return str(found) if found else None
