"""Whether an English answer is acceptable for a Bliss sentence (issue 27 §2): it converts back through the rule
converter to the same Bliss sentence (case and spacing aside) and every word is a real English form.

This is the simple version: the round trip by `grammar.rules.to_bliss`, and a word is real when wordfreq's English
list knows it. A fuller check (edit kinds by ERRANT) may replace this module; it keeps the one function
`acceptable(bliss, english) -> bool` that callers use.
"""

from __future__ import annotations

import re

WORD = re.compile(r"[^\W\d_]+(?:['’][^\W\d_]+)*")
"""A word of the answer: letters, with an apostrophe inside (`don't`, `mother's`)."""


def _key(text: str) -> str:
    return " ".join(text.lower().split())


def real_words(english: str) -> bool:
    """Every word of `english` is one wordfreq's English list knows (a non-word like `hummeed` is not)."""
    from wordfreq import zipf_frequency

    return all(zipf_frequency(word.replace("’", "'"), "en") > 0 for word in WORD.findall(english))


def acceptable(bliss: str, english: str) -> bool:
    """`english` converts back through the rules to `bliss` and holds only real English words."""
    from babybliss.grammar.rules import to_bliss

    if not english.strip() or not real_words(english):
        return False
    return _key(to_bliss([english])[0]) == _key(bliss)
