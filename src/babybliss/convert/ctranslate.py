"""Decoding on a CPU with CTranslate2, an inference runtime for transformer models (PyPI wheel `ctranslate2`).

Decoding one sentence reads every weight once a token; CTranslate2 does so with int8 weights in fused C++ kernels
and no Python between the steps, about 3x faster than PyTorch's int8 path on the 2-core CPU (bench/RESULTS.md). The
model (the adapter merged into its base) is converted once and cached under the project's cache, in a folder named by
the content of the adapter and of the base model's files, so a changed adapter or base converts again.

The prompts, the instruction's cached prefix (CTranslate2's `static_prompt`), greedy decoding, the answer cap and the
stop rules (EOS, or a new `###` block, cut afterwards) are those of `generate.generate_raw`. Training, GPUs, sampling,
constrained decoding, evaluate and compare keep PyTorch."""

from __future__ import annotations

import hashlib
import logging
import time
from dataclasses import dataclass
from pathlib import Path

from babybliss.config import Config, GenerateConfig
from babybliss.errors import BlissError
from babybliss.data.prompts import STOP_MARKERS, extract_answer
from babybliss.training.models import Loaded, cache_root, prepare_tokenizer, resolve_folder

log = logging.getLogger("babybliss.convert.ctranslate")

FORMAT = 1
"""Part of every cache key: raise it when the conversion below changes, so older conversions are not reused."""
QUANTIZATION = {"int8": "int8_float32", "plain": "float32"}
"""CTranslate2's weight form for each `generate.weights`: int8 weights with float32 activations, or float32."""
MIN_PREFIX_TOKENS = 8
"""A shorter shared beginning is sent with each prompt instead of as the cached `static_prompt`."""
INSTALL = "pip install 'ctranslate2>=4.5,<5' (make setup installs it)"


class RuntimeUnavailable(BlissError):
    """CTranslate2 cannot serve this model here (not installed, or the model does not convert)."""


@dataclass
class Ct2Model:
    """A converted model loaded for decoding; `Loaded.model` of a CTranslate2 conversion."""

    generator: object
    """The `ctranslate2.Generator`."""
    folder: Path
    """The converted model's cache folder."""


def is_ctranslate2(loaded: Loaded) -> bool:
    return isinstance(loaded.model, Ct2Model)


def runtime_module():
    """The ctranslate2 package, or RuntimeUnavailable saying how to install it."""
    try:
        import ctranslate2
    except ImportError as err:
        raise RuntimeUnavailable(f"CTranslate2 is not installed ({err}); {INSTALL}") from None
    return ctranslate2


def model_sources(config: Config, adapter: str | Path | None) -> list[Path | str]:
    """What the converted model is made of: the adapter folder and the base model's folder (the folder itself for a
    fully fine-tuned one), or the base spec where it has no folder (`tiny`, made in-process from a fixed seed)."""
    from babybliss.convert.generate import adapter_config

    if adapter is not None and not (Path(adapter) / "adapter_config.json").is_file():
        return [Path(adapter)]
    model = adapter_config(adapter).model if adapter is not None else config.model
    base = resolve_folder(model.spec, model) or model.spec
    return ([Path(adapter)] if adapter is not None else []) + [base]


def cache_key(sources: list[Path | str], weights: str, version: str) -> str:
    """A digest of every file of the sources (names and bytes), the weight form and the runtime's version."""
    digest = hashlib.sha256(f"{FORMAT} {version} {weights}".encode())
    for source in sources:
        if isinstance(source, str):
            digest.update(f"spec {source}".encode())
            continue
        for path in sorted(p for p in source.rglob("*") if p.is_file()):
            digest.update(path.relative_to(source).as_posix().encode())
            with path.open("rb") as handle:
                digest.update(hashlib.file_digest(handle, "sha256").digest())
    return digest.hexdigest()[:20]


