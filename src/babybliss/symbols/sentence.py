"""A Conceptual Bliss sentence as Bliss symbols: each word's BCI-AV symbol, chosen by its part of speech in spaCy's
parse of the Bliss words, with the sentence's tense marker as the indicator on its main verb (docs/symbols.md)."""

from __future__ import annotations

from dataclasses import asdict, dataclass, field

from babybliss.grammar.notation import normalize_space
from babybliss.symbols.lexicon import (
    ACTION,
    DESCRIPTION,
    INDICATORS,
    PERSONAL,
    POSSESSIVE,
    THING,
    Symbol,
    digit_symbol,
    digits_code,
    letters_code,
    lookup,
    punctuation,
    senses,
    symbol,
    with_indicator,
)

MARKER_WORDS = {"present", "past", "future", "progressive", "continuous", "imperative", "conditional"}
"""The words tense markers are made of (grammar.notation.MARKERS, and the imperative and conditionals)."""

LONGEST_GLOSS = 4
"""Words in the longest multi-word gloss tried (`wake up`, `bus stop`, `you are welcome`)."""

NUMBER_WORDS = {
    w: str(n)
    for n, w in enumerate(
        "zero one two three four five six seven eight nine ten eleven twelve thirteen fourteen fifteen sixteen "
        "seventeen eighteen nineteen twenty".split()
    )
} | {"thirty": "30", "forty": "40", "fifty": "50", "sixty": "60", "seventy": "70", "eighty": "80", "ninety": "90",
     "hundred": "100", "thousand": "1000"}
"""Number words drawn as Bliss digits."""

CLASSES_BY_POS = {
    "VERB": (ACTION, THING, DESCRIPTION),
    "AUX": (ACTION, THING, DESCRIPTION),
    "ADJ": (DESCRIPTION, THING, ACTION),
    "ADV": (DESCRIPTION, THING, ACTION),
}
"""The lexicon classes tried for a part of speech, best first; any other part of speech is a thing first."""


@dataclass
class SymbolWord:
    """One word of a Bliss sentence as drawn: the `code` is what the renderer gets (indicators included)."""

    word: str
    id: int | None
    """The BCI-AV ID; None for a name or an unknown word (spelled in letters) and a number of several digits."""
    gloss: str | None
    code: str
    known: bool = True
    """False: no symbol was found; the word is spelled in letters and reported."""

    def as_dict(self) -> dict:
        """The API's shape: word, id, gloss, code."""
        return {k: v for k, v in asdict(self).items() if k != "known"}


@dataclass
class SymbolSentence:
    bliss: str
    marker: str | None
    words: list[SymbolWord] = field(default_factory=list)

    @property
    def code(self) -> str:
        """The whole sentence in the renderer's DSL: words joined by `//`."""
        return "//".join(w.code for w in self.words if w.code)

    @property
    def unknown(self) -> list[str]:
        return [w.word for w in self.words if not w.known]

    @property
    def label(self) -> str:
        """The glosses in order, for a screen reader (`role="img"`'s label) and the SVG's title."""
        return " ".join(w.gloss or w.word for w in self.words)


def split_marker(bliss: str) -> tuple[str | None, str]:
    """`present progressive: I move.` -> ('present progressive', 'I move.'). A marker is made of MARKER_WORDS, so
    markers that babybliss adds beside grammar.notation.MARKERS (imperative, conditionals) work too."""
    text = normalize_space(bliss)
    head, colon, body = text.partition(":")
    words = head.strip().lower().split()
    if colon and words and all(w in MARKER_WORDS for w in words):
        return " ".join(words), body.strip()
    return None, text


def marker_indicator(marker: str | None) -> str:
    """The indicator the marker puts on the main verb: present action, past, future, continuous for the progressive,
    imperative, and the present/past/future conditional; no marker (or one not known) is plain action."""
    words = set((marker or "").split())
    tense = "past" if "past" in words else "future" if "future" in words else "present"
    if "conditional" in words:
        return INDICATORS[f"{tense} conditional"]
    if "imperative" in words:
        return INDICATORS["imperative"]
    if "progressive" in words or "continuous" in words:
        return INDICATORS["continuous"]
    return INDICATORS[tense] if tense != "present" else INDICATORS["action"]


def sentence_symbols(bliss_sentences: list[str]) -> list[SymbolSentence]:
    """Each Bliss sentence as symbols; the Bliss words are parsed by spaCy in one batch."""
    from babybliss.grammar.nlp import parse

    split = [split_marker(s) for s in bliss_sentences]
    docs = parse([body for _, body in split])
    return [words_of(bliss, marker, doc) for bliss, (marker, _), doc in zip(bliss_sentences, split, docs)]


def main_verb(doc):
    """The verb the marker's indicator goes on: the parse's root verb, else its first verb or auxiliary, else (spaCy
    reads Bliss order less well: `catch bus`, `close door`) the first word that has a verb sense in the lexicon."""
    tokens = [t for t in doc if not t.is_space]

    def has_action(t):
        return t.pos_ not in ("PRON", "PROPN", "PUNCT") and ACTION in (senses(t.text) | senses(t.lemma_))

    for test in (lambda t: t.dep_ == "ROOT" and t.pos_ in ("VERB", "AUX"), lambda t: t.pos_ == "VERB",
                 lambda t: t.pos_ == "AUX", has_action):
        found = next((t for t in tokens if test(t)), None)
        if found is not None:
            return found
    return None


