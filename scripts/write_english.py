#!/usr/bin/env python3
"""Write src/babybliss/data/corpus/english.txt: everyday English sentences for rule-made training pairs.

The rule converter (babybliss.grammar.rules) turns these into English -> Bliss pairs (`data.extra_train = ["rules:english"]`),
so a model sees every rule of docs/conceptual-bliss.md on fresh words rather than the templates of one data set:
adjectives on subjects and objects, the progressive next to the simple present, `I am ADJ`, possessive subjects,
going-to and will, modals, negation, questions, adverbs, time words and phrasal verbs.

Vocabulary and patterns are written here for babybliss (none from the research data). Sentences that appear in the
shipped novel evaluation set are left out. Run from the repository root:  python scripts/write_english.py
The output is fully determined by SEED. Standard library only.
"""

from __future__ import annotations

import json
import random
from pathlib import Path

SEED = 2718
COUNT = 900
ROOT = Path(__file__).resolve().parents[1]
OUT = ROOT / "src" / "babybliss" / "data" / "corpus" / "english.txt"
NOVEL = ROOT / "src" / "babybliss" / "data" / "corpus" / "novel.json"

# base, past, -ing, 3rd person -s; object nouns that fit the verb
VERBS = [
    ("bake", "baked", "baking", "bakes", ["bread", "pie", "muffins", "cake"]),
    ("carry", "carried", "carrying", "carries", ["basket", "suitcase", "boxes", "ladder"]),
    ("clean", "cleaned", "cleaning", "cleans", ["windows", "bathroom", "bicycle", "oven"]),
    ("paint", "painted", "painting", "paints", ["fence", "door", "chairs", "bedroom"]),
    ("fix", "fixed", "fixing", "fixes", ["radio", "lamp", "tap", "bicycle"]),
    ("wash", "washed", "washing", "washes", ["dishes", "van", "blanket", "cups"]),
    ("buy", "bought", "buying", "buys", ["tickets", "onions", "sandals", "notebook"]),
    ("find", "found", "finding", "finds", ["wallet", "gloves", "map", "coins"]),
    ("bring", "brought", "bringing", "brings", ["lemonade", "sandwiches", "flowers", "umbrella"]),
    ("read", "read", "reading", "reads", ["newspaper", "recipe", "letter", "comics"]),
    ("write", "wrote", "writing", "writes", ["postcard", "story", "list", "poem"]),
    ("sell", "sold", "selling", "sells", ["apples", "bicycle", "honey", "scarves"]),
    ("open", "opened", "opening", "opens", ["window", "parcel", "gate", "jar"]),
    ("watch", "watched", "watching", "watches", ["match", "birds", "film", "sunset"]),
    ("cook", "cooked", "cooking", "cooks", ["soup", "rice", "beans", "dinner"]),
    ("feed", "fed", "feeding", "feeds", ["ducks", "rabbits", "kitten", "horses"]),
    ("plant", "planted", "planting", "plants", ["carrots", "tulips", "beans", "trees"]),
    ("drive", "drove", "driving", "drives", ["truck", "tractor", "bus", "van"]),
    ("draw", "drew", "drawing", "draws", ["horse", "castle", "boats", "map"]),
    ("lose", "lost", "losing", "loses", ["keys", "ticket", "hat", "phone"]),
    ("fold", "folded", "folding", "folds", ["towels", "shirts", "napkins", "sheets"]),
    ("visit", "visited", "visiting", "visits", ["zoo", "library", "market", "farm"]),
]
INTRANSITIVE = [
    ("sing", "sang", "singing", "sings"), ("laugh", "laughed", "laughing", "laughs"),
    ("run", "ran", "running", "runs"), ("sleep", "slept", "sleeping", "sleeps"),
    ("dance", "danced", "dancing", "dances"), ("swim", "swam", "swimming", "swims"),
    ("cry", "cried", "crying", "cries"), ("wait", "waited", "waiting", "waits"),
    ("work", "worked", "working", "works"), ("smile", "smiled", "smiling", "smiles"),
]
PHRASAL = [
    ("pick", "picked", "picking", "picks", "up", ["toys", "parcel", "pencils"]),
    ("turn", "turned", "turning", "turns", "off", ["lights", "radio", "heater"]),
    ("put", "put", "putting", "puts", "away", ["plates", "books", "tools"]),
    ("throw", "threw", "throwing", "throws", "away", ["bottles", "newspapers", "boxes"]),
]
# singular subject nouns (with a plural for "are"/"were")
PEOPLE = [("nurse", "nurses"), ("baker", "bakers"), ("farmer", "farmers"), ("teacher", "teachers"),
          ("boy", "boys"), ("girl", "girls"), ("neighbour", "neighbours"), ("driver", "drivers"),
          ("student", "students"), ("painter", "painters"), ("waiter", "waiters"), ("uncle", "uncles")]
