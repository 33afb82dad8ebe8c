"""Turning rows into the contract's JSON shapes: the one place the API's response shapes are built (lists batch
their look-ups). A view hands over what it already knows (the acting user's name, the case's business key) so
that a response after an engine operation does not read them again."""

from __future__ import annotations

import base64
from collections import Counter
from collections.abc import Iterable, Mapping
from datetime import date
from typing import Any
from zoneinfo import ZoneInfo

from flask import url_for
from sqlalchemy.orm import Session

from db.models import (
    Absence,
    Accreditation,
    Attachment,
    AuditCheckpoint,
    AuditEvent,
    CalendarOverride,
    CaseComment,
    CheckpointPush,
    Delivery,
    DistributionList,
    FormVersion,
    HumanTask,
    MediaPlanEntry,
    Migration,
    MigrationCase,
    Notification,
    Outlet,
    ProcessDefinition,
    ProcessInstance,
    Publication,
    ReportPeriod,
    SavedFilter,
    Timer,
    Unit,
    User,
)
from db.vocabulary import InstanceStatus, MigrationCaseStatus, TaskStatus
from engine.audit.chain import Verification
from engine.audit.outside import Outcome
from engine.audit.proofs import Consistency, Inclusion
from engine.calendar import deadlines, overrides
from engine.calendar.days import BusinessCalendar, CalendarDay
from engine.calendar.deadline_story import Story
from engine.calendar.time_left import time_left
from engine.context import EngineContext
from engine.core.jurisdiction import Profile, in_language, texts
from engine.people import absences as absence_reads
from engine.people import media_plan, unit_names
from engine.people.registry_csv import Imported
from engine.procedures import labels
from engine.procedures.definitions import Deployed
from engine.procedures.deployed_forms import case_form
from engine.procedures.forms import prefilled, served, uses_registry, with_case, with_registry
from engine.reads import archive, case_failures, clocks, dashboard, in_session, queries, task_cases, task_context
from engine.reads import registry as registry_reads
from engine.reads.portal import Tracking
from engine.runtime.case_comments import EDIT_WINDOW
from engine.runtime.office_report import OfficeReport
from engine.runtime.portal import Filed
from engine.runtime.reporting import Report

Known = Mapping[int, str]  # id -> username, or instance id -> business key, as the caller already has them


def tasks(session: Session, ctx: EngineContext, rows: list[HumanTask], *, business_keys: Known | None = None,
          users: Known | None = None, cases: Mapping[int, ProcessInstance] | None = None) -> list[dict[str, Any]]:
    """The tasks as the contract shows them. `cases` are the tasks' cases the caller already holds (the case of an
    answer after an operation): they are not read again."""
    names = _usernames(session, {r.assignee_id for r in rows}, users)
    # The cases of the tasks with a form, read in one query: each task's form is the version its case pinned. Read
    # before the business keys, which they carry.
    held: dict[int, ProcessInstance] = dict(cases or {})
    wanted = {r.instance_id for r in rows if r.form_key and r.instance_id not in held}
    held |= in_session.held(session, ProcessInstance, wanted)  # those the session holds are not read again either
    if wanted - held.keys():
        held |= task_cases.read(session, wanted - held.keys())
    keys = _business_keys(session, {r.instance_id for r in rows},
                          {i: c.business_key for i, c in held.items()} | dict(business_keys or {}))
    calendar = overrides.current(session, ctx)
    now = ctx.now()
    away = absence_reads.away(session, {r.assignee_id for r in rows if r.status == TaskStatus.OPEN}, now)
    local_now, languages = now.astimezone(calendar.timezone), ctx.settings.publication_languages
    grounds = ctx.jurisdiction.refusal_grounds()
    offered: dict[str, Any] = {}
    running = clocks.of_cases(session, {r.instance_id for r in rows if r.status == TaskStatus.OPEN and r.due_at})

    pinned: dict[tuple[Any, ...], dict[str, Any]] = {}

    def case_of(row: HumanTask) -> ProcessInstance | None:
        return held.get(row.instance_id) or session.get(ProcessInstance, row.instance_id)

    def deployed(row: HumanTask, key: str) -> dict[str, Any]:
        """The form as the task's case has it: the version its definition (or a version it calls) pinned, read
        once for all the cases of one version."""
        case = case_of(row)
        if case is None:
            return {}
        memo = (case.definition_id, tuple(sorted((case.called_versions or {}).items())), key)
        if memo not in pinned:
            pinned[memo] = case_form(session, case, key)
        return pinned[memo]

    def form(row: HumanTask, key: str) -> dict[str, Any]:
        schema = served(deployed(row, key), local_now, languages, grounds)
        if uses_registry(schema):  # read once a list, and only for a form that offers the registry's entries
            offered.setdefault("choices", registry_reads.choices(session))
            schema = with_registry(schema, offered["choices"])
        return schema

    def for_case(row: HumanTask) -> dict[str, Any]:
        """The form with its rule on the case (`x-case`) decided on the case's data, read only for such a form."""
        schema = form(row, str(row.form_key))
        if "x-case" not in schema:
            return schema
        case = case_of(row)
        return with_case(schema, (case.data if case is not None else None) or {})

    return [
        {
            "id": r.id,
            "instance_id": r.instance_id,
            "business_key": keys.get(r.instance_id, ""),
            "process_key": r.process_key,
            "bpmn_id": r.bpmn_id,
            "name": r.name,
            "names": r.names or {},
            "lane": r.lane,
            "role": r.role,
            "unit": r.unit_key,
            "assignee": names.get(r.assignee_id) if r.assignee_id else None,
            "assignee_absent_until": away[r.assignee_id].ends_at
            if r.assignee_id in away and r.status == TaskStatus.OPEN else None,
            "status": r.status,
            "created_at": r.created_at,
            "completed_at": r.completed_at,
            "due_at": r.due_at,
            "overdue": queries.overdue_level(calendar, r.due_at, now) if r.status == TaskStatus.OPEN else None,
            "time_left": _time_left(calendar, now, r, running.get(r.instance_id)),
            "form": {"key": r.form_key, "schema": for_case(r) if r.form_key else None},
            "data": prefilled(r.form_key, r.data, lambda key, r=r: deployed(r, key))  # type: ignore[misc]
            if r.status == TaskStatus.OPEN else r.data,
        }
        for r in rows
    ]


