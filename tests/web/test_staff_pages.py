"""The staff pages through the test client: the inbox, a task with its form, starting a case, the cases."""

from __future__ import annotations

import json
import re
from html import unescape
from typing import Any

import pytest
from sqlalchemy import func, select

from db.models import AuditEvent, HumanTask, ProcessInstance, User
from tests import cases
from tests.web.conftest import text

pytestmark = pytest.mark.usefixtures("deployed")

START = {"channel": "email", "outlet": "Kaktus Media", "requester_name": "Aida Usenova",
         "contact.email": "aida@example.kg", "subject": "Bus fares", "question": "Will bus fares rise next year?",
         "received_at": "2026-03-02T08:30"}
ANSWER = {"answer": "Fares stay as they are in 2027.", "confirm_no_confidential": "true"}


def start(web: Any, **changes: Any) -> int:
    response = web.post("/start/information_request", START | changes)
    assert response.status_code == 302, text(response)
    return int(response.headers["Location"].rsplit("/", 1)[1])


def task_id(sessions: Any, instance_id: int, bpmn_id: str, unit: str | None = None) -> str:
    with sessions.begin() as session:
        query = select(HumanTask.id).where(HumanTask.instance_id == instance_id, HumanTask.bpmn_id == bpmn_id,
                                           HumanTask.status == "open")
        if unit:
            query = query.where(HumanTask.unit_key == unit)
        return str(session.scalars(query).one())


def complete(web: Any, task: str, data: Any) -> Any:
    response = web.post(f"/tasks/{task}", data)
    assert response.status_code == 302, text(response)
    return response


def triage_to_transport(web: Any, sessions: Any, case: int, contributors: tuple[str, ...] = ()) -> None:
    complete(web, task_id(sessions, case, "triage"),
             [("handler", "press_secretary"), ("unit", "transport")] + [("contributors", c) for c in contributors])


def count(sessions: Any, model: Any, **where: Any) -> int:
    with sessions.begin() as session:
        query = select(func.count()).select_from(model)
        for key, value in where.items():
            query = query.where(getattr(model, key) == value)
        return int(session.scalar(query) or 0)


def rows(page: str) -> list[str]:
    """The inbox's rows, as their visible text."""
    body = page.split("<tbody>", 1)[1].split("</tbody>", 1)[0] if "<tbody>" in page else ""
    return [re.sub(r"\s+", " ", unescape(re.sub(r"<[^>]+>", " ", row))).strip() for row in body.split("</tr>")[:-1]]


def marks(page: str) -> dict[str, list[str]]:
    found = re.search(r'data-marks="([^"]*)"', page)
    assert found
    return json.loads(unescape(found.group(1)))  # type: ignore[no-any-return]


# -- the inbox ------------------------------------------------------------------------------------------

def test_the_inbox_lists_the_lanes_tasks_earliest_due_first(page_as: Any) -> None:
    web = page_as("pr")
    later = start(web, subject="Later", received_at="2026-03-02T08:30")
    sooner = start(web, subject="Sooner", received_at="2026-02-20T10:00")
    page = text(web.get("/inbox"))
    assert [r.split(" IR-")[1][:11] for r in rows(page)] == ["2026-000002", "2026-000001"]
    assert "2 tasks" in page and later != sooner
    assert rows(text(page_as("ps_transport").get("/inbox"))) == []


def test_each_inbox_row_links_its_case_number_to_the_case(page_as: Any, sessions: Any) -> None:
    """A press secretary opens the case of a task in their lane from the inbox, by its registration number."""
    case = start(page_as("pr"))
    triage_to_transport(page_as("pr"), sessions, case)
    web = page_as("ps_transport")
    page = text(web.get("/inbox"))
    body = page.split("<tbody>", 1)[1]
    assert f'<a href="/cases/{case}">IR-2026-000001</a>' in body
    opened = web.get(f"/cases/{case}")
    assert opened.status_code == 200 and "IR-2026-000001" in text(opened)


