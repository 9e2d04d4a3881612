"""SummitBot under load and under faults, end to end: the real `summitbot run` process and the real
discord.py client against the loopback Discord on 127.0.0.1.

What a user would notice is checked at the server: every question answered exactly once, never a
ping, answers within Discord's 3 s interaction deadline, 429s waited out for as long as asked, 5xx
retried, and a dropped gateway or an invalidated session survived. The figures (latencies, loop
lag, rate-limit waits) are printed; run with `pytest -s` to see them.

Each test starts its own server and bot process (about half a second), so one test's faults and
gateway state cannot leak into another, and the loop-lag figure belongs to one scenario.
"""

from __future__ import annotations

import asyncio
import math
import re
import statistics
import time
from collections.abc import AsyncIterator, Callable, Iterable, Sequence
from contextlib import asynccontextmanager
from pathlib import Path
from typing import Any

import pytest

from tests.loopback.bot_process import BotProcess
from tests.loopback.discord_server import (
    CHANNEL_MESSAGES,
    INTERACTION_CALLBACK,
    InteractionResult,
    LoopbackDiscord,
    MessageHandle,
    RecordedRequest,
)

pytestmark = pytest.mark.asyncio

WAIT = 15.0
# Discord drops an interaction whose first response comes later than this.
INTERACTION_DEADLINE = 3.0
# asyncio.sleep never wakes early on Linux; this only absorbs timer rounding.
CLOCK_TOLERANCE = 0.01
LOOP_LAG_LIMIT_MS = 50.0
USER_IDS = [740_000_000_000_000_000 + n for n in range(1, 26)]
DECLINED = "The article doesn't say"

# (question, whether the article answers it): realistic phrasings, and some off-topic ones the
# bot must decline. Checked against the shipped fact base with the offline matcher.
QUESTIONS: list[tuple[str, bool]] = [
    ("when did xi jinping arrive", True),
    ("who is putin", True),
    ("who is the kremlin aide", True),
    ("who is mao ning", True),
    ("who is erdogan", True),
    ("who is the UN chief", True),
    ("is kazakhstan a member of the sco", True),
    ("is turkmenistan a member of the sco", True),
    ("is belarus joining the sco", True),
    ("is turkey in nato", True),
    ("how many members does the sco have", True),
    ("when did the russian president touch down", True),
    ("where is the summit being held", True),
    ("what are the dialogue partners", True),
    ("is pakistan a member", True),
    ("is kyrgyzstan in the sco", True),
    ("is uzbekistan in the SCO", True),
    ("is tajikistan a member", True),
    ("when was the 2023 summit", True),
    ("who is the chinese leader", True),
    ("what did ushakov say", True),
    ("is india a member of the sco", True),
    ("is iran in the sco", True),
    ("who is turkey's president", True),
    ("what is the belt and road initiative", True),
    ("who won the world cup", False),
    ("what is the weather like in paris", False),
    ("best pizza recipe", False),
    ("how do i reset my password", False),
    ("who will win the next election in brazil", False),
]


# --- helpers ---------------------------------------------------------------------------------


@pytest.fixture
def running(tmp_path: Path) -> Callable[..., Any]:
    """Start a loopback Discord and a bot process with `settings`; both are stopped on exit."""

    @asynccontextmanager
    async def start(**settings: str) -> AsyncIterator[tuple[LoopbackDiscord, BotProcess]]:
        async with LoopbackDiscord() as fake:
            for n, user_id in enumerate(USER_IDS):
                fake.add_member(user_id, f"user{n}")
            bot = BotProcess(
                fake,
                tmp_path / "bot.log",
                **({"dev_guild_id": str(fake.guild_id), "cooldown_rate": "100000"} | settings),
            )
            try:
                await fake.wait_ready(timeout=WAIT)
                await fake.wait_for_sync(timeout=WAIT)
                yield fake, bot
            finally:
                await stop(bot)
                assert fake.token not in bot.log(), "the token must never be logged"

    return start


async def stop(bot: BotProcess) -> None:
    """Stop the bot off the event loop: it closes its gateway socket on the way out, and the
    server on this loop has to answer that close."""
    await asyncio.to_thread(bot.stop)


async def eventually(predicate: Callable[[], bool], timeout: float, what: str) -> None:
    """Poll `predicate` until it holds; fail with `what` after `timeout` seconds."""

    async def until() -> None:
        while not predicate():
            await asyncio.sleep(0.01)

    try:
        await asyncio.wait_for(until(), timeout)
    except TimeoutError:
        pytest.fail(f"timed out after {timeout} s waiting for {what}")


