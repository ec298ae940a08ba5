"""English→Bliss misses by kind: each answer that is not exact is put in one class by comparing its words with the
reference's (a rough, checkable split; the first class that fits wins):

- `marker`: the tense marker differs;
- `inflection`: an answer word is another form of a missing reference word (lemminflect: `hummed` for `hum`);
- `word cut`: an answer word is a strict prefix of a missing reference word (`weas` for `weasel`);
- `word replaced`: a reference word is missing and another word (or a misspelling) stands in its place;
- `dropped` / `added`: words only missing / only added;
- `order`: the same words in another order, and of those `kept English order`: two words that stand side by side in
  the English sentence and in the answer, which the reference puts the other way round (`oak table` for `table oak`).

    PYTHONPATH=src python bench/miss_kinds.py --dir CURVE_DIR --results RESULTS/MODEL/POINT.json [...] [--sets rare,novel]
"""

from __future__ import annotations

import argparse
import json
import re
from collections import Counter
from pathlib import Path

from babybliss.evaluation.metrics import exact_match
from babybliss.grammar.notation import tense_marker

WORD = re.compile(r"[A-Za-z']+")


def words(bliss: str) -> list[str]:
    return WORD.findall(bliss.partition(":")[2].lower())


def lemmas(word: str) -> set[str]:
    from lemminflect import getAllLemmas

    return {lemma for found in getAllLemmas(word).values() for lemma in found} | {word}


def kind(answer: str, reference: str) -> str:
    if tense_marker(answer) != tense_marker(reference):
        return "marker"
    got, want = Counter(words(answer)), Counter(words(reference))
    missing, extra = list((want - got).elements()), list((got - want).elements())
    if not missing and not extra:
        return "order"
    if any(m in lemmas(e) or e in lemmas(m) for e in extra for m in missing):
        return "inflection"
    if any(len(e) >= 2 and m.startswith(e) and m != e for e in extra for m in missing):
        return "word cut"
    if missing and extra:
        return "word replaced"
    return "dropped" if missing else "added"


def kept_english_order(english: str, answer: str, reference: str) -> bool:
    """Two words side by side in the English and in the answer that the reference has the other way round."""
    said = re.findall(r"[a-z']+", english.lower())
    got, want = words(answer), words(reference)
    return any(pair in set(zip(said, said[1:])) and pair[0] in want and pair[1] in want
               and want.index(pair[0]) > want.index(pair[1]) for pair in set(zip(got, got[1:])))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--dir", required=True, help="the prepared folder (sets.json)")
    parser.add_argument("--results", nargs="+", required=True, help="scaling_curve result files")
    parser.add_argument("--sets", default="novel,rare")
    parser.add_argument("--modes", default="e2b,e2b_constrained")
    args = parser.parse_args()
    sets = json.loads((Path(args.dir) / "sets.json").read_text(encoding="utf-8"))
    print("| result | set | mode | misses | " + " | ".join(KINDS) + " | of order: kept English order |")
    print("|---|---|---|---:|" + "---:|" * (len(KINDS) + 1))
    for path in args.results:
        result = json.loads(Path(path).read_text(encoding="utf-8"))
        for name in args.sets.split(","):
            refs = [p["bliss"] for p in sets[name]]
            for mode in args.modes.split(","):
                misses = [(p["original"], a, p["bliss"]) for a, p in zip(result["answers"][name][mode], sets[name])
                          if not exact_match(a, p["bliss"])]
                counts = Counter(kind(a, r) for _, a, r in misses)
                kept = sum(kind(a, r) == "order" and kept_english_order(e, a, r) for e, a, r in misses)
                print(f"| {result.get('point')} | {name} ({len(refs)}) | {mode} | {len(misses)} | "
                      + " | ".join(str(counts.get(k, 0)) for k in KINDS) + f" | {kept} |")


KINDS = ("marker", "inflection", "word cut", "word replaced", "dropped", "added", "order")

if __name__ == "__main__":
    main()
