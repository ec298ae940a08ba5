from __future__ import annotations

import json

import pytest
import torch

from babybliss.cli.commands import main
from babybliss.config import Config, ModelConfig, load_config
from babybliss.convert.export import export
from babybliss.convert.generate import load_for_generation, run_generate
from babybliss.training.models import ModelError, load_model, tiny_model, tiny_tokenizer
from babybliss.data.prompts import build_prompt

TEXT = build_prompt(Config().prompts, "e2b", "We will walk in the park.")


def _adapter_logits(adapter) -> torch.Tensor:
    """Logits of the un-merged adapter on its base (PeftModel on the tiny base), the reference."""
    from peft import PeftModel

    tokenizer = tiny_tokenizer()
    model = PeftModel.from_pretrained(tiny_model(tokenizer), adapter).eval()
    ids = tokenizer(TEXT, return_tensors="pt", add_special_tokens=False)
    with torch.no_grad():
        return model(**ids).logits


def test_tiny_run_layout(tiny_run):
    adapter = tiny_run / "epoch-1"
    for name in ("adapter_config.json", "adapter_model.safetensors", "prompt.json", "config.resolved.toml",
                 "training.json", "tokenizer.json"):
        assert (adapter / name).is_file(), name
    training = json.loads((adapter / "training.json").read_text())
    assert training["epochs"] == 1 and training["global_step"] == 4
    prompt = json.loads((adapter / "prompt.json").read_text())
    assert prompt["template"] == "{instruction}### Input:\n{input}\n\n### Response:\n"
    assert prompt["eos_token"] == "</s>"
    assert json.loads((adapter / "adapter_config.json").read_text())["r"] == 4
    assert not list(adapter.glob("*.bin"))


def test_trained_adapter_changed_the_model(tiny_run):
    tokenizer = tiny_tokenizer()
    base = tiny_model(tokenizer).eval()
    ids = tokenizer(TEXT, return_tensors="pt", add_special_tokens=False)
    with torch.no_grad():
        base_logits = base(**ids).logits
    assert not torch.allclose(base_logits, _adapter_logits(tiny_run / "epoch-1"), atol=1e-6)


def test_export_without_merge_copies_adapter(tiny_run, tmp_path):
    adapter = tiny_run / "epoch-1"
    out = export(adapter, tmp_path / "copy")
    assert out == tmp_path / "copy"
    source = sorted(p.relative_to(adapter) for p in adapter.rglob("*") if p.is_file())
    copied = sorted(p.relative_to(out) for p in out.rglob("*") if p.is_file())
    assert copied == source
    for rel in source:
        assert (out / rel).read_bytes() == (adapter / rel).read_bytes(), rel
    assert not list(tmp_path.glob(".copy.*"))  # no partial folder left behind


def test_export_replaces_existing_destination(tiny_run, tmp_path):
    out = tmp_path / "dest"
    out.mkdir()
    (out / "stale.bin").write_bytes(b"old")
    export(tiny_run / "epoch-1", out)
    assert not (out / "stale.bin").exists()
    assert (out / "adapter_model.safetensors").is_file()


def test_export_merge_loads_with_transformers_alone(tiny_run, tmp_path):
    from transformers import AutoModelForCausalLM, AutoTokenizer

    adapter = tiny_run / "epoch-1"
    out = export(adapter, tmp_path / "merged", merge=True)
    assert (out / "config.json").is_file()
    assert list(out.glob("*.safetensors"))
    assert not (out / "adapter_config.json").exists()
    assert (out / "prompt.json").read_bytes() == (adapter / "prompt.json").read_bytes()
    assert (out / "config.resolved.toml").is_file()

    merged = AutoModelForCausalLM.from_pretrained(out).eval()
    tokenizer = AutoTokenizer.from_pretrained(out)
    ids = tokenizer(TEXT, return_tensors="pt", add_special_tokens=False)
    assert ids["input_ids"].shape[1] == len(TEXT.encode())
    with torch.no_grad():
        logits = merged(**ids).logits
    reference = _adapter_logits(adapter)
    assert logits.shape == reference.shape
    assert torch.allclose(logits, reference, atol=1e-4), (logits - reference).abs().max()

    # babybliss also loads the merged folder as a plain model spec
    loaded = load_model(ModelConfig(spec=str(out)), device="cpu")
    with torch.no_grad():
        again = loaded.model(**ids).logits
    assert torch.allclose(again, reference, atol=1e-4)


def test_load_for_generation_merges_adapter(tiny_run, tiny_run_config):
    loaded = load_for_generation(tiny_run_config, tiny_run / "epoch-1")
    tokenizer = loaded.tokenizer
    ids = tokenizer(TEXT, return_tensors="pt", add_special_tokens=False)
    with torch.no_grad():
        logits = loaded.model(**ids).logits
    assert torch.allclose(logits, _adapter_logits(tiny_run / "epoch-1"), atol=1e-4)


def test_export_of_non_adapter_folder_errors(tmp_path):
    folder = tmp_path / "not-an-adapter"
    folder.mkdir()
    with pytest.raises(ModelError, match="config.resolved.toml"):
        export(folder, tmp_path / "out")
    assert not (tmp_path / "out").exists()


def test_export_and_generate_via_cli(tiny_run, tmp_path, capsys):
    assert main(["export", str(tiny_run / "epoch-1"), "--out", str(tmp_path / "cli-copy")]) == 0
    assert "exported to" in capsys.readouterr().out
    assert (tmp_path / "cli-copy" / "adapter_model.safetensors").is_file()
    code = main(["generate", "--adapter", str(tiny_run / "epoch-1"), "--direction", "b2e",
                 "--set", "generate.max_new_tokens=3", "past:I walk park."])
    assert code == 0
    assert capsys.readouterr().out.count("\n") == 1


def test_run_generate_with_adapter_uses_its_prompts(tiny_run, tiny_run_config, monkeypatch):
    seen = []

    def fake_generate_raw(loaded, prompts, gen, show_progress=False):
        seen.extend(prompts)
        return []

    monkeypatch.setattr("babybliss.convert.generate.generate_raw", fake_generate_raw)
    config = load_config(None, ["prompts.e2b_instruction=IGNORED"])
    run_generate(config, str(tiny_run / "epoch-1"), "e2b", ["We walk."])
    assert seen == [build_prompt(tiny_run_config.prompts, "e2b", "We walk.")]
    assert "IGNORED" not in seen[0]