NAMES = ["Tomasz", "Adaeze", "Birgit", "Kenji", "Lupita", "Dmitri", "Saoirse", "Ayodele", "Mateus", "Ingeborg",
         "Kwame", "Rosalind", "Yusuf", "Petra", "Hiroshi", "Marisol"]
PRONOUNS = [("I", "am", "was", "me"), ("You", "are", "were", "you"), ("He", "is", "was", "him"),
            ("She", "is", "was", "her"), ("We", "are", "were", "us"), ("They", "are", "were", "them")]
POSSESSIVES = ["my", "your", "his", "her", "our", "their"]
ADJECTIVES = ["tall", "tired", "cheerful", "young", "old", "clever", "busy", "quiet", "brave", "hungry", "kind", "shy"]
OBJECT_ADJECTIVES = ["blue", "heavy", "rusty", "clean", "wooden", "tiny", "new", "dusty", "shiny", "green", "soft"]
STATES = ["hungry", "sleepy", "happy", "cold", "nervous", "ready", "busy", "angry", "bored", "thirsty"]
ADVERBS = ["slowly", "quickly", "carefully", "quietly", "happily", "often", "always", "usually", "sometimes"]
PLACES = ["in the kitchen", "at the market", "in the garden", "at school", "on the balcony", "in the shed",
          "at the station", "by the river", "in the attic", "at the harbour"]
PAST_TIMES = ["yesterday", "last night", "last Tuesday", "this morning", "yesterday evening", "last month", ""]
FUTURE_TIMES = ["tomorrow", "next week", "next Saturday", "tonight", "tomorrow morning", "next summer", ""]
PRESENT_TIMES = ["every day", "every Friday", "every morning", "on Mondays", "in the evening", ""]


def a(rng, items):
    return rng.choice(items)


def subject(rng):
    """(English subject, verb agreement: 'sg'/'pl'/pronoun index, be-form present, be-form past)."""
    kind = rng.randrange(5)
    if kind == 0:
        noun = a(rng, PEOPLE)[0]
        return f"the {a(rng, ADJECTIVES)} {noun}", "is", "was", "s"
    if kind == 1:
        noun = a(rng, PEOPLE)[1]
        return f"the {a(rng, ADJECTIVES)} {noun}", "are", "were", ""
    if kind == 2:
        return f"{a(rng, POSSESSIVES)} {a(rng, PEOPLE)[0]}", "is", "was", "s"
    if kind == 3:
        return f"{a(rng, NAMES)}'s {a(rng, PEOPLE)[0]}", "is", "was", "s"
    if rng.random() < 0.5:
        return a(rng, NAMES), "is", "was", "s"
    pronoun, be_now, be_past, _ = a(rng, PRONOUNS)
    return pronoun, be_now, be_past, "s" if pronoun in ("He", "She") else ""


def obj(rng, nouns):
    noun = a(rng, nouns)
    shape = rng.randrange(4)
    if shape == 0:
        return f"the {noun}"
    if shape == 1:
        return f"the {a(rng, OBJECT_ADJECTIVES)} {noun}"
    if shape == 2:
        return f"{a(rng, POSSESSIVES)} {a(rng, OBJECT_ADJECTIVES)} {noun}"
    return f"{a(rng, NAMES)}'s {noun}"


