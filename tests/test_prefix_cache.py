"""The prompts' fixed beginning is computed once and reused (convert/prefix_cache.py): the answers are the ones
decoding every prompt whole gives, padding between the prefix and each prompt's rest included."""

from __future__ import annotations

from babybliss.config import Config
from babybliss.convert.generate import generate_raw
from babybliss.convert.prefix_cache import PrefixCache, cache_keyword, shared_prefix, template_prefix
from babybliss.data.prompts import build_prompt
from babybliss.training.models import load_model

SENTENCES = ["I walk.", "The old farmer is taking a taxi to work.", "We will swim in the lake tomorrow morning.", "Hi."]


def _setup():
    config = Config()
    config.model.spec = "tiny"
    config.generate.max_new_tokens = 10
    config.generate.batch_size = 3  # a short batch and a padded one
    return config, load_model(config.model)


def test_cached_prefix_gives_the_same_answers():
    config, loaded = _setup()
    prompts = [build_prompt(config.prompts, "e2b", s) for s in SENTENCES]
    prefix = template_prefix(config.prompts, "e2b")
    cache = PrefixCache(loaded.model, loaded.tokenizer)
    assert cache.batch_inputs(prefix, prompts[:2]) is not None  # the cache is really used
    whole = generate_raw(loaded, prompts, config.generate, prefix="")
    cached = generate_raw(loaded, prompts, config.generate, prefixes=cache, prefix=prefix)
    shared = generate_raw(loaded, prompts, config.generate)  # the longest shared beginning, found
    assert [o.raw for o in cached] == [o.raw for o in whole] == [o.raw for o in shared]


def test_prefix_is_the_instruction_and_falls_back_when_it_does_not_fit():
    config, loaded = _setup()
    prompts = [build_prompt(config.prompts, "b2e", s) for s in SENTENCES]
    prefix = template_prefix(config.prompts, "b2e")
    assert all(p.startswith(prefix) for p in prompts) and prefix.endswith("\n")
    assert shared_prefix(prompts).startswith(prefix) and shared_prefix(prompts[:1]) == ""
    cache = PrefixCache(loaded.model, loaded.tokenizer)
    assert cache.batch_inputs("Something else entirely\n", prompts) is None
    assert cache.batch_inputs(prompts[0], prompts[:1]) is None  # nothing left after the prefix


def test_each_row_sees_what_it_would_see_alone():
    """The next-token logits of a cached batch, padding in the middle, equal each prompt's own forward pass."""
    import torch

    config, loaded = _setup()
    prompts = [build_prompt(config.prompts, "e2b", s) for s in SENTENCES]
    prefix = template_prefix(config.prompts, "e2b")
    inputs = PrefixCache(loaded.model, loaded.tokenizer).batch_inputs(prefix, prompts)
    start = len(loaded.tokenizer(prefix)["input_ids"])
    mask = inputs["attention_mask"]
    positions = (mask.cumsum(-1) - 1).clamp(min=0)[:, start:]
    cache = {cache_keyword(): inputs[cache_keyword()]}
    with torch.inference_mode():
        batched = loaded.model(input_ids=inputs["input_ids"][:, start:], attention_mask=mask, position_ids=positions,
                               **cache).logits[:, -1]
        for row, prompt in enumerate(prompts):
            alone = loaded.model(**loaded.tokenizer([prompt], return_tensors="pt")).logits[0, -1]
            assert torch.allclose(batched[row], alone, atol=1e-4), prompt
