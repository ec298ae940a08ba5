"""Write src/babybliss/data/words/wordnet.tsv: the parts of speech and verb frames WordNet 3.0 gives the words of
wordfreq's large English list (docs/generator.md, "Vocabulary"); and src/babybliss/grammar/words/modifier_nouns.tsv:
the nouns whose first (most frequent) WordNet sense is a colour or a material, which the rule converter reads as
adjectives before a noun (`turquoise sailboat`, `bamboo birdhouse`; docs/conceptual-bliss.md §6).

Only lemmas WordNet spells in lower case somewhere (no proper names). One row per word and part of speech: `word <TAB> pos <TAB> frames`, pos one of noun, verb, adj, adv; for a verb,
the frame numbers of its most frequent sense (WordNet's first, from index.verb), e.g. `2,8,22`. Phrasal verbs are
WordNet's `verb_particle` collocations (`pick_up`), written `pick up`. Open two-word noun compounds (`ice_cream`) are
kept where both words are among wordfreq's 40 000 most frequent. Read from the WordNet database files (Debian's `wordnet-base` puts
them in /usr/share/wordnet):

    python scripts/write_word_lists.py --wordnet /usr/share/wordnet
"""

from __future__ import annotations

import argparse
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
OUT = ROOT / "src" / "babybliss" / "data" / "words" / "wordnet.tsv"
MODIFIER_NOUNS = ROOT / "src" / "babybliss" / "grammar" / "words" / "modifier_nouns.tsv"
FABRIC = "03309808"
MODIFIER_ROOTS = {
    "04956594": "colour",  # color, colour, coloring
    "14991712": "material",  # plant material (wood, bamboo, cork)
    "14662574": "material",  # mineral
    "14696793": "material",  # rock, stone (the material)
    "09416076": "material",  # rock, stone (the natural object; granite, basalt lie under it)
    FABRIC: "material",  # fabric, cloth, textile
    "14974264": "material",  # paper
    "14866889": "material",  # fiber
    "14755804": "material",  # animal material (leather, ivory)
    "14625458": "material",  # metallic element, metal
    "14586769": "material",  # alloy (steel, brass)
    "14786479": "material",  # building material (brick, concrete)
}
"""WordNet 3.0 noun synsets (offsets in data.noun) whose hyponyms are colours or materials: §6's last two adjective
classes."""
PIECE_OF_CLOTH = "03932670"
"""A thing made of fabric (`handkerchief`, `sail`): under fabric, but no material."""
PARTICLES = ("up", "down", "out", "off", "on", "in", "away", "back", "over", "around")
POS = {"noun": "n", "verb": "v", "adj": "a", "adv": "r"}


def first_frames(folder: Path) -> dict[str, list[int]]:
    """Verb lemma -> the frame numbers of its first (most frequent) sense."""
    frames_of: dict[str, dict[str, set[int]]] = {}
    for line in (folder / "data.verb").read_text(encoding="latin-1").splitlines():
        if line.startswith(" "):
            continue
        fields = line.split("|")[0].split()
        offset, count = fields[0], int(fields[3], 16)
        words = [fields[4 + 2 * i].lower() for i in range(count)]
        at = 4 + 2 * count
        at += 1 + 4 * int(fields[at])  # pointers
        found: dict[str, set[int]] = {}
        if at < len(fields):
            for i in range(int(fields[at])):
                _, number, word = fields[at + 1 + 3 * i : at + 4 + 3 * i]
                targets = words if word == "00" else [words[int(word, 16) - 1]]
                for w in targets:
                    found.setdefault(w, set()).add(int(number))
        frames_of[offset] = found
    first = {}
    for line in (folder / "index.verb").read_text(encoding="latin-1").splitlines():
        if line.startswith(" "):
            continue
        fields = line.split()
        lemma, synsets = fields[0], int(fields[2])
        offset = fields[-synsets]
        first[lemma] = sorted(frames_of.get(offset, {}).get(lemma, set()))
    return first


def lemmas(folder: Path, pos: str) -> list[str]:
    """The lemmas WordNet spells in lower case in at least one synset (so no proper names, no Latin genera)."""
    lower = set()
    for line in (folder / f"data.{pos}").read_text(encoding="latin-1").splitlines():
        if line.startswith(" "):
            continue
        fields = line.split()
        for i in range(int(fields[3], 16)):
            word = fields[4 + 2 * i].split("(")[0]
            if word == word.lower():
                lower.add(word)
    return [line.split()[0] for line in (folder / f"index.{pos}").read_text(encoding="latin-1").splitlines()
            if not line.startswith(" ") and line.split()[0] in lower]


