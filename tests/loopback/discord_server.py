"""An aiohttp server on 127.0.0.1 that speaks enough of Discord's REST API (v10) and gateway for
an unmodified discord.py 2.x bot: login, command sync, interactions, messages, heartbeats,
RESUME after a dropped connection (with the missed dispatches replayed), INVALID_SESSION and the
re-IDENTIFY that follows, and REST faults: 5xx, and 429s shaped like Discord's so that
discord.py's rate limiter reacts to them as it would in production.

The bot process is pointed here by SUMMITBOT_API_BASE and SUMMITBOT_GATEWAY_URL. Everything the
bot sends is recorded with the time it arrived and the status it got, and every wait takes a
timeout. Times are `time.perf_counter()` seconds in the test process, so latencies can be
measured at the server without trusting the bot's clock.
"""

from __future__ import annotations

import asyncio
import contextlib
import itertools
import json
import math
import re
import time
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

from aiohttp import WSCloseCode, WSMsgType, web

API_PREFIX = "/api/v10"
HEARTBEAT_INTERVAL_MS = 41_250
EPHEMERAL = 1 << 6
MESSAGE_CONTENT_INTENT = 1 << 15
MANAGE_GUILD = 1 << 5
INTERACTION_CALLBACK = re.compile(r"/interactions/(\d+)/[^/]+/callback")
CHANNEL_MESSAGES = re.compile(r"/channels/\d+/messages")
DEFAULT_PERMISSIONS = (1 << 10) | (1 << 11) | (1 << 14) | (1 << 16) | (1 << 31)  # view, send, embed, history, use apps

_snowflakes = itertools.count(1_300_000_000_000_000_000)


def snowflake() -> int:
    return next(_snowflakes)


def json_response(payload: Any, status: int = 200, headers: dict[str, str] | None = None) -> web.Response:
    """discord.py only parses a body as JSON when Content-Type is exactly `application/json`."""
    all_headers = {"Content-Type": "application/json", **(headers or {})}
    return web.Response(status=status, body=json.dumps(payload).encode(), headers=all_headers)


def now_iso() -> str:
    return datetime.now(UTC).isoformat()


@dataclass
class RecordedRequest:
    """One REST call by the bot: `at` is when it arrived, `status` what the server answered."""

    method: str
    path: str
    query: dict[str, str]
    json: Any
    at: float = field(default_factory=time.perf_counter)
    status: int | None = None


@dataclass
class Fault:
    """A canned error answer for the next request whose path matches `pattern`."""

    pattern: str
    status: int
    headers: dict[str, str]
    body: dict[str, Any]

    def response(self) -> web.Response:
        headers = dict(self.headers)
        reset_after = headers.get("X-RateLimit-Reset-After")
        if reset_after is not None:
            # Discord's X-RateLimit-Reset is an epoch time, so it is computed when the 429 goes out.
            headers["X-RateLimit-Reset"] = f"{time.time() + float(reset_after):.3f}"
        return json_response(self.body, status=self.status, headers=headers)


@dataclass
class Member:
    user_id: int
    name: str
    roles: list[int]
    permissions: int

    def user(self) -> dict[str, Any]:
        return {
            "id": str(self.user_id),
            "username": self.name,
            "discriminator": "0",
            "avatar": None,
            "global_name": None,
        }

    def member(self) -> dict[str, Any]:
        return {
            "user": self.user(),
            "roles": [str(r) for r in self.roles],
            "joined_at": now_iso(),
            "deaf": False,
            "mute": False,
            "flags": 0,
            "nick": None,
        }


@dataclass
class Shard:
    """One gateway connection of the bot, with what it was sent, for RESUME."""

    shard_id: int
    ws: web.WebSocketResponse
    session_id: str
    seq: int = 0
    history: list[dict[str, Any]] = field(default_factory=list)
    # Set by INVALID_SESSION(false): the session can no longer be resumed and gets no dispatches.
    invalidated: bool = False
    # Serialises sends, drops and RESUME replays, so that an event dispatched during a replay is
    # neither sent twice (live and replayed) nor out of order.
    lock: asyncio.Lock = field(default_factory=asyncio.Lock)


