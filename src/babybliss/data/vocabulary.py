"""Everyday English words for the sentence generator (docs/generator.md).

Open classes (nouns, adjectives, adverbs) come from `wordfreq`'s English frequency list, kept to words that
`lemminflect`'s lexicon knows in one part of speech only, as their own lemma, so that spaCy's parse of a generated
sentence has one reading; `lemminflect` also makes their forms (plurals, past tenses, participles). Verbs with the
frames they take (an object, a particle, none) are read from the project's own corpora by spaCy's parse. Only
closed classes (pronouns, people, names, prepositions, time words) are written here.
"""

from __future__ import annotations

from collections import Counter, defaultdict
from dataclasses import dataclass
from functools import lru_cache

from babybliss.grammar.lexicon import (
    ARTICLES,
    AUXILIARIES,
    MATERIALS,
    NOT_ADJECTIVES,
    QUANTIFIERS,
    TIME_NOUNS,
    adjective_word,
    known_verb,
    nouns as spacy_nouns,
)

FREQUENT_WORDS = 60_000
"""How far down wordfreq's English list (most frequent first) the open classes are taken from."""
NOUNS, ADJECTIVES, ADVERBS = 2600, 900, 160
UNSUITABLE = frozenset(
    "sex porn penis vagina nigger fuck shit rape anal nude dick cock pussy whore slut bitch cum boob boobs tit "
    "gay lesbian drug cocaine heroin suicide murder terrorist nazi hitler jesus god allah bible rapist threesome "
    "pedophile slave slavery hooker stripper orgasm masturbation genocide corpse".split()
)
"""A few frequent words kept out of everyday example sentences."""
ABSTRACT_ENDINGS = ("tion", "sion", "ment", "ity", "ness", "ism", "ence", "ance", "ship", "logy", "acy", "ics", "ure",
                    "ical", "ional", "ative", "istic", "ual", "ory")
"""Word endings of abstract nouns and learned adjectives, left out to keep to the everyday register."""
NOT_FRAMED = frozenset("go get let say tell think know seem become rain end break crowd start enjoy like love want need "
                       "hope plan decide try".split())
"""Corpus verbs whose complements are clauses, infinitives, gerunds or idioms, or that need `it` as subject; the
generator writes complement verbs with their own templates."""


@dataclass(frozen=True)
class Verb:
    """A verb with its forms and the frames it was seen with in the corpora."""

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
    """(singular, plural)."""
    adjectives: tuple[str, ...]
    adverbs: tuple[str, ...]
    verbs: tuple[Verb, ...]

    def lemmas(self) -> set[str]:
        return {n for n, _ in self.nouns} | set(self.adjectives) | set(self.adverbs) | {v.base for v in self.verbs}


def _only(word: str, pos: str) -> bool:
    """lemminflect knows `word` as a lemma of `pos` and in no other part of speech."""
    from lemminflect import getAllLemmas

    lemmas = getAllLemmas(word)
    return set(lemmas) == {pos} and lemmas[pos][0] == word


def _candidates() -> list[str]:
    from wordfreq import top_n_list

    return [w for w in top_n_list("en", FREQUENT_WORDS) if w.isascii() and w.isalpha() and w.islower() and len(w) > 2
            and w not in UNSUITABLE and not w.endswith(ABSTRACT_ENDINGS)]


def inflect(word: str, tag: str) -> str:
    from lemminflect import getInflection

    forms = getInflection(word, tag)
    return forms[0] if forms else ""


@lru_cache(maxsize=1)
def vocabulary() -> Vocabulary:
    """The generator's words: the most frequent unambiguous nouns, adjectives and -ly adverbs, and the corpus verbs."""
    words = _candidates()
    closed = ARTICLES | AUXILIARIES | QUANTIFIERS | TIME_NOUNS | MATERIALS | NOT_ADJECTIVES
    known_nouns = spacy_nouns()
    nouns, adjectives, adverbs = [], [], []
    for w in words:
        if w in closed:
            continue
        if len(nouns) < NOUNS and _only(w, "NOUN") and w in known_nouns and not adjective_word(w) and not known_verb(w):
            plural = inflect(w, "NNS")
            if plural and plural != w and plural.isalpha():
                nouns.append((w, plural))
        elif (len(adjectives) < ADJECTIVES and _only(w, "ADJ") and adjective_word(w) and not known_verb(w)
              and not w.endswith(("ing", "ed", "er", "est"))):
            adjectives.append(w)
        elif len(adverbs) < ADVERBS and w.endswith("ly") and _only(w, "ADV"):
            adverbs.append(w)
    return Vocabulary(tuple(nouns), tuple(adjectives), tuple(adverbs), tuple(corpus_verbs()))


def _only_verb_lemma(word: str) -> bool:
    from lemminflect import getAllLemmas

    return getAllLemmas(word).get("VERB", ("",))[0] == word


def corpus_verbs(min_count: int = 2) -> list[Verb]:
    """The verbs of the shipped corpora (pairs.json, english.txt) with their frames, read from spaCy's parse."""
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
    verbs = []
    for lemma, count in sorted(seen.items()):
        if count < min_count or lemma in NOT_FRAMED or not _only_verb_lemma(lemma):
            continue
        forms = [inflect(lemma, tag) for tag in ("VBZ", "VBD", "VBN", "VBG")]
        if not all(forms):
            continue
        transitive = objects[lemma] * 2 >= count
        verbs.append(Verb(lemma, *forms, transitive=transitive))
        for particle, n in particles[lemma].items():
            if n >= min_count:
                verbs.append(Verb(lemma, *forms, transitive=True, particle=particle))
    return verbs
