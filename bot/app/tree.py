"""The one error path for slash commands: a short ephemeral message for the user, the
traceback for the log."""

from __future__ import annotations

import logging

import discord
from discord import app_commands

from bot.app.embeds import error_embed

log = logging.getLogger(__name__)


class NotModerator(app_commands.CheckFailure):
    """The member may not change what the bot says."""


class SummitTree(app_commands.CommandTree):
    async def on_error(self, interaction: discord.Interaction, error: app_commands.AppCommandError) -> None:
        message = self.user_message(error)
        if isinstance(error, app_commands.CheckFailure) and not isinstance(error, app_commands.CommandOnCooldown):
            log.info("refused /%s for %s: %s", _command_name(interaction), who_and_where(interaction), message)
        if message is None:
            original = getattr(error, "original", error)
            log.error(
                "command /%s failed for %s",
                _command_name(interaction),
                who_and_where(interaction),
                exc_info=(type(original), original, original.__traceback__),
            )
            message = "Something went wrong answering that. The error has been logged."
        await send_ephemeral(interaction, message)

    @staticmethod
    def user_message(error: app_commands.AppCommandError) -> str | None:
        """What to tell the user for an expected failure; None for a bug."""
        if isinstance(error, app_commands.CommandOnCooldown):
            return f"Slow down a little: try again in {error.retry_after:.0f} s."
        if isinstance(error, NotModerator):
            return str(error)
        if isinstance(error, app_commands.NoPrivateMessage):
            return "That command works in a server, not in direct messages."
        if isinstance(error, app_commands.CheckFailure):
            return "You can't use that command here."
        return None


async def send_ephemeral(interaction: discord.Interaction, message: str) -> None:
    """Answer once: as the response if none was sent yet, otherwise as a follow-up."""
    embed = error_embed(message)
    try:
        if interaction.response.is_done():
            await interaction.followup.send(embed=embed, ephemeral=True)
        else:
            await interaction.response.send_message(embed=embed, ephemeral=True)
    except discord.HTTPException:
        log.warning("could not tell the user about an error in interaction %s", interaction.id, exc_info=True)


def _command_name(interaction: discord.Interaction) -> str:
    return interaction.command.qualified_name if interaction.command else "?"


def who_and_where(interaction: discord.Interaction) -> str:
    """The user and place of an interaction, for the audit lines in the log."""
    where = f"guild {interaction.guild_id} channel {interaction.channel_id}" if interaction.guild_id else "a DM"
    return f"{interaction.user} ({interaction.user.id}) in {where}"
