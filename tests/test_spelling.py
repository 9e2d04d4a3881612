"""The speller finds one-slip typos through its deletion index, whatever the vocabulary size."""

from __future__ import annotations

import pytest

from bot.core import spelling
from bot.core.spelling import Speller


@pytest.mark.parametrize(
    ("typo", "word"),
    [
        ("memebrs", "members"),
        ("dialouge", "dialogue"),
        ("jinpng", "jinping"),
        ("kazakhstn", "kazakhstan"),
        ("putn", "putin"),
    ],
)
def test_one_slip_typos_are_found_in_the_index_alone(monkeypatch, typo, word):
    monkeypatch.setattr(spelling, "FULL_SCAN_LIMIT", 0)
    speller = Speller(["members", "dialogue", "jinping", "kazakhstan", "putin", "partners", "summit"])
    assert speller.correct(typo, cutoff=75) == word


def test_a_word_far_from_every_known_word_is_left_alone():
    speller = Speller(["members", "dialogue", "summit"])
    assert speller.correct("breakfast", cutoff=80) is None


def test_a_small_vocabulary_is_also_scanned_whole_for_two_slip_typos():
    speller = Speller(["guterres", "summit"])
    assert speller.correct("guterez", cutoff=75) == "guterres"


def test_a_large_vocabulary_is_not_scanned_whole(monkeypatch):
    monkeypatch.setattr(spelling, "FULL_SCAN_LIMIT", 1)
    speller = Speller(["guterres", "summit"])
    assert speller.correct("guterez", cutoff=75) is None


@pytest.mark.parametrize("full_scan_limit", [0, 20_000], ids=["index", "full scan"])
@pytest.mark.parametrize(("word", "known"), [("married", "arrived"), ("replace", "place")])
def test_two_slips_away_with_another_first_letter_is_another_word(monkeypatch, full_scan_limit, word, known):
    monkeypatch.setattr(spelling, "FULL_SCAN_LIMIT", full_scan_limit)
    assert Speller([known, "summit"]).correct(word, cutoff=80) is None


def test_one_slip_at_the_first_letter_is_still_a_typo():
    speller = Speller(["when", "arrived"])
    assert speller.correct("hwen", cutoff=70) == "when"
    assert speller.correct("rrived", cutoff=80) == "arrived"


def test_a_long_word_three_slips_from_a_known_one_is_another_word():
    """ "continent" is 80% like "constituent", enough for the full scan, but three slips away."""
    speller = Speller(["constituent", "summit"])
    assert speller.correct("continent", cutoff=80) is None
    assert speller.correct("constituant", cutoff=80) == "constituent"
