"""Turning rows into the contract's JSON shapes (lists batch their look-ups)."""

from __future__ import annotations

from typing import Any

from sqlalchemy.orm import Session

from db.models import HumanTask, ProcessInstance, Timer, User
from db.vocabulary import TaskStatus
from engine.calendar import overrides
from engine.context import EngineContext
from engine.procedures.forms import load_form, prefilled, served
from engine.reads import queries, task_context


def tasks(session: Session, ctx: EngineContext, rows: list[HumanTask]) -> list[dict[str, Any]]:
    names = queries.usernames(session, {r.assignee_id for r in rows})
    keys = queries.business_keys(session, {r.instance_id for r in rows})
    calendar = overrides.current(session, ctx)
    now = ctx.now()
    local_now, languages = now.astimezone(calendar.timezone), ctx.settings.publication_languages
    return [
        {
            "id": r.id,
            "instance_id": r.instance_id,
            "business_key": keys.get(r.instance_id, ""),
            "process_key": r.process_key,
            "bpmn_id": r.bpmn_id,
            "name": r.name,
            "lane": r.lane,
            "role": r.role,
            "unit": r.unit_key,
            "assignee": names.get(r.assignee_id) if r.assignee_id else None,
            "status": r.status,
            "created_at": r.created_at,
            "completed_at": r.completed_at,
            "due_at": r.due_at,
            "overdue": queries.overdue_level(calendar, r.due_at, now) if r.status == TaskStatus.OPEN else None,
            "form": {"key": r.form_key, "schema": served(load_form(r.form_key), local_now, languages) if r.form_key
                     else None},
            "data": prefilled(r.form_key, r.data) if r.status == TaskStatus.OPEN else r.data,
        }
        for r in rows
    ]


def task_with_context(session: Session, ctx: EngineContext, row: HumanTask) -> dict[str, Any]:
    """One task as `tasks` gives it, with the earlier rounds of its case that bear on it (read-only)."""
    context = task_context.of(session, row)
    return tasks(session, ctx, [row])[0] | {"context": {
        "returned": _round(context.returned), "last_round": _round(context.last_round)}}


def _round(r: task_context.Round | None) -> dict[str, Any] | None:
    if r is None:
        return None
    return {"task_id": r.task_id, "bpmn_id": r.bpmn_id, "name": r.name, "by": r.by, "at": r.at,
            "comment": r.comment, "data": r.data}


def timers(rows: list[Timer]) -> list[dict[str, Any]]:
    return [{"id": t.id, "instance_id": t.instance_id, "bpmn_id": t.bpmn_id, "due_at": t.due_at} for t in rows]


def instances(session: Session, rows: list[ProcessInstance]) -> list[dict[str, Any]]:
    names = queries.usernames(session, {r.started_by_id for r in rows})
    return [_instance(r, names) for r in rows]


def instance(session: Session, ctx: EngineContext, row: ProcessInstance) -> dict[str, Any]:
    out = _instance(row, queries.usernames(session, {row.started_by_id}))
    out["tasks"] = tasks(session, ctx, queries.open_tasks(session, row.id))
    out["timers"] = timers(queries.pending_timers(session, instance_id=row.id, per_page=1000).items)
    return out


def _instance(row: ProcessInstance, names: dict[int, str]) -> dict[str, Any]:
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
    }


def user(row: User) -> dict[str, Any]:
    return {"username": row.username, "display_name": row.display_name, "email": row.email, "roles": row.roles,
            "unit": row.unit_key, "active": row.active, "locale": row.locale}


def page(paged: queries.Paged[Any], items: list[Any]) -> dict[str, Any]:
    return {"items": items, "total": paged.total, "page": paged.page, "per_page": paged.per_page}
