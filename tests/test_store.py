"""The curation store: schema migrations, privacy, gap clustering, votes, retention, crashes."""

from __future__ import annotations

import os
import select
import signal
import sqlite3
import subprocess
import sys
import threading
import time
from datetime import UTC, datetime, timedelta, timezone
from pathlib import Path

import pytest

from bot.core.store import MIGRATIONS, CurationStore, FactFeedback, StoreError, VoteResult, migrate, schema_version
from bot.core.text import normalize
from tests.conftest import ROOT

NOW = datetime(2024, 7, 4, 12, 0, tzinfo=UTC)


@pytest.fixture
def db(tmp_path: Path) -> Path:
    return tmp_path / "nested" / "folder" / "curation.sqlite3"


@pytest.fixture
def store(db: Path):
    with CurationStore.open(db) as opened:
        yield opened


def raw(path: Path) -> sqlite3.Connection:
    """A plain connection, to check what is really on disk."""
    return sqlite3.connect(path)


def columns(connection: sqlite3.Connection, table: str) -> list[str]:
    return [row[1] for row in connection.execute(f"PRAGMA table_info({table})")]


# --- schema ---------------------------------------------------------------------------------


def test_open_creates_folders_file_and_schema(db: Path):
    with CurationStore.open(db):
        pass
    assert db.is_file()
    with raw(db) as connection:
        assert schema_version(connection) == len(MIGRATIONS) >= 1
        tables = {name for (name,) in connection.execute("SELECT name FROM sqlite_master WHERE type = 'table'")}
        assert {"declined", "votes"} <= tables
        assert connection.execute("PRAGMA journal_mode").fetchone()[0] == "wal"


def test_connection_settings(store: CurationStore):
    connection = store._connection
    assert connection.execute("PRAGMA synchronous").fetchone()[0] == 1  # NORMAL
    assert connection.execute("PRAGMA foreign_keys").fetchone()[0] == 1


def test_reopening_applies_nothing_twice_and_keeps_data(db: Path):
    with CurationStore.open(db) as store:
        store.record_declined("who won the world cup", 1, 2, at=NOW)
    with CurationStore.open(db) as store:  # would fail with "table declined already exists"
        assert [g.count for g in store.gaps()] == [1]
    with raw(db) as connection:
        assert schema_version(connection) == len(MIGRATIONS)


def test_migrations_run_in_order_once_each_and_a_new_one_alone(tmp_path: Path):
    applied: list[str] = []
    first = [
        "CREATE TABLE a (x INTEGER); INSERT INTO a VALUES (1);",
        lambda connection: applied.append("second"),
    ]
    connection = sqlite3.connect(tmp_path / "m.sqlite3", isolation_level=None)
    assert migrate(connection, first) == 2
    assert migrate(connection, first) == 2
    assert applied == ["second"]
    assert migrate(connection, [*first, "INSERT INTO a VALUES (3);"]) == 3
    assert applied == ["second"]
    assert connection.execute("SELECT x FROM a ORDER BY x").fetchall() == [(1,), (3,)]


def test_a_failing_migration_leaves_no_trace(tmp_path: Path):
    connection = sqlite3.connect(tmp_path / "m.sqlite3", isolation_level=None)
    with pytest.raises(sqlite3.OperationalError):
        migrate(connection, ["CREATE TABLE a (x INTEGER); INSERT INTO missing VALUES (1);"])
    assert schema_version(connection) == 0
    assert not connection.in_transaction
    assert connection.execute("SELECT name FROM sqlite_master").fetchall() == []


def test_a_file_from_a_newer_bot_is_refused(db: Path):
    with CurationStore.open(db):
        pass
    with raw(db) as connection:
        connection.execute(f"PRAGMA user_version = {len(MIGRATIONS) + 1}")
    with pytest.raises(StoreError, match="newer"):
        CurationStore.open(db)


# --- declined questions and gaps ------------------------------------------------------------


def test_declined_questions_are_stored_without_user_data(store: CurationStore, db: Path):
    store.record_declined("  who won the world cup  ", 10, 20, at=NOW)
    with raw(db) as connection:
        names = columns(connection, "declined")
        assert names == ["id", "text", "guild_id", "channel_id", "asked_at"]
        assert not [n for n in names if any(word in n for word in ("user", "author", "member", "name"))]
        row = connection.execute("SELECT text, guild_id, channel_id, asked_at FROM declined").fetchone()
    assert row == ("who won the world cup", 10, 20, "2024-07-04T12:00:00.000000+00:00")


