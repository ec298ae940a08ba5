"""The research team's instruction template, used the same way in training, generation and evaluation."""

from __future__ import annotations

from dataclasses import dataclass

from babybliss.config import PromptConfig

DIRECTIONS = ("e2b", "b2e")
STOP_MARKERS = ("\n###", "### ")
"""Text that starts a new template block: an answer ends before it."""


@dataclass(frozen=True)
class Example:
    """One conversion: the prompt up to `### Response:\\n`, and the answer that follows."""

    direction: str
    input: str
    answer: str
    original: str
    """The English side of the pair (what novelty compares against in e2b)."""


def instruction(prompts: PromptConfig, direction: str) -> str:
    if direction == "e2b":
        return prompts.e2b_instruction
    if direction == "b2e":
        return prompts.b2e_instruction
    raise ValueError(f"unknown direction {direction!r}: expected one of {', '.join(DIRECTIONS)}")


def build_prompt(prompts: PromptConfig, direction: str, text: str) -> str:
    return prompts.template.format(instruction=instruction(prompts, direction), input=text)


def completion(answer: str) -> str:
    """What follows the prompt in training; the tokenizer's EOS is appended after it."""
    return f"{answer}\n"


def few_shot_prompt(prompts: PromptConfig, direction: str, text: str, shots: list[Example]) -> str:
    """Worked examples in the same template, then the question: the un-tuned baseline's prompt."""
    blocks = [build_prompt(prompts, direction, shot.input) + completion(shot.answer) + "\n" for shot in shots]
    return "".join(blocks) + build_prompt(prompts, direction, text)


def pair_examples(pair: dict[str, str], directions: list[str] | tuple[str, ...] = DIRECTIONS) -> list[Example]:
    english, bliss = pair["original"], pair["bliss"]
    out = []
    for direction in directions:
        if direction == "e2b":
            out.append(Example("e2b", english, bliss, english))
        else:
            out.append(Example("b2e", bliss, english, english))
    return out


def extract_answer(generated: str) -> tuple[str, bool]:
    """The answer's first line and whether the model stopped cleanly after it.

    A clean stop means nothing but whitespace follows the first line (the EOS ended generation).
    """
    text = generated.lstrip(" ")
    for marker in STOP_MARKERS:
        cut = text.find(marker)
        if cut != -1:
            text = text[:cut]
            break
    first, _, rest = text.strip("\n").partition("\n")
    clean = not rest.strip() and len(text) == len(generated.lstrip(" "))
    return first.strip(), clean
