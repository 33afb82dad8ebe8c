"""A request reads what it needs once and answers from what it holds (issue 19, point 2): a completion reads the
case's definition and its pinned forms at most once (not at all where the process kept them, proven by the
version's nonce), its tasks with its timers, the new task's candidates with their absences, the caller's token in
one statement, and after its writes reads nothing back to present the case; its audit events go in one INSERT on
PostgreSQL; a start takes its case number in one statement. Each test also checks that what was answered is what
the database holds."""

from __future__ import annotations

import re
from collections import Counter
from datetime import datetime
from typing import Any
from uuid import uuid4

import pytest
from sqlalchemy import func, select, update

from db.models import AuditEvent, CaseWords, HumanTask, Notification, ProcessDefinition, ProcessInstance, User
from db.search_terms import case_text
from tests.conftest import REQUEST, statements

pytestmark = pytest.mark.usefixtures("deployed")
TRIAGE = {"handler": "pr_department", "contributors": []}
_WRITE = re.compile(r"\s*(INSERT|UPDATE|DELETE)\b", re.I)


def _start(as_: Any) -> dict[str, Any]:
    answer = as_("pr").post("/api/v1/process-instances", json={"process_key": "information_request", "data": REQUEST})
    assert answer.status_code == 201, answer.get_json()
    return dict(answer.get_json())


def _triage(as_: Any, case: dict[str, Any]) -> Any:
    return as_("pr").post(f"/api/v1/tasks/{case['tasks'][0]['id']}/complete", json={"data": TRIAGE})


def _is_postgresql(app: Any) -> bool:
    return app.extensions["jarchy.engine"].dialect.name == "postgresql"


def _main_reads(sent: list[str]) -> Counter[str]:
    """The tables the SELECTs sent read first (a subquery read along with another table's rows not counted)."""
    return Counter(m.group(1) for s in sent if (m := re.match(r"\s*SELECT (\w+)\.", s)))


def test_a_completion_reads_neither_the_definition_nor_its_pinned_forms_the_process_kept(app: Any, as_: Any) -> None:
    earlier, case = _start(as_), _start(as_)
    _triage(as_, earlier)  # the process has now read both forms' schemas (cached by checksum across requests)
    with statements(app) as sent:
        answer = _triage(as_, case)
    assert answer.status_code == 200
    assert (_main_reads(sent)["process_definitions"], _main_reads(sent)["form_versions"]) == (0, 0)
    # both forms were used: the triage's data validated, the next task's served with its schema
    assert answer.get_json()["task"]["data"]["handler"] == "pr_department"
    [task] = answer.get_json()["instance"]["tasks"]
    assert task["bpmn_id"] == "prepare_answer" and task["form"]["schema"]["properties"]


def test_a_version_the_process_kept_is_not_read_again_while_its_nonce_is_the_rows(app: Any, as_: Any,
                                                                                 sessions: Any) -> None:
    earlier, kept, changed = _start(as_), _start(as_), _start(as_)
    _triage(as_, earlier)  # the process keeps the version and its pinned forms
    with sessions() as session:  # the row edited in place (nothing in Jarchy does): a kept copy is used as kept
        [(definition_id, meta)] = session.execute(select(ProcessDefinition.id, ProcessDefinition.meta)).all()
        meta["tasks"]["prepare_answer"]["name"] = "Prepare the answer (as the row now says)"
        session.execute(update(ProcessDefinition).where(ProcessDefinition.id == definition_id).values(meta=meta))
        session.commit()
    with statements(app) as sent:
        answer = _triage(as_, kept)
    assert answer.status_code == 200
    assert (_main_reads(sent)["process_definitions"], _main_reads(sent)["form_versions"]) == (0, 0)
    assert answer.get_json()["instance"]["tasks"][0]["name"] == "Prepare the answer"
    # Another row under the same id (another database's, or one SQLite wrote after a rolled-back deployment took
    # the id) has another nonce: nothing kept is taken for it.
    with sessions() as session:
        session.execute(update(ProcessDefinition).where(ProcessDefinition.id == definition_id)
                        .values(nonce=uuid4().hex))
        session.commit()
    with statements(app) as sent:
        answer = _triage(as_, changed)
    assert answer.status_code == 200
    # read once, for the form, the engine and the answer; every form it pinned in one statement
    assert (_main_reads(sent)["process_definitions"], _main_reads(sent)["form_versions"]) == (1, 1)
    assert answer.get_json()["instance"]["tasks"][0]["name"] == "Prepare the answer (as the row now says)"