def test_declined_timestamps_are_utc_and_must_be_aware(store: CurationStore, db: Path):
    store.record_declined("q", None, None, at=datetime(2024, 7, 4, 14, 0, tzinfo=timezone(timedelta(hours=2))))
    store.record_declined("q", None, None)  # now
    with pytest.raises(ValueError, match="timezone-aware"):
        store.record_declined("q", None, None, at=datetime(2024, 7, 4, 12, 0))
    store.record_declined("   ", 1, 1)  # blank: nothing to learn from
    with raw(db) as connection:
        stamps = [s for (s,) in connection.execute("SELECT asked_at FROM declined ORDER BY id")]
    assert len(stamps) == 2
    assert stamps[0] == "2024-07-04T12:00:00.000000+00:00"
    assert abs(datetime.fromisoformat(stamps[1]) - datetime.now(UTC)) < timedelta(minutes=1)


def test_gaps_count_near_duplicates_together_and_order_by_size(store: CurationStore):
    asked = [
        ("when did xi leave", 0),
        ("When did Xi leave??", 1),
        ("wen did xi leave", 2),
        ("who won the world cup", 3),
        ("Who won the World Cup?", 4),
        ("how do I bake bread", 5),
        ("!!!", 6),  # nothing left after normalising: not a gap
    ]
    for text, minutes in asked:
        store.record_declined(text, 1, 2, at=NOW + timedelta(minutes=minutes))
    gaps = store.gaps()
    assert [g.count for g in gaps] == [3, 2, 1]
    xi = gaps[0]
    assert normalize(xi.representative) == "when did xi leave"
    assert sorted(xi.examples) == sorted(["when did xi leave", "When did Xi leave??", "wen did xi leave"])
    assert xi.last_asked == NOW + timedelta(minutes=2)
    assert normalize(gaps[1].representative) == "who won the world cup"
    assert gaps[2].examples == ("how do I bake bread",)
    assert len(store.gaps(limit=2)) == 2


def test_gaps_keep_different_people_apart(store: CurationStore):
    for text in ["when did xi leave", "when did xi leave", "when did putin leave", "who is xi"]:
        store.record_declined(text, 1, 2, at=NOW)
    store.record_declined("who is xi jinping married to", 1, 2, at=NOW)
    assert sorted(g.count for g in store.gaps()) == [1, 1, 1, 2]


def test_gaps_examples_are_most_asked_first_and_at_most_three(store: CurationStore):
    for text, times in [("Where is Astana?", 4), ("where is astana", 3), ("wher is astana", 2), ("where's astana", 1)]:
        for _ in range(times):
            store.record_declined(text, 1, 2, at=NOW)
    (gap,) = store.gaps()
    assert gap.count == 10
    assert gap.representative == "Where is Astana?"
    assert gap.examples == ("Where is Astana?", "where is astana", "wher is astana")


def test_gaps_by_guild_and_similarity(store: CurationStore):
    store.record_declined("when did xi leave", 1, 2, at=NOW)
    store.record_declined("wen did xi leave", 1, 2, at=NOW)
    store.record_declined("who won the world cup", 7, 8, at=NOW)
    assert [g.count for g in store.gaps(guild_id=1)] == [2]
    assert [normalize(g.representative) for g in store.gaps(guild_id=7)] == ["who won the world cup"]
    assert [g.count for g in store.gaps(similarity=100)] == [1, 1, 1]
    with pytest.raises(ValueError):
        store.gaps(limit=0)
    with pytest.raises(ValueError):
        store.gaps(similarity=101)


def test_gaps_over_ten_thousand_rows_count_every_question_once(db: Path):
    """Speed is measured by benchmarks/bench_store.py; here, that nothing is lost or counted twice."""
    subjects = [f"{who} {verb}" for who in ("xi", "putin", "modi", "erdogan", "lukashenko") for verb in VERBS]
    with CurationStore.open(db):
        pass
    rows = []
    for i in range(10_000):
        subject = subjects[i % len(subjects)]
        question = f"when did {subject}" if i % 3 else f"When did {subject}?? ({i % 7})"
        rows.append(
            (question if i % 11 else question.replace("when", "wen"), i % 4, 1, NOW.isoformat(timespec="microseconds"))
        )
    with raw(db) as connection:
        connection.executemany("INSERT INTO declined (text, guild_id, channel_id, asked_at) VALUES (?, ?, ?, ?)", rows)
    with CurationStore.open(db) as store:
        gaps = store.gaps(limit=1000)
    assert sum(g.count for g in gaps) == 10_000
    assert len(gaps) <= len(subjects)


