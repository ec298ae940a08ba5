"""Decoding with CTranslate2 (generate.runtime = ctranslate2): the same greedy answers as PyTorch, a conversion cached
by the content of adapter and base, and PyTorch with a clear message where the runtime is missing."""

from __future__ import annotations

import logging
import shutil
import sys
from dataclasses import replace

import pytest
import torch
from safetensors.torch import load_file, save_file

from babybliss.config import ConfigError, load_config
from babybliss.convert import ctranslate
from babybliss.convert.generate import ctranslate2_folder, generate_raw, load_for_conversion
from babybliss.data.prompts import build_prompt

pytest.importorskip("ctranslate2")

INPUTS = ["present:I want drink.", "past:We walk home yesterday.", "future:cat sleep.", "present:dog bark loud."]


def tiny_config(tiny_run, tmp_path, runtime: str):
    return load_config(tiny_run / "config.resolved.toml", [
        f"generate.runtime={runtime}", "generate.weights=plain", "generate.max_new_tokens=12",
        f"model.cache_dir={tmp_path / 'cache'}"])


@pytest.fixture(scope="module")
def lively_model(tmp_path_factory):
    """A model folder: the tiny Llama with large random weights, so that different prompts decode differently (the
    fine-tuned tiny run answers every prompt with line breaks)."""
    from babybliss.training.models import tiny_model, tiny_tokenizer

    folder = tmp_path_factory.mktemp("lively")
    tokenizer = tiny_tokenizer()
    model = tiny_model(tokenizer, seed=3)
    with torch.no_grad():
        for name, weight in model.named_parameters():
            if "norm" not in name:
                weight.normal_(0, 0.2)
    model.save_pretrained(folder)
    tokenizer.save_pretrained(folder)
    return folder


def answers(loaded, direction):
    prompts = [build_prompt(load_config().prompts, direction, text) for text in INPUTS]
    gen = load_config(None, ["generate.max_new_tokens=12"]).generate
    return [(o.raw, o.answer, o.clean_stop) for o in generate_raw(loaded, prompts, gen)]


def test_ctranslate2_decodes_the_greedy_answers_of_pytorch(lively_model, tmp_path):
    common = ["generate.weights=plain", f"model.spec={lively_model}", f"model.cache_dir={tmp_path}"]
    fast = load_for_conversion(load_config(None, common + ["generate.runtime=ctranslate2"]), None, direction="b2e")
    plain = load_for_conversion(load_config(None, common + ["generate.runtime=torch"]), None, dtype="float32")
    assert ctranslate.is_ctranslate2(fast) and not ctranslate.is_ctranslate2(plain)
    for direction in ("b2e", "e2b"):
        by_torch = answers(plain, direction)
        assert answers(fast, direction) == by_torch
        assert len({raw for raw, _, _ in by_torch}) == len(INPUTS)  # every prompt decodes differently


def test_the_conversion_is_cached_by_content_and_a_changed_adapter_converts_again(tiny_run, tmp_path):
    config = tiny_config(tiny_run, tmp_path, "ctranslate2")
    first = ctranslate2_folder(config, tiny_run / "epoch-1")
    copy = tmp_path / "copy"
    shutil.copytree(tiny_run / "epoch-1", copy)
    assert ctranslate2_folder(config, copy) == first  # same content elsewhere: no second conversion
    weights = copy / "adapter_model.safetensors"
    save_file({name: tensor + 0.5 for name, tensor in load_file(weights).items()}, weights)
    changed = ctranslate2_folder(config, copy)
    assert changed != first and (changed / "model.bin").is_file() and (first / "model.bin").is_file()
    plain = load_config(tiny_run / "config.resolved.toml", [f"model.cache_dir={tmp_path / 'cache'}"])
    assert ctranslate2_folder(plain, copy) != changed  # int8 weights are a conversion of their own


def test_without_ctranslate2_pytorch_decodes_with_a_clear_message(tiny_run, tmp_path, monkeypatch, caplog):
    monkeypatch.setitem(sys.modules, "ctranslate2", None)  # as if the package were not installed
    with caplog.at_level(logging.WARNING):
        loaded = load_for_conversion(tiny_config(tiny_run, tmp_path, "ctranslate2"), tiny_run / "epoch-1", direction="b2e")
    assert isinstance(loaded.model, torch.nn.Module)
    assert "CTranslate2 is not installed" in caplog.text and "pip install" in caplog.text
    assert "Decoding with PyTorch" in caplog.text


