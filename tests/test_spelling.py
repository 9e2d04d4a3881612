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
