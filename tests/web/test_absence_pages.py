"""The absences page and the inbox's reassignment of several tasks at once, as a browser without JavaScript uses
them (docs/absences.md)."""

from __future__ import annotations

import re
from typing import Any

from sqlalchemy import select

from db.models import Absence, AuditEvent, HumanTask, User
from tests.cases import open_task, start
from tests.web.conftest import text


def held_by(sessions: Any, task_id: str) -> str | None:
    with sessions() as session:
        task = session.get(HumanTask, task_id)
        user = session.get(User, task.assignee_id) if task.assignee_id else None
        return user.username if user else None


def test_a_user_records_an_absence_and_their_held_task_passes_to_the_deputy(
        page_as: Any, as_: Any, deployed: None, pr2: str, sessions: Any) -> None:
    task_id = open_task(start(as_), "triage")
    assert as_("pr").post(f"/api/v1/tasks/{task_id}/claim").status_code == 200
    web = page_as("pr")
    page = text(web.get("/absences"))
    assert 'name="deputy"' in page and 'name="user"' not in page  # only the PR head chooses whose absence it is
    done = web.post("/absences", {"from": "2026-03-02", "until": "2026-03-06", "deputy": "pr2", "note": "leave"})
    assert done.status_code == 302
    assert held_by(sessions, task_id) == "pr2"
    listed = text(web.get("/absences"))
    assert "Pr Two" in listed and "leave" in listed
    ended = web.post(re.search(r'action="(/absences/pr/\d+/end)"', listed).group(1), {})
    assert ended.status_code == 302
    with sessions() as session:
        (absence,) = session.scalars(select(Absence)).all()
        assert absence.ended_at is not None and absence.ended_by == "pr"
    assert held_by(sessions, task_id) == "pr2"  # nothing moves back


def test_a_refused_absence_shows_the_form_again_with_the_field_marked_in_the_reader_s_words(
        page_as: Any, deployed: None, pr2: str, sessions: Any) -> None:
    web = page_as("pr")
    web.post("/language", {"locale": "ru"})
    response = web.post("/absences", {"from": "2026-03-06", "until": "2026-03-02", "deputy": "pr2"})
    assert response.status_code == 422
    page = text(response)
    assert 'id="absence-until" name="until" type="date" required value="2026-03-02" aria-invalid="true"' in page
    assert "ends_before_start" not in page and "must come after" not in page
    mine = web.post("/absences", {"from": "2026-03-03", "until": "2026-03-04", "deputy": "pr"})
    assert mine.status_code == 422 and "Выберите замещающим другого человека." in text(mine)
    with sessions() as session:
        assert session.scalars(select(Absence)).all() == []


def test_the_pr_head_records_an_absence_for_a_member_of_staff(page_as: Any, deployed: None, pr2: str,
                                                              sessions: Any) -> None:
    web = page_as("prhead")
    assert 'name="user"' in text(web.get("/absences"))
    assert web.post("/absences", {"user": "pr", "from": "2026-03-03", "until": "2026-03-04",
                                  "deputy": "pr2"}).status_code == 302
    assert "Pr Two" in text(web.get("/absences"))  # who is away, now and to come
    with sessions() as session:
        (absence,) = session.scalars(select(Absence)).all()
        assert (session.get(User, absence.user_id).username, absence.created_by) == ("pr", "prhead")
    # Another member of staff names themselves, whatever the form says.
    other = page_as("ps_transport")
    assert other.post("/absences", {"user": "pr", "from": "2026-03-10", "until": "2026-03-11",
                                    "deputy": "ps_health"}).status_code == 302
    with sessions() as session:
        users = {session.get(User, a.user_id).username for a in session.scalars(select(Absence))}
    assert users == {"pr", "ps_transport"}


def test_an_absence_for_a_user_who_does_not_exist_is_refused_at_the_who_field(page_as: Any, deployed: None,
                                                                              pr2: str, sessions: Any) -> None:
    response = page_as("prhead").post("/absences", {"user": "ghost", "from": "2027-01-04", "until": "2027-01-05",
                                                    "deputy": "pr2"})
    assert response.status_code == 422
    page = text(response)
    assert '<select id="absence-user" name="user" aria-invalid="true"' in page and "There is no user ghost." in page
    with sessions() as session:
        assert session.scalars(select(Absence)).all() == []


