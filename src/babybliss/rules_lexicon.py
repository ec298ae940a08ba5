"""Word lists of the rule converter and its corrections of spaCy's small model (tags it gets wrong)."""

from __future__ import annotations

from functools import lru_cache

from babybliss.nlp import load_nlp

QUANTIFIERS = frozenset({"many", "more", "much", "few", "own", "other", "several", "some", "any"})
"""Determiner-like adjectives that stay in front of their noun (§5)."""
ARTICLES = frozenset({"a", "an", "the"})
MODALS_KEPT = frozenset({"can", "should", "must"})
MODALS_UNCOVERED = frozenset({"would", "could", "might", "may", "ought"})
POSSESSIVES = frozenset({"my", "your", "his", "her", "its", "our", "their"})
PERSONAL_PRONOUNS = frozenset({"he", "she", "it", "we", "they", "you"})
TIME_WORDS = frozenset({"yesterday", "today", "tonight", "tomorrow", "ago"})
"""Time words that stay at the end of the clause (§8), although spaCy may call them adverbs."""
TIME_NOUNS = frozenset(
    "morning afternoon evening night day week weekend month year summer winter spring autumn fall season "
    "monday tuesday wednesday thursday friday saturday sunday time hour minute term semester holiday".split()
)
FIXED_ADVERBS = frozenset({"here", "there", "home", "so", "then", "not", "never", "n't", "how", "when", "where", "why"})
"""Adverbs that keep their place: places that act as goals, and conjunction-like words."""


def verb_lemma(token) -> str:
    """The base form of a verb token (any form of *be* is `be`)."""
    if token.lemma_.lower() == "be" or token.lower_ in ("'m", "'re", "am", "is", "are", "was", "were", "been", "being"):
        return "be"
    lemma = token.lemma_
    if token.pos_ != "VERB" or lemma.lower() == token.lower_ and token.tag_ not in ("VB", "VBP"):
        lemma = _rule_lemma(token, lemma)
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


def fix_tags(doc) -> list[str]:
    """Correct, in place, the tags and attachments spaCy's small model gets wrong; one note per correction."""
    notes: list[str] = []
    for repair in _REPAIRS:
        for token in doc:
            note = repair(token)
            if note:
                notes.append(f"{token.text}: {note}")
    return notes


def past_forms() -> dict[str, set[str]]:
    """Irregular inflections by base form (`go` -> {`went`, `gone`, ...}), from spaCy's lemmatizer tables."""
    forms: dict[str, set[str]] = {}
    for word, lemmas in _verb_exceptions().items():
        for lemma in lemmas:
            forms.setdefault(lemma, set()).add(word)
    return forms


@lru_cache(maxsize=1)
def _verb_exceptions() -> dict[str, list[str]]:
    return dict(load_nlp().get_pipe("lemmatizer").lookups.get_table("lemma_exc").get("verb", {}))


@lru_cache(maxsize=1)
def _known_words() -> frozenset[str]:
    lookups = load_nlp().get_pipe("lemmatizer").lookups
    index, exc = lookups.get_table("lemma_index"), lookups.get_table("lemma_exc")
    return frozenset(w for pos in ("noun", "verb", "adj", "adv") for table in (index, exc) for w in table.get(pos, ()))


def _known_word(word: str) -> bool:
    known = _known_words()
    return word in known or word.endswith("s") and word[:-1] in known


def _aux_children(token):
    """An auxiliary has no dependents: hand them to the verb it serves."""
    if token.dep_ not in ("aux", "auxpass") or token.head.i == token.i:
        return None
    moved = [c for c in token.children]
    for child in moved:
        child.head = token.head
    return "dependents moved to its verb" if moved else None


def _irregular_past(token):
    """`forgot` tagged as a present verb: an irregular past form whose base form differs."""
    if token.tag_ not in ("VB", "VBP") or any(c.dep_ in ("aux", "auxpass") for c in token.children):
        return None
    lemmas = _verb_exceptions().get(token.lower_)
    if not lemmas or lemmas[0] in (token.lower_, "be", "have") or token.lower_.endswith("s"):
        return None
    token.tag_, token.lemma_ = "VBD", lemmas[0]
    return "VBP -> VBD"


def _next_last(token):
    """`next Monday`: `next`/`last` before a time noun is an adjective."""
    if token.lower_ in ("next", "last") and token.head.lower_ in TIME_NOUNS and token.i < token.head.i:
        if token.dep_ != "amod":
            token.dep_, token.pos_ = "amod", "ADJ"
            return "-> amod"
    return None


def _verb_of(token):
    head = token.head
    while head.pos_ not in ("VERB", "AUX") and head.head.i != head.i:
        head = head.head
    return head if head.pos_ in ("VERB", "AUX") else None


def _adverb_on_noun(token):
    """`her dog carefully`: a manner adverb attached to a noun belongs to the verb."""
    if token.dep_ != "advmod" or token.tag_ != "RB" or not token.lower_.endswith("ly"):
        return None
    if token.head.pos_ not in ("NOUN", "PROPN", "PRON") or token.i < token.head.i:
        return None
    verb = _verb_of(token.head)
    if verb is None:
        return None
    token.head = verb
    return "advmod moved from noun to verb"


def _gerund_compound(token):
    """`her reading glasses`: an -ing word between a determiner and its noun is a compound, not a verb."""
    if token.tag_ != "VBG" or token.i == 0 or token.i + 1 >= len(token.doc):
        return None
    before, after = token.doc[token.i - 1], token.doc[token.i + 1]
    if before.lower_ not in POSSESSIVES | ARTICLES or after.pos_ != "NOUN" or token.dep_ in ("aux", "ROOT"):
        return None
    old_head, old_dep = token.head, token.dep_
    after.head, after.dep_ = old_head, ("dobj" if old_dep in ("ccomp", "xcomp", "dobj") else old_dep)
    before.head, before.dep_ = after, ("det" if before.lower_ in ARTICLES else "poss")
    token.head, token.dep_, token.pos_, token.tag_ = after, "compound", "NOUN", "NN"
    token.lemma_ = token.lower_
    return "VBG -> compound"


def _question_progressive(token):
    """`Is Ines waking up?` read as `is` + a noun with a participle: the participle is the verb."""
    if token.dep_ != "ROOT" or token.lemma_ != "be":
        return None
    subject = next((c for c in token.children if c.dep_ == "nsubj"), None)
    if subject is None:
        return None
    verb = next((c for c in subject.children if c.dep_ == "acl" and c.tag_ == "VBG" and c.i == subject.i + 1), None)
    if verb is None:
        return None
    for child in list(token.children):
        child.head = verb
    verb.head, verb.dep_ = verb, "ROOT"
    token.head, token.dep_ = verb, "aux"
    return "copula -> progressive aux"


def _initial_name(token):
    """A capitalised first word that is no English word (`Ravi`, `Ines`) is a name."""
    if token.i != 0 or not token.text[:1].isupper() or token.pos_ not in ("NOUN", "ADJ"):
        return None
    if _known_word(token.lower_):
        return None
    token.pos_, token.tag_ = "PROPN", "NNP"
    return "-> PROPN"


_REPAIRS = (_aux_children, _question_progressive, _irregular_past, _next_last, _adverb_on_noun, _gerund_compound, _initial_name)
