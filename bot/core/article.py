"""The source article: its paragraphs, and checking that a quote really is in it."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

from bot.core.text import fold_whitespace


@dataclass(frozen=True)
class Article:
    """An article as the fact base cites it: paragraphs numbered from 1, headings skipped."""

    id: str
    title: str
    path: Path
    paragraphs: tuple[str, ...]

    def paragraph(self, number: int) -> str:
        return self.paragraphs[number - 1]

    def has_quote(self, quote: str, paragraph: int) -> bool:
        """Whether paragraph `paragraph` contains `quote` (whitespace folded): the fast check."""
        needle = fold_whitespace(quote)
        return bool(needle) and 1 <= paragraph <= len(self.paragraphs) and needle in self.paragraphs[paragraph - 1]

    def find_quote(self, quote: str) -> list[int]:
        """The numbers of the paragraphs that contain `quote`, comparing with whitespace folded."""
        needle = fold_whitespace(quote)
        return [number for number, text in enumerate(self.paragraphs, start=1) if needle and needle in text]


def split_paragraphs(text: str) -> tuple[str, ...]:
    """Split article text into paragraphs, each with its whitespace folded.

    A blank line ends a paragraph, and so does a line that starts with a space (the article
    starts some paragraphs that way without a blank line before them). A block of one short
    line without closing punctuation is a heading ("Rivalry") and gets no number.
    """
    blocks: list[list[str]] = []
    current: list[str] = []
    for line in _lines(text):
        if not line.strip():
            if current:
                blocks.append(current)
            current = []
            continue
        if line[:1].isspace() and current:
            blocks.append(current)
            current = []
        current.append(line.strip())
    if current:
        blocks.append(current)
    return tuple(fold_whitespace(" ".join(block)) for block in blocks if not _is_heading(block))


def _lines(text: str, chunk: int = 1 << 16) -> Iterator[str]:
    """`text.splitlines()`, a part of the text at a time: splitting a 7 MB generated article in one
    call held the GIL for 40 ms, and articles are read again on every reload, beside the event loop.
    Each part ends just after a newline, so no line (nor a CR LF pair) is cut in two."""
    start = 0
    while start < len(text):
        newline = text.find("\n", start + chunk)
        end = len(text) if newline < 0 else newline + 1
        yield from text[start:end].splitlines()
        start = end


def _is_heading(block: list[str]) -> bool:
    text = " ".join(block).strip()
    return len(block) == 1 and len(text) < 60 and not text.endswith((".", '"', "?", "!", ":"))


def read_article(article_id: str, title: str, path: Path) -> Article:
    text = path.read_text(encoding="utf-8")
    return Article(id=article_id, title=title, path=path, paragraphs=split_paragraphs(text))
