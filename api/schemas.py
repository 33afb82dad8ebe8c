"""marshmallow schemas for every request and response of the REST API (they also make the OpenAPI)."""

from __future__ import annotations

from datetime import UTC, date, datetime
from typing import Any

from flask import current_app
from marshmallow import ValidationError, fields, validate, validates_schema

from api.schema_codes import Coded, Schema, coded_as
from db.vocabulary import (
    AppearanceFormat,
    DefinitionOrigin,
    EmailChoice,
    EmailStatus,
    InstanceStatus,
    MediaPlanStatus,
    NotificationKind,
    OutletKind,
    TaskStatus,
)
from engine.calendar.periods import KINDS as PERIOD_KINDS
from engine.core.errors import Code
from engine.core.settings import LANGUAGES, ROLES
from engine.people import list_search
from engine.people.passwords import MIN_LENGTH as MIN_PASSWORD_LENGTH
from engine.reads import archive


class OfficeDateTime(fields.DateTime):
    """Times leave the API in the office's time zone, always with their offset."""

    def _serialize(self, value: datetime | None, attr: str | None, obj: Any, **kwargs: Any) -> str | None:
        if value is None:
            return None
        return super()._serialize(value.astimezone(current_app.extensions["jarchy.ctx"].cal.timezone), attr, obj,
                                  **kwargs)


KEY = coded_as(validate.Regexp(r"^[a-z0-9][a-z0-9_-]{0,63}$", error="use 1-64 lower-case letters, digits, '_' or '-'"),
               Code.NOT_A_KEY)
NOT_BLANK = coded_as(validate.Regexp(r"\S", error="must not be blank"), Code.REQUIRED)
USERNAME = coded_as(validate.Regexp(r"^[A-Za-z0-9][A-Za-z0-9_.@-]{0,63}$",
                                    error="use 1-64 letters, digits, '_', '.', '@', '-'"), Code.NOT_A_USERNAME)
SHORT = validate.Length(min=1, max=200)
# The engine's policy (engine.people.passwords) decides; the length is stated here too so that the OpenAPI document
# shows it.
NEW_PASSWORD = validate.Length(min=MIN_PASSWORD_LENGTH, max=1024,
                               error=f"needs at least {MIN_PASSWORD_LENGTH} characters (at most 1024)")
NOTHING_TO_CHANGE = Coded("give at least one field to change", Code.NOTHING_TO_CHANGE)
EMAIL = validate.Length(max=200)  # the column's length (an address may be up to 254 characters by RFC 5321)


class ProblemError(Schema):
    field = fields.String(metadata={"description": "the offending input field, dotted (contact.email)"})
    element_id = fields.String(metadata={"description": "the offending diagram element"})
    line = fields.Integer(metadata={"description": "the line of the diagram"})
    message = fields.String(required=True)
    code = fields.String(required=True, metadata={
        "description": "which problem it is, for a client to word the message itself: for a form's field the JSON "
                       "Schema keyword it failed (required, enum, format, ...), otherwise one of the engine's codes "
                       "(docs/errors.md)"})
    params = fields.Dict(required=True, metadata={"description": "the values its sentence needs (limit, value, ...)"})


class Problem(Schema):
    """RFC 9457 problem details, the shape of every error."""

    type = fields.String(required=True)
    title = fields.String(required=True)
    status = fields.Integer(required=True)
    detail = fields.String(required=True, metadata={"description": "in English, for logs and programs"})
    code = fields.String(required=True, metadata={"description": "which refusal it is: a stable snake_case name "
                                                                 "(docs/errors.md)"})
    params = fields.Dict(required=True, metadata={"description": "the values its sentence needs (a case's "
                                                                 "business key, a date, a count, a field)"})
    errors = fields.List(fields.Nested(ProblemError))


# What a non-JSON answer is (CSV, Atom, BPMN XML), for the OpenAPI document: text, served as it is.
TEXT: dict[str, Any] = {"type": "string"}

MAX_ID = 2**63 - 1
EARLIEST = datetime(1900, 1, 1, tzinfo=UTC)
LATEST = datetime(2200, 1, 1, tzinfo=UTC)
MOMENT_RANGE = validate.Range(min=EARLIEST, max=LATEST, error="must lie between 1900 and 2200")
DAY_RANGE = validate.Range(min=EARLIEST.date(), max=LATEST.date(), error="must lie between 1900 and 2200")


class Page(Schema):
    page = fields.Integer(load_default=1, validate=validate.Range(min=1, max=1_000_000))
    per_page = fields.Integer(load_default=20, validate=validate.Range(min=1, max=100))


def page_of(item_schema: type[Schema], name: str, *, beyond: str = "") -> type[Schema]:
    """A list's page; with `beyond` (its description), a list of the latest rows only, which says whether there
    are older ones."""
    declared: dict[str, fields.Field] = {
        "items": fields.List(fields.Nested(item_schema), required=True),
        "total": fields.Integer(required=True),
        "page": fields.Integer(required=True),
        "per_page": fields.Integer(required=True),
    }
    if beyond:
        declared["beyond"] = fields.Boolean(required=True, metadata={"description": beyond})
    return Schema.from_dict(declared, name=name)


# -- auth, users, units ------------------------------------------------------------------------------

class TokenRequest(Schema):
    username = fields.String(required=True, validate=validate.Length(min=1, max=64))
    password = fields.String(required=True, validate=validate.Length(min=1, max=1024), load_only=True)


class TokenResponse(Schema):
    access_token = fields.String(required=True)
    token_type = fields.String(required=True)
    expires_in = fields.Integer(required=True)


class Me(Schema):
    username = fields.String(required=True)
    display_name = fields.String(required=True)
    roles = fields.List(fields.String(), required=True)
    unit = fields.String(allow_none=True)
    locale = fields.String()


# A unit's name per interface language (engine.people.unit_names checks the codes and the names).
UNIT_NAMES = {"keys": fields.String(), "values": fields.String(allow_none=True),
              "metadata": {"description": "the name per interface language code (`ru`, `uz-Latn`, ...); "
                                          "in a change, null removes a language's own name"}}


class UnitIn(Schema):
    key = fields.String(required=True, validate=KEY)
    name = fields.String(required=True, validate=SHORT)
    names = fields.Dict(load_default=None, **UNIT_NAMES)


class UnitPatch(Schema):
    name = fields.String(validate=SHORT)
    names = fields.Dict(**UNIT_NAMES)


class UnitOut(Schema):
    key = fields.String(required=True)
    name = fields.String(required=True)
    names = fields.Dict(keys=fields.String(), values=fields.String(), required=True)


class UserIn(Schema):
    username = fields.String(required=True, validate=USERNAME)
    display_name = fields.String(required=True, validate=SHORT)
    password = fields.String(required=True, validate=NEW_PASSWORD, load_only=True)
    email = fields.Email(load_default=None, allow_none=True, validate=EMAIL)
    roles = fields.List(fields.String(validate=validate.OneOf(ROLES)), required=True,
                        validate=validate.Length(min=1, max=len(ROLES)))
    unit = fields.String(load_default=None, allow_none=True, validate=KEY)
    locale = fields.String(load_default="en", validate=validate.OneOf(LANGUAGES))


class UserPatch(Schema):
    display_name = fields.String(validate=SHORT)
    password = fields.String(validate=NEW_PASSWORD, load_only=True)
    email = fields.Email(allow_none=True, validate=EMAIL)
    roles = fields.List(fields.String(validate=validate.OneOf(ROLES)), validate=validate.Length(min=1, max=len(ROLES)))
    unit = fields.String(allow_none=True, validate=KEY)
    active = fields.Boolean()
    locale = fields.String(validate=validate.OneOf(LANGUAGES))

    @validates_schema
    def _not_empty(self, data: dict, **_kwargs: object) -> None:
        if not data:
            raise ValidationError(NOTHING_TO_CHANGE, "(body)")


class UserOut(Schema):
    username = fields.String(required=True)
    display_name = fields.String(required=True)
    email = fields.String(allow_none=True)
    roles = fields.List(fields.String(), required=True)
    unit = fields.String(allow_none=True)
    active = fields.Boolean(required=True)
    locale = fields.String()


# -- definitions -------------------------------------------------------------------------------------

class DefinitionOut(Schema):
    key = fields.String(required=True)
    name = fields.String(required=True)
    version = fields.Integer(required=True)
    checksum = fields.String(required=True)
    deployed_at = OfficeDateTime(required=True)
    origin = fields.String(metadata={"enum": [o.value for o in DefinitionOrigin], "description":
                                     "shipped: by `jarchy init` from the product; deployed: by an administrator"})
    starters = fields.List(fields.String())
    documentation = fields.String()
    missing_labels = fields.Dict(
        keys=fields.String(), values=fields.List(fields.Dict(keys=fields.String(), values=fields.String())),
        metadata={"description": "per interface language, the shown elements (`id`, English `name`) the diagram "
                                 "gives no name in that language (docs/diagrams.md, Labels in every language)"})
    missing_documentation = fields.Dict(
        keys=fields.String(), values=fields.List(fields.Dict(keys=fields.String(), values=fields.String())),
        metadata={"description": "per interface language, the shown elements (`id`, English `name`) whose English "
                                 "documentation the diagram does not translate into that language; none for a "
                                 "version deployed before versions kept their documentation (docs/diagrams.md)"})
    running_instances = fields.Dict(keys=fields.String(), values=fields.Integer(),
                                    metadata={"description": "running instances per version"})
    lint_warnings = fields.List(fields.Dict(), metadata={
        "description": "a deploy's answer only: what bpmnlint warns of (`element_id`, `rule`, `category`, `message`, "
                       "`code`, `params`); warnings do not refuse a deploy (docs/diagrams.md, The lint)"})
    forms = fields.Dict(keys=fields.String(), values=fields.Integer(),
                        metadata={"description": "the form versions this version pinned, by form key (docs/forms.md)"})


