"""Domain errors. The API maps each class to one HTTP status in one place."""

from __future__ import annotations

from dataclasses import dataclass, field
from enum import StrEnum
from typing import Any, NamedTuple


class Code(StrEnum):
    """Which refusal an error (or one of its field problems) is: a stable snake_case name, part of the contract.

    The English `detail` and `message` are for programs and logs; a page words the refusal for its reader from
    this code and the error's `params` (api.web.refusals), never from the English. A name, once published, is
    never changed or reused; docs/errors.md lists them."""

    TASK_NOT_FOUND = "task_not_found"  # {task_id}
    CASE_NOT_FOUND = "case_not_found"  # {case_id} where known: no such case, file of a case, or draft act
    TASK_NOT_YOURS = "task_not_yours"  # neither a candidate of the task nor its assignee
    TASK_TAKEN = "task_taken"  # another user holds the task
    TASK_CLOSED = "task_closed"  # completed, or no longer needed
    CASE_NOT_YOURS = "case_not_yours"  # the case is not among those the user may read
    CASE_CLOSED = "case_closed"  # {case} where known: completed, cancelled or failed
    MAY_NOT_START = "may_not_start"  # {process}: the user's role (or the portal) may not start it
    ALREADY_EXISTS = "already_exists"  # {value} or {field}: a unique key or name taken already
    LAST_ADMIN = "last_admin"  # {username}: the last active administrator must stay one
    CASE_UNREADABLE = "case_unreadable"  # its stored state cannot be loaded: it can only be cancelled
    NOT_WAITING = "not_waiting"  # {message}: the case waits for no such message now
    DISCUSSION_CLOSED = "discussion_closed"  # {date} where known: a draft's discussion has ended (or not begun)
    APPEARANCE_SUPPORTED = "appearance_supported"  # {case}: an entry's support runs (or has held it)
    APPEARANCE_CLOSED = "appearance_closed"  # {title}: a media plan entry cancelled, held or over: nothing to prepare
    ABSENCE_OVER = "absence_over"  # an absence ended already (or one whose end has passed)
    MIGRATION_NOT_FOUND = "migration_not_found"  # {migration_id} of this procedure
    CASE_ADVANCED = "case_advanced"  # {case}: a migrated case moved on since: it is not moved back
    CASE_NOT_MOVED = "case_not_moved"  # {case, status}: the migration did not move this case (or it is back)
    # -- why a case cannot move to another version (a migration's `blocked[*].reason`, docs/migrations.md) ------
    NO_TARGET = "no_target"  # {element_id}: a waiting (or passed) element with no target in the new version
    FORM_LACKS = "form_lacks"  # {element_id, form, fields}: a passed step's new form requires fields the case lacks
    CALL_IN_PROGRESS = "call_in_progress"  # {element_id, process}: a running call activity calls another process now
    TIMER_CHANGES = "timer_changes"  # {element_id}: a waiting timer's expression changed (timers "keep")
    NOT_RUNNING = "not_running"  # {status}: a chosen case that is completed or cancelled
    OTHER_VERSION = "other_version"  # {version}: a chosen case on another version than the migration's
    MOVE_FAILED = "move_failed"  # {}: moving the workflow failed (SpiffWorkflow's reason in `message`)
    # -- whole refusals -----------------------------------------------------------------------------------
    INVALID_INPUT = "invalid_input"  # some fields are wrong: each entry of `errors` says which and why
    ROLE_REQUIRED = "role_required"  # {roles}: the action needs one of these roles
    MAY_NOT_RELEASE = "may_not_release"  # only the assignee, pr_head or admin may release a task
    USER_NOT_FOUND = "user_not_found"  # {username}
    UNIT_NOT_FOUND = "unit_not_found"  # {unit}
    FILE_NOT_FOUND = "file_not_found"  # {file_id}
    FILE_MISSING = "file_missing"  # {file_id}: the stored bytes (or thumbnail) are gone from the file store
    DELIVERY_NOT_FOUND = "delivery_not_found"  # {delivery_id}
    COMMENT_NOT_FOUND = "comment_not_found"  # {comment_id}
    CASE_COMMENT_NOT_FOUND = "case_comment_not_found"  # {comment_id}: no such staff comment, or not readable
    SAVED_FILTER_NOT_FOUND = "saved_filter_not_found"  # {filter_id}: none, or none the user may read
    FILTER_NOT_YOURS = "filter_not_yours"  # a shared saved filter: only its owner changes or deletes it
    NOTIFICATION_NOT_FOUND = "notification_not_found"  # {notification_id}
    ABSENCE_NOT_FOUND = "absence_not_found"  # {absence_id}
    PUBLICATION_NOT_FOUND = "publication_not_found"  # {publication_id}
    DEADLINE_NOT_FOUND = "deadline_not_found"  # {case_id}: the case keeps no statutory deadline
    PROCESS_NOT_FOUND = "process_not_found"  # {process}: no version of it is deployed
    VERSION_NOT_FOUND = "version_not_found"  # {process, version}
    FORM_NOT_FOUND = "form_not_found"  # {form} (and {version}): no such deployed form, or version of it
    REQUEST_NOT_FOUND = "request_not_found"  # the portal's reference and token match no request
    FEED_NOT_FOUND = "feed_not_found"  # no calendar feed has this token
    RECORD_NOT_FOUND = "record_not_found"  # {key}: a registry or media plan record
    WRONG_CREDENTIALS = "wrong_credentials"
    TOKEN_EXPIRED = "token_expired"  # noqa: S105
    TOKEN_INVALID = "token_invalid"  # noqa: S105
    THROTTLED = "throttled"  # {retry_after} seconds, {limit} an hour where one applies
    CHANGED_CONCURRENTLY = "changed_concurrently"  # someone else wrote the same thing at the same moment
    CASE_DATA_UNSTORABLE = "case_data_unstorable"  # the diagram's scripts left data that cannot be stored
    NOT_DEPLOYED = "not_deployed"  # {process}: a handover needs a procedure that is not deployed
    PERIOD_CLOSED = "period_closed"  # {from, to}: an overlapping report period is closed already
    DELIVERY_NOT_SENT = "delivery_not_sent"  # {status}: only a sent delivery can bounce
    COMMENT_DECIDED = "comment_decided"  # {status}: the comment is approved or rejected already
    ALREADY_REVOKED = "already_revoked"  # {date}
    NOT_COMMENT_AUTHOR = "not_comment_author"  # only its author may edit a staff comment
    EDIT_WINDOW_OVER = "edit_window_over"  # {seconds}: a staff comment is editable so long after it was posted
    ENTRY_STATUS = "entry_status"  # {status}: a media plan entry in this status cannot take the change
    ENTRY_OVER = "entry_over"  # a media plan entry that is over
    ENTRY_NOT_BEGUN = "entry_not_begun"  # {starts_at}: it can be recorded as held once it has begun
    APPEARANCE_POSTPONED = "appearance_postponed"  # postponed without a date: fix the date first
    APPEARANCE_FIXED = "appearance_fixed"  # {field, case}: fixed while the support case runs
    APPEARANCE_CASE_FAILED = "appearance_case_failed"  # {case}: the support case broke taking the plan's change
    SAME_START = "same_start"  # a postponement to the start it already has is no new time
    PLAN_LINK_ONLY = "plan_link_only"  # an event's support is linked to its media plan entry only from the entry
    SUPPORT_NEEDS_TIME = "support_needs_time"  # {case}: a supported appearance is postponed only to a new time
    SUPPORT_NEEDS_TOLD = "support_needs_told"  # {case}: cancelling it says who was told
    TOKEN_MISSING = "token_missing"  # noqa: S105 the API was called without a bearer token
    CONTENT_TYPE = "content_type"  # {content_type}: the body is not sent as the endpoint takes it
    HTTP_ERROR = "http_error"  # {status}: refused before the engine was asked (no such address, a wrong method)
    INTERNAL_ERROR = "internal_error"  # the server failed; it has been logged
    INVALID_DIAGRAM = "invalid_diagram"  # {count}: problems of a deployed diagram (`errors` name the elements)
    DIAGRAM_PROBLEM = "diagram_problem"  # {element_id, line}: one of them (every kind below has these too)
    # -- problems of a diagram (entries of an `invalid_diagram`'s `errors`) ---------------------------------
    DIAGRAM_ENCODING = "diagram_encoding"  # the file is not UTF-8 text
    DIAGRAM_TOO_LARGE = "diagram_too_large"  # {limit} MiB
    DIAGRAM_DTD = "diagram_dtd"  # a document type declaration or entity, never read
    XML_MALFORMED = "xml_malformed"  # the XML cannot be parsed (libxml2's reason only in `message`)
    NOT_BPMN = "not_bpmn"  # no bpmn:definitions
    ONE_EXECUTABLE_PROCESS = "one_executable_process"  # {count}: a diagram holds exactly one executable process
    UNSUPPORTED_ELEMENT = "unsupported_element"  # {tag}
    DANGLING_FLOW = "dangling_flow"  # {end, ref}: a sequence flow's end names no element of the process
    LANE_NOT_A_ROLE = "lane_not_a_role"  # {lane, roles}
    FORM_KEY_MISSING = "form_key_missing"  # a user task names no form
    FORM_MISSING = "form_missing"  # {form}: no such form deployed, deployed with the diagram, or in forms/
    FIELD_NOT_PROVIDED = "field_not_provided"  # {field, what}: an expression reads a name no form or script provides
    EXPRESSION_EMPTY = "expression_empty"  # a script, condition, timer or property expression is empty
    EXPRESSION_INVALID = "expression_invalid"  # not allowed by the sandbox or not Python (the reason in `message`)
    TIMER_NOT_TEXT = "timer_not_text"  # {value}: a timer's literal is not a text
    TIMER_INVALID = "timer_invalid"  # {value}: not a valid ISO 8601 date, duration or cycle
    TIMER_NO_INTERVAL = "timer_no_interval"  # {value}: a cycle with no time between its occurrences
    ENDLESS_LOOP = "endless_loop"  # {script_line}: a script loop nothing in it leaves
    TASK_UNROUTED = "task_unrouted"  # a user task in no lane that names no role
    STARTERS_NOT_ROLES = "starters_not_roles"  # {groups}
    NO_STARTER = "no_starter"  # no one may start the process
    CALL_NOT_DEPLOYED = "call_not_deployed"  # {process}
    ID_TOO_LONG = "id_too_long"  # {limit} characters
    NAME_TOO_LONG = "name_too_long"  # {limit} characters
    PREFIX_LENGTH = "prefix_length"  # {limit}: a businessKeyPrefix has 1 to limit characters
    DIAGRAM_UNREADABLE = "diagram_unreadable"  # {element_id}: SpiffWorkflow cannot read it (its English in `message`)
    # -- bpmnlint at deploy (engine/procedures/lint.py; each with {rule} and bpmnlint's English {lint_message}) --
    LINT_ERROR = "lint_error"  # a bpmnlint rule reports an error at the element (docs/diagrams.md, The lint)
    LINT_UNREADABLE = "lint_unreadable"  # bpmnlint cannot read the diagram
    CITES_NO_CLAUSE = "cites_no_clause"  # {language}: a warning: the documentation cites no clause
    UNDOCUMENTED = "undocumented"  # a warning: the element has no documentation
    LINT_UNAVAILABLE = "lint_unavailable"  # Node.js, which runs bpmnlint, is missing or did not answer (503)
    # -- a script or expression the sandbox refuses (diagram problems too; each with {script_line} where known) --
    SCRIPT_SYNTAX = "script_syntax"  # not Python (Python's own reason only in `message`)
    SCRIPT_IMPORT = "script_import"  # {name}: an import (the modules it names)
    SCRIPT_CLASS = "script_class"  # {name}: a class definition
    SCRIPT_EXEC = "script_exec"  # {name}: a call of exec or eval
    SCRIPT_NAME = "script_name"  # {name}: a name starting with "_" or reserved by the sandbox
    SCRIPT_ATTRIBUTE = "script_attribute"  # {name}: an attribute starting with "_" or one that inspects the engine
    SCRIPT_CONSTRUCT = "script_construct"  # {construct}: a construct the sandbox refuses (async, nonlocal, ...)
    SCRIPT_TOO_COMPLEX = "script_too_complex"  # nested too deeply (or too long) to be compiled
    # -- why a case failed (the `code` of an `instance.failed` event; {element_id} where known) -------------
    SCRIPT_FAILED = "script_failed"  # {script_line}: a script raised an exception (its type: the event's `exception`)
    EXPRESSION_FAILED = "expression_failed"  # {}: a condition, timer or property expression raised one
    MISSING_DATA = "missing_data"  # {name}: a script or expression reads data the case does not hold
    SCRIPT_LIMIT = "script_limit"  # a script or expression ran past its time or memory bound
    NO_PATH = "no_path"  # a gateway none of whose conditions holds, with no default flow
    SUBPROCESS_MISSING = "subprocess_missing"  # the procedure a call activity calls cannot be found
    TRANSLATION_MISSING = "translation_missing"  # {languages}: a release is published without these translations
    LETTER_MISSING = "letter_missing"  # the case holds no letter to send the requester
    DATABASE_REFUSED = "database_refused"  # the database refused a value of the case
    CASE_FAILED = "case_failed"  # {}: any other fault of the engine (its English in `message`, type in `exception`)
    TOO_LARGE = "too_large"  # a file or body over its limit
    UNAVAILABLE = "unavailable"  # something the server needs is missing for now
    AUDIT_KEY_UNAVAILABLE = "audit_key_unavailable"  # {setting}: the audit key cannot be read or is not Ed25519 (503)
    # -- field problems (entries of `errors`) -----------------------------------------------------------------
    REQUIRED = "required"
    MUST_BE_TEXT = "must_be_text"
    MUST_BE_BOOLEAN = "must_be_boolean"
    TOO_LONG = "too_long"  # {limit} characters
    TOO_MANY = "too_many"  # {limit} items
    TOO_SHORT = "too_short"  # {limit} characters at least
    TOO_FEW = "too_few"  # {limit} items at least
    BELOW_MINIMUM = "below_minimum"  # {limit}: the smallest value allowed
    ABOVE_MAXIMUM = "above_maximum"  # {limit}: the largest value allowed (no limit where the number is too large)
    NOT_AN_INTEGER = "not_an_integer"
    NOT_A_NUMBER = "not_a_number"
    NOT_A_LIST = "not_a_list"
    NOT_AN_OBJECT = "not_an_object"  # a JSON object was expected (the body, or a field of fields)
    NOT_A_URL = "not_a_url"  # {value}
    NO_TIME_ZONE = "no_time_zone"  # a date and time given without its offset from UTC
    NOT_A_KEY = "not_a_key"  # 1 to 64 lower-case letters, digits, "_" or "-", starting with a letter or digit
    NOT_A_USERNAME = "not_a_username"  # 1 to 64 letters, digits, "_", ".", "@" or "-"
    NOTHING_TO_CHANGE = "nothing_to_change"  # a change that gives no field to change
    NOT_AN_EMAIL = "not_an_email"  # {value}
    NOT_A_COUNTRY = "not_a_country"  # {value}
    NOT_A_LANGUAGE = "not_a_language"  # {value}
    NOT_ONE_OF = "not_one_of"  # {choices}: the value is not among those allowed
    UNKNOWN_FIELD = "unknown_field"  # {field}
    NOT_A_DATE = "not_a_date"  # {value}
    YEAR_OUT_OF_RANGE = "year_out_of_range"  # {first, last}
    ENDS_BEFORE_START = "ends_before_start"  # the end comes before the beginning
    TIME_REQUIRED = "time_required"  # a time of day, or all_day
    TOO_LONG_SPAN = "too_long_span"  # {days}: an entry lasts at most so many days
    IN_THE_PAST = "in_the_past"
    NOT_A_RECORD = "not_a_record"  # {value}: not a journalist, an outlet or a unit of the registry
    JOURNALIST_INACTIVE = "journalist_inactive"  # {name}
    NOT_ACCREDITED = "not_accredited"  # {name}: the journalist has no accreditation
    ACCREDITATION_REVOKED = "accreditation_revoked"  # {name, date}: revoked (on that day, where known)
    ACCREDITATION_NOT_YET = "accreditation_not_yet"  # {name, date}: valid only from that day
    ACCREDITATION_EXPIRED = "accreditation_expired"  # {name, date}: expired on that day
    USER_INACTIVE = "user_inactive"  # {username}
    NOT_A_CANDIDATE = "not_a_candidate"  # {username}
    ABSENCE_OVERLAPS = "absence_overlaps"  # {from, to}: the user is absent already then (an absence of theirs)
    DEPUTY_SELF = "deputy_self"  # a user cannot be their own deputy
    DEPUTY_ABSENT = "deputy_absent"  # {username, from, to}: the deputy is away over part of the absence
    NOT_A_ROLE = "not_a_role"  # {role}
    UNIT_REQUIRED = "unit_required"  # {role}: the role acts for a unit
    UNIT_NOT_TAKEN = "unit_not_taken"  # {role}: the role acts for no unit
    NO_DEADLINE = "no_deadline"  # the case has no statutory deadline to extend
    OWN_EXTENSION = "own_extension"  # the case's procedure extends its deadline its own way (a draft's discussion)
    EXTENSION_REFUSED = "extension_refused"  # {working_days}: urgent, not allowed, or over the allowance
    GOES_WITH = "goes_with"  # {other}: the field is given only together with `other`
    GOES_WITHOUT = "goes_without"  # {other}: the field is not given together with `other`
    PERIOD_SHAPE = "period_shape"  # {example}: `of` names a month, a quarter or a year like this
    PERIOD_NOT_ENDED = "period_not_ended"  # {today}: a period can be closed only once it has ended
    PASSWORD_TOO_SHORT = "password_too_short"  # noqa: S105 {limit}
    PASSWORD_COMMON = "password_common"  # noqa: S105
    FILE_EMPTY = "file_empty"
    FILE_TYPE = "file_type"  # the file's kind is not accepted
    FILE_TOO_LARGE = "file_too_large"  # {limit} bytes
    DATA_INVALID = "data_invalid"  # {path}: case data that cannot be taken
    DATA_TOO_LARGE = "data_too_large"  # {limit} characters as JSON
    NAMES_SHAPE = "names_shape"  # unit names must map language codes to names
    NAME_DIFFERS = "name_differs"  # the default language's name differs from `name`
    DISCUSSION_END = "discussion_end"  # {date}: a discussion period cannot be shortened, or ends then already
    NOT_A_WORKING_DAY = "not_a_working_day"  # {date}
    BEYOND_CALENDAR = "beyond_calendar"  # {days, start}: beyond the calendar's reach of about ten years
    PAGE_NUMBER = "page_number"  # a whole number from 1
    MENTION_NOT_READER = "mention_not_reader"  # {username}: @username names nobody who may read the case
    NOT_A_CASE_FILE = "not_a_case_file"  # {file_id}: not a file attached to this case
    NOT_A_CASE_TASK = "not_a_case_task"  # {task_id}: not a task of this case
    CSV_PROBLEM = "csv_problem"  # {line}: a line of an imported file
    NOT_AN_ELEMENT = "not_an_element"  # {element_id, version}: a mapping names no element of that version
    KIND_DIFFERS = "kind_differs"  # {kind, target_kind}: a mapping's elements are not of one kind
    SAME_VERSION = "same_version"  # {version}: a migration goes from one version to another
    NOT_A_CASE_OF = "not_a_case_of"  # {case_id, process}: a chosen case is not of the procedure
    # Mending a failed case (engine.runtime.mending, docs/failed_cases.md).
    CASE_NOT_FAILED = "case_not_failed"  # {status}: only a failed case is retried or has a step skipped
    NOTHING_TO_RETRY = "nothing_to_retry"  # the failure was a publication or a letter after its step had ended
    NOT_A_FAILED_ELEMENT = "not_a_failed_element"  # {element_id}: the case did not stop at this element
    GATEWAY_NOT_SKIPPED = "gateway_not_skipped"  # {element_id}: a gateway chooses a way; correct the data, retry
    NO_FAILED_DATA = "no_failed_data"  # no failed step reads the case's data here: nothing to correct
    # -- problems of a deployed form (entries of `errors`, `field` the path in the schema) -------------------
    AUDIT_EVENT_NOT_FOUND = "audit_event_not_found"  # {event_id}
    CHECKPOINT_NOT_FOUND = "checkpoint_not_found"  # {size}: no checkpoint of this size (or none at all: size null)
    NOT_CHECKPOINTED = "not_checkpointed"  # {seq, size}: the event came after the checkpoint: no proof in it yet
    FORM_KEY_INVALID = "form_key_invalid"  # {key}: not `process/name`
    FORM_NOT_JSON = "form_not_json"  # an uploaded form file is not JSON
    FORM_SCHEMA_INVALID = "form_schema_invalid"  # not valid JSON Schema 2020-12 (the reason in `message`)
    FORM_KEYWORD_UNKNOWN = "form_keyword_unknown"  # {keyword}: an `x-` keyword Jarchy does not know
    FORM_FORMAT_UNKNOWN = "form_format_unknown"  # {format}: a `format` Jarchy does not check
    FORM_DECISION_PREFILLED = "form_decision_prefilled"  # {name}: a decision with a default or carried over