VERBS = ("leave", "arrive", "speak", "sign the deal", "meet tokayev", "land", "visit the expo", "go home")


# --- votes ----------------------------------------------------------------------------------


def test_one_vote_per_user_per_message(store: CurationStore, db: Path):
    assert store.vote(100, "xi-arrival", user_id=1, helpful=True, guild_id=5) is VoteResult.NEW
    assert store.vote(100, "xi-arrival", user_id=1, helpful=True, guild_id=5) is VoteResult.SAME
    assert store.vote(100, "xi-arrival", user_id=1, helpful=False, guild_id=5) is VoteResult.CHANGED
    assert store.vote(100, "xi-arrival", user_id=2, helpful=True, guild_id=5) is VoteResult.NEW
    assert store.vote(101, "xi-arrival", user_id=1, helpful=True, guild_id=5) is VoteResult.NEW
    with raw(db) as connection:
        assert connection.execute("SELECT COUNT(*) FROM votes").fetchone()[0] == 3
    assert store.feedback_report() == [FactFeedback("xi-arrival", helpful=2, wrong=1)]


def test_feedback_report_puts_the_most_wrong_first(store: CurationStore):
    votes = {"a": (5, 1), "b": (0, 3), "c": (2, 3), "d": (1, 0)}  # fact: (helpful, wrong)
    message = 0
    for fact_id, (helpful, wrong) in votes.items():
        for verdict in [True] * helpful + [False] * wrong:
            message += 1
            store.vote(message, fact_id, user_id=message, helpful=verdict, guild_id=1)
    report = store.feedback_report()
    assert [(r.fact_id, r.helpful, r.wrong) for r in report] == [("b", 0, 3), ("c", 2, 3), ("a", 5, 1), ("d", 1, 0)]
    assert report[2].total == 6
    assert [r.fact_id for r in store.feedback_report(limit=2)] == ["b", "c"]


def test_concurrent_votes_from_eight_threads_are_all_recorded(store: CurationStore):
    threads, per_thread = 8, 50
    start = threading.Barrier(threads)
    errors: list[BaseException] = []

    def voter(user_id: int) -> None:
        try:
            start.wait(timeout=5)
            for message_id in range(per_thread):
                store.vote(message_id, f"fact-{message_id % 5}", user_id, helpful=user_id % 2 == 0, guild_id=1)
                store.record_declined(f"question {user_id} {message_id}", 1, 2)
        except BaseException as error:
            errors.append(error)

    workers = [threading.Thread(target=voter, args=(user,)) for user in range(threads)]
    for worker in workers:
        worker.start()
    for worker in workers:
        worker.join(timeout=10)
    assert not errors
    report = store.feedback_report(limit=100)
    assert sum(r.total for r in report) == threads * per_thread
    assert sum(r.helpful for r in report) == sum(r.wrong for r in report) == threads * per_thread // 2
    assert sum(g.count for g in store.gaps(limit=10_000, similarity=100)) == threads * per_thread


# --- retention ------------------------------------------------------------------------------


def test_purge_older_than(store: CurationStore, db: Path):
    for days in (0, 10, 29, 31, 100):
        store.record_declined(f"question {days} days old", 1, 2, at=NOW - timedelta(days=days))
    assert store.purge_older_than(30, now=NOW) == 2
    assert store.purge_older_than(30, now=NOW) == 0
    with raw(db) as connection:
        left = [t for (t,) in connection.execute("SELECT text FROM declined ORDER BY id")]
    assert left == ["question 0 days old", "question 10 days old", "question 29 days old"]
    with pytest.raises(ValueError):
        store.purge_older_than(-1)


def test_forget_guild_deletes_its_rows_in_every_table(store: CurationStore, db: Path):
    store.record_declined("who won the world cup", 1, 2, at=NOW)
    store.record_declined("who won the world cup", 1, 3, at=NOW)
    store.record_declined("who won the world cup", 9, 2, at=NOW)
    store.vote(100, "xi-arrival", 7, True, guild_id=1)
    store.vote(101, "xi-arrival", 7, False, guild_id=9)
    assert store.forget_guild(1) == 3
    assert store.forget_guild(1) == 0
    with raw(db) as connection:
        assert connection.execute("SELECT guild_id FROM declined").fetchall() == [(9,)]
        assert connection.execute("SELECT guild_id FROM votes").fetchall() == [(9,)]
        guild_tables = [
            name
            for (name,) in connection.execute("SELECT name FROM sqlite_master WHERE type = 'table'")
            if "guild_id" in columns(connection, name)
        ]
    assert sorted(guild_tables) == ["declined", "votes"]