def predicate(rng):
    """A verb phrase's pieces: (base, past, ing, s, rest after the verb)."""
    pick = rng.random()
    if pick < 0.6:
        base, past, ing, s, nouns = a(rng, VERBS)
        rest = obj(rng, nouns)
    elif pick < 0.8:
        base, past, ing, s = a(rng, INTRANSITIVE)
        rest = ""
    else:
        base, past, ing, s, particle, nouns = a(rng, PHRASAL)
        base, past, ing, s = (f"{w} {particle}" for w in (base, past, ing, s))
        rest = obj(rng, nouns)
    if rng.random() < 0.35:
        rest = f"{rest} {a(rng, PLACES)}".strip()
    return base, past, ing, s, rest


def clause(rng, tense):
    subj, be_now, be_past, agree = subject(rng)
    base, past, ing, s, rest = predicate(rng)
    adverb = a(rng, ADVERBS) + " " if rng.random() < 0.25 else ""
    negate = rng.random() < 0.15
    if tense == "past":
        verb = f"did not {base}" if negate else past
        time = a(rng, PAST_TIMES)
    elif tense == "present":
        verb = f"{'does' if agree else 'do'} not {base}" if negate else (s if agree else base)
        time = a(rng, PRESENT_TIMES)
    elif tense == "progressive":
        verb = f"{be_now} {'not ' if negate else ''}{ing}"
        adverb, time = "", a(rng, ["right now", "now", ""])
    elif tense == "will":
        verb = f"will {'not ' if negate else ''}{base}"
        time = a(rng, FUTURE_TIMES)
    elif tense == "going":
        verb = f"{be_now} {'not ' if negate else ''}going to {base}"
        time = a(rng, FUTURE_TIMES)
    else:  # a modal
        verb = f"{tense} {'not ' if negate and tense != 'can' else ''}{base}"
        time = ""
    if negate:
        adverb = ""
    if adverb and tense not in ("past", "present"):
        # after the first auxiliary ("will slowly fix", "should always plant"); none inside "is going to" or "-ing"
        first, _, others = verb.partition(" ")
        verb = f"{first} {adverb}{others}" if tense not in ("going", "progressive") else verb
        adverb = ""
    words = " ".join(w for w in (subj, adverb + verb, rest, time) if w)
    return words[0].upper() + words[1:]


def be_sentence(rng):
    subj, be_now, be_past, _ = subject(rng)
    be = a(rng, [be_now, be_past, "will be"])
    words = f"{subj} {be} {'not ' if rng.random() < 0.15 else ''}{a(rng, STATES)}"
    return words[0].upper() + words[1:] + "."


def question(rng):
    subj, be_now, be_past, agree = subject(rng)
    base, past, ing, s, rest = predicate(rng)
    form = rng.randrange(5)
    if form == 0:
        words = f"did {subj} {base} {rest}"
    elif form == 1:
        words = f"{be_now} {subj} {ing} {rest}"
    elif form == 2:
        words = f"will {subj} {base} {rest}"
    elif form == 3:
        words = f"{a(rng, ['where', 'why', 'when'])} {'does' if agree else 'do'} {subj} {base} {rest}"
    else:
        words = f"can {subj} {base} {rest}"
    words = " ".join(words.split())
    return words[0].upper() + words[1:] + "?"


def sentence(rng) -> str:
    pick = rng.random()
    if pick < 0.12:
        return be_sentence(rng)
    if pick < 0.24:
        return question(rng)
    tense = a(rng, ["past", "past", "present", "progressive", "progressive", "will", "going", "can", "should", "must"])
    text = clause(rng, tense)
    if rng.random() < 0.1 and tense in ("past", "present"):
        second = clause(rng, tense)
        text += f" because {second[0].lower()}{second[1:]}" if not second.startswith("I ") else f" because {second}"
    return text + "."


def main() -> None:
    rng = random.Random(SEED)
    held_out = set()
    if NOVEL.is_file():
        held_out = {" ".join(p["original"].lower().split()) for p in json.loads(NOVEL.read_text(encoding="utf-8"))}
    seen, lines = set(), []
    while len(lines) < COUNT:
        text = " ".join(sentence(rng).split())
        key = text.lower()
        if key in seen or key in held_out:
            continue
        seen.add(key)
        lines.append(text)
    OUT.write_text("\n".join(lines) + "\n", encoding="utf-8")
    print(f"wrote {len(lines)} sentences to {OUT.relative_to(ROOT)}")


if __name__ == "__main__":
    main()
