from __future__ import annotations

import pytest

from babybliss.config import Config, PromptConfig
from babybliss.data.prompts import Example, build_prompt, completion, extract_answer, few_shot_prompt, pair_examples

E2B = "### Instruction: \nConvert the input English sentence to a Bliss sentence.\n\n"
B2E = "### Instruction: \nConvert the input Bliss sentence to a English sentence.\n\n"
PAIR = {"original": "We will visit the museum next week.", "bliss": "future:We visit museum week next."}


def test_build_prompt_e2b_byte_for_byte():
    assert build_prompt(Config().prompts, "e2b", PAIR["original"]) == (
        E2B + "### Input:\nWe will visit the museum next week.\n\n### Response:\n"
    )


def test_build_prompt_b2e_byte_for_byte():
    assert build_prompt(Config().prompts, "b2e", PAIR["bliss"]) == (
        B2E + "### Input:\nfuture:We visit museum week next.\n\n### Response:\n"
    )


def test_build_prompt_uses_configured_template_and_instruction():
    prompts = PromptConfig(e2b_instruction="E:", template="[{instruction}|{input}]")
    assert build_prompt(prompts, "e2b", "hi") == "[E:|hi]"


def test_build_prompt_keeps_braces_in_input():
    assert "{x} {}" in build_prompt(Config().prompts, "e2b", "{x} {}")


def test_unknown_direction():
    with pytest.raises(ValueError, match="unknown direction"):
        build_prompt(Config().prompts, "x2y", "hi")


def test_completion_ends_with_newline():
    assert completion("past:I walk.") == "past:I walk.\n"


def test_pair_examples_directions():
    e2b, b2e = pair_examples(PAIR)
    assert e2b == Example("e2b", PAIR["original"], PAIR["bliss"], PAIR["original"])
    assert b2e == Example("b2e", PAIR["bliss"], PAIR["original"], PAIR["original"])
    assert pair_examples(PAIR, ["b2e"]) == [b2e]


def test_few_shot_prompt_layout():
    prompts = Config().prompts
    shots = [
        Example("e2b", "I walked.", "past:I walk.", "I walked."),
        Example("e2b", "She sings.", "present:She sing.", "She sings."),
    ]
    text = few_shot_prompt(prompts, "e2b", "We will go.", shots)
    expected = (
        build_prompt(prompts, "e2b", "I walked.") + "past:I walk.\n\n"
        + build_prompt(prompts, "e2b", "She sings.") + "present:She sing.\n\n"
        + build_prompt(prompts, "e2b", "We will go.")
    )
    assert text == expected
    assert text.endswith("### Input:\nWe will go.\n\n### Response:\n")
    assert text.count("### Response:\n") == 3


def test_few_shot_prompt_without_shots_is_plain_prompt():
    prompts = Config().prompts
    assert few_shot_prompt(prompts, "b2e", "past:I walk.", []) == build_prompt(prompts, "b2e", "past:I walk.")


@pytest.mark.parametrize(
    "generated, answer, clean",
    [
        # clean stops: the answer, maybe its newline, then EOS
        ("future:We visit museum week next.", "future:We visit museum week next.", True),
        ("future:We visit museum week next.\n", "future:We visit museum week next.", True),
        (" past:I walk.\n\n  ", "past:I walk.", True),
        ("\npast:I walk.", "past:I walk.", True),
        ("", "", True),
        # text after the answer
        ("past:I walk.\nAnd then more text", "past:I walk.", False),
        ("past:I walk.\n\nextra line", "past:I walk.", False),
        # a new template block
        ("past:I walk.\n### Input:\nnext", "past:I walk.", False),
        ("past:I walk.\n\n### Instruction: \nConvert", "past:I walk.", False),
        ("past:I walk. ### Response:", "past:I walk.", False),
        ("### Response:\npast:I walk.", "", False),
    ],
)
def test_extract_answer(generated, answer, clean):
    assert extract_answer(generated) == (answer, clean)


def test_extract_answer_strips_answer_spaces():
    assert extract_answer("  present:She sing.   \n") == ("present:She sing.", True)
