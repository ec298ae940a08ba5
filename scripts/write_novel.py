"""Write src/babybliss/data/corpus/novel.json: the `novel` evaluation set (English -> Conceptual Bliss).

Its own lexicon (names, places, verbs, nouns and adjectives that the project corpus and the research data do not
use) and its own sentence shapes; the Bliss side is built from the same structure as the English, by the rules of
docs/conceptual-bliss.md, never by the rule converter. Seeded, standard library only:

    python scripts/write_novel.py
"""

from __future__ import annotations

import json
import random
import sys
from collections import Counter
from dataclasses import dataclass
from pathlib import Path

SEED = 2718
ROOT = Path(__file__).resolve().parent.parent
OUT = ROOT / "src" / "babybliss" / "data" / "corpus" / "novel.json"
OTHERS = [ROOT / "src" / "babybliss" / "data" / "corpus" / "pairs.json", ROOT.parent / "shared" / "bliss.json"]
"""Sets the novel set must share no English and no Bliss sentence with (the research data when it lies beside)."""
QUOTA = {
    "statement": 70, "negation": 34, "yes-no question": 34, "wh-question": 26, "copula": 34, "there is": 10,
    "two clauses": 40, "coordination": 18, "complement verb": 22, "phrasal verb": 20, "modal": 20, "perfect": 14,
}

NAMES = "Tamsin Bartek Ingeborg Kwame Soraya Dmitri Haruto Pilar Finnegan Ayodele Marisol Torvald Ottilie Bongani".split()
PLACES = "Trondheim Antwerp Bergamo Halifax Galway Ghent Plovdiv Hobart Dunedin Windhoek Bilbao Lucerne".split()
PEOPLE = {  # singular: plural
    "tailor": "tailors", "carpenter": "carpenters", "pharmacist": "pharmacists", "beekeeper": "beekeepers",
    "potter": "potters", "shepherd": "shepherds", "lifeguard": "lifeguards", "librarian": "librarians",
    "nephew": "nephews", "niece": "nieces", "godmother": "godmothers",
}
PERSON_ADJ = "clumsy grumpy sleepy brave shy curious patient elderly".split()
PRONOUNS = {"I": "me", "you": "you", "he": "him", "she": "her", "we": "us", "they": "them"}
POSSESSIVE = {"I": "my", "you": "your", "he": "his", "she": "her", "we": "our", "they": "their"}

