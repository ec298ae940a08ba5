"""Batched conversion with a base model or a fine-tuned adapter: greedy by default, stops at EOS or a new `###`."""

from __future__ import annotations

import copy
import json
import logging
from dataclasses import dataclass
from pathlib import Path

import torch

from babybliss.config import Config, GenerateConfig, PromptConfig, load_config
from babybliss.errors import BlissError
from babybliss.io import read_user_text
from babybliss.training.models import Loaded, ModelError, inference_dtype, load_model
from babybliss.data.pairs import line_name
from babybliss.data.prompts import STOP_MARKERS, build_prompt, extract_answer
from babybliss.convert.greedy import greedy_rows, plain_greedy
from babybliss.convert.static_greedy import decodes, greedy_static
from babybliss.convert.prefix_cache import PrefixCache, cache_keyword, shared_prefix, static_cache
from babybliss.convert.shared_prefix import shares

log = logging.getLogger("babybliss.convert.generate")

INPUT_KEYS = ("input", "original", "bliss")
"""The JSONL field read as a row's input, the first present."""


@dataclass
class Output:
    answer: str
    clean_stop: bool
    """The model ended with EOS right after its answer, with nothing else generated."""
    raw: str
    warnings: list[str] | None = None
    """What made the rule converter unsure of this English -> Bliss answer ([] when it was sure); None where no
    rules checked the answer (a model alone)."""
    acceptable: bool | None = None
    """Bliss -> English: whether the answer is acceptable (evaluation.acceptable), where the hybrid already judged
    it; None where nothing did."""


def adapter_config(adapter: str | Path) -> Config:
    """The resolved config saved beside an adapter (model spec and prompt template it was trained with)."""
    folder = Path(adapter)
    path = folder / "config.resolved.toml"
    if not path.is_file():
        raise ModelError(f"{folder}: not a babybliss adapter folder (no config.resolved.toml); expected RUN/epoch-N")
    return load_config(path)


def load_for_generation(config: Config, adapter: str | Path | None = None, base: Loaded | None = None) -> Loaded:
    """The base model of `config` (or of the adapter), with the adapter applied and merged for fast decoding.

    `base`: the adapter's base model, already loaded (`load_model(adapter_config(adapter).model)`); the adapter is
    merged into a copy of it, so one load serves every epoch of a run."""
    if adapter is None:
        return load_model(config.model)
    folder = Path(adapter)
    trained = adapter_config(folder)
    if (folder / "adapter_config.json").is_file():
        from babybliss.convert.lora import lora_on

        if base is None:
            base = load_model(trained.model)
            weights = base.model
        else:
            weights = copy.deepcopy(base.model)
        model = lora_on(weights, folder).merge_and_unload()
        tokenizer = with_trained_eos(adapter_tokenizer(folder) or copy.copy(base.tokenizer), folder)
        return Loaded(model.eval(), tokenizer, str(folder), base.seconds)
    # Full fine-tuning saved a whole model in the folder.
    return load_model(replace_spec(trained, str(folder)).model)


def load_for_conversion(config: Config, adapter: str | Path | None, dtype: str = "auto",
                        direction: str | None = None) -> Loaded:
    """The model `serve` and `generate` convert `direction` with, in the fastest form measured on a CPU
    (bench/RESULTS.md): the adapter merged; Bliss -> English on a CPU with CTranslate2 (`generate.runtime`) where it
    applies, else PyTorch in the decoding dtype (`for_generation`) with int8 weights unless `generate.weights` is
    plain."""
    if uses_ctranslate2(config, direction):
        from babybliss.convert.ctranslate import RuntimeUnavailable

        try:
            return load_ctranslate2(config, adapter, config.serve.threads)
        except RuntimeUnavailable as err:
            log.warning("generate.runtime = ctranslate2: %s. Decoding with PyTorch instead.", err)
    loaded = for_generation(load_for_generation(config, adapter), dtype)
    on_cpu = next(loaded.model.parameters()).device.type == "cpu"
    if config.generate.weights == "int8" and on_cpu and not loaded.quantized:
        from babybliss.convert.int8_weights import with_int8_weights

        with_int8_weights(loaded.model)
    return loaded


def uses_ctranslate2(config: Config, direction: str | None) -> bool:
    """Whether `load_for_conversion` decodes `direction` with CTranslate2: asked for, Bliss -> English (English ->
    Bliss lost 2.3 points of exact match on novel with it: bench/RESULTS.md), on a CPU, greedy and unconstrained
    (what its path implements)."""
    gen = config.generate
    return (gen.runtime == "ctranslate2" and direction == "b2e" and not torch.cuda.is_available()
            and not gen.do_sample and not gen.constrain)


