"""Which procedures keep their deadline by a rule of their own (engine.calendar.deadlines.Keeping), by process key:
the generic operations (recounting after a calendar change, the generic extension) ask here."""

from __future__ import annotations

from engine.calendar.deadlines import PLAIN, Keeping
from engine.procedures import discussion

RULES: dict[str, Keeping] = {discussion.PROCESS_KEY: discussion.KEEPING}


def of(process_key: str) -> Keeping:
    """The procedure's rule, or the plain one (the clock's count, no copies, the generic extension)."""
    return RULES.get(process_key, PLAIN)