# verb: (3rd person, past, participle, -ing, objects it takes)
VERBS = {
    "mend": ("mends", "mended", "mended", "mending", "things"),
    "polish": ("polishes", "polished", "polished", "polishing", "things"),
    "sketch": ("sketches", "sketched", "sketched", "sketching", "things"),
    "knead": ("kneads", "kneaded", "kneaded", "kneading", "dough"),
    "stitch": ("stitches", "stitched", "stitched", "stitching", "cloth"),
    "rinse": ("rinses", "rinsed", "rinsed", "rinsing", "things"),
    "sharpen": ("sharpens", "sharpened", "sharpened", "sharpening", "tools"),
    "tune": ("tunes", "tuned", "tuned", "tuning", "instruments"),
    "stack": ("stacks", "stacked", "stacked", "stacking", "things"),
    "scrub": ("scrubs", "scrubbed", "scrubbed", "scrubbing", "things"),
    "peel": ("peels", "peeled", "peeled", "peeling", "fruit"),
    "wrap": ("wraps", "wrapped", "wrapped", "wrapping", "things"),
    "varnish": ("varnishes", "varnished", "varnished", "varnishing", "wood"),
    "weigh": ("weighs", "weighed", "weighed", "weighing", "fruit"),
    "grate": ("grates", "grated", "grated", "grating", "fruit"),
    "harvest": ("harvests", "harvested", "harvested", "harvesting", "fruit"),
    "photograph": ("photographs", "photographed", "photographed", "photographing", "animals"),
    "groom": ("grooms", "groomed", "groomed", "grooming", "animals"),
    "weave": ("weaves", "wove", "woven", "weaving", "cloth"),
    "grind": ("grinds", "ground", "ground", "grinding", "grain"),
    "sew": ("sews", "sewed", "sewn", "sewing", "cloth"),
    "steal": ("steals", "stole", "stolen", "stealing", "fruit"),
    "sell": ("sells", "sold", "sold", "selling", "fruit"),
    "hide": ("hides", "hid", "hidden", "hiding", "things"),
}
INTRANSITIVE = {  # verb: (3rd person, past, -ing, prepositional phrases that fit)
    "paddle": ("paddles", "paddled", "paddling", ["across the canal", "to the pier", "along the river"]),
    "hike": ("hikes", "hiked", "hiking", ["up the hill", "through the vineyard", "to the lighthouse"]),
    "shiver": ("shivers", "shivered", "shivering", ["in the cellar", "on the pier", "at the bus shelter"]),
    "giggle": ("giggles", "giggled", "giggling", ["in the attic", "behind the curtain", "during the rehearsal"]),
    "yawn": ("yawns", "yawned", "yawning", ["in the workshop", "during the lecture", "at the counter"]),
    "whistle": ("whistles", "whistled", "whistling", ["in the orchard", "on the tractor", "in the greenhouse"]),
    "hum": ("hums", "hummed", "humming", ["in the greenhouse", "at the workbench", "in the hammock"]),
    "rehearse": ("rehearses", "rehearsed", "rehearsing", ["in the chapel", "in the attic", "with the choir"]),
}
THINGS = {  # noun: (plural, adjectives that fit in English order: opinion, size, quality, age, colour, material; kind)
    "lantern": ("lanterns", ["crooked", "rusty", "brass"], "things"),
    "kettle": ("kettles", ["shiny", "dented", "copper"], "things"),
    "teapot": ("teapots", ["tiny", "chipped", "porcelain"], "things"),
    "saddle": ("saddles", ["heavy", "dusty", "leather"], "things"),
    "cupboard": ("cupboards", ["narrow", "dusty", "wooden"], "things"),
    "wheelbarrow": ("wheelbarrows", ["heavy", "squeaky", "rusty"], "things"),
    "telescope": ("telescopes", ["fragile", "ancient", "brass"], "things"),
    "chessboard": ("chessboards", ["tiny", "dusty", "marble"], "things"),
    "quilt": ("quilts", ["enormous", "striped", "woollen"], "cloth"),
    "apron": ("aprons", ["striped", "crimson", "cotton"], "cloth"),
    "tablecloth": ("tablecloths", ["spotted", "crimson", "linen"], "cloth"),
    "dough": ("dough", ["soft", "sticky"], "dough"),
    "chisel": ("chisels", ["blunt", "crooked", "steel"], "tools"),
    "sickle": ("sickles", ["blunt", "rusty"], "tools"),
    "accordion": ("accordions", ["battered", "crimson"], "instruments"),
    "cello": ("cellos", ["enormous", "battered"], "instruments"),
    "harmonica": ("harmonicas", ["tiny", "silver"], "instruments"),
    "apricot": ("apricots", ["ripe", "golden"], "fruit"),
    "turnip": ("turnips", ["enormous", "muddy", "purple"], "fruit"),
    "plum": ("plums", ["bitter", "ripe", "purple"], "fruit"),
    "radish": ("radishes", ["tiny", "crunchy"], "fruit"),
    "pumpkin": ("pumpkins", ["enormous", "lumpy", "golden"], "fruit"),
    "hedgehog": ("hedgehogs", ["sleepy", "tiny", "spiky"], "animals"),
    "tortoise": ("tortoises", ["sleepy", "ancient"], "animals"),
    "ferret": ("ferrets", ["curious", "fluffy"], "animals"),
    "pony": ("ponies", ["shaggy", "spotted"], "animals"),
    "plank": ("planks", ["crooked", "oak"], "wood"),
    "barley": ("barley", ["golden"], "grain"),
}
NOT_GRADED = ("brass", "copper", "leather", "wooden", "woollen", "cotton", "linen", "porcelain", "marble", "silver",
              "steel", "oak", "striped", "spotted")
"""Materials and patterns: never after `very`."""
EXTREME = ("enormous", "golden", "ancient", "tiny")
"""No `very enormous`."""
MASS_NOUNS = ("dough", "barley")
THERE_IS_NOUNS = ["hedgehog", "tortoise", "ferret", "pony", "lantern", "wheelbarrow"]
GO_VERBS = ["paddle", "hike"]
"""Intransitive verbs that fit `go …-ing`."""
COPULA_PLACES = ["at the pier", "in the greenhouse"]
PREP_PHRASES = ["in the workshop", "on the pier", "in the greenhouse", "behind the barn", "near the canal",
                "in the attic", "at the harbour market", "beside the hammock", "under the cherry tree"]
ADVERBS = "gently neatly patiently swiftly eagerly calmly briskly carefully".split()
# time expression: (English, Bliss, tenses it suits)
TIMES = [
    ("yesterday", "yesterday", {"past"}), ("last autumn", "autumn last", {"past"}),
    ("last Thursday", "Thursday last", {"past"}), ("this morning", "morning", {"past", "future", "progressive"}),
    ("yesterday evening", "yesterday evening", {"past"}), ("all afternoon", "afternoon", {"past"}),
    ("tomorrow", "tomorrow", {"future"}), ("next spring", "spring next", {"future"}),
    ("next Wednesday", "Wednesday next", {"future"}), ("tonight", "tonight", {"future", "progressive"}),
    ("tomorrow night", "tomorrow night", {"future"}), ("this weekend", "weekend", {"future", "progressive"}),
    ("every Tuesday", "Tuesday", {"present"}), ("every winter", "winter", {"present"}),
    ("on Saturdays", "on Saturdays", {"present"}), ("in the evening", "in evening", {"present"}),
    ("every foggy morning", "morning foggy", {"present"}), ("today", "today", {"progressive", "present", "future"}),
]
COPULA_ADJ = "grumpy sleepy nervous cheerful curious brave shy chilly foggy stormy humid".split()
WEATHER = "foggy windy chilly stormy humid".split()
WEEK_TIME = {"past": ("yesterday", "yesterday"), "present": ("today", "today"), "future": ("tomorrow", "tomorrow")}


