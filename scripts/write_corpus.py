#!/usr/bin/env python3
"""Write babybliss's own English -> Conceptual Bliss corpus.

Every sentence is composed here from vocabulary and sentence patterns written for
this project (plus a list of hand-written pairs at the end of the file).  The rules
that turn an English clause into Conceptual Bliss are documented in
docs/conceptual-bliss.md; in short:

* a tense marker first, no space after the colon: ``past:``, ``present:``,
  ``future:``, ``present progressive:``;
* articles (a, an, the) are dropped, adjectives follow their noun in English order;
* verbs are in base form, every form of "to be" is ``be``, auxiliaries (do, did,
  will, going to, have) are dropped, ``not`` / ``never`` stand right before the verb
  group;
* adverbs stand right after the verb (and its particle);
* ``next``/``last`` follow the time noun, ``every``/``this``/``all`` in time
  expressions are dropped, ``right now`` becomes ``now`` in the adverb slot;
* possessive ``'s`` is dropped, the possessor stays before the possessed noun;
* questions keep statement order (wh-word first) and end with ``?``.

Run from the repository root:  python scripts/write_corpus.py
The output (src/babybliss/data/corpus/pairs.json) is fully determined by SEED.
Standard library only.
"""

from __future__ import annotations

import json
import random
import sys
from dataclasses import dataclass, field, replace
from pathlib import Path

SEED = 1729
MAX_WORDS = 20  # longest English sentence kept
ROOT = Path(__file__).resolve().parents[1]
OUT = ROOT / "src" / "babybliss" / "data" / "corpus" / "pairs.json"

MARKER = {"past": "past", "pres": "present", "will": "future", "going": "future", "prog": "present progressive"}

# ---------------------------------------------------------------------------
# Verbs
# ---------------------------------------------------------------------------

IRREGULAR_PAST = {
    "be": "was", "bring": "brought", "build": "built", "buy": "bought", "catch": "caught", "choose": "chose",
    "dig": "dug", "draw": "drew", "drink": "drank", "drive": "drove", "eat": "ate", "feed": "fed",
    "find": "found", "fly": "flew", "forget": "forgot", "get": "got", "give": "gave", "go": "went",
    "grow": "grew", "hang": "hung", "have": "had", "hear": "heard", "keep": "kept", "leave": "left",
    "lose": "lost", "make": "made", "meet": "met", "pay": "paid", "put": "put", "read": "read",
    "ride": "rode", "ring": "rang", "run": "ran", "sell": "sold", "send": "sent", "sing": "sang",
    "sit": "sat", "sleep": "slept", "speak": "spoke", "spend": "spent", "sweep": "swept", "swim": "swam",
    "take": "took", "teach": "taught", "tell": "told", "throw": "threw", "wake": "woke", "wear": "wore",
    "win": "won", "write": "wrote", "break": "broke", "hold": "held", "come": "came", "know": "knew",
    "forgive": "forgave", "shake": "shook", "hide": "hid", "fall": "fell", "blow": "blew", "begin": "began",
    "understand": "understood", "think": "thought", "do": "did", "see": "saw", "say": "said", "lend": "lent",
    "light": "lit", "feel": "felt", "lay": "laid", "set": "set", "rise": "rose",
}
DOUBLE = {"stop", "plan", "shop", "chop", "wrap", "hum", "jog", "drop", "stir", "knit", "hug", "clap",
          "dig", "swim", "run", "sit", "begin", "get", "put", "win", "skip", "mop", "nap", "jam", "forget", "set"}


@dataclass(frozen=True)
class Verb:
    base: str
    s: str
    past: str
    ing: str


def verb(base: str) -> Verb:
    if base == "be":
        return Verb("be", "is", "was", "being")
    if base == "have":
        return Verb("have", "has", "had", "having")
    if base.endswith(("s", "sh", "ch", "x", "z", "o")):
        s = base + "es"
    elif base.endswith("y") and base[-2] not in "aeiou":
        s = base[:-1] + "ies"
    else:
        s = base + "s"
    if base in IRREGULAR_PAST:
        past = IRREGULAR_PAST[base]
    elif base.endswith("e"):
        past = base + "d"
    elif base.endswith("y") and base[-2] not in "aeiou":
        past = base[:-1] + "ied"
    elif base in DOUBLE:
        past = base + base[-1] + "ed"
    else:
        past = base + "ed"
    if base.endswith("ie"):
        ing = base[:-2] + "ying"
    elif base.endswith("e") and not base.endswith(("ee", "ye", "oe")):
        ing = base[:-1] + "ing"
    elif base in DOUBLE:
        ing = base + base[-1] + "ing"
    else:
        ing = base + "ing"
    return Verb(base, s, past, ing)


# ---------------------------------------------------------------------------
# Nouns and adjectives
# ---------------------------------------------------------------------------

# Adjective classes give the natural English order of several adjectives
# (opinion < size < physical quality < age/shape < colour < material).  Bliss keeps that order.
ADJ_RANK: dict[str, int] = {}
for rank, words in enumerate([
    "beautiful lovely delicious comfortable friendly noisy quiet famous cozy busy crowded clever kind patient brave "
    "funny boring interesting difficult easy expensive cheap strange sad exciting simple local healthy calm tidy "
    "messy loud soft tasty wild sunny strong clear lazy".split(),
    "big small tiny huge long short tall little wide narrow high".split(),
    "heavy broken dirty clean muddy fresh warm hot cold spicy sweet sour empty hungry sleepy rusty leaky deep dark "
    "wet dry steep thirsty frozen thick tired".split(),
    "old new young round square".split(),
    "red blue green yellow white black brown grey pink purple golden silver".split(),
    "wooden woolen glass metal paper leather stone cotton rubber".split(),
]):
    for w in words:
        ADJ_RANK.setdefault(w, rank)


@dataclass(frozen=True)
class Noun:
    sg: str
    pl: str | None  # None: mass noun
    adjs: tuple[str, ...]
    person: bool = False


NOUNS: dict[str, Noun] = {}


def _n(spec: str, adjs: str = "", pl: str | None = "", person: bool = False) -> None:
    if pl == "":
        if spec.endswith(("s", "sh", "ch", "x")):
            pl = spec + "es"
        elif spec.endswith("y") and spec[-2] not in "aeiou":
            pl = spec[:-1] + "ies"
        else:
            pl = spec + "s"
    NOUNS[spec] = Noun(spec, pl, tuple(adjs.split()), person)


for _spec, _adjs in [
    ("fence", "old wooden white broken long"), ("door", "red old heavy wooden blue"),
    ("bench", "wooden old green long"), ("boat", "small old wooden red little blue"),
    ("picture", "beautiful small big strange"), ("cake", "big small delicious round"),
    ("pie", "warm delicious big"), ("muffin", "small warm sweet"), ("car", "old new red small dirty blue"),
    ("window", "dirty big small broken round"), ("shirt", "white dirty blue cotton old new"),
    ("radio", "old broken small little"), ("bicycle", "old new red broken rusty blue"),
    ("roof", "old leaky broken"), ("lamp", "old broken small green metal"),
    ("clock", "old broken round wooden big"), ("chair", "wooden old broken comfortable small"),
    ("book", "old new long thick interesting heavy strange funny"), ("newspaper", "local old"),
    ("letter", "long short kind strange"), ("poem", "short long beautiful funny sad"),
    ("map", "old big small paper"), ("recipe", "new old simple easy"),
    ("story", "long short funny strange sad exciting"), ("report", "long short"), ("email", "long short"),
    ("apple", "red green fresh sweet sour"), ("shoe", "new brown black muddy comfortable leather"),
    ("ticket", "cheap expensive"), ("umbrella", "black red big small old new"),
    ("coat", "warm heavy new old black woolen long"), ("flower", "yellow white fresh beautiful red"),
    ("vegetable", "fresh"), ("painting", "beautiful small old famous strange"),
    ("museum", "old new small famous big"), ("castle", "old famous huge stone"),
    ("harbor", "old busy small"), ("market", "busy small old crowded"), ("bakery", "small new busy"),
    ("library", "quiet old new big"), ("station", "busy old small crowded"),
    ("park", "big quiet green beautiful"), ("garden", "small beautiful quiet green"),
    ("kitchen", "small warm new cozy"), ("school", "old new small big"),
    ("river", "wide cold narrow quiet"), ("lake", "cold quiet small big deep"),
    ("pool", "cold warm"), ("beach", "quiet long empty"), ("forest", "dark quiet old big"),
    ("village", "small quiet old"), ("tomato", "red small"), ("rose", "red white yellow beautiful"),
    ("tree", "small young tall"), ("potato", "small"), ("seed", "tiny small"), ("plant", "green small tall thirsty"),
    ("song", "beautiful old sad short funny"), ("lullaby", "old sweet"), ("wedding", "big small beautiful"),
    ("festival", "big noisy famous"), ("bathroom", "old small dirty"), ("garage", "old small messy dirty"),
    ("box", "heavy big small wooden"), ("bag", "heavy big small red leather paper"),
    ("suitcase", "heavy old big small brown leather"), ("basket", "heavy small big"),
    ("gate", "old wooden metal green heavy"), ("shop", "small new old busy"), ("key", "old small"),
    ("wallet", "brown leather old new"), ("ring", "golden silver small old beautiful"),
    ("sofa", "old comfortable big green"), ("drawer", "small old"), ("glove", "woolen warm red leather new"),
    ("bus", "crowded old red empty blue"), ("exam", "difficult long easy"), ("horse", "brown white old young big beautiful"),
    ("house", "old small big white empty beautiful new"), ("notebook", "new small red old blue"),
    ("ball", "red small big yellow new old"), ("train", "crowded old"), ("parcel", "heavy small big"),
    ("postcard", "beautiful old funny"), ("salad", "fresh green big"), ("film", "long funny old new strange exciting sad"),
    ("match", "long exciting"), ("tent", "small old green big"), ("hammock", "old comfortable"),
    ("hill", "steep green small"), ("mountain", "steep famous"), ("ladder", "tall old long wooden metal"),
    ("wall", "stone old long white"), ("treehouse", "small wooden little"), ("shed", "wooden small old new"),
    ("snowman", "big huge funny little"), ("scarf", "warm long woolen red"), ("sweater", "warm woolen blue thick green"),
    ("hat", "warm woolen old black funny big"), ("package", "heavy small big"), ("taxi", "yellow"),
    ("boot", "muddy heavy old new black rubber"), ("dress", "red new long beautiful blue white"),
    ("pizza", "big hot"), ("sandwich", "big small tasty"), ("cave", "dark deep old"),
    ("island", "small quiet beautiful green"), ("floor", "dirty wooden"), ("yard", "small muddy big"),
    ("step", "stone old"), ("towel", "clean wet white blue dirty"), ("violin", "old new small"),
    ("race", "long short"), ("game", "long exciting"), ("prize", "big"), ("squirrel", "little small grey"),
    ("stranger", ""), ("carrot", "fresh sweet small"), ("windowsill", "warm"), ("pond", "small quiet cold"),
    ("cat", "black lazy white little old sleepy hungry"), ("dog", "old little brown noisy friendly hungry big lazy"),
    ("chicken", "hungry brown noisy"), ("duck", "hungry little white"), ("bird", "small tiny noisy little black"),
    ("goat", "hungry little white old"), ("baby", "little hungry sleepy"), ("café", "small busy quiet cozy"),
    ("cinema", "old new small"), ("airport", "busy new"), ("post office", "small busy"), ("bus stop", ""),
    ("town hall", "old"), ("hospital", "new big"), ("balcony", "small sunny"), ("hotel", "small cheap old"),
    ("table", "wooden round big old"), ("bed", "comfortable warm"), ("oven", "hot"), ("stair", ""),
    ("bridge", "old stone narrow"), ("road", "narrow long"), ("tool", "old rusty"), ("towel rack", ""),
    ("concert", "long loud"), ("party", "big noisy"), ("picnic", "long"), ("lesson", "long difficult"),
    ("meeting", "long"), ("trip", "long short"), ("guitar", "old new"), ("piano", "old"), ("drum", ""),
    ("jacket", "warm new old blue"), ("sock", "woolen warm"), ("puzzle", "difficult big"),
    ("kite", "red big yellow"), ("photo", "old funny beautiful"), ("shelf", "wooden high"),
    ("cup", "clean dirty"), ("plate", "clean dirty"), ("jar", "glass"), ("mail carrier", ""),
]:
    _n(_spec, _adjs)