def _time_left(calendar: BusinessCalendar, now: Any, row: HumanTask,
               clock: clocks.CaseClock | None) -> dict[str, Any] | None:
    """An open task's time left, counted on its case's statutory clock where the task is due when the case is
    (`statutory`), else in working days."""
    if clock is None or row.due_at is None or row.status != TaskStatus.OPEN:
        return None
    statutory = clock.statutory and clock.due_at == row.due_at
    return _left(calendar, now, row.due_at, clock.unit if statutory else "working_days", statutory,
                 statutory and clock.urgent)


def _case_left(calendar: BusinessCalendar, now: Any, row: ProcessInstance) -> dict[str, Any] | None:
    """A running case's time left on its statutory clock; None while its clock is paused."""
    deadline = (row.data or {}).get("deadline")
    statutory = isinstance(deadline, dict) and "from" in deadline
    if row.status != InstanceStatus.RUNNING or row.due_at is None or (statutory and deadlines.is_paused(deadline)):
        return None
    unit = deadlines.unit_of(deadline) if statutory else "working_days"
    return _left(calendar, now, row.due_at, unit, statutory, statutory and bool(deadline.get("urgent")))


def _left(calendar: BusinessCalendar, now: Any, due_at: Any, unit: str, statutory: bool,
          urgent: bool) -> dict[str, Any] | None:
    """None for a due moment beyond the calendar's bound: its date says enough."""
    try:
        left = time_left(due_at, now, calendar, unit)
    except ValueError:
        return None
    return {"amount": left.amount, "unit": left.unit, "urgency": left.urgency, "statutory": statutory,
            "urgent_track": urgent}


def deadline(story: Story, ground: tuple[str, str] | None) -> dict[str, Any]:
    """A case's deadline as derived (engine.calendar.deadline_story), with its clock's legal ground."""
    closed = story.closed
    return {"received": story.received, "amount": story.amount, "unit": story.unit, "urgent": story.urgent,
            "ground": {"text": ground[0], "lang": ground[1]} if ground else None,
            "weekend_days": story.weekend_days,
            "days": [{"date": d.date, "kind": d.kind, "names": list(d.names)} for d in story.days],
            "moved": story.moved,
            "pauses": [{"start": p.start, "end": p.end, "amount": p.amount} for p in story.pauses],
            "extensions": [{"amount": e.amount, "reason": e.reason, "by": e.by, "at": e.at} for e in story.extensions],
            "due_at": story.due_at,
            "closed": {"amount": closed.amount, "unit": closed.unit, "urgency": closed.urgency} if closed else None}


def task_with_context(session: Session, ctx: EngineContext, row: HumanTask, lang: str) -> dict[str, Any]:
    """One task as `tasks` gives it, with the earlier rounds of its case that bear on it (read-only) and its step's
    documentation in `lang` (else English; `documentation_lang` says which)."""
    context = task_context.of(session, row)
    documentation = task_context.documentation(session, row, lang)
    return tasks(session, ctx, [row])[0] | {
        "context": {"returned": _round(context.returned), "last_round": _round(context.last_round)},
        "documentation": documentation.text if documentation else None,
        "documentation_lang": documentation.lang if documentation else None}