@dataclass
class Phrase:
    english: str
    bliss: str
    third: bool = True  # takes a 3rd-person-singular verb
    plural: bool = False


def subject(rng: random.Random, kind: str | None = None) -> Phrase:
    kind = kind or rng.choice(["name", "name", "pronoun", "person", "possessive", "adjective"])
    if kind == "name":
        name = rng.choice(NAMES)
        return Phrase(name, name)
    if kind == "pronoun":
        p = rng.choice(list(PRONOUNS))
        return Phrase(p, p, third=p in ("he", "she"), plural=p in ("we", "they", "you"))
    noun = rng.choice(list(PEOPLE))
    plural = rng.random() < 0.35
    word = PEOPLE[noun] if plural else noun
    if kind == "person":
        return Phrase(f"the {word}", word, third=not plural, plural=plural)
    if kind == "possessive":
        owner = rng.choice(NAMES + ["my", "our", "their"])
        if owner[0].isupper():
            return Phrase(f"{owner}'s {word}", f"{owner} {word}", third=not plural, plural=plural)
        return Phrase(f"{owner} {word}", f"{owner} {word}", third=not plural, plural=plural)
    adjective = rng.choice(PERSON_ADJ)
    return Phrase(f"the {adjective} {word}", f"{word} {adjective}", third=not plural, plural=plural)


def thing(rng: random.Random, kind: str, owner: Phrase | None = None) -> Phrase:
    candidates = [n for n, (_, _, k) in THINGS.items() if k == kind]
    noun = rng.choice(candidates)
    plural_form, adjectives, _ = THINGS[noun]
    plural = plural_form != noun and rng.random() < 0.4
    word = plural_form if plural else noun
    n_adj = rng.choice([0, 1, 1, 2]) if len(adjectives) > 1 else rng.choice([0, 1])
    adjs = sorted(rng.sample(adjectives, n_adj), key=adjectives.index)
    degree = n_adj == 1 and adjs[0] not in NOT_GRADED and rng.random() < 0.2 and adjs[0] not in EXTREME
    adj_en = (["very"] if degree else []) + adjs
    determiner = rng.choice(["the", "the", "a", "poss", "none"] if not plural else ["the", "poss", "none", "number"])
    if word in MASS_NOUNS:
        determiner = rng.choice(["the", "poss"])
    if determiner == "a":
        article = "an" if (adj_en or [word])[0][0] in "aeiou" else "a"
        return Phrase(" ".join([article, *adj_en, word]), " ".join([word, *adj_en]))
    if determiner == "number":
        number = rng.choice(["two", "three", "four", "five", "twelve"])
        return Phrase(" ".join([number, *adj_en, word]), " ".join([number, word, *adj_en]))
    if determiner == "poss":
        if owner is not None and not owner.english[0].isupper() and owner.english.split()[0] in POSSESSIVE:
            possessive = POSSESSIVE[owner.english.split()[0]]
        else:
            possessive = rng.choice(["my", "her", "his", "our", "their", "your"])
        return Phrase(" ".join([possessive, *adj_en, word]), " ".join([possessive, word, *adj_en]))
    if determiner == "none" and plural:
        return Phrase(" ".join([*adj_en, word]), " ".join([word, *adj_en]))
    return Phrase(" ".join(["the", *adj_en, word]), " ".join([word, *adj_en]))


def capital(text: str) -> str:
    return text[0].upper() + text[1:]


def bliss_start(body: str) -> str:
    """A personal pronoun that begins the body is capitalised (§13)."""
    first, _, rest = body.partition(" ")
    if first in ("he", "she", "it", "we", "they", "you"):
        first = first.capitalize()
    return f"{first} {rest}".strip()


def be_form(subj: Phrase, tense: str) -> str:
    if subj.english == "I":
        return "was" if tense == "past" else "am"
    if subj.plural:
        return "were" if tense == "past" else "are"
    return "was" if tense == "past" else "is"


MARKER = {"past": "past", "present": "present", "future": "future", "going": "future", "progressive": "present progressive",
          "perfect": "past", "modal": "present"}


