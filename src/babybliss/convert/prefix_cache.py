"""The KV cache of the prompts' fixed beginning (the instruction, and a baseline's worked examples), computed once and
reused by every batch: in a short conversion prompt that beginning is most of the tokens.

A batch is laid out as [prefix][padding][each prompt's rest]: the attention mask hides the padding, and generate
numbers positions from the mask, so every row sees exactly the tokens it would see on its own."""

from __future__ import annotations

import copy
import functools
import os
import threading

import torch

from babybliss.config import PromptConfig
from babybliss.data.prompts import build_prompt
from babybliss.convert.shared_prefix import KEYWORD, SharedPrefix

MIN_PREFIX_TOKENS = 8
"""Shorter beginnings are recomputed: copying their cache costs about what it saves."""


def shared_prefix(prompts: list[str]) -> str:
    """The longest beginning every prompt shares, cut after its last line break (where the templates' parts meet)."""
    common = os.path.commonprefix(prompts) if len(prompts) > 1 else ""
    return common[: common.rfind("\n") + 1]


def template_prefix(prompts: PromptConfig, direction: str) -> str:
    """The fixed instruction every prompt of `direction` begins with (what comes before the input's line)."""
    marker = "\x00"
    before = build_prompt(prompts, direction, marker).split(marker)[0]
    return before[: before.rfind("\n") + 1]


class PrefixCache:
    """Prefix texts' token ids and KV caches for one model (with one adapter); thread-safe."""

    def __init__(self, model, tokenizer) -> None:
        self.model, self.tokenizer = model, tokenizer
        self._entries: dict[str, tuple[list[int], object] | None] = {}
        self._lock = threading.Lock()

    def _entry(self, prefix: str):
        with self._lock:
            if prefix not in self._entries:
                ids = self.tokenizer(prefix, add_special_tokens=True)["input_ids"]
                entry = None
                if len(ids) >= MIN_PREFIX_TOKENS:
                    device = next(self.model.parameters()).device
                    with torch.inference_mode():
                        out = self.model(input_ids=torch.tensor([ids], device=device), use_cache=True)
                    entry = (ids, out.cache if cache_keyword() == "cache" else out.past_key_values)
                self._entries[prefix] = entry
            return self._entries[prefix]

    def length(self, prefix: str) -> int:
        """How many tokens of each prompt the prefix's cache holds (0 where it is not cached)."""
        entry = self._entry(prefix) if prefix else None
        return len(entry[0]) if entry is not None else 0

    def batch_inputs(self, prefix: str, prompts: list[str], static_new_tokens: int | None = None,
                     shared: bool = False) -> dict | None:
        """generate's input_ids, attention_mask and cache for `prompts`, or None when the prefix is too short or a
        prompt's tokens do not begin with the prefix's own (a tokenizer that merges across the line break).

        `static_new_tokens`: the cache is a static one with room for that many new tokens, the prefix's keys and
        values written into every row of it; else a dynamic cache, the prefix's copied for every row. `shared` (with
        `static_new_tokens`): the rows hold only their own tokens, and the prefix's keys and values are kept once
        under `shared_prefix.KEYWORD` for attention that reads them once a batch (convert.shared_prefix)."""
        entry = self._entry(prefix) if prefix else None
        if entry is None:
            return None
        ids, cache = entry
        full = self.tokenizer(prompts, add_special_tokens=True)["input_ids"]
        start = len(ids)
        if any(row[:start] != ids or len(row) == start for row in full):
            return None
        rests = [row[start:] for row in full]
        width = max(len(rest) for rest in rests)
        pad = self.tokenizer.pad_token_id
        device = next(self.model.parameters()).device
        own_ids = [[pad] * (width - len(rest)) + rest for rest in rests]  # each row's own tokens, left-padded
        own_mask = [[0] * (width - len(rest)) + [1] * len(rest) for rest in rests]
        if shared and static_new_tokens is not None:
            return {
                "input_ids": torch.tensor(own_ids, device=device),
                "attention_mask": torch.tensor(own_mask, device=device),
                cache_keyword(): static_cache(self.model, len(prompts), width + static_new_tokens),
                KEYWORD: SharedPrefix.of(cache),
            }
        if static_new_tokens is None:
            batch_cache = copy.deepcopy(cache)
            batch_cache.batch_repeat_interleave(len(prompts))
        else:
            batch_cache = static_cache(self.model, len(prompts), start + width + static_new_tokens, cache)
        return {
            "input_ids": torch.tensor([ids + row for row in own_ids], device=device),
            "attention_mask": torch.tensor([[1] * start + row for row in own_mask], device=device),
            cache_keyword(): batch_cache,
        }


def static_cache(model, rows: int, length: int, prefix=None):
    """A static KV cache of `length` positions (allocated at its first write, `rows` rows); `prefix`, a one-row cache,
    written into the first positions of every row."""
    from transformers import StaticCache

    cache = StaticCache(config=model.config, max_cache_len=length)
    for index, layer in enumerate(prefix.layers if prefix is not None else []):
        cache.update(layer.keys.expand(rows, -1, -1, -1), layer.values.expand(rows, -1, -1, -1), index)
    return cache


@functools.lru_cache(maxsize=1)
def cache_keyword() -> str:
    """generate's name for a KV cache handed in: `cache` since transformers 5.24 (`past_key_values` is deprecated
    there); earlier 5.x releases know only `past_key_values`."""
    import transformers
    from packaging.version import Version

    return "cache" if Version(transformers.__version__) >= Version("5.24") else "past_key_values"
