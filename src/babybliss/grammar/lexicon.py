"""Word lists of the rule converter, and verb forms and known words from spaCy's lemmatizer tables."""

from __future__ import annotations

import re
from functools import lru_cache
from pathlib import Path

from babybliss.grammar.nlp import load_nlp

QUANTIFIERS = frozenset({"many", "more", "much", "few", "own", "other", "several", "some", "any"})
"""Determiner-like adjectives that stay in front of their noun (§5)."""
AUXILIARIES = frozenset({"be", "have", "do", "will", "shall", "to", "can", "should", "must", "would", "could", "may", "might"})
ARTICLES = frozenset({"a", "an", "the"})
MODALS_KEPT = frozenset({"can", "should", "must"})
MODALS_UNCOVERED = frozenset({"ought"})
CONDITIONAL_MODALS = {"would": None, "'d": None, "could": "can", "might": "may", "may": "may"}
"""Modals that make a sentence conditional (§16), and the word each leaves in the body (`would` leaves none)."""
FUTURE_TIME_WORDS = frozenset({"tomorrow", "tonight", "next", "soon", "later"})
"""Words that put a conditional in the future (`She may come tomorrow.` -> `future conditional:`, §16)."""
POSSESSIVES = frozenset({"my", "your", "his", "her", "its", "our", "their"})
PERSONAL_PRONOUNS = frozenset({"he", "she", "it", "we", "they", "you"})
TIME_WORDS = frozenset({"yesterday", "today", "tonight", "tomorrow", "ago"})
"""Time words that stay at the end of the clause (§8), although spaCy may call them adverbs."""
TIME_NOUNS = frozenset(
    "morning afternoon evening night day week weekend month year summer winter spring autumn fall season "
    "monday tuesday wednesday thursday friday saturday sunday time hour minute term semester holiday".split()
)
MATERIALS = frozenset(
    "stone leather metal silver gold glass wooden wool woollen woolen cotton plastic paper iron steel brick silk "
    "clay copper rubber velvet linen marble bronze brass oak pine porcelain pewter wicker tin".split()
)
"""Material nouns used as adjectives: `the stone wall` -> `wall stone` (§6, material is an adjective class)."""
NOT_ADJECTIVES = frozenset(
    {"orange", "chocolate", "lemon", "cherry", "laundry", "evening", "living", "dining", "post", "sea", "summer"}
)
"""Nouns that WordNet also lists as adjectives but that stay compounds in front of their noun."""
PHRASAL_VERBS = frozenset(
    "hang_up pick_up wake_up get_up clean_up give_up put_on take_off turn_off turn_on switch_off switch_on "
    "put_away throw_away write_down sit_down lie_down break_down look_up fill_up tidy_up wash_up set_up "
    "put_down take_out bring_back give_back come_back go_back try_on check_in fill_in".split()
)
BARE_PLACES = frozenset({"school", "work", "home", "bed", "church", "town", "breakfast", "lunch", "dinner", "university",
                         "college", "hospital", "sea"})
"""Nouns English leaves without an article after a preposition (`at school`, `to work`, `going to bed`)."""
GERUND_HEADS = frozenset(
    "go love like enjoy hate finish start stop keep practise practice begin avoid mind prefer miss".split()
)
"""Verbs whose -ing complement becomes a base form (`go shopping` -> `go shop`, §3)."""
FIXED_ADVERBS = frozenset(
    {"here", "there", "home", "so", "then", "not", "never", "n't", "how", "when", "where", "why", "please"}
)
"""Adverbs that keep their place: places that act as goals, and conjunction-like words."""


