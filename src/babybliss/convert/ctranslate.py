"""Decoding on a CPU with CTranslate2, an inference runtime for transformer models (PyPI wheel `ctranslate2`).

Decoding one sentence reads every weight once a token; CTranslate2 does so with int8 weights in C++ kernels and no
Python between the steps (served Bliss -> English: 2.4-3x the sentences/s of PyTorch's int8 path at 16 clients on the
2-core CPU, bench/RESULTS.md). The model (the adapter merged into its base) is converted once and cached under the
project's cache, in a folder named by the content of the adapter's and the base model's files, so a changed adapter
or base converts again.

The prompts, the instruction's cached prefix (CTranslate2's `static_prompt`), greedy decoding, the answer cap and the
stop rules (EOS, or a new `###` block, cut afterwards) are those of `generate.generate_raw`; `generate` decides where
this path is used (`uses_ctranslate2`)."""

from __future__ import annotations

import hashlib
import logging
import os
import shutil
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from babybliss.config import GenerateConfig
from babybliss.errors import BlissError
from babybliss.data.prompts import STOP_MARKERS
from babybliss.training.models import Loaded, prepare_tokenizer

log = logging.getLogger("babybliss.convert.ctranslate")

FORMAT = 1
"""Part of every cache key: raise it when the conversion below changes, so older conversions are not reused."""
QUANTIZATION = {"int8": "int8_float32", "plain": "float32"}
"""CTranslate2's weight form for each `generate.weights`: int8 weights with float32 activations, or float32."""
MIN_PREFIX_TOKENS = 8
"""A shorter shared beginning is sent with each prompt instead of as the cached `static_prompt`."""
INSTALL = "pip install 'ctranslate2>=4.8,<5' (pyproject.toml's dependency; make setup installs it)"


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


def converted_folder(cache: Path, sources: list[Path | str], weights: str, merged: Callable[[], Loaded]) -> Path:
    """The cached conversion of the model made of `sources` (`cache_key`) for `weights` (int8 or plain), converted
    now from `merged()` (the adapter merged into its base) if it is missing."""
    from babybliss.io import atomic_dir

    ctranslate2 = runtime_module()
    target = cache / "ctranslate2" / cache_key(sources, weights, ctranslate2.__version__)
    if (target / "model.bin").is_file():
        return target
    from ctranslate2.converters import TransformersConverter

    start = time.perf_counter()
    loaded = merged()
    with atomic_dir(target) as tmp:
        source = tmp / "merged"
        loaded.model.save_pretrained(source, safe_serialization=True)
        loaded.tokenizer.save_pretrained(source)
        try:
            TransformersConverter(str(source)).convert(str(tmp / "model"), quantization=QUANTIZATION[weights])
        except Exception as err:  # the converter raises ValueError, KeyError... for an architecture it lacks
            raise RuntimeUnavailable(f"{loaded.source}: CTranslate2 cannot convert this model ({err!r})") from None
        for path in (tmp / "model").iterdir():
            path.rename(tmp / path.name)
        loaded.tokenizer.save_pretrained(tmp / "tokenizer")
        shutil.rmtree(source)
        (tmp / "model").rmdir()
    log.info("converted %s for CTranslate2 (%s weights) in %.0f s: %s", loaded.source, weights,
             time.perf_counter() - start, target)
    return target


def decode_workers(threads: int) -> int:
    """CTranslate2's decoders working at once (its `inter_threads`), one thread each: `threads`, or for 0 one per core.
    A batch is shared out among them; a sentence alone is decoded by one, which leaves the other cores to judge the
    answers and answer HTTP. On the quiet 2-core machine two one-thread decoders decode 22-24 sentences/s where one
    decoder of one thread does 15-16 and one of two threads 12-17 (bench/RESULTS.md)."""
    return threads or (os.cpu_count() or 1)


