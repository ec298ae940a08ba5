"""Build the Bliss lexicon that babybliss ships (src/babybliss/symbols/lexicon/bliss-lexicon.json) from the two
public Blissymbol data files in shared/bliss-symbols/ (their README gives sources and licences).

    python scripts/build_bliss_lexicon.py --source ../shared/bliss-symbols

The output is derived from CC BY-SA data and is CC BY-SA itself: it stays in its own file, with NOTICE.md beside it.
The build is deterministic (no randomness: every choice is an ordered rule below), so the same inputs give the same
bytes; `--check` rebuilds in memory and fails when the shipped file differs.

Each English gloss of a BCI-AV word becomes a key (lower case; `wake_up` becomes `wake up`). A word's class comes
from the indicator its composition carries: action (B81) for verbs, description (B86) for adjectives and adverbs,
thing for everything else. For each (gloss, class) one BCI-AV ID is kept: current entries before ones marked OLD,
then the entry without a qualifier (`move` before `move_(change_position)`), then the entry that gives the gloss
first, then the lower ID. A few pronoun senses are chosen by hand (SENSES) where that order picks a gendered or
possessive form.
"""

from __future__ import annotations

import argparse
import json
import re
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
OUT = ROOT / "src" / "babybliss" / "symbols" / "lexicon" / "bliss-lexicon.json"

ATTRIBUTION = (
    "Blissymbolics resources based on BCI-AV, licensed under CC BY-SA. Based on work by Blissymbolics "
    "Communication International (BCI), available via www.blissymbolics.org."
)
BLISSARY_CREDIT = "Blissary ID map: Hannes Ljusås (Blissary), CC BY-SA 4.0."

ACTION, DESCRIPTION, THING, PERSONAL, POSSESSIVE = "action", "description", "thing", "personal", "possessive"

SENSES = {
    # pronouns as Bliss writes them: the plain (not gendered, not indefinite) person; object and possessive forms
    ("they", PERSONAL): 17713,
    ("them", PERSONAL): 17713,
    ("their", POSSESSIVE): 17701,
    ("theirs", POSSESSIVE): 17701,
    ("her", PERSONAL): 16949,
    ("her", POSSESSIVE): 14707,
    ("his", POSSESSIVE): 14716,
    ("him", PERSONAL): 14687,
    ("it", PERSONAL): 14960,
    ("its", POSSESSIVE): 14716,
    ("you", PERSONAL): 18465,
    ("your", POSSESSIVE): 18473,
    ("we", PERSONAL): 18212,
    ("us", PERSONAL): 18212,
    ("our", POSSESSIVE): 15941,
    ("my", POSSESSIVE): 15686,
    ("i", PERSONAL): 14916,
    ("me", PERSONAL): 14916,
    ("that", THING): 17697,  # that (there), not `who, that, which`
}
"""(word, pronoun class) -> BCI-AV ID, where the general order would pick another sense."""