def model_sources(config: Config, adapter: str | Path | None) -> list[Path | str]:
    """What the model of `load_for_generation(config, adapter)` is made of: the adapter folder and the base model's
    folder (the folder itself for a fully fine-tuned one), or the base spec where it has no folder (`tiny`, made
    in-process from a fixed seed)."""
    from babybliss.training.models import resolve_folder

    if adapter is not None and not (Path(adapter) / "adapter_config.json").is_file():
        return [Path(adapter)]
    model = adapter_config(adapter).model if adapter is not None else config.model
    base = resolve_folder(model.spec, model) or model.spec
    return ([Path(adapter)] if adapter is not None else []) + [base]


def ctranslate2_folder(config: Config, adapter: str | Path | None) -> Path:
    """The CTranslate2 conversion of `load_for_generation(config, adapter)` in the cache (made now if missing), keyed
    by the content of the adapter and the base model and by `generate.weights`."""
    from babybliss.convert.ctranslate import converted_folder
    from babybliss.training.models import cache_root

    return converted_folder(cache_root(config.model), model_sources(config, adapter), config.generate.weights,
                            lambda: load_for_generation(config, adapter))


def load_ctranslate2(config: Config, adapter: str | Path | None, threads: int = 0) -> Loaded:
    """The model of `load_for_generation(config, adapter)` decoded by CTranslate2 on the CPU, with the adapter's
    tokenizer. Raises ctranslate.RuntimeUnavailable where it cannot be."""
    import time

    from babybliss.convert.ctranslate import load_converted

    start = time.perf_counter()
    model, tokenizer = load_converted(ctranslate2_folder(config, adapter), config.generate.weights, threads)
    if adapter is not None:
        tokenizer = with_trained_eos(tokenizer, Path(adapter))
    return Loaded(model, tokenizer, str(adapter) if adapter is not None else config.model.spec,
                  time.perf_counter() - start)


def for_generation(loaded: Loaded, dtype: str = "auto") -> Loaded:
    """`loaded`, cast in place to the dtype decoding is fastest in (`auto`: bfloat16 on a GPU or a CPU with bf16
    instructions, else float32; a 4-bit model stays as it is), in eval mode."""
    if not loaded.quantized:
        loaded.model.to(inference_dtype(dtype))
    loaded.model.eval()
    return loaded


def with_trained_eos(tokenizer, folder: Path):
    """The tokenizer, ending answers with the EOS token the adapter was trained to write (its prompt.json): the GGUF
    reader of one transformers version names SmolLM2's EOS `<|im_start|>`, of another `<|im_end|>`, so an adapter
    trained under one never stops under the other unless its own EOS is used."""
    from babybliss.training.train import PROMPT_FILE

    path = folder / PROMPT_FILE
    trained = json.loads(path.read_text(encoding="utf-8")).get("eos_token") if path.is_file() else None
    if trained and trained != tokenizer.eos_token and trained in tokenizer.get_vocab():
        tokenizer.eos_token = trained
    return tokenizer


def adapter_tokenizer(folder: Path):
    """The tokenizer saved beside an adapter (the one it was trained with), or None for a folder without one."""
    if not (folder / "tokenizer_config.json").is_file():
        return None
    from transformers import AutoTokenizer

    from babybliss.training.models import prepare_tokenizer

    return prepare_tokenizer(AutoTokenizer.from_pretrained(folder, local_files_only=True))


def replace_spec(config: Config, spec: str) -> Config:
    from dataclasses import replace

    return replace(config, model=replace(config.model, spec=spec))


