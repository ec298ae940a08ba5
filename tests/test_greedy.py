"""Greedy decoding that drops each row at its stop (convert/greedy.py) returns generate's tokens, row by row: with and
without the prefix cache, rows ending by EOS, by a stop string and by max_new_tokens at different steps, and a batch
without padding (generate drops its mask)."""

from __future__ import annotations

import torch
from transformers import StoppingCriteriaList, StopStringCriteria

from babybliss.config import Config
from babybliss.convert.generate import generate_raw, stop_criteria
from babybliss.convert.greedy import greedy_rows
from babybliss.convert.prefix_cache import PrefixCache, cache_keyword, static_cache, template_prefix
from babybliss.convert.static_greedy import greedy_static
from babybliss.data.prompts import build_prompt
from babybliss.training.models import load_model

SENTENCES = ["I walk.", "The old farmer is taking a taxi to work.", "We will swim in the lake tomorrow morning.", "Hi.",
             "She reads.", "They will paint the fence blue next week.", "Go!", "The cat sleeps on the warm mat today."]


def _loaded():
    """The tiny model with large random weights: a freshly initialised one writes one token over and over."""
    config = Config()
    config.model.spec = "tiny"
    loaded = load_model(config.model)
    seeded = torch.Generator().manual_seed(0)
    with torch.no_grad():
        for weight in loaded.model.parameters():
            weight.copy_(torch.randn(weight.shape, generator=seeded) * 0.5)
    return loaded, config


def _batch(loaded, prompts: list[str], cached: bool, prefix: str) -> dict:
    if cached:
        return PrefixCache(loaded.model, loaded.tokenizer).batch_inputs(prefix, prompts)
    loaded.tokenizer.padding_side = "left"
    return dict(loaded.tokenizer(prompts, return_tensors="pt", padding=True))


def _by_generate(loaded, encoded: dict, max_new_tokens: int, eos: int, stop) -> list[list[int]]:
    with torch.inference_mode():
        out = loaded.model.generate(**encoded, max_new_tokens=max_new_tokens, eos_token_id=eos, do_sample=False,
                                    pad_token_id=loaded.tokenizer.pad_token_id, stopping_criteria=stop)
    return out[:, encoded["input_ids"].shape[1]:].tolist()


def _frequent_tokens(loaded, prompts: list[str]) -> list[int]:
    """Tokens the random tiny model writes often, most often first: used as EOS and as a stop string."""
    encoded = _batch(loaded, prompts, False, "")
    tokens = [t for row in _by_generate(loaded, encoded, 12, None, None) for t in row]
    return sorted(set(tokens), key=lambda t: (-tokens.count(t), t))


def _first(row: list[int], token: int) -> int | None:
    return row.index(token) if token in row else None


def _stopping_at_different_steps():
    """The random tiny model, e2b prompts and their instruction, and two tokens it writes often: one to be EOS, one
    whose text is a stop string (`stop_string`), so rows end at different steps and in each way."""
    loaded, config = _loaded()
    prompts = [build_prompt(config.prompts, "e2b", s) for s in SENTENCES]
    eos, stopping = _frequent_tokens(loaded, prompts)[:2]
    stop_string = StoppingCriteriaList([StopStringCriteria(loaded.tokenizer, [loaded.tokenizer.decode([stopping])])])
    return loaded, prompts, template_prefix(config.prompts, "e2b"), eos, stopping, stop_string


def test_the_same_tokens_as_generate_rows_stopping_at_different_steps():
    loaded, prompts, prefix, eos, stopping, stop_string = _stopping_at_different_steps()
    pad = loaded.tokenizer.pad_token_id
    for cached in (False, True):
        for stop in (None, stop_criteria(loaded.tokenizer), stop_string):
            expected = _by_generate(loaded, _batch(loaded, prompts, cached, prefix), 12, eos, stop)
            got = greedy_rows(loaded.model, _batch(loaded, prompts, cached, prefix), cache_keyword(), 12, eos, pad, stop)
            assert got == expected, (cached, stop)
            assert len({_first(row, eos) for row in got}) > 2  # rows really left the batch at different steps
            if stop is stop_string:
                assert any(_first(row, stopping) is not None and _first(row, eos) is None for row in got)


def test_a_batch_without_padding_and_one_row():
    loaded, config = _loaded()
    same_length = [build_prompt(config.prompts, "b2e", s) for s in ("I walk.", "We run.")]
    eos, pad = loaded.tokenizer.eos_token_id, loaded.tokenizer.pad_token_id
    encoded = _batch(loaded, same_length, False, "")
    assert bool((encoded["attention_mask"] == 1).all())
    for prompts in (same_length, same_length[:1]):
        expected = _by_generate(loaded, _batch(loaded, prompts, False, ""), 9, eos, None)
        assert greedy_rows(loaded.model, _batch(loaded, prompts, False, ""), cache_keyword(), 9, eos, pad, None) == expected