def test_the_inbox_filters_by_state_and_procedure_with_counts(page_as: Any, sessions: Any) -> None:
    web = page_as("pr")
    first, second, third = start(web), start(web), start(web)
    web.post(f"/tasks/{task_id(sessions, first, 'triage')}/claim")
    complete(web, task_id(sessions, third, "triage"), {"handler": "pr_department"})

    def tab(page: str, name: str) -> int:
        found = re.search(rf">\s*{name} <span class=\"count\">(\d+)</span>", page)
        assert found, name
        return int(found.group(1))

    page = text(web.get("/inbox"))
    assert (tab(page, "All open"), tab(page, "Assigned to me"), tab(page, "Unassigned"), tab(page, "Completed by me")) \
        == (3, 1, 2, 1)  # the third case's next task (prepare the answer) is the PR department's, unclaimed
    mine = rows(text(web.get("/inbox?state=mine")))
    assert len(mine) == 1 and "You" in mine[0] and "IR-2026-000001" in mine[0]
    unassigned = rows(text(web.get("/inbox?state=unassigned")))
    assert len(unassigned) == 2 and "IR-2026-000001" not in "".join(unassigned)
    done = rows(text(web.get("/inbox?state=completed")))
    assert len(done) == 1 and "Triage the request" in done[0] and "IR-2026-000003" in done[0]
    assert rows(text(web.get("/inbox?process=release_approval"))) == []
    assert rows(text(web.get("/inbox?state=bogus"))) == rows(text(web.get("/inbox"))) and second


def test_overdue_tasks_are_marked_and_filtered(page_as: Any, clock: Any) -> None:
    web = page_as("pr")
    start(web, received_at="2026-03-02T08:30")  # due 23 March 18:00
    assert "Overdue" not in "".join(rows(text(web.get("/inbox"))))
    clock.advance(days=22)  # Tuesday 24 March: one working day late
    page = text(web.get("/inbox"))
    assert 'class="overdue overdue"' in page and "Overdue" in rows(page)[0]
    assert len(rows(text(web.get("/inbox?state=overdue")))) == 1
    clock.advance(days=7)  # Tuesday 31 March: five working days late
    assert "Seriously overdue" in rows(text(web.get("/inbox")))[0]


def test_the_inbox_pages(page_as: Any, monkeypatch: pytest.MonkeyPatch) -> None:
    from api.web.views import staff

    monkeypatch.setattr(staff, "PER_PAGE", 2)
    web = page_as("pr")
    for _ in range(3):
        start(web)
    first = text(web.get("/inbox"))
    assert len(rows(first)) == 2 and "Page 1 of 2" in first and 'rel="next"' in first
    second = text(web.get("/inbox?page=2"))
    assert len(rows(second)) == 1 and 'rel="prev"' in second
    assert set(rows(first)).isdisjoint(rows(second))


# -- starting a case ------------------------------------------------------------------------------------

def test_the_start_page_offers_only_what_the_user_may_start(page_as: Any) -> None:
    assert "/start/information_request" in text(page_as("pr").get("/start"))
    head = page_as("head_transport")
    assert "/start/information_request" not in text(head.get("/start"))
    assert head.get("/start/information_request").status_code == 403
    assert head.post("/start/information_request", START).status_code == 403
    assert page_as("pr").get("/start/no_such_procedure").status_code == 404


def test_the_start_form_is_rendered_from_its_schema(page_as: Any) -> None:
    page = text(page_as("pr").get("/start/information_request"))
    assert "<h2>Register a media information request</h2>" in page
    assert re.search(r'<select id="f-channel" name="channel"[^>]*>', page)
    assert '<option value="in_person">In person</option>' in page
    assert '<legend>Contact details' in page and 'type="email" id="f-contact-email" name="contact.email"' in page
    # A date-time in the office's zone, prefilled with now (its default, `$now`).
    assert 'type="datetime-local" id="f-received_at" name="received_at" value="2026-03-02T09:00"' in page
    assert re.search(r'<textarea id="f-question" name="question"', page)  # long text
    assert '<option value="transport">Transport</option>' in page  # unit-key: the units
    assert re.search(r'<label for="f-outlet">Media outlet<span class="required"', page)
    assert re.search(r'<label for="f-unit">Unit concerned</label>', page)  # not required: no mark
    assert 'id="f-received_at-hint"' in page and 'aria-describedby="f-received_at-hint"' in page


def test_starting_a_case_goes_to_its_page(page_as: Any, sessions: Any) -> None:
    web = page_as("pr")
    response = web.post("/start/information_request", START | {"contact.phone": "+996 555 000 111"})
    assert response.status_code == 302 and response.headers["Location"].startswith("/cases/")
    page = text(web.get(response.headers["Location"]))
    assert "Case IR-2026-000001 is registered." in page
    with sessions.begin() as session:
        instance = session.scalars(select(ProcessInstance)).one()
        assert instance.data["contact"] == {"email": "aida@example.kg", "phone": "+996 555 000 111"}
        assert instance.data["received_at"] == "2026-03-02T08:30:00+06:00"


