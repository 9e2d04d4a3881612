"""Short-lived memory of each asker's last question, so follow-ups ("what did she say?") work.

Keyed by whatever the caller uses to tell askers apart (the Discord layer uses channel and user),
forgotten after `ttl`, and capped so a busy server cannot grow it without bound.
"""

from __future__ import annotations

import threading
from collections import OrderedDict
from collections.abc import Hashable
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

from bot.core.matcher import Reading

DEFAULT_TTL = timedelta(minutes=5)


@dataclass(frozen=True)
class Turn:
    reading: Reading
    at: datetime


class ConversationMemory:
    def __init__(self, ttl: timedelta = DEFAULT_TTL, max_askers: int = 10_000) -> None:
        self.ttl = ttl
        self.max_askers = max_askers
        self._turns: OrderedDict[Hashable, Turn] = OrderedDict()
        self._lock = threading.Lock()

    def previous(self, key: Hashable, now: datetime | None = None) -> Reading | None:
        now = now or datetime.now(UTC)
        with self._lock:
            turn = self._turns.get(key)
            if turn is None:
                return None
            if now - turn.at > self.ttl:
                del self._turns[key]
                return None
            return turn.reading

    def remember(self, key: Hashable, reading: Reading, now: datetime | None = None) -> None:
        with self._lock:
            self._turns[key] = Turn(reading, now or datetime.now(UTC))
            self._turns.move_to_end(key)
            while len(self._turns) > self.max_askers:
                self._turns.popitem(last=False)

    def clear(self) -> None:
        with self._lock:
            self._turns.clear()

    def __len__(self) -> int:
        return len(self._turns)
