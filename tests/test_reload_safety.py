"""Reloads are all-or-nothing even when files change underneath them or two run at once."""

from __future__ import annotations

import threading
import time
from pathlib import Path

import pytest

from bot.core import FactBaseError, FactService


def test_two_moderators_reloading_at_once_both_finish_and_one_base_is_served(fact_copy):
    facts, seeds = fact_copy
    service = FactService(facts, seeds)
    service.load()
    barrier = threading.Barrier(2)
    reports = []

    def reload(who: str) -> None:
        barrier.wait(timeout=10)
        reports.append(service.load(by=who))

    threads = [threading.Thread(target=reload, args=(name,)) for name in ("mod-a", "mod-b")]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)
    assert len(reports) == 2 and all(r.unchanged for r in reports)
    assert service.state.loaded_by in {"mod-a", "mod-b"}
    assert len(service.base.facts) == reports[0].fact_count


def test_answers_never_see_half_a_reload_while_a_file_is_rewritten(fact_copy):
    """A writer flips a file between a good version, a half-written one and none at all while
    reloads run and questions are asked: every reload either succeeds whole or fails with a
    located error, and every answer comes from a complete base (a removed file is a valid base
    without its facts; a half-written one is never served)."""
    facts, seeds = fact_copy
    general = facts / "general.yaml"
    good = general.read_text(encoding="utf-8")
    edited = good.replace("a possible mediator in the Ukraine war.\n    quote", "a would-be mediator.\n    quote")
    service = FactService(facts, seeds)
    service.load()
    stop = threading.Event()
    failures: list[str] = []
    outcomes = {"ok": 0, "refused": 0}

    def writer() -> None:
        versions = [good, edited[: len(edited) // 2], None, edited]
        i = 0
        while not stop.is_set():
            version = versions[i % len(versions)]
            if version is None:
                general.unlink(missing_ok=True)
            else:
                general.write_text(version, encoding="utf-8")
            i += 1
            time.sleep(0.002)

    general_ids = {fact.id for fact in service.base.facts if fact.file == "facts/general.yaml"}

    def asker() -> None:
        while not stop.is_set():
            state = service.state
            served = {fact.id for fact in state.base.facts}
            if not (general_ids <= served or not general_ids & served):
                failures.append(f"half a file served: {sorted(general_ids - served)}")
            answer = state.matcher.ask("is turkey in nato")
            # The answer comes from the base being served: the fact about Turkey in NATO while
            # general.yaml is in it, and never that fact once the file is gone.
            if (
                answer.fact_id != "turkey-mediator"
                if "turkey-mediator" in served
                else answer.fact_id not in served | {None}
            ):
                failures.append(repr(answer))

    threads = [threading.Thread(target=writer), threading.Thread(target=asker)]
    for thread in threads:
        thread.start()
    # At least 3 s of churn, and on until both outcomes were seen (a slow machine may fit only a
    # handful of reloads into 3 s, all of which could land on one kind of file), within 30 s.
    started = time.monotonic()
    while time.monotonic() < started + 3 or (
        not (outcomes["ok"] and outcomes["refused"]) and time.monotonic() < started + 30
    ):
        try:
            service.load(by="moderator")
            outcomes["ok"] += 1
        except FactBaseError as error:
            outcomes["refused"] += 1
            assert all(p.file and p.message for p in error.problems)
    stop.set()
    for thread in threads:
        thread.join(timeout=10)
    assert not failures, failures[:3]
    assert outcomes["ok"] > 0 and outcomes["refused"] > 0, outcomes


def test_a_file_that_vanishes_is_reported_not_crashed_on(fact_copy, monkeypatch):
    facts, seeds = fact_copy
    target = facts / "timeline.yaml"
    original_read = Path.read_bytes

    def vanishing_read(self: Path) -> bytes:
        if self == target:
            target.unlink()
        return original_read(self)

    monkeypatch.setattr(Path, "read_bytes", vanishing_read)
    # Not the subject here, and it reads every file first: the loader's own read must meet the race.
    monkeypatch.setattr("bot.core.snapshot.fingerprint", lambda *_: "no fingerprint")
    service = FactService(facts, seeds)
    with pytest.raises(FactBaseError) as raised:
        service.load()
    assert any(p.file == "facts/timeline.yaml" and "cannot read" in p.message for p in raised.value.problems)


def test_a_reload_frees_the_previous_index_without_the_cyclic_collector(fact_copy):
    """Reloads freeze the new index out of the collector's reach, so the old one must be freed by
    reference counting alone: no reference cycle may keep a matcher alive."""
    import gc
    import weakref

    facts, seeds = fact_copy
    service = FactService(facts, seeds)
    service.load()
    service.ask("whn did xi arive")  # fills the spelling memo too
    old_matcher, old_base = weakref.ref(service.matcher), weakref.ref(service.base)
    enabled = gc.isenabled()
    timeline = facts / "timeline.yaml"
    timeline.write_text(timeline.read_text() + "\n# a change, so that the reload builds\n")
    gc.disable()
    try:
        service.load(by="moderator")
        assert old_matcher() is None and old_base() is None
    finally:
        if enabled:
            gc.enable()
    assert gc.isenabled() == enabled, "the collector is switched back on after a reload"
