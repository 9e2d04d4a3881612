"""How the matcher scales with the size of the fact base (1,000 / 10,000 / 100,000 facts).

For each size, a synthetic base is generated with benchmarks/generate_facts.py (cached under
/tmp) and measured in a subprocess of its own, so that memory peaks do not accumulate:

* load time: `load_fact_base` and `Matcher(base)`, separately;
* peak RSS (ru_maxrss) after loading, after building the matcher, and at the end;
* answer time per question (median, p99) and questions per second on one core;
* accuracy on the generated questions: in scope answered right, out of scope declined;
* the same for the plain approach, `process.extractOne(normalize(q), phrasings, WRatio)`, and the
  speed ratio between the two.

Prints figures; asserts nothing. Every phase has a time budget: answering stops after
--answer-budget seconds and says how many questions it got through, and a size whose load and
build do not finish within --load-timeout is reported with the figures it got.

    python benchmarks/bench_scale.py [--sizes 1000 10000 100000] [--questions 500]
    python benchmarks/bench_scale.py --sizes 10000 --profile   # cProfile of load, build, answering
"""

from __future__ import annotations

import argparse
import cProfile
import gc
import hashlib
import io
import json
import pstats
import queue
import resource
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any
from unittest.mock import patch

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "benchmarks"))

from generate_facts import generate  # noqa: E402
from rapidfuzz import fuzz, process  # noqa: E402

from bot.core import FactService, Matcher, load_fact_base, snapshot  # noqa: E402
from bot.core import service as service_module  # noqa: E402
from bot.core.evaluation import LabelledQuestion, load_questions  # noqa: E402
from bot.core.release import cyclic_gc_paused  # noqa: E402
from bot.core.text import normalize  # noqa: E402

PLAIN_CUTOFF = 80  # as in benchmarks/bench_answer.py
CACHE = Path(tempfile.gettempdir()) / "summitbot-scale"
GENERATED_QUESTIONS = 1000
REPORT_EVERY = 2.0  # seconds between progress events from the child


# --- the child: measures one size ---------------------------------------------------------


def peak_rss_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024  # kilobytes on Linux


def emit(event: str, **values: Any) -> None:
    print(json.dumps({"event": event, "rss_mb": round(peak_rss_mb(), 1), **values}), flush=True)


def percentile(values: list[float], fraction: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(fraction * (len(ordered) - 1)))]


def run_questions(
    name: str,
    answer: Callable[[str], str | None],
    questions: list[LabelledQuestion],
    budget: float,
    profiler: cProfile.Profile | None = None,
) -> None:
    """Answer each question once, timing it; stop when the budget is spent. Reports as it goes."""
    timings: list[float] = []
    outcomes: list[bool] = []  # per question asked: answered right (in scope) or declined (off topic)
    scoped: list[bool] = []  # per question asked: in scope or not
    right = in_scope = declined = out_of_scope = 0
    started = last_report = time.perf_counter()

    def report(final: bool) -> None:
        emit(
            name,
            final=final,
            done=len(timings),
            total=len(questions),
            elapsed=time.perf_counter() - started,
            busy=sum(timings),
            median=statistics.median(timings) if timings else None,
            p99=percentile(timings, 0.99) if timings else None,
            worst=max(timings) if timings else None,
            right=right,
            in_scope=in_scope,
            declined=declined,
            out_of_scope=out_of_scope,
            outcomes=outcomes if final else None,
            scoped=scoped if final else None,
        )

    for labelled in questions:
        if profiler:
            profiler.enable()
        before = time.perf_counter()
        got = answer(labelled.question)
        after = time.perf_counter()
        if profiler:
            profiler.disable()
        timings.append(after - before)
        scoped.append(labelled.in_scope)
        if labelled.in_scope:
            in_scope += 1
            outcomes.append(got is not None and got in labelled.expected)
            right += outcomes[-1]
        else:
            out_of_scope += 1
            outcomes.append(got is None)
            declined += outcomes[-1]
        if after - started > budget:
            break
        if after - last_report > REPORT_EVERY:
            report(final=False)
            last_report = after
    report(final=True)


def profile_text(profiler: cProfile.Profile, label: str, top: int) -> str:
    out = io.StringIO()
    stats = pstats.Stats(profiler, stream=out)
    stats.strip_dirs()
    out.write(f"--- {label}: top {top} by own time ---\n")
    stats.sort_stats("tottime").print_stats(top)
    out.write(f"--- {label}: top {top} by cumulative time ---\n")
    stats.sort_stats("cumulative").print_stats(top)
    return out.getvalue()