SYNONYMS = {
    # everyday words BCI-AV glosses under another English word (American spellings, short forms)
    "bike": "bicycle", "phone": "telephone", "tv": "television", "café": "cafe", "color": "colour",
    "faucet": "tap", "pal": "friend", "wake": "wake up", "swam": "swim", "nap": "sleep", "relax": "rest",
    "college": "university", "novel": "book", "documentary": "film", "puzzle": "game", "yoga": "exercise",
    "marathon": "race", "reunion": "meeting", "opportunity": "chance", "talent": "ability", "skill": "ability",
    "portrait": "picture", "grandson": "grandchild", "dawn": "sunrise", "path": "way", "trail": "way",
    "scene": "scenery", "mist": "fog", "windowsill": "window", "bay": "sea", "mayor": "leader",
    "apprentice": "student", "seedling": "plant", "chapel": "church", "porcelain": "pottery", "velvet": "cloth",
    "marble": "stone", "oak": "tree", "pony": "horse", "plank": "board", "chisel": "tool", "sickle": "knife",
    "stack": "pile",
    # verbs
    "attend": "participate", "engage": "participate", "mow": "cut", "flourish": "grow", "soothe": "calm",
    "startle": "surprise", "gleam": "shine", "sweep": "brush", "pack": "bag", "repaint": "paint", "skate": "skating",
    "graduate": "finish", "varnish": "paint", "glaze": "paint", "stitch": "sew", "knead": "press", "rinse": "wash",
    "scrub": "wash", "grate": "grater", "shiver": "shake:action", "giggle": "laugh", "recite": "say", "enchant": "magic",
    # descriptions
    "cozy": "comfortable", "cosy": "comfortable", "ancient": "old", "rusty": "old", "enthusiastic": "eager",
    "passionate": "eager", "fierce": "strong", "efficient": "good", "leisurely": "slow", "grateful": "thank",
    "breathtaking": "beautiful", "picturesque": "beautiful", "spectacular": "wonderful", "majestic": "great",
    "memorable": "memory", "nostalgic": "memory", "refreshing": "fresh", "sizzling": "hot", "busy": "active",
    "bustling": "active", "crowded": "full", "diligent": "careful", "cautious": "careful", "festive": "festival",
    "nearby": "near", "ahead": "forward", "vast": "huge", "spacious": "big", "regular": "often", "savory": "tasty",
    "delectable": "delicious", "heartfelt": "honest", "merry": "happy", "fascinating": "interesting",
    "intriguing": "interesting", "lush": "green", "vigilant": "watchful", "radiant": "bright", "prompt": "quick",
    "swift": "quick", "brisk": "quick", "agile": "quick", "confident": "sure", "energetic": "energy",
    "celebratory": "celebration", "mischievous": "naughty", "gloomy": "sad", "grumpy": "angry", "romantic": "love",
    "beloved": "dear", "gentle": "soft", "fluffy": "soft", "messy": "dirty", "ripe": "ready", "crimson": "red",
    "immediately": "now", "yet": "still", "along": "beside", "as": "like", "crooked": "curve",
    "shy": "quiet", "squeak": "noise", "shaggy": "hair", "counter": "table", "harmonica": "musical instrument",
    "riddle": "joke", "drip": "drop", "blissful": "happy", "tidy": "clean:description", "forecast": "weather forecast",
    "sticky": "glue:thing", "spiky": "sharp", "nervous": "anxious",
}
"""word -> the BCI-AV gloss drawn for it (`gloss:class` takes that class only): words of the benchmark sets BCI-AV has no gloss for, each mapped to the
nearest meaning it has (docs/symbols-coverage.md lists what is still missed)."""

PUNCTUATION = {"!": 8483, "?": 8485, ".": 8486, ",": 8487, ":": 8488}
DIGITS = {str(d): 8496 + d for d in range(10)}
SINGLE_CHARACTER_IDS = range(8483, 12321)
"""BCI-AV IDs below 12321 are single characters (punctuation, digits, letters): never looked up as words."""


def split_glosses(text: str) -> list[str]:
    """`animal_(bovine,ovine),bovid` -> ['animal_(bovine,ovine)', 'bovid']: commas inside brackets stay; the comma
    symbol's gloss, a lone `,`, is the comma."""
    if text.strip() == ",":
        return [","]
    parts, depth, current = [], 0, ""
    for char in text:
        depth += (char == "(") - (char == ")")
        if char == "," and depth == 0:
            parts.append(current)
            current = ""
        else:
            current += char
    return [p for p in parts + [current] if p.strip()]


QUALIFIER = re.compile(r"[_-]?\(([^()]*)\)$")


def parse_gloss(gloss: str) -> tuple[str, list[str]]:
    """`move_(change_position)` -> ('move', ['change_position']); `I,me,myself-(feminine)`'s last -> ('myself',
    ['feminine']); `wake_up` -> ('wake up', [])."""
    qualifiers = []
    gloss = gloss.strip()
    while match := QUALIFIER.search(gloss):
        qualifiers.insert(0, match.group(1))
        gloss = gloss[: match.start()].rstrip()
    return gloss.replace("_", " ").strip(), qualifiers


def word_class(code: str) -> str:
    if re.search(r";B81\b", code):
        return ACTION
    if re.search(r";B86\b", code):
        return DESCRIPTION
    return THING


def current_notation(code: str) -> str:
    """The map's kerning `K:-2` is `RK:-2` (relative kerning) in bliss-svg-builder 1.0.0, which reports `K` as an
    unknown code."""
    return re.sub(r"(^|/)K:", r"\1RK:", code)


