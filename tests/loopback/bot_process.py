"""`summitbot run` as a real subprocess, pointed at a LoopbackDiscord."""

from __future__ import annotations

import asyncio
import os
import signal
import subprocess
import sys
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from pathlib import Path

from tests.loopback.discord_server import LoopbackDiscord

ROOT = Path(__file__).resolve().parents[2]


class BotProcess:
    """The bot process, its combined output kept in a file for assertions and debugging."""

    def __init__(self, fake: LoopbackDiscord, log_path: Path, **settings: str) -> None:
        env = {k: v for k, v in os.environ.items() if not k.startswith("SUMMITBOT_") and k != "DISCORD_TOKEN"}
        env.update(
            {
                "DISCORD_TOKEN": fake.token,
                "SUMMITBOT_API_BASE": fake.api_base,
                "SUMMITBOT_GATEWAY_URL": fake.gateway_url,
                "SUMMITBOT_LOG_LEVEL": "INFO",
            }
        )
        settings.setdefault("store_path", str(log_path.parent / "store.sqlite3"))
        settings.setdefault("cache_dir", str(log_path.parent / "cache"))
        env.update({f"SUMMITBOT_{key.upper()}": value for key, value in settings.items()})
        self.log_path = log_path
        self._log = log_path.open("w")
        self.process = subprocess.Popen(
            [sys.executable, "-m", "bot", "run"], env=env, cwd=ROOT, stdout=self._log, stderr=subprocess.STDOUT
        )

    def log(self) -> str:
        if not self._log.closed:
            self._log.flush()
        return self.log_path.read_text(errors="replace")

    def stop(self) -> None:
        """SIGINT first, as a person would press Ctrl-C; kill only if that does not end it."""
        if self.process.poll() is None:
            self.process.send_signal(signal.SIGINT)
            try:
                self.process.wait(timeout=10)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait(timeout=10)
        self._log.close()


@asynccontextmanager
async def running_bot(
    fake: LoopbackDiscord, log_path: Path, timeout: float = 15.0, **settings: str
) -> AsyncIterator[BotProcess]:
    """The bot started against `fake` (synced to its guild), ready and synced when this yields.

    It is always stopped on the way out, off the event loop so the loopback server can still
    answer its goodbye; and its log is checked for the token, which must never be there.
    """
    bot = BotProcess(fake, log_path, **({"dev_guild_id": str(fake.guild_id)} | settings))
    try:
        await fake.wait_ready(timeout=timeout)
        await fake.wait_for_sync(timeout=timeout)
        yield bot
    finally:
        await asyncio.to_thread(bot.stop)
        assert fake.token not in bot.log(), "the token must never be logged"
