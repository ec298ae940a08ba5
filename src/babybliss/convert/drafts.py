"""Greedy decoding that checks a draft first: speculative decoding with the rule realiser as the draft model.

A Bliss -> English answer decoded alone costs one step per token on one core (24 ms a token on the 2-core CPU,
bench/RESULTS.md). The rule realiser writes an English sentence for the same Bliss in a fraction of a millisecond,
and the fine-tuned model often writes the same tokens. One forward pass over the prompt and the realiser's answer
gives the model's greedy choice at every position of that answer at once: the tokens it agrees with are its own
greedy answer, its choice at the first disagreement comes for free, the rest of the draft is lined up behind that
choice and checked again (`ROUNDS` passes at most), and decoding goes on only where the answer is not finished. The
answer is the model's greedy answer whatever the draft says (tests/test_ctranslate.py, in float32); with int8
weights a pass rounds differently from one token at a time, so a near-tie can flip (bench/RESULTS.md).
"""

from __future__ import annotations

from concurrent.futures import ThreadPoolExecutor

from babybliss.data.prompts import completion


def draft_tokens(tokenizer, draft: str) -> list[int]:
    """The tokens of `draft` as an answer the model was trained to write: the completion and its EOS."""
    return tokenizer(completion(draft), add_special_tokens=False)["input_ids"] + [tokenizer.eos_token_id]


ROUNDS = 3
"""Forward passes a draft gets: after the model first disagrees, the rest of the draft is lined up again behind the
model's own token and checked once more (on the novel set the realiser's draft settles 57 % of answers in one pass,
82 % within three; bench/RESULTS.md)."""
LOOK_AHEAD = 3
"""How far along the draft the model's own token is looked for when lining the draft up again."""


def checked(generator, prompts: list[list[int]], drafts: list[list[int]], eos: int, limit: int) -> list[tuple[list[int], bool]]:
    """For each prompt (token ids) and its draft's tokens: the first tokens of the model's greedy answer that up to
    `ROUNDS` forward passes show, and whether the answer ends there (EOS, or `limit` tokens). The prompts are checked
    at once, one per decoder."""
    import numpy as np

    def check(prompt: list[int], draft: list[int]) -> tuple[list[int], bool]:
        tokens: list[int] = []  # the greedy answer's first tokens, as far as the passes have shown them
        at = 0  # where in the draft the next guess begins
        for _ in range(ROUNDS):
            guess = draft[at:][: limit - len(tokens)]
            if not guess:
                break
            seen = prompt + tokens
            logits = np.asarray(generator.forward_batch([seen + guess]))[0]
            chosen = logits[len(seen) - 1 : len(seen) - 1 + len(guess)].argmax(-1).tolist()
            agreed = next((i for i, (mine, theirs) in enumerate(zip(chosen, guess)) if mine != theirs), len(guess))
            tokens += guess[:agreed] if agreed == len(guess) else guess[:agreed] + [chosen[agreed]]
            if tokens[-1] == eos or len(tokens) >= limit:
                return tokens[:limit], True
            at = lined_up(draft, at + agreed, tokens[-1])
        return tokens, False

    if len(prompts) == 1:
        return [check(prompts[0], drafts[0])]
    with ThreadPoolExecutor(len(prompts)) as pool:
        return list(pool.map(check, prompts, drafts))


def lined_up(draft: list[int], wrong: int, token: int) -> int:
    """Where the draft goes on after the model wrote `token` in place of `draft[wrong]`: just after `token` where the
    draft has it nearby (the model left a draft token out, or put one in before it), else after the replaced token."""
    near = [p for p in range(max(1, wrong), min(len(draft), wrong + LOOK_AHEAD + 1) + 1) if draft[p - 1] == token]
    return min(near, key=lambda p: abs(p - (wrong + 1))) if near else wrong + 1
