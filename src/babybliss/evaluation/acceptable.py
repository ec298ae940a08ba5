"""Whether an English answer is acceptable for a Bliss sentence (issue 27 §2): it converts back through the rule
converter to the same Bliss sentence (case and spacing aside) and every word is a real English form.

This is the simple version: the round trip by `grammar.rules.to_bliss`, and a word is real when lemminflect's lexicon
knows it as a form of an English lemma, or wordfreq knows it as a common word or a name. A fuller check (edit kinds by ERRANT) may replace this module; it keeps the one function
`acceptable(bliss, english) -> bool` that callers use.
"""

from __future__ import annotations

import re

WORD = re.compile(r"[^\W\d_]+(?:['’][^\W\d_]+)*")
"""A word of the answer: letters, with an apostrophe inside (`don't`, `mother's`)."""


def _key(text: str) -> str:
    return " ".join(text.lower().split())


COMMON = 3.5
"""wordfreq's Zipf frequency from which a word counts as English without lemminflect knowing it (function words,
contractions: `the`, `don't`, `I'm`); below it wordfreq also lists misspellings (`goed`, `wantz`, `childs`)."""


def real_word(word: str) -> bool:
    """An English word form: one lemminflect's lexicon knows (any inflection: `hummed`, `kneaded`), a common word,
    or a capitalised word wordfreq knows (a name: `Tamsin`); not `hummeed`, `goed`, `weas`."""
    from lemminflect import getAllLemmas
    from wordfreq import zipf_frequency

    word = word.replace("’", "'")
    if getAllLemmas(word.lower()):
        return True
    frequency = zipf_frequency(word, "en")
    return frequency >= COMMON or (word[:1].isupper() and frequency > 0)


def real_words(english: str) -> bool:
    """Every word of `english` is a real English word form (`real_word`; a possessive by its owner: `Soraya's`)."""
    return all(real_word(word) or real_word(re.split("['’]", word)[0]) for word in WORD.findall(english))


def acceptable(bliss: str, english: str) -> bool:
    """`english` converts back through the rules to `bliss` and holds only real English words."""
    from babybliss.grammar.rules import to_bliss

    if not english.strip() or not real_words(english):
        return False
    return _key(to_bliss([english])[0]) == _key(bliss)
