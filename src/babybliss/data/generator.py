"""A seeded generator of everyday English sentences for rule-made training pairs (docs/generator.md).

Each sentence is built from a clause plan: a subject, a tense (docs/conceptual-bliss.md §2), a frame (an object, a
particle, a place, `be` with an adjective, a noun or a place, `there is`, `want to`, `enjoy -ing`), and optional
adverbs, numbers, possessives, adjectives and time phrases; a statement, a negation or a question; one to three
clauses joined by the conjunctions of §14; and the everyday forms of §16 (commands with `please`, `do not` or `let's`,
`would`/`could`/`might`, `would have`, `used to`, the past and future progressive), a tenth of them typed fast (§17).
Beside the English, the plan records the Bliss marker and the word runs the
Bliss body must hold (`coat old`, `week last`, `not be paint`), so a conversion by the rules can be checked against
what the sentence was built to say.
"""

from __future__ import annotations

import random
from dataclasses import dataclass, field, replace

from babybliss.data.vocabulary import Verb, Vocabulary

GENERATOR_VERSION = 5
"""Bump when the sentences change in a way the source hash would not show (it is part of the cache key too)."""

PEOPLE = ("mother", "father", "sister", "brother", "friend", "neighbour", "cousin", "aunt", "uncle", "teacher",
          "doctor", "nurse", "baker", "farmer", "driver", "student", "grandmother", "grandfather", "boss", "coach",
          "waiter", "pilot", "dentist", "gardener", "plumber", "artist", "singer", "child", "boy", "girl")
PRONOUNS = {  # subject: (object, person) with person 1, 2, 3 (singular) or "pl"
    "I": ("me", 1), "you": ("you", 2), "he": ("him", 3), "she": ("her", 3), "we": ("us", "pl"), "they": ("them", "pl"),
}
POSSESSIVE_DETERMINERS = ("my", "your", "his", "her", "our", "their")
PLACE_PREPOSITIONS = ("in", "on", "at", "near", "behind", "under", "beside")
NUMBERS = ("two", "three", "four", "five", "six", "ten", "twelve")
DAYS = ("Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday")
PERIODS = ("week", "month", "year", "summer", "winter", "weekend", "spring")
PARTS_OF_DAY = ("morning", "afternoon", "evening")
FREQUENCY = ("always", "often", "usually", "sometimes")
INFINITIVE_VERBS = ("want", "need", "plan", "decide", "hope", "try", "forget", "promise")
GERUND_VERBS = ("like", "love", "enjoy", "hate", "finish", "start", "stop")
TENSES = ("past", "present", "perfect", "will", "going", "progressive", "modal", "past progressive",
          "future progressive", "conditional", "past conditional", "used to")
TENSE_WEIGHTS = (14, 14, 8, 10, 8, 12, 10, 6, 4, 8, 3, 3)
MARKER = {"past": "past", "present": "present", "perfect": "past", "will": "future", "going": "future",
          "progressive": "present progressive", "modal": "present", "past progressive": "past progressive",
          "future progressive": "future progressive", "conditional": "conditional", "imperative": "imperative",
          "past conditional": "past conditional", "used to": "past"}
CONDITIONAL = {"would": "", "could": "can", "might": "may"}
"""docs/conceptual-bliss.md §16: `would` is carried by the marker alone, `could` is `can`, `might` is `may`."""
VOCATIVES = ("Mom", "Dad", "Grandma", "Grandpa")
"""Family words called like names, beside the vocabulary's given names."""
VOCATIVE_SHARE = 0.2
"""The share of questions and commands that call someone by name (§17)."""
TYPED_FAST_SHARE = 0.1
"""The share of sentences written as typed fast (`typed_fast`), as a share of the everyday set's messages are."""
FOLLOWERS = {  # conjunction: (tense of the joined clause given the main clause's, may come first)
    "and": False, "but": False, "because": False, "so": False,
    "when": True, "after": True, "before": True, "while": True, "if": True, "although": True, "until": False,
    "as soon as": True,
}


@dataclass
class Sentence:
    """One generated English sentence with the Bliss marker and the Bliss word runs its plan implies."""

    english: str
    marker: str
    fragments: tuple[str, ...] = ()
    vocative: str = ""
    """The name called (`Mom, can you ...?`, `... , Dad.`): its own `phrase:` sentence in Bliss (§17)."""
    vocative_first: bool = True
    question: bool = False
    """A yes/no question: its Bliss ends with `?` whether or not the English kept its question mark."""


