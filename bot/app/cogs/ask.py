"""/ask and @mentions: a question in, an answer embed out."""

from __future__ import annotations

import asyncio
import logging
import re
import unicodedata

import discord
from discord import app_commands
from discord.ext import commands

from bot.app import limits
from bot.app.client import SummitBot
from bot.app.embeds import sources_embed
from bot.app.views import answer_message
from bot.core import Answer

log = logging.getLogger(__name__)


def ask_cooldown(interaction: discord.Interaction) -> app_commands.Cooldown | None:
    settings = interaction.client.settings  # type: ignore[attr-defined]
    return app_commands.Cooldown(settings.ask_cooldown_rate, settings.ask_cooldown_seconds)


class Ask(commands.Cog):
    def __init__(self, bot: SummitBot) -> None:
        self.bot = bot
        settings = bot.settings
        self._mention_cooldowns = commands.CooldownMapping.from_cooldown(
            settings.ask_cooldown_rate, settings.ask_cooldown_seconds, commands.BucketType.user
        )

    @app_commands.command(name="ask", description="Ask a question about the SCO summit article")
    @app_commands.describe(question="For example: when did Xi arrive?", source="Only this article (see /sources)")
    @app_commands.checks.dynamic_cooldown(ask_cooldown, key=lambda i: i.user.id)
    async def ask(
        self,
        interaction: discord.Interaction,
        question: app_commands.Range[str, 1, 1000],
        source: app_commands.Range[str, 1, 100] | None = None,
    ) -> None:
        asker = (interaction.channel_id, interaction.user.id)
        answer = self.bot.facts.ask(question_text(question), asker=asker, source=source)
        await interaction.response.send_message(**answer_message(answer, self.bot.facts.base))
        await self._remember_if_declined(answer, interaction.guild_id, interaction.channel_id)

    @ask.autocomplete("question")
    async def ask_autocomplete(self, interaction: discord.Interaction, current: str) -> list[app_commands.Choice[str]]:
        titles = self.bot.facts.matcher.suggest(current[:200], limit=limits.MAX_CHOICES)
        return [app_commands.Choice(name=limits.clip(t, limits.CHOICE_NAME), value=limits.clip(t, 100)) for t in titles]

    @ask.autocomplete("source")
    async def source_autocomplete(
        self, interaction: discord.Interaction, current: str
    ) -> list[app_commands.Choice[str]]:
        needle = current.casefold()
        articles = [a for a in self.bot.facts.base.articles if needle in a.title.casefold() or needle in a.id]
        return [
            app_commands.Choice(name=limits.clip(a.title, limits.CHOICE_NAME), value=a.id)
            for a in articles[: limits.MAX_CHOICES]
        ]

    @app_commands.command(name="sources", description="The articles the bot answers from")
    @app_commands.checks.dynamic_cooldown(ask_cooldown, key=lambda i: i.user.id)
    async def sources(self, interaction: discord.Interaction) -> None:
        await interaction.response.send_message(embed=sources_embed(self.bot.facts.base))

    @commands.Cog.listener("on_message")
    async def answer_mention(self, message: discord.Message) -> None:
        """Answer "@SummitBot when did Xi arrive?" with a reply to that message.

        Discord delivers the text of a message that mentions the bot even without the
        message-content intent. `bot.user in message.mentions` is false for @everyone.
        """
        me = self.bot.user
        if me is None or message.author.bot or me not in message.mentions:
            return
        context = await self.bot.get_context(message)
        if context.valid:
            return
        if self._mention_cooldowns.update_rate_limit(message) is not None:
            log.debug("mention from %s ignored: on cooldown", message.author.id)
            return
        answer = self.bot.facts.ask(question_text(message.content), asker=(message.channel.id, message.author.id))
        await message.reply(
            **answer_message(answer, self.bot.facts.base),
            mention_author=False,
            allowed_mentions=discord.AllowedMentions.none(),
        )
        await self._remember_if_declined(answer, message.guild.id if message.guild else None, message.channel.id)

    async def _remember_if_declined(self, answer: Answer, guild_id: int | None, channel_id: int | None) -> None:
        """Declined questions feed /facts gaps: what people ask that the facts do not cover."""
        if answer.answered or self.bot.store is None or not answer.question:
            return
        await asyncio.to_thread(self.bot.store.record_declined, answer.question, guild_id, channel_id)


INVISIBLE = frozenset({"Cc", "Cf"})
DISCORD_MARKUP = re.compile(r"<(?:@[!&]?|#)\d+>|<a?:\w+:\d+>|@(?:everyone|here)\b")


def question_text(content: str) -> str:
    """The words of a question without Discord's mention and emoji markup, which mean nothing
    to the matcher (a role id would otherwise read as an unknown word), and without control and
    format characters (NUL, zero-width spaces, direction overrides), which only hide words or
    garble the echo of the question."""
    visible = "".join(ch for ch in content if unicodedata.category(ch) not in INVISIBLE or ch in "\n\t")
    return " ".join(DISCORD_MARKUP.sub(" ", visible).split())


async def setup(bot: SummitBot) -> None:
    await bot.add_cog(Ask(bot))
