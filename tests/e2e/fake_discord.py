"""A loopback Discord for end-to-end tests: REST API v10 and the v10 JSON gateway on 127.0.0.1.

An unmodified discord.py 2.x bot, running in its own process, logs in to this server, syncs its
slash commands, receives interactions and messages, and answers them, exactly as it would against
discord.com. The test drives Discord's side: it plays the users (``send_slash``, ``send_message``),
watches what the bot does (``InteractionResult``, ``MessageHandle``, ``requests``), and breaks the
connection on purpose (``drop_gateway``, ``invalidate_session``, ``inject_rate_limit``).

Why a fake and not mocks inside the bot: the bot under test must stay unmodified, so the contract
is tested where it really lives, on the wire. The fake therefore copies the parts of Discord's
behaviour a bot can observe and get wrong: exact ``Content-Type``, the callback answer discord.py
2.7 needs, content blanked without the message-content intent, guild members withheld without the
presence intent, one acknowledgement per interaction, Discord's message and command limits, the
resume URL, and rate-limit answers discord.py believes (they need a ``Via`` header).

Everything binds to 127.0.0.1 on an ephemeral port, and every wait is bounded.
"""

from __future__ import annotations

import asyncio
import contextlib
import enum
import hashlib
import json
import math
import re
import secrets
import socket
import time
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any, Self, TypeVar

from aiohttp import WSMsgType, web

__all__ = [
    "GLOBAL",
    "CallbackType",
    "CloseCode",
    "FakeDiscord",
    "Handshake",
    "Intents",
    "InteractionResult",
    "MessageHandle",
    "OptionType",
    "Permissions",
    "RecordedRequest",
]

T = TypeVar("T")

API_VERSION = 10
DISCORD_EPOCH_MS = 1_420_070_400_000
GLOBAL = "global"
"""The key of ``FakeDiscord.commands`` for globally synced commands (guild scopes use the guild id)."""

DEFAULT_WAIT = 10.0
ATTACHMENT_SIZE_LIMIT = 10 * 1024 * 1024


class Intents(enum.IntFlag):
    """Gateway intent bits the fake acts on."""

    GUILDS = 1 << 0
    GUILD_MEMBERS = 1 << 1
    GUILD_PRESENCES = 1 << 8
    GUILD_MESSAGES = 1 << 9
    DIRECT_MESSAGES = 1 << 12
    MESSAGE_CONTENT = 1 << 15


PRIVILEGED_INTENTS = Intents.GUILD_MEMBERS | Intents.GUILD_PRESENCES | Intents.MESSAGE_CONTENT


class Permissions(enum.IntFlag):
    """Permission bits used by the fake's default guild (Discord's numbering)."""

    CREATE_INSTANT_INVITE = 1 << 0
    KICK_MEMBERS = 1 << 1
    ADMINISTRATOR = 1 << 3
    MANAGE_GUILD = 1 << 5
    ADD_REACTIONS = 1 << 6
    VIEW_CHANNEL = 1 << 10
    SEND_MESSAGES = 1 << 11
    MANAGE_MESSAGES = 1 << 13
    EMBED_LINKS = 1 << 14
    ATTACH_FILES = 1 << 15
    READ_MESSAGE_HISTORY = 1 << 16
    MENTION_EVERYONE = 1 << 17
    USE_EXTERNAL_EMOJIS = 1 << 18
    USE_APPLICATION_COMMANDS = 1 << 31


ALL_PERMISSIONS = (1 << 51) - 1
EVERYONE_PERMISSIONS = (
    Permissions.CREATE_INSTANT_INVITE
    | Permissions.ADD_REACTIONS
    | Permissions.VIEW_CHANNEL
    | Permissions.SEND_MESSAGES
    | Permissions.EMBED_LINKS
    | Permissions.ATTACH_FILES
    | Permissions.READ_MESSAGE_HISTORY
    | Permissions.USE_EXTERNAL_EMOJIS
    | Permissions.USE_APPLICATION_COMMANDS
)
MODERATOR_PERMISSIONS = Permissions.MANAGE_GUILD | Permissions.MANAGE_MESSAGES | Permissions.KICK_MEMBERS


class InteractionType(enum.IntEnum):
    APPLICATION_COMMAND = 2
    MESSAGE_COMPONENT = 3
    AUTOCOMPLETE = 4
    MODAL_SUBMIT = 5


class CallbackType(enum.IntEnum):
    """Interaction callback types a bot may answer with."""

    PONG = 1
    CHANNEL_MESSAGE = 4
    DEFERRED_CHANNEL_MESSAGE = 5
    DEFERRED_UPDATE_MESSAGE = 6
    UPDATE_MESSAGE = 7
    AUTOCOMPLETE_RESULT = 8
    MODAL = 9


class OptionType(enum.IntEnum):
    """Application command option types."""

    SUB_COMMAND = 1
    SUB_COMMAND_GROUP = 2
    STRING = 3
    INTEGER = 4
    BOOLEAN = 5
    USER = 6
    CHANNEL = 7
    ROLE = 8
    MENTIONABLE = 9
    NUMBER = 10
    ATTACHMENT = 11


class MessageFlag(enum.IntFlag):
    SUPPRESS_EMBEDS = 1 << 2
    EPHEMERAL = 1 << 6
    LOADING = 1 << 7
    SUPPRESS_NOTIFICATIONS = 1 << 12


class Op(enum.IntEnum):
    """Gateway opcodes."""

    DISPATCH = 0
    HEARTBEAT = 1
    IDENTIFY = 2
    PRESENCE_UPDATE = 3
    VOICE_STATE_UPDATE = 4
    RESUME = 6
    RECONNECT = 7
    REQUEST_GUILD_MEMBERS = 8
    INVALID_SESSION = 9
    HELLO = 10
    HEARTBEAT_ACK = 11


class CloseCode(enum.IntEnum):
    """Gateway close codes the fake sends, with Discord's meaning."""

    UNKNOWN_ERROR = 4000
    UNKNOWN_OPCODE = 4001
    DECODE_ERROR = 4002
    NOT_AUTHENTICATED = 4003
    AUTHENTICATION_FAILED = 4004
    ALREADY_AUTHENTICATED = 4005
    INVALID_SHARD = 4010
    INVALID_API_VERSION = 4012
    INVALID_INTENTS = 4013
    DISALLOWED_INTENTS = 4014


# --------------------------------------------------------------------------------------------
# Small helpers
# --------------------------------------------------------------------------------------------


class _Snowflakes:
    """Real-looking snowflakes (time in the high bits), strictly increasing so ids never collide."""

    def __init__(self) -> None:
        self._last = 0

    def next(self) -> int:
        candidate = (int(time.time() * 1000) - DISCORD_EPOCH_MS) << 22
        self._last = max(candidate, self._last + 1)
        return self._last


def _now_iso() -> str:
    return datetime.now(UTC).isoformat()


def _json_response(payload: Any, status: int = 200, headers: Mapping[str, str] | None = None) -> web.Response:
    """A JSON answer with Content-Type exactly ``application/json``.

    aiohttp's ``web.json_response`` appends ``; charset=utf-8``; discord.py compares the header
    for equality and would then treat the body as text and fail at login.
    """
    return web.Response(
        status=status,
        body=json.dumps(payload).encode(),
        headers={"Content-Type": "application/json", **(headers or {})},
    )


def _error(status: int, code: int, message: str, errors: Mapping[str, Any] | None = None) -> web.Response:
    """A Discord-style JSON error (``{"code", "message"[, "errors"]}``)."""
    body: dict[str, Any] = {"code": code, "message": message}
    if errors:
        body["errors"] = errors
    return _json_response(body, status=status)


def _field_error(code: str, message: str) -> dict[str, Any]:
    return {"_errors": [{"code": code, "message": message}]}


def _form_error(errors: Mapping[str, Any]) -> web.Response:
    """Discord's 50035 "Invalid Form Body", errors nested by field path as Discord nests them."""
    return _error(400, 50035, "Invalid Form Body", errors)


def _as_int(value: Any) -> int | None:
    try:
        return int(value)
    except (TypeError, ValueError):
        return None


class _Signal:
    """Wakes every waiter when the fake's state changes; waiters re-check their own condition.

    One signal for everything keeps the bookkeeping trivial: each state change calls ``fire()``
    synchronously, and each wait is a bounded loop over "is it true yet?".
    """

    def __init__(self) -> None:
        self._event = asyncio.Event()

    def fire(self) -> None:
        self._event.set()
        self._event = asyncio.Event()

    async def wait_until(self, check: Callable[[], T | None], timeout: float, describe: Callable[[], str]) -> T:
        """Return ``check()``'s first non-None value, or raise ``TimeoutError`` saying what was seen."""
        loop = asyncio.get_running_loop()
        deadline = loop.time() + timeout
        while True:
            value = check()
            if value is not None:
                return value
            remaining = deadline - loop.time()
            if remaining <= 0:
                raise TimeoutError(f"gave up after {timeout:.1f}s: {describe()}")
            event = self._event
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(event.wait(), remaining)


# --------------------------------------------------------------------------------------------
# What the fake records
# --------------------------------------------------------------------------------------------


@dataclass
class RecordedRequest:
    """One REST call the bot made, as the fake received it, and the status it was answered with."""

    method: str
    path: str
    """Below the API base, e.g. ``/channels/123/messages``."""
    query: dict[str, str]
    json: Any
    """The JSON body (for multipart uploads, the ``payload_json`` part), or None."""
    headers: dict[str, str]
    files: list[dict[str, Any]] = field(default_factory=list)
    """Uploaded files: ``{"field", "filename", "size", "content_type"}``."""
    status: int | None = None
    at: float = field(default_factory=time.monotonic)

    def __repr__(self) -> str:
        return f"<{self.method} {self.path} -> {self.status}>"


@dataclass
class Handshake:
    """An IDENTIFY or RESUME the fake received, and on which gateway path it arrived."""

    op: str
    """``"IDENTIFY"`` or ``"RESUME"``."""
    path: str
    payload: dict[str, Any]
    accepted: bool = False


@dataclass
class _Fault:
    """A one-shot (or n-shot) REST fault waiting for a matching request."""

    path_prefix: str
    method: str | None
    times: int
    respond: Callable[[], web.Response]

    def matches(self, method: str, path: str) -> bool:
        return self.times > 0 and path.startswith(self.path_prefix) and (self.method in (None, method))


# --------------------------------------------------------------------------------------------
# Handles returned to tests
# --------------------------------------------------------------------------------------------


