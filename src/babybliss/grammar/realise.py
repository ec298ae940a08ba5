"""Conceptual Bliss -> English by rule: docs/conceptual-bliss.md read backwards, a baseline and fallback beside a model.

A Bliss sentence is read clause by clause: an optional conjunction and wh-word, a subject noun phrase, the verb group
(`not`/`never`, a modal, `be`, the base verb, its particle and adverbs), then objects, places and time phrases until the
next clause. Each part is written back in English: the tense from the marker on the verb group (`past:` -> `painted`,
`did not paint`; `future:` -> `will paint`; `present progressive:` -> `is painting`), agreement with the subject, an
article before a common noun, adjectives back in front of their noun, `'s` after a possessor name, `week last` ->
`last week`, `now` -> `right now` at the end, frequency adverbs before the verb and other adverbs after the object,
questions with their auxiliary fronted. What Bliss dropped (numbers, `every` vs `this`, `will` vs `going to`, which
article) cannot come back; the realiser picks the commonest reading.

Rows as a Bliss user composes them leave small words out (docs/compose-set.md); the realiser puts them back by
construction: `be` between a subject and an adjective or a closing place (`I tired` -> `I am tired`) and in a
progressive row without it, `to` after `go`/`come`/`listen` before a noun (`go bed` -> `go to bed`, not `home`), `to`
after `want`/`need` before a verb with its object and `a` before a lone noun (`want hug` -> `want a hug`), `is` and `?`
after a leading wh-word (`where doctor` -> `Where is the doctor?`), no `a` before a mass noun (`want water`,
words/mass_nouns.txt), a parent word alone as a name (`where father` -> `Where is Father?`), `be` before an adjective
after a personal pronoun alone (`I warm` -> `I am warm`), no article before a place adverb after a verb of motion
(`go downstairs`).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from functools import lru_cache
from importlib import resources

from babybliss.grammar.lexicon import (
    BARE_PLACES,
    KIN_NAMES,
    PERSONAL_PRONOUNS,
    POSSESSIVES,
    TIME_NOUNS,
    TIME_WORDS,
    adjective_word,
    adverbs,
    known_verb,
)
from babybliss.grammar.notation import END_MARKS, normalize_space, split_sentences, tense_marker

SUBJECT_PRONOUNS = frozenset({"i", "nobody", "everybody", "somebody", "someone", "everyone"}) | PERSONAL_PRONOUNS
OBJECT_PRONOUNS = frozenset({"me", "him", "her", "us", "them", "it", "you", "nobody", "everything", "something",
                             "mine", "yours", "hers", "ours", "theirs", "anything", "nothing", "everyone"})
DETERMINERS = POSSESSIVES | {"many", "more", "own", "some", "any", "much", "few", "other", "several", "all", "no",
                             "every", "this", "that", "these", "those", "each", "both"}
NUMBERS = frozenset("one two three four five six seven eight nine ten eleven twelve twenty hundred".split())
DEMONSTRATIVES = frozenset({"this", "that", "these", "those"})
CLOCK = "o'clock"
POLITE = "please"
USED_TO = "used to"
"""The past habit, kept in the Bliss body before its verb like a modal (docs/conceptual-bliss.md §16)."""
MODALS = frozenset({"can", "should", "must", "may"})
NEGATIONS = frozenset({"not", "never"})
CONJUNCTIONS = frozenset({"and", "but", "because", "when", "after", "before", "while", "if", "although", "until", "so",
                          "or"})
SUBORDINATORS = frozenset({"because", "when", "after", "before", "while", "if", "although", "until"})
WH_WORDS = frozenset({"what", "who", "where", "when", "why", "how", "which"})
PREPOSITIONS = frozenset(
    "in on at to from with for near behind under beside by during through along over into onto across around about "
    "without inside outside between below above against towards toward past of off up down than".split()
)
PARTICLES = frozenset({"up", "down", "away", "off", "out", "back", "on", "in", "over"})
ALWAYS_PARTICLES = frozenset({"up", "down", "away", "off", "out", "back"})
FREQUENCY = frozenset({"always", "often", "usually", "sometimes", "never", "rarely", "seldom"})
BARE_ADVERBS = frozenset({"early", "late", "hard", "well", "again", "yet", "together", "inside", "outside",
                          "immediately", "soon", "fast", "home", "there", "here", "too", "later", "away"})
DEGREE = frozenset({"very", "too", "so", "quite", "really"})
DAYS = frozenset({"monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday"})
ALL_TIMES = frozenset({"night", "day"})
PARTS_OF_DAY = frozenset({"morning", "afternoon", "evening"})
LINKING = frozenset({"feel", "smell", "look", "seem", "sound", "taste", "become", "stay", "get", "turn", "grow"})
"""Verbs whose complement is an adjective, as after `be` (`The soup smells spicy`)."""
MOTION = frozenset({"go", "come", "walk", "run", "drive", "travel", "fly", "move", "return", "get", "swim"})
TO_PLACE = frozenset({"go", "come", "listen"})
"""Verbs whose place or object takes `to` (`go to bed`, `listen to music`), which a composed row may leave out."""
MEALS = frozenset({"breakfast", "lunch", "dinner", "supper", "brunch"})
"""Nouns English leaves without an article as an object too (`We eat lunch`)."""
GO_ACTIVITIES = frozenset("swim fish run ski skate dance camp hike sail surf jog bowl hunt climb ride walk cycle "
                          "sledge paddle kayak row canoe golf sightsee shop".split())
"""After `go`, the nouns that are activities (`go swimming`, `go shopping` as the corpus reads it), not places
(`go to the park`)."""
INFINITIVE_HEADS = frozenset({"want", "need"})
"""Verbs whose verb object takes `to` (`want to go`) and whose noun object an indefinite article (`want a hug`)."""
BARE = "@"
"""Marks a time phrase whose `every`/`this`/`all` Bliss dropped (`Tuesday`, `morning`)."""


def _time_english(text: str, tense: str) -> str:
    """`Tuesday` -> `every Tuesday` in the present; `morning` -> `this morning`, `night` -> `all night` otherwise."""
    if not text.startswith(BARE):
        return text
    text = text[len(BARE) :]
    first = text.split()[0].lower()
    if tense == "present":
        return text if first.endswith("s") and first.rstrip("s") in DAYS else f"every {text}"
    if first in DAYS:
        return f"on {text}"
    return f"all {text}" if first in ALL_TIMES else f"this {text}"


@lru_cache(maxsize=4096)
def _lemmas(word: str) -> dict:
    from lemminflect import getAllLemmas

    return dict(getAllLemmas(word))


def _inflect(base: str, tag: str) -> str:
    from lemminflect import getInflection

    if not base:
        return base
    if base == "be":
        return {"VBD": "was", "VBZ": "is", "VBG": "being", "VBN": "been"}.get(tag, "be")
    forms = getInflection(base, tag)
    return forms[0] if forms else base


def _is_number(word: str) -> bool:
    """A number word or a written number or clock time (`three`, `12`, `8:30`)."""
    return word.lower() in NUMBERS or bool(word) and word.replace(":", "").replace(".", "").isdigit()


def _is_name(word: str) -> bool:
    return word[:1].isupper() and word.lower() not in SUBJECT_PRONOUNS and word != "I"


def _can_verb(word: str) -> bool:
    """A Bliss verb is a base form: a verb lemma, and not the plural of a noun (`telescopes`)."""
    w = word.lower()
    if _is_name(word) or not w or w in DETERMINERS | PREPOSITIONS:
        return False
    lemmas = _lemmas(w)
    if lemmas.get("NOUN", (w,))[0] != w:
        return False
    return known_verb(w) or lemmas.get("VERB", ("",))[0] == w


def _only_verb(word: str) -> bool:
    lemmas = _lemmas(word.lower())
    return _can_verb(word) and "NOUN" not in lemmas and "ADJ" not in lemmas


CLOSED = DETERMINERS | PREPOSITIONS | MODALS | NEGATIONS | CONJUNCTIONS | WH_WORDS | SUBJECT_PRONOUNS | OBJECT_PRONOUNS


def _is_adjective(word: str) -> bool:
    w = word.lower()
    if _is_name(word) or w in CLOSED or _is_number(w) or w in TIME_NOUNS \
            or w in ("be", "to", "now", "go", "used", CLOCK) or w in _gerund_heads():
        return False
    lemmas = _lemmas(w)
    # a participle (`chipped`): Bliss writes every verb in its base form (§3), so an inflected one describes a noun
    participle = w.endswith(("ed", "en")) and lemmas.get("VERB", (w,))[0] != w
    return adjective_word(w) or participle or "ADJ" in lemmas and (set(lemmas) <= {"ADJ", "ADV"} or not _can_verb(w))


def _is_adverb(word: str) -> bool:
    w = word.lower()
    if w in FREQUENCY or w in BARE_ADVERBS or w == "now":
        return True
    return w.endswith("ly") and _lexicon_adverb(w) and "ADJ" not in _lemmas(w)


def _lexicon_adverb(word: str) -> bool:
    """An adverb in lemminflect's lexicon or in WordNet's (`wearily` is only in the second)."""
    return "ADV" in _lemmas(word) or word in adverbs() and not adjective_word(word)


def _weaker_verb(word: str, than: str) -> bool:
    """`milliner trim bonnet`: `bonnet` is a verb only in WordNet's index, `trim` one in lemminflect's lexicon too, so
    `trim` is the verb (an inflected `bonnet` would be no English word)."""
    return "VERB" not in _lemmas(word.lower()) and "VERB" in _lemmas(than.lower())


def _is_time(word: str) -> bool:
    w = word.lower()
    return w in TIME_WORDS or w in TIME_NOUNS or w in DAYS or w.rstrip("s") in DAYS or w in ("next", "last")


def _plural(word: str) -> bool:
    w = word.lower()
    if _is_name(word) or w in ("we", "they", "you", "i", "these", "those"):
        return w in ("we", "they", "you", "these", "those")
    lemma = _lemmas(w).get("NOUN", (w,))[0]
    return lemma != w or w in ("people", "children", "sheep")


def _article(word: str) -> str:
    return "an" if word[:1].lower() in "aeio" else "a"


@lru_cache(maxsize=1)
def mass_nouns() -> frozenset[str]:
    """Nouns English counts as a mass (words/mass_nouns.txt): `I want water`, not `a water`."""
    text = (resources.files("babybliss.grammar") / "words" / "mass_nouns.txt").read_text(encoding="utf-8")
    return frozenset(line.strip() for line in text.splitlines() if line.strip() and not line.startswith("#"))


def _indefinite(phrase: "_Phrase") -> str:
    """`a`/`an` before a phrase that takes the indefinite article, none before a mass noun (`I need help`)."""
    if phrase.head.lower() in mass_nouns() and not phrase.coordinated:
        return ""
    return _article((phrase.adjectives or phrase.nouns)[0])


# --- reading a clause ------------------------------------------------------------------------------------------------


@dataclass
class _Phrase:
    """A noun phrase: determiner or possessor, nouns, adjectives (with degree words), in Bliss order."""

    determiner: str = ""
    possessor: str = ""
    nouns: list[str] = field(default_factory=list)
    adjectives: list[str] = field(default_factory=list)
    coordinated: list[_Phrase] = field(default_factory=list)

    @property
    def head(self) -> str:
        return self.nouns[-1] if self.nouns else ""

    def plural(self) -> bool:
        return bool(self.coordinated) or _plural(self.head)

    def person(self) -> str:
        head = self.head.lower()
        if self.coordinated or self.plural():
            return "pl"
        return {"i": "1", "you": "pl"}.get(head, "3")

    def english(self, article: str = "the", bare_plural: bool = False) -> str:
        """The phrase in English order; `bare_plural`: a plural without a determiner takes no article (an object)."""
        head = self.head
        words: list[str] = []
        if self.possessor:
            words.append(self.possessor + "'s")
        elif self.determiner:
            words.append(self.determiner)
        elif head.lower() in SUBJECT_PRONOUNS | OBJECT_PRONOUNS | DETERMINERS | NUMBERS and len(self.nouns) == 1:
            words.append("I" if head.lower() == "i" else head.lower())  # a pronoun: `this`, `mine`, `three`
            return " ".join(words)
        elif _family_name(self):
            words.append(head.capitalize())  # `Father helps me`, `Where is Grandmother?`: a parent named as a name
            return " ".join([*words, *(f"and {other.english(article)}" for other in self.coordinated)])
        elif self.nouns[-1].lower() == CLOCK or _is_number(self.nouns[0]):
            pass  # a clock time or a counted noun takes no article: `three o'clock`, `12 eggs`
        elif not _is_name(self.nouns[0]) and (not _is_time(head) or head in PARTS_OF_DAY) and article and not (article == "the" and self.plural() and bare_plural):
            words += filter(None, [_indefinite(self) if article == "a" else article])
        nouns = [n if _is_name(n) else n.lower() for n in self.nouns]
        if len(nouns) > 1 and nouns[0] in KIN:
            words.append(nouns.pop(0) + "'s")
        words += self.adjectives
        words += nouns
        text = " ".join(words)
        for other in self.coordinated:
            text += " and " + other.english(article)
        return text


@dataclass
class _Clause:
    conjunction: str = ""
    wh: list[str] = field(default_factory=list)
    subject: _Phrase | None = None
    negation: str = ""
    modal: str = ""
    be: bool = False
    verb: str = ""
    particle: str = ""
    complement_verb: str = ""  # `enjoy paint` -> painting; `want to buy` keeps its `to` in `rest`
    adverbs: list[str] = field(default_factory=list)
    rest: list[str] = field(default_factory=list)
    """English words after the verb group: objects, places, the predicate of `be`."""
    times: list[str] = field(default_factory=list)


class _Reader:
    def __init__(self, words: list[str], progressive: bool = False, imperative: bool = False):
        self.words, self.i, self.progressive, self.imperative = words, 0, progressive, imperative

    def peek(self, offset: int = 0) -> str:
        j = self.i + offset
        return self.words[j] if j < len(self.words) else ""

    def low(self, offset: int = 0) -> str:
        return self.peek(offset).lower()

    def done(self) -> bool:
        return self.i >= len(self.words)

    def take(self) -> str:
        self.i += 1
        return self.words[self.i - 1]

    # noun phrases

    def phrase(self, subject: bool = False, stop_at_subject: bool = False) -> _Phrase:
        p = _Phrase()
        word = self.peek()
        if word.lower() in SUBJECT_PRONOUNS | OBJECT_PRONOUNS and not (
            word.lower() in ("her", "his") and self._nounish(1)
        ):
            p.nouns.append(self.take())
            return p
        if word.lower() in DETERMINERS | NUMBERS:
            p.determiner = self.take().lower()
            if self.low() in NUMBERS:
                p.determiner += " " + self.take().lower()
            if not self._nounish(0) or _is_time(self.peek()):  # `this be ...`: the determiner alone
                p.nouns.append(p.determiner)
                p.determiner = ""
                return p
        elif _is_name(word) and self._possessor():
            p.possessor = self.take()
        while not self.done() and (not p.nouns or self._nounish(0) and not self._verb_follows(0, subject)):
            if p.nouns and (_is_adjective(self.peek()) or self.low() in DEGREE):
                break
            if p.nouns and not _is_name(self.peek()) and _is_name(p.nouns[-1]):
                break
            p.nouns.append(self.take())
            if self.done() or not self._nounish(0) or _is_time(self.peek()) or _is_name(self.peek()):
                break
            following = self.peek()
            if not (_only_noun(following) or not subject and "NOUN" in _lemmas(following.lower())
                    and not _is_adjective(following)):
                break
            if stop_at_subject and self._new_subject_here():
                break
        while not self.done() and (self.low() in DEGREE or _is_adjective(self.peek())):
            if self.low() in ("later", "soon"):  # adverbs of time, not `late` compared
                break
            if self.low() in DEGREE and not (_is_adjective(self.peek(1))):
                break
            if subject and _can_verb(self.peek()) and not self._adjective_run_then_verb():
                break
            p.adjectives.append(self.take().lower())
        if self.low() == "and" and subject and self._coordinated_subject():
            self.take()
            p.coordinated.append(self.phrase(subject=True))
        return p

    def _demonstrative_alone(self, subject: _Phrase) -> bool:
        """`that smell good`: no verb group after `that smell`, so `that` is the subject and `smell` its verb."""
        return subject.determiner in DEMONSTRATIVES and len(subject.nouns) == 1 and _can_verb(subject.head) \
            and not self.starts_group()

    def _possessor(self) -> bool:
        """A name before a common noun that is not the verb: `Ingeborg godmother sew` (but `Haruto hide teapot`)."""
        following = self.peek(1)
        if not following or _is_name(following) or not self._nounish(1) or _is_time(following):
            return False
        if not _can_verb(following):
            return True
        if following.lower() in _gerund_heads() or following.lower() in ("go", "be"):
            return False
        j = 2
        while self.peek(j) and (_is_adjective(self.peek(j)) or self.low(j) in DEGREE) and not _can_verb(self.peek(j)):
            j += 1
        after = self.low(j)
        if after in NEGATIONS | MODALS or after == "be" or _only_verb(self.peek(j)):
            return True
        agent = following.lower().endswith(("er", "or", "ist", "ian"))  # `Ottilie potter stack ...`, not `Jonah catch bus`
        return agent and _can_verb(self.peek(2)) and not _is_adjective(self.peek(3))

    def _used_to(self, offset: int) -> bool:
        return self.low(offset) in ("used", "use") and self.low(offset + 1) == "to" and _can_verb(self.peek(offset + 2))

    def _nounish(self, offset: int) -> bool:
        word = self.peek(offset)
        w = word.lower()
        if self._used_to(offset):
            return False
        if not word or w in NEGATIONS | MODALS | CONJUNCTIONS | PREPOSITIONS | WH_WORDS | DEGREE or w in ("be", "to"):
            return False
        if w in TIME_WORDS or w in ("next", "last", "now"):  # `want water now`: `now` is no noun of `water`
            return False
        return True

    def _verb_follows(self, offset: int, subject: bool) -> bool:
        """In subject position: the word at `offset` is the verb (a verb only, or a verb before an object)."""
        if not subject:
            return False
        word = self.peek(offset)
        return _only_verb(word) and offset > 0 and not _is_name(word)

    def _adjective_run_then_verb(self) -> bool:
        """After a subject's noun: is the adjective-or-verb word here an adjective (a verb still follows)?"""
        j = 1
        while self.peek(j) and (_is_adjective(self.peek(j)) or self.low(j) in DEGREE) and not _only_verb(self.peek(j)):
            j += 1
        following = self.low(j)
        return following in NEGATIONS | MODALS or following == "be" or _can_verb(self.peek(j)) and not _weaker_verb(
            self.peek(j), self.peek())

    def _noun_before_group(self) -> bool:
        """`what butcher be tow`: a word that could be a verb, followed by the verb group (`be`, `not`, a modal), is
        the subject after the wh-word, not the verb."""
        return self.low(1) in NEGATIONS | MODALS or self.low(1) == "be"

    def _coordinated_subject(self) -> bool:
        j = 1
        while self.peek(j) and self._nounish(j) and not _only_verb(self.peek(j)):
            j += 1
            if _can_verb(self.peek(j)) or self.low(j) in NEGATIONS | MODALS | {"be"}:
                return j > 1
        return False

    # clauses

    def starts_group(self, offset: int = 0) -> bool:
        w = self.low(offset)
        return w in NEGATIONS | MODALS or w == "be" or _can_verb(self.peek(offset)) and not _is_adjective(self.peek(offset))

    def clause(self, fronted_subordinate: bool, imperative: bool = False) -> _Clause:
        c = _Clause()
        if self.low() in CONJUNCTIONS:
            c.conjunction = self.take().lower()
            if c.conjunction == "as" and self.low() == "soon":
                c.conjunction = " ".join([c.conjunction, self.take(), self.take()])
        elif self.low() == "as" and self.low(1) == "soon" and self.low(2) == "as":
            c.conjunction = " ".join([self.take(), self.take(), self.take()]).lower()
        if self.low() in WH_WORDS and not (c.conjunction and self.low() == "when"):
            c.wh.append(self.take().lower())
            if c.wh[0] in ("what", "which", "how") and self.low() in ("time", "often", "long", "many", "much"):
                c.wh.append(self.take().lower())
        asks_subject = c.wh[:1] in (["who"], ["what"]) and _can_verb(self.peek()) and not _only_noun(self.peek()) \
            and not self._noun_before_group()
        command = imperative and (self.low() in ("please", "just", "let's") or _can_verb(self.peek()))
        if command and self.low() in ("please", "just"):
            c.adverbs.append(self.take().lower())
        shared = c.conjunction in ("and", "but", "or") and self.shared_subject()
        if not (self.low() in NEGATIONS | MODALS or self.low() == "be" or _only_verb(self.peek()) or asks_subject
                or command or shared):
            start = self.i
            c.subject = self.phrase(subject=True)
            if self._demonstrative_alone(c.subject):
                self.i = start + 1
                c.subject = _Phrase(nouns=[self.words[start].lower()])
        while self.low() in NEGATIONS:
            c.negation = self.take().lower()
        if self.low() in MODALS:
            c.modal = self.take().lower()
        elif self._used_to(0):
            c.modal = USED_TO
            self.i += 2
        while self.low() in NEGATIONS:
            c.negation = self.take().lower()
        if self.low() in FREQUENCY:
            c.adverbs.append(self.take().lower())
        if c.subject is not None and (self._left_out_be(c.subject) or c.wh == ["where"] and self._only_times_from(0)):
            c.be = True  # `I tired`, `nurse happy`, `mother in kitchen`: a composed row left `be` out
        elif self.low() == "be":
            self.take()
            c.be = True
            if self.progressive and _can_verb(self.peek()):
                c.verb = self.take().lower()
        elif _can_verb(self.peek()) and not self.done():
            c.verb = self.take().lower()
            # `present progressive:I call friend`: a composed row left out the sentence's only `be`
            c.be = self.progressive and not c.modal and "be" not in (w.lower() for w in self.words)
        if c.verb:
            self._after_verb(c)
        self._rest(c, fronted_subordinate)
        return c

    def _left_out_be(self, subject: _Phrase) -> bool:
        """After a subject, no verb group but a predicate: an adjective (or the subject's own trailing adjectives,
        nothing after them but a time), or a place. Moves the trailing adjectives back to the predicate."""
        if self.low() in NEGATIONS | MODALS or self.low() == "be":
            return False
        if subject.adjectives and not subject.coordinated and self._only_times_from(0):
            self.i -= len(subject.adjectives)
            subject.adjectives = []
            return True
        j = 0
        while self.low(j) in DEGREE:
            j += 1
        # a word that can also be a base-form verb is the verb (`this hurt`): Bliss writes verbs in the base form
        word = self.low(j)
        base_verb = _predicate_verb(word) and not _feeling_of_a_person(subject, word)
        if word and _is_adjective(word) and not base_verb and self._only_times_from(j + 1):
            return True
        # a place: a preposition and one noun (or `here`/`there`) ending the row, times aside (`mother in kitchen`)
        place = self.low() in PREPOSITIONS - {"of", "than"} and self.peek(1) and self._only_times_from(2)
        return bool(place) or self.low() in ("here", "there") and self._only_times_from(1)

    def _only_times_from(self, offset: int) -> bool:
        return all(_is_time(w) or w.lower() in ("now", "next", "last") for w in self.words[self.i + offset:])

    def _after_verb(self, c: _Clause) -> None:
        if self.low() in ALWAYS_PARTICLES or self.low() in PARTICLES and f"{c.verb}_{self.low()}" in _phrasal():
            c.particle = self.take().lower()
        while self.low() in DEGREE and _is_adverb(self.peek(1)) or _is_adverb(self.peek()) and self.low() not in (
            "home", "there", "here", "away", "too", "now"
        ):
            c.adverbs.append(self.take().lower())
        place = c.verb in TO_PLACE and "NOUN" in _lemmas(self.low()) and self.low() not in GO_ACTIVITIES
        if c.verb in _gerund_heads() and _can_verb(self.peek()) and not _is_name(self.peek()) and not c.particle \
                and not place:
            if not _only_noun(self.peek()) and self.low(1) != "of":
                c.complement_verb = self.take().lower()
                if self.low() in ALWAYS_PARTICLES:
                    c.complement_verb += " " + self.take().lower()

    def _rest(self, c: _Clause, fronted_subordinate: bool) -> None:
        predicate = c.be and not c.verb or c.verb in LINKING
        while not self.done():
            w = self.low()
            if w in CONJUNCTIONS and w != "and" or w == "as" and self.low(1) == "soon":
                return
            if w == "and" and self._clause_follows(1):
                return
            after_preposition = bool(c.rest) and c.rest[-1] in PREPOSITIONS
            if fronted_subordinate and not predicate and not after_preposition and self._new_subject_here():
                return
            if fronted_subordinate and predicate and c.rest and self._new_subject_here():
                return
            if w == "and" or w == "please":
                c.rest.append(self.take().lower())
                continue
            if predicate and not c.rest and (_is_adjective(self.peek()) or w in DEGREE):
                while not self.done() and (_is_adjective(self.peek()) or self.low() in DEGREE or self.low() == "and"):
                    if self.low() == "and" and not _is_adjective(self.peek(1)):
                        break
                    c.rest.append(self.take().lower())
                continue
            if w == "now":
                self.take()
                # the rules put `now` in the adverb slot before objects; after one it is a composed row's `now`
                c.times.append("now" if c.rest else "right now")
                continue
            if _is_time(self.peek()) and not (c.rest and c.rest[-1] in PREPOSITIONS):
                c.times.append(self._time())
                continue
            if _is_adverb(self.peek()) and w not in ("home", "there", "here", "outside", "inside") or w in DEGREE and _is_adverb(self.peek(1)):
                c.adverbs.append(self.take().lower())
                continue
            motion = c.verb in MOTION
            last_verb = c.rest[-1] if c.rest[-2:-1] == ["to"] else "" if c.rest else c.verb
            if last_verb in TO_PLACE and w not in PREPOSITIONS | {"home", "here", "there"} and self._nounish(0) \
                    and not _is_adjective(self.peek()):
                c.rest.append("to")  # `go bed`, `listen music`: a composed row left `to` out
                if self.low() in BARE_PLACES:
                    c.rest.append(self.take().lower())
                    continue
            if (w in ("home", "here", "there") or _bare_place(w)) and last_verb in MOTION:
                c.rest.append(self.take().lower())
                continue
            if not c.rest and c.verb in INFINITIVE_HEADS and w != "to" and _can_verb(self.peek()) \
                    and self._nounish(1) and not self._only_times_from(1) and not _is_adjective(self.peek(1)):
                c.rest += ["to", self.take().lower()]  # `want go church`, `want write letter`: `to` left out
                continue
            infinitive = w == "to" and _can_verb(self.peek(1)) and (not c.rest and not motion or _only_verb(self.peek(1)))
            if infinitive:
                c.rest.append(self.take().lower())
                c.rest.append(self.take().lower())
                if self.low() in ALWAYS_PARTICLES:
                    c.rest.append(self.take().lower())
                continue
            if w in PREPOSITIONS:
                c.rest.append(self.take().lower())
                if self.low() in BARE_PLACES:
                    c.rest.append(self.take().lower())
                continue
            if w == "who" or w == "that":
                c.rest.append(self.take().lower())
                relative = self.clause(False)
                c.rest.append(_clause_english(relative, "present", question=False, relative=True))
                continue
            phrase = self.phrase(stop_at_subject=fronted_subordinate)
            if not phrase.nouns:
                c.rest.append(self.take())
                continue
            after_preposition = c.rest and c.rest[-1] in PREPOSITIONS
            article = "a" if predicate and not c.rest and not phrase.plural() else "" if predicate and not c.rest else "the"
            if not c.rest and c.verb in INFINITIVE_HEADS and not phrase.plural():
                article = "a"  # `want hug`: a thing wanted, `I want a hug`
            if phrase.head.lower() in MEALS and not phrase.adjectives:
                article = ""  # `eat lunch`, `cook dinner`
            if after_preposition and _is_name(phrase.nouns[0]):
                article = ""
            # a bare plural object keeps no article, unless it is a command's (`Open the blinds`: without the
            # article `open` reads as an adjective)
            bare = not after_preposition and not self.imperative
            if c.rest and _is_name(c.rest[-1].split()[-1]) and _family_name(phrase):
                phrase.determiner = article  # `Mara grandfather`: a name's kin, not a second name
            c.rest.append(phrase.english(article, bare_plural=bare))

    def _time(self) -> str:
        first = self.take()
        words = [first if _is_name(first) else first.lower()]
        while not self.done() and (_is_time(self.peek()) and self.low() not in TIME_WORDS or self.low() in ("next", "last")):
            word = self.take()
            words.append(word if _is_name(word) else word.lower())
        adjectives = []
        while not self.done() and _is_adjective(self.peek()) and self.low() not in ("next", "last"):
            adjectives.append(self.take().lower())
        words = [words[0], *adjectives, *words[1:]] if not adjectives else [*adjectives, *words]
        if words[-1] in ("next", "last"):
            words = [words[-1], *words[:-1]]
        elif words[0] not in TIME_WORDS:
            return BARE + " ".join(words)  # `every`, `this` or `all` was dropped: the tense picks one back
        return " ".join(words)

    def shared_subject(self) -> bool:
        """After `and`/`but`: a verb with its object or place and no subject of its own (`... and jump in puddles`)."""
        if not _can_verb(self.peek()) or _only_noun(self.peek()):
            return False
        following = self.low(1)
        if not following or following in DETERMINERS | PREPOSITIONS | PARTICLES | OBJECT_PRONOUNS:
            return True
        return self._nounish(1) and not _is_adjective(self.peek(1)) and not _can_verb(self.peek(1))

    def _clause_follows(self, offset: int) -> bool:
        """After `and`: a verb group (a shared subject) or a noun phrase with a verb group of its own."""
        save = self.i
        self.i += offset
        try:
            if self.starts_group() and not self._nounish(0) or _only_verb(self.peek()):
                return True
            if self.shared_subject():
                return True
            if not self._nounish(0) and self.low() not in SUBJECT_PRONOUNS:
                return False
            self.phrase(subject=True)
            return self.low() in NEGATIONS | MODALS or self.low() == "be" or _can_verb(self.peek())
        finally:
            self.i = save

    def _new_subject_here(self) -> bool:
        if not (self._nounish(0) or self.low() in SUBJECT_PRONOUNS):
            return False
        save = self.i
        try:
            self.phrase(subject=True)
            return self.low() in NEGATIONS | MODALS or self.low() == "be" or (
                _can_verb(self.peek()) and not _is_adjective(self.peek())
            )
        finally:
            self.i = save