def words_of(bliss: str, marker: str | None, doc) -> SymbolSentence:
    sentence = SymbolSentence(bliss, marker)
    verb = main_verb(doc)
    verb_indicator = marker_indicator(marker)
    tokens = [t for t in doc if not t.is_space]
    i = 0
    while i < len(tokens):
        span = multi_word(tokens, i)
        if span:
            sentence.words.append(span_word(span, verb, verb_indicator))
            i += len(span)
            continue
        token = tokens[i]
        word = token_word(token, verb_indicator if token == verb else None)
        if word is not None:
            sentence.words.append(word)
        i += 1
    return sentence


def multi_word(tokens, start: int):
    """The longest run of tokens from `start` that is one gloss (`wake up`), by surface words or lemmas; or None."""
    for n in range(min(LONGEST_GLOSS, len(tokens) - start), 1, -1):
        span = tokens[start : start + n]
        if any(t.is_punct for t in span):
            continue
        for key in (" ".join(t.text.lower() for t in span), " ".join(t.lemma_.lower() for t in span)):
            if senses(key):
                return span
    return None


def span_word(span, verb, verb_indicator: str) -> SymbolWord:
    text = " ".join(t.text for t in span)
    head = next((t for t in span if t.head not in span or t.head == t), span[0])
    is_verb = verb is not None and verb in span
    found = None
    for key in (text.lower(), " ".join(t.lemma_.lower() for t in span)):
        found = found or lookup(key, classes_for(head, is_verb))
    sym, kind = found
    return SymbolWord(text, sym.id, sym.gloss, drawn_code(sym, kind, head, verb_indicator if is_verb else None))


def classes_for(token, is_main_verb: bool = False) -> tuple[str, ...]:
    if is_main_verb:
        return CLASSES_BY_POS["VERB"]
    if token.pos_ == "PRON":
        return (POSSESSIVE, PERSONAL, THING) if token.tag_ == "PRP$" else (PERSONAL, THING, POSSESSIVE)
    return CLASSES_BY_POS.get(token.pos_, (THING, DESCRIPTION, ACTION))


def candidates(token) -> list[tuple[str, bool]]:
    """(form to look up, is a plural taken off) for a token: the word, its lemma, then plain suffix rules."""
    text, lemma = token.text.lower(), token.lemma_.lower()
    plural = token.tag_ in ("NNS", "NNPS")
    forms = [(text, False), (lemma, plural and lemma != text)]
    if text.endswith("ly") and len(text) > 4:  # slowly -> slow, happily -> happy, gently -> gentle
        forms += [(text[:-2], False), (text[:-3] + "y", False), (text[:-1] + "e", False)]
    if text.endswith("s") and len(text) > 3:
        forms += [(text[:-1], True), (text[:-2], True)] + ([(text[:-3] + "y", True)] if text.endswith("ies") else [])
    for ending in ("ing", "ed"):
        if text.endswith(ending) and len(text) > len(ending) + 2:
            stem = text[: -len(ending)]
            forms += [(stem, False), (stem + "e", False)] + ([(stem[:-1], False)] if stem[-1:] == stem[-2:-1] else [])
    return forms


def token_word(token, verb_indicator: str | None) -> SymbolWord | None:
    text = token.text
    if token.is_punct:
        mark = punctuation(text)
        if mark:
            return SymbolWord(text, mark.id, mark.gloss, mark.code)
        return None  # quotes and brackets: no Bliss character, nothing to draw
    number = text if text.isdigit() else NUMBER_WORDS.get(text.lower())
    if number:
        one = digit_symbol(number) if len(number) == 1 else None
        return SymbolWord(text, one.id if one else None, number, digits_code(number))
    if token.pos_ == "PROPN" and text[:1].isupper() and not is_proper_gloss(text):
        return SymbolWord(text, None, None, letters_code(text))
    classes = classes_for(token, verb_indicator is not None)
    for form, plural in candidates(token):
        found = lookup(form, classes)
        if found:
            sym, kind = found
            code = drawn_code(sym, kind, token, verb_indicator, plural, derived=form != text.lower())
            return SymbolWord(text, sym.id, sym.gloss, code)
    if text[:1].isupper():  # a capitalised word with no symbol is a name: Bliss writes names in letters
        return SymbolWord(text, None, None, letters_code(text))
    return SymbolWord(text, None, None, letters_code(text), known=False)


def is_proper_gloss(text: str) -> bool:
    """A name that BCI-AV has a symbol for (`Monday`, `Canada`): its gloss is written with a capital."""
    return any(symbol(i).glosses[0][:1].isupper() for i in senses(text).values())


def drawn_code(sym: Symbol, kind: str, token, verb_indicator: str | None, plural: bool = False,
               derived: bool = False) -> str:
    """The symbol's composition with the indicator its use in the sentence asks for."""
    if verb_indicator:
        return with_indicator(sym.code, verb_indicator)
    pos = token.pos_
    if pos in ("VERB", "AUX"):
        return sym.code if kind == ACTION else with_indicator(sym.code, INDICATORS["action"])
    if pos == "ADJ" or (pos == "ADV" and derived and token.text.lower().endswith("ly")):
        return sym.code if kind == DESCRIPTION else with_indicator(sym.code, INDICATORS["description"])
    if pos in ("NOUN", "PROPN") and (plural or kind == ACTION):
        return with_indicator(sym.code, INDICATORS["plural"] if plural else None)
    return sym.code
