from __future__ import annotations

import json

import pytest
import torch

from babybliss.errors import BlissError
from babybliss.config import Config, GenerateConfig
from babybliss.convert.generate import Output, convert, generate_raw, read_inputs, stop_criteria
from babybliss.training.models import Loaded, tiny_model, tiny_tokenizer
from babybliss.data.prompts import build_prompt

PROMPTS = [
    "A fairly long prompt that goes on for a while, longer than the others.",
    "Hi",
    "A middle-sized prompt.",
    "xyz",
    "Another long prompt, also somewhat long but not the longest of them all.",
]


def _loaded() -> Loaded:
    tokenizer = tiny_tokenizer()
    return Loaded(tiny_model(tokenizer).eval(), tokenizer, "tiny", 0.0)


@pytest.fixture(scope="module")
def loaded() -> Loaded:
    return _loaded()


def _spy_generate(monkeypatch, loaded: Loaded) -> list[tuple[int, int]]:
    """Record (prompt length, output length) of every batch decoded: by model.generate (sampling) or by
    convert.greedy (greedy)."""
    from babybliss.convert import generate as module

    calls: list[tuple[int, int]] = []
    real, real_greedy = loaded.model.generate, module.greedy_rows

    def spy(*args, **kwargs):
        out = real(*args, **kwargs)
        calls.append((kwargs["input_ids"].shape[1], out.shape[1]))
        return out

    def spy_greedy(model, encoded, *args):
        rows = real_greedy(model, encoded, *args)
        calls.append((encoded["input_ids"].shape[1], encoded["input_ids"].shape[1] + len(rows[0])))
        return rows

    monkeypatch.setattr(loaded.model, "generate", spy)
    monkeypatch.setattr(module, "greedy_rows", spy_greedy)
    return calls


def test_one_output_per_prompt_in_input_order(loaded):
    gen = GenerateConfig(max_new_tokens=4, batch_size=2)
    batched = generate_raw(loaded, PROMPTS, gen)
    assert len(batched) == len(PROMPTS)
    assert all(isinstance(o, Output) for o in batched)
    one_by_one = [generate_raw(loaded, [p], GenerateConfig(max_new_tokens=4, batch_size=1))[0] for p in PROMPTS]
    assert [o.raw for o in batched] == [o.raw for o in one_by_one]
    # the random model continues different prompts differently, so a mix-up would show
    assert len({o.raw for o in one_by_one}) > 1
    reversed_outputs = generate_raw(loaded, PROMPTS[::-1], gen)
    assert [o.raw for o in reversed_outputs] == [o.raw for o in batched][::-1]


def test_batches_are_sorted_by_length(monkeypatch):
    loaded = _loaded()
    calls = _spy_generate(monkeypatch, loaded)
    generate_raw(loaded, PROMPTS, GenerateConfig(max_new_tokens=2, batch_size=2))
    assert len(calls) == 3
    assert [c[0] for c in calls] == sorted(c[0] for c in calls)
    assert calls[0][0] == len(PROMPTS[3].encode())  # "Hi" and "xyz" first, padded to the longer of the two


def test_empty_prompt_list(loaded):
    assert generate_raw(loaded, [], GenerateConfig()) == []


def test_stops_at_max_new_tokens(monkeypatch):
    loaded = _loaded()
    calls = _spy_generate(monkeypatch, loaded)
    outputs = generate_raw(loaded, PROMPTS[:3], GenerateConfig(max_new_tokens=5, batch_size=8))
    ((prompt_len, total_len),) = calls
    assert total_len - prompt_len <= 5
    # a random model does not say EOS in 5 steps here: it ran out of tokens, which is no clean stop
    assert total_len - prompt_len == 5
    assert all(not o.clean_stop for o in outputs)
    assert all(len(o.raw.encode("utf-8", "replace")) <= 5 * 3 for o in outputs)


def test_sampling_reproducible_with_seed(loaded):
    gen = GenerateConfig(max_new_tokens=6, do_sample=True, temperature=1.0, top_p=1.0)
    torch.manual_seed(1)
    a = generate_raw(loaded, PROMPTS[:2], gen)
    torch.manual_seed(1)
    b = generate_raw(loaded, PROMPTS[:2], gen)
    assert [o.raw for o in a] == [o.raw for o in b]


def test_eos_first_is_a_clean_stop():
    """A model whose every step makes EOS most likely stops at once: an empty answer, stopped cleanly."""
    loaded = _loaded()
    model = loaded.model
    head = torch.nn.Linear(model.config.hidden_size, model.config.vocab_size, bias=True)
    with torch.no_grad():
        head.weight.zero_()
        head.bias.zero_()
        head.bias[loaded.tokenizer.eos_token_id] = 10.0
    model.lm_head = head
    outputs = generate_raw(loaded, PROMPTS, GenerateConfig(max_new_tokens=8, batch_size=2))
    assert [o.clean_stop for o in outputs] == [True] * len(PROMPTS)
    assert all(o.answer == "" and o.raw == "" for o in outputs)


