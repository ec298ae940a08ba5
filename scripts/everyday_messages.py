"""Everyday messages, English and Conceptual Bliss built from one structure (docs/conceptual-bliss.md §16-17).

The messages of an AAC board: needs, feelings, requests, commands, wishes, times, greetings, thanks, vocatives,
questions, several sentences in a row. `messages(rng, lexicon, n)` draws them from a `Lexicon`; the Bliss of each
is written here by the document's rules, never by the rule converter. `typed(rng, english)` writes a message the way
people type it (lowercase, apostrophes left out, no final mark, `!!`, an emoji); its Bliss is the tidy message's.
Three scripts use it with three lexicons that share no content word: write_corpus.py (training), write_novel.py
and write_everyday.py (evaluation). Standard library only.
"""

from __future__ import annotations

import random
from collections.abc import Callable
from dataclasses import dataclass

PRONOUNS = ("he", "she", "it", "we", "they", "you")


@dataclass(frozen=True)
class Lexicon:
    """Words of one set. Noun phrases are (English, Bliss) pairs: `("a warm blanket", "blanket warm")`."""

    things: tuple[tuple[str, str], ...]
    """Things to want or ask for, as they stand after a verb."""
    mass: tuple[str, ...]
    """Food and drink without an article (`juice`): `more juice`, `some juice`."""
    counted: tuple[tuple[str, str], ...]
    """(singular, plural) nouns to count: `two pills`."""
    feelings: tuple[str, ...]
    body: tuple[str, ...]
    chores: tuple[tuple[str, str, str, str, str], ...]
    """What someone does for the user: (base verb, English object, Bliss object, past form, -ing form), e.g.
    ("open", "the window", "window", "opened", "opening")."""
    activities: tuple[tuple[str, str, str, str, str], ...]
    """What the user does or wants to do, in the same form: ("watch", "a film", "film", "watched", "watching")."""
    places: tuple[tuple[str, str], ...]
    """Where to go, after `go`: ("to the park", "to park"), ("home", "home")."""
    kin: tuple[str, ...]
    comparatives: tuple[tuple[str, str], ...]
    """(comparative, noun): ("bigger", "cup")."""
    weather: tuple[str, ...]
    """Adjectives for `it is ...`."""
    meals: tuple[str, ...]
    days: tuple[str, ...]
    greetings: tuple[str, ...]
    exclamations: tuple[str, ...]
    """Interjections and one-word commands: `Ouch!`, `Stop!` (Bliss given by `exclamation`)."""


def cap(text: str) -> str:
    return text[:1].upper() + text[1:]


def bliss(marker: str, body: str, end: str = ".") -> str:
    """`marker:body.`; a personal pronoun that begins the body is capitalised (§13)."""
    first, _, rest = body.partition(" ")
    if first in PRONOUNS:
        first = first.capitalize()
    return f"{marker}:{' '.join(w for w in (first, rest) if w)}{end}"


NUMBERS = ("two", "three", "four", "five", "six", "ten")
HOURS = ("one", "two", "three", "four", "five", "six", "seven", "eight", "nine", "ten", "eleven", "twelve")
TIMES_AHEAD = ("tomorrow", "tonight")


def clock(rng: random.Random) -> str:
    """`five o'clock` or `8:30` (kept as written, §10)."""
    if rng.random() < 0.5:
        return f"{rng.choice(HOURS)} o'clock"
    return f"{rng.randint(1, 12)}:{rng.choice(['00', '15', '30', '45'])}"


Maker = Callable[[random.Random, Lexicon], tuple[str, str]]
MAKERS: dict[str, list[Maker]] = {}


def maker(category: str):
    def register(fn: Maker) -> Maker:
        MAKERS.setdefault(category, []).append(fn)
        return fn

    return register


# --- needs and feelings ---------------------------------------------------------------------------------------------


