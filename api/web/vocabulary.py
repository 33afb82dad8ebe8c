"""Machine values the pages show to people, as catalog messages.

`label` (api.web.i18n) turns a value such as `in_person` into the message "In person"; the
messages it can meet are listed here so that extraction puts them in the catalogs.
"""

from __future__ import annotations

from flask_babel import lazy_gettext as _l

ERROR_TITLES = {
    400: _l("The request could not be understood"),
    401: _l("Please sign in"),
    403: _l("You may not do this"),
    404: _l("Not found"),
    405: _l("Not allowed here"),
    409: _l("This cannot be done now"),
    413: _l("Too large"),
    422: _l("Some fields need correcting"),
    500: _l("Something went wrong on our side"),
}

# Values whose readable form is not the value with its first letter raised.
NAMED_VALUES = {"pr_head": _l("Head of the PR department"), "pr_department": _l("PR department")}

ROLES = (_l("Admin"), _l("Auditor"), _l("Press secretary"), _l("Unit head"),
         _l("Leadership"), _l("Legal"))

# Auditors' pages and the dashboard: audit event types (shown as label(type with "." -> "_")), procedures,
# case statuses and the tones of media publications.
EVENT_TYPES = (_l("Calendar override set"), _l("Deadline extended"), _l("Deadline moved"), _l("Deadline paused"),
               _l("Deadline recomputed"), _l("Deadline resumed"), _l("Definition deployed"), _l("Instance cancelled"),
               _l("Instance completed"), _l("Instance failed"), _l("Instance started"), _l("Message delivered"),
               _l("Notification created"), _l("Notification email failed"), _l("Notification emailed"),
               _l("Publication published"), _l("Sign in failed"), _l("Sign in throttled"), _l("Task assigned"),
               _l("Task cancelled"), _l("Task claimed"), _l("Task completed"), _l("Task created"), _l("Task reminded"),
               _l("Task routing failed"), _l("Task unclaimed"), _l("Unit created"), _l("User created"),
               _l("User updated"), _l("Timer fired"), _l("Timer cancelled"), _l("Timer held"), _l("Timer moved"))
PROCEDURES = (_l("Information request"), _l("Release approval"), _l("Publication response"), _l("Press conference"),
              _l("Interview request"), _l("Daily digest"))
CASE_STATUSES = (_l("Running"), _l("Completed"), _l("Cancelled"), _l("Failed"))
TONES = (_l("Positive"), _l("Neutral"), _l("Negative"))
# Staff pages: a task's status and the outcomes the shipped procedures record.
TASK_STATUSES_AND_OUTCOMES = (_l("Open"), _l("Answered"), _l("Refused"), _l("Withdrawn"), _l("Declined"), _l("Held"),
                              _l("Published"))


def error_title(status: int) -> str:
    return str(ERROR_TITLES.get(status) or ERROR_TITLES[500 if status >= 500 else 400])
