"""English -> Conceptual Bliss by the rules of docs/conceptual-bliss.md, from spaCy's dependency parse.

The converter keeps the English word order and applies the document's edits to it: it drops what Bliss drops
(articles, auxiliaries, numbers, `'s`, `every`/`this`/`all` in time phrases), rewrites words (base verbs, `be`,
`not`) and moves a few: adjectives after their noun, particles and adverbs right after their verb, and the verb
group (`not`/`never`, a modal, `be`) right after the subject, which also undoes a question's inversion.

`convert_one` also says when the rules are unsure (a construction the document does not cover, or a parse the
converter had to correct), so that a hybrid can hand those sentences to a model instead.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field

from babybliss.grammar.nlp import parse
from babybliss.grammar.lexicon import (
    ARTICLES,
    FIXED_ADVERBS,
    GERUND_HEADS,
    KIN_NAMES,
    KIN_WORDS,
    CONDITIONAL_MODALS,
    FUTURE_TIME_WORDS,
    MODALS_KEPT,
    MODALS_UNCOVERED,
    NOT_ADJECTIVES,
    PERSONAL_PRONOUNS,
    QUANTIFIERS,
    SOCIAL_PHRASES,
    TIME_NOUNS,
    TIME_WORDS,
    adjective_word,
    degree_stems,
    known_verb,
    verb_base,
    verb_lemma,
)
from babybliss.grammar.repairs import fix_tags
from babybliss.grammar.typed import tidy
from babybliss.grammar.variants import best_parse


CLOCK_WORDS = frozenset({"o'clock", "noon", "midnight", "later", "soon", "now"})
CLOCK_TIME = re.compile(r"\d{1,2}(:\d\d)?(am|pm)?")
"""Words and numbers that make a fronted phrase a time expression (§16): `at noon`, `at 8:30`, `at 5pm`."""


@dataclass
class Conversion:
    """One English sentence converted by the rules.

    `bliss` is the Conceptual Bliss sentence. `warnings` lists what made the rules unsure, one short phrase each
    (e.g. "no main verb", "'could' is not covered"); `confident` is True when there are none, so a hybrid can
    trust `bliss` when `confident` and ask a model otherwise. `corrections` lists the tags of spaCy's parse that
    the converter corrected (e.g. "next: -> amod") and what tidying the typed input changed (e.g. "read 'im' as
    "I'm""); they do not lower the confidence. `sentences` holds the Bliss of each sentence of the input.
    `left_out` lists what tidying left out of the input (markup, emoji), each also a warning.
    """

    english: str
    bliss: str
    warnings: list[str] = field(default_factory=list)
    corrections: list[str] = field(default_factory=list)
    sentences: list[str] = field(default_factory=list)
    left_out: list[str] = field(default_factory=list)

    @property
    def confident(self) -> bool:
        return not self.warnings

    @property
    def words_sure(self) -> bool:
        """The rules are sure of their answer's words, whatever was left out of the input: what a hybrid trusts (a
        model reading the same input cannot put an emoji or a tag into Bliss either), while `confident` tells the
        user that the message may have said more."""
        return all(w in self.left_out for w in self.warnings)

    def as_dict(self) -> dict:
        """The conversion as JSON-ready fields (what `babybliss rules --json` prints)."""
        return {"english": self.english, "bliss": self.bliss, "sentences": self.sentences,
                "confident": self.confident, "warnings": self.warnings, "corrections": self.corrections}


def to_bliss(sentences: Sequence[str]) -> list[str]:
    """One Bliss line per English input, in order (an input of several sentences gives them all on its line)."""
    return [conversion.bliss for conversion in convert(sentences)]


def convert(sentences: Iterable[str]) -> list[Conversion]:
    """One `Conversion` (Bliss, warnings, confident) per input, every tidy sentence parsed in one spaCy batch.

    Each input is tidied first (§17: typing habits, several sentences, greetings and vocatives split off); an input
    of several sentences gives one Conversion whose `bliss` holds their Bliss sentences in order, space-separated."""
    texts = [" ".join(str(s).split()) for s in sentences]
    tidied = [tidy(text) for text in texts]
    flat = [sentence for parts, *_ in tidied for sentence in parts]
    done = iter([_convert_doc(t, best_parse(doc)) for t, doc in zip(flat, parse(flat))])
    out = []
    for text, (parts, changes, left_out) in zip(texts, tidied):
        if not parts:
            out.append(Conversion(text, "", left_out + ["empty sentence"]))
            continue
        each = [next(done) for _ in parts]
        out.append(
            Conversion(
                text,
                " ".join(c.bliss for c in each),
                list(dict.fromkeys(left_out + [w for c in each for w in c.warnings])),
                changes + [c for one in each for c in one.corrections],
                [c.bliss for c in each],
                left_out,
            )
        )
    return out


def convert_one(sentence: str) -> Conversion:
    """The `Conversion` of one input: `.bliss`, `.warnings` and `.confident`."""
    return convert([sentence])[0]


# --- one sentence -----------------------------------------------------------------------------------------------------


class _Sentence:
    """The mutable state of one conversion: which tokens are kept, their output words and their order."""

    def __init__(self, doc):
        self.doc = doc
        self.corrections: list[str] = fix_tags(doc)
        self.warnings: list[str] = []
        self.word: dict[int, str] = {}
        self.order: list[int] = []

    def drop(self, token) -> None:
        self.word.pop(token.i, None)

    def move_after(self, tokens, anchor: int) -> int:
        """Move `tokens` (indices, kept in their order) right after `anchor`; return the last moved index."""
        tokens = [i for i in tokens if i in self.order and i != anchor]
        if not tokens:
            return anchor
        for i in tokens:
            self.order.remove(i)
        at = self.order.index(anchor) + 1
        self.order[at:at] = tokens
        return tokens[-1]


def _convert_doc(text: str, doc) -> Conversion:
    s = _Sentence(doc)
    tokens = [t for t in doc if not t.is_space]
    if not tokens:
        return Conversion(text, "", ["empty sentence"])
    s.order = [t.i for t in tokens]
    for t in tokens:
        s.word[t.i] = t.text
    roots = [t for t in tokens if t.dep_ == "ROOT"]
    if not roots:
        return Conversion(text, "", ["no sentence root in the parse"])
    if len(roots) != 1:
        s.warnings.append("more than one sentence")
    root = roots[0]
    end = tokens[-1].text if tokens[-1].text in ("?", "!") else "."
    social = _social_phrase(tokens)
    if social:
        body = " ".join(w for w in social.split())
        return Conversion(text, f"phrase:{body}{end}", [], s.corrections)
    marker = _marker(root, tokens, s.warnings)
    for t in tokens:
        _rewrite(t, s)
    for t in tokens:
        if t.pos_ in ("NOUN", "PROPN", "PRON", "NUM") or t.dep_ in ("pobj", "dobj", "nsubj", "attr"):
            _move_adjectives(t, s)
    for t in tokens:
        if _is_clause_head(t) and not (marker == "phrase" and t.i == root.i):  # no verb: no verb group to order
            _order_clause(t, s)
    _time_first_to_end(root, s)
    body = _body(s)
    s.warnings += _uncovered(tokens, s)
    return Conversion(text, f"{marker}:{body}{end}", s.warnings, s.corrections)


def _uncovered(tokens, s: _Sentence) -> list[str]:
    """What docs/conceptual-bliss.md §15 leaves out, found in the sentence: each makes the rules unsure."""
    found = []
    for t in tokens:
        if t.is_punct and t.text not in (".", "?", ",", "!") or t.text in (";", '"'):
            found.append(f"punctuation {t.text!r} is not covered")
    return list(dict.fromkeys(found))


def _social_phrase(tokens) -> str | None:
    """A greeting, thanks or interjection and nothing else (§16): its words, lowercased."""
    words = [t.lower_ for t in tokens if not t.is_punct]
    text = " ".join(words)
    return text if text in SOCIAL_PHRASES else None


# --- the marker (§2, §16) ---------------------------------------------------------------------------------------------


def _marker(root, tokens, warnings: list[str]) -> str:
    auxes = [c for c in root.children if c.dep_ in ("aux", "auxpass")]
    lemmas = {a.lemma_.lower() for a in auxes}
    texts = {a.text.lower() for a in auxes}
    progressive = "be" in lemmas and root.tag_ == "VBG" and not _going_to(root)
    if _verbless(root, tokens):
        return "phrase"
    if _thanks(tokens):
        return "phrase"
    conditional = [a for a in auxes if a.tag_ == "MD" and a.lower_ in CONDITIONAL_MODALS]
    if conditional:
        if "have" in lemmas and root.tag_ == "VBN":
            return "past conditional"
        if any(t.lower_ in FUTURE_TIME_WORDS for t in tokens):
            return "future conditional"
        return "conditional"
    if lemmas & {"will", "shall"} or texts & {"'ll", "wo"} or _going_to(root):
        return "future progressive" if progressive else "future"
    for a in auxes:
        if a.tag_ == "MD" and a.lemma_.lower() in MODALS_UNCOVERED:
            warnings.append(f"{a.text!r} is not covered")
    if _imperative(root):
        return "imperative"
    support = [a for a in auxes if a.lemma_ == "do"]
    if support:
        return "past" if support[0].tag_ == "VBD" else "present"
    if "have" in lemmas and root.tag_ == "VBN":
        return "past"  # present perfect and past perfect (§2, §16)
    if progressive:
        if any(a.tag_ == "VBD" for a in auxes if a.lemma_ == "be"):
            return "past progressive"
        return "present progressive"
    if root.tag_ == "VBD" and not auxes and _present_habit(root):
        return "present"
    if any(a.tag_ == "VBD" for a in auxes) or root.tag_ == "VBD":
        return "past"
    if root.tag_ == "VBN" and not auxes:
        return "past"
    if root.pos_ not in ("VERB", "AUX"):
        warnings.append("no main verb")  # a verb in the sentence, but the parse did not make it the root
    return "present"


def _verbless(root, tokens) -> bool:
    """A message without a verb (`More juice, please.`, `Yes.`)."""
    if root.pos_ in ("VERB", "AUX") or _imperative(root) or any(c.dep_ == "aux" for c in root.children):
        return False
    return not any(t.pos_ in ("VERB", "AUX") for t in tokens)


def _thanks(tokens) -> bool:
    """`Thank you for the flowers.`, `Thanks for coming.`: thanks with what it is for."""
    words = [t.lower_ for t in tokens]
    return words[:1] == ["thanks"] or words[:2] == ["thank", "you"]


def _imperative(root) -> bool:
    """A command or request: a base-form verb (or `let`) without a subject, first in its sentence but for `please`,
    `just`, `do`/`don't`, `always`, `never` or another adverb of the verb (`First wash your hands.`) (§16)."""
    if any(c.dep_ in ("nsubj", "nsubjpass", "expl", "csubj") for c in root.children):
        return False
    if any(c.tag_ == "MD" for c in root.children if c.dep_ == "aux"):
        return False
    before = [t for t in root.doc[: root.i] if not t.is_punct]
    if any(t.lower_ not in ("please", "just", "do", "n't", "not", "always", "never") and not _opening_adverb(t, root)
           for t in before):
        return False
    if root.tag_ == "VB" or root.lower_ == "let":
        return True
    verb_like = root.pos_ == "VERB" or any(c.dep_ in ("dobj", "prt", "dative", "xcomp") for c in root.children)
    return root.i == len(before) and verb_like and known_verb(root.lower_) and verb_base(root.lower_)[0] is None


def _opening_adverb(t, verb) -> bool:
    """An adverb of `verb` before it, not a wh-word (`First`, `Now`, `Quickly` in `First wash your hands.`)."""
    return t.pos_ == "ADV" and t.dep_ == "advmod" and t.head.i == verb.i and t.tag_ != "WRB"


def _present_habit(verb) -> bool:
    """`I read a book every night`: a past-looking form that is also the base form, with a habit's time words."""
    if not known_verb(verb.lower_) or verb_base(verb.lower_)[0] is not None:
        return False
    words = {t.lower_ for t in verb.doc}
    if words & {"yesterday", "last", "ago"}:
        return False
    return bool(words & {"every", "usually", "often", "always", "sometimes", "never"}) or any(
        t.tag_ == "NNPS" or t.text.endswith("days") and t.text[:1].isupper() for t in verb.doc
    )


