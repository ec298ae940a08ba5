"""Bliss -> English on the shipped compose set (Bliss rows as users compose them on the page): acceptable % of the
rule realiser, of a model with the shipped adapter (or `--adapter`) and of their hybrid (the B->E system), as evaluate
scores it
(evaluation.compose). Writes nothing; prints each system's acceptable % and exact % and its misses by kind.

    PYTHONPATH=src python bench/compose_acceptable.py              # the realiser and the shipped adapter
    PYTHONPATH=src python bench/compose_acceptable.py --no-model   # the realiser only (seconds)
    PYTHONPATH=src python bench/compose_acceptable.py --save answers.json   # keep the model's answers
    PYTHONPATH=src python bench/compose_acceptable.py --load answers.json   # score them (and the hybrid) again
    PYTHONPATH=src python bench/compose_acceptable.py --rows fresh.json     # other compose-shaped rows instead

The model decodes as generate and serve do (the adapter merged, int8 weights on a CPU).
"""

from __future__ import annotations

import argparse
import json
import time
from collections import Counter

from babybliss.data.pairs import compose_path
from babybliss.evaluation.compose import acceptable_rate, listed_english
from babybliss.evaluation.metrics import exact_match


def score(name: str, rows: list[dict], listed: dict, answers: list[str], seconds: float) -> None:
    scored = [{"input": r["bliss"], "generated": a} for r, a in zip(rows, answers)]
    rate = acceptable_rate(scored, listed)
    exact = sum(exact_match(a, r["original"]) for r, a in zip(rows, answers)) / len(rows)
    print(f"{name}: acceptable {100 * rate:.1f} % ({sum(s['acceptable'] for s in scored)}/{len(rows)}), "
          f"exact {100 * exact:.1f} %, {seconds:.1f} s")
    misses = Counter(r["kind"] for r, s in zip(rows, scored) if not s["acceptable"])
    print("  misses by kind:", dict(misses.most_common()))
    for r, s in [(r, s) for r, s in zip(rows, scored) if not s["acceptable"]][:12]:
        print(f"  {r['bliss']!r} -> {s['generated']!r}")


def score_hybrid(rows: list[dict], listed: dict, answers: list[str]) -> None:
    """The B->E system of generate/serve/the page: the hybrid of these model answers and the realiser."""
    from babybliss.evaluation.acceptable import hybrid_b2e

    start = time.perf_counter()
    hybrid = [english for english, _ in hybrid_b2e([r["bliss"] for r in rows], answers)]
    score("hybrid (model, else realiser)", rows, listed, hybrid, time.perf_counter() - start)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--no-model", action="store_true", help="score the realiser only")
    parser.add_argument("--adapter", default=None, help="an adapter folder (default: the shipped one)")
    parser.add_argument("--save", help="write the model's answers here (JSON), to score them again with --load")
    parser.add_argument("--load", help="score the model's answers saved by --save instead of decoding")
    parser.add_argument("--rows", help="a JSON list of compose-shaped rows (bliss, original, acceptable, kind) to "
                                       "score instead of the shipped set, e.g. fresh rows never tuned on")
    args = parser.parse_args()
    rows = json.loads(open(args.rows, encoding="utf-8").read() if args.rows else
                      compose_path().read_text(encoding="utf-8"))
    listed = listed_english(rows)
    from babybliss.grammar.realise import to_english

    start = time.perf_counter()
    score("rule realiser", rows, listed, to_english([r["bliss"] for r in rows]), time.perf_counter() - start)
    if args.no_model:
        return
    if args.load:
        saved = json.loads(open(args.load, encoding="utf-8").read())
        answers = [saved[r["bliss"]] for r in rows]
        score(f"model answers of {args.load}", rows, listed, answers, 0.0)
        score_hybrid(rows, listed, answers)
        return
    from babybliss.convert.generate import adapter_config, convert, load_for_conversion
    from babybliss.convert.shipped import shipped_adapter

    folder = args.adapter or shipped_adapter()
    config = adapter_config(folder)
    loaded = load_for_conversion(config, folder, config.model.dtype)  # as generate and serve decode (int8 on a CPU)
    start = time.perf_counter()
    outputs = convert(loaded, config.prompts, "b2e", [r["bliss"] for r in rows], config.generate)
    answers = [o.answer for o in outputs]
    score(f"model with {'the shipped adapter' if args.adapter is None else folder}", rows, listed, answers,
          time.perf_counter() - start)
    score_hybrid(rows, listed, answers)
    if args.save:
        with open(args.save, "w", encoding="utf-8") as handle:
            json.dump({r["bliss"]: a for r, a in zip(rows, answers)}, handle, ensure_ascii=False, indent=1)

if __name__ == "__main__":
    main()
