"""Who may change the fact base: members with Manage Server, or one of the configured roles.

Roles are compared by id, never by name, so a role called "Moderator" made by anyone else
grants nothing.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import discord
from discord import app_commands

from bot.app.tree import NotModerator

if TYPE_CHECKING:
    from bot.app.client import SummitBotMixin


def is_moderator_member(
    member: discord.Member | discord.User, permissions: discord.Permissions, role_ids: frozenset[int]
) -> bool:
    if permissions.manage_guild or permissions.administrator:
        return True
    roles = getattr(member, "roles", [])
    return any(role.id in role_ids for role in roles)


def moderator_only():
    """An enforced check (not just a menu hint) for commands that change what the bot says."""

    async def predicate(interaction: discord.Interaction) -> bool:
        if interaction.guild is None:
            raise app_commands.NoPrivateMessage()
        bot: SummitBotMixin = interaction.client  # type: ignore[assignment]
        if is_moderator_member(interaction.user, interaction.permissions, bot.settings.moderator_role_ids):
            return True
        raise NotModerator("Only moderators (Manage Server, or a moderator role) can do that.")

    return app_commands.check(predicate)


def owner_only():
    async def predicate(interaction: discord.Interaction) -> bool:
        if await interaction.client.is_owner(interaction.user):  # type: ignore[attr-defined]
            return True
        raise NotModerator("Only the bot's owner can do that.")

    return app_commands.check(predicate)