def load_converted(folder: Path, weights: str, threads: int = 0) -> tuple[Ct2Model, object]:
    """The converted model in `folder` as a CTranslate2 Generator on the CPU with `decode_workers(threads)` decoders of
    one thread each, and the tokenizer saved with it."""
    from transformers import AutoTokenizer

    ctranslate2 = runtime_module()
    tokenizer = prepare_tokenizer(AutoTokenizer.from_pretrained(folder / "tokenizer", local_files_only=True))
    generator = ctranslate2.Generator(str(folder), device="cpu", compute_type=QUANTIZATION[weights],
                                      intra_threads=1, inter_threads=decode_workers(threads))
    return Ct2Model(generator, folder), tokenizer


def decode(loaded: Loaded, prompts: list[str], gen: GenerateConfig, prefix: str,
           drafts: list[str] | None = None) -> list[tuple[str, bool]]:
    """Each prompt's generated text and whether it ended with EOS (not at a stop marker), greedy, in batches of
    `gen.batch_size`; `prefix` (the prompts' fixed beginning) is decoded once and cached as the static prompt.

    `drafts` (an answer guessed for each prompt, such as the rule realiser's): where there are no more prompts than
    decoders, each draft is checked in one forward pass first (`convert.drafts.checked`) and decoding goes on only
    where the model's answer is not finished there. The answers are the same either way; a sentence alone whose
    draft the model agrees with costs one pass instead of one step a token."""
    tokenizer = loaded.tokenizer
    generator = loaded.model.generator
    rows = tokenizer(prompts, add_special_tokens=True)["input_ids"]
    head = tokenizer(prefix, add_special_tokens=True)["input_ids"] if prefix else []
    if len(head) < MIN_PREFIX_TOKENS or any(row[: len(head)] != head or len(row) == len(head) for row in rows):
        head = []  # a tokenizer that merges across the prefix's end: every prompt whole
    known: list[list[int]] = [[] for _ in rows]  # each answer's first tokens, as far as they are known
    todo = list(range(len(rows)))
    if drafts is not None and checks_drafts(loaded, len(rows)):
        from babybliss.convert.drafts import checked, draft_tokens

        found = checked(generator, rows, [draft_tokens(tokenizer, d) for d in drafts], tokenizer.eos_token_id,
                        gen.max_new_tokens)
        known = [tokens for tokens, _ in found]
        todo = [i for i, (_, finished) in enumerate(found) if not finished]
    if todo:
        taken = min(len(known[i]) for i in todo)
        results = generator.generate_batch(
            [tokenizer.convert_ids_to_tokens(rows[i][len(head):] + known[i]) for i in todo],
            static_prompt=tokenizer.convert_ids_to_tokens(head) if head else None,
            max_length=gen.max_new_tokens - taken,
            end_token=tokenizer.eos_token,
            return_end_token=True,
            include_prompt_in_result=False,
            beam_size=1,
            max_batch_size=share(len(todo), gen.batch_size, generator.num_generators),
        )
        for i, result in zip(todo, results):
            known[i] = (known[i] + result.sequences_ids[0])[: gen.max_new_tokens]
    decoded = []
    for row in known:
        ended = bool(row) and row[-1] == tokenizer.eos_token_id
        raw, stopped = cut_at_stop(tokenizer.decode(row[:-1] if ended else row, skip_special_tokens=True))
        decoded.append((raw, ended and not stopped))
    return decoded


def checks_drafts(loaded: Loaded, rows: int) -> bool:
    """Whether `decode` checks drafts for a batch of `rows`: CTranslate2 with no more rows than decoders, each row
    checked on its own core (a larger batch's passes would cost as much as decoding it)."""
    return is_ctranslate2(loaded) and 0 < rows <= loaded.model.generator.num_generators


def share(rows: int, batch_size: int, workers: int) -> int:
    """The rows of one decoder's batch: the rows shared out evenly among the decoders, at most `batch_size`."""
    return max(1, min(batch_size, -(-rows // workers)))


def cut_at_stop(raw: str) -> tuple[str, bool]:
    """`raw` up to the end of its first stop marker, as PyTorch's stop criteria end it, and whether one was there."""
    found = [(raw.find(marker), marker) for marker in STOP_MARKERS if marker in raw]
    if not found:
        return raw, False
    at, marker = min(found)
    return raw[: at + len(marker)], True
