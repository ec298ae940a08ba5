from __future__ import annotations

import json
from collections import Counter
from pathlib import Path

import pytest

from babybliss.config import Config, load_config
from babybliss.data.pairs import DataError, builtin_path, instruction_rows, load_pairs, read_split, split_pairs
from babybliss.data.prepare import prepare
from babybliss.grammar.notation import tense_marker
from babybliss.io import read_jsonl
from conftest import MARKERS, make_pairs, write_json

SHARED = Path(__file__).resolve().parents[2] / "shared" / "bliss.json"
E2B = "### Instruction: \nConvert the input English sentence to a Bliss sentence.\n\n"
B2E = "### Instruction: \nConvert the input Bliss sentence to a English sentence.\n\n"


def _config(tmp_path: Path, path: Path, *overrides: str) -> Config:
    return load_config(None, [f"data.path={path}", f"out={tmp_path / 'run'}", *overrides])


# ------------------------------------------------------------------ reading


def test_reads_json_list(tmp_path):
    path = write_json(tmp_path / "p.json", make_pairs(8))
    pairs, report = load_pairs(path)
    assert pairs == make_pairs(8)
    assert (report.entries, report.pairs, report.duplicates) == (8, 8, 0)
    assert report.source == str(path)


def test_reads_jsonl_with_blank_lines(tmp_path):
    path = tmp_path / "p.jsonl"
    rows = make_pairs(5)
    path.write_text("\n".join(json.dumps(r) for r in rows[:3]) + "\n\n" + "\n".join(json.dumps(r) for r in rows[3:]) + "\n")
    pairs, report = load_pairs(path)
    assert pairs == rows
    assert report.pairs == 5


def test_markers_counted(tmp_path):
    _, report = load_pairs(write_json(tmp_path / "p.json", make_pairs(8)))
    assert report.markers == Counter({m: 2 for m in MARKERS})
    assert report.bliss_groups == 8


def test_tense_marker_ignores_case():
    assert tense_marker("Past:I walked.") == "past"
    assert tense_marker("PRESENT PROGRESSIVE:I am walking.") == "present progressive"


def test_an_empty_pairs_file_is_refused_by_prepare_and_flagged_by_check(tmp_path):
    path = write_json(tmp_path / "empty.json", [])
    _, report = load_pairs(path)
    assert "the file holds no pairs" in "\n".join(report.lines())
    with pytest.raises(DataError, match=rf"{path}: holds no pairs"):
        prepare(_config(tmp_path, path), tmp_path / "data")
    assert not (tmp_path / "data").exists()


def test_data_check_lists_pairs_longer_than_max_seq_length(tmp_path, capsys):
    from babybliss.cli.commands import main

    long = {"original": "We walk " + "far " * 60 + "home.", "bliss": "present:We walk " + "far " * 60 + "home."}
    path = write_json(tmp_path / "p.json", make_pairs(6) + [long])
    assert main(["data", "check", str(path), "--model", "tiny", "--set", "train.max_seq_length=200"]) == 0
    out = capsys.readouterr().out
    assert "1 pairs are longer than train.max_seq_length=200 tokens" in out and long["original"][:20] in out
    assert main(["data", "check", str(path)]) == 0
    assert "lengths not checked" in capsys.readouterr().out


def test_tense_marker_prefers_longest():
    assert tense_marker("present progressive:I am walking.") == "present progressive"
    assert tense_marker("present:I walk.") == "present"
    assert tense_marker("  future :We go.") == "future"
    assert tense_marker("We go.") is None
    assert tense_marker("futures:We go.") is None


def _bad(tmp_path: Path, data, name: str = "bad.json") -> Path:
    path = tmp_path / name
    path.write_text(data if isinstance(data, str) else json.dumps(data), encoding="utf-8")
    return path


GOOD = {"original": "We walk.", "bliss": "present:We walk."}


