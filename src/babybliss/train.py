"""Fine-tuning: TRL's SFTTrainer with one LoRA path (QLoRA when the config and CUDA allow), an epoch sweep, resume."""

from __future__ import annotations

import json
import os
import shutil
import time
from dataclasses import replace
from pathlib import Path

import torch

from babybliss import epoch_shards
from babybliss.config import TINY_SPEC, Config, save_config
from babybliss.data import prepare
from babybliss.io import atomic_dir, atomic_write_json, read_jsonl
from babybliss.models import Loaded, device_name, load_model, parameter_counts, wants_4bit

PROMPT_FILE = "prompt.json"
TRAINING_FILE = "training.json"


class TrainError(RuntimeError):
    """Training that cannot start or went out of memory; the message says what to change."""


def epoch_dir(run: Path, epochs: int) -> Path:
    return run / f"epoch-{epochs}"


def is_finished(folder: Path) -> bool:
    return (folder / TRAINING_FILE).is_file()


def planned_runs(config: Config) -> list[tuple[str, int, list[int]]]:
    """(run name, epochs to train, epoch counts whose adapters it keeps)."""
    epochs = sorted(set(config.train.epochs))
    if config.train.sweep == "checkpoints":
        return [("sweep", max(epochs), epochs)]
    return [(f"epochs-{n}", n, [n]) for n in epochs]


def last_complete_checkpoint(folder: Path) -> Path | None:
    """The newest checkpoint whose trainer state was fully written (it is saved last)."""
    best: tuple[int, Path] | None = None
    for candidate in folder.glob("checkpoint-*"):
        try:
            step = int(candidate.name.split("-")[-1])
            json.loads((candidate / "trainer_state.json").read_text())
        except (ValueError, OSError):
            continue
        if best is None or step > best[0]:
            best = (step, candidate)
    return best[1] if best else None


def is_main_process() -> bool:
    """Rank 0, or the only process: the one that writes run files and prints."""
    return int(os.environ.get("RANK", "0")) == 0


def _barrier() -> None:
    """Wait for every rank. Under a launcher (WORLD_SIZE > 1) the process group is started here if nothing has yet,
    so rank 0's data preparation is finished before the others read it, and each rank is bound to its own GPU."""
    if not torch.distributed.is_available():
        return
    if not torch.distributed.is_initialized() and int(os.environ.get("WORLD_SIZE", "1")) > 1:
        from accelerate import PartialState

        PartialState()  # the same state Trainer uses later; sets the GPU of LOCAL_RANK
    if torch.distributed.is_initialized():
        torch.distributed.barrier()


def score_answer_positions_only() -> None:
    """Make TRL's fused LM head project only the answer positions on the CPU too, as it does on Triton devices.

    Without Triton, TRL 1.16 scores every position (so compiled tile shapes stay fixed) and masks the prompt
    positions afterwards: the same loss, but on the default model the LM head over every position is half of a CPU
    training step (bench/RESULTS.md, CPU section). Not applied with `train.torch_compile`. A TRL without this hook
    is left as it is.
    """
    from trl.trainer import utils as trl_utils

    original = getattr(trl_utils, "_use_triton", None)
    if original is None or getattr(original, "babybliss", False):
        return

    def compact_on_cpu(device) -> bool:
        return device.type == "cpu" or original(device)

    compact_on_cpu.babybliss = True
    trl_utils._use_triton = compact_on_cpu