def question(n: int) -> tuple[str, bool]:
    return QUESTIONS[n % len(QUESTIONS)]


def user(n: int) -> int:
    return USER_IDS[n % len(USER_IDS)]


async def ask(fake: LoopbackDiscord, n: int) -> InteractionResult:
    return await fake.send_slash("ask", {"question": question(n)[0]}, user_id=user(n))


async def mention(fake: LoopbackDiscord, n: int, channel_id: int | None = None) -> MessageHandle:
    return await fake.send_message(f"<@{fake.bot_user_id}> {question(n)[0]}", author_id=user(n), channel_id=channel_id)


async def all_answered(results: Iterable[InteractionResult], timeout: float = WAIT) -> list[dict[str, Any]]:
    return await asyncio.wait_for(asyncio.gather(*(r.wait_message(timeout) for r in results)), timeout)


def assert_no_pings(message: dict[str, Any]) -> None:
    allowed = message.get("allowed_mentions")
    assert allowed is not None, f"no allowed_mentions, so Discord's default (ping everything) applies: {message}"
    assert allowed.get("parse") == [] and not allowed.get("users") and not allowed.get("roles"), allowed
    assert not allowed.get("replied_user"), allowed


def assert_answers(message: dict[str, Any], asked: str, on_topic: bool) -> None:
    """The embed answers this very question (its footer echoes it), and declines only off-topic ones."""
    embed = message["embeds"][0]
    assert embed["footer"]["text"] == f"You asked: {asked}", "an answer went to the wrong question"
    assert (embed.get("title") == DECLINED) is not on_topic, (asked, embed)


def percentile(values: Sequence[float], fraction: float) -> float:
    """Nearest-rank percentile: the smallest value with at least `fraction` of them at or below."""
    ordered = sorted(values)
    return ordered[max(1, math.ceil(len(ordered) * fraction)) - 1]


def latency_summary(name: str, latencies: Sequence[float]) -> str:
    return (
        f"{name}: {len(latencies)} answered, median {statistics.median(latencies) * 1e3:.1f} ms, "
        f"p99 {percentile(latencies, 0.99) * 1e3:.1f} ms, max {max(latencies) * 1e3:.1f} ms"
    )


def loop_lag_max_ms(log: str) -> tuple[float, int]:
    """The bot's own figure, logged at shutdown: `event loop lag: max 3.2 ms over 812 samples`."""
    found = re.findall(r"event loop lag: max ([\d.]+) ms over (\d+) samples", log)
    assert found, "no loop-lag summary in the bot's log; was monitor_loop_lag set and the bot stopped?"
    lag, samples = found[-1]
    return float(lag), int(samples)


def loop_lag_so_far_ms(log: str) -> float:
    """The largest lag logged so far: the probe logs `event loop lag: new max ...` on each new maximum."""
    return max((float(lag) for lag in re.findall(r"event loop lag: new max ([\d.]+) ms", log)), default=0.0)


ANSI = re.compile(r"\x1b\[[0-9;]*m")


def error_records(log: str) -> list[str]:
    """ERROR and CRITICAL records of the bot's log, each with its continuation lines."""
    records: list[str] = []
    for line in ANSI.sub("", log).splitlines():
        if re.match(r"\d{4}-\d\d-\d\d \d\d:\d\d:\d\d ", line):
            records.append(line)
        elif records:
            records[-1] += "\n" + line
    return [r for r in records if re.match(r"\S+ \S+ (ERROR|CRITICAL) ", r)]


def unexpected_errors(log: str) -> list[str]:
    """Error records other than the known CommandNotFound noise that every mention causes (see
    `test_a_question_by_mention_is_not_logged_as_an_error`)."""
    return [r for r in error_records(log) if "CommandNotFound" not in r]


def attempts(fake: LoopbackDiscord, path_pattern: str) -> list[RecordedRequest]:
    return fake.requests_matching(path_pattern)


def callback_path(result: InteractionResult) -> str:
    return rf"/interactions/{result.interaction_id}/[^/]+/callback"


def assert_once_each(fake: LoopbackDiscord, results: Sequence[InteractionResult]) -> None:
    """One accepted callback per interaction, by the bookkeeping and by the raw request log."""
    per_interaction = fake.callbacks_per_interaction()
    twice = {
        r.interaction_id: per_interaction[r.interaction_id] for r in results if per_interaction[r.interaction_id] > 1
    }
    assert not twice, f"{len(twice)} interactions answered more than once: {twice}"
    assert all(r.callback_types == [4] and len(r.messages) == 1 for r in results)
    assert all(per_interaction[r.interaction_id] == 1 for r in results)