def verb_phrase(rng, subj: Phrase, tense: str, neg: bool, question: bool, forms: tuple, *, modal: str = "can"):
    """(English auxiliary part before the subject, English verb group after it, Bliss verb group) for one clause."""
    base, third, past, participle, ing = forms
    be = be_form(subj, "present")
    short = rng.random() < 0.5  # contracted negation (`didn't`, `won't`) or not
    not_bliss = "not " if neg else ""
    if tense in ("past", "present"):
        if not (neg or question):
            return "", past if tense == "past" else third if subj.third else base, base
        do = "did" if tense == "past" else "does" if subj.third else "do"
        negation = (do + "n't " if short else do + " not ") if neg else ""
        return do if question else "", negation + base, not_bliss + base
    if tense == "future":
        if question:
            return "will", base, not_bliss + base
        negation = ("won't " if short else "will not ") if neg else "will "
        return "", negation + base, not_bliss + base
    if tense == "going":
        if question:
            return be, f"going to {base}", base
        return "", f"{be} {'not ' if neg else ''}going to {base}", ("not " if neg else "") + base
    if tense == "progressive":
        if question:
            return be, ing, f"be {base}"
        neg_en = ("not " if neg else "")
        return "", f"{be} {neg_en}{ing}", f"{'not ' if neg else ''}be {base}"
    if tense == "perfect":
        have = "has" if subj.third else "have"
        if question:
            return have, participle, base
        word = rng.choice(["not", "never"]) if neg else ""
        return "", f"{have} {word + ' ' if word else ''}{participle}", f"{word + ' ' if word else ''}{base}"
    if tense == "modal":
        if question:
            return modal, base, f"{modal} {base}"
        if neg:
            english = "cannot" if modal == "can" else f"{modal} not"
            return "", f"{english} {base}", f"not {modal} {base}"
        return "", f"{modal} {base}", f"{modal} {base}"
    raise ValueError(tense)


def transitive_clause(rng, tense, *, neg=False, question=False, subj=None, time=True, adverb=None, modal="can"):
    """One clause with a transitive verb: (English without final punctuation, Bliss body, tense)."""
    subj = subj or subject(rng)
    verb = rng.choice(list(VERBS))
    third, past, participle, ing, kind = VERBS[verb]
    obj = thing(rng, kind, owner=subj)
    aux, group_en, group_bl = verb_phrase(rng, subj, tense, neg, question, (verb, third, past, participle, ing), modal=modal)
    if adverb is None:
        adverb = rng.random() < 0.35
    adv = rng.choice(ADVERBS) if adverb else ""
    pp = rng.choice(PREP_PHRASES) if rng.random() < 0.4 else ""
    times = [t for t in TIMES if (tense if tense in ("past", "present", "progressive") else "future") in t[2]]
    when = rng.choice(times) if time and tense not in ("perfect", "modal") and rng.random() < 0.6 else None
    pre_adverb = adv and not question and tense in ("past", "present") and not neg and rng.random() < 0.5
    english = [aux, subj.english, adv if pre_adverb else "", group_en, obj.english, pp, "" if pre_adverb else adv,
               when[0] if when else ""]
    bliss = [subj.bliss, group_bl, adv, _bliss_pp(obj.bliss), _bliss_pp(pp), when[1] if when else ""]
    return _words(english), _words(bliss), tense


def _bliss_pp(text: str) -> str:
    return " ".join(w for w in text.split() if w not in ("the", "a", "an"))


def _words(parts) -> str:
    return " ".join(p for p in parts if p)


def finish(english: str, bliss: str, tense: str, question=False) -> dict[str, str]:
    mark = "?" if question else "."
    return {"original": capital(english) + mark, "bliss": f"{MARKER[tense]}:{bliss_start(bliss)}{mark}"}


TENSES = ["past", "present", "future", "going", "progressive"]


def make(rng: random.Random, category: str) -> dict[str, str]:
    tense = rng.choice(TENSES)
    if category == "statement":
        return finish(*transitive_clause(rng, tense))
    if category == "negation":
        return finish(*transitive_clause(rng, rng.choice(TENSES + ["modal"]), neg=True))
    if category == "yes-no question":
        english, bliss, tense = transitive_clause(rng, rng.choice(TENSES + ["modal"]), question=True, adverb=False)
        return finish(english, bliss, tense, question=True)
    if category == "modal":
        return finish(*transitive_clause(rng, "modal", modal=rng.choice(["can", "should", "must"])))
    if category == "perfect":
        return finish(*transitive_clause(rng, "perfect", neg=rng.random() < 0.4))
    if category == "wh-question":
        return wh_question(rng, tense)
    if category == "copula":
        return copula(rng)
    if category == "there is":
        return there_is(rng)
    if category == "two clauses":
        return two_clauses(rng)
    if category == "coordination":
        return coordination(rng)
    if category == "complement verb":
        return complement(rng)
    if category == "phrasal verb":
        return phrasal(rng)
    raise ValueError(category)


def wh_question(rng, tense):
    subj = subject(rng, rng.choice(["name", "person", "pronoun"]))
    if rng.random() < 0.5:  # intransitive: where / when / why
        verb = rng.choice(list(INTRANSITIVE))
        third, past, ing, _ = INTRANSITIVE[verb]
        wh = rng.choice(["where", "why", "when"])
        aux, group_en, group_bl = verb_phrase(rng, subj, tense, False, True, (verb, third, past, past, ing))
        return finish(_words([wh, aux, subj.english, group_en]), _words([wh, subj.bliss, group_bl]), tense, question=True)
    verb = rng.choice(list(VERBS))
    third, past, participle, ing, kind = VERBS[verb]
    aux, group_en, group_bl = verb_phrase(rng, subj, tense, False, True, (verb, third, past, participle, ing))
    pp = rng.choice(PREP_PHRASES)
    english = _words(["what", aux, subj.english, group_en, pp])
    return finish(english, _words(["what", subj.bliss, group_bl, _bliss_pp(pp)]), tense, question=True)


