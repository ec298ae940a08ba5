"""Everyday and less common English words for the sentence generator (docs/generator.md, "Vocabulary").

Word lists are data files beside this module (words/): WordNet 3.0's parts of speech and verb frames for the words
of wordfreq's large English list (wordnet.tsv, written by scripts/write_word_lists.py), given names from many
languages (names.txt) and the held-out lexicon of the `rare` evaluation set (rare.json), none of whose words the
generator uses. Open classes come from wordfreq's list and from every BCI-AV gloss of the symbols lexicon, kept to
words that `lemminflect` knows as a lemma of that part of speech (it also makes their forms); verbs and the frames
they take (an object, a particle, none) come from WordNet's first sense and from the project's corpora as spaCy
parses them. Closed classes (pronouns, people, prepositions, time words) are in generator.py.
"""

from __future__ import annotations

import json
from collections import Counter, defaultdict
from dataclasses import dataclass, replace
from functools import lru_cache
from importlib import resources

from babybliss.grammar.lexicon import (ARTICLES, AUXILIARIES, MATERIALS, NOT_ADJECTIVES, QUANTIFIERS, TIME_NOUNS,
                                      noun_modifiers)

FREQUENT_WORDS = 400_000
"""How far down wordfreq's large English list (most frequent first) the open classes are taken from."""
UNSUITABLE = frozenset(
    "sex porn penis vagina nigger fuck shit rape anal nude dick cock pussy whore slut bitch cum boob boobs tit "
    "gay lesbian drug cocaine heroin suicide murder terrorist nazi hitler jesus god allah bible rapist threesome "
    "pedophile slave slavery hooker stripper orgasm masturbation genocide corpse".split()
)
"""A few frequent words kept out of everyday example sentences (and any word containing one of them)."""
NOT_FRAMED = frozenset("go get let say tell think know seem become rain end break crowd start enjoy like love want need "
                       "hope plan decide try be have do".split())
"""Verbs whose complements are clauses, infinitives, gerunds or idioms, or that need `it` as subject; the generator
writes complement verbs with their own templates."""
TRANSITIVE_FRAMES = frozenset({8, 11, 21, 31})
"""WordNet verb frames with a thing as object: `Somebody ----s something` (8), `Something ----s something` (11),
`Somebody ----s something PP` (21), `Somebody ----s something with something` (31)."""
INTRANSITIVE_FRAMES = frozenset({2, 22})
"""WordNet verb frames with a person and no object: `Somebody ----s` (2), `Somebody ----s PP` (22)."""


@dataclass(frozen=True)
class Verb:
    """A verb with its forms and a frame it takes."""

    base: str
    third: str
    past: str
    participle: str
    ing: str
    transitive: bool
    particle: str = ""


@dataclass(frozen=True)
class Vocabulary:
    nouns: tuple[tuple[str, str], ...]
    """(singular, plural); a compound is two words (`ice cream`, `ice creams`)."""
    adjectives: tuple[str, ...]
    adverbs: tuple[str, ...]
    verbs: tuple[Verb, ...]
    names: tuple[str, ...] = ()
    modifiers: tuple[str, ...] = ()
    """Colour and material nouns (§6 of docs/conceptual-bliss.md): before a noun they are its adjectives, written
    after it in Bliss (`the bamboo fence` -> `fence bamboo`)."""

    def lemmas(self) -> set[str]:
        return ({n for n, _ in self.nouns} | set(self.adjectives) | set(self.adverbs) | {v.base for v in self.verbs}
                | set(self.names) | set(self.modifiers))


def _words_file(name: str):
    return resources.files("babybliss.data") / "words" / name


@lru_cache(maxsize=1)
def wordnet() -> dict[str, dict[str, tuple[int, ...]]]:
    """word -> {part of speech: the first sense's verb frames (empty for the other parts of speech)}."""
    table: dict[str, dict[str, tuple[int, ...]]] = defaultdict(dict)
    for line in _words_file("wordnet.tsv").read_text(encoding="utf-8").splitlines():
        word, pos, frames = line.split("\t")
        table[word][pos] = tuple(int(f) for f in frames.split(",") if f)
    return dict(table)


def names() -> list[str]:
    rows = _words_file("names.txt").read_text(encoding="utf-8").splitlines()
    return [row.split("\t")[0] for row in rows if row and not row.startswith("#")]


@lru_cache(maxsize=1)
def rare_lexicon() -> dict:
    """The `rare` evaluation set's lexicon (words/rare.json; scripts/write_rare.py writes the set from it)."""
    return json.loads(_words_file("rare.json").read_text(encoding="utf-8"))