def test_sampling_and_constrained_decoding_stay_with_pytorch(tiny_run, tmp_path):
    for override in ("generate.do_sample=true", "generate.constrain=true"):
        config = load_config(tiny_run / "config.resolved.toml", [override, f"model.cache_dir={tmp_path}"])
        assert not ctranslate.is_ctranslate2(load_for_conversion(config, tiny_run / "epoch-1", direction="b2e"))


def test_serve_decodes_bliss_to_english_with_ctranslate2_and_english_to_bliss_with_pytorch(tiny_run, tmp_path):
    """English -> Bliss lost 2.3 points of exact match on novel with CTranslate2 (bench/RESULTS.md): the hybrid's
    model calls stay with PyTorch."""
    from babybliss.serve import app as serve

    converters = serve.choose_converters(tiny_config(tiny_run, tmp_path, "ctranslate2"), str(tiny_run / "epoch-1"), False)
    assert ctranslate.is_ctranslate2(converters["b2e"].model.loaded)
    assert isinstance(converters["e2b"].model.loaded.model, torch.nn.Module)
    assert not ctranslate.is_ctranslate2(load_for_conversion(tiny_config(tiny_run, tmp_path, "ctranslate2"),
                                                             tiny_run / "epoch-1", direction="e2b"))


def test_an_unknown_runtime_is_refused():
    with pytest.raises(ConfigError, match="generate.runtime"):
        load_config(None, ["generate.runtime=onnx"])


def test_an_answer_ends_at_a_new_block_as_pytorch_stops_there():
    assert ctranslate.cut_at_stop("I want a drink.\n### Input:\nmore") == ("I want a drink.\n###", True)
    assert ctranslate.cut_at_stop("I want a drink.\n") == ("I want a drink.\n", False)


@pytest.mark.integration
def test_the_shipped_adapter_converts_on_ctranslate2_as_on_pytorch():
    from babybliss.convert.generate import adapter_config, convert
    from babybliss.convert.shipped import shipped_adapter

    folder = shipped_adapter()
    config = load_config(None, ["generate.max_new_tokens=24"])
    loaded = load_for_conversion(config, folder, direction="b2e")
    assert ctranslate.is_ctranslate2(loaded)
    prompts = adapter_config(folder).prompts
    e2b = [o.answer for o in convert(loaded, prompts, "e2b", ["We walked home yesterday.", "The cat sleeps."], config.generate)]
    assert e2b == ["past:We walk home yesterday.", "present:cat sleep."]  # PyTorch's answers (tests/test_shipped.py)
    (b2e,) = convert(loaded, prompts, "b2e", ["past:We walk home yesterday."], config.generate)
    assert "walked" in b2e.answer and ":" not in b2e.answer and b2e.clean_stop


def test_one_decoder_per_core_and_a_batch_shared_out_among_them(monkeypatch):
    """0 threads: one single-thread decoder per core; a batch is shared out evenly, a sentence alone takes one."""
    monkeypatch.setattr(ctranslate.os, "cpu_count", lambda: 2)
    assert ctranslate.decode_workers(0) == 2 and ctranslate.decode_workers(3) == 3
    assert ctranslate.share(16, 32, 2) == 8 and ctranslate.share(1, 32, 2) == 1 and ctranslate.share(5, 32, 2) == 3
    assert ctranslate.share(100, 32, 2) == 32  # generate.batch_size still caps a decoder's batch


def test_several_decoders_give_the_answers_of_one(lively_model, tmp_path):
    common = ["generate.weights=plain", f"model.spec={lively_model}", f"model.cache_dir={tmp_path}",
              "generate.runtime=ctranslate2"]
    one = load_for_conversion(load_config(None, common + ["serve.threads=1"]), None, direction="b2e")
    two = load_for_conversion(load_config(None, common + ["serve.threads=2"]), None, direction="b2e")
    assert two.model.generator.num_generators == 2
    assert answers(one, "b2e") == answers(two, "b2e")


def drafted(loaded, texts: list[str], drafts: list[str]) -> list[tuple]:
    prompts = [build_prompt(load_config().prompts, "b2e", text) for text in texts]
    gen = load_config(None, ["generate.max_new_tokens=12"]).generate
    return [(o.raw, o.answer, o.clean_stop) for o in generate_raw(loaded, prompts, gen, drafts=drafts)]


