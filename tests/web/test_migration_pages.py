"""The administrator's page for moving cases to another version (docs/migrations.md): the plan with its reasons
worded by step names, the mapping chosen in a select, a dry run that moves nothing, the move, and a case moved back;
others may not open it; in the reader's language."""

from __future__ import annotations

from typing import Any

from sqlalchemy import select

from db.models import ProcessInstance
from engine.people.accounts import user_by_username
from tests.migrating import deploy_v2, start_cases
from tests.web.conftest import text

PLAN = "/admin/procedures/information_request/migrations"


def test_an_admin_plans_tries_moves_and_moves_one_case_back(page_as: Any, sessions: Any, ctx: Any,
                                                            deployed: None) -> None:
    at = start_cases(sessions, ctx, 10)
    admin = page_as("admin")
    assert "Move cases to another version" not in text(admin.get("/admin/procedures"))  # one version only
    deploy_v2(sessions, ctx)
    assert "Move cases to another version" in text(admin.get("/admin/procedures"))
    page = text(admin.get(f"{PLAN}?from=1&to=2"))
    assert "7 cases can move." in page and "3 cases cannot." in page
    assert "The step “Approve the answer” has no counterpart in the new version" in page
    assert 'name="map.approve_answer"' in page and '<option value="approve_reply">Approve the reply</option>' in page
    mapped = text(admin.get(f"{PLAN}?from=1&to=2&map.approve_answer=approve_reply"))
    assert "10 cases can move." in mapped and "0 cases cannot." in mapped
    form = {"from": "1", "to": "2", "timers": "keep", "map.approve_answer": "approve_reply"}
    tried = admin.post(PLAN, form | {"dry_run": "1"})
    assert tried.status_code == 302
    with sessions() as session:
        assert {i.version for i in session.scalars(select(ProcessInstance))} == {1}
    assert "Planned (dry run)" in text(admin.get(tried.headers["Location"]))
    moved = admin.post(PLAN, form | {"dry_run": "0"})
    shown = text(admin.get(moved.headers["Location"]))
    assert "Finished" in shown and "Moved: 10" in shown
    with sessions() as session:
        assert {i.version for i in session.scalars(select(ProcessInstance))} == {2}
    case = sorted(at)[0]
    back = admin.post(f"{moved.headers['Location']}/cases/{case}/back")
    assert "is back on version 1" in text(admin.get(back.headers["Location"]))
    again = admin.post(f"{moved.headers['Location']}/cases/{case}/back")
    assert "was not moved by this migration" in text(admin.get(again.headers["Location"]))


def test_the_page_speaks_the_readers_language_and_refuses_others(page_as: Any, sessions: Any, ctx: Any,
                                                                 deployed: None) -> None:
    start_cases(sessions, ctx, 10)
    deploy_v2(sessions, ctx)
    with sessions.begin() as session:
        user_by_username(session, "admin").locale = "ru"
    page = text(page_as("admin").get(f"{PLAN}?from=1&to=2"))
    assert "Перенос дел на другую версию" in page and "Шаг «Согласовать ответ»" in page
    for user in ("pr", "auditor", "prhead"):
        assert page_as(user).get(f"{PLAN}?from=1&to=2").status_code == 403
    assert page_as("admin").get(f"{PLAN}?from=1&to=1").status_code == 200
    assert page_as("admin").get(f"{PLAN}?from=1&to=9").status_code == 422
