"""The curation store: what the bot could not answer, and what people thought of its answers.

Moderators improve the fact base by reading two reports: the questions the bot declined most
often (its gaps), and the facts whose answers people marked as wrong. Both come from one
embedded SQLite file, written by the bot and read by `summitbot gaps` / `summitbot feedback`.

Why these choices:

* SQLite in WAL mode lets the command line read while the bot writes, and a crash or a kill
  mid-write loses at most the transaction in flight, never the file. `synchronous=NORMAL` is
  the WAL setting that skips an fsync per commit; a power cut may drop the last commits, which
  is an acceptable loss for a curation log.
* The schema is versioned with `PRAGMA user_version` and grown only by appending to
  `MIGRATIONS`, each applied in its own transaction, so an old file upgrades in place and a
  half-applied migration never exists.
* One connection, guarded by a lock: the Discord layer calls the store through
  `asyncio.to_thread`, so calls may come from several worker threads, one at a time each.
* Privacy: a declined question keeps its text, server, channel and time, never who asked.
  Votes keep the voter's id only to allow one vote per person per answer.
"""

from __future__ import annotations

import sqlite3
import threading
from collections import Counter
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from enum import StrEnum
from pathlib import Path
from types import TracebackType

from rapidfuzz import fuzz, process

from bot.core.text import normalize

# Waiting this long for another process's write lock (the bot and the command line may share
# the file) beats failing at once with "database is locked".
BUSY_TIMEOUT_SECONDS = 5.0

# A pasted essay is not a question to curate; keeping the head bounds the file and the
# clustering time.
MAX_QUESTION_CHARS = 1000

# How many wordings of one gap a report shows.
MAX_EXAMPLES = 3

Migration = str | Callable[[sqlite3.Connection], None]

# Append only: a released migration is never edited, since files in the wild already ran it.
MIGRATIONS: Sequence[Migration] = (
    # 1: declined questions (no user column, on purpose) and one vote per user per answer.
    """
    CREATE TABLE declined (
        id         INTEGER PRIMARY KEY,
        text       TEXT    NOT NULL CHECK (length(text) > 0),
        guild_id   INTEGER,
        channel_id INTEGER,
        asked_at   TEXT    NOT NULL  -- UTC, ISO 8601 with microseconds, so it sorts as text
    );
    CREATE INDEX declined_by_time ON declined (asked_at);
    CREATE INDEX declined_by_guild ON declined (guild_id, asked_at);

    CREATE TABLE votes (
        message_id INTEGER NOT NULL,
        user_id    INTEGER NOT NULL,
        fact_id    TEXT    NOT NULL,
        helpful    INTEGER NOT NULL CHECK (helpful IN (0, 1)),
        guild_id   INTEGER,
        voted_at   TEXT    NOT NULL,
        PRIMARY KEY (message_id, user_id)
    ) WITHOUT ROWID;
    CREATE INDEX votes_by_fact ON votes (fact_id);
    CREATE INDEX votes_by_guild ON votes (guild_id);
    """,
)


class StoreError(Exception):
    """The store file cannot be used by this version of the bot."""


class VoteResult(StrEnum):
    """What a vote did, so the bot can say "thanks" or "vote changed" truthfully."""

    NEW = "new"
    CHANGED = "changed"
    SAME = "same"


@dataclass(frozen=True)
class FactFeedback:
    """The votes on every answer that quoted one fact."""

    fact_id: str
    helpful: int
    wrong: int

    @property
    def total(self) -> int:
        return self.helpful + self.wrong


@dataclass(frozen=True)
class Gap:
    """One question the bot keeps declining, however it was worded.

    `representative` is the most asked wording; `examples` are the most asked distinct
    wordings of the cluster (the representative first); `count` counts every time it was asked.
    """

    representative: str
    count: int
    examples: tuple[str, ...]
    last_asked: datetime


