"""Fine-tuning: TRL's SFTTrainer with one LoRA path (QLoRA when the config and CUDA allow), an epoch sweep, resume."""

from __future__ import annotations

import contextlib
import dataclasses
import json
import os
import shutil
import signal
import threading
import time
from dataclasses import replace
from pathlib import Path

import torch

from babybliss.training import epoch_shards, kernel_warmup
from babybliss.training import run_folder
from babybliss.io import fault_point
from babybliss.config import TINY_SPEC, Config, TrainConfig, save_config
from babybliss.data.pairs import line_name, long_rows
from babybliss.data.prepare import prepare
from babybliss.errors import BlissError
from babybliss.io import atomic_dir, atomic_write_json, atomic_write_jsonl, read_jsonl, remove_leftovers, writing_in
from babybliss.training.process import SIGTERM_EXIT, Terminated, is_main_process  # noqa: F401 (re-exported)
from babybliss.training.models import Loaded, device_name, load_model, parameter_counts, peft_config, wants_4bit

PROMPT_FILE = "prompt.json"
TRAINING_FILE = "training.json"
OWN_FIELDS = {"epochs", "sweep", "warmup_ratio", "group_by_length", "max_seq_length", "num_threads", "seeds",
              "vary_split", "kernel_warmup"} | {
    "fp16", "optim", "fsdp", "pad_to_multiple_of"  # SFTConfig's, but with a CPU fallback or an "off" value mapped
}
"""TrainConfig fields babybliss interprets itself; every other field is SFTConfig's own and passed by name."""


class TrainError(BlissError):
    """Training that cannot start or went out of memory; the message says what to change."""


def epoch_dir(run: Path, epochs: int) -> Path:
    return run / f"epoch-{epochs}"


def is_finished(folder: Path) -> bool:
    return (folder / TRAINING_FILE).is_file()


