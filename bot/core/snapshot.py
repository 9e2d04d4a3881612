"""A snapshot of the built fact base on disk, so that starting again with the same facts skips
the build.

Parsing, validating and indexing 100,000 facts takes about half a minute; reading them back
from a snapshot takes a few seconds. A snapshot is named by a fingerprint of everything the
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
FORMAT = 1
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
    try:
        with path.open("rb") as file:
            stored_key, base, matcher = pickle.load(file)
    except FileNotFoundError:
        return None
    except Exception as error:  # a truncated or foreign file: build instead, and say so
        log.warning("ignoring the unreadable fact base snapshot %s: %s", path, error)
        return None
    if stored_key != key or not isinstance(base, FactBase) or not isinstance(matcher, Matcher):
        log.warning("ignoring the fact base snapshot %s: it was made from other files", path)
        return None
    return base, matcher


def write(cache_dir: Path, key: str, base: FactBase, matcher: Matcher) -> Path | None:
    """Store a snapshot for `key` and remove older ones; a failure only costs the next start time."""
    target = path_for(cache_dir, key)
    try:
        cache_dir.mkdir(parents=True, exist_ok=True)
        diskcache.write_atomically(target, (key, base, matcher))
    except OSError as error:
        log.warning("could not write the fact base snapshot to %s: %s", cache_dir, error)
        return None
    for old in cache_dir.glob(f"{PREFIX}*{SUFFIX}"):
        if old != target:
            old.unlink(missing_ok=True)
    return target