class CurationStore:
    """Declined questions and answer votes in one SQLite file; safe to call from any thread."""

    def __init__(self, connection: sqlite3.Connection, path: Path) -> None:
        """Use `CurationStore.open(path)`; this only wraps an already prepared connection."""
        self.path = path
        self._connection = connection
        self._lock = threading.Lock()
        self._closed = False

    # --- opening and closing ----------------------------------------------------------------

    @classmethod
    def open(cls, path: Path) -> CurationStore:
        """Open the store at `path`, creating its folder and file and upgrading its schema."""
        path = Path(path)
        path.parent.mkdir(parents=True, exist_ok=True)
        connection = sqlite3.connect(path, timeout=BUSY_TIMEOUT_SECONDS, isolation_level=None, check_same_thread=False)
        try:
            _configure(connection)
            migrate(connection)
        except BaseException:
            connection.close()
            raise
        return cls(connection, path)

    def close(self) -> None:
        """Close the connection; closing twice is harmless."""
        with self._lock:
            if not self._closed:
                self._closed = True
                self._connection.close()

    def __enter__(self) -> CurationStore:
        return self

    def __exit__(
        self, kind: type[BaseException] | None, error: BaseException | None, traceback: TracebackType | None
    ) -> None:
        self.close()

    # --- declined questions -----------------------------------------------------------------

    def record_declined(
        self, text: str, guild_id: int | None, channel_id: int | None, at: datetime | None = None
    ) -> None:
        """Remember a question the bot could not answer.

        Deliberately takes no user: the gap report needs what was asked and where, not by whom.
        Blank questions teach nothing and are not stored.
        """
        text = text.strip()[:MAX_QUESTION_CHARS]
        if not text:
            return
        with self._write() as connection:
            connection.execute(
                "INSERT INTO declined (text, guild_id, channel_id, asked_at) VALUES (?, ?, ?, ?)",
                (text, guild_id, channel_id, _timestamp(at)),
            )

    def gaps(self, limit: int = 10, guild_id: int | None = None, similarity: float = 80) -> list[Gap]:
        """The most asked declined questions, near-duplicates counted together.

        Wordings are normalised, then greedily clustered, most asked first: each joins the cluster
        whose representative it resembles most, if that scores at least `similarity` (0-100), and
        otherwise starts a cluster of its own.
        The score is rapidfuzz's token-sort ratio, which forgives typos and word order but,
        unlike token-set ratio or WRatio, does not call "who is xi" the same question as "who is
        xi jinping married to", nor "when did xi leave" the same as "when did putin leave".
        Only distinct wordings are clustered, so thousands of repeats cost nothing.

        `guild_id` None means every server.
        """
        _check_limit(limit)
        if not 0 <= similarity <= 100:
            raise ValueError(f"similarity is a score from 0 to 100, got {similarity}")
        wordings = _group_wordings(self._declined_wordings(guild_id))
        clusters = _cluster(wordings, similarity)
        clusters.sort(key=lambda c: (-c.count, -c.last_asked.timestamp(), c.key))
        return [c.gap() for c in clusters[:limit]]

    def _declined_wordings(self, guild_id: int | None) -> list[tuple[str, int, str]]:
        """(text, times asked, last asked) for every distinct text, optionally in one guild."""
        query = "SELECT text, COUNT(*), MAX(asked_at) FROM declined"
        if guild_id is not None:
            return self._read(f"{query} WHERE guild_id = ? GROUP BY text", (guild_id,))
        return self._read(f"{query} GROUP BY text")

    def purge_older_than(self, days: int, now: datetime | None = None) -> int:
        """Delete declined questions asked more than `days` ago; returns how many went.

        A retention limit keeps the log about what the article is asked now, and keeps no
        more than it needs.
        """
        if days < 0:
            raise ValueError(f"days must not be negative, got {days}")
        cutoff = _timestamp((now or datetime.now(UTC)) - timedelta(days=days))
        with self._write() as connection:
            return connection.execute("DELETE FROM declined WHERE asked_at < ?", (cutoff,)).rowcount

    # --- votes ------------------------------------------------------------------------------

    def vote(self, message_id: int, fact_id: str, user_id: int, helpful: bool, guild_id: int | None) -> VoteResult:
        """Record one person's verdict on one answer message, replacing their earlier vote.

        The user id is stored because "one vote per user per answer" cannot be enforced without
        it; it is used for nothing else, never appears in a report, and `forget_guild` erases
        it with the rest of that server's data.
        """
        with self._write() as connection:
            row = connection.execute(
                "SELECT helpful FROM votes WHERE message_id = ? AND user_id = ?", (message_id, user_id)
            ).fetchone()
            connection.execute(
                "INSERT INTO votes (message_id, user_id, fact_id, helpful, guild_id, voted_at)"
                " VALUES (?, ?, ?, ?, ?, ?)"
                " ON CONFLICT (message_id, user_id) DO UPDATE SET"
                " fact_id = excluded.fact_id, helpful = excluded.helpful,"
                " guild_id = excluded.guild_id, voted_at = excluded.voted_at",
                (message_id, user_id, fact_id, int(helpful), guild_id, _timestamp(None)),
            )
        if row is None:
            return VoteResult.NEW
        return VoteResult.SAME if bool(row[0]) == helpful else VoteResult.CHANGED

    def feedback_report(self, limit: int = 10) -> list[FactFeedback]:
        """Votes per fact, the most often called wrong first: the facts to re-check first."""
        _check_limit(limit)
        rows = self._read(
            "SELECT fact_id, SUM(helpful), SUM(1 - helpful) AS wrong FROM votes"
            " GROUP BY fact_id ORDER BY wrong DESC, SUM(helpful) ASC, fact_id LIMIT ?",
            (limit,),
        )
        return [FactFeedback(fact_id, helpful, wrong) for fact_id, helpful, wrong in rows]

    # --- retention --------------------------------------------------------------------------

    def forget_guild(self, guild_id: int) -> int:
        """Delete every row of one server, in every table; returns how many went.

        For a server that removes the bot or asks to be forgotten. Tables are found by their
        `guild_id` column, so a table added by a later migration is covered without edits here.
        """
        with self._write() as connection:
            return sum(
                connection.execute(f'DELETE FROM "{table}" WHERE guild_id = ?', (guild_id,)).rowcount
                for table in _tables_with_column(connection, "guild_id")
            )

    # --- plumbing ---------------------------------------------------------------------------

    @contextmanager
    def _write(self) -> Iterator[sqlite3.Connection]:
        """One write transaction, holding the thread lock and the database's write lock.

        BEGIN IMMEDIATE takes the write lock up front, so a read-then-write (a vote) cannot
        interleave with another process writing the same file.
        """
        with self._lock, _transaction(self._connection) as connection:
            yield connection

    def _read(self, sql: str, parameters: Sequence[object] = ()) -> list[tuple]:
        with self._lock:
            return self._connection.execute(sql, parameters).fetchall()


