"""Buttons under the bot's replies: feedback on an answer, and the suggested questions of a
decline. Their state lives in the custom id, so they keep working after a restart."""

from __future__ import annotations

import asyncio
import logging
import re
from typing import Any

import discord

from bot.app import limits
from bot.app.embeds import answer_embed, error_embed
from bot.core import Answer, FactBase
from bot.core.matcher import answer_with
from bot.core.store import VoteResult

log = logging.getLogger(__name__)

FACT_ID = r"[a-z0-9][a-z0-9-]{0,80}"
VOTE_REPLIES = {
    VoteResult.NEW: "Thanks, your vote is counted.",
    VoteResult.CHANGED: "Thanks, your vote is changed.",
    VoteResult.SAME: "You had already voted that way.",
}


class VoteButton(
    discord.ui.DynamicItem[discord.ui.Button], template=rf"vote:(?P<verdict>helpful|wrong):(?P<fact>{FACT_ID})"
):
    """ "Helpful" / "Wrong answer": one vote per member per answer, kept in the curation store."""

    def __init__(self, verdict: str, fact_id: str) -> None:
        helpful = verdict == "helpful"
        super().__init__(
            discord.ui.Button(
                label="Helpful" if helpful else "Wrong answer",
                style=discord.ButtonStyle.secondary,
                custom_id=f"vote:{verdict}:{fact_id}",
            )
        )
        self.helpful = helpful
        self.fact_id = fact_id

    @classmethod
    async def from_custom_id(cls, interaction: discord.Interaction, item: Any, match: re.Match[str], /) -> VoteButton:
        return cls(match["verdict"], match["fact"])

    async def callback(self, interaction: discord.Interaction) -> None:
        store = getattr(interaction.client, "store", None)
        if store is None or interaction.message is None:
            await interaction.response.send_message(embed=error_embed("Feedback is not recorded here."), ephemeral=True)
            return
        result = await asyncio.to_thread(
            store.vote, interaction.message.id, self.fact_id, interaction.user.id, self.helpful, interaction.guild_id
        )
        await interaction.response.send_message(VOTE_REPLIES[result], ephemeral=True)


class SuggestionButton(discord.ui.DynamicItem[discord.ui.Button], template=rf"suggest:(?P<fact>{FACT_ID})"):
    """A question the bot can answer, offered after a decline; pressing it answers in place."""

    def __init__(self, fact_id: str, label: str = "Answer this") -> None:
        super().__init__(
            discord.ui.Button(
                label=limits.clip(label, limits.BUTTON_LABEL),
                style=discord.ButtonStyle.primary,
                custom_id=f"suggest:{fact_id}",
            )
        )
        self.fact_id = fact_id

    @classmethod
    async def from_custom_id(
        cls, interaction: discord.Interaction, item: Any, match: re.Match[str], /
    ) -> SuggestionButton:
        return cls(match["fact"], getattr(item, "label", None) or "Answer this")

    async def callback(self, interaction: discord.Interaction) -> None:
        facts = interaction.client.facts  # type: ignore[attr-defined]
        fact = facts.base.get(self.fact_id)
        if fact is None:
            await interaction.response.send_message(
                embed=error_embed("That question is no longer in the fact base."), ephemeral=True
            )
            return
        answer = answer_with(fact, fact.title)
        await interaction.response.edit_message(**answer_message(answer, facts.base))


def answer_view(answer: Answer) -> discord.ui.View | None:
    """Feedback buttons under an answer; suggested questions under a decline."""
    view = discord.ui.View(timeout=None)
    if answer.answered and answer.fact_id:
        view.add_item(VoteButton("helpful", answer.fact_id))
        view.add_item(VoteButton("wrong", answer.fact_id))
    else:
        for fact_id, title in zip(answer.suggestion_ids, answer.suggestions, strict=False):
            view.add_item(SuggestionButton(fact_id, title))
    return view if view.children else None


def answer_message(answer: Answer, base: FactBase) -> dict[str, Any]:
    """The keyword arguments of a reply to a question: its embed, and its buttons if any."""
    view = answer_view(answer)
    return {"embed": answer_embed(answer, base)} | ({"view": view} if view is not None else {})