class InteractionResult:
    """Everything the bot did in answer to one interaction the fake dispatched.

    The bot may answer a slash command in several shapes: a message at once (callback type 4), a
    defer (type 5) followed by an edit of ``@original`` or by a follow-up, a modal (type 9), or,
    for autocomplete, a list of choices (type 8). Tests mostly care about "what did the user get
    to see", which is what ``wait_message`` returns whatever the shape.
    """

    def __init__(self, fake: FakeDiscord, payload: dict[str, Any], command: str) -> None:
        self._fake = fake
        self.payload: dict[str, Any] = payload
        """The INTERACTION_CREATE data as dispatched."""
        self.id: int = int(payload["id"])
        self.token: str = payload["token"]
        self.type: int = payload["type"]
        self.command: str = command
        """Full command name, e.g. ``"facts reload"``."""
        self.callback: dict[str, Any] | None = None
        """The body of the bot's initial callback (``{"type": ..., "data": ...}``)."""
        self.original: dict[str, Any] | None = None
        """The response message as it stands now (None until the bot answers with a message)."""
        self.followups: list[dict[str, Any]] = []
        """Follow-up messages as stored (``POST /webhooks/{app}/{token}``)."""
        self.edits: list[dict[str, Any]] = []
        """Bodies of ``PATCH /webhooks/{app}/{token}/messages/@original``, in order."""
        self.messages: list[dict[str, Any]] = []
        """Every message the user got to see, in order, each as ``wait_message`` returns it."""
        self.requests: list[RecordedRequest] = []
        """Every REST request addressed to this interaction (callback, webhook calls)."""

    @property
    def callback_type(self) -> int | None:
        return None if self.callback is None else int(self.callback.get("type", 0))

    @property
    def acknowledged(self) -> bool:
        return self.callback is not None

    @property
    def deferred(self) -> bool:
        return self.callback_type == CallbackType.DEFERRED_CHANNEL_MESSAGE

    @property
    def ephemeral(self) -> bool:
        """Whether the response message is ephemeral (only the invoking user sees it)."""
        return bool(self.original and int(self.original.get("flags", 0)) & MessageFlag.EPHEMERAL)

    @property
    def choices(self) -> list[dict[str, Any]] | None:
        """Autocomplete choices from a type-8 callback, or None."""
        if self.callback_type != CallbackType.AUTOCOMPLETE_RESULT:
            return None
        return list((self.callback or {}).get("data", {}).get("choices", []))

    @property
    def modal(self) -> dict[str, Any] | None:
        """The modal from a type-9 callback, or None."""
        if self.callback_type != CallbackType.MODAL:
            return None
        return (self.callback or {}).get("data")

    async def wait_callback(self, timeout: float = DEFAULT_WAIT) -> dict[str, Any]:
        """The bot's initial callback body (Discord gives a bot 3 s; the fake, ``timeout``)."""
        return await self._fake._signal.wait_until(lambda: self.callback, timeout, self._describe)

    async def wait_message(self, timeout: float = DEFAULT_WAIT) -> dict[str, Any]:
        """The first message the user gets to see in answer to this interaction.

        That is the type-4 callback message, or, after a defer, the first edit of ``@original`` or
        the first follow-up. The value is the stored message (``id``, ``content``, ``embeds``,
        ``flags``, ``components``, ...; ``flags`` includes 64 for ephemeral answers, also when only
        the defer asked for it) plus ``allowed_mentions`` as the bot sent it (None if it sent none).
        Later messages are in ``self.messages``.
        """

        def check() -> dict[str, Any] | None:
            if self.messages:
                return self.messages[0]
            kind = self.callback_type
            if kind is not None and kind not in (
                CallbackType.CHANNEL_MESSAGE,
                CallbackType.DEFERRED_CHANNEL_MESSAGE,
                CallbackType.DEFERRED_UPDATE_MESSAGE,
                CallbackType.UPDATE_MESSAGE,
            ):
                raise AssertionError(f"the bot answered /{self.command} with callback type {kind}, not a message")
            return None

        return await self._fake._signal.wait_until(check, timeout, self._describe)

    async def wait_choices(self, timeout: float = DEFAULT_WAIT) -> list[dict[str, Any]]:
        """Autocomplete choices (``[{"name", "value"}]``) from the bot's type-8 callback."""
        callback = await self.wait_callback(timeout)
        if int(callback.get("type", 0)) != CallbackType.AUTOCOMPLETE_RESULT:
            raise AssertionError(f"autocomplete for /{self.command} was answered with {callback}")
        return list(callback.get("data", {}).get("choices", []))

    def _describe(self) -> str:
        return (
            f"interaction {self.id} (/{self.command}): callback={self.callback!r}, "
            f"requests={self.requests!r}, unhandled={self._fake.unhandled!r}"
        )

    def __repr__(self) -> str:
        return f"<InteractionResult /{self.command} id={self.id} callback_type={self.callback_type}>"


class MessageHandle:
    """A message the fake posted as a user, and the bot's replies to it."""

    def __init__(self, fake: FakeDiscord, payload: dict[str, Any], delivered: bool) -> None:
        self._fake = fake
        self.payload: dict[str, Any] = payload
        """The MESSAGE_CREATE data as the bot received it (content possibly blanked)."""
        self.id: int = int(payload["id"])
        self.delivered: bool = delivered
        """False when Discord would not have sent the event to the bot at all (missing intent)."""
        self.replies: list[dict[str, Any]] = []
        """The bot's replies (``message_reference`` to this message), each as ``wait_reply`` returns it."""

    @property
    def content_blanked(self) -> bool:
        return self.payload.get("content") == "" and self._fake.messages[self.id]["content"] != ""

    async def wait_reply(self, timeout: float = DEFAULT_WAIT) -> dict[str, Any]:
        """The bot's first ``POST /channels/{id}/messages`` replying to this message.

        Returns the stored message (``id``, ``content``, ``embeds``, ``message_reference`` with
        string ids as Discord returns them, ...) plus ``allowed_mentions`` as the bot sent it.
        """
        return await self._fake._signal.wait_until(
            lambda: self.replies[0] if self.replies else None,
            timeout,
            lambda: f"reply to message {self.id} (delivered={self.delivered}); bot messages: "
            f"{[m.get('content') for m in self._fake.bot_messages]!r}; unhandled={self._fake.unhandled!r}",
        )

    def __repr__(self) -> str:
        return f"<MessageHandle id={self.id} delivered={self.delivered} replies={len(self.replies)}>"


# --------------------------------------------------------------------------------------------
# Gateway plumbing
# --------------------------------------------------------------------------------------------


class _Connection:
    """One websocket. Frames go out through a queue so dispatching stays synchronous and ordered."""

    def __init__(self, number: int, ws: web.WebSocketResponse, request: web.Request) -> None:
        self.number = number
        self.ws = ws
        self.path = request.path
        self.query = dict(request.query)
        self.transport = request.transport
        self.session: _Session | None = None
        self.outbox: asyncio.Queue[str] = asyncio.Queue()
        self.writer: asyncio.Task[None] | None = None
        self.closed = False

    @property
    def live(self) -> bool:
        return not self.closed and not self.ws.closed

    def send(self, frame: Mapping[str, Any]) -> None:
        if self.live:
            self.outbox.put_nowait(json.dumps(frame))

    async def write_forever(self) -> None:
        while True:
            text = await self.outbox.get()
            try:
                await self.ws.send_str(text)
            except (ConnectionError, RuntimeError):
                return

    async def close(self, code: int, reason: str = "") -> None:
        if self.live:
            with contextlib.suppress(Exception):
                await asyncio.wait_for(self.ws.close(code=code, message=reason.encode()), 5.0)


@dataclass
class _Session:
    """A gateway session: survives its connection, so a RESUME can replay what was missed."""

    id: str
    shard_id: int
    shard_count: int
    intents: int
    seq: int = 0
    events: list[dict[str, Any]] = field(default_factory=list)
    connection: _Connection | None = None
    valid: bool = True
    ready: bool = False

    @property
    def live(self) -> bool:
        return self.valid and self.ready and self.connection is not None and self.connection.live

    def has(self, intent: int) -> bool:
        return bool(self.intents & intent)


# --------------------------------------------------------------------------------------------
# The fake
# --------------------------------------------------------------------------------------------


_Handler = Callable[["FakeDiscord", "_Call"], Any]


@dataclass
class _Call:
    """A routed REST call: the recorded request plus the path parameters."""

    record: RecordedRequest
    params: dict[str, str]

    @property
    def body(self) -> dict[str, Any]:
        return self.record.json if isinstance(self.record.json, dict) else {}


_ROUTES: list[tuple[str, str, str, bool]] = [
    # method, path template, handler, needs the bot token
    ("GET", "/gateway", "_rest_gateway", False),
    ("GET", "/gateway/bot", "_rest_gateway_bot", True),
    ("GET", "/users/@me", "_rest_me", True),
    ("GET", "/users/{user_id}", "_rest_user", True),
    ("POST", "/users/@me/channels", "_rest_create_dm", True),
    ("GET", "/oauth2/applications/@me", "_rest_application", True),
    ("GET", "/applications/@me", "_rest_application", True),
    ("GET", "/applications/{app_id}/commands", "_rest_list_commands", True),
    ("PUT", "/applications/{app_id}/commands", "_rest_put_commands", True),
    ("POST", "/applications/{app_id}/commands", "_rest_upsert_command", True),
    ("GET", "/applications/{app_id}/commands/{command_id}", "_rest_get_command", True),
    ("PATCH", "/applications/{app_id}/commands/{command_id}", "_rest_edit_command", True),
    ("DELETE", "/applications/{app_id}/commands/{command_id}", "_rest_delete_command", True),
    ("GET", "/applications/{app_id}/guilds/{guild_id}/commands", "_rest_list_commands", True),
    ("PUT", "/applications/{app_id}/guilds/{guild_id}/commands", "_rest_put_commands", True),
    ("POST", "/applications/{app_id}/guilds/{guild_id}/commands", "_rest_upsert_command", True),
    ("GET", "/applications/{app_id}/guilds/{guild_id}/commands/permissions", "_rest_command_permissions", True),
    ("GET", "/applications/{app_id}/guilds/{guild_id}/commands/{command_id}", "_rest_get_command", True),
    ("PATCH", "/applications/{app_id}/guilds/{guild_id}/commands/{command_id}", "_rest_edit_command", True),
    ("DELETE", "/applications/{app_id}/guilds/{guild_id}/commands/{command_id}", "_rest_delete_command", True),
    ("GET", "/applications/{app_id}/emojis", "_rest_app_emojis", True),
    ("POST", "/interactions/{interaction_id}/{token}/callback", "_rest_callback", False),
    ("POST", "/webhooks/{app_id}/{token}", "_rest_followup", False),
    ("GET", "/webhooks/{app_id}/{token}/messages/{message_id}", "_rest_webhook_get", False),
    ("PATCH", "/webhooks/{app_id}/{token}/messages/{message_id}", "_rest_webhook_edit", False),
    ("DELETE", "/webhooks/{app_id}/{token}/messages/{message_id}", "_rest_webhook_delete", False),
    ("GET", "/channels/{channel_id}", "_rest_channel", True),
    ("GET", "/channels/{channel_id}/messages", "_rest_channel_history", True),
    ("POST", "/channels/{channel_id}/messages", "_rest_post_message", True),
    ("GET", "/channels/{channel_id}/messages/{message_id}", "_rest_get_message", True),
    ("PATCH", "/channels/{channel_id}/messages/{message_id}", "_rest_edit_message", True),
    ("DELETE", "/channels/{channel_id}/messages/{message_id}", "_rest_delete_message", True),
    ("POST", "/channels/{channel_id}/typing", "_rest_no_content", True),
    ("PUT", "/channels/{channel_id}/messages/{message_id}/reactions/{emoji}/@me", "_rest_no_content", True),
    ("DELETE", "/channels/{channel_id}/messages/{message_id}/reactions/{emoji}/@me", "_rest_no_content", True),
    ("GET", "/guilds/{guild_id}", "_rest_guild", True),
    ("GET", "/guilds/{guild_id}/channels", "_rest_guild_channels", True),
    ("GET", "/guilds/{guild_id}/roles", "_rest_guild_roles", True),
    ("GET", "/guilds/{guild_id}/members", "_rest_guild_members", True),
    ("GET", "/guilds/{guild_id}/members/{user_id}", "_rest_guild_member", True),
]


def _compile(template: str) -> re.Pattern[str]:
    pattern = re.sub(r"\\\{(\w+)\\\}", r"(?P<\1>[^/]+)", re.escape(template))
    return re.compile(pattern)


_COMPILED_ROUTES = [(method, _compile(template), template, name, auth) for method, template, name, auth in _ROUTES]

_COMMAND_NAME = re.compile(r"^[-_'\w]{1,32}$")
_USER_MENTION = re.compile(r"<@!?(\d+)>")
_ROLE_MENTION = re.compile(r"<@&(\d+)>")


