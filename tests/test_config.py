from __future__ import annotations

import tomllib
from pathlib import Path

import pytest

from babybliss.config import Config, ConfigError, load_config, parse_set, save_config, to_dict, to_toml

ROOT = Path(__file__).resolve().parents[1]
SHIPPED = sorted((ROOT / "configs").glob("*.toml")) + sorted((ROOT / "src" / "babybliss" / "configs").glob("*.toml"))


# ------------------------------------------------------------------ defaults = the research recipe


def test_lora_and_quant_defaults_are_the_recipe():
    c = Config()
    assert (c.lora.r, c.lora.alpha, c.lora.dropout, c.lora.bias) == (64, 16, 0.1, "none")
    assert c.lora.enabled is True
    assert c.quant.load_in_4bit is True
    assert c.quant.quant_type == "nf4"
    assert c.quant.compute_dtype == "float16"
    assert c.quant.double_quant is False


def test_train_defaults_are_the_recipe():
    t = Config().train
    assert t.epochs == [1]
    assert t.fp16 is False and t.bf16 is False
    assert t.per_device_train_batch_size == 4
    assert t.per_device_eval_batch_size == 4
    assert t.gradient_accumulation_steps == 1
    assert t.gradient_checkpointing is True
    assert t.max_grad_norm == 0.3
    assert t.learning_rate == 2e-4
    assert t.weight_decay == 0.001
    assert t.optim == "paged_adamw_32bit"
    assert t.lr_scheduler_type == "cosine"
    assert t.max_steps == -1
    assert t.warmup_ratio == 0.03
    assert t.group_by_length is True
    assert t.save_steps == 25 and t.logging_steps == 25
    assert t.max_seq_length == 4096
    assert t.packing is False


def test_instructions_are_byte_for_byte_the_recipe():
    p = Config().prompts
    assert p.e2b_instruction == "### Instruction: \nConvert the input English sentence to a Bliss sentence.\n\n"
    assert p.b2e_instruction == "### Instruction: \nConvert the input Bliss sentence to a English sentence.\n\n"
    assert p.template == "{instruction}### Input:\n{input}\n\n### Response:\n"


def test_load_config_without_file_is_the_defaults():
    assert to_dict(load_config()) == to_dict(Config())


def test_default_lists_are_not_shared_between_instances():
    a, b = Config(), Config()
    a.train.epochs.append(2)
    assert b.train.epochs == [1]


# ------------------------------------------------------------------ files only override


def test_toml_file_only_overrides(tmp_path):
    path = tmp_path / "c.toml"
    path.write_text('out = "runs/x"\n[lora]\nr = 8\n[train]\nepochs = [1, 2]\nlearning_rate = 1e-3\n', encoding="utf-8")
    c = load_config(path)
    assert c.out == "runs/x"
    assert c.lora.r == 8
    assert c.train.epochs == [1, 2]
    assert c.train.learning_rate == 1e-3
    # untouched keys keep their defaults, in the same section and elsewhere
    assert c.lora.alpha == 16 and c.lora.dropout == 0.1
    assert c.train.max_grad_norm == 0.3 and c.train.optim == "paged_adamw_32bit"
    assert c.quant.quant_type == "nf4"
    assert c.prompts.e2b_instruction == Config().prompts.e2b_instruction


def test_yaml_file_works(tmp_path):
    path = tmp_path / "c.yaml"
    path.write_text("lora:\n  r: 32\n  target_modules: [q_proj, k_proj]\ntrain:\n  bf16: true\n", encoding="utf-8")
    c = load_config(path)
    assert c.lora.r == 32
    assert c.lora.target_modules == ["q_proj", "k_proj"]
    assert c.train.bf16 is True
    assert c.lora.alpha == 16


def test_set_overrides_file(tmp_path):
    path = tmp_path / "c.toml"
    path.write_text("[lora]\nr = 8\nalpha = 4\n", encoding="utf-8")
    c = load_config(path, ["lora.r=2"])
    assert c.lora.r == 2
    assert c.lora.alpha == 4


@pytest.mark.parametrize(
    "item, getter, expected",
    [
        ("lora.r=8", lambda c: c.lora.r, 8),
        ("train.learning_rate=1e-5", lambda c: c.train.learning_rate, 1e-5),
        ("lora.dropout=0.2", lambda c: c.lora.dropout, 0.2),
        ("train.packing=true", lambda c: c.train.packing, True),
        ("train.gradient_checkpointing=false", lambda c: c.train.gradient_checkpointing, False),
        ("train.group_by_length=0", lambda c: c.train.group_by_length, False),
        ("train.epochs=[1,2]", lambda c: c.train.epochs, [1, 2]),
        ("train.epochs=1,3", lambda c: c.train.epochs, [1, 3]),
        ("lora.target_modules=q_proj,v_proj,o_proj", lambda c: c.lora.target_modules, ["q_proj", "v_proj", "o_proj"]),
        ('lora.target_modules=["all-linear"]', lambda c: c.lora.target_modules, ["all-linear"]),
        ("model.spec=tiny", lambda c: c.model.spec, "tiny"),
        ("out=runs/elsewhere", lambda c: c.out, "runs/elsewhere"),
    ],
)
def test_set_coerces_types(item, getter, expected):
    value = getter(load_config(None, [item]))
    assert value == expected
    assert type(value) is type(expected)


def test_set_list_of_ints_converts_items():
    assert load_config(None, ["train.epochs=1,2,3"]).train.epochs == [1, 2, 3]


def test_set_value_may_contain_equals():
    c = load_config(None, ["original_use.instruction=a=b"])
    assert c.original_use.instruction == "a=b"


