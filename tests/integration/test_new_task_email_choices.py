"""With e-mail configured, the notification of a task a step opens follows each candidate's choice for its kind
(issue 13's choices), read in the statement that reads the candidates and their absences (issue 19, point 2)."""

from __future__ import annotations

from typing import Any

import pytest
from sqlalchemy import select

from db.models import Notification, User
from engine.people.accounts import update_user
from tests.conftest import REQUEST, statements


@pytest.fixture
def settings(settings: Any) -> Any:
    """E-mail configured (nothing is sent here: the mail is the worker's, not the request's)."""
    return settings.with_(smtp_url="smtp://127.0.0.1:2525")


def test_a_new_tasks_notification_follows_each_candidates_choice(app: Any, as_: Any, sessions: Any, ctx: Any,
                                                                 deployed: None, pr2: str) -> None:
    with sessions.begin() as session:
        for username in ("pr", pr2):
            update_user(session, username, {"email": f"{username}@press.gov.example"}, actor="system", at=ctx.now())
    assert as_(pr2).put("/api/v1/me/notification-settings", json={"email": {"task": "daily"}}).status_code == 200
    with statements(app) as sent:
        started = as_("pr").post("/api/v1/process-instances",
                                 json={"process_key": "information_request", "data": REQUEST})
    assert started.status_code == 201, started.get_json()
    [triage] = started.get_json()["tasks"]
    with sessions() as session:
        statuses = dict(session.execute(select(User.username, Notification.email_status)
                                        .join(Notification, Notification.user_id == User.id)
                                        .where(Notification.task_id == triage["id"])).all())
    # at once for whoever chose nothing; for the daily summary for whoever chose it
    assert statuses == {"pr": "pending", pr2: "summary"}
    seen = [" ".join(s.split()) for s in sent]
    assert [s for s in seen if s.startswith("SELECT notification_choices")] == []
    assert len([s for s in seen if s.startswith("SELECT users.") and "notification_choices" in s
                and "absences" in s]) == 1