def _bare_place(word: str) -> bool:
    """A place English says without an article after a verb of motion (`go downstairs`, `go upstairs`, `travel
    abroad`): a word that can be an adverb, not a manner adverb in -ly, a preposition, a particle or a word of
    time or degree."""
    return "ADV" in _lemmas(word) and not word.endswith("ly") and not _is_adverb(word) \
        and word not in DEGREE | PREPOSITIONS | PARTICLES | CLOSED and not _is_time(word)


def _family_name(phrase: "_Phrase") -> bool:
    """A parent or grandparent word alone (no determiner, possessor or adjective: `father`, `grandma`): English names
    one's own by the word as a name (`Father`), never `the father`."""
    return len(phrase.nouns) == 1 and not phrase.adjectives and phrase.head.lower() in FAMILY_NAMES


def _feeling_of_a_person(subject: "_Phrase", word: str) -> bool:
    """`I warm`, `we calm`: after a personal pronoun and nothing else, an adjective that is a verb too reads as how
    the person is (`I am warm`); a verb alone says nothing of a person (`I warm` what?). Not after a thing
    (`this hurt` -> `This hurts`)."""
    pronoun = len(subject.nouns) == 1 and subject.head.lower() in SUBJECT_PRONOUNS - {"it"}
    return pronoun and not subject.adjectives and adjective_word(word) and "ADJ" in _lemmas(word)


