"""A page of a list tells its total, and counts the list only when the page cannot tell it (issue 19: an inbox of one
case, like most short lists, is one statement, not two)."""

from __future__ import annotations

from typing import Any

import pytest
from sqlalchemy import select

from db.models.users import Unit
from engine.core.paging import paged
from tests.conftest import REQUEST, statements


def _units(sessions: Any, ctx: Any, keys: list[str]) -> None:
    with sessions.begin() as session:
        session.add_all(Unit(key=key, name=key.upper(), created_at=ctx.now()) for key in keys)


def _page(app: Any, page: int, per_page: int) -> tuple[list[str], int, int]:
    """The keys on the page, the total it tells, and how many statements it took."""
    with app.extensions["jarchy.sessions"].begin() as session:
        session.connection()  # the transaction's BEGIN is not the page's
        with statements(app) as sent:
            got = paged(session, select(Unit).where(Unit.key.like("pg-%")).order_by(Unit.key), page, per_page)
        return [u.key for u in got.items], got.total, len(sent)


@pytest.mark.parametrize(("page", "per_page", "keys", "total", "sent"), [
    (1, 10, ["pg-a", "pg-b", "pg-c", "pg-d", "pg-e"], 5, 1),  # all on the first page: no count
    (3, 2, ["pg-e"], 5, 1),  # the last page, partly filled, tells the total
    (1, 2, ["pg-a", "pg-b"], 5, 2),  # a full page cannot: counted
    (4, 2, [], 5, 2),  # past the end: counted, the total still right
    (1, 5, ["pg-a", "pg-b", "pg-c", "pg-d", "pg-e"], 5, 2),  # exactly full: there may be more, counted
])
def test_a_page_tells_the_total_and_counts_only_when_it_must(app: Any, sessions: Any, ctx: Any, page: int,
                                                              per_page: int, keys: list[str], total: int,
                                                              sent: int) -> None:
    _units(sessions, ctx, ["pg-c", "pg-a", "pg-e", "pg-b", "pg-d"])
    assert _page(app, page, per_page) == (keys, total, sent)


def test_an_empty_list_has_a_total_of_nothing_in_one_statement(app: Any) -> None:
    assert _page(app, 1, 20) == ([], 0, 1)


def test_the_inbox_of_one_case_says_its_total_without_counting(app: Any, as_: Any, deployed: None) -> None:
    started = as_("pr").post("/api/v1/process-instances", json={"process_key": "information_request",
                                                                 "data": REQUEST})
    assert started.status_code == 201, started.get_json()
    with statements(app) as sent:
        inbox = as_("pr").get(f"/api/v1/tasks?instance_id={started.get_json()['id']}&status=open").get_json()
    assert inbox["total"] == len(inbox["items"]) == 1 and inbox["items"][0]["bpmn_id"] == "triage"
    assert not [s for s in sent if s.lstrip().lower().startswith("select count(*)")]  # the page counted nothing
