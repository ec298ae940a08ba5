"""Second readings for sentences spaCy's small model parses badly, spelled so that their Bliss is unchanged.

* A verb read as a noun (`Zara shops in Oslo`, `The dog barked at ...`): the variant spells it with do-support
  (`Zara does shop ...`, `The dog did bark ...`); the rules drop `does`/`did`, so the Bliss is the same.
* An inverted question with a participle or an adjective (`Is the dog barking ...?`, `Where is Kofi drinking
  ...?`): the variant puts the verb after the subject (`the dog is barking ...?`), the order Bliss wants anyway.

* A rare verb read as a noun or an adjective (`You harness mules`, `When will the florist canter?`): the variant
  puts a common verb of the same form in its place (`move`, `moves`, `moved`), and the parse it gets is given back
  the sentence's own words.

`best_parse` parses the variants and keeps the reading whose clauses have the most verbs with subjects.
"""

from __future__ import annotations

from babybliss.grammar.nlp import parse
from babybliss.grammar.lexicon import BARE_PLACES, adjective_word, known_verb, noun_word, verb_base

BE_FORMS = {"is": "is", "are": "are", "am": "am", "was": "was", "were": "were"}
DETERMINERS = frozenset({"the", "a", "an", "my", "your", "his", "her", "its", "our", "their", "this", "that"})
WH_WORDS = frozenset({"what", "who", "where", "when", "why", "how", "which"})
CLAUSE_DEPS = frozenset({"ROOT", "conj", "advcl", "relcl", "ccomp"})
STAND_IN = {"": "move", "s": "moves", "ed": "moved"}
"""A common verb that takes an object or none, in each form a rare verb may have: what `_stand_in` parses instead."""
BEFORE_A_VERB = frozenset({"to", "will", "'ll", "wo", "did", "does", "do", "can", "should", "must", "not", "n't",
                           "never"})


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


def _stand_in(doc) -> list[tuple[str, bool, dict[int, str]]]:
    """Variants with a common verb in place of each word that can be a verb (by the lexicon) but that the parse read
    as a noun or an adjective, after a subject-like word or an auxiliary, and one with all of them in place:
    (text, tie wins, {index: base form})."""
    words = [t.text for t in doc]
    verbless = not any(t.pos_ == "VERB" and t.lemma_ not in ("do", "be", "have") for t in doc) or any(
        t.dep_ == "ROOT" and t.pos_ not in ("VERB", "AUX") for t in doc)  # or the main clause has none
    found = {}
    for t in doc:
        if t.i == 0 or not t.is_alpha or not t.text.islower() or t.pos_ not in ("NOUN", "ADJ", "PROPN"):
            continue
        if t.lower_ in ("last", "next") or t.pos_ == "ADJ" and adjective_word(t.lower_) or t.lower_ in BARE_PLACES:
            continue  # `roofs last summer`, `weary donkeys`, `going to bed`: read as the lexicon allows
        before = doc[t.i - 1]
        after_subject = before.pos_ in ("NOUN", "PROPN", "PRON") or noun_word(before.lower_) and before.pos_ != "DET"
        if not (after_subject or before.lower_ in BEFORE_A_VERB) or before.tag_ in ("PRP$", "DT", "CD"):
            continue
        if not (before.lower_ in BEFORE_A_VERB or t.dep_ in CLAUSE_DEPS | {"advcl", "acl", "xcomp"} or verbless):
            continue  # the parse has its verbs, and no clause head is a noun: a noun it stays
        base, kind = (t.lower_, "") if known_verb(t.lower_) else verb_base(t.lower_)
        if base is not None and kind in STAND_IN:
            found[t.i] = (base, STAND_IN[kind])
    sets = [{i: found[i]} for i in found] + ([dict(found)] if len(found) > 1 else [])
    out = []
    for chosen in sets:
        variant = [chosen[i][1] if i in chosen else w for i, w in enumerate(words)]
        out.append((_join(variant), False, {i: base for i, (base, _) in chosen.items()}))
    return out


def _verb_slot(variant, i: int) -> bool:
    """The stand-in at `i` is read as a verb where only a verb fits: the root, or after a modal, `did` or `be going
    to` (not `before going to bed`)."""
    t = variant[i]
    if not t.tag_.startswith("VB"):
        return False
    if t.dep_ == "ROOT":
        return True
    before = variant[i - 1].lower_
    if before == "to":
        going = variant[i - 2] if i >= 2 else None
        return going is not None and going.lower_ == "going" and any(a.lemma_ == "be" for a in going.children)
    return before in BEFORE_A_VERB


def _own_words(variant, doc, bases: dict[int, str]):
    """The variant's parse with the sentence's own words (each stand-in verb's token gets the rare verb back)."""
    from spacy.tokens import Doc

    if len(variant) != len(doc) or any(v.text != d.text for v, d in zip(variant, doc) if d.i not in bases):
        return None
    lemmas = [bases.get(t.i, t.lemma_) for t in variant]
    name = [d.pos_ == "PROPN" and v.pos_ == "NOUN" and d.text[:1].isupper() for v, d in zip(variant, doc)]
    return Doc(  # a name stays a name (`Ninon simmers ...` -> `Ninon moves ...` may read `Ninon` as a noun)
        doc.vocab, words=[t.text for t in doc], spaces=[bool(t.whitespace_) for t in doc],
        tags=["NNP" if n else t.tag_ for t, n in zip(variant, name)],
        pos=["PROPN" if n else t.pos_ for t, n in zip(variant, name)],
        deps=[t.dep_ for t in variant], heads=[t.head.i for t in variant], lemmas=lemmas,
    )


def _join(words: list[str]) -> str:
    text = " ".join(words)
    for mark in (" ?", " .", " ,", " 's", " n't", " 'll", " 're", " 'm", " 've", " 'd"):
        text = text.replace(mark, mark[1:])
    return text


def best_parse(doc):
    """`doc`, or the variant reading of its text that scores higher."""
    do_support = [(text, tie, None) for text, tie in _do_support(doc)]
    variants = do_support + _stand_in(doc) + [(text, tie, None) for text, tie in _uninvert(doc)]
    if not variants:
        return doc
    base = score(doc)
    for (_, tie_wins, bases), variant in zip(variants, parse([text for text, *_ in variants])):
        # a tie goes to the variant when the original put a noun where a clause needs its verb, or when every stand-in
        # verb is the root or follows an auxiliary
        tie_wins = tie_wins or bases is not None and all(_verb_slot(variant, i) for i in bases)
        if score(variant) > base or tie_wins and score(variant) == base:
            return variant if bases is None else _own_words(variant, doc, bases) or doc
    return doc
