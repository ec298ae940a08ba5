"""Scoring beside decoding: on a GPU, one model's answers are scored in a background thread while the next model
decodes, and the coherence model loads there while the first one decodes.

Decoding with CUDA graphs leaves the host waiting on the card most of the time, and scoring (the coherence embeddings,
chrF and BLEU, the intervals, the meaning checks) needs the host, not the decoder. Every scoring job runs in one
thread, in the order given, so each model's files are written as before and the embedding cache and the offline
environment of evaluation.metrics are only ever touched by that thread. Elsewhere (a CPU, whose decoder uses every
core; a GPU decoding step by step, bound by the host) each job runs at once where it is given, as before.
"""

from __future__ import annotations

import contextlib
from collections.abc import Callable, Iterator
from concurrent.futures import Future, ThreadPoolExecutor

from babybliss.config import GenerateConfig


def beside_decoding(gen: GenerateConfig) -> bool:
    """Whether scoring goes beside decoding: where the models decode on a GPU replaying each step as a CUDA graph
    (`generate.kv_cache = "static"`, `generate.cuda_graphs`), so the decoder mostly waits on the card. A decoder
    that launches every kernel from Python needs the host itself: a scoring thread would only take turns with it."""
    import torch

    return torch.cuda.is_available() and gen.kv_cache == "static" and gen.cuda_graphs


@contextlib.contextmanager
def scoring_lane(beside: bool) -> Iterator[Callable[..., Future]]:
    """`submit(fn, *args, **kwargs)` -> a Future of its result: run in one background thread where `beside`, else
    at once (an error raised where it is submitted). Leaving the block waits for every job."""
    if not beside:
        yield _at_once
        return
    with ThreadPoolExecutor(max_workers=1, thread_name_prefix="babybliss-scoring") as pool:
        yield pool.submit


def _at_once(fn: Callable, *args, **kwargs) -> Future:
    future: Future = Future()
    future.set_result(fn(*args, **kwargs))
    return future
