"""Constrained English -> Bliss decoding (generate.constrain)."""

from __future__ import annotations

import pytest

from babybliss.config import GenerateConfig, PromptConfig
import torch

from babybliss.convert.constrain import BlissWordsProcessor, allowed_words, base_forms, is_valid_prefix
from babybliss.convert.generate import convert
from babybliss.training.models import Loaded, tiny_model, tiny_tokenizer

SENTENCES = ["The tall nurse went to the market yesterday.", "Is Kenji's uncle baking bread?", "I'm not hungry."]
WORDS = {"dog", "old", "sleep", "Dog"}
PREFIXES = {w[:i] for w in WORDS for i in range(len(w) + 1)}


@pytest.mark.parametrize(
    ("text", "valid"),
    [
        ("", True),
        ("pres", True),
        ("present progressive", True),
        ("past:", True),
        ("past:dog ol", True),
        ("past:Dog old sleep.", True),
        ("past:dog old sleep?\n", True),
        ("past:dog old sleep?\n\n", False),  # one newline, as in training, then only EOS
        ("yesterday:", False),  # not a marker
        ("past: dog", False),  # a space after the colon
        ("past:dog  old", False),  # two spaces
        ("past:dog cat", False),  # a word not in the input
        ("past:dog ca", False),
        ("past:dog old.", True),
        ("past:dog ol.", False),  # the end mark after half a word
        ("past:dog. sleep", False),  # text after the end mark
        ("past:.", False),
    ],
)
def test_is_valid_prefix(text, valid):
    assert is_valid_prefix(text, WORDS, PREFIXES) is valid


def test_allowed_words_are_the_inputs_words_lemmas_and_function_words():
    words = allowed_words("The tall nurses went to the market.")
    assert {"tall", "nurses", "went", "market"} <= words
    assert {"go", "nurse"} <= words  # lemmas
    assert {"be", "not", "can", "now"} <= words  # Bliss's function words
    assert {"Nurses", "Tall"} <= words  # capitalised, as a sentence-initial subject is
    assert not {"dog", "cat", "yesterday", "park"} & words


@pytest.fixture(scope="module")
def loaded() -> Loaded:
    tokenizer = tiny_tokenizer()
    return Loaded(tiny_model(tokenizer).eval(), tokenizer, "tiny", 0.0)


def test_constrained_answers_keep_to_the_input(loaded):
    """Even a random model, constrained, writes a marker and only the input's words (or stops early)."""
    gen = GenerateConfig(max_new_tokens=40, batch_size=2, constrain=True)
    outputs = convert(loaded, PromptConfig(), "e2b", SENTENCES, gen)
    for sentence, output in zip(SENTENCES, outputs):
        words = allowed_words(sentence)
        prefixes = {w[:i] for w in words for i in range(len(w) + 1)}
        assert is_valid_prefix(output.raw, words, prefixes), output.raw
        assert ":" in output.raw
    free = convert(loaded, PromptConfig(), "e2b", SENTENCES, GenerateConfig(max_new_tokens=40, batch_size=2))
    assert [o.raw for o in free] != [o.raw for o in outputs]


def test_after_a_complete_answer_and_its_newline_only_eos_is_left(loaded):
    """A model that would rather copy what the constraint forbids (an input's emoji) after its exact answer must stop
    there, not write newlines up to max_new_tokens and lose its clean stop."""
    tokenizer = loaded.tokenizer
    prompt = tokenizer("### Input:\n", add_special_tokens=False)["input_ids"]
    answer = tokenizer("past:dog old sleep.\n", add_special_tokens=False)["input_ids"]
    processor = BlissWordsProcessor(tokenizer, ["The old dog slept. 🙂"], len(prompt))
    scores = processor(torch.tensor([prompt + answer]), torch.zeros(1, loaded.model.config.vocab_size))
    assert torch.isfinite(scores[0]).nonzero().flatten().tolist() == [tokenizer.eos_token_id]


def test_constrain_is_off_by_default_and_leaves_b2e_alone(loaded):
    assert GenerateConfig().constrain is False
    gen = GenerateConfig(max_new_tokens=12, constrain=True)
    constrained = convert(loaded, PromptConfig(), "b2e", ["past:dog sleep."], gen)
    free = convert(loaded, PromptConfig(), "b2e", ["past:dog sleep."], GenerateConfig(max_new_tokens=12))
    assert [o.raw for o in constrained] == [o.raw for o in free]


def test_base_forms_cover_regular_endings():
    assert {"ride", "swim", "cry", "wash", "plan"} <= (
        base_forms("riding") | base_forms("swimming") | base_forms("cries") | base_forms("washes") | base_forms("planned")
    )


@pytest.mark.parametrize(
    ("english", "bliss"),
    [
        ("She swam in the pool yesterday.", "past:She swim in pool yesterday."),  # spaCy: `swam` a present verb
        ("He rides his bike to work every day.", "present:He ride his bike to work day."),  # spaCy: lemma `rid`
        ("Isn't the ice-cream van late?", "present:ice-cream van not be late?"),
    ],
)
def test_hard_references_stay_reachable(english, bliss):
    words = allowed_words(english)
    assert is_valid_prefix(bliss, words, {w[:i] for w in words for i in range(len(w) + 1)})


def test_every_shipped_reference_is_reachable():
    """The constraint never rules out a right answer: each Bliss side of (a sample of) the corpus is allowed."""
    from babybliss.data.pairs import load_pairs

    pairs, _ = load_pairs(None)
    for pair in pairs[::10]:
        words = allowed_words(pair["original"])
        assert is_valid_prefix(pair["bliss"], words, {w[:i] for w in words for i in range(len(w) + 1)}), pair
