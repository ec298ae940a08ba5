"""Corrections of spaCy's small model: tags and attachments it gets wrong, repaired in place before the rules run."""

from __future__ import annotations

from babybliss.grammar.lexicon import (
    ARTICLES,
    AUXILIARIES,
    MATERIALS,
    PERSONAL_PRONOUNS,
    PHRASAL_VERBS,
    POSSESSIVES,
    TIME_NOUNS,
    TIME_WORDS,
    adjective_word,
    adverbs,
    known_verb,
    known_word,
    noun_word,
    nouns,
    past_is_base,
    verb_base,
    verb_exceptions,
)

DEGREE_WORDS = frozenset({"very", "too", "so", "really", "quite", "rather", "extremely"})
PHRASE_ENDS = TIME_WORDS | TIME_NOUNS | ARTICLES | POSSESSIVES | {"last", "next"}
"""Words a noun phrase read by word class never runs over (`the roofs last summer`, `the plum tomorrow`)."""
NOMINAL_DEPS = frozenset({"dobj", "pobj", "nsubj", "nsubjpass", "attr", "dative", "conj", "appos", "oprd"})


def fix_tags(doc) -> list[str]:
    """Correct, in place, the tags and attachments spaCy's small model gets wrong; one note per correction.

    Should the repairs together leave a token its own ancestor (a tree walk over such a parse never ends), the parse
    is put back as spaCy gave it and the repairs run again one by one, each undone where it would make that loop."""
    from spacy.attrs import DEP, HEAD, POS, TAG

    attrs = [HEAD, DEP, POS, TAG]
    parsed = doc.to_array(attrs)
    notes = _repaired(doc, None)
    if _acyclic({t.i: t.head.i for t in doc}):
        return notes
    doc.from_array(attrs, parsed)
    return _repaired(doc, attrs)


def _repaired(doc, careful_attrs) -> list[str]:
    notes: list[str] = []
    for repair in _REPAIRS:
        for token in doc:
            before = doc.to_array(careful_attrs) if careful_attrs else None
            note = repair(token)
            if note and careful_attrs and not _acyclic({t.i: t.head.i for t in doc}):
                doc.from_array(careful_attrs, before)
                continue
            if note:
                notes.append(f"{token.text}: {note}")
    return notes


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
    lemmas = verb_exceptions().get(token.lower_)
    if not lemmas or lemmas[0] in (token.lower_, "be", "have") or token.lower_.endswith("s"):
        return None
    token.tag_, token.lemma_ = "VBD", lemmas[0]
    return "VBP -> VBD"


def _past_by_time(token):
    """`I read the book yesterday`: a verb whose past is spelled as its present (`read`, `put`, `cut`), tagged as a
    present, with a past time of its own (`yesterday`, `... ago`, `last night`) is the past."""
    if token.tag_ not in ("VB", "VBP") or any(c.dep_ in ("aux", "auxpass") for c in token.children):
        return None
    from lemminflect import getInflection

    if token.lower_ not in getInflection(token.lower_, "VBD"):
        return None
    past = any(c.lower_ in ("yesterday", "ago") or c.dep_ in ("npadvmod", "tmod") and c.lower_ in TIME_NOUNS
               and any(g.lower_ == "last" for g in c.children) for c in token.children)
    if not past:
        return None
    token.tag_ = "VBD"
    return "VBP -> VBD (a past time)"


def _next_last(token):
    """`next Monday`: `next`/`last` before a time noun is an adjective."""
    if token.lower_ in ("next", "last") and token.head.lower_ in TIME_NOUNS and token.i < token.head.i:
        if token.dep_ != "amod":
            token.dep_, token.pos_ = "amod", "ADJ"
            return "-> amod"
    return None


def _verb_of(token):
    head = token.head
    for _ in range(len(token.doc)):  # bounded: a tree walk must end even on a malformed parse
        if head.pos_ in ("VERB", "AUX") or head.head.i == head.i:
            break
        head = head.head
    return head if head.pos_ in ("VERB", "AUX") else None