@dataclass
class InteractionResult:
    """Everything the bot did in answer to one interaction."""

    interaction_id: int
    token: str
    callback_types: list[int] = field(default_factory=list)
    messages: list[dict[str, Any]] = field(default_factory=list)
    choices: list[dict[str, Any]] | None = None
    # When the INTERACTION_CREATE was sent (or queued for RESUME), and when each message arrived.
    dispatched_at: float = 0.0
    message_times: list[float] = field(default_factory=list)
    _changed: asyncio.Event = field(default_factory=asyncio.Event)

    def _record(self) -> None:
        self._changed.set()

    def _add_message(self, message: dict[str, Any]) -> None:
        self.messages.append(message)
        self.message_times.append(time.perf_counter())

    @property
    def latency(self) -> float | None:
        """Seconds from dispatch to the first visible reply, as seen by the server."""
        return self.message_times[0] - self.dispatched_at if self.message_times else None

    async def _wait(self, ready: Callable[[], bool], timeout: float) -> None:
        async def until() -> None:
            while not ready():
                self._changed.clear()
                await self._changed.wait()

        await asyncio.wait_for(until(), timeout)

    async def wait_message(self, timeout: float) -> dict[str, Any]:
        """The visible reply: a direct response, or the follow-up or edit after a defer."""
        await self._wait(lambda: bool(self.messages), timeout)
        return self.messages[-1]

    async def wait_choices(self, timeout: float) -> list[dict[str, Any]]:
        await self._wait(lambda: self.choices is not None, timeout)
        return self.choices or []


@dataclass
class MessageHandle:
    message_id: int
    replies: list[dict[str, Any]] = field(default_factory=list)
    dispatched_at: float = 0.0
    reply_times: list[float] = field(default_factory=list)
    _changed: asyncio.Event = field(default_factory=asyncio.Event)

    @property
    def latency(self) -> float | None:
        """Seconds from dispatch of the MESSAGE_CREATE to the first reply, as seen by the server."""
        return self.reply_times[0] - self.dispatched_at if self.reply_times else None

    async def wait_reply(self, timeout: float) -> dict[str, Any]:
        async def until() -> None:
            while not self.replies:
                self._changed.clear()
                await self._changed.wait()

        await asyncio.wait_for(until(), timeout)
        return self.replies[0]


