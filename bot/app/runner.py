"""Starting the bot: logging, the fact base, the optional loopback endpoints, then discord.py."""

from __future__ import annotations

import logging
import sys
from pathlib import Path

import discord
import yarl

from bot.app.client import create_bot
from bot.core import FactBaseError, FactService
from bot.settings import Settings

log = logging.getLogger("bot")


def point_at(settings: Settings) -> None:
    """Send REST and gateway traffic to another Discord, for tests against a loopback server.

    Unset (the default) leaves discord.py talking to discord.com.
    """
    if settings.api_base:
        discord.http.Route.BASE = settings.api_base.rstrip("/")
    if settings.gateway_url:
        discord.gateway.DiscordWebSocket.DEFAULT_GATEWAY = yarl.URL(settings.gateway_url)


def run_bot(settings: Settings, facts_dir: Path | None = None, seeds_dir: Path | None = None) -> int:
    discord.utils.setup_logging(level=getattr(logging, settings.log_level), root=True)
    service = FactService(facts_dir or settings.facts_dir, seeds_dir or settings.seeds_dir, settings.cache_dir)
    try:
        # Before the event loop starts, so reading or writing the snapshot holds nothing up.
        service.load(by="startup", snapshot_use="use")
    except FactBaseError as error:
        print(f"summitbot run: the fact base does not load, so the bot will not start.\n{error}", file=sys.stderr)
        return 1
    point_at(settings)
    bot = create_bot(settings, service)
    try:
        bot.run(settings.token.value, log_handler=None)
    except discord.LoginFailure:
        print("summitbot run: Discord refused the token in DISCORD_TOKEN.", file=sys.stderr)
        return 1
    return 0