def _predicate_verb(word: str) -> bool:
    """After a subject, an adjective that is a verb too is read as the verb (`this hurt` -> `This hurts`) only where
    spaCy's verb tables know it: lemminflect gives nearly every adjective a verb reading (`hot` -> `hots`)."""
    return known_verb(word) and _lemmas(word).get("VERB", ("",))[0] == word


def _only_noun(word: str) -> bool:
    lemmas = _lemmas(word.lower())
    return _is_name(word) or set(lemmas) == {"NOUN"}


@lru_cache(maxsize=1)
def _phrasal() -> frozenset[str]:
    from babybliss.grammar.lexicon import PHRASAL_VERBS

    return PHRASAL_VERBS


@lru_cache(maxsize=1)
def _gerund_heads() -> frozenset[str]:
    from babybliss.grammar.lexicon import GERUND_HEADS

    return GERUND_HEADS


# --- writing a clause ------------------------------------------------------------------------------------------------


FAMILY_NAMES = KIN_NAMES | {"mother", "father", "grandmother", "grandfather"}
"""Family words that name a person as a name does (`Mother`, `Grandpa`): the same person with a capital or
without (evaluation.acceptable compares them so)."""

KIN = frozenset("mother father sister brother aunt uncle cousin niece nephew grandmother grandfather grandma grandpa son "
                "daughter wife husband friend neighbor neighbour teacher boss mum mom dad".split())