class FakeDiscord:
    """An in-process Discord (REST v10 + gateway v10, JSON, plain text frames) on 127.0.0.1.

    One guild with one text channel, an ``@everyone`` role, a "Moderator" role (Manage Guild,
    Manage Messages, Kick Members) and a few members: an owner, a moderator, an ordinary member
    and the bot. Permissions are guild-level (roles only; no channel overwrites).
    """

    def __init__(
        self,
        *,
        token: str = "test-token",
        app_id: int = 1_300_000_000_000_000_001,
        bot_user_id: int | None = None,
        guild_id: int = 1_300_000_000_000_000_100,
        channel_id: int = 1_300_000_000_000_000_101,
        moderator_role_id: int = 1_300_000_000_000_000_102,
        bot_name: str = "SummitBot",
        heartbeat_interval_ms: int = 41_250,
        recommended_shards: int = 1,
        privileged_intents: int = PRIVILEGED_INTENTS,
    ) -> None:
        """
        Args:
            bot_user_id: defaults to ``app_id``; on Discord a bot user shares its application's id.
            privileged_intents: the privileged intents "enabled in the developer portal"; an
                IDENTIFY asking for others is closed with 4014, as on Discord.
        """
        self.token = token
        self.app_id = app_id
        self.bot_user_id = bot_user_id if bot_user_id is not None else app_id
        self.guild_id = guild_id
        self.channel_id = channel_id
        self.everyone_role_id = guild_id
        self.moderator_role_id = moderator_role_id
        self.owner_id = 1_300_000_000_000_000_201
        self.moderator_id = 1_300_000_000_000_000_202
        self.member_id = 1_300_000_000_000_000_203
        self.heartbeat_interval_ms = heartbeat_interval_ms
        self.recommended_shards = recommended_shards
        self.privileged_intents = privileged_intents

        self.requests: list[RecordedRequest] = []
        """Every REST request, in arrival order (including refused and faulted ones)."""
        self.unhandled: list[RecordedRequest] = []
        """REST requests for routes the fake does not know (answered 404)."""
        self.commands: dict[int | str, list[dict[str, Any]]] = {}
        """The last command list synced per scope: ``GLOBAL`` or a guild id; with ids assigned."""
        self.identifies: list[Handshake] = []
        self.resumes: list[Handshake] = []
        self.messages: dict[int, dict[str, Any]] = {}
        """Every message in the fake's channels by id (users', bot's, interaction responses)."""
        self.interactions: dict[int, InteractionResult] = {}

        self._ids = _Snowflakes()
        self._signal = _Signal()
        self._faults: list[_Fault] = []
        self._command_ids: dict[tuple[int | str, str, int], int] = {}
        self._interactions_by_token: dict[str, InteractionResult] = {}
        self._message_handles: dict[int, MessageHandle] = {}
        self._sessions: dict[str, _Session] = {}
        self._connections: list[_Connection] = []
        self._connection_numbers = 0
        self._heartbeats = 0
        self._resumes_seen_at_fault = 0
        self._syncs = 0

        self._users: dict[int, dict[str, Any]] = {}
        self._members: dict[int, dict[str, Any]] = {}
        self._roles: dict[int, dict[str, Any]] = {}
        self._channels: dict[int, dict[str, Any]] = {}
        self._dm_channels: dict[int, int] = {}  # user id -> channel id
        self._guild_created_at = _now_iso()

        self._runner: web.AppRunner | None = None
        self._port: int | None = None
        self._seed_guild(bot_name)

    # ----------------------------------------------------------------------------- lifecycle

    async def start(self) -> None:
        """Bind 127.0.0.1 on an ephemeral port and start serving."""
        if self._runner is not None:
            return
        app = web.Application(client_max_size=64 * 1024 * 1024)
        app.router.add_get("/gateway", self._gateway)
        app.router.add_get("/gateway-resume", self._gateway)
        app.router.add_route("*", "/api/v{version:\\d+}/{tail:.*}", self._rest)
        runner = web.AppRunner(app, access_log=None, handle_signals=False)
        await runner.setup()
        sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
        sock.bind(("127.0.0.1", 0))
        self._port = sock.getsockname()[1]
        await web.SockSite(runner, sock).start()
        self._runner = runner

    async def stop(self) -> None:
        """Close every websocket, then the server."""
        for conn in list(self._connections):
            await conn.close(1001, "fake discord stopping")
        if self._runner is not None:
            await self._runner.cleanup()
            self._runner = None

    async def __aenter__(self) -> Self:
        await self.start()
        return self

    async def __aexit__(self, *exc: object) -> None:
        await self.stop()

    @property
    def port(self) -> int:
        if self._port is None:
            raise RuntimeError("FakeDiscord is not started")
        return self._port

    @property
    def api_base(self) -> str:
        """For ``discord.http.Route.BASE`` (env ``SUMMITBOT_API_BASE``)."""
        return f"http://127.0.0.1:{self.port}/api/v{API_VERSION}"

    @property
    def gateway_url(self) -> str:
        """For ``DiscordWebSocket.DEFAULT_GATEWAY`` (env ``SUMMITBOT_GATEWAY_URL``)."""
        return f"ws://127.0.0.1:{self.port}/gateway"

    @property
    def resume_gateway_url(self) -> str:
        """Sent in READY. A different path from ``gateway_url``, as on Discord, so tests can see
        that resumes go where READY said."""
        return f"ws://127.0.0.1:{self.port}/gateway-resume"

    # ----------------------------------------------------------------------------- guild model

    def _seed_guild(self, bot_name: str) -> None:
        self._users[self.bot_user_id] = {
            "id": str(self.bot_user_id),
            "username": bot_name,
            "discriminator": "0",
            "global_name": None,
            "avatar": None,
            "bot": True,
            "verified": True,
            "mfa_enabled": False,
            "flags": 0,
            "public_flags": 0,
        }
        self.add_role(self.everyone_role_id, "@everyone", permissions=int(EVERYONE_PERMISSIONS), position=0)
        self.add_role(self.moderator_role_id, "Moderator", permissions=int(MODERATOR_PERMISSIONS), position=2)
        bot_role_id = self._ids.next()
        self.add_role(bot_role_id, bot_name, permissions=int(EVERYONE_PERMISSIONS), position=1)
        self._roles[bot_role_id].update({"managed": True, "tags": {"bot_id": str(self.bot_user_id)}})
        self._channels[self.channel_id] = {
            "id": str(self.channel_id),
            "type": 0,
            "guild_id": str(self.guild_id),
            "name": "general",
            "position": 0,
            "topic": None,
            "nsfw": False,
            "parent_id": None,
            "last_message_id": None,
            "rate_limit_per_user": 0,
            "permission_overwrites": [],
            "flags": 0,
        }
        self._members[self.bot_user_id] = self._member_record(self.bot_user_id, [bot_role_id])
        self.add_member(self.owner_id, "owner")
        self.add_member(self.moderator_id, "moderator", roles=[self.moderator_role_id])
        self.add_member(self.member_id, "member")

    def add_role(self, role_id: int | None = None, name: str | None = None, *, permissions: int = 0, position: int = 1) -> int:
        """Create a guild role (told to a connected bot with GUILD_ROLE_CREATE). Returns its id."""
        role_id = role_id if role_id is not None else self._ids.next()
        role = {
            "id": str(role_id),
            "name": name or f"role-{role_id}",
            "permissions": str(permissions),
            "position": position,
            "color": 0,
            "hoist": False,
            "managed": False,
            "mentionable": False,
            "icon": None,
            "unicode_emoji": None,
            "flags": 0,
        }
        self._roles[role_id] = role
        if self._sessions:
            self._dispatch_guild("GUILD_ROLE_CREATE", {"guild_id": str(self.guild_id), "role": role}, Intents.GUILDS)
        return role_id

    def add_member(
        self,
        user_id: int,
        name: str,
        roles: Iterable[int] = (),
        permissions: int = 0,
        *,
        bot: bool = False,
        nick: str | None = None,
    ) -> dict[str, Any]:
        """Add (or replace) a guild member and return its member payload.

        Discord has no per-member permissions, so a non-zero ``permissions`` becomes a personal role
        holding them: the bot sees the same total whether it reads ``interaction.permissions`` or
        computes ``member.guild_permissions`` from roles. A role id the guild lacks is created (no
        permissions), so a test can use its own moderator role id. If the bot is connected it gets
        GUILD_MEMBER_ADD (only with the GUILD_MEMBERS intent, as on Discord).
        """
        role_ids = list(roles)
        for role_id in role_ids:
            if role_id not in self._roles:
                self.add_role(role_id)
        if permissions:
            role_ids.append(self.add_role(name=f"{name} permissions", permissions=permissions))
        self._users[user_id] = {
            "id": str(user_id),
            "username": name,
            "discriminator": "0",
            "global_name": name,
            "avatar": None,
            "bot": bot,
            "public_flags": 0,
        }
        record = self._member_record(user_id, role_ids, nick=nick)
        self._members[user_id] = record
        if self._sessions:
            payload = {**self._member_payload(user_id), "guild_id": str(self.guild_id)}
            self._dispatch_guild("GUILD_MEMBER_ADD", payload, Intents.GUILD_MEMBERS)
        return self._member_payload(user_id)

    def member_permissions(self, user_id: int) -> int:
        """Guild-level permissions: the owner and administrators have all; others, their roles' union."""
        if user_id == self.owner_id:
            return ALL_PERMISSIONS
        record = self._members.get(user_id)
        if record is None:
            raise KeyError(f"user {user_id} is not a member of the fake guild; add_member() first")
        perms = int(self._roles[self.everyone_role_id]["permissions"])
        for role_id in record["roles"]:
            perms |= int(self._roles[role_id]["permissions"])
        return ALL_PERMISSIONS if perms & Permissions.ADMINISTRATOR else perms

    def _member_record(self, user_id: int, roles: Sequence[int], nick: str | None = None) -> dict[str, Any]:
        return {"roles": list(roles), "nick": nick, "joined_at": _now_iso()}

    def _member_payload(self, user_id: int, *, with_user: bool = True, permissions: bool = False) -> dict[str, Any]:
        record = self._members[user_id]
        payload: dict[str, Any] = {
            "roles": [str(r) for r in record["roles"]],
            "nick": record["nick"],
            "avatar": None,
            "joined_at": record["joined_at"],
            "premium_since": None,
            "deaf": False,
            "mute": False,
            "flags": 0,
            "pending": False,
            "communication_disabled_until": None,
        }
        if with_user:
            payload["user"] = self._users[user_id]
        if permissions:
            payload["permissions"] = str(self.member_permissions(user_id))
        return payload

    def _channel_payload(self, channel_id: int) -> dict[str, Any]:
        return dict(self._channels[channel_id])

    def _guild_payload(self, session: _Session) -> dict[str, Any]:
        """GUILD_CREATE as Discord sends it. Without GUILD_PRESENCES, Discord lists only the bot
        itself (and members in voice) in ``members``; the fake does the same."""
        member_ids = list(self._members) if session.has(Intents.GUILD_PRESENCES) else [self.bot_user_id]
        return {
            "id": str(self.guild_id),
            "name": "Fake Summit Guild",
            "icon": None,
            "splash": None,
            "discovery_splash": None,
            "banner": None,
            "description": None,
            "owner_id": str(self.owner_id),
            "application_id": None,
            "afk_channel_id": None,
            "afk_timeout": 300,
            "system_channel_id": str(self.channel_id),
            "system_channel_flags": 0,
            "rules_channel_id": None,
            "public_updates_channel_id": None,
            "verification_level": 0,
            "default_message_notifications": 1,
            "explicit_content_filter": 0,
            "mfa_level": 0,
            "nsfw_level": 0,
            "premium_tier": 0,
            "premium_subscription_count": 0,
            "preferred_locale": "en-US",
            "features": [],
            "max_members": 500_000,
            "joined_at": self._guild_created_at,
            "large": False,
            "unavailable": False,
            "member_count": len(self._members),
            "roles": list(self._roles.values()),
            "channels": [self._channel_payload(c) for c in self._channels],
            "members": [self._member_payload(m) for m in member_ids],
            "presences": [],
            "voice_states": [],
            "threads": [],
            "emojis": [],
            "stickers": [],
            "stage_instances": [],
            "guild_scheduled_events": [],
            "soundboard_sounds": [],
        }

    def _application_payload(self) -> dict[str, Any]:
        return {
            "id": str(self.app_id),
            "name": self._users[self.bot_user_id]["username"],
            "icon": None,
            "description": "A loopback application for tests.",
            "summary": "",
            "type": None,
            "bot_public": True,
            "bot_require_code_grant": False,
            "verify_key": "0" * 64,
            "flags": 0,
            "owner": self._users[self.owner_id],
            "team": None,
            "bot": self._users[self.bot_user_id],
        }

    # ----------------------------------------------------------------------------- observations

    @property
    def count_identifies(self) -> int:
        return len(self.identifies)

    @property
    def count_resumes(self) -> int:
        """RESUMEs the fake accepted (answered with RESUMED)."""
        return sum(1 for h in self.resumes if h.accepted)

    @property
    def count_heartbeats(self) -> int:
        return self._heartbeats

    @property
    def intents(self) -> int | None:
        """The intents of the newest session, or None before the first IDENTIFY."""
        sessions = list(self._sessions.values())
        return sessions[-1].intents if sessions else None

    @property
    def bot_messages(self) -> list[dict[str, Any]]:
        """Every message the bot created, in order (channel messages and interaction responses)."""
        return [m for m in self.messages.values() if m["author"]["id"] == str(self.bot_user_id)]

    def gateway_connections(self) -> list[dict[str, Any]]:
        """A summary of each websocket: path, query, shard, open or not."""
        return [
            {
                "number": c.number,
                "path": c.path,
                "query": c.query,
                "live": c.live,
                "shard": None if c.session is None else [c.session.shard_id, c.session.shard_count],
            }
            for c in self._connections
        ]

    # ----------------------------------------------------------------------------- waits

    def _is_ready(self) -> bool:
        live = [s for s in self._sessions.values() if s.live]
        if not live:
            return False
        count = live[-1].shard_count
        return all(any(s.shard_id == shard and s.shard_count == count for s in live) for shard in range(count))

    async def wait_ready(self, timeout: float = DEFAULT_WAIT) -> None:
        """Until the bot is connected: every shard has IDENTIFIED (or resumed) and been sent READY
        and its GUILD_CREATEs, on a connection that is still open."""
        await self._signal.wait_until(
            lambda: True if self._is_ready() else None,
            timeout,
            lambda: f"bot ready; identifies={self.identifies!r}, connections={self.gateway_connections()!r}, "
            f"unhandled={self.unhandled!r}",
        )

    async def wait_for_sync(self, timeout: float = DEFAULT_WAIT, *, scope: int | str | None = None) -> list[dict[str, Any]]:
        """Until the bot has synced commands (to ``scope``: ``GLOBAL`` or a guild id; default any).
        Returns the synced list."""

        def check() -> list[dict[str, Any]] | None:
            if scope is None:
                return next(iter(self.commands.values()), None)
            return self.commands.get(scope)

        return await self._signal.wait_until(
            check, timeout, lambda: f"command sync to {scope or 'any scope'}; requests={self.requests!r}"
        )

    async def wait_resumed(self, timeout: float = DEFAULT_WAIT) -> None:
        """Until the fake has accepted a RESUME since the last ``drop_gateway``/``invalidate_session``."""
        await self._signal.wait_until(
            lambda: True if self.count_resumes > self._resumes_seen_at_fault else None,
            timeout,
            lambda: f"RESUME; resumes={self.resumes!r}, identifies={len(self.identifies)}, "
            f"connections={self.gateway_connections()!r}",
        )

    async def wait_for_request(
        self,
        method: str,
        path_prefix: str,
        *,
        timeout: float = DEFAULT_WAIT,
        after: int = 0,
    ) -> RecordedRequest:
        """The first recorded REST request (at index ``after`` or later) matching method and path prefix."""

        def check() -> RecordedRequest | None:
            return next(
                (r for r in self.requests[after:] if r.method == method and r.path.startswith(path_prefix)), None
            )

        return await self._signal.wait_until(
            check, timeout, lambda: f"{method} {path_prefix}*; requests={self.requests!r}"
        )

    # ----------------------------------------------------------------------------- users' actions

    async def send_slash(
        self,
        name: str,
        options: Mapping[str, Any] | None = None,
        *,
        subcommand: str | None = None,
        group: str | None = None,
        user_id: int | None = None,
        permissions: int | None = None,
        timeout: float = DEFAULT_WAIT,
    ) -> InteractionResult:
        """A user runs ``/name [group] [subcommand] options``: dispatch INTERACTION_CREATE (type 2).

        ``subcommand`` may also be ``"group sub"``. Option types come from the command the bot
        synced (as Discord's client knows them), so the command must have been synced. User, role
        and channel options take ids and get ``resolved`` entries. ``permissions`` overrides the
        member's computed permissions. ``timeout`` bounds the wait for a gateway session to exist.
        Returns at once; wait on the result.
        """
        return await self._send_interaction(
            InteractionType.APPLICATION_COMMAND,
            name,
            options or {},
            subcommand=subcommand,
            group=group,
            focused=None,
            user_id=user_id,
            permissions=permissions,
            timeout=timeout,
        )

    async def send_autocomplete(
        self,
        name: str,
        options: Mapping[str, Any],
        *,
        focused: str,
        subcommand: str | None = None,
        group: str | None = None,
        user_id: int | None = None,
        permissions: int | None = None,
        timeout: float = DEFAULT_WAIT,
    ) -> list[dict[str, Any]]:
        """A user types into option ``focused``: dispatch INTERACTION_CREATE (type 4) and return
        the choices of the bot's type-8 callback (``[{"name", "value"}]``)."""
        result = await self._send_interaction(
            InteractionType.AUTOCOMPLETE,
            name,
            options,
            subcommand=subcommand,
            group=group,
            focused=focused,
            user_id=user_id,
            permissions=permissions,
            timeout=timeout,
        )
        return await result.wait_choices(timeout)

    async def send_message(
        self,
        content: str,
        *,
        author_id: int | None = None,
        mentions_bot: bool = True,
        mention_ids: Iterable[int] = (),
        reply_to: int | None = None,
        timeout: float = DEFAULT_WAIT,
    ) -> MessageHandle:
        """A user posts ``content`` in the channel: MESSAGE_CREATE as Discord would send it.

        With ``mentions_bot`` the content is prefixed with ``<@bot>`` unless it already mentions
        the bot. ``mentions`` is every ``<@id>`` in the content plus ``mention_ids`` (full users
        with their member), ``mention_roles`` every ``<@&id>``, ``mention_everyone`` only if the
        author may mention everyone. As on Discord, a bot without the message-content intent gets
        blank content, embeds and attachments unless it is mentioned; without GUILD_MESSAGES it
        gets nothing (``handle.delivered`` is then False).
        """
        author_id = author_id if author_id is not None else self.member_id
        if author_id not in self._members:
            raise KeyError(f"user {author_id} is not a member of the fake guild; add_member() first")
        bot_tags = (f"<@{self.bot_user_id}>", f"<@!{self.bot_user_id}>")
        if mentions_bot and not any(tag in content for tag in bot_tags):
            content = f"<@{self.bot_user_id}> {content}"
        await self._wait_for_session(self.guild_id, timeout)

        mentioned = [int(m) for m in _USER_MENTION.findall(content)] + list(mention_ids)
        reference = None
        if reply_to is not None:
            target = self.messages[reply_to]
            reference = {
                "type": 0,
                "message_id": str(reply_to),
                "channel_id": str(self.channel_id),
                "guild_id": str(self.guild_id),
            }
            mentioned.append(int(target["author"]["id"]))
        mentions = []
        for user_id in dict.fromkeys(mentioned):
            if user_id in self._users:
                user = dict(self._users[user_id])
                if user_id in self._members:
                    user["member"] = self._member_payload(user_id, with_user=False)
                mentions.append(user)
        mention_roles = [r for r in dict.fromkeys(_ROLE_MENTION.findall(content)) if int(r) in self._roles]
        everyone = ("@everyone" in content or "@here" in content) and bool(
            self.member_permissions(author_id) & Permissions.MENTION_EVERYONE
        )
        message = self._message_object(
            channel_id=self.channel_id,
            author_id=author_id,
            content=content,
            mentions=mentions,
            mention_roles=mention_roles,
            mention_everyone=everyone,
            message_reference=reference,
        )
        self.messages[int(message["id"])] = message

        event = {**message, "guild_id": str(self.guild_id), "member": self._member_payload(author_id, with_user=False)}
        session = self._session_for_guild(self.guild_id)
        bot_mentioned = any(m["id"] == str(self.bot_user_id) for m in mentions)
        if session is not None and not session.has(Intents.MESSAGE_CONTENT) and not bot_mentioned:
            event.update({"content": "", "embeds": [], "attachments": [], "components": []})
        delivered = self._dispatch_guild("MESSAGE_CREATE", event, Intents.GUILD_MESSAGES)
        handle = MessageHandle(self, event, delivered)
        self._message_handles[int(message["id"])] = handle
        self._signal.fire()
        return handle

    def dispatch(self, event: str, data: dict[str, Any], *, guild_id: int | None = None) -> bool:
        """Send any dispatch event to the shard owning ``guild_id`` (default: the fake's guild).

        The escape hatch for events the fake has no helper for. Returns whether a session took it.
        """
        return self._dispatch_guild(event, data, 0, guild_id=guild_id)

    # ----------------------------------------------------------------------------- faults

    async def drop_gateway(self, code: int | None = 4000, *, shard_id: int | None = None) -> None:
        """Close the bot's websocket(s) with ``code`` (4000 and other resumable codes make
        discord.py RESUME on ``resume_gateway_url``), or with ``code=None`` cut the TCP connection
        without a close frame. Sessions stay valid so the RESUME can succeed."""
        self._resumes_seen_at_fault = self.count_resumes
        for conn in self._live_connections(shard_id):
            if code is None:
                conn.closed = True
                if conn.transport is not None:
                    conn.transport.abort()
            else:
                await conn.close(code, "fake discord dropped the connection")
        self._signal.fire()

    async def request_reconnect(self, *, shard_id: int | None = None) -> None:
        """Send op 7 RECONNECT, as Discord does before moving a session; the bot resumes."""
        self._resumes_seen_at_fault = self.count_resumes
        for conn in self._live_connections(shard_id):
            conn.send({"op": int(Op.RECONNECT), "d": None})

    async def invalidate_session(self, resumable: bool = False, *, shard_id: int | None = None) -> None:
        """Send op 9 INVALID_SESSION. Not resumable: the session is forgotten and the bot must
        IDENTIFY again (discord.py waits 5 s first). Resumable: the bot reconnects and RESUMEs."""
        self._resumes_seen_at_fault = self.count_resumes
        for conn in self._live_connections(shard_id):
            if not resumable and conn.session is not None:
                conn.session.valid = False
            conn.send({"op": int(Op.INVALID_SESSION), "d": resumable})
        self._signal.fire()

    def inject_rate_limit(
        self,
        path_prefix: str,
        retry_after: float,
        global_: bool = False,
        times: int = 1,
        *,
        method: str | None = None,
    ) -> None:
        """Answer the next ``times`` requests whose path starts with ``path_prefix`` (below the API
        base, e.g. ``/channels/``; also ``/interactions/``) with 429, as Discord does.

        discord.py only believes a 429 that carries a ``Via`` header (else it assumes a Cloudflare
        ban and raises), so the fake sends one.
        """
        bucket = hashlib.sha1(path_prefix.encode()).hexdigest()[:16]

        def respond() -> web.Response:
            headers = {
                "Retry-After": str(math.ceil(retry_after)),
                "X-RateLimit-Scope": "global" if global_ else "user",
                "Via": "1.1 google",
            }
            if global_:
                headers["X-RateLimit-Global"] = "true"
            else:
                headers.update(
                    {
                        "X-RateLimit-Limit": "5",
                        "X-RateLimit-Remaining": "0",
                        "X-RateLimit-Reset": f"{time.time() + retry_after:.3f}",
                        "X-RateLimit-Reset-After": f"{retry_after:.3f}",
                        "X-RateLimit-Bucket": bucket,
                    }
                )
            body = {"message": "You are being rate limited.", "retry_after": retry_after, "global": global_}
            if global_:
                body["code"] = 0
            return _json_response(body, status=429, headers=headers)

        self._faults.append(_Fault(path_prefix, method, times, respond))

    def inject_server_error(
        self, path_prefix: str, status: int = 500, times: int = 1, *, method: str | None = None
    ) -> None:
        """Answer the next ``times`` matching requests with a 5xx. discord.py retries 500, 502,
        504 and 524 (after 1 s, 3 s, ...); other statuses raise in the bot."""
        self._faults.append(
            _Fault(path_prefix, method, times, lambda: _error(status, 0, f"{status}: Internal Server Error"))
        )

    # ----------------------------------------------------------------------------- REST plumbing

    async def _rest(self, request: web.Request) -> web.StreamResponse:
        body, files = await self._read_body(request)
        path = "/" + request.match_info["tail"]
        record = RecordedRequest(
            method=request.method,
            path=path,
            query=dict(request.query),
            json=body,
            headers=dict(request.headers),
            files=files,
        )
        self.requests.append(record)
        response = await self._route(request, record)
        record.status = response.status
        self._signal.fire()
        return response

    async def _route(self, request: web.Request, record: RecordedRequest) -> web.Response:
        if request.match_info["version"] != str(API_VERSION):
            return _error(400, 50041, "Invalid API version provided")
        for fault in self._faults:
            if fault.matches(record.method, record.path):
                fault.times -= 1
                return fault.respond()
        for method, pattern, _template, name, needs_auth in _COMPILED_ROUTES:
            match = pattern.fullmatch(record.path)
            if match is None or method != record.method:
                continue
            if needs_auth and request.headers.get("Authorization") != f"Bot {self.token}":
                return _error(401, 0, "401: Unauthorized")
            handler: _Handler = getattr(type(self), name)
            return await handler(self, _Call(record, match.groupdict()))
        self.unhandled.append(record)
        return _error(404, 0, "404: Not Found")

    @staticmethod
    async def _read_body(request: web.Request) -> tuple[Any, list[dict[str, Any]]]:
        """JSON bodies as they are; multipart uploads as their ``payload_json`` plus file facts."""
        if not request.can_read_body:
            return None, []
        if request.content_type == "multipart/form-data":
            payload: Any = None
            files: list[dict[str, Any]] = []
            reader = await request.multipart()
            async for part in reader:
                data = await part.read()  # type: ignore[union-attr]
                if part.name == "payload_json":  # type: ignore[union-attr]
                    payload = json.loads(data)
                else:
                    files.append(
                        {
                            "field": part.name,  # type: ignore[union-attr]
                            "filename": part.filename,  # type: ignore[union-attr]
                            "size": len(data),
                            "content_type": part.headers.get("Content-Type"),  # type: ignore[union-attr]
                        }
                    )
            return payload, files
        raw = await request.read()
        if not raw:
            return None, []
        try:
            return json.loads(raw), []
        except ValueError:
            return raw.decode(errors="replace"), []

    @staticmethod
    def _ratelimit_headers(call: _Call) -> dict[str, str]:
        """Ordinary bucket headers, so discord.py's bucket bookkeeping runs as in production."""
        return {
            "X-RateLimit-Limit": "50",
            "X-RateLimit-Remaining": "49",
            "X-RateLimit-Reset": f"{time.time() + 1:.3f}",
            "X-RateLimit-Reset-After": "1.000",
            "X-RateLimit-Bucket": hashlib.sha1(call.record.path.encode()).hexdigest()[:16],
        }

    def _ok(self, call: _Call, payload: Any, status: int = 200) -> web.Response:
        return _json_response(payload, status=status, headers=self._ratelimit_headers(call))

    # ----------------------------------------------------------------------------- REST: meta

    async def _rest_gateway(self, call: _Call) -> web.Response:
        return self._ok(call, {"url": self.gateway_url})

    async def _rest_gateway_bot(self, call: _Call) -> web.Response:
        return self._ok(
            call,
            {
                "url": self.gateway_url,
                "shards": self.recommended_shards,
                "session_start_limit": {"total": 1000, "remaining": 999, "reset_after": 86_400_000, "max_concurrency": 1},
            },
        )

    async def _rest_me(self, call: _Call) -> web.Response:
        return self._ok(call, self._users[self.bot_user_id])

    async def _rest_user(self, call: _Call) -> web.Response:
        user = self._users.get(_as_int(call.params["user_id"]) or 0)
        return self._ok(call, user) if user else _error(404, 10013, "Unknown User")

    async def _rest_create_dm(self, call: _Call) -> web.Response:
        user_id = _as_int(call.body.get("recipient_id"))
        if user_id not in self._users:
            return _error(400, 50007, "Cannot send messages to this user")
        channel_id = self._dm_channels.setdefault(user_id, self._ids.next())
        channel = {"id": str(channel_id), "type": 1, "last_message_id": None, "recipients": [self._users[user_id]]}
        self._channels.setdefault(channel_id, channel)
        return self._ok(call, channel)

    async def _rest_application(self, call: _Call) -> web.Response:
        return self._ok(call, self._application_payload())

    async def _rest_app_emojis(self, call: _Call) -> web.Response:
        return self._ok(call, {"items": []})

    async def _rest_no_content(self, call: _Call) -> web.Response:
        return web.Response(status=204, headers=self._ratelimit_headers(call))

    # ----------------------------------------------------------------------------- REST: commands

    def _command_scope(self, call: _Call) -> tuple[int | str | None, web.Response | None]:
        if _as_int(call.params["app_id"]) != self.app_id:
            return None, _error(403, 50001, "Missing Access")
        if "guild_id" not in call.params:
            return GLOBAL, None
        guild_id = _as_int(call.params["guild_id"])
        if guild_id != self.guild_id:
            return None, _error(403, 50001, "Missing Access")
        return guild_id, None

    def _stored_command(self, scope: int | str, command: Mapping[str, Any]) -> dict[str, Any]:
        kind = int(command.get("type", 1))
        key = (scope, command["name"], kind)
        command_id = self._command_ids.setdefault(key, self._ids.next())
        stored = {
            "id": str(command_id),
            "application_id": str(self.app_id),
            "version": str(self._ids.next()),
            "type": kind,
            "description": command.get("description", ""),
            "default_member_permissions": None,
            "dm_permission": True,
            "nsfw": False,
            **command,
        }
        stored["id"] = str(command_id)
        if scope != GLOBAL:
            stored["guild_id"] = str(scope)
        return stored

    async def _rest_list_commands(self, call: _Call) -> web.Response:
        scope, refused = self._command_scope(call)
        return refused or self._ok(call, self.commands.get(scope, []))  # type: ignore[arg-type]

    async def _rest_put_commands(self, call: _Call) -> web.Response:
        scope, refused = self._command_scope(call)
        if refused:
            return refused
        assert scope is not None
        body = call.record.json
        if not isinstance(body, list):
            return _form_error({"_errors": [{"code": "BASE_TYPE_ARRAY", "message": "Must be an array."}]})
        errors = _validate_commands(body)
        if errors:
            return _form_error(errors)
        self.commands[scope] = [self._stored_command(scope, c) for c in body]
        self._syncs += 1
        return self._ok(call, self.commands[scope])

    async def _rest_upsert_command(self, call: _Call) -> web.Response:
        scope, refused = self._command_scope(call)
        if refused:
            return refused
        assert scope is not None
        errors = _validate_commands([call.body])
        if errors:
            return _form_error(errors["0"])
        stored = self._stored_command(scope, call.body)
        listing = [c for c in self.commands.get(scope, []) if c["id"] != stored["id"]]
        self.commands[scope] = [*listing, stored]
        return self._ok(call, stored)

    def _find_command(self, call: _Call) -> tuple[int | str | None, dict[str, Any] | None, web.Response | None]:
        scope, refused = self._command_scope(call)
        if refused:
            return None, None, refused
        assert scope is not None
        found = next((c for c in self.commands.get(scope, []) if c["id"] == call.params["command_id"]), None)
        if found is None:
            return scope, None, _error(404, 10063, "Unknown application command")
        return scope, found, None

    async def _rest_get_command(self, call: _Call) -> web.Response:
        _, found, refused = self._find_command(call)
        return refused or self._ok(call, found)

    async def _rest_edit_command(self, call: _Call) -> web.Response:
        _, found, refused = self._find_command(call)
        if refused:
            return refused
        assert found is not None
        found.update({k: v for k, v in call.body.items() if k not in ("id", "application_id")})
        return self._ok(call, found)

    async def _rest_delete_command(self, call: _Call) -> web.Response:
        scope, found, refused = self._find_command(call)
        if refused:
            return refused
        assert scope is not None
        self.commands[scope] = [c for c in self.commands[scope] if c is not found]
        return web.Response(status=204)

    async def _rest_command_permissions(self, call: _Call) -> web.Response:
        return self._ok(call, [])

    # ----------------------------------------------------------------------------- REST: interactions

    async def _rest_callback(self, call: _Call) -> web.Response:
        result = self._interactions_by_token.get(call.params["token"])
        if result is None or str(result.id) != call.params["interaction_id"]:
            return _error(404, 10062, "Unknown interaction")
        result.requests.append(call.record)
        if result.callback is not None:
            return _error(400, 40060, "Interaction has already been acknowledged.")
        body = call.body
        kind = _as_int(body.get("type"))
        data = body.get("data") or {}
        autocomplete = result.type == InteractionType.AUTOCOMPLETE
        allowed = (
            {CallbackType.AUTOCOMPLETE_RESULT}
            if autocomplete
            else {CallbackType.CHANNEL_MESSAGE, CallbackType.DEFERRED_CHANNEL_MESSAGE, CallbackType.MODAL}
        )
        if kind not in allowed:
            return _form_error({"type": _field_error("INTERACTION_CALLBACK_TYPE_INVALID", f"Callback type {kind} is not valid here.")})

        message: dict[str, Any] | None = None
        if kind == CallbackType.CHANNEL_MESSAGE:
            refusal = _validate_message(data, has_files=bool(call.record.files))
            if refusal is not None:
                return _nest_refusal(refusal, "data")
            message = self._interaction_message(result, data, call.record.files, loading=False)
            self._add_visible(result, message, data)
        elif kind == CallbackType.DEFERRED_CHANNEL_MESSAGE:
            message = self._interaction_message(result, {"flags": data.get("flags", 0)}, [], loading=True)
        elif kind == CallbackType.AUTOCOMPLETE_RESULT:
            choices = data.get("choices")
            errors = _validate_choices(choices)
            if errors:
                return _form_error({"data": {"choices": errors}})
        elif kind == CallbackType.MODAL:
            if not data.get("custom_id") or not data.get("title"):
                return _form_error({"data": _field_error("BASE_TYPE_REQUIRED", "This field is required")})

        result.callback = body
        result.original = message
        self._signal.fire()

        answer: dict[str, Any] = {
            "interaction": {
                "id": str(result.id),
                "type": result.type,
                "response_message_loading": kind == CallbackType.DEFERRED_CHANNEL_MESSAGE,
                "response_message_ephemeral": bool(message and message["flags"] & MessageFlag.EPHEMERAL),
            }
        }
        if message is not None:
            answer["interaction"]["response_message_id"] = message["id"]
            answer["resource"] = {"type": kind, "message": message}
        elif kind is not None:
            answer["resource"] = {"type": kind}
        return self._ok(call, answer)

    def _interaction_message(
        self, result: InteractionResult, data: Mapping[str, Any], files: list[dict[str, Any]], *, loading: bool
    ) -> dict[str, Any]:
        flags = int(data.get("flags") or 0) & (MessageFlag.EPHEMERAL | MessageFlag.SUPPRESS_EMBEDS | MessageFlag.SUPPRESS_NOTIFICATIONS)
        if loading:
            flags |= MessageFlag.LOADING
        user = result.payload["member"]["user"]
        message = self._message_object(
            channel_id=int(result.payload["channel_id"]),
            author_id=self.bot_user_id,
            content="" if loading else data.get("content") or "",
            embeds=[] if loading else data.get("embeds") or [],
            components=[] if loading else data.get("components") or [],
            attachments=self._attachments(files),
            flags=flags,
            msg_type=20,
            webhook_id=self.app_id,
            interaction={
                "id": str(result.id),
                "type": result.type,
                "name": result.command,
                "user": user,
                "member": {k: v for k, v in result.payload["member"].items() if k != "user"},
            },
        )
        message["interaction_metadata"] = {
            "id": str(result.id),
            "type": result.type,
            "name": result.command,
            "user": user,
            "authorizing_integration_owners": {"0": str(self.guild_id)},
        }
        self._store_bot_message(message)
        return message

    def _add_visible(self, result: InteractionResult, message: Mapping[str, Any], body: Mapping[str, Any]) -> None:
        visible = {**message, "allowed_mentions": body.get("allowed_mentions")}
        result.messages.append(visible)

    def _webhook_interaction(self, call: _Call) -> InteractionResult | web.Response:
        result = self._interactions_by_token.get(call.params["token"])
        if result is None or _as_int(call.params["app_id"]) != self.app_id:
            return _error(404, 10015, "Unknown Webhook")
        result.requests.append(call.record)
        if result.callback is None:
            return _error(404, 10015, "Unknown Webhook")
        return result

    async def _rest_followup(self, call: _Call) -> web.Response:
        result = self._webhook_interaction(call)
        if isinstance(result, web.Response):
            return result
        body = call.body
        refusal = _validate_message(body, has_files=bool(call.record.files))
        if refusal is not None:
            return refusal
        original = result.original
        if original is not None and original["flags"] & MessageFlag.LOADING:
            # Discord: the first follow-up after a defer replaces the "thinking..." message, and
            # keeps the ephemerality the defer chose.
            message = self._edit_message(original, body, call.record.files, clear_loading=True)
        else:
            flags = int(body.get("flags") or 0) & (MessageFlag.EPHEMERAL | MessageFlag.SUPPRESS_EMBEDS)
            message = self._message_object(
                channel_id=int(result.payload["channel_id"]),
                author_id=self.bot_user_id,
                content=body.get("content") or "",
                embeds=body.get("embeds") or [],
                components=body.get("components") or [],
                attachments=self._attachments(call.record.files),
                flags=flags,
                msg_type=0,
                webhook_id=self.app_id,
            )
            self._store_bot_message(message)
        result.followups.append(message)
        self._add_visible(result, message, body)
        self._signal.fire()
        if call.record.query.get("wait", "").lower() in ("1", "true"):
            return self._ok(call, message)
        return web.Response(status=204)

    def _webhook_message(self, call: _Call, result: InteractionResult) -> dict[str, Any] | None:
        key = call.params["message_id"]
        if key == "@original":
            return result.original
        message = self.messages.get(_as_int(key) or 0)
        if message is None or not (
            message is result.original or any(m["id"] == message["id"] for m in result.followups)
        ):
            return None
        return message

    async def _rest_webhook_get(self, call: _Call) -> web.Response:
        result = self._webhook_interaction(call)
        if isinstance(result, web.Response):
            return result
        message = self._webhook_message(call, result)
        return self._ok(call, message) if message else _error(404, 10008, "Unknown Message")

    async def _rest_webhook_edit(self, call: _Call) -> web.Response:
        result = self._webhook_interaction(call)
        if isinstance(result, web.Response):
            return result
        message = self._webhook_message(call, result)
        if message is None:
            return _error(404, 10008, "Unknown Message")
        refusal = _validate_message(
            {**{k: message.get(k) for k in ("content", "embeds", "components")}, **call.body},
            has_files=bool(call.record.files or message.get("attachments")),
        )
        if refusal is not None:
            return refusal
        edited = self._edit_message(message, call.body, call.record.files, clear_loading=True)
        if call.params["message_id"] == "@original":
            result.edits.append(call.body)
        self._add_visible(result, edited, call.body)
        self._signal.fire()
        return self._ok(call, edited)

    async def _rest_webhook_delete(self, call: _Call) -> web.Response:
        result = self._webhook_interaction(call)
        if isinstance(result, web.Response):
            return result
        message = self._webhook_message(call, result)
        if message is None:
            return _error(404, 10008, "Unknown Message")
        self._delete_message(message)
        return web.Response(status=204)

    # ----------------------------------------------------------------------------- REST: channels

    def _known_channel(self, call: _Call) -> int | None:
        channel_id = _as_int(call.params["channel_id"])
        return channel_id if channel_id in self._channels else None

    async def _rest_channel(self, call: _Call) -> web.Response:
        channel_id = self._known_channel(call)
        return self._ok(call, self._channel_payload(channel_id)) if channel_id else _error(404, 10003, "Unknown Channel")

    async def _rest_channel_history(self, call: _Call) -> web.Response:
        channel_id = self._known_channel(call)
        if channel_id is None:
            return _error(404, 10003, "Unknown Channel")
        limit = min(_as_int(call.record.query.get("limit")) or 50, 100)
        history = [m for m in self.messages.values() if m["channel_id"] == str(channel_id)]
        return self._ok(call, list(reversed(history))[:limit])

    async def _rest_post_message(self, call: _Call) -> web.Response:
        channel_id = self._known_channel(call)
        if channel_id is None:
            return _error(404, 10003, "Unknown Channel")
        body = call.body
        refusal = _validate_message(body, has_files=bool(call.record.files))
        if refusal is not None:
            return refusal
        reference = None
        referenced = None
        raw_reference = body.get("message_reference")
        if raw_reference:
            referenced = self.messages.get(_as_int(raw_reference.get("message_id")) or 0)
            if referenced is None or referenced["channel_id"] != str(channel_id):
                if raw_reference.get("fail_if_not_exists", True):
                    return _form_error(
                        {"message_reference": _field_error("MESSAGE_REFERENCE_UNKNOWN_MESSAGE", "Unknown message")}
                    )
                referenced = None
            if referenced is not None:
                reference = {
                    "type": int(raw_reference.get("type", 0)),
                    "message_id": referenced["id"],
                    "channel_id": str(channel_id),
                }
                if channel_id == self.channel_id:
                    reference["guild_id"] = str(self.guild_id)
        message = self._message_object(
            channel_id=channel_id,
            author_id=self.bot_user_id,
            content=body.get("content") or "",
            embeds=body.get("embeds") or [],
            components=body.get("components") or [],
            attachments=self._attachments(call.record.files),
            flags=int(body.get("flags") or 0) & (MessageFlag.SUPPRESS_EMBEDS | MessageFlag.SUPPRESS_NOTIFICATIONS),
            message_reference=reference,
            referenced_message=referenced,
            tts=bool(body.get("tts")),
        )
        self._store_bot_message(message)
        if referenced is not None and int(referenced["id"]) in self._message_handles:
            handle = self._message_handles[int(referenced["id"])]
            handle.replies.append({**message, "allowed_mentions": body.get("allowed_mentions")})
        self._signal.fire()
        return self._ok(call, message)

    def _channel_message(self, call: _Call) -> dict[str, Any] | web.Response:
        channel_id = self._known_channel(call)
        if channel_id is None:
            return _error(404, 10003, "Unknown Channel")
        message = self.messages.get(_as_int(call.params["message_id"]) or 0)
        if message is None or message["channel_id"] != str(channel_id):
            return _error(404, 10008, "Unknown Message")
        return message

    async def _rest_get_message(self, call: _Call) -> web.Response:
        message = self._channel_message(call)
        return message if isinstance(message, web.Response) else self._ok(call, message)

    async def _rest_edit_message(self, call: _Call) -> web.Response:
        message = self._channel_message(call)
        if isinstance(message, web.Response):
            return message
        if message["author"]["id"] != str(self.bot_user_id):
            return _error(403, 50005, "Cannot edit a message authored by another user")
        refusal = _validate_message(
            {**{k: message.get(k) for k in ("content", "embeds", "components")}, **call.body},
            has_files=bool(call.record.files or message.get("attachments")),
        )
        if refusal is not None:
            return refusal
        edited = self._edit_message(message, call.body, call.record.files, clear_loading=False)
        self._signal.fire()
        return self._ok(call, edited)

    async def _rest_delete_message(self, call: _Call) -> web.Response:
        message = self._channel_message(call)
        if isinstance(message, web.Response):
            return message
        self._delete_message(message)
        return web.Response(status=204)

    # ----------------------------------------------------------------------------- REST: guild

    def _known_guild(self, call: _Call) -> bool:
        return _as_int(call.params["guild_id"]) == self.guild_id

    async def _rest_guild(self, call: _Call) -> web.Response:
        if not self._known_guild(call):
            return _error(404, 10004, "Unknown Guild")
        payload = self._guild_payload(_Session("", 0, 1, 0))
        for key in ("members", "channels", "presences", "voice_states", "threads", "joined_at", "large", "member_count"):
            payload.pop(key, None)
        return self._ok(call, payload)

    async def _rest_guild_channels(self, call: _Call) -> web.Response:
        if not self._known_guild(call):
            return _error(404, 10004, "Unknown Guild")
        return self._ok(call, [self._channel_payload(c) for c in self._channels if self._channels[c].get("guild_id")])

    async def _rest_guild_roles(self, call: _Call) -> web.Response:
        if not self._known_guild(call):
            return _error(404, 10004, "Unknown Guild")
        return self._ok(call, list(self._roles.values()))

    async def _rest_guild_members(self, call: _Call) -> web.Response:
        if not self._known_guild(call):
            return _error(404, 10004, "Unknown Guild")
        limit = min(_as_int(call.record.query.get("limit")) or 1, 1000)
        return self._ok(call, [self._member_payload(m) for m in list(self._members)[:limit]])

    async def _rest_guild_member(self, call: _Call) -> web.Response:
        if not self._known_guild(call):
            return _error(404, 10004, "Unknown Guild")
        user_id = _as_int(call.params["user_id"])
        if user_id not in self._members:
            return _error(404, 10007, "Unknown Member")
        return self._ok(call, self._member_payload(user_id))

    # ----------------------------------------------------------------------------- messages

    def _attachments(self, files: list[dict[str, Any]]) -> list[dict[str, Any]]:
        attachments = []
        for file in files:
            attachment_id = self._ids.next()
            url = f"http://127.0.0.1:{self.port}/attachments/{attachment_id}/{file['filename']}"
            attachments.append(
                {
                    "id": str(attachment_id),
                    "filename": file["filename"],
                    "size": file["size"],
                    "url": url,
                    "proxy_url": url,
                    "content_type": file.get("content_type"),
                }
            )
        return attachments

    def _message_object(
        self,
        *,
        channel_id: int,
        author_id: int,
        content: str,
        embeds: list[dict[str, Any]] | None = None,
        components: list[dict[str, Any]] | None = None,
        attachments: list[dict[str, Any]] | None = None,
        flags: int = 0,
        msg_type: int = 0,
        mentions: list[dict[str, Any]] | None = None,
        mention_roles: list[str] | None = None,
        mention_everyone: bool = False,
        message_reference: dict[str, Any] | None = None,
        referenced_message: dict[str, Any] | None = None,
        webhook_id: int | None = None,
        interaction: dict[str, Any] | None = None,
        tts: bool = False,
    ) -> dict[str, Any]:
        """A message object as Discord's REST API returns it (ids as strings)."""
        message: dict[str, Any] = {
            "id": str(self._ids.next()),
            "type": msg_type,
            "channel_id": str(channel_id),
            "author": self._users[author_id],
            "content": content,
            "timestamp": _now_iso(),
            "edited_timestamp": None,
            "tts": tts,
            "mention_everyone": mention_everyone,
            "mentions": mentions or [],
            "mention_roles": mention_roles or [],
            "attachments": attachments or [],
            "embeds": [_normalize_embed(e) for e in embeds or []],
            "components": components or [],
            "pinned": False,
            "flags": int(flags),
        }
        if message_reference is not None:
            message["message_reference"] = message_reference
            message["referenced_message"] = referenced_message
        if webhook_id is not None:
            message["webhook_id"] = str(webhook_id)
            message["application_id"] = str(self.app_id)
        if interaction is not None:
            message["interaction"] = interaction
        return message

    def _guild_event(self, message: Mapping[str, Any]) -> dict[str, Any] | None:
        """The gateway form of a message in the guild channel (adds guild_id and member)."""
        if message["channel_id"] != str(self.channel_id):
            return None
        author_id = int(message["author"]["id"])
        event = {**message, "guild_id": str(self.guild_id)}
        if author_id in self._members and "webhook_id" not in message:
            event["member"] = self._member_payload(author_id, with_user=False)
        return event

    def _store_bot_message(self, message: dict[str, Any]) -> None:
        """Keep the message; like Discord, tell the bot about its own non-ephemeral messages."""
        self.messages[int(message["id"])] = message
        event = self._guild_event(message)
        if event is not None and not message["flags"] & MessageFlag.EPHEMERAL:
            self._dispatch_guild("MESSAGE_CREATE", event, Intents.GUILD_MESSAGES)

    def _edit_message(
        self, message: dict[str, Any], body: Mapping[str, Any], files: list[dict[str, Any]], *, clear_loading: bool
    ) -> dict[str, Any]:
        for key in ("content", "components"):
            if key in body:
                message[key] = body[key] or ([] if key == "components" else "")
        if "embeds" in body:
            message["embeds"] = [_normalize_embed(e) for e in body["embeds"] or []]
        if "attachments" in body:
            keep = {str(a.get("id")) for a in body["attachments"] or []}
            message["attachments"] = [a for a in message["attachments"] if a["id"] in keep]
        message["attachments"] = [*message["attachments"], *self._attachments(files)]
        if "flags" in body and body["flags"] is not None:
            suppress = int(body["flags"]) & MessageFlag.SUPPRESS_EMBEDS
            message["flags"] = (message["flags"] & ~MessageFlag.SUPPRESS_EMBEDS) | suppress
        if clear_loading and message["flags"] & MessageFlag.LOADING:
            message["flags"] &= ~MessageFlag.LOADING
        else:
            message["edited_timestamp"] = _now_iso()
        event = self._guild_event(message)
        if event is not None and not message["flags"] & MessageFlag.EPHEMERAL:
            self._dispatch_guild("MESSAGE_UPDATE", event, Intents.GUILD_MESSAGES)
        return message

    def _delete_message(self, message: dict[str, Any]) -> None:
        self.messages.pop(int(message["id"]), None)
        if message["channel_id"] == str(self.channel_id) and not message["flags"] & MessageFlag.EPHEMERAL:
            payload = {"id": message["id"], "channel_id": message["channel_id"], "guild_id": str(self.guild_id)}
            self._dispatch_guild("MESSAGE_DELETE", payload, Intents.GUILD_MESSAGES)
        self._signal.fire()

    # ----------------------------------------------------------------------------- interactions

    def _resolve_command(
        self, name: str, subcommand: str | None, group: str | None
    ) -> tuple[dict[str, Any], list[str], list[dict[str, Any]]]:
        """The synced command, the path below it (group, subcommand) and the leaf option schema."""
        if subcommand and " " in subcommand and group is None:
            group, subcommand = subcommand.split(" ", 1)
        for scope in (self.guild_id, GLOBAL):
            command = next(
                (c for c in self.commands.get(scope, []) if c["name"] == name and int(c.get("type", 1)) == 1), None
            )
            if command is not None:
                break
        else:
            synced = {scope: [c["name"] for c in cmds] for scope, cmds in self.commands.items()}
            raise LookupError(f"/{name} has not been synced by the bot; synced: {synced}")

        schema: list[dict[str, Any]] = command.get("options") or []
        path: list[str] = []
        for wanted, kind in ((group, OptionType.SUB_COMMAND_GROUP), (subcommand, OptionType.SUB_COMMAND)):
            if wanted is None:
                continue
            node = next((o for o in schema if o["name"] == wanted and int(o["type"]) == kind), None)
            if node is None:
                names = [o["name"] for o in schema if int(o["type"]) in (1, 2)]
                raise LookupError(f"/{name} {' '.join(path)} has no {kind.name.lower()} {wanted!r}; it has {names}")
            path.append(wanted)
            schema = node.get("options") or []
        if any(int(o["type"]) in (1, 2) for o in schema):
            names = [o["name"] for o in schema]
            raise LookupError(f"/{name} {' '.join(path)} needs a subcommand (one of {names})")
        return command, path, schema

    def _build_options(
        self,
        schema: list[dict[str, Any]],
        given: Mapping[str, Any],
        focused: str | None,
        resolved: dict[str, dict[str, Any]],
    ) -> list[dict[str, Any]]:
        by_name = {o["name"]: o for o in schema}
        unknown = set(given) - set(by_name)
        if unknown:
            raise ValueError(f"unknown option(s) {sorted(unknown)}; the command has {sorted(by_name)}")
        if focused is None:
            missing = [o["name"] for o in schema if o.get("required") and o["name"] not in given]
            if missing:
                raise ValueError(f"required option(s) missing: {missing}")
        elif focused not in by_name:
            raise ValueError(f"focused option {focused!r} is not an option of the command")
        options = []
        for option_name, value in given.items():
            kind = int(by_name[option_name]["type"])
            entry: dict[str, Any] = {"name": option_name, "type": kind}
            if option_name == focused:
                entry.update(value=str(value), focused=True)
            else:
                entry["value"] = self._option_value(kind, value, resolved)
            options.append(entry)
        return options

    def _option_value(self, kind: int, value: Any, resolved: dict[str, dict[str, Any]]) -> Any:
        if kind in (OptionType.USER, OptionType.ROLE, OptionType.CHANNEL, OptionType.MENTIONABLE):
            object_id = int(value)
            if object_id in self._users and kind in (OptionType.USER, OptionType.MENTIONABLE):
                resolved.setdefault("users", {})[str(object_id)] = self._users[object_id]
                if object_id in self._members:
                    member = self._member_payload(object_id, with_user=False, permissions=True)
                    resolved.setdefault("members", {})[str(object_id)] = member
            elif object_id in self._roles and kind in (OptionType.ROLE, OptionType.MENTIONABLE):
                resolved.setdefault("roles", {})[str(object_id)] = self._roles[object_id]
            elif object_id in self._channels and kind == OptionType.CHANNEL:
                channel = self._channels[object_id]
                resolved.setdefault("channels", {})[str(object_id)] = {
                    "id": channel["id"],
                    "name": channel.get("name"),
                    "type": channel["type"],
                    "permissions": str(ALL_PERMISSIONS),
                }
            else:
                raise ValueError(f"option value {value!r} is not a known {OptionType(kind).name.lower()}")
            return str(object_id)
        if kind == OptionType.INTEGER:
            return int(value)
        if kind == OptionType.NUMBER:
            return float(value)
        if kind == OptionType.BOOLEAN:
            return bool(value)
        return str(value)

    async def _send_interaction(
        self,
        kind: InteractionType,
        name: str,
        given: Mapping[str, Any],
        *,
        subcommand: str | None,
        group: str | None,
        focused: str | None,
        user_id: int | None,
        permissions: int | None,
        timeout: float,
    ) -> InteractionResult:
        user_id = user_id if user_id is not None else self.member_id
        if user_id not in self._members:
            raise KeyError(f"user {user_id} is not a member of the fake guild; add_member() first")
        command, path, schema = self._resolve_command(name, subcommand, group)
        resolved: dict[str, dict[str, Any]] = {}
        options = self._build_options(schema, given, focused, resolved)
        for part, kind_of in reversed(list(zip(path, ("group", "sub") if len(path) == 2 else ("sub",), strict=False))):
            option_type = OptionType.SUB_COMMAND_GROUP if kind_of == "group" else OptionType.SUB_COMMAND
            options = [{"name": part, "type": int(option_type), "options": options}]

        data: dict[str, Any] = {"id": command["id"], "name": name, "type": 1, "options": options}
        if "guild_id" in command:
            data["guild_id"] = command["guild_id"]
        if resolved:
            data["resolved"] = resolved
        member = self._member_payload(user_id, permissions=True)
        if permissions is not None:
            member["permissions"] = str(permissions)
        interaction_id = self._ids.next()
        payload: dict[str, Any] = {
            "id": str(interaction_id),
            "application_id": str(self.app_id),
            "type": int(kind),
            "data": data,
            "guild_id": str(self.guild_id),
            "guild": {"id": str(self.guild_id), "locale": "en-US", "features": []},
            "channel_id": str(self.channel_id),
            "channel": {**self._channel_payload(self.channel_id), "permissions": member["permissions"]},
            "member": member,
            "token": f"fake-interaction-{secrets.token_urlsafe(24)}",
            "version": 1,
            "app_permissions": str(self.member_permissions(self.bot_user_id)),
            "locale": "en-US",
            "guild_locale": "en-US",
            "entitlements": [],
            "authorizing_integration_owners": {"0": str(self.guild_id)},
            "context": 0,
            "attachment_size_limit": ATTACHMENT_SIZE_LIMIT,
        }
        result = InteractionResult(self, payload, " ".join([name, *path]))
        self.interactions[interaction_id] = result
        self._interactions_by_token[payload["token"]] = result
        await self._wait_for_session(self.guild_id, timeout)
        self._dispatch_guild("INTERACTION_CREATE", payload, 0)
        return result

    # ----------------------------------------------------------------------------- gateway

    def _owner_shard(self, guild_id: int, shard_count: int) -> int:
        return (guild_id >> 22) % shard_count

    def _session_for_guild(self, guild_id: int) -> _Session | None:
        """The newest valid session whose shard owns the guild (connected or awaiting a RESUME)."""
        for session in reversed(list(self._sessions.values())):
            if session.valid and session.ready and session.shard_id == self._owner_shard(guild_id, session.shard_count):
                return session
        return None

    async def _wait_for_session(self, guild_id: int, timeout: float) -> _Session:
        return await self._signal.wait_until(
            lambda: self._session_for_guild(guild_id),
            timeout,
            lambda: f"a gateway session for guild {guild_id}; connections={self.gateway_connections()!r}",
        )

    def _dispatch(self, session: _Session, event: str, data: Mapping[str, Any]) -> None:
        """Number the event, keep it for RESUME replay, and send it if the session is connected."""
        session.seq += 1
        frame = {"op": int(Op.DISPATCH), "t": event, "s": session.seq, "d": data}
        session.events.append(frame)
        if session.connection is not None:
            session.connection.send(frame)

    def _dispatch_guild(self, event: str, data: Mapping[str, Any], intent: int, *, guild_id: int | None = None) -> bool:
        session = self._session_for_guild(guild_id or self.guild_id)
        if session is None or (intent and not session.has(intent)):
            return False
        self._dispatch(session, event, data)
        self._signal.fire()
        return True

    def _live_connections(self, shard_id: int | None) -> list[_Connection]:
        return [
            c
            for c in self._connections
            if c.live and c.session is not None and (shard_id is None or c.session.shard_id == shard_id)
        ]

    async def _gateway(self, request: web.Request) -> web.WebSocketResponse:
        ws = web.WebSocketResponse(timeout=5.0, max_msg_size=0)
        await ws.prepare(request)
        self._connection_numbers += 1
        conn = _Connection(self._connection_numbers, ws, request)
        self._connections.append(conn)
        conn.writer = asyncio.create_task(conn.write_forever())
        try:
            if request.query.get("v", str(API_VERSION)) != str(API_VERSION):
                await conn.close(CloseCode.INVALID_API_VERSION, "Invalid API version")
                return ws
            if request.query.get("encoding", "json") != "json":
                await conn.close(CloseCode.DECODE_ERROR, "Only JSON encoding is supported")
                return ws
            conn.send({"op": int(Op.HELLO), "d": {"heartbeat_interval": self.heartbeat_interval_ms}, "s": None, "t": None})
            async for msg in ws:
                if msg.type is not WSMsgType.TEXT:
                    await conn.close(CloseCode.DECODE_ERROR, "Decode error")
                    break
                await self._on_frame(conn, msg.data)
        finally:
            conn.closed = True
            if conn.session is not None and conn.session.connection is conn:
                conn.session.connection = None
            if conn.writer is not None:
                conn.writer.cancel()
            self._signal.fire()
        return ws

    async def _on_frame(self, conn: _Connection, text: str) -> None:
        try:
            frame = json.loads(text)
            op = int(frame["op"])
        except (ValueError, KeyError, TypeError):
            await conn.close(CloseCode.DECODE_ERROR, "Decode error")
            return
        data = frame.get("d")
        if op == Op.HEARTBEAT:
            self._heartbeats += 1
            conn.send({"op": int(Op.HEARTBEAT_ACK), "d": None})
            self._signal.fire()
        elif op == Op.IDENTIFY:
            await self._on_identify(conn, data if isinstance(data, dict) else {})
        elif op == Op.RESUME:
            await self._on_resume(conn, data if isinstance(data, dict) else {})
        elif conn.session is None:
            await conn.close(CloseCode.NOT_AUTHENTICATED, "Not authenticated")
        elif op == Op.REQUEST_GUILD_MEMBERS:
            self._on_request_members(conn.session, data if isinstance(data, dict) else {})
        elif op in (Op.PRESENCE_UPDATE, Op.VOICE_STATE_UPDATE):
            pass
        else:
            await conn.close(CloseCode.UNKNOWN_OPCODE, "Unknown opcode")

    def _token_ok(self, token: Any) -> bool:
        return isinstance(token, str) and token.removeprefix("Bot ") == self.token

    async def _on_identify(self, conn: _Connection, data: dict[str, Any]) -> None:
        handshake = Handshake("IDENTIFY", conn.path, data)
        self.identifies.append(handshake)
        self._signal.fire()
        if conn.session is not None:
            await conn.close(CloseCode.ALREADY_AUTHENTICATED, "Already authenticated")
            return
        if not self._token_ok(data.get("token")):
            await conn.close(CloseCode.AUTHENTICATION_FAILED, "Authentication failed")
            return
        intents = data.get("intents")
        if not isinstance(intents, int):
            await conn.close(CloseCode.INVALID_INTENTS, "Invalid intent(s)")
            return
        if intents & PRIVILEGED_INTENTS & ~self.privileged_intents:
            await conn.close(CloseCode.DISALLOWED_INTENTS, "Disallowed intent(s)")
            return
        shard = data.get("shard") or [0, 1]
        if (
            not isinstance(shard, list)
            or len(shard) != 2
            or not all(isinstance(n, int) for n in shard)
            or not 0 <= shard[0] < shard[1]
        ):
            await conn.close(CloseCode.INVALID_SHARD, "Invalid shard")
            return

        session = _Session(id=secrets.token_hex(16), shard_id=shard[0], shard_count=shard[1], intents=intents)
        session.connection = conn
        conn.session = session
        self._sessions[session.id] = session
        handshake.accepted = True
        owns_guild = self._owner_shard(self.guild_id, session.shard_count) == session.shard_id
        self._dispatch(
            session,
            "READY",
            {
                "v": API_VERSION,
                "user": self._users[self.bot_user_id],
                "guilds": [{"id": str(self.guild_id), "unavailable": True}] if owns_guild else [],
                "session_id": session.id,
                "session_type": "normal",
                "resume_gateway_url": self.resume_gateway_url,
                "shard": shard,
                "application": {"id": str(self.app_id), "flags": 0},
                "private_channels": [],
                "relationships": [],
                "presences": [],
                "guild_join_requests": [],
                "geo_ordered_rtc_regions": [],
                "user_settings": {},
            },
        )
        if owns_guild:
            self._dispatch(session, "GUILD_CREATE", self._guild_payload(session))
        session.ready = True
        self._signal.fire()

    async def _on_resume(self, conn: _Connection, data: dict[str, Any]) -> None:
        handshake = Handshake("RESUME", conn.path, data)
        self.resumes.append(handshake)
        self._signal.fire()
        if conn.session is not None:
            await conn.close(CloseCode.ALREADY_AUTHENTICATED, "Already authenticated")
            return
        if not self._token_ok(data.get("token")):
            await conn.close(CloseCode.AUTHENTICATION_FAILED, "Authentication failed")
            return
        session = self._sessions.get(str(data.get("session_id")))
        if session is None or not session.valid:
            conn.send({"op": int(Op.INVALID_SESSION), "d": False})
            return
        previous = session.connection
        session.connection = conn
        conn.session = session
        if previous is not None and previous is not conn:
            previous.session = None
            await previous.close(CloseCode.UNKNOWN_ERROR, "Session resumed elsewhere")
        seen = _as_int(data.get("seq")) or 0
        for frame in session.events:
            if frame["s"] > seen:
                conn.send(frame)
        self._dispatch(session, "RESUMED", {})
        handshake.accepted = True
        self._signal.fire()

    def _on_request_members(self, session: _Session, data: dict[str, Any]) -> None:
        if _as_int(data.get("guild_id")) != self.guild_id:
            return
        wanted = {int(u) for u in data.get("user_ids") or []}
        query = str(data.get("query") or "").lower()
        members = [
            self._member_payload(user_id)
            for user_id in self._members
            if session.has(Intents.GUILD_MEMBERS) or user_id in wanted
            if (not wanted or user_id in wanted) and self._users[user_id]["username"].lower().startswith(query)
        ]
        limit = _as_int(data.get("limit")) or 0
        if limit:
            members = members[:limit]
        chunk = {"guild_id": str(self.guild_id), "members": members, "chunk_index": 0, "chunk_count": 1}
        if data.get("nonce") is not None:
            chunk["nonce"] = data["nonce"]
        self._dispatch(session, "GUILD_MEMBERS_CHUNK", chunk)
        self._signal.fire()


