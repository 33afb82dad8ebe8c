"""Notifications: who is told about a task, what they read in `GET /notifications`, and the audit trail.

`notify_task` is called directly on tasks that the information request really creates; the tests do not
depend on whether the runtime itself already notifies on task creation (they measure what their own
call adds)."""

from __future__ import annotations

from datetime import datetime
from functools import partial
from typing import Any

import pytest
from sqlalchemy import event, func, select

from db.models import AuditEvent, HumanTask, Notification, User
from engine.context import EngineContext
from engine.people.accounts import create_user, update_user
from engine.runtime.notifications import notify, notify_task, recipients
from tests import cases
from tests.cases import complete_task, open_task
from tests.conftest import PASSWORD, REQUEST

pytestmark = pytest.mark.usefixtures("deployed")

ANSWER = {"answer": "Fares stay as they are in 2027.", "confirm_no_confidential": True, "refuse": False}


# -- helpers ----------------------------------------------------------------------------------------------

# An information request received at 08:30 that morning, registered by the PR department.
start = partial(cases.start, data=REQUEST | {"received_at": "2026-03-02T08:30:00+06:00"})


def add_user(sessions: Any, ctx: Any, username: str, roles: list[str], unit: str | None = None,
             email: str | None = None, active: bool = True) -> None:
    with sessions.begin() as session:
        create_user(session, username=username, display_name=username.title(), password=PASSWORD, roles=roles,
                    unit=unit, email=email, actor="system", at=ctx.now())
        if not active:
            update_user(session, username, {"active": False}, actor="system", at=ctx.now())


def tell(sessions: Any, ctx: Any, task_id: str, kind: str = "task") -> list[dict[str, Any]]:
    """notify_task on the task, in a transaction of its own; what it created, as plain dicts."""
    with sessions.begin() as session:
        task = session.get(HumanTask, task_id)
        rows = notify_task(session, ctx, task, kind=kind, at=ctx.now())
        names = dict(session.execute(select(User.id, User.username)).all())
        return [{"id": r.id, "user": names[r.user_id], "kind": r.kind, "message": r.message,
                 "instance_id": r.instance_id, "task_id": r.task_id, "email_status": r.email_status}
                for r in rows]


def created_events(sessions: Any) -> list[AuditEvent]:
    with sessions() as session:
        return list(session.scalars(
            select(AuditEvent).where(AuditEvent.type == "notification.created").order_by(AuditEvent.id)))


def usernames(found: list[dict[str, Any]]) -> list[str]:
    return sorted(n["user"] for n in found)


# -- who is told --------------------------------------------------------------------------------------------

def test_a_triage_task_notifies_every_active_pr_department_user_and_nobody_else(as_: Any, sessions: Any,
                                                                                ctx: Any) -> None:
    add_user(sessions, ctx, "pr2", ["pr_department"], email="pr2@gov.example")
    add_user(sessions, ctx, "pr_gone", ["pr_department"], email="gone@gov.example", active=False)
    add_user(sessions, ctx, "pr_and_legal", ["legal", "pr_department"])
    case = start(as_)
    triage = open_task(case, "triage")
    before = len(created_events(sessions))

    told = tell(sessions, ctx, triage)

    assert usernames(told) == ["pr", "pr2", "pr_and_legal"]
    for n in told:
        assert (n["kind"], n["instance_id"], n["task_id"]) == ("task", case["id"], triage)
        # Without SMTP configured nobody gets e-mail, address or not.
        assert n["email_status"] == "none"
        assert case["business_key"] in n["message"]
        assert "Triage" in n["message"] or "triage" in n["message"].lower()
        # The due date in the office's time zone and the reader's words (their account's language, here English):
        # 14 working days after 2 March 2026 in KG.
        assert "March 23, 2026" in n["message"] and "6:00" in n["message"] and "(Bishkek)" in n["message"]
    events = created_events(sessions)[before:]
    assert len(events) == 3
    assert sorted(e.subject for e in events) == ["user:pr", "user:pr2", "user:pr_and_legal"]
    for e in events:
        assert e.actor is None and e.instance_id == case["id"] and e.task_id == triage
        assert e.after == {"kind": "task", "user": e.subject.removeprefix("user:"), "task_id": triage, "email": False}