@torch.inference_mode()
def generate_raw(
    loaded: Loaded,
    prompts: list[str],
    gen: GenerateConfig,
    show_progress: bool = False,
    stop=None,
    inputs: list[str] | None = None,
    prefixes: PrefixCache | None = None,
    prefix: str | None = None,
    drafts: list[str] | None = None,
) -> list[Output]:
    """Decode every prompt; batches are sorted by length and left-padded, and end once every row has stopped.

    `stop` is the result of `stop_criteria(tokenizer)`, for callers that decode many times with one tokenizer.
    `inputs` are the English sentences of e2b prompts: with `gen.constrain`, their answers keep to their words.
    `prefix`: the prompts' fixed beginning (default: the longest they share), whose KV cache is computed once and
    reused by every batch; `prefixes` keeps those caches across calls (a server's, for one model).
    `drafts`: an answer guessed for each prompt (`realiser_drafts`), which CTranslate2 checks before
    decoding a few sentences; the answers are the same without them."""
    from babybliss.convert.ctranslate import decode, is_ctranslate2

    if is_ctranslate2(loaded):
        decoded = decode(loaded, prompts, gen, shared_prefix(prompts) if prefix is None else prefix, drafts)
        return [Output(answer, ended and nothing_after, raw)
                for raw, ended in decoded for answer, nothing_after in [extract_answer(raw)]]
    model, tokenizer = loaded.model, loaded.tokenizer
    model.eval()
    tokenizer.padding_side = "left"
    order = sorted(range(len(prompts)), key=lambda i: len(prompts[i]))
    results: list[Output | None] = [None] * len(prompts)
    eos = tokenizer.eos_token_id
    device = next(model.parameters()).device
    prefixes = prefixes or PrefixCache(model, tokenizer)
    prefix = shared_prefix(prompts) if prefix is None else prefix
    constrained = gen.constrain and inputs is not None
    greedy = not gen.do_sample and not constrained and plain_greedy(model)
    static_tokens = gen.max_new_tokens if gen.kv_cache == "static" else None  # a static cache's room for answers
    static = static_tokens is not None and decodes(model)
    share = greedy and static and gen.shared_prefix and shares(model)
    batches = batch_plan(order, prompts, tokenizer, gen, prefixes.length(prefix) if share else 0)
    iterator = batches
    if show_progress:
        from tqdm import tqdm

        iterator = tqdm(batches, desc="generating", unit="batch")
    if stop is None and batches:
        stop = stop_criteria(tokenizer)
    for batch in iterator:
        # Special tokens as in training (TRL tokenises each prompt with them): Gemma's and Llama's BOS; SmolLM2 has none.
        encoded = None  # the last batch's KV cache freed before this one's is allocated (two at once may not fit)
        encoded = prefixes.batch_inputs(prefix, [prompts[i] for i in batch], static_new_tokens=static_tokens,
                                        shared=share)
        if encoded is None:
            encoded = tokenizer([prompts[i] for i in batch], return_tensors="pt", padding=True, add_special_tokens=True)
            encoded = {k: v.to(device) for k, v in encoded.items()}
            if static_tokens is not None:
                encoded[cache_keyword()] = static_cache(model, len(batch), encoded["input_ids"].shape[1] + static_tokens)
        sampling = dict(do_sample=True, temperature=gen.temperature, top_p=gen.top_p) if gen.do_sample else dict(do_sample=False)
        if constrained:
            sampling["logits_processor"] = bliss_words_processor(tokenizer, [inputs[i] for i in batch], encoded)
        if greedy and static:  # one CUDA graph a step on a GPU (convert.static_greedy)
            new_tokens = greedy_static(model, encoded, cache_keyword(), gen.max_new_tokens, eos, tokenizer.pad_token_id,
                                       stop, graphs=gen.cuda_graphs and device.type == "cuda")
        elif not greedy or static_tokens is not None:
            out = model.generate(
                **encoded,
                max_new_tokens=gen.max_new_tokens,
                eos_token_id=eos,
                pad_token_id=tokenizer.pad_token_id,
                stopping_criteria=stop,
                **({"disable_compile": True} if static_tokens is not None else {}),  # a static cache alone, never compiled
                **sampling,
            )
            new_tokens = out[:, encoded["input_ids"].shape[1] :].tolist()
        else:  # the same tokens as generate, each row leaving the batch at its stop (convert.greedy)
            new_tokens = greedy_rows(model, encoded, cache_keyword(), gen.max_new_tokens, eos, tokenizer.pad_token_id, stop)
        for row, index in zip(new_tokens, batch):
            ended = eos in row
            if ended:
                row = row[: row.index(eos)]
            raw = tokenizer.decode(row, skip_special_tokens=True)
            answer, nothing_after = extract_answer(raw)
            results[index] = Output(answer, ended and nothing_after, raw)
    return results  # type: ignore[return-value]


def batch_plan(order: list[int], prompts: list[str], tokenizer, gen: GenerateConfig, shared: int = 0) -> list[list[int]]:
    """`order` (prompts sorted by length) cut into batches of at most `gen.batch_size` rows and, with
    `gen.max_batch_tokens`, at most that many tokens of KV cache (rows x (longest prompt + max_new_tokens)), where
    the rows hold all but their first `shared` tokens (a prefix kept once a batch: convert.shared_prefix)."""
    if not gen.max_batch_tokens:
        return [order[i : i + gen.batch_size] for i in range(0, len(order), gen.batch_size)]
    lengths = [len(ids) - shared for ids in tokenizer([prompts[i] for i in order], add_special_tokens=True)["input_ids"]]
    batches: list[list[int]] = []
    batch: list[int] = []
    longest = 0
    for index, length in zip(order, lengths):
        widest = max(longest, length)
        if batch and (len(batch) >= gen.batch_size or (len(batch) + 1) * (widest + gen.max_new_tokens) > gen.max_batch_tokens):
            batches.append(batch)
            batch, widest = [], length
        batch.append(index)
        longest = widest
    return batches + [batch] if batch else batches