def _going_to(verb) -> bool:
    """`am/is/are going to VERB`: `verb` is `going` with an infinitive complement."""
    if verb.lower_ != "going":
        return False
    return any(c.dep_ == "xcomp" and any(a.lower_ == "to" for a in c.children if a.dep_ == "aux") for c in verb.children)


# --- words (§3-5, §8-11) ----------------------------------------------------------------------------------------------


def _rewrite(t, s: _Sentence) -> None:
    """Drop or rewrite token `t` in place."""
    lower = t.lower_
    if t.is_punct or t.dep_ == "case" and lower in ("'s", "'", "’s"):
        return s.drop(t)
    if lower == "there" and (t.dep_ == "expl" or t.i == 1 and t.doc[0].lemma_ == "be" and t.doc[-1].text == "?"):
        return s.drop(t)
    if t.dep_ in ("det", "predet") and (lower in ARTICLES or lower == "every" or _time_determiner(t)):
        return s.drop(t)
    if lower in ("'s", "’s") and t.tag_ == "PRP":
        s.word[t.i] = "us"  # `let's` (§16)
        return None
    if lower == "right" and t.head.lower_ == "now":
        return s.drop(t)
    if t.dep_ == "neg" or lower in ("n't", "not"):
        s.word[t.i] = "not" if lower != "never" else "never"
        return None
    if t.dep_ in ("aux", "auxpass") or _do_support(t):
        return _rewrite_aux(t, s)
    if _going_to(t):
        return s.drop(t)
    if t.tag_ == "VBN" and (any(c.dep_ == "auxpass" for c in t.children) or t.dep_ in ("acomp", "oprd")):
        return None  # `be born`, `be crowded`: the participle stays as written (§4)
    if lower == "used" and any(c.dep_ == "xcomp" and any(a.lower_ == "to" for a in c.children) for c in t.children):
        return None  # `used to` + verb stays as written (§16)
    if t.dep_ == "amod":
        return None  # `the loving parents`, `the broken gate`: participles used as adjectives stay adjectives (§15)
    if t.pos_ in ("VERB", "AUX") and t.lower_ not in TIME_NOUNS:
        s.word[t.i] = verb_lemma(t)
    elif _gerund(t):
        s.word[t.i] = verb_base(t.lower_)[0]
    return None


