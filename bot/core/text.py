"""Text normalisation shared by the loader and the matcher, so both sides are folded alike."""

from __future__ import annotations

import re
import unicodedata

_APOSTROPHES = str.maketrans({"\u2019": "'", "\u2018": "'", "`": "'", "\u00b4": "'"})
_POSSESSIVE = re.compile(r"(?<=\w)'s\b")
_APOSTROPHE_IN_WORD = re.compile(r"(?<=\w)'(?=\w)")
_NOT_WORD = re.compile(r"[^0-9a-z]+")
_WORD = re.compile(r"[0-9a-z]+")
_WHITESPACE = re.compile(r"\s+")
_TIME_OF_DAY = re.compile(
    r"\b(?:(?:morning|afternoon|evening|night|tonight|overnight|noon|midnight|dawn|dusk|o'?clock)s?\b"
    r"|\d{1,2}:\d{2}|\d{1,2} ?[ap]\.?m\b)",
    re.IGNORECASE,
)
_YEAR = re.compile(r"\b[12]\d{3}\b")
_FUTURE = re.compile(
    r"\b(?:will|would|shall|expected|expects?|set to|plans?|planned|planning|scheduled|intends?|intended|upcoming)\b",
    re.IGNORECASE,
)


WEEKDAYS = frozenset({"monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday"})
_WEEKDAY = re.compile(rf"\b(?:{'|'.join(sorted(WEEKDAYS))})\b", re.IGNORECASE)

NUMBER_WORDS = frozenset(
    """two three four five six seven eight nine ten eleven twelve thirteen fourteen fifteen sixteen
    seventeen eighteen nineteen twenty thirty forty fifty sixty seventy eighty ninety hundred thousand
    million billion dozen""".split()
)


def is_number(word: str) -> bool:
    """A number in digits or words: "10" and "ten" ask about a count the article gives or not,
    neither is a word the fact base lacks."""
    return word.isdigit() or word in NUMBER_WORDS


def states_time_of_day(text: str) -> bool:
    """Whether `text` says at what time of day: "on Wednesday morning", "at 10:30", "at 9 pm"."""
    return _TIME_OF_DAY.search(text) is not None


def states_weekday(text: str) -> bool:
    """Whether `text` names a day of the week: "on Wednesday morning", "set to speak on Thursday"."""
    return _WEEKDAY.search(text) is not None


def states_year(text: str) -> bool:
    """Whether `text` gives a year: "in February 2022", "at the 2023 summit"."""
    return _YEAR.search(text) is not None


def states_future(text: str) -> bool:
    """Whether `text` says what is to come: "is expected to meet", "is set to address", "would join"."""
    return _FUTURE.search(text) is not None


def normalize(text: str) -> str:
    """Fold case, accents, punctuation and spacing so that only the words remain.

    "Xi's arrival?!" and "xi  arrival" both become "xi arrival"; "Türkiye" becomes "turkiye".
    Possessive "'s" is dropped so that an alias matches in "Putin's" too.
    """
    return _NOT_WORD.sub(" ", _folded(text)).strip()


def words_of(text: str) -> list[str]:
    """The words of `normalize(text)`, found in one pass: at 100,000 facts this is run on
    700,000 texts when the base is built."""
    return _WORD.findall(_folded(text))


def _folded(text: str) -> str:
    """Case, accents and apostrophes folded; the regular expressions run only on text that has
    an apostrophe, which most do not."""
    if not text.isascii():
        decomposed = unicodedata.normalize("NFKD", text)
        text = "".join(ch for ch in decomposed if not unicodedata.combining(ch))
    folded = text.casefold()
    if not folded.isascii() or "`" in folded:
        folded = folded.translate(_APOSTROPHES)
    if "'" in folded:
        folded = _APOSTROPHE_IN_WORD.sub("", _POSSESSIVE.sub("", folded))
    return folded


def fold_whitespace(text: str) -> str:
    """Collapse every run of whitespace to one space, for comparing quotes with the article."""
    return _WHITESPACE.sub(" ", text).strip()