def lexicon_words(lexicon: dict) -> set[str]:
    """Every open-class word of a rare-style lexicon (words/rare.json's shape), lower case, in every form it is
    written in."""
    words = set()
    for key in ("names", "places", "person_adjectives", "adverbs", "copula_adjectives", "other_words"):
        words |= {w.lower() for w in lexicon[key]}
    words |= {w for pair in lexicon["people"].items() for w in pair}
    for verb, forms in lexicon["verbs"].items():
        words |= {verb, *forms[:4]}
    for verb, forms in lexicon["intransitive"].items():
        words |= {verb, *forms[:3]}
    for phrasal, forms in lexicon["phrasal"].items():
        words |= {phrasal.split()[0], *forms[:3]}
    for noun, (plural, adjectives, _) in lexicon["things"].items():
        words |= {noun, plural, *adjectives}
    return words


def held_out_words() -> frozenset[str]:
    """Every word of the rare lexicon, lower case, in every form it is written in: the generator uses none."""
    return frozenset(lexicon_words(rare_lexicon()))


def bci_glosses() -> dict[str, set[str]]:
    """Single-word BCI-AV glosses by class (thing, action, description), the words a Bliss user can pick."""
    from babybliss.symbols.lexicon import load_lexicon

    out: dict[str, set[str]] = defaultdict(set)
    for word, classes in load_lexicon()["words"].items():
        if word.isascii() and word.isalpha() and word.islower():
            for name in classes:
                out[name].add(word)
    return out


def inflect(word: str, tag: str) -> str:
    from lemminflect import getInflection

    forms = getInflection(word, tag)
    return forms[0] if forms else ""


def _lemma_of(word: str, pos: str) -> bool:
    from lemminflect import getAllLemmas

    return getAllLemmas(word).get(pos, ("",))[0] == word


def _compound(words: str) -> bool:
    """An open compound of two nouns (`ice cream`, `bicycle wheel`), neither an adjective or an adverb."""
    from lemminflect import getAllLemmas

    return all(len(w) > 2 and _lemma_of(w, "NOUN") and not {"ADJ", "ADV"} & set(getAllLemmas(w)) for w in words.split())


def _suitable(word: str) -> bool:
    return not any(bad in word for bad in UNSUITABLE)


@lru_cache(maxsize=None)
def vocabulary(limit: int | None = None) -> Vocabulary:
    """The generator's words, most frequent first; `limit` keeps the `limit` most frequent lemmas of all classes."""
    from lemminflect import getAllLemmas
    from wordfreq import top_n_list

    from spacy.lang.en.stop_words import STOP_WORDS

    table, bci, held = wordnet(), bci_glosses(), held_out_words() | STOP_WORDS
    ranked = [w for w in top_n_list("en", FREQUENT_WORDS, wordlist="large") if w.isascii() and w.isalpha()]
    order = {w: i for i, w in enumerate(ranked)}
    order.update({w: i + len(ranked) for i, w in enumerate(sorted(set().union(*bci.values()) - set(order)))})
    compounds = [w for w, pos in table.items() if " " in w and "noun" in pos]
    for w in sorted(compounds, key=lambda c: max(order.get(p, len(order)) for p in c.split())):
        order.setdefault(w, len(order))
    closed = ARTICLES | AUXILIARIES | QUANTIFIERS | TIME_NOUNS | MATERIALS | NOT_ADJECTIVES
    modifiers = {w: (order.get(w, len(order)), w) for w in noun_modifiers() - held
                 if w.isalpha() and w.islower() and len(w) > 2}
    nouns, adjectives, adverbs = {}, {}, {}
    for w, rank in order.items():
        if w in closed or w in held or len(w) < 3 or not w.islower() or not _suitable(w):
            continue
        pos = table.get(w, {})
        last = w.split()[-1]
        lemmas = getAllLemmas(last)
        if " " in w and (not _compound(w) or w.split()[0] in modifiers):
            continue
        if ("noun" in pos or w in bci["thing"]) and (_lemma_of(last, "NOUN") or not lemmas and "noun" in pos) \
                and not {"ADJ", "ADV"} & set(lemmas):
            plural = inflect(last, "NNS")
            if plural and plural != last and plural.isalpha() and plural not in held:
                nouns[w] = (rank, (w, w.rsplit(" ", 1)[0] + " " + plural if " " in w else plural))
        elif " " in w:
            continue
        elif ("adj" in pos or w in bci["description"]) and _lemma_of(w, "ADJ") and not {"VERB", "ADV"} & set(lemmas) \
                and not w.endswith(("ing", "ed", "er", "est")):
            adjectives[w] = (rank, w)
        elif ("adv" in pos or w in bci["description"]) and w.endswith("ly") and set(lemmas) == {"ADV"}:
            adverbs[w] = (rank, w)
    verbs = _verbs(order, frozenset(held))
    people = [(order.get(n.lower(), len(order)), n) for n in names() if n.lower() not in held]
    pools = {"nouns": nouns, "adjectives": adjectives, "adverbs": adverbs, "modifiers": modifiers,
             "verbs": {v.base: (order.get(v.base, len(order)), v) for v in verbs}}
    if limit is not None:  # each class keeps its most frequent words, in proportion to its size
        total = sum(len(pool) for pool in pools.values()) + len(people)
        share = min(1.0, limit / total)
        pools = {k: dict(sorted(pool.items(), key=lambda item: item[1][0])[: max(10, round(len(pool) * share))])
                 for k, pool in pools.items()}
        people = sorted(people)[: max(10, round(len(people) * share))]
    chosen = {k: [value for _, value in sorted(pool.values(), key=lambda rv: rv[0])] for k, pool in pools.items()}
    kept = {v.base for v in chosen["verbs"]}
    return Vocabulary(tuple(chosen["nouns"]), tuple(chosen["adjectives"]), tuple(chosen["adverbs"]),
                      tuple(v for v in verbs if v.base in kept), tuple(n for _, n in people),
                      tuple(chosen["modifiers"]))