class JarchyError(Exception):
    status = 400
    title = "Bad request"

    def __init__(self, detail: str, errors: list[dict[str, Any]] | None = None, *, code: Code | None = None,
                 params: dict[str, Any] | None = None) -> None:
        super().__init__(detail)
        self.detail = detail
        self.code = code
        self.params = dict(params or {})
        self.errors = [_coded(entry, code, self.params) for entry in errors or []]


def _coded(entry: dict[str, Any], code: Code | None, params: dict[str, Any]) -> dict[str, Any]:
    """A field problem with its code and parameters: one worded by no code of its own is the refusal as a whole,
    said of that field."""
    if entry.get("code"):
        return {"params": {}} | entry
    return entry | {"code": code, "params": params}


class Refusal(NamedTuple):
    """A refusal found before it is raised or reported: in English for logs, and its code and parameters."""

    message: str
    code: Code
    params: dict[str, Any]


def problem(field: str, code: Code, message: str, /, **params: Any) -> dict[str, Any]:
    """One field problem of an `Invalid` (or `Conflict`): the English `message` for logs, `code` and `params`
    for a page to word it in its reader's language. The first three are positional only, so that a code's
    params may themselves be named `field` (`unknown_field`'s are)."""
    return {"field": field, "message": message, "code": code, "params": params}


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

    def __init__(self, detail: str, retry_after: int, *, code: Code | None = Code.THROTTLED,
                 params: dict[str, Any] | None = None) -> None:
        super().__init__(detail, code=code, params={"retry_after": retry_after} | (params or {}))
        self.retry_after = retry_after


