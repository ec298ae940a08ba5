"""Gemma's tokenizer from a GGUF file: merges in the file's token order, BOS first, special tokens whole."""

from __future__ import annotations

import json

import pytest

from babybliss.training.gguf_tokenizer import CONTROL, gemma_tokenizer, is_merge_tokenizer

NORMAL = 1
# In merge order, as a Gemma GGUF lists them: specials, single characters, then each merge's result.
TOKENS = ["<pad>", "<eos>", "<bos>", "<unk>", "<mask>", "<end_of_turn>", "  ",
          "\u2581", "l", "o", "w", "e", "r", "s", "t", ":", "\n",
          "lo", "low", "er", "lower", "\u2581low", "\u2581lower", "st", "est"]
# Scores that do not follow the merge order (as Gemma's do): a Unigram model ranked by them splits every word into
# characters, which is what transformers 5.17's GGUF reader built.
SCORES = [0.0] * 17 + [-100.0] * 8


def write_gguf(path):
    gguf = pytest.importorskip("gguf")
    writer = gguf.GGUFWriter(str(path), "gemma3")
    writer.add_tokenizer_model("llama")
    writer.add_token_list(TOKENS)
    writer.add_token_scores(SCORES)
    writer.add_token_types([CONTROL if t.startswith("<") else NORMAL for t in TOKENS])
    writer.add_bos_token_id(2)
    writer.add_eos_token_id(1)
    writer.add_unk_token_id(3)
    writer.add_pad_token_id(0)
    writer.write_header_to_file()
    writer.write_kv_data_to_file()
    writer.write_tensors_to_file()
    writer.close()
    return path


@pytest.fixture(scope="module")
def tokenizer(tmp_path_factory):
    return gemma_tokenizer(write_gguf(tmp_path_factory.mktemp("gguf") / "tiny.gguf"))


def test_words_are_merged_in_the_files_order_not_split_by_its_scores(tokenizer):
    ids = tokenizer("lower lowest")["input_ids"]
    assert tokenizer.convert_ids_to_tokens(ids) == ["<bos>", "lower", "\u2581low", "est"]


def test_bos_first_and_special_tokens_whole(tokenizer):
    assert tokenizer.eos_token == "<eos>" and tokenizer.pad_token == "<pad>" and tokenizer.bos_token == "<bos>"
    ids = tokenizer("low<end_of_turn>")["input_ids"]
    assert tokenizer.convert_ids_to_tokens(ids) == ["<bos>", "low", "<end_of_turn>"]
    assert tokenizer.decode(ids, skip_special_tokens=True) == "low"


def test_a_token_of_spaces_is_found_as_spaces(tokenizer):
    ids = tokenizer("low  low", add_special_tokens=False)["input_ids"]
    assert tokenizer.convert_ids_to_tokens(ids) == ["low", "\u2581\u2581", "low"]
    assert tokenizer.decode(ids) == "low  low"


def test_saved_and_reloaded_it_stays_a_merge_tokenizer(tokenizer, tmp_path):
    from transformers import AutoTokenizer

    tokenizer.save_pretrained(tmp_path)
    assert is_merge_tokenizer(tmp_path)
    again = AutoTokenizer.from_pretrained(tmp_path)
    assert again("lower lowest")["input_ids"] == tokenizer("lower lowest")["input_ids"]


def test_a_folder_with_a_unigram_tokenizer_is_not_a_merge_tokenizer(tmp_path):
    (tmp_path / "tokenizer.json").write_text(json.dumps({"model": {"type": "Unigram"}}))
    assert not is_merge_tokenizer(tmp_path)
    assert not is_merge_tokenizer(tmp_path / "missing")
