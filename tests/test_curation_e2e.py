"""The curation loop over the loopback Discord: gaps, votes that outlive a restart, suggestions."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.loopback.bot_process import BotProcess
from tests.loopback.discord_server import MANAGE_GUILD, LoopbackDiscord

pytestmark = pytest.mark.asyncio

WAIT = 15.0
MEMBER_ID = 740_000_000_000_000_001
MODERATOR_ID = 740_000_000_000_000_002


def buttons(message: dict) -> dict[str, str]:
    """custom_id -> label of every button under a message."""
    return {c["custom_id"]: c.get("label", "") for row in message.get("components", []) for c in row["components"]}


async def start_bot(fake: LoopbackDiscord, folder: Path, store: Path) -> BotProcess:
    identifies = fake.count_identifies
    bot = BotProcess(
        fake,
        folder / f"bot-{identifies}.log",
        dev_guild_id=str(fake.guild_id),
        cooldown_rate="1000",
        store_path=str(store),
    )
    await fake.wait_identifies(identifies + 1, timeout=WAIT)
    await fake.wait_for_sync(timeout=WAIT)
    return bot


async def ask(fake: LoopbackDiscord, question: str, user_id: int = MEMBER_ID) -> dict:
    return await (await fake.send_slash("ask", {"question": question}, user_id=user_id)).wait_message(timeout=WAIT)


async def test_declined_questions_show_up_in_gaps_clustered(tmp_path):
    async with LoopbackDiscord() as fake:
        fake.add_member(MEMBER_ID, "member")
        fake.add_member(MODERATOR_ID, "moderator", permissions=MANAGE_GUILD)
        bot = await start_bot(fake, tmp_path, tmp_path / "store.sqlite3")
        try:
            for question in ("when did xi leave?", "When did Xi leave", "wen did xi leave"):
                assert (await ask(fake, question))["embeds"][0]["title"] == "The article doesn't say"
            handle = await fake.send_message(f"<@{fake.bot_user_id}> when did Xi leave??", author_id=MEMBER_ID)
            await handle.wait_reply(timeout=WAIT)
            await ask(fake, "what is putin's favourite food")
            await ask(fake, "when did xi arrive")
            gaps = await (await fake.send_slash("facts", subcommand="gaps", user_id=MODERATOR_ID)).wait_message(
                timeout=WAIT
            )
            fields = gaps["embeds"][0]["fields"]
            assert fields[0]["name"].startswith("4×") and "xi leave" in fields[0]["name"].lower()
            assert fields[1]["name"].startswith("1×") and "favourite food" in fields[1]["name"]
            assert len(fields) == 2, "answered questions are not gaps"
            refused = await (await fake.send_slash("facts", subcommand="gaps", user_id=MEMBER_ID)).wait_message(
                timeout=WAIT
            )
            assert "Only moderators" in refused["embeds"][0]["description"]
        finally:
            bot.stop()


async def test_votes_are_one_per_member_and_outlive_a_restart(tmp_path):
    store = tmp_path / "store.sqlite3"
    async with LoopbackDiscord() as fake:
        fake.add_member(MEMBER_ID, "member")
        fake.add_member(MODERATOR_ID, "moderator", permissions=MANAGE_GUILD)
        bot = await start_bot(fake, tmp_path, store)
        try:
            answer = await ask(fake, "when did xi arrive")
            assert set(buttons(answer)) == {"vote:helpful:xi-arrival", "vote:wrong:xi-arrival"}
            first = await (await fake.press_button(answer, "vote:helpful:xi-arrival", user_id=MEMBER_ID)).wait_message(
                timeout=WAIT
            )
            assert first["flags"] & 64 and "counted" in first["content"]
        finally:
            bot.stop()

        bot = await start_bot(fake, tmp_path, store)
        try:
            changed = await (await fake.press_button(answer, "vote:wrong:xi-arrival", user_id=MEMBER_ID)).wait_message(
                timeout=WAIT
            )
            assert "changed" in changed["content"], "the button still works after a restart"
            again = await (await fake.press_button(answer, "vote:wrong:xi-arrival", user_id=MEMBER_ID)).wait_message(
                timeout=WAIT
            )
            assert "already" in again["content"], "one vote per member per answer"
            report = await (await fake.send_slash("facts", subcommand="feedback", user_id=MODERATOR_ID)).wait_message(
                timeout=WAIT
            )
            fields = {f["name"]: f["value"] for f in report["embeds"][0]["fields"]}
            assert fields == {"xi-arrival": "1 wrong, 0 helpful"}
        finally:
            bot.stop()


async def test_a_suggested_question_answers_in_place(tmp_path):
    async with LoopbackDiscord() as fake:
        fake.add_member(MEMBER_ID, "member")
        bot = await start_bot(fake, tmp_path, tmp_path / "store.sqlite3")
        try:
            declined = await ask(fake, "what did xi say at the summit")
            suggestions = [c for c in buttons(declined) if c.startswith("suggest:")]
            assert 1 <= len(suggestions) <= 3
            result = await fake.press_button(declined, suggestions[0], user_id=MEMBER_ID)
            updated = await result.wait_message(timeout=WAIT)
            assert result.callback_types == [7], "the declined message itself becomes the answer"
            embed = updated["embeds"][0]
            assert "> " in embed["description"] and "paragraph" in embed["fields"][0]["value"]
            fact_id = suggestions[0].split(":", 1)[1]
            assert set(buttons(updated)) == {f"vote:helpful:{fact_id}", f"vote:wrong:{fact_id}"}
        finally:
            bot.stop()
