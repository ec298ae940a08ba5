"""A Conceptual Bliss sentence as Bliss symbols: each word's BCI-AV symbol, chosen by its part of speech in spaCy's
parse of the Bliss words, with the sentence's tense marker as the indicator on its main verb (docs/symbols.md)."""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from babybliss.grammar.notation import MARKERS, normalize_space, split_sentences
from babybliss.symbols.forms import AGENT_PERSON, DEGREE_TAGS, Form, agents, british, compounds, degrees, descriptions, inflections
from babybliss.symbols.lexicon import (
    ACTION,
    DESCRIPTION,
    INDICATORS,
    PERSONAL,
    POSSESSIVE,
    THING,
    digit_symbol,
    digits_code,
    is_action,
    is_synonym,
    letters_code,
    lookup,
    punctuation,
    senses,
    symbol,
    with_indicator,
)

MARKER_WORDS = {"present", "past", "future", "progressive", "continuous", "imperative", "conditional", "phrase"}
"""The words the markers of grammar.notation.MARKERS are made of (and `continuous`)."""

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
    how: str = "gloss"
    """How it was found: gloss (the word or an inflection of it is a BCI-AV gloss), synonym (SYNONYMS of
    scripts/build_bliss_lexicon.py), derived (a British spelling, or an adjective from a thing), composed (an agent
    noun or a compound of symbols), name, number, punctuation, or letters (no symbol found)."""

    @property
    def known(self) -> bool:
        """False: no symbol was found; the word is spelled in letters and reported."""
        return self.how != "letters"

    def as_dict(self) -> dict:
        """The API's shape: word, id, gloss, code (built by hand: dataclasses.asdict's deep copy was 6% of serve's
        time)."""
        return {"word": self.word, "id": self.id, "gloss": self.gloss, "code": self.code}


@dataclass
class SymbolSentence:
    bliss: str
    marker: str | None
    """The (first) sentence's marker."""
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
    """`present progressive: I move.` -> ('present progressive', 'I move.'). A marker is any run of MARKER_WORDS, a
    little wider than grammar.notation.MARKERS, so a hand-written `past continuous:` is drawn too."""
    text = normalize_space(bliss)
    head, colon, body = text.partition(":")
    words = head.strip().lower().split()
    if colon and words and all(w in MARKER_WORDS for w in words):
        return " ".join(words), body.strip()
    return None, text


def marker_indicator(marker: str | None) -> str | None:
    """The indicator(s) the marker puts on the main verb (grammar.notation): present action, past, future; the
    progressive is continuous (with past or future where the tense is one); imperative; conditional, past and future
    conditional; `phrase` (a message without a verb) none. No marker is plain action."""
    words = set((marker or "").split())
    if "phrase" in words:
        return None
    tense = "past" if "past" in words else "future" if "future" in words else "present"
    if "conditional" in words:
        return INDICATORS[f"{tense} conditional"]
    if "imperative" in words:
        return INDICATORS["imperative"]
    if "progressive" in words or "continuous" in words:
        return INDICATORS["continuous"] if tense == "present" else f"{INDICATORS[tense]};{INDICATORS['continuous']}"
    return INDICATORS[tense] if tense != "present" else INDICATORS["action"]


def tensed_codes(code: str) -> dict[str, str] | None:
    """A verb's composition as the main verb of a sentence with each marker of the notation (its indicator as
    `marker_indicator` gives it); None for a symbol that is no verb. For a sentence composed from symbols."""
    if not is_action(code):
        return None
    return {marker: with_indicator(code, marker_indicator(marker)) for marker in MARKERS}


def sentence_symbols(bliss_sentences: list[str]) -> list[SymbolSentence]:
    """Each Bliss text as symbols, its sentences in order (`phrase:hello. present:how you be?` is two, each with its
    own marker); the Bliss words of all of them are parsed by spaCy in one batch."""
    from babybliss.grammar.nlp import parse

    parts = [[split_marker(one) for one in split_sentences(text) or [""]] for text in bliss_sentences]
    docs = iter(parse([body for text in parts for _, body in text]))
    out = []
    for bliss, text in zip(bliss_sentences, parts):
        sentence = SymbolSentence(bliss, text[0][0])
        for marker, _ in text:
            sentence.words += words_of(bliss, marker, next(docs)).words
        out.append(sentence)
    return out


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
    sym, _ = found
    # a fixed expression keeps its own indicators (`wake up` is an action), but takes the marker as the main verb
    code = with_indicator(sym.code, verb_indicator) if is_verb and verb_indicator else sym.code
    return SymbolWord(text, sym.id, sym.gloss, code, "gloss")


def classes_for(token, is_main_verb: bool = False) -> tuple[str, ...]:
    if is_main_verb:
        return CLASSES_BY_POS["VERB"]
    if token.pos_ == "PRON":
        return (POSSESSIVE, PERSONAL, THING) if token.tag_ == "PRP$" else (PERSONAL, THING, POSSESSIVE)
    return CLASSES_BY_POS.get(token.pos_, (THING, DESCRIPTION, ACTION))


def forms_of(token) -> list[Form]:
    """The forms tried for a token, best first (babybliss.symbols.forms)."""
    text, lemma = token.text.lower(), token.lemma_.lower()
    found = degrees(text, lemma, token.tag_) + inflections(text, lemma, token.tag_ in ("NNS", "NNPS"))
    found += [Form(spelling, plural=form.plural, derived=True) for form in found[:2] for spelling in british(form.text)]
    found += [Form(stem, description=True) for stem in descriptions(text)]
    if token.tag_ not in DEGREE_TAGS:  # spaCy reads `softer` in Bliss order as a noun: a degree all the same
        found += degrees(text, text, "JJS" if text.endswith("est") else "JJR" if text.endswith("er") else "")
    return found


