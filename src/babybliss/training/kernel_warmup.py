"""The first GPU training step's kernels compiled in the background, while the base model loads and the trainer is
built (`train.kernel_warmup`).

On a machine whose Triton cache is empty, the first training step of a 7B model compiles Liger's and TRL's Triton
kernels: on an H100 it took 6.5 s against 1.4 s with them compiled, and the first validation 1.0-1.7 s against
0.3-0.5 s (bench/RESULTS.md). Which kernels are compiled depends on the model's widths, its dtype and the packed
batch's layout, not on its depth or its weights. So a copy of the model with one layer, its weights as allocated,
patched as the trainer patches the real one (Liger's layers, TRL's fused LM head, the run's LoRA), runs one packed
training step and one validation step in a thread; the real first step then finds the kernels compiled.

The copy is built in the calling thread (transformers swaps global initialisers while it builds a model, so two
builds must not overlap), and `wait()` joins the thread before the real training starts, so no two threads ever
compile one kernel. It draws no random number: its weights are left as allocated (their values change no kernel)
and its LoRA has no dropout, so the run's initialisation and dropout are those of a run without it
(tests/test_kernel_warmup.py). Anything the warm-up cannot do is skipped: the real step compiles what it needs.

Measured on an H100 (bench/RESULTS.md, seventh session): the trainer's own runtime fell from 25.1 s to 22.1 s, but
the train stage took as long as without it, and building the copy added 1.0 s before the base model loads: as a
thread it shares the interpreter lock with the trainer being built, so the compiling moved rather than overlapped.
"""

from __future__ import annotations

import dataclasses
import logging
import os
import random
from threading import Thread

import torch

from babybliss.config import Config
from babybliss.training.models import peft_config, torch_dtype, wants_4bit

log = logging.getLogger(__name__)

DEVICE = "cuda"
"""Where the copy runs (the tests run it on the CPU)."""

_STATE: dict = {"thread": None, "started": False}


def wanted(config: Config) -> bool:
    """A CUDA run whose training steps compile kernels (bf16 or float32 weights; a 4-bit base takes other paths)."""
    single = int(os.environ.get("WORLD_SIZE", "1")) <= 1  # under a launcher each rank's GPU is not chosen yet
    return config.train.kernel_warmup and single and torch.cuda.is_available() and not wants_4bit(config.quant)


def start(config: Config) -> bool:
    """Begin the warm-up for `config`'s model where `wanted`; once a process. Whether a warm-up runs now."""
    if _STATE["started"] or not wanted(config):
        return False
    _STATE["started"] = True
    try:
        model, pad = one_layer_copy(config)
    except Exception as err:  # a spec that has no transformers config (GGUF, a wheel): nothing to warm
        log.info("kernel warm-up skipped: %s", err)
        return False
    thread = Thread(target=_steps, args=(model, pad, config), name="babybliss-kernel-warmup", daemon=True)
    _STATE["thread"] = thread
    thread.start()
    return True


def wait() -> None:
    """Return once the warm-up (if any) is over; the next real step may compile nothing it did."""
    thread = _STATE["thread"]
    if thread is not None:
        thread.join()
        _STATE["thread"] = None


def one_layer_copy(config: Config):
    """`config.model`'s architecture with one layer on the GPU, its weights as allocated, patched as the trainer
    patches the real model: Liger's layer kernels where `train.use_liger_kernel`, TRL's fused LM head, the run's
    LoRA."""
    from transformers import AutoConfig, AutoModelForCausalLM
    from trl.trainer.utils import add_fused_lm_head

    shape = AutoConfig.from_pretrained(config.model.spec)
    shape.num_hidden_layers = 1
    if getattr(shape, "layer_types", None):
        shape.layer_types = shape.layer_types[:1]
    dtype = torch.bfloat16 if config.model.dtype == "auto" else torch_dtype(config.model.dtype)
    with torch.device("meta"):  # no initialiser runs, so no random number is drawn
        model = AutoModelForCausalLM.from_config(shape, dtype=dtype,
                                                 attn_implementation=config.model.attn_implementation)
    if config.train.use_liger_kernel:
        from transformers.integrations.liger import apply_liger_kernel

        apply_liger_kernel(model, {"fused_linear_cross_entropy": False})  # as TRL's SFTTrainer asks the Trainer
    add_fused_lm_head(model, outputs=("log_probs", "entropy", "is_top1"))
    lora = peft_config(config.lora)
    if lora is not None:
        from peft import get_peft_model

        # dropout would draw from the generator the real run's dropout draws from
        model = get_peft_model(model, dataclasses.replace(lora, lora_dropout=0.0))
    model = model.to_empty(device=DEVICE)
    pad = shape.pad_token_id if isinstance(shape.pad_token_id, int) else 0
    return model, pad


def packed_batch(config: Config, vocabulary: int, pad: int, rows: int, seed: int = 0) -> dict:
    """A batch laid out as the trainer lays out the run's (TRL's collator, padding-free where the run is), of `rows`
    random prompts of 20-60 tokens whose second half is the answer."""
    from trl.trainer.sft_trainer import DataCollatorForLanguageModeling

    draw = random.Random(seed)
    examples = []
    for _ in range(rows):
        ids = [draw.randrange(vocabulary) for _ in range(draw.randrange(20, 61))]
        examples.append({"input_ids": ids, "labels": [-100] * (len(ids) // 2) + ids[len(ids) // 2 :]})
    collate = DataCollatorForLanguageModeling(pad_token_id=pad, padding_free=config.train.padding_free,
                                              pad_to_multiple_of=config.train.pad_to_multiple_of or None)
    return {key: value.to(DEVICE) if torch.is_tensor(value) else value for key, value in collate(examples).items()}


def warm_steps(model, pad: int, config: Config) -> None:
    """One training step's forward and backward and one validation step's forward of `model` (the copy)."""
    train = config.train
    vocabulary = model.get_input_embeddings().num_embeddings
    autocast = torch.autocast(torch.device(DEVICE).type, dtype=torch.bfloat16, enabled=train.bf16 and DEVICE == "cuda")
    model.train()
    with autocast:
        out = model(**packed_batch(config, vocabulary, pad, train.per_device_train_batch_size), use_cache=False,
                    fused_lm_head=True)
    (-out.log_probs).sum().backward()
    model.eval()
    with autocast, torch.no_grad():
        model(**packed_batch(config, vocabulary, pad, train.per_device_eval_batch_size, seed=1), use_cache=False,
              fused_lm_head=True)


def _steps(model, pad: int, config: Config) -> None:
    try:
        warm_steps(model, pad, config)
        if DEVICE == "cuda":
            torch.cuda.synchronize()
    except Exception as err:  # the real step compiles whatever this one could not
        log.info("kernel warm-up stopped: %s", err)