def read_sources(source: Path) -> tuple[dict[int, str], dict[int, str]]:
    glosses_path, map_path = source / "bci-av-glosses.tsv", source / "blissary-bci-map.json"
    glosses: dict[int, str] = {}
    for number, line in enumerate(glosses_path.read_text(encoding="utf-8").splitlines(), 1):
        if not line.strip():
            continue
        bci_id, tab, text = line.partition("\t")
        if not tab or not bci_id.isdigit():
            sys.exit(f"{glosses_path}: line {number}: expected `ID<TAB>glosses`, got {line!r}")
        glosses[int(bci_id)] = text
    codes: dict[int, str] = {}
    for index, row in enumerate(json.loads(map_path.read_text(encoding="utf-8"))):
        if not isinstance(row, dict) or not {"bciAvId", "blissSvgBuilderCode"} <= row.keys():
            sys.exit(f"{map_path}: entry {index}: expected bciAvId and blissSvgBuilderCode")
        if row["bciAvId"] is not None and row["blissSvgBuilderCode"]:
            codes.setdefault(int(row["bciAvId"]), current_notation(row["blissSvgBuilderCode"]))
    return glosses, codes


def build(source: Path) -> dict:
    glosses, codes = read_sources(source)
    symbols: dict[str, dict] = {}
    ranked: dict[tuple[str, str], tuple] = {}
    for bci_id in sorted(set(glosses) & set(codes)):
        text, code = glosses[bci_id], codes[bci_id]
        old = "(OLD)" in text
        parsed = [parse_gloss(g) for g in split_glosses(text)]
        symbols[str(bci_id)] = {"glosses": [g for g, _ in parsed], "code": code, **({"old": True} if old else {})}
        if bci_id in SINGLE_CHARACTER_IDS:
            continue
        kind = word_class(code)
        for position, (gloss, qualifiers) in enumerate(parsed):
            qualifiers = [q for q in qualifiers if q not in ("OLD", "s")]  # `glove(s)` is no other sense
            key = (gloss.lower(), kind)
            rank = (old, bool(qualifiers), position, bci_id)
            if key not in ranked or rank < ranked[key]:
                ranked[key] = rank
    words: dict[str, dict[str, int]] = {}
    for (gloss, kind), rank in sorted(ranked.items()):
        words.setdefault(gloss, {})[kind] = rank[-1]
    for (word, kind), bci_id in sorted(SENSES.items()):
        if str(bci_id) not in symbols:
            sys.exit(f"SENSES: {word}: BCI-AV {bci_id} is not in both source files")
        words.setdefault(word, {})[kind] = bci_id
    for word, target in sorted(SYNONYMS.items()):
        gloss, _, kind = target.partition(":")
        if gloss not in words or (kind and kind not in words[gloss]):
            sys.exit(f"SYNONYMS: {word}: {target!r} is no gloss")
        if word in words:
            sys.exit(f"SYNONYMS: {word} is a gloss itself")
        words[word] = {kind: words[gloss][kind]} if kind else dict(words[gloss])
    return {
        "licence": "CC BY-SA 4.0",
        "attribution": ATTRIBUTION,
        "credit": BLISSARY_CREDIT,
        "classes": {ACTION: "B81", DESCRIPTION: "B86", THING: None},
        "punctuation": PUNCTUATION,
        "digits": DIGITS,
        "synonyms": dict(sorted(SYNONYMS.items())),
        "words": words,
        "symbols": symbols,
    }


def serialise(lexicon: dict) -> str:
    return json.dumps(lexicon, ensure_ascii=False, separators=(",", ":"), sort_keys=False) + "\n"


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--source", type=Path, default=ROOT.parent / "shared" / "bliss-symbols",
                        help="folder with bci-av-glosses.tsv and blissary-bci-map.json")
    parser.add_argument("--out", type=Path, default=OUT)
    parser.add_argument("--check", action="store_true", help="fail when the shipped file differs from a rebuild")
    args = parser.parse_args()
    text = serialise(build(args.source))
    if args.check:
        same = args.out.is_file() and args.out.read_text(encoding="utf-8") == text
        print(f"{args.out}: {'up to date' if same else 'differs from a rebuild'}")
        return 0 if same else 1
    args.out.parent.mkdir(parents=True, exist_ok=True)
    tmp = args.out.with_suffix(".tmp")
    tmp.write_text(text, encoding="utf-8")
    tmp.replace(args.out)
    lexicon = json.loads(text)
    print(f"wrote {args.out}: {len(lexicon['symbols'])} symbols, {len(lexicon['words'])} words")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
