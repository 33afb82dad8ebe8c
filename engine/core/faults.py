"""Whose fault a failure is: the case's own (it would fail the same way at every round, so it is recorded on the
case) or a race's or the database's (the next round simply tries again); and the text an administrator reads."""

from __future__ import annotations

from typing import Any

from sqlalchemy.exc import DBAPIError, InterfaceError, OperationalError

from engine.core.errors import Code, Conflict, JarchyError, NotFound, Unavailable, Unreadable

MAX_FAILURE_TEXT = 2000


class CaseFault(ValueError):
    """Something a case's data cannot make (a publication, a letter): the case fails, recorded with `code` and
    `params` for a page to word it."""

    def __init__(self, message: str, *, code: Code, params: dict[str, Any] | None = None) -> None:
        super().__init__(message)
        self.code = code
        self.params = dict(params or {})


def is_case_fault(exc: BaseException) -> bool:
    """Whether `exc` comes from the case itself (it would fail again), not from a race or the database."""
    if isinstance(exc, Unreadable):
        return True
    if isinstance(exc, (Conflict, NotFound, Unavailable)):
        return False
    if isinstance(exc, (OperationalError, InterfaceError)):
        return False
    if isinstance(exc, DBAPIError) and exc.connection_invalidated:
        return False
    return isinstance(exc, Exception)


def describe(exc: BaseException) -> str:
    text = exc.detail if isinstance(exc, JarchyError) else f"{type(exc).__name__}: {exc}"
    return text[:MAX_FAILURE_TEXT]