class DeployedFormIn(Schema):
    key = fields.String(required=True, metadata={"description": "`process/name`, e.g. `information_request/triage`",
                                                 "example": "information_request/triage"})
    schema = fields.Dict(required=True, metadata={"description": "the form: a JSON Schema 2020-12 object "
                                                                  "(docs/forms.md)"})


class DeployedFormUse(Schema):
    process = fields.String(required=True, metadata={"description": "a procedure's key"})
    version = fields.Integer(required=True, metadata={"description": "its latest version"})
    form_version = fields.Integer(required=True, metadata={"description": "the form's version that version pinned"})


class DeployedFormOut(Schema):
    key = fields.String(required=True)
    version = fields.Integer(required=True)
    checksum = fields.String(required=True, metadata={"description": "sha256 of the schema's canonical JSON"})
    created_at = OfficeDateTime(required=True)
    created_by = fields.String(allow_none=True, metadata={"description": "who deployed it (none: the system)"})
    origin = fields.String(metadata={"enum": [o.value for o in DefinitionOrigin], "description":
                                     "shipped: from the product's forms/; deployed: by an administrator"})
    used_by = fields.List(fields.Nested(DeployedFormUse),
                          metadata={"description": "the procedures whose latest version pins this form (any version)"})
    schema = fields.Dict(metadata={"description": "the form (one version's read only)"})


class DeployFile(Schema):
    file = fields.Raw(metadata={"type": "string", "format": "binary"})


# -- instances, tasks, timers --------------------------------------------------------------------------

class FindQuery(Page):
    """Words, filters and order of the inbox and the cases list (engine.people.list_search, docs/search.md)."""

    q = fields.String(metadata={"description": "words of the case (registration number, subject, outlet, requester, "
                                               "text); every word must match, a word of 3+ letters as a prefix"})
    sort = fields.String(metadata={"description": "a column, '-' before it for descending; ties by id"})
    unit = fields.String(validate=validate.Length(max=64), metadata={"description": "the case's unit (key)"})
    due = fields.String(validate=validate.OneOf(list_search.DUE_WINDOWS))
    due_from = fields.Date(metadata={"description": "due on or after this day (office time)"})
    due_to = fields.Date(metadata={"description": "due on or before this day (office time)"})
    assignee = fields.String(validate=validate.Length(max=64),
                             metadata={"description": "me, nobody, or a username: who holds the open work"})


class InstanceQuery(FindQuery):
    process_key = fields.String(validate=validate.Length(max=128))
    status = fields.String(validate=validate.OneOf([s.value for s in InstanceStatus]))
    business_key = fields.String(validate=validate.Length(max=64))
    # The filters a dashboard figure lists its cases with (engine.reads.case_filters), days in the office's zone.
    started_from = fields.Date(validate=DAY_RANGE, metadata={"description": "registered on or after this day"})
    started_to = fields.Date(validate=DAY_RANGE, metadata={"description": "registered on or before this day"})
    closed_from = fields.Date(validate=DAY_RANGE, metadata={"description": "closed on or after this day"})
    closed_to = fields.Date(validate=DAY_RANGE, metadata={"description": "closed on or before this day"})
    overdue = fields.Boolean(metadata={"description": "true: the deadline passed before the case closed (or now, "
                                                      "while open); false: not"})
    unit = fields.String(validate=validate.Length(max=64), metadata={"description": "the unit the case concerns"})
    no_unit = fields.Boolean(metadata={"description": "true: only cases that concern no unit"})
    outcome = fields.List(fields.String(validate=validate.Length(max=64)), validate=validate.Length(max=10),
                          metadata={"description": "what the case ended with (its data's `outcome`), any of these"})
    tone = fields.String(validate=validate.Length(max=64), metadata={
        "description": "media pieces (publication_response cases) of this tone: positive, neutral, negative"})
    published_from = fields.Date(validate=DAY_RANGE, metadata={
        "description": "media pieces published on or after this day (the office's)"})
    published_to = fields.Date(validate=DAY_RANGE, metadata={
        "description": "media pieces published on or before this day (the office's)"})


class DashboardQuery(Schema):
    period = fields.String(validate=validate.OneOf(list(PERIOD_KINDS)),
                           metadata={"description": "week (from Monday), month, quarter, year (by the calendar, "
                                                    "in the office's zone), or custom with `from` and `to`; "
                                                    "default month"})
    at = fields.Date(validate=DAY_RANGE, metadata={"description": "a day within the period; default today"})
    from_ = fields.Date(data_key="from", validate=DAY_RANGE)
    to = fields.Date(validate=DAY_RANGE)


class DashboardOut(Schema):
    period = fields.String(required=True)
    from_ = fields.Date(data_key="from", required=True)
    to = fields.Date(required=True)
    previous = fields.Dict(required=True, metadata={"description": "`from`, `to` of the period before"})
    next = fields.Dict(required=True, metadata={"description": "`from`, `to` of the period after"})
    requests_answered = fields.Dict(required=True, metadata={
        "description": "`on_time`, `late`: each `{count, cases}`, `cases` the query of "
                       "`GET /api/v1/process-instances` that lists exactly the cases counted"})
    registered_by_procedure = fields.List(fields.Dict(), required=True)
    registered_by_unit = fields.List(fields.Dict(), required=True)
    open = fields.Dict(required=True)
    overdue = fields.Dict(required=True)
    oldest_overdue = fields.List(fields.Dict(), required=True)
    publications_by_tone = fields.Dict(required=True, metadata={
        "description": "`months`, `counts` by tone (one a month), and `cases` by tone: for each month the query of "
                       "`GET /api/v1/process-instances` that lists the pieces counted"})


class InstanceIn(Schema):
    process_key = fields.String(required=True, validate=validate.Length(min=1, max=128))
    data = fields.Dict(keys=fields.String(), load_default=dict)


class MessageIn(Schema):
    name = fields.String(required=True, validate=validate.Length(min=1, max=128))
    data = fields.Dict(keys=fields.String(), load_default=dict)


class ExtendIn(Schema):
    working_days = fields.Integer(required=True, validate=validate.Range(min=1, max=365))
    # The reason is sent to the requester (UA art. 20 part 4: "with a justification"): a blank one says nothing.
    reason = fields.String(required=True, validate=[validate.Length(min=1, max=2000), NOT_BLANK])


class CancelIn(Schema):
    reason = fields.String(required=True, validate=[validate.Length(min=1, max=2000), NOT_BLANK])


class FormOut(Schema):
    key = fields.String(allow_none=True)
    schema = fields.Dict(allow_none=True)


class RoundOut(Schema):
    task_id = fields.String(required=True)
    bpmn_id = fields.String(required=True)
    name = fields.String(required=True)
    by = fields.String(allow_none=True)
    at = OfficeDateTime(required=True)
    comment = fields.String(allow_none=True)
    data = fields.Dict(required=True)


class TaskContextOut(Schema):
    returned = fields.Nested(RoundOut, allow_none=True, metadata={
        "description": "The rework decision that sent the case back here, when the case's last decision was one"})
    last_round = fields.Nested(RoundOut, allow_none=True, metadata={
        "description": "What this task held the last time it was completed in the case"})


class LeftOut(Schema):
    amount = fields.Integer(required=True, metadata={
        "description": "whole units left before the due moment (0: its last working day, day or hour), or, when "
                       "`urgency` is `overdue`, the whole units it is late by"})
    unit = fields.String(required=True, metadata={"enum": ["working_days", "calendar_days", "hours"]})
    urgency = fields.String(required=True, metadata={"enum": ["overdue", "urgent", "soon", "later"]})


class TimeLeftOut(LeftOut):
    statutory = fields.Boolean(required=True, metadata={
        "description": "the task is due when its case's statutory deadline is, and counts on that clock"})
    urgent_track = fields.Boolean(required=True, metadata={"description": "the case runs on the law's urgent clock"})


class DeadlineQuery(Schema):
    lang = fields.String(validate=validate.OneOf(LANGUAGES), metadata={
        "description": "the language holidays and the legal ground are named in (default: the caller's)"})


class DeadlineDayOut(Schema):
    date = fields.Date(required=True)
    kind = fields.String(required=True, metadata={"enum": [
        "holiday", "day_off", "office_day_off", "office_working_day", "worked_by_decree"]})
    names = fields.List(fields.String(), required=True, metadata={
        "description": "a holiday's names in `lang`, or the reason the office gave for its override"})


class DeadlinePauseOut(Schema):
    start = OfficeDateTime(required=True, data_key="from")
    end = OfficeDateTime(allow_none=True, data_key="to", metadata={"description": "null while paused"})
    amount = fields.Integer(required=True, metadata={"description": "in the deadline's unit; 0 while paused"})


class DeadlineExtensionOut(Schema):
    amount = fields.Integer(required=True, metadata={"description": "working days"})
    reason = fields.String(required=True)
    by = fields.String(required=True)
    at = OfficeDateTime(allow_none=True)


class GroundOut(Schema):
    text = fields.String(required=True)
    lang = fields.String(required=True, metadata={"description": "the language `text` is in (a fallback's where "
                                                                 "the profile words none in the one asked)"})


class DeadlineOut(Schema):
    received = OfficeDateTime(required=True)
    amount = fields.Integer(required=True)
    unit = fields.String(required=True, metadata={"enum": ["working_days", "calendar_days", "hours"]})
    urgent = fields.Boolean(required=True)
    ground = fields.Nested(GroundOut, allow_none=True)
    weekend_days = fields.Integer(required=True, metadata={
        "description": "weekend days between the day of receipt and the due day, not counted"})
    days = fields.List(fields.Nested(DeadlineDayOut), required=True, metadata={
        "description": "the other days that counted otherwise than their weekday says, in date order"})
    moved = fields.Boolean(required=True, metadata={
        "description": "a calendar-day deadline whose last day fell on a day of rest, moved to the next working day"})
    pauses = fields.List(fields.Nested(DeadlinePauseOut), required=True)
    extensions = fields.List(fields.Nested(DeadlineExtensionOut), required=True)
    due_at = OfficeDateTime(required=True)
    closed = fields.Nested(LeftOut, allow_none=True, metadata={
        "description": "a closed case: what was left of the deadline when it closed (`overdue`: late by)"})


