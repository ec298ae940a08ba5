"""Shared fixtures: small pairs files and one tiny fine-tuned run reused by the export/evaluate/original-use tests."""

from __future__ import annotations

import contextlib
import json
import socket
import threading
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

MARKERS = ("past", "present", "future", "present progressive")
SUBJECTS = ("I", "You", "She", "We", "They")
VERBS = ("walk", "read", "cook", "paint", "sing", "swim", "write", "play")
ENGLISH_FORM = {
    "past": "{s} {v}ed in the park {i}.",
    "present": "{s} {v} in the park {i}.",
    "future": "{s} will {v} in the park {i}.",
    "present progressive": "{s} am {v}ing in the park {i}.",
}


def make_pairs(n: int = 40) -> list[dict[str, str]]:
    """`n` distinct pairs, the four tense markers in turn."""
    pairs = []
    for i in range(n):
        marker = MARKERS[i % len(MARKERS)]
        s, v = SUBJECTS[i % len(SUBJECTS)], VERBS[i % len(VERBS)]
        pairs.append({"original": ENGLISH_FORM[marker].format(s=s, v=v, i=i), "bliss": f"{marker}:{s} {v} park {i}."})
    return pairs


def write_json(path: Path, data) -> Path:
    path.write_text(json.dumps(data, ensure_ascii=False), encoding="utf-8")
    return path


TINY_RUN_OVERRIDES = [
    "model.spec=tiny",
    "train.max_steps=4",
    "train.per_device_train_batch_size=8",
    "train.logging_steps=2",
    "train.save_steps=100",
    "lora.r=4",
    "data.validation_fraction=0.2",
    "data.test_fraction=0.2",
]


@pytest.fixture(scope="session")
def tiny_run(tmp_path_factory) -> Path:
    """RUN folder of a 4-step LoRA fine-tune of the tiny model on 40 pairs (data/, epoch-1/, logs/)."""
    from babybliss.config import load_config
    from babybliss.training.train import finetune

    root = tmp_path_factory.mktemp("tiny-run")
    pairs = write_json(root / "pairs.json", make_pairs(40))
    run = root / "run"
    config = load_config(None, TINY_RUN_OVERRIDES + [f"data.path={pairs}", f"out={run}"])
    result = finetune(config)
    assert result["adapters"] == [str(run / "epoch-1")]
    return run


@pytest.fixture(scope="session")
def tiny_run_config(tiny_run):
    """The resolved config the tiny run was trained with."""
    from babybliss.config import load_config

    return load_config(tiny_run / "config.resolved.toml")


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@contextlib.contextmanager
def running_server(app, **uvicorn_options) -> Iterator[int]:
    """`app` served by uvicorn on 127.0.0.1 in a thread, for browser and socket tests; yields its port."""
    import uvicorn

    port = free_port()
    server = uvicorn.Server(uvicorn.Config(app, host="127.0.0.1", port=port, log_level="warning", **uvicorn_options))
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    end = time.monotonic() + 20
    while not server.started:
        assert time.monotonic() < end, "uvicorn did not start"
        time.sleep(0.02)
    try:
        yield port
    finally:
        server.should_exit = True
        thread.join(10)


CHROMIUM = Path("/usr/bin/chromium")
"""Debian's chromium, which `make browser` installs (Playwright's own browser download is not used)."""


@pytest.fixture(scope="module")
def browser():
    """Headless chromium for the page's browser tests, one per test module."""
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=str(CHROMIUM), args=["--no-sandbox", "--disable-gpu"])
        yield browser
        browser.close()
