"""Finding NLTK's optional pre-trained data without ever downloading it."""

from __future__ import annotations

from nltk import data as nltk_data


def has_resource(resource: str) -> bool:
    """Whether `resource` (e.g. "tokenizers/punkt_tab/english/") is installed.

    Looks in NLTK_DATA and NLTK's usual paths only: `nltk.download` is never
    called, so a machine without the data or a network keeps working.
    """
    try:
        nltk_data.find(resource)
    except LookupError:
        return False
    return True
