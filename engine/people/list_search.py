"""The search of the inbox and the cases list as asked: its words, filters and order, and the check that refuses
what the lists do not know, naming each field at fault (docs/search.md). Here, below the read models, because a
saved filter (engine.people.saved_filters) is checked as its list would check it; engine.reads.finding runs it."""

from __future__ import annotations

from dataclasses import dataclass, fields
from datetime import date
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from db.models import Unit, User
from engine.core.errors import Code, Invalid, problem

MAX_WORDS = 200  # characters of the words asked
DUE_WINDOWS = ("overdue", "today", "week")
ASSIGNEES = ("me", "nobody")
# The columns each list sorts by, as its `sort` names them.
INBOX_SORTS = ("task", "case", "procedure", "due", "assignee", "created")
CASE_SORTS = ("case", "procedure", "status", "due", "started")


@dataclass(frozen=True)
class Find:
    q: str | None = None
    sort: str | None = None
    unit: str | None = None
    due: str | None = None
    due_from: date | None = None
    due_to: date | None = None
    assignee: str | None = None


FIND_KEYS = tuple(f.name for f in fields(Find))


def check(session: Session, find: Find, sorts: tuple[str, ...]) -> User | None:
    """Refuses what the list does not know, naming each field at fault; the user `assignee` names, if any."""
    found: list[dict[str, Any]] = []
    if find.q is not None and len(find.q) > MAX_WORDS:
        found.append(problem("q", Code.TOO_LONG, f"at most {MAX_WORDS} characters", limit=MAX_WORDS))
    if find.sort and find.sort.removeprefix("-") not in sorts:
        found.append(problem("sort", Code.NOT_ONE_OF, f"one of {', '.join(sorts)}, '-' before it for descending",
                             choices=list(sorts)))
    if find.due and find.due not in DUE_WINDOWS:
        found.append(problem("due", Code.NOT_ONE_OF, f"one of {', '.join(DUE_WINDOWS)}", choices=list(DUE_WINDOWS)))
    if find.due_from and find.due_to and find.due_from > find.due_to:
        found.append(problem("due_to", Code.ENDS_BEFORE_START, "the end date comes before the start date"))
    if find.unit and session.scalar(select(Unit.id).where(Unit.key == find.unit)) is None:
        found.append(problem("unit", Code.UNIT_NOT_FOUND, f"no unit {find.unit!r}", unit=find.unit))
    someone = None
    if find.assignee and find.assignee not in ASSIGNEES:
        someone = session.scalar(select(User).where(User.username == find.assignee))
        if someone is None:
            found.append(problem("assignee", Code.USER_NOT_FOUND, f"me, nobody or a username; no user "
                                                                  f"{find.assignee!r}", username=find.assignee))
    if found:
        raise Invalid("the list's search has invalid parameters: " + ", ".join(p["field"] for p in found), found,
                      code=Code.INVALID_INPUT)
    return someone
