from __future__ import annotations

import copy

import pytest
import torch

from babybliss.config import GenerateConfig, load_config
from babybliss.convert.generate import generate_raw, load_for_conversion
from babybliss.convert.int8_weights import INT8_ROWS, Int8WeightLinear, with_int8_weights
from babybliss.training.models import Loaded, tiny_model, tiny_tokenizer

PROMPTS = [
    "### Input:\npast:I walk park 3.\n\n### Response:\n",
    "### Input:\nfuture:We sing park 12.\n\n### Response:\n",
    "Hi",
    "A middle-sized prompt, neither short nor long.",
]


def on_int8_grid(model: torch.nn.Module, std: float) -> torch.nn.Module:
    """`model` with weights large enough that every layer sways the greedy answer (a fresh tiny model's answers
    barely depend on its layers), each already on its row's int8 grid: the int8 form is then exact, so its answers
    must equal the plain model's token for token, and a wrong scale or row changes them."""
    torch.manual_seed(1)
    with torch.no_grad():
        for module in model.modules():
            if isinstance(module, torch.nn.Linear):
                if module is not model.lm_head:
                    torch.nn.init.normal_(module.weight, std=std)
                scale = module.weight.abs().amax(dim=1, keepdim=True) / 127
                module.weight.copy_(torch.round(module.weight / scale) * scale)
    return model


@pytest.mark.parametrize("dtype", [torch.float32, torch.bfloat16])
def test_int8_weights_give_the_plain_models_greedy_answers(dtype):
    tokenizer = tiny_tokenizer()
    plain = on_int8_grid(tiny_model(tokenizer).eval(), std=0.1).to(dtype)
    fast = with_int8_weights(copy.deepcopy(plain))
    assert not any(isinstance(m, torch.nn.Linear) for m in fast.modules())
    gen = GenerateConfig(max_new_tokens=12, batch_size=2)
    want = generate_raw(Loaded(plain, tokenizer, "tiny", 0.0), PROMPTS, gen)
    got = generate_raw(Loaded(fast, tokenizer, "tiny", 0.0), PROMPTS, gen)
    assert [o.raw for o in got] == [o.raw for o in want]


@pytest.mark.parametrize("rows", [1, INT8_ROWS, INT8_ROWS + 1, 40])
def test_an_int8_layer_is_close_to_its_linear(rows):
    torch.manual_seed(0)
    linear = torch.nn.Linear(64, 48, bias=True)
    x = torch.randn(rows, 1, 64)
    out = Int8WeightLinear(linear)(x)
    assert out.shape == (rows, 1, 48)
    assert torch.allclose(out, linear(x), atol=0.02)


@pytest.mark.parametrize("weights", ["int8", "plain"])
def test_serve_and_generate_load_the_form_asked_for(tiny_run, weights):
    config = load_config(tiny_run / "config.resolved.toml", [f"generate.weights={weights}", "generate.runtime=torch"])
    loaded = load_for_conversion(config, tiny_run / "epoch-1")
    kinds = {type(m) for m in loaded.model.modules()}
    assert (Int8WeightLinear in kinds) == (weights == "int8")
    assert (torch.nn.Linear in kinds) == (weights == "plain")
