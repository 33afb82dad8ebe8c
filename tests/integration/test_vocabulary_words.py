"""A stored word (status, notification kind, audit event type) outside its vocabulary fails loudly and writes
nothing, instead of becoming a new word; reading gives the vocabulary's members, and a search for a word that
does not exist finds nothing."""

from __future__ import annotations

from typing import Any

import pytest
from sqlalchemy import func, select
from sqlalchemy.exc import StatementError

from db.models import AuditEvent, HumanTask, Notification, ProcessInstance
from db.vocabulary import EventType, InstanceStatus, TaskStatus
from engine.audit import chain
from engine.people.accounts import user_by_username
from tests.conftest import REQUEST

pytestmark = pytest.mark.usefixtures("deployed")


def a_case(as_: Any) -> dict[str, Any]:
    return dict(as_("pr").post("/api/v1/process-instances",
                               json={"process_key": "information_request", "data": REQUEST}).get_json())


def count(sessions: Any, model: Any) -> int:
    with sessions() as session:
        return int(session.scalar(select(func.count()).select_from(model)) or 0)


def test_a_mistyped_task_status_fails_at_the_flush_and_nothing_is_written(as_: Any, sessions: Any,
                                                                         ctx: Any) -> None:
    task_id = a_case(as_)["tasks"][0]["id"]
    events = count(sessions, AuditEvent)
    with pytest.raises(StatementError, match=r"TaskStatus has no word 'opne'"), sessions.begin() as session:
        session.get(HumanTask, task_id).status = "opne"
        # An event of the same transaction goes with it.
        chain.record(session, type=EventType.TASK_CLAIMED, at=ctx.now(), actor="pr", task_id=task_id)
        session.flush()
    with sessions() as session:
        assert session.get(HumanTask, task_id).status is TaskStatus.OPEN
    assert count(sessions, AuditEvent) == events
    assert as_("auditor").get("/api/v1/audit/verify").get_json()["ok"] is True


def test_a_mistyped_notification_kind_is_refused(as_: Any, sessions: Any, ctx: Any) -> None:
    before = count(sessions, Notification)
    with pytest.raises(StatementError, match=r"NotificationKind has no word 'remindr'"), sessions.begin() as session:
        session.add(Notification(user_id=user_by_username(session, "pr").id, kind="remindr", message="Due soon.",
                                 created_at=ctx.now(), read_at=None))
    assert count(sessions, Notification) == before


def test_a_mistyped_event_type_is_refused_before_anything_is_recorded(as_: Any, sessions: Any, ctx: Any) -> None:
    case = a_case(as_)
    events = count(sessions, AuditEvent)
    with pytest.raises(ValueError, match="task.complete"), sessions.begin() as session:
        chain.record(session, type="task.complete",  # type: ignore[arg-type]
                     at=ctx.now(), actor="pr", instance_id=case["id"])
    assert count(sessions, AuditEvent) == events
    assert as_("auditor").get("/api/v1/audit/verify").get_json()["ok"] is True


def test_a_mistyped_word_in_a_query_fails_too(sessions: Any) -> None:
    with pytest.raises(StatementError, match=r"InstanceStatus has no word 'runing'"), sessions() as session:
        session.scalars(select(ProcessInstance).where(ProcessInstance.status == "runing")).all()


def test_words_are_read_as_the_vocabularys_members(as_: Any, sessions: Any) -> None:
    case = a_case(as_)
    with sessions() as session:
        instance = session.get(ProcessInstance, case["id"])
        assert instance.status is InstanceStatus.RUNNING
        types = session.scalars(select(AuditEvent.type).where(AuditEvent.instance_id == case["id"])).all()
        assert EventType.INSTANCE_STARTED in types and all(isinstance(t, EventType) for t in types)


def test_searching_for_a_word_that_does_not_exist_finds_nothing(as_: Any) -> None:
    a_case(as_)
    auditor = as_("auditor")
    response = auditor.get("/api/v1/audit?type=task.complete")
    assert response.status_code == 200 and response.get_json()["items"] == []
    assert auditor.get("/api/v1/audit?type=instance.started").get_json()["items"]