def test_a_bad_start_form_is_shown_again_with_errors_beside_the_fields(page_as: Any, sessions: Any) -> None:
    web = page_as("pr")
    response = web.post("/start/information_request",
                        START | {"outlet": "  ", "contact.email": "not-an-email", "received_at": "2030-01-01T10:00"})
    assert response.status_code == 422
    page = text(response)
    assert re.search(r'id="f-contact-email" name="contact.email" value="not-an-email"[^>]*'
                     r'aria-describedby="f-contact-email-error" aria-invalid="true"', page)
    assert '<p class="field-error" id="f-contact-email-error">Enter a valid e-mail address.</p>' in page
    assert '<p class="field-error" id="f-outlet-error">This field is required.</p>' in page
    assert '<p class="field-error" id="f-received_at-error">This may not lie in the future.</p>' in page
    assert 'value="2030-01-01T10:00"' in page and 'value="Aida Usenova"' in page  # the input is kept
    assert 'role="alert"' in page and '<a href="#f-outlet">Media outlet</a>' in page
    assert count(sessions, ProcessInstance) == 0
    assert count(sessions, AuditEvent, type="instance.started") == 0


def test_a_request_without_any_contact_names_the_contact_fieldset(page_as: Any) -> None:
    data = {k: v for k, v in START.items() if k != "contact.email"}
    page = text(page_as("pr").post("/start/information_request", data))
    assert '<p class="field-error" id="f-contact-error">This field is required.</p>' in page


# -- a task ---------------------------------------------------------------------------------------------

def test_a_task_page_shows_the_case_its_form_and_its_history(page_as: Any, sessions: Any) -> None:
    web = page_as("pr")
    case = start(web)
    page = text(web.get(f"/tasks/{task_id(sessions, case, 'triage')}"))
    assert "<h1>Triage the request" in page and "IR-2026-000001" in page
    assert "Media information request" in page and "Mar 23, 2026" in page  # procedure, due date
    assert "<dt>Media outlet</dt>" in page and "Kaktus Media" in page  # the case's data, titled by its forms
    assert 'type="radio" id="f-handler-1" name="handler"' in page  # two choices: radios
    assert 'type="checkbox" id="f-contributors-3" name="contributors"' in page  # an array of units
    assert 'type="checkbox" id="f-needs_clarification"' in page
    assert "Pr registered the case." in page and "“Triage the request” is waiting for: PR department." in page


def test_completing_a_task_returns_to_the_inbox_with_a_message(page_as: Any, sessions: Any) -> None:
    web = page_as("pr")
    case = start(web)
    response = complete(web, task_id(sessions, case, "triage"), [("handler", "press_secretary"),
                                                                 ("unit", "transport"), ("contributors", "transport")])
    assert response.headers["Location"] == "/inbox"
    assert "Done: “Triage the request” of IR-2026-000001." in unescape(text(web.get("/inbox")))
    with sessions.begin() as session:
        instance = session.get(ProcessInstance, case)
        assert instance is not None
        assert (instance.data["handler"], instance.data["contributors"]) == ("press_secretary", ["transport"])
        assert instance.data["needs_clarification"] is False  # an unticked box
    assert task_id(sessions, case, "contribute", unit="transport")


def test_a_task_form_with_errors_keeps_the_input_and_completes_nothing(page_as: Any, sessions: Any) -> None:
    pr = page_as("pr")
    case = start(pr)
    triage_to_transport(pr, sessions, case)
    complete(page_as("ps_transport"), task_id(sessions, case, "prepare_answer"), ANSWER)
    approve = task_id(sessions, case, "approve_answer")
    response = pr.post(f"/tasks/{approve}", {"decision": "approve", "comment": "Looks right."})
    assert response.status_code == 422
    page = text(response)
    assert '<p class="field-error" id="f-confirm_no_confidential-error">This must be confirmed.</p>' in page
    assert re.search(r'id="f-decision-1" name="decision"\s+value="approve" checked', page)
    assert ">Looks right.</textarea>" in page
    assert count(sessions, HumanTask, id=approve, status="open") == 1
    assert count(sessions, AuditEvent, type="task.completed") == 2