def test_a_kept_versions_json_edited_in_place_in_one_session_is_seen_by_the_guard(
        app: Any, as_: Any, sessions: Any, kept_definitions_untouched: dict[Any, str]) -> None:
    """The suite's guard (tests/conftest.py, `kept_definitions_untouched`) catches what it is there for: a version
    taken from the process's keep shares its JSON with every later session, so an edit in place in one reaches
    the next request."""
    from engine.procedures import case_definition, deployed_forms
    from tests.conftest import edited_forms, edited_kept

    _triage(as_, _start(as_))  # the process keeps the version
    [proof] = kept_definitions_untouched
    assert edited_kept(kept_definitions_untouched) == []
    with sessions() as session:
        session.scalar(select(func.count(ProcessDefinition.id)))  # a transaction, which the nonce read along is of
        case_definition.read_along(session, *proof)
        taken = case_definition.of_version(session, proof[0])
        taken.meta["tasks"]["prepare_answer"]["name"] = "Edited in place"
    with sessions() as other:  # another session, as the next request: it sees the edit
        other.scalar(select(func.count(ProcessDefinition.id)))
        case_definition.read_along(other, *proof)
        assert case_definition.of_version(other, proof[0]).meta["tasks"]["prepare_answer"]["name"] == \
            "Edited in place"
    assert edited_kept(kept_definitions_untouched) == [proof]
    kept_definitions_untouched.clear()  # the edit was this test's own
    # A form's schema the process keeps by checksum, edited in place: its checksum no longer says it.
    [(checksum, schema), *_] = deployed_forms._CACHE.items()
    assert edited_forms() == []
    schema["title"] = "Edited in place"
    assert edited_forms() == [checksum]
    deployed_forms._CACHE.pop(checksum)


def test_a_completion_reads_its_tasks_and_timers_in_one_statement_and_the_candidates_with_their_absences(
        app: Any, as_: Any) -> None:
    case = _start(as_)
    with statements(app) as sent:
        answer = _triage(as_, case)
    assert answer.status_code == 200
    reads = _main_reads(sent)
    # the task, the case's open tasks and its waiting timers; the new task's candidates, each with any absence
    assert (reads["human_tasks"], reads["timers"], reads["absences"]) == (1, 0, 0)
    assert len([s for s in sent if re.match(r"\s*SELECT human_tasks\..*\btimers\.", s, re.S)]) == 1
    assert len([s for s in sent if re.match(r"\s*SELECT users\..*\babsences\.", s, re.S)]) == 1
    # the waiting deadline timer was compared, not lost or doubled
    after = as_("pr").get(f"/api/v1/process-instances/{case['id']}").get_json()
    assert after["timers"] == case["timers"] and len(after["timers"]) == 1


def test_a_completion_answers_without_reading_back_what_it_wrote(app: Any, as_: Any) -> None:
    case = _start(as_)
    with statements(app) as sent:
        answer = _triage(as_, case)
    seen = [" ".join(s.split()) for s in sent]
    assert answer.status_code == 200
    last_write = max(i for i, s in enumerate(seen) if _WRITE.match(s))
    assert [s for s in seen[last_write + 1:] if s.startswith("SELECT")] == []
    # what it answered from memory is the case as the database now has it
    after = as_("pr").get(f"/api/v1/process-instances/{case['id']}").get_json()
    answered = answer.get_json()["instance"]
    assert answered["tasks"] == after["tasks"] and answered["timers"] == after["timers"]
    assert [t["bpmn_id"] for t in answered["tasks"]] == ["prepare_answer"]
    assert answered["timers"] and answered["timers"] == case["timers"]  # the deadline's timer still waits
    assert {k: answered[k] for k in ("status", "data", "due_at", "time_left")} == \
        {k: after[k] for k in ("status", "data", "due_at", "time_left")}


