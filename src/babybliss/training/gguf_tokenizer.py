"""Gemma's tokenizer, built from its GGUF file the same way under every transformers version.

A GGUF file stores Gemma's sentencepiece-BPE vocabulary in merge order, with scores that do not follow that order,
and no merges. transformers 5.17's GGUF reader (the GPU image's) builds it as a Unigram model with no BOS; saved and
loaded again by 5.17's `GemmaTokenizer`, that comes back as BPE without merges, one token per character (a six-word
Bliss answer: about 44 tokens instead of 12). Gemma was fine-tuned and decoded on characters, and 64 new tokens
ended its answers after 10-19 real tokens. Later readers rebuild the merges from the vocabulary's order, as done here
(bench/RESULTS.md, "Why Gemma's answers stopped")."""

from __future__ import annotations

import json
from pathlib import Path

CONTROL, USER_DEFINED = 3, 4
"""llama.cpp's token types: a special token (`<end_of_turn>`), and an added token matched whole in text."""
SPECIALS = ("bos", "eos", "unknown", "padding")


def read_vocabulary(gguf_file: Path) -> tuple[list[str], list[int], dict[str, str]]:
    """The file's tokens in its order, their llama.cpp types, and its special tokens by role."""
    from gguf import GGUFReader

    fields = GGUFReader(str(gguf_file)).fields
    tokens_field, types_field = fields["tokenizer.ggml.tokens"], fields["tokenizer.ggml.token_type"]
    tokens = [bytes(tokens_field.parts[i]).decode("utf-8") for i in tokens_field.data]
    types = [int(types_field.parts[i][0]) for i in types_field.data]
    specials = {}
    for role in SPECIALS:
        field = fields.get(f"tokenizer.ggml.{role}_token_id")
        if field is not None:
            specials[role] = tokens[int(field.parts[field.data[0]][0])]
    return tokens, types, specials


def gemma_tokenizer(gguf_file: Path):
    """A `GemmaTokenizer` (BPE with byte fallback, BOS first) whose merges follow the file's token order."""
    from transformers import AddedToken, GemmaTokenizer
    from transformers.tokenization_utils_base import generate_merges

    tokens, types, specials = read_vocabulary(gguf_file)
    # The file spells a token of only spaces with spaces; the tokenizer looks it up as "▁▁".
    tokens = ["\u2581" * len(t) if " " in t and not t.strip() else t for t in tokens]
    vocab = {token: index for index, token in enumerate(tokens)}
    merges = generate_merges(vocab, {token: -index for index, token in enumerate(tokens)})
    names = {"bos": "bos_token", "eos": "eos_token", "unknown": "unk_token", "padding": "pad_token"}
    tokenizer = GemmaTokenizer(
        vocab=vocab, merges=merges, add_bos_token=True, **{names[r]: t for r, t in specials.items()}
    )
    control = [AddedToken(t, normalized=False, special=True) for t, kind in zip(tokens, types) if kind == CONTROL]
    tokenizer.add_special_tokens({"additional_special_tokens": control}, replace_extra_special_tokens=False)
    tokenizer.add_tokens([AddedToken(t, normalized=False) for t, kind in zip(tokens, types) if kind == USER_DEFINED])
    return tokenizer


def is_merge_tokenizer(folder: Path) -> bool:
    """The folder's saved tokenizer is BPE (a cache converted by a reader that built a Unigram one is not)."""
    path = folder / "tokenizer.json"
    return path.is_file() and json.loads(path.read_text(encoding="utf-8"))["model"]["type"] == "BPE"
