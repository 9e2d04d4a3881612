"""SummitBot itself: the discord.py client, which loads one extension per feature."""

from __future__ import annotations

import asyncio
import logging

import discord
from discord.ext import commands

from bot.app.cogs import EXTENSIONS
from bot.app.looplag import LoopLagMonitor
from bot.app.tree import SummitTree
from bot.app.views import SuggestionButton, VoteButton
from bot.core import FactService
from bot.core.store import CurationStore
from bot.settings import Settings

log = logging.getLogger(__name__)


def intents() -> discord.Intents:
    """Guilds and guild messages only: Discord delivers the content of messages that mention the
    bot without the privileged message-content intent, and that is all the bot reads."""
    wanted = discord.Intents.none()
    wanted.guilds = True
    wanted.guild_messages = True
    wanted.dm_messages = True
    return wanted


class SummitBotMixin:
    """What SummitBot adds to discord.py's Bot, shared by the plain and the sharded client."""

    settings: Settings
    facts: FactService
    loop_lag: LoopLagMonitor | None = None
    store: CurationStore | None = None

    def _configure(self, settings: Settings, facts: FactService) -> None:
        self.settings = settings
        self.facts = facts

    async def setup_hook(self) -> None:
        if self.settings.monitor_loop_lag:
            self.loop_lag = LoopLagMonitor()
            self.loop_lag.start()
        self.store = await asyncio.to_thread(CurationStore.open, self.settings.store_path)
        self.add_dynamic_items(VoteButton, SuggestionButton)  # type: ignore[attr-defined]
        for extension in EXTENSIONS:
            await self.load_extension(extension)  # type: ignore[attr-defined]
        if self.settings.dev_guild_id:
            guild = discord.Object(id=self.settings.dev_guild_id)
            self.tree.copy_global_to(guild=guild)  # type: ignore[attr-defined]
            synced = await self.tree.sync(guild=guild)  # type: ignore[attr-defined]
            log.info("synced %d commands to development guild %s", len(synced), guild.id)

    async def close(self) -> None:
        if self.loop_lag is not None:
            self.loop_lag.stop()
        await super().close()  # type: ignore[misc]
        if self.store is not None:
            self.store.close()

    async def on_command_error(self, context: commands.Context, error: commands.CommandError) -> None:  # type: ignore[override]
        """Mentions are questions, not prefix commands: "@SummitBot when did Xi arrive" reads to
        discord.py as a command named "when", which is no error. Anything else is logged."""
        if isinstance(error, commands.CommandNotFound):
            return
        if isinstance(error, commands.CheckFailure):
            log.info("refused %s for %s (%s): %s", context.command, context.author, context.author.id, error)
            return
        log.error("command %s failed", context.command, exc_info=error)

    async def on_ready(self) -> None:
        user = self.user  # type: ignore[attr-defined]
        log.info("ready as %s (%s), %d facts loaded", user, getattr(user, "id", "?"), len(self.facts.base.facts))


def _options() -> dict:
    return {
        "command_prefix": commands.when_mentioned,
        "intents": intents(),
        "allowed_mentions": discord.AllowedMentions.none(),
        "tree_cls": SummitTree,
        "help_command": None,
    }


class SummitBot(SummitBotMixin, commands.Bot):
    def __init__(self, settings: Settings, facts: FactService) -> None:
        super().__init__(**_options())
        self._configure(settings, facts)


class ShardedSummitBot(SummitBotMixin, commands.AutoShardedBot):
    """For large deployments: this process runs `shard_ids` of `shard_count` shards."""

    def __init__(self, settings: Settings, facts: FactService) -> None:
        super().__init__(
            shard_count=settings.shard_count, shard_ids=list(settings.shard_ids or []) or None, **_options()
        )
        self._configure(settings, facts)


def create_bot(settings: Settings, facts: FactService) -> commands.Bot:
    if settings.shard_count or settings.shard_ids:
        return ShardedSummitBot(settings, facts)
    return SummitBot(settings, facts)