NOUNS["shelf"] = Noun("shelf", "shelves", ("wooden",))
NOUNS["fish"] = Noun("fish", "fish", ("big", "small", "silver"))
NOUNS["sheep"] = Noun("sheep", "sheep", ("white", "hungry"))
NOUNS["child"] = Noun("child", "children", ("little", "tired", "hungry", "young"), True)

for _spec in ["bread fresh warm brown", "soup hot spicy thick delicious", "stew hot spicy thick", "rice",
              "tea hot green strong sweet", "coffee hot strong black sweet", "milk cold warm fresh",
              "water cold fresh", "juice fresh cold", "homework", "laundry clean wet dirty", "grass fresh green wet long",
              "hay dry fresh", "history", "music", "math", "science", "chess", "football",
              "breakfast", "lunch", "dinner", "cheese", "honey", "snow fresh", "jam"]:
    _w, *_a = _spec.split()
    if _w not in NOUNS:
        NOUNS[_w] = Noun(_w, None, tuple(_a))

NOUNS["tomato"] = Noun("tomato", "tomatoes", ("red", "small"))
NOUNS["potato"] = Noun("potato", "potatoes", ("small",))

for _spec in ["aunt", "uncle", "grandmother", "grandfather", "cousin", "sister", "brother", "mother", "father",
              "friend", "neighbor", "daughter", "son", "teacher", "doctor", "nurse", "farmer", "baker", "student",
              "nephew", "niece", "coach", "plumber", "parent", "grandparent", "classmate", "guest", "pilot"]:
    _n(_spec, "", person=True)

PERSON_ADJS = {"teacher": ("new", "young", "old", "kind", "patient"), "doctor": ("young", "kind"),
               "nurse": ("young", "kind"), "farmer": ("old",), "baker": ("old", "friendly"),
               "neighbor": ("friendly", "old", "new", "noisy"), "student": ("new", "tired", "clever"),
               "guest": ("hungry", "tired"), "coach": ("new",)}

NAMES = ["Mara", "Kofi", "Ines", "Ravi", "Yuki", "Omar", "Greta", "Pablo", "Nadia", "Felix", "Aiko", "Bruno",
         "Zara", "Elif", "Soren", "Dalia", "Hamid", "Priya", "Jonah", "Amara", "Matteo", "Freya", "Tariq",
         "Hugo", "Lucia", "Sana", "Emeka", "Ingrid", "Rosa", "Anouk", "Teodor", "Wanjiru", "Keanu", "Mirela",
         "Oskar", "Leilani", "Rashid", "Signe", "Tomasz", "Ximena"]
CITIES = ["Lisbon", "Nairobi", "Oslo", "Kyoto", "Lima", "Hanoi", "Dublin", "Porto", "Accra", "Quito", "Valencia",
          "Krakow", "Tbilisi", "Marrakesh", "Millbrook", "Redwater", "Little Harwick", "Port Elma", "Adelaide",
          "Montreal", "Cartagena", "Tallinn"]
DAYS = ["Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday"]


def a_an(word: str) -> str:
    return "an" if word[0] in "aeiou" and not word.startswith(("uni", "eu", "one")) else "a"


FEMALE = {"Mara", "Ines", "Yuki", "Greta", "Nadia", "Aiko", "Zara", "Elif", "Dalia", "Priya", "Amara", "Freya",
          "Lucia", "Sana", "Ingrid", "Rosa", "Anouk", "Wanjiru", "Mirela", "Leilani", "Signe", "Ximena",
          "sister", "aunt", "grandmother", "mother", "niece", "daughter"}
MALE = {"Kofi", "Ravi", "Omar", "Pablo", "Felix", "Bruno", "Soren", "Hamid", "Jonah", "Matteo", "Tariq", "Hugo",
        "Emeka", "Teodor", "Keanu", "Oskar", "Rashid", "Tomasz", "brother", "uncle", "grandfather", "father",
        "nephew", "son", "grandson"}


def gender_of(word: str) -> str:
    return "f" if word in FEMALE else "m" if word in MALE else ""


@dataclass
class NP:
    en: str  # mid-sentence English
    bl: str  # mid-sentence Bliss
    agr: str = "3sg"  # 1sg 2 3sg 1pl 3pl
    pron: bool = False  # a personal pronoun (capitalised when it starts the Bliss body)
    obj_en: str = ""  # object form of a pronoun
    gender: str = ""  # f, m or unknown, for pronouns referring back to this phrase

    def en_at(self, start: bool) -> str:
        return cap(self.en) if start else self.en

    def bl_at(self, start: bool) -> str:
        return cap(self.bl) if start and self.pron else self.bl


def cap(s: str) -> str:
    return s[:1].upper() + s[1:] if s else s


PRONOUNS = {
    "I": NP("I", "I", "1sg", True, "me"), "you": NP("you", "you", "2", True, "you"),
    "he": NP("he", "he", "3sg", True, "him", "m"), "she": NP("she", "she", "3sg", True, "her", "f"),
    "we": NP("we", "we", "1pl", True, "us"), "they": NP("they", "they", "3pl", True, "them"),
    "it": NP("it", "it", "3sg", True, "it"),
}
POSSESSIVE = {"I": "my", "you": "your", "he": "his", "she": "her", "we": "our", "they": "their", "it": "its"}
GROUP_NOUNS = {"friend", "cousin", "neighbor", "student", "classmate", "guest", "child", "grandparent", "parent"}


def person_dets(key: str) -> str:
    if key in ("teacher", "coach", "doctor"):
        return "the|poss"
    if key in JOBS:
        return "the"
    return "poss|gen"


JOBS = ("teacher", "doctor", "nurse", "farmer", "baker", "coach", "plumber", "student", "pilot")
# nouns that naturally take a possessive determiner inside a prepositional phrase
OWNABLE_PLACES = {"garden", "kitchen", "house", "yard", "bed", "sofa", "table", "notebook", "garage", "shed",
                  "basket", "drawer", "car", "balcony", "party", "wedding", "school"}


for _noun in NOUNS.values():
    for _a in _noun.adjs:
        assert _a in ADJ_RANK, (_noun.sg, _a)
for _adjs in PERSON_ADJS.values():
    for _a in _adjs:
        assert _a in ADJ_RANK, _a


class Gen:
    """All random choices go through one seeded generator."""

    def __init__(self, seed: int) -> None:
        self.r = random.Random(seed)

    def pick(self, seq):
        return self.r.choice(list(seq))

    def chance(self, p: float) -> bool:
        return self.r.random() < p

    # ---- noun phrases -------------------------------------------------------
    def adjectives(self, noun: Noun, k: int, exclude: frozenset[str] = frozenset()) -> list[str]:
        pool = [a for a in (list(noun.adjs) or list(PERSON_ADJS.get(noun.sg, ()))) if a not in exclude]
        self.r.shuffle(pool)
        chosen: list[str] = []
        for a in pool:
            if len(chosen) == k:
                break
            if all(ADJ_RANK[a] != ADJ_RANK[b] for b in chosen):
                chosen.append(a)
        return sorted(chosen, key=lambda a: ADJ_RANK[a])

    def possessor(self, names_only: bool = False) -> tuple[str, str]:
        """(English with 's, Bliss without 's) for a possessor noun phrase."""
        roll = self.r.random()
        if roll < 0.45 or names_only:
            name = self.pick(NAMES)
            return f"{name}'s", name
        det = self.pick(["my", "her", "his", "our", "their", "your"])
        rel = self.pick(["sister", "brother", "aunt", "uncle", "neighbor", "cousin", "grandmother", "friend",
                         "father", "mother", "grandfather"])
        if roll < 0.85:
            return f"{det} {rel}'s", f"{det} {rel}"
        job = self.pick(["baker", "teacher", "farmer", "doctor", "coach", "neighbor"])
        return f"the {job}'s", job

    def np(self, key: str, dets: str = "any", plural: bool | None = None, nadj: int | None = None,
           owner: str | None = None, exclude: frozenset[str] = frozenset()) -> NP:
        """A noun phrase of NOUNS[key].

        dets: '|'-separated subset of the/a/poss/gen/0 (bare) or 'any'.
        owner: the subject pronoun, to make possessive determiners agree now and then.
        """
        n = NOUNS[key]
        if plural is None:
            plural = n.pl is not None and self.chance(0.3)
        if n.pl is None:
            plural = False
        word = n.pl if plural else n.sg
        allowed = ["the", "a", "poss", "gen", "0"] if dets == "any" else dets.split("|")
        if n.pl is None or plural:
            allowed = [d for d in allowed if d != "a"] or ["0"]
        if n.pl is not None and not plural:
            allowed = [d for d in allowed if d != "0"] or ["the"]
        weights = {"the": 5, "a": 3, "poss": 3, "gen": 1.2, "0": 3}
        det = self.r.choices(allowed, [weights[d] for d in allowed])[0]
        if nadj is None:
            nadj = self.r.choices([0, 1, 2], [0.55, 0.35, 0.10])[0]
        adjs = self.adjectives(n, nadj, exclude)
        en_core = " ".join(adjs + [word])
        bl_core = " ".join([word] + adjs)
        agr = "3pl" if plural else "3sg"
        gender = "" if plural else gender_of(key)
        if det == "the":
            return NP(f"the {en_core}", bl_core, agr, gender=gender)
        if det == "a":
            return NP(f"{a_an(en_core)} {en_core}", bl_core, agr, gender=gender)
        if det == "poss":
            if owner and owner in POSSESSIVE and owner != "it" and self.chance(0.75):
                p = POSSESSIVE[owner]
            else:
                p = self.pick(["my", "your", "his", "her", "our", "their"])
            return NP(f"{p} {en_core}", f"{p} {bl_core}", agr, gender=gender)
        if det == "gen":
            g_en, g_bl = self.possessor(names_only=n.person)
            return NP(f"{g_en} {en_core}", f"{g_bl} {bl_core}", agr, gender=gender)
        return NP(en_core, bl_core, agr, gender=gender)

    def name(self) -> NP:
        n = self.pick(NAMES)
        return NP(n, n, "3sg", gender=gender_of(n))

    def person_subject(self, adult: bool = False, allow_pron: bool = True) -> NP:
        roll = self.r.random()
        if allow_pron and roll < 0.45:
            return PRONOUNS[self.pick(["I", "you", "he", "she", "we", "they", "she", "he", "I", "we"])]
        if roll < 0.70:
            return self.name()
        if roll < 0.78 and not adult:
            return self.np("child", "the|poss|gen", plural=True, nadj=self.r.choices([0, 1], [0.7, 0.3])[0])
        rel = self.pick(["sister", "brother", "aunt", "uncle", "neighbor", "cousin", "grandmother", "grandfather",
                         "teacher", "doctor", "nurse", "farmer", "baker", "student", "coach", "parent",
                         "grandparent", "friend", "classmate", "mother", "father"])
        plural = rel in ("parent", "grandparent") or (rel in ("friend", "cousin", "neighbor", "student", "classmate")
                                                      and self.chance(0.35))
        return self.np(rel, person_dets(rel), plural=plural, nadj=1 if self.chance(0.2) else 0)

    def person_object(self, keys: list[str], owner: str | None, allow_pron: bool = True) -> NP:
        if allow_pron and self.chance(0.2):
            p = PRONOUNS[self.pick(["I", "you", "he", "she", "we", "they"])]
            if owner and (p.en == owner or {p.en, owner} == {"I", "we"}):
                p = PRONOUNS["they"] if owner != "they" else PRONOUNS["she"]
            return NP(p.obj_en, p.obj_en, p.agr)
        if self.chance(0.2):
            return self.name()
        key = self.pick(keys)
        plural = None if key in GROUP_NOUNS else False
        return self.np(key, person_dets(key), plural=plural, owner=owner, nadj=1 if self.chance(0.15) else 0)


