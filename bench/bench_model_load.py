"""Load time of the embedded default model: the first load converts the GGUF file, later loads read safetensors.

    python bench/bench_model_load.py
"""

from __future__ import annotations

import json
import tempfile
import time

from babybliss.config import ModelConfig
from babybliss.training.models import load_model


def timed_load(cache_dir: str) -> float:
    start = time.perf_counter()
    load_model(ModelConfig(cache_dir=cache_dir))
    return time.perf_counter() - start


def main() -> None:
    with tempfile.TemporaryDirectory() as cache:
        first = timed_load(cache)
        cached = [timed_load(cache) for _ in range(3)]
    print(json.dumps({"date": time.strftime("%Y-%m-%d"), "first_load_s": round(first, 2), "cached_load_s": [round(c, 2) for c in cached]}))


if __name__ == "__main__":
    main()
