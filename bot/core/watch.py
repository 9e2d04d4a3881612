"""Noticing that a moderator saved a fact file, without any dependency beyond the standard library.

Polling file sizes and modification times is enough for a folder of a few YAML files, works the
same on every platform, and waits until a save has settled, so a half-written file is not
reloaded mid-write (and if it is, the reload refuses it and the next settled poll retries).
"""

from __future__ import annotations

from pathlib import Path

Snapshot = tuple[tuple[str, int, int], ...]


def folder_snapshot(*folders: Path) -> Snapshot:
    """Name, size and modification time of every YAML and text file in the folders."""
    entries = []
    for folder in folders:
        for path in sorted(folder.glob("*")):
            if path.suffix not in {".yaml", ".yml", ".txt"}:
                continue
            try:
                stat = path.stat()
            except FileNotFoundError:
                continue
            entries.append((str(path), stat.st_size, stat.st_mtime_ns))
    return tuple(entries)


class ChangeDetector:
    """Says a folder changed once the change has held still for one poll."""

    def __init__(self, *folders: Path) -> None:
        self.folders = folders
        self._applied = folder_snapshot(*folders)
        self._seen = self._applied

    def poll(self) -> bool:
        current = folder_snapshot(*self.folders)
        settled = current == self._seen
        self._seen = current
        if settled and current != self._applied:
            self._applied = current
            return True
        return False