def owner_key(subj: NP | None) -> str | None:
    """The personal pronoun standing for subj, used to let possessive determiners agree with the subject."""
    if subj is None:
        return None
    if subj.pron:
        return subj.en
    if subj.agr == "3pl":
        return "they"
    return {"f": "she", "m": "he"}.get(subj.gender)


# ---------------------------------------------------------------------------
# Time expressions: (English, Bliss)
# ---------------------------------------------------------------------------

PARTS = ["morning", "afternoon", "evening"]
SEASONS = ["summer", "winter", "spring"]


def time_past(g: Gen, durative: bool = False) -> tuple[str, str]:
    k = g.r.random()
    if k < 0.2:
        return "yesterday", "yesterday"
    if k < 0.35:
        p = g.pick(PARTS)
        return f"yesterday {p}", f"yesterday {p}"
    if k < 0.77:
        t = g.pick(["night", "week", "month", "year", "weekend"] + SEASONS + DAYS)
        return f"last {t}", f"{t} last"
    if k < 0.87:
        p = g.pick(["morning", "afternoon"])
        return f"this {p}", p
    if k < 0.94 or not durative:
        d = g.pick(DAYS)
        return f"on {d}", f"on {d}"
    t = g.pick(["day", "night", "afternoon", "morning"])
    return f"all {t}", t


def time_future(g: Gen) -> tuple[str, str]:
    k = g.r.random()
    if k < 0.2:
        return "tomorrow", "tomorrow"
    if k < 0.35:
        p = g.pick(PARTS + ["night"])
        return f"tomorrow {p}", f"tomorrow {p}"
    if k < 0.75:
        t = g.pick(["week", "month", "year", "weekend"] + SEASONS + DAYS)
        return f"next {t}", f"{t} next"
    if k < 0.85:
        return "tonight", "tonight"
    if k < 0.93:
        t = g.pick(["weekend", "afternoon", "evening", "summer"])
        return f"this {t}", t
    d = g.pick(DAYS)
    return f"on {d}", f"on {d}"


def time_habit(g: Gen) -> tuple[str, str]:
    k = g.r.random()
    if k < 0.5:
        t = g.pick(["day", "morning", "evening", "night", "weekend", "week", "summer", "winter"] + DAYS)
        return f"every {t}", t
    if k < 0.65:
        d, p = g.pick(DAYS), g.pick(PARTS)
        return f"every {d} {p}", f"{d} {p}"
    if k < 0.75:
        a, t = g.pick([("cold", "morning"), ("sunny", "afternoon"), ("rainy", "day"), ("warm", "evening"),
                       ("quiet", "evening")])
        return f"every {a} {t}", f"{t} {a}"
    if k < 0.9:
        d = g.pick(DAYS)
        return f"on {d}s", f"on {d}s"
    p = g.pick(PARTS)
    return f"in the {p}", f"in {p}"


def time_prog(g: Gen) -> tuple[str, str]:
    k = g.r.random()
    if k < 0.3:
        return "today", "today"
    if k < 0.5:
        return "tonight", "tonight"
    t = g.pick(["week", "morning", "afternoon", "evening"])
    return f"this {t}", t


# ---------------------------------------------------------------------------
# Clauses
# ---------------------------------------------------------------------------


@dataclass
class Clause:
    subj: NP | None
    v: Verb | None  # None: copula
    particle: str = ""
    obj: tuple[str, str] | None = None  # (English, Bliss); may be an infinitive or gerund phrase
    pred: tuple[str, str] | None = None  # copula complement
    pps: list[tuple[str, str]] = field(default_factory=list)
    adv: str = ""
    adv_pre: bool = False  # English: adverb before the verb
    freq: str = ""  # usually/often/... (English before the verb)
    now: bool = False  # "right now"
    time: tuple[str, str] | None = None
    tense: str = "past"  # past pres will going prog
    neg: bool = False
    never: bool = False
    contract: bool = False
    elide: bool = False  # subject (and auxiliary) shared with the previous coordinated clause
    adv_end: bool = False  # English: adverb after the prepositional phrases ("go to bed early")
    pp_index: int | None = None  # which scene pp was used (for where-questions)

    @property
    def marker(self) -> str:
        return MARKER[self.tense]


def be_form(agr: str, tense: str) -> str:
    if tense == "past":
        return "was" if agr in ("1sg", "3sg") else "were"
    return {"1sg": "am", "3sg": "is"}.get(agr, "are")


PRON_BE = {"I": "I'm", "you": "you're", "he": "he's", "she": "she's", "it": "it's", "we": "we're", "they": "they're"}
NEG_CONTRACT = {"is": "isn't", "are": "aren't", "was": "wasn't", "were": "weren't", "do": "don't",
                "does": "doesn't", "did": "didn't", "will": "won't"}


def _neg(aux: str, c: Clause) -> str:
    if c.contract and aux in NEG_CONTRACT:
        return NEG_CONTRACT[aux]
    return f"{aux} not"


def en_tail(c: Clause, drop_obj: bool = False, drop_pp: int | None = None, drop_time: bool = False,
            drop_pred: bool = False) -> list[str]:
    out: list[str] = []
    if c.particle:
        out.append(c.particle)
    if c.pred and not drop_pred:
        out.append(c.pred[0])
    if c.obj and not drop_obj:
        out.append(c.obj[0])
    if c.adv and not c.adv_pre and not c.adv_end:
        out.append(c.adv)
    out += [pp[0] for i, pp in enumerate(c.pps) if i != drop_pp]
    if c.adv and c.adv_end:
        out.append(c.adv)
    if c.now:
        out.append("right now")
    if c.time and not drop_time:
        out.append(c.time[0])
    return out


def en_verb_group(c: Clause, start: bool) -> list[str]:
    """Subject and verb group in English (statement order)."""
    s = c.subj
    agr = s.agr if s else "3sg"
    subj_words = [s.en_at(start)] if s and not c.elide else []
    pre = [c.freq] if c.freq else []
    if c.adv and c.adv_pre:
        pre.append(c.adv)
    never = ["never"] if c.never else []
    v = c.v
    pron_contract = bool(s and s.pron and c.contract)
    if c.elide:  # shares subject and auxiliary with the previous clause
        if v is None:
            return []
        form = {"pres": v.s if c.tense == "pres" and agr == "3sg" else v.base, "past": v.past,
                "will": v.base, "going": v.base, "prog": v.ing}[c.tense]
        return pre + [form]
    if v is None:  # copula
        if c.tense in ("pres", "past"):
            be = be_form(agr, c.tense)
            if pron_contract and c.tense == "pres" and (not c.neg or s.en == "I"):
                return [cap(PRON_BE[s.en]) if start else PRON_BE[s.en]] + (["not"] if c.neg else [])
            return subj_words + ([_neg(be, c)] if c.neg else [be]) + never
        if c.tense == "will":
            return subj_words + ([_neg("will", c)] if c.neg else ["will"]) + never + ["be"]
        be = be_form(agr, "pres")
        return subj_words + ([be, "not"] if c.neg else [be]) + ["going", "to", "be"]
    if c.tense == "pres":
        if c.neg:
            return subj_words + [_neg("does" if agr == "3sg" else "do", c), v.base]
        return subj_words + pre + never + [v.s if agr == "3sg" else v.base]
    if c.tense == "past":
        if c.neg:
            return subj_words + [_neg("did", c), v.base]
        return subj_words + pre + never + [v.past]
    if c.tense == "will":
        if c.neg:
            return subj_words + [_neg("will", c), v.base]
        if pron_contract:
            return [(cap(s.en) if start else s.en) + "'ll"] + pre + [v.base]
        return subj_words + ["will"] + pre + [v.base]
    if c.tense == "going":
        be = be_form(agr, "pres")
        if c.neg:
            if s.en == "I" and c.contract:
                words = ["I'm", "not"]
            else:
                words = subj_words + [_neg(be, c)]
        else:
            words = subj_words + [be]
        return words + ["going", "to", v.base]
    # progressive
    be = be_form(agr, "pres")
    if c.neg:
        if pron_contract and s.en == "I":
            words = ["I'm", "not"]
        else:
            words = subj_words + [_neg(be, c)]
    elif pron_contract:
        words = [cap(PRON_BE[s.en]) if start else PRON_BE[s.en]]
    else:
        words = subj_words + [be]
    return words + pre + [v.ing]


def en_statement(c: Clause, start: bool = True) -> str:
    return " ".join(en_verb_group(c, start) + en_tail(c))


def bl_body(c: Clause, start: bool = True, drop_obj: bool = False, drop_pp: int | None = None,
            drop_time: bool = False, drop_pred: bool = False) -> str:
    words: list[str] = []
    if c.subj and not c.elide:
        words.append(c.subj.bl_at(start))
    if c.neg:
        words.append("not")
    if c.never:
        words.append("never")
    if c.v is None:
        words.append("be")
        if c.pred and not drop_pred:
            words.append(c.pred[1])
    else:
        if c.tense == "prog":
            words.append("be")
        words.append(c.v.base)
        if c.particle:
            words.append(c.particle)
        if c.adv:
            words.append(c.adv)
        if c.freq:
            words.append(c.freq)
        if c.now:
            words.append("now")
        if c.obj and not drop_obj:
            words.append(c.obj[1])
    words += [pp[1] for i, pp in enumerate(c.pps) if i != drop_pp]
    if c.time and not drop_time:
        words.append(c.time[1])
    return " ".join(w for w in words if w)


def statement(c: Clause) -> tuple[str, str]:
    return en_statement(c) + ".", f"{c.marker}:{bl_body(c)}."


def aux_question(c: Clause) -> tuple[str, list[str]]:
    """Fronted auxiliary and the verb words after the subject, for a question (no negation)."""
    agr = c.subj.agr
    v = c.v
    if v is None:
        if c.tense in ("pres", "past"):
            return be_form(agr, c.tense), []
        if c.tense == "will":
            return "will", ["be"]
        return be_form(agr, "pres"), ["going", "to", "be"]
    if c.tense == "pres":
        return ("does" if agr == "3sg" else "do"), [v.base]
    if c.tense == "past":
        return "did", [v.base]
    if c.tense == "will":
        return "will", [v.base]
    if c.tense == "going":
        return be_form(agr, "pres"), ["going", "to", v.base]
    return be_form(agr, "pres"), [v.ing]


def _plain_for_question(c: Clause) -> Clause:
    return replace(c, neg=False, never=False, freq="", contract=False,
                   adv="" if c.adv_pre else c.adv, adv_pre=False)


def yes_no(c: Clause) -> tuple[str, str]:
    c = _plain_for_question(c)
    aux, rest = aux_question(c)
    en = " ".join([cap(aux), c.subj.en] + rest + en_tail(c)) + "?"
    return en, f"{c.marker}:{bl_body(c)}?"


def wh_question(c: Clause, wh: str) -> tuple[str, str]:
    c = _plain_for_question(c)
    if wh == "who":
        c2 = replace(c, subj=NP("who", "who", "3sg"))
        return cap(en_statement(c2, start=False)) + "?", f"{c.marker}:{bl_body(c2, start=False)}?"
    aux, rest = aux_question(c)
    kw = dict(drop_obj=wh == "what" and c.v is not None, drop_pp=0 if wh == "where" else None,
              drop_time=wh == "when", drop_pred=wh in ("what", "where") and c.v is None)
    en = " ".join([cap(wh), aux, c.subj.en] + rest + en_tail(c, **kw)) + "?"
    return en, f"{c.marker}:{wh} {bl_body(c, start=False, **kw)}?"


def complex_sentence(main: Clause, conj: str, sub: Clause, sub_first: bool = False) -> tuple[str, str]:
    if sub_first:
        en = f"{cap(conj)} {en_statement(sub, start=False)}, {en_statement(main, start=False)}."
        bl = f"{main.marker}:{conj} {bl_body(sub, start=False)} {bl_body(main, start=False)}."
    else:
        en = f"{en_statement(main)} {conj} {en_statement(sub, start=False)}."
        bl = f"{main.marker}:{bl_body(main)} {conj} {bl_body(sub, start=False)}."
    return en, bl


