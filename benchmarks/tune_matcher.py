"""Grid search of the matcher's weights on the `tune` splits of both question files only.

The `holdout` and `fresh*` splits are never read here: they measure what tuning cannot see. A setting's
score is the sum of in-scope right and out-of-scope declined on both tune splits, so it must
serve questions written beside the facts and questions written blind to them alike.

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
    "unknown_word_penalty": [30.0, 45.0],
    "uncovered_word_penalty": [50.0, 65.0, 80.0],
    "answer_threshold": [68.0, 70.0, 72.0, 76.0],
    "answer_text_floor": [65.0, 70.0, 75.0],
}
QUESTION_FILES = ("questions.yaml", "blind_questions.yaml")


def main() -> None:
    base = load_fact_base(ROOT / "facts", ROOT / "seeds")
    splits = [load_questions(ROOT / "tests" / "data" / name, ["tune"]) for name in QUESTION_FILES]
    matcher = Matcher(base)
    results = []
    for values in itertools.product(*GRID.values()):
        matcher.tuning = replace(Tuning(), **dict(zip(GRID, values, strict=True)))
        scored = [evaluate(matcher, questions) for questions in splits]
        total = sum(r.in_scope_accuracy + r.decline_accuracy for r in scored)
        results.append((total, values, scored))
    results.sort(key=lambda r: r[0], reverse=True)
    matcher.tuning = Tuning()
    print("default:", " | ".join(evaluate(matcher, q).summary(n) for n, q in zip(QUESTION_FILES, splits, strict=True)))
    for _, values, scored in results[:10]:
        print(dict(zip(GRID, values, strict=True)))
        for name, result in zip(QUESTION_FILES, scored, strict=True):
            print("   ", result.summary(name))


if __name__ == "__main__":
    main()