class TaskOut(Schema):
    id = fields.String(required=True)
    instance_id = fields.Integer(required=True)
    business_key = fields.String(required=True)
    process_key = fields.String(required=True)
    bpmn_id = fields.String(required=True)
    name = fields.String(required=True)
    names = fields.Dict(keys=fields.String(), values=fields.String(),
                        metadata={"description": "the task's name in the other interface languages, as its diagram "
                                                 "gives them (English is `name`)"})
    lane = fields.String(allow_none=True)
    role = fields.String(required=True)
    unit = fields.String(allow_none=True)
    assignee = fields.String(allow_none=True)
    assignee_absent_until = OfficeDateTime(allow_none=True, metadata={
        "description": "while the assignee is away (an absence of theirs): when they are back"})
    status = fields.String(required=True)
    created_at = OfficeDateTime(required=True)
    completed_at = OfficeDateTime(allow_none=True)
    due_at = OfficeDateTime(allow_none=True)
    overdue = fields.String(allow_none=True, metadata={"enum": [None, "overdue", "seriously"]})
    time_left = fields.Nested(TimeLeftOut, allow_none=True, metadata={
        "description": "an open task's time left by the office's calendar; null when done or with no due moment"})
    form = fields.Nested(FormOut)
    data = fields.Dict(allow_none=True, metadata={
        "description": "What the form starts with: the case's values of the fields the form carries over, never a "
                       "decision or an attestation"})
    context = fields.Nested(TaskContextOut, metadata={
        "description": "GET /tasks/{id} only: the earlier rounds of the case, read-only, beside the form"})
    documentation = fields.String(allow_none=True, metadata={
        "description": "GET /tasks/{id} only: what the regulation says of the task's step (its diagram element's "
                       "documentation) in the language asked for (`Accept-Language`, else the caller's account's), "
                       "else in English; null where the case's version keeps none"})
    documentation_lang = fields.String(allow_none=True, metadata={
        "description": "GET /tasks/{id} only: the interface language `documentation` is in (`en` where the diagram "
                       "has no translation into the one asked for); null with `documentation`"})


class TimerOut(Schema):
    id = fields.Integer(required=True)
    instance_id = fields.Integer(required=True)
    bpmn_id = fields.String(required=True)
    due_at = OfficeDateTime(required=True)


class InstanceOut(Schema):
    id = fields.Integer(required=True)
    process_key = fields.String(required=True)
    version = fields.Integer(required=True)
    business_key = fields.String(required=True)
    status = fields.String(required=True)
    data = fields.Dict(required=True)
    unit = fields.String(allow_none=True)
    started_at = OfficeDateTime(required=True)
    started_by = fields.String(allow_none=True)
    due_at = OfficeDateTime(allow_none=True)
    time_left = fields.Nested(TimeLeftOut, allow_none=True, metadata={
        "description": "a running case's time left on its statutory clock; null when closed, paused or undated"})
    completed_at = OfficeDateTime(allow_none=True)
    failure = fields.String(allow_none=True, metadata={
        "description": "a failed case: where and why, as the engine wrote it (English, for administrators)"})
    failure_code = fields.String(allow_none=True, metadata={
        "description": "a failed case: why it failed, as a code of docs/errors.md to word in the reader's language "
                       "(null for a case that has not failed, or failed before failures carried a code)"})
    failure_params = fields.Dict(allow_none=True, metadata={
        "description": "the parameters of `failure_code` (e.g. `script_line`, `name`); null unless failed"})
    tasks = fields.List(fields.Nested(TaskOut))
    timers = fields.List(fields.Nested(TimerOut))


class TaskQuery(FindQuery):
    # The inbox's two views: open tasks and those the caller completed (a cancelled task is in no one's inbox).
    status = fields.String(load_default=TaskStatus.OPEN.value,
                           validate=validate.OneOf([TaskStatus.OPEN.value, TaskStatus.COMPLETED.value]))
    process_key = fields.String(validate=validate.Length(max=128))
    instance_id = fields.Integer(validate=validate.Range(min=1, max=MAX_ID))
    assigned = fields.String(validate=validate.OneOf(["me", "unassigned", "anyone"]), metadata={
        "description": "me; unassigned (with the caller a candidate); anyone: every open task, whoever holds it "
                       "(admin, auditor, pr_head)"})
    overdue = fields.Boolean()


class CompleteIn(Schema):
    data = fields.Dict(keys=fields.String(), required=True)


class CompleteOut(Schema):
    task = fields.Nested(TaskOut, required=True)
    instance = fields.Nested(InstanceOut, required=True)


class AssignIn(Schema):
    username = fields.String(required=True, validate=validate.Length(min=1, max=64))


class RouteIn(Schema):
    role = fields.String(required=True, validate=validate.Length(min=1, max=32))
    unit = fields.String(allow_none=True, load_default=None, validate=validate.Length(min=1, max=64),
                         metadata={"description": "the unit key, for a unit-bound role (press_secretary, unit_head)"})


class ReassignIn(Schema):
    task_ids = fields.List(fields.String(validate=validate.Length(min=1, max=36)), required=True,
                           validate=validate.Length(min=1, max=100),
                           metadata={"description": "the open tasks to give, 1 to 100"})
    assignee = fields.String(required=True, validate=validate.Length(min=1, max=64),
                             metadata={"description": "the username of the one who takes them all"})
    reason = fields.String(required=True, validate=[validate.Length(min=1, max=2000), NOT_BLANK])


class ReassignOut(Schema):
    tasks = fields.List(fields.Nested(TaskOut), required=True, metadata={
        "description": "each task as it is now, in the order given (one given to someone away is with their deputy)"})


class TimerQuery(Page):
    instance_id = fields.Integer(validate=validate.Range(min=1, max=MAX_ID))
    due_before = fields.AwareDateTime(validate=MOMENT_RANGE)


# -- audit -------------------------------------------------------------------------------------------

class AttachmentOut(Schema):
    id = fields.String(required=True)
    instance_id = fields.Integer(required=True)
    filename = fields.String(required=True)
    content_type = fields.String(required=True)
    kind = fields.String(required=True, metadata={"enum": ["photo", "video", "audio", "document"]})
    size = fields.Integer(required=True)
    sha256 = fields.String(required=True)
    uploaded_by = fields.String(allow_none=True)
    uploaded_at = OfficeDateTime(required=True)
    thumbnail_url = fields.String(allow_none=True)


class AttachmentsOut(Schema):
    items = fields.List(fields.Nested(AttachmentOut), required=True)


class CaseCommentQuery(Schema):
    task_id = fields.String(validate=validate.Length(min=1, max=36),
                            metadata={"description": "only the comments on this task of the case"})


class CaseCommentIn(Schema):
    text = fields.String(required=True, metadata={
        "description": "1 to 4000 characters, kept as written (line breaks too); `@username` mentions a reader of "
                       "the case, who is notified", "maxLength": 4000})
    task_id = fields.String(allow_none=True, load_default=None,
                            metadata={"description": "a task of the same case the comment is about"})
    attachments = fields.List(fields.String(), load_default=list, metadata={
        "description": "ids of files attached to the same case (POST .../attachments first), at most 20"})


class CaseCommentEdit(Schema):
    text = fields.String(required=True, metadata={"description": "the corrected text (within a minute of posting)",
                                                  "maxLength": 4000})


class CaseCommentOut(Schema):
    id = fields.Integer(required=True)
    instance_id = fields.Integer(required=True)
    task_id = fields.String(allow_none=True)
    text = fields.String(required=True)
    author = fields.String(allow_none=True, metadata={"description": "the author's username"})
    attachments = fields.List(fields.String(), required=True)
    mentions = fields.List(fields.String(), required=True, metadata={"description": "usernames told of it"})
    posted_at = OfficeDateTime(required=True)
    edited_at = OfficeDateTime(allow_none=True)
    editable_until = OfficeDateTime(required=True, metadata={"description": "its author may edit it until then"})


class CaseCommentsOut(Schema):
    items = fields.List(fields.Nested(CaseCommentOut), required=True)


class AuditOut(Schema):
    id = fields.Integer(required=True)
    seq = fields.Integer(required=True, allow_none=True,
                         metadata={"description": "its place in the chain; null until the sealer chains it"})
    occurred_at = OfficeDateTime(required=True)
    actor = fields.String(allow_none=True)
    type = fields.String(required=True)
    instance_id = fields.Integer(allow_none=True)
    task_id = fields.String(allow_none=True)
    subject = fields.String(allow_none=True)
    before = fields.Dict(allow_none=True)
    after = fields.Dict(allow_none=True)
    hash = fields.String(required=True, allow_none=True)


class AuditQuery(Page):
    instance_id = fields.Integer(validate=validate.Range(min=1, max=MAX_ID))
    actor = fields.String(validate=validate.Length(max=64))
    type = fields.String(validate=validate.Length(max=64))
    from_ = fields.AwareDateTime(data_key="from", validate=MOMENT_RANGE)
    to = fields.AwareDateTime(validate=MOMENT_RANGE)
    format = fields.String(load_default="json", validate=validate.OneOf(["json", "csv"]))
    # true: every match (not a page) with its inclusion proof and the checkpoints it leads to; checkpoints: only
    # that history (JSON), the file a CSV export with proofs is verified with (docs/audit.md)
    proofs = fields.String(load_default="false", validate=validate.OneOf(["false", "true", "checkpoints"]))