@maker("need")
def want_thing(rng, lx):
    en, bl = rng.choice(lx.things)
    verb = rng.choice(["want", "need"])
    return f"I {verb} {en}.", bliss("present", f"I {verb} {bl}")


@maker("need")
def need_to(rng, lx):
    base, obj_en, obj_bl, _, _ = rng.choice(lx.activities)
    verb = rng.choice(["want", "need"])
    return f"I {verb} to {base} {obj_en}.", bliss("present", f"I {verb} to {base} {obj_bl}")


@maker("need")
def want_to_go(rng, lx):
    en, bl = rng.choice(lx.places)
    return f"I want to go {en}.", bliss("present", f"I want to go {bl}")


@maker("feeling")
def feel(rng, lx):
    feeling = rng.choice(lx.feelings)
    form = rng.randrange(5)
    if form == 0:
        return f"I'm {feeling}.", bliss("present", f"I be {feeling}")
    if form == 1:
        return f"I am very {feeling}.", bliss("present", f"I be very {feeling}")
    if form == 2:
        return f"I feel {feeling}.", bliss("present", f"I feel {feeling}")
    if form == 3:
        return f"I'm not {feeling}.", bliss("present", f"I not be {feeling}")
    return f"I was {feeling} yesterday.", bliss("past", f"I be {feeling} yesterday")


@maker("feeling")
def hurts(rng, lx):
    part = rng.choice(lx.body)
    return f"My {part} hurts.", bliss("present", f"my {part} hurt")


# --- requests, commands, wishes -----------------------------------------------------------------------------------


@maker("request")
def can_i_have(rng, lx):
    en, bl = rng.choice(lx.things)
    if rng.random() < 0.5:
        return f"Can I have {en}?", bliss("present", f"I can have {bl}", "?")
    return f"Could I have {en}, please?", bliss("conditional", f"I can have {bl} please", "?")


@maker("request")
def can_you(rng, lx):
    base, obj_en, obj_bl, _, _ = rng.choice(lx.chores)
    form = rng.randrange(3)
    if form == 0:
        return f"Can you {base} {obj_en}?", bliss("present", f"you can {base} {obj_bl}", "?")
    if form == 1:
        return f"Could you {base} {obj_en}, please?", bliss("conditional", f"you can {base} {obj_bl} please", "?")
    return f"Would you {base} {obj_en}?", bliss("conditional", f"you {base} {obj_bl}", "?")


@maker("command")
def command(rng, lx):
    base, obj_en, obj_bl, _, _ = rng.choice(lx.chores)
    form = rng.randrange(4)
    if form == 0:
        return f"{cap(base)} {obj_en}, please.", bliss("imperative", f"{base} {obj_bl} please")
    if form == 1:
        return f"Please {base} {obj_en}.", bliss("imperative", f"please {base} {obj_bl}")
    if form == 2:
        return f"Don't {base} {obj_en}.", bliss("imperative", f"not {base} {obj_bl}")
    return f"{cap(base)} {obj_en} now!", bliss("imperative", f"{base} now {obj_bl}", "!")  # §7: now after the verb


@maker("command")
def lets(rng, lx):
    if rng.random() < 0.5:
        en, bl = rng.choice(lx.places)
        return f"Let's go {en}.", bliss("imperative", f"let us go {bl}")
    base, obj_en, obj_bl, _, _ = rng.choice(lx.activities)
    return f"Let's {base} {obj_en}.", bliss("imperative", f"let us {base} {obj_bl}")


@maker("wish")
def would_like(rng, lx):
    if rng.random() < 0.5:
        en, bl = rng.choice(lx.things)
        if rng.random() < 0.5:
            return f"I would like {en}.", bliss("conditional", f"I like {bl}")
        return f"I'd like {en}, please.", bliss("conditional", f"I like {bl} please")
    base, obj_en, obj_bl, _, _ = rng.choice(lx.activities)
    return f"I'd like to {base} {obj_en}.", bliss("conditional", f"I like to {base} {obj_bl}")