# --- 1. load ---------------------------------------------------------------------------------


async def steady_load(
    fake: LoopbackDiscord, count: int, seconds: float
) -> tuple[list[tuple[int, InteractionResult]], list[tuple[int, MessageHandle]]]:
    """`count` questions spread evenly over `seconds`, two /ask to one mention."""
    asks: list[tuple[int, InteractionResult]] = []
    mentions: list[tuple[int, MessageHandle]] = []
    for n in range(count):
        if n % 3 == 2:
            mentions.append((n, await mention(fake, n)))
        else:
            asks.append((n, await ask(fake, n)))
        await asyncio.sleep(seconds / count)
    return asks, mentions


async def test_a_burst_of_500_asks_and_200_mentions_is_answered_once_each(running) -> None:
    """A burst of 700 questions at once, after a second of steady load.

    The loop-lag probe measures how late a 5 ms timer fires. Under steady load that is the
    longest stretch any one piece of work held the loop, which must stay under 50 ms. Under a
    burst of hundreds of events arriving together it is something else: asyncio runs every
    ready callback before a due timer, so the figure becomes the CPU time of the whole queue
    (hundreds of ms for 700 events, with no callback over ~10 ms). That figure is printed and
    must stay well inside Discord's 3 s interaction deadline, which the latencies check directly.
    """
    async with running(monitor_loop_lag="1") as (fake, bot):
        steady_asks, steady_mentions = await asyncio.wait_for(steady_load(fake, 300, seconds=1.0), WAIT)
        await all_answered(r for _, r in steady_asks)
        await asyncio.wait_for(asyncio.gather(*(h.wait_reply(WAIT) for _, h in steady_mentions)), WAIT)
        steady_lag_ms = loop_lag_so_far_ms(bot.log())

        started = time.perf_counter()
        results, handles = await asyncio.wait_for(
            asyncio.gather(
                asyncio.gather(*(ask(fake, n) for n in range(500))),
                asyncio.gather(*(mention(fake, n) for n in range(200))),
            ),
            WAIT,
        )
        dispatched = time.perf_counter() - started
        messages = await all_answered(results)
        replies = await asyncio.wait_for(asyncio.gather(*(h.wait_reply(WAIT) for h in handles)), WAIT)
        elapsed = time.perf_counter() - started

        # Stopping the bot first makes the request log final: a late duplicate cannot still be on its way.
        await stop(bot)
        lag_ms, samples = loop_lag_max_ms(bot.log())

    ask_latencies = [r.latency for r in results if r.latency is not None]
    mention_latencies = [h.latency for h in handles if h.latency is not None]
    figures = "\n".join(
        [
            f"steady load: 300 questions over 1 s, event loop lag max {steady_lag_ms:.1f} ms "
            f"(limit {LOOP_LAG_LIMIT_MS:.0f} ms)",
            f"burst: 500 /ask + 200 mentions dispatched in {dispatched:.2f} s, all answered after {elapsed:.2f} s",
            latency_summary("burst /ask interactions", ask_latencies),
            latency_summary("burst mentions", mention_latencies),
            f"event loop lag over the whole run, burst included: max {lag_ms:.1f} ms over {samples} samples",
        ]
    )
    print(f"\n{figures}")

    assert len(ask_latencies) == 500 and len(mention_latencies) == 200, figures
    all_asks = [*(r for _, r in steady_asks), *results]
    all_mentions = [*(h for _, h in steady_mentions), *handles]
    assert_once_each(fake, all_asks)
    per_message = fake.replies_per_message()
    assert all(len(h.replies) == 1 and per_message[h.message_id] == 1 for h in all_mentions), "a mention answered twice"
    assert sum(per_message.values()) == len(all_mentions) == len(fake.channel_messages), "a stray channel message"

    answered = [*((n, r.messages[0]) for n, r in steady_asks), *enumerate(messages)]
    answered += [*((n, h.replies[0]) for n, h in steady_mentions), *enumerate(replies)]
    for n, message in answered:
        assert_answers(message, *question(n))
        assert_no_pings(message)
    for handle, reply in zip(handles, replies, strict=True):
        assert reply["message_reference"]["message_id"] == handle.message_id

    assert max(ask_latencies) < INTERACTION_DEADLINE, f"Discord would have dropped some answers\n{figures}"
    assert steady_lag_ms < LOOP_LAG_LIMIT_MS, f"something blocked the bot's event loop\n{figures}"
    assert lag_ms < INTERACTION_DEADLINE * 1e3, f"the loop fell seconds behind\n{figures}"
    assert not unexpected_errors(bot.log()), unexpected_errors(bot.log())[:3]