def copula(rng):
    tense = rng.choice(["past", "present", "future", "going"])
    subj = subject(rng, rng.choice(["name", "person", "possessive", "pronoun"]))
    neg = rng.random() < 0.3
    question = not neg and rng.random() < 0.3
    if rng.random() < 0.25:
        predicate_en = predicate_bl = rng.choice(["in " + rng.choice(PLACES), *COPULA_PLACES])
        predicate_bl = _bliss_pp(predicate_en)
    else:
        adjective = rng.choice(COPULA_ADJ[:7])
        very = rng.random() < 0.25
        predicate_en = predicate_bl = ("very " if very else "") + adjective
    time = WEEK_TIME.get("future" if tense == "going" else tense) if rng.random() < 0.4 else None
    be = be_form(subj, tense)
    if tense in ("future", "going"):
        lead = "will" if tense == "future" else f"{be_form(subj, 'present')}"
        if question:
            english = [lead, subj.english, "be" if tense == "future" else "going to be", predicate_en]
        else:
            middle = {"future": ("won't be" if rng.random() < 0.5 else "will not be") if neg else "will be",
                      "going": f"{lead} {'not ' if neg else ''}going to be"}[tense]
            english = [subj.english, middle, predicate_en]
    else:
        if question:
            english = [be, subj.english, predicate_en]
        else:
            english = [subj.english, be + (" not" if neg else ""), predicate_en]
    bliss = [subj.bliss, "not be" if neg else "be", predicate_bl]
    if time:
        english.append(time[0])
        bliss.append(time[1])
    return finish(_words(english), _words(bliss), tense, question=question)


def there_is(rng):
    tense = rng.choice(["past", "present", "future"])
    noun = rng.choice(THERE_IS_NOUNS)
    plural = rng.random() < 0.4
    word = THINGS[noun][0] if plural else noun
    adjective = rng.choice(THINGS[noun][1])
    where = rng.choice(PREP_PHRASES)
    if tense == "future":
        be = "will be"
    else:
        be = ("were" if plural else "was") if tense == "past" else ("are" if plural else "is")
    article = "" if plural else ("an" if adjective[0] in "aeiou" else "a")
    english = _words(["there", be, article, adjective, word, where])
    return finish(english, _words([word, adjective, "be", _bliss_pp(where)]), tense)


CONNECTIVES = ["because", "when", "before", "after", "while", "until", "although", "if"]


def two_clauses(rng):
    connective = rng.choice(CONNECTIVES)
    main_tense = rng.choice(["present", "future", "going"] if connective == "if" else ["past", "present", "future", "going"])
    sub_tense = "present" if main_tense in ("future", "going", "present") else "past"
    if connective == "while" and main_tense == "past":
        sub_tense = "past"
    main_en, main_bl, _ = transitive_clause(rng, main_tense, time=False, adverb=rng.random() < 0.3)
    sub_subj = subject(rng, rng.choice(["pronoun", "name", "person"]))
    verb = rng.choice(list(INTRANSITIVE))
    third, past, ing, pps = INTRANSITIVE[verb]
    _, group_en, group_bl = verb_phrase(rng, sub_subj, sub_tense, False, False, (verb, third, past, past, ing))
    pp = rng.choice(pps)
    sub_en = _words([connective, sub_subj.english, group_en, pp])
    sub_bl = _words([connective, sub_subj.bliss, group_bl, _bliss_pp(pp)])
    if rng.random() < 0.4:
        return finish(f"{sub_en}, {main_en}", f"{sub_bl} {main_bl}", main_tense)
    return finish(f"{main_en} {sub_en}", f"{main_bl} {sub_bl}", main_tense)


def coordination(rng):
    tense = rng.choice(["past", "present", "future"])
    subj = subject(rng, rng.choice(["name", "person", "pronoun"]))
    first_en, first_bl, _ = transitive_clause(rng, tense, subj=subj, time=False, adverb=False)
    verb = rng.choice(list(VERBS))
    third, past, participle, ing, kind = VERBS[verb]
    obj = thing(rng, kind)
    if rng.random() < 0.5:  # shared subject: "... and VERB OBJ"
        form = {"past": past, "present": third if subj.third else verb, "future": verb}[tense]
        english = f"{first_en} and {form} {obj.english}"
        bliss = f"{first_bl} and {verb} {_bliss_pp(obj.bliss)}"
    else:
        other = subject(rng, "pronoun")
        _, group_en, group_bl = verb_phrase(rng, other, tense, True, False, (verb, third, past, participle, ing))
        english = f"{first_en} but {other.english} {group_en} {obj.english}"
        bliss = f"{first_bl} but {other.bliss} {group_bl} {_bliss_pp(obj.bliss)}"
    return finish(english, bliss, tense)