def _acyclic(heads: dict[int, int]) -> bool:
    """A parse whose head links all end at a root (a repair must never make a token its own ancestor)."""
    for start in heads:
        node = start
        for _ in range(len(heads)):
            if heads[node] == node:
                break
            node = heads[node]
        else:
            return False
    return True


def _adverb_on_noun(token):
    """`her dog carefully`: a manner adverb attached to a noun belongs to the verb."""
    if token.dep_ != "advmod" and not (token.dep_ == "amod" and token.lower_ in ("late", "early")):
        return None
    head = token.head
    on_time = head.lower_ in TIME_NOUNS | TIME_WORDS and token.lower_ not in ("next", "last", "right")
    after_noun = token.tag_ == "RB" and token.lower_.endswith("ly") and token.i > head.i
    if head.pos_ not in ("NOUN", "PROPN", "PRON", "ADJ", "ADP") or not (on_time or after_noun):
        return None
    if token.dep_ == "amod" and head.lower_ not in TIME_WORDS:
        return None
    verb = _verb_of(token.head)
    if verb is None:
        return None
    token.head, token.dep_, token.pos_ = verb, "advmod", "ADV"
    return "advmod moved to the verb"


def _gerund_compound(token):
    """`her reading glasses`, `her spotted pony`: an -ing word between a determiner and its noun is a compound, an
    -ed participle there an adjective; neither is a verb."""
    if token.tag_ not in ("VBG", "VBN") or token.i == 0 or token.i + 1 >= len(token.doc):
        return None
    before, after = token.doc[token.i - 1], token.doc[token.i + 1]
    noun = after.pos_ == "NOUN" or after.lower_ in nouns() and after.pos_ not in ("ADP", "DET", "PRON", "PART")
    if before.lower_ not in POSSESSIVES | ARTICLES or not noun or token.dep_ in ("aux", "ROOT", "amod"):
        return None
    old_head, old_dep = token.head, token.dep_
    after.head, after.dep_ = old_head, ("dobj" if old_dep in ("ccomp", "xcomp", "dobj") else old_dep)
    before.head, before.dep_ = after, ("det" if before.lower_ in ARTICLES else "poss")
    after.pos_, after.tag_ = "NOUN", after.tag_ if after.tag_.startswith("NN") else "NN"
    if token.tag_ == "VBN":
        token.head, token.dep_, token.pos_, token.tag_ = after, "amod", "ADJ", "JJ"
        return "VBN -> adjective"
    token.head, token.dep_, token.pos_, token.tag_ = after, "compound", "NOUN", "NN"
    token.lemma_ = token.lower_
    return "VBG -> compound"


def _attribute_progressive(token):
    """`It's raining.` read as `'s` + a participle as its attribute: the participle is the verb (§2)."""
    if token.dep_ != "ROOT" or token.lemma_ != "be" or not any(c.dep_ == "nsubj" for c in token.children):
        return None
    verb = next((c for c in token.children if c.dep_ in ("attr", "acomp") and c.tag_ == "VBG" and c.i == token.i + 1
                 and not any(g.dep_ in ("det", "poss") for g in c.children)), None)
    if verb is None or verb_base(verb.lower_)[1] != "ing":
        return None
    for child in list(token.children):
        if child.i != verb.i:
            child.head = verb
    verb.head, verb.dep_ = verb, "ROOT"
    token.head, token.dep_ = verb, "aux"
    return "copula -> progressive aux"


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
    """A capitalised first word that is no English word (`Ravi`, `Ines`), owns something (`Pilar's`) or is read as
    a noun that is no English noun (`Pilar` should ...) is a name."""
    if token.i != 0 or not token.text[:1].isupper() or token.pos_ in ("PROPN", "PRON", "DET", "AUX", "PART"):
        return None
    if token.is_stop or token.tag_ in ("WRB", "WP", "IN", "CC", "MD"):
        return None
    owner = len(token.doc) > 1 and token.doc[1].lower_ in ("'s", "’s") and token.doc[1].tag_ != "PRP"  # not `Let's`
    not_a_noun = token.pos_ == "NOUN" and not {token.lower_, token.lemma_.lower()} & nouns()
    if known_word(token.lower_) and not owner and not not_a_noun:
        return None
    token.pos_, token.tag_ = "PROPN", "NNP"
    return "-> PROPN"


