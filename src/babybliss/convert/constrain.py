"""Constrained English -> Bliss decoding: the answer may only be a marker, then words of its own input (as written,
or their lemmas) and Bliss's few function words, then `.`, `?` or `!` (and, for an input of several sentences, more
such sentences after a space), so the model cannot swap in words it saw in training. A LogitsProcessor checks each
candidate token against this shape of answer, row by row."""

from __future__ import annotations

import re
from functools import lru_cache

import torch
from transformers import LogitsProcessor

from babybliss.grammar.notation import END_MARKS, MARKERS
from babybliss.grammar.nlp import load_nlp, parse

FUNCTION_WORDS = ("be", "not", "never", "now", "can", "should", "must", "may", "to", "and", "I", "us")
"""Words a Bliss answer may use although its English input need not contain them (`isn't` -> `not be`)."""
WORD_RE = re.compile(r"[^\W\d_]+")
COMPOUND_RE = re.compile(r"[^\W\d_]+(?:-[^\W\d_]+)+")
"""Hyphenated compounds (`ice-cream`) are allowed whole as well as in parts."""
KEPT_TOKEN_RE = re.compile(r"\b(?:\d+(?::\d+)?(?:am|pm)?|\d+(?:st|nd|rd|th)|o'clock)\b", re.IGNORECASE)
"""Numbers, clock times and `o'clock`, which Bliss keeps as written (§10, §16)."""


def base_forms(word: str) -> set[str]:
    """Candidate base forms of an inflected word by its ending (`riding` -> `rid`, `ride`; `cries` -> `cry`); the
    wrong ones only allow strings the model has no reason to write."""
    forms = set()
    for suffix, replacements in (("ing", ("", "e")), ("ed", ("", "e")), ("ies", ("y",)), ("ied", ("y",)),
                                 ("es", ("",)), ("s", ("",))):
        stem = word[: -len(suffix)]
        if word.endswith(suffix) and len(stem) >= 2:
            forms.update(stem + end for end in replacements)
            if len(stem) >= 3 and stem[-1] == stem[-2]:
                forms.add(stem[:-1])  # swimming -> swim
    return forms


@lru_cache(maxsize=1)
def verb_exceptions() -> dict[str, list[str]]:
    """spaCy's table of irregular verb forms (`swam` -> `swim`), whatever the tagger made of the word."""
    return dict(load_nlp().get_pipe("lemmatizer").lookups.get_table("lemma_exc").get("verb", {}))


def allowed_words(text: str) -> set[str]:
    """The input's words, their spaCy lemmas and likely base forms (spaCy's small model lemmatises `rides` as `rid`
    and tags `swam` as a present verb), and the function words; each also lowercase and capitalised."""
    (doc,) = parse([text])
    found = set(WORD_RE.findall(text)) | set(COMPOUND_RE.findall(text)) | set(FUNCTION_WORDS)
    found |= set(KEPT_TOKEN_RE.findall(text))
    for token in doc:
        found.update(WORD_RE.findall(token.lemma_))
        if token.is_alpha:
            found.update(base_forms(token.lower_))
            found.update(verb_exceptions().get(token.lower_, ()))
    variants = set()
    for word in found:
        variants.update({word, word.lower(), word[:1].upper() + word[1:]})
    return variants


def is_valid_prefix(text: str, words: set[str], prefixes: set[str]) -> bool:
    """Whether `text` can still grow into `MARKER:word word ….` (or `?`, `!`), followed by one newline (then only
    EOS is left, as in training: a model that would rather copy what no answer may hold, an input's emoji, stops
    there instead of writing newlines up to max_new_tokens) or by a space and another such sentence."""
    head, colon, body = text.partition(":")
    if not colon:
        return any(marker.startswith(head) for marker in MARKERS)
    if head not in MARKERS:
        return False
    end = next((i for i, char in enumerate(body) if char in END_MARKS), -1)
    sentence = body if end == -1 else body[:end]
    *complete, last = sentence.split(" ")
    if not all(word in words for word in complete):
        return False
    if end == -1:
        return last in prefixes or last.endswith("\ufffd")  # a byte-level tokenizer may stop inside a character
    rest = body[end + 1 :]
    if last not in words:
        return False
    if not rest.strip("\n"):
        return rest in ("", "\n")  # as in training, one newline, then only EOS
    return rest[:1] == " " and rest[1:2] not in (" ", "\n") and is_valid_prefix(rest[1:], words, prefixes)


class BlissWordsProcessor(LogitsProcessor):
    """Masks every token that would take a row's answer outside its allowed words (see module docstring).

    Candidates are the tokens of the allowed words' own tokenisations plus single characters, each checked by
    `is_valid_prefix` on the row's answer so far; EOS is allowed once the answer is complete (or when nothing else is).
    """

    def __init__(self, tokenizer, inputs: list[str], prompt_length: int):
        self.tokenizer = tokenizer
        self.prompt_length = prompt_length
        self.eos = tokenizer.eos_token_id
        self.anchor = tokenizer("a", add_special_tokens=False)["input_ids"][-1:]
        self.pieces: dict[int, str] = {}
        self.rows = [self._row(text) for text in inputs]

    def _row(self, text: str) -> tuple[set[str], set[str], list[int]]:
        words = allowed_words(text)
        prefixes = {word[:i] for word in words for i in range(len(word) + 1)}
        strings = [f"{sep}{m}:" for m in MARKERS for sep in ("", " ")]
        strings += [f"{sep}{w}{end}" for w in words for sep in ("", " ", ":") for end in ("",) + END_MARKS]
        strings += list({char for s in strings for char in s} | set(END_MARKS) | set("\n "))
        encoded = self.tokenizer(strings, add_special_tokens=False)["input_ids"]
        candidates = sorted({token for ids in encoded for token in ids})
        return words, prefixes, candidates

    def _piece(self, token: int) -> str:
        """The text a token adds after other text (SentencePiece drops a leading space when a token stands alone)."""
        if token not in self.pieces:
            before = self.tokenizer.decode(self.anchor)
            self.pieces[token] = self.tokenizer.decode(self.anchor + [token])[len(before) :]
        return self.pieces[token]

    def __call__(self, input_ids: torch.LongTensor, scores: torch.FloatTensor) -> torch.FloatTensor:
        mask = torch.full_like(scores, float("-inf"))
        for row, (words, prefixes, candidates) in enumerate(self.rows):
            generated = input_ids[row, self.prompt_length :].tolist()
            if self.eos in generated:
                mask[row] = 0
                continue
            text = self.tokenizer.decode(generated, skip_special_tokens=True)
            allowed = [t for t in candidates if is_valid_prefix(text + self._piece(t), words, prefixes)]
            if not allowed or text.rstrip("\n")[-1:] in END_MARKS:
                allowed.append(self.eos)
            mask[row, allowed] = 0
        return scores + mask