def verb_lemma(token) -> str:
    """The base form of a verb token (any form of *be* is `be`)."""
    if token.lemma_.lower() == "be" or token.lower_ in ("'m", "'re", "am", "is", "are", "was", "were", "been", "being"):
        return "be"
    if known_verb(token.lower_) and verb_base(token.lower_)[0] is None:
        return token.lower_  # a base form that reads as no inflection (`hiss`, `read`), whatever its lemma
    lemma = token.lemma_
    if token.pos_ != "VERB" or lemma.lower() == token.lower_ and token.tag_ not in ("VB", "VBP"):
        lemma = _rule_lemma(token, lemma)
    base, kind = verb_base(token.lower_)
    if base and base != lemma.lower() and base[:-1] == lemma.lower():
        lemma = base  # `hoped` -> hope, `riding` -> ride (spaCy's rules pick hop, rid)
    return lemma.lower() if token.text[:1].islower() or token.i == 0 else lemma


def _rule_lemma(token, fallback: str) -> str:
    """Lemmatize `token` as a verb with spaCy's own rules, whatever the tagger said."""
    lemmatizer = load_nlp().get_pipe("lemmatizer")
    pos, tag = token.pos_, token.tag_
    try:
        token.pos_ = "VERB"
        if not tag.startswith("VB"):
            token.tag_ = _verb_tag(token.lower_)
        lemmas = lemmatizer.rule_lemmatize(token)
    finally:
        token.pos_, token.tag_ = pos, tag
    return lemmas[0] if lemmas else fallback


def _verb_tag(word: str) -> str:
    if word.endswith("ing"):
        return "VBG"
    if word.endswith("ed"):
        return "VBD"
    if word.endswith("s"):
        return "VBZ"
    return "VB"


def past_forms() -> dict[str, set[str]]:
    """Irregular inflections by base form (`go` -> {`went`, `gone`, ...}), from spaCy's lemmatizer tables."""
    forms: dict[str, set[str]] = {}
    for word, lemmas in verb_exceptions().items():
        for lemma in lemmas:
            forms.setdefault(lemma, set()).add(word)
    return forms


@lru_cache(maxsize=1)
def verb_exceptions() -> dict[str, list[str]]:
    return dict(load_nlp().get_pipe("lemmatizer").lookups.get_table("lemma_exc").get("verb", {}))


@lru_cache(maxsize=1)
def _verbs() -> frozenset[str]:
    lookups = load_nlp().get_pipe("lemmatizer").lookups
    return frozenset(lookups.get_table("lemma_index").get("verb", ()))


def known_verb(word: str) -> bool:
    return word in _verbs()


def verb_base(word: str) -> tuple[str | None, str]:
    """(base form, kind) of a verb form by spelling: kind `s`, `ed` or `ing`; (None, "") if none fits."""
    irregular = verb_exceptions().get(word)
    if irregular and irregular[0] != word and not word.endswith(("s", "ing")):
        return irregular[0], "ed"
    sibilant = word.endswith(("ches", "shes", "sses", "xes", "zes", "oes"))
    suffixes = (("ies", "s"), ("es" if sibilant else "s", "s"), ("ied", "ed"), ("ed", "ed"), ("ing", "ing"))
    for suffix, kind in suffixes:
        if not word.endswith(suffix) or len(word) <= len(suffix) + 1:
            continue
        stem = word[: -len(suffix)]
        if suffix in ("ies", "ied"):
            candidates = [stem + "y"]
        elif kind == "s":
            candidates = [stem, stem + "e"] if suffix == "es" else [stem]  # `goes` -> go, `tiptoes` -> tiptoe
        elif len(stem) > 2 and stem[-1] == stem[-2] and stem[-1] not in "lsz":
            candidates = [stem[:-1], stem]  # `hopped` -> hop
        elif re.search(r"[^aeiou][aeiou][^aeiouwxy]$", stem) or not known_verb(stem):
            candidates = [stem + "e", stem]  # `hoped` -> hope, `riding` -> ride, `used` -> use
        else:
            candidates = [stem, stem + "e"]  # `singing` -> sing
        for candidate in candidates:
            if known_verb(candidate):
                return candidate, kind
    return None, ""


def past_is_base(verb: str) -> bool:
    """`put`, `read`, `cut`: a verb whose past may be spelled as its base form. Every such English verb ends in -t or
    -d (put, set, spread, broadcast); `tow`, `hum`, `sew` do not, so spelled like that they are never a past."""
    return verb.endswith(("t", "d"))


