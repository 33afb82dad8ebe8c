"""Staff: the inbox, a task with its form, starting a case, the cases and a case with its diagram.

Every action calls the engine function the REST API calls (`engine.runtime.operations`, `engine.reads.queries`) and is
allowed or refused by the same rules (`engine.people.access`); a form is rendered from its JSON Schema and read
back by `api.web.formrender`, and validated only by the engine. A form with errors is shown again with
status 422, so the request's transaction is rolled back and nothing of it is kept."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date, datetime
from typing import Any
from urllib.parse import parse_qsl

from flask import Response, flash, g, redirect, render_template, request, url_for
from flask_babel import format_number, ngettext
from flask_babel import gettext as _
from markupsafe import Markup
from sqlalchemy import select
from werkzeug.datastructures import MultiDict

from api import present
from api.database import session as db_session
from api.web import case_filter_words, case_subjects, discussion, formrender, refusals
from api.web.i18n import current_language, diagram_name, file_size, label, named, translated
from api.web.procedure_names import procedure_names
from api.web.saved_filter_urls import query_of, url_of
from api.web.signin import page, web_user
from api.web.unit_names import unit_marks, unit_text
from api.web.views.common import ctx, page_blueprint, render
from api.web.vocabulary import COMMENT_STATUSES, EMAIL_STATUSES
from db.models import Attachment, HumanTask, ProcessDefinition, ProcessInstance, User
from db.vocabulary import EventType, InstanceStatus, TaskStatus
from engine.calendar.periods import FIRST_YEAR, LAST_YEAR
from engine.core.errors import Code, Invalid, NotFound
from engine.core.paging import Paged
from engine.core.settings import ROLES
from engine.people import absences as absence_reads
from engine.people import saved_filters as filters
from engine.people.access import (
    can_read_task,
    check_may_read_instance,
    check_may_read_task,
    check_may_start,
    is_candidate,
    lanes_of,
    may_assign,
    may_attach,
    may_discuss,
    may_moderate_comments,
    may_release,
    may_use_staff_pages,
    may_work_on,
)
from engine.people.list_search import FIND_KEYS
from engine.procedures import definitions, labels
from engine.procedures.forms import (
    accounts_for,
    prefilled,
    uses_registry,
    with_case,
    with_refusal_grounds,
    with_registry,
)
from engine.reads import attachments as attachment_reads
from engine.reads import case_deadline, choices, deliveries, directory, progress, queries, task_context
from engine.reads import draft_acts as draft_reads
from engine.reads import registry as registry_reads
from engine.reads.case_filters import CaseFilters
from engine.runtime import operations, steps
from engine.runtime.projection import parse_moment

blp = page_blueprint("web_staff")
PER_PAGE = 20
# The inbox's filters by state: (query arguments of engine.reads.queries.inbox).
INBOX_STATES: dict[str, dict[str, Any]] = {
    "": {},
    "mine": {"assigned": "me"},
    "unassigned": {"assigned": "unassigned"},
    "overdue": {"overdue": True},
    "completed": {"status": TaskStatus.COMPLETED},
    "everyone": {"assigned": "anyone"},  # whoever may assign: every open task, to reassign
}  # (api.web.saved_filter_urls says the same in the API's words, for saved filters)
CASE_STATUSES = tuple(InstanceStatus)
EMPTY_FORM: dict[str, Any] = {"type": "object", "properties": {}}


def _user() -> User:
    user = web_user()
    assert user is not None  # `page` let only the signed-in through
    return user


MAX_PAGE = 1_000_000  # beyond it an OFFSET would overflow the database's integer; nobody pages that far


def _page_number() -> int:
    return min(max(request.args.get("page", default=1, type=int) or 1, 1), MAX_PAGE)


def _procedure_names() -> dict[str, str]:
    """Each procedure named in the reader's language, as its latest version names it."""
    return procedure_names()


