"""The `summitbot` command: ask, check, eval, gaps and feedback work offline; run starts the Discord bot."""

from __future__ import annotations

import argparse
import json
import sys
import textwrap
import time
from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING

from bot.core.answer import Answer
from bot.core.errors import FactBaseError
from bot.core.service import FactService, SnapshotUse
from bot.settings import Settings, SettingsError

if TYPE_CHECKING:
    from bot.core.store import CurationStore

# The curation store's file when neither --db nor the settings name one.


def main(argv: Sequence[str] | None = None) -> int:
    parser = _parser()
    args = parser.parse_args(argv)
    try:
        settings = Settings.from_env()
    except SettingsError as error:
        print(f"summitbot: {error}", file=sys.stderr)
        return 2
    try:
        return args.handler(args, settings)
    except BrokenPipeError:
        # The reader went away (`summitbot eval … | head`): not an error worth a traceback.
        sys.stderr.close()
        return 0


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="summitbot", description=__doc__)
    parser.add_argument("--facts", type=Path, help="facts folder (default: SUMMITBOT_FACTS_DIR or ./facts)")
    parser.add_argument("--seeds", type=Path, help="article folder (default: SUMMITBOT_SEEDS_DIR or ./seeds)")
    commands = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")

    ask = commands.add_parser("ask", help="answer a question about the article")
    ask.add_argument("question", nargs="*", help="the question (omit with --jsonl)")
    ask.add_argument("--json", action="store_true", help="print one JSON object")
    ask.add_argument("--jsonl", action="store_true", help="read questions from stdin, one per line; write JSON lines")
    ask.set_defaults(handler=_ask)

    check = commands.add_parser("check", help="validate the fact base; exit 1 and list the errors if it is broken")
    check.set_defaults(handler=_check)

    evaluate = commands.add_parser("eval", help="print accuracy on a question file")
    evaluate.add_argument("file", type=Path)
    evaluate.add_argument(
        "--split", action="append", help="only these splits (tune, holdout, fresh, fresh2 ... fresh13); repeatable"
    )
    evaluate.add_argument("--misses", action="store_true", help="list every question answered wrongly")
    evaluate.set_defaults(handler=_eval)

    run = commands.add_parser("run", help="run the Discord bot (needs DISCORD_TOKEN)")
    run.set_defaults(handler=_run)

    gaps = commands.add_parser("gaps", help="list the questions the bot declined most often")
    gaps.add_argument("--limit", type=_positive_int, default=10, help="how many (default: 10)")
    gaps.add_argument("--db", type=Path, help="curation store (default: SUMMITBOT_STORE_PATH or var/summitbot.sqlite3)")
    gaps.set_defaults(handler=_gaps)

    feedback = commands.add_parser("feedback", help="list the facts whose answers people marked wrong")
    feedback.add_argument("--limit", type=_positive_int, default=10, help="how many (default: 10)")
    feedback.add_argument(
        "--db", type=Path, help="curation store (default: SUMMITBOT_STORE_PATH or var/summitbot.sqlite3)"
    )
    feedback.set_defaults(handler=_feedback)
    return parser


def _positive_int(text: str) -> int:
    try:
        value = int(text)
    except ValueError:
        value = 0
    if value < 1:
        raise argparse.ArgumentTypeError(f"expected a whole number of at least 1, got {text!r}")
    return value


def _service(args: argparse.Namespace, settings: Settings, snapshot_use: SnapshotUse = "off") -> FactService:
    """The loaded facts; `check` and `eval` always build, to judge the files and code as they are,
    and `check` leaves a snapshot of a base that passes, so the bot then starts without building."""
    service = FactService(args.facts or settings.facts_dir, args.seeds or settings.seeds_dir, settings.cache_dir)
    service.load(by="command line", snapshot_use=snapshot_use)
    return service


def _ask(args: argparse.Namespace, settings: Settings) -> int:
    if args.jsonl == bool(args.question):
        print("summitbot ask: give a question, or --jsonl to read questions from stdin", file=sys.stderr)
        return 2
    try:
        service = _service(args, settings, snapshot_use="use")
    except FactBaseError as error:
        print(f"summitbot: {error}", file=sys.stderr)
        return 1
    if args.jsonl:
        for line in sys.stdin:
            question = line.rstrip("\n")
            print(json.dumps(service.ask(question).to_dict(), ensure_ascii=False), flush=True)
        return 0
    answer = service.ask(" ".join(args.question))
    if args.json:
        print(json.dumps(answer.to_dict(), ensure_ascii=False))
    else:
        print(format_answer(answer, service.base.article_for(answer.source).title))
    return 0