"""People nouns that, before another noun, are its possessor (`my sister car` -> `my sister's car`)."""

CONDITIONAL_MODALS = {"can": "could", "may": "may", "must": "must", "should": "should"}


def _verb_forms(c: _Clause, tense: str, person: str) -> tuple[str, list[str]]:
    """(the finite auxiliary a question fronts, the rest of the verb group) for the clause in `tense`."""
    third = person == "3"
    negative = c.negation == "not"
    never = ["never"] if c.negation == "never" else []
    frequency = [a for a in c.adverbs if a in FREQUENCY]
    pre = never + frequency
    verb = c.verb
    particle = [c.particle] if c.particle else []
    nots = ["not"] * negative
    ing = [_inflect(verb, "VBG"), *particle] if verb else []
    if tense == "phrase":
        return "", [*nots, *pre, verb, *particle]
    if tense == "imperative":
        head = ["do", "not"] if negative else []
        return "", [*head, *pre, verb or "be" if c.be or not verb else verb, *particle] if not (c.be and verb) else [
            *head, *pre, "be", *ing]
    if tense in ("conditional", "future conditional", "past conditional"):
        modal = CONDITIONAL_MODALS.get(c.modal, "would")
        if tense == "past conditional":
            participle = _inflect(verb, "VBN") if verb and not c.be else "been"
            return modal, [*nots, *pre, "have", participle, *(ing if c.be and verb else particle)]
        main = ["be", *ing] if c.be else [verb, *particle]
        return modal, [*nots, *pre, *main]
    if c.modal == USED_TO:
        return "did", [*nots, *pre, "use to", verb or "be", *particle]
    if c.modal:
        return c.modal, [*nots, *pre, verb or "be", *particle]
    if tense == "future progressive" or tense == "future" and c.be:
        return "will", [*nots, *pre, "be", *ing]
    if tense == "past progressive" or c.be:
        past = tense in ("past", "past progressive")
        return _be(person, past), [*nots, *pre, *ing]
    if tense == "present progressive" and verb:
        return _be(person, False), [*nots, *pre, *ing]
    if tense == "future":
        return "will", [*nots, *pre, verb, *particle]
    if tense == "past":
        if negative:
            return "did", ["not", *pre, verb, *particle]
        return "did", [*pre, _inflect(verb, "VBD") if verb != "used" else verb, *particle]
    if negative:
        return ("does" if third else "do"), ["not", *pre, verb, *particle]
    return ("does" if third else "do"), [*pre, _inflect(verb, "VBZ") if third else verb, *particle]