@lru_cache(maxsize=1)
def adverbs() -> frozenset[str]:
    lookups = load_nlp().get_pipe("lemmatizer").lookups
    return frozenset(lookups.get_table("lemma_index").get("adv", ()))


def noun_word(word: str) -> bool:
    """A noun of the lexicon, or the plural of one (`gerbils`, `ponchos`, `boxes`, `geese`)."""
    if word in nouns() or word in _noun_exceptions():
        return True
    singulars = [word[:-1]] if word.endswith("s") else []
    if word.endswith("es"):
        singulars.append(word[:-2])
    if word.endswith("ies"):
        singulars.append(word[:-3] + "y")
    return any(len(w) >= 3 and w in nouns() for w in singulars)


@lru_cache(maxsize=1)
def _noun_exceptions() -> frozenset[str]:
    """Irregular noun forms of spaCy's lemmatizer tables (`geese`, `mice`)."""
    return frozenset(load_nlp().get_pipe("lemmatizer").lookups.get_table("lemma_exc").get("noun", {}))


@lru_cache(maxsize=1)
def nouns() -> frozenset[str]:
    lookups = load_nlp().get_pipe("lemmatizer").lookups
    return frozenset(lookups.get_table("lemma_index").get("noun", ()))


@lru_cache(maxsize=1)
def _known_words() -> frozenset[str]:
    lookups = load_nlp().get_pipe("lemmatizer").lookups
    index, exc = lookups.get_table("lemma_index"), lookups.get_table("lemma_exc")
    return frozenset(w for pos in ("noun", "verb", "adj", "adv") for table in (index, exc) for w in table.get(pos, ()))


@lru_cache(maxsize=1)
def _adjectives() -> frozenset[str]:
    lookups = load_nlp().get_pipe("lemmatizer").lookups
    return frozenset(lookups.get_table("lemma_index").get("adj", ()))


@lru_cache(maxsize=1)
def modifier_nouns() -> frozenset[str]:
    """Nouns whose first WordNet sense is a colour or a material (`turquoise`, `bamboo`, `velvet`): words/
    modifier_nouns.tsv beside this module, written by scripts/write_word_lists.py from WordNet 3.0."""
    rows = (Path(__file__).parent / "words" / "modifier_nouns.tsv").read_text(encoding="utf-8").splitlines()
    return frozenset(row.split("\t")[0] for row in rows if row)


@lru_cache(maxsize=1)
def noun_modifiers() -> frozenset[str]:
    """The nouns that are adjectives before a noun (§6): the materials, and the colour and material nouns of
    `modifier_nouns` less a few food/room compounds."""
    return MATERIALS | (modifier_nouns() - NOT_ADJECTIVES)


def adjective_word(word: str) -> bool:
    """A material or colour (`noun_modifiers`), or a word WordNet lists as an adjective (`kind`, `green`), less a few
    food/room compounds."""
    return word in noun_modifiers() or word in _adjectives() and word not in NOT_ADJECTIVES


def degree_stems(word: str, min_stem: int = 0) -> list[str]:
    """The adjectives `word` may be the comparative or superlative of, by spelling: softer -> soft, softe; nicer ->
    nic, nice; happier -> happy; bigger -> bigg, big. Only endings that leave at least `min_stem` letters."""
    stems = []
    for ending in ("er", "est"):
        stem = word[: -len(ending)]
        if word.endswith(ending) and len(stem) >= min_stem:
            stems += [stem, stem + "e", stem[:-1] + "y" if stem.endswith("i") else stem]
            if len(stem) > 2 and stem[-1] == stem[-2]:
                stems.append(stem[:-1])
    return stems


def known_word(word: str) -> bool:
    known = _known_words()
    return word in known or word.endswith("s") and word[:-1] in known


# --- everyday messages (§16-17) ---------------------------------------------------------------------------------------

