"""How many words of Conceptual Bliss sentences get a Bliss symbol from the shipped lexicon (tokens and types), on
the research data, the project corpus, the novel set and the everyday set when it is there; the misses by frequency.

    PYTHONPATH=src python bench/bench_symbols_coverage.py [--research ../shared/bliss.json] [--misses misses.md]

A word counts as covered when it is drawn as a BCI-AV symbol, a Bliss digit, or (a name) in letters, as Bliss writes
names; an unknown word (drawn in letters and reported) is a miss. Punctuation is not counted. The misses file lists
words only, never sentences.
"""

from __future__ import annotations

import argparse
import ast
import json
import sys
import time
from collections import Counter
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "src"))

from babybliss.symbols.render import draw_sentences  # noqa: E402
from babybliss.symbols.sentence import sentence_symbols  # noqa: E402

CORPUS = ROOT / "src" / "babybliss" / "data" / "corpus"
SETS = {"corpus": CORPUS / "pairs.json", "novel": CORPUS / "novel.json", "everyday": CORPUS / "everyday.json"}


EVERYDAY_TESTS = ROOT / "tests" / "test_everyday.py"
"""The everyday messages of the rule tests (written by another hand, never looked at for the synonym table)."""


def everyday_tests(path: Path) -> list[str]:
    """The Bliss sides of test_everyday.py's RULES table (read, not imported)."""
    for node in ast.parse(path.read_text(encoding="utf-8")).body:
        if isinstance(node, ast.Assign) and any(getattr(t, "id", None) == "RULES" for t in node.targets):
            return sorted({bliss for pairs in ast.literal_eval(node.value).values() for _, bliss in pairs})
    return []


def bliss_side(path: Path) -> list[str]:
    if path == EVERYDAY_TESTS:
        return everyday_tests(path)
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
    parser.add_argument("--draw", action="store_true", help="also draw every sentence (one node call a set) and time it")
    args = parser.parse_args()
    sets = {"bliss.json": args.research, **SETS, "everyday tests": EVERYDAY_TESTS}
    results = {}
    for name, path in sets.items():
        if not path.is_file():
            print(f"{name}: {path} is not there, skipped")
            continue
        start = time.perf_counter()
        results[name] = coverage(bliss_side(path))
        results[name]["seconds"] = round(time.perf_counter() - start, 2)
        if args.draw:
            start = time.perf_counter()
            drawings = draw_sentences(sentence_symbols(bliss_side(path)))
            results[name]["draw_seconds"] = round(time.perf_counter() - start, 2)
            results[name]["renderer_warnings"] = sum(len(d.warnings) for d in drawings)
        r = results[name]
        print(f"{name}: {r['sentences']} sentences, tokens {r['token_coverage']} % of {r['tokens']}, "
              f"types {r['type_coverage']} % of {r['types']} ({r['name_tokens']} name tokens in letters), "
              f"{len(r['misses'])} missed words, {r['seconds']} s; strict {r['strict_token_coverage']} %, by how: "
              f"{r['by_how']}" + (f"; drawn in {r['draw_seconds']} s, {r['renderer_warnings']} renderer warnings"
                                  if args.draw else ""))
    if args.draw:
        from babybliss.symbols.lexicon import load_lexicon
        from babybliss.symbols.render import draw

        codes = [row["code"] for row in load_lexicon()["symbols"].values()]
        start = time.perf_counter()
        warned = sum(bool(d.warnings) for d in draw(codes))
        results["lexicon"] = {"symbols": len(codes), "with_renderer_warnings": warned,
                              "draw_seconds": round(time.perf_counter() - start, 2)}
        print(f"lexicon: {len(codes)} symbols drawn in {results['lexicon']['draw_seconds']} s, {warned} with "
              "renderer warnings")
    if args.out:
        args.out.write_text(json.dumps(results, indent=1) + "\n", encoding="utf-8")
    if args.misses:
        lines = [
            "# Bliss symbols: coverage and the words missed",
            "",
            "Written by `PYTHONPATH=src python bench/bench_symbols_coverage.py --misses docs/symbols-coverage.md` "
            "(numbers in bench/RESULTS.md). For each set of Conceptual Bliss sentences: the words drawn in letters "
            "because no symbol was found (by frequency), then the words drawn through a synonym, a derivation or a "
            "composition of symbols, with the symbol's gloss, so each choice can be checked. Words only, never "
            "sentences (bliss.json is not the project's to copy).",
            "",
            "How a word is found: docs/symbols.md. The synonym table is `SYNONYMS` in scripts/build_bliss_lexicon.py; "
            "it was filled from the misses of bliss.json, the corpus and the novel set, so their numbers are not "
            "blind. The everyday rule tests' sentences (tests/test_everyday.py) were not looked at for it.",
            "",
        ]
        for name, r in results.items():
            if "misses" not in r:
                continue
            lines += [f"## {name}", "", f"{len(r['misses'])} words missed ({r['tokens']} tokens, "
                      f"{r['token_coverage']} % covered):", ""]
            lines += [", ".join(f"{w} ({n})" for w, n in r["misses"]) or "none", ""]
            lines += ["Drawn through a synonym, a derivation or a composition (word → symbol, tokens):", ""]
            lines += [", ".join(f"{w} → {g} ({n}, {h})" for h, w, g, n in r["made"]) or "none", ""]
        args.misses.write_text("\n".join(lines), encoding="utf-8")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
