"""Reading a moment the case data keeps as ISO text."""

from __future__ import annotations

from datetime import datetime
from typing import Any


def parse_moment(value: Any, *, aware: bool = False) -> datetime | None:
    """`value` read as an ISO date-time; None when it is not text, not a date-time, or (`aware`) has no offset."""
    if not isinstance(value, str):
        return None
    try:
        moment = datetime.fromisoformat(value)
    except ValueError:
        return None
    return None if aware and moment.tzinfo is None else moment