def converted_folder(config: Config, adapter: str | Path | None) -> Path:
    """The cached conversion of the adapter merged into its base (converted now if missing) for `generate.weights`."""
    from babybliss.io import atomic_dir

    ctranslate2 = runtime_module()
    weights = config.generate.weights
    key = cache_key(model_sources(config, adapter), weights, ctranslate2.__version__)
    target = cache_root(config.model) / "ctranslate2" / key
    if (target / "model.bin").is_file():
        return target
    from ctranslate2.converters import TransformersConverter

    from babybliss.convert.generate import load_for_generation

    start = time.perf_counter()
    loaded = load_for_generation(config, adapter)
    with atomic_dir(target) as tmp:
        merged = tmp / "merged"
        loaded.model.save_pretrained(merged, safe_serialization=True)
        loaded.tokenizer.save_pretrained(merged)
        try:
            TransformersConverter(str(merged)).convert(str(tmp / "model"), quantization=QUANTIZATION[weights])
        except Exception as err:  # the converter raises ValueError, KeyError... for an architecture it lacks
            raise RuntimeUnavailable(f"{loaded.source}: CTranslate2 cannot convert this model ({err!r})") from None
        for path in (tmp / "model").iterdir():
            path.rename(tmp / path.name)
        loaded.tokenizer.save_pretrained(tmp / "tokenizer")
        for path in merged.iterdir():
            path.unlink()
        merged.rmdir()
        (tmp / "model").rmdir()
    log.info("converted %s for CTranslate2 (%s weights) in %.0f s: %s", loaded.source, weights,
             time.perf_counter() - start, target)
    return target


def load_ctranslate2(config: Config, adapter: str | Path | None, threads: int = 0) -> Loaded:
    """The model of `load_for_generation(config, adapter)` as a CTranslate2 Generator on the CPU (`threads`: 0 is
    CTranslate2's default), with the adapter's tokenizer. Raises RuntimeUnavailable where it cannot be."""
    from transformers import AutoTokenizer

    from babybliss.convert.generate import with_trained_eos

    start = time.perf_counter()
    ctranslate2 = runtime_module()
    folder = converted_folder(config, adapter)
    tokenizer = prepare_tokenizer(AutoTokenizer.from_pretrained(folder / "tokenizer", local_files_only=True))
    if adapter is not None:
        tokenizer = with_trained_eos(tokenizer, Path(adapter))
    generator = ctranslate2.Generator(str(folder), device="cpu", compute_type=QUANTIZATION[config.generate.weights],
                                      intra_threads=threads)
    name = str(adapter) if adapter is not None else config.model.spec
    return Loaded(Ct2Model(generator, folder), tokenizer, name, time.perf_counter() - start)


def generate(loaded: Loaded, prompts: list[str], gen: GenerateConfig, prefix: str) -> list:
    """`generate_raw`'s outputs for `prompts`, greedy, decoded by CTranslate2 in batches of `gen.batch_size`;
    `prefix` (the prompts' fixed beginning) is decoded once and cached as the static prompt."""
    from babybliss.convert.generate import Output

    tokenizer = loaded.tokenizer
    rows = tokenizer(prompts, add_special_tokens=True)["input_ids"]
    head = tokenizer(prefix, add_special_tokens=True)["input_ids"] if prefix else []
    if len(head) < MIN_PREFIX_TOKENS or any(row[: len(head)] != head or len(row) == len(head) for row in rows):
        head = []  # a tokenizer that merges across the prefix's end: every prompt whole
    results = loaded.model.generator.generate_batch(
        [tokenizer.convert_ids_to_tokens(row[len(head):]) for row in rows],
        static_prompt=tokenizer.convert_ids_to_tokens(head) if head else None,
        max_length=gen.max_new_tokens,
        end_token=tokenizer.eos_token,
        return_end_token=True,
        include_prompt_in_result=False,
        beam_size=1,
        max_batch_size=gen.batch_size,
    )
    outputs = []
    for result in results:
        row = result.sequences_ids[0]
        ended = bool(row) and row[-1] == tokenizer.eos_token_id
        raw = tokenizer.decode(row[:-1] if ended else row, skip_special_tokens=True)
        raw, stopped = cut_at_stop(raw)
        answer, nothing_after = extract_answer(raw)
        outputs.append(Output(answer, ended and not stopped and nothing_after, raw))
    return outputs


def cut_at_stop(raw: str) -> tuple[str, bool]:
    """`raw` up to the end of its first stop marker, as PyTorch's stop criteria end it, and whether one was there."""
    found = [(raw.find(marker), marker) for marker in STOP_MARKERS if marker in raw]
    if not found:
        return raw, False
    at, marker = min(found)
    return raw[: at + len(marker)], True