def complement(rng):
    tense = rng.choice(["past", "present", "future"])
    subj = subject(rng, rng.choice(["name", "pronoun", "person"]))
    head = rng.choice(["want", "try", "enjoy", "love", "go"] + (["hope"] if tense != "future" else []))
    forms = {"want": ("wants", "wanted"), "try": ("tries", "tried"), "enjoy": ("enjoys", "enjoyed"),
             "love": ("loves", "loved"), "hope": ("hopes", "hoped"), "go": ("goes", "went")}[head]
    head_en = {"past": forms[1], "present": forms[0] if subj.third else head, "future": "will " + head}[tense]
    if head == "go":
        verb = rng.choice(GO_VERBS)
        english = _words([subj.english, head_en, INTRANSITIVE[verb][2]])
        bliss = _words([subj.bliss, head, verb])
    elif head in ("enjoy", "love"):
        verb = rng.choice(list(VERBS))
        obj = thing(rng, VERBS[verb][4])
        english = _words([subj.english, head_en, VERBS[verb][3], obj.english])
        bliss = _words([subj.bliss, head, verb, _bliss_pp(obj.bliss)])
    else:
        verb = rng.choice(list(VERBS))
        obj = thing(rng, VERBS[verb][4])
        english = _words([subj.english, head_en, "to", verb, obj.english])
        bliss = _words([subj.bliss, head, "to", verb, _bliss_pp(obj.bliss)])
    return finish(english, bliss, tense)


PHRASAL = {  # verb + particle: (3rd, past, -ing, objects)
    ("switch", "off"): ("switches", "switched", "switching", ["lantern", "kettle"]),
    ("fold", "up"): ("folds", "folded", "folding", ["quilt", "apron", "tablecloth"]),
    ("throw", "away"): ("throws", "threw", "throwing", ["plum", "turnip", "chisel"]),
    ("tie", "up"): ("ties", "tied", "tying", ["pony", "quilt"]),
    ("write", "down"): ("writes", "wrote", "writing", ["recipe", "riddle"]),
}
EXTRA_NOUNS = {"recipe": ("recipes", ["secret", "spicy"], "words"), "riddle": ("riddles", ["clever", "tricky"], "words")}


def phrasal(rng):
    (verb, particle), (third, past, ing, objects) = rng.choice(list(PHRASAL.items()))
    tense = rng.choice(TENSES)
    subj = subject(rng)
    noun = rng.choice(objects)
    plural_form, adjectives, _ = {**THINGS, **EXTRA_NOUNS}[noun]
    adjective = rng.choice(adjectives)
    obj_en, obj_bl = f"the {adjective} {noun}", f"{noun} {adjective}"
    _, group_en, group_bl = verb_phrase(rng, subj, tense, False, False, (verb, third, past, past, ing))
    adv = rng.choice(ADVERBS) if rng.random() < 0.4 else ""
    english = _words([subj.english, group_en, particle, obj_en, adv])
    bliss = _words([subj.bliss, group_bl, particle, adv, obj_bl])
    return finish(english, bliss, tense)


