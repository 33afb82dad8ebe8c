"""The page and the API give the same answer, allowed or refused, for the same person and the same thing.

Both ask the rules of engine.people.access; this shows that they agree, for every member of the cast and an
anonymous caller, on tasks and cases (whose answer depends on the person's role, unit and part in the case),
starting a case, the audit trail, the procedures, the users and units, and the calendar.

The pages are a person's daily work, one set of pages a kind of user (staff: the inbox and the cases; the
administrator: the admin pages; the auditor: the audit pages), while the API serves everyone by the permissions
alone. So a page answers as the API does for the people whose pages it is, and refuses everyone else: an
administrator reads the audit trail through the API but has no audit pages. WORKSPACE below says whose pages
each is, in the product's words rather than the rules' (a page that let in someone the API refuses, or refused
someone of its own kind whom the API lets read the same thing, fails here)."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

import pytest

from tests import cases
from tests.conftest import CAST, PASSWORD, Client, seeded_app
from tests.web.conftest import WebClient

ANONYMOUS = "anonymous"
PEOPLE = [ANONYMOUS, *CAST]
STAFF = {"prhead", "pr", "ps_transport", "ps_health", "head_transport", "head_health", "leader", "lawyer"}
WORKSPACE = {"staff": STAFF, "admin": {"admin"}, "audit": {"auditor"}}


@dataclass(frozen=True)
class Thing:
    """One thing asked for: how the API asks (method, path, body) and the pages that show it, with whose pages
    they are."""

    api: str
    pages: tuple[tuple[str, str], ...]  # (path, workspace)
    method: str = "get"
    body: Any = None


class World:
    def __init__(self, app: Any) -> None:
        self.app = app
        self._api: dict[str, Client] = {}
        self._pages: dict[str, WebClient] = {}

    def api(self, who: str) -> Client:
        if who not in self._api:
            client = self.app.test_client()
            token = None
            if who != ANONYMOUS:
                response = client.post("/api/v1/auth/token", json={"username": who, "password": PASSWORD})
                assert response.status_code == 200, response.get_json()
                token = response.get_json()["access_token"]
            self._api[who] = Client(client, token)
        return self._api[who]

    def pages(self, who: str) -> WebClient:
        if who not in self._pages:
            web = WebClient(self.app.test_client())
            if who != ANONYMOUS:
                assert web.sign_in(who).status_code == 302
            self._pages[who] = web
        return self._pages[who]


@pytest.fixture(scope="module")
def world(database_url: str, tmp_path_factory: pytest.TempPathFactory) -> Iterator[World]:
    with seeded_app(database_url, tmp_path_factory.mktemp("same_answer")) as app:
        yield World(app)


@pytest.fixture(scope="module")
def things(world: World) -> dict[str, Thing]:
    """A request started by the transport press secretary, triaged by the PR department with health contributing
    (its open task: health's unit head contributes), and one registered by the PR department (its open task:
    triage, for the PR department)."""
    contributed = cases.start(world.api, user="ps_transport")
    after = cases.complete_task(world.api, "pr", cases.open_task(contributed, "triage"), handler="pr_department",
                                contributors=["health"])
    contribute = cases.open_task(after, "contribute")
    registered = cases.start(world.api, user="pr")
    triage = cases.open_task(registered, "triage")
    case, other = contributed["id"], registered["id"]
    return {
        "a contribution task": Thing(f"/api/v1/tasks/{contribute}", ((f"/tasks/{contribute}", "staff"),)),
        "a triage task": Thing(f"/api/v1/tasks/{triage}", ((f"/tasks/{triage}", "staff"),)),
        "a case with a contribution": Thing(f"/api/v1/process-instances/{case}", (
            (f"/cases/{case}", "staff"), (f"/cases/{case}/diagram.bpmn", "staff"), (f"/audit/cases/{case}", "audit"))),
        "a case in triage": Thing(f"/api/v1/process-instances/{other}", (
            (f"/cases/{other}", "staff"), (f"/audit/cases/{other}", "audit"))),
        # An empty start form: refused before anything is made, or (for a starter) 422 and nothing made either.
        "starting an information request": Thing(
            "/api/v1/process-instances", (("/start/information_request", "staff"),), method="post",
            body={"process_key": "information_request", "data": {}}),
        "the audit search": Thing("/api/v1/audit", (("/audit/events", "audit"),)),
        "the audit chain's check": Thing("/api/v1/audit/verify", (("/audit/verify", "audit"),)),
        "the procedures list": Thing("/api/v1/process-definitions", (("/admin/procedures", "admin"),)),
        "a procedure's diagram": Thing("/api/v1/process-definitions/information_request/versions/1/bpmn",
                                       (("/admin/procedures/information_request/versions/1/bpmn", "admin"),)),
        "the users list": Thing("/api/v1/users", (("/admin/users", "admin"),)),
        "a user": Thing("/api/v1/users/lawyer", (("/admin/users/lawyer", "admin"),)),
        "the units": Thing("/api/v1/units", (("/admin/units", "admin"),)),
        "the calendar": Thing("/api/v1/calendar?from=2026-03-01&to=2026-03-31", (("/admin/calendar", "admin"),)),
    }


THINGS = ["a contribution task", "a triage task", "a case with a contribution", "a case in triage",
          "starting an information request", "the audit search", "the audit chain's check", "the procedures list",
          "a procedure's diagram", "the users list", "a user", "the units", "the calendar"]


def api_allows(world: World, who: str, thing: Thing) -> bool:
    client = world.api(who)
    response = client.post(thing.api, json=thing.body) if thing.method == "post" else client.get(thing.api)
    assert response.status_code < 500, (thing.api, response.status_code)
    if response.status_code in (401, 403, 404):
        return False
    assert response.status_code in (200, 422), (thing.api, response.status_code)  # 422: allowed, the form empty
    return True


def page_allows(world: World, who: str, path: str) -> bool:
    response = world.pages(who).get(path)
    if response.status_code == 302:
        assert who == ANONYMOUS and "/sign-in" in response.headers["Location"], (path, who)
        return False
    assert response.status_code in (200, 403, 404), (path, who, response.status_code)
    return response.status_code == 200


@pytest.mark.parametrize("name", THINGS)
@pytest.mark.parametrize("who", PEOPLE)
def test_the_page_answers_as_the_api_does(world: World, things: dict[str, Thing], name: str, who: str) -> None:
    thing = things[name]
    allowed = api_allows(world, who, thing)
    for path, workspace in thing.pages:
        expected = allowed and who in WORKSPACE[workspace]
        assert page_allows(world, who, path) == expected, (
            f"{who} on {path}: the API {'allows' if allowed else 'refuses'} {name}; the page should "
            f"{'open' if expected else 'refuse'}")


def test_the_answers_differ_from_person_to_person(world: World, things: dict[str, Thing]) -> None:
    """The table above means something: each kind of answer occurs, on the same thing, for different people."""
    case = things["a case with a contribution"]
    answers = {who: api_allows(world, who, case) for who in PEOPLE}
    assert answers["head_health"] and answers["ps_transport"] and answers["leader"]
    assert not answers["ps_health"] and not answers["head_transport"] and not answers["lawyer"]
    assert not answers[ANONYMOUS]
    task = things["a contribution task"]
    assert api_allows(world, "head_health", task) and not api_allows(world, "pr", task)
