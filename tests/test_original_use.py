from __future__ import annotations

import json

import pytest

from babybliss.cli.commands import main
from babybliss.config import load_config
from babybliss.training.models import Loaded, tiny_model, tiny_tokenizer
from babybliss.training.original_use import LLAMA2_WRAPPER, original_use, to_markdown, wrap


def _loaded() -> Loaded:
    tokenizer = tiny_tokenizer()
    return Loaded(tiny_model(tokenizer).eval(), tokenizer, "tiny", 0.0)


@pytest.fixture(scope="module")
def result(tmp_path_factory):
    """original_use with tiny and the research team's lengths (its prompts are longer than word prediction's 20)."""
    out = tmp_path_factory.mktemp("original-use")
    config = load_config(None, ["model.spec=tiny", f"out={out}", "original_use.text_generation_max_new_tokens=8",
                                "original_use.inference_max_length=260"])
    loaded = _loaded()
    calls = []
    real = loaded.model.generate

    def spy(*args, **kwargs):
        output = real(*args, **kwargs)
        calls.append({"prompt_len": kwargs["input_ids"].shape[1], "out_len": output.shape[1],
                      **{k: v for k, v in kwargs.items() if k not in ("input_ids", "attention_mask")}})
        return output

    loaded.model.generate = spy
    payload = original_use(config, loaded)
    return config, out, payload, calls


def test_writes_result_files(result):
    config, out, payload, _ = result
    folder = out / "original-use"
    assert json.loads((folder / "result.json").read_text(encoding="utf-8")) == payload
    assert (folder / "result.md").read_text(encoding="utf-8") == to_markdown(payload)
    assert sorted(p.name for p in folder.iterdir()) == ["result.json", "result.md"]


def test_entry_counts(result):
    config, _, payload, _ = result
    assert payload["model"] == "tiny"
    assert len(payload["text_generation"]) == 4
    assert len(payload["word_prediction"]) == 3
    assert len(payload["inference"]) == 4
    for key in ("text_generation", "word_prediction", "inference"):
        assert all(set(item) == {"prompt", "output"} and isinstance(item["output"], str) for item in payload[key])


def test_prompts_are_the_research_teams(result):
    config, _, payload, _ = result
    settings = config.original_use
    assert [i["prompt"] for i in payload["text_generation"]] == [settings.instruction + s for s in settings.prompts]
    assert [i["prompt"] for i in payload["inference"]] == [settings.instruction + s for s in settings.prompts]
    assert {i["prompt"] for i in payload["word_prediction"]} == {"Joe is feeling sick and in the hospital. He wants to"}


def test_generation_settings(result):
    config, _, _, calls = result
    assert len(calls) == 4 + 1 + 4
    text_gen, word, inference = calls[:4], calls[4], calls[5:]
    for call in text_gen:
        assert call["do_sample"] is True and call["temperature"] == 0.7 and call["top_p"] == 0.9
        assert call["max_new_tokens"] == 8
        assert call["out_len"] - call["prompt_len"] <= 8
    # word prediction: a total length of 20 is shorter than the prompt in bytes; still at least one new token
    assert word["prompt_len"] > config.original_use.word_prediction_max_length
    assert word["max_new_tokens"] == 1
    assert word["num_return_sequences"] == 3 and word["do_sample"] is True
    for call in inference:
        assert call["do_sample"] is False
        assert call["max_new_tokens"] == max(1, 260 - call["prompt_len"])
        assert call["out_len"] <= max(260, call["prompt_len"] + 1)


def test_markdown_sections(result):
    _, out, payload, _ = result
    text = (out / "original-use" / "result.md").read_text(encoding="utf-8")
    assert text.startswith("# Original use of `tiny`")
    for title in ("## Text generation", "## Word prediction", "## Inference"):
        assert title in text
    assert text.count("**Prompt:**") == 11
    assert text.count("```text") == 11


def test_wrap_without_chat_template_uses_llama2_wrapper():
    tokenizer = tiny_tokenizer()
    assert wrap(tokenizer, "Hello") == "<s>[INST] Hello [/INST]" == LLAMA2_WRAPPER.format(prompt="Hello")


def test_wrap_uses_chat_template_when_present():
    tokenizer = tiny_tokenizer()
    tokenizer.chat_template = "{% for m in messages %}<|{{ m.role }}|>{{ m.content }}{% endfor %}{% if add_generation_prompt %}<|assistant|>{% endif %}"
    assert wrap(tokenizer, "Hello") == "<|user|>Hello<|assistant|>"


def test_original_use_cli(tmp_path, capsys):
    code = main(["original-use", "--model", "tiny", "--out", str(tmp_path / "run"),
                 "--set", "original_use.text_generation_max_new_tokens=2", "--set", "original_use.inference_max_length=1",
                 "--set", "original_use.prompts=Today is a lovely sunny day."])
    assert code == 0
    assert "result.md" in capsys.readouterr().out
    payload = json.loads((tmp_path / "run" / "original-use" / "result.json").read_text())
    assert len(payload["text_generation"]) == 1 and len(payload["inference"]) == 1
    assert len(payload["word_prediction"]) == 3
