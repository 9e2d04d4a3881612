"""The answer object every front end renders: the CLI, the tests and the Discord embeds."""

from __future__ import annotations

from dataclasses import asdict, dataclass, field
from typing import Any


@dataclass(frozen=True)
class Answer:
    """What the bot says to one question.

    `answered` is False when the article does not say; then `answer`, `quote` and `paragraph`
    are None and `suggestions` holds up to three questions the bot can answer instead.
    """

    question: str
    answered: bool
    answer: str | None = None
    quote: str | None = None
    paragraph: int | None = None
    source: str | None = None
    fact_id: str | None = None
    score: float = 0.0
    suggestions: tuple[str, ...] = field(default_factory=tuple)
    suggestion_ids: tuple[str, ...] = field(default_factory=tuple)

    def to_dict(self) -> dict[str, Any]:
        data = asdict(self)
        data["suggestions"] = list(self.suggestions)
        data["suggestion_ids"] = list(self.suggestion_ids)
        data["score"] = round(self.score, 2)
        return data