def test_a_completion_writes_its_audit_events_in_one_statement(app: Any, as_: Any, sessions: Any) -> None:
    case = _start(as_)
    with sessions() as session:
        before = session.scalar(select(func.count()).select_from(AuditEvent))
    with statements(app) as sent:
        assert _triage(as_, case).status_code == 200
    seen = [" ".join(s.split()) for s in sent]
    inserts = [s for s in seen if s.startswith("INSERT INTO audit_events")]
    with sessions() as session:
        types = list(session.scalars(select(AuditEvent.type).order_by(AuditEvent.id).offset(before)))
    assert types == ["task.completed", "task.created", "notification.created"]
    # PostgreSQL takes the rows in one multi-row INSERT; SQLite's driver sends one a row (it cannot return the
    # new ids of several in their order)
    assert len(inserts) == (1 if _is_postgresql(app) else 3)


def test_a_completion_writes_the_task_it_closed_and_the_task_it_opened_in_one_statement(app: Any, as_: Any,
                                                                                      sessions: Any) -> None:
    case = _start(as_)
    with statements(app) as sent:
        answer = _triage(as_, case)
    assert answer.status_code == 200
    writes = [" ".join(s.split()) for s in sent if re.search(r"\b(INSERT INTO|UPDATE) human_tasks\b", s)]
    assert len(writes) == 1 and "ON CONFLICT (id) DO UPDATE" in writes[0]
    # On PostgreSQL the case's words go in the same statement (SQLite has no data-modifying CTE: one of their own)
    words_apart = [s for s in sent if s.lstrip().startswith("INSERT INTO case_words")]
    together = (True, 0) if _is_postgresql(app) else (False, 1)
    assert ("INSERT INTO case_words" in writes[0], len(words_apart)) == together
    [opened] = answer.get_json()["instance"]["tasks"]
    with sessions() as session:
        pr = session.scalars(select(User.id).where(User.username == "pr")).one()
        closed, new = session.get(HumanTask, case["tasks"][0]["id"]), session.get(HumanTask, opened["id"])
        instance = session.get(ProcessInstance, case["id"])
        words = session.get(CaseWords, case["id"])
        never_set = session.scalar(select(func.count()).select_from(HumanTask).where(
            HumanTask.id == opened["id"], HumanTask.completed_at.is_(None), HumanTask.reminded_at.is_(None),
            HumanTask.completed_by_id.is_(None), HumanTask.assignee_id.is_(None)))
    assert (closed.status, closed.completed_by_id, closed.assignee_id) == ("completed", pr, pr)
    assert closed.data == TRIAGE | {"needs_clarification": False}  # the form's default filled in
    assert closed.completed_at is not None
    assert (new.status, new.bpmn_id, new.role, new.form_key, new.names) == \
        ("open", "prepare_answer", opened["role"], opened["form"]["key"], opened["names"])
    assert new.due_at is not None and new.due_at.isoformat()[:16] == \
        datetime.fromisoformat(opened["due_at"]).astimezone(new.due_at.tzinfo).isoformat()[:16]
    assert never_set == 1  # SQL NULL, as the flush leaves a column it was never given
    assert words.words == case_text(instance.business_key, instance.data) and "pr_department" in instance.data.values()