# Pairs that the templates do not make: other shapes, short and long, written and checked by hand.
HANDWRITTEN = [
    ("Tamsin sneezed.", "past:Tamsin sneeze."),
    ("It is foggy.", "present:It be foggy."),
    ("It was very humid in Windhoek yesterday.", "past:It be very humid in Windhoek yesterday."),
    ("Will it be stormy in Galway tomorrow?", "future:It be stormy in Galway tomorrow?"),
    ("Bongani is a beekeeper.", "present:Bongani be beekeeper."),
    ("Ottilie was a lifeguard in Hobart.", "past:Ottilie be lifeguard in Hobart."),
    ("Our pony is not hungry.", "present:our pony not be hungry."),
    ("Who polished the brass telescope?", "past:who polish telescope brass?"),
    ("Who is grooming the shaggy ponies right now?", "present progressive:who be groom now ponies shaggy?"),
    ("Where are the blunt chisels?", "present:where chisels blunt be?"),
    ("How did Kwame fix the squeaky wheelbarrow?", "past:how Kwame fix wheelbarrow squeaky?"),
    ("What time does the pharmacy in Ghent close?", "present:what time pharmacy in Ghent close?"),
    ("Nobody tuned the battered cello.", "past:nobody tune cello battered."),
    ("The beekeepers have harvested four buckets of honey.", "past:beekeepers harvest four buckets of honey."),
    ("Has the potter glazed the bowls yet?", "past:potter glaze yet bowls?"),
    ("I have never ridden a camel.", "past:I never ride camel."),
    ("We haven't visited Plovdiv.", "past:We not visit Plovdiv."),
    ("Haruto usually cycles to the pharmacy.", "present:Haruto cycle usually to pharmacy."),
    ("My godmother often hums in the greenhouse.", "present:my godmother hum often in greenhouse."),
    ("The shepherd sometimes whistles at his dogs.", "present:shepherd whistle sometimes at his dogs."),
    ("Pilar always locks the cellar at night.", "present:Pilar lock always cellar at night."),
    ("The ferret is sleeping in the laundry basket right now.", "present progressive:ferret be sleep now in laundry basket."),
    ("They are going hiking in Lucerne next summer.", "present progressive:They be go hike in Lucerne summer next."),
    ("Dmitri is planning to paint the chapel door.", "present progressive:Dmitri be plan to paint chapel door."),
    ("I'm going to varnish the oak table tomorrow.", "future:I varnish table oak tomorrow."),
    ("We'll wrap the fragile teapot in newspaper.", "future:We wrap teapot fragile in newspaper."),
    ("You should water the tomato seedlings every evening.", "present:You should water tomato seedlings evening."),
    ("Beekeepers must wear gloves near the hives.", "present:beekeepers must wear gloves near hives."),
    ("Can the librarian find the atlas?", "present:librarian can find atlas?"),
    ("The twins cannot whistle.", "present:twins not can whistle."),
    ("Ayodele never eats turnips.", "present:Ayodele never eat turnips."),
    ("The tortoise didn't move all morning.", "past:tortoise not move morning."),
    ("Soraya's nephew lost his striped mitten on the sled.", "past:Soraya nephew lose his mitten striped on sled."),
    ("The carpenter's apprentice sanded the crooked plank slowly.", "past:carpenter apprentice sand slowly plank crooked."),
    ("Finnegan carried three enormous pumpkins to the barn.", "past:Finnegan carry three pumpkins enormous to barn."),
    ("The hedgehog curled up under the wheelbarrow.", "past:hedgehog curl up under wheelbarrow."),
    ("Marisol picked up the tiny harmonica and played a lullaby.", "past:Marisol pick up harmonica tiny and play lullaby."),
    ("Torvald and Ingeborg rowed the canoe together across the fjord.", "past:Torvald and Ingeborg row together canoe across fjord."),
    ("The elderly tailor stitched a velvet waistcoat for the mayor.", "past:tailor elderly stitch waistcoat velvet for mayor."),
    ("The kettle whistled when the postman knocked.", "past:kettle whistle when postman knock."),
    ("If it rains tomorrow, the potters will stay in the workshop.", "future:if it rain tomorrow potters stay in workshop."),
    ("Although the cellar was damp, the apples stayed fresh.", "past:although cellar be damp apples stay fresh."),
    ("Bartek feeds the goats before he milks them.", "present:Bartek feed goats before he milk them."),
    ("The lifeguard who rescued the swimmer is my cousin.", "present:lifeguard who rescue swimmer be my cousin."),
    ("The librarians laughed because the parrot recited a poem.", "past:librarians laugh because parrot recite poem."),
    ("We will light the lanterns as soon as the sun sets.", "future:We light lanterns as soon as sun set."),
    ("The plumber fixed the tap, but the pipe still drips.", "past:plumber fix tap but pipe drip still."),
    ("Quentin feels nervous before every concert.", "present:Quentin feel nervous before concert."),
    ("The soup smells spicy.", "present:soup smell spicy."),
    ("The cellar is damp and chilly.", "present:cellar be damp and chilly."),
    ("There are two owls in the old barn.", "present:two owls be in barn old."),
    ("Is there a pharmacy near the canal?", "present:pharmacy be near canal?"),
    ("Why didn't Dmitri answer the letter?", "past:why Dmitri not answer letter?"),
    ("When will the ferry to Bilbao leave?", "future:when ferry to Bilbao leave?"),
    ("Are the shepherds going to sell their lambs at the fair?", "future:shepherds sell their lambs at fair?"),
    ("Were the ponies thirsty after the long ride?", "past:ponies be thirsty after ride long?"),
    ("Does your grandmother knit woollen socks?", "present:your grandmother knit socks woollen?"),
    ("The children built a snowman in the garden this afternoon.", "past:children build snowman in garden afternoon."),
    ("The choir is rehearsing a cheerful hymn in the chapel.", "present progressive:choir be rehearse hymn cheerful in chapel."),
    ("Caspian's parrot repeats the riddle.", "present:Caspian parrot repeat riddle."),
]



# --- everyday messages (docs/conceptual-bliss.md §16-17), own lexicon -----------------------------------------------

sys.path.insert(0, str(Path(__file__).resolve().parent))
from everyday_messages import Lexicon, messages, typed  # noqa: E402