def _unit_names() -> dict[str, Markup]:
    """Each unit's name in the reader's language (the default one, marked with its language, where it has none)."""
    return unit_marks()


def _form(key: str, source: ProcessDefinition | ProcessInstance | None) -> dict[str, Any]:
    """A form as the office fills it in, the version `source` pinned (the definition a case starts on, or the
    case whose task it is): a refusal's ground chosen from the law in force, titled in the reader's language;
    journalists and distribution lists chosen from the registry."""
    return office_form(steps.form_for(db_session(), source, key))


def office_form(schema: dict[str, Any]) -> dict[str, Any]:
    """A form's schema as the task page shows it (`_form`; the form editor's preview shows it so too)."""
    schema = with_refusal_grounds(schema, ctx().jurisdiction.refusal_grounds(current_language()))
    if uses_registry(schema):
        if "registry_choices" not in g:
            g.registry_choices = registry_reads.choices(db_session())
        schema = with_registry(schema, g.registry_choices)
    return schema


def form_options(instance: ProcessInstance | None = None) -> formrender.Options:
    """What a form shows besides its schema; with the case, its files to choose from and where to send another."""
    tz = ctx().cal.timezone
    files: list[tuple[str, str]] = []
    upload_url = None
    if instance is not None:
        files = [(a.id, _file_label(a)) for a in attachment_reads.listed_of(db_session(), instance.id)]
        if instance.status == InstanceStatus.RUNNING and may_attach(db_session(), _user(), instance):
            upload_url = url_for("web_attachments.upload", instance_id=instance.id)
    return formrender.Options(units=[(u.key, unit_text(u)) for u in choices.units(db_session())],
                              languages=tuple(ctx().settings.publication_languages), tz=tz,
                              now=ctx().now().astimezone(tz), attachments=files, upload_url=upload_url,
                              case=dict(instance.data or {}) if instance is not None else {})


def _file_names(instance: ProcessInstance) -> dict[str, str]:
    """The case's files by id, as its data names them (an `x-attachment` field's values)."""
    return {a.id: a.filename for a in attachment_reads.listed_of(db_session(), instance.id)}


def _file_label(attachment: Attachment) -> str:
    return f"{attachment.filename} ({label(attachment.kind)}, {file_size(attachment.size)})"


# -- finding work: the inbox's and the cases list's words, filters and order (docs/search.md) ---------------

def _asked() -> tuple[dict[str, Any], list[str]]:
    """The words, filters and order the URL asks for, and what is wrong with its days, in the reader's language."""
    asked: dict[str, Any] = {key: request.args.get(key) or None for key in FIND_KEYS}
    problems = []
    for key in ("due_from", "due_to"):
        try:
            asked[key] = date.fromisoformat(asked[key]) if asked[key] else None
        except ValueError:
            asked[key] = None
            problems.append(_("Enter a date as YYYY-MM-DD."))
    return asked, problems


def _found(fetch: Callable[[dict[str, Any]], Paged[Any]]) -> tuple[Paged[Any], list[str]]:
    """The list the URL asks for, or an empty one and what is wrong with the URL, in the reader's language."""
    asked, problems = _asked()
    if not problems:
        try:
            return fetch(asked), []
        except Invalid as exc:
            problems = [refusals.field(entry) for entry in exc.errors] or [refusals.of(exc)]
    return Paged([], 0, 1, PER_PAGE), problems


def _find_context(list_name: str, problems: list[str]) -> dict[str, Any]:
    """What the search box, the filters, the sortable headers and the save form need."""
    here = {key: value for key, value in request.args.items() if value and key not in ("page", "sort")}
    return {"find": {key: request.args.get(key, "") for key in FIND_KEYS}, "here": here,
            "tab_here": {key: value for key, value in here.items() if key != "state"},
            "sort": request.args.get("sort", ""), "find_problems": problems, "list_name": list_name,
            "units": [(u.key, unit_text(u)) for u in choices.units(db_session())],
            "lanes": lanes_of(_user()), "query_string": request.query_string.decode("utf-8", "replace")}


