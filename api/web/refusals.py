"""The engine's refusals as sentences for the reader of a page, in the reader's language.

The engine words its refusals in English for programs and logs (`JarchyError.detail`, each field problem's
`message`). A page never shows that English: it words a refusal by its `code` (engine.core.errors.Code) with the
values of its `params` (a case's business key, a date, a count), dates and durations formatted for the reader's
locale by Babel. A code without a sentence of its own falls back to one for its status.
"""

from __future__ import annotations

from datetime import date, datetime, timedelta
from typing import Any

from flask_babel import format_date, format_timedelta, gettext, ngettext
from flask_babel import lazy_gettext as _l

from api.web.i18n import language_name, when
from engine.core.errors import Code, JarchyError

MIB = 1024 * 1024
DATE_PARAMS = ("date", "today", "from", "to")

BY_CODE: dict[str, Any] = {  # a Code is its str value; form keywords (`x-explains`) are codes of their own
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
    Code.APPEARANCE_SUPPORTED: _l("The information support of this appearance has begun already: its case is open."),
    Code.APPEARANCE_CLOSED: _l("This appearance is cancelled, held or over: there is nothing left to prepare."),
    Code.INVALID_INPUT: _l("Some of what was entered needs correcting: see the fields marked."),
    Code.ROLE_REQUIRED: _l("Your role does not allow this."),
    Code.MAY_NOT_RELEASE: _l("Only the person holding this task, or whoever assigns tasks, may give it back."),
    Code.USER_NOT_FOUND: _l("There is no user %(username)s."),
    Code.UNIT_NOT_FOUND: _l("There is no unit %(unit)s."),
    Code.FILE_NOT_FOUND: _l("There is no such file: the link may be wrong or out of date."),
    Code.FILE_MISSING: _l("The contents of this file are missing from the file store: tell the administrator."),
    Code.DELIVERY_NOT_FOUND: _l("There is no such delivery."),
    Code.COMMENT_NOT_FOUND: _l("There is no such comment."),
    Code.SAVED_FILTER_NOT_FOUND: _l("There is no such saved filter."),
    Code.FILTER_NOT_YOURS: _l("Only the person who saved this filter may change or delete it."),
    Code.NOTIFICATION_NOT_FOUND: _l("There is no such notification."),
    Code.ABSENCE_NOT_FOUND: _l("There is no such absence: the link may be wrong or out of date."),
    Code.ABSENCE_OVER: _l("This absence is over already: its end has passed."),
    Code.PUBLICATION_NOT_FOUND: _l("There is no such publication: the link may be wrong or out of date."),
    Code.PROCESS_NOT_FOUND: _l("This procedure is not deployed."),
    Code.VERSION_NOT_FOUND: _l("This procedure has no version %(version)s."),
    Code.FORM_NOT_FOUND: _l("There is no form “%(form)s”."),
    Code.REQUEST_NOT_FOUND: _l("No request has this reference and code: check both and try again."),
    Code.FEED_NOT_FOUND: _l("This calendar link is no longer valid: make a new one."),
    Code.RECORD_NOT_FOUND: _l("There is no such record: the link may be wrong or out of date."),
    Code.WRONG_CREDENTIALS: _l("Wrong username or password."),
    Code.TOKEN_EXPIRED: _l("Your sign-in has expired: sign in again."),
    Code.TOKEN_INVALID: _l("Your sign-in is no longer valid: sign in again."),
    Code.TOKEN_MISSING: _l("Sign in first."),
    Code.THROTTLED: _l("Too many attempts from here: try again in %(wait)s."),
    Code.CHANGED_CONCURRENTLY: _l("Someone else changed this at the same moment: reload and try again."),
    Code.CASE_DATA_UNSTORABLE: _l("A step of the procedure left data that cannot be stored, so nothing was saved: "
                                  "tell the administrator."),
    Code.NOT_DEPLOYED: _l("The procedure this hands over to is not deployed: ask the administrator to deploy it."),
    Code.PERIOD_CLOSED: _l("The period from %(from)s to %(to)s is closed already and overlaps this one."),
    Code.DELIVERY_NOT_SENT: _l("Only a sent delivery can be marked as bounced."),
    Code.CASE_COMMENT_NOT_FOUND: _l("There is no such comment: the link may be wrong or out of date."),
    Code.NOT_COMMENT_AUTHOR: _l("Only its author may edit a comment."),
    Code.EDIT_WINDOW_OVER: _l("A comment can be edited only within a minute of posting it; it stands as it is."),
    Code.COMMENT_DECIDED: _l("This comment has been approved or rejected already."),
    Code.ALREADY_REVOKED: _l("This accreditation was revoked already, on %(date)s."),
    Code.ENTRY_STATUS: _l("This appearance is cancelled or held: it can no longer be changed."),
    Code.ENTRY_OVER: _l("This appearance is over: it can only be recorded as held."),
    Code.ENTRY_NOT_BEGUN: _l("This appearance has not begun yet: it can be recorded as held once it has."),
    Code.APPEARANCE_POSTPONED: _l("This appearance is postponed without a date: fix the new date first."),
    Code.APPEARANCE_CASE_FAILED: _l("Case %(case)s could not take this change, so nothing was changed: an "
                                    "administrator needs to look at that case."),
    Code.SAME_START: _l("It already starts then: give another time."),
    Code.PLAN_LINK_ONLY: _l("An event's support is linked to the media plan by starting it from the plan's "
                            "entry."),
    Code.APPEARANCE_FIXED: _l("This cannot change while case %(case)s supports the appearance: cancel that case "
                              "first, then start a new one."),
    Code.SUPPORT_NEEDS_TIME: _l("Case %(case)s prepares this appearance for a time: give the new time, or cancel "
                                "the appearance."),
    Code.SUPPORT_NEEDS_TOLD: _l("Case %(case)s is cancelled with this appearance: say who was told of the "
                                "cancellation."),
    Code.DIAGRAM_PROBLEM: _l("This element of the diagram has a problem."),
    # problems of a diagram, for the modeler
    Code.DIAGRAM_ENCODING: _l("The diagram must be saved as UTF-8 text."),
    Code.DIAGRAM_DTD: _l("Document type declarations (DTDs, entities) are not allowed in a diagram."),
    Code.XML_MALFORMED: _l("The file is not well-formed XML."),
    Code.NOT_BPMN: _l("The file is not a BPMN 2.0 diagram."),
    Code.UNSUPPORTED_ELEMENT: _l("The element type %(tag)s is not supported."),
    Code.DANGLING_FLOW: _l("The sequence flow points to %(ref)s, which is not in the process."),
    Code.LANE_NOT_A_ROLE: _l("The lane “%(lane)s” is not a role. Name a lane by a role: %(roles)s."),
    Code.FORM_KEY_MISSING: _l("The user task names no form (camunda:formKey)."),
    Code.FORM_MISSING: _l("There is no form “%(form)s”."),
    Code.FIELD_NOT_PROVIDED: _l("This expression reads “%(field)s”, which no form or script of the diagram provides."),
    Code.EXPRESSION_EMPTY: _l("The expression is empty."),
    Code.EXPRESSION_INVALID: _l("The expression is not allowed or cannot be compiled."),
    Code.TIMER_NOT_TEXT: _l("The timer's value %(value)s must be an ISO 8601 text."),
    Code.TIMER_INVALID: _l("The timer's value “%(value)s” is not a valid ISO 8601 value."),
    Code.TIMER_NO_INTERVAL: _l("The timer's cycle “%(value)s” has no time between its occurrences: give it an "
                               "interval longer than zero."),
    Code.ENDLESS_LOOP: _l("The script's loop at its line %(script_line)s never ends: nothing in it leaves it."),
    Code.TASK_UNROUTED: _l("The user task is in no lane and names no role: put it in a lane named by a role, or "
                           "give it a role property."),
    Code.STARTERS_NOT_ROLES: _l("These starter groups are not roles: %(groups)s."),
    Code.NO_STARTER: _l("No one may start this process: set candidate starter groups or put the start event in a "
                        "lane."),
    Code.CALL_NOT_DEPLOYED: _l("The call activity calls %(process)s, which is not deployed."),
    Code.DIAGRAM_UNREADABLE: _l("SpiffWorkflow cannot read the diagram at the element %(element_id)s: check its "
                                "structure."),
    # bpmnlint at deploy: its own rules' messages are English (docs/diagrams.md, The lint)
    Code.LINT_ERROR: _l("The diagram check (%(rule)s) refuses the element: %(lint_message)s"),
    Code.LINT_UNREADABLE: _l("The diagram check cannot read the diagram."),
    Code.CITES_NO_CLAUSE: _l("The documentation (%(language)s) cites no clause of the regulation: name it (§ 9, "
                             "art. 15, item 11) or say “Design choice:”."),
    Code.UNDOCUMENTED: _l("The element has no documentation: say which clause of the regulation it carries out, "
                          "or “Design choice:”."),
    Code.AUDIT_KEY_UNAVAILABLE: _l("The office's audit key cannot be read: check the setting %(setting)s on the "
                                   "server. Tell the server's administrator."),
    Code.LINT_UNAVAILABLE: _l("The diagram cannot be checked now: Node.js, which checks diagrams, is missing on the "
                              "server or did not answer. Tell the server's administrator."),
    # a script or expression the sandbox refuses (in the modeler, and as why a case failed)
    Code.SCRIPT_SYNTAX: _l("The code cannot be read as a script: check the brackets, quotes and indentation."),
    Code.SCRIPT_IMPORT: _l("Imports are not allowed in scripts (“%(name)s”): the functions scripts may use are "
                           "there without importing."),
    Code.SCRIPT_CLASS: _l("Class definitions are not allowed in scripts (“%(name)s”)."),
    Code.SCRIPT_EXEC: _l("“%(name)s” is not allowed in scripts: write the code itself."),
    Code.SCRIPT_NAME: _l("The name “%(name)s” cannot be used in scripts: names starting with an underscore, and a "
                         "few reserved ones, are not allowed."),
    Code.SCRIPT_ATTRIBUTE: _l("The attribute “%(name)s” cannot be used in scripts: attributes starting with an "
                              "underscore, and those that inspect the running code, are not allowed."),
    Code.SCRIPT_CONSTRUCT: _l("This kind of statement (%(construct)s) is not allowed in scripts."),
    Code.SCRIPT_TOO_COMPLEX: _l("The code is nested too deeply to be compiled: split it into simpler steps."),
    # why a case failed
    # (never the exception's name: a press officer cannot act on it; the administrators read it in the record)
    Code.SCRIPT_FAILED: _l("The step's script stopped with an error."),
    Code.EXPRESSION_FAILED: _l("An expression of the step (a condition, a timer or a property) could not be "
                               "worked out."),
    Code.MISSING_DATA: _l("A script or expression uses “%(name)s”, which the case's data does not hold."),
    Code.SCRIPT_LIMIT: _l("A script or expression ran too long or used too much memory, and was stopped."),
    Code.NO_PATH: _l("None of the gateway's conditions held, and it has no default flow."),
    Code.SUBPROCESS_MISSING: _l("The procedure this step calls cannot be found."),
    Code.TRANSLATION_MISSING: _l("The release has no translation into: %(languages)s."),
    Code.LETTER_MISSING: _l("The case holds no letter to send the requester."),
    Code.DATABASE_REFUSED: _l("The database refused a value of the case."),
    Code.CASE_FAILED: _l("The engine stopped because of an error: an administrator can see the details."),
    Code.TOO_LARGE: _l("This is too large."),
    Code.UNAVAILABLE: _l("The server cannot do this just now: try again later."),
    Code.CONTENT_TYPE: _l("This was sent in a form that is not accepted."),
    Code.INTERNAL_ERROR: _l("Something went wrong on the server; it has been logged."),
    # field problems
    Code.REQUIRED: _l("Required."),
    Code.MUST_BE_TEXT: _l("Enter text."),
    Code.MUST_BE_BOOLEAN: _l("Choose yes or no."),
    Code.NOT_AN_EMAIL: _l("%(value)s is not an e-mail address."),
    Code.NOT_A_COUNTRY: _l("%(value)s is not a two-letter country code."),
    Code.NOT_A_LANGUAGE: _l("Choose a language from the list."),
    Code.NOT_ONE_OF: _l("Choose one of the listed values."),
    Code.UNKNOWN_FIELD: _l("This field is not part of the form."),
    Code.NOT_A_DATE: _l("Enter a date, or a date and time."),
    Code.YEAR_OUT_OF_RANGE: _l("Enter a year between 1900 and 2200."),
    Code.ENDS_BEFORE_START: _l("The end comes before the beginning."),
    Code.TIME_REQUIRED: _l("Give a time, or mark it as lasting all day."),
    Code.IN_THE_PAST: _l("This lies in the past: the plan is of appearances to come."),
    Code.NOT_A_RECORD: _l("Choose an entry of the registry from the list."),
    Code.JOURNALIST_INACTIVE: _l("%(name)s no longer works with the office."),
    Code.NOT_ACCREDITED: _l("%(name)s has no accreditation."),
    Code.ACCREDITATION_REVOKED: _l("The accreditation of %(name)s was revoked."),
    Code.ACCREDITATION_NOT_YET: _l("The accreditation of %(name)s is valid only from %(date)s."),
    Code.ACCREDITATION_EXPIRED: _l("The accreditation of %(name)s expired on %(date)s."),
    "x-explains": _l("The claim “%(claim)s” needs its explanation."),
    "x-accounts-for": _l("Each comment needs exactly one entry here."),
    Code.USER_INACTIVE: _l("The user %(username)s is deactivated."),
    Code.NOT_A_CANDIDATE: _l("%(username)s may not work on this task: it is for another role or unit."),
    Code.ABSENCE_OVERLAPS: _l("An absence from %(from)s to %(to)s is recorded already for these days."),
    Code.DEPUTY_SELF: _l("Choose someone else as the deputy."),
    Code.DEPUTY_ABSENT: _l("%(username)s is away from %(from)s to %(to)s: choose another deputy."),
    Code.NOT_A_ROLE: _l("Choose a role from the list."),
    Code.UNIT_REQUIRED: _l("This role acts for a unit: choose an existing unit."),
    Code.UNIT_NOT_TAKEN: _l("This role acts for no unit: leave the unit empty."),
    Code.NO_DEADLINE: _l("This case has no statutory deadline to extend."),
    Code.OWN_EXTENSION: _l("This case's period is extended on its own page, not here."),
    Code.EXTENSION_REFUSED: _l("The deadline of this case cannot be extended by so many working days: an urgent "
                               "request is not extended, and the law allows only a limited extension."),
    Code.GOES_WITH: _l("Fill in this field together with the other one of the pair."),
    Code.GOES_WITHOUT: _l("Give either a period or the first and last day, not both."),
    Code.PERIOD_SHAPE: _l("Write it like %(example)s."),
    Code.PERIOD_NOT_ENDED: _l("A period can be closed only once it has ended: it must end before today, %(today)s."),
    Code.PASSWORD_COMMON: _l("This password is among the most commonly used ones: choose another."),
    Code.FILE_EMPTY: _l("The file is empty."),
    Code.FILE_TYPE: _l("This kind of file cannot be attached: only photos, video, audio, PDF and office documents."),
    Code.DATA_INVALID: _l("This value cannot be stored: it is nested too deeply or too large."),
    Code.NAMES_SHAPE: _l("Give a name for each language."),
    Code.NAME_DIFFERS: _l("The name in the default language differs from the name given."),
    Code.DISCUSSION_END: _l("The discussion period ends on %(date)s: it can only be extended to a later day."),
    Code.NOT_A_WORKING_DAY: _l("%(date)s is not a working day of the office."),
    Code.PAGE_NUMBER: _l("The page must be a whole number from 1."),
    Code.CSV_PROBLEM: _l("This value cannot be imported."),
    Code.FORM_KEY_INVALID: _l("A form key is written process/name, with letters, digits, _ and -."),
    Code.FORM_NOT_JSON: _l("The form file is not JSON."),
    Code.FORM_SCHEMA_INVALID: _l("This is not valid JSON Schema 2020-12."),
    Code.FORM_KEYWORD_UNKNOWN: _l("%(keyword)s is not a keyword Jarchy knows."),
    Code.FORM_FORMAT_UNKNOWN: _l("The format “%(format)s” is not one Jarchy checks."),
    Code.FORM_DECISION_PREFILLED: _l("“%(name)s” records a decision: it cannot be filled in beforehand."),
    Code.MENTION_NOT_READER: _l("@%(username)s is not among those who may read this case: mention only its "
                                "readers."),
    Code.NOT_A_CASE_FILE: _l("Choose among the files of this case."),
    Code.NOT_A_CASE_TASK: _l("Choose a task of this case."),
    # Moving cases to another version (docs/migrations.md): why a case cannot move, and the refusals of a move.
    Code.NO_TARGET: _l("The step “%(element)s” has no counterpart in the new version: choose one for it."),
    Code.FORM_LACKS: _l("In the new version the step “%(element)s” asks for %(fields)s, which the case does not "
                        "hold."),
    Code.CALL_IN_PROGRESS: _l("The case is inside “%(element)s”, which calls another procedure in the new "
                              "version."),
    Code.TIMER_CHANGES: _l("The new version counts the waiting time of “%(element)s” differently: choose to "
                           "count it again."),
    Code.NOT_RUNNING: _l("The case is no longer running."),
    Code.OTHER_VERSION: _l("The case is on version %(version)s."),
    Code.MOVE_FAILED: _l("The case could not be moved: it stays where it was."),
    Code.MIGRATION_NOT_FOUND: _l("There is no such move of cases."),
    Code.CASE_ADVANCED: _l("The case %(case)s has gone on since it was moved: it can no longer be moved back."),
    Code.CASE_NOT_MOVED: _l("The case %(case)s was not moved by this migration, or is back already."),
    Code.NOT_AN_ELEMENT: _l("Version %(version)s has no step %(element_id)s."),
    Code.KIND_DIFFERS: _l("A step can only become a step of the same kind."),
    Code.SAME_VERSION: _l("Choose another version to move the cases to."),
    Code.NOT_A_CASE_OF: _l("Case %(case_id)s is not a case of this procedure."),
    # mending a failed case (docs/failed_cases.md)
    Code.CASE_NOT_FAILED: _l("This case is not failed: there is nothing to mend."),
    Code.NOTHING_TO_RETRY: _l("The case failed after its step had ended (a publication or a letter): there is no "
                              "step to run again. Cancel the case instead."),
    Code.NOT_A_FAILED_ELEMENT: _l("The case did not stop at this step."),
    Code.GATEWAY_NOT_SKIPPED: _l("A gateway chooses which way the case goes, so it is never skipped: correct the data "
                                 "its conditions read and retry."),
    Code.NO_FAILED_DATA: _l("No failed step reads the case's data: retry without corrections."),
}
BY_STATUS = {
    403: _l("Your role does not allow this."),
    404: _l("There is nothing here: the link may be wrong or out of date."),
    409: _l("Someone else changed this first; reload and try again"),
}


