"""Training-data levers, usable as `data.extra_train` entries beside pair files:

- `rules:english` — the rule converter's Bliss for the shipped everyday sentences (corpus/english.txt);
- `rules:FILE` — the same for any English text file, one sentence per line;
- `generated:N` — N rule-made pairs over the sentence generator's English (babybliss.data.generated: about 50 000,
  cached), the first N of an order seeded by the run's data.seed, so a smaller N is part of a larger one;
- `augment:names` — the training split's pairs that contain a name, with each name swapped (on both sides) for one
  from a list of other names, so the model copies names instead of recalling those it was trained on;
- `augment:words:N` — N relexicalised generated pairs: the generated training pairs in `generated:N`'s order (again
  and again when N is larger), each with some nouns, adjectives and verbs swapped (on both sides, in the same form)
  for random words of the generator's whole vocabulary, so the model learns to copy and inflect any word rather
  than recall the words it was trained on (babybliss.data.generated.relexicalise);
- anything else (`builtin`, a path) — a pairs file, as before.

Pairs of the shipped evaluation sets (novel, everyday, rare) are never added.
"""

from __future__ import annotations

import json
import random
import re
from pathlib import Path

from babybliss.data.pairs import (EVALUATION_SETS, DataError, compose_path, english_path, evaluation_set_path,
                                  load_pairs, shares_a_side, sides)
from babybliss.grammar.notation import tense_marker
from babybliss.io import read_user_text

RULES_PREFIX = "rules:"
GENERATED_PREFIX = "generated:"
AUGMENT_NAMES = "augment:names"
AUGMENT_WORDS = "augment:words:"
SWAP_NAMES = ["Amara", "Bjorn", "Chiara", "Dawit", "Elif", "Farid", "Greta", "Hamza", "Ilse", "Joaquin", "Kalani",
              "Lior", "Maren", "Nnamdi", "Odile", "Pavel", "Quilla", "Rhys", "Sunniva", "Tariq", "Ulla", "Vikram"]
NOT_NAMES = {"I", "He", "She", "It", "We", "They", "You", "Grandma", "Grandpa", "Mum", "Dad", "Mom"}
DAY_OR_MONTH = re.compile(r"^(Mon|Tues|Wednes|Thurs|Fri|Satur|Sun)days?$|^(January|February|March|April|May|June|July|"
                          r"August|September|October|November|December)$")


def rule_pairs(path: Path) -> list[dict[str, str]]:
    """{original, bliss} pairs: the rule converter's Bliss for each sentence of `path` that it is confident of."""
    from babybliss.grammar.rule_pairs import pairs_from_english, read_sentences

    pairs, _ = pairs_from_english(read_sentences(path))
    return [pair for pair in pairs if tense_marker(pair["bliss"])]


def names_in(pair: dict[str, str]) -> list[str]:
    """Capitalised words that both sides share and that are names (not pronouns, days or months)."""
    english = set(re.findall(r"[A-Z][a-z]+", pair["original"]))
    body = pair["bliss"].partition(":")[2]
    found = [w for w in re.findall(r"[A-Z][a-z]+", body) if w in english and w not in NOT_NAMES]
    return sorted({w for w in found if not DAY_OR_MONTH.match(w)})


def swap_names(pairs: list[dict[str, str]], seed: int) -> list[dict[str, str]]:
    """A copy of each pair that has names, every name replaced by another one from SWAP_NAMES on both sides."""
    rng = random.Random(f"augment:{seed}")
    out = []
    for pair in pairs:
        names = names_in(pair)
        if not names:
            continue
        new = dict(zip(names, rng.sample([n for n in SWAP_NAMES if n not in names], len(names))))
        swap = lambda text: re.sub(r"\b(" + "|".join(names) + r")\b", lambda m: new[m.group(1)], text)  # noqa: E731
        out.append({"original": swap(pair["original"]), "bliss": swap(pair["bliss"])})
    return out


def extra_pairs(entry: str, train: list[dict[str, str]], seed: int = 42, data_path: str = "") -> list[dict[str, str]]:
    """The pairs one `data.extra_train` entry adds to the training split `train` of the run on `data_path`."""
    if entry.startswith(GENERATED_PREFIX):
        from babybliss.data.generated import training_pairs

        pairs = training_pairs(generated_count(entry), seed, exclude=data_path or None)
    elif entry.startswith(RULES_PREFIX):
        pairs = rule_pairs(rules_source(entry))
    elif entry.startswith(AUGMENT_WORDS):
        from babybliss.data.generated import relexicalised

        pairs = relexicalised(augment_words_count(entry), seed, exclude=data_path or None)
    elif entry.startswith("augment:"):
        check_augmentation(entry)
        pairs = swap_names(train, seed)
    else:
        pairs, _ = load_pairs(entry)
    return without_novel(pairs)


def entry_count(entry: str, prefix: str) -> int:
    """N of a `PREFIXN` entry (`generated:N`, `augment:words:N`)."""
    count = entry[len(prefix) :]
    if not count.isdigit():
        raise DataError(f"data.extra_train: {entry!r}: expected {prefix}N with N a number of pairs")
    return int(count)


def generated_count(entry: str) -> int:
    """N of a `generated:N` entry."""
    return entry_count(entry, GENERATED_PREFIX)


def rules_source(entry: str) -> Path:
    """The English text file of a `rules:FILE` or `rules:english` entry."""
    name = entry[len(RULES_PREFIX) :]
    return english_path() if name == "english" else Path(name)


def augment_words_count(entry: str) -> int:
    """N of an `augment:words:N` entry."""
    return entry_count(entry, AUGMENT_WORDS)


def check_augmentation(entry: str) -> None:
    if entry.startswith(AUGMENT_WORDS):
        augment_words_count(entry)
    elif entry != AUGMENT_NAMES:
        raise DataError(f"data.extra_train: unknown augmentation {entry!r}; expected {AUGMENT_NAMES} or "
                        f"{AUGMENT_WORDS}N")


def check_entry(entry: str) -> None:
    """DataError where one `data.extra_train` entry could not be used, found without building its pairs: a number
    that is none, an unknown augmentation, an English file that is missing or not UTF-8, a pairs file as
    `data check` refuses it."""
    if entry.startswith(GENERATED_PREFIX):
        generated_count(entry)
    elif entry.startswith(RULES_PREFIX):
        read_user_text(rules_source(entry), DataError, missing=f"file not found (data.extra_train {entry!r})")
    elif entry.startswith("augment:"):
        check_augmentation(entry)
    else:
        load_pairs(entry)


def without_novel(pairs: list[dict[str, str]]) -> list[dict[str, str]]:
    """`pairs` less those of the shipped evaluation sets (EVALUATION_SETS and compose), by English or Bliss side."""
    english, bliss = sides([p for path in (*map(evaluation_set_path, EVALUATION_SETS), compose_path()) if path.is_file()
                            for p in json.loads(path.read_text(encoding="utf-8"))])
    return [p for p in pairs if not shares_a_side(p, english, bliss)]
