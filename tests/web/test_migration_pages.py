"""The administrator's page for moving cases to another version (docs/migrations.md): the plan with its reasons
worded by step names, the mapping chosen in a select, a dry run that moves nothing, the move, and a case moved back;
others may not open it; in the reader's language."""

from __future__ import annotations

from typing import Any

from sqlalchemy import select

from api import migration_runs
from db.models import ProcessInstance
from engine.people.accounts import user_by_username
from engine.runtime import migration
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
    assert page_as("admin").get(f"{PLAN}?from=1&to=²").status_code == 200  # a digit int() does not read: the latest


def test_a_move_that_stopped_midway_is_taken_up_from_the_page(page_as: Any, sessions: Any, ctx: Any,
                                                              deployed: None) -> None:
    """The server stopped in the middle of a move (a restart, a worker killed): the administrator goes on from the
    page, without the command line; the cases still pending move, the others are not touched again."""
    start_cases(sessions, ctx, 10)
    deploy_v2(sessions, ctx)
    with sessions.begin() as session:
        row, _plan = migration.start_migration(session, ctx, "system", "information_request", 1, 2,
                                               {"approve_answer": "approve_reply"})
        migration_id = row.id
    assert migration_runs.run(sessions, ctx, migration_id, stop_after=4).stopped
    shown = f"{PLAN}/{migration_id}"
    assert page_as("pr").post(f"{shown}/resume").status_code == 403
    assert page_as("admin").post(f"/admin/procedures/press_conference/migrations/{migration_id}/resume"
                                 ).status_code == 404
    admin = page_as("admin")
    page = text(admin.get(shown))
    assert "6 cases have not moved yet." in page and "Move the remaining cases" in page
    resumed = admin.post(f"{shown}/resume")
    assert resumed.status_code == 302
    page = text(admin.get(resumed.headers["Location"]))
    assert "Finished" in page and "Moved: 10" in page and "Move the remaining cases" not in page
    with sessions() as session:
        assert {i.version for i in session.scalars(select(ProcessInstance))} == {2}