class CheckpointPushOut(Schema):
    target = fields.String(required=True)
    attempted_at = OfficeDateTime(required=True)
    ok = fields.Boolean(required=True)
    detail = fields.String(allow_none=True)


class CheckpointOut(Schema):
    size = fields.Integer(required=True)
    root = fields.String(required=True, metadata={"description": "The tree's root, hex"})
    signed_at = OfficeDateTime(required=True)
    signature = fields.String(required=True, metadata={"description": "The Ed25519 signature of the note's body, "
                                                                      "base64"})
    timestamp_token = fields.String(metadata={"description": "The RFC 3161 token over the note's body, DER in "
                                                             "base64; only when stamped"})
    note = fields.String(required=True, metadata={"description": "The C2SP signed note, as published"})
    origin = fields.String(required=True)
    key_id = fields.String(required=True)
    timestamp = fields.Dict(allow_none=True, metadata={
        "description": "The token verified now: {verified: true, time, tsa} or {verified: false, code}; null "
                       "without a TSA"})
    pushes = fields.List(fields.Nested(CheckpointPushOut), required=True)


class CheckpointPage(Schema):
    public_key = fields.String(required=True, metadata={"description": "The checkpoints' Ed25519 key, PEM"})
    items = fields.List(fields.Nested(CheckpointOut), required=True)
    total = fields.Integer(required=True)
    page = fields.Integer(required=True)
    per_page = fields.Integer(required=True)


class VerifyOut(Schema):
    ok = fields.Boolean(required=True)
    checked = fields.Integer(required=True)
    first_broken = fields.Dict(allow_none=True)
    unsealed = fields.Integer(required=True, metadata={
        "description": "events not yet chained by the sealer (a few seconds' worth): not covered by this check"})
    # the latest stored checkpoint against the events recomputed: {"size", "ok", "reference", "first_broken"};
    # null before the first checkpoint
    checkpoint = fields.Dict(allow_none=True)


class ProofQuery(Schema):
    checkpoint = fields.Integer(validate=validate.Range(min=0, max=2**62))


class ConsistencyQuery(Schema):
    from_ = fields.Integer(data_key="from", required=True, validate=validate.Range(min=0, max=2**62))
    to = fields.Integer(required=True, validate=validate.Range(min=0, max=2**62))


class CheckpointShown(Schema):
    size = fields.Integer(required=True)
    root = fields.String(required=True)
    signed_at = fields.AwareDateTime(required=True)
    note = fields.String(required=True)


class ProofOut(Schema):
    leaf_index = fields.Integer(required=True)
    tree_size = fields.Integer(required=True)
    audit_path = fields.List(fields.String(), required=True)
    leaf = fields.String(required=True)
    root = fields.String(required=True)
    checkpoint = fields.Nested(CheckpointShown, required=True)


class ConsistencyOut(Schema):
    from_ = fields.Integer(data_key="from", required=True)
    to = fields.Integer(required=True)
    from_root = fields.String(required=True)
    to_root = fields.String(required=True)
    proof = fields.List(fields.String(), required=True)


# -- calendar ----------------------------------------------------------------------------------------

class CalendarQuery(Schema):
    from_ = fields.Date(data_key="from", required=True, validate=DAY_RANGE)
    to = fields.Date(required=True, validate=DAY_RANGE)


class ReportQuery(Schema):
    from_ = fields.Date(data_key="from", required=True, validate=DAY_RANGE)
    to = fields.Date(required=True, validate=DAY_RANGE)
    format = fields.String(load_default="json", validate=validate.OneOf(["json", "csv"]))


class PeriodIn(Schema):
    from_ = fields.Date(data_key="from", required=True, validate=DAY_RANGE)
    to = fields.Date(required=True, validate=DAY_RANGE)


class FiguresOut(Schema):
    received = fields.Integer(required=True)
    answered_on_time = fields.Integer(required=True)
    answered_late = fields.Integer(required=True)
    refused = fields.Dict(keys=fields.String(), values=fields.Integer(), required=True,
                          metadata={"description": "refusals as a whole, by ground"})
    partly_refused = fields.Integer(required=True)
    forwarded = fields.Integer(required=True)
    extended = fields.Integer(required=True)
    withdrawn = fields.Integer(required=True)
    open = fields.Integer(required=True)
    overdue = fields.Integer(required=True)
    median_working_days = fields.Float(allow_none=True, required=True)


class UnitFiguresOut(FiguresOut):
    unit = fields.String(allow_none=True, required=True)


class ProcedureFiguresOut(FiguresOut):
    process_key = fields.String(required=True)
    units = fields.List(fields.Nested(UnitFiguresOut), required=True)


class PeriodOut(Schema):
    from_ = fields.Date(data_key="from", required=True)
    to = fields.Date(required=True)
    closed_at = OfficeDateTime(required=True)
    closed_by = fields.String(required=True)
    sha256 = fields.String(required=True)


class ReportOut(Schema):
    from_ = fields.Date(data_key="from", required=True)
    to = fields.Date(required=True)
    closed = fields.Nested(PeriodOut, allow_none=True, required=True,
                           metadata={"description": "set when the period is closed: its figures no longer change"})
    items = fields.List(fields.Nested(ProcedureFiguresOut), required=True)


class OfficeReportQuery(Schema):
    period = fields.String(validate=validate.OneOf(["month", "quarter", "year"]),
                           metadata={"description": "with `of`; else give `from` and `to`"})
    of = fields.String(validate=validate.Length(max=16),
                       metadata={"description": "the month (2026-03), quarter (2026-Q1) or year (2026)"})
    from_ = fields.Date(data_key="from", validate=DAY_RANGE)
    to = fields.Date(validate=DAY_RANGE)
    format = fields.String(load_default="json", validate=validate.OneOf(["json", "csv", "pdf"]))


class OfficeReportOut(Schema):
    period = fields.String(required=True, metadata={"description": "month, quarter, year or range"})
    of = fields.String(allow_none=True, required=True)
    from_ = fields.Date(data_key="from", required=True)
    to = fields.Date(required=True)
    requests_closed = fields.Boolean(required=True,
                                     metadata={"description": "the request figures are a closed period's"})
    requests = fields.Dict(required=True, metadata={
        "description": "`procedures`: per procedure the request figures (as /reports/requests, without units); "
                       "`total`: their sums (`refused` all grounds together)"})
    releases = fields.Dict(required=True, metadata={"description": "`published`, `by_kind`, `by_language`"})
    responses = fields.Dict(required=True, metadata={
        "description": "`registered`, `by_verdict`, `by_outcome`, `published` (rebuttal, comment)"})
    press_conferences = fields.Dict(required=True, metadata={"description": "`held`, `by_format`"})
    distribution = fields.Dict(required=True, metadata={"description": "`emails`, `by_status`"})
    events_supported = fields.Dict(allow_none=True, required=True,
                                   metadata={"description": "`supported`; null: not yet recorded"})
    draft_acts = fields.Dict(allow_none=True, required=True,
                             metadata={"description": "`published`, `comments`; null: not yet recorded"})


class PeriodsOut(Schema):
    items = fields.List(fields.Nested(PeriodOut), required=True)


class CalendarDayOut(Schema):
    date = fields.Date(required=True)
    working = fields.Boolean(required=True)
    reason = fields.String(allow_none=True, metadata={"description": "Why, in English (the holidays' English names)"})
    kind = fields.String(required=True, metadata={
        "description": "Why, as a code a client words: working, weekend, holiday, day_off, worked_by_decree, "
                       "office_working_day, office_day_off"})
    day_off_on = fields.Date(allow_none=True, metadata={
        "description": "For a weekend day worked by decree, the day off it was moved to"})


class CalendarOut(Schema):
    items = fields.List(fields.Nested(CalendarDayOut), required=True)


class OverrideIn(Schema):
    working = fields.Boolean(required=True)
    reason = fields.String(required=True, validate=validate.Length(min=1, max=200))


class OverrideOut(Schema):
    date = fields.Date(required=True)
    working = fields.Boolean(required=True)
    reason = fields.String(required=True)
    changed_by = fields.String(allow_none=True)
    changed_at = OfficeDateTime(required=True)
    moved_cases = fields.List(fields.Integer(), metadata={"description": "cases whose deadline moved"})


class AddWorkingDaysQuery(Schema):
    start = fields.Date(required=True, validate=DAY_RANGE)
    days = fields.Integer(required=True, validate=validate.Range(min=-3000, max=3000))


class DateOut(Schema):
    date = fields.Date(required=True)


# -- health ------------------------------------------------------------------------------------------

class HealthOut(Schema):
    database = fields.String(required=True, metadata={"description": "ok, or the error"})
    broker = fields.String(required=True, metadata={"description": "ok, not configured, or the error"})
    app = fields.String(required=True)


# -- notifications -----------------------------------------------------------------------------------

class NotificationQuery(Page):
    unread = fields.Boolean(metadata={"description": "true: only unread ones; false: only read ones"})


class NotificationOut(Schema):
    id = fields.Integer(required=True)
    kind = fields.String(required=True, metadata={"enum": [k.value for k in NotificationKind]})
    message = fields.String(required=True)
    instance_id = fields.Integer(allow_none=True)
    task_id = fields.String(allow_none=True)
    created_at = OfficeDateTime(required=True)
    read_at = OfficeDateTime(allow_none=True)
    email_status = fields.String(required=True, metadata={
        "description": "none (no e-mail), pending, sending, sent or failed; summary (waits for the recipient's "
                       "daily summary) or summarized (in one)"})


class NotificationPage(Schema):
    items = fields.List(fields.Nested(NotificationOut), required=True)
    total = fields.Integer(required=True)
    page = fields.Integer(required=True)
    per_page = fields.Integer(required=True)
    unread = fields.Integer(required=True, metadata={
        "description": "how many of the caller's notifications are unread, whatever the filter"})


