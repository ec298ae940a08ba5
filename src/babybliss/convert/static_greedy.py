"""Greedy decoding of one batch with a static KV cache, each decode step replayed as one CUDA graph on a GPU.

On a GPU, decoding a 7B model with transformers is bound by the host: each step launches some hundreds of small
kernels, and the H100 profile of a 256-row batch (bench/RESULTS.md) had 0.77 s of GPU work in 2.29 s. A static
cache keeps every tensor of a step at one address, so the step is captured once per batch as a CUDA graph and each
later step is one launch. The step's inputs live in tensors the graph owns and the graph itself moves them on: the
new token, each row's position, the mask column of the position written, and where the token goes in the answer.

The first step (the prompt's prefill) is generate's own (`prepare_inputs_for_generation`), so the prompt is read as
generate reads it, except where the prompts' shared beginning is kept apart (convert.shared_prefix): there the rows'
positions go on from the beginning's and the prefill gets its 4D mask built here too, and a large batch reads its
prompts in parts of rows of like length (`prefill_parts`), each only as wide as its own longest row, so that the
short rows' padding is not run through the model. Each later step gets its attention mask already built (4D, the
padding hidden, the cache's unwritten positions hidden), which transformers uses as it is. Rows that have stopped
keep decoding until the batch stops (no row's answer depends on another's); what comes back is what generate returns
for the batch, row by row, cut at each row's EOS, stop string or `max_new_tokens` and padded with `pad_token_id`
(tests/test_greedy.py, tests/test_generate_paths.py).
"""

from __future__ import annotations

import logging

import torch

from babybliss.convert.greedy import _transformers_model, first_step_kwargs, greedy_token
from babybliss.convert.prefix_cache import static_cache
from babybliss.convert.shared_prefix import KEYWORD, SharedPrefix, attending

log = logging.getLogger(__name__)

PART_TOKENS = 4096
"""A prompt step of a shared-beginning batch is cut into parts of rows (consecutive in the batch's length order) of at
least this many tokens, each as wide as its longest row: fewer tokens a step would leave a GPU waiting on the host."""

MASKS = {"sdpa": "bool", "eager": "additive"}
"""Attention implementations whose 4D mask this loop can build: SDPA takes True where a key is seen; eager adds 0
there and the dtype's lowest value elsewhere."""


def decodes(model) -> bool:
    """Whether this loop can decode `model` (an attention implementation whose mask it builds)."""
    return _attention(_transformers_model(model)) in MASKS


@torch.inference_mode()
def greedy_static(model, encoded: dict, cache_key: str, max_new_tokens: int, eos: int, pad: int, stop,
                  graphs: bool = False) -> list[list[int]]:
    """The new tokens of each row of `encoded` (input_ids, attention_mask and a `StaticCache` under `cache_key`, which
    may hold a prefix, or the prefix kept apart under `shared_prefix.KEYWORD`), as `model.generate(do_sample=False,
    ...)` returns them; `graphs`: replay the decode step as a CUDA graph (a CUDA model only)."""
    model = _transformers_model(model)
    shared = encoded.get(KEYWORD)
    if shared is None:
        return _decode(model, encoded, cache_key, max_new_tokens, eos, pad, stop, graphs, MASKS[_attention(model)])
    with attending(model):
        return _decode(model, encoded, cache_key, max_new_tokens, eos, pad, stop, graphs, "bool", shared)


