"""Flesch reading ease exactly as textstat 0.7.3 computed it: the research team's readability.

textstat 0.7.3 (English, its defaults) does this, and so does `flesch_reading_ease`:

* words: the text with every character that is neither a word character nor whitespace removed (``[^\\w\\s]``, so
  apostrophes and hyphens go too: "don't" is one word "dont", "well-known" is "wellknown"), split on whitespace;
* sentences: the matches of ``\\b[^.!?]+[.!?]*``, less those with two words or fewer, at least 1;
* syllables: per word of the lower-cased text, the hyphenation points pyphen's ``en_US`` dictionary finds, plus 1;
* words per sentence and syllables per word are each rounded to 1 decimal, half away from zero (textstat's
  "legacy" rounding), before 206.835 - 1.015 * words per sentence - 84.6 * syllables per word, rounded to 2 decimals
  the same way. Without words both averages are 0 (the empty text scores 206.84).

textstat's per-call caches only save time; `flesch_reading_ease` keeps one of its own.
"""

from __future__ import annotations

import functools
import math
import re

LANGUAGE = "en_US"
"""pyphen dictionary textstat 0.7.3 used by default."""

_NOT_WORD = re.compile(r"[^\w\s]")
_SENTENCE = re.compile(r"\b[^.!?]+[.!?]*")


def round_half_away(number: float, points: int) -> float:
    """textstat's rounding: to `points` decimals, halves away from zero (not Python's round-half-even)."""
    scale = 10**points
    return float(math.floor(number * scale + math.copysign(0.5, number))) / scale


def words(text: str) -> list[str]:
    """The words textstat counts: punctuation (anything not a word character or whitespace) dropped, then split."""
    return _NOT_WORD.sub("", text).split()


def sentence_count(text: str) -> int:
    """Sentence-like spans with more than two words; at least 1."""
    spans = _SENTENCE.findall(text)
    return max(1, sum(len(words(span)) > 2 for span in spans))


@functools.cache
def _hyphenator():
    import pyphen

    return pyphen.Pyphen(lang=LANGUAGE)


def syllable_count(text: str) -> int:
    """Syllables of the lower-cased words: pyphen's hyphenation points + 1 per word."""
    hyphenator = _hyphenator()
    return sum(len(hyphenator.positions(word)) + 1 for word in words(text.lower()))


@functools.lru_cache(maxsize=4096)
def flesch_reading_ease(text: str) -> float:
    """Flesch reading ease of `text`, equal to textstat 0.7.3's `flesch_reading_ease` (see the module docstring)."""
    n_words = len(words(text))
    per_sentence = round_half_away(n_words / sentence_count(text), 1)
    per_word = round_half_away(syllable_count(text) / n_words, 1) if n_words else 0.0
    return round_half_away(206.835 - float(1.015 * per_sentence) - float(84.6 * per_word), 2)