def token_word(token, verb_indicator: str | None) -> SymbolWord | None:
    text = token.text
    if token.is_punct or not any(c.isalnum() for c in text):
        mark = punctuation(text)
        if mark:
            return SymbolWord(text, mark.id, mark.gloss, mark.code, "punctuation")
        return None  # quotes, brackets, signs: no word and no Bliss character, nothing to draw
    number = text if re.fullmatch(r"\d+([:.,]\d+)*", text) else NUMBER_WORDS.get(text.lower())
    if number:
        one = digit_symbol(number) if len(number) == 1 else None
        return SymbolWord(text, one.id if one else None, number, digits_code(number), "number")
    if token.pos_ == "PROPN" and text[:1].isupper() and not is_proper_gloss(text):
        return SymbolWord(text, None, None, letters_code(text), "name")
    classes = classes_for(token, verb_indicator is not None)
    for form in forms_of(token):
        found = lookup(form.text, (THING, ACTION, DESCRIPTION) if form.description else classes)
        if found and form.degree and found[1] != DESCRIPTION:
            continue  # more/most go with a description only (`corner` is no more corn)
        if found:
            sym, kind = found
            how = "synonym" if is_synonym(form.text) else "derived" if form.derived else "gloss"
            if form.degree:  # more/most + the adjective, one word with the description indicator
                degree = lookup(form.degree, (DESCRIPTION,))[0]
                code = f"{with_indicator(degree.code, None)}/{with_indicator(sym.code, None)}"
                return SymbolWord(text, sym.id, f"{form.degree} + {sym.gloss}",
                                  with_indicator(code, INDICATORS["description"]), how)
            return SymbolWord(text, sym.id, sym.gloss, drawn_code(sym.code, kind, token, verb_indicator, form), how)
    joined = compound_word(token, classes, verb_indicator)
    if joined:
        return joined
    if text[:1].isupper():  # a capitalised word with no symbol is a name: Bliss writes names in letters
        return SymbolWord(text, None, None, letters_code(text), "name")
    return SymbolWord(text, None, None, letters_code(text), "letters")


def compound_word(token, classes, verb_indicator: str | None) -> SymbolWord | None:
    """A word no gloss has, drawn as the symbols it is made of in one Bliss word: an agent noun (`swimmer` ->
    person/swim) or a compound of two (`teapot` -> tea/pot, `beekeeper` -> bee/person/keep)."""
    text = token.text.lower()
    for base in dict.fromkeys([text] + ([text[:-1]] if text.endswith("s") else [])):
        form = Form(base, plural=base != text)
        is_noun = token.pos_ in ("NOUN", "PROPN") and token.tag_ not in DEGREE_TAGS  # softer is no agent
        found = (agent_part(base) if is_noun else None) or next(
            (joined for first, second in compounds(base)
             if (joined := joined_parts(lookup_part(first, (THING, DESCRIPTION, ACTION)), lookup_part(second, classes)))),
            None,
        )
        if found:
            code, gloss, kind = found
            return SymbolWord(token.text, None, gloss, drawn_code(code, kind, token, verb_indicator, form), "composed")
    return None


def lookup_part(text: str, classes) -> tuple[str, str, str] | None:
    """(bare code, gloss, class) of one part of a compound: a gloss, or an agent noun."""
    found = lookup(text, classes)
    if found:
        return with_indicator(found[0].code, None), found[0].gloss, found[1]
    return agent_part(text)


def agent_part(text: str) -> tuple[str, str, str] | None:
    for stem in agents(text):
        found = lookup(stem, (ACTION, THING))
        if found and found[1] in (ACTION, THING):  # a doer of a thing or an action; softer is no agent
            person = symbol(AGENT_PERSON)
            return f"{person.code}/{with_indicator(found[0].code, None)}", f"{person.gloss} + {found[0].gloss}", THING
    return None


def joined_parts(head, tail) -> tuple[str, str, str] | None:
    if head and tail:
        return f"{head[0]}/{tail[0]}", f"{head[1]} + {tail[1]}", tail[2]
    return None


def is_proper_gloss(text: str) -> bool:
    """A name that BCI-AV has a symbol for (`Monday`, `Canada`): its gloss is written with a capital."""
    return any(symbol(i).glosses[0][:1].isupper() for i in senses(text).values())


def drawn_code(code: str, kind: str, token, verb_indicator: str | None, form: Form) -> str:
    """A composition with the indicator its use in the sentence asks for."""
    if verb_indicator:
        return with_indicator(code, verb_indicator)
    pos, text = token.pos_, token.text.lower()
    if pos in ("VERB", "AUX"):  # sharpen: sharp as an action
        return code if kind == ACTION and not form.description else with_indicator(code, INDICATORS["action"])
    if form.description:
        return with_indicator(code, INDICATORS["description"])
    if pos == "ADJ" or (pos == "ADV" and form.text != text and text.endswith("ly")):
        return code if kind == DESCRIPTION else with_indicator(code, INDICATORS["description"])
    if pos in ("NOUN", "PROPN") and (form.plural or kind == ACTION):
        return with_indicator(code, INDICATORS["plural"] if form.plural else None)
    return code