def _counted(code: str, params: dict[str, Any]) -> str | None:
    """The sentences that count something, in each language's plural forms."""
    if code == Code.TOO_LONG:
        return ngettext("At most %(num)d character.", "At most %(num)d characters.", _int(params, "limit"))
    if code == Code.TOO_MANY:
        return ngettext("At most %(num)d is allowed.", "At most %(num)d are allowed.", _int(params, "limit"))
    if code == Code.TOO_LONG_SPAN:
        return ngettext("It may last at most %(num)d day.", "It may last at most %(num)d days.",
                        _int(params, "days"))
    if code == Code.PASSWORD_TOO_SHORT:
        return ngettext("The password needs at least %(num)d character.",
                        "The password needs at least %(num)d characters.", _int(params, "limit"))
    if code == Code.DATA_TOO_LARGE:
        return ngettext("The data may be at most %(num)d character long.",
                        "The data may be at most %(num)d characters long.", _int(params, "limit"))
    if code == Code.FILE_TOO_LARGE:
        return ngettext("The file is too large: this kind of file may be at most %(num)d MiB.",
                        "The file is too large: this kind of file may be at most %(num)d MiB.",
                        _int(params, "limit") // MIB)
    if code == Code.INVALID_DIAGRAM:
        return ngettext("The diagram has %(num)d problem: see the list.", "The diagram has %(num)d problems: see "
                        "the list.", _int(params, "count"))
    if code == Code.DIAGRAM_TOO_LARGE:
        return ngettext("The file is larger than %(num)d MiB.", "The file is larger than %(num)d MiB.",
                        _int(params, "limit"))
    if code == Code.ONE_EXECUTABLE_PROCESS:
        return ngettext("A diagram must hold exactly one executable process; this one has %(num)d.",
                        "A diagram must hold exactly one executable process; this one has %(num)d.",
                        _int(params, "count"))
    if code in (Code.ID_TOO_LONG, Code.NAME_TOO_LONG):
        return ngettext("The element's id or name may be at most %(num)d character long.",
                        "The element's id or name may be at most %(num)d characters long.", _int(params, "limit"))
    if code == Code.PREFIX_LENGTH:
        return ngettext("The business key prefix must have 1 to %(num)d character.",
                        "The business key prefix must have 1 to %(num)d characters.", _int(params, "limit"))
    if code == Code.BEYOND_CALENDAR:
        return ngettext("%(num)d working day from then lies beyond the calendar's reach of about ten years.",
                        "%(num)d working days from then lie beyond the calendar's reach of about ten years.",
                        _int(params, "days"))
    return None


def _int(params: dict[str, Any], name: str) -> int:
    value = params.get(name)
    return value if isinstance(value, int) else 0


class _Words(dict[str, Any]):
    """The parameters as a sentence shows them; one a sentence names but the error lacks reads as a dash."""

    def __missing__(self, key: str) -> str:
        return "—"


def _words(params: dict[str, Any]) -> _Words:
    words = _Words({k: v for k, v in params.items() if v is not None})
    for name in DATE_PARAMS:
        if isinstance(params.get(name), str):
            words[name] = _day(params[name])
    if isinstance(params.get("languages"), list):  # the languages a release lacks, by their names
        words["languages"] = ", ".join(language_name(str(code)) for code in params["languages"])
    if isinstance(params.get("retry_after"), int):
        words["wait"] = format_timedelta(timedelta(seconds=params["retry_after"]), threshold=1)
    return words


def _day(text: str) -> str:
    """An ISO date (or moment) from the engine, as the reader's locale writes it."""
    try:
        if len(text) == 10:
            return format_date(date.fromisoformat(text), "long")
        return when(datetime.fromisoformat(text), "long")
    except ValueError:
        return text


def worded(code: str | None, params: dict[str, Any] | None = None) -> str | None:
    """The sentence of a code with its parameters, or None for a code that has none of its own."""
    if not code:
        return None
    params = params or {}
    counted = _counted(code, params)
    if counted is not None:
        return counted
    found = BY_CODE.get(code)
    if found is None:
        return None
    text = _one_stop(str(found) % _words(params))
    if isinstance(params.get("script_line"), int) and code != Code.ENDLESS_LOOP:  # that one names its line itself
        text += " " + gettext("Line %(num)d of the code.", num=params["script_line"])
    return text


def _one_stop(text: str) -> str:
    """A sentence ending in an abbreviated date ("2 марта 2026 г.") takes no second full stop."""
    return text[:-1] if text.endswith("..") and not text.endswith("...") else text


def sentence(status: int, code: str | None = None, params: dict[str, Any] | None = None) -> str | None:
    """What a page says of a refusal; None for statuses that have no sentence of their own."""
    found = worded(code, params) or BY_STATUS.get(status)
    return str(found) if found is not None else None


def of(error: JarchyError) -> str:
    """What a page says of a refusal of the engine: always a sentence in the reader's language."""
    return sentence(error.status, error.code, error.params) or gettext("This cannot be done.")


def attachment(error: JarchyError) -> str:
    """Why a file was not attached: no file chosen asks for one, anything else is the refusal's own sentence."""
    if error.code == Code.REQUIRED:
        return gettext("Choose a file to attach.")
    return of(error)


def field(entry: dict[str, Any]) -> str:
    """What a page says of one field problem of the engine: never its English `message`."""
    return worded(entry.get("code"), entry.get("params")) or gettext("This value cannot be taken.")