def _decode(model, encoded: dict, cache_key: str, max_new_tokens: int, eos: int, pad: int, stop, graphs: bool,
            kind: str, shared: SharedPrefix | None = None) -> list[list[int]]:
    input_ids, prompt_mask = encoded["input_ids"], encoded["attention_mask"]
    rows, width = input_ids.shape
    kwargs, past = first_step_kwargs(model, encoded, cache_key)
    state = _DecodeState(prompt_mask, width + max_new_tokens, kind, model.dtype)
    every_step = {key: kwargs[key] for key in ("logits_to_keep", cache_key) if key in kwargs}
    if shared is None:
        inputs = model.prepare_inputs_for_generation(input_ids, next_sequence_length=width - past,
                                                     is_first_iteration=True, **kwargs)
        first = greedy_token(model(**inputs, return_dict=True).logits)
    else:  # the rows go on from the prefix: its positions come first, and every row sees all of it
        kwargs["position_ids"] = kwargs["position_ids"] + shared.length
        every_step[KEYWORD] = shared
        first = _prefill(model, input_ids, kwargs["position_ids"], state, every_step, cache_key)
    state.begin(kwargs["position_ids"], first)

    def step() -> None:
        state.seen.index_fill_(-1, state.write, True)
        logits = model(input_ids=state.token, position_ids=state.position, attention_mask=state.mask(),
                       use_cache=True, **every_step).logits
        state.advance(greedy_token(logits))

    tokens = input_ids  # prompt and answer so far, for the stop strings
    stopped = torch.zeros(rows, dtype=torch.bool, device=input_ids.device)
    ended_at = torch.full((rows,), max_new_tokens, device=input_ids.device)
    replay = None
    for count in range(1, max_new_tokens + 1):
        if count > 1:
            if replay is not None:
                replay()
            elif graphs and count < max_new_tokens:  # a graph pays from its second replay on
                replay = _captured(step)  # one real step, then the capture
            else:
                step()
        now = state.answer[:, count - 1] == eos
        if stop is not None:
            tokens = torch.cat([tokens, state.answer[:, count - 1 : count]], dim=-1)
            now = now | stop(tokens, None)
        ended_at = torch.where(now & ~stopped, count, ended_at)
        stopped = stopped | now
        if bool(stopped.all()):
            break
    answer, ended = state.answer.tolist(), ended_at.tolist()
    last = max(ended)
    return [row[:end] + [pad] * (last - end) for row, end in zip(answer, ended)]


def prefill_parts(own: list[int], width: int, part_tokens: int | None = None) -> list[tuple[int, int, int]]:
    """(first row, end row, width) of each part of a batch's prompt step: consecutive rows, a part closed once its
    rows times its widest row reach `part_tokens` (PART_TOKENS); `own` is each row's own token count."""
    part_tokens = PART_TOKENS if part_tokens is None else part_tokens
    parts, start, widest = [], 0, 0
    for row, length in enumerate(own):
        widest = max(widest, length)
        if (row + 1 - start) * widest >= part_tokens:
            parts.append((start, row + 1, widest))
            start, widest = row + 1, 0
    if start < len(own):
        parts.append((start, len(own), widest))
    return parts if len(parts) > 1 else [(0, len(own), width)]


def _prefill(model, input_ids, positions, state, every_step: dict, cache_key: str) -> torch.Tensor:
    """The prompt step of a shared-beginning batch, in parts (`prefill_parts`): each part's rows run through the
    model as wide as their longest row, into a cache of their own, whose keys and values are then put in the batch's
    cache at the prompt's last positions, where the full-width step would have written them (the padding before a
    row's tokens stays hidden by its mask). Every cache is allocated before any part runs. Returns each row's
    first greedy token."""
    rows, width = input_ids.shape
    cache, shared = every_step[cache_key], every_step[KEYWORD]
    own = state.seen[:, 0, 0, :width].sum(-1).tolist()
    parts = prefill_parts(own, width)
    if len(parts) == 1:
        inputs = {"input_ids": input_ids, "position_ids": positions, "use_cache": True,
                  "attention_mask": state.prefill_mask(width), **every_step}
        return greedy_token(model(**inputs, return_dict=True).logits)
    kv_heads, dim = shared.keys[0].shape[1], shared.keys[0].shape[-1]
    blank = shared.keys[0].new_zeros(rows, kv_heads, width, dim)
    for layer in range(len(shared.keys)):  # the batch's cache holds the prompt's positions from here on
        cache.update(blank, blank, layer)
    del blank
    caches = [static_cache(model, end - start, part_width) for start, end, part_width in parts]
    empty = shared.keys[0].new_zeros(1, kv_heads, 0, dim)
    for (start, end, _), part_cache in zip(parts, caches):
        for layer in range(len(shared.keys)):
            part_cache.update(empty.expand(end - start, -1, -1, -1), empty.expand(end - start, -1, -1, -1), layer)
    first = torch.empty(rows, dtype=torch.long, device=input_ids.device)
    mask = state.prefill_mask(width)
    for (start, end, part_width), part_cache in zip(parts, caches):
        begun = width - part_width
        inputs = {**every_step, cache_key: part_cache, "input_ids": input_ids[start:end, begun:],
                  "position_ids": positions[start:end, begun:], "use_cache": True,
                  "attention_mask": mask[start:end, :, begun:, begun:width]}
        first[start:end] = greedy_token(model(**inputs, return_dict=True).logits)
        for into, part in zip(cache.layers, part_cache.layers):
            into.keys[start:end, :, begun:width] = part.keys
            into.values[start:end, :, begun:width] = part.values
    return first


