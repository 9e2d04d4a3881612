"""How long the event loop is held while a large fact base reloads in a worker thread.

The bot reloads with `asyncio.to_thread(FactService.load)`; the loop keeps running, but the
reload is Python code that holds the GIL in turns with it. This prints how late a 5 ms timer
fires (max, p99, median) on an idle loop, during a reload after one fact file was edited (a
build; with the cache folder, as the bot has, the other files' YAML is not parsed again, and
the facts that did not change are copied from the index being replaced), after an alias was
added, and during a reload of unchanged files (nothing to build).

    python benchmarks/bench_reload_lag.py [--facts 10000] [--no-cache]
    python benchmarks/bench_reload_lag.py --base /tmp/summitbot-scale/facts-100000-seed1
"""

from __future__ import annotations

import argparse
import asyncio
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "benchmarks"))

from generate_facts import add_an_alias  # noqa: E402

from bot.core import FactService  # noqa: E402

INTERVAL = 0.005


async def lateness_while(work: asyncio.Future | None, seconds: float | None = None) -> list[float]:
    lags: list[float] = []
    deadline = time.perf_counter() + (seconds or 0)
    while (work is not None and not work.done()) or (work is None and time.perf_counter() < deadline):
        started = time.perf_counter()
        await asyncio.sleep(INTERVAL)
        lags.append(time.perf_counter() - started - INTERVAL)
    return lags


def describe(label: str, lags: list[float]) -> str:
    ordered = sorted(lags)
    p99 = ordered[round(0.99 * (len(ordered) - 1))]
    return (
        f"{label}: {len(lags)} samples, median {statistics.median(lags) * 1e3:.1f} ms, "
        f"p99 {p99 * 1e3:.1f} ms, max {ordered[-1] * 1e3:.1f} ms"
    )


async def measure(service: FactService, edited_file: Path) -> None:
    print(describe("idle loop", await lateness_while(None, seconds=1.0)))
    # A moderator's edit: one fact file changes, so it is parsed again and the base rebuilt,
    # copying the facts that did not change.
    edited_file.write_text(edited_file.read_text(encoding="utf-8") + "\n# edited\n", encoding="utf-8")
    await reload_beside_the_probe(service, "reload after an edit")
    # An added alias: the facts whose texts use its first word are read again.
    add_an_alias(edited_file.parent)
    await reload_beside_the_probe(service, "reload after an alias was added")
    await reload_beside_the_probe(service, "reload of unchanged files")


async def reload_beside_the_probe(service: FactService, label: str) -> None:
    started = time.perf_counter()
    reload = asyncio.ensure_future(asyncio.to_thread(service.load, "benchmark"))
    lags = await lateness_while(reload)
    report = await reload
    print(f"{label}, {report.fact_count:,} facts, in a worker thread: {time.perf_counter() - started:.1f} s")
    print(describe("  loop meanwhile", lags))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--facts", type=int, default=10_000)
    parser.add_argument("--base", type=Path, help="a base generate_facts.py already wrote (e.g. bench_scale's cache)")
    parser.add_argument("--no-cache", action="store_true", help="no cache folder: every reload parses every file")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as folder:
        out = Path(folder) / "base"
        if args.base is None:
            generator = ROOT / "benchmarks" / "generate_facts.py"
            command = [sys.executable, str(generator), str(out), "--facts", str(args.facts)]
            subprocess.run(command, check=True, capture_output=True, timeout=600)
        else:
            shutil.copytree(args.base, out)  # it gets edited
        cache = None if args.no_cache else Path(folder) / "cache"
        service = FactService(out / "facts", out / "seeds", cache)
        started = time.perf_counter()
        service.load("startup")
        print(f"first load (every file parsed): {time.perf_counter() - started:.1f} s")
        asyncio.run(measure(service, max((out / "facts").glob("facts-*.yaml"))))


if __name__ == "__main__":
    main()