@pytest.mark.parametrize(
    "data, where, problem",
    [
        ("[{'original': 1}", None, "not JSON"),
        ({"original": "a", "bliss": "past:a"}, None, "expected a JSON list"),
        ([GOOD, "just text"], "entry 2 (1-based)", "expected an object"),
        ([GOOD, GOOD, {"bliss": "past:We walked."}], "entry 3 (1-based)", "missing key 'original'"),
        ([{"original": "We walked."}], "entry 1 (1-based)", "missing key 'bliss'"),
        ([GOOD, {"original": 5, "bliss": "past:x"}], "entry 2 (1-based)", "'original' must be a string"),
        ([GOOD, {"original": "x", "bliss": None}], "entry 2 (1-based)", "'bliss' must be a string"),
        ([GOOD, {"original": "   ", "bliss": "past:x"}], "entry 2 (1-based)", "'original' is empty"),
        ([GOOD, {"original": "x", "bliss": ""}], "entry 2 (1-based)", "'bliss' is empty"),
        ([GOOD, {"original": "We walked.", "bliss": "We walk."}], "entry 2 (1-based)", "no tense marker"),
    ],
)
def test_json_errors_name_file_entry_and_problem(tmp_path, data, where, problem):
    path = _bad(tmp_path, data)
    with pytest.raises(DataError) as err:
        load_pairs(path)
    message = str(err.value)
    assert str(path) in message
    if where:
        assert where in message
    assert problem in message


def test_jsonl_errors_name_line(tmp_path):
    path = _bad(tmp_path, json.dumps(GOOD) + "\n\n{not json}\n", "bad.jsonl")
    with pytest.raises(DataError) as err:
        load_pairs(path)
    assert str(path) in str(err.value) and "line 3" in str(err.value) and "not JSON" in str(err.value)

    path = _bad(tmp_path, json.dumps(GOOD) + "\n" + json.dumps({"original": "x", "bliss": "x"}) + "\n", "bad2.jsonl")
    with pytest.raises(DataError) as err:
        load_pairs(path)
    assert "line 2" in str(err.value) and "no tense marker" in str(err.value)


def test_missing_file_errors(tmp_path):
    with pytest.raises(DataError, match="not found"):
        load_pairs(tmp_path / "nope.json")


def test_non_utf8_errors(tmp_path):
    path = tmp_path / "latin1.json"
    path.write_bytes('[{"original": "caf\xe9", "bliss": "present:caf\xe9"}]'.encode("latin-1"))
    with pytest.raises(DataError, match="UTF-8"):
        load_pairs(path)


def test_prepare_writes_nothing_on_bad_input(tmp_path):
    path = _bad(tmp_path, [GOOD, {"original": "x", "bliss": "x"}])
    out = tmp_path / "prepared"
    with pytest.raises(DataError):
        prepare(_config(tmp_path, path), out)
    assert not out.exists()
    assert not [p for p in tmp_path.iterdir() if p.name.startswith(".prepared")]


def test_trailing_spaces_stripped(tmp_path):
    path = write_json(tmp_path / "p.json", [{"original": "  She walks.  ", "bliss": "present:She walk. "}])
    (pair,), _ = load_pairs(path)
    assert pair == {"original": "She walks.", "bliss": "present:She walk."}


def test_exact_duplicates_removed_and_counted(tmp_path):
    base = make_pairs(4)
    # the third copy differs only by spaces, which are stripped before comparing
    data = base + [base[1], dict(base[1]), {"original": base[2]["original"] + " ", "bliss": base[2]["bliss"]}]
    pairs, report = load_pairs(write_json(tmp_path / "p.json", data))
    assert pairs == base  # first occurrence kept, order preserved
    assert report.duplicates == 3
    assert report.entries == 7 and report.pairs == 4
    assert "3 exact duplicates removed" in report.lines()[0]


