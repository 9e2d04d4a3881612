"""Discord's size limits, and trimming text to fit them without breaking a reply."""

from __future__ import annotations

CONTENT = 2000
EMBED_TITLE = 256
EMBED_DESCRIPTION = 4096
FIELD_NAME = 256
FIELD_VALUE = 1024
FOOTER = 2048
EMBED_TOTAL = 6000
MAX_FIELDS = 25
CHOICE_NAME = 100
BUTTON_LABEL = 80
MAX_CHOICES = 25


def clip(text: str, limit: int) -> str:
    """`text` cut to at most `limit` characters, with an ellipsis when anything was cut."""
    return text if len(text) <= limit else text[: limit - 1].rstrip() + "…"