# --------------------------------------------------------------------------------------------
# Discord's limits, so a bot that would be refused in production is refused here too
# --------------------------------------------------------------------------------------------

_EMBED_LIMITS = {"title": 256, "description": 4096}


def _normalize_embed(embed: Mapping[str, Any]) -> dict[str, Any]:
    """Discord echoes embeds with a ``type`` ("rich" unless given)."""
    return {"type": "rich", **embed}


def _too_long(value: Any, limit: int) -> bool:
    return isinstance(value, str) and len(value) > limit


def _max_length(limit: int) -> dict[str, Any]:
    return _field_error("BASE_TYPE_MAX_LENGTH", f"Must be {limit} or fewer in length.")


def _validate_embed(embed: Mapping[str, Any]) -> tuple[dict[str, Any], int]:
    """Per-field errors for one embed, and its character count toward the 6000 total."""
    errors: dict[str, Any] = {}
    total = 0
    for key, limit in _EMBED_LIMITS.items():
        value = embed.get(key)
        if isinstance(value, str):
            total += len(value)
            if len(value) > limit:
                errors[key] = _max_length(limit)
    for key, inner, limit in (("footer", "text", 2048), ("author", "name", 256)):
        value = (embed.get(key) or {}).get(inner)
        if isinstance(value, str):
            total += len(value)
            if len(value) > limit:
                errors[key] = {inner: _max_length(limit)}
    fields = embed.get("fields") or []
    if len(fields) > 25:
        errors["fields"] = _field_error("BASE_TYPE_MAX_LENGTH", "Must be 25 or fewer in length.")
    field_errors: dict[str, Any] = {}
    for index, entry in enumerate(fields):
        problems: dict[str, Any] = {}
        for key, limit in (("name", 256), ("value", 1024)):
            value = entry.get(key)
            if not isinstance(value, str) or not value.strip():
                problems[key] = _field_error("BASE_TYPE_REQUIRED", "This field is required")
                continue
            total += len(value)
            if len(value) > limit:
                problems[key] = _max_length(limit)
        if problems:
            field_errors[str(index)] = problems
    if field_errors and "fields" not in errors:
        errors["fields"] = field_errors
    return errors, total


