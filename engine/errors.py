"""Domain errors. The API maps each class to one HTTP status in one place."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any


class JarchyError(Exception):
    status = 400
    title = "Bad request"

    def __init__(self, detail: str, errors: list[dict[str, Any]] | None = None) -> None:
        super().__init__(detail)
        self.detail = detail
        self.errors = errors or []


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