def _particle(token):
    """`hanging up the laundry`: `up` read as a preposition of a phrasal verb is its particle."""
    verb = token.head
    if token.dep_ != "prep" or token.i != verb.i + 1 or f"{verb.lemma_}_{token.lower_}" not in PHRASAL_VERBS:
        return None
    token.dep_ = "prt"
    for child in list(token.children):
        child.head, child.dep_ = verb, "dobj"
    return "prep -> prt"


def _noun_read_as_verb(token):
    """`the oak planks`, `squeaky wheelbarrows`: a plural noun after its article or adjective, tagged as a verb."""
    if token.pos_ != "VERB" or token.tag_ != "VBZ" or token.i == 0:
        return None
    before = token.doc[token.i - 1]
    after_modifier = before.lower_ in ARTICLES | POSSESSIVES or before.pos_ == "ADJ" or before.lower_ in MATERIALS
    if not after_modifier and token.dep_ not in ("dobj", "pobj"):
        return None
    if any(c.dep_ in ("nsubj", "aux", "dobj") for c in token.children):
        return None
    token.pos_, token.tag_, token.lemma_ = "NOUN", "NNS", token.lower_
    return "VBZ -> NNS"


def _split_noun_phrase(token):
    """`her crimson tablecloth` read as two objects, `four dusty chessboards` with the adjective as object: the
    first word modifies the noun right after it."""
    if token.i + 1 >= len(token.doc) or token.dep_ not in ("dobj", "pobj", "nsubj", "attr"):
        return None
    noun = token.doc[token.i + 1]
    if noun.pos_ not in ("NOUN",) or token.pos_ not in ("NOUN", "ADJ") or noun.head.i not in (token.head.i, token.i):
        return None
    if noun.head.i == token.head.i and noun.dep_ != token.dep_ and token.pos_ == "NOUN":
        return None
    for child in list(token.children):
        if child.i < token.i:
            child.head = noun
    noun.head, noun.dep_ = token.head, token.dep_
    adjective = token.pos_ == "ADJ" or adjective_word(token.lower_)
    token.head, token.dep_ = noun, "amod" if adjective else "compound"
    if adjective:
        token.pos_, token.tag_ = "ADJ", "JJ"
    return "-> modifier of the next noun"


def _verb_read_as_aux(token):
    """`He loves tuning ...`, `enjoyed photographing`: a verb with a gerund read as the gerund's auxiliary."""
    if token.dep_ != "aux" or token.lemma_.lower() in AUXILIARIES or token.tag_ == "MD" or token.lower_ == "going":
        return None
    gerund = token.head
    if gerund.tag_ != "VBG":
        return None
    for child in list(gerund.children):
        if child.i < token.i:
            child.head = token
    if gerund.dep_ == "ROOT":
        token.head = token
    else:
        token.head = gerund.head
    token.dep_, token.pos_ = gerund.dep_, "VERB"
    gerund.head, gerund.dep_ = token, "xcomp"
    base, kind = verb_base(token.lower_)
    token.lemma_ = base or token.lower_
    token.tag_ = {"s": "VBZ", "ed": "VBD"}.get(kind, "VBP")
    return "aux -> verb with a gerund"


def _there_participle(token):
    """`There will be spotted ponies ...`: the participle is an adjective of the noun after it."""
    if token.dep_ != "ROOT" or token.tag_ != "VBN" or not any(c.dep_ == "expl" for c in token.children):
        return None
    be = next((c for c in token.children if c.dep_ == "auxpass"), None)
    noun = next((c for c in token.children if c.dep_ in ("dobj", "attr") and c.i == token.i + 1), None)
    if be is None or noun is None:
        return None
    for child in list(token.children):
        if child.i not in (be.i, noun.i):
            child.head = be
    be.head, be.dep_ = be, "ROOT"
    noun.head, noun.dep_ = be, "attr"
    token.head, token.dep_, token.pos_, token.tag_ = noun, "amod", "ADJ", "JJ"
    return "participle -> adjective"