class ReadAllOut(Schema):
    read = fields.Integer(required=True, metadata={"description": "how many were unread and are read now"})
    unread = fields.Integer(required=True, metadata={"description": "how many are unread now: 0"})


EMAIL_CHOICE_DOC = {"enum": [c.value for c in EmailChoice]}


class NotificationSettingsIn(Schema):
    # Any value reaches the engine, which refuses a wrong one (null included) naming the kind: `email.<kind>`.
    email = fields.Dict(keys=fields.String(), values=fields.Raw(allow_none=True), required=True, metadata={
        "description": "kind of notification -> at_once, daily or none; kinds left out keep their choice",
        "example": {"task": "at_once", "notice": "daily"}})


class NotificationSettingsOut(Schema):
    email = fields.Dict(keys=fields.String(metadata={"enum": [k.value for k in NotificationKind]}),
                        values=fields.String(metadata=EMAIL_CHOICE_DOC), required=True,
                        metadata={"description": "every kind of notification with the caller's choice of e-mail"})
    summary_at = fields.String(required=True, metadata={
        "description": "when the daily summary is sent, HH:MM on the office's clock"})
    timezone = fields.String(required=True, metadata={"description": "the office's time zone"})


# -- public pages --------------------------------------------------------------------------------------

class Translation(Schema):
    title = fields.String(required=True)
    body = fields.String(required=True)


class PublishedFileOut(Schema):
    id = fields.String(required=True)
    filename = fields.String(required=True)
    kind = fields.String(required=True, metadata={"description": "photo, video, audio or document"})
    content_type = fields.String(required=True)
    size = fields.Integer(required=True)
    sha256 = fields.String(required=True)
    url = fields.String(required=True, metadata={"description": "where anyone downloads it"})
    thumbnail_url = fields.String(allow_none=True, required=True)


class PublicRelease(Schema):
    id = fields.Integer(required=True)
    business_key = fields.String(required=True)
    kind = fields.String(required=True)
    published_at = OfficeDateTime(required=True)
    translations = fields.Dict(keys=fields.String(), values=fields.Nested(Translation), required=True)
    media = fields.List(fields.Nested(PublishedFileOut), required=True,
                        metadata={"description": "its photos, video, audio and documents (000 §4.2)"})


class ExplanationOut(Schema):
    claim = fields.String(required=True)
    explanation = fields.String(required=True)


class PublicResponse(Schema):
    id = fields.Integer(required=True)
    business_key = fields.String(required=True)
    kind = fields.String(required=True, metadata={"enum": ["rebuttal", "comment"]})
    published_at = OfficeDateTime(required=True)
    outlet = fields.String(allow_none=True)
    url = fields.String(allow_none=True)
    text = fields.String(allow_none=True)
    medium = fields.String(allow_none=True, metadata={"enum": ["print", "tv", "radio", "online", "social", "blog"]})
    piece_published_at = fields.String(allow_none=True, metadata={"description": "when the piece answered appeared"})
    summary = fields.String(allow_none=True, metadata={"description": "what the piece said"})
    explanations = fields.List(fields.Nested(ExplanationOut), metadata={
        "description": "a rebuttal's: each distorted or misinterpreted claim and what is true (002 §16)"})


class PublicReleasePage(Schema):
    items = fields.List(fields.Nested(PublicRelease), required=True)


class PublicResponsePage(Schema):
    items = fields.List(fields.Nested(PublicResponse), required=True)


class ArchiveQuery(Page):
    """The archive's search; a parameter left blank is not given."""

    q = fields.String(validate=validate.Length(max=archive.MAX_WORDS), metadata={
        "description": "words, in any publication language; each is a plain term (no query syntax), a word of 3 "
                       "or more letters also finds the words it begins; all must occur"})
    kind = fields.String(validate=validate.OneOf(archive.KIND_CHOICES), metadata={
        "description": "`release` or `response` (a whole feed), or one kind of publication"})
    unit = fields.String(validate=KEY, metadata={"description": "the structural unit of the case (a unit key)"})
    lang = fields.String(validate=validate.OneOf(archive.LANGUAGES), metadata={
        "description": "the language of the version searched (a response records none: it is left out)"})
    from_ = fields.Date(data_key="from", validate=DAY_RANGE,
                        metadata={"description": "published on or after this day (the office's time zone)"})
    to = fields.Date(validate=DAY_RANGE, metadata={"description": "published on or before this day"})

    @validates_schema
    def _range(self, data: dict[str, Any], **_kwargs: Any) -> None:
        if data.get("from_") and data.get("to") and data["from_"] > data["to"]:
            raise ValidationError(Coded("the end date comes before the start date", Code.ENDS_BEFORE_START), "to")


class ArchiveHit(Schema):
    feed = fields.String(required=True, metadata={"enum": list(archive.FEEDS.values())})
    id = fields.Integer(required=True, metadata={"description": "the publication's id in its feed"})
    business_key = fields.String(required=True)
    kind = fields.String(required=True)
    unit = fields.String(allow_none=True)
    lang = fields.String(allow_none=True, metadata={"description": "the language of the version found"})
    published_at = OfficeDateTime(required=True)
    title = fields.String(required=True, metadata={"description": "a release's title; a response's outlet"})
    snippet = fields.String(required=True, metadata={"description": "the text around the first word found"})
    url = fields.String(required=True, metadata={"description": "the publication's public page"})


class Contact(Schema):
    email = fields.String(validate=validate.Length(max=254))
    phone = fields.String(validate=validate.Length(max=50))
    address = fields.String(validate=validate.Length(max=500))


class PublicRequestIn(Schema):
    """What a person fills in; the procedure's start form (forms/public_information_request/start.json) checks the
    rest (an e-mail's form, at least one contact, the reason of an urgent request)."""

    requester_kind = fields.String(required=True, validate=validate.OneOf(["person", "organisation", "media"]))
    requester_name = fields.String(required=True, validate=SHORT)
    contact = fields.Nested(Contact, required=True)
    subject = fields.String(required=True, validate=validate.Length(min=1, max=300))
    question = fields.String(required=True, validate=validate.Length(min=1, max=20000))
    urgent = fields.Boolean(load_default=False)
    urgent_reason = fields.String(validate=validate.Length(min=1, max=2000))


class PublicRequestFiled(Schema):
    reference = fields.String(required=True)
    tracking_token = fields.String(required=True, metadata={"description": "shown once: keep it to follow the request"})
    due_at = fields.String(required=True)


class TrackingQuery(Schema):
    token = fields.String(required=True, validate=validate.Length(min=1, max=200))


class RefusalOut(Schema):
    ground = fields.String(required=True)
    title = fields.String()
    law = fields.String(allow_none=True)
    appeal = fields.String(required=True)
    withheld = fields.String(allow_none=True)


class LetterOut(Schema):
    kind = fields.String(required=True, metadata={"enum": ["registered", "extended", "forwarded", "answered"]})
    written_at = OfficeDateTime(required=True)
    body = fields.String(required=True)


class PublicDocumentOut(Schema):
    id = fields.String(required=True, metadata={
        "description": "GET /public/requests/{reference}/documents/{id}?token= downloads it"})
    filename = fields.String(required=True)
    content_type = fields.String(required=True)
    size = fields.Integer(required=True)


class PublicRequestStatus(Schema):
    reference = fields.String(required=True)
    status = fields.String(required=True, metadata={"enum": ["open", "answered", "refused", "partly_refused",
                                                             "forwarded", "withdrawn", "cancelled"]})
    received_at = fields.String(allow_none=True)
    due_at = fields.String(allow_none=True)
    extended_to = fields.String()
    forwarded_to = fields.String()
    answer = fields.String()
    refusal = fields.Nested(RefusalOut)
    letters = fields.List(fields.Nested(LetterOut), required=True)
    documents = fields.List(fields.Nested(PublicDocumentOut), required=True,
                            metadata={"description": "the documents sent with the answer; none before it is sent"})


class DurationOut(Schema):
    amount = fields.Integer(required=True)
    unit = fields.String(required=True, validate=validate.OneOf(["working_days", "calendar_days", "hours"]))


class SourcedDurationOut(DurationOut):
    source = fields.String(required=True, metadata={"description": "the article of law the figure comes from"})
    verified = fields.Boolean(required=True, metadata={"description": "false: a setting until checked against the law"})


class UrgentOut(SourcedDurationOut):
    applies_to = fields.String(required=True)


class ExtensionOut(Schema):
    until = fields.Nested(DurationOut, required=True, metadata={"description": "after the day of receipt, in all"})
    announce_within = fields.Nested(DurationOut, required=True)
    requester_told = fields.String(required=True)
    conditions = fields.String(required=True)
    source = fields.String(required=True)
    verified = fields.Boolean(required=True)


class ForwardingOut(Schema):
    within = fields.Nested(DurationOut, required=True)
    requester_told = fields.Boolean(required=True)
    source = fields.String(required=True)
    verified = fields.Boolean(required=True)


class ProcedureClockOut(Schema):
    deadline = fields.Nested(SourcedDurationOut, required=True)
    urgent = fields.Nested(UrgentOut)
    extension = fields.Nested(ExtensionOut)
    forwarding = fields.Nested(ForwardingOut)


class RefusalGroundOut(Schema):
    key = fields.String(required=True)
    title = fields.String(required=True, metadata={"description": "in the profile's first publication language"})
    titles = fields.Dict(keys=fields.String(), values=fields.String(), required=True)
    law = fields.String(required=True, metadata={"description": "the article, in the profile's first publication "
                                                                 "language"})
    laws = fields.Dict(keys=fields.String(), values=fields.String(), required=True,
                       metadata={"description": "the article in each language the profile cites it in"})


class AppealOut(Schema):
    route = fields.Dict(keys=fields.String(), values=fields.String(), required=True)
    source = fields.String(required=True)
    verified = fields.Boolean(required=True)