def _validate_message(body: Mapping[str, Any], *, has_files: bool) -> web.Response | None:
    """None if Discord would accept the message body, else Discord's error answer."""
    content = body.get("content")
    embeds = body.get("embeds") or []
    errors: dict[str, Any] = {}
    if _too_long(content, 2000):
        errors["content"] = _max_length(2000)
    if len(embeds) > 10:
        errors["embeds"] = _field_error("BASE_TYPE_MAX_LENGTH", "Must be 10 or fewer in length.")
    else:
        total = 0
        embed_errors: dict[str, Any] = {}
        for index, embed in enumerate(embeds):
            problems, size = _validate_embed(embed)
            total += size
            if problems:
                embed_errors[str(index)] = problems
        if total > 6000:
            embed_errors.setdefault("0", {})["description"] = _field_error(
                "MAX_EMBED_SIZE_EXCEEDED", "Embed size exceeds maximum size of 6000"
            )
        if embed_errors:
            errors["embeds"] = embed_errors
    if errors:
        return _form_error(errors)
    if not (content or embeds or body.get("components") or body.get("sticker_ids") or body.get("poll") or has_files):
        return _error(400, 50006, "Cannot send an empty message")
    return None


def _nest_refusal(refusal: web.Response, key: str) -> web.Response:
    """Re-home a message refusal under ``data`` for interaction callbacks, as Discord reports it."""
    assert isinstance(refusal.body, bytes)
    body = json.loads(refusal.body)
    if "errors" in body:
        body["errors"] = {key: body["errors"]}
    return _json_response(body, status=refusal.status)


