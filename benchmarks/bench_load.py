"""Every way the bot loads a large fact base, each start in a fresh process, as the bot would.

* first start: nothing cached; parse and validate every file, build the index, leave the parsed
  files and a snapshot in the cache folder;
* start with the same files: the snapshot;
* start after a fact was edited: the edited file is parsed, the rest read from the parse cache,
  unchanged facts copied from the earlier snapshot's index, and a new snapshot written;
* reload after a fact was edited, and after an alias was added (while running: the index being
  replaced is the one copied from).

"serving after" is the time until the base can answer; a start then writes its snapshot, shown
apart. Prints figures; asserts nothing.

    python benchmarks/bench_load.py [--size 100000] [--seed 1]
"""

from __future__ import annotations

import argparse
import json
import resource
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "benchmarks"))

from bench_scale import CACHE, ensure_generated  # noqa: E402
from generate_facts import add_an_alias  # noqa: E402

from bot.core import FactService, Matcher, snapshot  # noqa: E402
from bot.core import service as service_module  # noqa: E402

STEP_TIMEOUT = 900.0


def measure_start(base: Path, cache: Path) -> dict[str, Any]:
    """One start as `summitbot run` does it; the snapshot write is timed on its own."""
    written: list[float] = []
    real_write = snapshot.write

    def timed_write(*args: Any, **kwargs: Any) -> Path | None:
        started = time.perf_counter()
        try:
            return real_write(*args, **kwargs)
        finally:
            written.append(time.perf_counter() - started)

    read: list[str] = []
    real_index = Matcher._index_fact

    def counted(self: Matcher, index: int, fact: Any) -> None:
        read.append(fact.id)
        real_index(self, index, fact)

    service_module.snapshot.write = timed_write  # type: ignore[attr-defined]
    Matcher._index_fact = counted  # type: ignore[method-assign]
    started = time.perf_counter()
    service = FactService(base / "facts", base / "seeds", cache)
    service.load("startup", snapshot_use="use")
    total = time.perf_counter() - started
    return {
        "serving": total - sum(written),
        "snapshot": sum(written) if written else None,
        "facts": len(service.base.facts),
        "read": len(read),
        "rss_mb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024,
    }


def measure_reloads(base: Path, cache: Path) -> dict[str, Any]:
    """A running bot: start, then reload after a fact edit and after an alias edit."""
    service = FactService(base / "facts", base / "seeds", cache)
    service.load("startup", snapshot_use="use")
    released: list[float] = []
    real_release = service_module.release_gradually

    def timed_release(objects: list[object], *args: Any, **kwargs: Any) -> None:
        started = time.perf_counter()
        try:
            real_release(objects, *args, **kwargs)
        finally:
            released.append(time.perf_counter() - started)

    service_module.release_gradually = timed_release  # type: ignore[attr-defined]
    figures: dict[str, Any] = {}
    for label, change in (("fact", edit_a_fact), ("alias", lambda base: add_an_alias(base / "facts"))):
        change(base)
        released.clear()
        started = time.perf_counter()
        report = service.load("benchmark")
        total = time.perf_counter() - started
        figures[label] = {"serving": total - sum(released), "freed": sum(released), "changed": len(report.changed)}
    figures["rss_mb"] = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    return figures


def edit_a_fact(base: Path) -> None:
    path = max((base / "facts").glob("facts-*.yaml"))
    text = path.read_text(encoding="utf-8")
    path.write_text(text.replace("  questions:\n", "  questions:\n  - a question a moderator added\n", 1))


def run_step(step: str, base: Path, cache: Path) -> dict[str, Any]:
    command = [sys.executable, str(Path(__file__).resolve()), "--step", step, "--base", str(base)]
    command += ["--cache", str(cache)]
    done = subprocess.run(command, capture_output=True, text=True, timeout=STEP_TIMEOUT, cwd=ROOT, check=False)
    if done.returncode != 0:
        raise SystemExit(f"step {step} failed:\n{done.stderr[-2000:]}")
    return json.loads(done.stdout.splitlines()[-1])


def start_line(label: str, figures: dict[str, Any]) -> str:
    written = f"; then the snapshot, {figures['snapshot']:.1f} s" if figures["snapshot"] else ""
    return (
        f"{label}: serving after {figures['serving']:.1f} s ({figures['read']:,} of {figures['facts']:,} facts "
        f"indexed, the rest copied or restored){written}; peak RSS {figures['rss_mb']:,.0f} MB"
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--size", type=int, default=100_000)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--step", choices=["start", "reloads"], help=argparse.SUPPRESS)
    parser.add_argument("--base", type=Path, help=argparse.SUPPRESS)
    parser.add_argument("--cache", type=Path, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.step == "start":
        print(json.dumps(measure_start(args.base, args.cache)))
        return
    if args.step == "reloads":
        print(json.dumps(measure_reloads(args.base, args.cache)))
        return

    source, how = ensure_generated(args.size, args.seed, CACHE)
    print(f"python {sys.version.split()[0]}, {args.size:,} facts ({how})\n", flush=True)
    with tempfile.TemporaryDirectory(prefix="summitbot-load-") as folder:
        base, cache = Path(folder) / "base", Path(folder) / "cache"
        shutil.copytree(source, base)  # it gets edited
        print(start_line("first start, nothing cached", run_step("start", base, cache)), flush=True)
        print(start_line("start, same files", run_step("start", base, cache)), flush=True)
        edit_a_fact(base)
        print(start_line("start after a fact was edited", run_step("start", base, cache)), flush=True)
        reloads = run_step("reloads", base, cache)
        for label, key in (("a fact was edited", "fact"), ("an alias was added", "alias")):
            figures = reloads[key]
            print(
                f"reload after {label}: serving after {figures['serving']:.1f} s; "
                f"the old index then freed in {figures['freed']:.1f} s"
            )
        print("(reloads run beside nothing here; bench_reload_lag.py runs one beside the event loop)")


if __name__ == "__main__":
    main()