def _rewrite_aux(t, s: _Sentence) -> None:
    lower, lemma, head = t.lower_, t.lemma_.lower(), t.head
    if lower == "to":
        if head.dep_ == "xcomp" and _going_to(head.head):
            s.drop(t)
        return None
    if lower == "going":  # "are going shopping": a progressive of go
        s.word[t.i] = "go"
        return None
    if t.tag_ == "MD":
        if lower in CONDITIONAL_MODALS:
            kept = CONDITIONAL_MODALS[lower]
            if kept is None:
                return s.drop(t)
            s.word[t.i] = kept
        elif lemma in MODALS_KEPT:
            s.word[t.i] = lemma
        elif lemma in ("will", "shall") or lower in ("'ll", "wo"):
            s.drop(t)
        else:
            s.word[t.i] = lower
        return None
    if lemma == "be":
        if _going_to(head):
            return s.drop(t)
        s.word[t.i] = "be"
        return None
    if lemma in ("do", "have"):
        return s.drop(t)
    s.word[t.i] = t.text
    return None


def _do_support(t) -> bool:
    """`does`/`did` before a base verb (or `not`), whatever spaCy attached it to."""
    if t.lemma_ != "do":
        return False
    following = next((f for f in t.doc[t.i + 1 :] if f.pos_ != "ADV" or f.dep_ == "neg"), None)
    return following is not None and (following.tag_ in ("VB", "VBP") or following.dep_ == "neg" or known_verb(following.lower_))