def _be(person: str, past: bool) -> str:
    if past:
        return "was" if person in ("1", "3") else "were"
    return {"1": "am", "3": "is"}.get(person, "are")


def _clause_english(c: _Clause, tense: str, question: bool, relative: bool = False, person: str | None = None) -> str:
    subject = c.subject.english("the") if c.subject else ""
    person = person or (c.subject.person() if c.subject else "3")
    aux, group = _verb_forms(c, tense, person)
    complement = []
    if c.complement_verb:
        first, *particle = c.complement_verb.split()
        complement = [_inflect(first, "VBG"), *particle]
    manner = [a for a in c.adverbs if a not in FREQUENCY]
    tail = [*c.rest, *manner, *(_time_english(t, tense) for t in c.times)]
    if question and c.subject is not None:
        if aux == "will" and c.verb and (c.wh or c.conjunction == "when"):  # `When is Tamsin going to rehearse?`: `when will Tamsin` parses as a name lost
            aux = _be(person, False)
            nots = group[:1] == ["not"]
            group = [*group[:nots], "going", "to", *group[nots:]]
        if aux in ("do", "does", "did"):
            group = [w for w in group]
            if tense == "past" and c.negation != "not" and not c.be:
                group = [_base(w) if i == len(group) - 1 - bool(c.particle) else w for i, w in enumerate(group)]
            if tense == "present" and c.negation != "not" and not c.be:
                group = [_base(w) if i == len(group) - 1 - bool(c.particle) else w for i, w in enumerate(group)]
        words = [*c.wh, aux, subject, *group, *complement, *tail]
    else:
        finite = [] if aux in ("do", "does", "did") and c.negation != "not" and not c.modal else [aux]
        if c.be and not c.modal and tense != "future":
            finite = [aux]
        if c.modal == USED_TO:
            finite = ["did"] if c.negation == "not" else []
            group = [USED_TO if w == "use to" and c.negation != "not" else w for w in group]
        elif c.modal and tense not in ("conditional", "future conditional", "past conditional"):
            finite = [c.modal]
            if c.negation == "not":
                group = group[1:] if group[:1] == ["not"] else group
                finite = ["cannot"] if c.modal == "can" else [c.modal, "not"]
        words = [*c.wh, subject, *finite, *group, *complement, *tail]
    return " ".join(w for w in words if w)


