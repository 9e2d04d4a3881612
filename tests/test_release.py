"""release_gradually frees what it is given, and never touches what someone else still uses."""

from __future__ import annotations

import threading
import weakref
from dataclasses import dataclass, field

from bot.core.release import BIG, release_gradually


@dataclass
class Leaf:
    name: str


@dataclass
class Tree:
    leaves: list[Leaf] = field(default_factory=list)
    index: dict[str, set[int]] = field(default_factory=dict)
    nested: tuple = ()


def make_tree(size: int) -> Tree:
    leaves = [Leaf(f"leaf-{i}") for i in range(size)]
    return Tree(
        leaves=leaves,
        index={f"word-{i}": set(range(i, i + 3)) for i in range(size)},
        nested=(leaves[:5], {"deep": [Leaf("deep")] * (BIG + 1)}),
    )


def test_everything_is_freed_and_the_list_emptied() -> None:
    tree = make_tree(5 * BIG)
    watch_tree = weakref.ref(tree)
    watch_leaves = [weakref.ref(leaf) for leaf in tree.leaves[:: BIG // 4]]
    watch_deep = weakref.ref(tree.nested[1]["deep"][0])
    retired: list[object] = [tree]
    del tree

    release_gradually(retired)

    assert retired == []
    assert watch_tree() is None
    assert watch_deep() is None
    assert all(ref() is None for ref in watch_leaves)


def test_an_object_still_in_use_is_left_whole() -> None:
    tree = make_tree(3 * BIG)
    expected = make_tree(3 * BIG)

    release_gradually([tree], wait=0.05)

    assert tree == expected


def test_waits_for_another_thread_to_let_go() -> None:
    tree = make_tree(2 * BIG)
    watch = weakref.ref(tree)
    borrowed = [tree]
    let_go = threading.Event()

    def borrower() -> None:
        let_go.wait(timeout=5)
        borrowed.clear()

    thread = threading.Thread(target=borrower)
    thread.start()
    retired: list[object] = [tree]
    del tree
    threading.Timer(0.05, let_go.set).start()
    release_gradually(retired, wait=5)

    assert let_go.is_set(), "returned before the other thread let go"
    assert watch() is None
    thread.join(timeout=5)


def test_atoms_and_cycles_do_not_trip_it_up() -> None:
    cycle: list[object] = ["text", 1, 2.5, None, b"bytes"]
    cycle.append(cycle)
    watch = Leaf("marker")
    cycle.append(watch)
    release_gradually([cycle, "just text", 42])
    assert cycle[-1] is watch


def test_a_big_container_another_object_shares_is_left_whole() -> None:
    """Big containers only the retired object holds are emptied a chunk at a time before they go;
    one that something still in use also holds is never emptied."""
    shared_list = [Leaf(f"shared-{i}") for i in range(3 * BIG)]
    shared_index = {f"word-{i}": {i} for i in range(3 * BIG)}
    retired_tree = make_tree(3 * BIG)
    retired_tree.nested = (shared_list, shared_index)
    watch_own = weakref.ref(retired_tree.leaves[0])
    keeper = Tree(leaves=shared_list, index=shared_index)

    retired: list[object] = [retired_tree]
    del retired_tree
    release_gradually(retired)

    assert watch_own() is None
    assert keeper.leaves == [Leaf(f"shared-{i}") for i in range(3 * BIG)]
    assert keeper.index == {f"word-{i}": {i} for i in range(3 * BIG)}