def _round(r: task_context.Round | None) -> dict[str, Any] | None:
    if r is None:
        return None
    return {"task_id": r.task_id, "bpmn_id": r.bpmn_id, "name": r.name, "by": r.by, "at": r.at,
            "comment": r.comment, "data": r.data}


def completion(session: Session, ctx: EngineContext, row: HumanTask, case: ProcessInstance, *,
               users: Known | None = None) -> dict[str, Any]:
    """A completed task and its case as the case stands after it; the case's business key is the task's."""
    names = _usernames(session, {row.assignee_id}, users)
    return {"task": tasks(session, ctx, [row], users=names, cases={case.id: case})[0],
            "instance": instance(session, ctx, case, users=names)}


def timers(rows: list[Timer]) -> list[dict[str, Any]]:
    return [{"id": t.id, "instance_id": t.instance_id, "bpmn_id": t.bpmn_id, "due_at": t.due_at} for t in rows]


def instances(session: Session, ctx: EngineContext, rows: list[ProcessInstance]) -> list[dict[str, Any]]:
    names = queries.usernames(session, {r.started_by_id for r in rows})
    calendar, now = overrides.current(session, ctx), ctx.now()
    why = case_failures.reasons(session, [r.id for r in rows if r.failure])
    return [_instance(r, names, why) | {"time_left": _case_left(calendar, now, r)} for r in rows]


def instance(session: Session, ctx: EngineContext, row: ProcessInstance, *,
             users: Known | None = None) -> dict[str, Any]:
    """A case with its open tasks (which carry its business key) and pending timers; the starter's and the
    assignees' names come from `users` where it has them, the rest in one query."""
    open_tasks = queries.open_tasks(session, row.id)
    names = _usernames(session, {row.started_by_id} | {t.assignee_id for t in open_tasks}, users)
    out = _instance(row, names, case_failures.reasons(session, [row.id] if row.failure else []))
    out["time_left"] = _case_left(overrides.current(session, ctx), ctx.now(), row)
    out["tasks"] = tasks(session, ctx, open_tasks, users=names, cases={row.id: row})
    out["timers"] = timers(queries.case_timers(session, row.id))
    return out


def _instance(row: ProcessInstance, names: Known,
              why: dict[int, tuple[str | None, dict[str, Any]]]) -> dict[str, Any]:
    """A case's own facts; a failed one's `failure` is the engine's English (for administrators), `failure_code`
    and `failure_params` why it failed as a client words it (docs/errors.md), from `why` (its last failure's)."""
    code, params = why.get(row.id, (None, {})) if row.failure else (None, None)
    return {
        "id": row.id,
        "process_key": row.process_key,
        "version": row.version,
        "business_key": row.business_key,
        "status": row.status,
        "data": row.data,
        "unit": row.unit_key,
        "started_at": row.started_at,
        "started_by": names.get(row.started_by_id) if row.started_by_id else None,
        "due_at": row.due_at,
        "completed_at": row.completed_at,
        "failure": row.failure,
        "failure_code": code,
        "failure_params": params,
    }


def attachments(session: Session, rows: list[Attachment], *, users: Known | None = None) -> list[dict[str, Any]]:
    """Files attached to a case: what they are, their SHA-256, who attached them and when, where the thumbnail of
    a photo is (the file itself: `GET /attachments/{id}`)."""
    names = _usernames(session, {r.uploaded_by_id for r in rows}, users)
    return [
        {
            "id": r.id,
            "instance_id": r.instance_id,
            "filename": r.filename,
            "content_type": r.content_type,
            "kind": r.kind,
            "size": r.size,
            "sha256": r.sha256,
            "uploaded_by": names.get(r.uploaded_by_id),
            "uploaded_at": r.uploaded_at,
            "thumbnail_url": f"/api/v1/attachments/{r.id}/thumbnail" if r.has_thumbnail else None,
        }
        for r in rows
    ]


def case_comments(session: Session, rows: list[CaseComment], *, users: Known | None = None) -> list[dict[str, Any]]:
    """Staff's comments on a case: the text as written, its author, the case's files it refers to, whom it
    mentions, and until when its author may edit it."""
    names = _usernames(session, {r.author_id for r in rows}, users)
    return [
        {
            "id": r.id,
            "instance_id": r.instance_id,
            "task_id": r.task_id,
            "text": r.text,
            "author": names.get(r.author_id),
            "attachments": list(r.attachment_ids or []),
            "mentions": list(r.mentions or []),
            "posted_at": r.posted_at,
            "edited_at": r.edited_at,
            "editable_until": r.posted_at + EDIT_WINDOW,
        }
        for r in rows
    ]


