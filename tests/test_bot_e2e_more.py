"""More of the bot over the loopback Discord: sharding, cooldowns, owner-only sync, DMs-free checks.

Each test starts its own bot process with the settings it is about.
"""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator, Callable
from contextlib import asynccontextmanager

import pytest

from tests.loopback.bot_process import BotProcess, running_bot
from tests.loopback.discord_server import MANAGE_GUILD, LoopbackDiscord
from tests.test_sources import add_second_article

WAIT = 15.0
MEMBER_ID = 710_000_000_000_000_001
MANAGER_ID = 710_000_000_000_000_002
SPOOFER_ID = 710_000_000_000_000_003


@pytest.fixture
def running(tmp_path) -> Callable[..., object]:
    @asynccontextmanager
    async def start(**settings: str) -> AsyncIterator[tuple[LoopbackDiscord, BotProcess]]:
        async with LoopbackDiscord() as fake:
            fake.add_member(MEMBER_ID, "member")
            fake.add_member(MANAGER_ID, "manager", permissions=MANAGE_GUILD)
            spoofed_role = 720_000_000_000_000_001
            fake.add_member(SPOOFER_ID, "spoofer", roles=[spoofed_role])
            fake.roles[spoofed_role] = "Moderator"
            settings = {k: v.replace("LOG_CHANNEL", str(fake.channel_id)) for k, v in settings.items()}
            async with running_bot(fake, tmp_path / "bot.log", **settings) as bot:
                yield fake, bot

    return start


async def test_sharded_bot_runs_the_shards_it_is_given(running):
    async with running(shard_count="2", shard_ids="0,1") as (fake, _):
        await fake.wait_shards(2, timeout=WAIT)
        assert fake.connected_shards == [0, 1] and fake.shard_count == 2
        message = await (await fake.send_slash("ask", {"question": "who is erdogan"}, user_id=MEMBER_ID)).wait_message(
            timeout=WAIT
        )
        assert "Turkey's President" in message["embeds"][0]["description"]


async def test_cooldown_answers_the_second_question_with_an_ephemeral_wait(running):
    async with running(cooldown_rate="1", cooldown_seconds="60") as (fake, _):
        first = await (await fake.send_slash("ask", {"question": "how many members"}, user_id=MEMBER_ID)).wait_message(
            timeout=WAIT
        )
        assert "nine" in first["embeds"][0]["description"]
        second = await (await fake.send_slash("ask", {"question": "how many members"}, user_id=MEMBER_ID)).wait_message(
            timeout=WAIT
        )
        assert second["flags"] & 64 and "Slow down" in second["embeds"][0]["description"]
        other = await (await fake.send_slash("ask", {"question": "how many members"}, user_id=MANAGER_ID)).wait_message(
            timeout=WAIT
        )
        assert "nine" in other["embeds"][0]["description"], "the cooldown is per user"


async def test_global_sync_is_owner_only_and_never_automatic(running):
    async with running() as (fake, _):
        assert "global" not in fake.commands
        refused = await (await fake.send_slash("facts", user_id=MANAGER_ID, subcommand="sync")).wait_message(
            timeout=WAIT
        )
        assert refused["flags"] & 64 and "owner" in refused["embeds"][0]["description"]
        assert "global" not in fake.commands
        done = await (await fake.send_slash("facts", user_id=fake.owner_id, subcommand="sync")).wait_message(
            timeout=WAIT
        )
        assert "Synced" in done["content"]
        assert {c["name"] for c in fake.commands["global"]} >= {"ask", "facts"}


async def test_manage_server_may_reload_and_a_spoofed_role_name_may_not(running):
    async with running() as (fake, bot):
        spoofed = await (await fake.send_slash("facts", user_id=SPOOFER_ID, subcommand="reload")).wait_message(
            timeout=WAIT
        )
        assert "Only moderators" in spoofed["embeds"][0]["description"]
        assert f"refused /facts reload for spoofer ({SPOOFER_ID}) in guild {fake.guild_id}" in bot.log()
        allowed = await (await fake.send_slash("facts", user_id=MANAGER_ID, subcommand="reload")).wait_message(
            timeout=WAIT
        )
        assert allowed["embeds"][0]["title"].startswith("Reloaded")
        assert "No fact changed" in allowed["embeds"][0]["description"]
        assert f"reload by manager ({MANAGER_ID})" in bot.log()


async def test_a_message_without_a_mention_is_not_read(running):
    async with running() as (fake, _):
        handle = await fake.send_message("when did xi arrive", author_id=MEMBER_ID, mentions_bot=False)
        with pytest.raises(TimeoutError):
            await handle.wait_reply(timeout=1.0)
        assert not fake.intents & (1 << 15), "the bot does not ask for the message-content intent"


