"""The snapshot of a built fact base: used only when made from the very same files and code."""

from __future__ import annotations

import logging
from pathlib import Path

import pytest

from bot.core import FactBaseError, FactService, diskcache, snapshot
from bot.core import service as service_module
from bot.core.evaluation import load_questions
from tests.conftest import QUESTIONS_FILE

ADDED_QUESTION = "when did the kremlin chief show up"
ADDED = f"- when did putin arrive\n      - {ADDED_QUESTION}\n"


def answers(service: FactService) -> list[str | None]:
    return [service.ask(q.question).fact_id for q in load_questions(QUESTIONS_FILE, None)]


def snapshots_in(folder: Path) -> list[Path]:
    return sorted(folder.glob(f"{snapshot.PREFIX}*{snapshot.SUFFIX}"))


def no_build(*_args: object) -> None:
    raise AssertionError("built the fact base although a snapshot of the same files was there")


def test_a_restart_with_the_same_files_reads_the_snapshot_and_answers_alike(fact_copy, tmp_path, monkeypatch):
    facts, seeds = fact_copy
    cache = tmp_path / "cache"
    built = FactService(facts, seeds, cache)
    built.load(snapshot_use="use")
    assert len(snapshots_in(cache)) == 1

    monkeypatch.setattr("bot.core.service.load_fact_base", no_build)
    restored = FactService(facts, seeds, cache)
    restored.load(snapshot_use="use")

    assert restored.base.facts == built.base.facts
    assert restored.base.fact("putin-arrival") == built.base.fact("putin-arrival")
    assert answers(restored) == answers(built)


def test_an_edited_file_is_never_answered_from_an_old_snapshot(fact_copy, tmp_path):
    facts, seeds = fact_copy
    cache = tmp_path / "cache"
    FactService(facts, seeds, cache).load(snapshot_use="use")
    old = snapshots_in(cache)
    timeline = facts / "timeline.yaml"
    timeline.write_text(timeline.read_text().replace("- when did putin arrive\n", ADDED))

    edited = FactService(facts, seeds, cache)
    edited.load(snapshot_use="use")

    assert ADDED_QUESTION in edited.base.fact("putin-arrival").questions
    assert snapshots_in(cache) != old and len(snapshots_in(cache)) == 1, "the stale snapshot stays behind"


def test_a_damaged_snapshot_is_ignored_with_a_warning(fact_copy, tmp_path, caplog):
    facts, seeds = fact_copy
    cache = tmp_path / "cache"
    first = FactService(facts, seeds, cache)
    first.load(snapshot_use="use")
    [stored] = snapshots_in(cache)
    stored.write_bytes(stored.read_bytes()[:1000])

    with caplog.at_level(logging.WARNING, logger="bot.core.snapshot"):
        second = FactService(facts, seeds, cache)
        second.load(snapshot_use="use")

    assert "ignoring the unreadable fact base snapshot" in caplog.text
    assert answers(second) == answers(first)
    assert stored.stat().st_size > 1000, "the damaged snapshot was not replaced"


def test_changed_code_means_another_snapshot(fact_copy, monkeypatch):
    facts, seeds = fact_copy
    before = snapshot.fingerprint(facts, seeds)
    monkeypatch.setattr(diskcache, "code_digest", lambda *_: "another matcher")
    assert snapshot.fingerprint(facts, seeds) != before


def test_a_reload_builds_and_never_touches_the_snapshot(fact_copy, tmp_path, monkeypatch):
    facts, seeds = fact_copy
    cache = tmp_path / "cache"
    service = FactService(facts, seeds, cache)
    service.load(snapshot_use="use")

    def untouchable(*_args: object) -> None:
        raise AssertionError("a reload read or wrote the snapshot, one long step beside the event loop")

    monkeypatch.setattr(snapshot, "read", untouchable)
    monkeypatch.setattr(snapshot, "write", untouchable)
    report = service.load(by="moderator")
    assert report.unchanged and report.fact_count == len(service.base.facts)


def test_an_unwritable_cache_only_costs_the_snapshot(fact_copy, tmp_path, caplog):
    facts, seeds = fact_copy
    blocked = tmp_path / "not-a-folder"
    blocked.write_text("a file where the cache folder should be")

    with caplog.at_level(logging.WARNING, logger="bot.core.snapshot"):
        service = FactService(facts, seeds, blocked)
        service.load(snapshot_use="use")

    assert "could not write the fact base snapshot" in caplog.text
    assert service.ask("when did putin arrive").fact_id == "putin-arrival"