@maker("wish")
def maybe(rng, lx):
    form = rng.randrange(3)
    if form == 0:
        kin, when = rng.choice(lx.kin), rng.choice(TIMES_AHEAD)
        return f"{kin} might come {when}.", bliss("future conditional", f"{kin} may come {when}")
    if form == 1:
        en, bl = rng.choice(lx.places)
        return f"We could go {en}.", bliss("conditional", f"we can go {bl}")
    base, obj_en, obj_bl, _, _ = rng.choice(lx.activities)
    return f"I would have {past_participle(base)} {obj_en}.", bliss("past conditional", f"I {base} {obj_bl}")


def past_participle(base: str) -> str:
    irregular = {"eat": "eaten", "drink": "drunk", "take": "taken", "bring": "brought", "give": "given",
                 "find": "found", "make": "made", "read": "read", "get": "got", "put": "put", "shut": "shut",
                 "buy": "bought", "wear": "worn", "hold": "held", "sing": "sung", "draw": "drawn"}
    if base in irregular:
        return irregular[base]
    first, _, particle = base.partition(" ")
    form = irregular.get(first) or (first + "d" if first.endswith("e") else first + "ed")
    return f"{form} {particle}".strip()


# --- times and numbers ------------------------------------------------------------------------------------------------


@maker("time")
def clock_time(rng, lx):
    form = rng.randrange(4)
    at = clock(rng)
    if form == 0:
        meal = rng.choice(lx.meals)
        return f"{cap(meal)} is at {at}.", bliss("present", f"{meal} be at {at}")
    if form == 1:
        singular, plural = rng.choice(lx.counted)
        n = rng.choice(NUMBERS)
        return f"I take {n} {plural} at {at}.", bliss("present", f"I take {n} {plural} at {at}")
    if form == 2:
        base, obj_en, obj_bl, _, _ = rng.choice(lx.activities)
        return f"At {at}, we {base} {obj_en}.", bliss("present", f"we {base} {obj_bl} at {at}")
    hour = rng.choice(HOURS)
    return f"It's {hour} o'clock.", bliss("present", f"it be {hour} o'clock")


@maker("time")
def time_first(rng, lx):
    base, obj_en, obj_bl, past, _ = rng.choice(lx.activities)
    if rng.random() < 0.5:
        return f"Tomorrow, I will {base} {obj_en}.", bliss("future", f"I {base} {obj_bl} tomorrow")
    return f"Yesterday, I {past} {obj_en}.", bliss("past", f"I {base} {obj_bl} yesterday")


@maker("time")
def count(rng, lx):
    singular, plural = rng.choice(lx.counted)
    n = rng.choice(NUMBERS)
    if rng.random() < 0.5:
        return f"I have {n} {plural}.", bliss("present", f"I have {n} {plural}")
    day = rng.choice(lx.days)
    return f"My appointment is on {day}.", bliss("present", f"my appointment be on {day}")


# --- aspect, comparison, quantity -------------------------------------------------------------------------------------


@maker("aspect")
def progressive(rng, lx):
    base, obj_en, obj_bl, _, ing = rng.choice(lx.activities)
    form = rng.randrange(4)
    if form == 0:
        kin = rng.choice(lx.kin)
        english = f"I was {ing} {obj_en} when {kin} called."
        return english, bliss("past progressive", f"I be {base} {obj_bl} when {kin} call")
    if form == 1:
        return f"I will be {ing} {obj_en} tomorrow.", bliss("future progressive", f"I be {base} {obj_bl} tomorrow")
    if form == 2:
        return f"I used to {base} {obj_en}.", bliss("past", f"I used to {base} {obj_bl}")
    return f"I'm {ing} {obj_en}.", bliss("present progressive", f"I be {base} {obj_bl}")