def test_a_triage_opening_two_tasks_reads_the_unit_keys_with_the_lock_and_both_tasks_candidates_in_one_statement(
        app: Any, as_: Any, sessions: Any) -> None:
    case = _start(as_)
    unknown = {"handler": "press_secretary", "unit": "transport", "contributors": ["transport", "culture"]}
    refused = as_("pr").post(f"/api/v1/tasks/{case['tasks'][0]['id']}/complete", json={"data": unknown})
    assert refused.status_code == 422 and "contributors" in str(refused.get_json()["errors"])
    triage = {"handler": "press_secretary", "unit": "transport", "contributors": ["transport", "health"]}
    with statements(app) as sent:
        answer = as_("pr").post(f"/api/v1/tasks/{case['tasks'][0]['id']}/complete", json={"data": triage})
    assert answer.status_code == 200, answer.get_json()
    reads = _main_reads(sent)
    # three unit keys checked (the handler's unit, two contributors) against the keys read along with the lock; two
    # new tasks' candidates, absences with them
    assert reads["units"] == 0 and len([s for s in sent if "FROM units" in s]) == 1
    assert len([s for s in sent if re.match(r"\s*SELECT users\..*\babsences\.", s, re.S)]) == 1
    opened = {t["unit"]: t["id"] for t in answer.get_json()["instance"]["tasks"]}
    assert sorted(opened) == ["health", "transport"]
    with sessions() as session:
        told = {task_id: sorted(session.scalars(
            select(User.username).join(Notification, Notification.user_id == User.id)
            .where(Notification.task_id == task_id))) for task_id in opened.values()}
    # each unit's head, and nobody else, is told of their unit's contribution
    assert told == {opened["transport"]: ["head_transport"], opened["health"]: ["head_health"]}


def test_a_completion_by_someone_other_than_the_starter_reads_nothing_after_its_writes(app: Any, as_: Any) -> None:
    case = _start(as_)  # started by pr
    triage = {"handler": "press_secretary", "unit": "transport", "contributors": []}
    answer = as_("pr").post(f"/api/v1/tasks/{case['tasks'][0]['id']}/complete", json={"data": triage}).get_json()
    [prepare] = answer["instance"]["tasks"]
    with statements(app) as sent:
        answer = as_("ps_transport").post(f"/api/v1/tasks/{prepare['id']}/complete", json={"data": {
            "answer": "Fares stay.", "confirm_no_confidential": True, "refuse": False}})
    assert answer.status_code == 200, answer.get_json()
    seen = [" ".join(s.split()) for s in sent]
    last_write = max(i for i, s in enumerate(seen) if _WRITE.match(s))
    assert [s for s in seen[last_write + 1:] if s.startswith("SELECT")] == []
    # the starter's name was read along with the lock, and is the one the case has
    assert answer.get_json()["instance"]["started_by"] == "pr"
    assert as_("pr").get(f"/api/v1/process-instances/{case['id']}").get_json()["started_by"] == "pr"


def test_the_callers_token_is_checked_in_one_statement(app: Any, as_: Any) -> None:
    with statements(app) as sent:
        assert as_("pr").get("/api/v1/tasks").status_code == 200
    seen = [" ".join(s.split()) for s in sent]
    touching = [s for s in seen if re.search(r"\b(users|user_roles|revoked_credentials)\b", s)
                and not s.startswith(("BEGIN", "SELECT count"))]
    assert len([s for s in touching if "revoked_credentials" in s]) == 1
    [check] = [s for s in touching if "revoked_credentials" in s]
    assert "FROM users" in check and "user_roles" in check


def test_a_start_takes_its_case_number_in_one_statement(app: Any, as_: Any) -> None:
    with statements(app) as sent:
        first = _start(as_)
    seen = [" ".join(s.split()) for s in sent]
    assert len([s for s in seen if "business_key_sequences" in s]) == 1
    numbers = [first["business_key"], *(_start(as_)["business_key"] for _ in range(2))]
    prefix, year, _ = numbers[0].rsplit("-", 2)
    assert numbers == [f"{prefix}-{year}-{n:06d}" for n in range(int(numbers[0][-6:]), int(numbers[0][-6:]) + 3)]


def test_a_start_reads_its_version_with_the_calendar_and_writes_its_first_task_with_the_words(
        app: Any, as_: Any, sessions: Any) -> None:
    """The latest version's id and nonce come with the calendar overrides' fingerprint in one statement (the
    version itself is the one the process keeps); on PostgreSQL the first task and the case's words are one
    statement, as a completion's rows are."""
    _start(as_)  # the process keeps the version
    with statements(app) as sent:
        case = _start(as_)
    reads = [s.lstrip() for s in sent if s.lstrip().startswith("SELECT")]
    [latest] = [s for s in reads if s.startswith("SELECT process_definitions.")]
    assert "calendar_overrides" in latest and "process_definitions.nonce" in latest
    assert not [s for s in reads if s.startswith("SELECT (SELECT count(*)")]  # no fingerprint of its own
    words_apart = [s for s in sent if s.lstrip().startswith("INSERT INTO case_words")]
    [task_write] = [s for s in sent if re.search(r"\bINSERT INTO human_tasks\b", s)]
    assert ("case_words" in task_write, len(words_apart)) == ((True, 0) if _is_postgresql(app) else (False, 1))
    [triage] = case["tasks"]
    with sessions() as session:
        row = session.get(HumanTask, triage["id"])
        words = session.get(CaseWords, case["id"])
    assert (row.status, row.bpmn_id, row.instance_id) == ("open", "triage", case["id"])
    assert words is not None and REQUEST["outlet"].lower() in words.words.lower()


