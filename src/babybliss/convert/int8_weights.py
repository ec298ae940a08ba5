"""Int8 weights for decoding on a CPU: every Linear layer's weight stored as int8 with one scale per output row,
multiplied by torch's int8-weight kernel (`torch._weight_int8pack_mm`, what torchao's int8 weight-only form runs
on a CPU) when a call has few rows (decoding a sentence or a few); the activations stay in the model's dtype. The
plain weight is kept for calls with more rows (a prompt's prefill, a batch of many sentences), where that kernel is
slower than the plain matmul (2.2x at 16 rows for SmolLM2's output head, 5.5x at 320: bench/RESULTS.md).

Decoding one sentence reads every weight once per token, so on a CPU it is bound by memory: int8 reads a quarter of
float32's bytes and half of bfloat16's. Unlike torch's dynamic quantisation (int8 activations too), the
activations are not rounded, so the answers stay those of the plain model (bench/RESULTS.md measures how many)."""

from __future__ import annotations

import torch

INT8_ROWS = 4
"""Calls with at most this many rows use the int8 weights (measured: 2x faster at 1 row, slower from 16)."""


class Int8WeightLinear(torch.nn.Module):
    """A Linear layer's weight as int8 rows with one scale each (symmetric, per output row)."""

    def __init__(self, linear: torch.nn.Linear):
        super().__init__()
        weight = linear.weight.detach().float()
        scales = weight.abs().amax(dim=1).clamp(min=1e-12) / 127
        self.register_buffer("weight_int8", torch.round(weight / scales[:, None]).clamp(-127, 127).to(torch.int8))
        self.register_buffer("scales", scales.to(linear.weight.dtype))
        self.weight, self.bias = linear.weight, linear.bias  # the plain ones, for calls with many rows
        self.in_features, self.out_features = linear.in_features, linear.out_features

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        flat = x.reshape(-1, self.in_features).to(self.scales.dtype)
        if flat.shape[0] > INT8_ROWS:
            return torch.nn.functional.linear(x, self.weight, self.bias)
        out = torch._weight_int8pack_mm(flat, self.weight_int8, self.scales).reshape(*x.shape[:-1], self.out_features)
        return out if self.bias is None else out + self.bias


def with_int8_weights(model: torch.nn.Module) -> torch.nn.Module:
    """`model` with every Linear layer (the output head included) replaced by an Int8WeightLinear, in place. The
    output head of a model with tied embeddings gets its own int8 copy and still shares the embedding's weight."""
    for parent in list(model.modules()):
        for name, child in list(parent.named_children()):
            if isinstance(child, torch.nn.Linear):
                setattr(parent, name, Int8WeightLinear(child))
    return model