# --- 2. rate limits --------------------------------------------------------------------------


async def test_429s_are_waited_out_for_as_long_as_asked_and_delivered_once(running) -> None:
    route_wait, global_wait = 0.3, 1.0
    async with running() as (fake, bot):
        # A per-route 429 on the interaction callback. retry_after stays well inside the 3 s
        # within which Discord needs the first response.
        fake.inject_rate_limit(INTERACTION_CALLBACK.pattern, route_wait, bucket="interaction-callback")
        result = await ask(fake, 0)
        message = await result.wait_message(WAIT)
        route_tries = attempts(fake, callback_path(result))

        # A global 429 on a mention reply in #general. Until it ends discord.py holds every other
        # REST request too, such as a reply in #random (another bucket, so only the global limit
        # can hold it), but not interaction responses: "Interaction endpoints are not bound to
        # the bot's Global Rate Limit" (Discord's rate-limit docs), and discord.py sends those
        # through its webhook adapter, which has no global gate. An /ask inside the window is
        # therefore answered at once, as it must be to meet its 3 s deadline.
        general = rf"/channels/{fake.channel_id}/messages"
        fake.inject_rate_limit(general, global_wait, is_global=True)
        handle = await mention(fake, 1)
        await eventually(lambda: bool(attempts(fake, general)), WAIT, "the reply that gets the 429")
        await asyncio.sleep(0.1)  # ample time for the bot to read the 429 and close its global gate
        elsewhere = await mention(fake, 2, channel_id=fake.second_channel_id)
        exempt = await ask(fake, 3)
        reply, elsewhere_reply = await asyncio.wait_for(
            asyncio.gather(handle.wait_reply(WAIT), elsewhere.wait_reply(WAIT)), WAIT
        )
        exempt_message = await exempt.wait_message(WAIT)
        await stop(bot)
        log = bot.log()

    reply_tries = attempts(fake, general)
    limited_at = reply_tries[0].at
    route_gap = route_tries[-1].at - route_tries[0].at
    global_gap = reply_tries[-1].at - limited_at
    elsewhere_gap = attempts(fake, rf"/channels/{fake.second_channel_id}/messages")[0].at - limited_at
    exempt_gap = attempts(fake, callback_path(exempt))[0].at - limited_at
    figures = (
        f"per-route 429 on the callback (retry_after {route_wait} s): retried after {route_gap * 1e3:.1f} ms\n"
        f"global 429 on a reply (retry_after {global_wait} s): retried after {global_gap * 1e3:.1f} ms; "
        f"a reply in another channel went out {elsewhere_gap * 1e3:.1f} ms after the 429, "
        f"an /ask callback {exempt_gap * 1e3:.1f} ms after it"
    )
    print(f"\n{figures}")

    assert [r.status for r in route_tries] == [429, 200], figures
    assert route_gap >= route_wait - CLOCK_TOLERANCE, f"retried before the bucket reset\n{figures}"
    assert route_gap < INTERACTION_DEADLINE, figures
    assert [r.status for r in reply_tries] == [429, 200], figures
    assert global_gap >= global_wait - CLOCK_TOLERANCE, f"retried before the global limit ended\n{figures}"
    assert elsewhere_gap >= global_wait - CLOCK_TOLERANCE, f"a request went out during a global limit\n{figures}"
    assert exempt_gap < global_wait, f"an interaction response waited for the global limit\n{figures}"
    assert "Global rate limit has been hit" in log, "discord.py did not take the 429 as global"

    assert_once_each(fake, [result, exempt])
    assert fake.replies_per_message() == {handle.message_id: 1, elsewhere.message_id: 1}
    for n, answer in [(0, message), (1, reply), (2, elsewhere_reply), (3, exempt_message)]:
        assert_answers(answer, *question(n))
        assert_no_pings(answer)


# --- 3. 5xx ----------------------------------------------------------------------------------