class LoopbackDiscord:
    """One guild with one text channel, a bot application, and the members a test adds."""

    def __init__(self, token: str = "loopback-token.not-a-real-one") -> None:
        self.token = token
        self.app_id = snowflake()
        self.bot_user_id = self.app_id
        self.owner_id = snowflake()
        self.guild_id = snowflake()
        self.channel_id = snowflake()
        # A second text channel: its messages are a different rate-limit bucket from the first's.
        self.second_channel_id = snowflake()
        self.members: dict[int, Member] = {}
        self.roles: dict[int, str] = {self.guild_id: "@everyone"}
        self.requests: list[RecordedRequest] = []
        self.unhandled: list[str] = []
        self.commands: dict[int | str, list[dict[str, Any]]] = {}
        self.channel_messages: list[dict[str, Any]] = []
        self.intents = 0
        self.count_identifies = 0
        self.count_resumes = 0
        # Dispatches sent again on RESUME because the bot had not received them.
        self.count_replayed = 0
        # Dispatches for a guild whose session was invalidated: Discord drops them, and so does this.
        self.lost_events: list[dict[str, Any]] = []
        self._runner: web.AppRunner | None = None
        self._port = 0
        self._shards: dict[int, Shard] = {}
        self.shard_count = 1
        self._interactions: dict[str, InteractionResult] = {}
        self._handles: dict[int, MessageHandle] = {}
        self._faults: list[Fault] = []
        self._ready = asyncio.Event()
        self._synced = asyncio.Event()
        self._resumed = asyncio.Event()
        self._identified = asyncio.Event()
        self.add_member(self.owner_id, "owner", permissions=MANAGE_GUILD | DEFAULT_PERMISSIONS)

    # --- lifecycle --------------------------------------------------------------------------

    async def __aenter__(self) -> LoopbackDiscord:
        await self.start()
        return self

    async def __aexit__(self, *exc: object) -> None:
        await self.stop()

    async def start(self) -> None:
        app = web.Application(client_max_size=16 * 1024 * 1024)
        app.router.add_get("/gateway", self._gateway)
        app.router.add_route("*", API_PREFIX + "/{tail:.*}", self._rest)
        self._runner = web.AppRunner(app, handle_signals=False)
        await self._runner.setup()
        site = web.TCPSite(self._runner, "127.0.0.1", 0)
        await site.start()
        self._port = site._server.sockets[0].getsockname()[1]  # type: ignore[union-attr]

    async def stop(self) -> None:
        for shard in self._shards.values():
            if not shard.ws.closed:
                await shard.ws.close(code=WSCloseCode.GOING_AWAY)
        if self._runner is not None:
            await self._runner.cleanup()

    @property
    def api_base(self) -> str:
        return f"http://127.0.0.1:{self._port}{API_PREFIX}"

    @property
    def gateway_url(self) -> str:
        return f"ws://127.0.0.1:{self._port}/gateway"

    # --- the world the bot sees --------------------------------------------------------------

    def add_member(
        self, user_id: int, name: str, roles: list[int] | None = None, permissions: int = DEFAULT_PERMISSIONS
    ) -> Member:
        for role_id in roles or []:
            self.roles.setdefault(role_id, f"role-{role_id}")
        member = Member(user_id, name, list(roles or []), permissions)
        self.members[user_id] = member
        return member

    def _bot_user(self) -> dict[str, Any]:
        return {
            "id": str(self.bot_user_id),
            "username": "SummitBot",
            "discriminator": "0",
            "avatar": None,
            "bot": True,
            "global_name": None,
        }

    def _guild(self) -> dict[str, Any]:
        roles = [
            {
                "id": str(rid),
                "name": name,
                "permissions": str(DEFAULT_PERMISSIONS),
                "position": i,
                "color": 0,
                "hoist": False,
                "managed": False,
                "mentionable": False,
                "flags": 0,
            }
            for i, (rid, name) in enumerate(self.roles.items())
        ]
        bot = {"user": self._bot_user(), "roles": [], "joined_at": now_iso(), "deaf": False, "mute": False, "flags": 0}
        return {
            "id": str(self.guild_id),
            "name": "Loopback Guild",
            "icon": None,
            "owner_id": str(self.owner_id),
            "roles": roles,
            "emojis": [],
            "stickers": [],
            "features": [],
            "member_count": len(self.members) + 1,
            "members": [bot, *(m.member() for m in self.members.values())],
            "presences": [],
            "voice_states": [],
            "threads": [],
            "stage_instances": [],
            "guild_scheduled_events": [],
            "soundboard_sounds": [],
            "channels": [
                {
                    "id": str(channel_id),
                    "type": 0,
                    "name": name,
                    "position": position,
                    "permission_overwrites": [],
                    "guild_id": str(self.guild_id),
                }
                for position, (channel_id, name) in enumerate(
                    [(self.channel_id, "general"), (self.second_channel_id, "random")]
                )
            ],
            "large": False,
            "unavailable": False,
            "joined_at": now_iso(),
            "premium_tier": 0,
            "preferred_locale": "en-US",
            "nsfw_level": 0,
            "mfa_level": 0,
            "verification_level": 0,
            "explicit_content_filter": 0,
            "default_message_notifications": 0,
            "system_channel_flags": 0,
        }

    # --- gateway ----------------------------------------------------------------------------

    async def _gateway(self, request: web.Request) -> web.WebSocketResponse:
        ws = web.WebSocketResponse(autoping=True)
        await ws.prepare(request)
        await ws.send_str(
            json.dumps({"op": 10, "d": {"heartbeat_interval": HEARTBEAT_INTERVAL_MS}, "s": None, "t": None})
        )
        async for message in ws:
            if message.type != WSMsgType.TEXT:
                continue
            payload = json.loads(message.data)
            op, data = payload.get("op"), payload.get("d")
            if op == 1:
                await ws.send_str(json.dumps({"op": 11, "d": None}))
            elif op == 2:
                await self._identify(ws, data)
            elif op == 6:
                await self._resume(ws, data)
        return ws

    def guild_shard(self, shard_count: int) -> int:
        """Discord's rule: a guild belongs to shard (guild_id >> 22) % shard_count."""
        return (self.guild_id >> 22) % shard_count

    async def _identify(self, ws: web.WebSocketResponse, data: dict[str, Any]) -> None:
        if data.get("token") != self.token:
            await ws.close(code=4004, message=b"Authentication failed.")
            return
        shard_id, shard_count = data.get("shard") or [0, 1]
        self.count_identifies += 1
        self._identified.set()
        self.intents = int(data.get("intents", 0))
        self.shard_count = shard_count
        shard = self._shards[shard_id] = Shard(shard_id, ws, f"session-{snowflake()}")
        owns_guild = self.guild_shard(shard_count) == shard_id
        guilds = [{"id": str(self.guild_id), "unavailable": True}] if owns_guild else []
        await self._send(
            shard,
            "READY",
            {
                "v": 10,
                "user": self._bot_user(),
                "guilds": guilds,
                "session_id": shard.session_id,
                "resume_gateway_url": self.gateway_url,
                "application": {"id": str(self.app_id), "flags": 0},
                "private_channels": [],
                "relationships": [],
                "shard": [shard_id, shard_count],
            },
        )
        if owns_guild:
            await self._send(shard, "GUILD_CREATE", self._guild())
            self._ready.set()

    async def _resume(self, ws: web.WebSocketResponse, data: dict[str, Any]) -> None:
        """Like Discord: replay every dispatch after the client's `seq`, then RESUMED; a session
        that is unknown or invalidated gets INVALID_SESSION(false) instead."""
        shard = next(
            (s for s in self._shards.values() if s.session_id == data.get("session_id") and not s.invalidated), None
        )
        if data.get("token") != self.token or shard is None:
            await ws.send_str(json.dumps({"op": 9, "d": False}))
            return
        async with shard.lock:
            shard.ws = ws
            last = int(data.get("seq") or 0)
            missed = [event for event in shard.history if event["s"] > last]
            for event in missed:
                await ws.send_str(json.dumps(event))
            await ws.send_str(json.dumps({"op": 0, "t": "RESUMED", "s": shard.seq, "d": {}}))
            self.count_replayed += len(missed)
        self.count_resumes += 1
        self._resumed.set()

    async def _send(self, shard: Shard, event: str, data: dict[str, Any]) -> float:
        """Send a dispatch; kept for replay, so one sent while the socket is down arrives on RESUME.

        Returns when it went out (or was queued). A dispatch for an invalidated session is lost,
        as on Discord, and only recorded in `lost_events`.
        """
        async with shard.lock:
            sent_at = time.perf_counter()
            if shard.invalidated:
                self.lost_events.append({"t": event, "d": data})
                return sent_at
            shard.seq += 1
            payload = {"op": 0, "t": event, "s": shard.seq, "d": data}
            shard.history.append(payload)
            if not shard.ws.closed:
                with contextlib.suppress(ConnectionError, RuntimeError):
                    await shard.ws.send_str(json.dumps(payload))
            return sent_at

    def _guild_shard(self) -> Shard | None:
        return self._shards.get(self.guild_shard(self.shard_count))

    async def dispatch(self, event: str, data: dict[str, Any]) -> float:
        """Send a guild event to the shard that owns the guild; returns when it was sent."""
        shard = self._guild_shard()
        if shard is None:
            raise RuntimeError("no shard of the bot is connected for the guild")
        return await self._send(shard, event, data)

    async def drop_gateway(self, code: int = 4000) -> None:
        """Close the guild's shard socket with `code`; 4000 and other resumable codes make it RESUME.

        Dispatches made from now until the RESUME are kept and replayed then.
        """
        self._resumed.clear()
        shard = self._guild_shard()
        if shard is not None:
            async with shard.lock:
                await shard.ws.close(code=code, message=b"loopback drop")

    async def invalidate_session(self, *, resumable: bool = False) -> None:
        """Send INVALID_SESSION (op 9) with `d=resumable` on the guild's shard.

        With `resumable=False` the session is dead: discord.py closes the socket, sleeps about
        5 s (`before_identify_hook`), and IDENTIFYs again for a new session. Until then there is
        no session to deliver to, so guild dispatches are lost (`lost_events`), never replayed:
        Discord does not hand a new session the events of an old one.
        """
        self._resumed.clear()
        shard = self._guild_shard()
        if shard is None:
            raise RuntimeError("no shard of the bot is connected for the guild")
        async with shard.lock:
            shard.invalidated = not resumable
            await shard.ws.send_str(json.dumps({"op": 9, "d": resumable, "s": None, "t": None}))

    async def wait_identifies(self, count: int, timeout: float) -> None:
        """Until the bot has sent `count` IDENTIFYs in all (the first one included)."""

        async def until() -> None:
            while self.count_identifies < count:
                self._identified.clear()
                await self._identified.wait()

        await asyncio.wait_for(until(), timeout)

    async def wait_shards(self, count: int, timeout: float) -> None:
        """Until `count` shards are connected; discord.py waits 5 s between shard IDENTIFYs."""

        async def until() -> None:
            while len(self.connected_shards) < count:
                await asyncio.sleep(0.05)

        await asyncio.wait_for(until(), timeout)

    @property
    def connected_shards(self) -> list[int]:
        return sorted(shard_id for shard_id, shard in self._shards.items() if not shard.ws.closed)

    async def wait_ready(self, timeout: float) -> None:
        await asyncio.wait_for(self._ready.wait(), timeout)

    async def wait_for_sync(self, timeout: float) -> None:
        await asyncio.wait_for(self._synced.wait(), timeout)

    async def wait_resumed(self, timeout: float) -> None:
        await asyncio.wait_for(self._resumed.wait(), timeout)

    # --- what users do ----------------------------------------------------------------------

    def _command(self, name: str) -> dict[str, Any]:
        for scope in (self.guild_id, "global"):
            for command in self.commands.get(scope, []):
                if command["name"] == name:
                    return command
        raise KeyError(f"command /{name} was never synced")

    def _interaction(self, kind: int, name: str, options: list[dict[str, Any]], user_id: int) -> dict[str, Any]:
        command = self._command(name)
        return self._interaction_payload(
            kind, {"id": command["id"], "name": name, "type": 1, "options": options}, user_id
        )

    def _interaction_payload(self, kind: int, data: dict[str, Any], user_id: int) -> dict[str, Any]:
        member = self.members[user_id]
        token = f"itoken-{snowflake()}"
        return {
            "id": str(snowflake()),
            "application_id": str(self.app_id),
            "type": kind,
            "token": token,
            "version": 1,
            "data": data,
            "guild_id": str(self.guild_id),
            "channel_id": str(self.channel_id),
            "channel": {
                "id": str(self.channel_id),
                "type": 0,
                "guild_id": str(self.guild_id),
                "name": "general",
                "position": 0,
                "permission_overwrites": [],
            },
            "member": {**member.member(), "permissions": str(member.permissions)},
            "app_permissions": str(DEFAULT_PERMISSIONS),
            "locale": "en-US",
            "guild_locale": "en-US",
            "entitlements": [],
            "authorizing_integration_owners": {"0": str(self.guild_id)},
            "context": 0,
            "attachment_size_limit": 25 * 1024 * 1024,
        }

    @staticmethod
    def _options(
        values: dict[str, Any] | None, subcommand: str | None, focused: str | None = None
    ) -> list[dict[str, Any]]:
        options = [
            {"type": 3, "name": key, "value": value, **({"focused": True} if key == focused else {})}
            for key, value in (values or {}).items()
        ]
        if subcommand:
            return [{"type": 1, "name": subcommand, "options": options}]
        return options

    async def send_slash(
        self,
        name: str,
        options: dict[str, Any] | None = None,
        *,
        user_id: int,
        subcommand: str | None = None,
        in_dm: bool = False,
    ) -> InteractionResult:
        payload = self._interaction(2, name, self._options(options, subcommand), user_id)
        if in_dm:
            payload = self._as_direct_message(payload)
        result = InteractionResult(int(payload["id"]), payload["token"])
        self._interactions[payload["token"]] = result
        result.dispatched_at = await self.dispatch("INTERACTION_CREATE", payload)
        return result

    def _as_direct_message(self, payload: dict[str, Any]) -> dict[str, Any]:
        """The same interaction as Discord sends it from a DM: a user instead of a member, no guild."""
        user = payload.pop("member")["user"]
        payload.pop("guild_id")
        payload.pop("guild_locale", None)
        dm_channel = snowflake()
        payload.update(
            user=user,
            channel_id=str(dm_channel),
            channel={"id": str(dm_channel), "type": 1, "recipients": [user]},
            context=1,
            authorizing_integration_owners={"1": user["id"]},
        )
        return payload

    async def press_button(self, message: dict[str, Any], custom_id: str, *, user_id: int) -> InteractionResult:
        """A member presses the button `custom_id` under a message the bot sent."""
        payload = self._interaction_payload(3, {"custom_id": custom_id, "component_type": 2}, user_id)
        payload["message"] = message
        result = InteractionResult(int(payload["id"]), payload["token"])
        self._interactions[payload["token"]] = result
        result.dispatched_at = await self.dispatch("INTERACTION_CREATE", payload)
        return result

    async def send_autocomplete(
        self, name: str, options: dict[str, Any], *, focused: str, user_id: int, timeout: float = 10.0
    ) -> list[dict[str, Any]]:
        payload = self._interaction(4, name, self._options(options, None, focused), user_id)
        result = InteractionResult(int(payload["id"]), payload["token"])
        self._interactions[payload["token"]] = result
        await self.dispatch("INTERACTION_CREATE", payload)
        return await result.wait_choices(timeout)

    async def send_message(
        self, content: str, *, author_id: int, mentions_bot: bool = True, channel_id: int | None = None
    ) -> MessageHandle:
        """Post `content` as `author_id` in the general channel, or in `channel_id`."""
        author = self.members[author_id]
        message_id = snowflake()
        handle = self._handles[message_id] = MessageHandle(message_id)
        mentioned = mentions_bot and f"<@{self.bot_user_id}>" in content
        visible = mentioned or bool(self.intents & MESSAGE_CONTENT_INTENT)
        mention_ids = {int(i) for i in re.findall(r"<@!?(\d+)>", content)}
        mentions = [self._bot_user()] if self.bot_user_id in mention_ids else []
        mentions += [m.user() for uid, m in self.members.items() if uid in mention_ids]
        handle.dispatched_at = await self.dispatch(
            "MESSAGE_CREATE",
            {
                "id": str(message_id),
                "type": 0,
                "channel_id": str(channel_id or self.channel_id),
                "guild_id": str(self.guild_id),
                "author": author.user(),
                "member": {k: v for k, v in author.member().items() if k != "user"},
                "content": content if visible else "",
                "timestamp": now_iso(),
                "edited_timestamp": None,
                "tts": False,
                "mention_everyone": "@everyone" in content,
                "mentions": mentions,
                "mention_roles": [str(int(r)) for r in re.findall(r"<@&(\d+)>", content)],
                "attachments": [],
                "embeds": [],
                "pinned": False,
                "flags": 0,
                "components": [],
            },
        )
        return handle

    # --- REST -------------------------------------------------------------------------------

    def inject_fault(
        self,
        path_pattern: str,
        status: int,
        *,
        times: int = 1,
        headers: dict[str, str] | None = None,
        body: dict[str, Any] | None = None,
    ) -> None:
        """Answer the next `times` requests whose path matches `path_pattern` with `status`."""
        for _ in range(times):
            self._faults.append(
                Fault(path_pattern, status, dict(headers or {}), body or {"message": "loopback fault", "code": 0})
            )

    def inject_rate_limit(
        self, path_pattern: str, retry_after: float, *, is_global: bool = False, bucket: str = "loopback-bucket"
    ) -> None:
        """Answer the next request matching `path_pattern` with a 429 as Discord sends it.

        A per-route limit carries the bucket headers (`X-RateLimit-Bucket`, `-Limit`,
        `-Remaining: 0`, `-Reset`, `-Reset-After`, `-Scope: user`); a global one carries
        `X-RateLimit-Global: true` and `-Scope: global`, and `"global": true` in the body, which
        makes discord.py hold its other REST requests, on every route, for `retry_after`
        (interaction responses excepted: Discord exempts them from the global limit, and
        discord.py sends them through its webhook adapter, which has no global gate).
        discord.py sleeps the body's `retry_after`, not the whole-second `Retry-After` header,
        and takes a 429 without a `Via` header for a Cloudflare ban and gives up, so `Via` is
        always present.
        """
        headers = {
            "Via": "1.1 google",
            "Retry-After": str(math.ceil(retry_after)),
            "X-RateLimit-Scope": "global" if is_global else "user",
        }
        if is_global:
            headers["X-RateLimit-Global"] = "true"
        else:
            headers |= {
                "X-RateLimit-Bucket": bucket,
                "X-RateLimit-Limit": "1",
                "X-RateLimit-Remaining": "0",
                "X-RateLimit-Reset-After": f"{retry_after:.3f}",
            }
        body = {"message": "You are being rate limited.", "retry_after": retry_after, "global": is_global, "code": 0}
        self.inject_fault(path_pattern, 429, headers=headers, body=body)

    # --- what the bot did, from the raw request log ------------------------------------------

    def requests_matching(self, path_pattern: str, method: str = "POST") -> list[RecordedRequest]:
        """The recorded requests to paths matching `path_pattern`, in arrival order."""
        return [r for r in self.requests if r.method == method and re.fullmatch(path_pattern, r.path)]

    def callbacks_per_interaction(self) -> Counter[int]:
        """Accepted interaction callbacks per interaction id, counted from the request log rather
        than the per-interaction bookkeeping, so a duplicate cannot hide behind it."""
        counts: Counter[int] = Counter()
        for request in self.requests_matching(INTERACTION_CALLBACK.pattern):
            match = INTERACTION_CALLBACK.fullmatch(request.path)
            if match and request.status == 200:
                counts[int(match.group(1))] += 1
        return counts

    def replies_per_message(self) -> Counter[int]:
        """Accepted channel messages per referenced message id, from the request log."""
        counts: Counter[int] = Counter()
        for request in self.requests_matching(CHANNEL_MESSAGES.pattern):
            reference = (request.json or {}).get("message_reference") or {}
            if request.status == 200 and reference.get("message_id"):
                counts[int(reference["message_id"])] += 1
        return counts

    def _message(self, body: dict[str, Any], channel_id: int | None = None) -> dict[str, Any]:
        message = {
            "id": str(snowflake()),
            "type": 0,
            "channel_id": str(channel_id or self.channel_id),
            "author": self._bot_user(),
            "content": body.get("content") or "",
            "embeds": body.get("embeds") or [],
            "components": body.get("components") or [],
            "timestamp": now_iso(),
            "edited_timestamp": None,
            "tts": False,
            "mention_everyone": False,
            "mentions": [],
            "mention_roles": [],
            "attachments": [],
            "pinned": False,
            "flags": body.get("flags", 0),
        }
        # Real Discord leaves these keys out rather than sending null; discord.py relies on that.
        for key in ("allowed_mentions", "message_reference"):
            if body.get(key) is not None:
                message[key] = body[key]
        return message

    async def _rest(self, request: web.Request) -> web.Response:
        path = "/" + request.match_info["tail"]
        try:
            body = await request.json() if request.can_read_body else None
        except (json.JSONDecodeError, UnicodeDecodeError):
            body = None
        record = RecordedRequest(request.method, path, dict(request.query), body)
        self.requests.append(record)
        response = await self._answer(request, path, body)
        record.status = response.status
        return response

    async def _answer(self, request: web.Request, path: str, body: Any) -> web.Response:
        for fault in self._faults:
            if re.search(fault.pattern, path):
                self._faults.remove(fault)
                return fault.response()
        open_route = path.startswith(("/interactions/", "/webhooks/"))
        if not open_route and request.headers.get("Authorization") != f"Bot {self.token}":
            return json_response({"message": "401: Unauthorized", "code": 0}, status=401)
        for method, pattern, handler in self._routes():
            match = re.fullmatch(pattern, path)
            if match and method == request.method:
                return await handler(body, *match.groups())
        self.unhandled.append(f"{request.method} {path}")
        return json_response({"message": "404: Not Found", "code": 0}, status=404)

    def _routes(self) -> list[tuple[str, str, Callable[..., Any]]]:
        app = str(self.app_id)
        return [
            ("GET", r"/users/@me", self._me),
            ("GET", r"/oauth2/applications/@me", self._application),
            ("GET", r"/gateway", self._gateway_info),
            ("GET", r"/gateway/bot", self._gateway_info),
            ("PUT", rf"/applications/{app}/commands", self._sync_global),
            ("PUT", rf"/applications/{app}/guilds/(\d+)/commands", self._sync_guild),
            ("POST", r"/interactions/(\d+)/([^/]+)/callback", self._callback),
            ("POST", rf"/webhooks/{app}/([^/]+)", self._followup),
            ("PATCH", rf"/webhooks/{app}/([^/]+)/messages/@original", self._edit_original),
            ("POST", r"/channels/(\d+)/messages", self._channel_message),
        ]

    async def _me(self, body: Any) -> web.Response:
        return json_response(self._bot_user())

    async def _application(self, body: Any) -> web.Response:
        owner = self.members[self.owner_id].user()
        return json_response(
            {
                "id": str(self.app_id),
                "name": "SummitBot",
                "icon": None,
                "description": "",
                "bot_public": True,
                "bot_require_code_grant": False,
                "owner": owner,
                "verify_key": "0" * 64,
                "flags": 0,
                "team": None,
            }
        )

    async def _gateway_info(self, body: Any) -> web.Response:
        return json_response(
            {
                "url": self.gateway_url,
                "shards": 1,
                "session_start_limit": {"total": 1000, "remaining": 999, "reset_after": 0, "max_concurrency": 1},
            }
        )

    def _store_commands(self, scope: int | str, body: list[dict[str, Any]]) -> web.Response:
        stored = [
            {
                **c,
                "id": str(snowflake()),
                "application_id": str(self.app_id),
                "version": "1",
                "default_member_permissions": c.get("default_member_permissions"),
                "type": c.get("type", 1),
            }
            for c in body
        ]
        self.commands[scope] = stored
        self._synced.set()
        return json_response(stored)

    async def _sync_global(self, body: Any) -> web.Response:
        return self._store_commands("global", body or [])

    async def _sync_guild(self, body: Any, guild_id: str) -> web.Response:
        return self._store_commands(int(guild_id), body or [])

    async def _callback(self, body: Any, interaction_id: str, token: str) -> web.Response:
        result = self._interactions.get(token)
        if result is None or body is None:
            return json_response({"message": "Unknown interaction", "code": 10062}, status=404)
        kind = int(body["type"])
        result.callback_types.append(kind)
        data = body.get("data") or {}
        reply: dict[str, Any] = {
            "interaction": {
                "id": interaction_id,
                "type": 2,
                "response_message_loading": kind == 5,
                "response_message_ephemeral": bool(data.get("flags", 0) & EPHEMERAL),
            }
        }
        if kind == 4:
            message = self._message(data)
            result._add_message(message)
            reply["interaction"]["response_message_id"] = message["id"]
            reply["resource"] = {"type": 4, "message": message}
        elif kind == 7:
            message = self._message(data)
            result._add_message(message)
            reply["resource"] = {"type": 7, "message": message}
        elif kind == 8:
            result.choices = list(data.get("choices", []))
        result._record()
        return json_response(reply)

    async def _followup(self, body: Any, token: str) -> web.Response:
        message = self._message(body or {})
        result = self._interactions.get(token)
        if result is not None:
            result._add_message(message)
            result._record()
        return json_response(message)

    async def _edit_original(self, body: Any, token: str) -> web.Response:
        return await self._followup(body, token)

    async def _channel_message(self, body: Any, channel_id: str) -> web.Response:
        message = self._message(body or {}, int(channel_id))
        self.channel_messages.append(message)
        reference = (body or {}).get("message_reference") or {}
        handle = self._handles.get(int(reference.get("message_id", 0) or 0))
        if handle is not None:
            handle.replies.append(message)
            handle.reply_times.append(time.perf_counter())
            handle._changed.set()
        return json_response(message)