def sft_arguments(config: Config, output_dir: Path, epochs: int, has_eval: bool):
    from trl import SFTConfig

    train = config.train
    cuda = torch.cuda.is_available()
    optim = train.optim if cuda or not any(k in train.optim for k in ("paged", "8bit")) else "adamw_torch"
    return SFTConfig(
        output_dir=str(output_dir),
        num_train_epochs=epochs,
        max_steps=train.max_steps,
        per_device_train_batch_size=train.per_device_train_batch_size,
        per_device_eval_batch_size=train.per_device_eval_batch_size,
        gradient_accumulation_steps=train.gradient_accumulation_steps,
        gradient_checkpointing=train.gradient_checkpointing,
        max_grad_norm=train.max_grad_norm,
        learning_rate=train.learning_rate,
        weight_decay=train.weight_decay,
        optim=optim,
        lr_scheduler_type=train.lr_scheduler_type,
        warmup_steps=train.warmup_ratio,  # a float below 1 is a ratio of the total steps
        train_sampling_strategy="group_by_length" if train.group_by_length else "random",
        fp16=train.fp16 and cuda,
        bf16=train.bf16,
        save_strategy="steps",
        save_steps=train.save_steps,
        save_total_limit=2,
        logging_steps=train.logging_steps,
        eval_strategy="epoch" if has_eval else "no",
        # TRL cannot truncate padding-free batches without packing and refuses a max_length then: examples stay whole.
        max_length=None if train.padding_free and not train.packing else train.max_seq_length,
        packing=train.packing,
        padding_free=train.padding_free,
        pad_to_multiple_of=train.pad_to_multiple_of or None,
        use_liger_kernel=train.use_liger_kernel,
        torch_compile=train.torch_compile,
        seed=train.seed,
        data_seed=train.seed,
        report_to=["tensorboard"],
        completion_only_loss=True,
        dataset_num_proc=None,
        fsdp=train.fsdp or "",
        ddp_find_unused_parameters=False,
        disable_tqdm=False,
        use_cpu=not cuda,
    )


def peft_config(config: Config):
    if not config.lora.enabled:
        return None
    from peft import LoraConfig

    targets = config.lora.target_modules
    return LoraConfig(
        r=config.lora.r,
        lora_alpha=config.lora.alpha,
        lora_dropout=config.lora.dropout,
        bias=config.lora.bias,
        target_modules="all-linear" if targets == ["all-linear"] else list(targets),
        task_type="CAUSAL_LM",
    )


def write_prompt_file(config: Config, folder: Path, eos_token: str) -> None:
    atomic_write_json(
        folder / PROMPT_FILE,
        {
            "template": config.prompts.template,
            "e2b_instruction": config.prompts.e2b_instruction,
            "b2e_instruction": config.prompts.b2e_instruction,
            "completion": "{answer}\\n followed by the tokenizer's EOS",
            "eos_token": eos_token,
        },
    )


def _epoch_saver(config: Config, run_dir: Path, run_name: str, keep: list[int], timer: dict):
    from transformers import TrainerCallback

    class EpochSaver(TrainerCallback):
        """Writes RUN/epoch-N when an epoch in `keep` ends, then fills in its validation loss."""

        last_saved: Path | None = None

        saved: set[int] = set()

        def save(self, epoch, state, model, processing_class):
            target = epoch_dir(run_dir, epoch)
            seconds = timer["before"] + time.perf_counter() - timer["start"]
            with atomic_dir(target) as tmp:
                model.save_pretrained(tmp, safe_serialization=True)
                processing_class.save_pretrained(tmp)
                write_prompt_file(config, tmp, processing_class.eos_token)
                save_config(replace(config, train=replace(config.train, epochs=[epoch])), tmp / "config.resolved.toml")
                atomic_write_json(
                    tmp / TRAINING_FILE,
                    {
                        "epochs": epoch,
                        "run": run_name,
                        "train_seconds": round(seconds, 2),
                        "train_samples": round(timer["samples"] * (state.epoch or 0)),
                        "samples_per_second": round(timer["samples"] * (state.epoch or 0) / max(seconds, 1e-9), 3),
                        "global_step": state.global_step,
                        "device": timer["device"],
                        "final_eval_loss": None,
                    },
                )
            self.saved.add(epoch)
            self.last_saved = target

        def on_epoch_end(self, args, state, control, model=None, processing_class=None, **kwargs):
            epoch = round(state.epoch or 0)
            # With train.max_steps the "epochs" are the trainer's own count, not passes over the data.
            if epoch in keep and state.is_world_process_zero and args.max_steps <= 0:
                self.save(epoch, state, model, processing_class)

        def on_train_end(self, args, state, control, model=None, processing_class=None, **kwargs):
            # train.max_steps ends training off the epoch grid: its adapter is written here, as the last epoch.
            if max(keep) not in self.saved and state.is_world_process_zero:
                self.save(max(keep), state, model, processing_class)

        def on_evaluate(self, args, state, control, metrics=None, **kwargs):
            if self.last_saved is None or not state.is_world_process_zero or not metrics:
                return
            info_path = self.last_saved / TRAINING_FILE
            info = json.loads(info_path.read_text())
            info["final_eval_loss"] = metrics.get("eval_loss")
            atomic_write_json(info_path, info)
            self.last_saved = None

        def on_save(self, args, state, control, **kwargs):
            if state.is_world_process_zero:
                elapsed = timer["before"] + time.perf_counter() - timer["start"]
                atomic_write_json(Path(args.output_dir) / "elapsed.json", {"seconds": elapsed, "step": state.global_step})

    return EpochSaver()


