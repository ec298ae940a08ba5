"""Readability is textstat 0.7.3's Flesch reading ease (values computed once by scripts/readability_reference.py)."""

from __future__ import annotations

import hashlib
import json
import os
from pathlib import Path

import pytest

from babybliss.evaluation import metrics
from babybliss.evaluation import readability

ROOT = Path(__file__).resolve().parents[1]
REFERENCE = json.loads((ROOT / "tests" / "data" / "readability_textstat073.json").read_text(encoding="utf-8"))
CORPUS = ROOT / "src" / "babybliss" / "data" / "corpus" / "pairs.json"
# The research team's pairs are never copied into the repository: read beside the checkout, or where BLISS_JSON says.
BLISS_JSON = Path(os.environ.get("BLISS_JSON") or ROOT.parent / "shared" / "bliss.json")


def _mismatches(pairs):
    return [(text, want, readability.flesch_reading_ease(text)) for text, want in pairs
            if abs(readability.flesch_reading_ease(text) - want) > 0.01]


def _keyed(path: Path, rows: list[list]) -> list[tuple[str, float]]:
    entries = json.loads(path.read_text(encoding="utf-8"))
    pairs = []
    for index, side, digest, want in rows:
        text = entries[index][side]
        assert hashlib.sha256(text.encode("utf-8")).hexdigest()[:12] == digest, f"{path} entry {index} {side} changed"
        pairs.append((text, want))
    return pairs


def test_edge_cases_match_textstat_073():
    assert _mismatches(REFERENCE["edge_cases"]) == []


def test_made_up_strings_match_textstat_073():
    assert len(REFERENCE["made_up"]) >= 300
    assert _mismatches(REFERENCE["made_up"]) == []


def test_project_corpus_both_sides_match_textstat_073():
    pairs = _keyed(CORPUS, REFERENCE["corpus"])
    assert len(pairs) == 2774  # both sides of the 1 387 pairs
    assert _mismatches(pairs) == []


@pytest.mark.skipif(not BLISS_JSON.is_file(), reason="the research team's bliss.json is not beside the checkout")
def test_research_pairs_both_sides_match_textstat_073():
    pairs = _keyed(BLISS_JSON, REFERENCE["bliss_json"])
    assert len(pairs) == 1934
    assert _mismatches(pairs) == []


def test_parts_behave_as_textstat_073():
    assert readability.flesch_reading_ease("") == 206.84  # no words: both averages 0
    assert readability.words("Don't stop: well-known!") == ["Dont", "stop", "wellknown"]
    assert readability.sentence_count("Hi. Yes. One two three four.") == 1  # spans of <= 2 words are not sentences
    assert readability.sentence_count("") == 1
    assert readability.syllable_count("Beautiful ideas") == 4  # pyphen en_US: beau-ti-ful, "ideas" has no point
    assert readability.round_half_away(2.25, 1) == 2.3 and readability.round_half_away(-2.25, 1) == -2.3


def test_score_uses_it():
    text = "Supercalifragilisticexpialidocious antidisestablishmentarianism."
    assert metrics.readability(text) == readability.flesch_reading_ease(text) == -683.5