def _gerund(t) -> bool:
    """`go shopping`, `finish dancing`: an -ing complement read as a noun."""
    return (
        t.lower_.endswith("ing")
        and t.pos_ == "NOUN"
        and t.head.lemma_ in GERUND_HEADS
        and not any(c.dep_ in ("det", "poss") for c in t.children)
        and verb_base(t.lower_)[0] is not None
    )


def _time_determiner(t) -> bool:
    """`this`/`that`/`all` before a time noun: `this morning`, `all night`."""
    return t.lower_ in ("this", "that", "all") and t.head.lower_ in TIME_NOUNS


# --- moves --------------------------------------------------------------------------------------------------------------


def _move_adjectives(noun, s: _Sentence) -> None:
    """§6: attributive adjectives (with their degree word) follow the noun and its compounds, in English order."""
    adjectives = [
        c
        for c in noun.lefts
        if (c.dep_ == "amod" or _adjective_compound(c))
        and c.lower_ not in QUANTIFIERS | NOT_ADJECTIVES
        and f"{c.lower_} {noun.lower_}" != "next door"
    ]
    if not adjectives:
        return
    units = [i for a in adjectives for c in a.lefts if c.dep_ == "advmod" for i in range(c.left_edge.i, c.i + 1)]
    units = sorted(set(units) | {a.i for a in adjectives})
    s.move_after(units, noun.i)


