"""What an administrator or a user types is text on every page, never markup: names from a diagram (process,
task, timer, documentation), a unit's name, a user's display name, a calendar override's reason, a case's data
and a form's words, each a payload of HTML (tests/hostile.py), read back from every page that shows them."""

from __future__ import annotations

from typing import Any

import pytest
from sqlalchemy import select

from db.models import HumanTask
from tests import hostile
from tests.web.conftest import text

START = {"channel": "email", "outlet": "Kaktus Media", "requester_name": "Aida Usenova",
         "contact.email": "aida@example.kg", "question": "Will bus fares rise next year?",
         "received_at": "2026-03-02T08:30"}


@pytest.fixture
def case(page_as: Any, sessions: Any, ctx: Any) -> dict[str, Any]:
    """The hostile procedure started by the user with the hostile name, for the hostile unit, and its task given
    to that user by the PR head through the task page."""
    hostile.store_everywhere(sessions, ctx, ctx.now())
    starter = page_as(hostile.USERNAME)
    started = starter.post(f"/start/{hostile.KEY}", START | {"subject": hostile.SUBJECT, "unit": hostile.UNIT_KEY})
    assert started.status_code == 302, text(started)
    instance = int(started.headers["Location"].rsplit("/", 1)[1])
    with sessions.begin() as session:
        task = session.scalars(select(HumanTask.id).where(HumanTask.instance_id == instance)).one()
    head = page_as("prhead")
    assigned = head.post(f"/tasks/{task}/assign", {"username": hostile.USERNAME})
    assert assigned.status_code == 302, text(assigned)
    told = text(head.get(assigned.headers["Location"]))  # "The task is with <display name> now."
    assert hostile.injected(told) == [] and f"The task is with {hostile.USER} now." in hostile.read(told)[1]
    return {"case": instance, "task": task}


# Each page, as a role that sees it, and the names it shows (as text).
PAGES = [
    (hostile.USERNAME, "/inbox", [hostile.TASK, hostile.PROCESS, hostile.USER]),
    (hostile.USERNAME, "/cases", [hostile.PROCESS, hostile.SUBJECT]),
    (hostile.USERNAME, "/cases?process=hostile", [hostile.PROCESS, hostile.SUBJECT]),
    (hostile.USERNAME, "/start", [hostile.PROCESS]),
    (hostile.USERNAME, f"/start/{hostile.KEY}", [hostile.PROCESS, hostile.UNIT]),
    (hostile.USERNAME, "/tasks/{task}", [hostile.TASK, hostile.PROCESS, hostile.SUBJECT, hostile.UNIT]),
    (hostile.USERNAME, "/cases/{case}", [hostile.TASK, hostile.PROCESS, hostile.SUBJECT, hostile.TIMER,
                                         hostile.UNIT]),
    ("prhead", "/tasks/{task}", [hostile.TASK, hostile.USER]),
    ("prhead", "/dashboard", [hostile.UNIT]),
    ("leader", "/dashboard", [hostile.UNIT]),
    ("admin", "/admin/procedures", [hostile.PROCESS]),
    ("admin", "/admin/modeler", []),
    ("admin", f"/admin/procedures/{hostile.KEY}/versions/1/modeler", [hostile.PROCESS]),
    ("admin", "/admin/users", [hostile.USER, hostile.UNIT]),
    ("admin", f"/admin/users/{hostile.USERNAME}", [hostile.USER]),
    ("admin", "/admin/units", [hostile.UNIT]),
    ("admin", "/admin/calendar?month=2026-03", [hostile.REASON]),
    ("admin", f"/admin/calendar?month=2026-03&date={hostile.OVERRIDE_DAY}", [hostile.REASON]),
    ("auditor", "/audit/events?actor=admin", [hostile.PROCESS, hostile.UNIT, hostile.USER, hostile.REASON]),
    ("auditor", f"/audit/events?actor={hostile.USERNAME}", [hostile.SUBJECT]),
    ("auditor", "/audit/cases", []),
    ("auditor", "/audit/cases/{case}", [hostile.SUBJECT]),
    ("auditor", "/audit/verify", []),
]


def test_every_page_shows_every_stored_name_as_text(page_as: Any, case: dict[str, Any]) -> None:
    clients: dict[str, Any] = {}
    for username, path, names in PAGES:
        web = clients.setdefault(username, page_as(username))
        response = web.get(path.format(**case))
        page = text(response)
        assert response.status_code == 200, (username, path, response.status_code)
        assert hostile.injected(page) == [], (username, path)
        shown = hostile.read(page)[1]
        assert [name for name in names if name not in shown] == [], (username, path)


def test_a_completed_task_and_the_flash_show_the_names_as_text(page_as: Any, case: dict[str, Any]) -> None:
    web = page_as(hostile.USERNAME)
    done = web.post(f"/tasks/{case['task']}", {"contribution": "Fares are fixed by decree."})
    assert done.status_code == 302, text(done)
    inbox = text(web.get("/inbox"))  # "Done: “<task>” of <case>."
    assert hostile.injected(inbox) == [] and hostile.TASK in hostile.read(inbox)[1]
    for path in (f"/tasks/{case['task']}", f"/cases/{case['case']}", "/inbox?state=completed"):
        page = text(web.get(path))
        assert hostile.injected(page) == [], path
        assert hostile.TASK in hostile.read(page)[1], path


def test_a_lane_cannot_be_named_by_markup(app: Any, sessions: Any, ctx: Any) -> None:
    """Lanes are roles: a diagram whose lane is a payload is refused at deploy, so no lane name reaches a page."""
    from engine.core.errors import InvalidDiagram
    from engine.procedures.definitions import deploy

    with sessions.begin() as session, pytest.raises(InvalidDiagram) as refused:
        deploy(session, hostile.diagram(lane=hostile.PROCESS), actor="admin", at=ctx.now())
    assert [e.get("element_id") for e in refused.value.errors] == ["lane"]


def test_a_forms_words_are_text(page_as: Any, sessions: Any, ctx: Any, monkeypatch: pytest.MonkeyPatch) -> None:
    """A form an administrator deployed whose title, description, field titles and choices are payloads is shown
    as text all the same."""
    from engine.procedures.definitions import deploy
    from engine.procedures.deployed_forms import save_form

    hostile.store_everywhere(sessions, ctx, ctx.now())
    form = {
        "title": hostile.PROCESS, "description": hostile.DOCUMENTATION, "type": "object", "required": ["pick"],
        "properties": {
            "pick": {"title": hostile.TASK, "description": hostile.TIMER, "type": "string", "enum": ["a", "b"],
                     "x-enum-labels": {"a": hostile.USER, "b": hostile.UNIT}},
            "note": {"title": hostile.SUBJECT, "type": "string"},
            "contact": {"title": hostile.REASON, "type": "object",
                        "properties": {"email": {"title": hostile.USER, "type": "string", "format": "email"}}},
        },
    }
    with sessions.begin() as session:  # the start form's new version, and the diagram deployed again to take it
        save_form(session, "information_request/start", form, actor="admin", at=ctx.now())
        deploy(session, hostile.diagram(), actor="admin", at=ctx.now())
    page = text(page_as(hostile.USERNAME).get(f"/start/{hostile.KEY}"))
    assert hostile.injected(page) == []
    shown = hostile.read(page)[1]
    assert [name for name in (hostile.PROCESS, hostile.DOCUMENTATION, hostile.TASK, hostile.TIMER, hostile.USER,
                              hostile.UNIT, hostile.SUBJECT, hostile.REASON) if name not in shown] == []
