"""Why a case failed, in the reader's language: worded from the `code` and `params` its `instance.failed` event
holds (api.web.refusals), never from the engine's English `message` (kept for the auditors' record). An event
recorded before failures carried a code says only where the case failed."""

from __future__ import annotations

from typing import Any

from flask_babel import gettext

from api.database import session as db_session
from api.web import refusals
from db.models import ProcessInstance
from engine.reads import case_failures


def sentence(after: dict[str, Any] | None, step: str | None = None) -> str:
    """The history's line of a failure: where (the step's name, when it names one) and why."""
    after = after or {}
    why = refusals.worded(after.get("code"), after.get("params") if isinstance(after.get("params"), dict) else {})
    if why and step:
        return gettext("The case failed at “%(step)s”. %(reason)s", step=step, reason=why)  # the reason: a sentence
    if why:
        return gettext("The case failed. %(message)s", message=why)
    if step:
        return gettext("The case failed at “%(step)s”.", step=step)
    return gettext("The case failed.")


def of_case(instance: ProcessInstance) -> str:
    """Why a failed case failed (its last failure's reason), for the case's facts."""
    code, params = case_failures.reasons(db_session(), [instance.id]).get(instance.id, (None, {}))
    why = refusals.worded(code, params)
    return why or gettext("The case stopped because of an error: an administrator can see the details.")