def _validate_choices(choices: Any) -> dict[str, Any] | None:
    if not isinstance(choices, list):
        return _field_error("BASE_TYPE_REQUIRED", "This field is required")
    if len(choices) > 25:
        return _field_error("BASE_TYPE_MAX_LENGTH", "Must be 25 or fewer in length.")
    errors: dict[str, Any] = {}
    for index, choice in enumerate(choices):
        name = choice.get("name") if isinstance(choice, dict) else None
        value = choice.get("value") if isinstance(choice, dict) else None
        if not isinstance(name, str) or not 1 <= len(name) <= 100:
            errors[str(index)] = {"name": _field_error("BASE_TYPE_BAD_LENGTH", "Must be between 1 and 100 in length.")}
        elif isinstance(value, str) and len(value) > 100:
            errors[str(index)] = {"value": _max_length(100)}
        elif value is None:
            errors[str(index)] = {"value": _field_error("BASE_TYPE_REQUIRED", "This field is required")}
    return errors or None


def _validate_options(options: Sequence[Mapping[str, Any]], depth: int) -> dict[str, Any]:
    errors: dict[str, Any] = {}
    if len(options) > 25:
        return {"_errors": [{"code": "BASE_TYPE_MAX_LENGTH", "message": "Must be 25 or fewer in length."}]}
    seen_optional = False
    names: set[str] = set()
    for index, option in enumerate(options):
        problems: dict[str, Any] = {}
        name = option.get("name", "")
        if not _COMMAND_NAME.match(name) or name != name.lower():
            problems["name"] = _field_error("APPLICATION_COMMAND_INVALID_NAME", "Command name is invalid")
        if name in names:
            problems["name"] = _field_error("APPLICATION_COMMAND_OPTIONS_NAME_ALREADY_EXISTS", "Option name exists")
        names.add(name)
        description = option.get("description", "")
        if not isinstance(description, str) or not 1 <= len(description) <= 100:
            problems["description"] = _field_error("BASE_TYPE_BAD_LENGTH", "Must be between 1 and 100 in length.")
        kind = int(option.get("type", 0))
        if kind in (OptionType.SUB_COMMAND, OptionType.SUB_COMMAND_GROUP):
            if depth >= 2 or (kind == OptionType.SUB_COMMAND_GROUP and depth >= 1):
                problems["type"] = _field_error("APPLICATION_COMMAND_OPTION_TYPE_INVALID", "Too deeply nested")
            nested = _validate_options(option.get("options") or [], depth + 1)
            if nested:
                problems["options"] = nested
        else:
            if option.get("required"):
                if seen_optional:
                    problems["required"] = _field_error(
                        "APPLICATION_COMMAND_OPTIONS_REQUIRED_INVALID", "Required options must be placed before non-required options"
                    )
            else:
                seen_optional = True
            if len(option.get("choices") or []) > 25:
                problems["choices"] = _field_error("BASE_TYPE_MAX_LENGTH", "Must be 25 or fewer in length.")
        if problems:
            errors[str(index)] = problems
    return errors