def child(
    directory: Path, n_questions: int, budget: float, plain_budget: float, profile: bool, snapshot_dir: Path | None
) -> None:
    top = 15
    profiler = cProfile.Profile() if profile else None

    # As FactService.load does: the cyclic collector is paused while the index is built, and the
    # index is frozen out of its reach afterwards.
    gc_pause = cyclic_gc_paused()
    gc_pause.__enter__()
    started = time.perf_counter()
    if profiler:
        profiler.enable()
    base = load_fact_base(directory / "facts", directory / "seeds")
    if profiler:
        profiler.disable()
        emit("profile", text=profile_text(profiler, "load_fact_base", top))
        profiler = cProfile.Profile()
    emit("loaded", seconds=time.perf_counter() - started, facts=len(base.facts), terms=len(base.terms))

    started = time.perf_counter()
    if profiler:
        profiler.enable()
    matcher = Matcher(base)
    gc.freeze()
    gc_pause.__exit__(None, None, None)
    if profiler:
        profiler.disable()
        emit("profile", text=profile_text(profiler, "Matcher(base)", top))
        profiler = cProfile.Profile()
    emit(
        "built",
        seconds=time.perf_counter() - started,
        phrasings=len(matcher._choices),
        vocabulary=len(matcher._vocabulary),
    )

    if snapshot_dir is not None:
        started = time.perf_counter()
        key = snapshot.fingerprint(directory / "facts", directory / "seeds")
        written = snapshot.write(snapshot_dir, key, base, matcher)
        emit(
            "snapshot-written",
            seconds=time.perf_counter() - started,
            megabytes=written.stat().st_size / 1e6 if written else None,
        )

    labelled = load_questions(directory / "questions.yaml", ["generated"])[:n_questions]

    def ours(question: str) -> str | None:
        got = matcher.ask(question)
        return got.fact_id if got.answered else None

    run_questions("ours", ours, labelled, budget, profiler)
    if profiler:
        emit("profile", text=profile_text(profiler, "Matcher.ask", top))

    started = time.perf_counter()
    phrasings = [normalize(q) for fact in base.facts for q in fact.questions]
    owners = [fact.id for fact in base.facts for _ in fact.questions]
    emit("plain-built", seconds=time.perf_counter() - started, phrasings=len(phrasings))

    def plain(question: str) -> str | None:
        best = process.extractOne(normalize(question), phrasings, scorer=fuzz.WRatio, score_cutoff=PLAIN_CUTOFF)
        return owners[best[2]] if best else None

    if not profile:
        run_questions("plain", plain, labelled, plain_budget)
    emit("done")


def restore_child(directory: Path, snapshot_dir: Path) -> None:
    """A fresh process starting as the bot does: fingerprint the files, read the snapshot."""
    started = time.perf_counter()
    service = FactService(directory / "facts", directory / "seeds", snapshot_dir)
    with patch.object(service_module, "load_fact_base", side_effect=RuntimeError("no snapshot was used")):
        service.load(snapshot_use="use")
    emit("restored", seconds=time.perf_counter() - started, facts=len(service.base.facts))


# --- the parent: generates, runs a child per size, prints -------------------------------------


def ensure_generated(size: int, seed: int, cache: Path) -> tuple[Path, str]:
    directory = cache / f"facts-{size}-seed{seed}"
    stamp = directory / "generated.json"
    wanted = {"facts": size, "seed": seed, "questions": GENERATED_QUESTIONS, "generator": generator_version()}
    if stamp.is_file():
        try:
            if json.loads(stamp.read_text())["params"] == wanted:
                return directory, "cached"
        except (ValueError, KeyError):
            pass
    started = time.perf_counter()
    summary = generate(directory, size, seed, GENERATED_QUESTIONS)
    elapsed = time.perf_counter() - started
    stamp.write_text(json.dumps({"params": wanted, "summary": summary}))
    return directory, f"generated in {elapsed:.1f} s"


def generator_version() -> str:
    """Changes when generate_facts.py does, or the shipped files it copies from (the lexicon, the
    background terms), so neither an edited generator nor an edited lexicon reuses a stale base."""
    inputs = [
        ROOT / "benchmarks" / "generate_facts.py",
        ROOT / "facts" / "lexicon.yaml",
        ROOT / "facts" / "entities.yaml",
    ]
    return hashlib.sha256(b"".join(path.read_bytes() for path in inputs)).hexdigest()[:16]


