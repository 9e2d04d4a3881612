"""An aiohttp server on 127.0.0.1 that speaks enough of Discord's REST API (v10) and gateway for
an unmodified discord.py 2.x bot: login, command sync, interactions, messages, heartbeats,
RESUME after a dropped connection.

The bot process is pointed here by SUMMITBOT_API_BASE and SUMMITBOT_GATEWAY_URL. Everything the
bot sends is recorded, and every wait takes a timeout.
"""

from __future__ import annotations

import asyncio
import contextlib
import itertools
import json
import re
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
    method: str
    path: str
    query: dict[str, str]
    json: Any


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


@dataclass
class InteractionResult:
    """Everything the bot did in answer to one interaction."""

    interaction_id: int
    token: str
    callback_types: list[int] = field(default_factory=list)
    messages: list[dict[str, Any]] = field(default_factory=list)
    choices: list[dict[str, Any]] | None = None
    _changed: asyncio.Event = field(default_factory=asyncio.Event)

    def _record(self) -> None:
        self._changed.set()

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
    _changed: asyncio.Event = field(default_factory=asyncio.Event)

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
        self.members: dict[int, Member] = {}
        self.roles: dict[int, str] = {self.guild_id: "@everyone"}
        self.requests: list[RecordedRequest] = []
        self.unhandled: list[str] = []
        self.commands: dict[int | str, list[dict[str, Any]]] = {}
        self.channel_messages: list[dict[str, Any]] = []
        self.intents = 0
        self.count_identifies = 0
        self.count_resumes = 0
        self._runner: web.AppRunner | None = None
        self._port = 0
        self._shards: dict[int, Shard] = {}
        self.shard_count = 1
        self._interactions: dict[str, InteractionResult] = {}
        self._handles: dict[int, MessageHandle] = {}
        self._faults: list[tuple[str, int, dict[str, str], dict[str, Any]]] = []
        self._ready = asyncio.Event()
        self._synced = asyncio.Event()
        self._resumed = asyncio.Event()
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
                    "id": str(self.channel_id),
                    "type": 0,
                    "name": "general",
                    "position": 0,
                    "permission_overwrites": [],
                    "guild_id": str(self.guild_id),
                }
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
        shard = next((s for s in self._shards.values() if s.session_id == data.get("session_id")), None)
        if data.get("token") != self.token or shard is None:
            await ws.send_str(json.dumps({"op": 9, "d": False}))
            return
        shard.ws = ws
        last = int(data.get("seq") or 0)
        for event in shard.history:
            if event["s"] > last:
                await ws.send_str(json.dumps(event))
        await ws.send_str(json.dumps({"op": 0, "t": "RESUMED", "s": shard.seq, "d": {}}))
        self.count_resumes += 1
        self._resumed.set()

    async def _send(self, shard: Shard, event: str, data: dict[str, Any]) -> None:
        """Send a dispatch; kept for replay, so one sent while the socket is down arrives on RESUME."""
        shard.seq += 1
        payload = {"op": 0, "t": event, "s": shard.seq, "d": data}
        shard.history.append(payload)
        if not shard.ws.closed:
            with contextlib.suppress(ConnectionError, RuntimeError):
                await shard.ws.send_str(json.dumps(payload))

    async def dispatch(self, event: str, data: dict[str, Any]) -> None:
        """Send a guild event to the shard that owns the guild."""
        shard = self._shards.get(self.guild_shard(self.shard_count))
        if shard is None:
            raise RuntimeError("no shard of the bot is connected for the guild")
        await self._send(shard, event, data)

    async def drop_gateway(self, code: int = 4000) -> None:
        """Close the guild's shard socket with `code`; 4000 and other resumable codes make it RESUME."""
        self._resumed.clear()
        shard = self._shards.get(self.guild_shard(self.shard_count))
        if shard is not None:
            await shard.ws.close(code=code, message=b"loopback drop")

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
        member = self.members[user_id]
        command = self._command(name)
        token = f"itoken-{snowflake()}"
        return {
            "id": str(snowflake()),
            "application_id": str(self.app_id),
            "type": kind,
            "token": token,
            "version": 1,
            "data": {"id": command["id"], "name": name, "type": 1, "options": options},
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
        self, name: str, options: dict[str, Any] | None = None, *, user_id: int, subcommand: str | None = None
    ) -> InteractionResult:
        payload = self._interaction(2, name, self._options(options, subcommand), user_id)
        result = InteractionResult(int(payload["id"]), payload["token"])
        self._interactions[payload["token"]] = result
        await self.dispatch("INTERACTION_CREATE", payload)
        return result

    async def send_autocomplete(
        self, name: str, options: dict[str, Any], *, focused: str, user_id: int, timeout: float = 10.0
    ) -> list[dict[str, Any]]:
        payload = self._interaction(4, name, self._options(options, None, focused), user_id)
        result = InteractionResult(int(payload["id"]), payload["token"])
        self._interactions[payload["token"]] = result
        await self.dispatch("INTERACTION_CREATE", payload)
        return await result.wait_choices(timeout)

    async def send_message(self, content: str, *, author_id: int, mentions_bot: bool = True) -> MessageHandle:
        author = self.members[author_id]
        message_id = snowflake()
        handle = self._handles[message_id] = MessageHandle(message_id)
        mentioned = mentions_bot and f"<@{self.bot_user_id}>" in content
        visible = mentioned or bool(self.intents & MESSAGE_CONTENT_INTENT)
        mention_ids = {int(i) for i in re.findall(r"<@!?(\d+)>", content)}
        mentions = [self._bot_user()] if self.bot_user_id in mention_ids else []
        mentions += [m.user() for uid, m in self.members.items() if uid in mention_ids]
        await self.dispatch(
            "MESSAGE_CREATE",
            {
                "id": str(message_id),
                "type": 0,
                "channel_id": str(self.channel_id),
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
            self._faults.append((path_pattern, status, headers or {}, body or {"message": "loopback fault", "code": 0}))

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
        self.requests.append(RecordedRequest(request.method, path, dict(request.query), body))
        for fault in self._faults:
            if re.search(fault[0], path):
                self._faults.remove(fault)
                return json_response(fault[3], status=fault[1], headers=fault[2])
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
            result.messages.append(message)
            reply["interaction"]["response_message_id"] = message["id"]
            reply["resource"] = {"type": 4, "message": message}
        elif kind == 8:
            result.choices = list(data.get("choices", []))
        result._record()
        return json_response(reply)

    async def _followup(self, body: Any, token: str) -> web.Response:
        message = self._message(body or {})
        result = self._interactions.get(token)
        if result is not None:
            result.messages.append(message)
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
            handle._changed.set()
        return json_response(message)