@blp.get("/saved-filters")
@page(may_use_staff_pages)
def saved_filters() -> tuple[str, int]:
    return _saved_filters_page()


def _saved_filters_page(problems: list[str] | None = None) -> tuple[str, int]:
    user = _user()
    rows = filters.readable(db_session(), user)
    owners = queries.usernames(db_session(), {row.owner_id for row in rows})
    return render("staff/saved_filters.html", 422 if problems else 200, problems=problems or [],
                  mine=[(row, url_of(row)) for row in rows if row.owner_id == user.id],
                  shared=[(row, url_of(row), owners.get(row.owner_id)) for row in rows if row.owner_id != user.id])


@blp.post("/saved-filters")
@page(may_use_staff_pages)
def save_filter() -> Response | tuple[str, int]:
    """Saves the query the list page showed (its URL's arguments, sent back in `from`)."""
    list_name = request.form.get("list", "")
    try:
        asked = MultiDict(parse_qsl(request.form.get("from", "")))
        row = filters.create(db_session(), _user(), name=request.form.get("name", ""), list=list_name,
                             query=query_of(list_name, asked), lane=request.form.get("lane") or None,
                             start=bool(request.form.get("start")), at=ctx().now())
    except Invalid as exc:
        return _saved_filters_page([refusals.field(e) for e in exc.errors] or [refusals.of(exc)])
    flash(_("The filter “%(name)s” is saved.", name=row.name), "success")
    return redirect(url_of(row))


@blp.post("/saved-filters/<id:filter_id>/start")
@page(may_use_staff_pages)
def start_filter(filter_id: int) -> Response:
    """Makes the filter the user's start page, or (with `stop`) no longer."""
    filters.change(db_session(), _user(), filter_id, {"start": not request.form.get("stop")})
    flash(_("Your start page is changed."), "success")
    return redirect(url_for("web_staff.saved_filters"))


@blp.post("/saved-filters/<id:filter_id>/delete")
@page(may_use_staff_pages)
def delete_filter(filter_id: int) -> Response:
    filters.delete(db_session(), _user(), filter_id)
    flash(_("The filter is deleted."), "success")
    return redirect(url_for("web_staff.saved_filters"))


# -- the inbox ------------------------------------------------------------------------------------------

@blp.get("/inbox")
@page(may_use_staff_pages)
def inbox() -> tuple[str, int]:
    return _inbox_page()


@blp.post("/tasks/reassign")
@page(may_use_staff_pages)
def reassign() -> Response | tuple[str, int]:
    """Several tasks of the inbox to one user at once, all or none (engine.runtime.operations.reassign)."""
    picked = request.form.getlist("task_ids")
    values = {"assignee": request.form.get("assignee", ""), "reason": request.form.get("reason", "")}
    try:
        moved = operations.reassign(db_session(), ctx(), _user(), picked, values["assignee"], values["reason"])
    except Invalid as exc:
        errors: dict[str, list[str]] = {}
        for entry in exc.errors:
            field = str(entry.get("field") or "")
            key = entry.get("params", {}).get("task_id") if field.startswith("task_ids.") else field.split(".")[0]
            errors.setdefault(str(key), []).append(refusals.field(entry))
        problem = _("Nothing was reassigned: choose at least one task.") if "task_ids" in errors else \
            _("Nothing was reassigned: correct what is marked.")
        return _inbox_page(picked=set(picked), reassign_errors=errors, reassign_values=values,
                           reassign_problem=problem, status=422)
    flash(ngettext("%(num)d task reassigned.", "%(num)d tasks reassigned.", len(moved)), "success")
    # Back to the list as it was searched and ordered (its first page: the tasks moved may have changed the pages).
    return redirect(url_for("web_staff.inbox", **{key: value for key, value in request.args.items()
                                                  if value and key != "page"}))


