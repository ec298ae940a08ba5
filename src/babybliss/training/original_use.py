"""The un-tuned model used as the research team did: text generation, word prediction and inference."""

from __future__ import annotations

from pathlib import Path

import torch

from babybliss.config import Config
from babybliss.io import atomic_write_json, atomic_write_text
from babybliss.training.models import Loaded, load_model

LLAMA2_WRAPPER = "<s>[INST] {prompt} [/INST]"


def wrap(tokenizer, prompt: str) -> str:
    """The tokenizer's chat template where the model has one, else the research team's Llama-2 wrapper."""
    if getattr(tokenizer, "chat_template", None):
        return tokenizer.apply_chat_template([{"role": "user", "content": prompt}], tokenize=False, add_generation_prompt=True)
    return LLAMA2_WRAPPER.format(prompt=prompt)


@torch.inference_mode()
def _generate(loaded: Loaded, text: str, **kwargs) -> list[str]:
    tokenizer, model = loaded.tokenizer, loaded.model
    encoded = tokenizer(text, return_tensors="pt", add_special_tokens=not text.startswith("<s>")).to(model.device)
    prompt_len = encoded["input_ids"].shape[1]
    if "max_length" in kwargs:  # the research team's total lengths, kept valid for long prompts
        kwargs["max_new_tokens"] = max(1, kwargs.pop("max_length") - prompt_len)
    out = model.generate(**encoded, pad_token_id=tokenizer.pad_token_id, **kwargs)
    return [tokenizer.decode(row[prompt_len:], skip_special_tokens=True).strip() for row in out]


def original_use(config: Config, loaded: Loaded | None = None) -> dict:
    """Run the three uses and write RUN/original-use/result.{json,md}."""
    settings = config.original_use
    loaded = loaded or load_model(config.model)
    torch.manual_seed(config.train.seed)
    sample = dict(do_sample=True, temperature=config.generate.temperature, top_p=config.generate.top_p)
    result: dict[str, list[dict]] = {"text_generation": [], "word_prediction": [], "inference": []}
    for sentence in settings.prompts:
        prompt = wrap(loaded.tokenizer, settings.instruction + sentence)
        (answer,) = _generate(loaded, prompt, max_new_tokens=settings.text_generation_max_new_tokens, **sample)
        result["text_generation"].append({"prompt": settings.instruction + sentence, "output": answer})
    continuations = _generate(
        loaded,
        settings.word_prediction_prompt,
        max_length=settings.word_prediction_max_length,
        num_return_sequences=settings.word_prediction_sequences,
        **sample,
    )
    result["word_prediction"] = [{"prompt": settings.word_prediction_prompt, "output": c} for c in continuations]
    for sentence in settings.prompts:
        prompt = settings.instruction + sentence
        (answer,) = _generate(loaded, prompt, max_length=settings.inference_max_length, do_sample=False)
        result["inference"].append({"prompt": prompt, "output": answer})
    out_dir = Path(config.out) / "original-use"
    payload = {"model": config.model.spec, **result}
    atomic_write_json(out_dir / "result.json", payload)
    atomic_write_text(out_dir / "result.md", to_markdown(payload))
    return payload


def to_markdown(payload: dict) -> str:
    titles = {
        "text_generation": "Text generation (chat-wrapped, sampled)",
        "word_prediction": "Word prediction (sampled continuations)",
        "inference": "Inference (greedy)",
    }
    lines = [f"# Original use of `{payload['model']}`", ""]
    for key, title in titles.items():
        lines += [f"## {title}", ""]
        for item in payload[key]:
            lines += [f"**Prompt:** {item['prompt']}", "", "```text", item["output"], "```", ""]
    return "\n".join(lines)