def _initial_plural(token):
    """`Dogs bark.`: a capitalised first word that is the plural of an English noun is no name."""
    if token.i != 0 or token.pos_ != "PROPN" or not token.lower_.endswith("s"):
        return None
    word = token.lower_
    singular = word[:-2] if word.endswith(("ses", "xes", "zes", "ches", "shes")) else word[:-1]
    if word in nouns() or len(singular) < 3 or singular not in nouns():
        return None
    token.pos_, token.tag_ = "NOUN", "NNS"
    return "PROPN -> NNS"


def _form_by_spelling(token):
    """A verb form spaCy tags by its place, not its spelling (a rare verb): `shampooed` tagged as a present verb is a
    past; `tow` tagged as a past is a present when its past is spelled otherwise (`towed`; not `put`, `read`)."""
    if token.pos_ not in ("VERB", "AUX") or token.lemma_ == "be":
        return None
    word = token.lower_
    if token.tag_ in ("VB", "VBP") and not known_verb(word):
        base, kind = verb_base(word)
        if kind not in ("ed", "s") or base is None:
            return None
        perfect = any(c.dep_ == "aux" and c.lemma_ == "have" for c in token.children)
        token.tag_ = "VBZ" if kind == "s" else "VBN" if perfect else "VBD"
        token.lemma_ = base
        return f"-> {token.tag_}"
    if token.tag_ == "VBD" and known_verb(word) and verb_base(word)[0] is None and not past_is_base(word):
        if word in verb_exceptions() or any(c.dep_ in ("aux", "auxpass") for c in token.children):
            return None
        token.tag_, token.lemma_ = "VBP", word
        return "VBD -> VBP"
    return None


def _adverb_read_as_noun(token):
    """`mashed up the glossy courgette meekly`: an -ly adverb of the lexicon (no noun, no adjective) read as a noun
    belongs to the verb; the noun phrase it ended keeps its place."""
    word = token.lower_
    if not word.endswith("ly") or token.pos_ not in ("NOUN", "PROPN", "ADJ") or word not in adverbs():
        return None
    if noun_word(word) or adjective_word(word):
        return None
    verb = _verb_of(token)
    if verb is None:
        return None
    if token.dep_ in NOMINAL_DEPS:
        noun = max((c for c in token.children if c.i < token.i and c.pos_ in ("NOUN", "PROPN", "ADJ")), default=None,
                   key=lambda c: c.i)
        if noun is None:
            return None
        for child in list(token.children):
            if child.i != noun.i:
                child.head = noun
        noun.head, noun.dep_, noun.pos_ = token.head, token.dep_, "NOUN"
        noun.tag_ = noun.tag_ if noun.tag_.startswith("NN") else "NN"
    token.head, token.dep_, token.pos_, token.tag_ = verb, "advmod", "ADV", "RB"
    return "-> adverb of the verb"


def _noun_phrase_by_word_class(token):
    """`a nosy wiggly gerbil`, `the very glossy ornament` parsed as a noun, an adverb and an adjective: after an
    article or a possessive, degree words and adjectives (by the lexicon) and then nouns make one noun phrase whose
    last noun is its head, attached where the phrase was."""
    determiner = token.lower_ in ARTICLES | POSSESSIVES and token.dep_ in ("det", "poss")
    if not determiner and not _bare_phrase_start(token):
        return None
    run = _phrase_words(token.doc[token.i + 1 :] if determiner else token.doc[token.i :])
    if len(run) < 2:
        return None
    head, ids = run[-1], {t.i for t in run}
    modifiers_wrong = any(
        t.head.i not in ids
        or adjective_word(t.lower_) and not noun_word(t.lower_) and t.lower_ not in DEGREE_WORDS
        and t.dep_ not in ("amod", "compound", "conj")
        or t.head.i != head.i and adjective_word(t.lower_) and t.lower_ not in DEGREE_WORDS
        and (t.dep_ == "amod" or not noun_word(t.lower_))  # `durable` hung on `turquoise` in `durable turquoise poncho`
        for t in run[:-1]
    )
    if not modifiers_wrong and head.head.i not in ids and head.pos_ in ("NOUN", "PROPN"):
        return None
    attach = _phrase_attachment(run, token)
    if attach is None:
        return None
    for t in run:
        for child in list(t.children):
            if child.i not in ids and child.i > head.i:
                child.head = head
    head.head, head.dep_ = attach
    head.pos_ = "NOUN"
    head.tag_ = "NNS" if head.lower_ not in nouns() and head.lower_.endswith("s") else "NN"
    for n, t in enumerate(run[:-1]):
        if t.lower_ in DEGREE_WORDS:
            t.head, t.dep_, t.pos_, t.tag_ = run[n + 1], "advmod", "ADV", "RB"
        elif adjective_word(t.lower_):
            t.head, t.dep_, t.pos_, t.tag_ = head, "amod", "ADJ", "JJ"
        else:
            t.head, t.dep_, t.pos_ = head, "compound", "NOUN"
    if determiner:
        token.head = head
    return "noun phrase read by word class"


