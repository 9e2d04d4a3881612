"""/members and /member: who is in the SCO, grouped, and one country's status with its quote."""

from __future__ import annotations

import discord
from discord import app_commands
from discord.ext import commands

from bot.app import limits
from bot.app.client import SummitBot
from bot.app.cogs.ask import ask_cooldown
from bot.app.embeds import error_embed, fact_embed, members_embed, safe_text

COUNTRY = frozenset({"country"})


class Members(commands.Cog):
    def __init__(self, bot: SummitBot) -> None:
        self.bot = bot

    @app_commands.command(name="members", description="Members, dialogue partners and non-members of the SCO")
    @app_commands.checks.dynamic_cooldown(ask_cooldown, key=lambda i: i.user.id)
    async def members(self, interaction: discord.Interaction) -> None:
        await interaction.response.send_message(embed=members_embed(self.bot.facts.base))

    @app_commands.command(name="member", description="Is this country in the SCO?")
    @app_commands.describe(country="A country, e.g. Turkmenistan")
    @app_commands.checks.dynamic_cooldown(ask_cooldown, key=lambda i: i.user.id)
    async def member(self, interaction: discord.Interaction, country: app_commands.Range[str, 1, 100]) -> None:
        base = self.bot.facts.base
        term = self.bot.facts.matcher.resolve(country, COUNTRY)
        record = base.country(term.id) if term else None
        if record is None:
            message = f"The article doesn't mention a country called “{safe_text(country)}”."
            await interaction.response.send_message(embed=error_embed(message), ephemeral=True)
        elif record.status_fact is None:
            message = f"The article mentions {record.name} but doesn't say whether it is in the SCO."
            await interaction.response.send_message(embed=error_embed(message), ephemeral=True)
        else:
            fact = base.fact(record.status_fact)
            await interaction.response.send_message(embed=fact_embed(fact, base, title=f"{record.name} and the SCO"))

    @member.autocomplete("country")
    async def member_autocomplete(
        self, interaction: discord.Interaction, current: str
    ) -> list[app_commands.Choice[str]]:
        countries = [c for c in self.bot.facts.base.countries if c.status]
        needle = current.casefold().strip()
        ranked = sorted(countries, key=lambda c: (not c.name.casefold().startswith(needle), c.name))
        matching = [c for c in ranked if not needle or any(needle in alias.casefold() for alias in c.aliases)]
        return [app_commands.Choice(name=c.name, value=c.name) for c in matching[: limits.MAX_CHOICES]]


async def setup(bot: SummitBot) -> None:
    await bot.add_cog(Members(bot))