# ---------------------------------------------------------------------------
# Scenes: a verb with the objects, prepositional phrases and adverbs that fit it
# ---------------------------------------------------------------------------
#
# objs: "key" (determiners from `dets`), "the|a:key" (these determiners), "key+" (plural),
#       "@key" (a person: pronoun, name or "my aunt"), "CITY" (a city name).
# pps:  "prep key|key2" (a noun phrase, mostly with "the"), "prep CITY", "prep =fixed words"
#       (English as written; Bliss drops "the"/"a").


@dataclass
class Scene:
    verb: str
    subj: str = "human"  # human | adult | animal:<noun,...> | thing:<noun,...>
    objs: tuple[str, ...] = ()
    pps: tuple[str, ...] = ()
    advs: tuple[str, ...] = ()
    particle: str = ""
    dets: str = "any"  # default determiners for objects
    habit: bool = True  # fine in the simple present with a habitual time
    prog: bool = True  # fine in the progressive
    durative: bool = False  # fine with "all day"
    obj_optional: bool = False
    where: tuple[int, ...] = ()  # indices of locative pps (for where-questions)
    how: bool = False  # a sensible "how" question
    tenses: str = "past pres will going prog"  # tenses the scene is used in
    need_pp: bool = False  # never without its prepositional phrase


def S(verb, subj="human", objs="", pps="", advs="", **kw) -> Scene:
    def split(s: str) -> tuple[str, ...]:
        return tuple(x.strip() for x in s.split(",") if x.strip())
    return Scene(verb, subj, split(objs), split(pps), split(advs), **kw)


for _spec, _adjs in [("field", "green wide"), ("ferry", "old crowded"), ("portrait", "small beautiful"),
                     ("room", "small cold"), ("candle", "")]:
    _n(_spec, _adjs)
_n("grandson", "", person=True)

SCENES = [
    S("paint", objs="fence,door,bench,boat,gate,shed", pps="in garden,behind house", advs="carefully,slowly,quickly",
      dets="the|poss|gen", habit=False, durative=True, where=(0, 1)),
    S("paint", objs="picture,portrait", pps="in kitchen,on balcony,in park", advs="carefully,slowly",
      dets="a|the", durative=True, where=(0, 1, 2)),
    S("bake", objs="bread,a|the:cake,a|the:pie,the|0:muffin+", pps="for party,for guest,for neighbor", advs="carefully"),
    S("cook", objs="soup,rice,stew,fish,0:dinner", pps="for guest,in kitchen,for child", advs="slowly,carefully,quickly",
      dets="the|0", where=(1,)),
    S("wash", objs="the|0:dish+,car,dog,window,shirt,cup,plate", pps="in yard,in river", advs="carefully,quickly,slowly",
      dets="the|poss|gen", where=(0, 1)),
    S("repair", subj="adult", objs="radio,bicycle,roof,fence,lamp,clock,chair,gate", pps="in garage,in shed",
      advs="carefully,quickly,patiently", dets="the|poss|gen", habit=False, where=(0, 1), how=True),
    S("fix", subj="adult", objs="radio,bicycle,lamp,clock,chair,car", pps="in garage,in kitchen",
      advs="carefully,quickly", dets="the|poss|gen", habit=False, where=(0, 1), how=True),
    S("read", objs="book,newspaper,letter,poem,map,recipe,story", pps="in library,on train,in garden,on sofa,in =bed",
      advs="quietly,slowly,carefully", durative=True, where=(0, 1, 2, 3, 4)),
    S("write", objs="letter,poem,story,email,report,postcard", pps="to aunt|grandmother|cousin|teacher,at table,in notebook",
      advs="carefully,slowly,neatly", dets="a|the", where=(1, 2)),
    S("buy", objs="bread,apple,shoe+,ticket,umbrella,coat,flower+,cheese,honey,jam,vegetable+",
      pps="at market,at bakery,in CITY,for sister|mother|grandfather", dets="the|a|0", where=(0, 1, 2)),
    S("sell", subj="adult", objs="apple+,vegetable+,bicycle,painting+,book+,bread,honey", pps="at market,to neighbor,in village",
      dets="the|0|poss", where=(0, 2)),
    S("visit", objs="@aunt,@uncle,@grandmother,@grandfather,@cousin,@friend,@neighbor,the:museum-,the:castle-,the:harbor-,the:market-,CITY",
      pps="with son|daughter|cousin|friend"),
    S("call", objs="@mother,@father,@doctor,@friend,@plumber,@aunt,@grandmother,@teacher,@coach", advs="immediately",
      prog=False),
    S("plant", objs="the|0:tomato+,the|0:rose+,a|the:tree,the|0:potato+,the|0:seed+,the|0:flower+",
      pps="in garden,near fence,behind house,beside gate", advs="carefully", habit=False, where=(0, 1, 2, 3)),
    S("water", objs="the|poss:plant+,the|poss:rose+,the|poss:garden,the|poss:tomato+", advs="carefully"),
    S("walk", pps="to station,to =school,along river,through park,to village,to bakery,across bridge",
      advs="slowly,quickly,quietly"),
    S("run", pps="along beach,around lake,to bus stop,through forest,across park", advs="fast,quickly,slowly"),
    S("swim", pps="in lake,in river,in pool,across lake,in =the sea", advs="slowly,happily,fast", durative=True,
      where=(0, 1, 2, 4)),
    S("travel", pps="to CITY,to CITY,by =train,by =bus,by =boat", need_pp=True),
    S("drive", subj="adult", objs="car-,bus-,taxi-", pps="to airport,to CITY,to hospital,to market", advs="carefully,slowly,fast",
      dets="the|poss|gen", obj_optional=True),
    S("ride", objs="poss|the|gen:bicycle-,the|poss:horse-", pps="to =school,along river,through forest,to village",
      advs="slowly,carefully"),
    S("play", objs="0:chess,0:football,the:piano-,the:guitar-,the:violin-,the:drum+", pps="in park,with cousin|friend|neighbor|classmate,in garden,at =school",
      advs="happily,loudly,quietly,well", durative=True, where=(0, 2, 3)),
    S("sing", objs="a|the:song,a|the:lullaby", pps="at wedding,for baby,in kitchen,at party", advs="softly,loudly,beautifully",
      obj_optional=True, where=(0, 2, 3)),
    S("dance", pps="at wedding,in kitchen,at festival,at party", advs="happily,gracefully,slowly", durative=True,
      where=(0, 1, 2, 3)),
    S("clean", objs="kitchen-,window,bathroom-,garage-,shoe+,floor-,yard-,table", advs="thoroughly,quickly,carefully",
      dets="the|poss|gen", durative=True),
    S("carry", objs="box,bag,suitcase,basket,chair", pps="to car,into house,to station,up =the stairs", advs="carefully,slowly",
      dets="the|poss|gen|a", habit=False),
    S("open", objs="window,door,gate,box,parcel,jar", advs="slowly,quietly,carefully", dets="the|poss", habit=False),
    S("close", objs="window,door,gate,shop,bakery", advs="slowly,quietly", dets="the|poss", habit=False),
    S("find", objs="key,wallet,ring,glove+,ticket,umbrella", pps="under sofa,in drawer,in garden,on bus,behind door",
      dets="the|poss|gen", habit=False, prog=False, where=(0, 1, 2, 3, 4), tenses="past"),
    S("lose", objs="key,umbrella,glove+,ticket,wallet,ring", pps="on bus,at station,in park,at market",
      dets="the|poss", habit=False, prog=False, where=(0, 1, 2, 3), tenses="past"),
    S("teach", subj="adult", objs="0:history,0:music,0:math,0:science", pps="at =school,in village,at =the university",
      where=(0, 1, 2)),
    S("help", objs="@neighbor,@grandmother,@grandfather,@child,@student,@friend,@aunt", pps="in garden,with =the homework,in kitchen",
      advs="patiently,kindly", where=(0, 2)),
    S("meet", objs="@friend,@cousin,@teacher,@aunt,@uncle,@classmate", pps="at station,in café,in park,at library,at harbor",
      where=(0, 1, 2, 3, 4)),
    S("wait", pps="for bus,for train,at bus stop,outside =the school,for doctor", advs="patiently,quietly", durative=True,
      where=(2, 3), need_pp=True),
    S("study", objs="0:history,0:math,0:science,0:music", pps="in library,at table,for exam,in kitchen", advs="hard,quietly",
      obj_optional=True, durative=True, where=(0, 1, 3)),
    S("draw", objs="picture,map,horse,house,bird,cat", pps="in notebook,on =the wall,on =paper", advs="carefully,slowly,quickly",
      dets="a|the"),
    S("feed", objs="cat,chicken+,horse+,duck+,baby,dog,goat+", pps="in yard,at pond,in garden", dets="the|poss|gen",
      where=(0, 1, 2)),
    S("catch", objs="a|the:fish-,the:bus-,the:train-,the:ball-,the:ferry-", habit=False),
    S("send", objs="letter,parcel,postcard,package,email", pps="to aunt|cousin|grandmother|uncle|friend,to CITY",
      advs="quickly", dets="a|the"),
    S("bring", objs="cake,flower+,salad,pie,sandwich+,umbrella", pps="to party,to picnic,to =school,to wedding,to meeting",
      dets="a|the|0|poss", habit=False),
    S("watch", objs="film-,match-", pps="at cinema,on =television", advs="quietly", dets="a|the", durative=True,
      where=(0,)),
    S("watch", objs="the:bird+,the:sheep+,the:kite+,the:race-,the:boat+", pps="from balcony,in park,from =the bridge",
      advs="quietly,happily", durative=True, where=(0, 1, 2)),
    S("listen", pps="to radio,to music,to teacher|coach,to bird+,to story", advs="carefully,quietly", durative=True,
      need_pp=True),
    S("sleep", pps="on sofa,in tent,in hammock,in =bed", advs="deeply,peacefully,badly,well", durative=True,
      where=(0, 1, 2, 3)),
    S("wake", particle="up", advs="early,late,slowly"),
    S("climb", objs="hill-,tree-,mountain-,ladder-,wall-", advs="slowly,carefully,quickly", dets="the|a", habit=False),
    S("build", objs="treehouse-,shed-,boat-,wall-,snowman-,kite-", pps="in garden,behind house,in yard,for child|nephew|niece",
      advs="carefully,slowly", dets="a|the", habit=False, where=(0, 1, 2), how=True),
    S("knit", objs="scarf,sweater,hat,sock+", pps="for baby,for grandson|nephew|niece|sister", advs="slowly,carefully",
      dets="a|the", habit=False),
    S("pick", particle="up", objs="@child,@guest,@cousin,@grandmother,the|poss:parcel,the|poss:package",
      pps="from =school,at station,at airport,from post office", advs="quickly"),
    S("take", objs="the|a:bus-,the|a:train-,a:taxi-,the:ferry-", pps="to =work,to airport,to CITY,to hospital"),
    S("wear", objs="coat-,hat-,boot+,dress-,scarf-,jacket-,glove+,sweater-", pps="to wedding,to =school,to party,to concert",
      dets="poss|a"),
    S("pack", objs="suitcase-,bag-,basket-,poss|0:lunch", advs="carefully,quickly", dets="the|poss", habit=False),
    S("order", objs="pizza,soup,coffee,tea,salad,taxi", pps="for guest,for =dinner", dets="a|0|the", habit=False),
    S("drink", objs="tea,coffee,milk,water,juice", pps="in kitchen,on balcony,in garden,at café", advs="slowly,quietly",
      dets="0|the|poss", where=(0, 1, 2, 3)),
    S("eat", objs="0|the:soup,a|the:apple,a|the:sandwich,0:breakfast,0:lunch,0:dinner,0|the:bread,0|the:cheese",
      pps="in kitchen,at table,in garden,on balcony,in park", advs="slowly,quickly,quietly", where=(0, 1, 2, 3, 4)),
    S("borrow", objs="book-,ladder-,bicycle-,car-,umbrella-,tool+", pps="from neighbor,from library,from cousin|friend|uncle",
      dets="a|the|poss|gen", habit=False),
    S("explore", objs="forest-,cave+,island-,castle-,village-,harbor-", advs="carefully,slowly", dets="the", habit=False,
      durative=True),
    S("sweep", objs="floor-,yard-,step+,kitchen-", advs="quickly,carefully", dets="the|poss"),
    S("fold", objs="laundry,shirt+,towel+,map,sweater+", advs="carefully,neatly,quickly", dets="the|poss"),
    S("practice", objs="the:piano-,the:guitar-,the:violin-,a|the:song", pps="in kitchen,at =school,in garage",
      advs="quietly,hard", durative=True, where=(0, 1, 2)),
    S("win", objs="race-,game-,prize-,match-", advs="easily", dets="the|a", habit=False),
    S("arrive", pps="at station,at airport,in CITY,at =school,at party,at hotel", advs="early,late",
      where=(0, 1, 2, 3, 4, 5)),
    S("stay", pps="at hotel,with grandmother|aunt|cousin|friend,in CITY,at =home", where=(0, 2, 3), need_pp=True),
    S("forget", objs="key,umbrella,ticket,wallet,glove+", pps="at =home,on train,on bus,in café", dets="the|poss",
      habit=False, prog=False, where=(0, 1, 2, 3), tenses="past"),
    S("shop", pps="at market,in CITY,with mother|sister|friend|aunt", where=(0, 1), need_pp=True),
    S("hang", particle="up", objs="coat,laundry,picture,jacket,towel+", advs="carefully,quickly", dets="the|poss",
      habit=False),
    S("bark", subj="animal:dog", pps="at stranger+,at mail carrier,at squirrel+,at duck+", advs="loudly,happily"),
    S("chase", subj="animal:dog,cat", objs="ball,squirrel,duck+,chicken+,bird", pps="across yard,around garden,through park",
      advs="happily,quickly", dets="the|a|0"),
    S("sleep", subj="animal:cat,dog", pps="on windowsill,in basket,under table,on sofa,in =the sun",
      advs="peacefully,deeply", durative=True, where=(0, 1, 2, 3, 4)),
    S("sing", subj="animal:bird+", pps="in tree,on roof,in garden", advs="loudly,sweetly", where=(0, 1, 2)),
    S("swim", subj="animal:duck+", pps="on pond,in river,on lake", advs="slowly,quietly", where=(0, 1, 2)),
    S("eat", subj="animal:horse,goat,sheep", objs="0:grass,0:hay,0|the:carrot+,0|the:apple+", pps="in field,in yard",
      advs="slowly,quietly", where=(0, 1)),
    S("arrive", subj="thing:bus,train,ferry", pps="at station,at harbor,at airport,in CITY", advs="early,late",
      where=(0, 1, 2, 3)),
    S("leave", subj="thing:bus,train,ferry", pps="from station,from harbor,for CITY", advs="early,late"),
    S("open", subj="thing:bakery,café,museum,library,shop,market", advs="early,late", prog=False),
    S("close", subj="thing:bakery,café,museum,library,shop,market", advs="early,late", prog=False),
]


