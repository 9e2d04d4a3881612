"""Grid search of the matcher's weights on the `tune` split of the question file only.

The `holdout` split is never read here: it measures what tuning cannot see.

    python benchmarks/tune_matcher.py
"""

from __future__ import annotations

import itertools
import sys
from dataclasses import replace
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bot.core import Matcher, load_fact_base  # noqa: E402
from bot.core.evaluation import evaluate, load_questions  # noqa: E402
from bot.core.matcher import Tuning  # noqa: E402

GRID = {
    "unknown_word_penalty": [20.0, 25.0, 30.0, 40.0],
    "uncovered_word_penalty": [12.0, 15.0, 20.0, 25.0],
    "answer_threshold": [72.0, 74.0, 76.0, 78.0, 80.0, 82.0],
    "unnamed_penalty": [14.0, 25.0],
}


def main() -> None:
    base = load_fact_base(ROOT / "facts", ROOT / "seeds")
    questions = load_questions(ROOT / "tests" / "data" / "questions.yaml", ["tune"])
    matcher = Matcher(base)
    results = []
    for values in itertools.product(*GRID.values()):
        matcher.tuning = replace(Tuning(), **dict(zip(GRID, values, strict=True)))
        result = evaluate(matcher, questions)
        balanced = min(result.in_scope_accuracy, result.decline_accuracy)
        results.append((balanced, result.in_scope_accuracy + result.decline_accuracy, values, result))
    results.sort(key=lambda r: (r[0], r[1]), reverse=True)
    print("default:", evaluate(Matcher(base), questions).summary("tune"))
    for _, _, values, result in results[:10]:
        print(dict(zip(GRID, values, strict=True)), result.summary())


if __name__ == "__main__":
    main()
