"""Fine-tuning on the tiny model: labels, EOS, the epoch sweep, the trainer's steps, DDP with two CPU processes."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from babybliss.config import load_config
from babybliss.data.prepare import prepare
from babybliss.training.train import (
    EpochSeededSampler,
    TrainError,
    build_trainer,
    checked_rows,
    disk_full,
    epoch_dir,
    finetune,
    last_complete_checkpoint,
    sft_arguments,
    trim_metrics,
)
from conftest import make_pairs, write_json

BASE = ["model.spec=tiny", "lora.r=4", "train.per_device_train_batch_size=8", "train.logging_steps=2", "train.save_steps=100"]


def tiny_config(tmp_path: Path, *extra: str, n_pairs: int = 40):
    pairs = write_json(tmp_path / "pairs.json", make_pairs(n_pairs))
    return load_config(None, BASE + [f"data.path={pairs}", f"out={tmp_path / 'run'}", *extra])


def test_labels_mask_the_prompt_and_keep_the_eos(tmp_path):
    config = tiny_config(tmp_path)
    run = Path(config.out)
    prepare(config, run / "data")
    trainer, _ = build_trainer(config, run, "probe", 1, [1], resume=False)
    tokenizer = trainer.processing_class
    batch = trainer.data_collator([trainer.train_dataset[i] for i in range(4)])
    first_row = json.loads((run / "data" / "sft" / "train.jsonl").read_text().splitlines()[0])
    prompt_len = len(tokenizer(first_row["prompt"], add_special_tokens=False)["input_ids"])
    labels, ids = batch["labels"][0], batch["input_ids"][0]
    assert (labels[:prompt_len] == -100).all(), "prompt tokens must not be in the loss"
    learned = labels[labels != -100]
    assert tokenizer.decode(learned[:-1]) == first_row["completion"]
    assert learned[-1].item() == tokenizer.eos_token_id, "the EOS after the answer must be learned"
    # The EOS stays in the labels even though padding uses another id: padding alone is masked.
    pad_positions = ids == tokenizer.pad_token_id
    assert (labels[pad_positions] == -100).all()


def test_checkpoint_sweep_writes_one_adapter_per_epoch(tmp_path):
    config = tiny_config(tmp_path, "train.epochs=[1,2]", "train.sweep=checkpoints", n_pairs=24)
    result = finetune(config)
    run = Path(config.out)
    assert result["adapters"] == [str(epoch_dir(run, 1)), str(epoch_dir(run, 2))]
    for n in (1, 2):
        folder = epoch_dir(run, n)
        info = json.loads((folder / "training.json").read_text())
        assert info["epochs"] == n and info["run"] == "sweep"
        assert info["final_eval_loss"] is not None
        assert (folder / "adapter_model.safetensors").is_file()
        assert load_config(folder / "config.resolved.toml").train.epochs == [n]
        prompt = json.loads((folder / "prompt.json").read_text())
        assert prompt["e2b_instruction"] == config.prompts.e2b_instruction
    step1 = json.loads((epoch_dir(run, 1) / "training.json").read_text())["global_step"]
    step2 = json.loads((epoch_dir(run, 2) / "training.json").read_text())["global_step"]
    assert step2 == 2 * step1
    rows = [json.loads(line) for line in (run / "logs" / "metrics.jsonl").read_text().splitlines()]
    assert {r["run"] for r in rows} == {"sweep"}
    assert sum("eval_loss" in r for r in rows) == 2, "validation loss at each epoch end"


def test_separate_runs_each_have_their_own_schedule(tmp_path):
    config = tiny_config(tmp_path, "train.epochs=[1,2]", n_pairs=16)
    finetune(config)
    run = Path(config.out)
    rows = [json.loads(line) for line in (run / "logs" / "metrics.jsonl").read_text().splitlines()]
    assert {r["run"] for r in rows} == {"epochs-1", "epochs-2"}
    assert json.loads((epoch_dir(run, 2) / "training.json").read_text())["run"] == "epochs-2"


# Resume after kill -9, SIGTERM and torn saves: tests/test_faults.py.


def test_incomplete_checkpoint_is_never_resumed_from(tmp_path):
    folder = tmp_path / "checkpoints"
    (folder / "checkpoint-4").mkdir(parents=True)
    (folder / "checkpoint-4" / "trainer_state.json").write_text("{}")
    (folder / "checkpoint-6").mkdir()
    (folder / "checkpoint-6" / "trainer_state.json").write_text('{"global_st')  # killed while writing
    (folder / "checkpoint-8").mkdir()  # killed before the state was written
    assert last_complete_checkpoint(folder) == folder / "checkpoint-4"


needs_torchrun = pytest.mark.skipif(
    shutil.which("torchrun") is None and not Path(sys.executable).with_name("torchrun").exists(), reason="torchrun missing"
)

ACCELERATE_DEALING = """import sys
from babybliss.cli import commands as cli
from babybliss.training import epoch_shards
epoch_shards.deal_rounds = lambda loader: loader
sys.exit(cli.main())
"""


def finetune_on_two_cpu_processes(tmp_path: Path, name: str, sets: list[str], accelerate_dealing: bool = False) -> Path:
    """`babybliss finetune` under torchrun with two gloo processes; with accelerate_dealing, accelerate's own
    batches instead of epoch_shards'."""
    pairs = write_json(tmp_path / "pairs.json", make_pairs(40))
    run = tmp_path / name
    torchrun = str(Path(sys.executable).with_name("torchrun"))
    entry = ["-m", "babybliss"]
    if accelerate_dealing:
        script = tmp_path / "accelerate_dealing.py"
        script.write_text(ACCELERATE_DEALING)
        entry = [str(script)]
    command = [torchrun, "--nproc_per_node", "2", *entry, "finetune", "--data", str(pairs), "--out", str(run)]
    for item in BASE + sets:
        command += ["--set", item]
    env = {**os.environ, "OMP_NUM_THREADS": "1"}
    result = subprocess.run(command, capture_output=True, text=True, env=env, timeout=300)
    assert result.returncode == 0, result.stderr[-3000:]
    return run