def _inbox_page(*, picked: set[str] | None = None, reassign_errors: dict[str, list[str]] | None = None,
                reassign_values: dict[str, str] | None = None, reassign_problem: str | None = None,
                status: int = 200) -> tuple[str, int]:
    user, session, now = _user(), db_session(), ctx().now()
    state = request.args.get("state", "")
    state = state if state in INBOX_STATES and (state != "everyone" or may_assign(user)) else ""
    process = request.args.get("process") or None
    result, problems = _found(lambda asked: queries.inbox(
        session, user, now=now, tz=ctx().cal.timezone, process_key=process, page=_page_number(), per_page=PER_PAGE,
        **INBOX_STATES[state], **asked))
    # Each tab counts what it would list with the same search; a search refused lists nothing, and counts nothing.
    counts = {} if problems else queries.inbox_counts(session, user, now=now, tz=ctx().cal.timezone,
                                                      process_key=process, **_asked()[0])
    shown_counts: dict[str, int | str] = dict(counts)
    if counts.get("completed_beyond"):  # counted among one's latest completed tasks: at least that many
        shown_counts["completed"] = _("%(num)s+", num=format_number(counts["completed"]))
    reassigning = may_assign(user)
    people = directory.active_users(session) if reassigning else []
    # The completed tab lists one's latest completed tasks only: said, with the way to the older ones.
    latest = format_number(queries.COMPLETED_COUNTED_UP_TO) if result.beyond else None
    return render("staff/inbox.html", 422 if problems else status, tasks=present.tasks(session, ctx(), result.items),
                  result=result, counts=shown_counts, latest=latest, state=state, process=process,
                  procedures=_procedure_names(), may_reassign=reassigning, people=people,
                  away=absence_reads.away(session, {p.id for p in people}, now), picked=picked or set(),
                  reassign_errors=reassign_errors or {}, reassign_values=reassign_values or {},
                  reassign_problem=reassign_problem, **_find_context("inbox", problems))


# -- a task ---------------------------------------------------------------------------------------------

def readable_task(task_id: str) -> HumanTask:
    row = operations.get_task(db_session(), task_id)
    check_may_read_task(_user(), row)
    return row


@blp.get("/tasks/<task_id>")
@page(may_use_staff_pages)
def task(task_id: str) -> tuple[str, int]:
    return task_page(readable_task(task_id))


@blp.post("/tasks/<task_id>")
@page(may_use_staff_pages)
def complete(task_id: str) -> Response | tuple[str, int]:
    row = readable_task(task_id)
    schema = _form(row.form_key, db_session().get(ProcessInstance, row.instance_id)) if row.form_key else EMPTY_FORM
    data = formrender.parse(schema, request.form, form_options())
    if request.form.get("_add"):  # "Add another": the form again with what was entered and room for one more item
        return task_page(row, values=data)
    try:
        done, instance = operations.complete_task(db_session(), ctx(), _user(), task_id, data)
    except Invalid as exc:
        return task_page(row, values=data, errors=exc.errors, problem=None if exc.errors else refusals.of(exc),
                          status=422)
    flash(_("Done: “%(task)s” of %(case)s.", task=named(done.name, done.names), case=instance.business_key), "success")
    return redirect(url_for("web_staff.inbox"))


@blp.post("/tasks/<task_id>/claim")
@page(may_use_staff_pages)
def claim(task_id: str) -> Response:
    readable_task(task_id)
    operations.claim(db_session(), ctx(), _user(), task_id)
    flash(_("The task is yours now: others no longer see it in their inbox."), "success")
    return redirect(url_for("web_staff.task", task_id=task_id))


@blp.post("/tasks/<task_id>/assign")
@page(may_assign)
def assign(task_id: str) -> Response | tuple[str, int]:
    row = readable_task(task_id)
    try:
        assigned = operations.assign(db_session(), ctx(), _user(), task_id, request.form.get("username", ""))
    except Invalid:
        return task_page(row, assign_error=_("Choose one of the task's candidates."), status=422)
    assignee = db_session().get(User, assigned.assignee_id)
    flash(_("The task is with %(user)s now.", user=assignee.display_name if assignee else ""), "success")
    return redirect(url_for("web_staff.task", task_id=task_id))


