"""What a composed row's English reads back as: the rule converter's reading of English the realiser writes for the
compose set (docs/compose-set.md), where the round trip decides whether the hybrid may use it."""

from __future__ import annotations

from babybliss.grammar.rules import to_bliss


def test_a_verb_whose_past_is_spelled_as_its_present_is_past_with_a_past_time():
    """`read`, `put`: spaCy tags them present after `I`/`we`; a past time of the verb's own makes them past."""
    english = ["I read the book yesterday.", "We read a story last night.", "I read the book two days ago.",
               "I read books every day.", "I will read the book tomorrow."]
    assert to_bliss(english) == ["past:I read book yesterday.", "past:We read story night last.",
                                 "past:I read book two days ago.", "present:I read books day.",
                                 "future:I read book tomorrow."]