_n("dish", "dirty")
# things that are being made are not yet old, broken or dirty
CREATION_VERBS = {"knit", "build", "bake", "draw", "write", "cook"}
CREATED_EXCLUDE = frozenset({"old", "broken", "dirty", "rusty", "leaky", "muddy"})


def _check_scenes() -> None:
    """Every noun a scene names must be in the lexicon."""
    for sc in SCENES:
        keys = []
        for spec in sc.objs:
            if spec != "CITY":
                keys.append(spec.lstrip("@").rpartition(":")[2].rstrip("+-"))
        for spec in sc.pps:
            rest = spec.partition(" ")[2]
            if not rest.startswith("=") and rest != "CITY":
                keys += [k.rstrip("+-") for k in rest.split("|")]
        if ":" in sc.subj:
            keys += [k.rstrip("+-") for k in sc.subj.split(":", 1)[1].split(",")]
        for k in keys:
            assert k in NOUNS, (sc.verb, k)
        for a in sc.advs:
            assert " " not in a, a


_check_scenes()


class Builder:
    def __init__(self, g: Gen) -> None:
        self.g = g
        self.last_key = ""

    def subject(self, sc: Scene) -> NP:
        g = self.g
        if sc.subj.startswith(("animal:", "thing:")):
            spec = g.pick(sc.subj.split(":", 1)[1].split(","))
            plural = True if spec.endswith("+") else None
            key = spec.rstrip("+")
            if sc.subj.startswith("thing"):
                return g.np(key, "the", plural=False, nadj=g.r.choices([0, 1], [0.75, 0.25])[0])
            return g.np(key, "the|poss|gen", plural=plural, nadj=g.r.choices([0, 1, 2], [0.55, 0.35, 0.1])[0])
        return g.person_subject(adult=sc.subj == "adult")

    def obj(self, sc: Scene, subj: NP, spec: str | None = None) -> tuple[str, str] | None:
        g = self.g
        if not sc.objs or (sc.obj_optional and g.chance(0.35)):
            return None
        spec = spec or g.pick(sc.objs)
        if spec.startswith("@"):
            persons = [s[1:] for s in sc.objs if s.startswith("@")]
            np_ = g.person_object(persons, owner_key(subj), allow_pron=not sc.particle)
            self.last_key = np_.bl
            return np_.en, np_.bl
        if spec == "CITY":
            c = g.pick(CITIES)
            self.last_key = c
            return c, c
        dets, _, key = spec.rpartition(":")
        plural = True if key.endswith("+") else False if key.endswith("-") else None
        if sc.verb == "wear" and subj.agr in ("1pl", "3pl") and NOUNS[key.rstrip("+-")].pl:
            plural = True  # "they wore their coats"
        key = key.rstrip("+-")
        nadj = 0 if NOUNS[key].pl is None and not NOUNS[key].adjs else None
        exclude = CREATED_EXCLUDE if sc.verb in CREATION_VERBS else frozenset()
        np_ = g.np(key, dets or sc.dets, plural=plural, owner=owner_key(subj), nadj=nadj, exclude=exclude)
        self.last_key = key
        return np_.en, np_.bl

    def pp(self, spec: str, subj: NP | None) -> tuple[str, str]:
        g = self.g
        prep, _, rest = spec.partition(" ")
        if rest.startswith("="):
            words = rest[1:]
            bl = " ".join(w for w in words.split() if w not in ("the", "a", "an"))
            return f"{prep} {words}", f"{prep} {bl}"
        if rest == "CITY":
            c = g.pick(CITIES)
            return f"{prep} {c}", f"{prep} {c}"
        keys = rest.split("|")
        key = g.pick(keys)
        plural = True if key.endswith("+") else None
        key = key.rstrip("+")
        n = NOUNS[key]
        if n.person:
            if g.chance(0.75):
                np_ = g.person_object([k.rstrip("+") for k in keys], owner_key(subj))
            else:
                np_ = g.np(key, person_dets(key), plural=None if key in GROUP_NOUNS else False, owner=owner_key(subj))
            return f"{prep} {np_.en}", f"{prep} {np_.bl}"
        dets = "the|the|poss" if key in OWNABLE_PLACES else "the"
        if plural:
            dets = "the|0"
        np_ = g.np(key, dets, plural=plural or False, nadj=g.r.choices([0, 1], [0.75, 0.25])[0], owner=owner_key(subj))
        return f"{prep} {np_.en}", f"{prep} {np_.bl}"

    def clause(self, sc: Scene, tense: str, subj: NP | None = None, n_pp: int | None = None,
               adv_p: float = 0.35, time_p: float = 0.6, allow_now: bool = True, obj_spec: str | None = None) -> Clause:
        g = self.g
        subj = subj or self.subject(sc)
        c = Clause(subj=subj, v=verb(sc.verb), particle=sc.particle, tense=tense)
        c.obj = self.obj(sc, subj, obj_spec)
        if n_pp is None:
            n_pp = g.r.choices([0, 1], [0.45, 0.55])[0] if sc.pps else 0
            if sc.need_pp or (c.obj is None and not sc.particle and sc.pps and g.chance(0.7)):
                n_pp = 1
        if sc.pps and n_pp:
            idx = g.r.randrange(len(sc.pps))
            c.pps = [self.pp(sc.pps[idx], subj)]
            c.pp_index = idx
            if c.obj and c.pps[0][1].split(" ", 1)[1] == c.obj[1]:  # "visit her friend with her friend"
                c.pps, c.pp_index = [], None
        if sc.advs and (g.chance(adv_p) or (c.obj is None and not c.pps and not sc.particle and adv_p > 0)):
            c.adv = g.pick(sc.advs)
            c.adv_pre = (c.adv.endswith("ly") and c.adv not in ("early", "immediately") and tense != "going"
                         and g.chance(0.5))
        if c.obj is None and not c.pps and not c.adv and not sc.particle and sc.pps:
            idx = g.r.randrange(len(sc.pps))
            c.pps = [self.pp(sc.pps[idx], subj)]
            c.pp_index = idx
        if tense == "pres":
            c.time = time_habit(g)
            if sc.subj.startswith("thing"):  # timetables: daily or weekly
                d = g.pick(DAYS)
                c.time = g.pick([("every morning", "morning"), ("every day", "day"), (f"every {d}", d),
                                 (f"on {d}s", f"on {d}s"), ("in the morning", "in morning")])
        elif tense == "prog":
            if allow_now and g.chance(0.35):
                c.now = True
            elif g.chance(time_p * 0.8):
                c.time = time_prog(g)
        elif g.chance(time_p) and c.adv != "immediately":
            c.time = time_past(g, sc.durative) if tense == "past" else time_future(g)
        return c

    def tense_for(self, sc: Scene, weights=None) -> str:
        g = self.g
        tense = g.r.choices(["past", "pres", "will", "going", "prog"], weights or [0.24, 0.26, 0.16, 0.11, 0.23])[0]
        if tense == "pres" and not sc.habit:
            tense = g.pick(["past", "will"])
        if tense == "prog" and not sc.prog:
            tense = g.pick(["past", "going"])
        if tense not in sc.tenses.split():
            tense = g.pick(sc.tenses.split())
        return tense


# ---------------------------------------------------------------------------
# Copula (forms of "to be")
# ---------------------------------------------------------------------------

COPULA_THINGS = {
    "soup": "hot cold salty delicious", "coffee": "strong hot bitter", "museum": "open closed crowded quiet",
    "road": "icy wet busy narrow", "water": "cold warm clear", "kitchen": "cold warm tidy messy",
    "train": "late full crowded", "bus": "late full crowded", "weather": "lovely cold warm terrible windy",
    "sky": "grey clear cloudy", "book": "long interesting boring", "film": "long funny exciting boring",
    "bakery": "open closed busy", "garden": "beautiful green quiet", "exam": "difficult easy long",
    "lake": "cold calm frozen", "bread": "fresh warm stale", "tea": "hot sweet strong", "house": "quiet empty cold",
    "library": "open closed quiet", "market": "busy crowded closed", "cake": "delicious sweet dry",
    "bridge": "closed narrow icy", "shop": "open closed", "concert": "loud long wonderful", "party": "noisy long",
}
COPULA_TIMELESS = {"book", "film", "cake", "bread", "soup", "coffee", "tea", "concert", "party", "garden", "house",
                   "exam"}
COPULA_PAIRS = {"soup": "hot and spicy", "museum": "quiet and cool", "road": "wet and narrow",
                "kitchen": "warm and tidy", "train": "late and crowded", "weather": "cold and windy",
                "sky": "clear and blue", "book": "long and boring", "film": "funny and exciting",
                "garden": "green and quiet", "lake": "calm and cold", "bread": "fresh and warm",
                "house": "cold and empty", "party": "long and noisy", "exam": "long and difficult"}
_n("weather", "", pl=None)
_n("sky", "")
# states that can recur ("The museum is closed every Monday", "I am tired in the evening")
HABITUAL_STATES = {"tired", "hungry", "busy", "sleepy", "thirsty", "late", "open", "closed", "crowded", "quiet",
                   "cold", "warm", "at home", "at work", "at market", "at library"}
PERSON_PRED_ADJ = "tired hungry happy sick busy nervous late ready sad proud sleepy angry cold thirsty excited".split()
PERSON_PRED_NP = ["teacher", "nurse", "doctor", "farmer", "pilot", "student", "baker", "coach"]