@blp.post("/tasks/<task_id>/route")
@page(may_assign)
def route(task_id: str) -> Response | tuple[str, int]:
    row = readable_task(task_id)
    try:
        operations.reroute(db_session(), ctx(), _user(), task_id, request.form.get("role", ""),
                        request.form.get("unit") or None)
    except Invalid:
        return task_page(row, route_error=_("Choose a role, and a unit for a press secretary or a unit head."),
                          status=422)
    flash(_("The task is with its new candidates now."), "success")
    return redirect(url_for("web_staff.task", task_id=task_id))


@blp.post("/tasks/<task_id>/unclaim")
@page(may_use_staff_pages)
def unclaim(task_id: str) -> Response:
    readable_task(task_id)
    operations.unclaim(db_session(), ctx(), _user(), task_id)
    flash(_("The task is back with its lane."), "success")
    return redirect(url_for("web_staff.task", task_id=task_id))


def task_page(row: HumanTask, *, values: dict[str, Any] | None = None, errors: list[dict[str, Any]] | None = None,
              problem: str | None = None, assign_error: str | None = None, route_error: str | None = None,
              talk: discussion.Form | None = None, status: int = 200) -> tuple[str, int]:
    session, user = db_session(), _user()
    instance = session.get(ProcessInstance, row.instance_id)
    assert instance is not None
    shown = present.tasks(session, ctx(), [row])[0]
    is_open = row.status == TaskStatus.OPEN
    may_work = is_open and may_work_on(user, row)
    schema = with_case(_form(row.form_key, instance), instance.data or {}) if row.form_key else EMPTY_FORM
    fields: list[formrender.Field] = []
    loose: list[str] = []
    if may_work:
        options = form_options(instance)
        if values is None:
            values = formrender.initial_values(schema, prefilled(row.form_key, row.data,
                                                                         lambda key: _form(key, instance)), options)
        fields, loose = formrender.fields(schema, values, options, errors)
    definition = session.get(ProcessDefinition, instance.definition_id)
    assert definition is not None
    units = _unit_names()
    earlier = task_context.of(session, row) if is_open else task_context.TaskContext(None, None)
    last_round = earlier.last_round
    file_names = _file_names(instance)
    return render(
        "staff/task.html", status, task=shown, row=row, instance=instance, schema=schema, fields=fields,
        loose_errors=loose + ([problem] if problem else []), invalid=formrender.field_errors(fields),
        may_work=may_work, assign_error=assign_error, route_error=route_error,
        may_route=is_open and may_assign(user), roles=ROLES, units=choices.units(session),
        assignees=(assignees := choices.assignees(session, row) if is_open and may_assign(user) else None),
        away=absence_reads.away(session, {p.id for p in assignees or []}, ctx().now()),
        may_claim=is_open and row.assignee_id is None and is_candidate(user, row),
        may_unclaim=is_open and row.assignee_id is not None and may_release(user, row),
        submitted=formrender.readable(case_forms(definition), row.data or {}, units, file_names)
        if not is_open else [],
        case_data=formrender.readable(case_forms(definition), instance.data or {}, units, file_names),
        procedure=diagram_name(definition.meta, definition.key, definition.name),
        documentation=task_context.documentation(session, row, current_language()),
        events=_history(instance, definition),
        returned=earlier.returned, last_round=last_round,
        pending_comments=draft_reads.pending_comments(session, instance) if may_work and accounts_for(schema) else [],
        last_round_rows=formrender.readable([_form(last_round.form_key, instance)], last_round.data, units, file_names)
        if last_round and last_round.form_key else [],
        comments=discussion.of_case(session, user, instance.id, ctx().now(), task_id=row.id),
        talk=talk or discussion.Form(), may_discuss=may_discuss(session, user, instance),
        case_files=attachment_reads.listed_of(session, instance.id))