@lru_cache(maxsize=4096)
def _base(word: str) -> str:
    from lemminflect import getLemma

    lemmas = getLemma(word, "VERB")
    return lemmas[0] if lemmas else word


def realise(bliss: str) -> str:
    """A Conceptual Bliss text in English, sentence by sentence (a best reading; '' when it has no marker)."""
    return " ".join(filter(None, (_sentence(sentence) for sentence in split_sentences(bliss))))


def _sentence(bliss: str) -> str:
    text = normalize_space(bliss)
    marker = tense_marker(text)
    if marker is None:
        return ""
    body = text.partition(":")[2].strip()
    end = body[-1] if body[-1:] in END_MARKS else "."
    question = end == "?"
    words = body.rstrip(".?!").split()
    polite_first = len(words) > 1 and words[0].lower() == POLITE
    polite_last = len(words) > 1 and words[-1].lower() == POLITE and not polite_first
    words = words[1:] if polite_first else words[:-1] if polite_last else words
    if not words:
        return ""
    if marker == "phrase":
        english = _polite(" ".join(words), polite_first, polite_last)
        return english[0].upper() + english[1:] + end
    if words[:2] == ["let", "us"] and len(words) > 2:
        rest = _sentence(f"imperative:{' '.join(words[2:])}{end}")
        return f"Let's {rest[0].lower()}{rest[1:]}"
    if composed_question(text):
        end, question = "?", True  # `where doctor`: a wh-word first is a question, its `?` left out
    reader = _Reader(words, progressive=marker.endswith("progressive"), imperative=marker == "imperative")
    clauses: list[_Clause] = []
    fronted = reader.low() in SUBORDINATORS or reader.low() == "as"
    while not reader.done():
        start = reader.i
        clauses.append(reader.clause(fronted and not clauses, imperative=marker == "imperative" and not clauses))
        if reader.i == start:
            reader.take()
    parts = []
    main_index = 1 if fronted and len(clauses) > 1 else 0
    for n, c in enumerate(clauses):
        tense = marker
        subordinate = n != main_index and c.conjunction in SUBORDINATORS | {"as soon as"}
        if subordinate and marker in ("future", "future progressive", "future conditional", "conditional", "imperative"):
            tense = "present"
        elif subordinate and marker in ("past progressive", "past conditional"):
            tense = "past"
        elif marker == "imperative" and n != main_index and c.subject is not None:
            tense = "present"
        if marker.endswith("progressive") and not (c.be and c.verb):
            tense = "past" if marker.startswith("past") else "future" if marker.startswith("future") else "present"
        person = None
        if c.subject is None and n > 0 and clauses[n - 1].subject is not None:
            person = clauses[n - 1].subject.person()
        english = _clause_english(c, tense, question and n == main_index, person=person)
        if c.conjunction:
            english = f"{c.conjunction} {english}"
        if fronted and n == 0 and len(clauses) > 1:
            english += ","
        parts.append(english)
    sentence = _polite(" ".join(parts), polite_first, polite_last)
    sentence = sentence[0].upper() + sentence[1:]
    return sentence + end


def composed_question(bliss: str) -> bool:
    """A Bliss sentence composed on the page as a question, its `?` left out (the page ends every row with a full
    stop): a wh-word first (not `when`, which opens a clause too), a full stop, no conjunction (`where doctor.`)."""
    body = normalize_space(bliss).partition(":")[2]
    words = body.rstrip(".?!").lower().split()
    words = words[1:] if words[:1] == [POLITE] else words[:-1] if words[-1:] == [POLITE] else words
    return body.endswith(".") and bool(words) and words[0] in WH_WORDS - {"when"} \
        and not any(w in CONJUNCTIONS for w in words)


def _polite(english: str, first: bool, last: bool) -> str:
    """`please` where the Bliss put it: `Please close the door`, `Pass the salt, please` (the comma: without it
    `please` reads as part of the object)."""
    return f"please {english}" if first else f"{english}, please" if last else english


def to_english(blisses: Sequence[str]) -> list[str]:
    """One English sentence per Bliss sentence, in order."""
    return [realise(b) for b in blisses]