def copula_clause(g: Gen, tense: str) -> Clause:
    k = g.r.random()
    time_ok, durative = True, False
    if k < 0.45:  # thing + adjective
        key = g.pick(sorted(COPULA_THINGS))
        time_ok = key not in COPULA_TIMELESS
        adjs = COPULA_THINGS[key].split()
        if key in ("weather", "sky"):
            subj = NP(f"the {key}", key)
        else:
            subj = g.np(key, "the|poss" if key in ("house", "garden", "kitchen", "coffee", "tea", "soup") else "the",
                        plural=False, nadj=0)
        pair = COPULA_PAIRS.get(key)
        if pair and g.chance(0.3):
            pred = (pair, pair)
        else:
            a = g.pick(adjs)
            pred = (a, a)
    elif k < 0.75:  # person + adjective
        subj = g.person_subject()
        a = g.pick(PERSON_PRED_ADJ if tense in ("pres", "past") else ["busy", "ready", "late", "tired", "free", "hungry"])
        pred = (a, a)
        if a in ("tired", "hungry", "happy", "busy", "sad", "proud", "excited", "nervous", "sleepy") and g.chance(0.15):
            pred = (f"very {a}", f"very {a}")
        durative = True
    elif k < 0.88:  # person + noun
        subj = g.person_subject()
        while subj.agr not in ("1sg", "3sg"):
            subj = g.person_subject()
        job = g.pick(PERSON_PRED_NP)
        pred = (f"{a_an(job)} {job}", job)
        if tense == "pres" and g.chance(0.3):
            adj = g.pick(["good", "kind", "patient", "young", "new"])
            pred = (f"{a_an(adj)} {adj} {job}", f"{job} {adj}")
        time_ok = False
    else:  # person + place
        subj = g.person_subject()
        place = g.pick(["at =home", "at =work", "in garden", "at =school", "in CITY", "at library", "at market",
                        "at station", "in kitchen"])
        pred = Builder(g).pp(place, subj)
        durative = True
    c = Clause(subj=subj, v=None, pred=pred, tense=tense)
    if not time_ok:
        return c
    if tense == "pres":
        if g.chance(0.3) and pred[1] in HABITUAL_STATES:
            c.time = g.pick([("today", "today"), ("every morning", "morning"), ("on Sundays", "on Sundays"),
                             ("every Monday", "Monday"), ("in the evening", "in evening")])
        elif g.chance(0.15):
            c.time = ("today", "today")
    elif tense == "past":
        if g.chance(0.6):
            c.time = time_past(g, durative)
    elif g.chance(0.6):
        c.time = time_future(g)
    return c


# ---------------------------------------------------------------------------
# Complement verbs: want to V, enjoy V-ing, go V-ing
# ---------------------------------------------------------------------------

GO_ING = [("swimming", "swim"), ("fishing", "fish"), ("skiing", "ski"), ("shopping", "shop"), ("sailing", "sail"),
          ("dancing", "dance"), ("running", "run"), ("skating", "skate"), ("climbing", "climb")]


TO_TENSES = {"want": "pres past", "plan": "pres past prog", "hope": "pres past", "try": "past will going pres",
             "need": "pres past", "decide": "past", "like": "pres", "love": "pres", "forget": "past"}
ING_TENSES = {"enjoy": "pres", "finish": "past will going", "start": "past will going",
              "love": "pres", "like": "pres"}
ACTIVITY_VERBS = {"paint", "bake", "cook", "wash", "read", "write", "clean", "draw", "knit", "play", "sing", "dance",
                  "swim", "walk", "run", "practice", "study", "sweep", "fold", "plant", "water", "watch", "listen",
                  "ride", "climb", "explore", "build", "feed", "help"}
FORGET_VERBS = {"water", "feed", "close", "open", "call", "pack", "buy", "send", "bring", "wash"}
PLAN_VERBS = {"visit", "travel", "build", "paint", "buy", "explore", "climb", "bake", "repair", "knit", "plant",
              "write", "meet", "sell"}

def complement_sentence(g: Gen, b: Builder) -> tuple[str, str]:
    k = g.r.random()
    subj = g.person_subject()
    if k < 0.5:
        main = g.pick(TO_TENSES)
        tense = g.pick(TO_TENSES[main].split())
        verbs = PLAN_VERBS if main in ("plan", "hope", "decide") else FORGET_VERBS if main == "forget" else ACTIVITY_VERBS
        sc = g.pick([s for s in SCENES if s.subj in ("human", "adult") and s.verb in verbs])
        inner = b.clause(sc, "will", subj=subj, adv_p=0.0, time_p=0.0)
        head = [sc.verb] + ([sc.particle] if sc.particle else [])
        vp = " ".join(head + ([inner.obj[0]] if inner.obj else []) + [p[0] for p in inner.pps])
        vp_bl = " ".join(head + ([inner.obj[1]] if inner.obj else []) + [p[1] for p in inner.pps])
        obj = (f"to {vp}", f"to {vp_bl}")
    elif k < 0.8:
        main = g.pick(ING_TENSES)
        tense = g.pick(ING_TENSES[main].split())
        sc = g.pick([s for s in SCENES if s.subj in ("human", "adult") and s.verb in ACTIVITY_VERBS])
        inner = b.clause(sc, "will", subj=subj, adv_p=0.0, time_p=0.0, n_pp=0)
        v = verb(sc.verb)
        tail = ([sc.particle] if sc.particle else [])
        en = " ".join([v.ing] + tail + ([inner.obj[0]] if inner.obj else []))
        bl = " ".join([v.base] + tail + ([inner.obj[1]] if inner.obj else []))
        obj = (en, bl)
    else:
        main = "go"
        tense = g.pick(["past", "pres", "will", "going", "prog", "past", "pres"])
        ing, base = g.pick(GO_ING)
        obj = (ing, base)
    c = Clause(subj=subj, v=verb(main), obj=obj, tense=tense)
    if main == "go" and g.chance(0.5):
        if base in ("ski", "climb") and g.chance(0.5):
            c.pps = [("in the mountains", "in mountains")]
        else:
            c.pps = [b.pp(g.pick(["in CITY", "with friend|cousin|sister|uncle"]), subj)]
    if tense == "pres":
        c.time = time_habit(g) if main in ("go", "enjoy") else None
    elif tense == "past" and g.chance(0.55):
        c.time = time_past(g)
    elif tense in ("will", "going") and g.chance(0.6):
        c.time = time_future(g)
    elif tense == "prog" and main == "go":
        c.time = g.pick([("this summer", "summer"), ("this week", "week"), ("today", "today"),
                         ("this weekend", "weekend"), ("tomorrow", "tomorrow")])
    if g.chance(0.18) and main != "go":
        c.neg = True
        c.contract = g.chance(0.5)
    return statement(c)


# ---------------------------------------------------------------------------
# Two-clause sentences
# ---------------------------------------------------------------------------


def _c(subj, v, obj=None, pps=(), tense="past", particle="", adv="", pred=None) -> Clause:
    return Clause(subj=subj, v=verb(v) if v else None, obj=obj, pps=list(pps), tense=tense, particle=particle,
                  adv=adv, pred=pred)


def pron_of(g: Gen, subj: NP) -> NP:
    if subj.pron:
        return subj
    if subj.agr == "3pl":
        return PRONOUNS["they"]
    return PRONOUNS["she" if subj.gender == "f" else "he" if subj.gender == "m" else g.pick(["she", "he"])]


def causal_pair(g: Gen, subj: NP, tense: str) -> tuple[Clause, Clause]:
    """(main, reason) for "because"/"when".  tense: past, pres (generic) or will (reason in the present)."""
    he = pron_of(g, subj)
    his = POSSESSIVE[he.en]
    it = PRONOUNS["it"]
    rt = "past" if tense == "past" else "pres"
    coat = "coats" if he.agr in ("1pl", "3pl") else "coat"

    def be(np_: NP, adj: str) -> Clause:
        return _c(np_, None, pred=(adj, adj), tense=rt)

    # (tenses where the pair makes sense, main, reason)
    opts = [
        ("P H F", _c(subj, "stay", pps=[("at home", "at home")]), be(he, "sick")),
        ("P H F", _c(subj, "wear", obj=(f"{his} warm {coat}", f"{his} {coat} warm")), be(it, "cold")),
        ("P H F", _c(subj, "take", obj=("a taxi", "taxi")), be(NP("the bus", "bus"), "late")),
        ("P H F", _c(subj, "open", obj=("the window", "window")), be(NP("the room", "room"), "hot")),
        ("P H F", replace(_c(subj, "go", pps=[("to bed", "to bed")], adv="early"), adv_end=True), be(he, "tired")),
        ("P H F", _c(subj, "make", obj=("a sandwich", "sandwich")), be(he, "hungry")),
        ("P H", _c(subj, "walk", pps=[("to work", "to work")]), be(NP("the weather", "weather"), "lovely")),
        ("P H", _c(subj, "take", obj=(f"{his} umbrella", f"{his} umbrella")), _c(it, "rain", tense=rt)),
        ("P H F", _c(subj, "drink", obj=("a glass of water", "glass of water")), be(he, "thirsty")),
        ("P H F", _c(subj, "leave", obj=("the party", "party"), adv="early"), be(NP("the music", "music"), "too loud")),
        ("P F", _c(subj, "call", obj=("the doctor", "doctor")), be(NP(f"{his} son", f"{his} son"), "sick")),
        ("P H", _c(subj, "smile"), _c(he, "like", obj=("the song", "song"), tense=rt)),
        ("P H F", _c(subj, "light", obj=("a candle", "candle")), be(NP("the house", "house"), "dark")),
        ("P H", _c(subj, "miss", obj=("the bus", "bus")), _c(he, "wake", particle="up", adv="late", tense=rt)),
        ("P H F", _c(subj, "stay", pps=[("inside", "inside")]), be(NP("the wind", "wind"), "strong")),
        ("P F", _c(subj, "sell", obj=(f"{his} old car", f"{his} car old")), _c(he, "need", obj=("the money", "money"), tense=rt)),
        ("P", _c(subj, "feel", obj=("happy", "happy")), _c(he, "win", obj=("the race", "race"), tense=rt)),
        ("P H F", _c(subj, "close", obj=("the curtains", "curtains")), be(NP("the sun", "sun"), "very bright")),
        ("P", _c(subj, "laugh"), _c(NP("the clown", "clown"), "fall", pps=[("off his chair", "off his chair")], tense=rt)),
        ("P F", _c(subj, "cancel", obj=("the picnic", "picnic")), be(NP("the forecast", "forecast"), "bad")),
        ("P H", _c(subj, "turn", particle="on", obj=("the heater", "heater")), be(NP("the kitchen", "kitchen"), "cold")),
        ("P F", _c(subj, "borrow", obj=(f"{his} sister's bicycle", f"{his} sister bicycle")),
         be(NP(f"{his} own bicycle", f"{his} own bicycle"), "broken")),
    ]
    code = {"past": "P", "pres": "H", "will": "F"}[tense]
    tenses, main, reason = g.pick([o for o in opts if code in o[0].split()])
    main.tense = tense
    return main, reason