def _forms(lemma: str) -> list[str]:
    return [inflect(lemma, tag) for tag in ("VBZ", "VBD", "VBN", "VBG")]


def wordnet_verbs(held: frozenset[str] = frozenset()) -> list[Verb]:
    """The verbs of words/wordnet.tsv with the frames of their first sense: one Verb per frame they take."""
    from lemminflect import getAllLemmas

    verbs = []
    for word, pos in wordnet().items():
        frames = set(pos.get("verb", ()))
        base, _, particle = word.partition(" ")
        if not frames or base in held or base in NOT_FRAMED or not base.islower() or not _lemma_of(base, "VERB") \
                or not _suitable(base) or " " in particle:
            continue
        forms = _forms(base)
        if not all(forms) or not all(f.isalpha() for f in forms) or held & set(forms):
            continue
        if {"ADJ", "ADV"} & set(getAllLemmas(base)):
            continue
        if frames & TRANSITIVE_FRAMES:
            verbs.append(Verb(base, *forms, transitive=True, particle=particle))
        if frames & INTRANSITIVE_FRAMES and not particle:
            verbs.append(Verb(base, *forms, transitive=False))
    return verbs


def _verbs(order: dict[str, int], held: frozenset[str]) -> list[Verb]:
    """The corpus verbs (their frames as the corpora use them) and WordNet's other verbs, most frequent first."""
    corpus = corpus_verbs()
    seen = {v.base for v in corpus}
    verbs = corpus + [v for v in wordnet_verbs(held) if v.base not in seen]
    return sorted(verbs, key=lambda v: order.get(v.base, len(order)))


def frame_agreement() -> dict[str, float | int]:
    """How often WordNet's first-sense frames agree with the corpora's spaCy parses on the corpus verbs' frames
    (transitive or not, and each particle): the check of the frames of the verbs the corpora do not hold."""
    corpus = corpus_verbs()
    table = wordnet()
    simple = [v for v in corpus if not v.particle and v.base in table and table[v.base].get("verb")]
    agree = sum(bool(set(table[v.base]["verb"]) & (TRANSITIVE_FRAMES if v.transitive else INTRANSITIVE_FRAMES))
                for v in simple)
    phrasal = [v for v in corpus if v.particle]
    listed = sum(f"{v.base} {v.particle}" in table for v in phrasal)
    return {"verbs": len(simple), "frame_agrees": agree, "agreement": round(agree / max(1, len(simple)), 3),
            "phrasal": len(phrasal), "phrasal_in_wordnet": listed}


def corpus_verbs(min_count: int = 2) -> list[Verb]:
    """The verbs of the shipped corpora (pairs.json, english.txt) with their frames, read from spaCy's parse."""
    return list(_corpus_verbs(min_count))


@lru_cache(maxsize=None)
def _corpus_verbs(min_count: int) -> tuple[Verb, ...]:
    from babybliss.data.pairs import builtin_path, english_path, load_pairs
    from babybliss.grammar.nlp import parse

    sentences = [p["original"] for p in load_pairs(builtin_path())[0]]
    sentences += english_path().read_text(encoding="utf-8").splitlines()
    seen, objects, particles = Counter(), Counter(), defaultdict(Counter)
    for doc in parse(sentences):
        for t in doc:
            if t.pos_ != "VERB" or not t.lemma_.isalpha() or not t.lemma_.islower() or t.lemma_ in AUXILIARIES:
                continue
            seen[t.lemma_] += 1
            deps = {c.dep_ for c in t.children}
            objects[t.lemma_] += "dobj" in deps
            for c in t.children:
                if c.dep_ == "prt":
                    particles[t.lemma_][c.lower_] += 1
    held = held_out_words()
    verbs = []
    for lemma, count in sorted(seen.items()):
        if count < min_count or lemma in NOT_FRAMED or lemma in held or not _lemma_of(lemma, "VERB"):
            continue
        forms = _forms(lemma)
        if not all(forms) or held & set(forms):
            continue
        verbs.append(Verb(lemma, *forms, transitive=objects[lemma] * 2 >= count))
        for particle, n in particles[lemma].items():
            if n >= min_count:
                verbs.append(Verb(lemma, *forms, transitive=True, particle=particle))
    return tuple(verbs)