def logged(run: Path, key: str) -> list[float]:
    rows = [json.loads(line) for line in (run / "logs" / "metrics.jsonl").read_text().splitlines()]
    return [r[key] for r in rows if key in r]


@needs_torchrun
def test_ddp_with_two_cpu_processes(tmp_path):
    # 6 per rank: the epoch ends with a short round, which each rank gets half of (epoch_shards)
    run = finetune_on_two_cpu_processes(tmp_path, "ddp", ["train.per_device_train_batch_size=6"])
    assert sorted(p.name for p in run.glob("epoch-*")) == ["epoch-1"], "one set of adapters"
    prompts = len((run / "data" / "sft" / "train.jsonl").read_text().splitlines())
    assert prompts % 12, "the data must leave a short last round"
    steps = -(-prompts // 12)
    losses = logged(run, "loss")
    assert losses and all(l == l and abs(l) < 1e4 for l in losses), "finite loss, logged once (rank 0 only)"
    assert len(losses) == steps // 2
    info = json.loads((epoch_dir(run, 1) / "training.json").read_text())
    assert info["global_step"] == steps


@needs_torchrun
def test_dealt_steps_train_like_accelerates_steps(tmp_path):
    # whole rounds only (accelerate's short last round differs on purpose); no dropout, so the steps are comparable
    sets = ["train.per_device_train_batch_size=6", "train.max_steps=3", "train.logging_steps=1", "lora.dropout=0"]
    dealt = finetune_on_two_cpu_processes(tmp_path, "dealt", sets)
    plain = finetune_on_two_cpu_processes(tmp_path, "plain", sets, accelerate_dealing=True)
    for key in ("loss", "grad_norm"):
        assert len(logged(dealt, key)) == 3
        assert logged(dealt, key) == pytest.approx(logged(plain, key), rel=1e-5), key


def test_the_trainer_deals_multi_gpu_rounds_prompt_by_prompt(tmp_path, monkeypatch):
    from babybliss.training import epoch_shards

    config = tiny_config(tmp_path)
    run = Path(config.out)
    prepare(config, run / "data")
    trainer, _ = build_trainer(config, run, "probe", 1, [1], resume=False)
    dealt = []
    monkeypatch.setattr(epoch_shards, "deal_rounds", lambda loader: dealt.append(loader) or loader)
    assert trainer.get_train_dataloader() is dealt[0]


def test_answer_positions_only_scoring_keeps_the_loss_and_gradients(tmp_path, monkeypatch):
    import torch
    from trl.trainer import utils as trl_utils

    config = tiny_config(tmp_path, "lora.dropout=0")  # dropout would make two backward passes differ
    run = Path(config.out)
    prepare(config, run / "data")
    trainer, _ = build_trainer(config, run, "probe", 1, [1], resume=False)
    assert getattr(trl_utils._use_triton, "babybliss", False), "build_trainer must switch answer-only scoring on"
    batch = trainer.data_collator([trainer.train_dataset[i] for i in range(6)])
    model = trainer.model.train()

    def loss_and_grads():
        model.zero_grad()
        loss = trainer.compute_loss(model, dict(batch))
        loss.backward()
        return loss.item(), [p.grad.clone() for p in model.parameters() if p.requires_grad]

    compact_loss, compact_grads = loss_and_grads()
    monkeypatch.setattr(trl_utils, "_use_triton", lambda device: False)  # TRL's own CPU path: every position scored
    full_loss, full_grads = loss_and_grads()
    assert compact_loss == pytest.approx(full_loss, rel=1e-5)
    for a, b in zip(compact_grads, full_grads):
        torch.testing.assert_close(a, b, rtol=1e-4, atol=1e-6)


@pytest.mark.parametrize("upcast", [True, False])
def test_4bit_base_is_upcast_only_when_the_config_says(tmp_path, monkeypatch, upcast):
    import peft

    from babybliss.training.models import load_model

    calls = []
    monkeypatch.setattr(peft, "prepare_model_for_kbit_training", lambda model, **kw: calls.append(kw) or model)
    config = tiny_config(tmp_path, f"quant.upcast_unquantized={str(upcast).lower()}")
    run = Path(config.out)
    prepare(config, run / "data")
    loaded = load_model(config.model)
    loaded.quantized = True  # stands in for a bitsandbytes base, which needs CUDA
    build_trainer(config, run, "probe", 1, [1], resume=False, loaded=loaded)
    assert len(calls) == (1 if upcast else 0)


def test_train_settings_shared_with_sftconfig_reach_it_by_name(tmp_path):
    config = tiny_config(tmp_path, "train.max_grad_norm=0.7", "train.weight_decay=0.05", "train.logging_steps=3",
                         "train.warmup_ratio=0.25", "train.pad_to_multiple_of=0")
    args = sft_arguments(config, tmp_path / "checkpoints", 2, has_eval=True)
    assert (args.max_grad_norm, args.weight_decay, args.logging_steps) == (0.7, 0.05, 3)
    assert args.warmup_steps == 0.25 and args.pad_to_multiple_of is None and args.num_train_epochs == 2


def test_warmup_ratio_must_be_a_share(tmp_path):
    from babybliss.config import ConfigError

    with pytest.raises(ConfigError, match="train.warmup_ratio"):
        tiny_config(tmp_path, "train.warmup_ratio=5")


def test_length_grouped_order_depends_on_seed_and_epoch_alone():
    import torch
    from transformers.trainer_pt_utils import LengthGroupedSampler

    lengths = [((i * 37) % 23) + 1 for i in range(64)]

    def order(epoch: int, noise: int) -> list[int]:
        torch.manual_seed(noise)  # whatever the global RNG went through before the epoch
        sampler = EpochSeededSampler(LengthGroupedSampler(8, lengths=lengths), seed=3)
        sampler.set_epoch(epoch)
        return list(sampler)

    assert order(1, noise=0) == order(1, noise=99)
    assert order(1, noise=0) != order(0, noise=0)
    assert sorted(order(2, noise=5)) == list(range(64))


def test_trim_metrics_drops_the_rows_a_resume_logs_again(tmp_path):
    log = tmp_path / "metrics.jsonl"
    rows = [{"run": "sweep", "step": s, "loss": 1.0} for s in (2, 4, 6)] + [{"run": "other", "step": 8, "loss": 1.0}]
    log.write_text("".join(json.dumps(r) + "\n" for r in rows))
    trim_metrics(log, "sweep", 4)
    assert [(r["run"], r["step"]) for r in map(json.loads, log.read_text().splitlines())] == [
        ("sweep", 2), ("sweep", 4), ("other", 8)
    ]


def test_rows_longer_than_max_seq_length_are_refused_not_dropped(tmp_path):
    from babybliss.training.models import tiny_tokenizer

    config = tiny_config(tmp_path, "train.max_seq_length=150")
    run = Path(config.out)
    prepare(config, run / "data")
    with pytest.raises(TrainError, match=r"train\.jsonl: \d+ of \d+ rows are longer than train\.max_seq_length=150 tokens"):
        checked_rows(run, config, tiny_tokenizer())
    config.train.max_seq_length = 4096
    train_rows, _ = checked_rows(run, config, tiny_tokenizer())
    assert len(train_rows) == len((run / "data" / "sft" / "train.jsonl").read_text().splitlines())


def test_a_full_disk_is_recognised_in_torchs_own_error(tmp_path):
    assert disk_full(tmp_path, RuntimeError("[enforce fail at inline_container.cc:672] . unexpected pos 1234 vs 1200"))
    assert not disk_full(tmp_path, RuntimeError("mat1 and mat2 shapes cannot be multiplied"))


def test_max_steps_sweeps_keep_only_the_adapter_they_write(tmp_path):
    from babybliss.training.train import planned_runs

    config = tiny_config(tmp_path, "train.epochs=[1,2,3]", "train.sweep=checkpoints", "train.max_steps=5")
    assert planned_runs(config) == [("sweep", 3, [3])]
    config.train.max_steps = -1
    assert planned_runs(config) == [("sweep", 3, [1, 2, 3])]