def test_a_draft_never_changes_the_answer(lively_model, tmp_path):
    """Checked drafts give the greedy answer whether the model agrees with all of the draft, part of it or none of
    it, one sentence alone or two at once (one per decoder)."""
    common = ["generate.weights=plain", f"model.spec={lively_model}", f"model.cache_dir={tmp_path}",
              "generate.runtime=ctranslate2", "serve.threads=2"]
    loaded = load_for_conversion(load_config(None, common), None, direction="b2e")
    greedy = answers(loaded, "b2e")
    own = [raw for raw, _, _ in greedy]  # the greedy answers themselves, as drafts
    words = [raw.split() for raw in own]
    half = [" ".join(w[: len(w) // 2] + ["zebra"] + w[len(w) // 2:]) for w in words]
    for drafts in (own, half, ["", "I am a cat.", "present:I want drink.", "no no no no no no no no no no no no no"]):
        for i, text in enumerate(INPUTS):
            assert drafted(loaded, [text], [drafts[i]]) == [greedy[i]], drafts[i]
        assert drafted(loaded, INPUTS[:2], drafts[:2]) == greedy[:2]


def test_a_draft_the_model_agrees_with_costs_no_decoding_step(lively_model, tmp_path, monkeypatch):
    """The draft's tokens are the greedy answer up to the answer cap: one forward pass settles it, no decoding."""
    from babybliss.convert import drafts

    common = ["generate.weights=plain", f"model.spec={lively_model}", f"model.cache_dir={tmp_path}",
              "generate.runtime=ctranslate2", "serve.threads=1", "generate.max_new_tokens=12"]
    loaded = load_for_conversion(load_config(None, common), None, direction="b2e")
    gen = load_config(None, common).generate
    prompt = build_prompt(load_config().prompts, "b2e", INPUTS[0])
    own = generate_raw(loaded, [prompt], gen)
    ids = loaded.tokenizer(prompt, add_special_tokens=True)["input_ids"]
    (greedy,) = loaded.model.generator.generate_batch([loaded.tokenizer.convert_ids_to_tokens(ids)], max_length=12,
                                                      include_prompt_in_result=False, beam_size=1)
    monkeypatch.setattr(drafts, "draft_tokens", lambda tokenizer, draft: greedy.sequences_ids[0] + [7, 7])
    calls: list[str] = []
    monkeypatch.setattr(loaded.model, "generator", CountingGenerator(loaded.model.generator, calls))
    assert generate_raw(loaded, [prompt], gen, drafts=["the greedy tokens"]) == own
    assert calls == ["forward_batch"]
    monkeypatch.setattr(drafts, "draft_tokens", lambda tokenizer, draft: greedy.sequences_ids[0][:5] + [7, 7])
    assert generate_raw(loaded, [prompt], gen, drafts=["five of them"]) == own
    assert calls[0] == "forward_batch" and calls[1:].count("generate_batch") == 1 and calls[-1] == "generate_batch"


def test_a_draft_is_lined_up_again_behind_the_models_own_token():
    from babybliss.convert.drafts import lined_up

    draft = [10, 11, 12, 13, 14, 2]
    assert lined_up(draft, 1, 99) == 2  # a word replaced (a for the): go on after it
    assert lined_up(draft, 1, 12) == 3  # a word left out: go on after the model's word, found further on
    assert lined_up(draft, 2, 11) == 2  # a word put in (the model wrote 11 again): the draft goes on at 12
    assert lined_up(draft, 0, 14) == 1  # too far along the draft to be the same place


@pytest.mark.integration
def test_the_shipped_adapter_agrees_with_the_realisers_draft_in_one_pass(monkeypatch):
    """The draft is written as the model was trained to answer (the completion and EOS): where the shipped adapter
    writes the realiser's English, one forward pass is the whole decoding."""
    from babybliss.convert.generate import adapter_config, convert
    from babybliss.convert.shipped import shipped_adapter

    folder = shipped_adapter()
    config = load_config(None, ["serve.threads=1"])
    loaded = load_for_conversion(config, folder, direction="b2e")
    calls: list[str] = []
    monkeypatch.setattr(loaded.model, "generator", CountingGenerator(loaded.model.generator, calls))
    (answer,) = convert(loaded, adapter_config(folder).prompts, "b2e", ["past:We walk home yesterday."], config.generate)
    assert answer.answer == "We walked home yesterday." and answer.clean_stop
    assert calls == ["forward_batch"]


class CountingGenerator:
    """A CTranslate2 generator that records which of its calls were made."""

    def __init__(self, generator, calls: list[str]):
        self.generator, self.calls = generator, calls
        self.num_generators = generator.num_generators

    def __getattr__(self, name):
        self.calls.append(name)
        return getattr(self.generator, name)
