"""bench/miss_kinds.py: the class each English->Bliss miss is counted in (bench/RESULTS.md's misses by kind)."""

import importlib.util
from pathlib import Path

import pytest

SPEC = importlib.util.spec_from_file_location("miss_kinds", Path(__file__).resolve().parents[1] / "bench" / "miss_kinds.py")
miss_kinds = importlib.util.module_from_spec(SPEC)
SPEC.loader.exec_module(miss_kinds)


@pytest.mark.parametrize(("answer", "reference", "kind"), [
    ("present:man hum tune.", "past:man hum tune.", "marker"),
    ("past:man hummed tune.", "past:man hum tune.", "inflection"),
    ("past:weas eat hen.", "past:weasel eat hen.", "word cut"),
    ("past:baker fix lock.", "past:locksmith fix lock.", "word replaced"),
    ("past:man hum.", "past:man hum tune.", "dropped"),
    ("past:man hum tune loudly.", "past:man hum tune.", "added"),
    ("future:I varnish oak table tomorrow.", "future:I varnish table oak tomorrow.", "order"),
])
def test_each_miss_falls_in_its_class(answer, reference, kind):
    assert miss_kinds.kind(answer, reference) == kind


def test_kept_english_order_is_the_english_neighbours_left_unswapped():
    english = "I'm going to varnish the oak table tomorrow."
    assert miss_kinds.kept_english_order(english, "future:I varnish oak table tomorrow.",
                                         "future:I varnish table oak tomorrow.")
    assert not miss_kinds.kept_english_order(english, "future:I varnish table oak tomorrow.",
                                             "future:I varnish table oak tomorrow.")
    assert not miss_kinds.kept_english_order(english, "future:tomorrow I varnish table oak.",
                                             "future:I varnish table oak tomorrow.")  # moved, but not English order
    # `Sam and Tom` stand in English order in the answer as in the reference: the miss is `loudly`, moved
    assert not miss_kinds.kept_english_order("Sam and Tom will sing loudly.", "future:loudly Sam and Tom sing.",
                                             "future:Sam and Tom sing loudly.")
