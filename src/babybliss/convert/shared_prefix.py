"""Attention that reads a batch's shared prompt beginning once, for the static-cache greedy loop (convert.static_greedy).

Every prompt of a batch begins with the same tokens: the instruction (22 of a plain prompt's ~36 tokens) and, for the
un-tuned base, three worked examples (164 of ~200). Written into every row of the KV cache, that beginning is stored
and read once per row at every decode step: on a GPU the decode step's attention runs at memory speed, so the 3-shot
base read 3.5 times the keys and values its rows' own tokens need, and fitted 290 rows where 726 fit without it.

Here the cache holds each row's own tokens only, and the beginning's keys and values are kept once (a one-row cache,
[1, kv heads, P, head dim] a layer, computed once by convert.prefix_cache). Each layer's queries are scored against
both, the two sets of scores are put side by side, and one softmax over them weighs the values of both: the same sums
as attention over the row laid out as [beginning][row], as eager attention computes them (the scores in the model's
dtype, scaled and weighed in float32). No row's softmax is empty, since every row sees the whole beginning.

The row positions go on from the beginning's length, so rotary positions are those of the whole prompt. Only models
whose layers all attend over the whole sequence use it (no sliding window, no soft cap); others keep the beginning
copied into the cache.
"""

from __future__ import annotations

import contextlib
from dataclasses import dataclass

import torch

from babybliss.convert.greedy import _transformers_model

NAME = "babybliss_shared_prefix"
"""The attention implementation's name in transformers' AttentionInterface while a batch decodes this way."""

KEYWORD = "shared_prefix"
"""The model-call keyword (passed through every layer to its attention function) and the batch inputs' key."""


@dataclass
class SharedPrefix:
    """The beginning's keys and values, one [1, kv heads, length, head dim] tensor a layer."""

    keys: list[torch.Tensor]
    values: list[torch.Tensor]

    @property
    def length(self) -> int:
        return self.keys[0].shape[-2]

    @classmethod
    def of(cls, cache) -> SharedPrefix:
        """From the one-row cache of the beginning's forward pass."""
        return cls([layer.keys for layer in cache.layers], [layer.values for layer in cache.layers])


def shares(model) -> bool:
    """Whether this model's attention can be computed this way (every layer full attention, no soft cap)."""
    model = _transformers_model(model)
    config = model.config
    if getattr(config, "sliding_window", None) is not None or getattr(config, "attn_logit_softcapping", None):
        return False
    kinds = set(getattr(config, "layer_types", None) or ["full_attention"])
    return kinds == {"full_attention"} and hasattr(model, "set_attn_implementation")


def attention(module, query, key, value, attention_mask, dropout: float = 0.0, scaling: float | None = None,
              shared_prefix: SharedPrefix | None = None, **kwargs):
    """transformers' attention-function contract: `query` [rows, heads, q, d]; `key`, `value` the row's cache
    [rows, kv heads, length, d]; `attention_mask` a boolean [rows, 1, q, length] (True where a key is seen); returns
    ([rows, q, heads, d], None)."""
    if shared_prefix is None:
        raise RuntimeError(f"{NAME} attention needs the `{KEYWORD}` keyword")
    rows, heads, width, dim = query.shape
    kv_heads = key.shape[1]
    group = heads // kv_heads  # query head h reads kv head h // group (transformers' repeat_kv)
    prefix_keys, prefix_values = shared_prefix.keys[module.layer_idx][0], shared_prefix.values[module.layer_idx][0]
    begun = prefix_keys.shape[-2]
    scaling = dim**-0.5 if scaling is None else scaling
    queries = query.reshape(rows, kv_heads, group * width, dim)
    # the beginning's keys read once: every row's queries of one kv head in a single matrix product
    flat = queries.transpose(0, 1).reshape(kv_heads, rows * group * width, dim)
    on_prefix = torch.matmul(flat, prefix_keys.transpose(-1, -2)).view(kv_heads, rows, group * width, begun)
    on_rows = torch.matmul(queries, key.transpose(-1, -2))
    hidden = ~attention_mask[:, :, None]  # [rows, 1, 1, q, length], broadcast over kv heads and groups
    on_rows = on_rows.view(rows, kv_heads, group, width, -1).masked_fill(hidden, float("-inf"))
    scores = torch.cat([on_prefix.transpose(0, 1), on_rows.view(rows, kv_heads, group * width, -1)], dim=-1)
    weights = torch.softmax(scores.float() * scaling, dim=-1).to(value.dtype)
    from_prefix = torch.matmul(weights[..., :begun].transpose(0, 1).reshape(kv_heads, rows * group * width, begun),
                               prefix_values)
    out = from_prefix.view(kv_heads, rows, group * width, dim).transpose(0, 1) + torch.matmul(weights[..., begun:], value)
    return out.reshape(rows, heads, width, dim).transpose(1, 2).contiguous(), None


@contextlib.contextmanager
def attending(model):
    """`model` (a transformers model) computing attention this way inside the block, its own way again after it."""
    from transformers import AttentionInterface

    AttentionInterface.register(NAME, attention)
    own = model.config._attn_implementation
    model.set_attn_implementation(NAME)
    try:
        yield
    finally:
        model.set_attn_implementation(own)