def test_conflicts_reported(tmp_path):
    data = [
        {"original": "We will go.", "bliss": "future:We go."},
        {"original": "We will go.", "bliss": "future:We go tomorrow."},
        {"original": "We went.", "bliss": "past:We go."},
    ]
    pairs, report = load_pairs(write_json(tmp_path / "p.json", data))
    assert len(pairs) == 3  # conflicts are reported, not dropped
    assert report.conflicts == [("We will go.", ["future:We go.", "future:We go tomorrow."])]
    text = "\n".join(report.lines())
    assert "1 English sentences with more than one Bliss form" in text
    assert "'future:We go tomorrow.'" in text


def test_no_conflicts_line(tmp_path):
    _, report = load_pairs(write_json(tmp_path / "p.json", make_pairs(4)))
    assert report.conflicts == []
    assert "no English sentence has two Bliss forms" in report.lines()


# ------------------------------------------------------------------ splitting


def _with_shared_groups(n: int = 80) -> list[dict[str, str]]:
    """Pairs where every third Bliss sentence has two English variants (`will` / `is going to`)."""
    pairs = make_pairs(n)
    extra = [
        {"original": p["original"].replace(" will ", " are going to "), "bliss": p["bliss"]}
        for p in pairs
        if tense_marker(p["bliss"]) == "future"
    ]
    return pairs + extra


def test_split_is_deterministic_for_a_seed():
    pairs = _with_shared_groups()
    a = split_pairs(pairs, 7, 0.1, 0.2)
    b = split_pairs(list(pairs), 7, 0.1, 0.2)
    assert a == b
    c = split_pairs(pairs, 8, 0.1, 0.2)
    assert c["test"] != a["test"]


def test_split_is_independent_of_input_order():
    pairs = _with_shared_groups()
    a = split_pairs(pairs, 3, 0.1, 0.2)
    b = split_pairs(list(reversed(pairs)), 3, 0.1, 0.2)
    for name in a:
        assert sorted(map(json.dumps, a[name])) == sorted(map(json.dumps, b[name]))


def test_split_covers_every_pair_once():
    pairs = _with_shared_groups()
    splits = split_pairs(pairs, 1, 0.1, 0.2)
    together = [json.dumps(p, sort_keys=True) for rows in splits.values() for p in rows]
    assert sorted(together) == sorted(json.dumps(p, sort_keys=True) for p in pairs)
    assert len(splits["test"]) > 0 and len(splits["validation"]) > 0


def _same_sentence(text: str) -> str:
    """The test's own notion of one sentence: case and runs of spaces do not count."""
    return " ".join(text.lower().split())


@pytest.mark.parametrize("seed", range(12))
def test_no_sentence_of_either_side_is_in_two_splits(seed):
    pairs = _with_shared_groups()
    # a case/space variant of the same Bliss sentence counts as the same sentence
    pairs.append({"original": "We will walk in the park 2 again.", "bliss": "future:SHE  cook park 2."})
    # one English sentence with two Bliss forms, chained to a third pair by its second form
    pairs.append({"original": pairs[5]["original"], "bliss": "present:A second form 5."})
    pairs.append({"original": "A third English sentence.", "bliss": "present:a second  FORM 5."})
    splits = split_pairs(pairs, seed, 0.1, 0.2)
    for side, key in (("original", str), ("bliss", _same_sentence)):
        where: dict[str, set[str]] = {}
        for name, rows in splits.items():
            for pair in rows:
                where.setdefault(key(pair[side]), set()).add(name)
        assert all(len(names) == 1 for names in where.values()), side


@pytest.mark.parametrize("seed", [0, 5, 42])
def test_split_is_stratified_by_marker(seed):
    pairs = make_pairs(40)  # 10 groups per marker: 0.2 of them is 2 in test per marker
    splits = split_pairs(pairs, seed, 0.1, 0.2)
    test_markers = Counter(tense_marker(p["bliss"]) for p in splits["test"])
    assert test_markers == Counter({m: 2 for m in MARKERS})
    val_markers = Counter(tense_marker(p["bliss"]) for p in splits["validation"])
    assert set(val_markers) == set(MARKERS)