def test_a_press_secretary_task_of_a_unit_notifies_only_that_units_press_secretary(as_: Any, sessions: Any,
                                                                                   ctx: Any) -> None:
    add_user(sessions, ctx, "ps_transport2_gone", ["press_secretary"], unit="transport", active=False)
    case = start(as_)
    after = complete_task(as_, "pr", open_task(case, "triage"), handler="press_secretary", unit="transport",
                          contributors=[])
    prepare = open_task(after, "prepare_answer")
    # Not ps_health (another unit), not head_transport (another role), not the deactivated one.
    assert usernames(tell(sessions, ctx, prepare)) == ["ps_transport"]


def test_contribution_tasks_notify_the_head_of_each_contributing_unit(as_: Any, sessions: Any, ctx: Any) -> None:
    case = start(as_)
    after = complete_task(as_, "pr", open_task(case, "triage"), handler="pr_department",
                          contributors=["transport", "health"])
    told = {t["unit"]: usernames(tell(sessions, ctx, t["id"])) for t in after["tasks"]}
    assert told == {"transport": ["head_transport"], "health": ["head_health"]}


def test_the_tasks_a_step_opens_tell_each_lanes_candidates_minding_absences_lane_by_lane(
        as_: Any, sessions: Any, ctx: Any) -> None:
    """The candidates of all the tasks a step opens are read together (engine.runtime.notifications.told_of); who is
    left out for an absence is still decided in each task's own lane."""
    add_user(sessions, ctx, "head_transport2", ["unit_head"], "transport")
    for user, deputy in (("head_transport", "head_transport2"), ("head_health", "pr")):
        absence = as_(user).post(f"/api/v1/users/{user}/absences",
                                 json={"from": "2026-03-02", "until": "2026-03-04", "deputy": deputy})
        assert absence.status_code == 201, absence.get_json()
    case = start(as_)
    after = complete_task(as_, "pr", open_task(case, "triage"), handler="pr_department",
                          contributors=["transport", "health"])
    opened = {t["unit"]: t["id"] for t in after["tasks"]}
    with sessions() as session:
        told = {unit: sorted(session.scalars(select(User.username).join(Notification, Notification.user_id == User.id)
                                             .where(Notification.task_id == task_id)))
                for unit, task_id in opened.items()}
    # transport: its head is away and their deputy is a candidate there, so the deputy alone; health: its head's
    # deputy is no candidate of health's task, so the head is told all the same
    assert told == {"transport": ["head_transport2"], "health": ["head_health"]}


def test_an_assigned_task_notifies_only_its_assignee(as_: Any, sessions: Any, ctx: Any) -> None:
    add_user(sessions, ctx, "pr2", ["pr_department"])
    triage = open_task(start(as_), "triage")
    assert as_("prhead").post(f"/api/v1/tasks/{triage}/assign", json={"username": "pr2"}).status_code == 200
    assert usernames(tell(sessions, ctx, triage, kind="reminder")) == ["pr2"]


def test_a_deactivated_assignees_task_goes_back_to_its_lane(as_: Any, sessions: Any, ctx: Any) -> None:
    add_user(sessions, ctx, "pr2", ["pr_department"])
    triage = open_task(start(as_), "triage")
    assert as_("prhead").post(f"/api/v1/tasks/{triage}/assign", json={"username": "pr2"}).status_code == 200
    with sessions.begin() as session:
        update_user(session, "pr2", {"active": False}, actor="admin", at=ctx.now())
    assert usernames(tell(sessions, ctx, triage)) == ["pr"]


def test_a_task_with_failed_routing_or_no_unit_notifies_nobody(as_: Any, sessions: Any, ctx: Any) -> None:
    triage = open_task(start(as_), "triage")
    with sessions() as session:  # changed here, never committed
        task = session.get(HumanTask, triage)
        task.role, task.unit_key = "press_secretary", None
        assert recipients(session, task) == []
        task.role = ""
        assert recipients(session, task) == []
        session.rollback()