EVERYDAY_SEED = SEED + 1
EVERYDAY_QUOTA = {
    "need": 12, "feeling": 12, "request": 14, "command": 14, "wish": 14, "time": 14, "aspect": 12, "compare": 8,
    "quantity": 10, "phrase": 10, "social": 12, "vocative": 10, "question": 14, "several": 10,
}
EVERYDAY_TYPED_SHARE = 0.3
EVERYDAY_LEXICON = Lexicon(
    things=(("a hot-water bottle", "hot-water bottle"), ("my crossword", "my crossword"), ("a napkin", "napkin"),
            ("my wallet", "my wallet"), ("a flannel", "flannel"), ("my torch", "my torch"), ("some porridge", "some porridge"),
            ("my mittens", "my mittens"), ("a cushion", "cushion"), ("my notebook", "my notebook"),
            ("a fluffy towel", "towel fluffy"), ("my earrings", "my earrings")),
    mass=("porridge", "lemonade", "cocoa", "custard", "broth", "honey"),
    counted=(("plum", "plums"), ("capsule", "capsules"), ("pancake", "pancakes"), ("second", "seconds")),
    feelings=("sleepy", "grumpy", "chilly", "queasy", "jittery", "homesick", "restless", "peckish", "cosy"),
    body=("wrist", "ankle", "elbow", "hip", "jaw", "thumb", "heel"),
    chores=(("open", "the blinds", "blinds", "opened", "opening"),
            ("lock", "the gate", "gate", "locked", "locking"),
            ("switch on", "the heater", "heater", "switched on", "switching on"),
            ("switch off", "the lamp", "lamp", "switched off", "switching off"),
            ("fetch", "the carer", "carer", "fetched", "fetching"),
            ("raise", "my bed", "my bed", "raised", "raising"),
            ("fill", "my mug", "my mug", "filled", "filling"),
            ("empty", "the bin", "bin", "emptied", "emptying")),
    activities=(("knit", "a scarf", "scarf", "knitted", "knitting"),
                ("solve", "a puzzle", "puzzle", "solved", "solving"),
                ("feed", "the ducks", "ducks", "fed", "feeding"),
                ("plant", "the bulbs", "bulbs", "planted", "planting"),
                ("visit", "Auntie Rosa", "Auntie Rosa", "visited", "visiting"),
                ("pick", "some cherries", "some cherries", "picked", "picking"),
                ("sew", "a button", "button", "sewed", "sewing"),
                ("hum", "a tune", "tune", "hummed", "humming")),
    places=(("to the harbour", "to harbour"), ("to the orchard", "to orchard"), ("to the chemist", "to chemist"),
            ("downstairs", "downstairs"), ("to the lake", "to lake"), ("to the bakery", "to bakery"),
            ("to the allotment", "to allotment"), ("to the museum", "to museum")),
    kin=("Papa", "Mama", "Grandad", "Gran"),
    comparatives=(("thicker", "quilt"), ("lighter", "jacket"), ("sweeter", "plum"), ("softer", "cushion"),
                  ("warmer", "mug"), ("smaller", "spoon")),
    weather=("foggy", "frosty", "stormy", "muggy", "chilly", "breezy"),
    meals=("tea", "brunch", "elevenses"),
    days=("Tuesday", "Wednesday", "Thursday", "Sunday"),
    greetings=("hello", "good morning", "good night", "thank you", "thanks", "bye bye", "cheers", "see you soon",
               "excuse me"),
    exclamations=("yum", "ow", "hooray", "careful", "quick", "wait"),
)

def _key(text: str) -> str:
    return " ".join(text.split()).lower()


def taken() -> set[str]:
    """English and Bliss sentences of the other sets, normalised."""
    out = set()
    for path in OTHERS:
        if path.is_file():
            for pair in json.loads(path.read_text(encoding="utf-8")):
                out |= {_key(pair["original"]), _key(pair["bliss"])}
    return out


def main() -> None:
    rng = random.Random(SEED)
    pairs, seen = [], taken()
    for english, bliss in HANDWRITTEN:
        if {_key(english), _key(bliss)} & seen:
            raise SystemExit(f"hand-written pair already in another set: {english}")
        pairs.append({"original": english, "bliss": bliss})
        seen |= {_key(english), _key(bliss)}
    counts = Counter()
    for category, quota in QUOTA.items():
        tries = 0
        while counts[category] < quota and tries < quota * 50:
            tries += 1
            pair = make(rng, category)
            if {_key(pair["original"]), _key(pair["bliss"])} & seen or len(pair["original"].split()) > 22:
                continue
            seen |= {_key(pair["original"]), _key(pair["bliss"])}
            pairs.append(pair)
            counts[category] += 1
    rng = random.Random(EVERYDAY_SEED)  # after the rest: adding these left the first pairs as they were
    for english, bliss, category in messages(rng, EVERYDAY_LEXICON, EVERYDAY_QUOTA, seen):
        if rng.random() < EVERYDAY_TYPED_SHARE and _key(fast := typed(rng, english)) not in seen:
            seen.add(_key(fast))
            english = fast
        pairs.append({"original": english, "bliss": bliss})
        counts[f"everyday {category}"] += 1
    OUT.write_text(json.dumps(pairs, ensure_ascii=False, indent=1) + "\n", encoding="utf-8")
    markers = Counter(p["bliss"].split(":")[0] for p in pairs)
    print(f"wrote {len(pairs)} pairs to {OUT}: {dict(markers)}; hand-written {len(HANDWRITTEN)}; {dict(counts)}")


if __name__ == "__main__":
    main()