def temporal_event(g: Gen, subj: NP, tense: str) -> tuple[str, Clause]:
    """A subordinate clause for when/after/before/as soon as, mostly about the main clause's subject."""
    he = pron_of(g, subj)
    his = POSSESSIVE[he.en]
    opts = [
        ("after,before", _c(he, "eat", obj=("breakfast", "breakfast"))),
        ("after,before,as soon as", _c(he, "finish", obj=(f"{his} homework", f"{his} homework"))),
        ("when,after,as soon as", _c(he, "get", pps=[("home", "home")])),
        ("when,after,before,as soon as", _c(he, "come", pps=[("home", "home")])),
        ("when,after,as soon as", _c(he, "wake", particle="up")),
        ("when,after,as soon as", _c(he, "arrive", pps=[("at the station", "at station")])),
        ("when,after,as soon as", _c(NP("the rain", "rain"), "stop")),
        ("when,after,before,as soon as", _c(NP("the guests", "guests", "3pl"), "arrive")),
        ("before", _c(NP("the shop", "shop"), "close")),
        ("after,before,as soon as", _c(he, "finish", obj=("work", "work"))),
        ("before,when", _c(NP("the sun", "sun"), "rise")),
        ("before,after,when", _c(NP("the sun", "sun"), "set")),
        ("when,as soon as", _c(he, "hear", obj=("the news", "news"))),
        ("after,when", _c(NP("the film", "film"), "end")),
        ("after,when,as soon as", _c(NP("the baby", "baby"), "fall", obj=("asleep", "asleep"))),
        ("after,before", _c(he, "walk", obj=(f"{his} dog", f"{his} dog"))),
        ("before,after", _c(he, "leave", obj=("the house", "house"))),
        ("when", _c(he, "feel", obj=("tired", "tired"))),
        ("when,as soon as", _c(NP("the bell", "bell"), "ring")),
        ("after,before", _c(he, "have", obj=("lunch", "lunch"))),
    ]
    conjs, sub = g.pick(opts)
    conj = g.pick(conjs.split(","))
    sub.tense = tense
    return conj, sub


NOT_IN_SEQUENCE = {"teach", "sell", "find", "lose", "forget", "wake", "sleep"}


def human_activity(g: Gen, b: Builder, tense: str, subj: NP | None = None, transitive: bool = False) -> tuple[Scene, Clause]:
    scenes = [s for s in SCENES if s.subj in ("human", "adult") and s.verb not in NOT_IN_SEQUENCE
              and (tense != "pres" or s.habit) and (tense != "prog" or s.prog)
              and (not transitive or (s.objs and not s.obj_optional))]
    sc = g.pick(scenes)
    c = b.clause(sc, tense, subj=subj, adv_p=0.25, time_p=0.0, allow_now=False)
    c.time = None
    c.adv_pre = False
    return sc, c


def two_clause(g: Gen, b: Builder) -> tuple[str, str]:
    k = g.r.random()
    if k < 0.28:  # because / when (cause)
        tense = g.pick(["past", "past", "pres", "will"])
        subj = g.person_subject()
        main, reason = causal_pair(g, subj, tense)
        if tense == "pres":
            return complex_sentence(main, "when", reason, sub_first=g.chance(0.3))
        if tense == "past" and g.chance(0.3):
            main.time = time_past(g)
        return complex_sentence(main, "because", reason, sub_first=g.chance(0.2))
    if k < 0.55:  # temporal: when / after / before / as soon as
        tense = g.pick(["past", "will", "going", "pres", "past"])
        subj = g.person_subject()
        _, main = human_activity(g, b, tense, subj)
        conj, sub = temporal_event(g, subj, "past" if tense == "past" else "pres")
        if sub.v.base == main.v.base:
            return two_clause(g, b)
        if tense == "pres" and conj == "as soon as":
            conj = "when"
        return complex_sentence(main, conj, sub, sub_first=g.chance(0.35))
    if k < 0.8:  # and: two subjects, or one subject doing two things
        tense = g.pick(["past", "pres", "will", "prog", "past", "going"])
        subj = g.person_subject()
        _, main = human_activity(g, b, tense, subj)
        if tense != "prog" and g.chance(0.45):
            _, sub = human_activity(g, b, tense, subj)
            sub.elide = True
        else:
            other = g.person_subject()
            if other.en == subj.en:
                return two_clause(g, b)
            _, sub = human_activity(g, b, tense, other)
        if sub.v.base == main.v.base:
            return two_clause(g, b)
        if tense == "pres":
            sub.time = time_habit(g)
        elif tense == "prog":
            if g.chance(0.3):
                sub.now = True
            elif g.chance(0.3):
                sub.time = time_prog(g)
        elif g.chance(0.4):
            sub.time = time_past(g) if tense == "past" else time_future(g)
        return complex_sentence(main, "and", sub)
    # but: same subject and verb, the second clause negated with another object
    tense = g.pick(["past", "pres", "will", "prog", "past"])
    subj = g.person_subject()
    sc, main = human_activity(g, b, tense, subj, transitive=True)
    first_key = b.last_key
    sub = replace(main, subj=pron_of(g, subj), obj=b.obj(sc, subj), pps=[], adv="", neg=True,
                  contract=g.chance(0.5), time=None, now=False)
    if sub.obj is None or main.obj is None or b.last_key == first_key:
        return two_clause(g, b)
    if tense == "pres":
        main.time = time_habit(g)
    elif tense in ("past", "will") and g.chance(0.4):
        main.time = time_past(g) if tense == "past" else time_future(g)
    return complex_sentence(main, "but", sub)


# ---------------------------------------------------------------------------
# Hand-written pairs (not from templates)
# ---------------------------------------------------------------------------

HANDWRITTEN: list[tuple[str, str]] = [
    # short sentences
    ("The baby is sleeping.", "present progressive:baby be sleep."),
    ("Grandpa snores loudly.", "present:Grandpa snore loudly."),
    ("The kettle is boiling.", "present progressive:kettle be boil."),
    ("We missed the ferry.", "past:We miss ferry."),
    ("Ravi will lead the choir.", "future:Ravi lead choir."),
    # "will" and "going to" give the same Bliss
    ("Omar will repaint the old boathouse next month.", "future:Omar repaint boathouse old month next."),
    ("Omar is going to repaint the old boathouse next month.", "future:Omar repaint boathouse old month next."),
    ("I'll phone Grandma tonight.", "future:I phone Grandma tonight."),
    ("I'm going to phone Grandma tonight.", "future:I phone Grandma tonight."),
    ("Nobody answered the phone.", "past:nobody answer phone."),
    ("The puppy chewed my slipper.", "past:puppy chew my slipper."),
    ("It snowed all night.", "past:It snow night."),
    ("It is raining right now.", "present progressive:It be rain now."),
    ("The milk smells sour.", "present:milk smell sour."),
    # present perfect -> past:
    ("I have finished my homework.", "past:I finish my homework."),
    ("Freya has lost her new gloves again.", "past:Freya lose again her gloves new."),
    ("We have never seen a real volcano.", "past:We never see volcano real."),
    ("Have you fed the goats?", "past:You feed goats?"),
    ("The plumber has not repaired the leaky tap yet.", "past:plumber not repair yet tap leaky."),
    ("My cousins have moved to Tallinn.", "past:my cousins move to Tallinn."),
    # modal verbs: kept before the base verb
    ("I can swim.", "present:I can swim."),
    ("Hamid can speak four languages.", "present:Hamid can speak four languages."),
    ("You should drink more water.", "present:You should drink more water."),
    ("Children must hold the rail on the stairs.", "present:children must hold rail on stairs."),
    ("Can you help me with the heavy box?", "present:You can help me with box heavy?"),
    ("She cannot find her reading glasses.", "present:She not can find her reading glasses."),
    ("We should not wake the baby.", "present:We not should wake baby."),
    # numbers (kept, §10: a Bliss user needs them) and quantities
    ("Kofi bought three melons at the market.", "past:Kofi buy three melons at market."),
    ("The hens laid six eggs this morning.", "past:hens lay six eggs morning."),
    ("Two owls live in the old barn.", "present:two owls live in barn old."),
    # there is / there are
    ("There is a spider in the bathtub.", "present:spider be in bathtub."),
    ("There were many people at the harbor festival.", "past:many people be at harbor festival."),
    ("There will be fireworks over the bay tonight.", "future:fireworks be over bay tonight."),
    # degree words
    ("The new bridge is very long.", "present:bridge new be very long."),
    ("Signe wore a very warm jacket on the ferry.", "past:Signe wear jacket very warm on ferry."),
    # coordinated subjects / objects
    ("Mirela and Oskar painted the kitchen together.", "past:Mirela and Oskar paint together kitchen."),
    ("We packed bread, cheese and apples for the trip.", "past:We pack bread cheese and apples for trip."),
    ("My uncle and his dog walk along the canal every evening.", "present:my uncle and his dog walk along canal evening."),
    # possessives
    ("My sister's old car broke down on the highway.", "past:my sister car old break down on highway."),
    ("Teodor borrowed his neighbor's ladder last Sunday.", "past:Teodor borrow his neighbor ladder Sunday last."),
    ("The farmer's black goat jumped over the fence.", "past:farmer goat black jump over fence."),
    ("Is Leilani's red scarf in the car?", "present:Leilani scarf red be in car?"),
    # negation and never
    ("I don't eat meat.", "present:I not eat meat."),
    ("Rashid never drinks coffee after lunch.", "present:Rashid never drink coffee after lunch."),
    ("The shop won't open on Sunday.", "future:shop not open on Sunday."),
    ("They weren't at home last night.", "past:They not be at home night last."),
    ("Ximena is not going to sell her grandmother's piano.", "future:Ximena not sell her grandmother piano."),
    ("I'm not listening to the radio right now.", "present progressive:I not be listen now to radio."),
    # questions
    ("Where are my keys?", "present:where my keys be?"),
    ("What time does the museum open?", "present:what time museum open?"),
    ("Who ate the last piece of cake?", "past:who eat piece last of cake?"),
    ("Why is the dog barking at the gate?", "present progressive:why dog be bark at gate?"),
    ("Did Tomasz enjoy the concert last night?", "past:Tomasz enjoy concert night last?"),
    ("Are you going to visit Tbilisi next spring?", "future:You visit Tbilisi spring next?"),
    ("How do you make soft bread?", "present:how you make bread soft?"),
    ("When will the swallows come back?", "future:when swallows come back?"),
    ("Is your brother still living in Accra?", "present progressive:your brother be live still in Accra?"),
    # longer sentences with subordinate clauses
    ("When the storm ended, the children ran outside and jumped in the puddles.", "past:when storm end children run outside and jump in puddles."),
    ("If it rains tomorrow, we will visit the aquarium instead of the beach.", "future:if it rain tomorrow we visit aquarium instead of beach."),
    ("Wanjiru slowly climbed the narrow stairs because her knee hurt.", "past:Wanjiru climb slowly stairs narrow because her knee hurt."),
    ("Before the guests arrive, I am going to sweep the floor and light the candles.", "future:before guests arrive I sweep floor and light candles."),
    ("Although the water was cold, Keanu swam across the bay.", "past:although water be cold Keanu swim across bay."),
    ("My grandmother tells funny stories while she knits warm socks for everyone.", "present:my grandmother tell stories funny while she knit socks warm for everyone."),
    ("The old fisherman mended his nets on the quiet pier until the sun went down.", "past:fisherman old mend his nets on pier quiet until sun go down."),
    ("We will plant an apple tree in the garden when our daughter is born.", "future:We plant apple tree in garden when our daughter be born."),
    ("Anouk is learning Portuguese because she wants to work in Porto next year.", "present progressive:Anouk be learn Portuguese because she want to work in Porto year next."),
    ("The ferry to Port Elma did not leave because the sea was too rough.", "past:ferry to Port Elma not leave because sea be too rough."),
    ("After the long meeting, the tired nurses drank sweet tea in the small kitchen.", "past:after meeting long nurses tired drink tea sweet in kitchen small."),
    ("Does the library lend books to people who do not live in the village?", "present:library lend books to people who not live in village?"),
    ("Emeka and his little brother are building a snow fort in the backyard right now.", "present progressive:Emeka and his brother little be build now snow fort in backyard."),
    ("The baker gets up before dawn so the bread is ready for breakfast.", "present:baker get up before dawn so bread be ready for breakfast."),
    ("Leilani will teach her nephew to ride a bicycle next summer.", "future:Leilani teach her nephew to ride bicycle summer next."),
    ("I usually read the newspaper while I drink my morning coffee.", "present:I read usually newspaper while I drink my morning coffee."),
    ("Yuki quietly closed the door because the baby was asleep.", "past:Yuki close quietly door because baby be asleep."),
]


# ---------------------------------------------------------------------------
# Main
# ---------------------------------------------------------------------------



# --- everyday messages (docs/conceptual-bliss.md §16-17) ------------------------------------------------------------

sys.path.insert(0, str(Path(__file__).resolve().parent))
from everyday_messages import Lexicon, key, messages, typed  # noqa: E402

