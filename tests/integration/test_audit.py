"""The audit history is append-only and hash-chained: an edited or deleted row is found and named."""

from __future__ import annotations

from typing import Any

import pytest
from click.testing import CliRunner
from sqlalchemy import delete, select, update

from api.cli import main
from db.models import AuditEvent
from tests.conftest import REQUEST, seal_audit

pytestmark = pytest.mark.usefixtures("deployed")


def a_case_with_history(as_: Any, *, sealed: bool = True) -> dict[str, Any]:
    """A case started and its first task completed; its events sealed (as the next sweep would) unless not
    `sealed`."""
    case = as_("pr").post("/api/v1/process-instances",
                          json={"process_key": "information_request", "data": REQUEST}).get_json()
    as_("pr").post(f"/api/v1/tasks/{case['tasks'][0]['id']}/complete",
                   json={"data": {"handler": "pr_department", "contributors": []}})
    if sealed:
        seal_audit(as_("pr").app.extensions["jarchy.sessions"])
    return case


def verify_cli(settings: Any) -> Any:
    env = {"JARCHY_DATABASE_URL": settings.database_url, "JARCHY_SECRET_KEY": settings.secret_key}
    return CliRunner().invoke(main, ["audit", "verify"], env=env)


def test_every_step_of_a_case_is_in_its_history_with_its_actor(as_: Any) -> None:
    case = a_case_with_history(as_)
    history = as_("auditor").get(f"/api/v1/process-instances/{case['id']}/history").get_json()["items"]
    kinds = [(e["type"], e["actor"]) for e in history if not e["type"].startswith("notification.")]
    assert kinds[:3] == [("instance.started", "pr"), ("task.created", "pr"), ("task.completed", "pr")]
    assert ("task.created", "pr") in kinds[3:]
    completed = next(e for e in history if e["type"] == "task.completed")
    assert completed["after"] == {"handler": "pr_department", "contributors": [], "needs_clarification": False}
    assert [e["seq"] for e in history] == sorted(e["seq"] for e in history)


def test_an_intact_chain_verifies(as_: Any, settings: Any) -> None:
    a_case_with_history(as_)
    body = as_("auditor").get("/api/v1/audit/verify").get_json()
    assert body["ok"] is True and body["checked"] > 5 and body.get("first_broken") is None
    result = verify_cli(settings)
    assert result.exit_code == 0 and "chain intact" in result.output


def test_an_edited_row_is_found_and_named(as_: Any, sessions: Any, settings: Any) -> None:
    a_case_with_history(as_)
    with sessions.begin() as session:
        target = session.scalars(select(AuditEvent).where(AuditEvent.type == "task.completed")).one()
        seq, event_id = target.seq, target.id
        session.execute(update(AuditEvent).where(AuditEvent.id == event_id)
                        .values(after={"handler": "press_secretary", "contributors": []}))
    body = as_("auditor").get("/api/v1/audit/verify").get_json()
    assert body["ok"] is False
    assert body["first_broken"]["seq"] == seq and body["first_broken"]["id"] == event_id
    assert "changed" in body["first_broken"]["reason"] and body["first_broken"]["code"] == "edited"
    result = verify_cli(settings)
    assert result.exit_code == 1 and f"seq {seq}" in result.output


def test_a_deleted_row_is_found_and_named(as_: Any, sessions: Any, settings: Any) -> None:
    a_case_with_history(as_)
    with sessions.begin() as session:
        target = session.scalars(select(AuditEvent).where(AuditEvent.type == "task.completed")).one()
        seq = target.seq
        session.execute(delete(AuditEvent).where(AuditEvent.id == target.id))
    body = as_("auditor").get("/api/v1/audit/verify").get_json()
    assert body["ok"] is False and body["first_broken"]["seq"] == seq
    assert "missing" in body["first_broken"]["reason"] and body["first_broken"]["code"] == "deleted"
    assert verify_cli(settings).exit_code == 1


def test_deleting_the_newest_events_is_found_too(as_: Any, sessions: Any) -> None:
    a_case_with_history(as_)
    with sessions.begin() as session:
        last = session.scalars(select(AuditEvent).order_by(AuditEvent.seq.desc())).first()
        session.execute(delete(AuditEvent).where(AuditEvent.seq == last.seq))
    body = as_("auditor").get("/api/v1/audit/verify").get_json()
    assert body["ok"] is False and body["first_broken"]["seq"] == last.seq


def test_auditors_search_and_export_events_as_csv(as_: Any) -> None:
    case = a_case_with_history(as_)
    found = as_("auditor").get(f"/api/v1/audit?instance_id={case['id']}&type=task.completed").get_json()
    assert found["total"] == 1 and found["items"][0]["actor"] == "pr"
    csv = as_("auditor").get(f"/api/v1/audit?instance_id={case['id']}&format=csv")
    assert csv.status_code == 200 and csv.mimetype == "text/csv"
    lines = csv.get_data(as_text=True).strip().splitlines()
    assert lines[0].startswith("id,seq,occurred_at,actor,type")
    assert any(",task.completed," in line for line in lines[1:])
    assert as_("pr").get("/api/v1/audit").status_code == 403
