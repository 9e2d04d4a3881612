"""Follow-up questions: read in the light of the same asker's previous question, for a while."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from bot.core import FactService
from bot.core.conversation import ConversationMemory
from tests.conftest import FACTS_DIR, SEEDS_DIR


@pytest.fixture
def service() -> FactService:
    facts = FactService(FACTS_DIR, SEEDS_DIR)
    facts.load()
    return facts


@pytest.mark.parametrize(
    ("first", "follow_up", "expected"),
    [
        ("who is Mao Ning?", "what did she say?", "mao-ning-statement"),
        ("when did Putin arrive?", "and Xi?", "xi-arrival"),
        ("when did Putin arrive?", "what about xi jinping", "xi-arrival"),
        ("is Turkey a member?", "and Belarus?", "status-belarus"),
        ("how many members does the sco have", "and dialogue partners?", "dialogue-partner-count"),
        ("who is the kremlin aide", "what did he say about brics", "ushakov-world-order"),
    ],
)
def test_follow_up_is_answered_about_the_right_subject(service, first, follow_up, expected):
    service.ask(first, asker=("channel", 1))
    assert service.ask(follow_up, asker=("channel", 1)).fact_id == expected


def test_a_question_that_stands_alone_is_not_bent_by_the_previous_one(service):
    service.ask("who is Mao Ning?", asker=("channel", 1))
    assert service.ask("when did putin arrive", asker=("channel", 1)).fact_id == "putin-arrival"
    assert service.ask("belarus?", asker=("channel", 1)).fact_id == "status-belarus"


def test_context_belongs_to_one_asker(service):
    service.ask("who is Mao Ning?", asker=("channel", 1))
    assert not service.ask("what did she say?", asker=("channel", 2)).answered
    assert not service.ask("what did she say?", asker=("other channel", 1)).answered


def test_without_an_asker_nothing_is_remembered(service):
    service.ask("who is Mao Ning?")
    assert not service.ask("what did she say?").answered
    assert len(service.conversations) == 0


def test_context_expires():
    memory = ConversationMemory(ttl=timedelta(minutes=5))
    start = datetime(2026, 1, 1, tzinfo=UTC)
    reading = object()
    memory.remember("a", reading, now=start)  # type: ignore[arg-type]
    assert memory.previous("a", now=start + timedelta(minutes=4)) is reading
    assert memory.previous("a", now=start + timedelta(minutes=6)) is None


def test_memory_is_capped():
    memory = ConversationMemory(max_askers=3)
    for asker in range(10):
        memory.remember(asker, object())  # type: ignore[arg-type]
    assert len(memory) == 3 and memory.previous(9) is not None and memory.previous(0) is None


def test_a_reload_that_changes_the_facts_forgets_conversations(fact_copy):
    facts, seeds = fact_copy
    service = FactService(facts, seeds)
    service.load()
    service.ask("who is Mao Ning?", asker=("channel", 1))
    timeline = facts / "timeline.yaml"
    timeline.write_text(timeline.read_text() + "\n# edited\n")
    service.load(by="moderator")
    assert not service.ask("what did she say?", asker=("channel", 1)).answered


def test_a_reload_of_unchanged_files_keeps_them(service):
    service.ask("who is Mao Ning?", asker=("channel", 1))
    service.load(by="moderator")
    assert service.ask("what did she say?", asker=("channel", 1)).fact_id == "mao-ning-statement"
