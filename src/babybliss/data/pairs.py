"""Pairs of English and Conceptual Bliss: read, check, de-duplicate, split, format as instruction sets."""

from __future__ import annotations

import hashlib
import json
import random
from collections import Counter, defaultdict
from dataclasses import dataclass, field
from importlib import resources
from pathlib import Path

from babybliss.config import Config, PromptConfig
from babybliss.errors import BlissError
from babybliss.grammar.notation import MARKERS, normalize_space, tense_marker
from babybliss.io import read_user_text
from babybliss.data.prompts import build_prompt, completion, pair_examples

BUILTIN = "builtin"
SPLITS = ("train", "validation", "test")


class DataError(BlissError, ValueError):
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
    too_long: list[tuple[str, int]] = field(default_factory=list)
    """(English side, tokens) of pairs whose prompt and answer exceed `max_seq_length`, when a tokenizer was given."""
    max_seq_length: int | None = None

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
        if self.entries == 0:
            out.append("the file holds no pairs: prepare and finetune will refuse it")
        if self.max_seq_length is None:
            out.append("lengths not checked against train.max_seq_length (give --model or --config)")
        elif self.too_long:
            out.append(f"{len(self.too_long)} pairs are longer than train.max_seq_length={self.max_seq_length} tokens "
                       "(finetune refuses them):")
            out.extend(f"  {english!r}: {tokens} tokens" for english, tokens in self.too_long)
        else:
            out.append(f"every pair fits train.max_seq_length={self.max_seq_length} tokens")
        return out


def builtin_path() -> Path:
    return Path(str(resources.files("babybliss.data") / "corpus" / "pairs.json"))


EVALUATION_SETS = ("novel", "everyday", "rare", "compose")
"""The shipped evaluation sets (corpus/NAME.json), never trained on, in the order evaluate and the report show them:
`novel` (pairs written unlike any training corpus, docs/novel-set.md), `everyday` (AAC-board messages, some typed
fast, docs/conceptual-bliss.md §16-17), `rare` (novel's sentence kinds with less common words that the sentence
generator holds out, docs/novel-set.md) and `compose` (Bliss rows as a user composes them on the page, each with its
acceptable English readings, docs/compose-set.md)."""


def evaluation_set_path(name: str) -> Path:
    """The shipped evaluation set NAME (one of EVALUATION_SETS)."""
    return Path(str(resources.files("babybliss.data") / "corpus" / f"{name}.json"))


def novel_path() -> Path:
    return evaluation_set_path("novel")


def everyday_path() -> Path:
    return evaluation_set_path("everyday")


def rare_path() -> Path:
    return evaluation_set_path("rare")


def compose_path() -> Path:
    """The shipped `compose` evaluation set: Bliss rows as a user composes them on the page, small words left out,
    each with the English sentences acceptable for it (docs/compose-set.md); never trained on."""
    return evaluation_set_path("compose")


E2B_ONLY_SETS = frozenset({"everyday"})
"""Shipped evaluation sets scored English -> Bliss only (the everyday set's English keeps its typing)."""
B2E_ONLY_SETS = frozenset({"compose"})
"""Shipped evaluation sets scored Bliss -> English only (the compose set's Bliss leaves small words out, so it is no
answer to write)."""


def scored_in(split: str, direction: str) -> bool:
    """Whether a split is scored in a direction (a one-direction shipped set only in its own)."""
    return not (split in E2B_ONLY_SETS and direction != "e2b" or split in B2E_ONLY_SETS and direction != "b2e")


def english_path() -> Path:
    """The shipped everyday English sentences (scripts/write_english.py)."""
    return Path(str(resources.files("babybliss.data") / "corpus" / "english.txt"))


def resolve_path(path: str | Path | None) -> Path:
    if not path or str(path) == BUILTIN:
        return builtin_path()
    return Path(path)


def entry_name(number: int) -> str:
    """How every error names the `number`-th entry (counted from 1) of a JSON list."""
    return f"entry {number} (1-based)"


def line_name(number: int) -> str:
    """How every error names the `number`-th line (counted from 1, as editors do) of a text or JSONL file."""
    return f"line {number}"


def _entries(path: Path) -> list[tuple[str, object]]:
    """(where, entry) for each entry of a JSON list or a JSONL file."""
    text = read_user_text(path, DataError)
    if path.suffix == ".jsonl":
        out = []
        for number, line in enumerate(text.splitlines(), start=1):
            if not line.strip():
                continue
            try:
                out.append((line_name(number), json.loads(line)))
            except json.JSONDecodeError as err:
                raise DataError(f"{path}: {line_name(number)}: not JSON ({err.msg})") from None
        return out
    try:
        data = json.loads(text)
    except json.JSONDecodeError as err:
        raise DataError(f"{path}: not JSON ({err.msg} at line {err.lineno}, column {err.colno})") from None
    if not isinstance(data, list):
        raise DataError(f'{path}: expected a JSON list of {{"original": ..., "bliss": ...}} objects, got {type(data).__name__}')
    return [(entry_name(number), entry) for number, entry in enumerate(data, start=1)]


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
    """(where, pair) for every entry in file order, duplicates kept ("entry 3 (1-based)" / "line 4"), each checked."""
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


