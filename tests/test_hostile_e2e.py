"""Hostile questions through /ask and @mentions, over the loopback Discord.

Each gets an answer or a polite decline that fits Discord's limits, pings nobody, and shows no
link that the article does not have.
"""

from __future__ import annotations

import re
from collections.abc import AsyncIterator

import pytest
import pytest_asyncio

from bot.app import limits
from tests.loopback.bot_process import BotProcess, running_bot
from tests.loopback.discord_server import LoopbackDiscord

pytestmark = pytest.mark.asyncio(loop_scope="module")

WAIT = 15.0
MEMBER_ID = 730_000_000_000_000_001
ROLE_ID = 730_000_000_000_000_099
REAL_MENTION = re.compile(r"<@[!&]?\d{15,20}>|@everyone|@here")

HOSTILE = {
    "whitespace": "   \t  ",
    "one character": "?",
    "six thousand characters": "when did xi arrive " + "a" * 5980,
    "zero-width": "wh\u200ben di\u200bd x\u200bi arr\u200bive",
    "combining marks": "whe\u0301n di\u0308d xi\u0300 arrive",
    "right to left": "\u202eevirra ix did nehw\u202c",
    "arabic text": "متى وصل شي",
    "emoji": "🇨🇳🤝🇷🇺 when did xi arrive?? 🔥🔥",
    "markdown and code fences": "```py\nimport os\n``` **when** did __xi__ ~~arrive~~ > quote",
    "everyone": "@everyone when did xi arrive",
    "here": "@here who is putin",
    "role and user mentions": f"<@&{ROLE_ID}> <@{MEMBER_ID}> who is mao ning",
    "fake link": "[who is putin](https://evil.example/phish) http://evil.example",
    "nul bytes": "who\x00 is\x00 putin",
    "quotes the bot": "> Chinese leader Xi Jinping, who arrived in Kazakhstan on Tuesday — is that right?",
}


@pytest_asyncio.fixture(scope="module", loop_scope="module")
async def live(tmp_path_factory) -> AsyncIterator[tuple[LoopbackDiscord, BotProcess]]:
    async with LoopbackDiscord() as fake:
        fake.add_member(MEMBER_ID, "member", roles=[ROLE_ID])
        log = tmp_path_factory.mktemp("hostile") / "bot.log"
        async with running_bot(fake, log, cooldown_rate="100000") as bot:
            yield fake, bot


def check_reply(message: dict) -> None:
    assert message["allowed_mentions"]["parse"] == []
    assert not message["allowed_mentions"].get("replied_user")
    assert len(message.get("content") or "") <= limits.CONTENT
    assert len(message["embeds"]) == 1
    embed = message["embeds"][0]
    texts = [embed.get("title", ""), embed.get("description", ""), embed.get("footer", {}).get("text", "")]
    texts += [f["name"] + "\n" + f["value"] for f in embed.get("fields", [])]
    total = sum(len(t) for t in texts)
    assert total <= limits.EMBED_TOTAL and len(embed.get("description", "")) <= limits.EMBED_DESCRIPTION
    for text in texts:
        assert not REAL_MENTION.search(text), text
        assert "://" not in text, f"a link would render: {text!r}"
        assert "\x00" not in text


@pytest.mark.parametrize("name", sorted(HOSTILE))
async def test_hostile_question_by_slash_command(live, name):
    fake, _ = live
    result = await fake.send_slash("ask", {"question": HOSTILE[name]}, user_id=MEMBER_ID)
    message = await result.wait_message(timeout=WAIT)
    check_reply(message)
    assert len(result.messages) == 1


@pytest.mark.parametrize("name", sorted(HOSTILE))
async def test_hostile_question_by_mention(live, name):
    fake, _ = live
    handle = await fake.send_message(f"<@{fake.bot_user_id}> {HOSTILE[name]}", author_id=MEMBER_ID)
    check_reply(await handle.wait_reply(timeout=WAIT))


async def test_hostile_questions_that_still_ask_something_get_answers(live):
    fake, _ = live
    expected = {"zero-width": "Tuesday", "emoji": "Tuesday", "everyone": "Tuesday", "nul bytes": "Russian President"}
    for name, needle in expected.items():
        result = await fake.send_slash("ask", {"question": HOSTILE[name]}, user_id=MEMBER_ID)
        message = await result.wait_message(timeout=WAIT)
        assert needle in message["embeds"][0]["description"], name


async def test_the_bot_survived_everything(live):
    fake, bot = live
    result = await fake.send_slash("ask", {"question": "how many dialogue partners"}, user_id=MEMBER_ID)
    assert "14" in (await result.wait_message(timeout=WAIT))["embeds"][0]["description"]
    assert "Traceback" not in bot.log()
