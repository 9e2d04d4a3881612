"""Errors of the fact base, each pointing at the file, line, fact and field to fix."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class FactProblem:
    """One thing wrong in the fact base, located precisely enough to fix without searching."""

    file: str
    message: str
    line: int | None = None
    fact_id: str | None = None
    field: str | None = None

    def __str__(self) -> str:
        where = f"{self.file}:{self.line}" if self.line else self.file
        parts = [where]
        if self.fact_id:
            parts.append(f"id '{self.fact_id}'")
        if self.field:
            parts.append(f"field '{self.field}'")
        return f"{': '.join(parts)}: {self.message}"


class FactBaseError(Exception):
    """Raised when the fact base cannot be loaded; carries every problem found, not just the first."""

    def __init__(self, problems: list[FactProblem]) -> None:
        self.problems = list(problems)
        count = len(self.problems)
        listing = "\n".join(f"  {problem}" for problem in self.problems)
        super().__init__(f"{count} problem{'s' if count != 1 else ''} in the fact base:\n{listing}")