class Unreadable(Conflict):
    """A case whose stored state cannot be loaded (state written before case data was kept plain JSON)."""

    title = "The case cannot be worked on"

    def __init__(self, detail: str, errors: list[dict[str, Any]] | None = None, *,
                 code: Code | None = Code.CASE_UNREADABLE, params: dict[str, Any] | None = None) -> None:
        super().__init__(detail, errors, code=code, params=params)


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

    message: str  # English, for logs and programs: a page words the problem by `code` and `params`
    element_id: str | None = None
    line: int | None = None
    code: Code = Code.DIAGRAM_PROBLEM
    params: dict[str, Any] = field(default_factory=dict)
    rule: str | None = None  # the bpmnlint rule that reports it (engine/procedures/lint.py)

    def as_dict(self) -> dict[str, Any]:
        out: dict[str, Any] = {"message": self.message, "code": self.code,
                               "params": {"element_id": self.element_id, "line": self.line} | self.params}
        if self.rule is not None:
            out["rule"] = self.rule
        if self.element_id is not None:
            out["element_id"] = self.element_id
        if self.line is not None:
            out["line"] = self.line
        if "field" in self.params:  # a name the diagram reads (`field_not_provided`)
            out["field"] = self.params["field"]
        return out


class InvalidDiagram(Invalid):
    title = "Invalid diagram"

    def __init__(self, problems: list[ElementError]) -> None:
        super().__init__(
            f"The diagram has {len(problems)} problem(s): " + "; ".join(p.message for p in problems[:3]),
            [p.as_dict() for p in problems], code=Code.INVALID_DIAGRAM, params={"count": len(problems)},
        )
        self.problems = problems
