"""A snapshot of the built fact base on disk, so that starting again with the same facts skips
the build.

Parsing, validating and indexing 100,000 facts takes over 20 s from nothing (6-7 s when only an
edit is new); reading them back from a snapshot takes 2 s. A snapshot is named by a fingerprint of everything the
build reads (each fact file and seed file, byte for byte, and the source of this package), so a
changed fact, article or matcher never meets a stale snapshot: it simply finds none.

The snapshot is a pickle written by this program into its own cache folder (see `diskcache`).
"""

from __future__ import annotations

import hashlib
import logging
import os
import pickle
from pathlib import Path

from bot.core import diskcache
from bot.core.factbase import FactBase
from bot.core.matcher import Matcher

log = logging.getLogger(__name__)

# Changes when what a snapshot holds changes in a way the package source would not show.
FORMAT = 2
PREFIX = "factbase-"
SUFFIX = ".pickle"


def fingerprint(facts_dir: Path, seeds_dir: Path) -> str:
    """A digest of every input of the build: the files it reads, and the code that builds."""
    digest = hashlib.sha256(f"{FORMAT} {diskcache.code_digest()}".encode())
    for label, folder, pattern in (("facts", facts_dir, "*.yaml"), ("seeds", seeds_dir, "*")):
        files = sorted(p for p in folder.glob(pattern) if p.is_file()) if folder.is_dir() else []
        for path in files:
            try:
                content = path.read_bytes()
            except OSError:
                # Gone or unreadable: the loader will say which; this fingerprint matches nothing.
                content = b"unreadable " + os.urandom(16)
            digest.update(f"\0{label}/{path.name}\0{len(content)}\0".encode())
            digest.update(content)
    return digest.hexdigest()


def path_for(cache_dir: Path, key: str) -> Path:
    return cache_dir / f"{PREFIX}{key[:32]}{SUFFIX}"


def read(cache_dir: Path, key: str) -> tuple[FactBase, Matcher] | None:
    """The snapshot for `key`, or None when there is none or it cannot be used."""
    path = path_for(cache_dir, key)
    stored = _load(path)
    if stored is None:
        return None
    stored_key, _code, base, matcher = stored
    if stored_key != key:
        log.warning("ignoring the fact base snapshot %s: it was made from other files", path)
        return None
    return base, matcher


def read_earlier(cache_dir: Path) -> Matcher | None:
    """The matcher of the newest snapshot made by this code from whatever files, or None.

    Started after the facts changed, the bot builds a new base; the facts that did not change
    can be copied from this one (`Matcher(previous=...)`) rather than read again.
    """
    snapshots = sorted(cache_dir.glob(f"{PREFIX}*{SUFFIX}"), key=_modified, reverse=True)
    stored = _load(snapshots[0]) if snapshots else None
    if stored is None or stored[1] != diskcache.code_digest():
        return None
    return stored[3]


def _modified(path: Path) -> float:
    try:
        return path.stat().st_mtime
    except OSError:
        return 0.0


def _load(path: Path) -> tuple[str, str, FactBase, Matcher] | None:
    try:
        with path.open("rb") as file:
            stored = pickle.load(file)
        key, code, base, matcher = stored
    except FileNotFoundError:
        return None
    except Exception as error:  # a truncated or foreign file: build instead, and say so
        log.warning("ignoring the unreadable fact base snapshot %s: %s", path, error)
        return None
    if not isinstance(base, FactBase) or not isinstance(matcher, Matcher):
        log.warning("ignoring the fact base snapshot %s: it holds something else", path)
        return None
    return key, code, base, matcher


def write(cache_dir: Path, key: str, base: FactBase, matcher: Matcher) -> Path | None:
    """Store a snapshot for `key` and remove older ones; a failure only costs the next start time."""
    target = path_for(cache_dir, key)
    try:
        cache_dir.mkdir(parents=True, exist_ok=True)
        diskcache.write_atomically(target, (key, diskcache.code_digest(), base, matcher))
    except OSError as error:
        log.warning("could not write the fact base snapshot to %s: %s", cache_dir, error)
        return None
    for old in cache_dir.glob(f"{PREFIX}*{SUFFIX}"):
        if old != target:
            old.unlink(missing_ok=True)
    return target