def _bare_phrase_start(token) -> bool:
    """`cuddle nosy wiggly gerbils`, `There are wiggly foals`: an adjective only (by the lexicon; with its degree word)
    right after a verb or a preposition starts a noun phrase without a determiner."""
    doc = token.doc
    if token.i == 0 or doc[token.i - 1].pos_ not in ("VERB", "AUX", "ADP"):
        return False
    if token.lower_ in DEGREE_WORDS and token.i + 1 < len(doc):  # `cuddled very wiggly piglets`
        token = doc[token.i + 1]
    word = token.lower_
    if not token.is_alpha or not adjective_word(word) or noun_word(word) or known_verb(word):
        return False
    return word not in adverbs() and word not in DEGREE_WORDS


def _phrase_words(tokens) -> list:
    """The first of `tokens` that make a noun phrase by their word classes: (degree word* adjective)* noun+, the
    nouns last; [] when they do not make one."""
    run, nouns_started = [], False
    for t in tokens:
        word = t.lower_
        if not t.is_alpha or t.text[:1].isupper() or word in PHRASE_ENDS:
            break
        if t.tag_ in ("IN", "TO", "CC", "DT", "PRP", "PRP$", "WDT", "WP", "WRB", "MD", "EX", "RP", "CD"):
            break
        verb_form = known_verb(word) or verb_base(word)[0] is not None
        after_adjectives_only = not any(noun_word(r.lower_) for r in run)  # `nosy wiggly gerbils`: no subject there
        if verb_form and any(c.dep_ in ("nsubj", "nsubjpass", "aux") for c in t.children) and not after_adjectives_only:
            break  # a verb with its subject: the phrase ended before it
        if nouns_started:  # a compound goes on only where spaCy reads one (`laundry basket`, not `bags last`)
            if noun_word(word) and run[-1].dep_ == "compound" and t.tag_.startswith("NN"):
                run.append(t)
                continue
            break
        noun = noun_word(word) and not (adjective_word(word) and t.pos_ == "ADJ")
        if word in DEGREE_WORDS:
            run.append(t)
        elif noun:
            nouns_started = True
            run.append(t)
        elif adjective_word(word):
            run.append(t)
        else:
            break
    while run and not (noun_word(run[-1].lower_) and run[-1].lower_ not in DEGREE_WORDS):
        run.pop()
    return run


def _phrase_attachment(run, det):
    """(head, dependency) for a noun phrase spaCy had split: a nominal role one of its words held outside it, else
    the object of the verb or preposition it hung from (climbing through a noun it was wrongly made part of)."""
    ids = {t.i for t in run} | {det.i}  # det is the phrase's determiner or its first word
    outside = [t for t in reversed(run) if t.head.i not in ids and t.head.i != t.i]
    for t in outside:
        if t.dep_ in NOMINAL_DEPS:
            return t.head, t.dep_
    if not outside:
        return None
    head = outside[0].head
    for _ in range(len(head.doc)):
        if head.pos_ not in ("NOUN", "PROPN") or head.head.i == head.i:
            break
        head = head.head
    if head.pos_ in ("VERB", "AUX"):
        return head, "dobj"
    if head.pos_ == "ADP":
        return head, "pobj"
    return None


