"""The two languages of the workshop and the choice of a text from an (English, Dutch) pair."""
from __future__ import annotations

LANGUAGES = ("en", "nl")


def pick(pair, lang: str) -> str:
    """The text of ``pair`` (English, Dutch) in ``lang``; ValueError for another language."""
    if lang not in LANGUAGES:
        raise ValueError(f"unknown language {lang!r}: use one of {', '.join(LANGUAGES)}")
    return pair[LANGUAGES.index(lang)]