def acting(user: User) -> dict[int, str]:
    """The acting user's name, known to the request: the answer after their operation need not read it again."""
    return {user.id: user.username}


def _usernames(session: Session, ids: set[int | None], known: Known | None) -> dict[int, str]:
    given = dict(known or {})
    return given | queries.usernames(session, {i for i in ids if i is not None and i not in given})


def _business_keys(session: Session, ids: set[int], known: Known | None) -> dict[int, str]:
    given = dict(known or {})
    return given | queries.business_keys(session, {i for i in ids if i not in given})


def user(row: User) -> dict[str, Any]:
    return {"username": row.username, "display_name": row.display_name, "email": row.email, "roles": row.roles,
            "unit": row.unit_key, "active": row.active, "locale": row.locale}


def absence(row: Absence, usernames: Known) -> dict[str, Any]:
    """`usernames`: the user's and the deputy's, by id."""
    return {"id": row.id, "user": usernames.get(row.user_id), "deputy": usernames.get(row.deputy_id),
            "from": row.starts_at, "until": row.ends_at, "note": row.note, "created_at": row.created_at,
            "created_by": row.created_by, "handed_over_at": row.handed_over_at, "ended_at": row.ended_at,
            "ended_by": row.ended_by}


def absences(session: Session, rows: list[Absence]) -> list[dict[str, Any]]:
    names = _usernames(session, {r.user_id for r in rows} | {r.deputy_id for r in rows}, None)
    return [absence(r, names) for r in rows]


def unit(row: Unit) -> dict[str, Any]:
    return {"key": row.key, "name": row.name, "names": {**(row.names or {}), unit_names.DEFAULT_LANGUAGE: row.name}}


def definition(row: ProcessDefinition, running: dict[int, int] | None = None) -> dict[str, Any]:
    """A deployed version; with `running`, the running instances per version of its procedure."""
    out = {"key": row.key, "name": row.name, "version": row.version, "checksum": row.checksum,
           "deployed_at": row.deployed_at, "origin": row.origin,
           "starters": row.meta.get("starters", []), "documentation": row.meta.get("documentation", ""),
           "missing_labels": labels.missing(row.meta),
           "missing_documentation": labels.missing_documentation(row.meta), "forms": dict(row.forms or {})}
    if running is not None:
        out["running_instances"] = {str(v): n for v, n in running.items()}
    return out


def deployed(result: Deployed) -> dict[str, Any]:
    """A deploy's answer: the version, and what bpmnlint warned of."""
    return definition(result.definition) | {"lint_warnings": [w.as_dict() for w in result.warnings]}


def forms(session: Session, rows: list[FormVersion], uses: Mapping[str, list[ProcessDefinition]], *,
          with_schema: bool = False) -> list[dict[str, Any]]:
    """Form versions: who deployed each, and which procedures' latest versions pin the form."""
    names = _usernames(session, {r.created_by_id for r in rows}, None)
    return [{"key": r.key, "version": r.version, "checksum": r.checksum, "created_at": r.created_at,
             "created_by": names.get(r.created_by_id) if r.created_by_id else None, "origin": r.origin,
             "used_by": [{"process": d.key, "version": d.version, "form_version": (d.forms or {})[r.key]}
                         for d in uses.get(r.key, [])]}
            | ({"schema": r.schema} if with_schema else {}) for r in rows]


def checkpoint(row: AuditCheckpoint, verdict: dict[str, Any] | None, pushes: list[CheckpointPush]) -> dict[str, Any]:
    """A signed checkpoint of the audit's tree, its timestamp as verified now, and every push of it."""
    if verdict is not None and "time" in verdict:
        verdict = verdict | {"time": verdict["time"].isoformat()}
    shown = {"size": row.size, "root": row.root, "signed_at": row.signed_at, "signature": row.signature,
             "note": row.note, "origin": row.origin, "key_id": row.key_id, "timestamp": verdict,
             "pushes": [{"target": p.target, "attempted_at": p.attempted_at, "ok": p.ok, "detail": p.detail}
                        for p in pushes]}
    if row.timestamp_token is not None:
        shown["timestamp_token"] = base64.b64encode(row.timestamp_token).decode()
    return shown


def audit_event(row: AuditEvent) -> dict[str, Any]:
    return {"id": row.id, "seq": row.seq, "occurred_at": row.occurred_at, "actor": row.actor, "type": row.type,
            "instance_id": row.instance_id, "task_id": row.task_id, "subject": row.subject, "before": row.before,
            "after": row.after, "hash": row.hash}