def _metrics_logger(log_file: Path, run_name: str):
    from transformers import TrainerCallback

    class JsonlLogger(TrainerCallback):
        def on_log(self, args, state, control, logs=None, **kwargs):
            if not state.is_world_process_zero or not logs:
                return
            row = {"run": run_name, "step": state.global_step, "epoch": round(state.epoch or 0, 4)}
            row.update({k: v for k, v in logs.items() if k in {"loss", "eval_loss", "learning_rate", "grad_norm"}})
            if len(row) > 3:
                log_file.parent.mkdir(parents=True, exist_ok=True)
                with open(log_file, "a", encoding="utf-8") as handle:
                    handle.write(json.dumps(row) + "\n")

    return JsonlLogger()


def build_trainer(
    config: Config, run_dir: Path, run_name: str, epochs: int, keep: list[int], resume: bool, loaded: Loaded | None = None
):
    """The SFTTrainer of one run and the checkpoint it resumes from (None for a fresh start)."""
    from datasets import Dataset

    if config.train.num_threads:
        torch.set_num_threads(config.train.num_threads)
    if not config.train.torch_compile:
        score_answer_positions_only()
    checkpoints = run_dir / "checkpoints" / run_name
    if not resume and checkpoints.exists() and is_main_process():
        shutil.rmtree(checkpoints)
    _barrier()
    train_rows = read_jsonl(run_dir / "data" / "sft" / "train.jsonl")
    eval_rows = read_jsonl(run_dir / "data" / "sft" / "validation.jsonl")
    strip = lambda rows: [{"prompt": r["prompt"], "completion": r["completion"]} for r in rows]  # noqa: E731
    # 4-bit weights are frozen, so QLoRA is a LoRA switch: full fine-tuning always loads them unquantised.
    loaded = loaded or load_model(config.model, config.quant if config.lora.enabled else None)
    model = loaded.model
    if loaded.quantized and config.quant.upcast_unquantized:
        from peft import prepare_model_for_kbit_training

        model = prepare_model_for_kbit_training(model, use_gradient_checkpointing=config.train.gradient_checkpointing)
    if config.train.gradient_checkpointing:
        model.config.use_cache = False
    os.environ["TENSORBOARD_LOGGING_DIR"] = str(run_dir / "logs" / "tensorboard" / run_name)
    args = sft_arguments(config, checkpoints, epochs, has_eval=bool(eval_rows))
    resume_from = last_complete_checkpoint(checkpoints) if resume else None
    before = 0.0
    if resume_from is not None and (checkpoints / "elapsed.json").is_file():
        before = json.loads((checkpoints / "elapsed.json").read_text()).get("seconds", 0.0)
    timer = {"start": time.perf_counter(), "before": before, "samples": len(train_rows), "device": _device_label()}
    trainer = _trainer_class()(
        model=model,
        args=args,
        train_dataset=Dataset.from_list(strip(train_rows)),
        eval_dataset=Dataset.from_list(strip(eval_rows)) if eval_rows else None,
        processing_class=loaded.tokenizer,
        peft_config=peft_config(config),
        callbacks=[
            _epoch_saver(config, run_dir, run_name, keep, timer),
            _metrics_logger(run_dir / "logs" / "metrics.jsonl", run_name),
        ],
    )
    return trainer, resume_from