CONTRACTIONS = {
    "im": "I'm", "ive": "I've", "dont": "don't", "doesnt": "doesn't", "didnt": "didn't", "cant": "can't",
    "wont": "won't", "isnt": "isn't", "arent": "aren't", "wasnt": "wasn't", "werent": "weren't", "havent": "haven't",
    "hasnt": "hasn't", "hadnt": "hadn't", "couldnt": "couldn't", "wouldnt": "wouldn't", "shouldnt": "shouldn't",
    "mustnt": "mustn't", "youre": "you're", "youve": "you've", "youll": "you'll", "theyre": "they're",
    "theyve": "they've", "theyll": "they'll", "weve": "we've", "hes": "he's", "shes": "she's", "thats": "that's",
    "whats": "what's", "wheres": "where's", "whos": "who's", "theres": "there's", "heres": "here's",
    "shouldve": "should've", "couldve": "could've", "wouldve": "would've",
}
"""Contractions typed without their apostrophe that are no English word, spelled out wherever they stand (§17)."""
CONTRACTIONS_AT_CLAUSE_START = {"ill": "I'll", "id": "I'd", "lets": "let's", "youd": "you'd", "hed": "he'd"}
"""Contractions that are also words (`ill`, `id`, `lets`), read as contractions only where a clause starts (§17)."""
ITS_IS_IT_IS_BEFORE = frozenset(
    "a an the not too very so really just still already almost only all time ok okay fine here there my your his "
    "her our their me you him us them nice good bad cold hot warm cool late early dark sunny windy rainy big small "
    "hard easy fun funny true great lovely quiet loud over done broken free open closed wet dry noisy boring scary "
    "sore mine yours ours theirs".split()
)
"""`its` before one of these words (or an -ing/-ed word, or at the end) is `it's`; otherwise the possessive (§17)."""
WH_WORDS = frozenset({"what", "who", "whom", "whose", "where", "when", "why", "how", "which"})
QUESTION_AUXILIARIES = frozenset(
    "am is are was were do does did can could will would shall should may might have has had".split()
)
QUESTION_SUBJECTS = frozenset(
    "i you he she it we they there this that these those the my your his her our their someone anyone everyone "
    "somebody anybody everybody".split()
)
"""Words that start a subject after a fronted auxiliary: `are you ...`, `can I ...`, `is the ...` (§17)."""
SOCIAL_PHRASES = tuple(
    sorted(
        (
            "hello", "hi", "hey", "good morning", "good afternoon", "good evening", "good night", "goodnight", "bye",
            "goodbye", "bye bye", "see you", "see you later", "see you tomorrow", "see you soon", "thanks", "thank you", "thank you very much",
            "thank you so much", "thanks a lot", "sorry", "excuse me", "yes", "no", "yeah", "nope", "ok", "okay",
            "oh", "ouch", "oops", "wow", "yay", "hooray", "welcome", "you're welcome", "no thanks", "no thank you",
            "yes please", "cheers", "congratulations", "happy birthday", "well done", "oh no", "uh oh", "ow",
            "yuck", "yum", "ugh", "hmm", "great", "cool", "never mind", "me too", "of course",
        ),
        key=lambda p: -len(p.split()),
    )
)
"""Greetings, thanks and interjections: a message of only these is a `phrase:` (§16); before a comma they make a
sentence of their own (§17). Longest first, so `thank you very much` wins over `thank you`."""
KIN_WORDS = frozenset(
    "mom mum mommy mummy mama mother dad daddy papa father grandma grandpa granny grandad grandmother grandfather "
    "nana nan gran auntie aunt uncle sis bro nurse doctor teacher".split()
)
"""Words that call someone (`Mom, ...`): read as vocatives without a comma too, before a question or request (§17)."""
DISCOURSE_OPENERS = frozenset(
    "well so now okay ok please sorry yes no yeah oh then also still anyway first next finally again here there".split()
)
"""Words that open a message before a comma without calling anyone (`Well, can you ...`): never read as a name."""
KIN_NAMES = frozenset("mom mum mommy mummy mama dad daddy papa grandma grandpa granny grandad nana nan gran".split())
"""Family words used as names: capitalised where no determiner comes before them (`call mom` -> `call Mom`, §13)."""