def _clause_noun_is_verb(token):
    """`when the milkman kneels beside the seesaw`: a subordinate clause's head read as a plural noun, spelled as a
    verb's -s form, is the clause's verb, and the noun before it its subject."""
    if token.tag_ != "NNS" or token.dep_ not in ("advcl", "ccomp"):
        return None
    if not any(c.dep_ == "mark" or c.tag_ == "WRB" for c in token.children):
        return None
    base, kind = verb_base(token.lower_)
    subject = max((c for c in token.children if c.i < token.i and c.dep_ in ("compound", "nsubj")), default=None,
                  key=lambda c: c.i)
    if kind != "s" or subject is None or subject.i != token.i - 1:
        return None
    subject.dep_ = "nsubj"
    for child in list(token.children):
        if child.i < subject.i and child.dep_ in ("det", "poss", "amod", "compound"):
            child.head = subject
    token.pos_, token.tag_, token.lemma_ = "VERB", "VBZ", base
    return "NNS -> VBZ"


def _question_verb_read_as_noun(token):
    """`Does the neighbour duck?`, `Did Tomas motion near ...?`: `do` opening a question read as the main verb and the
    question's verb, a word that is also a noun, read into its subject's noun phrase. The verb is a base verb of the
    lexicon after a noun, name or pronoun (its subject): the head of the phrase spaCy hung on `do` where it is one,
    else the first; `do` becomes its auxiliary."""
    if token.lemma_ != "do" or token.dep_ != "ROOT" or token.i != token.sent.start or token.sent[-1].text != "?":
        return None
    candidates = [t for t in token.sent[2:] if _subject_before(t.nbor(-1))
                  and known_verb(t.lower_) and verb_base(t.lower_)[0] is None and t.tag_ not in ("VB", "VBP")]
    heads = [t for t in candidates if t.head.i == token.i and t.dep_ in NOMINAL_DEPS]  # the phrase spaCy built
    verb = (heads or candidates or [None])[0]
    if verb is None or any(t.pos_ in ("VERB", "AUX") and t.head.i == token.i and token.i < t.i < verb.i for t in token.sent):
        return None
    subject = verb.nbor(-1)
    for t in token.sent:
        if t.i == verb.i or t.head.i not in (token.i, verb.i) or t.i == token.i:
            continue
        if token.i < t.i < subject.i:
            t.head = subject
        elif t.i > verb.i:
            t.head = verb
            if t.dep_ in ("nsubj", "nsubjpass", "appos"):
                t.dep_ = "dobj"
    subject.head, subject.dep_ = verb, "nsubj"
    if subject.pos_ not in ("NOUN", "PROPN", "PRON"):  # `neighbour` read as an adjective of the verb-noun
        subject.pos_, subject.tag_ = "NOUN", "NN"
    verb.head, verb.dep_ = verb, "ROOT"
    verb.pos_, verb.tag_, verb.lemma_ = "VERB", "VB", verb.lower_
    token.head, token.dep_, token.pos_ = verb, "aux", "AUX"
    return "question verb read as a noun -> VB"


def _subject_before(t) -> bool:
    return t.lower_ in PERSONAL_PRONOUNS | {"i"} or t.tag_ == "NNP" or noun_word(t.lower_) and t.tag_ not in ("DT", "PRP$", "POS")


_REPAIRS = (  # in this order: later repairs read the tree the earlier ones fixed
    _question_verb_read_as_noun,
    _there_participle,
    _verb_read_as_aux,
    _form_by_spelling,
    _adverb_read_as_noun,
    _noun_phrase_by_word_class,
    _clause_noun_is_verb,
    _split_noun_phrase,
    _noun_read_as_verb,
    _particle,
    _aux_children,
    _question_progressive,
    _attribute_progressive,
    _irregular_past,
    _past_by_time,
    _next_last,
    _adverb_on_noun,
    _gerund_compound,
    _initial_name,
    _initial_plural,
)