def _trainer_class():
    from trl import SFTTrainer

    class BlissTrainer(SFTTrainer):
        """SFTTrainer whose multi-GPU steps split their prompts evenly and train each once an epoch (epoch_shards)."""

        def get_train_dataloader(self):
            return epoch_shards.deal_rounds(super().get_train_dataloader())

    return BlissTrainer


def train_run(
    config: Config, run_dir: Path, run_name: str, epochs: int, keep: list[int], resume: bool, loaded: Loaded | None = None
) -> dict:
    """One SFTTrainer run of `epochs` epochs that writes RUN/epoch-N for each N in `keep`.

    `loaded` replaces loading `config.model` (benchmarks pass a randomly initialised model). Returns the trainer's
    training metrics (runtime, samples per second).
    """
    trainer, resume_from = build_trainer(config, run_dir, run_name, epochs, keep, resume, loaded)
    if is_main_process():
        total, trainable = parameter_counts(trainer.model)
        print(
            f"[babybliss] {run_name}: {len(trainer.train_dataset)} training prompts, {epochs} epoch(s), "
            f"{trainable:,} of {total:,} parameters trained, on {_device_label()}"
            + (f", resuming from {resume_from.name}" if resume_from else ""),
            flush=True,
        )
    try:
        output = trainer.train(resume_from_checkpoint=str(resume_from) if resume_from else None)
    except torch.cuda.OutOfMemoryError:
        raise TrainError(
            "the GPU ran out of memory. Lower train.per_device_train_batch_size (raise "
            "train.gradient_accumulation_steps to keep the effective batch), keep train.gradient_checkpointing on, "
            "lower train.max_seq_length, or turn on quant.load_in_4bit (QLoRA); e.g. "
            "--set train.per_device_train_batch_size=1 --set train.gradient_accumulation_steps=4"
        ) from None
    return dict(output.metrics)


def _device_label() -> str:
    if torch.cuda.is_available():
        return f"cuda:{torch.cuda.get_device_name(0)} x{max(1, int(os.environ.get('WORLD_SIZE', '1')))}"
    return f"cpu ({torch.get_num_threads()} threads)"


def finetune(config: Config, resume: bool = False) -> dict[str, object]:
    """Prepare the data, then train every planned run; with `resume`, finished runs are kept and the rest continue."""
    run_dir = Path(config.out)
    if is_main_process():
        run_dir.mkdir(parents=True, exist_ok=True)
        save_config(config, run_dir / "config.resolved.toml")
        if not (resume and (run_dir / "data" / "summary.json").is_file()):
            prepare(config, run_dir / "data")
    _barrier()
    if wants_4bit(config.quant) is False and config.quant.load_in_4bit and is_main_process() and config.model.spec != TINY_SPEC:
        print("[babybliss] no CUDA: quant.load_in_4bit is ignored, training plain LoRA on the CPU", flush=True)
    done = []
    for run_name, epochs, keep in planned_runs(config):
        if resume and all(is_finished(epoch_dir(run_dir, n)) for n in keep):
            if is_main_process():
                print(f"[babybliss] {run_name}: already finished, skipped", flush=True)
        else:
            train_run(config, run_dir, run_name, epochs, keep, resume)
        done.extend(str(epoch_dir(run_dir, n)) for n in keep)
        _barrier()
    return {"run": str(run_dir), "adapters": done, "device": device_name()}
