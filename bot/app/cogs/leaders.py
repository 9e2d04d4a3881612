"""/leaders and /leader: the people in the article, their roles, and what they did and said."""

from __future__ import annotations

import discord
from discord import app_commands
from discord.ext import commands

from bot.app import limits
from bot.app.client import SummitBot
from bot.app.cogs.ask import ask_cooldown
from bot.app.embeds import error_embed, leader_embed, leaders_embed, safe_text

PERSON = frozenset({"person"})


class Leaders(commands.Cog):
    def __init__(self, bot: SummitBot) -> None:
        self.bot = bot

    @app_commands.command(name="leaders", description="The people in the article and their roles")
    @app_commands.checks.dynamic_cooldown(ask_cooldown, key=lambda i: i.user.id)
    async def leaders(self, interaction: discord.Interaction) -> None:
        await interaction.response.send_message(embed=leaders_embed(self.bot.facts.base))

    @app_commands.command(name="leader", description="One person's role, and what they did and said")
    @app_commands.describe(name="A name or role, e.g. Xi, Mao Ning, the UN chief")
    @app_commands.checks.dynamic_cooldown(ask_cooldown, key=lambda i: i.user.id)
    async def leader(self, interaction: discord.Interaction, name: app_commands.Range[str, 1, 100]) -> None:
        term = self.bot.facts.matcher.resolve(name, PERSON)
        if term is None:
            message = f"The article doesn't mention anyone called “{safe_text(name)}”. Try /leaders."
            await interaction.response.send_message(embed=error_embed(message), ephemeral=True)
            return
        await interaction.response.send_message(embed=leader_embed(term.id, self.bot.facts.base))

    @leader.autocomplete("name")
    async def leader_autocomplete(
        self, interaction: discord.Interaction, current: str
    ) -> list[app_commands.Choice[str]]:
        needle = current.casefold().strip()
        people = [
            p
            for p in self.bot.facts.base.people
            if not needle or any(needle in alias.casefold() for alias in p.aliases)
        ]
        return [
            app_commands.Choice(name=f"{p.name} ({p.role})"[:100], value=p.name) for p in people[: limits.MAX_CHOICES]
        ]


async def setup(bot: SummitBot) -> None:
    await bot.add_cog(Leaders(bot))
