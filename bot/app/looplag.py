"""A probe for how long the event loop is ever blocked: a task that asks to wake every few
milliseconds and records how late it actually woke."""

from __future__ import annotations

import asyncio
import logging
import time

log = logging.getLogger(__name__)


class LoopLagMonitor:
    """Lateness of a periodic wake-up is time the loop spent on something else without yielding."""

    def __init__(self, interval: float = 0.005) -> None:
        self.interval = interval
        self.max_lag = 0.0
        self.samples = 0
        self._task: asyncio.Task[None] | None = None

    def start(self) -> None:
        self._task = asyncio.get_running_loop().create_task(self._run(), name="loop-lag-monitor")

    async def _run(self) -> None:
        while True:
            started = time.perf_counter()
            await asyncio.sleep(self.interval)
            lag = time.perf_counter() - started - self.interval
            self.samples += 1
            if lag > self.max_lag:
                self.max_lag = lag
                log.info("event loop lag: new max %.1f ms after %d samples", lag * 1e3, self.samples)

    def stop(self) -> None:
        if self._task is not None:
            self._task.cancel()
        log.info("event loop lag: max %.1f ms over %d samples", self.max_lag * 1e3, self.samples)
