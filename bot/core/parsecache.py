"""Parsed fact files kept on disk, so that a load parses YAML only for the files that changed.

At 100,000 facts parsing YAML is over half of a load (5 of 9 s) and unpickling the same documents
takes 0.6 s, so a reload after one file was edited, or a start after a `git pull`, reads the
others back instead of parsing them. An entry is named by a digest of the file's bytes and of the
loader's code (see `diskcache`): an edited file or a changed loader finds no entry, while a
change elsewhere (the matcher) keeps them. Each entry is one file's document, a few megabytes at
most, so reading or writing one is a short step beside the event loop, unlike the snapshot.
"""

from __future__ import annotations

import copy
import hashlib
import io
import logging
import pickle
from pathlib import Path
from typing import Any

from bot.core import diskcache

log = logging.getLogger(__name__)

FORMAT = 2
FOLDER = "parsed"
# The code a parsed document depends on: a new matcher does not make the parsed files stale.
PARSING_MODULES = ("diskcache", "loader", "parsecache")
SUFFIX = ".pickle"
# A section's entries are pickled this many to a piece: unpickling a whole 1 MB file in one call
# held the GIL for up to 30 ms, fifty times in a reload beside the event loop.
PIECE = 500


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
            document = _read_entry(path.read_bytes(), key)
        except FileNotFoundError:
            return None
        except Exception as error:  # truncated or foreign: parse instead, and say so
            log.warning("ignoring the unreadable parsed-file cache entry %s: %s", path, error)
            return None
        if document is None:
            return None
        self._used.add(path)
        return document

    def put(self, key: str, document: Any) -> None:
        path = self._path(key)
        try:
            self.folder.mkdir(parents=True, exist_ok=True)
            diskcache.write_atomically(path, *_entry_pieces(key, document), durable=False)
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


def _entry_pieces(key: str, document: Any) -> list[Any]:
    """What an entry holds, in order: the key, the document with its long sections left empty
    (and which those are, with their lengths), then those sections `PIECE` entries at a time."""
    long_sections: list[tuple[Any, int]] = []
    if isinstance(document, dict):
        long_sections = [(name, len(value)) for name, value in document.items() if _is_long(value)]
    if not long_sections:
        return [(key, document, long_sections)]
    outline = copy.copy(document)  # a LocatedDict's lines come along
    for name, _ in long_sections:
        outline[name] = []
    pieces: list[Any] = [(key, outline, long_sections)]
    for name, length in long_sections:
        section = document[name]
        pieces.extend(section[start : start + PIECE] for start in range(0, length, PIECE))
    return pieces


def _read_entry(raw: bytes, key: str) -> Any | None:
    """The document an entry holds, put together again a piece at a time; None if it is another key's."""
    unpickler = pickle.Unpickler(io.BytesIO(raw))
    stored_key, document, long_sections = unpickler.load()
    if stored_key != key:
        return None
    for name, length in long_sections:
        section: list[Any] = []
        while len(section) < length:
            section += unpickler.load()
        document[name] = section
    return document


def _is_long(value: Any) -> bool:
    return isinstance(value, list) and len(value) > PIECE