# -- starting a case ------------------------------------------------------------------------------------

@blp.get("/start")
@page(may_use_staff_pages)
def start() -> tuple[str, int]:
    return render("staff/start.html", procedures=choices.startable(db_session(), _user()))


@blp.route("/start/<key>", methods=["GET", "POST"])
@page(may_use_staff_pages)
def start_form(key: str) -> Response | tuple[str, int]:
    session, user = db_session(), _user()
    definition = definitions.latest_definition(session, key)
    assert definition is not None
    check_may_start(user, definition)
    form_key = definition.meta.get("start_form")
    schema = _form(form_key, definition) if form_key else EMPTY_FORM
    options = form_options()
    if request.method == "GET":
        fields, loose = formrender.fields(schema, formrender.initial_values(schema, {}, options), options)
        return render("staff/start_form.html", definition=definition, schema=schema, fields=fields, loose_errors=loose,
                      invalid=[])
    data = formrender.parse(schema, request.form, options)
    if request.form.get("_add"):  # "Add another": the form again with what was entered and room for one more item
        fields, loose = formrender.fields(schema, data, options)
        return render("staff/start_form.html", definition=definition, schema=schema, fields=fields, loose_errors=loose,
                      invalid=[])
    try:
        instance = operations.start(session, ctx(), user, key, data)
    except Invalid as exc:
        fields, loose = formrender.fields(schema, data, options, exc.errors)
        return render("staff/start_form.html", 422, definition=definition, schema=schema, fields=fields,
                      loose_errors=loose + ([] if exc.errors else [refusals.of(exc)]),
                      invalid=formrender.field_errors(fields))
    flash(_("Case %(case)s is registered.", case=instance.business_key), "success")
    return redirect(url_for("web_staff.case", instance_id=instance.id))


# -- cases ----------------------------------------------------------------------------------------------

@blp.get("/cases")
@page(may_use_staff_pages)
def cases() -> tuple[str, int]:
    session = db_session()
    process = request.args.get("process_key") or request.args.get("process") or None
    status = request.args.get("status") or None
    status = status if status in CASE_STATUSES else None
    further, kept = _case_filters()
    result, problems = _found(lambda asked: queries.instances(
        session, _user(), process_key=process, status=status, filters=further, page=_page_number(),
        per_page=PER_PAGE, now=ctx().now(), tz=ctx().cal.timezone, **asked))
    # (the template's `status` is the case status asked, not render()'s HTTP status)
    return render_template("staff/cases.html", cases=present.instances(session, ctx(), result.items), result=result,
                           process=process, status=status, statuses=CASE_STATUSES, procedures=_procedure_names(),
                           kept=kept, described=case_filter_words.described(kept),
                           **_find_context("cases", problems)), 422 if problems else 200


def _case_filters() -> tuple[CaseFilters, dict[str, str | list[str]]]:
    """The list's further filters (`engine.reads.case_filters`) from the query, and those understood as given (a
    value not understood is left out, as an unknown status is)."""
    args, kept = request.args, {}
    days: dict[str, date | None] = {}
    for name in ("started_from", "started_to", "closed_from", "closed_to", "published_from", "published_to"):
        try:
            day: date | None = date.fromisoformat(args.get(name, ""))
        except ValueError:
            day = None
        # A day outside the years the lists take (the API refuses it) is not understood either: year 1 has no UTC.
        days[name] = day if day is not None and FIRST_YEAR <= day.year <= LAST_YEAR else None
        if days[name] is not None:
            kept[name] = args[name]
    overdue = {"1": True, "0": False}.get(args.get("overdue", ""))
    if overdue is not None:
        kept["overdue"] = args["overdue"]
    no_unit = args.get("no_unit") == "1"
    unit = None if no_unit else args.get("unit") or None
    kept |= {"no_unit": "1"} if no_unit else {"unit": unit} if unit else {}
    outcome = tuple(v for v in args.getlist("outcome") if v)
    if outcome:
        kept["outcome"] = list(outcome)
    tone = args.get("tone") or None
    if tone:
        kept["tone"] = tone
    return CaseFilters(tz=ctx().cal.timezone, now=ctx().now(), overdue=overdue, unit=unit, no_unit=no_unit,
                       outcome=outcome, tone=tone, **days), kept


