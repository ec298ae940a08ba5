"""English word forms tried when a word is not a gloss itself, as Bliss builds words: inflections (`apples` -> apple
plus the plural indicator), British spellings (BCI-AV writes `harbour`), adjectives from a thing plus the
description indicator (`dusty` -> dust, `wooden` -> wood, `joyful` -> joy), agent nouns (`swimmer` -> person/swim)
and compounds of two symbols (`teapot` -> tea/pot)."""

from __future__ import annotations

from dataclasses import dataclass

from babybliss.grammar.lexicon import degree_stems


@dataclass(frozen=True)
class Form:
    text: str
    """The form to look up."""
    plural: bool = False
    """An -s taken off: a noun gets the plural indicator."""
    description: bool = False
    """An adjective or adverb made from a thing: it gets the description indicator."""
    derived: bool = False
    """Not the word itself nor an inflection: a British spelling, a description, or a degree."""
    degree: str | None = None
    """`more` or `most`: a comparative or superlative (softer -> more/soft plus the description indicator)."""

    def __post_init__(self):
        if self.description or self.degree:
            object.__setattr__(self, "derived", True)


MIN_PART = 3
"""Letters in the shortest part of a compound (`tea`/`pot`); shorter parts split too many words wrongly."""


def inflections(text: str, lemma: str, plural_tag: bool) -> list[Form]:
    """The word, its lemma, and plain suffix rules: -ly adverbs, -s plurals, -ing and -ed."""
    forms = [Form(text), Form(lemma, plural=plural_tag and lemma != text)]
    if text.endswith("ly") and len(text) > 4:  # slowly -> slow, happily -> happy, gently -> gentle
        forms += [Form(text[:-2]), Form(text[:-3] + "y"), Form(text[:-1] + "e"), Form(text[:-4] + "le")]
    if text.endswith("s") and len(text) > 3:
        forms += [Form(text[:-1], plural=True), Form(text[:-2], plural=True)]
        if text.endswith("ies"):
            forms.append(Form(text[:-3] + "y", plural=True))
    for ending in ("ing", "ed"):
        if text.endswith(ending) and len(text) > len(ending) + 2:
            stem = text[: -len(ending)]
            forms += [Form(stem), Form(stem + "e")] + ([Form(stem[:-1])] if stem[-1:] == stem[-2:-1] else [])
    return forms


DEGREE_TAGS = {"JJR": "more", "RBR": "more", "JJS": "most", "RBS": "most"}
"""spaCy's tags of comparatives and superlatives, and the Bliss word put before the adjective."""


def degrees(text: str, lemma: str, tag: str) -> list[Form]:
    """softer -> more + soft, biggest -> most + big, nicer -> more + nice, happier -> more + happy."""
    degree = DEGREE_TAGS.get(tag)
    if not degree:
        return []
    stems = [lemma, *degree_stems(text)]
    return [Form(stem, degree=degree) for stem in dict.fromkeys(stems) if stem != text]


def british(text: str) -> list[str]:
    """BCI-AV's British spellings of an American one: harbor -> harbour, theater -> theatre, color -> colour."""
    found = []
    for american, british_ in (("or", "our"), ("er", "re"), ("ize", "ise"), ("og", "ogue"), ("orhood", "ourhood"),
                               ("orful", "ourful"), ("olen", "ollen")):
        if text.endswith(american) and len(text) > len(american) + 2:
            found.append(text[: -len(american)] + british_)
    return found


def descriptions(text: str) -> list[str]:
    """Things an adjective (or its -ly adverb) is made from: dusty -> dust, spiky -> spike, wooden -> wood,
    golden -> gold, joyful -> joy, scenic -> scene, studious -> study, educational -> education, loving -> love."""
    if text.endswith("ly") and len(text) > 5:
        text = text[:-2] + ("y" if text.endswith("ily") else "")  # joyfully -> joyful, happily -> happy
        if text.endswith("yy"):
            text = text[:-1]
    stems = []
    for ending, additions in (("ful", ("",)), ("y", ("", "e")), ("en", ("",)), ("ic", ("e", "")), ("ious", ("y",)),
                              ("ous", ("e", "")), ("al", ("",)), ("ive", ("", "e")), ("ing", ("", "e"))):
        if text.endswith(ending) and len(text) > len(ending) + 2:
            stem = text[: -len(ending)]
            stems += [stem + a for a in additions]
            if len(stem) > 2 and stem[-1] == stem[-2]:  # muddy -> mud, woollen -> wool
                stems.append(stem[:-1])
    return stems


def compounds(text: str) -> list[tuple[str, str]]:
    """Two-part splits of a word, longest first part first: teapot -> (teapot's) tea + pot."""
    return [(text[:i], text[i:]) for i in range(len(text) - MIN_PART, MIN_PART - 1, -1)]


AGENT_PERSON = 16161
"""BCI-AV `person`: an agent noun is drawn as person and what the person does or works with (potter: person/pot)."""


def agents(text: str) -> list[str]:
    """What an -er agent noun is made from: keeper -> keep, swimmer -> swim, potter -> pot, diver -> dive."""
    if not text.endswith("er") or len(text) < 5:
        return []
    stem = text[:-2]
    return [stem] + ([stem[:-1]] if stem[-1] == stem[-2] else []) + [text[:-1]]
