"""SummitBot end to end: the real `summitbot run` process, the real discord.py client, over HTTP
and a websocket to a loopback Discord on 127.0.0.1. Every wait is bounded."""

from __future__ import annotations

import asyncio
import shutil
from collections.abc import AsyncIterator
from pathlib import Path

import pytest
import pytest_asyncio

from tests.conftest import FACTS_DIR, SEEDS_DIR
from tests.loopback.bot_process import BotProcess, running_bot
from tests.loopback.discord_server import LoopbackDiscord as FakeDiscord

pytestmark = pytest.mark.asyncio(loop_scope="module")

WAIT = 15.0
MODERATOR_ROLE_ID = 555_000_000_000_000_001
MODERATOR_ID = 700_000_000_000_000_001
MEMBER_ID = 700_000_000_000_000_002


@pytest.fixture(scope="module")
def fact_dirs(tmp_path_factory) -> tuple[Path, Path]:
    root = tmp_path_factory.mktemp("live")
    shutil.copytree(FACTS_DIR, root / "facts")
    shutil.copytree(SEEDS_DIR, root / "seeds")
    return root / "facts", root / "seeds"


@pytest_asyncio.fixture(scope="module", loop_scope="module")
async def live(fact_dirs, tmp_path_factory) -> AsyncIterator[tuple[FakeDiscord, BotProcess]]:
    facts, seeds = fact_dirs
    async with FakeDiscord() as fake:
        fake.add_member(MODERATOR_ID, "mod", roles=[MODERATOR_ROLE_ID], permissions=0)
        fake.add_member(MEMBER_ID, "member", roles=[], permissions=0)
        async with running_bot(
            fake,
            tmp_path_factory.mktemp("logs") / "bot.log",
            moderator_role_ids=str(MODERATOR_ROLE_ID),
            facts_dir=str(facts),
            seeds_dir=str(seeds),
            cooldown_rate="1000",
        ) as bot:
            yield fake, bot


def assert_no_pings(message: dict) -> None:
    allowed = message.get("allowed_mentions")
    assert allowed is not None, message
    assert allowed.get("parse") == [] and not allowed.get("users") and not allowed.get("roles")
    assert not allowed.get("replied_user")


async def test_commands_are_synced_to_the_dev_guild(live):
    fake, _ = live
    names = {c["name"] for c in fake.commands[fake.guild_id]}
    assert {"ask", "members", "member", "leaders", "leader", "timeline", "facts"} <= names
    assert not fake.commands.get("global"), "no global sync at start-up"


async def test_ask_is_answered_with_quote_and_citation(live):
    fake, _ = live
    result = await fake.send_slash("ask", {"question": "when did xi jinping arrive??"}, user_id=MEMBER_ID)
    message = await result.wait_message(timeout=WAIT)
    embed = message["embeds"][0]
    assert "Tuesday" in embed["description"]
    assert "> Chinese leader Xi Jinping, who arrived in Kazakhstan on Tuesday" in embed["description"]
    assert any("paragraph 4" in f["value"] for f in embed["fields"])
    assert_no_pings(message)


async def test_ask_declines_with_suggestions(live):
    fake, _ = live
    result = await fake.send_slash("ask", {"question": "who won the world cup @everyone"}, user_id=MEMBER_ID)
    message = await result.wait_message(timeout=WAIT)
    embed = message["embeds"][0]
    assert embed["title"] == "The article doesn't say"
    assert embed["fields"][0]["name"] == "You could ask"
    assert "@everyone" not in embed["footer"]["text"]
    assert_no_pings(message)


async def test_mention_is_answered_as_a_reply_without_pings(live):
    fake, _ = live
    handle = await fake.send_message(
        f"<@{fake.bot_user_id}> when did the russian president touch down? @everyone <@&{MODERATOR_ROLE_ID}>",
        author_id=MEMBER_ID,
        mentions_bot=True,
    )
    reply = await handle.wait_reply(timeout=WAIT)
    assert "Wednesday morning" in reply["embeds"][0]["description"]
    assert_no_pings(reply)


async def test_follow_up_questions_are_about_the_right_person_for_each_asker(live):
    fake, _ = live

    async def ask(question: str, user_id: int) -> str:
        result = await fake.send_slash("ask", {"question": question}, user_id=user_id)
        return (await result.wait_message(timeout=WAIT))["embeds"][0].get("description", "")

    assert "spokeswoman" in await ask("who is mao ning?", MEMBER_ID)
    assert "lasting peace" in await ask("what did she say?", MEMBER_ID)
    assert "couldn't find" in await ask("what did she say?", MODERATOR_ID), "another member has no context"
    assert "Wednesday morning" in await ask("when did putin land", MEMBER_ID)
    assert "Tuesday" in await ask("and xi?", MEMBER_ID)
    assert "spokeswoman" in await ask("who is mao ning?", MEMBER_ID)
    handle = await fake.send_message(f"<@{fake.bot_user_id}> what about Erdogan?", author_id=MEMBER_ID)
    reply = await handle.wait_reply(timeout=WAIT)
    assert "Turkey's President" in reply["embeds"][0]["description"], "mentions share the asker's context"


