"""The generator's wide vocabulary (words/ data files), the words it holds out for the `rare` set, the rare set
itself, and the relexicalised pairs of `augment:words:N`."""

from __future__ import annotations

import json
import random
import re
from pathlib import Path

import pytest

from babybliss.data.generated import relexicalise, swap_table
from babybliss.data.pairs import EVALUATION_SETS, builtin_path, english_path, evaluation_set_path, load_pairs, rare_path
from babybliss.data.vocabulary import Verb, Vocabulary, frame_agreement, held_out_words, vocabulary

SHARED_BLISS = Path(__file__).resolve().parents[2] / "shared" / "bliss.json"
WORD = re.compile(r"[a-z]+")


@pytest.fixture(scope="module")
def words():
    return vocabulary()


def _forms(words: Vocabulary) -> set[str]:
    """Every form the generator writes an open-class word in, lower case."""
    out = {w.lower() for w in words.names} | set(words.adjectives) | set(words.adverbs)
    out |= {w for pair in words.nouns for w in pair}
    out |= {f for v in words.verbs for f in (v.base, v.third, v.past, v.participle, v.ing)}
    return out


def _words_of(paths) -> set[str]:
    text = []
    for path in paths:
        if path.suffix == ".json":
            text += [p["original"] + " " + p["bliss"] for p in load_pairs(path)[0]]
        else:
            text.append(path.read_text(encoding="utf-8"))
    return set(WORD.findall(" ".join(text).lower()))


def test_the_vocabulary_is_ten_times_the_old_one_and_holds_every_kind(words):
    assert len(words.lemmas()) >= 37_450  # version 2 had 3 745
    assert sum(" " in singular for singular, _ in words.nouns) > 1000  # open compounds
    assert len(words.names) > 150 and {v.particle for v in words.verbs} >= {"up", "out", "off"}
    assert any(not v.transitive for v in words.verbs) and any(v.transitive and not v.particle for v in words.verbs)
    bci = {"wheelbarrow", "umbrella", "kangaroo"}  # BCI-AV glosses
    assert bci <= {n for n, _ in words.nouns}


def test_a_limit_keeps_the_most_frequent_lemmas(words):
    small = vocabulary(1000)
    assert 500 <= len(small.lemmas()) <= 1000
    assert set(small.adjectives) <= set(words.adjectives) and small.nouns == words.nouns[: len(small.nouns)]


def test_no_rare_word_leaks_into_the_generator(words):
    """The rare set's words are held out: no form of them is a generator word (names included)."""
    assert held_out_words() and not held_out_words() & _forms(words)


def test_rare_words_occur_in_no_corpus_set_nor_bliss_json():
    corpus = [builtin_path(), english_path()] + [evaluation_set_path(n) for n in EVALUATION_SETS if n != "rare"]
    assert not held_out_words() & _words_of(corpus)
    if SHARED_BLISS.is_file():
        assert not held_out_words() & _words_of([SHARED_BLISS])


def test_the_rare_set_is_novels_structure_with_the_held_out_words():
    pairs, _ = load_pairs(rare_path())
    assert len(pairs) >= 400
    used = _words_of([rare_path()])
    assert len(held_out_words() & used) > 150
    # every other word is structure the novel set or the corpus has too (function words, times, numbers)
    assert used - held_out_words() <= _words_of([evaluation_set_path("novel"), builtin_path(), english_path()])
    others = [p for n in EVALUATION_SETS if n != "rare" for p in load_pairs(evaluation_set_path(n))[0]]
    sides = {s.lower() for p in others + load_pairs(builtin_path())[0] for s in p.values()}
    assert not sides & {s.lower() for p in pairs for s in p.values()}


def test_wordnet_frames_agree_with_the_corpus_parses():
    found = frame_agreement()
    assert found["verbs"] >= 80 and found["agreement"] >= 0.8
    assert found["phrasal_in_wordnet"] == found["phrasal"]


def _tiny_table():
    verbs = [Verb("paint", "paints", "painted", "painted", "painting", True),
             Verb("eat", "eats", "ate", "eaten", "eating", True),
             Verb("write", "writes", "wrote", "written", "writing", True)]
    return swap_table(Vocabulary((("fence", "fences"), ("apple", "apples"), ("otter", "otters"), ("week", "weeks")),
                                 ("red", "old", "icy"), (), tuple(verbs)))


def test_relexicalise_swaps_words_alike_on_both_sides():
    table, rng = _tiny_table(), random.Random(1)
    pair = {"original": "Mara has painted the red fence.", "bliss": "past:Mara paint fence red."}
    seen = [relexicalise(pair, table, rng) for _ in range(40)]
    new = [p for p in seen if p]
    assert new and all(p["bliss"].startswith("past:Mara ") for p in new)
    for p in new:
        english, bliss = p["original"].rstrip(".").split(), p["bliss"].rstrip(".").split(":")[1].split()
        assert english[-1] == bliss[2] and english[-2] == bliss[3]  # the same noun and adjective both sides
        assert english[2] in ("painted", "eaten", "written") and bliss[1] == {"painted": "paint", "eaten": "eat",
                                                                               "written": "write"}[english[2]]
    assert any("eaten" in p["original"] or "written" in p["original"] for p in new)  # participle after `has`


def test_relexicalise_fixes_the_article():
    table = _tiny_table()
    pair = {"original": "A fence fell.", "bliss": "past:fence fall."}
    out = {relexicalise(pair, table, random.Random(seed))["original"] for seed in range(30)
           if relexicalise(pair, table, random.Random(seed))}
    assert "An apple fell." in out or "An otter fell." in out
    assert not any(o.startswith(("A apple", "A otter", "An fence")) for o in out)


def test_relexicalise_keeps_time_phrases():
    table = _tiny_table()
    pair = {"original": "Mara painted the fence last week.", "bliss": "past:Mara paint fence week last."}
    out = [relexicalise(pair, table, random.Random(seed)) for seed in range(30)]
    assert all(p["bliss"].endswith(" week last.") for p in out if p)


def test_relexicalise_keeps_both_sides_alike_when_the_article_refuses_a_word():
    verbs = [Verb("paint", "paints", "painted", "painted", "painting", True)]
    table = swap_table(Vocabulary((("fence", "fences"),), ("red", "huge", "unusual", "humble"), (), tuple(verbs)))
    pair = {"original": "Mara saw a red fence.", "bliss": "past:Mara see fence red."}
    for seed in range(40):
        new = relexicalise(pair, table, random.Random(seed))
        if new:  # a/an before h or u is left as it was, on both sides
            assert ("red" in new["original"].split()) == ("red." in new["bliss"].split())