def test_a_start_takes_the_latest_version_as_its_row_says_when_its_nonce_changed(app: Any, as_: Any,
                                                                              sessions: Any) -> None:
    _start(as_)  # the process keeps the version
    with sessions() as session:  # another row under the same id: nothing kept is taken for it
        [(definition_id, meta)] = session.execute(select(ProcessDefinition.id, ProcessDefinition.meta)).all()
        meta["tasks"]["triage"]["name"] = "Triage (as the row now says)"
        session.execute(update(ProcessDefinition).where(ProcessDefinition.id == definition_id)
                        .values(meta=meta, nonce=uuid4().hex))
        session.commit()
    assert _start(as_)["tasks"][0]["name"] == "Triage (as the row now says)"


def test_starting_a_procedure_that_is_not_deployed_is_a_404_and_writes_nothing(as_: Any, sessions: Any) -> None:
    with sessions() as session:
        before = session.scalar(select(func.count()).select_from(ProcessInstance))
    answer = as_("pr").post("/api/v1/process-instances", json={"process_key": "no_such_procedure", "data": {}})
    assert answer.status_code == 404 and answer.get_json()["code"] == "process_not_found"
    with sessions() as session:
        assert session.scalar(select(func.count()).select_from(ProcessInstance)) == before


def test_a_step_closing_its_only_task_writes_it_with_the_words_in_one_statement(app: Any, as_: Any,
                                                                               sessions: Any) -> None:
    """A step that closes a task and opens none (here a cancellation) writes that row and, on PostgreSQL, the case's
    words at once."""
    case = _start(as_)
    with statements(app) as sent:
        answer = as_("prhead").post(f"/api/v1/process-instances/{case['id']}/cancel", json={"reason": "a duplicate"})
    assert answer.status_code == 200, answer.get_json()
    [write] = [" ".join(s.split()) for s in sent if re.search(r"\b(INSERT INTO|UPDATE) human_tasks\b", s)]
    words_apart = [s for s in sent if s.lstrip().startswith("INSERT INTO case_words")]
    assert ("case_words" in write, len(words_apart)) == ((True, 0) if _is_postgresql(app) else (False, 1))
    with sessions() as session:
        triage = session.get(HumanTask, case["tasks"][0]["id"])
        instance = session.get(ProcessInstance, case["id"])
    assert (triage.status, instance.status) == ("cancelled", "cancelled")


def test_a_session_that_held_a_version_takes_another_row_under_its_id_at_the_next_start(sessions: Any) -> None:
    """A long-lived session (the CLI's, a worker's) keeps the versions it read by id; a row under the same id with
    another nonce (on SQLite, a deployment rolled back and its id taken again) is read anew, not taken as held."""
    from engine.procedures import case_definition

    with sessions() as held:
        with held.begin():
            first = case_definition.latest(held, "information_request")
            assert first is not None and first.meta["tasks"]["triage"]["name"] == "Triage the request"
        with sessions.begin() as other:
            [(definition_id, meta)] = other.execute(select(ProcessDefinition.id, ProcessDefinition.meta)).all()
            meta["tasks"]["triage"]["name"] = "Triage (another row)"
            other.execute(update(ProcessDefinition).where(ProcessDefinition.id == definition_id)
                          .values(meta=meta, nonce=uuid4().hex))
        with held.begin():
            again = case_definition.latest(held, "information_request")
            assert again is not None and again.meta["tasks"]["triage"]["name"] == "Triage (another row)"