def test_zero_fractions_keep_everything_in_train():
    pairs = make_pairs(12)
    splits = split_pairs(pairs, 0, 0.0, 0.0)
    assert splits["test"] == [] and splits["validation"] == []
    assert len(splits["train"]) == 12


# ------------------------------------------------------------------ instruction rows


def test_instruction_rows_use_template_byte_for_byte():
    pair = {"original": "We will visit the museum next week.", "bliss": "future:We visit museum week next."}
    rows = instruction_rows([pair], Config().prompts, ["e2b", "b2e"])
    assert rows == [
        {
            "prompt": E2B + "### Input:\nWe will visit the museum next week.\n\n### Response:\n",
            "completion": "future:We visit museum week next.\n",
            "direction": "e2b",
        },
        {
            "prompt": B2E + "### Input:\nfuture:We visit museum week next.\n\n### Response:\n",
            "completion": "We will visit the museum next week.\n",
            "direction": "b2e",
        },
    ]


def test_instruction_rows_one_direction():
    rows = instruction_rows(make_pairs(3), Config().prompts, ["b2e"])
    assert [r["direction"] for r in rows] == ["b2e"] * 3
    assert all(r["prompt"].startswith(B2E) for r in rows)


# ------------------------------------------------------------------ prepare


def test_prepare_writes_layout(tmp_path):
    pairs = _with_shared_groups(40)
    path = write_json(tmp_path / "p.json", pairs + pairs[:2])
    out = tmp_path / "data"
    summary = prepare(_config(tmp_path, path, "data.validation_fraction=0.2", "data.test_fraction=0.2"), out)
    for name in ("train.jsonl", "validation.jsonl", "test.jsonl", "sft/train.jsonl", "sft/validation.jsonl", "summary.json"):
        assert (out / name).is_file(), name
    assert not (out / "sft" / "test.jsonl").exists()
    assert json.loads((out / "summary.json").read_text()) == summary
    assert summary["duplicates_removed"] == 2
    assert summary["pairs"] == len(pairs)
    assert summary["conflicts"] == 0
    splits = {name: read_split(out, name) for name in ("train", "validation", "test")}
    assert summary["splits"] == {name: len(rows) for name, rows in splits.items()}
    assert sum(summary["splits"].values()) == len(pairs)
    # instruction sets: both directions for every pair of the split
    for name in ("train", "validation"):
        rows = read_jsonl(out / "sft" / f"{name}.jsonl")
        assert len(rows) == 2 * len(splits[name])
        assert Counter(r["direction"] for r in rows) == Counter({"e2b": len(splits[name]), "b2e": len(splits[name])})
        assert all(r["completion"].endswith("\n") for r in rows)


def test_prepare_same_seed_same_files_other_seed_differs(tmp_path):
    path = write_json(tmp_path / "p.json", make_pairs(40))
    prepare(_config(tmp_path, path), tmp_path / "a")
    prepare(_config(tmp_path, path), tmp_path / "b")
    prepare(_config(tmp_path, path, "data.seed=99"), tmp_path / "c")
    assert (tmp_path / "a" / "test.jsonl").read_text() == (tmp_path / "b" / "test.jsonl").read_text()
    assert (tmp_path / "a" / "sft" / "train.jsonl").read_text() == (tmp_path / "b" / "sft" / "train.jsonl").read_text()
    assert (tmp_path / "a" / "test.jsonl").read_text() != (tmp_path / "c" / "test.jsonl").read_text()


def test_prepare_replaces_previous_output(tmp_path):
    path = write_json(tmp_path / "p.json", make_pairs(20))
    out = tmp_path / "data"
    out.mkdir()
    (out / "stale.txt").write_text("old")
    prepare(_config(tmp_path, path), out)
    assert not (out / "stale.txt").exists()
    assert (out / "train.jsonl").is_file()