def planned_runs(config: Config) -> list[tuple[str, int, list[int]]]:
    """(run name, epochs to train, epoch counts whose adapters it keeps)."""
    epochs = sorted(set(config.train.epochs))
    if config.train.sweep == "checkpoints":
        # With train.max_steps training ends off the epoch grid: only the last adapter is written.
        return [("sweep", max(epochs), epochs if config.train.max_steps <= 0 else [max(epochs)])]
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
    shared = {f.name for f in dataclasses.fields(SFTConfig)}
    passed = {f.name: getattr(train, f.name) for f in dataclasses.fields(TrainConfig) if f.name not in OWN_FIELDS}
    unknown = sorted(set(passed) - shared)
    if unknown:
        raise TypeError(f"TrainConfig fields {unknown} are not SFTConfig's: add them to OWN_FIELDS and map them")
    optim = train.optim if cuda or not any(k in train.optim for k in ("paged", "8bit")) else "adamw_torch"
    return SFTConfig(
        **passed,
        output_dir=str(output_dir),
        num_train_epochs=epochs,
        optim=optim,
        warmup_steps=train.warmup_ratio,  # transformers 5 reads a float below 1 as a ratio of the total steps
        train_sampling_strategy="group_by_length" if train.group_by_length else "random",
        fp16=train.fp16 and cuda,
        save_strategy="steps",
        save_total_limit=2,
        eval_strategy="epoch" if has_eval else "no",
        # TRL cannot truncate padding-free batches without packing and refuses a max_length then: examples stay whole.
        max_length=None if train.padding_free and not train.packing else train.max_seq_length,
        data_seed=train.seed,
        report_to=["tensorboard"],
        completion_only_loss=True,
        dataset_num_proc=None,
        fsdp=train.fsdp or "",
        pad_to_multiple_of=train.pad_to_multiple_of or None,
        ddp_find_unused_parameters=False,
        disable_tqdm=False,
        use_cpu=not cuda,
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


def at_epoch_end(state) -> bool:
    """After the last optimizer step of an epoch: the trainer's epoch counter is then a whole number."""
    return bool(state.epoch) and float(state.epoch).is_integer()


def _epoch_saver(config: Config, run_dir: Path, run_name: str, keep: list[int], timer: dict):
    from transformers import TrainerCallback

    class EpochSaver(TrainerCallback):
        """Writes RUN/epoch-N after the last step of each epoch in `keep`, then fills in its validation loss.

        The checkpoint of that step is held back to the end of the epoch (after the validation loss): a kill before
        it resumes from an earlier step and writes the adapter again, so no epoch's adapter is ever lost.
        """

        last_saved: Path | None = None
        checkpoint_at_epoch_end = False

        def save(self, epoch, state, model, processing_class):
            target = epoch_dir(run_dir, epoch)
            seconds = timer["before"] + time.perf_counter() - timer["start"]
            with atomic_dir(target) as tmp:
                model.save_pretrained(tmp, safe_serialization=True)
                fault_point("save-epoch", epoch)
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
            self.last_saved = target

        def on_step_end(self, args, state, control, model=None, processing_class=None, **kwargs):
            # With train.max_steps the "epochs" are the trainer's own count: the last one ends at max_steps.
            if args.max_steps > 0:
                if state.global_step == state.max_steps and state.is_world_process_zero:
                    self.save(max(keep), state, model, processing_class)
                return
            if not at_epoch_end(state):
                return
            if round(state.epoch) in keep and state.is_world_process_zero:
                self.save(round(state.epoch), state, model, processing_class)
            self.checkpoint_at_epoch_end = control.should_save
            control.should_save = False

        def on_epoch_end(self, args, state, control, **kwargs):
            if self.checkpoint_at_epoch_end:
                control.should_save = True
                self.checkpoint_at_epoch_end = False

        def on_evaluate(self, args, state, control, metrics=None, **kwargs):
            if self.last_saved is None or not state.is_world_process_zero or not metrics:
                return
            info_path = self.last_saved / TRAINING_FILE
            info = json.loads(info_path.read_text())
            fault_point("eval-epoch", info["epochs"])
            info["final_eval_loss"] = metrics.get("eval_loss")
            atomic_write_json(info_path, info)
            self.last_saved = None

        def on_save(self, args, state, control, **kwargs):
            if state.is_world_process_zero:
                elapsed = timer["before"] + time.perf_counter() - timer["start"]
                atomic_write_json(Path(args.output_dir) / "elapsed.json", {"seconds": elapsed, "step": state.global_step})

    return EpochSaver()


class GracefulStop:
    """SIGTERM: while training, finish the current step, checkpoint it and stop; outside training, stop at once."""

    def __init__(self):
        self.requested = False
        self.training = False

    def handle(self, signum, frame):
        self.requested = True
        if not self.training:
            raise Terminated("stopped by SIGTERM outside a training step; run the same command with --resume to continue")

    @contextlib.contextmanager
    def installed(self):
        if threading.current_thread() is not threading.main_thread():
            yield self
            return
        previous = signal.signal(signal.SIGTERM, self.handle)
        try:
            yield self
        finally:
            signal.signal(signal.SIGTERM, previous)


def _stopper(stop: GracefulStop):
    from transformers import TrainerCallback

    class Stopper(TrainerCallback):
        """Turns a SIGTERM into a checkpoint of the current step and the end of training, on every rank at once."""

        mid_epoch = False

        def on_train_begin(self, args, state, control, **kwargs):
            stop.training = True

        def on_step_end(self, args, state, control, **kwargs):
            fault_point("step", state.global_step)
            if not _any_rank(stop.requested, args.device):
                return
            stop.requested = True
            control.should_training_stop = True
            # At an epoch's end its checkpoint follows the validation loss (EpochSaver); mid-epoch, save now.
            self.mid_epoch = not at_epoch_end(state)
            control.should_save = control.should_save or self.mid_epoch

        def on_epoch_end(self, args, state, control, **kwargs):
            if self.mid_epoch:
                control.should_evaluate = False  # a part of an epoch is not scored
            elif stop.requested:
                control.should_save = True  # stopped on an epoch's last step: checkpoint it after its validation loss

        def on_train_end(self, args, state, control, **kwargs):
            stop.training = False

    return Stopper()


def _any_rank(flag: bool, device) -> bool:
    """`flag` of any rank: SIGTERM reaches the ranks at different steps, and all must stop at the same one."""
    if not (torch.distributed.is_available() and torch.distributed.is_initialized()):
        return flag
    value = torch.tensor([1.0 if flag else 0.0], device=device)
    torch.distributed.all_reduce(value, op=torch.distributed.ReduceOp.MAX)
    return bool(value.item())


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


def trim_metrics(log_file: Path, run_name: str, up_to_step: int) -> None:
    """Drop `run_name`'s logged rows after `up_to_step`: a resumed run logs those steps again."""
    if not log_file.is_file():
        return
    rows = read_jsonl(log_file)
    kept = [r for r in rows if r.get("run") != run_name or r.get("step", 0) <= up_to_step]
    if len(kept) != len(rows):
        atomic_write_jsonl(log_file, kept)


def set_process_options(config: Config) -> None:
    """Process-wide switches training relies on: torch's CPU threads, answer-only scoring on the CPU."""
    if config.train.num_threads:
        torch.set_num_threads(config.train.num_threads)
    if not config.train.torch_compile:
        score_answer_positions_only()


def resume_point(checkpoints: Path, resume: bool) -> Path | None:
    """The checkpoint to continue from; a fresh start (no resume) deletes the run's old checkpoints instead."""
    if resume:
        return last_complete_checkpoint(checkpoints)
    if checkpoints.exists() and is_main_process():
        shutil.rmtree(checkpoints)
    return None


def checked_rows(run_dir: Path, config: Config, tokenizer) -> tuple[list[dict], list[dict]]:
    """The prompt/completion rows to train and validate on; refuses none to train, or rows the trainer would cut."""
    sft = run_dir / "data" / "sft"
    train_rows = [{"prompt": r["prompt"], "completion": r["completion"]} for r in read_jsonl(sft / "train.jsonl")]
    eval_rows = [{"prompt": r["prompt"], "completion": r["completion"]} for r in read_jsonl(sft / "validation.jsonl")]
    if not train_rows:
        raise TrainError(f"{sft / 'train.jsonl'}: no training prompts; give more pairs")
    limit = config.train.max_seq_length
    if not (config.train.packing or config.train.padding_free):  # otherwise nothing is cut
        for name, rows in (("train", train_rows), ("validation", eval_rows)):
            too_long = long_rows(rows, tokenizer, limit)
            if too_long:
                line, length = too_long[0]
                raise TrainError(
                    f"{sft / (name + '.jsonl')}: {len(too_long)} of {len(rows)} rows are longer than "
                    f"train.max_seq_length={limit} tokens ({line_name(line)}: {length}); raise train.max_seq_length or "
                    f"shorten those pairs (`babybliss data check FILE --model ...` lists them)"
                )
    return train_rows, eval_rows


def model_for_training(config: Config, loaded: Loaded | None) -> Loaded:
    """The base model (4-bit weights are frozen, so QLoRA is a LoRA switch: full fine-tuning loads them unquantised)."""
    loaded = loaded or load_model(config.model, config.quant if config.lora.enabled else None)
    if loaded.quantized and config.quant.upcast_unquantized:
        from peft import prepare_model_for_kbit_training

        loaded.model = prepare_model_for_kbit_training(
            loaded.model, use_gradient_checkpointing=config.train.gradient_checkpointing
        )
    if config.train.gradient_checkpointing:
        loaded.model.config.use_cache = False
    return loaded


def build_trainer(
    config: Config,
    run_dir: Path,
    run_name: str,
    epochs: int,
    keep: list[int],
    resume: bool,
    loaded: Loaded | None = None,
    stop: GracefulStop | None = None,
):
    """The SFTTrainer of one run and the checkpoint it resumes from (None for a fresh start)."""
    from datasets import Dataset

    set_process_options(config)
    checkpoints = run_dir / "checkpoints" / run_name
    resume_from = resume_point(checkpoints, resume)
    _barrier()
    loaded = model_for_training(config, loaded)
    train_rows, eval_rows = checked_rows(run_dir, config, loaded.tokenizer)
    if is_main_process():
        trim_metrics(run_dir / "logs" / "metrics.jsonl", run_name, _step_of(resume_from))
    os.environ["TENSORBOARD_LOGGING_DIR"] = str(run_dir / "logs" / "tensorboard" / run_name)
    args = sft_arguments(config, checkpoints, epochs, has_eval=bool(eval_rows))
    before = 0.0
    if resume_from is not None and (checkpoints / "elapsed.json").is_file():
        before = json.loads((checkpoints / "elapsed.json").read_text()).get("seconds", 0.0)
    timer = {"start": time.perf_counter(), "before": before, "samples": len(train_rows), "device": _device_label()}
    callbacks = [_epoch_saver(config, run_dir, run_name, keep, timer), _metrics_logger(run_dir / "logs" / "metrics.jsonl", run_name)]
    trainer = _trainer_class()(
        model=loaded.model,
        args=args,
        train_dataset=Dataset.from_list(train_rows),
        eval_dataset=Dataset.from_list(eval_rows) if eval_rows else None,
        processing_class=loaded.tokenizer,
        peft_config=peft_config(config.lora),
        callbacks=callbacks + ([_stopper(stop)] if stop else []),
    )
    return trainer, resume_from


def _step_of(checkpoint: Path | None) -> int:
    return int(checkpoint.name.split("-")[-1]) if checkpoint else 0


class EpochSeededSampler:
    """group_by_length's order, drawn from (seed, epoch) instead of the global RNG: a run resumed inside epoch N
    replays epoch N's order, where the global RNG (restored only after the order is drawn) would replay epoch 1's."""

    def __init__(self, sampler, seed: int):
        self.sampler, self.seed, self.epoch = sampler, seed, 0

    def set_epoch(self, epoch: int) -> None:
        self.epoch = epoch

    def __len__(self) -> int:
        return len(self.sampler)

    def __iter__(self):
        self.sampler.generator = torch.Generator().manual_seed(self.seed * 1_000_003 + self.epoch)
        return iter(self.sampler)


def _trainer_class():
    from transformers.trainer_pt_utils import LengthGroupedSampler
    from trl import SFTTrainer

    class BlissTrainer(SFTTrainer):
        """SFTTrainer whose multi-GPU steps split their prompts evenly and train each once an epoch (epoch_shards),
        whose length-grouped order depends on the epoch alone, and with a fault point inside each checkpoint."""

        def _get_train_sampler(self, train_dataset=None):
            sampler = super()._get_train_sampler(train_dataset)
            if isinstance(sampler, LengthGroupedSampler):
                return EpochSeededSampler(sampler, self.args.data_seed or self.args.seed)
            return sampler

        def get_train_dataloader(self):
            return epoch_shards.deal_rounds(super().get_train_dataloader())

        def _save_optimizer_and_scheduler(self, output_dir):
            fault_point("save-checkpoint", self.state.global_step)  # the weights are written, the state not yet
            super()._save_optimizer_and_scheduler(output_dir)

    return BlissTrainer


def train_run(
    config: Config,
    run_dir: Path,
    run_name: str,
    epochs: int,
    keep: list[int],
    resume: bool,
    loaded: Loaded | None = None,
    stop: GracefulStop | None = None,
) -> dict:
    """One SFTTrainer run of `epochs` epochs that writes RUN/epoch-N for each N in `keep`.

    `loaded` replaces loading `config.model` (benchmarks pass a randomly initialised model). Returns the trainer's
    training metrics (runtime, samples per second). Raises Terminated after a SIGTERM stop (see GracefulStop).
    """
    trainer, resume_from = build_trainer(config, run_dir, run_name, epochs, keep, resume, loaded, stop)
    if is_main_process():
        total, trainable = parameter_counts(trainer.model)
        print(
            f"[babybliss] {run_name}: {len(trainer.train_dataset)} training prompts, {epochs} epoch(s), "
            f"{trainable:,} of {total:,} parameters trained, on {_device_label()}"
            + (f", resuming from {resume_from.name}" if resume_from else ""),
            flush=True,
        )
    kernel_warmup.wait()  # its kernels compiled before the first real step asks for them
    try:
        with writing_in(run_dir):
            output = trainer.train(resume_from_checkpoint=str(resume_from) if resume_from else None)
    except torch.cuda.OutOfMemoryError:
        raise TrainError(
            "the GPU ran out of memory. Lower train.per_device_train_batch_size (raise "
            "train.gradient_accumulation_steps to keep the effective batch), keep train.gradient_checkpointing on, "
            "lower train.max_seq_length, or turn on quant.load_in_4bit (QLoRA); e.g. "
            "--set train.per_device_train_batch_size=1 --set train.gradient_accumulation_steps=4"
        ) from None
    except RuntimeError as err:
        if disk_full(run_dir, err):
            raise TrainError(f"no space left on device while writing in {run_dir}; free space and run again with --resume") from err
        raise
    if loaded is not None and hasattr(trainer.model, "unload"):
        trainer.model.unload()  # the caller's base model again, LoRA layers taken out (its weights were frozen)
    if stop is not None and stop.requested:
        saved = last_complete_checkpoint(run_dir / "checkpoints" / run_name)
        raise Terminated(
            f"stopped by SIGTERM at step {trainer.state.global_step}; {saved} written; "
            "run the same command with --resume to continue"
        )
    return dict(output.metrics)


def disk_full(folder: Path, err: Exception) -> bool:
    """torch's writers report a full disk as a RuntimeError (`unexpected pos`), not as ENOSPC."""
    text = str(err)
    if "No space left" in text or "unexpected pos" in text:
        return True
    with contextlib.suppress(OSError):
        return shutil.disk_usage(folder).free < 2**20
    return False


def _device_label() -> str:
    if torch.cuda.is_available():
        return f"cuda:{torch.cuda.get_device_name(0)} x{max(1, int(os.environ.get('WORLD_SIZE', '1')))}"
    return f"cpu ({torch.get_num_threads()} threads)"


def finetune(config: Config, resume: bool = False, loaded: Loaded | None = None, clock=None) -> dict[str, object]:
    """Prepare the data, then train every planned run; with `resume`, finished runs are kept and the rest continue.

    The run folder is locked for the whole call (run_folder). `resume` on a fresh or empty folder starts the run,
    so a job script can always pass it. SIGTERM checkpoints the current step and raises Terminated.
    `loaded`: a base model already in memory (not 4-bit), trained with LoRA layers that are taken out again after
    each run, so the caller keeps using it. `clock(stage)`: a context manager timing the "data" and "train" parts.
    """
    clock = clock or (lambda stage: contextlib.nullcontext())
    run_dir = Path(config.out)
    if is_main_process():
        run_folder.check_start(config, resume)  # before the lock creates the folder
    kernel_warmup.start(config)  # while the data are prepared and the model loads (once a process)
    stop = GracefulStop()
    with stop.installed(), (run_folder.locked(run_dir) if is_main_process() else contextlib.nullcontext()):
        if is_main_process():
            continuing = run_folder.claim(run_dir, config, resume)
            remove_leftovers(run_dir)
            save_config(config, run_dir / "config.resolved.toml")
            if not (continuing and (run_dir / "data" / "summary.json").is_file()):
                with clock("data"):
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
                with clock("train"):
                    train_run(config, run_dir, run_name, epochs, keep, resume, loaded=loaded, stop=stop)
            missing = [n for n in keep if not is_finished(epoch_dir(run_dir, n))]
            if missing and is_main_process():
                raise TrainError(f"{run_name}: training ended without the adapters of epochs {missing} in {run_dir}")
            done.extend(str(epoch_dir(run_dir, n)) for n in keep)
            _barrier()
    return {"run": str(run_dir), "adapters": done, "device": device_name()}
