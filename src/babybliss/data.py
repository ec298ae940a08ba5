"""Pairs of English and Conceptual Bliss: read, check, de-duplicate, split, format as instruction sets."""

from __future__ import annotations

import hashlib
import json
import random
import re
from collections import Counter, defaultdict
from dataclasses import dataclass, field
from importlib import resources
from pathlib import Path

from babybliss.config import Config, PromptConfig
from babybliss.io import atomic_dir, atomic_write_json, atomic_write_jsonl
from babybliss.prompts import build_prompt, completion, pair_examples

MARKERS = ("present progressive", "past", "present", "future")
"""Tense markers; the longest first so `present progressive:` is not read as `present:`."""
_MARKER_RE = re.compile(r"^\s*(present progressive|past|present|future)\s*:")
BUILTIN = "builtin"
SPLITS = ("train", "validation", "test")


class DataError(ValueError):
    """Input pairs that cannot be used; the message names the file, the entry and the problem."""


@dataclass
class Report:
    """What `babybliss data check` prints."""

    source: str
    entries: int = 0
    pairs: int = 0
    duplicates: int = 0
    conflicts: list[tuple[str, list[str]]] = field(default_factory=list)
    markers: Counter = field(default_factory=Counter)
    bliss_groups: int = 0

    def lines(self) -> list[str]:
        out = [
            f"{self.source}: {self.entries} entries, {self.pairs} unique pairs "
            f"({self.duplicates} exact duplicates removed), {self.bliss_groups} distinct Bliss sentences",
            "tense markers: " + ", ".join(f"{m}: {self.markers.get(m, 0)}" for m in MARKERS),
        ]
        if self.conflicts:
            out.append(f"{len(self.conflicts)} English sentences with more than one Bliss form:")
            for english, forms in self.conflicts:
                out.append(f"  {english!r} -> " + " | ".join(repr(f) for f in forms))
        else:
            out.append("no English sentence has two Bliss forms")
        return out


def tense_marker(bliss: str) -> str | None:
    match = _MARKER_RE.match(bliss)
    return match.group(1) if match else None


def builtin_path() -> Path:
    return Path(str(resources.files("babybliss") / "corpus" / "pairs.json"))


def novel_path() -> Path:
    """The shipped `novel` evaluation set: pairs written unlike any training corpus, never trained on."""
    return Path(str(resources.files("babybliss") / "corpus" / "novel.json"))


def resolve_path(path: str | Path | None) -> Path:
    if not path or str(path) == BUILTIN:
        return builtin_path()
    return Path(path)


def _entries(path: Path) -> list[tuple[str, object]]:
    """(where, entry) for each entry of a JSON list or a JSONL file."""
    if not path.is_file():
        raise DataError(f"{path}: file not found")
    try:
        text = path.read_text(encoding="utf-8")
    except UnicodeDecodeError as err:
        raise DataError(f"{path}: not UTF-8 text ({err.reason} at byte {err.start})") from None
    if path.suffix == ".jsonl":
        out = []
        for number, line in enumerate(text.splitlines(), start=1):
            if not line.strip():
                continue
            try:
                out.append((f"line {number}", json.loads(line)))
            except json.JSONDecodeError as err:
                raise DataError(f"{path}: line {number}: not JSON ({err.msg})") from None
        return out
    try:
        data = json.loads(text)
    except json.JSONDecodeError as err:
        raise DataError(f"{path}: not JSON ({err.msg} at line {err.lineno}, column {err.colno})") from None
    if not isinstance(data, list):
        raise DataError(f'{path}: expected a JSON list of {{"original": ..., "bliss": ...}} objects, got {type(data).__name__}')
    return [(f"entry {index}", entry) for index, entry in enumerate(data)]


def _check_entry(path: Path, where: str, entry: object) -> dict[str, str]:
    if not isinstance(entry, dict):
        raise DataError(f"{path}: {where}: expected an object with 'original' and 'bliss', got {type(entry).__name__}")
    pair = {}
    for key in ("original", "bliss"):
        if key not in entry:
            raise DataError(f"{path}: {where}: missing key {key!r}")
        value = entry[key]
        if not isinstance(value, str):
            raise DataError(f"{path}: {where}: {key!r} must be a string, got {type(value).__name__}")
        value = value.strip()
        if not value:
            raise DataError(f"{path}: {where}: {key!r} is empty")
        pair[key] = value
    if tense_marker(pair["bliss"]) is None:
        raise DataError(
            f"{path}: {where}: Bliss side {pair['bliss']!r} has no tense marker "
            f"(expected it to start with one of {', '.join(m + ':' for m in MARKERS)})"
        )
    return pair


def read_entries(path: str | Path | None = None) -> list[tuple[str, dict[str, str]]]:
    """(where, pair) for every entry in file order, duplicates kept ("entry 3" / "line 4"), each checked."""
    path = resolve_path(path)
    return [(where, _check_entry(path, where, entry)) for where, entry in _entries(path)]