class _DecodeState:
    """The tensors a decode step reads and moves on in place (the addresses a CUDA graph keeps)."""

    def __init__(self, prompt_mask, length: int, kind: str, dtype) -> None:
        rows, width = prompt_mask.shape
        self.kind, self.dtype, self.length = kind, dtype, length
        self.seen = torch.zeros(rows, 1, 1, length, dtype=torch.bool, device=prompt_mask.device)
        self.seen[:, 0, 0, :width] = prompt_mask.bool()

    def prefill_mask(self, width: int) -> torch.Tensor:
        """The prompt's boolean 4D mask: each token sees the prompt's tokens up to itself, never the padding."""
        causal = torch.ones(width, self.length, dtype=torch.bool, device=self.seen.device).tril()
        return causal[None, None] & self.seen

    def begin(self, positions, first) -> None:
        """After the prompt's step: its greedy tokens `first`, the prompt's `positions`."""
        rows, device = first.shape[0], first.device
        self.write = torch.tensor([positions.shape[1]], device=device)  # the cache position the next token's keys go to
        self.token = first[:, None].clone()
        self.position = positions[:, -1:] + 1
        self.answer = torch.zeros(rows, self.length - positions.shape[1], dtype=torch.long, device=device)
        self.answer[:, 0] = first
        self.index = torch.tensor([1], device=device)  # where the next token goes in the answer

    def mask(self) -> torch.Tensor:
        if self.kind == "bool":
            return self.seen
        lowest = torch.finfo(self.dtype).min
        return torch.zeros(self.seen.shape, dtype=self.dtype, device=self.seen.device).masked_fill(~self.seen, lowest)

    def advance(self, token: torch.Tensor) -> None:
        self.answer.index_copy_(1, self.index, token[:, None])
        self.token.copy_(token[:, None])
        self.position.add_(1)
        self.write.add_(1)
        self.index.add_(1)


_WARNED: list[str] = []  # a failed capture is said once a process, not once a batch


def _captured(step):
    """Run `step` once for real (on a side stream, as CUDA graph warm-up wants), then capture it: the graph's replay,
    or `step` itself where the capture fails (the caller goes on step by step)."""
    side = torch.cuda.Stream()
    side.wait_stream(torch.cuda.current_stream())
    with torch.cuda.stream(side):
        step()
    torch.cuda.current_stream().wait_stream(side)
    graph = torch.cuda.CUDAGraph()
    try:
        with torch.cuda.graph(graph, capture_error_mode="thread_local"):  # a server's other threads go on
            step()
    except RuntimeError as error:  # an operation the capture cannot hold: nothing of it ran
        if not _WARNED:
            log.warning("decode step not captured as a CUDA graph (%s); decoding step by step", error)
            _WARNED.append(str(error))
        return step
    return graph.replay


def _attention(model) -> str:
    return getattr(model.config, "_attn_implementation", None) or "eager"