def test_the_form_starts_with_what_the_case_knows(page_as: Any, sessions: Any) -> None:
    pr = page_as("pr")
    case = start(pr)
    triage_to_transport(pr, sessions, case)
    ps = page_as("ps_transport")
    complete(ps, task_id(sessions, case, "prepare_answer"), ANSWER)
    complete(pr, task_id(sessions, case, "approve_answer"), {"decision": "rework", "comment": "Cite the decree."})
    page = text(ps.get(f"/tasks/{task_id(sessions, case, 'prepare_answer')}"))
    assert ">Fares stay as they are in 2027.</textarea>" in page  # the draft to rework
    assert "Cite the decree." in page


def test_claiming_and_giving_back_a_task(page_as: Any, sessions: Any) -> None:
    pr = page_as("pr")
    case = start(pr)
    triage_to_transport(pr, sessions, case)
    prepare = task_id(sessions, case, "prepare_answer")
    ps = page_as("ps_transport")
    assert "Take this task" in text(ps.get(f"/tasks/{prepare}"))
    response = ps.post(f"/tasks/{prepare}/claim")
    assert response.status_code == 302 and response.headers["Location"] == f"/tasks/{prepare}"
    page = text(ps.get(f"/tasks/{prepare}"))
    assert "<dd>You</dd>" in page and "Give it back to the lane" in page and "Take this task" not in page
    assert "Ps_Transport took “Prepare the answer”." in unescape(page)
    # Not among its candidates: refused before being told that someone holds it.
    assert page_as("prhead").post(f"/tasks/{prepare}/claim").status_code == 403
    assert ps.post(f"/tasks/{prepare}/unclaim").status_code == 302
    assert "Nobody yet" in text(ps.get(f"/tasks/{prepare}"))


def test_someone_who_may_not_see_a_task_gets_403_and_a_missing_one_404(page_as: Any, sessions: Any) -> None:
    pr = page_as("pr")
    case = start(pr)
    triage_to_transport(pr, sessions, case)
    prepare = task_id(sessions, case, "prepare_answer")
    other = page_as("ps_health")
    assert other.get(f"/tasks/{prepare}").status_code == 403
    assert other.post(f"/tasks/{prepare}", ANSWER).status_code == 403
    assert other.post(f"/tasks/{prepare}/claim").status_code == 403
    assert count(sessions, HumanTask, id=prepare, status="open", assignee_id=None) == 1
    assert pr.get("/tasks/00000000-0000-0000-0000-000000000000").status_code == 404
    # pr_head reads every task but works only on their own lane's.
    page = text(page_as("prhead").get(f"/tasks/{prepare}"))
    assert "schema-form" not in page and "its candidates complete it" in page


def test_a_form_without_the_csrf_token_is_refused(page_as: Any, sessions: Any) -> None:
    pr = page_as("pr")
    case = start(pr)
    triage = task_id(sessions, case, "triage")
    assert pr.post(f"/tasks/{triage}", {"handler": "pr_department"}, csrf=False).status_code == 400
    assert pr.post(f"/tasks/{triage}/claim", csrf=False).status_code == 400
    assert count(sessions, HumanTask, id=triage, status="open", assignee_id=None) == 1
    assert pr.post("/start/information_request", START, csrf=False).status_code == 400
    assert count(sessions, ProcessInstance) == 1


def test_a_completed_task_shows_what_was_submitted(page_as: Any, sessions: Any) -> None:
    pr = page_as("pr")
    case = start(pr)
    triage = task_id(sessions, case, "triage")
    complete(pr, triage, {"handler": "pr_department"})
    page = text(pr.get(f"/tasks/{triage}"))
    assert "What was submitted" in page and "<dd>The PR department</dd>" in page and "schema-form" not in page
    assert pr.post(f"/tasks/{triage}", {"handler": "pr_department"}).status_code == 409


# -- cases ----------------------------------------------------------------------------------------------

