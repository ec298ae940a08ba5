"""Write src/babybliss/data/corpus/compose.json: the `compose` evaluation set (Conceptual Bliss -> English).

Rows as a Bliss user composes them on the page: content words in Bliss order after a tense marker, the small words
(articles, `be`, `to`, `do`, `my`) often left out — `present:I want drink.`, `present:mother come home.` — each with
the English sentences that read it (`acceptable`; the first is the row's `original`). Shapes and words are data
files beside this script (compose/templates.toml, compose/words.toml); every Bliss word must be a symbol the page
can find. No Bliss side and no `original` is in the corpus, the novel or everyday set or (when it lies beside the
checkout) the research data. Seeded; run from the repository root:

    PYTHONPATH=src python scripts/write_compose.py
"""

from __future__ import annotations

import itertools
import json
import random
import re
import sys
import tomllib
from collections import Counter
from pathlib import Path

SEED = 2828
HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
CORPUS = ROOT / "src" / "babybliss" / "data" / "corpus"
OUT = CORPUS / "compose.json"
OTHERS = [CORPUS / "pairs.json", CORPUS / "novel.json", CORPUS / "everyday.json", ROOT.parent / "shared" / "bliss.json"]
"""Sets the compose set shares no Bliss sentence and no `original` with (the research data when it lies beside)."""
SLOT = re.compile(r"\{(\w+)\.(\w+)\}")
DETERMINERS = ("My ", "The ", "A ")
"""A noun phrase written for the start of a sentence, lower-cased where it lands inside one."""


def taken() -> set[str]:
    """Both sides of every pair of the other sets, by the project's one sentence key."""
    from babybliss.data.pairs import sides

    english, bliss = sides([pair for path in OTHERS if path.is_file()
                            for pair in json.loads(path.read_text(encoding="utf-8"))])
    return english | bliss


def fill(pattern: str, words: dict[str, dict], capital: bool = True) -> list[str]:
    """Every sentence the pattern gives with these words (one per value of each list field), the first letter
    capitalised unless `capital` is false; [] when a named field is missing."""
    fields = SLOT.findall(pattern)
    values = []
    for slot, field in fields:
        value = words[slot].get(field)
        if value is None:
            return []
        values.append(value if isinstance(value, list) else [value])
    out = []
    for chosen in itertools.product(*values):
        parts = iter(chosen)

        def put(match: re.Match) -> str:
            value = next(parts)
            inside = match.start() > 0
            return value[0].lower() + value[1:] if inside and value.startswith(DETERMINERS) else value

        text = SLOT.sub(put, pattern)
        out.append(text[0].upper() + text[1:] if capital else text)
    return out


def rows_of(template: dict, lists: dict[str, list[dict]]) -> list[dict]:
    """Every row the template makes from the word lists: Bliss, its English sentences, kind."""
    names = list(template["slots"])
    out = []
    for chosen in itertools.product(*(lists[template["slots"][n]] for n in names)):
        words = dict(zip(names, chosen))
        bliss = fill(template["bliss"], words, capital=False)[0]
        english = [e for pattern in template["english"] for e in fill(pattern, words)]
        out.append({"bliss": bliss, "acceptable": list(dict.fromkeys(english)), "kind": template["kind"]})
    return out


def unknown_words(bliss: str) -> list[str]:
    """The row's words the page finds no symbol for (the symbols lexicon, as the page's search reads it)."""
    from babybliss.symbols.lexicon import senses

    words = bliss.split(":", 1)[1].rstrip(".").split()
    return [w for w in words if not senses(w)]


def main() -> None:
    rng = random.Random(SEED)
    lists = tomllib.loads((HERE / "compose" / "words.toml").read_text(encoding="utf-8"))
    templates = tomllib.loads((HERE / "compose" / "templates.toml").read_text(encoding="utf-8"))["template"]
    from babybliss.data.pairs import sentence_key as key

    seen = taken()
    rows = []
    for template in templates:
        made = rows_of(template, lists)
        rng.shuffle(made)
        kept = 0
        for row in made:
            if kept == template["quota"]:
                break
            if key(row["bliss"]) in seen:
                continue
            original = next((e for e in row["acceptable"] if key(e) not in seen), None)
            if original is None:
                continue
            missing = unknown_words(row["bliss"])
            if missing:
                sys.exit(f"{template['kind']}: {row['bliss']!r}: no symbol for {missing}; fix compose/words.toml")
            seen |= {key(row["bliss"]), key(original)}
            listed = [original] + [e for e in row["acceptable"] if e != original]
            rows.append({"original": original, "bliss": row["bliss"], "acceptable": listed, "kind": row["kind"]})
            kept += 1
    OUT.write_text(json.dumps(rows, ensure_ascii=False, indent=1) + "\n", encoding="utf-8")
    markers = Counter(r["bliss"].split(":")[0] for r in rows)
    print(f"wrote {len(rows)} rows to {OUT.relative_to(ROOT)}: {dict(markers)}")


if __name__ == "__main__":
    main()
