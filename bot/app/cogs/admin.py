"""/facts reload, /facts status and /facts sync: moderators curate, the owner syncs."""

from __future__ import annotations

import asyncio
import logging

import discord
from discord import app_commands
from discord.ext import commands, tasks

from bot.app.checks import moderator_only, owner_only
from bot.app.client import SummitBot
from bot.app.embeds import feedback_embed, gaps_embed, reload_embed, reload_failed_embed, status_embed
from bot.app.tree import who_and_where
from bot.core import FactBaseError
from bot.core.store import CurationStore
from bot.core.watch import ChangeDetector

log = logging.getLogger(__name__)

AUTO_RELOAD_POLL_SECONDS = 0.25


class Admin(commands.GroupCog, group_name="facts", group_description="Curate the fact base"):
    def __init__(self, bot: SummitBot) -> None:
        self.bot = bot
        self._changes = ChangeDetector(bot.facts.facts_dir, bot.facts.seeds_dir)
        super().__init__()

    async def cog_load(self) -> None:
        if self.bot.settings.auto_reload:
            self.watch_facts.start()
        self.apply_retention.start()

    async def cog_unload(self) -> None:
        self.watch_facts.cancel()
        self.apply_retention.cancel()

    @tasks.loop(hours=24)
    async def apply_retention(self) -> None:
        """Declined questions are kept for `retention_days`, then deleted."""
        if self.bot.store is None:
            return
        days = self.bot.settings.retention_days
        deleted = await asyncio.to_thread(self.bot.store.purge_older_than, days)
        log.info("retention: deleted %d declined questions older than %d days", deleted, days)

    @tasks.loop(seconds=AUTO_RELOAD_POLL_SECONDS)
    async def watch_facts(self) -> None:
        """Auto-reload: a settled save in the facts folder goes through the same validated,
        all-or-nothing reload as /facts reload; the outcome goes to the log channel."""
        if not await asyncio.to_thread(self._changes.poll):
            return
        try:
            report = await asyncio.to_thread(self.bot.facts.load, "auto-reload (file change)")
        except FactBaseError as error:
            log.warning("auto-reload refused: %d problems; still serving the previous facts", len(error.problems))
            await self._tell_log_channel(reload_failed_embed([str(p) for p in error.problems]))
            return
        log.info(
            "auto-reload: %d facts, +%d -%d ~%d",
            report.fact_count,
            *map(len, (report.added, report.removed, report.changed)),
        )
        await self._tell_log_channel(reload_embed(report))

    async def _tell_log_channel(self, embed: discord.Embed) -> None:
        channel_id = self.bot.settings.log_channel_id
        if channel_id is None:
            return
        try:
            channel = self.bot.get_channel(channel_id) or await self.bot.fetch_channel(channel_id)
            await channel.send(embed=embed)  # type: ignore[union-attr]
        except discord.HTTPException:
            log.warning("could not post to the log channel %s", channel_id, exc_info=True)

    @app_commands.command(name="reload", description="Reload the fact files; refused with the errors if any is broken")
    @app_commands.default_permissions(manage_guild=True)
    @moderator_only()
    async def reload(self, interaction: discord.Interaction) -> None:
        await interaction.response.defer(ephemeral=True, thinking=True)
        who = who_and_where(interaction)
        try:
            report = await asyncio.to_thread(self.bot.facts.load, f"{interaction.user} ({interaction.user.id})")
        except FactBaseError as error:
            log.warning("reload by %s refused: %d problems", who, len(error.problems))
            await interaction.followup.send(embed=reload_failed_embed([str(p) for p in error.problems]), ephemeral=True)
            return
        log.info(
            "reload by %s: %d facts, +%d -%d ~%d",
            who,
            report.fact_count,
            len(report.added),
            len(report.removed),
            len(report.changed),
        )
        await interaction.followup.send(embed=reload_embed(report), ephemeral=True)

    @app_commands.command(name="status", description="How many facts are loaded, when and by whom")
    async def status(self, interaction: discord.Interaction) -> None:
        await interaction.response.send_message(embed=status_embed(self.bot.facts.state), ephemeral=True)

    @app_commands.command(name="gaps", description="The questions people ask most that the facts do not answer")
    @app_commands.default_permissions(manage_guild=True)
    @moderator_only()
    async def gaps(self, interaction: discord.Interaction) -> None:
        await interaction.response.defer(ephemeral=True, thinking=True)
        found = await asyncio.to_thread(self._store().gaps, 10, interaction.guild_id)
        await interaction.followup.send(embed=gaps_embed(found), ephemeral=True)

    @app_commands.command(name="feedback", description="The facts most often voted 'Wrong answer'")
    @app_commands.default_permissions(manage_guild=True)
    @moderator_only()
    async def feedback(self, interaction: discord.Interaction) -> None:
        await interaction.response.defer(ephemeral=True, thinking=True)
        report = await asyncio.to_thread(self._store().feedback_report, 10)
        await interaction.followup.send(embed=feedback_embed(report), ephemeral=True)

    @app_commands.command(name="forget", description="Delete everything stored about this server's questions and votes")
    @app_commands.default_permissions(manage_guild=True)
    @moderator_only()
    async def forget(self, interaction: discord.Interaction) -> None:
        await interaction.response.defer(ephemeral=True, thinking=True)
        deleted = await asyncio.to_thread(self._store().forget_guild, interaction.guild_id)
        log.info("forget by %s: %d rows deleted", who_and_where(interaction), deleted)
        await interaction.followup.send(f"Deleted {deleted} stored rows for this server.", ephemeral=True)

    def _store(self) -> CurationStore:
        if self.bot.store is None:
            raise RuntimeError("the curation store is not open")
        return self.bot.store

    @app_commands.command(name="sync", description="Owner only: publish the slash commands to Discord")
    @owner_only()
    async def sync(self, interaction: discord.Interaction) -> None:
        await interaction.response.defer(ephemeral=True, thinking=True)
        synced = await self.bot.tree.sync()
        log.info("global sync by %s: %d commands", who_and_where(interaction), len(synced))
        await interaction.followup.send(f"Synced {len(synced)} commands globally.", ephemeral=True)

    @commands.command(name="sync", hidden=True)
    @commands.is_owner()
    async def sync_by_mention(self, ctx: commands.Context) -> None:
        """`@SummitBot sync`: the first sync, before any slash command exists in Discord."""
        synced = await self.bot.tree.sync()
        log.info("global sync by %s via mention: %d commands", ctx.author.id, len(synced))
        await ctx.reply(f"Synced {len(synced)} commands globally.", mention_author=False)


async def setup(bot: SummitBot) -> None:
    await bot.add_cog(Admin(bot))