# --- schema ---------------------------------------------------------------------------------


def _configure(connection: sqlite3.Connection) -> None:
    """Per-connection settings; journal_mode must be set outside a transaction and persists."""
    connection.execute("PRAGMA journal_mode=WAL")
    connection.execute("PRAGMA synchronous=NORMAL")
    connection.execute("PRAGMA foreign_keys=ON")


def migrate(connection: sqlite3.Connection, migrations: Sequence[Migration] = MIGRATIONS) -> int:
    """Apply the migrations the file has not had yet, one transaction each; returns the version.

    The version is re-read inside each write transaction, so two processes opening a new file
    at once cannot both apply the same step.
    """
    while True:
        with _transaction(connection):
            version = schema_version(connection)
            if version > len(migrations):
                raise StoreError(
                    f"the store has schema version {version}, newer than this bot knows "
                    f"({len(migrations)}); upgrade the bot"
                )
            if version == len(migrations):
                return version
            _apply(connection, migrations[version])
            connection.execute(f"PRAGMA user_version = {version + 1}")


def schema_version(connection: sqlite3.Connection) -> int:
    return connection.execute("PRAGMA user_version").fetchone()[0]


def _apply(connection: sqlite3.Connection, migration: Migration) -> None:
    if callable(migration):
        migration(connection)
        return
    # Not executescript(): it commits first, which would split the migration from its version.
    for statement in _statements(migration):
        connection.execute(statement)


def _statements(script: str) -> Iterator[str]:
    """Split SQL on the semicolons that end statements (not those in strings or triggers)."""
    buffer = ""
    for piece in script.split(";"):
        buffer += piece + ";"
        if sqlite3.complete_statement(buffer):
            if buffer.strip(" \t\r\n;"):
                yield buffer.strip()
            buffer = ""
    if buffer.strip(" \t\r\n;"):
        raise ValueError(f"incomplete SQL statement in migration: {buffer.strip()!r}")