def test_read_split_missing_says_prepare(tmp_path):
    with pytest.raises(DataError, match="babybliss data prepare"):
        read_split(tmp_path, "test")


def _respace_lower(bliss: str) -> str:
    """The same Bliss sentence in another case and spacing (after its marker): the same group."""
    marker, _, body = bliss.partition(":")
    return f"{marker}:{body.replace(' ', '   ').lower()}"


def test_extra_train_added_to_train_only_without_leaks(tmp_path):
    main = make_pairs(40)
    path = write_json(tmp_path / "main.json", main)
    out = tmp_path / "data"
    config = _config(tmp_path, path, "data.validation_fraction=0.2", "data.test_fraction=0.2")
    base_splits = split_pairs(main, config.data.seed, 0.2, 0.2)
    held = base_splits["validation"] + base_splits["test"]
    new = [{"original": f"They swam in the lake {i}.", "bliss": f"past:They swim lake {i}."} for i in range(6)]
    leaking = [
        {"original": "A new English variant of a held-out pair.", "bliss": held[0]["bliss"] + " "},
        {"original": "Another variant.", "bliss": _respace_lower(held[1]["bliss"])},
        {"original": held[2]["original"], "bliss": "present:Something else entirely."},
    ]
    extra = write_json(tmp_path / "extra.json", new + leaking)
    config.data.extra_train = [str(extra)]
    summary = prepare(config, out)
    train, validation, test = (read_split(out, n) for n in ("train", "validation", "test"))
    assert validation == base_splits["validation"] and test == base_splits["test"]
    assert len(train) == len(base_splits["train"]) + len(new)
    for pair in new:
        assert pair in train
    held_bliss = {_same_sentence(p["bliss"]) for p in validation + test}
    held_english = {p["original"] for p in validation + test}
    assert not {_same_sentence(p["bliss"]) for p in train} & held_bliss
    assert not {p["original"] for p in train} & held_english
    assert summary["extra_train"] == [str(extra)]
    assert summary["splits"]["train"] == len(train)
    sft = read_jsonl(out / "sft" / "train.jsonl")
    assert len(sft) == 2 * len(train)


def test_extra_train_bad_file_writes_nothing(tmp_path):
    path = write_json(tmp_path / "main.json", make_pairs(20))
    bad = write_json(tmp_path / "extra.json", [{"original": "x"}])
    config = _config(tmp_path, path)
    config.data.extra_train = [str(bad)]
    with pytest.raises(DataError, match="extra.json"):
        prepare(config, tmp_path / "data")
    assert not (tmp_path / "data").exists()


# ------------------------------------------------------------------ shipped and shared corpora


@pytest.mark.skipif(not builtin_path().is_file(), reason="the shipped corpus is not written yet")
def test_shipped_corpus_loads_clean():
    pairs, report = load_pairs(None)
    assert load_pairs("builtin")[0] == pairs
    assert report.conflicts == []
    assert report.pairs >= 600
    for marker in ("past", "present", "future", "present progressive"):
        assert report.markers[marker] > 0, marker


@pytest.mark.skipif(not SHARED.is_file(), reason="../shared/bliss.json not present")
def test_shared_research_data_set():
    pairs, report = load_pairs(SHARED)
    assert report.duplicates == 173
    assert report.pairs == len(pairs) == 794
    assert report.entries == 967


def test_extra_train_skips_pairs_already_in_train(tmp_path):
    """`builtin` as extra_train beside the builtin data (or any overlap): each English sentence trains once."""
    main = make_pairs(40)
    path = write_json(tmp_path / "main.json", main)
    config = _config(tmp_path, path, "data.validation_fraction=0.2", "data.test_fraction=0.2")
    config.data.extra_train = [str(path)]
    prepare(config, tmp_path / "data")
    train = read_split(tmp_path / "data", "train")
    assert len({p["original"] for p in train}) == len(train) == len(split_pairs(main, config.data.seed, 0.2, 0.2)["train"])