def _adjective_compound(t) -> bool:
    if t.dep_ != "compound" or t.text[:1].isupper() and (t.i > 0 or t.pos_ == "PROPN"):
        return False  # `Port Elma`; a lowercase word tagged PROPN (`the golden apricot`) is a tagging slip
    return t.tag_ in ("JJ", "JJR", "JJS") or adjective_word(t.lower_) or _comparative(t.lower_)


def _comparative(word: str) -> bool:
    """`quieter`, `bigger`, `tidiest` read as nouns: the comparative or superlative of an adjective (§16)."""
    return any(adjective_word(stem) for stem in degree_stems(word, min_stem=3))


CLAUSE_DEPS = frozenset({"conj", "advcl", "relcl", "ccomp", "xcomp", "pcomp", "acl", "csubj", "dep"})


def _is_clause_head(t) -> bool:
    """The root, and every verb that heads a clause of its own."""
    return t.dep_ == "ROOT" or t.pos_ in ("VERB", "AUX") and t.dep_ in CLAUSE_DEPS


def _order_clause(verb, s: _Sentence) -> None:
    """§7, §11, §12: the verb group after the subject; particle and adverbs right after the verb."""
    carrier = verb.head if verb.dep_ == "xcomp" and _going_to(verb.head) else verb
    subject = _subject(carrier)
    group = [c for c in carrier.children if c.dep_ == "neg"]
    group += [c for c in verb.children if c.dep_ == "neg" and carrier.i != verb.i]
    group += [
        c
        for c in list(carrier.children) + ([] if carrier.i == verb.i else list(verb.children))
        if c.dep_ in ("aux", "auxpass") and c.i in s.word and c.lower_ not in ("to", "going")
    ]
    if verb.lemma_ == "be" and verb.i in s.word:
        group.append(verb)
    group.sort(key=lambda c: (c.dep_ != "neg", c.tag_ != "MD", c.i))
    if subject is not None:
        inverted = any(c.i < subject.i for c in group if c.dep_ != "neg")
        s.move_after([c.i for c in group], _subject_end(subject, s, core=inverted))
    elif group:
        first = min(s.order.index(c.i) for c in group)
        before = s.order[first - 1] if first else None
        if before is not None:
            s.move_after([c.i for c in group], before)
    anchor = verb.i
    particles = [c.i for c in verb.children if c.dep_ == "prt"]
    anchor = s.move_after(particles, anchor)
    for adverb in (c for c in verb.children if _movable_adverb(c)):
        anchor = s.move_after(list(range(adverb.left_edge.i, adverb.right_edge.i + 1)), anchor)


