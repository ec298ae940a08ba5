"""Write src/babybliss/data/words/wordnet.tsv: the parts of speech and verb frames WordNet 3.0 gives the words of
wordfreq's large English list (docs/generator.md, "Vocabulary").

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


if __name__ == "__main__":
    main()