def verification(result: Verification, checkpoint: Outcome | None = None) -> dict[str, Any]:
    shown: dict[str, Any] = {"ok": result.ok, "checked": result.checked, "first_broken": result.first_broken,
                             "unsealed": result.unsealed}
    if checkpoint is not None:
        shown["checkpoint"] = {"size": checkpoint.size, "ok": checkpoint.ok, "reference": checkpoint.reference,
                               "first_broken": checkpoint.first_broken}
    else:
        shown["checkpoint"] = None
    return shown


def checkpoint_shown(row: AuditCheckpoint) -> dict[str, Any]:
    return {"size": row.size, "root": row.root, "signed_at": row.signed_at, "note": row.note}


def inclusion(proof: Inclusion) -> dict[str, Any]:
    return {"leaf_index": proof.leaf_index, "tree_size": proof.checkpoint.size,
            "audit_path": [h.hex() for h in proof.path], "leaf": proof.leaf.hex(), "root": proof.checkpoint.root,
            "checkpoint": checkpoint_shown(proof.checkpoint)}


def consistency(proof: Consistency) -> dict[str, Any]:
    return {"from_": proof.old.size, "to": proof.new.size, "from_root": proof.old.root, "to_root": proof.new.root,
            "proof": [h.hex() for h in proof.path]}


def notification(row: Notification) -> dict[str, Any]:
    return {
        "id": row.id,
        "kind": row.kind,
        "message": row.message,
        "instance_id": row.instance_id,
        "task_id": row.task_id,
        "created_at": row.created_at,
        "read_at": row.read_at,
        "email_status": row.email_status,
    }


def calendar_days(days: Iterable[CalendarDay]) -> dict[str, Any]:
    return {"items": [{"date": d.date, "working": d.working, "reason": d.reason, "kind": d.kind,
                       "day_off_on": d.day_off_on} for d in days]}


def override(row: CalendarOverride, moved_cases: list[int]) -> dict[str, Any]:
    """A day declared working or not, and the running cases whose deadline moved with it."""
    return {"date": row.day, "working": row.working, "reason": row.reason, "changed_by": row.changed_by,
            "changed_at": row.changed_at, "moved_cases": moved_cases}


def working_day(day: date) -> dict[str, Any]:
    return {"date": day}


def publication(row: Publication, root: str = "") -> dict[str, Any]:
    """A publication as the public reads it; `root` (the site's address) makes its media's links absolute."""
    base = {"id": row.id, "business_key": row.business_key, "kind": row.kind, "published_at": row.published_at}
    if row.feed == "releases":
        return base | {"translations": row.content.get("translations", {}),
                       "media": [published_file(item, root) for item in row.content.get("media") or []]}
    content = row.content
    shown = base | {"outlet": content.get("outlet"), "url": content.get("url"), "text": content.get("text"),
                    "medium": content.get("medium"), "piece_published_at": content.get("piece_published_at"),
                    "summary": content.get("summary")}
    if row.kind == "rebuttal":
        shown["explanations"] = content.get("explanations") or []
    return shown


def published_file(item: dict[str, Any], root: str = "") -> dict[str, Any]:
    """A file a release carries, with where anyone downloads it and its thumbnail (photos)."""
    url = f"{root}/public/media/{item['id']}"
    return {"id": item["id"], "filename": item.get("filename"), "kind": item.get("kind"),
            "content_type": item.get("content_type"), "size": item.get("size"), "sha256": item.get("sha256"),
            "url": url, "thumbnail_url": f"{url}/thumbnail" if item.get("has_thumbnail") else None}


# The public page of each feed's items (a new feed of the archive adds its page here).
PUBLIC_PAGES = {"releases": "web_public.release", "responses": "web_public.response", "drafts": "public_drafts.Draft"}


def archive_hit(hit: archive.Hit) -> dict[str, Any]:
    e = hit.entry
    return {"feed": e.source, "id": e.source_id, "business_key": e.business_key, "kind": e.kind, "unit": e.unit,
            "lang": e.lang, "published_at": e.published_at, "title": e.title, "snippet": hit.snippet,
            "url": url_for(PUBLIC_PAGES[e.source], publication_id=e.source_id)}


def notification_settings(choices: dict[Any, Any], settings: Any, zone: Any) -> dict[str, Any]:
    """The caller's e-mail choice per kind, with when the daily summary goes (the office's clock)."""
    return {"email": {str(kind): str(choice) for kind, choice in choices.items()},
            "summary_at": settings.email_summary_at.strftime("%H:%M"), "timezone": zone.key}


def page(paged: queries.Paged[Any], items: list[Any]) -> dict[str, Any]:
    return {"items": items, "total": paged.total, "page": paged.page, "per_page": paged.per_page}


def whole(items: list[Any]) -> dict[str, Any]:
    """A list given whole, in the shape of a page: one page holding every item."""
    return {"items": items, "total": len(items), "page": 1, "per_page": max(len(items), 1)}