@contextmanager
def _transaction(connection: sqlite3.Connection) -> Iterator[sqlite3.Connection]:
    connection.execute("BEGIN IMMEDIATE")
    try:
        yield connection
        connection.execute("COMMIT")
    except BaseException:
        if connection.in_transaction:
            connection.execute("ROLLBACK")
        raise


def _tables_with_column(connection: sqlite3.Connection, column: str) -> list[str]:
    tables = [
        name
        for (name,) in connection.execute(
            "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%' ORDER BY name"
        )
    ]
    return [t for t in tables if any(row[1] == column for row in connection.execute(f'PRAGMA table_info("{t}")'))]


# --- time -----------------------------------------------------------------------------------


def _timestamp(at: datetime | None) -> str:
    """A fixed-width UTC ISO 8601 string, so that comparing text compares time."""
    at = at or datetime.now(UTC)
    if at.utcoffset() is None:
        raise ValueError("timestamps must be timezone-aware (e.g. datetime.now(UTC))")
    return at.astimezone(UTC).isoformat(timespec="microseconds")


def _parse_timestamp(text: str) -> datetime:
    return datetime.fromisoformat(text).astimezone(UTC)


def _check_limit(limit: int) -> None:
    # SQLite reads a negative LIMIT as "no limit"; a report of everything should be asked for.
    if limit < 1:
        raise ValueError(f"limit must be at least 1, got {limit}")


# --- clustering -----------------------------------------------------------------------------


@dataclass
class _Wording:
    """Every raw text that normalises to one string."""

    key: str
    count: int = 0
    last_asked: str = ""
    texts: Counter[str] = field(default_factory=Counter)

    @property
    def sort_key(self) -> str:
        # token_sort_ratio sorts the words of both sides on every call; sorting once here and
        # comparing with plain ratio gives the same score several times faster.
        return " ".join(sorted(self.key.split()))


_NEVER = datetime.min.replace(tzinfo=UTC)


@dataclass
class _Cluster:
    key: str
    count: int = 0
    last_asked: datetime = _NEVER
    texts: Counter[str] = field(default_factory=Counter)

    def add(self, wording: _Wording) -> None:
        self.count += wording.count
        self.last_asked = max(self.last_asked, _parse_timestamp(wording.last_asked))
        self.texts.update(wording.texts)

    def gap(self) -> Gap:
        examples = tuple(text for text, _ in _most_common(self.texts, MAX_EXAMPLES))
        return Gap(examples[0], self.count, examples, self.last_asked)


def _group_wordings(rows: Sequence[tuple[str, int, str]]) -> list[_Wording]:
    """Fold raw texts into normalised wordings, most asked (then most recent) first.

    Normalising here rather than storing a normalised column keeps the file free of derived
    data that a change to `normalize` would make stale.
    """
    wordings: dict[str, _Wording] = {}
    for text, count, last_asked in rows:
        key = normalize(text)
        if not key:
            continue  # only punctuation or symbols: nothing a fact could answer
        wording = wordings.setdefault(key, _Wording(key))
        wording.count += count
        wording.last_asked = max(wording.last_asked, last_asked)
        wording.texts[text] += count
    ordered = sorted(wordings.values(), key=lambda w: w.key)
    ordered.sort(key=lambda w: (w.count, w.last_asked), reverse=True)
    return ordered


def _cluster(wordings: Sequence[_Wording], similarity: float) -> list[_Cluster]:
    """Greedy clustering against each cluster's representative (its most asked wording)."""
    clusters: list[_Cluster] = []
    representatives: list[str] = []
    for wording in wordings:
        sort_key = wording.sort_key
        match = (
            process.extractOne(sort_key, representatives, scorer=fuzz.ratio, score_cutoff=similarity)
            if representatives
            else None
        )
        if match is None:
            clusters.append(_Cluster(wording.key))
            representatives.append(sort_key)
            cluster = clusters[-1]
        else:
            cluster = clusters[match[2]]
        cluster.add(wording)
    return clusters


def _most_common(counts: Counter[str], n: int) -> list[tuple[str, int]]:
    """Counter.most_common with ties broken by text, so reports do not shuffle between runs."""
    return sorted(counts.items(), key=lambda item: (-item[1], item[0]))[:n]
