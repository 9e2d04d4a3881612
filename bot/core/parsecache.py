"""Parsed fact files kept on disk, so that a load parses YAML only for the files that changed.

At 100,000 facts parsing YAML is over half of a load (5 of 9 s) and unpickling the same documents
takes 0.6 s, so a reload after one file was edited, or a start after a `git pull`, reads the
others back instead of parsing them. An entry is named by a digest of the file's bytes and of the
loader's code (see `diskcache`): an edited file or a changed loader finds no entry, while a
change elsewhere (the matcher) keeps them. Each entry is one file's document, a few megabytes at
most, so reading or writing one is a short step beside the event loop, unlike the snapshot.
"""

from __future__ import annotations

import hashlib
import logging
import pickle
from pathlib import Path
from typing import Any

from bot.core import diskcache

log = logging.getLogger(__name__)

FORMAT = 1
FOLDER = "parsed"
# The code a parsed document depends on: a new matcher does not make the parsed files stale.
PARSING_MODULES = ("diskcache", "loader", "parsecache")
SUFFIX = ".pickle"


class ParsedFiles:
    """Documents by the bytes they were parsed from, in `cache_dir/parsed`; never an error:
    a missing, damaged or unwritable entry only means parsing the file."""

    def __init__(self, cache_dir: Path) -> None:
        self.folder = cache_dir / FOLDER
        self._used: set[Path] = set()
        self._unwritable = False

    def key(self, raw: bytes) -> str:
        code = diskcache.code_digest(PARSING_MODULES)
        return hashlib.sha256(f"{FORMAT} {code}\0".encode() + raw).hexdigest()

    def get(self, key: str) -> Any | None:
        """The document parsed from the bytes `key` names, or None when none is stored."""
        path = self._path(key)
        try:
            stored_key, document = pickle.loads(path.read_bytes())
        except FileNotFoundError:
            return None
        except Exception as error:  # truncated or foreign: parse instead, and say so
            log.warning("ignoring the unreadable parsed-file cache entry %s: %s", path, error)
            return None
        if stored_key != key:
            return None
        self._used.add(path)
        return document

    def put(self, key: str, document: Any) -> None:
        path = self._path(key)
        try:
            self.folder.mkdir(parents=True, exist_ok=True)
            diskcache.write_atomically(path, (key, document), durable=False)
        except OSError as error:
            if not self._unwritable:  # once, not once for each of fifty files
                log.warning("could not cache parsed fact files in %s: %s", self.folder, error)
            self._unwritable = True
            return
        self._used.add(path)

    def keep_only_used(self) -> None:
        """Remove the entries no load used since the last call: those of files edited or gone."""
        if self.folder.is_dir():
            for path in self.folder.glob(f"*{SUFFIX}"):
                if path not in self._used:
                    path.unlink(missing_ok=True)
        self._used.clear()

    def _path(self, key: str) -> Path:
        return self.folder / f"{key[:40]}{SUFFIX}"
