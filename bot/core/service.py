"""The live fact base: one matcher served at a time, replaced whole on a successful reload."""

from __future__ import annotations

import gc
import threading
from collections.abc import Hashable
from dataclasses import dataclass, field, replace
from datetime import UTC, datetime
from pathlib import Path
from typing import Literal

from bot.core import snapshot
from bot.core.answer import Answer
from bot.core.conversation import ConversationMemory
from bot.core.factbase import Fact, FactBase
from bot.core.loader import load_fact_base
from bot.core.matcher import Matcher
from bot.core.parsecache import ParsedFiles
from bot.core.release import cyclic_gc_paused, release_gradually

SnapshotUse = Literal["off", "use", "refresh"]


@dataclass(frozen=True)
class ReloadReport:
    """What a successful reload changed, by fact id."""

    added: tuple[str, ...] = ()
    removed: tuple[str, ...] = ()
    changed: tuple[str, ...] = ()
    fact_count: int = 0

    @property
    def unchanged(self) -> bool:
        return not (self.added or self.removed or self.changed)


@dataclass(frozen=True)
class LoadedState:
    base: FactBase
    matcher: Matcher
    loaded_at: datetime
    loaded_by: str
    # Of the files it was built from; None when they changed during the build.
    fingerprint: str | None = None


@dataclass
class FactService:
    """Holds the current fact base and swaps it in one step, so readers never see half a reload.

    A reload builds the new base and matcher completely before the swap; if loading raises,
    the previous state stays in place and keeps answering.
    """

    facts_dir: Path
    seeds_dir: Path
    cache_dir: Path | None = None
    conversations: ConversationMemory = field(default_factory=ConversationMemory)
    _state: LoadedState | None = field(default=None, init=False, repr=False)
    _reload_lock: threading.Lock = field(default_factory=threading.Lock, init=False, repr=False)
    _parsed_files: ParsedFiles | None = field(default=None, init=False, repr=False)

    def __post_init__(self) -> None:
        if self.cache_dir is not None:
            self._parsed_files = ParsedFiles(self.cache_dir)

    @property
    def state(self) -> LoadedState:
        if self._state is None:
            raise RuntimeError("the fact base has not been loaded yet; call load() first")
        return self._state

    @property
    def base(self) -> FactBase:
        return self.state.base

    @property
    def matcher(self) -> Matcher:
        return self.state.matcher

    def load(self, by: str = "startup", *, snapshot_use: SnapshotUse = "off") -> ReloadReport:
        """Load (or reload) the facts; raises FactBaseError and keeps the old base on failure.

        `snapshot_use` says what to do with a snapshot in `cache_dir`: "use" one made from the
        very same files instead of building, or build and leave one for next time (at startup,
        before anything else runs); "refresh": build, and leave one (`summitbot check`); "off":
        only build. Reloads stay "off": reading or writing a snapshot is a long step that holds the
        GIL, while a build lets the event loop run beside it. Whatever `snapshot_use` says, a build
        with a `cache_dir` parses only the fact files it has not parsed before (see `parsecache`).
        """
        with self._reload_lock:
            key = snapshot.fingerprint(self.facts_dir, self.seeds_dir)
            current = self._state
            if current is not None and current.fingerprint == key:
                # Not one byte changed since the last load: nothing to build (at 100,000 facts, a
                # fifth of a second instead of six), and follow-ups stay valid.
                self._state = replace(current, loaded_at=datetime.now(UTC), loaded_by=by)
                return ReloadReport(fact_count=len(current.base.facts))
            with cyclic_gc_paused():
                restored = None
                if self.cache_dir and snapshot_use == "use":
                    restored = snapshot.read(self.cache_dir, key)
                if restored is not None:
                    base, matcher = restored
                else:
                    base = load_fact_base(self.facts_dir, self.seeds_dir, self._parsed_files)
                    matcher = Matcher(base, previous=self._previous_matcher(snapshot_use))
                # Before the collector runs again: the new index, which lives until the next
                # reload, is never scanned by it. (The old one holds no reference cycles, so
                # reference counting frees it once it is swapped out.)
                gc.freeze()
            # The files may have changed while the build read them: then the base answers to no
            # fingerprint, gets no snapshot (its name would lie), and the next reload builds.
            settled = restored is not None or snapshot.fingerprint(self.facts_dir, self.seeds_dir) == key
            if settled and restored is None and snapshot_use != "off" and self.cache_dir:
                snapshot.write(self.cache_dir, key, base, matcher)
            self._state = LoadedState(base, matcher, datetime.now(UTC), by, key if settled else None)
            self.conversations.clear()
            report = diff_bases(current.base if current else None, base)
            if current is not None:
                retired: list[object] = [current]
                del current
                release_gradually(retired)
        return report

    def _previous_matcher(self, snapshot_use: SnapshotUse) -> Matcher | None:
        """The matcher whose unchanged facts the build may copy: the one serving now, or at
        startup the one in an earlier snapshot (a start after the facts were edited)."""
        if self._state is not None:
            return self._state.matcher
        if snapshot_use != "off" and self.cache_dir is not None:
            return snapshot.read_earlier(self.cache_dir)
        return None

    def ask(self, question: str, asker: Hashable | None = None, source: str | None = None) -> Answer:
        """Answer `question`; with `asker`, read it as a possible follow-up of that asker's last
        question (within the memory's time limit) and remember it for the next one."""
        matcher = self.matcher
        reading = matcher.read(question)
        if asker is not None:
            previous = self.conversations.previous(asker)
            if previous is not None:
                reading = matcher.follow_up(reading, previous)
            self.conversations.remember(asker, reading)
        return matcher.answer(reading, source)


def diff_bases(old: FactBase | None, new: FactBase) -> ReloadReport:
    # Comprehensions rather than set operations on the key views: on a large base those are
    # single long steps that would hold the GIL, and a reload runs beside the event loop.
    old_facts: dict[str, Fact] = {f.id: f for f in old.facts} if old else {}
    new_facts: dict[str, Fact] = {f.id: f for f in new.facts}
    return ReloadReport(
        added=tuple(sorted([i for i in new_facts if i not in old_facts])),
        removed=tuple(sorted([i for i in old_facts if i not in new_facts])),
        changed=tuple(
            sorted([i for i, f in new_facts.items() if i in old_facts and _content(f) != _content(old_facts[i])])
        ),
        fact_count=len(new.facts),
    )


def _content(fact: Fact) -> tuple:
    """What a moderator would call a change: everything but where in the file it sits."""
    return (fact.asks, fact.about, fact.questions, fact.answer, fact.quote, fact.paragraph, fact.when, fact.order)