def load_pairs(path: str | Path | None = None) -> tuple[list[dict[str, str]], Report]:
    """Read and check every entry, strip spaces, drop exact duplicates (first kept), report conflicts."""
    path = resolve_path(path)
    report = Report(source=str(path))
    seen: set[tuple[str, str]] = set()
    forms: dict[str, list[str]] = defaultdict(list)
    pairs = []
    for where, entry in _entries(path):
        pair = _check_entry(path, where, entry)
        report.entries += 1
        key = (pair["original"], pair["bliss"])
        if key in seen:
            report.duplicates += 1
            continue
        seen.add(key)
        pairs.append(pair)
        forms[pair["original"]].append(pair["bliss"])
        report.markers[tense_marker(pair["bliss"])] += 1
    report.pairs = len(pairs)
    report.conflicts = [(english, bliss) for english, bliss in forms.items() if len(bliss) > 1]
    report.bliss_groups = len({p["bliss"] for p in pairs})
    return pairs, report


def _group_key(bliss: str) -> str:
    return " ".join(bliss.lower().split())


def split_pairs(
    pairs: list[dict[str, str]], seed: int, validation_fraction: float, test_fraction: float
) -> dict[str, list[dict[str, str]]]:
    """Seeded split into train/validation/test, grouped by Bliss side and stratified by tense marker.

    Pairs that share a Bliss sentence (\"will\" and \"is going to\" variants) always land in one split, so no
    test pair has its Bliss side in training. Within each marker, groups are shuffled and cut by fraction.
    """
    groups: dict[str, list[dict[str, str]]] = defaultdict(list)
    for pair in pairs:
        groups[_group_key(pair["bliss"])].append(pair)
    by_marker: dict[str, list[str]] = defaultdict(list)
    for key, members in groups.items():
        by_marker[tense_marker(members[0]["bliss"]) or ""].append(key)
    out: dict[str, list[dict[str, str]]] = {name: [] for name in SPLITS}
    for marker in sorted(by_marker):
        keys = sorted(by_marker[marker])
        random.Random(f"{seed}:{marker}").shuffle(keys)
        n_test = round(len(keys) * test_fraction)
        n_val = round(len(keys) * validation_fraction)
        cuts = {"test": keys[:n_test], "validation": keys[n_test : n_test + n_val], "train": keys[n_test + n_val :]}
        for name, chosen in cuts.items():
            for key in chosen:
                out[name].extend(groups[key])
    for name in SPLITS:
        random.Random(f"{seed}:{name}").shuffle(out[name])
    return out


def instruction_rows(pairs: list[dict[str, str]], prompts: PromptConfig, directions: list[str]) -> list[dict[str, str]]:
    """Prompt/completion rows, both directions; the loss covers the completion, EOS appended at tokenisation."""
    rows = []
    for pair in pairs:
        for example in pair_examples(pair, directions):
            rows.append(
                {
                    "prompt": build_prompt(prompts, example.direction, example.input),
                    "completion": completion(example.answer),
                    "direction": example.direction,
                }
            )
    return rows


def fingerprint(pairs: list[dict[str, str]]) -> str:
    digest = hashlib.sha256(json.dumps(pairs, sort_keys=True, ensure_ascii=False).encode()).hexdigest()
    return digest[:16]


def prepare(config: Config, out_dir: str | Path) -> dict[str, object]:
    """Check, de-duplicate and split the pairs; write splits and instruction sets into `out_dir` atomically.

    Layout: {train,validation,test}.jsonl (pairs), sft/{train,validation}.jsonl (prompt/completion), summary.json.
    """
    pairs, report = load_pairs(config.data.path)
    splits = split_pairs(pairs, config.data.seed, config.data.validation_fraction, config.data.test_fraction)
    if 0 < config.data.max_train_pairs < len(splits["train"]):
        splits["train"] = random.Random(f"{config.data.seed}:cap").sample(splits["train"], config.data.max_train_pairs)
    held_out = {_group_key(p["bliss"]) for name in ("validation", "test") for p in splits[name]}
    held_out_english = {p["original"] for name in ("validation", "test") for p in splits[name]}
    for extra in config.data.extra_train:
        from babybliss.extra_train import extra_pairs as load_extra

        extra_pairs = load_extra(extra, splits["train"], config.data.seed)
        fresh = [
            p for p in extra_pairs if _group_key(p["bliss"]) not in held_out and p["original"] not in held_out_english
        ]
        splits["train"].extend(fresh)
    summary = {
        "source": report.source,
        "entries": report.entries,
        "pairs": report.pairs,
        "duplicates_removed": report.duplicates,
        "conflicts": len(report.conflicts),
        "extra_train": list(config.data.extra_train),
        "splits": {name: len(rows) for name, rows in splits.items()},
        "markers": dict(report.markers),
        "fingerprint": fingerprint(pairs),
        "seed": config.data.seed,
    }
    out_dir = Path(out_dir)
    with atomic_dir(out_dir) as tmp:
        for name in SPLITS:
            atomic_write_jsonl(tmp / f"{name}.jsonl", splits[name])
        for name in ("train", "validation"):
            atomic_write_jsonl(tmp / "sft" / f"{name}.jsonl", instruction_rows(splits[name], config.prompts, config.data.directions))
        atomic_write_json(tmp / "summary.json", summary)
    return summary


def read_split(data_dir: str | Path, name: str) -> list[dict[str, str]]:
    from babybliss.io import read_jsonl

    path = Path(data_dir) / f"{name}.jsonl"
    if not path.is_file():
        raise DataError(f"{path}: split not found; run `babybliss data prepare` first")
    return read_jsonl(path)