def _subject(verb):
    """The subject of a clause; after `there is` the noun that follows `be`."""
    for dep in ("nsubj", "nsubjpass", "csubj"):
        for c in verb.children:
            if c.dep_ == dep:
                return c
    if any(c.dep_ == "expl" for c in verb.children):
        for c in verb.children:
            if c.dep_ == "attr":
                return c
    return None


def _subject_end(subject, s: _Sentence, core: bool) -> int:
    """The last kept token of the subject phrase (only its left part and head after `there is` or inversion)."""
    if subject.dep_ == "attr" or core:
        span = range(subject.left_edge.i, subject.i + 1)
    else:
        span = range(subject.left_edge.i, subject.right_edge.i + 1)
    kept = [i for i in span if i in s.word] or [subject.i]
    return max(kept, key=s.order.index)


def _movable_adverb(t) -> bool:
    """An adverb of the verb that moves to the adverb slot (§7): not a wh-word, a place, a time word or `as soon`."""
    if t.dep_ != "advmod" or t.pos_ not in ("ADV", "ADJ") or t.tag_ in ("WRB",):
        return False
    lower = t.lower_
    if lower in FIXED_ADVERBS or lower in TIME_WORDS:
        return False
    if lower in ("as", "soon") and any(c.lower_ == "as" for c in t.subtree if c.i != t.i):
        return False
    return not any(c.tag_ in ("WRB", "WP", "WDT") for c in t.subtree)  # `how often` stays in front


def _time_first_to_end(root, s: _Sentence) -> None:
    """§16: a time expression that opens the sentence (`Yesterday, we ...`, `At five o'clock we ...`) goes to the end
    of the main clause, before a clause that follows it."""
    subject = _subject(root)
    opener = next((c for c in root.children if c.i == 0 or c.left_edge.i == 0), None)
    if opener is None or subject is None or opener.i > subject.i or opener.dep_ not in ("npadvmod", "advmod", "prep", "tmod"):
        return
    span = [t for t in opener.subtree]
    if any(t.tag_ in ("WRB", "WP", "WDT") for t in span):
        return  # `What time does ...?`: a wh-phrase stays in front (§12)
    if not any(t.lower_ in TIME_WORDS | TIME_NOUNS | CLOCK_WORDS or CLOCK_TIME.fullmatch(t.lower_) for t in span):
        return
    later = [c for c in root.rights if c.dep_ in CLAUSE_DEPS | {"cc", "mark"}]
    main_end = min((c.left_edge.i for c in later), default=len(root.doc))
    kept_main = [i for i in s.order if i in s.word and i < main_end and i not in {t.i for t in span}]
    if not kept_main:
        return
    s.move_after([t.i for t in span], max(kept_main, key=s.order.index))


# --- the body (§1, §13) ---------------------------------------------------------------------------------------------


def _body(s: _Sentence) -> str:
    """The kept words in their order; first word lowercased unless a name, a leading personal pronoun capitalised."""
    kept = [i for i in s.order if i in s.word]
    words = []
    for n, i in enumerate(kept):
        t, word = s.doc[i], s.word[i]
        name = word.lower() in KIN_NAMES or len(kept) == 1 and word.lower() in KIN_WORDS  # `Mom`, `Nurse.` (§16)
        if i == 0 and word == t.text and t.pos_ != "PROPN" and word != "I" and not name:
            word = word.lower()
        if n == 0 and word.lower() in PERSONAL_PRONOUNS and t.tag_ == "PRP":
            word = word.capitalize()
        elif n > 0 and word.lower() in PERSONAL_PRONOUNS and word != "I" and t.i == 0:
            word = word.lower()
        words.append(word)
    return " ".join(words)
