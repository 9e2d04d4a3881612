"""Freeing a large structure a little at a time, so that other threads keep running meanwhile.

When the last reference to a container goes, CPython frees everything only it holds in one
uninterrupted step: no other thread runs until the whole cascade is done. Dropping the matcher
of a 100,000-fact base frees millions of objects that way and held the GIL for half a second,
so the bot's event loop stood still at the end of every reload, although the reload itself ran
in a worker thread. Here the big containers' elements are held apart first; then each step of
the release frees at most a chunk of them, and the interpreter switches threads in between.
"""

from __future__ import annotations

import gc
import sys
import time
import weakref
from collections.abc import Iterable, Iterator, Mapping
from contextlib import contextmanager
from itertools import islice

# Containers with more elements than this have their elements held and freed in chunks. A chunk
# of 1,000 pieces (facts, say, with their texts) took up to 44 ms to free on a machine with slow
# memory; 100 keeps each step a few milliseconds.
BIG = 256
CHUNK = 100
# A big container's elements are held in lists of this many: one list() of the 747,000
# phrasings of a 100,000-fact base was a single 20 ms step.
SLICE = 10_000

_ATOMIC = (str, bytes, int, float, bool, type(None))
_COLLECTIONS = (list, tuple, set, frozenset)
_CONTAINERS = (Mapping, *_COLLECTIONS)


@contextmanager
def cyclic_gc_paused() -> Iterator[None]:
    """Building an index creates millions of objects and no garbage cycles, yet it makes the cyclic
    collector run again and again over everything; those passes hold the GIL, so a reload in a
    worker thread would stall the event loop for most of a second. Pause the collector meanwhile."""
    enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if enabled:
            gc.enable()


def release_gradually(objects: list[object], wait: float = 2.0) -> None:
    """Free the objects in `objects` in small steps; the list is emptied.

    Pass the only references: the caller drops its own first (`del` its names), or the objects
    are simply freed later, all at once, by whoever drops them last. If another thread still
    holds one (a question being answered with the old matcher), this waits up to `wait` seconds
    for it to let go.
    """
    # With the collector paused: it would otherwise walk the long lists of held pieces, touching
    # millions of scattered objects in one step (measured: 120-180 ms at 100,000 facts).
    with cyclic_gc_paused():
        held = _hold_pieces(objects)
        watched = [ref for ref in (_weak(obj) for obj in objects) if ref is not None]
        objects.clear()
        deadline = time.monotonic() + wait
        while any(ref() is not None for ref in watched) and time.monotonic() < deadline:
            time.sleep(0.005)
        # Parents were held before their children: freeing in that order, each parent's own
        # release finds its children still held, and so frees only itself.
        for pieces in held:
            _free_in_chunks(pieces)
        held.clear()


def _free_in_chunks(pieces: list[object]) -> None:
    """Drop `pieces`, `CHUNK` at a time. A big list, dict or set that only this holds is emptied
    a chunk at a time first: freeing one whole lets go of each element in one step, even when
    every element lives on (the 747,000 phrasings of a 100,000-fact base: 30-50 ms)."""
    while pieces:
        for piece in pieces[-CHUNK:]:
            if isinstance(piece, _DRAINABLE) and len(piece) > BIG and sys.getrefcount(piece) <= _ONLY_HERE:
                _drain(piece)
        del pieces[-CHUNK:]


def _drain(container: list | dict | set) -> None:
    if isinstance(container, list):
        while container:
            del container[-CHUNK:]
    elif isinstance(container, dict):
        while container:
            for _ in range(min(CHUNK, len(container))):
                container.popitem()
    else:
        while container:
            for _ in range(min(CHUNK, len(container))):
                container.pop()


def _references_to_a_piece_held_only_here() -> int:
    """What `sys.getrefcount` gives in `_free_in_chunks` for a piece nothing else refers to: its
    place in the held list, the chunk's copy, the loop's name and the call's argument."""
    pieces: list[object] = [[]]
    for piece in pieces[-CHUNK:]:
        return sys.getrefcount(piece)
    raise AssertionError("unreachable")


_DRAINABLE = (list, dict, set)
_ONLY_HERE = _references_to_a_piece_held_only_here()


def _weak(obj: object) -> weakref.ref | None:
    try:
        return weakref.ref(obj)
    except TypeError:
        return None


def _hold_pieces(roots: Iterable[object]) -> list[list[object]]:
    """Lists of extra references to the pieces under `roots`, parents' pieces before children's,
    none longer than `SLICE`.

    Everything under a small container or an object's attributes is followed; under a big
    container only the elements that are big containers themselves, so that the walk stays
    proportional to the number of big containers' elements, not to every object in the graph.
    """
    held: list[list[object]] = []
    seen: set[int] = set()
    stack: list[object] = list(roots)
    while stack:
        obj = stack.pop()
        if isinstance(obj, _ATOMIC) or id(obj) in seen:
            continue
        slices = _pieces_of(obj)
        if slices is None:
            continue
        seen.add(id(obj))
        held += slices
        big = sum(map(len, slices)) > BIG
        for pieces in slices:
            for piece in pieces:
                if not big or _is_big_container(piece):
                    stack.append(piece)
    return held


def _pieces_of(obj: object) -> list[list[object]] | None:
    """What `obj` refers to that could free more objects (elements, keys and values, attributes),
    in lists of at most `SLICE`: one list of a big container's elements would be a long step to
    copy, and a longer one to grow."""
    attributes = getattr(obj, "__dict__", None)
    if isinstance(obj, Mapping):
        slices = _slices(obj.keys()) + _slices(obj.values())
    elif isinstance(obj, _COLLECTIONS):
        slices = _slices(obj)
    elif isinstance(attributes, dict):
        slices = []
    else:
        return None
    if isinstance(attributes, dict):
        slices.append(list(attributes.values()))
    return slices


def _slices(elements: Iterable[object]) -> list[list[object]]:
    iterator = iter(elements)
    slices: list[list[object]] = []
    while chunk := list(islice(iterator, SLICE)):
        slices.append(chunk)
    return slices


def _is_big_container(obj: object) -> bool:
    return isinstance(obj, _CONTAINERS) and len(obj) > BIG  # type: ignore[arg-type]
