"""Shared fixtures: the shipped fact base, and writable copies of it to break."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from bot.core import FactBase, Matcher, load_fact_base
from bot.core.factbase import Fact

ROOT = Path(__file__).resolve().parent.parent
FACTS_DIR = ROOT / "facts"
SEEDS_DIR = ROOT / "seeds"
QUESTIONS_FILE = ROOT / "tests" / "data" / "questions.yaml"
BLIND_QUESTIONS_FILE = ROOT / "tests" / "data" / "blind_questions.yaml"


@pytest.fixture(scope="session")
def shipped_base() -> FactBase:
    return load_fact_base(FACTS_DIR, SEEDS_DIR)


@pytest.fixture(scope="session")
def matcher(shipped_base: FactBase) -> Matcher:
    return Matcher(shipped_base)


@pytest.fixture
def fact_copy(tmp_path: Path) -> tuple[Path, Path]:
    """A writable copy of facts/ and seeds/ for tests that break or edit them."""
    facts = tmp_path / "facts"
    seeds = tmp_path / "seeds"
    shutil.copytree(FACTS_DIR, facts)
    shutil.copytree(SEEDS_DIR, seeds)
    return facts, seeds


@pytest.fixture
def facts_read(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """The ids of the facts each matcher build reads, rather than copies from the one it replaces."""
    read: list[str] = []
    real = Matcher._index_fact

    def counting(self: Matcher, index: int, fact: Fact) -> None:
        read.append(fact.id)
        real(self, index, fact)

    monkeypatch.setattr(Matcher, "_index_fact", counting)
    return read
