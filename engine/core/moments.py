"""Reading a moment the case's data or a request holds as ISO 8601 text, where unreadable text is no moment (the
caller's own check, a form's `format` or a page's fallback, says what is wrong with it)."""

from __future__ import annotations

from datetime import datetime
from typing import Any


def parse_moment(value: Any, *, aware: bool = False) -> datetime | None:
    """The moment `value` writes (`2026-03-02T09:00:00+06:00`; a date alone is its midnight); None for anything
    not text, unreadable text, or, with `aware`, a moment without its offset (whose instant is unknown)."""
    if not isinstance(value, str):
        return None
    try:
        moment = datetime.fromisoformat(value)
    except ValueError:
        return None
    return None if aware and moment.tzinfo is None else moment
