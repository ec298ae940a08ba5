"""Batched conversion with a base model or a fine-tuned adapter: greedy by default, stops at EOS or a new `###`."""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path

import torch

from babybliss.config import Config, GenerateConfig, PromptConfig, load_config
from babybliss.models import Loaded, ModelError, load_model
from babybliss.prompts import build_prompt, extract_answer

STOP_STRINGS = ["\n###"]


@dataclass
class Output:
    answer: str
    clean_stop: bool
    """The model ended with EOS right after its answer, with nothing else generated."""
    raw: str


def adapter_config(adapter: str | Path) -> Config:
    """The resolved config saved beside an adapter (model spec and prompt template it was trained with)."""
    folder = Path(adapter)
    path = folder / "config.resolved.toml"
    if not path.is_file():
        raise ModelError(f"{folder}: not a babybliss adapter folder (no config.resolved.toml); expected RUN/epoch-N")
    return load_config(path)


def load_for_generation(config: Config, adapter: str | Path | None = None) -> Loaded:
    """The base model of `config` (or of the adapter), with the adapter applied and merged for fast decoding."""
    if adapter is None:
        return load_model(config.model)
    folder = Path(adapter)
    trained = adapter_config(folder)
    if (folder / "adapter_config.json").is_file():
        from peft import PeftModel

        base = load_model(trained.model)
        model = PeftModel.from_pretrained(base.model, folder).merge_and_unload()
        return Loaded(model.eval(), base.tokenizer, str(folder), base.seconds)
    # Full fine-tuning saved a whole model in the folder.
    return load_model(replace_spec(trained, str(folder)).model)


def replace_spec(config: Config, spec: str) -> Config:
    from dataclasses import replace

    return replace(config, model=replace(config.model, spec=spec))


@torch.inference_mode()
def generate_raw(
    loaded: Loaded, prompts: list[str], gen: GenerateConfig, show_progress: bool = False, inputs: list[str] | None = None
) -> list[Output]:
    """Decode every prompt; batches are sorted by length and left-padded, and end once every row has stopped.

    `inputs` are the English sentences of e2b prompts: with `gen.constrain`, their answers keep to their words."""
    model, tokenizer = loaded.model, loaded.tokenizer
    model.eval()
    tokenizer.padding_side = "left"
    order = sorted(range(len(prompts)), key=lambda i: len(prompts[i]))
    results: list[Output | None] = [None] * len(prompts)
    eos = tokenizer.eos_token_id
    batches = [order[i : i + gen.batch_size] for i in range(0, len(order), gen.batch_size)]
    iterator = batches
    if show_progress:
        from tqdm import tqdm

        iterator = tqdm(batches, desc="generating", unit="batch")
    device = next(model.parameters()).device
    # Built once per call, not per batch: it reads the whole vocabulary (about 0.3 s for SmolLM2's 49k tokens),
    # which costs more than decoding a short batch on a GPU.
    from transformers import StoppingCriteriaList, StopStringCriteria

    stop = StoppingCriteriaList([StopStringCriteria(tokenizer, STOP_STRINGS)]) if batches else None
    for batch in iterator:
        # Special tokens as in training (TRL tokenises each prompt with them): Gemma's and Llama's BOS; SmolLM2 has none.
        encoded = tokenizer([prompts[i] for i in batch], return_tensors="pt", padding=True, add_special_tokens=True)
        encoded = {k: v.to(device) for k, v in encoded.items()}
        sampling = dict(do_sample=True, temperature=gen.temperature, top_p=gen.top_p) if gen.do_sample else dict(do_sample=False)
        if gen.constrain and inputs is not None:
            sampling["logits_processor"] = bliss_words_processor(tokenizer, [inputs[i] for i in batch], encoded)
        out = model.generate(
            **encoded,
            max_new_tokens=gen.max_new_tokens,
            eos_token_id=eos,
            pad_token_id=tokenizer.pad_token_id,
            stopping_criteria=stop,
            **sampling,
        )
        new_tokens = out[:, encoded["input_ids"].shape[1] :]
        for row, index in zip(new_tokens.tolist(), batch):
            ended = eos in row
            if ended:
                row = row[: row.index(eos)]
            raw = tokenizer.decode(row, skip_special_tokens=True)
            answer, nothing_after = extract_answer(raw)
            results[index] = Output(answer, ended and nothing_after, raw)
    return results  # type: ignore[return-value]


def bliss_words_processor(tokenizer, inputs: list[str], encoded: dict):
    from transformers import LogitsProcessorList

    from babybliss.constrain import BlissWordsProcessor

    return LogitsProcessorList([BlissWordsProcessor(tokenizer, inputs, encoded["input_ids"].shape[1])])


def constraint(gen: GenerateConfig, direction: str, texts: list[str]) -> dict:
    """generate_raw's `inputs` when `generate.constrain` applies (English inputs), else nothing."""
    return {"inputs": texts} if gen.constrain and direction == "e2b" else {}


def convert(loaded: Loaded, prompts: PromptConfig, direction: str, texts: list[str], gen: GenerateConfig) -> list[Output]:
    return generate_raw(loaded, [build_prompt(prompts, direction, t) for t in texts], gen, **constraint(gen, direction, texts))


def read_inputs(path: str | Path) -> list[str]:
    """One input per line of a text file, or the `original`/`bliss`/`input` field of each JSONL row."""
    path = Path(path)
    if not path.is_file():
        raise FileNotFoundError(f"{path}: input file not found")
    lines = [line.strip() for line in path.read_text(encoding="utf-8").splitlines() if line.strip()]
    if path.suffix == ".jsonl":
        rows = [json.loads(line) for line in lines]
        return [row.get("input") or row.get("original") or row["bliss"] for row in rows]
    return lines


def run_generate(
    config: Config,
    adapter: str | None,
    direction: str | None,
    texts: list[str],
    free_prompt: str | None = None,
) -> list[Output]:
    """The `generate` command: conversions of `texts` in `direction`, or a free-text prompt."""
    prompts = adapter_config(adapter).prompts if adapter else config.prompts
    loaded = load_for_generation(config, adapter)
    if free_prompt is not None:
        return generate_raw(loaded, [free_prompt], config.generate)
    if direction is None:
        raise ValueError("--direction e2b|b2e is needed to convert sentences")
    return generate_raw(
        loaded,
        [build_prompt(prompts, direction, t) for t in texts],
        config.generate,
        show_progress=len(texts) > 64,
        **constraint(config.generate, direction, texts),
    )