def modifier_nouns(folder: Path, known: set[str], verbs: set[str]) -> dict[str, str]:
    """Lower-case nouns of four letters or more whose first (most frequent) sense lies under a MODIFIER_ROOTS synset,
    and that are no verb: word -> colour or material. The first sense must be a substance, a plant part or an
    attribute (WordNet's lexicographer files 27, 20, 07) or a fabric: things made of a material (`tombstone`,
    `cigarette`, `handkerchief`) are no material. (`felt` or `cork` are verbs too, and stay as spaCy reads them;
    chemical symbols such as `am` are too short.)"""
    hypernyms: dict[str, list[str]] = {}
    lexfile: dict[str, str] = {}
    for line in (folder / "data.noun").read_text(encoding="latin-1").splitlines():
        if line.startswith(" "):
            continue
        fields = line.split("|")[0].split()
        at = 4 + 2 * int(fields[3], 16)
        pointers = [fields[at + 1 + 4 * i : at + 5 + 4 * i] for i in range(int(fields[at]))]
        lexfile[fields[0]] = fields[1]
        hypernyms[fields[0]] = [offset for symbol, offset, pos, _ in pointers if symbol in ("@", "@i") and pos == "n"]

    def _under(offset: str, root: str, seen: set[str] | None = None) -> bool:
        seen = seen if seen is not None else set()
        seen.add(offset)
        return offset == root or any(_under(h, root, seen) for h in hypernyms.get(offset, []) if h not in seen)

    def kind(offset: str, seen: set[str]) -> str | None:
        if offset == PIECE_OF_CLOTH:
            return None
        if offset in MODIFIER_ROOTS:
            return MODIFIER_ROOTS[offset]
        seen.add(offset)
        found = [kind(h, seen) for h in hypernyms.get(offset, []) if h not in seen]
        return next((k for k in found if k), None)

    out = {}
    for line in (folder / "index.noun").read_text(encoding="latin-1").splitlines():
        fields = line.split()
        if line.startswith(" ") or not fields[0].isalpha() or fields[0] not in known or fields[0] in verbs:
            continue
        first = fields[-int(fields[2])]
        found = kind(first, set())
        substance = lexfile[first] in ("07", "20", "27") or found and lexfile[first] == "06" and _under(first, FABRIC)
        if len(fields[0]) >= 4 and found and substance:
            out[fields[0]] = found
    return out


def main() -> None:
    from wordfreq import top_n_list

    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--wordnet", required=True, help="the folder of WordNet 3.0's index.* and data.* files")
    args = parser.parse_args()
    folder = Path(args.wordnet)
    known = {w for w in top_n_list("en", 400_000, wordlist="large") if w.isascii() and w.isalpha()}
    common = set(top_n_list("en", 40_000))
    frames = first_frames(folder)
    rows = []
    for pos in POS:
        for lemma in lemmas(folder, pos):
            parts = lemma.split("_")
            if not all(p in known for p in parts):
                continue
            if len(parts) == 1:
                rows.append((lemma, pos, ",".join(map(str, frames.get(lemma, []))) if pos == "verb" else ""))
            elif len(parts) == 2 and pos == "verb" and parts[1] in PARTICLES:
                rows.append((" ".join(parts), pos, ",".join(map(str, frames.get(lemma, [])))))
            elif len(parts) == 2 and pos == "noun" and all(p in common for p in parts):
                rows.append((" ".join(parts), pos, ""))
    OUT.parent.mkdir(parents=True, exist_ok=True)
    OUT.write_text("".join(f"{w}\t{p}\t{f}\n" for w, p, f in sorted(rows)), encoding="utf-8")
    print(f"wrote {len(rows)} rows to {OUT}")
    modifiers = modifier_nouns(folder, known, set(lemmas(folder, "verb")))
    MODIFIER_NOUNS.parent.mkdir(parents=True, exist_ok=True)
    MODIFIER_NOUNS.write_text("".join(f"{w}\t{k}\n" for w, k in sorted(modifiers.items())), encoding="utf-8")
    print(f"wrote {len(modifiers)} rows to {MODIFIER_NOUNS}")


if __name__ == "__main__":
    main()
