"""Write src/babybliss/data/corpus/rare.json: the `rare` evaluation set (English -> Conceptual Bliss).

The sentence kinds, tenses and Bliss rules of the `novel` set (scripts/write_novel.py, docs/novel-set.md), with the
words of src/babybliss/data/words/rare.json instead of novel's own: less common BCI-AV glosses (trades, animals,
crafts, tools, vegetables, instruments, vehicles), names and towns from many languages. The sentence generator holds
every one of those words out (babybliss.data.vocabulary), so the set measures words no training pair holds. The
Bliss side is built from the same structure as the English, never by the rule converter. Seeded, standard library
only:

    python scripts/write_rare.py
"""

from __future__ import annotations

import json
import random
import re
import sys
from collections import Counter
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
import write_novel as novel  # noqa: E402

SEED = 1618
ROOT = Path(__file__).resolve().parent.parent
LEXICON = ROOT / "src" / "babybliss" / "data" / "words" / "rare.json"
OUT = ROOT / "src" / "babybliss" / "data" / "corpus" / "rare.json"
CORPUS = ROOT / "src" / "babybliss" / "data" / "corpus"
SCALE = 1.3
"""novel's quota of each sentence kind, times this: 445 pairs."""


def use_lexicon(lexicon: dict) -> None:
    """novel's word tables replaced by the rare lexicon's (the sentence builders read them as module globals)."""
    novel.NAMES, novel.PLACES = lexicon["names"], lexicon["places"]
    novel.PEOPLE, novel.PERSON_ADJ = lexicon["people"], lexicon["person_adjectives"]
    novel.VERBS = {v: tuple(forms) for v, forms in lexicon["verbs"].items()}
    novel.INTRANSITIVE = {v: tuple(forms) for v, forms in lexicon["intransitive"].items()}
    novel.THINGS = {n: tuple(row) for n, row in lexicon["things"].items()}
    novel.PREP_PHRASES, novel.ADVERBS = lexicon["prep_phrases"], lexicon["adverbs"]
    novel.COPULA_ADJ = lexicon["copula_adjectives"]
    novel.PHRASAL = {tuple(k.split()): tuple(v) for k, v in lexicon["phrasal"].items()}
    novel.EXTRA_NOUNS = {}
    novel.NOT_GRADED, novel.EXTREME = tuple(lexicon["not_graded"]), tuple(lexicon["extreme"])
    novel.MASS_NOUNS = ()
    novel.THERE_IS_NOUNS, novel.GO_VERBS = lexicon["there_is_nouns"], lexicon["go_verbs"]
    novel.COPULA_PLACES = lexicon["copula_places"]
    novel.TIMES = [t for t in novel.TIMES if len(t[0].split()) < 3]  # `every foggy morning` has a content word


def content_words(lexicon: dict) -> set[str]:
    """Every open-class word of the rare lexicon, lower case, in every form it is written in."""
    from babybliss.data.vocabulary import lexicon_words

    return lexicon_words(lexicon)


def taken_words() -> set[str]:
    """Words of the corpus sets and, where it lies beside the checkout, the research data."""
    text = []
    for path in [*sorted(CORPUS.glob("*.json")), ROOT.parent / "shared" / "bliss.json"]:
        if path.is_file() and path != OUT:
            text += [p["original"] + " " + p["bliss"] for p in json.loads(path.read_text(encoding="utf-8"))]
    text.append((CORPUS / "english.txt").read_text(encoding="utf-8"))
    return set(re.findall(r"[a-z]+", " ".join(text).lower()))


def main() -> None:
    lexicon = json.loads(LEXICON.read_text(encoding="utf-8"))
    clash = content_words(lexicon) & taken_words()
    if clash:
        raise SystemExit(f"{LEXICON}: words already in the corpus or the research data: {sorted(clash)}")
    use_lexicon(lexicon)
    rng = random.Random(SEED)
    pairs, seen, counts = [], novel.taken(), Counter()
    for path in sorted(CORPUS.glob("*.json")):
        if path != OUT:
            seen |= {novel._key(s) for p in json.loads(path.read_text(encoding="utf-8")) for s in p.values()}
    for category, quota in novel.QUOTA.items():
        quota, tries = round(quota * SCALE), 0
        while counts[category] < quota and tries < quota * 50:
            tries += 1
            pair = novel.make(rng, category)
            if {novel._key(pair["original"]), novel._key(pair["bliss"])} & seen or len(pair["original"].split()) > 22:
                continue
            seen |= {novel._key(pair["original"]), novel._key(pair["bliss"])}
            pairs.append(pair)
            counts[category] += 1
    OUT.write_text(json.dumps(pairs, ensure_ascii=False, indent=1) + "\n", encoding="utf-8")
    markers = Counter(p["bliss"].split(":")[0] for p in pairs)
    print(f"wrote {len(pairs)} pairs to {OUT}: {dict(markers)}; {dict(counts)}")


if __name__ == "__main__":
    main()
