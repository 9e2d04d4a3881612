"""/timeline: the events of the article in the order they happened."""

from __future__ import annotations

import discord
from discord import app_commands
from discord.ext import commands

from bot.app.client import SummitBot
from bot.app.cogs.ask import ask_cooldown
from bot.app.embeds import timeline_embed


class Timeline(commands.Cog):
    def __init__(self, bot: SummitBot) -> None:
        self.bot = bot

    @app_commands.command(name="timeline", description="What happened when, from February 2022 to the summit")
    @app_commands.checks.dynamic_cooldown(ask_cooldown, key=lambda i: i.user.id)
    async def timeline(self, interaction: discord.Interaction) -> None:
        await interaction.response.send_message(embed=timeline_embed(self.bot.facts.base))


async def setup(bot: SummitBot) -> None:
    await bot.add_cog(Timeline(bot))