def readable_case(instance_id: int) -> ProcessInstance:
    instance = db_session().get(ProcessInstance, instance_id)
    if instance is None:
        raise NotFound(f"case {instance_id} does not exist", code=Code.CASE_NOT_FOUND)
    check_may_read_instance(db_session(), _user(), instance)
    return instance


@blp.get("/cases/<id:instance_id>")
@page(may_use_staff_pages)
def case(instance_id: int) -> tuple[str, int]:
    return case_page(readable_case(instance_id))


def case_page(instance: ProcessInstance, *, talk: discussion.Form | None = None, status: int = 200) -> tuple[str, int]:
    """The case page, for a reader the caller has checked; `talk` is the discussion's form entered with its errors."""
    session, user = db_session(), _user()
    shown = present.instance(session, ctx(), instance)
    definition = session.get(ProcessDefinition, instance.definition_id)
    assert definition is not None
    rows = {t.id: t for t in queries.open_tasks(session, instance.id)}
    readable_tasks = {task_id for task_id, row in rows.items() if can_read_task(user, row)}
    where, units = progress.progress(session, ctx(), instance), _unit_names()
    files = attachment_reads.listed_of(session, instance.id)
    meta = definition.meta
    return render("staff/case.html", status, instance=instance, case=shown,
                  procedure=diagram_name(meta, definition.key, definition.name), files=files, file_size=file_size,
                  may_attach=instance.status == InstanceStatus.RUNNING and may_attach(session, user, instance),
                  marks=where.as_dict(), names={k: diagram_name(meta, k, v) for k, v in where.names.items()},
                  steps=_steps(where, meta),
                  unreadable=where.unreadable, readable_tasks=readable_tasks,
                  case_data=formrender.readable(case_forms(definition), instance.data or {}, units,
                                                {a.id: a.filename for a in files}),
                  events=_history(instance, definition),
                  deliveries=deliveries.of_case(session, instance.id), email_statuses=EMAIL_STATUSES,
                  comments=draft_reads.comments_of_case(session, user, instance.id),
                  may_moderate=instance.status == InstanceStatus.RUNNING and may_moderate_comments(user),
                  comment_statuses=COMMENT_STATUSES,
                  discussion=discussion.of_case(session, user, instance.id, ctx().now()),
                  talk=talk or discussion.Form(), may_discuss=may_discuss(session, user, instance),
                  deadline=_deadline(instance))


def _steps(where: progress.Progress, meta: dict[str, Any]) -> list[tuple[str, str]]:
    """The case's steps as the diagram marks them, each (its state, its name in the reader's language): those
    reached in the order reached, then those that may come next. The case page lists them beside the drawing."""
    state = {k: s for s in ("completed", "active", "waiting", "error") for k in getattr(where, s)}
    return ([(state[k], diagram_name(meta, k, where.names[k])) for k in where.reached]
            + [("next", diagram_name(meta, k, where.names[k])) for k in where.upcoming])


def _deadline(instance: ProcessInstance) -> dict[str, Any] | None:
    """The case's deadline as derived, the shape the API gives it (the page words its ground itself)."""
    story = case_deadline.of_case(db_session(), ctx(), instance, current_language())
    return present.deadline(story, None) if story else None


