"""Text normalisation shared by the loader and the matcher, so both sides are folded alike."""

from __future__ import annotations

import re
import unicodedata

_APOSTROPHES = str.maketrans({"\u2019": "'", "\u2018": "'", "`": "'", "\u00b4": "'"})
_POSSESSIVE = re.compile(r"(?<=\w)'s\b")
_APOSTROPHE_IN_WORD = re.compile(r"(?<=\w)'(?=\w)")
_NOT_WORD = re.compile(r"[^0-9a-z]+")
_WHITESPACE = re.compile(r"\s+")


def normalize(text: str) -> str:
    """Fold case, accents, punctuation and spacing so that only the words remain.

    "Xi's arrival?!" and "xi  arrival" both become "xi arrival"; "Türkiye" becomes "turkiye".
    Possessive "'s" is dropped so that an alias matches in "Putin's" too.
    """
    if not text.isascii():
        decomposed = unicodedata.normalize("NFKD", text)
        text = "".join(ch for ch in decomposed if not unicodedata.combining(ch))
    folded = text.casefold().translate(_APOSTROPHES)
    folded = _POSSESSIVE.sub("", folded)
    folded = _APOSTROPHE_IN_WORD.sub("", folded)
    return _NOT_WORD.sub(" ", folded).strip()


def fold_whitespace(text: str) -> str:
    """Collapse every run of whitespace to one space, for comparing quotes with the article."""
    return _WHITESPACE.sub(" ", text).strip()