def test_the_pr_head_reassigns_chosen_tasks_from_the_inbox(page_as: Any, as_: Any, deployed: None, pr2: str,
                                                           sessions: Any) -> None:
    first, second, left = (open_task(start(as_), "triage") for _ in range(3))
    web = page_as("prhead")
    inbox = text(web.get("/inbox?state=everyone"))
    assert f'name="task_ids" value="{first}"' in inbox and 'for="pick-' in inbox
    moved = web.post("/tasks/reassign", [("task_ids", first), ("task_ids", second), ("assignee", "pr2"),
                                         ("reason", "pr is on a course")])
    assert moved.status_code == 302
    assert (held_by(sessions, first), held_by(sessions, second), held_by(sessions, left)) == ("pr2", "pr2", None)
    with sessions() as session:
        reasons = {e.after["reason"] for e in session.scalars(select(AuditEvent).where(
            AuditEvent.type == "task.assigned"))}
    assert reasons == {"pr is on a course"}


def test_a_task_the_chosen_user_cannot_take_is_marked_at_its_row_and_nothing_moves(
        page_as: Any, as_: Any, deployed: None, sessions: Any) -> None:
    task_id = open_task(start(as_), "triage")
    web = page_as("prhead")
    refused = web.post("/tasks/reassign?state=everyone",
                       [("task_ids", task_id), ("assignee", "ps_transport"), ("reason", "x")])
    assert refused.status_code == 422
    page = text(refused)
    assert f'id="pick-{task_id}-error"' in page and "ps_transport may not work on this task" in page
    assert f'value="{task_id}" id="pick-{task_id}" checked' in page  # the choice is kept
    assert held_by(sessions, task_id) is None


def test_reassigning_from_a_searched_list_keeps_its_search_and_order(page_as: Any, as_: Any, deployed: None,
                                                                      pr2: str, sessions: Any) -> None:
    found = open_task(start(as_, subject="Bridge repairs on Chui Avenue"), "triage")
    other = open_task(start(as_), "triage")
    web = page_as("prhead")
    searched = text(web.get("/inbox?state=everyone&q=bridge&sort=-due"))
    action = re.search(r'<form method="post" action="([^"]*)" id="reassign-form">', searched).group(1)
    assert "q=bridge" in action and "sort=-due" in action
    refused = web.post(action.replace("&amp;", "&"), [("task_ids", found), ("assignee", "pr2"), ("reason", "")])
    assert refused.status_code == 422
    assert f'name="task_ids" value="{other}"' not in text(refused)  # the list shown again is still the searched one
    moved = web.post(action.replace("&amp;", "&"), [("task_ids", found), ("assignee", "pr2"), ("reason", "cover")])
    assert moved.status_code == 302
    back = moved.headers["Location"]
    assert "q=bridge" in back and "sort=-due" in back and "state=everyone" in back
    assert held_by(sessions, found) == "pr2" and held_by(sessions, other) is None


def test_only_who_assigns_sees_the_checkboxes_and_may_reassign(page_as: Any, as_: Any, deployed: None,
                                                               sessions: Any) -> None:
    task_id = open_task(start(as_), "triage")
    web = page_as("pr")
    assert 'name="task_ids"' not in text(web.get("/inbox"))
    assert web.post("/tasks/reassign", [("task_ids", task_id), ("assignee", "pr"), ("reason", "x")]).status_code == 403
    assert held_by(sessions, task_id) is None


def test_the_inbox_names_an_absent_assignee_with_the_day_they_are_back(page_as: Any, as_: Any, deployed: None,
                                                                       sessions: Any) -> None:
    task_id = open_task(start(as_), "triage")
    assert as_("pr").post(f"/api/v1/tasks/{task_id}/claim").status_code == 200
    # The lawyer may not take a PR department's task: it stays with pr, who is away.
    assert as_("pr").post("/api/v1/users/pr/absences", json={"from": "2026-03-02", "until": "2026-03-06",
                                                             "deputy": "lawyer"}).status_code == 201
    page = text(page_as("prhead").get("/inbox?state=everyone"))
    assert 'pr <span class="muted">(absent until Mar 7, 2026, 12:00' in page  # back on the 7th


def test_a_task_s_page_names_its_absent_holder_and_absent_candidates(page_as: Any, as_: Any, deployed: None,
                                                                    pr2: str) -> None:
    task_id = open_task(start(as_), "triage")
    assert as_("pr").post(f"/api/v1/tasks/{task_id}/claim").status_code == 200
    assert as_("pr").post("/api/v1/users/pr/absences", json={"from": "2026-03-02", "until": "2026-03-06",
                                                             "deputy": "lawyer"}).status_code == 201
    page = text(page_as("prhead").get(f"/tasks/{task_id}"))
    assert page.count("(absent until Mar 7, 2026") == 2  # as its holder, and among those it may be given to
    assert "Pr Two (pr2)</option>" in page  # present: no mark
