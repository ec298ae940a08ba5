"""Typing speed of the rule converter from the command line: `babybliss rules "<one sentence>"` wall time (process
start, imports, spaCy load, conversion), and `babybliss rules --file` over the shipped English corpus (sentences/s).

    PYTHONPATH=src python bench/bench_typing.py [--repeats 7]
"""

from __future__ import annotations

import argparse
import os
import statistics
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
CORPUS = ROOT / "src" / "babybliss" / "data" / "corpus" / "english.txt"


def wall(argv: list[str]) -> float:
    env = {**os.environ, "PYTHONPATH": str(ROOT / "src")}
    start = time.perf_counter()
    subprocess.run([sys.executable, "-m", "babybliss", *argv], check=True, env=env, stdout=subprocess.DEVNULL)
    return time.perf_counter() - start


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeats", type=int, default=7)
    args = parser.parse_args()
    wall(["rules", "Warm the file cache."])
    one = sorted(wall(["rules", "I like pizza."]) for _ in range(args.repeats))
    print(f"rules, one sentence: median {statistics.median(one):.2f} s, min {one[0]:.2f} s, max {one[-1]:.2f} s "
          f"({args.repeats} runs)")
    sentences = sum(1 for line in CORPUS.read_text(encoding="utf-8").splitlines() if line.strip())
    start_only = statistics.median(wall(["rules", "Hi."]) for _ in range(3))
    files = sorted(wall(["rules", "--file", str(CORPUS)]) for _ in range(3))
    best = files[len(files) // 2]
    print(f"rules --file ({sentences} sentences): median {best:.2f} s = {sentences / best:.0f} sentences/s with the "
          f"start; {sentences / max(best - start_only, 1e-9):.0f} sentences/s after it ({start_only:.2f} s start)")


if __name__ == "__main__":
    main()