class JurisdictionOut(Schema):
    key = fields.String(required=True)
    name = fields.String(required=True)
    law = fields.String(required=True)
    country = fields.String(required=True)
    publication_languages = fields.List(fields.String(), required=True)
    interface_languages = fields.List(fields.String(), required=True)
    procedures = fields.Dict(keys=fields.String(), values=fields.Nested(ProcedureClockOut), required=True)
    refusal_grounds = fields.List(fields.Nested(RefusalGroundOut), required=True)
    appeal = fields.Nested(AppealOut, required=True)


# -- the registry of the media, deliveries ----------------------------------------------------------------
# The engine (engine.people.registry) checks every value again with the same rules: the CSV import and the pages
# reach it without these schemas.

OUTLET_KINDS = [k.value for k in OutletKind]
LANGUAGE_CODE = coded_as(validate.Regexp(r"^[a-z]{2,3}$", error="a language code such as ky, ru, uz, uk, en"),
                         Code.NOT_A_LANGUAGE)
COUNTRY_CODE = coded_as(validate.Regexp(r"^[A-Za-z]{2}$",
                                        error="a two-letter country code (ISO 3166-1: KG, UZ, UA, ...)"),
                        Code.NOT_A_COUNTRY)
PHONE = validate.Length(max=64)
WEBSITE = validate.Length(max=300)
ID = fields.Integer(validate=validate.Range(min=1, max=MAX_ID))
REGISTRY_EMAIL = validate.Length(max=254)


class RegistryQuery(Page):
    q = fields.String(validate=validate.Length(max=200), metadata={"description": "part of the name (or e-mail)"})
    format = fields.String(load_default="json", validate=validate.OneOf(["json", "csv"]),
                           metadata={"description": "csv: every entry (no paging), as the import reads it"})


class OutletQuery(RegistryQuery):
    kind = fields.String(validate=validate.OneOf(OUTLET_KINDS))


class OutletIn(Schema):
    name = fields.String(required=True, validate=[SHORT, NOT_BLANK])
    kind = fields.String(required=True, validate=validate.OneOf(OUTLET_KINDS))
    country = fields.String(load_default=None, allow_none=True, validate=COUNTRY_CODE)
    email = fields.Email(load_default=None, allow_none=True, validate=REGISTRY_EMAIL)
    phone = fields.String(load_default=None, allow_none=True, validate=PHONE)
    website = fields.String(load_default=None, allow_none=True, validate=WEBSITE)


class OutletPatch(Schema):
    name = fields.String(validate=[SHORT, NOT_BLANK])
    kind = fields.String(validate=validate.OneOf(OUTLET_KINDS))
    country = fields.String(allow_none=True, validate=COUNTRY_CODE)
    email = fields.Email(allow_none=True, validate=REGISTRY_EMAIL)
    phone = fields.String(allow_none=True, validate=PHONE)
    website = fields.String(allow_none=True, validate=WEBSITE)

    @validates_schema
    def _not_empty(self, data: dict, **_kwargs: object) -> None:
        if not data:
            raise ValidationError(NOTHING_TO_CHANGE, "(body)")


class OutletOut(Schema):
    id = fields.Integer(required=True)
    name = fields.String(required=True)
    kind = fields.String(required=True, metadata={"enum": OUTLET_KINDS})
    country = fields.String(allow_none=True)
    email = fields.String(allow_none=True)
    phone = fields.String(allow_none=True)
    website = fields.String(allow_none=True)
    created_at = OfficeDateTime(required=True)
    updated_at = OfficeDateTime(required=True)


class JournalistQuery(RegistryQuery):
    outlet_id = ID
    list_id = ID
    accredited = fields.Boolean(metadata={"description": "only those accredited (or not) on `on`"})
    on = fields.Date(validate=DAY_RANGE, metadata={"description": "the day `accredited` and `accredited_until` "
                                                                  "speak of; default today"})
    active = fields.Boolean()


class JournalistIn(Schema):
    name = fields.String(required=True, validate=[SHORT, NOT_BLANK])
    outlet_id = fields.Integer(load_default=None, allow_none=True, validate=validate.Range(min=1, max=MAX_ID))
    email = fields.Email(required=True, validate=REGISTRY_EMAIL)
    phone = fields.String(load_default=None, allow_none=True, validate=PHONE)
    languages = fields.List(fields.String(validate=LANGUAGE_CODE), load_default=list,
                            validate=validate.Length(max=10),
                            metadata={"description": "most preferred first: a release goes out in the first the "
                                                     "release has, else in the state language"})
    active = fields.Boolean(load_default=True)


class JournalistPatch(Schema):
    name = fields.String(validate=[SHORT, NOT_BLANK])
    outlet_id = fields.Integer(allow_none=True, validate=validate.Range(min=1, max=MAX_ID))
    email = fields.Email(validate=REGISTRY_EMAIL)
    phone = fields.String(allow_none=True, validate=PHONE)
    languages = fields.List(fields.String(validate=LANGUAGE_CODE), validate=validate.Length(max=10))
    active = fields.Boolean(metadata={"description": "false: sent nothing, accredited no more; kept in the registry"})

    @validates_schema
    def _not_empty(self, data: dict, **_kwargs: object) -> None:
        if not data:
            raise ValidationError(NOTHING_TO_CHANGE, "(body)")


class AccreditationIn(Schema):
    """The days' order is the engine's rule (engine.people.accreditation.accredit), for the page and the API alike."""

    valid_from = fields.Date(required=True, validate=DAY_RANGE)
    valid_until = fields.Date(required=True, validate=DAY_RANGE)


class RevokeIn(Schema):
    reason = fields.String(required=True, validate=[validate.Length(min=1, max=2000), NOT_BLANK])


class AccreditationOut(Schema):
    id = fields.Integer(required=True)
    journalist_id = fields.Integer(required=True)
    valid_from = fields.Date(required=True)
    valid_until = fields.Date(required=True)
    granted_by = fields.String(required=True)
    granted_at = OfficeDateTime(required=True)
    revoked_at = OfficeDateTime(allow_none=True)
    revoked_by = fields.String(allow_none=True)
    revoke_reason = fields.String(allow_none=True)


class JournalistOut(Schema):
    id = fields.Integer(required=True)
    name = fields.String(required=True)
    outlet_id = fields.Integer(allow_none=True)
    outlet = fields.String(allow_none=True, metadata={"description": "the outlet's name"})
    email = fields.String(required=True)
    phone = fields.String(allow_none=True)
    languages = fields.List(fields.String(), required=True)
    active = fields.Boolean(required=True)
    list_ids = fields.List(fields.Integer(), metadata={"description": "the distribution lists they are in"})
    accredited_until = fields.Date(allow_none=True, metadata={"description": "the last day of the accreditation "
                                                                              "valid on the day asked (`on`)"})
    accreditations = fields.List(fields.Nested(AccreditationOut), metadata={"description": "latest ending first"})


class DistributionListIn(Schema):
    name = fields.String(required=True, validate=[SHORT, NOT_BLANK])
    description = fields.String(load_default=None, allow_none=True, validate=validate.Length(max=2000))
    journalist_ids = fields.List(fields.Integer(validate=validate.Range(min=1, max=MAX_ID)), load_default=list,
                                 validate=validate.Length(max=10_000))


class DistributionListPatch(Schema):
    name = fields.String(validate=[SHORT, NOT_BLANK])
    description = fields.String(allow_none=True, validate=validate.Length(max=2000))
    journalist_ids = fields.List(fields.Integer(validate=validate.Range(min=1, max=MAX_ID)),
                                 validate=validate.Length(max=10_000),
                                 metadata={"description": "the whole membership: whoever is not named leaves"})

    @validates_schema
    def _not_empty(self, data: dict, **_kwargs: object) -> None:
        if not data:
            raise ValidationError(NOTHING_TO_CHANGE, "(body)")


class DistributionListOut(Schema):
    id = fields.Integer(required=True)
    name = fields.String(required=True)
    description = fields.String(allow_none=True)
    journalist_ids = fields.List(fields.Integer(), required=True)
    created_at = OfficeDateTime(required=True)
    updated_at = OfficeDateTime(required=True)


class ImportedOut(Schema):
    created = fields.Integer(required=True)
    updated = fields.Integer(required=True)
    unchanged = fields.Integer(required=True)


class DeliveryOut(Schema):
    id = fields.Integer(required=True)
    publication_id = fields.Integer(required=True)
    journalist_id = fields.Integer(required=True)
    recipient = fields.String(required=True)
    address = fields.String(required=True)
    language = fields.String(required=True)
    status = fields.String(required=True, metadata={"enum": [s.value for s in EmailStatus],
                                                    "description": "none: no SMTP server configured"})
    attempts = fields.Integer(required=True)
    created_at = OfficeDateTime(required=True)
    sent_at = OfficeDateTime(allow_none=True)
    bounced_at = OfficeDateTime(allow_none=True)
    error = fields.String(allow_none=True, metadata={"description": "why it failed or bounced"})


class DeliveriesOut(Schema):
    items = fields.List(fields.Nested(DeliveryOut), required=True)


class BounceIn(Schema):
    reason = fields.String(required=True, validate=[validate.Length(min=1, max=2000), NOT_BLANK],
                           metadata={"description": "what the mail system reported (the DSN's diagnostic)"})


# -- the media plan ---------------------------------------------------------------------------------------
# The engine (engine.people.media_plan) decides the rules between fields (an end before the start, a time in the
# past, an unknown unit), for the pages and the API alike.

APPEARANCE_FORMATS = [f.value for f in AppearanceFormat]
MEDIA_PLAN_STATUSES = [s.value for s in MediaPlanStatus]


NOT_DAY_OR_MOMENT = Coded("give an ISO 8601 date (2026-12-10) or time (2026-12-10T10:00:00+06:00)", Code.NOT_A_DATE)