@blp.get("/cases/<id:instance_id>/diagram.bpmn")
@page(may_use_staff_pages)
def case_diagram(instance_id: int) -> Response:
    """The diagram of the version the case runs on (for the case page's viewer)."""
    instance = readable_case(instance_id)
    definition = db_session().get(ProcessDefinition, instance.definition_id)
    assert definition is not None
    # Named in the reader's language, lanes by their role's label (the page's URL names the language, so that the
    # cached copy is the language's).
    shown = labels.localized(definition.bpmn_xml.encode("utf-8"), current_language(), lane_label=label,
                             fallback=translated)
    response = Response(shown, mimetype="application/xml")
    response.headers["Content-Security-Policy"] = "default-src 'none'; sandbox"  # data, never a document to run
    response.headers["Cache-Control"] = "private, max-age=3600"  # a deployed version never changes
    return response


# -- what the case pages share --------------------------------------------------------------------------

def case_forms(definition: ProcessDefinition) -> list[dict[str, Any]]:
    """The forms of a procedure, start form first: they name and describe the case's data."""
    keys = [definition.meta.get("start_form")] + [t.get("form") for t in definition.meta.get("tasks", {}).values()]
    found = []
    for key in dict.fromkeys(k for k in keys if k):
        try:
            found.append(_form(key, definition))
        except (FileNotFoundError, ValueError):
            continue
    return found


def task_names(definition: ProcessDefinition) -> dict[str, str]:
    """Each user task's name in the reader's language (`named`)."""
    return {bpmn_id: named(meta.get("name") or bpmn_id, meta.get("names"))
            for bpmn_id, meta in definition.meta.get("tasks", {}).items()}


def _history(instance: ProcessInstance,
             definition: ProcessDefinition) -> list[tuple[Any, str, datetime | None, str, str, str]]:
    """The case's audit events, oldest first, each with the name of the element it is about, a new due moment, the
    name of who did it and of the person it concerns (never a username where the person has a name), and the
    names of the distribution lists a release went to."""
    meta = definition.meta
    # Every element the diagram names (a timer, a script step), then its user tasks (their names were kept apart
    # before diagrams carried labels), each in the reader's language.
    names = {element_id: diagram_name(meta, element_id, english)
             for element_id, english in meta.get("element_names", {}).items()} | task_names(definition)
    shown = []
    tasks: dict[str, str] | None = None  # the case's tasks by id, read once for its first comment on a task
    events = list(db_session().scalars(queries.audit_events(db_session(), instance_id=instance.id)))
    # Files, publications, deliveries... by their names (never their ids); a name the diagram gives wins.
    names = case_subjects.names(instance, (e.subject for e in events if e.subject and e.subject not in names)) | names
    people = case_subjects.people(
        {e.actor for e in events if e.actor} | {str(v) for e in events for k, v in (e.after or {}).items()
                                               if k in ("user", "assignee") and isinstance(v, str)})
    lists = case_subjects.lists(
        {i for e in events if e.type == EventType.DISTRIBUTION_PREPARED for i in (e.after or {}).get("lists", [])})
    for event in events:
        subject = event.subject or ""
        name = names[subject] if subject in names else label(subject) if subject else ""
        if event.type in (EventType.CASE_COMMENT_ADDED, EventType.CASE_COMMENT_EDITED):
            if tasks is None:
                tasks = {t.id: named(t.name, t.names) for t in db_session().scalars(
                    select(HumanTask).where(HumanTask.instance_id == instance.id))}
            name = tasks.get(event.task_id or "", "")
        elif event.type == EventType.MESSAGE_DELIVERED:
            name = case_subjects.message(subject)
        after = event.after or {}
        due = after.get("due_at")
        who = people.get(event.actor, event.actor) if event.actor and event.actor != "system" else ""
        concerned = after.get("user") or after.get("assignee")
        lists_of = ", ".join(lists.get(i, str(i)) for i in after.get("lists", [])) \
            if event.type == EventType.DISTRIBUTION_PREPARED else ""
        shown.append((event, name, parse_moment(due, ctx().cal.timezone) if isinstance(due, str) else None, who,
                      people.get(concerned, concerned) if isinstance(concerned, str) else "", lists_of))
    return shown