@maker("compare")
def compare(rng, lx):
    comparative, noun = rng.choice(lx.comparatives)
    form = rng.randrange(3)
    if form == 0:
        return f"I want the {comparative} {noun}.", bliss("present", f"I want {noun} {comparative}")
    if form == 1:
        return f"This {noun} is {comparative}.", bliss("present", f"this {noun} be {comparative}")
    feeling = rng.choice(["better", "worse"])
    return f"I feel {feeling} today.", bliss("present", f"I feel {feeling} today")


@maker("quantity")
def quantity(rng, lx):
    mass = rng.choice(lx.mass)
    form = rng.randrange(4)
    if form == 0:
        return f"I don't want any {mass}.", bliss("present", f"I not want any {mass}")
    if form == 1:
        return f"Can I have some more {mass}?", bliss("present", f"I can have some more {mass}", "?")
    if form == 2:
        return f"There is no {mass}.", bliss("present", f"no {mass} be")
    return f"I want that {mass}.", bliss("present", f"I want that {mass}")


# --- phrases: verbless, greetings, thanks, vocatives ------------------------------------------------------------------


@maker("phrase")
def verbless(rng, lx):
    form = rng.randrange(3)
    if form == 0:
        mass = rng.choice(lx.mass)
        return f"More {mass}, please.", bliss("phrase", f"more {mass} please")
    if form == 1:
        singular, plural = rng.choice(lx.counted)
        n = rng.choice(NUMBERS)
        return f"{cap(n)} {plural}, please.", bliss("phrase", f"{n} {plural} please")
    word = rng.choice(lx.exclamations)
    return f"{cap(word)}!", exclamation(word)


def exclamation(word: str) -> str:
    """An interjection is a `phrase:`, a one-word command an `imperative:` (§16)."""
    marker = "phrase" if word in ("ouch", "oops", "wow", "yay", "yuck", "hooray", "ow", "yum") else "imperative"
    return bliss(marker, word, "!")


@maker("social")
def greeting(rng, lx):
    word = rng.choice(lx.greetings)
    kin = rng.choice(lx.kin)
    form = rng.randrange(3)
    if form == 0:
        return f"{cap(word)}.", bliss("phrase", word)
    if form == 1:
        return f"{cap(word)}, {kin}.", f"{bliss('phrase', word)} {bliss('phrase', kin)}"
    en, bl = rng.choice(lx.things)
    if en.split(" ", 1)[0] in ("a", "an", "some"):  # thanks for the thing there is
        en = "the " + en.split(" ", 1)[1]
        bl = bl.removeprefix("some ")
    return f"Thanks for {en}.", bliss("phrase", f"thanks for {bl}")


@maker("vocative")
def vocative(rng, lx):
    kin = rng.choice(lx.kin)
    form = rng.randrange(3)
    if form == 0:
        feeling = rng.choice(lx.feelings)
        return f"{kin}, I'm {feeling}.", f"{bliss('phrase', kin)} {bliss('present', f'I be {feeling}')}"
    if form == 1:
        return f"{kin}, can you help me?", f"{bliss('phrase', kin)} {bliss('present', 'you can help me', '?')}"
    base, obj_en, obj_bl, _, _ = rng.choice(lx.chores)
    return f"{cap(base)} {obj_en}, {kin}.", f"{bliss('imperative', f'{base} {obj_bl}')} {bliss('phrase', kin)}"


# --- questions and several sentences ----------------------------------------------------------------------------------