async def test_an_error_in_a_command_is_a_short_ephemeral_message_and_a_logged_traceback(running):
    async with running() as (fake, bot):
        fake.inject_fault(
            r"^/interactions/\d+/[^/]+/callback$", 400, body={"message": "Invalid Form Body", "code": 50035}
        )
        result = await fake.send_slash("timeline", user_id=MEMBER_ID)
        message = await result.wait_message(timeout=WAIT)
        assert message["flags"] & 64
        assert "Something went wrong" in message["embeds"][0]["description"]
        assert "Invalid Form Body" not in message["embeds"][0]["description"], "no internals shown to users"
        assert result.callback_types == [4], "the failed response did not count; the error went out once"
        log = bot.log()
        assert "command /timeline failed" in log and "Traceback" in log


async def test_auto_reload_makes_a_save_live_within_two_seconds_and_ignores_a_broken_one(running, fact_copy):
    facts, seeds = fact_copy
    general = facts / "general.yaml"
    original = general.read_text(encoding="utf-8")
    settings = {"auto_reload": "1", "log_channel_id": "LOG_CHANNEL", "cooldown_rate": "1000"}
    async with running(facts_dir=str(facts), seeds_dir=str(seeds), **settings) as (fake, _):
        general.write_text(
            original.replace("a possible mediator in the Ukraine war.\n    quote", "a would-be mediator.\n    quote")
        )
        saved = asyncio.get_running_loop().time()

        async def answer() -> str:
            result = await fake.send_slash("ask", {"question": "is turkey in nato"}, user_id=MEMBER_ID)
            return (await result.wait_message(timeout=WAIT))["embeds"][0]["description"]

        async def until_live() -> None:
            while "would-be mediator" not in await answer():
                await asyncio.sleep(0.05)

        await asyncio.wait_for(until_live(), timeout=2.0)
        print(f"auto-reload: live {asyncio.get_running_loop().time() - saved:.2f} s after the save")

        async def until_logged(title: str) -> None:
            # The new facts answer as soon as they are swapped in; the log line follows.
            while not any(m["embeds"] and m["embeds"][0]["title"].startswith(title) for m in fake.channel_messages):
                await asyncio.sleep(0.05)

        await asyncio.wait_for(until_logged("Reloaded"), timeout=WAIT)

        general.write_text(original.replace("    paragraph: 18\n", "    paragraph: [broken\n"))
        await asyncio.wait_for(until_logged("Reload refused"), timeout=WAIT)
        refused = [m for m in fake.channel_messages if m["embeds"][0]["title"].startswith("Reload refused")][-1]
        assert "facts/general.yaml:" in refused["embeds"][0]["description"]
        assert "would-be mediator" in await answer(), "the broken save changed nothing"


async def test_reload_sync_and_gaps_are_refused_in_direct_messages(running):
    async with running(cooldown_rate="1000") as (fake, bot):
        for subcommand in ("reload", "gaps", "forget"):
            result = await fake.send_slash("facts", subcommand=subcommand, user_id=MANAGER_ID, in_dm=True)
            message = await result.wait_message(timeout=WAIT)
            assert message["flags"] & 64 and "in a server" in message["embeds"][0]["description"], subcommand
        assert "refused /facts reload for manager" in bot.log() and "in a DM" in bot.log()


async def test_sources_lists_the_articles_and_ask_can_be_narrowed_to_one(running, fact_copy):
    facts, seeds = fact_copy
    for path in facts.glob("*.yaml"):
        path.write_text("source: sco-summit-astana\n" + path.read_text(encoding="utf-8"), encoding="utf-8")
    add_second_article(facts, seeds)
    async with running(facts_dir=str(facts), seeds_dir=str(seeds), cooldown_rate="1000") as (fake, _):
        listing = await (await fake.send_slash("sources", user_id=MEMBER_ID)).wait_message(timeout=WAIT)
        titles = [f["name"] for f in listing["embeds"][0]["fields"]]
        assert len(titles) == 2 and "Northvale votes for a harbour bridge" in titles
        choices = await fake.send_autocomplete("ask", {"source": "north"}, focused="source", user_id=MEMBER_ID)
        assert [c["value"] for c in choices] == ["northvale-bridge"]
        bridge = await (
            await fake.send_slash("ask", {"question": "how much is the harbour bridge"}, user_id=MEMBER_ID)
        ).wait_message(timeout=WAIT)
        assert "Northvale votes for a harbour bridge" in bridge["embeds"][0]["fields"][0]["value"]
        narrowed = await (
            await fake.send_slash(
                "ask", {"question": "when did xi arrive", "source": "northvale-bridge"}, user_id=MEMBER_ID
            )
        ).wait_message(timeout=WAIT)
        assert narrowed["embeds"][0]["title"] == "The article doesn't say"
