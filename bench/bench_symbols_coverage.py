"""How many words of Conceptual Bliss sentences get a Bliss symbol from the shipped lexicon (tokens and types), on
the research data, the project corpus, the novel set and the everyday set when it is there; the misses by frequency.

    PYTHONPATH=src python bench/bench_symbols_coverage.py [--research ../shared/bliss.json] [--misses misses.md]

A word counts as covered when it is drawn as a BCI-AV symbol, a Bliss digit, or (a name) in letters, as Bliss writes
names; an unknown word (drawn in letters and reported) is a miss. Punctuation is not counted. The misses file lists
words only, never sentences.
"""

from __future__ import annotations

import argparse
import json
import sys
import time
from collections import Counter
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "src"))

from babybliss.symbols.sentence import sentence_symbols  # noqa: E402

CORPUS = ROOT / "src" / "babybliss" / "data" / "corpus"
SETS = {"corpus": CORPUS / "pairs.json", "novel": CORPUS / "novel.json", "everyday": CORPUS / "everyday.json"}


def bliss_side(path: Path) -> list[str]:
    text = path.read_text(encoding="utf-8")
    rows = json.loads(text) if text.lstrip().startswith("[") else [json.loads(l) for l in text.splitlines() if l.strip()]
    return sorted({row["bliss"].strip() for row in rows})


def coverage(sentences: list[str]) -> dict:
    tokens, misses, names, how, made = Counter(), Counter(), Counter(), Counter(), Counter()
    for sentence in sentence_symbols(sentences):
        for word in sentence.words:
            if not any(c.isalnum() for c in word.word):
                continue
            tokens[word.word.lower()] += 1
            how[word.how] += 1
            if not word.known:
                misses[word.word.lower()] += 1
            elif word.how == "name":
                names[word.word] += 1
            elif word.how in ("synonym", "derived", "composed"):
                made[(word.how, word.word.lower(), word.gloss)] += 1
    n_tokens, n_missed = sum(tokens.values()), sum(misses.values())
    return {
        "sentences": len(sentences),
        "tokens": n_tokens,
        "token_coverage": round(100 * (1 - n_missed / n_tokens), 2) if n_tokens else None,
        "types": len(tokens),
        "type_coverage": round(100 * (1 - len(misses) / len(tokens)), 2) if tokens else None,
        "name_tokens": sum(names.values()),
        "by_how": dict(how.most_common()),
        "strict_token_coverage": round(100 * sum(how[h] for h in ("gloss", "number", "name")) / n_tokens, 2),
        "misses": misses.most_common(),
        "made": [[h, w, g, n] for (h, w, g), n in made.most_common()],
    }


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--research", type=Path, default=ROOT.parent / "shared" / "bliss.json")
    parser.add_argument("--out", type=Path, help="write the results as JSON here")
    parser.add_argument("--misses", type=Path, help="write the misses by frequency (words only) as Markdown here")
    args = parser.parse_args()
    sets = {"bliss.json": args.research, **SETS}
    results = {}
    for name, path in sets.items():
        if not path.is_file():
            print(f"{name}: {path} is not there, skipped")
            continue
        start = time.perf_counter()
        results[name] = coverage(bliss_side(path))
        results[name]["seconds"] = round(time.perf_counter() - start, 2)
        r = results[name]
        print(f"{name}: {r['sentences']} sentences, tokens {r['token_coverage']} % of {r['tokens']}, "
              f"types {r['type_coverage']} % of {r['types']} ({r['name_tokens']} name tokens in letters), "
              f"{len(r['misses'])} missed words, {r['seconds']} s; strict {r['strict_token_coverage']} %, by how: "
              f"{r['by_how']}")
    if args.out:
        args.out.write_text(json.dumps(results, indent=1) + "\n", encoding="utf-8")
    if args.misses:
        lines = []
        for name, r in results.items():
            lines += [f"## {name}", "", f"{len(r['misses'])} words missed ({r['tokens']} tokens, "
                      f"{r['token_coverage']} % covered):", ""]
            lines += [", ".join(f"{w} ({n})" for w, n in r["misses"]) or "none", ""]
            lines += ["Drawn through a synonym, a derivation or a composition (word → symbol, tokens):", ""]
            lines += [", ".join(f"{w} → {g} ({n}, {h})" for h, w, g, n in r["made"]) or "none", ""]
        args.misses.write_text("\n".join(lines), encoding="utf-8")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