def test_the_cases_list_shows_what_the_user_may_read_with_filters(page_as: Any, sessions: Any) -> None:
    pr = page_as("pr")
    first, second = start(pr, subject="Bus fares"), start(pr, subject="School meals")
    complete(pr, task_id(sessions, first, "triage"), {"handler": "pr_department"})
    complete(pr, task_id(sessions, first, "prepare_answer"), ANSWER)
    complete(pr, task_id(sessions, first, "send_answer"), {"sent_via": "email"})
    page = text(pr.get("/cases"))
    assert "IR-2026-000001" in page and "IR-2026-000002" in page and "2 cases" in page
    done = text(pr.get("/cases?status=completed"))
    assert "IR-2026-000001" in done and "IR-2026-000002" not in done
    assert "IR-2026-00000" not in text(pr.get("/cases?process=release_approval"))
    assert "IR-2026-00000" not in text(page_as("ps_health").get("/cases")) and second
    closed = marks(text(pr.get(f"/cases/{first}")))
    assert {"triage", "prepare_answer", "send_answer", "answer_sent", "closed"} <= set(closed["completed"])
    assert closed["active"] == closed["waiting"] == [] and "approve_answer" not in closed["completed"]


def test_the_case_page_marks_the_diagram_and_serves_it_to_readers_only(page_as: Any, sessions: Any) -> None:
    pr = page_as("pr")
    case = start(pr)
    triage_to_transport(pr, sessions, case, contributors=("transport",))
    page = text(pr.get(f"/cases/{case}"))
    found = marks(page)
    assert {"start", "register", "triage"} <= set(found["completed"])
    assert found["active"] == ["contribute"] and found["waiting"] == ["deadline_reached"]
    assert f'data-diagram-url="/cases/{case}/diagram.bpmn?lang=en"' in page and "waiting for a person" in page
    assert "Contribute to the answer" in page and "Deadline reached" in page  # open tasks, timers
    diagram = pr.get(f"/cases/{case}/diagram.bpmn")
    assert diagram.status_code == 200 and diagram.mimetype == "application/xml"
    assert b'id="information_request"' in diagram.data
    stranger = page_as("ps_health")
    assert stranger.get(f"/cases/{case}").status_code == 403
    assert stranger.get(f"/cases/{case}/diagram.bpmn").status_code == 403
    assert pr.get("/cases/999999").status_code == 404
    # The transport unit's head contributes: they may read the case now.
    assert page_as("head_transport").get(f"/cases/{case}").status_code == 200


def test_the_staff_pages_are_for_staff(page_as: Any) -> None:
    for path in ("/inbox", "/start", "/cases"):
        assert page_as("auditor").get(path).status_code == 403
        assert page_as(None).get(path).status_code == 302


def test_the_case_shows_units_by_their_names(page_as: Any, sessions: Any) -> None:
    web = page_as("pr")
    case = start(web, unit="health")
    assert "<dd>Health</dd>" in text(web.get(f"/cases/{case}"))
    triage_to_transport(web, sessions, case, contributors=("transport", "education"))
    page = text(web.get(f"/cases/{case}"))
    assert "<dd>Transport</dd>" in page and "<dd>Transport, Education</dd>" in page
    assert "<dd>transport</dd>" not in page
    assert "is waiting for: Unit head, Education." in page  # the history, too


def test_the_case_names_its_waiting_timers_as_the_diagram_does(page_as: Any, sessions: Any) -> None:
    web = page_as("pr")
    case = start(web)
    complete(web, task_id(sessions, case, "triage"), [("handler", "pr_department"), ("needs_clarification", "true"),
                                                      ("clarification_question", "Which routes?")])
    page = text(web.get(f"/cases/{case}"))
    waiting = page[page.index("Waiting timers"):page.index("What the case holds")]
    assert "10 working days without clarification · Mar 16, 2026" in waiting
    assert "Deadline reached" not in waiting  # the statutory clock is paused while the requester is asked


def test_the_pr_head_gives_a_task_only_to_its_candidates(page_as: Any, sessions: Any, ctx: Any) -> None:
    from engine.people.accounts import create_user
    from tests.conftest import PASSWORD

    with sessions.begin() as session:
        create_user(session, username="pr2", display_name="Second PR", password=PASSWORD, roles=["pr_department"],
                    actor="system", at=ctx.now())
    case = start(page_as("pr"))
    triage = task_id(sessions, case, "triage")
    assert 'id="assignee"' not in text(page_as("pr").get(f"/tasks/{triage}"))  # only the PR head assigns
    head = page_as("prhead")
    page = text(head.get(f"/tasks/{triage}"))
    chooser = page[page.index('id="assignee"'):page.index("</select>", page.index('id="assignee"'))]
    assert re.findall(r'<option value="([^"]+)"', chooser) == ["pr", "pr2"]  # the lane's active members only
    assert head.post(f"/tasks/{triage}/assign", {"username": "pr2"}).status_code == 302
    with sessions() as session:
        assignee = session.get(User, session.get(HumanTask, triage).assignee_id)
        assert assignee is not None and assignee.username == "pr2"
    assert "Second PR holds this task." not in text(page_as("pr2").get(f"/tasks/{triage}"))
    assert "pr2 holds this task." in text(page_as("pr").get(f"/tasks/{triage}"))
    for outsider in ("nobody", "lawyer", "auditor"):
        refused = head.post(f"/tasks/{triage}/assign", {"username": outsider})
        assert refused.status_code == 422 and 'aria-invalid="true" aria-describedby="assignee-error"' in text(refused)
        assert "Choose one of the task&#39;s candidates." in text(refused)
    assert count(sessions, AuditEvent, type="task.assigned") == 1


