"""Speed of the curated base: load time, answer time per question, questions per second.

Prints figures; asserts nothing. Compares against the plain approach (rapidfuzz extractOne over
every phrasing, no folding or intents) in the same run, and times `summitbot ask` and
`summitbot run` (without a token) as whole processes.

    python benchmarks/bench_answer.py [--rounds 5]
"""

from __future__ import annotations

import argparse
import os
import statistics
import subprocess
import sys
import time
from pathlib import Path

from rapidfuzz import fuzz, process

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bot.core import Matcher, load_fact_base  # noqa: E402
from bot.core.evaluation import LabelledQuestion, evaluate, load_questions  # noqa: E402
from bot.core.text import normalize  # noqa: E402

PLAIN_CUTOFF = 80


def percentile(values: list[float], fraction: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(fraction * (len(ordered) - 1)))]


def time_each(function, questions: list[str], rounds: int) -> list[float]:
    timings: list[float] = []
    for _ in range(rounds):
        for question in questions:
            started = time.perf_counter()
            function(question)
            timings.append(time.perf_counter() - started)
    return timings


def print_accuracy(label: str, matcher: Matcher, plain_answer, labelled: list) -> None:
    """Ours and the plain approach on the same questions: in scope answered right, the rest declined."""
    ours = evaluate(matcher, labelled)
    in_scope = sum(q.in_scope for q in labelled)
    plain_right = sum(q.in_scope and plain_answer(q.question) in q.expected for q in labelled)
    plain_declined = sum(not q.in_scope and plain_answer(q.question) is None for q in labelled)
    print(
        f"accuracy on {label} ({in_scope} in scope, {len(labelled) - in_scope} not): "
        f"ours {ours.in_scope_accuracy:.1%} right, {ours.decline_accuracy:.1%} declined; "
        f"plain (WRatio >= {PLAIN_CUTOFF}) {plain_right / in_scope:.1%} right, "
        f"{plain_declined / (len(labelled) - in_scope):.1%} declined"
    )


def process_seconds(args: list[str], env: dict[str, str]) -> list[float]:
    timings = []
    for _ in range(5):
        started = time.perf_counter()
        subprocess.run(args, capture_output=True, env=env, cwd=ROOT, timeout=60)
        timings.append(time.perf_counter() - started)
    return timings


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rounds", type=int, default=5)
    args = parser.parse_args()

    loads = []
    for _ in range(5):
        started = time.perf_counter()
        base = load_fact_base(ROOT / "facts", ROOT / "seeds")
        matcher = Matcher(base)
        loads.append(time.perf_counter() - started)

    labelled = load_questions(ROOT / "tests" / "data" / "questions.yaml")
    questions = [q.question for q in labelled]
    ours = time_each(matcher.ask, questions, args.rounds)

    phrasings = [normalize(q) for fact in base.facts for q in fact.questions]
    owners = [fact.id for fact in base.facts for _ in fact.questions]

    def plain_answer(question: str) -> str | None:
        best = process.extractOne(normalize(question), phrasings, scorer=fuzz.WRatio, score_cutoff=PLAIN_CUTOFF)
        return owners[best[2]] if best else None

    plain = time_each(plain_answer, questions, args.rounds)

    med, p99 = statistics.median(ours), percentile(ours, 0.99)
    plain_med = statistics.median(plain)
    rate = 1 / statistics.mean(ours)
    print(f"fact base: {len(base.facts)} facts, {len(phrasings)} phrasings")
    print(f"questions: {len(questions)} from tests/data/questions.yaml, {args.rounds} rounds")
    print(f"load (parse + validate + index): median {statistics.median(loads) * 1e3:.1f} ms")
    print(f"answer: median {med * 1e6:.0f} µs, p99 {p99 * 1e6:.0f} µs, {rate:,.0f} questions/s on one core")
    print(f"plain extractOne(WRatio): median {plain_med * 1e6:.0f} µs; ours/plain {med / plain_med:.2f}x")

    for name in ("questions.yaml", "blind_questions.yaml"):
        by_split: dict[str, list[LabelledQuestion]] = {}
        for question in load_questions(ROOT / "tests" / "data" / name):
            by_split.setdefault(question.split, []).append(question)
        for split, questions in by_split.items():
            print_accuracy(f"{name} {split}", matcher, plain_answer, questions)

    env = {k: v for k, v in os.environ.items() if k != "DISCORD_TOKEN"}
    ask = process_seconds([sys.executable, "-m", "bot", "ask", "when did xi arrive"], env)
    run = process_seconds([sys.executable, "-m", "bot", "run"], env)
    print(f"`summitbot ask` whole process: median {statistics.median(ask) * 1e3:.0f} ms, max {max(ask) * 1e3:.0f} ms")
    run_median, run_max = statistics.median(run) * 1e3, max(run) * 1e3
    print(f"`summitbot run` without a token: median {run_median:.0f} ms, max {run_max:.0f} ms")


if __name__ == "__main__":
    main()