def test_closed_store_refuses_calls(db: Path):
    store = CurationStore.open(db)
    store.close()
    store.close()
    with pytest.raises(sqlite3.ProgrammingError):
        store.record_declined("q", 1, 2)


# --- a kill mid-write -----------------------------------------------------------------------

WRITER = """
import sys
from pathlib import Path
from bot.core.store import CurationStore

store = CurationStore.open(Path(sys.argv[1]))
store.record_declined("question 0", 1, 2)
store.vote(0, "fact", 1, True, 1)
print("ready", flush=True)
i = 1
while True:
    store.record_declined(f"question {i}", 1, 2)
    store.vote(i, "fact", 1, True, 1)
    i += 1
"""


def test_store_survives_a_kill_mid_write(db: Path):
    child = subprocess.Popen(
        [sys.executable, "-c", WRITER, str(db)], cwd=ROOT, stdout=subprocess.PIPE, stderr=subprocess.PIPE
    )
    try:
        ready, _, _ = select.select([child.stdout], [], [], 10)
        assert ready, "the writer did not start within 10 s"
        assert child.stdout.readline() == b"ready\n", child.stderr.read().decode()
        time.sleep(0.5)
        assert child.poll() is None, child.stderr.read().decode()
        os.kill(child.pid, signal.SIGKILL)
        assert child.wait(timeout=5) == -signal.SIGKILL
    finally:
        if child.poll() is None:
            child.kill()
            child.wait(timeout=5)
        child.stdout.close()
        child.stderr.close()

    with CurationStore.open(db) as store:
        connection = store._connection
        assert connection.execute("PRAGMA integrity_check").fetchall() == [("ok",)]
        assert connection.execute("PRAGMA journal_mode").fetchone()[0] == "wal"
        rows = connection.execute("SELECT id, text FROM declined ORDER BY id").fetchall()
        votes = connection.execute("SELECT COUNT(*) FROM votes").fetchone()[0]
        assert len(rows) > 10
        # Every committed row is whole and none is missing: ids run 1..n with their own text.
        assert rows == [(n, f"question {n - 1}") for n in range(1, len(rows) + 1)]
        assert votes in (len(rows), len(rows) - 1)  # killed between the two writes, or not
        store.record_declined("after the crash", 1, 2)
        assert connection.execute("SELECT COUNT(*) FROM declined").fetchone()[0] == len(rows) + 1


# --- the command line -----------------------------------------------------------------------


def run_cli(*args: str) -> subprocess.CompletedProcess:
    environment = {k: v for k, v in os.environ.items() if k != "DISCORD_TOKEN" and not k.startswith("SUMMITBOT_")}
    return subprocess.run(
        [sys.executable, "-m", "bot", *args], capture_output=True, text=True, timeout=60, env=environment, cwd=ROOT
    )


def test_cli_gaps_and_feedback(db: Path):
    with CurationStore.open(db) as store:
        for text in ["when did xi leave", "When did Xi leave??", "wen did xi leave", "who won the world cup"]:
            store.record_declined(text, 1, 2, at=NOW)
        store.vote(1, "xi-arrival", 1, False, 1)
        store.vote(1, "xi-arrival", 2, False, 1)
        store.vote(2, "sco-members", 1, True, 1)

    gaps = run_cli("gaps", "--db", str(db), "--limit", "5")
    assert gaps.returncode == 0, gaps.stderr
    lines = gaps.stdout.splitlines()
    xi = next(i for i, line in enumerate(lines) if "asked 3×" in line)
    cup = next(i for i, line in enumerate(lines) if "who won the world cup" in line)
    assert xi < cup and "asked 1×" in lines[cup] and "2024-07-04 12:00 UTC" in lines[xi]

    feedback = run_cli("feedback", "--db", str(db))
    assert feedback.returncode == 0, feedback.stderr
    rows = [line.split() for line in feedback.stdout.splitlines()]
    assert rows == [["fact", "wrong", "helpful"], ["xi-arrival", "2", "0"], ["sco-members", "0", "1"]]


def test_cli_reports_a_missing_store_and_a_bad_limit(tmp_path: Path):
    missing = tmp_path / "none.sqlite3"
    result = run_cli("gaps", "--db", str(missing))
    assert result.returncode == 1 and "no curation store" in result.stderr
    assert not missing.exists()
    assert run_cli("feedback", "--db", str(missing), "--limit", "0").returncode == 2
