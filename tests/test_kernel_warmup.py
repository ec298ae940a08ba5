"""train.kernel_warmup: a one-layer copy of the model runs a packed training and validation step in a thread while the
real model loads; it only runs where asked on one CUDA GPU, and the run trains exactly as without it."""

from __future__ import annotations

from pathlib import Path

import pytest
import torch
from safetensors.torch import load_file

from babybliss.config import load_config
from babybliss.training import kernel_warmup
from babybliss.training.models import prepare_tokenizer, tiny_model, tiny_tokenizer
from babybliss.training.train import finetune
from conftest import make_pairs, write_json


@pytest.fixture(scope="module")
def model_folder(tmp_path_factory) -> Path:
    """The tiny model saved as a model folder, the way a GPU run names its base (a folder with config.json)."""
    folder = tmp_path_factory.mktemp("tiny-folder")
    tokenizer = prepare_tokenizer(tiny_tokenizer())
    tiny_model(tokenizer).save_pretrained(folder)
    tokenizer.save_pretrained(folder)
    return folder


def _config(tmp_path: Path, folder: Path, *extra: str):
    tmp_path.mkdir(parents=True, exist_ok=True)
    pairs = write_json(tmp_path / "pairs.json", make_pairs(24))
    return load_config(None, [f"model.spec={folder}", "lora.r=4", "train.per_device_train_batch_size=8",
                              "train.per_device_eval_batch_size=8", "train.padding_free=true",
                              "train.pad_to_multiple_of=64", "train.max_steps=3", "train.logging_steps=1",
                              "train.save_steps=100", f"data.path={pairs}", f"out={tmp_path / 'run'}", *extra])


@pytest.fixture
def on_the_cpu(monkeypatch):
    """The warm-up as on a GPU machine, run on the CPU; its once-a-process state fresh."""
    monkeypatch.setattr(kernel_warmup, "DEVICE", "cpu")
    monkeypatch.setattr(kernel_warmup, "wanted", lambda config: config.train.kernel_warmup)
    monkeypatch.setattr(kernel_warmup, "_STATE", {"thread": None, "started": False})


def test_it_is_wanted_only_where_asked_on_one_cuda_gpu(tmp_path, model_folder, monkeypatch):
    asked = _config(tmp_path, model_folder, "train.kernel_warmup=true", "quant.load_in_4bit=false")
    monkeypatch.setattr(torch.cuda, "is_available", lambda: False)
    assert not kernel_warmup.wanted(asked)
    monkeypatch.setattr(torch.cuda, "is_available", lambda: True)
    assert kernel_warmup.wanted(asked)
    assert not kernel_warmup.wanted(_config(tmp_path, model_folder, "quant.load_in_4bit=false"))  # not asked
    assert not kernel_warmup.wanted(_config(tmp_path, model_folder, "train.kernel_warmup=true"))  # a 4-bit base
    monkeypatch.setenv("WORLD_SIZE", "2")
    assert not kernel_warmup.wanted(asked)


def test_the_copy_has_one_layer_and_steps_on_a_packed_batch(tmp_path, model_folder, on_the_cpu):
    config = _config(tmp_path, model_folder, "train.kernel_warmup=true")
    model, pad = kernel_warmup.one_layer_copy(config)
    assert model.get_base_model().config.num_hidden_layers == 1
    batch = kernel_warmup.packed_batch(config, 100, pad, 8)
    assert batch["input_ids"].shape[0] == 1 and batch["input_ids"].shape[1] % 64 == 0  # padding-free, bucketed
    assert len(batch["cu_seq_lens_q"]) > 8  # eight examples and the padding's positions
    kernel_warmup.warm_steps(model, pad, config)
    grads = [p.grad for name, p in model.named_parameters() if "lora_B" in name]
    assert grads and all(g is not None for g in grads)  # the backward ran


def _adapter(run: Path) -> dict:
    return load_file(run / "epoch-1" / "adapter_model.safetensors")


class _AtJoin:
    """A thread that runs when joined: the warm-up's steps then come at the worst time, after the trainer has seeded
    the generators and before its first step."""

    def __init__(self, target, args, **_) -> None:
        self.target, self.args = target, args

    def start(self) -> None:
        pass

    def join(self) -> None:
        self.target(*self.args)


def test_a_run_trains_the_same_with_the_warm_up(tmp_path, model_folder, on_the_cpu, monkeypatch):
    steps, real = [], kernel_warmup.warm_steps
    monkeypatch.setattr(kernel_warmup, "warm_steps", lambda *a: steps.append(a) or real(*a))
    monkeypatch.setattr(kernel_warmup, "Thread", _AtJoin)
    plain = _config(tmp_path / "plain", model_folder)
    warmed = _config(tmp_path / "warmed", model_folder, "train.kernel_warmup=true")
    finetune(plain)
    finetune(warmed)
    assert len(steps) == 1  # the second run warmed up, the first did not
    a, b = _adapter(Path(plain.out)), _adapter(Path(warmed.out))
    assert a.keys() == b.keys() and all(torch.equal(a[k], b[k]) for k in a)