def run_child(
    args: argparse.Namespace, directory: Path, snapshot_dir: Path
) -> tuple[dict[str, dict[str, Any]], list[str], str | None]:
    """Run the child for one size; returns its last event of each kind, profiles, and why it stopped early."""
    command = [
        sys.executable,
        str(Path(__file__).resolve()),
        "--child",
        str(directory),
        "--snapshot-dir",
        str(snapshot_dir),
        "--questions",
        str(args.questions),
        "--answer-budget",
        str(args.answer_budget),
        "--plain-budget",
        str(args.plain_budget),
    ]
    if args.profile:
        command.append("--profile")
    events: dict[str, dict[str, Any]] = {}
    profiles: list[str] = []
    lines: queue.Queue[str | None] = queue.Queue()
    with tempfile.TemporaryFile("w+") as errors:
        child_process = subprocess.Popen(command, stdout=subprocess.PIPE, stderr=errors, text=True, cwd=ROOT)

        def pump() -> None:
            assert child_process.stdout is not None
            for line in child_process.stdout:
                lines.put(line)
            lines.put(None)

        threading.Thread(target=pump, daemon=True).start()
        deadline = time.monotonic() + args.load_timeout
        stopped: str | None = None
        while True:
            try:
                line = lines.get(timeout=max(0.1, deadline - time.monotonic()))
            except queue.Empty:
                phase = "building the matcher" if "loaded" in events else "loading the fact base"
                if "built" in events:
                    phase = "answering"
                stopped = f"gave up after the time limit while {phase}"
                child_process.kill()
                break
            if line is None:
                break
            event = json.loads(line)
            if event["event"] == "profile":
                profiles.append(event["text"])
                continue
            events[event["event"]] = event
            if event["event"] == "built":
                # Answering has its own budgets; allow for them and for one slow question.
                deadline = time.monotonic() + args.answer_budget + args.plain_budget + 300
        child_process.wait()
        if stopped is None and child_process.returncode != 0:
            errors.seek(0)
            tail = errors.read()[-2000:]
            stopped = f"the measuring process failed (exit {child_process.returncode}):\n{tail}"
    if stopped is None and "snapshot-written" in events:
        events.update(run_restore(directory, snapshot_dir, args.load_timeout))
    return events, profiles, stopped


def run_restore(directory: Path, snapshot_dir: Path, timeout: float) -> dict[str, dict[str, Any]]:
    """Start a fresh process from the snapshot the child wrote, as `summitbot run` would."""
    command = [sys.executable, str(Path(__file__).resolve()), "--restore", str(directory)]
    command += ["--snapshot-dir", str(snapshot_dir)]
    try:
        done = subprocess.run(command, capture_output=True, text=True, timeout=timeout, cwd=ROOT)
    except subprocess.TimeoutExpired:
        return {}
    events = {event["event"]: event for event in map(json.loads, done.stdout.splitlines())}
    if "restored" not in events:
        events["restore-failed"] = {"event": "restore-failed", "why": done.stderr[-600:]}
    return events


def answer_lines(label: str, figures: dict[str, Any] | None) -> list[str]:
    if not figures or not figures["done"]:
        return [f"{label}: no question answered"]
    done, total = figures["done"], figures["total"]
    rate = done / figures["busy"] if figures["busy"] else float("inf")
    partial = "" if done == total else f" (stopped by the time budget after {figures['elapsed']:.0f} s)"
    lines = [
        f"{label}: {done}/{total} questions{partial}",
        f"  answer time: median {figures['median'] * 1e3:.2f} ms, p99 {figures['p99'] * 1e3:.2f} ms, "
        f"worst {figures['worst'] * 1e3:.1f} ms; {rate:,.1f} questions/s on one core",
    ]
    right = figures["right"] / figures["in_scope"] if figures["in_scope"] else float("nan")
    declined = figures["declined"] / figures["out_of_scope"] if figures["out_of_scope"] else float("nan")
    lines.append(
        f"  accuracy: in scope {right:.1%} right ({figures['right']}/{figures['in_scope']}), "
        f"out of scope {declined:.1%} declined ({figures['declined']}/{figures['out_of_scope']})"
    )
    return lines


def same_sample_line(ours: dict[str, Any], plain: dict[str, Any]) -> str:
    """Accuracy of both on exactly the questions plain got through, so the two compare fairly."""
    questions = plain["outcomes"]
    ours_outcomes = ours["outcomes"][: len(questions)]
    in_scope = [i for i, scoped in enumerate(plain["scoped"]) if scoped]
    out_scope = [i for i, scoped in enumerate(plain["scoped"]) if not scoped]

    def share(outcomes: list[bool], positions: list[int]) -> str:
        return f"{sum(outcomes[i] for i in positions) / len(positions):.1%}" if positions else "n/a"

    return (
        f"same {len(questions)} questions: ours {share(ours_outcomes, in_scope)} right / "
        f"{share(ours_outcomes, out_scope)} declined, plain {share(questions, in_scope)} right / "
        f"{share(questions, out_scope)} declined"
    )