@maker("question")
def question(rng, lx):
    form = rng.randrange(6)
    if form == 0:
        en, bl = rng.choice([t for t in lx.things if t[0].startswith("my ")] or lx.things)
        be = "are" if en.endswith("s") else "is"
        return f"Where {be} {en}?", bliss("present", f"where {bl} be", "?")
    if form == 1:
        return "What time is it?", bliss("present", "what time it be", "?")
    if form == 2:
        en, bl = rng.choice(lx.places)
        return f"When are we going {en}?", bliss("present progressive", f"when we be go {bl}", "?")
    if form == 3:
        feeling = rng.choice(lx.feelings)
        return f"Are you {feeling}?", bliss("present", f"you be {feeling}", "?")
    if form == 4:
        weather = rng.choice(lx.weather)
        if rng.random() < 0.5:
            return f"It's {weather}, isn't it?", bliss("present", f"it be {weather}", "?")
        return f"Isn't it {weather}?", bliss("present", f"it not be {weather}", "?")
    en, bl = rng.choice(lx.things)
    return f"Don't you want {en}?", bliss("present", f"you not want {bl}", "?")


@maker("several")
def several(rng, lx):
    feeling = rng.choice(lx.feelings)
    if rng.random() < 0.5:
        base, obj_en, obj_bl, _, _ = rng.choice(lx.activities)
        return (f"I'm {feeling}. I want to {base} {obj_en}.",
                f"{bliss('present', f'I be {feeling}')} {bliss('present', f'I want to {base} {obj_bl}')}")
    en, bl = rng.choice(lx.places)
    weather = rng.choice(lx.weather)
    return (f"We went {en}. It was {weather}!",
            f"{bliss('past', f'we go {bl}')} {bliss('past', f'it be {weather}', '!')}")


def messages(rng: random.Random, lexicon: Lexicon, quota: dict[str, int],
             taken: set[str]) -> list[tuple[str, str, str]]:
    """(English, Bliss, category) per message, `quota[category]` each, none whose normalised English or Bliss is in
    `taken` (which grows)."""
    out = []
    for category, n in quota.items():
        made, tries = 0, 0
        while made < n:
            tries += 1
            if tries > 200 * n:
                raise SystemExit(f"cannot make {n} {category} messages that are new")
            english, bl = rng.choice(MAKERS[category])(rng, lexicon)
            keys = {key(english), key(bl)}
            if keys & taken:
                continue
            taken |= keys
            out.append((english, bl, category))
            made += 1
    return out


def key(text: str) -> str:
    return " ".join(text.split()).lower()


# --- typed the way people type ------------------------------------------------------------------------------------

APOSTROPHES = {"I'm": "im", "don't": "dont", "Don't": "dont", "can't": "cant", "won't": "wont", "isn't": "isnt",
               "Isn't": "isnt", "Let's": "lets", "I'd": "id", "didn't": "didnt", "doesn't": "doesnt"}
ITS_BEFORE = ("cold", "hot", "warm", "sunny", "windy", "rainy", "late", "early", "dark", "raining", "snowing")
"""Words after which a typed `its` still reads as `it's` (§17); before others `It's` keeps its apostrophe."""
EMOJI = ("🙂", "😀", "😢", "👍", "❤️")


def typed(rng: random.Random, english: str) -> str:
    """`english` as typed fast: first letter and `I` lowercase, some apostrophes left out, the final `.` or `?` left
    out (a question still reads as one), `!` doubled, extra spaces, a trailing emoji. Every change is one that
    docs/conceptual-bliss.md §17 undoes, so the Bliss stays the tidy message's."""
    words = english.split()
    if rng.random() < 0.6:
        words = [
            "its" if w in ("It's", "it's") and n + 1 < len(words) and words[n + 1].strip(",.?!") in ITS_BEFORE
            else APOSTROPHES.get(w, w)
            for n, w in enumerate(words)
        ]
    words = ["i" + w[1:] if w == "I" or w.startswith("I'") else w for w in words]
    text = " ".join(words)
    text = text[:1].lower() + text[1:]
    if text.endswith("!"):
        text += "!"
    elif text.endswith((".", "?")) and text.count(".") + text.count("?") == 1 and rng.random() < 0.7:
        text = text[:-1]
    if rng.random() < 0.3:
        text = text.replace(" ", "  ", 1)
    if rng.random() < 0.3:
        text += " " + rng.choice(EMOJI)
    return text