EVERYDAY_SEED = SEED + 1
EVERYDAY_QUOTA = {
    "need": 22, "feeling": 22, "request": 24, "command": 26, "wish": 22, "time": 26, "aspect": 18, "compare": 10,
    "quantity": 14, "phrase": 16, "social": 18, "vocative": 16, "question": 22, "several": 14,
}
EVERYDAY_TYPED_SHARE = 0.3
EVERYDAY_LEXICON = Lexicon(
    things=(("a cup of tea", "cup of tea"), ("my book", "my book"), ("a towel", "towel"), ("my coat", "my coat"),
            ("my keys", "my keys"), ("a spoon", "spoon"), ("some bread", "some bread"), ("my socks", "my socks"),
            ("a drink", "drink"), ("an apple", "apple"), ("my bag", "my bag"), ("a clean shirt", "shirt clean")),
    mass=("milk", "coffee", "bread", "cheese", "pasta", "fruit", "cereal"),
    counted=(("tablet", "tablets"), ("apple", "apples"), ("cookie", "cookies"), ("hour", "hours")),
    feelings=("angry", "excited", "nervous", "worried", "busy", "full", "cheerful", "grumpy", "sore", "fine"),
    body=("hand", "neck", "eye", "shoulder", "finger", "nose", "toe", "chest"),
    chores=(("open", "the curtains", "curtains", "opened", "opening"),
            ("shut", "the window", "window", "shut", "shutting"),
            ("switch on", "the fan", "fan", "switched on", "switching on"),
            ("switch off", "the television", "television", "switched off", "switching off"),
            ("call", "the doctor", "doctor", "called", "calling"),
            ("carry", "my bag", "my bag", "carried", "carrying"),
            ("bring", "my coat", "my coat", "brought", "bringing"),
            ("find", "my keys", "my keys", "found", "finding")),
    activities=(("paint", "a picture", "picture", "painted", "painting"),
                ("cook", "dinner", "dinner", "cooked", "cooking"),
                ("feed", "the cat", "cat", "fed", "feeding"),
                ("water", "the plants", "plants", "watered", "watering"),
                ("phone", "Grandpa", "Grandpa", "phoned", "phoning"),
                ("tidy", "my desk", "my desk", "tidied", "tidying"),
                ("make", "a sandwich", "sandwich", "made", "making"),
                ("walk", "the dog", "dog", "walked", "walking")),
    places=(("to school", "to school"), ("to the library", "to library"), ("to the pool", "to pool"),
            ("upstairs", "upstairs"), ("to the kitchen", "to kitchen"), ("to the zoo", "to zoo"),
            ("to the market", "to market"), ("to the cinema", "to cinema")),
    kin=("Mum", "Daddy", "Granny", "Nana"),
    comparatives=(("longer", "scarf"), ("shorter", "rope"), ("cheaper", "bike"), ("newer", "computer"),
                  ("darker", "blanket")),
    weather=("rainy", "cloudy", "early", "hot", "quiet", "noisy"),
    meals=("breakfast", "lunch", "supper"),
    days=("Saturday", "Sunday", "Monday", "Friday"),
    greetings=("hi", "hey", "good afternoon", "good evening", "thanks a lot", "goodbye", "excuse me", "see you soon",
               "sorry"),
    exclamations=("wow", "yuck", "hooray", "listen", "look", "hurry"),
)
EVERYDAY_HANDWRITTEN = [
    ("Close the gate, please.", "imperative:close gate please."),
    ("Please sit down.", "imperative:please sit down."),
    ("Don't touch the oven.", "imperative:not touch oven."),
    ("Be quiet.", "imperative:be quiet."),
    ("Let's go outside.", "imperative:let us go outside."),
    ("Help!", "imperative:help!"),
    ("I won!", "past:I win!"),
    ("I would like a cup of tea.", "conditional:I like cup of tea."),
    ("Could you open the door?", "conditional:You can open door?"),
    ("We might go to the park.", "conditional:We may go to park."),
    ("I would have helped you.", "past conditional:I help you."),
    ("She may visit us tomorrow.", "future conditional:She may visit us tomorrow."),
    ("I was sleeping when you called.", "past progressive:I be sleep when you call."),
    ("We will be waiting at the station.", "future progressive:We be wait at station."),
    ("The film had started before we arrived.", "past:film start before we arrive."),
    ("I used to play the piano.", "past:I used to play piano."),
    ("The cup was broken by the dog.", "past:cup be broken by dog."),
    ("The letters are written in pencil.", "present:letters be written in pencil."),
    ("My bag is heavier than yours.", "present:my bag be heavier than yours."),
    ("This is the best day.", "present:this be day best."),
    ("I want that one.", "present:I want that one."),
    ("These shoes are too small.", "present:these shoes be too small."),
    ("Is there any milk?", "present:any milk be?"),
    ("I have no time.", "present:I have no time."),
    ("We need a lot of chairs.", "present:We need lot of chairs."),
    ("Take two pills with water.", "imperative:take two pills with water."),
    ("The shop opens at nine o'clock.", "present:shop open at nine o'clock."),
    ("Yesterday, we went to the beach.", "past:We go to beach yesterday."),
    ("Tomorrow I will call you because it is your birthday.", "future:I call you tomorrow because it be your birthday."),
    ("More milk, please.", "phrase:more milk please."),
    ("No.", "phrase:no."),
    ("Ouch!", "phrase:ouch!"),
    ("Good night.", "phrase:good night."),
    ("Thanks for the card.", "phrase:thanks for card."),
    ("Hi, can I come in?", "phrase:hi. present:I can come in?"),
    ("Mom, I am thirsty.", "phrase:Mom. present:I be thirsty."),
    ("Good night, Dad.", "phrase:good night. phrase:Dad."),
    ("You are tired, aren't you?", "present:You be tired?"),
    ("Don't you want some cake?", "present:You not want some cake?"),
    ("Isn't the water warm?", "present:water not be warm?"),
    ("im hungry", "present:I be hungry."),
    ("can i have a drink", "present:I can have drink?"),
    ("We went to the park. It was fun!!", "past:We go to park. past:It be fun!"),
]
"""The examples of docs/conceptual-bliss.md §16-17, hand-written."""


def everyday_pairs(taken: set[str], counts: dict[str, int]) -> list[dict[str, str]]:
    """The hand-written examples of §16-17 and templated everyday messages (a share typed fast), after the rest so
    that adding them leaves the order of the first pairs as it was."""
    rng = random.Random(EVERYDAY_SEED)
    out = []
    for en, bl in EVERYDAY_HANDWRITTEN:
        if {key(en), key(bl)} & taken:
            raise SystemExit(f"hand-written everyday pair already in the corpus: {en}")
        taken |= {key(en), key(bl)}
        out.append({"original": en, "bliss": bl})
    counts["everyday hand"] = len(out)
    for en, bl, _ in messages(rng, EVERYDAY_LEXICON, EVERYDAY_QUOTA, taken):
        if rng.random() < EVERYDAY_TYPED_SHARE and key(fast := typed(rng, en)) not in taken:
            taken.add(key(fast))
            en = fast
        out.append({"original": en, "bliss": bl})
    counts["everyday"] = len(out) - counts["everyday hand"]
    return out

def main() -> int:
    g = Gen(SEED)
    b = Builder(g)
    pairs: dict[str, str] = {}
    counts: dict[str, int] = {}

    def add(kind: str, pair: tuple[str, str]) -> bool:
        en, bl = pair
        if en in pairs or len(en.split()) > MAX_WORDS:
            return False
        pairs[en] = bl
        counts[kind] = counts.get(kind, 0) + 1
        return True

    for en, bl in HANDWRITTEN:
        assert add("hand", (en, bl)), f"duplicate hand-written sentence: {en}"

    def fill(kind: str, target: int, make) -> None:
        tries = 0
        while counts.get(kind, 0) < target:
            tries += 1
            if tries > target * 50:
                raise RuntimeError(f"cannot fill {kind}")
            add(kind, make())

    # 1. plain statements
    def plain() -> tuple[str, str]:
        sc = g.pick(SCENES)
        tense = b.tense_for(sc)
        c = b.clause(sc, tense)
        if c.subj.pron and tense in ("prog", "will") and g.chance(0.2):
            c.contract = True
        if tense == "pres" and not c.adv and g.chance(0.2):
            c.freq = g.pick(["usually", "often", "always", "sometimes"])
            c.time = None
        return statement(c)

    fill("plain", 440, plain)

    # 2. negated statements (not, never)
    def negated() -> tuple[str, str]:
        sc = g.pick(SCENES)
        tense = b.tense_for(sc)
        c = b.clause(sc, tense, adv_p=0.15)
        c.adv_pre = False
        if c.adv == "immediately":
            c.adv = ""
        if tense == "pres" and g.chance(0.2):
            c.never = True
            if c.time and c.time[0].startswith("every"):
                c.time = None
            return statement(c)
        c.neg = True
        c.contract = g.chance(0.5)
        if tense == "pres" and c.time and (c.time[0].startswith("every") or g.chance(0.5)):
            c.time = None
        return statement(c)

    fill("neg", 110, negated)

    # 3. forms of "to be"
    def copula() -> tuple[str, str]:
        tense = g.r.choices(["pres", "past", "will", "going"], [0.4, 0.35, 0.18, 0.07])[0]
        c = copula_clause(g, tense)
        if g.chance(0.2) and " and " not in c.pred[0]:
            c.neg = True
            c.contract = g.chance(0.5)
            if c.time and c.time[0].startswith("every"):
                c.time = None
        elif c.subj.pron and tense == "pres" and g.chance(0.2):
            c.contract = True
        return statement(c)

    fill("be", 120, copula)

    # 4. yes/no questions
    def yn() -> tuple[str, str]:
        if g.chance(0.2):
            c = copula_clause(g, g.pick(["pres", "past", "will"]))
        else:
            sc = g.pick(SCENES)
            c = b.clause(sc, b.tense_for(sc), adv_p=0.1)
        if c.subj.en == "I":
            return yn()
        return yes_no(c)

    fill("yn", 75, yn)

    # 5. wh-questions
    def whq() -> tuple[str, str]:
        sc = g.pick(SCENES)
        tense = b.tense_for(sc)
        human = sc.subj in ("human", "adult")
        options = ["why", "when"] + (["who"] if human else [])
        if sc.objs and human and not any(o.startswith("@") for o in sc.objs) and not sc.obj_optional:
            options += ["what", "what"]
        if sc.where:
            options += ["where", "where"]
        if sc.how:
            options += ["how", "how"]
        wh = g.pick(options)
        if wh == "when" and tense == "prog":
            tense = "will"
        c = b.clause(sc, tense, adv_p=0.0, n_pp=1 if wh == "where" else None)
        if wh == "where" and c.pp_index not in sc.where:
            return whq()
        if wh == "when":
            c.now, c.time = False, None
        if wh == "what" and c.obj is None:
            return whq()
        if c.subj.en == "I":
            return whq()
        return wh_question(c, wh)

    fill("wh", 75, whq)

    # 6. complement verbs (want to ..., enjoy ...-ing, go ...-ing)
    fill("comp", 60, lambda: complement_sentence(g, b))

    # 7. two-clause sentences
    fill("two", 120, lambda: two_clause(g, b))

    out = [{"original": en, "bliss": bl} for en, bl in pairs.items()]
    g.r.shuffle(out)
    out += everyday_pairs({key(x) for p in out for x in p.values()}, counts)
    OUT.parent.mkdir(parents=True, exist_ok=True)
    OUT.write_text(json.dumps(out, indent=1, ensure_ascii=False) + "\n", encoding="utf-8")

    per_marker: dict[str, int] = {}
    for p in out:
        m = p["bliss"].split(":", 1)[0]
        per_marker[m] = per_marker.get(m, 0) + 1
    print(f"wrote {len(out)} pairs to {OUT.relative_to(ROOT)}")
    print("per marker:", json.dumps(per_marker, sort_keys=True))
    print("per kind:", json.dumps(counts, sort_keys=True))
    return 0


if __name__ == "__main__":
    sys.exit(main())
