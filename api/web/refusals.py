"""The engine's refusals (403, 404, 409) as sentences for the reader of a page, in the reader's language.

The engine words its refusals in English for programs and logs (`JarchyError.detail`: "the task is already
completed"). A page says instead what its reader needs to know, chosen by the error's status and, where one
status covers situations a reader must tell apart, by its `code` (engine.core.errors.Code); never by reading the
English, which a page shows only folded away as technical detail.
"""

from __future__ import annotations

from flask_babel import lazy_gettext as _l

from engine.core.errors import Code, JarchyError

BY_CODE = {
    Code.TASK_NOT_FOUND: _l("There is no such task: the link may be wrong or out of date."),
    Code.CASE_NOT_FOUND: _l("There is no such case: the link may be wrong or out of date."),
    Code.TASK_NOT_YOURS: _l("This task is for another role or unit."),
    Code.TASK_TAKEN: _l("Someone else has taken this task."),
    Code.TASK_CLOSED: _l("This task is closed: it was completed or is no longer needed."),
    Code.CASE_NOT_YOURS: _l("This case is not among those you may open."),
    Code.CASE_CLOSED: _l("This case is closed: nothing more can be done in it."),
    Code.MAY_NOT_START: _l("Your role may not start this procedure."),
    Code.ALREADY_EXISTS: _l("This is taken already: choose another."),
    Code.LAST_ADMIN: _l("The last active administrator must stay one."),
    Code.CASE_UNREADABLE: _l("This case's stored state cannot be read: it can only be cancelled. Its page says why."),
    Code.NOT_WAITING: _l("The case is not waiting for this now."),
    Code.DISCUSSION_CLOSED: _l("The discussion period of this draft has ended: comments are no longer accepted."),
}
BY_STATUS = {
    403: _l("Your role does not allow this."),
    404: _l("There is nothing here: the link may be wrong or out of date."),
    409: _l("Someone else changed this first; reload and try again"),
}


def sentence(status: int, code: str | None = None) -> str | None:
    """What a page says of a refusal; None for statuses that have no sentence of their own."""
    found = (BY_CODE.get(code) if code else None) or BY_STATUS.get(status)  # a Code is its str value
    return str(found) if found is not None else None


def of(error: JarchyError) -> str | None:
    return sentence(error.status, error.code)