async def test_a_500_on_the_reply_is_retried_and_delivered_once(running) -> None:
    async with running() as (fake, bot):
        fake.inject_fault(CHANNEL_MESSAGES.pattern, 500, body={"message": "500: Internal Server Error", "code": 0})
        handle = await mention(fake, 3)
        reply = await handle.wait_reply(WAIT)
        await stop(bot)

    tries = attempts(fake, CHANNEL_MESSAGES.pattern)
    gap = tries[-1].at - tries[0].at
    print(f"\n500 on the reply: retried after {gap * 1e3:.1f} ms (discord.py sleeps 1 + 2 × tries s)")
    # This server's 500 did not create the message. A real Discord 500 after the message was
    # stored would make discord.py's blind retry post it twice; no client can tell the two apart.
    assert [r.status for r in tries] == [500, 200]
    assert gap >= 1.0 - CLOCK_TOLERANCE
    assert handle.replies == [reply] and fake.replies_per_message() == {handle.message_id: 1}
    assert_answers(reply, *question(3))
    assert_no_pings(reply)


# --- 4. gateway faults -----------------------------------------------------------------------


async def test_a_dropped_gateway_mid_burst_and_an_invalidated_session(running) -> None:
    async with running() as (fake, bot):
        # A burst of 100 /ask, the socket closed with 4000 (resumable) after the 30th. The next
        # dispatches go out while it is down; the server keeps them and replays them on RESUME.
        burst: list[InteractionResult] = []
        for n in range(100):
            burst.append(await ask(fake, n))
            if n == 30:
                await fake.drop_gateway(code=4000)
            else:
                await asyncio.sleep(0.001)
        await fake.wait_resumed(WAIT)
        messages = await all_answered(burst)
        for n, message in enumerate(messages):
            assert_answers(message, *question(n))
        assert fake.count_resumes == 1 and fake.count_identifies == 1, "a RESUME, not a new session"
        assert fake.count_replayed > 0, "nothing was dispatched while the socket was down; the test proved nothing"
        assert_once_each(fake, burst)
        burst_latencies = [r.latency for r in burst if r.latency is not None]
        print(f"\n4000 close after #30 of 100: {fake.count_replayed} dispatches replayed on RESUME")
        print(latency_summary("burst across the RESUME", burst_latencies))

        # Questions delivered just before INVALID_SESSION(false) reached the bot, which answers
        # over REST whatever the gateway does.
        before = [await ask(fake, n) for n in range(100, 105)]
        await fake.invalidate_session()
        invalidated_at = time.perf_counter()
        # discord.py now waits about 5 s before it IDENTIFYs again. Real Discord has no session
        # to deliver to in between and does not replay an old session's events to a new one, so
        # interactions created now never reach the bot; their users see "The application did not
        # respond" after 3 s. The right outcome is that they are lost, not answered late
        # (a late callback would get 10062 Unknown interaction anyway).
        lost = [await ask(fake, n) for n in range(105, 110)]
        await fake.wait_identifies(2, timeout=WAIT)
        reidentify_after = time.perf_counter() - invalidated_at

        after = [await ask(fake, n) for n in range(110, 120)]
        after_messages = await all_answered(after)
        await all_answered(before)
        await eventually(lambda: bot.log().count("ready as") >= 2, WAIT, "on_ready after the new IDENTIFY")
        await stop(bot)

    print(
        f"INVALID_SESSION(false): re-IDENTIFY after {reidentify_after:.2f} s; "
        f"{len(fake.lost_events)} dispatches lost meanwhile; {len(after)} asked afterwards all answered"
    )
    assert reidentify_after >= 5.0 - CLOCK_TOLERANCE, "discord.py's before_identify_hook sleeps 5 s"
    assert fake.count_identifies == 2 and fake.count_resumes == 1
    assert len(fake.lost_events) == len(lost)
    lost_ids = {r.interaction_id for r in lost}
    assert all(r.callback_types == [] and not r.messages for r in lost)
    assert not lost_ids & set(fake.callbacks_per_interaction()), "a lost interaction was answered"
    for offset, message in enumerate(after_messages):
        assert_answers(message, *question(110 + offset))
    assert_once_each(fake, [*burst, *before, *after])
    assert sum(fake.callbacks_per_interaction().values()) == len(burst) + len(before) + len(after)
    assert not fake.unhandled, fake.unhandled


# --- a bug found on the way (fixed: the bot ignores CommandNotFound) ------------------------


async def test_a_question_by_mention_is_not_logged_as_an_error(running) -> None:
    async with running() as (fake, bot):
        reply = await (await mention(fake, 0)).wait_reply(WAIT)
        await stop(bot)
    assert_answers(reply, *question(0))
    assert not error_records(bot.log()), "\n".join(error_records(bot.log())[:2])