def test_the_inbox_counts_agree_with_its_lists(page_as: Any, sessions: Any, clock: Any) -> None:
    """engine.reads.queries.inbox_counts counts in one go what each view of the inbox lists."""
    from api.web.views.staff import INBOX_STATES as INBOX_VIEWS
    from engine.reads.queries import inbox, inbox_counts

    web = page_as("pr")
    cases = [start(web) for _ in range(4)]
    head = page_as("prhead")
    head.post(f"/tasks/{task_id(sessions, cases[0], 'triage')}/claim")
    web.post(f"/tasks/{task_id(sessions, cases[1], 'triage')}/claim")
    complete(web, task_id(sessions, cases[2], "triage"), [("handler", "pr_department")])
    clock.advance(days=30)
    with sessions() as session:
        for username in ("pr", "prhead", "ps_transport"):
            user = session.scalars(select(User).where(User.username == username)).one()
            counted = inbox_counts(session, user, now=clock.now())
            # Fewer completed tasks than counted among (COMPLETED_COUNTED_UP_TO): the count is the list's.
            assert counted.pop("completed_beyond") == 0, username
            # Everyone's open tasks is a view (and a count) only for whoever reads every task (the PR head).
            listed = {view: inbox(session, user, now=clock.now(), per_page=1, **args).total
                      for view, args in INBOX_VIEWS.items() if view != "everyone" or username == "prhead"}
            assert counted == listed, username
    assert counted["mine"] == 0 and sum(counted.values()) == 0  # ps_transport: nothing in the PR lane


def test_the_pr_head_sends_a_task_to_a_role_and_unit_from_its_page(page_as: Any, sessions: Any) -> None:
    case = start(page_as("pr"))
    triage = task_id(sessions, case, "triage")
    assert 'id="route-role"' not in text(page_as("pr").get(f"/tasks/{triage}"))  # only who assigns routes
    head = page_as("prhead")
    refused = head.post(f"/tasks/{triage}/route", {"role": "press_secretary", "unit": ""})
    assert refused.status_code == 422 and 'aria-describedby="route-error"' in text(refused)
    assert head.post(f"/tasks/{triage}/route", {"role": "press_secretary", "unit": "health"}).status_code == 302
    with sessions() as session:
        row = session.get(HumanTask, triage)
        assert (row.role, row.unit_key) == ("press_secretary", "health")
    assert count(sessions, AuditEvent, type="task.rerouted") == 1


def test_the_case_page_lists_its_steps_in_the_readers_language(as_: Any, page_as: Any, sessions: Any) -> None:
    """Done, now and may come next, in words before the names (colour is not the only sign), in Russian; the
    diagram's zoom buttons too (shown once the drawing is there)."""
    case = cases.start(as_)
    with sessions.begin() as session:
        session.scalars(select(User).where(User.username == "pr")).one().locale = "ru"
    page = unescape(text(page_as("pr").get(f"/cases/{case['id']}")))
    steps = re.findall(r'<li class="step-(\w+)"><span class="step-state">([^<]*)</span> ([^<]*)</li>', page)
    assert steps[:4] == [("completed", "Сделано:", "Запрос получен"),
                         ("completed", "Сделано:", "Зарегистрировать и установить срок"),
                         ("completed", "Сделано:", "Запрос зарегистрирован"),
                         ("active", "Сейчас ждёт исполнителя:", "Распределить запрос")]
    assert ("next", "Может быть следующим:", "Подготовить ответ") in steps[4:]
    assert 'aria-label="Шаги дела"' in page and 'data-zoom="in" aria-controls="diagram" hidden>Увеличить<' in page