def test_parse_set_needs_equals():
    with pytest.raises(ConfigError, match="section.key=value"):
        parse_set("lora.r")
    assert parse_set("lora.r=3") == {"lora": {"r": "3"}}


# ------------------------------------------------------------------ errors


def test_unknown_section_lists_valid_keys(tmp_path):
    path = tmp_path / "c.toml"
    path.write_text("[lorra]\nr = 8\n", encoding="utf-8")
    with pytest.raises(ConfigError) as err:
        load_config(path)
    message = str(err.value)
    assert "lorra" in message and str(path) in message
    for section in ("lora", "train", "model", "quant", "data"):
        assert section in message


def test_unknown_key_lists_valid_keys(tmp_path):
    path = tmp_path / "c.toml"
    path.write_text("[lora]\nrank = 8\n", encoding="utf-8")
    with pytest.raises(ConfigError) as err:
        load_config(path)
    message = str(err.value)
    assert "rank" in message
    assert "alpha" in message and "dropout" in message and "target_modules" in message


def test_unknown_set_key_errors():
    with pytest.raises(ConfigError, match="learning_rat"):
        load_config(None, ["train.learning_rat=1"])
    with pytest.raises(ConfigError, match="learning_rate"):
        load_config(None, ["train.learning_rat=1"])


@pytest.mark.parametrize(
    "text, where",
    [
        ('[lora]\nr = "eight"\n', "lora.r"),
        ("[lora]\nr = 1.5\n", "lora.r"),
        ('[train]\npacking = "maybe"\n', "train.packing"),
        ("[train]\nlearning_rate = true\n", "train.learning_rate"),
        ("[train]\nepochs = 3\n", "train.epochs"),
        ("[model]\nspec = [1, 2]\n", "model.spec"),
        ("lora = 3\n", "lora"),
    ],
)
def test_wrong_type_errors(tmp_path, text, where):
    path = tmp_path / "c.toml"
    path.write_text(text, encoding="utf-8")
    with pytest.raises(ConfigError, match=where.replace(".", r"\.")):
        load_config(path)


def test_wrong_type_in_set_errors():
    with pytest.raises(ConfigError, match="expected int"):
        load_config(None, ["lora.r=abc"])
    with pytest.raises(ConfigError, match="true or false"):
        load_config(None, ["train.bf16=perhaps"])


def test_invalid_values_rejected():
    with pytest.raises(ConfigError, match="train.sweep"):
        load_config(None, ["train.sweep=sometimes"])
    with pytest.raises(ConfigError, match="train.epochs"):
        load_config(None, ["train.epochs=0"])
    with pytest.raises(ConfigError, match="data.directions"):
        load_config(None, ["data.directions=e2x"])
    with pytest.raises(ConfigError, match="test_fraction"):
        load_config(None, ["data.test_fraction=0.6"])


def test_missing_and_unparsable_files(tmp_path):
    with pytest.raises(ConfigError, match="not found"):
        load_config(tmp_path / "nope.toml")
    bad = tmp_path / "bad.toml"
    bad.write_text("[lora\nr = ", encoding="utf-8")
    with pytest.raises(ConfigError, match="cannot parse"):
        load_config(bad)


# ------------------------------------------------------------------ shipped configs


def test_there_are_shipped_configs():
    assert SHIPPED, "no configs/*.toml found"


@pytest.mark.parametrize("path", SHIPPED, ids=lambda p: f"{p.parent.name}/{p.name}")
def test_shipped_config_loads_and_has_launch_command(path):
    config = load_config(path)
    assert isinstance(config, Config)
    comments = [line for line in path.read_text(encoding="utf-8").splitlines() if line.lstrip().startswith("#")]
    assert any("babybliss" in line for line in comments), f"{path}: no launch command in a header comment"


def test_shipped_llama2_config_keeps_recipe():
    config = load_config(ROOT / "configs" / "llama2-7b-qlora.toml")
    assert config.model.spec == "meta-llama/Llama-2-7b-hf"
    assert (config.lora.r, config.lora.alpha) == (64, 16)
    assert config.quant.load_in_4bit is True


# ------------------------------------------------------------------ round trip


def test_to_toml_round_trips(tmp_path):
    config = load_config(
        None,
        [
            "lora.r=8",
            "train.epochs=[1,2,4]",
            "train.learning_rate=3e-5",
            "data.extra_train=builtin",
            'original_use.instruction=Quote " and back\\slash: ',
            "out=runs/ünïcode",
        ],
    )
    text = to_toml(config)
    tomllib.loads(text)  # valid TOML
    path = tmp_path / "resolved.toml"
    save_config(config, path)
    assert path.read_text(encoding="utf-8") == text
    again = load_config(path)
    assert to_dict(again) == to_dict(config)


def test_default_to_toml_round_trips_instructions(tmp_path):
    path = tmp_path / "d.toml"
    save_config(Config(), path)
    again = load_config(path)
    assert again.prompts.e2b_instruction == Config().prompts.e2b_instruction
    assert again.prompts.template == Config().prompts.template
    assert to_dict(again) == to_dict(Config())


def test_set_list_without_quotes_from_a_shell():
    """`--set evaluate.splits=[test]` as a shell passes it (no quotes left) is the list ["test"]."""
    assert load_config(None, ["evaluate.splits=[test]"]).evaluate.splits == ["test"]
    assert load_config(None, ["evaluate.splits=[validation, test]"]).evaluate.splits == ["validation", "test"]


def test_set_malformed_list_names_the_key():
    with pytest.raises(ConfigError, match="train.epochs"):
        load_config(None, ["train.epochs=[1"])