@dataclass
class _Phrase:
    english: str
    bliss: str = ""
    person: object = 3


@dataclass
class _Clause:
    english: str
    fragments: list[str] = field(default_factory=list)
    question: bool = False
    parts: tuple[str, str, str] | None = None
    """(subject, verb group, the rest) of a statement clause, for turning it into a question."""


def _article(word: str) -> str:
    """`a`/`an` by the first letter; words whose sound the letter does not tell take `the`."""
    if word[0] in "hu" or word.startswith(("eu", "one", "uni")):
        return "the"
    return "an" if word[0] in "aeio" else "a"


class _Builder:
    def __init__(self, vocabulary: Vocabulary, rng: random.Random):
        self.v, self.rng = vocabulary, rng
        self.transitive = [verb for verb in vocabulary.verbs if verb.transitive and not verb.particle]
        self.phrasal = [verb for verb in vocabulary.verbs if verb.particle]
        self.intransitive = [verb for verb in vocabulary.verbs if not verb.transitive]
        self.names = vocabulary.names
        self.base_of = {}
        for verb in vocabulary.verbs:
            for form in (verb.base, verb.third, verb.past):
                self.base_of.setdefault(form, verb.base)

    def chance(self, p: float) -> bool:
        return self.rng.random() < p

    def pick(self, seq):
        return self.rng.choice(seq)

    def word(self, seq):
        """An open-class word: half the time one of the most frequent tenth (at least 300), else any."""
        if self.chance(0.5):
            return seq[self.rng.randrange(min(len(seq), max(300, len(seq) // 10)))]
        return self.rng.choice(seq)

    # --- noun phrases ---------------------------------------------------------------------------------------------------

    def adjectives(self) -> tuple[str, str]:
        """(English, Bliss) of zero, one or two adjectives (or `very` + one) for a noun."""
        roll = self.rng.random()
        if roll < 0.55:
            return "", ""
        if roll < 0.85:
            # a colour or material noun in a sixth of them, as everyday English uses them (`the wooden door`)
            adjective = self.word(self.v.modifiers if self.v.modifiers and roll < 0.60 else self.v.adjectives)
            return adjective, adjective
        if roll < 0.93:
            adjective = "very " + self.word(self.v.adjectives)
            return adjective, adjective
        first, second = self.rng.sample(self.v.adjectives, 2)
        return f"{first} {second}", f"{first} {second}"

    def thing(self, plural: bool | None = None, article: bool = True, indefinite: bool = False) -> _Phrase:
        """An object noun phrase: `the old coats`, `my red scarf`, `Amara's keys`, `two lamps`."""
        singular, plural_form = self.word(self.v.nouns)
        plural = self.chance(0.3) if plural is None else plural
        noun = plural_form if plural else singular
        english_adjectives, bliss_adjectives = self.adjectives()
        roll = self.rng.random()
        if indefinite:
            first = (english_adjectives or noun).split()[0]
            det = "" if plural else {"the": "a"}.get(_article(first), _article(first))
            english = f"{det} {english_adjectives} {noun}"
            bliss = f"{noun} {bliss_adjectives}"
        elif plural and roll < 0.12:
            number = self.pick(NUMBERS)
            english = f"{number} {english_adjectives} {noun}"
            bliss = f"{number} {noun} {bliss_adjectives}"  # numbers are kept (§16)
        elif roll < 0.3:
            determiner = self.pick(POSSESSIVE_DETERMINERS)
            english = f"{determiner} {english_adjectives} {noun}"
            bliss = f"{determiner} {noun} {bliss_adjectives}"
        elif roll < 0.38:
            name = self.pick(self.names)
            english = f"{name}'s {english_adjectives} {noun}"
            bliss = f"{name} {noun} {bliss_adjectives}"
        else:
            first = (english_adjectives or noun).split()[0]
            det = "the" if plural or not article else self.pick(("the", _article(first)))
            english = f"{det} {english_adjectives} {noun}"
            bliss = f"{noun} {bliss_adjectives}"
        return _Phrase(" ".join(english.split()), " ".join(bliss.split()), "pl" if plural else 3)

    def subject(self) -> _Phrase:
        roll = self.rng.random()
        if roll < 0.35:
            pronoun = self.pick(list(PRONOUNS))
            return _Phrase(pronoun, "", PRONOUNS[pronoun][1])
        if roll < 0.6:
            name = self.pick(self.names)
            return _Phrase(name, name)
        person = self.pick(PEOPLE)
        plural = self.chance(0.25)
        noun = {"child": "children"}.get(person, person + "s") if plural else person
        english_adjectives, bliss_adjectives = self.adjectives()
        if self.chance(0.4):
            determiner = self.pick(POSSESSIVE_DETERMINERS) if self.chance(0.7) else self.pick(self.names) + "'s"
            english = f"{determiner} {english_adjectives} {noun}"
            bliss = f"{determiner.removesuffix(chr(39) + 's')} {noun} {bliss_adjectives}"
        else:
            english = f"the {english_adjectives} {noun}"
            bliss = f"{noun} {bliss_adjectives}"
        return _Phrase(" ".join(english.split()), " ".join(bliss.split()), "pl" if plural else 3)

    def place(self) -> _Phrase:
        thing = self.thing(article=False)
        preposition = self.pick(PLACE_PREPOSITIONS)
        return _Phrase(f"{preposition} {thing.english}", f"{preposition} {thing.bliss}")

    def time(self, tense: str) -> _Phrase:
        """A time phrase at the end of the clause, fitting the tense (§8)."""
        day, period, part = self.pick(DAYS), self.pick(PERIODS), self.pick(PARTS_OF_DAY)
        if tense in ("past", "perfect"):
            options = [("yesterday", "yesterday"), (f"last {day}", f"{day} last"), (f"last {period}", f"{period} last"),
                       (f"yesterday {part}", f"yesterday {part}"), (f"this {part}", part)]
            if tense == "perfect":
                options = [(f"this {period}", period)]
        elif tense in ("will", "going"):
            options = [("tomorrow", "tomorrow"), (f"next {day}", f"{day} next"), (f"next {period}", f"{period} next"),
                       ("tonight", "tonight"), (f"tomorrow {part}", f"tomorrow {part}")]
        elif tense == "progressive":
            options = [(f"this {period}", period), ("today", "today"), (f"this {part}", part)]
        else:
            options = [(f"every {day}", day), (f"every {part}", part), (f"on {day}s", f"on {day}s"),
                       (f"in the {part}", f"in {part}")]
        english, bliss = self.pick(options)
        return _Phrase(english, bliss)

    # --- verb groups ----------------------------------------------------------------------------------------------------

    @staticmethod
    def be(person, past: bool) -> str:
        if past:
            return "was" if person in (1, 3) else "were"
        return {1: "am", 3: "is"}.get(person, "are")

    def verb_group(self, subject: _Phrase, verb: Verb, tense: str, negative: bool) -> tuple[str, str, str]:
        """(English before the verb's complements, Bliss run of the verb group, the modal kept)."""
        person, base = subject.person, verb.base
        third = person == 3
        negative = negative and tense not in ("past conditional", "used to")  # §16 writes them affirmative only
        particle = f" {verb.particle}" if verb.particle else ""
        modal = ""
        if tense == "past":
            english = f"did not {base}" if negative else verb.past
        elif tense == "present":
            english = (f"{'does' if third else 'do'} not {base}") if negative else (verb.third if third else base)
        elif tense == "perfect":
            have = "has" if third else "have"
            english = f"{have} not {verb.participle}" if negative else f"{have} {verb.participle}"
        elif tense == "will":
            english = f"will not {base}" if negative else f"will {base}"
        elif tense == "going":
            be = self.be(person, False)
            english = f"{be} not going to {base}" if negative else f"{be} going to {base}"
        elif tense in ("progressive", "past progressive"):
            be = self.be(person, tense == "past progressive")
            english = f"{be} not {verb.ing}" if negative else f"{be} {verb.ing}"
        elif tense == "future progressive":
            english = f"will not be {verb.ing}" if negative else f"will be {verb.ing}"
        elif tense == "conditional":
            word = self.pick(list(CONDITIONAL))
            modal = CONDITIONAL[word]
            english = f"{word} not {base}" if negative else f"{word} {base}"
        elif tense == "past conditional":  # §16: `would have` + participle, the marker carries it
            english = f"would have {verb.participle}"
        elif tense == "used to":  # §16: kept, the marker past
            english = f"used to {base}"
        elif tense == "imperative":
            english = f"do not {base}" if negative else base
        else:
            modal = self.pick(("can", "should", "must"))
            english = ("cannot " if modal == "can" else f"{modal} not ") + base if negative else f"{modal} {base}"
        bliss = ("used to " if tense == "used to" else "") + base + particle
        if tense.endswith("progressive"):
            bliss = "be " + bliss
        if modal:
            bliss = f"{modal} {bliss}"
        if negative:
            bliss = "not " + bliss
        return english + particle, bliss, modal

    # --- clauses --------------------------------------------------------------------------------------------------------

    def clause(self, tense: str, subordinate: bool = False) -> _Clause:
        subject = self.subject()
        roll = self.rng.random()
        if roll < 0.14 and tense in ("past", "present", "will", "going"):
            return self.copula(subject, tense)
        if roll < 0.2 and tense in ("past", "present", "will", "going", "modal", "conditional"):
            return self.complement(subject, tense)
        negative = self.chance(0.15)
        kinds = [(self.transitive, 0.6), (self.phrasal, 0.12), (self.intransitive, 0.28)]
        verbs = self.rng.choices([k for k, _ in kinds], [w for _, w in kinds])[0] or self.transitive
        verb = self.word(verbs)
        english, bliss_verb, _ = self.verb_group(subject, verb, tense, negative)
        fragments = [f for f in (subject.bliss, bliss_verb) if f]
        adverb = ""
        if not negative and tense in ("present", "past") and self.chance(0.15) and not subordinate:
            adverb = self.pick(FREQUENCY)
            english = f"{adverb} {english}"
            fragments.append(f"{bliss_verb} {adverb}")
        elif self.chance(0.2):
            adverb = self.word(self.v.adverbs)
        rest, bliss_rest = [], []
        if verb.transitive:
            thing = self.thing()
            rest.append(thing.english)
            bliss_rest.append(thing.bliss)
            fragments.append(thing.bliss)
        if self.chance(0.4 if verb.transitive else 0.8):
            place = self.place()
            rest.append(place.english)
            fragments.append(place.bliss)
        if adverb and adverb not in FREQUENCY:
            rest.insert(self.rng.randrange(1 if verb.transitive else 0, len(rest) + 1), adverb)  # not before the object
            fragments.append(f"{bliss_verb} {adverb}")
        if self.chance(0.35) and not subordinate:
            time = self.time(tense)
            rest.append(time.english)
            fragments.append(time.bliss)
        return _Clause(" ".join([subject.english, english, *rest]), fragments, parts=(subject.english, english, " ".join(rest)))

    def copula(self, subject: _Phrase, tense: str) -> _Clause:
        """`X is (very) ADJ`, `X is a NOUN`, `X is in the NOUN`, `There is a NOUN in the NOUN` (§4)."""
        negative = self.chance(0.15)
        not_ = " not" if negative else ""
        roll = self.rng.random()
        if roll < 0.2:
            thing = self.thing(indefinite=True)
            place = self.place()
            plural = thing.person == "pl" or thing.english.split()[0] in NUMBERS
            be = {"past": "were" if plural else "was", "present": "are" if plural else "is"}.get(tense, "be")
            head = {"will": f"will{not_} be", "going": f"{'are' if plural else 'is'}{not_} going to be"}.get(
                tense, be + not_)
            english = f"there {head} {thing.english} {place.english}"
            return _Clause(english, [thing.bliss, f"{'not ' if negative else ''}be {place.bliss}"])
        if roll < 0.6:
            complement = self.word(self.v.adjectives)
            if self.chance(0.15):
                complement = "very " + complement
            bliss = complement
        elif roll < 0.8:
            noun = self.pick(PEOPLE) if subject.person != "pl" else None
            if noun is None:
                complement = bliss = self.pick(PEOPLE) + "s"
                complement = complement.replace("childs", "children")
                bliss = complement
            else:
                complement, bliss = f"{_article(noun)} {noun}", noun
                if complement.startswith("the "):
                    complement = f"a {noun}"
        else:
            place = self.place()
            complement, bliss = place.english, place.bliss
        if tense == "will":
            verb = f"will{not_} be"
        elif tense == "going":
            verb = f"{self.be(subject.person, False)}{not_} going to be"
        else:
            verb = self.be(subject.person, tense == "past") + not_
        fragments = [f for f in (subject.bliss, f"{'not ' if negative else ''}be {bliss}") if f]
        rest = complement
        if self.chance(0.25):
            time = self.time(tense)
            rest += " " + time.english
            fragments.append(time.bliss)
        return _Clause(f"{subject.english} {verb} {rest}", fragments, parts=(subject.english, verb, rest))

    def complement(self, subject: _Phrase, tense: str) -> _Clause:
        """`want to VERB ...` (the infinitive keeps `to`) and `enjoy VERB-ing ...` (a base form) (§3)."""
        from babybliss.data.vocabulary import inflect

        verb = self.word(self.transitive)
        thing = self.thing()
        if self.chance(0.5):
            head = self.pick(INFINITIVE_VERBS)
            tail_english, tail_bliss = f"to {verb.base} {thing.english}", f"to {verb.base}"
        else:
            head = self.pick(GERUND_VERBS)
            tail_english, tail_bliss = f"{verb.ing} {thing.english}", verb.base
        head_verb = Verb(head, inflect(head, "VBZ"), inflect(head, "VBD"), inflect(head, "VBN"), inflect(head, "VBG"),
                         True)
        english, bliss_verb, _ = self.verb_group(subject, head_verb, tense, self.chance(0.1))
        fragments = [f for f in (subject.bliss, f"{bliss_verb} {tail_bliss}", thing.bliss) if f]
        return _Clause(f"{subject.english} {english} {tail_english}", fragments,
                       parts=(subject.english, english, tail_english))

    # --- questions ------------------------------------------------------------------------------------------------------

    def question(self, tense: str) -> _Clause | None:
        """A yes/no question from a statement clause: its auxiliary (or do-support) fronted (§12)."""
        clause = self.clause(tense, subordinate=True)
        if clause.parts is None:
            return None
        subject, verb, rest = clause.parts
        words = verb.split()
        if any(w in ("not", "cannot", "never") for w in words) or subject == "I" and words[0] == "am":
            return None
        if words[0] in ("am", "is", "are", "was", "were", "will", "can", "should", "must", "has", "have"):
            aux, words = words[0], words[1:]
        elif tense in ("past", "present") and len(words) <= 2:
            verb_form = words[0]
            base = self.base_of.get(verb_form)
            if base is None:
                return None
            third = verb_form != base and tense == "present"
            aux, words = ("did" if tense == "past" else "does" if third else "do"), [base, *words[1:]]
        else:
            return None
        name = subject.split()[0].removesuffix("'s") in self.names
        subject = subject if name or subject == "I" else subject[0].lower() + subject[1:]
        english = " ".join(w for w in (aux, subject, *words, rest) if w)
        return _Clause(english, clause.fragments, True)

    def command(self) -> Sentence:
        """A command or request (§16): the base verb without a subject, `please` before or after, `do not` for `not`."""
        verb = self.word(self.transitive + self.phrasal)
        negative = self.chance(0.2)
        subject = _Phrase("", "", 2)
        english, bliss_verb, _ = self.verb_group(subject, verb, "imperative", negative)
        thing = self.thing()
        words = [english, thing.english]
        fragments = [bliss_verb, thing.bliss]
        if self.chance(0.3):
            place = self.place()
            words.append(place.english)
            fragments.append(place.bliss)
        text = " ".join(words)
        if not negative and self.chance(0.2):  # §16: `let's` / `let us` + verb, written `let us` in Bliss
            text = f"{self.pick(('let us', 'let' + chr(39) + 's'))} {text}"
            fragments[0] = f"let us {fragments[0]}"
        elif not negative and self.chance(0.4):
            text = f"please {text}" if self.chance(0.5) else f"{text}, please"
        return _finish(_Clause(text, fragments), "imperative")

    # --- sentences ------------------------------------------------------------------------------------------------------

    def sentence(self) -> Sentence | None:
        found = self.plain_sentence()
        if found is not None and (found.question or found.marker == "imperative") and self.chance(VOCATIVE_SHARE):
            found = self.called(found)
        if found is not None and self.chance(TYPED_FAST_SHARE):
            return typed_fast(found, self.rng, self.names)
        return found

    def called(self, sentence: Sentence) -> Sentence:
        """The question or command with a name called before it (`Mom, can you ...?`) or after it (`..., Dad.`)."""
        name = self.pick(VOCATIVES) if self.chance(0.4) else self.pick(self.names)
        text, first = sentence.english, self.chance(0.6)
        text = f"{name}, {_lowered_start(text, self.names)}" if first else f"{text[:-1]}, {name}{text[-1]}"
        return replace(sentence, english=text, vocative=name, vocative_first=first)

    def plain_sentence(self) -> Sentence | None:
        if self.chance(0.06):
            return self.command()
        tense = self.rng.choices(TENSES, TENSE_WEIGHTS)[0]
        clauses = self.rng.choices((1, 2, 3), (0.5, 0.35, 0.15))[0]
        if self.chance(0.12):
            main = self.question(tense)
            if main is None:
                return None
            if clauses > 1 and self.chance(0.5):
                conjunction = self.pick(("when", "after", "before", "if", "because"))
                follower = self.clause(_follower_tense(tense, conjunction), subordinate=True)
                main = _Clause(f"{main.english} {conjunction} {follower.english}", main.fragments + follower.fragments,
                               True)
            return _finish(main, MARKER[tense])
        main = self.clause(tense)
        parts, fragments = [main.english], list(main.fragments)
        for _ in range(clauses - 1):
            conjunction = self.pick(list(FOLLOWERS))
            other = self.clause(_follower_tense(tense, conjunction), subordinate=True)
            fragments += other.fragments
            if FOLLOWERS[conjunction] and len(parts) == 1 and self.chance(0.35):
                parts.insert(0, f"{conjunction} {other.english},")
            else:
                parts.append(f"{conjunction} {other.english}")
        return _finish(_Clause(" ".join(parts), fragments), MARKER[tense])


def typed_fast(sentence: Sentence, rng: random.Random, names=frozenset()) -> Sentence:
    """The sentence as it is often typed on an AAC board (§17): no capital at the start, `i` for `I`, the apostrophe
    dropped (`let's` -> `lets`), no final mark (a question keeps its word order), sometimes a doubled space; a name
    (in `names`) keeps its capital. The plan (marker and Bliss runs) stays: the rules must read it so."""
    words = _lowered_start(sentence.english.rstrip(".?"), names).split(" ")
    text = " ".join("i" if w == "I" else w for w in words).replace("let's", "lets")
    if rng.random() < 0.3:
        at = [i for i, c in enumerate(text) if c == " "]
        if at:
            cut = rng.choice(at)
            text = text[:cut] + " " + text[cut:]
    return replace(sentence, english=text)


def _lowered_start(text: str, names) -> str:
    """`text` with its first letter in lower case, unless it opens with `I` or a name (in `names`)."""
    head = text.split(" ", 1)[0]
    return text if head == "I" or head.removesuffix("'s") in names else text[:1].lower() + text[1:]


def _follower_tense(tense: str, conjunction: str) -> str:
    """The tense of a joined clause: a subordinate clause after a future is in the present (§14)."""
    if tense in ("will", "going") and conjunction not in ("and", "but", "so", "because"):
        return "present"
    if tense in ("perfect",):
        return "past"
    if tense in ("modal", "conditional", "future progressive"):
        return "present"
    if tense in ("past progressive", "past conditional", "used to"):
        return "past"
    return tense


def _finish(clause: _Clause, marker: str) -> Sentence:
    english = clause.english
    english = english[0].upper() + english[1:] + ("?" if clause.question else ".")
    return Sentence(english, marker, tuple(" ".join(f.lower().split()) for f in clause.fragments if f.strip()),
                    question=clause.question)


def sentences(count: int, seed: int, vocabulary: Vocabulary) -> list[Sentence]:
    """`count` distinct English sentences, the same for the same seed and vocabulary."""
    builder = _Builder(vocabulary, random.Random(f"generator:{GENERATOR_VERSION}:{seed}"))
    out, seen = [], set()
    while len(out) < count:
        sentence = builder.sentence()
        if sentence is None or sentence.english in seen or len(sentence.english.split()) > 28:
            continue
        seen.add(sentence.english)
        out.append(sentence)
    return out


def bliss_holds(bliss: str, sentence: Sentence) -> bool:
    """The rules' Bliss has the sentence's marker and every word run its plan implies, each in one piece; a name
    called is its own `phrase:` sentence, before or after the rest as in the English."""
    if sentence.vocative:
        called = f"phrase:{sentence.vocative}."
        if sentence.vocative_first and bliss.startswith(called + " "):
            bliss = bliss[len(called) + 1:]
        elif not sentence.vocative_first and bliss.endswith(" " + called):
            bliss = bliss[: -len(called) - 1]
        else:
            return False
    marker, _, body = bliss.partition(":")
    if marker != sentence.marker or body.rstrip().endswith("?") != sentence.question:
        return False
    text = " " + " ".join(body.rstrip(".?").lower().split()) + " "
    return all(f" {fragment} " in text for fragment in sentence.fragments)