def test_recipients_is_one_query_however_many_users(as_: Any, sessions: Any, ctx: Any) -> None:
    for i in range(12):
        add_user(sessions, ctx, f"extra{i:02d}", ["pr_department"])
    triage = open_task(start(as_), "triage")
    statements: list[str] = []

    def count(_conn: Any, _cursor: Any, statement: str, *_args: Any) -> None:
        statements.append(statement)

    engine = sessions.kw["bind"]
    with sessions() as session:
        task = session.get(HumanTask, triage)
        event.listen(engine, "before_cursor_execute", count)
        try:
            found = recipients(session, task)
        finally:
            event.remove(engine, "before_cursor_execute", count)
    assert len(found) == 13
    # The users (with their unit, joined), then their roles in one batch (the relationship's selectin load).
    assert len([s for s in statements if s.lstrip().upper().startswith("SELECT")]) <= 2, statements


def test_e_mail_is_queued_for_recipients_with_an_address_when_smtp_is_configured(as_: Any, sessions: Any,
                                                                                 ctx: Any) -> None:
    add_user(sessions, ctx, "pr2", ["pr_department"], email="pr2@gov.example")
    triage = open_task(start(as_), "triage")
    with_smtp = EngineContext(ctx.settings.with_(smtp_url="smtp://127.0.0.1:2525"), ctx.clock, ctx.cal)
    before = len(created_events(sessions))
    told = {n["user"]: n["email_status"] for n in tell(sessions, with_smtp, triage)}
    assert told == {"pr": "none", "pr2": "pending"}  # pr has no e-mail address
    emails = {e.subject: e.after["email"] for e in created_events(sessions)[before:]}
    assert emails == {"user:pr": False, "user:pr2": True}


def test_notify_writes_one_row_and_one_audit_event_per_user_and_only_flushes(sessions: Any, ctx: Any,
                                                                            cast: Any) -> None:
    at = ctx.now()
    with sessions() as session:
        users = list(session.scalars(select(User).where(User.username.in_(["pr", "prhead"])).order_by(User.id)))
        rows = notify(session, kind="escalation", users=users, message="Overdue.", at=at, instance_id=None,
                      task_id=None, email_enabled=True)
        assert all(r.id is not None for r in rows)
        assert [r.email_status for r in rows] == ["none", "none"]  # no addresses
        session.rollback()  # the caller owns the transaction: nothing stays
    with sessions() as session:
        assert session.scalar(select(func.count()).select_from(Notification)) == 0
        assert session.scalar(select(func.count()).select_from(AuditEvent)
                              .where(AuditEvent.type == "notification.created")) == 0
    with pytest.raises(ValueError), sessions.begin() as session:
        notify(session, kind="gossip", users=[], message="", at=at, instance_id=None, task_id=None,
               email_enabled=False)


# -- what they read ------------------------------------------------------------------------------------------

def clear_notifications(sessions: Any) -> None:
    """Whatever the runtime itself sent, so that the lists below hold exactly what the test made."""
    with sessions.begin() as session:
        session.query(Notification).delete()


def test_get_notifications_lists_the_callers_own_newest_first_with_paging(as_: Any, sessions: Any,
                                                                          ctx: Any, clock: Any) -> None:
    triage = open_task(start(as_), "triage")
    third_task = open_task(start(as_), "triage")
    clear_notifications(sessions)
    first = tell(sessions, ctx, triage)
    clock.advance(days=1)
    second = tell(sessions, ctx, triage, kind="reminder")
    clock.advance(hours=1)
    third = [n for n in tell(sessions, ctx, third_task) if n["user"] == "pr"]

    response = as_("pr").get("/api/v1/notifications")
    assert response.status_code == 200
    body = response.get_json()
    assert (body["total"], body["page"], body["per_page"]) == (3, 1, 20)
    assert [n["id"] for n in body["items"]] == [third[0]["id"], second[0]["id"], first[0]["id"]]
    newest = body["items"][0]
    assert set(newest) == {"id", "kind", "message", "instance_id", "task_id", "created_at", "read_at", "email_status"}
    assert newest["kind"] == "task" and newest["task_id"] == third_task and newest["read_at"] is None
    assert newest["email_status"] == "none"
    assert datetime.fromisoformat(newest["created_at"]) == clock.now()
    assert newest["created_at"].endswith("+06:00")  # the office's time zone
    assert body["items"][1]["kind"] == "reminder" and body["items"][1]["message"].startswith("Reminder")

    paged = as_("pr").get("/api/v1/notifications?per_page=2&page=2").get_json()
    assert (paged["total"], [n["id"] for n in paged["items"]]) == (3, [first[0]["id"]])
    # Nobody else sees them.
    for other in ("prhead", "admin", "auditor", "ps_transport"):
        assert as_(other).get("/api/v1/notifications").get_json() == {"items": [], "total": 0, "page": 1,
                                                                      "per_page": 20,
                                                                      "unread": 0}


