"""Domain errors. The API maps each class to one HTTP status in one place."""

from __future__ import annotations

from dataclasses import dataclass, field
from enum import StrEnum
from typing import Any


class Code(StrEnum):
    """Which refusal of its class an error is, where one class covers situations a reader must tell apart.

    The English `detail` is for programs and logs; a page words the refusal for its reader from the class and
    this code (api.web.refusals), never from the English."""

    TASK_NOT_FOUND = "task_not_found"
    CASE_NOT_FOUND = "case_not_found"
    TASK_NOT_YOURS = "task_not_yours"  # neither a candidate of the task nor its assignee
    TASK_TAKEN = "task_taken"  # another user holds the task
    TASK_CLOSED = "task_closed"  # completed, or no longer needed
    CASE_NOT_YOURS = "case_not_yours"
    CASE_CLOSED = "case_closed"
    MAY_NOT_START = "may_not_start"
    ALREADY_EXISTS = "already_exists"
    LAST_ADMIN = "last_admin"
    CASE_UNREADABLE = "case_unreadable"  # its stored state cannot be loaded: it can only be cancelled
    NOT_WAITING = "not_waiting"  # the case waits for no such message now
    DISCUSSION_CLOSED = "discussion_closed"  # a draft act's discussion period has ended (or not begun)


class JarchyError(Exception):
    status = 400
    title = "Bad request"

    def __init__(self, detail: str, errors: list[dict[str, Any]] | None = None, *, code: Code | None = None) -> None:
        super().__init__(detail)
        self.detail = detail
        self.errors = errors or []
        self.code = code


class NotFound(JarchyError):
    status = 404
    title = "Not found"


class Unauthenticated(JarchyError):
    status = 401
    title = "Authentication required"


class Forbidden(JarchyError):
    status = 403
    title = "Forbidden"


class Conflict(JarchyError):
    status = 409
    title = "Conflict"


class TooManyAttempts(JarchyError):
    """Refused before any work is done, until `retry_after` seconds have passed (sent as Retry-After)."""

    status = 429
    title = "Too many requests"

    def __init__(self, detail: str, retry_after: int) -> None:
        super().__init__(detail)
        self.retry_after = retry_after


class Unreadable(Conflict):
    """A case whose stored state cannot be loaded (state written before case data was kept plain JSON)."""

    title = "The case cannot be worked on"

    def __init__(self, detail: str, errors: list[dict[str, Any]] | None = None, *,
                 code: Code | None = Code.CASE_UNREADABLE) -> None:
        super().__init__(detail, errors, code=code)


class TooLarge(JarchyError):
    """A body or a file over its size limit: refused, and nothing of it kept."""

    status = 413
    title = "Too large"


class Unavailable(JarchyError):
    """Something the server needs is missing for now (a fault of the server, not of the input or the case)."""

    status = 503
    title = "Service unavailable"


def unavailable_within(exc: BaseException) -> Unavailable | None:
    """The server's fault inside an error SpiffWorkflow wrapped (it keeps the original only as the context)."""
    seen: BaseException | None = exc
    for _ in range(8):
        if seen is None or isinstance(seen, Unavailable):
            return seen
        seen = seen.__cause__ or seen.__context__
    return None


class Invalid(JarchyError):
    """Input that is well-formed but breaks a rule: each entry of `errors` names a field or element."""

    status = 422
    title = "Unprocessable input"


@dataclass
class ElementError:
    """A problem with one element of a diagram, as a deploy reports it."""

    message: str
    element_id: str | None = None
    line: int | None = None
    extra: dict[str, Any] = field(default_factory=dict)

    def as_dict(self) -> dict[str, Any]:
        out: dict[str, Any] = {"message": self.message}
        if self.element_id is not None:
            out["element_id"] = self.element_id
        if self.line is not None:
            out["line"] = self.line
        return out


class InvalidDiagram(Invalid):
    title = "Invalid diagram"

    def __init__(self, problems: list[ElementError]) -> None:
        super().__init__(
            f"The diagram has {len(problems)} problem(s): " + "; ".join(p.message for p in problems[:3]),
            [p.as_dict() for p in problems],
        )
        self.problems = problems
