"""Saved filters through the API: saved under a name, shared with the owner's lane and seen by its members only,
changed and deleted by the owner alone; bad input refused naming the field."""

from __future__ import annotations

from typing import Any

import pytest

from tests.cases import start

PATH = "/api/v1/saved-filters"


def save(as_: Any, user: str, status: int = 201, **body: Any) -> dict[str, Any]:
    response = as_(user).post(PATH, json={"list": "cases", "query": {"q": "Kaktus"}} | body)
    assert response.status_code == status, response.get_json()
    return response.get_json()  # type: ignore[no-any-return]


def names(as_: Any, user: str) -> list[str]:
    response = as_(user).get(PATH)
    assert response.status_code == 200, response.get_json()
    return [f["name"] for f in response.get_json()["items"]]


def test_a_filter_shared_with_the_lane_is_seen_by_its_members_only(as_: Any, cast: Any) -> None:
    save(as_, "ps_transport", name="Mine alone")
    shared = save(as_, "ps_transport", name="Transport's", lane="press_secretary")
    assert shared["lane"] == {"role": "press_secretary", "unit": "transport"} and shared["mine"]
    assert names(as_, "ps_transport") == ["Mine alone", "Transport's"]
    assert names(as_, "ps_health") == []  # a press secretary of another unit is of another lane
    assert names(as_, "pr") == []
    save(as_, "pr", name="Department", lane="pr_department")
    assert names(as_, "prhead") == [] and names(as_, "pr") == ["Department"]


def test_only_the_owner_changes_or_deletes(as_: Any, cast: Any) -> None:
    shared = save(as_, "pr", name="Kaktus", lane="pr_department", query={"q": "Kaktus", "sort": "-due"})
    assert as_("ps_health").patch(f"{PATH}/{shared['id']}", json={"name": "x"}).status_code == 404
    assert as_("ps_health").delete(f"{PATH}/{shared['id']}").status_code == 404
    renamed = as_("pr").patch(f"{PATH}/{shared['id']}", json={"name": "Kaktus Media", "lane": None})
    assert renamed.status_code == 200 and renamed.get_json()["lane"] is None
    assert as_("pr").delete(f"{PATH}/{shared['id']}").status_code == 204
    assert names(as_, "pr") == []


def test_a_lane_member_reads_but_may_not_change_a_shared_filter(as_: Any, app: Any, sessions: Any, ctx: Any,
                                                               cast: Any) -> None:
    from engine.people.accounts import create_user
    from tests.conftest import PASSWORD

    with sessions.begin() as session:
        create_user(session, username="pr2", display_name="Pr2", password=PASSWORD, roles=["pr_department"],
                    unit=None, actor="system", at=ctx.now())
    shared = save(as_, "pr", name="Kaktus", lane="pr_department")
    assert names(as_, "pr2") == ["Kaktus"]
    refused = as_("pr2").patch(f"{PATH}/{shared['id']}", json={"name": "Mine now"})
    assert refused.status_code == 403 and refused.get_json()["code"] == "filter_not_yours"
    assert as_("pr2").delete(f"{PATH}/{shared['id']}").status_code == 403
    assert names(as_, "pr") == ["Kaktus"]


def test_the_saved_query_finds_what_the_list_finds(as_: Any, deployed: None, cast: Any) -> None:
    case = start(as_)
    saved = save(as_, "pr", name="Kaktus", query={"q": "kaktus", "status": "running", "sort": "-case"})
    listed = as_("pr").get("/api/v1/process-instances", query_string=saved["query"]).get_json()["items"]
    assert [c["id"] for c in listed] == [case["id"]]


def test_a_dashboard_figures_query_saved_lists_the_same_cases(as_: Any, deployed: None, cast: Any) -> None:
    start(as_)
    start(as_)
    figure = as_("prhead").get("/api/v1/dashboard").get_json()["registered_by_unit"]
    unitless = next(f for f in figure if f["unit"] is None)
    assert unitless["count"] == 2 and unitless["cases"]["no_unit"] == "1" and "started_from" in unitless["cases"]
    saved = save(as_, "prhead", name="No unit, this month", query=unitless["cases"])
    listed = as_("prhead").get("/api/v1/process-instances", query_string=saved["query"]).get_json()
    assert listed["total"] == unitless["count"]
    on_time = as_("prhead").get("/api/v1/dashboard").get_json()["requests_answered"]["on_time"]["cases"]
    assert isinstance(on_time["outcome"], list)
    assert save(as_, "prhead", name="Answered", query=on_time)["query"] == on_time


def test_one_start_page_a_user(as_: Any, cast: Any) -> None:
    first = save(as_, "pr", name="First", start=True)
    second = save(as_, "pr", name="Second", start=True)
    items = {f["name"]: f["start"] for f in as_("pr").get(PATH).get_json()["items"]}
    assert items == {"First": False, "Second": True}
    assert as_("pr").patch(f"{PATH}/{second['id']}", json={"start": False}).get_json()["start"] is False
    assert first["id"] != second["id"]


@pytest.mark.parametrize(("body", "field"), [
    ({"name": "  "}, "name"),
    ({"name": "Dup"}, "name"),  # the owner has one so named already
    ({"name": "x" * 101}, "name"),
    ({"name": "A", "query": {"colour": "red"}}, "query.colour"),
    ({"name": "A", "query": {"sort": "colour"}}, "query.sort"),
    ({"name": "A", "query": {"due": "someday"}}, "query.due"),
    ({"name": "A", "query": {"status": "lost"}}, "query.status"),
    ({"name": "A", "query": {"due_from": "tomorrow"}}, "query.due_from"),
    ({"name": "A", "list": "inbox", "query": {"overdue": "maybe"}}, "query.overdue"),
    ({"name": "A", "query": {"closed_from": "March"}}, "query.closed_from"),
    ({"name": "A", "query": {"published_to": "0001-01-01"}}, "query.published_to"),
    ({"name": "A", "query": {"overdue": "maybe"}}, "query.overdue"),
    ({"name": "A", "query": {"outcome": ["answered", 7]}}, "query.outcome.1"),
    ({"name": "A", "query": {"outcome": ["answered"] * 11}}, "query.outcome"),
    ({"name": "A", "list": "inbox", "query": {"started_from": "2026-03-01"}}, "query.started_from"),
    ({"name": "A", "lane": "admin"}, "lane"),  # not one of the owner's roles
    ({"name": "A", "list": "archive"}, "list"),
])
def test_bad_input_is_refused_naming_the_field(as_: Any, cast: Any, body: dict[str, Any], field: str) -> None:
    save(as_, "pr", name="Dup")
    problem = save(as_, "pr", 422, **body)
    assert field in [e.get("field") for e in problem["errors"]] or field in str(problem["errors"]), problem
    assert names(as_, "pr") == ["Dup"]


def test_changing_another_users_unreadable_filter_is_not_found(as_: Any, cast: Any) -> None:
    mine = save(as_, "pr", name="Private")
    response = as_("lawyer").patch(f"{PATH}/{mine['id']}", json={"name": "x"})
    assert response.status_code == 404 and response.get_json()["code"] == "saved_filter_not_found"
    assert as_("pr").patch(f"{PATH}/999999", json={"name": "x"}).status_code == 404
