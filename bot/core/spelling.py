"""Correcting a misspelt word to a word the fact base knows, fast however large the vocabulary.

Candidates come from a deletion index (the idea behind SymSpell): a word and a one-slip typo of
it share a form with at most one letter deleted (a letter dropped, added, changed or swapped),
so they are found with a few dictionary lookups. rapidfuzz's ratio then picks the closest. A
small vocabulary is also scanned whole for typos further off, which the index does not reach.
"""

from __future__ import annotations

from collections.abc import Iterable

from rapidfuzz import fuzz, process
from rapidfuzz.distance import OSA

FULL_SCAN_LIMIT = 20_000
# A long word three slips from a known one is more often another word ("continent" is not
# "constituent") than a typo of it.
MAX_SLIPS = 2


def deletions(word: str) -> set[str]:
    return {word[:i] + word[i + 1 :] for i in range(len(word))}


class Speller:
    def __init__(self, vocabulary: Iterable[str]) -> None:
        self.vocabulary = sorted(set(vocabulary))
        self._by_form: dict[str, set[str]] = {}
        self._by_initial: dict[str, list[str]] = {}
        for word in self.vocabulary:
            self._by_initial.setdefault(word[:1], []).append(word)
            for form in {word, *deletions(word)}:
                self._by_form.setdefault(form, set()).add(word)

    def correct(self, word: str, cutoff: float) -> str | None:
        """The known word closest to `word` with a ratio of at least `cutoff`, or None."""
        candidates: set[str] = set()
        for form in {word, *deletions(word)}:
            candidates |= self._by_form.get(form, set())
        # Sharing a form can also mean two slips ("married" and "arrived" both give "arried"): those
        # must keep the first letter, as every typo further off than one slip must.
        candidates = {c for c in candidates if c[:1] == word[:1] or OSA.distance(c, word) <= 1}
        match = (
            process.extractOne(word, sorted(candidates), scorer=fuzz.ratio, score_cutoff=cutoff) if candidates else None
        )
        if match is None and len(self.vocabulary) <= FULL_SCAN_LIMIT:
            match = process.extractOne(word, self._starting_with(word[:1]), scorer=fuzz.ratio, score_cutoff=cutoff)
            if match is not None and OSA.distance(match[0], word) > MAX_SLIPS:
                match = None
        return match[0] if match else None

    def _starting_with(self, initial: str) -> list[str]:
        """Typos further off than one slip keep the first letter ("goverment", "uzbekstan"); without
        that, a word the base does not know reads as one it does ("replace" as "place")."""
        return self._by_initial.get(initial, [])