class DayOrMoment(fields.Field):
    """A day (`2026-12-10`, for an all-day entry) or a moment (`2026-12-10T10:00:00+06:00`; without an offset it
    is the office's time)."""

    def _deserialize(self, value: Any, attr: str | None, data: Any, **kwargs: Any) -> Any:
        if not isinstance(value, str) or len(value) > 40:
            raise ValidationError(NOT_DAY_OR_MOMENT)
        try:
            parsed: Any = date.fromisoformat(value) if len(value) == 10 else datetime.fromisoformat(value)
        except ValueError:
            raise ValidationError(NOT_DAY_OR_MOMENT) from None
        if not 1900 <= parsed.year <= 2200:
            raise ValidationError(Coded("must lie between 1900 and 2200", Code.YEAR_OUT_OF_RANGE,
                                        {"first": 1900, "last": 2200}))
        return parsed

    def _serialize(self, value: Any, attr: str | None, obj: Any, **kwargs: Any) -> Any:
        return None if value is None else value.isoformat()


WHEN_DOC = {"type": "string", "description": "an ISO 8601 time (without an offset: the office's time zone), or a "
                                             "date for an all-day entry", "example": "2026-12-10T10:00:00+06:00"}


class AbsenceIn(Schema):
    from_ = DayOrMoment(data_key="from", required=True, metadata=WHEN_DOC | {
        "description": "the first day away (from the office's midnight), or the moment the absence begins"})
    until = DayOrMoment(required=True, metadata=WHEN_DOC | {
        "description": "the last day away (included), or the moment the user is back"})
    deputy = fields.String(required=True, validate=validate.Length(min=1, max=64),
                           metadata={"description": "the username of the one who stands in"})
    note = fields.String(load_default=None, allow_none=True, validate=validate.Length(max=2000))


class AbsenceOut(Schema):
    id = fields.Integer(required=True)
    user = fields.String(required=True)
    deputy = fields.String(required=True)
    from_ = OfficeDateTime(data_key="from", attribute="from", required=True)
    until = OfficeDateTime(required=True, metadata={"description": "the moment the user is back (the end, "
                                                                   "excluded); for one ended early, when it was ended"})
    note = fields.String(allow_none=True)
    created_at = OfficeDateTime(required=True)
    created_by = fields.String(required=True)
    handed_over_at = OfficeDateTime(allow_none=True, metadata={
        "description": "when the user's tasks were handed to the deputy (at the start)"})
    ended_at = OfficeDateTime(allow_none=True)
    ended_by = fields.String(allow_none=True)


class AbsenceQuery(Schema):
    current = fields.Boolean(load_default=False, metadata={"description": "only those not over yet"})


class MediaPlanQuery(Page):
    from_ = fields.Date(data_key="from", validate=DAY_RANGE,
                        metadata={"description": "the first day (the office's); default today"})
    to = fields.Date(validate=DAY_RANGE, metadata={"description": "the last day, included; default 31 days on"})
    official = fields.String(validate=validate.Length(max=200), metadata={"description": "part of the name"})
    format = fields.String(validate=validate.OneOf(APPEARANCE_FORMATS))
    status = fields.String(validate=validate.OneOf(MEDIA_PLAN_STATUSES))
    unit = fields.String(validate=validate.Length(max=64), metadata={"description": "a unit key"})
    open_to_press = fields.Boolean()
    q = fields.String(validate=validate.Length(max=200),
                      metadata={"description": "words of the title, description or place"})

    @validates_schema
    def _ordered(self, data: dict, **_kwargs: object) -> None:
        first, last = data.get("from_"), data.get("to")
        if first is not None and last is not None:
            if last < first:
                raise ValidationError(Coded("must not come before from", Code.ENDS_BEFORE_START), "to")
            if (last - first).days > 366:
                raise ValidationError(Coded("at most 367 days from `from`", Code.TOO_LONG_SPAN, {"days": 367}), "to")


class MediaPlanIn(Schema):
    title = fields.String(required=True, validate=[validate.Length(min=1, max=300), NOT_BLANK])
    official = fields.String(required=True, validate=[SHORT, NOT_BLANK],
                             metadata={"description": "who appears (the mayor, a deputy, ...)"})
    starts_at = DayOrMoment(required=True, metadata=WHEN_DOC)
    ends_at = DayOrMoment(load_default=None, allow_none=True,
                          metadata=WHEN_DOC | {"description": "default: an hour after starts_at (the same day for "
                                                              "an all-day entry); for all_day the last day"})
    all_day = fields.Boolean(load_default=False)
    place = fields.String(load_default=None, allow_none=True, validate=validate.Length(max=300))
    open_to_press = fields.Boolean(required=True)
    format = fields.String(load_default=AppearanceFormat.OTHER.value, validate=validate.OneOf(APPEARANCE_FORMATS))
    description = fields.String(load_default=None, allow_none=True, validate=validate.Length(max=10_000))
    unit = fields.String(load_default=None, allow_none=True, validate=validate.Length(max=64),
                         metadata={"description": "the unit key"})


class MediaPlanPatch(Schema):
    title = fields.String(validate=[validate.Length(min=1, max=300), NOT_BLANK])
    official = fields.String(validate=[SHORT, NOT_BLANK])
    starts_at = DayOrMoment(metadata=WHEN_DOC)
    ends_at = DayOrMoment(allow_none=True, metadata=WHEN_DOC)
    all_day = fields.Boolean()
    place = fields.String(allow_none=True, validate=validate.Length(max=300))
    open_to_press = fields.Boolean()
    format = fields.String(validate=validate.OneOf(APPEARANCE_FORMATS))
    description = fields.String(allow_none=True, validate=validate.Length(max=10_000))
    unit = fields.String(allow_none=True, validate=validate.Length(max=64))

    @validates_schema
    def _not_empty(self, data: dict, **_kwargs: object) -> None:
        if not data:
            raise ValidationError(NOTHING_TO_CHANGE, "(body)")


class MediaPlanReasonIn(Schema):
    reason = fields.String(required=True, validate=[validate.Length(min=1, max=2000), NOT_BLANK])


class MediaPlanCancelIn(MediaPlanReasonIn):
    told = fields.List(fields.String(validate=[validate.Length(min=1, max=300), NOT_BLANK]),
                       validate=validate.Length(max=100),
                       metadata={"description": "who was told of the cancellation (the official, the journalists "
                                                "admitted, the hosts): required when the entry's support runs, which "
                                                "is cancelled with it"})


class MediaPlanPostponeIn(MediaPlanReasonIn):
    starts_at = DayOrMoment(metadata=WHEN_DOC | {"description": "the new start, if one is fixed"})
    ends_at = DayOrMoment(metadata=WHEN_DOC)
    all_day = fields.Boolean()


class MediaPlanEntryOut(Schema):
    id = fields.Integer(required=True)
    uid = fields.String(required=True, metadata={"description": "the iCalendar UID, stable for the entry's life"})
    title = fields.String(required=True)
    description = fields.String(allow_none=True)
    official = fields.String(required=True)
    format = fields.String(required=True, metadata={"enum": APPEARANCE_FORMATS})
    starts_at = OfficeDateTime(required=True)
    ends_at = OfficeDateTime(required=True, metadata={"description": "for an all-day entry: the start of the day "
                                                                    "after its last"})
    all_day = fields.Boolean(required=True)
    first_day = fields.Date(required=True)
    last_day = fields.Date(required=True)
    place = fields.String(allow_none=True)
    open_to_press = fields.Boolean(required=True)
    unit = fields.String(allow_none=True, metadata={"description": "the unit key"})
    status = fields.String(required=True, metadata={"enum": MEDIA_PLAN_STATUSES})
    status_reason = fields.String(allow_none=True, metadata={"description": "why it was postponed or cancelled"})
    postponed_from = OfficeDateTime(allow_none=True)
    sequence = fields.Integer(required=True, metadata={"description": "how many times it changed"})
    created_at = OfficeDateTime(required=True)
    created_by = fields.String(required=True)
    updated_at = OfficeDateTime(required=True)
    updated_by = fields.String(required=True)


class FeedQuery(Schema):
    token = fields.String(required=True, validate=validate.Length(min=1, max=200))


class FeedLinkOut(Schema):
    subscribed = fields.Boolean(required=True)
    created_at = OfficeDateTime(allow_none=True)
    token = fields.String(metadata={"description": "shown once, when made: only its hash is kept"})
    url = fields.String(metadata={"description": "the feed's address, with the token"})
# -- draft acts under public discussion (docs/draft_acts.md) --------------------------------------------------------

class EngineChecked(fields.String):
    """A text the engine checks itself (present, not blank, not too long), so that each problem carries its own
    code (`required`, `too_long` with its limit) as the page's form gets it; the document still states the rules."""

    def _validate_missing(self, value: Any) -> None:
        return None

    def _deserialize(self, value: Any, attr: str | None, data: Any, **kwargs: Any) -> Any:
        return value


class DraftCommentIn(Schema):
    """A comment on a draft act, from anyone: a name and a contact (not published) are required."""

    name = EngineChecked(required=True, metadata={"minLength": 1, "maxLength": 200})
    contact = EngineChecked(required=True, metadata={
        "minLength": 1, "maxLength": 300,
        "description": "an e-mail address, a telephone number or a postal address; never published"})
    text = EngineChecked(required=True, metadata={"minLength": 1, "maxLength": 10000})


class DraftCommentReceived(Schema):
    id = fields.Integer(required=True)
    status = fields.String(required=True, metadata={"description": "pending: shown once the PR department approves it"})
    submitted_at = OfficeDateTime(required=True)


class PublicDraftComment(Schema):
    id = fields.Integer(required=True)
    name = fields.String(required=True)
    text = fields.String(required=True)
    submitted_at = OfficeDateTime(required=True)