def load_run_pairs(path: str | Path | None = None) -> tuple[list[dict[str, str]], Report]:
    """`load_pairs` for a run's `data.path`, which must hold at least one pair."""
    pairs, report = load_pairs(path)
    if not pairs:
        raise DataError(f"{report.source}: holds no pairs; give a JSON list or JSONL of {{original, bliss}} objects")
    return pairs, report


def sentence_key(text: str) -> str:
    """A sentence of either side as every disjointness check compares it (splits, extra training pairs, generated
    pairs, the shipped evaluation sets, what a model was trained on): case and runs of whitespace do not count."""
    return normalize_space(text.lower())


group_key = sentence_key
"""The Bliss sentence that groups pairs in a split."""


def sides(pairs: list[dict[str, str]]) -> tuple[set[str], set[str]]:
    """The English and the Bliss sentences of `pairs`, by `sentence_key`."""
    return {sentence_key(p["original"]) for p in pairs}, {sentence_key(p["bliss"]) for p in pairs}


def shares_a_side(pair: dict[str, str], english: set[str], bliss: set[str]) -> bool:
    """Whether `pair` has its English sentence in `english` or its Bliss sentence in `bliss` (from `sides`)."""
    return sentence_key(pair["original"]) in english or sentence_key(pair["bliss"]) in bliss


def _linked_groups(pairs: list[dict[str, str]]) -> dict[str, list[dict[str, str]]]:
    """Pairs linked by a shared Bliss sentence or a shared English sentence, transitively: one group each."""
    parent: dict[str, str] = {}

    def root(node: str) -> str:
        while parent.setdefault(node, node) != node:
            parent[node] = parent[parent[node]]
            node = parent[node]
        return node

    for pair in pairs:
        parent[root("e:" + pair["original"])] = root("b:" + group_key(pair["bliss"]))
    groups: dict[str, list[dict[str, str]]] = defaultdict(list)
    for pair in pairs:
        groups[root("b:" + group_key(pair["bliss"]))].append(pair)
    return groups


def split_pairs(
    pairs: list[dict[str, str]], seed: int, validation_fraction: float, test_fraction: float
) -> dict[str, list[dict[str, str]]]:
    """Seeded split into train/validation/test, grouped and stratified by tense marker.

    Pairs that share a Bliss sentence (\"will\" and \"is going to\" variants) or an English sentence (one sentence
    with two Bliss forms) always land in one split, so no held-out pair has either side in training: the same policy
    as `extra_train`. Within each marker, groups are shuffled and cut by fraction.
    """
    groups = _linked_groups(pairs)
    by_marker: dict[str, list[str]] = defaultdict(list)
    for key, members in groups.items():
        by_marker[min(tense_marker(m["bliss"]) or "" for m in members)].append(key)
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


def token_count(row: dict[str, str], tokenizer) -> int:
    """Tokens the trainer sees for one prompt/completion row: prompt, answer and the EOS after it."""
    return len(tokenizer(row["prompt"] + row["completion"], add_special_tokens=False)["input_ids"]) + 1


def long_rows(rows: list[dict[str, str]], tokenizer, max_length: int) -> list[tuple[int, int]]:
    """(line number, tokens) of each row longer than `max_length`."""
    counts = [(line, token_count(row, tokenizer)) for line, row in enumerate(rows, start=1)]
    return [(line, n) for line, n in counts if n > max_length]


def check_lengths(report: Report, pairs: list[dict[str, str]], config: Config, tokenizer) -> None:
    """Fill `report.too_long` with the pairs whose longest direction exceeds `train.max_seq_length`."""
    report.max_seq_length = limit = config.train.max_seq_length
    for pair in pairs:
        rows = instruction_rows([pair], config.prompts, config.data.directions)
        longest = max(token_count(row, tokenizer) for row in rows)
        if longest > limit:
            report.too_long.append((pair["original"], longest))


def fingerprint(pairs: list[dict[str, str]]) -> str:
    digest = hashlib.sha256(json.dumps(pairs, sort_keys=True, ensure_ascii=False).encode()).hexdigest()
    return digest[:16]


def read_split(data_dir: str | Path, name: str) -> list[dict[str, str]]:
    from babybliss.io import read_jsonl

    path = Path(data_dir) / f"{name}.jsonl"
    if not path.is_file():
        raise DataError(f"{path}: split not found; run `babybliss data prepare` first")
    return read_jsonl(path)