def test_generate_raw_decodes_greedy_batches_this_way(monkeypatch):
    """generate_raw's greedy answers come from greedy_rows and equal what generate gives in its place."""
    from babybliss.convert import generate as module

    loaded, config = _loaded()
    config.generate.max_new_tokens = 10
    config.generate.batch_size = 3
    prompts = [build_prompt(config.prompts, "e2b", s) for s in SENTENCES]
    calls = []
    monkeypatch.setattr(module, "greedy_rows", lambda *a, **k: calls.append(1) or greedy_rows(*a, **k))
    answers = generate_raw(loaded, prompts, config.generate)
    assert len(calls) == 3

    def by_generate(model, encoded, key, max_new_tokens, eos, pad, stop):
        return _by_generate(loaded, encoded, max_new_tokens, eos, stop)

    monkeypatch.setattr(module, "greedy_rows", by_generate)
    assert [o.raw for o in generate_raw(loaded, prompts, config.generate)] == [o.raw for o in answers]


def test_a_model_whose_generation_config_sets_a_processor_keeps_generate(monkeypatch):
    from babybliss.convert import generate as module

    loaded, config = _loaded()
    config.generate.max_new_tokens = 4
    calls = []
    monkeypatch.setattr(module, "greedy_rows", lambda *a, **k: calls.append(1) or greedy_rows(*a, **k))
    loaded.model.generation_config.repetition_penalty = 1.3
    generate_raw(loaded, [build_prompt(config.prompts, "e2b", "I walk.")], config.generate)
    assert calls == []
    loaded.model.generation_config.repetition_penalty = 1.0
    generate_raw(loaded, [build_prompt(config.prompts, "e2b", "I walk.")], config.generate)
    assert calls == [1]


def _static_batch(loaded, prompts: list[str], cached: bool, prefix: str, max_new_tokens: int, shared: bool = False) -> dict:
    if cached:
        return PrefixCache(loaded.model, loaded.tokenizer).batch_inputs(prefix, prompts, static_new_tokens=max_new_tokens,
                                                                        shared=shared)
    encoded = _batch(loaded, prompts, False, "")
    encoded[cache_keyword()] = static_cache(loaded.model, len(prompts), encoded["input_ids"].shape[1] + max_new_tokens)
    return encoded


def test_the_static_cache_loop_gives_generates_tokens():
    """greedy_static against generate with the same static cache: rows ending by EOS, by a stop string and by
    max_new_tokens at different steps, with and without the prefix written into the cache, or the prefix kept apart
    and read once a batch (convert.shared_prefix), eager and SDPA masks."""
    loaded, prompts, prefix, eos, stopping, stop_string = _stopping_at_different_steps()
    pad = loaded.tokenizer.pad_token_id
    for attention in ("sdpa", "eager"):
        loaded.model.config._attn_implementation = attention
        for cached, shared in ((False, False), (True, False), (True, True)):
            for stop in (None, stop_string):
                expected = _by_generate(loaded, _static_batch(loaded, prompts, cached, prefix, 12), 12, eos, stop)
                got = greedy_static(loaded.model, _static_batch(loaded, prompts, cached, prefix, 12, shared),
                                    cache_keyword(), 12, eos, pad, stop)
                assert got == expected, (attention, cached, shared, stop)
                assert len({_first(row, eos) for row in got}) > 2
                assert loaded.model.config._attn_implementation == attention  # its own attention again after
    assert expected == _by_generate(loaded, _batch(loaded, prompts, True, prefix), 12, eos, stop)  # as a dynamic cache


def test_generate_raw_decodes_static_batches_with_the_static_loop(monkeypatch):
    from babybliss.convert import generate as module

    loaded, config = _loaded()
    config.generate.max_new_tokens = 6
    config.generate.kv_cache = "static"
    calls = []
    monkeypatch.setattr(module, "greedy_static", lambda *a, **k: calls.append(k["graphs"]) or greedy_static(*a, **k))
    prompts = [build_prompt(config.prompts, "e2b", s) for s in SENTENCES[:3]]
    answers = generate_raw(loaded, prompts, config.generate)
    assert calls == [False]  # a CPU model: step by step
    config.generate.kv_cache = "dynamic"
    assert [o.raw for o in generate_raw(loaded, prompts, config.generate)] == [o.raw for o in answers]


def test_a_step_the_capture_cannot_hold_is_decoded_step_by_step(monkeypatch, caplog):
    """Where CUDA graph capture fails (an operation it cannot hold), the real step has run once and later steps run
    step by step; the warning is given once a process. CUDA itself is stood in for: this machine has none."""
    from contextlib import nullcontext

    from babybliss.convert import static_greedy

    class Stream:
        def wait_stream(self, other):
            pass

    def refusing_capture(*args, **kwargs):
        raise RuntimeError("operation not permitted when stream is capturing")

    monkeypatch.setattr(torch.cuda, "Stream", Stream)
    monkeypatch.setattr(torch.cuda, "current_stream", Stream)
    monkeypatch.setattr(torch.cuda, "stream", lambda stream: nullcontext())
    monkeypatch.setattr(torch.cuda, "CUDAGraph", object)
    monkeypatch.setattr(torch.cuda, "graph", refusing_capture)
    monkeypatch.setattr(static_greedy, "_WARNED", [])
    ran = []
    replay = static_greedy._captured(lambda: ran.append(1))
    assert ran == [1]  # the warm-up step is a real one
    replay()
    assert ran == [1, 1]
    static_greedy._captured(lambda: None)
    assert sum("not captured" in r.message for r in caplog.records) == 1
