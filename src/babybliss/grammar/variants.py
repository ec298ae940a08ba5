"""Second readings for sentences spaCy's small model parses badly, spelled so that their Bliss is unchanged.

* A verb read as a noun (`Zara shops in Oslo`, `The dog barked at ...`): the variant spells it with do-support
  (`Zara does shop ...`, `The dog did bark ...`); the rules drop `does`/`did`, so the Bliss is the same.
* An inverted question with a participle or an adjective (`Is the dog barking ...?`, `Where is Kofi drinking
  ...?`): the variant puts the verb after the subject (`the dog is barking ...?`), the order Bliss wants anyway.

`best_parse` parses the variants and keeps the reading whose clauses have the most verbs with subjects.
"""

from __future__ import annotations

from babybliss.grammar.nlp import parse
from babybliss.grammar.lexicon import adjective_word, verb_base

BE_FORMS = {"is": "is", "are": "are", "am": "am", "was": "was", "were": "were"}
DETERMINERS = frozenset({"the", "a", "an", "my", "your", "his", "her", "its", "our", "their", "this", "that"})
WH_WORDS = frozenset({"what", "who", "where", "when", "why", "how", "which"})
CLAUSE_DEPS = frozenset({"ROOT", "conj", "advcl", "relcl", "ccomp"})


def score(doc) -> int:
    """Clause heads that are verbs with a subject, minus a penalty when the root is no verb."""
    good = sum(
        1
        for t in doc
        if t.pos_ in ("VERB", "AUX") and t.dep_ in CLAUSE_DEPS and any(c.dep_ in ("nsubj", "nsubjpass", "expl") for c in t.children)
    )
    bad = sum(1 for t in doc if t.dep_ in CLAUSE_DEPS and t.pos_ not in ("VERB", "AUX"))
    return good - 2 * bad


def _do_support(doc) -> list[str]:
    """Variants with `does`/`did` + base form for each word that looks like a verb read as something else."""
    words = [t.text for t in doc]
    out = []
    for t in doc:
        if t.i == 0 or t.pos_ not in ("NOUN", "PROPN", "ADJ", "VERB"):
            continue
        if t.tag_ in ("VBZ", "VBP", "VBD", "VB") and t.dep_ != "acl":
            continue
        if t.pos_ == "VERB" and any(c.dep_ in ("nsubj", "expl", "aux") for c in t.children):
            continue
        if t.dep_ == "nsubj" and t.head.i == t.i + 1 and t.head.pos_ in ("VERB", "AUX"):
            continue  # `These shoes are ...`: the subject of the verb right after it is a noun
        before = doc[t.i - 1]
        determined = any(c.dep_ in ("det", "poss") for c in t.children)
        if t.dep_ in ("dobj", "pobj") and determined and adjective_word(before.lower_):
            continue  # `stuff the velvet cushions`: an object with its determiner and adjective is a noun
        if before.pos_ not in ("NOUN", "PROPN", "PRON", "ADV") and before.lower_ not in WH_WORDS and before.i != 0:
            continue
        if before.lower_ in ("the", "a", "an") or before.tag_ in ("PRP$", "CD"):  # `Two sandwiches, please.`
            continue
        base, tense = verb_base(t.lower_)
        if base is None or tense == "ing" or tense == "ed" and any(a.pos_ == "AUX" for a in doc[: t.i]):
            continue
        if before.pos_ == "ADV" and t.i > 1 and doc[t.i - 2].pos_ == "AUX":
            continue
        variant = words[: t.i] + ["does" if tense == "s" else "did", base] + words[t.i + 1 :]
        out.append((_join(variant), t.dep_ in ("ROOT", "nsubj", "advcl", "relcl", "conj") or t.pos_ == "VERB"))
    return out


def _uninvert(doc) -> list[str]:
    """`[wh] is NP VERB-ing ...?` -> `[wh] NP is VERB-ing ...?` (and the same with a final adjective)."""
    words = [t.text for t in doc]
    if not words or words[-1] != "?":
        return []
    start = 1 if doc[0].lower_ in WH_WORDS else 0
    if start + 1 >= len(doc) or doc[start].lower_ not in BE_FORMS or doc[start + 1].lower_ == "there":
        return []
    for t in doc[start + 2 : len(doc) - 1]:
        predicate = t.pos_ != "ADP" and (t.tag_ in ("JJ", "VBN") or adjective_word(t.lower_))
        if predicate and doc[t.i - 1].lower_ in DETERMINERS | {"'s", "very", "too"}:
            predicate = False
        if t.lower_.endswith("ing") and verb_base(t.lower_)[0] or predicate:
            subject = words[start + 1 : t.i]
            be = doc[start].lower_
            return [(_join(words[:start] + subject + [be] + words[t.i :]), True)]
        if t.pos_ in ("VERB", "AUX", "ADP") or t.text == ",":
            break
    return []


def _join(words: list[str]) -> str:
    text = " ".join(words)
    for mark in (" ?", " .", " ,", " 's", " n't", " 'll", " 're", " 'm", " 've", " 'd"):
        text = text.replace(mark, mark[1:])
    return text


def best_parse(doc):
    """`doc`, or the variant reading of its text that scores higher."""
    variants = _uninvert(doc) + _do_support(doc)
    if not variants:
        return doc
    base = score(doc)
    for (_, tie_wins), variant in zip(variants, parse([text for text, _ in variants])):
        # a tie goes to the variant when the original put a noun where a clause needs its verb
        if score(variant) > base or tie_wins and score(variant) == base:
            return variant
    return doc