def jurisdiction(profile: Profile, media_days: int | None = None) -> dict[str, Any]:
    """The profile as `GET /jurisdiction` shows it: every figure with its source and whether it was checked; the
    media request's deadline is the `JARCHY_REQUEST_DEADLINE_DAYS` setting where one is set (`media_days`), since
    that is the clock the cases run on."""
    data = profile.data
    first = data["publication_languages"][0]

    def sourced(part: dict[str, Any]) -> dict[str, Any]:
        return part | {"verified": part.get("verified", True)}

    procedures = {key: {name: sourced(part) for name, part in clocks.items()}
                  for key, clocks in data["procedures"].items()}
    if media_days is not None:
        procedures.setdefault("information_request", {})["deadline"] = {
            "amount": media_days, "unit": "working_days", "verified": False,
            "source": "setting JARCHY_REQUEST_DEADLINE_DAYS, in force instead of the profile's figure"}
    return {
        "key": data["key"], "name": data["name"], "law": data["law"], "country": data["country"],
        "publication_languages": data["publication_languages"], "interface_languages": data["interface_languages"],
        "procedures": procedures,
        "refusal_grounds": [{"key": g["key"], "title": g["title"].get(first) or next(iter(g["title"].values())),
                             "titles": g["title"], "law": in_language(texts(g["law"]), first),
                             "laws": texts(g["law"])} for g in data["refusal_grounds"]],
        "appeal": sourced(data["appeal"]),
    }


def filed_request(filed: Filed) -> dict[str, Any]:
    data = filed.instance.data or {}
    return {"reference": filed.instance.business_key, "tracking_token": filed.tracking_token,
            "due_at": data.get("due_at")}


def tracking(found: Tracking) -> dict[str, Any]:
    """A request as its requester follows it; fields that do not apply are left out."""
    shown: dict[str, Any] = {"reference": found.reference, "status": found.status, "received_at": found.received_at,
                             "due_at": found.due_at,
                             "letters": [{"kind": letter.kind, "written_at": letter.written_at, "body": letter.body}
                                         for letter in found.letters],
                             "documents": [{"id": d.id, "filename": d.filename, "content_type": d.content_type,
                                            "size": d.size} for d in found.documents]}
    for name in ("extended_to", "forwarded_to", "answer", "refusal"):
        value = getattr(found, name)
        if value is not None:
            shown[name] = value
    return shown


def requests_report(report: Report) -> dict[str, Any]:
    # `from_`: the schemas' attribute for the JSON key "from" (a Python keyword).
    return {"from_": report.period_from, "to": report.period_to,
            "closed": period(report.closed) if report.closed is not None else None, "items": report.items}


def office_report(report: OfficeReport) -> dict[str, Any]:
    period_ = report.period
    return {"period": period_.kind, "of": period_.of, "from_": period_.first, "to": period_.last,
            "requests_closed": report.requests_closed} | report.figures


def period(row: ReportPeriod) -> dict[str, Any]:
    return {"from_": row.period_from, "to": row.period_to, "closed_at": row.closed_at, "closed_by": row.closed_by,
            "sha256": row.sha256}


# -- the registry of the media, deliveries ----------------------------------------------------------------

def outlet(row: Outlet) -> dict[str, Any]:
    return {"id": row.id, "name": row.name, "kind": row.kind, "country": row.country, "email": row.email,
            "phone": row.phone, "website": row.website, "created_at": row.created_at, "updated_at": row.updated_at}


def accreditation(row: Accreditation) -> dict[str, Any]:
    return {"id": row.id, "journalist_id": row.journalist_id, "valid_from": row.valid_from,
            "valid_until": row.valid_until, "granted_by": row.granted_by, "granted_at": row.granted_at,
            "revoked_at": row.revoked_at, "revoked_by": row.revoked_by, "revoke_reason": row.revoke_reason}


def journalist(found: registry_reads.JournalistRow) -> dict[str, Any]:
    row = found.journalist
    return {"id": row.id, "name": row.name, "outlet_id": row.outlet_id,
            "outlet": row.outlet.name if row.outlet is not None else None, "email": row.email, "phone": row.phone,
            "languages": list(row.languages or []), "active": row.active, "list_ids": found.list_ids,
            "accredited_until": found.current.valid_until if found.current is not None else None,
            "accreditations": [accreditation(a) for a in found.accreditations]}


def distribution_list(row: DistributionList, journalist_ids: list[int]) -> dict[str, Any]:
    return {"id": row.id, "name": row.name, "description": row.description, "journalist_ids": journalist_ids,
            "created_at": row.created_at, "updated_at": row.updated_at}