_STOPS: dict[frozenset, object] = {}
"""stop_criteria's answers by vocabulary (the few tokenizers of a process: a base's, and its copies per adapter)."""


def stop_criteria(tokenizer):
    """Stop at a new `###` block. Built once per vocabulary and process, not per call: building it reads every token
    of the vocabulary (1.1-1.4 s for SmolLM2's 49k tokens under a profiler on the GPU machine; transformers 5.17's
    own cache misses whenever the vocabulary comes back in another order), against 2-3 s for decoding a whole batch
    of 726 rows there. The vocabulary itself is the key, so a tokenizer whose tokens differ never gets another's."""
    from transformers import StoppingCriteriaList, StopStringCriteria

    vocabulary = frozenset(tokenizer.get_vocab().items())
    if vocabulary not in _STOPS:
        if len(_STOPS) >= 4:
            _STOPS.pop(next(iter(_STOPS)))
        _STOPS[vocabulary] = StoppingCriteriaList([StopStringCriteria(tokenizer, list(STOP_MARKERS))])
    return _STOPS[vocabulary]


def bliss_words_processor(tokenizer, inputs: list[str], encoded: dict):
    from transformers import LogitsProcessorList

    from babybliss.convert.constrain import BlissWordsProcessor

    return LogitsProcessorList([BlissWordsProcessor(tokenizer, inputs, encoded["input_ids"].shape[1])])


def constraint(gen: GenerateConfig, direction: str, texts: list[str]) -> dict:
    """generate_raw's `inputs` when `generate.constrain` applies (English inputs), else nothing."""
    return {"inputs": texts} if gen.constrain and direction == "e2b" else {}


def realiser_drafts(loaded: Loaded, gen: GenerateConfig, direction: str, texts: list[str]) -> dict:
    """generate_raw's `drafts` where `generate.drafts` applies (Bliss -> English) and `loaded` checks them
    (`ctranslate.checks_drafts`): the rule realiser's English (convert.drafts); else nothing, not written unused."""
    from babybliss.convert.ctranslate import checks_drafts

    if not (gen.drafts and direction == "b2e" and checks_drafts(loaded, len(texts))):
        return {}
    from babybliss.grammar.realise import to_english

    return {"drafts": to_english(list(texts))}


def convert(loaded: Loaded, prompts: PromptConfig, direction: str, texts: list[str], gen: GenerateConfig) -> list[Output]:
    return generate_raw(loaded, [build_prompt(prompts, direction, t) for t in texts], gen,
                        **constraint(gen, direction, texts), **realiser_drafts(loaded, gen, direction, texts))


def read_inputs(path: str | Path) -> list[str]:
    """One input per line of a text file, or the `input`/`original`/`bliss` field of each JSONL row."""
    path = Path(path)
    text = read_user_text(path, missing="input file not found")
    numbered = [(number, line.strip()) for number, line in enumerate(text.splitlines(), start=1) if line.strip()]
    if not numbered:
        raise BlissError(f"{path}: the file is empty; give one input per line")
    if path.suffix != ".jsonl":
        return [line for _, line in numbered]
    inputs = []
    for number, line in numbered:
        try:
            row = json.loads(line)
        except json.JSONDecodeError as err:
            raise BlissError(f"{path}: {line_name(number)}: not JSON ({err.msg})") from None
        value = next((row.get(k) for k in INPUT_KEYS if isinstance(row, dict) and row.get(k)), None)
        if not isinstance(value, str):
            raise BlissError(f"{path}: {line_name(number)}: expected an object with a text {' or '.join(INPUT_KEYS)} field")
        inputs.append(value)
    return inputs


def run_generate(
    config: Config,
    adapter: str | None,
    direction: str | None,
    texts: list[str],
    free_prompt: str | None = None,
) -> list[Output]:
    """The `generate` command: conversions of `texts` in `direction`, or a free-text prompt."""
    prompts = adapter_config(adapter).prompts if adapter else config.prompts
    loaded = load_for_conversion(config, adapter, config.model.dtype, None if free_prompt is not None else direction)
    if free_prompt is not None:
        return generate_raw(loaded, [free_prompt], config.generate)
    if direction is None:
        raise BlissError("--direction e2b|b2e is needed to convert sentences")
    return generate_raw(
        loaded,
        [build_prompt(prompts, direction, t) for t in texts],
        config.generate,
        show_progress=len(texts) > 64,
        **constraint(config.generate, direction, texts),
        **realiser_drafts(loaded, config.generate, direction, texts),
    )