def test_reading_a_notification_marks_it_for_its_owner_only(as_: Any, sessions: Any, ctx: Any, clock: Any) -> None:
    add_user(sessions, ctx, "pr2", ["pr_department"])
    triage = open_task(start(as_), "triage")
    assert as_("prhead").post(f"/api/v1/tasks/{triage}/assign", json={"username": "pr2"}).status_code == 200
    clear_notifications(sessions)
    (mine,) = tell(sessions, ctx, triage)
    (other,) = tell(sessions, ctx, triage, kind="reminder")

    # Someone else's notification does not exist for the caller, nor does a missing one.
    for who in ("pr", "admin", "auditor", "prhead"):
        response = as_(who).post(f"/api/v1/notifications/{mine['id']}/read")
        assert response.status_code == 404 and response.mimetype == "application/problem+json"
    assert as_("pr2").post("/api/v1/notifications/999999/read").status_code == 404
    assert as_(None).post(f"/api/v1/notifications/{mine['id']}/read").status_code == 401

    clock.advance(minutes=5)
    response = as_("pr2").post(f"/api/v1/notifications/{mine['id']}/read")
    assert response.status_code == 200
    read = response.get_json()
    assert read["id"] == mine["id"] and datetime.fromisoformat(read["read_at"]) == clock.now()
    clock.advance(minutes=5)
    again = as_("pr2").post(f"/api/v1/notifications/{mine['id']}/read").get_json()
    assert again["read_at"] == read["read_at"]  # the first reading counts

    unread = as_("pr2").get("/api/v1/notifications?unread=true").get_json()
    assert [n["id"] for n in unread["items"]] == [other["id"]] and unread["total"] == 1
    seen = as_("pr2").get("/api/v1/notifications?unread=false").get_json()
    assert [n["id"] for n in seen["items"]] == [mine["id"]]


def test_the_notification_list_refuses_bad_paging(as_: Any) -> None:
    for query in ("per_page=101", "per_page=0", "page=0", "unread=maybe"):
        response = as_("pr").get(f"/api/v1/notifications?{query}")
        assert response.status_code == 422, query
        assert response.mimetype == "application/problem+json"
    assert as_(None).get("/api/v1/notifications").status_code == 401


def test_each_notification_is_in_the_audit_history_of_its_case(as_: Any, sessions: Any, ctx: Any) -> None:
    case = start(as_)
    triage = open_task(case, "triage")
    told = tell(sessions, ctx, triage, kind="escalation")
    history = as_("auditor").get(f"/api/v1/process-instances/{case['id']}/history").get_json()["items"]
    mine = [e for e in history if e["type"] == "notification.created" and e["after"]["kind"] == "escalation"]
    assert [e["subject"] for e in mine] == [f"user:{n['user']}" for n in told] == ["user:pr"]
    assert mine[0]["actor"] is None and mine[0]["task_id"] == triage
    verify = as_("auditor").get("/api/v1/audit/verify").get_json()
    assert verify["ok"] is True


def test_the_endpoints_are_in_the_openapi_document(app: Any) -> None:
    spec = app.test_client().get("/api/v1/openapi.json").get_json()
    assert spec["paths"]["/api/v1/notifications"]["get"]["operationId"] == "listNotifications"
    assert spec["paths"]["/api/v1/notifications/{notification_id}/read"]["post"]["operationId"] == "readNotification"
