"""Speed of the curation store: recording declined questions, and clustering them for /facts gaps.

python benchmarks/bench_store.py [--rows 10000]
"""

from __future__ import annotations

import argparse
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bot.core.store import CurationStore  # noqa: E402

SUBJECTS = ["xi", "putin", "modi", "erdogan", "lukashenko", "tokayev", "guterres", "mao ning"]
VERBS = ["leave", "arrive", "speak", "sign the deal", "meet tokayev", "land", "visit the expo", "go home"]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=10_000)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as folder, CurationStore.open(Path(folder) / "bench.sqlite3") as store:
        writes = []
        for i in range(args.rows):
            question = f"when did {SUBJECTS[i % len(SUBJECTS)]} {VERBS[(i // 8) % len(VERBS)]}"
            started = time.perf_counter()
            store.record_declined(question if i % 5 else question.upper() + "??", i % 3, 1)
            writes.append(time.perf_counter() - started)
        clusterings = []
        for _ in range(5):
            started = time.perf_counter()
            gaps = store.gaps(limit=10)
            clusterings.append(time.perf_counter() - started)
    ordered = sorted(writes)
    print(
        f"record_declined: {args.rows} rows, median {statistics.median(writes) * 1e6:.0f} µs, "
        f"p99 {ordered[int(0.99 * (len(ordered) - 1))] * 1e6:.0f} µs (WAL, one transaction each)"
    )
    print(
        f"gaps over {args.rows} rows: median {statistics.median(clusterings) * 1e3:.1f} ms, "
        f"top cluster {gaps[0].count}x"
    )


if __name__ == "__main__":
    main()