def format_answer(answer: Answer, article_title: str) -> str:
    """The answer as a person reads it in a terminal."""
    if not answer.answered:
        lines = ["The article doesn't say."]
        if answer.suggestions:
            lines.append("You could ask:")
            lines.extend(f"  - {s}" for s in answer.suggestions)
        return "\n".join(lines)
    quote = textwrap.fill(answer.quote or "", width=88, initial_indent="  > ", subsequent_indent="  > ")
    return f"{answer.answer}\n\n{quote}\n\n  — {article_title}, paragraph {answer.paragraph}"


def _check(args: argparse.Namespace, settings: Settings) -> int:
    try:
        service = _service(args, settings, snapshot_use="refresh")
    except FactBaseError as error:
        print(error, file=sys.stderr)
        return 1
    base = service.base
    names = ", ".join(a.path.name for a in base.articles)
    print(f"OK: {len(base.facts)} facts from {len(base.files)} files, every quote found in {names}")
    return 0


def _eval(args: argparse.Namespace, settings: Settings) -> int:
    from bot.core.evaluation import evaluate, load_questions

    try:
        service = _service(args, settings)
        questions = load_questions(args.file, args.split)
    except (FactBaseError, OSError, ValueError) as error:
        print(f"summitbot: {error}", file=sys.stderr)
        return 1
    splits = sorted({q.split for q in questions})
    started = time.perf_counter()
    for split in splits:
        result = evaluate(service.matcher, [q for q in questions if q.split == split])
        print(result.summary(split))
        if args.misses:
            for miss in result.misses:
                got = miss.answer.fact_id if miss.answer.answered else "decline"
                expected = "|".join(sorted(miss.question.expected))
                print(f"    {miss.question.question!r}: expected {expected}, got {got} ({miss.answer.score:.1f})")
    overall = evaluate(service.matcher, questions)
    print(overall.summary("all"))
    elapsed = (time.perf_counter() - started) / max(1, 2 * len(questions))
    print(f"{len(questions)} questions, {elapsed * 1e6:.0f} µs per answer")
    return 0


def _run(args: argparse.Namespace, settings: Settings) -> int:
    if not settings.token:
        print(
            "summitbot run: DISCORD_TOKEN is not set.\n"
            "Put it in the environment or in a .env file (see .env.example).\n"
            'To try the bot without Discord, use: summitbot ask "when did Xi arrive?"',
            file=sys.stderr,
        )
        return 2
    from bot.app.runner import run_bot

    return run_bot(settings, facts_dir=args.facts, seeds_dir=args.seeds)


def _open_store(args: argparse.Namespace, settings: Settings) -> CurationStore | None:
    """The store the bot writes to; None (after saying why) when there is no such file.

    A report must not create an empty store in the wrong folder and then say "nothing yet".
    """
    from bot.core.store import CurationStore

    path = args.db or settings.store_path
    if not Path(path).is_file():
        print(f"summitbot {args.command}: no curation store at {path} (give one with --db)", file=sys.stderr)
        return None
    return CurationStore.open(Path(path))


def _gaps(args: argparse.Namespace, settings: Settings) -> int:
    store = _open_store(args, settings)
    if store is None:
        return 1
    with store:
        gaps = store.gaps(limit=args.limit)
    if not gaps:
        print("No declined questions recorded yet.")
        return 0
    print(f"The {len(gaps)} questions the bot declined most often (similar wordings counted together):")
    for rank, gap in enumerate(gaps, start=1):
        when = gap.last_asked.strftime("%Y-%m-%d %H:%M UTC")
        print(f"{rank:>3}. {gap.representative}  — asked {gap.count}×, last {when}")
        for example in gap.examples[1:]:
            print(f"       also: {example}")
    return 0


def _feedback(args: argparse.Namespace, settings: Settings) -> int:
    store = _open_store(args, settings)
    if store is None:
        return 1
    with store:
        report = store.feedback_report(limit=args.limit)
    if not report:
        print("No votes recorded yet.")
        return 0
    width = max(len("fact"), *(len(row.fact_id) for row in report))
    print(f"{'fact':<{width}}  {'wrong':>5}  {'helpful':>7}")
    for row in report:
        print(f"{row.fact_id:<{width}}  {row.wrong:>5}  {row.helpful:>7}")
    return 0