class DraftFileOut(Schema):
    id = fields.String(required=True)
    filename = fields.String(required=True)
    content_type = fields.String(required=True)
    size = fields.Integer(required=True)
    sha256 = fields.String(required=True)
    url = fields.String(required=True, metadata={"description": "where anyone downloads it"})


class DiscussionOut(Schema):
    opened_at = fields.String(allow_none=True, required=True)
    ends_at = fields.String(allow_none=True, required=True, metadata={
        "description": "the period's last moment (the end of its last working day), extensions included"})
    open = fields.Boolean(required=True)


class CommentOutcomeOut(Schema):
    comment = fields.Integer(required=True)
    outcome = fields.String(required=True, metadata={"description": "taken_into_account or not_taken_into_account"})
    reason = fields.String(required=True)


class AdoptedTextOut(Schema):
    id = fields.Integer(required=True)
    published_at = OfficeDateTime(required=True)
    title = fields.String(required=True)
    text = fields.String(required=True)
    files = fields.List(fields.Nested(DraftFileOut), required=True)
    summary = fields.String(allow_none=True, required=True)
    comment_outcomes = fields.List(fields.Nested(CommentOutcomeOut), required=True)


class PublicDraft(Schema):
    id = fields.Integer(required=True)
    business_key = fields.String(required=True)
    published_at = OfficeDateTime(required=True)
    title = fields.String(required=True)
    text = fields.String()
    files = fields.List(fields.Nested(DraftFileOut))
    discussion = fields.Nested(DiscussionOut, required=True)
    comments = fields.List(fields.Nested(PublicDraftComment), metadata={"description": "approved comments only"})
    comment_count = fields.Integer(required=True)
    adopted = fields.Nested(AdoptedTextOut, allow_none=True, required=True)


class DraftCommentOut(Schema):
    """A comment as the staff read it: its writer's contact and its moderation too."""

    id = fields.Integer(required=True)
    instance_id = fields.Integer(required=True)
    name = fields.String(required=True)
    contact = fields.String(required=True)
    text = fields.String(required=True)
    submitted_at = OfficeDateTime(required=True)
    status = fields.String(required=True, metadata={"description": "pending, approved or rejected"})
    reason = fields.String(allow_none=True, required=True)
    moderated_by = fields.String(allow_none=True, required=True)
    moderated_at = OfficeDateTime(allow_none=True, required=True)


class DraftCommentsOut(Schema):
    items = fields.List(fields.Nested(DraftCommentOut), required=True)


class ModerationIn(Schema):
    decision = fields.String(required=True, validate=validate.OneOf(["approve", "reject"]))
    reason = fields.String(validate=validate.Length(max=2000), metadata={"description": "required to reject"})


class DiscussionExtensionIn(Schema):
    ends_on = fields.Date(required=True, metadata={
        "description": "the new last working day of the discussion: later than the current one"})
    reason = fields.String(required=True, validate=[validate.Length(min=1, max=2000), NOT_BLANK])


# -- saved filters ------------------------------------------------------------------------------------------

SAVED_FILTER_QUERY = ("the list's parameters as GET /api/v1/tasks (inbox) or /api/v1/process-instances (cases) takes "
                      "them, without paging, as strings: q, sort, unit, due, due_from, due_to, assignee, status, "
                      "process_key; the inbox also assigned, overdue (true, false); the cases also the filters a "
                      "dashboard number opens them with: started_from, started_to, closed_from, closed_to, "
                      "published_from, published_to, overdue (1, 0), no_unit (1), tone, and outcome (a list)")
SAVED_FILTER_LANE = ("one of the owner's roles to share the filter with its users (a press secretary's or unit "
                     "head's: those of the owner's unit); null: the owner's alone")


class SavedFilterIn(Schema):
    name = fields.String(required=True, validate=validate.Length(max=200))
    list = fields.String(required=True, validate=validate.OneOf(("inbox", "cases")))
    query = fields.Dict(keys=fields.String(), load_default=dict, metadata={"description": SAVED_FILTER_QUERY})
    lane = fields.String(allow_none=True, load_default=None, metadata={"description": SAVED_FILTER_LANE})
    start = fields.Boolean(load_default=False, metadata={"description": "the owner's start page after sign-in"})


class SavedFilterPatch(Schema):
    name = fields.String(validate=validate.Length(max=200))
    query = fields.Dict(keys=fields.String(), metadata={"description": SAVED_FILTER_QUERY})
    lane = fields.String(allow_none=True, metadata={"description": SAVED_FILTER_LANE})
    start = fields.Boolean()


class SavedFilterLane(Schema):
    role = fields.String(required=True)
    unit = fields.String(allow_none=True)


class SavedFilterOut(Schema):
    id = fields.Integer(required=True)
    name = fields.String(required=True)
    list = fields.String(required=True)
    query = fields.Dict(keys=fields.String(), required=True)
    owner = fields.String(required=True, metadata={"description": "the owner's username"})
    mine = fields.Boolean(required=True)
    lane = fields.Nested(SavedFilterLane, allow_none=True)
    start = fields.Boolean(required=True, metadata={"description": "the caller's start page (their own only)"})
    created_at = OfficeDateTime(required=True)


class MigrationIn(Schema):
    """A migration of a procedure's cases (docs/migrations.md)."""

    from_version = fields.Integer(required=True, validate=validate.Range(min=1, max=2**31 - 1))
    to_version = fields.Integer(required=True, validate=validate.Range(min=1, max=2**31 - 1))
    mapping = fields.Dict(keys=fields.String(validate=validate.Length(min=1, max=128)),
                          values=fields.String(validate=validate.Length(min=1, max=128)), load_default=dict,
                          validate=validate.Length(max=500),
                          metadata={"description": "old element id -> new element id; the same id maps by default"})
    dry_run = fields.Boolean(load_default=False)
    cases = fields.List(fields.Integer(validate=validate.Range(min=1)), load_default=None, allow_none=True,
                        validate=validate.Length(min=1, max=10000),
                        metadata={"description": "the chosen cases (ids); default: every running or failed case of "
                                                 "`from_version`"})
    timers = fields.String(load_default="keep", validate=validate.OneOf(["keep", "recompute"]))
    batch_size = fields.Integer(load_default=50, validate=validate.Range(min=1, max=1000))
    sample = fields.Integer(load_default=10, validate=validate.Range(min=0, max=100))


class MigrationCaseOut(Schema):
    instance_id = fields.Integer(required=True)
    business_key = fields.String(required=True)
    at = fields.List(fields.String(), required=True, metadata={"description": "the elements the case waited at"})
    status = fields.String(required=True)
    verdict = fields.String(required=True, metadata={"description": "movable or blocked"})
    reason = fields.String(metadata={"description": "why it cannot move (docs/errors.md)"})
    code = fields.String()
    element_id = fields.String(allow_none=True)
    params = fields.Dict()


class MigrationOut(Schema):
    id = fields.Integer(required=True)
    process_key = fields.String(required=True)
    from_version = fields.Integer(required=True)
    to_version = fields.Integer(required=True)
    mapping = fields.Dict(keys=fields.String(), values=fields.String(), required=True)
    timers = fields.String(required=True)
    cases = fields.List(fields.Integer(), allow_none=True)
    batch_size = fields.Integer(allow_none=True)
    dry_run = fields.Boolean(required=True)
    status = fields.String(required=True, metadata={"description": "planned (a dry run), running, interrupted, done"})
    created_at = OfficeDateTime(required=True)
    finished_at = OfficeDateTime(allow_none=True)
    movable = fields.Integer(required=True)
    moved = fields.Integer()
    by_reason = fields.Dict(keys=fields.String(), values=fields.Integer(), required=True)
    blocked = fields.List(fields.Nested(MigrationCaseOut), required=True)
    sample = fields.List(fields.Nested(MigrationCaseOut), required=True)
    progress = fields.Dict(keys=fields.String(), values=fields.Integer(), required=True)
    unmapped = fields.List(fields.String())


class MigrationList(Schema):
    items = fields.List(fields.Nested(MigrationOut), required=True)


class MovedBackOut(Schema):
    instance_id = fields.Integer(required=True)
    business_key = fields.String(required=True)
    version = fields.Integer(required=True)
    status = fields.String(required=True)
# -- mending failed cases (docs/failed_cases.md) --------------------------------------------------------------

class FailedCaseQuery(Page):
    process_key = fields.String(validate=validate.Length(max=128))


class FailedCaseOut(Schema):
    instance_id = fields.Integer(required=True)
    business_key = fields.String(required=True)
    process_key = fields.String(required=True)
    version = fields.Integer(required=True)
    failed_at = OfficeDateTime(allow_none=True, metadata={"description": "when the case last failed"})
    element_id = fields.String(allow_none=True, metadata={"description": "where: null when outside any step"})
    element_name = fields.String(allow_none=True, metadata={"description": "its name in the caller's language"})
    code = fields.String(allow_none=True, metadata={"description": "why (docs/errors.md, Codes of a case failure)"})
    params = fields.Dict(required=True)
    message = fields.String(allow_none=True, metadata={"description": "the engine's English, for administrators"})
    exception = fields.String(allow_none=True, metadata={"description": "the error's type, e.g. ZeroDivisionError"})
    reads = fields.List(fields.String(), required=True, metadata={
        "description": "the case-data fields the failed step's script or expressions read (what a correction may set)"})


class RetryIn(Schema):
    reason = fields.String(required=True, validate=[validate.Length(min=1, max=2000), NOT_BLANK])
    data = fields.Dict(keys=fields.String(), load_default=None, metadata={
        "description": "corrections of the case's data (field: JSON value) set before the failed steps run again; "
                       "the history keeps the values they replace"})


class SkipIn(Schema):
    element_id = fields.String(required=True, validate=[validate.Length(min=1, max=255), NOT_BLANK])
    reason = fields.String(required=True, validate=[validate.Length(min=1, max=2000), NOT_BLANK])
