"""Accuracy of the matcher on a question file: in-scope answered right, out-of-scope declined."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path

import yaml

from bot.core.answer import Answer
from bot.core.matcher import Matcher

DECLINE = "decline"


@dataclass(frozen=True)
class LabelledQuestion:
    question: str
    expected: frozenset[str]
    split: str

    @property
    def in_scope(self) -> bool:
        return DECLINE not in self.expected


@dataclass(frozen=True)
class Miss:
    question: LabelledQuestion
    answer: Answer


@dataclass
class EvalResult:
    in_scope_total: int = 0
    in_scope_right: int = 0
    out_of_scope_total: int = 0
    out_of_scope_declined: int = 0
    misses: list[Miss] = field(default_factory=list)

    @property
    def in_scope_accuracy(self) -> float:
        return self.in_scope_right / self.in_scope_total if self.in_scope_total else 1.0

    @property
    def decline_accuracy(self) -> float:
        return self.out_of_scope_declined / self.out_of_scope_total if self.out_of_scope_total else 1.0

    def summary(self, label: str = "") -> str:
        prefix = f"{label}: " if label else ""
        return (
            f"{prefix}in scope {self.in_scope_right}/{self.in_scope_total} right "
            f"({self.in_scope_accuracy:.1%}), out of scope {self.out_of_scope_declined}/{self.out_of_scope_total} "
            f"declined ({self.decline_accuracy:.1%})"
        )


def load_questions(path: Path, splits: Iterable[str] | None = None) -> list[LabelledQuestion]:
    """Read a question file whose top-level keys are splits (`tune`, `holdout`), each a list of
    `{q: ..., expect: fact-id | [fact-ids] | decline}`."""
    document = yaml.safe_load(path.read_text(encoding="utf-8"))
    if not isinstance(document, dict):
        raise ValueError(f"{path}: expected a mapping of splits to lists of questions")
    wanted = set(splits) if splits else None
    questions: list[LabelledQuestion] = []
    for split, entries in document.items():
        if wanted is not None and split not in wanted:
            continue
        for number, entry in enumerate(entries or [], start=1):
            if not isinstance(entry, dict) or "q" not in entry or "expect" not in entry:
                raise ValueError(f"{path}: {split} entry {number} needs 'q' and 'expect'")
            expect = entry["expect"]
            expected = frozenset(expect if isinstance(expect, list) else [expect])
            questions.append(LabelledQuestion(str(entry["q"]), frozenset(map(str, expected)), split))
    return questions


def evaluate(matcher: Matcher, questions: Iterable[LabelledQuestion]) -> EvalResult:
    result = EvalResult()
    for labelled in questions:
        answer = matcher.ask(labelled.question)
        if labelled.in_scope:
            result.in_scope_total += 1
            right = answer.answered and answer.fact_id in labelled.expected
            result.in_scope_right += right
        else:
            result.out_of_scope_total += 1
            right = not answer.answered
            result.out_of_scope_declined += right
        if not right:
            result.misses.append(Miss(labelled, answer))
    return result