def _validate_commands(commands: Sequence[Any]) -> dict[str, Any]:
    """Discord's checks on a bulk command overwrite that a bot can plausibly trip."""
    errors: dict[str, Any] = {}
    chat_input = [c for c in commands if isinstance(c, dict) and int(c.get("type", 1)) == 1]
    if len(chat_input) > 100:
        return {"_errors": [{"code": "BASE_TYPE_MAX_LENGTH", "message": "Must be 100 or fewer in length."}]}
    seen: set[tuple[int, str]] = set()
    for index, command in enumerate(commands):
        if not isinstance(command, dict):
            errors[str(index)] = _field_error("DICT_TYPE_CONVERT", "Only dictionaries may be used in a DictType")
            continue
        problems: dict[str, Any] = {}
        kind = int(command.get("type", 1))
        name = command.get("name", "")
        if not isinstance(name, str) or not _COMMAND_NAME.match(name) or (kind == 1 and name != name.lower()):
            problems["name"] = _field_error("APPLICATION_COMMAND_INVALID_NAME", "Command name is invalid")
        if (kind, name) in seen:
            problems["name"] = _field_error("APPLICATION_COMMANDS_DUPLICATE_NAME", "Application command names must be unique")
        seen.add((kind, name))
        if kind == 1:
            description = command.get("description", "")
            if not isinstance(description, str) or not 1 <= len(description) <= 100:
                problems["description"] = _field_error("BASE_TYPE_BAD_LENGTH", "Must be between 1 and 100 in length.")
            option_errors = _validate_options(command.get("options") or [], 0)
            if option_errors:
                problems["options"] = option_errors
        if problems:
            errors[str(index)] = problems
    return errors