def imported(result: Imported) -> dict[str, Any]:
    return {"created": result.created, "updated": result.updated, "unchanged": result.unchanged}


def delivery(row: Delivery) -> dict[str, Any]:
    return {"id": row.id, "publication_id": row.publication_id, "journalist_id": row.journalist_id,
            "recipient": row.recipient, "address": row.address, "language": row.language,
            "status": row.email_status, "attempts": row.email_attempts, "created_at": row.created_at,
            "sent_at": row.email_sent_at, "bounced_at": row.bounced_at, "error": row.email_error}


def media_plan_entry(row: MediaPlanEntry, timezone: ZoneInfo) -> dict[str, Any]:
    return {"id": row.id, "uid": row.uid, "title": row.title, "description": row.description,
            "official": row.official, "format": row.format, "starts_at": row.starts_at, "ends_at": row.ends_at,
            "all_day": row.all_day, "first_day": media_plan.first_day(row, timezone),
            "last_day": media_plan.last_day(row, timezone), "place": row.place, "open_to_press": row.open_to_press,
            "unit": row.unit.key if row.unit is not None else None, "status": row.status,
            "status_reason": row.status_reason, "postponed_from": row.postponed_from, "sequence": row.sequence,
            "created_at": row.created_at, "created_by": row.created_by, "updated_at": row.updated_at,
            "updated_by": row.updated_by}


def feed_link(created_at: Any, token: str | None = None, url: str | None = None) -> dict[str, Any]:
    shown: dict[str, Any] = {"subscribed": created_at is not None, "created_at": created_at}
    if token is not None:
        shown |= {"token": token, "url": url}
    return shown
# -- draft acts under public discussion ------------------------------------------------------------------------

def draft_file(item: dict[str, Any], draft_id: int, root: str = "") -> dict[str, Any]:
    """A file a draft (or its adopted text) carries, downloaded through the draft's own route."""
    return {"id": item["id"], "filename": item.get("filename"), "content_type": item.get("content_type"),
            "size": item.get("size"), "sha256": item.get("sha256"),
            "url": f"{root}/public/drafts/{draft_id}/files/{item['id']}"}


def public_draft(draft: Any, root: str = "", *, whole: bool = True) -> dict[str, Any]:
    """A draft act as the public reads it (`engine.reads.draft_acts.Draft`); in a list, without its text, files and
    comments."""
    row, content = draft.publication, draft.publication.content
    shown: dict[str, Any] = {
        "id": row.id, "business_key": row.business_key, "published_at": row.published_at,
        "title": content.get("title"), "comment_count": draft.comment_count,
        "discussion": {"opened_at": (content.get("discussion") or {}).get("opened_at"),
                       "ends_at": draft.ends_at.isoformat() if draft.ends_at else None, "open": draft.open},
        "adopted": None}
    if whole:
        shown |= {"text": content.get("text"),
                  "files": [draft_file(item, row.id, root) for item in content.get("files") or []],
                  "comments": [{"id": c.id, "name": c.name, "text": c.text, "submitted_at": c.submitted_at}
                               for c in draft.comments]}
    if draft.adopted is not None:
        adopted = draft.adopted.content
        shown["adopted"] = {"id": draft.adopted.id, "published_at": draft.adopted.published_at,
                            "title": adopted.get("title"), "text": adopted.get("text"),
                            "files": [draft_file(item, row.id, root) for item in adopted.get("files") or []],
                            "summary": adopted.get("summary"),
                            "comment_outcomes": adopted.get("comment_outcomes") or []}
    return shown


def draft_comment(row: Any) -> dict[str, Any]:
    return {"id": row.id, "instance_id": row.instance_id, "name": row.name, "contact": row.contact, "text": row.text,
            "submitted_at": row.submitted_at, "status": str(row.status), "reason": row.reason,
            "moderated_by": row.moderated_by, "moderated_at": row.moderated_at}


def comment_received(row: Any) -> dict[str, Any]:
    return {"id": row.id, "status": str(row.status), "submitted_at": row.submitted_at}


# -- the dashboard ----------------------------------------------------------------------------------------

def case_list_query(filters: Mapping[str, Any]) -> dict[str, str | list[str]]:
    """A figure's filters as the cases list's query parameters (the page's `/cases` and the API's
    `GET /api/v1/process-instances` take the same): days in ISO form, yes and no as 1 and 0, several values as a
    list."""
    query: dict[str, str | list[str]] = {}
    for name, value in filters.items():
        if isinstance(value, bool):
            query[name] = "1" if value else "0"
        elif isinstance(value, date):
            query[name] = value.isoformat()
        elif isinstance(value, list | tuple):
            query[name] = [str(v) for v in value]
        else:
            query[name] = str(value)
    return query


