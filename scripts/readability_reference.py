"""Write tests/data/readability_textstat073.json: textstat 0.7.3's Flesch reading ease, the research team's readability.

Run it with a Python that has textstat 0.7.3 (it imports pkg_resources, hence setuptools<81), outside the project:

    python3 -m venv /tmp/ts073 && /tmp/ts073/bin/pip install "textstat==0.7.3" "setuptools<81"
    /tmp/ts073/bin/python scripts/readability_reference.py --bliss ../shared/bliss.json

Stored: for the project corpus and the research team's pairs file, only values keyed by entry index, side and a hash
of the text (their sentences are never copied); for the edge cases and a seeded set of made-up strings (corpus words
with digits and punctuation mixed in), the text and the value.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import random
from pathlib import Path

import textstat

ROOT = Path(__file__).resolve().parents[1]
CORPUS = ROOT / "src" / "babybliss" / "data" / "corpus" / "pairs.json"
OUT = ROOT / "tests" / "data" / "readability_textstat073.json"

EDGE_CASES = [
    "", " ", "Hello", "hello.", "42", "3.14", "1,000,000 people came.", "...", "!!!", "?", "-", "'", "a", "I.",
    "Hello, world!", "Don't stop believing.", "It's John's dog's bone.", "future:We visit museum week next.",
    "present progressive:she read book.", "past:shop be open morning.", "Café naïve résumé façade.",
    "e.g. this, i.e. that, etc.", "Dr. Smith went to Washington. He stayed.", "A. B. C. D.", "Yes! No? Maybe.",
    "well-known state-of-the-art ideas", "THE QUICK BROWN FOX JUMPS OVER THE LAZY DOG.", "line one\nline two\tthree",
    "The cat sat on the mat.", "Supercalifragilisticexpialidocious antidisestablishmentarianism.",
    "snake_case words and under_scores", "🙂 smile 🙂", "— dash – dash —", "(parenthesis) [brackets] {braces}",
    "The year 2024 had 365 days and 12 months.", "Wait... what?!", "\"Quoted\" 'single' `back`",
    "He said: 'go'. She said: 'no'. They left.", "one two three. four five. six seven eight nine.",
]


def text_hash(text: str) -> str:
    return hashlib.sha256(text.encode("utf-8")).hexdigest()[:12]


def pair_values(path: Path) -> list[list]:
    """[index, side, hash, value] for both sides of every entry."""
    rows = []
    for i, entry in enumerate(json.loads(path.read_text(encoding="utf-8"))):
        for side in ("original", "bliss"):
            text = entry[side]
            rows.append([i, side, text_hash(text), textstat.flesch_reading_ease(text)])
    return rows


def made_up(n: int, seed: int = 13) -> list[str]:
    words = sorted({w for e in json.loads(CORPUS.read_text()) for w in (e["original"] + " " + e["bliss"]).split()})
    extra = ["7", "1999", "3.5", "co-op", "it's", "...", "!", "?", ",", ";", "-", "e.g.", "Mr.", "naïve", ":"]
    rng = random.Random(seed)
    texts = []
    for _ in range(n):
        tokens = [rng.choice(words if rng.random() < 0.85 else extra) for _ in range(rng.randint(1, 30))]
        texts.append(" ".join(tokens) if rng.random() < 0.8 else "".join(tokens))
    return texts


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--bliss", help="the research team's bliss.json (values only are stored)")
    parser.add_argument("--made-up", type=int, default=300, help="how many seeded made-up strings")
    args = parser.parse_args()
    import importlib.metadata as md

    data = {
        "textstat": md.version("textstat"),
        "pyphen": md.version("pyphen"),
        "edge_cases": [[t, textstat.flesch_reading_ease(t)] for t in EDGE_CASES],
        "made_up": [[t, textstat.flesch_reading_ease(t)] for t in made_up(args.made_up)],
        "corpus": pair_values(CORPUS),
    }
    if args.bliss:
        data["bliss_json"] = pair_values(Path(args.bliss))
    OUT.parent.mkdir(parents=True, exist_ok=True)
    OUT.write_text(json.dumps(data, ensure_ascii=False, separators=(",", ":")) + "\n", encoding="utf-8")
    print(f"wrote {OUT}: " + ", ".join(f"{k} {len(v)}" for k, v in data.items() if isinstance(v, list)))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
