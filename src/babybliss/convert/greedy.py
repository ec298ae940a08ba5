"""Greedy decoding of one batch that drops each row from the batch once it has stopped.

`model.generate` keeps every row in the batch until the last one stops: a batch of 32 whose longest answer is 40
tokens runs 32 rows for 40 steps even where most answers ended after 10. Here a row leaves the batch (its KV cache,
mask and positions) at its stop, so later steps compute only the rows still answering. Every step is generate's own:
its input preparation (`prepare_inputs_for_generation`, `_update_model_kwargs_for_generation`), positions from the
attention mask, the float32 argmax of the last logits, EOS and the stop strings, `max_new_tokens`. What comes back is
what generate returns for the batch, row by row: a row that stopped before the batch's last step is followed by
`pad_token_id`s, as generate pads it (tests/test_greedy.py compares the two).

Used for greedy decoding without a logits processor (a processor such as the constrained vocabulary is built for
the whole batch's rows, so those calls keep `model.generate`, as do models whose own generation config asks generate
for one: `plain_greedy`).
"""

from __future__ import annotations

import torch


NEUTRAL = {"repetition_penalty": 1.0, "encoder_repetition_penalty": 1.0, "guidance_scale": 1.0,
           "no_repeat_ngram_size": 0, "min_length": 0, "min_new_tokens": 0}
"""Generation-config fields with which generate changes greedy scores (its logits processors), each with the value
that changes nothing; every other field of `PROCESSOR_SETTINGS` changes nothing when empty."""
PROCESSOR_SETTINGS = (*NEUTRAL, "bad_words_ids", "sequence_bias", "suppress_tokens", "begin_suppress_tokens",
                      "forced_bos_token_id", "forced_eos_token_id", "exponential_decay_length_penalty",
                      "renormalize_logits", "watermarking_config")


def plain_greedy(model) -> bool:
    """Whether generate's greedy decoding of this model is the plain argmax greedy_rows takes (no processor set in
    the model's own generation config)."""
    own = _transformers_model(model).generation_config
    return all(getattr(own, name, None) in (None, False, [], (), NEUTRAL.get(name)) for name in PROCESSOR_SETTINGS)


@torch.inference_mode()
def greedy_rows(model, encoded: dict, cache_key: str, max_new_tokens: int, eos: int, pad: int, stop) -> list[list[int]]:
    """The new tokens of each row of `encoded` (generate's input_ids, attention_mask and optional KV cache under
    `cache_key`), as `model.generate(do_sample=False, ...)` returns them for this batch."""
    model = _transformers_model(model)
    input_ids = encoded["input_ids"]
    rows, prompt_length = input_ids.shape
    kwargs, past = first_step_kwargs(model, encoded, cache_key)
    live = list(range(rows))  # the rows of the original batch still in the batch, in its order
    generated: list[list[int]] = [[] for _ in range(rows)]
    ended_at = [0] * rows
    step, next_length = 0, prompt_length - past
    while live:
        first = {"is_first_iteration": True} if step == 0 else {}
        inputs = model.prepare_inputs_for_generation(input_ids, next_sequence_length=next_length, **first, **kwargs)
        outputs = model(**inputs, return_dict=True)
        kwargs = model._update_model_kwargs_for_generation(outputs, kwargs)
        next_tokens = greedy_token(outputs.logits)
        input_ids = torch.cat([input_ids, next_tokens[:, None]], dim=-1)
        step += 1
        stopped = (next_tokens == eos) | (step >= max_new_tokens)
        if stop is not None:
            stopped = stopped | stop(input_ids, None)
        done = stopped.tolist()
        for row, token, finished in zip(live, next_tokens.tolist(), done):
            generated[row].append(token)
            if finished:
                ended_at[row] = step
        keep = [position for position, finished in enumerate(done) if not finished]
        if len(keep) < len(live):
            live = [live[position] for position in keep]
            if not keep:
                break
            index = torch.tensor(keep, device=input_ids.device)
            input_ids = input_ids[index]
            for key in ("position_ids", "attention_mask"):
                if kwargs.get(key) is not None:
                    kwargs[key] = kwargs[key][index]
            kwargs[cache_key].batch_select_indices(index)
        next_length = 1
    last = max(ended_at)
    return [tokens + [pad] * (last - ended) for tokens, ended in zip(generated, ended_at)]


def first_step_kwargs(model, encoded: dict, cache_key: str) -> tuple[dict, int]:
    """generate's model kwargs for a batch before its first step (the cache, positions from the mask, the mask, one
    position of logits), and how many of the prompt's tokens the cache already holds (a prefix written into it)."""
    attention_mask, cache = encoded["attention_mask"], encoded.get(cache_key)
    kwargs = {"use_cache": True, cache_key: cache}
    kwargs["position_ids"] = (attention_mask.long().cumsum(-1) - 1).masked_fill(attention_mask == 0, 0)
    # generate drops an all-ones mask (no padding) before the first step; it keeps it for the whole batch otherwise
    kwargs["attention_mask"] = None if bool((attention_mask == 1).all()) else attention_mask
    if "logits_to_keep" in _forward_parameters(model):
        kwargs["logits_to_keep"] = 1
    past = cache.get_seq_length() if cache is not None else 0
    return kwargs, int(past)  # a static cache counts in a tensor


def greedy_token(logits: torch.Tensor) -> torch.Tensor:
    """Each row's greedy next token, as generate picks it: the argmax of the last position's scores in float32."""
    return torch.argmax(logits[:, -1].to(dtype=torch.float32), dim=-1)


def _transformers_model(model):
    """The transformers model generate would run: a PEFT tuner (LoRA layers put on in place) wraps it as `.model`."""
    from transformers import PreTrainedModel

    return model if isinstance(model, PreTrainedModel) else model.model


def _forward_parameters(model) -> set[str]:
    import inspect

    return set(inspect.signature(model.forward).parameters)