def _figure(figure: dashboard.Figure) -> dict[str, Any]:
    return {"count": figure.count, "cases": case_list_query(figure.filters)}


def dashboard_figures(figures: dashboard.Figures) -> dict[str, Any]:
    """`GET /api/v1/dashboard`: each figure with the query that lists its cases (`cases`)."""
    span = figures.span
    return {
        "period": span.kind, "from_": span.first, "to": span.last,
        "previous": {"from": span.previous().first.isoformat(), "to": span.previous().last.isoformat()},
        "next": {"from": span.following().first.isoformat(), "to": span.following().last.isoformat()},
        "requests_answered": {"on_time": _figure(figures.requests.on_time), "late": _figure(figures.requests.late)},
        "registered_by_procedure": [{"process_key": c.key, **_figure(c.figure)}
                                    for c in figures.received_by_procedure],
        "registered_by_unit": [{"unit": c.key, **_figure(c.figure)} for c in figures.received_by_unit],
        "open": _figure(figures.open),
        "overdue": _figure(figures.overdue_now),
        "oldest_overdue": [{"id": c.id, "business_key": c.business_key, "process_key": c.process_key,
                            "unit": c.unit_key, "due_at": c.due_at.isoformat() if c.due_at else None}
                           for c in figures.overdue],
        "publications_by_tone": {"months": [m.isoformat() for m in figures.tones.months],
                                 "counts": figures.tones.counts,
                                 "cases": {tone: [case_list_query(f.filters) for f in row]
                                           for tone, row in figures.tones.figures.items()}},
    }
def saved_filters(session: Session, user: User, rows: list[SavedFilter]) -> list[dict[str, Any]]:
    owners = queries.usernames(session, {row.owner_id for row in rows})
    return [{"id": row.id, "name": row.name, "list": row.list, "query": row.query, "owner": owners.get(row.owner_id),
             "mine": row.owner_id == user.id, "start": row.start and row.owner_id == user.id,
             "lane": {"role": row.lane_role, "unit": row.lane_unit} if row.lane_role else None,
             "created_at": row.created_at} for row in rows]


def migration(row: Migration, cases: list[tuple[MigrationCase, str]], *, sample: int = 10,
              unmapped: list[str] | None = None) -> dict[str, Any]:
    """A migration (docs/migrations.md): its plan's figures, every blocked case with its reason, a sample of each
    verdict, and its progress."""
    progress = Counter(str(c.status) for c, _ in cases)
    blocked = [_migration_case(c, key) for c, key in cases if c.status in (MigrationCaseStatus.BLOCKED,
                                                                          MigrationCaseStatus.FAILED)]
    seen: Counter[str] = Counter()
    picked = []
    for c, key in cases:
        kind = c.reason or "movable"
        if seen[kind] < sample:
            seen[kind] += 1
            picked.append(_migration_case(c, key))
    out = {"id": row.id, "process_key": row.process_key, "from_version": row.from_version,
           "to_version": row.to_version, "mapping": row.mapping, "timers": row.options.get("timers", "keep"),
           "cases": row.options.get("cases"), "batch_size": row.options.get("batch_size"), "dry_run": row.dry_run,
           "status": row.status, "created_at": row.created_at, "finished_at": row.finished_at,
           "movable": int(row.counts.get("movable", 0)), "by_reason": row.counts.get("by_reason", {}),
           "blocked": blocked, "sample": picked,
           "progress": {str(s): progress.get(str(s), 0) for s in MigrationCaseStatus}}
    if not row.dry_run:
        out["moved"] = progress.get(MigrationCaseStatus.MOVED, 0)
    if unmapped is not None:
        out["unmapped"] = unmapped
    return out


def _migration_case(row: MigrationCase, business_key: str) -> dict[str, Any]:
    out = {"instance_id": row.instance_id, "business_key": business_key, "at": row.at_elements or [],
           "status": row.status, "verdict": "blocked" if row.reason else "movable"}
    if row.reason:
        out |= {"reason": row.reason, "code": row.reason, "element_id": (row.params or {}).get("element_id"),
                "params": row.params or {}}
    return out


def moved_back(row: ProcessInstance) -> dict[str, Any]:
    return {"instance_id": row.id, "business_key": row.business_key, "version": row.version,
            "status": "moved_back"}
def failed_case(item: Any, lang: str) -> dict[str, Any]:
    """A failed case of the list (engine.reads.failed_cases.FailedCase), its element named in `lang`."""
    return {"instance_id": item.instance_id, "business_key": item.business_key, "process_key": item.process_key,
            "version": item.version, "failed_at": item.failed_at, "element_id": item.element_id,
            "element_name": item.name_in(lang), "code": item.code, "params": item.params, "message": item.message,
            "exception": item.exception, "reads": item.reads}