async def test_members_and_member(live):
    fake, _ = live
    listing = await (await fake.send_slash("members", user_id=MEMBER_ID)).wait_message(timeout=WAIT)
    fields = {f["name"]: f["value"] for f in listing["embeds"][0]["fields"]}
    assert "Turkmenistan" in fields["Not members"] and "Belarus" in fields["Joining"]
    assert "Turkey" in fields["Dialogue partners"] and "Pakistan" in fields["Members"]
    one = await (await fake.send_slash("member", {"country": "turkmenistn"}, user_id=MEMBER_ID)).wait_message(
        timeout=WAIT
    )
    assert one["embeds"][0]["description"].startswith("No.")
    assert "> The ultra-closed Turkmenistan is not a member of the SCO" in one["embeds"][0]["description"]


async def test_leaders_and_leader(live):
    fake, _ = live
    listing = await (await fake.send_slash("leaders", user_id=MEMBER_ID)).wait_message(timeout=WAIT)
    names = [f["name"] for f in listing["embeds"][0]["fields"]]
    assert "Mao Ning" in names and "Antonio Guterres" in names
    one = await (await fake.send_slash("leader", {"name": "the kremlin aide"}, user_id=MEMBER_ID)).wait_message(
        timeout=WAIT
    )
    embed = one["embeds"][0]
    assert embed["title"].startswith("Yury Ushakov")
    assert any(f["name"] == "What they said" and "great importance" in f["value"] for f in embed["fields"])


async def test_timeline_in_order(live):
    fake, _ = live
    message = await (await fake.send_slash("timeline", user_id=MEMBER_ID)).wait_message(timeout=WAIT)
    whens = [f["name"] for f in message["embeds"][0]["fields"]]
    assert whens.index("February 2022") < whens.index("2023 summit") < whens.index("Tuesday") < whens.index("Thursday")


async def test_autocomplete_ranks_like_the_lookup(live):
    fake, _ = live
    choices = await fake.send_autocomplete(
        "ask", {"question": "dialouge partners"}, focused="question", user_id=MEMBER_ID
    )
    assert 0 < len(choices) <= 25
    assert "dialogue partners" in choices[0]["name"].lower()
    people = await fake.send_autocomplete("leader", {"name": "mao"}, focused="name", user_id=MEMBER_ID)
    assert people[0]["value"] == "Mao Ning"


async def test_reload_refused_for_a_member_without_rights(live):
    fake, _ = live
    result = await fake.send_slash("facts", subcommand="reload", user_id=MEMBER_ID)
    message = await result.wait_message(timeout=WAIT)
    assert message["flags"] & 64, "the refusal is ephemeral"
    assert "Only moderators" in message["embeds"][0]["description"]


async def test_reload_by_a_moderator_reports_changes_and_refuses_broken_files(live, fact_dirs):
    fake, bot = live
    facts, _ = fact_dirs
    general = facts / "general.yaml"
    original = general.read_text(encoding="utf-8")
    try:
        general.write_text(
            original.replace("a possible mediator in the Ukraine war.\n    quote", "a would-be mediator.\n    quote"),
            encoding="utf-8",
        )
        ok = await (await fake.send_slash("facts", subcommand="reload", user_id=MODERATOR_ID)).wait_message(
            timeout=WAIT
        )
        assert ok["embeds"][0]["title"].startswith("Reloaded")
        assert any(
            f["name"].startswith("Changed") and "turkey-mediator" in f["value"] for f in ok["embeds"][0]["fields"]
        )

        general.write_text(original.replace("    paragraph: 18\n", "    paragraph: eighteen\n"), encoding="utf-8")
        refused = await (await fake.send_slash("facts", subcommand="reload", user_id=MODERATOR_ID)).wait_message(
            timeout=WAIT
        )
        assert refused["embeds"][0]["title"].startswith("Reload refused")
        assert "facts/general.yaml:" in refused["embeds"][0]["description"]
        assert (
            "turkey\\-mediator" in refused["embeds"][0]["description"]
            or "turkey-mediator" in refused["embeds"][0]["description"]
        )

        still = await (await fake.send_slash("ask", {"question": "is turkey in nato"}, user_id=MEMBER_ID)).wait_message(
            timeout=WAIT
        )
        assert "would-be mediator" in still["embeds"][0]["description"], "the last good base keeps answering"
    finally:
        general.write_text(original, encoding="utf-8")
    assert "reload by" in bot.log() and "refused" in bot.log()


async def test_status_reports_the_base(live):
    fake, _ = live
    message = await (await fake.send_slash("facts", subcommand="status", user_id=MEMBER_ID)).wait_message(timeout=WAIT)
    fields = {f["name"]: f["value"] for f in message["embeds"][0]["fields"]}
    assert int(fields["Facts"]) > 40 and "facts/summit.yaml" in fields["Files"]


async def test_bot_resumes_after_the_gateway_drops(live):
    fake, _ = live
    resumes = fake.count_resumes
    await fake.drop_gateway(code=4000)
    await fake.wait_resumed(timeout=WAIT)
    assert fake.count_resumes == resumes + 1
    message = await (await fake.send_slash("ask", {"question": "how many members"}, user_id=MEMBER_ID)).wait_message(
        timeout=WAIT
    )
    assert "nine" in message["embeds"][0]["description"]
    assert not fake.unhandled, fake.unhandled


async def test_no_bot_message_ever_allowed_a_ping_and_nothing_failed(live):
    fake, bot = live
    assert "Traceback" not in bot.log()
    await asyncio.sleep(0)
    sent = [r for r in fake.requests if r.method in {"POST", "PATCH"} and isinstance(r.json, dict)]
    bodies = [r.json.get("data", r.json) for r in sent]
    messages = [b for b in bodies if isinstance(b, dict) and ("embeds" in b or "content" in b)]
    assert messages
    for body in messages:
        assert_no_pings(body)