@pytest.mark.parametrize("broken", ["not: [valid", "facts: 3\n"])
def test_a_broken_file_leaves_no_snapshot(fact_copy, tmp_path, broken):
    facts, seeds = fact_copy
    cache = tmp_path / "cache"
    (facts / "timeline.yaml").write_text(broken)
    with pytest.raises(FactBaseError, match=r"timeline\.yaml"):
        FactService(facts, seeds, cache).load(snapshot_use="use")
    assert snapshots_in(cache) == []


def test_check_refreshes_the_snapshot_a_start_then_uses(fact_copy, tmp_path, monkeypatch):
    """`summitbot check` after an edit builds (it judges the files as they are) and leaves the
    snapshot, so that the next start does not build."""
    facts, seeds = fact_copy
    cache = tmp_path / "cache"
    FactService(facts, seeds, cache).load(by="command line", snapshot_use="refresh")
    assert len(snapshots_in(cache)) == 1

    monkeypatch.setattr("bot.core.service.load_fact_base", no_build)
    started = FactService(facts, seeds, cache)
    started.load(snapshot_use="use")
    assert started.ask("when did putin arrive").fact_id == "putin-arrival"


def test_check_builds_even_with_a_snapshot_there(fact_copy, tmp_path, monkeypatch):
    facts, seeds = fact_copy
    cache = tmp_path / "cache"
    FactService(facts, seeds, cache).load(snapshot_use="use")

    def unreadable(*_args: object) -> None:
        raise AssertionError("check answered from the snapshot instead of judging the files")

    monkeypatch.setattr(snapshot, "read", unreadable)
    FactService(facts, seeds, cache).load(snapshot_use="refresh")


def test_a_reload_of_unchanged_files_builds_nothing(fact_copy, monkeypatch):
    facts, seeds = fact_copy
    service = FactService(facts, seeds)
    service.load()
    first = service.state

    monkeypatch.setattr("bot.core.service.load_fact_base", no_build)
    report = service.load(by="moderator")

    assert report.unchanged and report.fact_count == len(first.base.facts)
    assert service.matcher is first.matcher and service.state.loaded_by == "moderator"


def test_a_file_changed_during_the_build_is_read_at_the_next_reload(fact_copy, monkeypatch):
    """The build may read a file before a save and the fingerprint after it; the base must not
    then pass for one of the saved files, or the next reload would keep the stale facts."""
    facts, seeds = fact_copy
    timeline = facts / "timeline.yaml"
    service = FactService(facts, seeds)
    real_load = service_module.load_fact_base

    def load_then_save(facts_dir: Path, seeds_dir: Path, parsed_files: object = None):
        base = real_load(facts_dir, seeds_dir, parsed_files)
        timeline.write_text(timeline.read_text().replace("- when did putin arrive\n", ADDED))
        return base

    monkeypatch.setattr(service_module, "load_fact_base", load_then_save)
    service.load()
    assert ADDED_QUESTION not in service.base.fact("putin-arrival").questions
    monkeypatch.setattr(service_module, "load_fact_base", real_load)

    service.load(by="moderator")
    assert ADDED_QUESTION in service.base.fact("putin-arrival").questions


def test_a_start_after_an_edit_copies_the_unchanged_facts_from_the_earlier_snapshot(fact_copy, tmp_path, facts_read):
    facts, seeds = fact_copy
    cache = tmp_path / "cache"
    FactService(facts, seeds, cache).load(snapshot_use="use")
    timeline = facts / "timeline.yaml"
    timeline.write_text(timeline.read_text().replace("- when did putin arrive\n", ADDED))
    facts_read.clear()

    started = FactService(facts, seeds, cache)
    started.load(snapshot_use="use")

    assert facts_read == ["putin-arrival"]
    assert started.ask(ADDED_QUESTION).fact_id == "putin-arrival"
    built = FactService(facts, seeds)
    built.load()
    assert answers(started) == answers(built)


def test_an_earlier_snapshot_made_by_other_code_is_not_copied_from(fact_copy, tmp_path, monkeypatch, facts_read):
    facts, seeds = fact_copy
    cache = tmp_path / "cache"
    FactService(facts, seeds, cache).load(snapshot_use="use")
    timeline = facts / "timeline.yaml"
    timeline.write_text(timeline.read_text().replace("- when did putin arrive\n", ADDED))
    monkeypatch.setattr(diskcache, "code_digest", lambda *_: "another matcher")
    facts_read.clear()

    started = FactService(facts, seeds, cache)
    started.load(snapshot_use="use")

    assert len(facts_read) == len(started.base.facts)
