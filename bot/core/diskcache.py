"""What the caches on disk share: the digest of the code that made an entry, and writing an
entry so that a crash or a concurrent reader never sees half of it.

Entries are pickles written by this program into its own cache folder; like the code, that
folder must not be writable by anyone else.
"""

from __future__ import annotations

import hashlib
import os
import pickle
import sys
import tempfile
from functools import cache
from pathlib import Path

import yaml


@cache
def code_digest(modules: tuple[str, ...] | None = None) -> str:
    """A digest of the source of `bot.core` (or of just the named modules of it, when only those
    shape an entry) and of what entries depend on besides (Python, the pickle protocol, the YAML
    parser), so that an entry made by other code is never found."""
    core = Path(__file__).resolve().parent
    paths = sorted(core.glob("*.py")) if modules is None else [core / f"{name}.py" for name in sorted(modules)]
    digest = hashlib.sha256(f"{sys.version_info[:2]} {pickle.HIGHEST_PROTOCOL} {yaml.__version__}".encode())
    for path in paths:
        digest.update(path.name.encode() + b"\0" + path.read_bytes())
    return digest.hexdigest()


def write_atomically(target: Path, *values: object, durable: bool = True) -> None:
    """Pickle `values`, one after another, to a temporary file beside `target`, then rename it into
    place; raises OSError. `durable` waits for the disk, which a large snapshot is worth and a
    small entry that can be rebuilt is not. The values share one pickler's memo, so they are read
    back by one `Unpickler`, one `load()` each."""
    prefix, suffix = ".tmp-", target.suffix
    with tempfile.NamedTemporaryFile("wb", dir=target.parent, prefix=prefix, suffix=suffix, delete=False) as file:
        temporary = Path(file.name)
        try:
            pickler = pickle.Pickler(file, protocol=pickle.HIGHEST_PROTOCOL)
            for value in values:
                pickler.dump(value)
            if durable:
                file.flush()
                os.fsync(file.fileno())
        except BaseException:
            file.close()
            temporary.unlink(missing_ok=True)
            raise
    os.replace(temporary, target)