def _scripted(loaded: Loaded, monkeypatch, continuations: dict[str, list[int]]):
    """Replace model.generate and greedy decoding with one that appends the given token ids to each prompt (then
    pads)."""
    tokenizer = loaded.tokenizer

    def fake_generate(input_ids, attention_mask, max_new_tokens, pad_token_id, **kwargs):
        rows = []
        for ids, mask in zip(input_ids.tolist(), attention_mask.tolist()):
            prompt = tokenizer.decode([i for i, m in zip(ids, mask) if m], skip_special_tokens=True)
            rows.append(ids + continuations[prompt][:max_new_tokens])
        width = max(map(len, rows))
        return torch.tensor([r + [pad_token_id] * (width - len(r)) for r in rows])

    def fake_greedy(model, encoded, cache_key, max_new_tokens, eos, pad, stop):
        out = fake_generate(encoded["input_ids"], encoded["attention_mask"], max_new_tokens, pad)
        return out[:, encoded["input_ids"].shape[1]:].tolist()

    from babybliss.convert import generate as module

    monkeypatch.setattr(loaded.model, "generate", fake_generate)
    monkeypatch.setattr(module, "greedy_rows", fake_greedy)


def test_clean_stop_logic(monkeypatch):
    loaded = _loaded()
    tok = loaded.tokenizer
    eos = tok.eos_token_id

    def ids(text):
        return tok(text, add_special_tokens=False)["input_ids"]

    script = {
        "a": ids("past:I walk.\n") + [eos],  # the trained shape: answer, newline, EOS
        "b": ids("past:I walk.") + [eos],  # EOS right after the answer
        "c": ids("past:I walk.\nmore text") + [eos],  # EOS, but text after the answer
        "d": ids("past:I walk.\n### Input:\n"),  # a new block, no EOS
        "e": ids("past:I walk. and on and on"),  # ran out of tokens
        "f": [eos] + ids("garbage after eos"),  # nothing before EOS
    }
    _scripted(loaded, monkeypatch, script)
    outputs = generate_raw(loaded, list(script), GenerateConfig(max_new_tokens=64, batch_size=4))
    got = {p: (o.answer, o.clean_stop) for p, o in zip(script, outputs)}
    assert got == {
        "a": ("past:I walk.", True),
        "b": ("past:I walk.", True),
        "c": ("past:I walk.", False),
        "d": ("past:I walk.", False),
        "e": ("past:I walk. and on and on", False),
        "f": ("", True),
    }
    assert outputs[0].raw == "past:I walk.\n"
    assert "garbage" not in outputs[5].raw


def test_convert_uses_the_template(monkeypatch):
    loaded = _loaded()
    seen = []

    def fake_generate_raw(loaded_, prompts, gen, show_progress=False, drafts=None):
        seen.extend(prompts)
        return [Output("x", True, "x") for _ in prompts]

    monkeypatch.setattr("babybliss.convert.generate.generate_raw", fake_generate_raw)
    prompts = Config().prompts
    out = convert(loaded, prompts, "b2e", ["past:I walk.", "future:We go."], GenerateConfig())
    assert len(out) == 2
    assert seen == [build_prompt(prompts, "b2e", "past:I walk."), build_prompt(prompts, "b2e", "future:We go.")]


# ------------------------------------------------------------------ inputs


def test_read_inputs_txt(tmp_path):
    path = tmp_path / "in.txt"
    path.write_text("  We walk.  \n\n\nShe will sing.\n   \nCafé ☕\n", encoding="utf-8")
    assert read_inputs(path) == ["We walk.", "She will sing.", "Café ☕"]


def test_read_inputs_jsonl(tmp_path):
    path = tmp_path / "in.jsonl"
    rows = [
        {"original": "We walk.", "bliss": "present:We walk."},
        {"bliss": "past:I walk."},
        {"input": "explicit input", "original": "ignored"},
    ]
    path.write_text("\n".join(json.dumps(r) for r in rows) + "\n\n", encoding="utf-8")
    assert read_inputs(path) == ["We walk.", "past:I walk.", "explicit input"]


def test_read_inputs_missing(tmp_path):
    with pytest.raises(BlissError, match="not found"):
        read_inputs(tmp_path / "none.txt")


class _ReorderedVocabulary:
    """A tokenizer whose vocabulary comes back in reverse order, as a fast tokenizer's may on another call."""

    def __init__(self, tokenizer) -> None:
        self._tokenizer = tokenizer

    def get_vocab(self) -> dict[str, int]:
        return dict(reversed(list(self._tokenizer.get_vocab().items())))

    def __getattr__(self, name):
        return getattr(self._tokenizer, name)


def test_the_stop_criteria_are_built_once_a_vocabulary():
    tokenizer = tiny_tokenizer()
    stop = stop_criteria(tokenizer)
    assert stop_criteria(tiny_tokenizer()) is stop  # another tokenizer object, the same tokens
    assert stop_criteria(_ReorderedVocabulary(tokenizer)) is stop
    grown = tiny_tokenizer()
    grown.add_tokens(["<extra-token>"])
    other = stop_criteria(grown)
    assert other is not stop
    ids = torch.tensor([tokenizer.encode("Answer: present:I walk.\n###")])
    assert bool(stop(ids, None).all()) and bool(other(ids, None).all())