def print_block(size: int, source: str, events: dict[str, dict[str, Any]], stopped: str | None) -> None:
    print(f"=== {size:,} facts ===")
    print(f"data: {source}")
    loaded, built = events.get("loaded"), events.get("built")
    if loaded:
        print(f"load_fact_base: {loaded['seconds']:.2f} s ({loaded['facts']:,} facts, {loaded['terms']:,} terms)")
    if built:
        print(
            f"Matcher(base): {built['seconds']:.2f} s ({built['phrasings']:,} phrasings incl. answers and quotes, "
            f"vocabulary {built['vocabulary']:,} words)"
        )
        print(f"load + build: {loaded['seconds'] + built['seconds']:.2f} s")
    if "snapshot-written" in events:
        written = events["snapshot-written"]
        print(f"snapshot written in {written['seconds']:.2f} s ({written['megabytes'] or 0:,.0f} MB)")
    if "restore-failed" in events:
        print(f"starting from the snapshot failed: {events['restore-failed']['why']}")
    if "restored" in events:
        restored = events["restored"]
        print(
            f"start from the snapshot (new process, fingerprint + read): {restored['seconds']:.2f} s, "
            f"peak RSS {restored['rss_mb']:,.0f} MB"
        )
    rss = [f"{name} {events[name]['rss_mb']:,.0f} MB" for name in ("loaded", "built", "ours", "done") if name in events]
    if rss:
        print("peak RSS: " + ", ".join(rss).replace("ours", "after answering").replace("done", "at the end"))
    print("\n".join(answer_lines("ours (Matcher.ask)", events.get("ours"))))
    if "plain-built" in events:
        print(f"plain: {events['plain-built']['phrasings']:,} phrasings (fact questions only)")
    if "plain" in events:
        print("\n".join(answer_lines(f"plain extractOne(WRatio >= {PLAIN_CUTOFF})", events["plain"])))
        ours, plain = events.get("ours"), events["plain"]
        if ours and plain["done"] < ours["done"] and ours.get("outcomes") and plain.get("outcomes"):
            print(same_sample_line(ours, plain))
        if ours and ours["done"] and plain["done"]:
            ratio = plain["median"] / ours["median"]
            rates = (plain["busy"] / plain["done"]) / (ours["busy"] / ours["done"])
            print(
                f"speed ratio: ours is {ratio:.2f}x as fast as plain by median "
                f"({rates:.2f}x by questions/s; above 1 means ours is faster)"
            )
    if stopped:
        print(f"NOTE: {stopped}")
    print(flush=True)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", type=int, nargs="+", default=[1000, 10000, 100000])
    parser.add_argument("--questions", type=int, default=500, help="questions asked per size (of 1,000 generated)")
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--cache", type=Path, default=CACHE, help="where generated bases are kept (outside the repo)")
    parser.add_argument("--answer-budget", type=float, default=120.0, help="seconds of answering per size (ours)")
    parser.add_argument("--plain-budget", type=float, default=60.0, help="seconds of answering per size (plain)")
    parser.add_argument("--load-timeout", type=float, default=600.0, help="seconds allowed for load + build")
    parser.add_argument("--profile", action="store_true", help="print cProfile top functions (times inflated)")
    parser.add_argument("--child", type=Path, help=argparse.SUPPRESS)
    parser.add_argument("--restore", type=Path, help=argparse.SUPPRESS)
    parser.add_argument("--snapshot-dir", type=Path, help=argparse.SUPPRESS)
    args = parser.parse_args()

    if args.child:
        child(args.child, args.questions, args.answer_budget, args.plain_budget, args.profile, args.snapshot_dir)
        return
    if args.restore:
        restore_child(args.restore, args.snapshot_dir)
        return
    cache = args.cache.resolve()
    if cache == ROOT or ROOT in cache.parents:
        parser.error("--cache must be outside the repository")
    print(f"python {sys.version.split()[0]}, {args.questions} questions per size, cache {cache}\n")
    for size in args.sizes:
        directory, source = ensure_generated(size, args.seed, cache)
        with tempfile.TemporaryDirectory(prefix="summitbot-snapshot-") as snapshot_dir:
            events, profiles, stopped = run_child(args, directory, Path(snapshot_dir))
        print_block(size, source, events, stopped)
        for text in profiles:
            print(text)


if __name__ == "__main__":
    main()
