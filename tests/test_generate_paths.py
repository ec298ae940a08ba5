"""The GPU decoding paths (`generate.kv_cache = "static"`, `generate.shared_prefix`, `generate.max_batch_tokens`) give
the greedy answers of today's path (a dynamic cache, batches of `batch_size`), with and without the instruction's cached
keys and values (kept once a batch, or written into every row) and with a few-shot prefix; and token-bounded batches
keep to their bound."""

from __future__ import annotations

from dataclasses import replace

import pytest

from babybliss.config import Config, ConfigError, load_config
from babybliss.convert import static_greedy
from babybliss.convert.generate import batch_plan, generate_raw
from babybliss.convert.static_greedy import prefill_parts
from babybliss.data.prompts import Example, build_prompt, few_shot_prompt
from babybliss.training.models import load_model

SENTENCES = ["I walk.", "The old farmer is taking a taxi to work.", "We will swim in the lake tomorrow morning.", "Hi.",
             "She reads a book.", "They will paint the big red barn next summer with their friends."]
SHOTS = [Example("e2b", "I sing.", "present:I sing.", "I sing."), Example("e2b", "We ran.", "past:We run.", "We ran.")]


@pytest.fixture(scope="module")
def loaded():
    """The tiny model with its matrices drawn wide, so that each prompt gets an answer of its own (the tiny model as
    initialised answers newlines to every prompt, which no difference between two paths would change)."""
    import torch

    config = Config()
    config.model.spec = "tiny"
    tiny = load_model(config.model)
    torch.manual_seed(1)
    with torch.no_grad():
        for parameter in tiny.model.parameters():
            if parameter.dim() > 1:
                parameter.normal_(0, 0.3)
    return tiny


def _gen(**changes):
    return replace(Config().generate, **{"max_new_tokens": 12, "batch_size": 4, **changes})


@pytest.mark.parametrize("direction", ["e2b", "b2e"])
@pytest.mark.parametrize("few_shot", [False, True])
def test_static_cache_and_token_batches_answer_as_today(loaded, direction, few_shot):
    config = Config()
    prompts = [few_shot_prompt(config.prompts, direction, s, SHOTS) if few_shot else build_prompt(config.prompts, direction, s)
               for s in SENTENCES]
    today = [o.raw for o in generate_raw(loaded, prompts, _gen())]
    static = generate_raw(loaded, prompts, _gen(kv_cache="static"))  # the instruction's KV kept once a batch
    copied = generate_raw(loaded, prompts, _gen(kv_cache="static", shared_prefix=False))  # written into every row
    static_whole = generate_raw(loaded, prompts, _gen(kv_cache="static"), prefix="")  # no prefix: prefill fills it
    bounded = generate_raw(loaded, prompts, _gen(kv_cache="static", batch_size=64, max_batch_tokens=120))
    assert [o.raw for o in static] == [o.raw for o in copied] == [o.raw for o in static_whole] == today
    assert [o.raw for o in bounded] == today
    assert len(set(today)) == len(today)  # every prompt its own answer: the comparison can fail


@pytest.mark.parametrize("few_shot", [False, True])
@pytest.mark.parametrize("part_tokens", [1, 40])
def test_a_prompt_step_read_in_parts_answers_as_in_one(loaded, monkeypatch, few_shot, part_tokens):
    """Rows of like length read in parts as wide as their longest row, their keys and values then put where the
    whole batch's step writes them: the same answers as the whole batch in one step, and as today's path."""
    config = Config()
    prompts = [few_shot_prompt(config.prompts, "e2b", s, SHOTS) if few_shot else build_prompt(config.prompts, "e2b", s)
               for s in SENTENCES]
    gen = _gen(kv_cache="static", batch_size=64)
    today = [o.raw for o in generate_raw(loaded, prompts, _gen())]
    whole = [o.raw for o in generate_raw(loaded, prompts, gen)]
    planned = []
    monkeypatch.setattr(static_greedy, "PART_TOKENS", part_tokens)
    monkeypatch.setattr(static_greedy, "prefill_parts", lambda *a: planned.append(prefill_parts(*a)) or planned[-1])
    parts = [o.raw for o in generate_raw(loaded, prompts, gen)]
    assert len(planned) == 1 and len(planned[0]) > 2  # one batch, its prompt step in parts
    assert len({width for _, _, width in planned[0]}) > 1  # of different widths
    assert parts == whole == today


def test_prefill_parts_close_at_the_token_count():
    assert prefill_parts([2, 3, 3, 5, 8], 8, part_tokens=6) == [(0, 2, 3), (2, 4, 5), (4, 5, 8)]
    assert prefill_parts([2, 3, 3, 5, 8], 8, part_tokens=100) == [(0, 5, 8)]
    assert prefill_parts([4, 4], 6, part_tokens=8) == [(0, 2, 6)]  # one part: the batch's own width, as it is


def test_token_bounded_batches_keep_to_the_bound(loaded):
    tokenizer = loaded.tokenizer
    prompts = [build_prompt(Config().prompts, "e2b", s) for s in SENTENCES]
    order = sorted(range(len(prompts)), key=lambda i: len(prompts[i]))
    lengths = {i: len(tokenizer(p)["input_ids"]) for i, p in enumerate(prompts)}
    gen = _gen(batch_size=64, max_batch_tokens=3 * (max(lengths.values()) + 12))
    batches = batch_plan(order, prompts, tokenizer, gen)
    assert [i for batch in batches for i in batch] == order  # every prompt once, in length order
    assert len(batches) > 1
    for batch in batches:
        assert len(batch) * (max(lengths[i] for i in batch) + gen.max_new_tokens) <= gen.max_batch_tokens
    shared = min(lengths.values()) - 1  # rows holding all but a prefix kept once a batch: more under the same bound
    sharing = batch_plan(order, prompts, tokenizer, gen, shared)
    assert len(sharing) < len(batches) and [i for batch in sharing for i in batch] == order
    for batch in sharing:
        assert len(batch) * (max(lengths[i] for i in batch) - shared + gen.max_new_tokens) <= gen.max_batch_tokens
    assert batch_plan(order, prompts, tokenizer, _gen(batch_size=4)) == [order[:4], order[4:]]  # off: rows alone
    assert batch_plan(order, prompts, tokenizer, _gen(batch_size=64, max_batch_tokens=1)) == [[i] for i in order]


def test_the_new_settings_are_checked():
    assert load_config(None, ["generate.kv_cache=static", "generate.max_batch_tokens=4096"]).generate.kv_cache == "static"
    with pytest.raises(ConfigError, match="generate.kv_cache"):
        load_config(None, ["generate.kv_cache=paged"])
    with pytest.raises(ConfigError, match="generate.max_batch_tokens"):
        load_config(None, ["generate.max_batch_tokens=-1"])
