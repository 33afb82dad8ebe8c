"""Why a case failed reads in the reader's language (issue 15, point 4): the failure is recorded with a code and
its parameters beside the engine's English `message` (kept for the auditors), and the case page words the code,
never the English. A failure recorded before failures carried a code says where the case failed, in words."""

from __future__ import annotations

from html import unescape
from typing import Any

from sqlalchemy import select

from db.models import AuditEvent
from engine.people.accounts import user_by_username
from tests.diagrams import script_diagram
from tests.web.conftest import text

GATEWAY = """<?xml version="1.0" encoding="UTF-8"?>
<bpmn:definitions xmlns:bpmn="http://www.omg.org/spec/BPMN/20100524/MODEL"
    xmlns:camunda="http://camunda.org/schema/1.0/bpmn" id="defs" targetNamespace="http://jarchy.test">
  <bpmn:process id="nowhere" name="Nowhere" isExecutable="true" camunda:candidateStarterGroups="pr_department">
    <bpmn:startEvent id="start"/>
    <bpmn:sequenceFlow id="f1" sourceRef="start" targetRef="choose"/>
    <bpmn:exclusiveGateway id="choose" name="Which way"/>
    <bpmn:sequenceFlow id="f2" sourceRef="choose" targetRef="end">
      <bpmn:conditionExpression>1 == 2</bpmn:conditionExpression>
    </bpmn:sequenceFlow>
    <bpmn:endEvent id="end"/>
  </bpmn:process>
</bpmn:definitions>
"""


def _failed_case(as_: Any, key: str, diagram: str) -> dict[str, Any]:
    deployed = as_("admin").post("/api/v1/process-definitions", data=diagram.encode(),
                                 headers={"Content-Type": "application/xml"})
    assert deployed.status_code == 201, deployed.get_json()
    case = as_("pr").post("/api/v1/process-instances", json={"process_key": key, "data": {}}).get_json()
    assert case["status"] == "failed", case
    return case


def _failure(sessions: Any, case_id: int) -> dict[str, Any]:
    with sessions() as session:
        return session.scalars(select(AuditEvent.after).where(
            AuditEvent.instance_id == case_id, AuditEvent.type == "instance.failed")).one()


def _page(page_as: Any, sessions: Any, case_id: int, language: str) -> str:
    with sessions.begin() as session:
        user_by_username(session, "pr").locale = language
    return unescape(text(page_as("pr").get(f"/cases/{case_id}")))


def test_a_script_that_raises_fails_the_case_worded_by_its_error_in_russian(as_: Any, page_as: Any,
                                                                              sessions: Any) -> None:
    case = _failed_case(as_, "sums", script_diagram("sums", "a = 1\nb = a / 0", name="Work out the sum"))
    after = _failure(sessions, case["id"])
    assert (after["code"], after["params"]) == ("script_failed", {"script_line": 2})
    assert after["exception"] == "ZeroDivisionError" and "division by zero" in after["message"]  # administrators'
    page = _page(page_as, sessions, case["id"], "ru")
    assert "«Work out the sum»" in page and "Скрипт шага завершился с ошибкой. Строка 2 кода." in page
    assert "ZeroDivisionError" not in page and "division by zero" not in page and "The case failed" not in page


def test_the_api_gives_a_failed_case_its_code_and_parameters(as_: Any) -> None:
    case = _failed_case(as_, "coded", script_diagram("coded", "a = 1\nb = a / 0", name="Work out the sum"))
    for shown in (as_("pr").get(f"/api/v1/process-instances/{case['id']}").get_json(),
                  next(c for c in as_("pr").get("/api/v1/process-instances").get_json()["items"]
                       if c["id"] == case["id"])):
        assert (shown["failure_code"], shown["failure_params"]) == ("script_failed", {"script_line": 2})
        assert "ZeroDivisionError" in shown["failure"]  # the English, for administrators
    assert as_("admin").post("/api/v1/process-definitions", data=script_diagram("fine", "a = 1").encode(),
                             headers={"Content-Type": "application/xml"}).status_code == 201
    done = as_("pr").post("/api/v1/process-instances", json={"process_key": "fine", "data": {}}).get_json()
    assert (done["status"], done["failure_code"], done["failure_params"]) == ("completed", None, None)


def test_a_script_reading_data_the_case_lacks_names_it_in_kyrgyz(as_: Any, page_as: Any, sessions: Any) -> None:
    case = _failed_case(as_, "lacks", script_diagram("lacks", "total = amount + 1", name="Work out the sum"))
    after = _failure(sessions, case["id"])
    assert (after["code"], after["params"].get("name")) == ("missing_data", "amount"), after
    page = _page(page_as, sessions, case["id"], "ky")
    assert "«amount»" in page and "is not defined" not in page and "NameError" not in page
    assert "Work out the sum" in page  # where: the step, by its name


def test_a_gateway_with_no_way_out_says_so(as_: Any, page_as: Any, sessions: Any) -> None:
    case = _failed_case(as_, "nowhere", GATEWAY)
    assert _failure(sessions, case["id"])["code"] == "no_path"
    page = _page(page_as, sessions, case["id"], "uk")
    assert "No conditions satisfied" not in page and "None of the gateway" not in page


def test_a_failure_recorded_before_codes_says_where_the_case_failed_never_its_english(
        as_: Any, page_as: Any, sessions: Any) -> None:
    case = _failed_case(as_, "older", script_diagram("older", "a = 1 / 0", name="Work out the sum"))
    with sessions.begin() as session:  # as an event written before failures carried a code
        event = session.scalars(select(AuditEvent).where(
            AuditEvent.instance_id == case["id"], AuditEvent.type == "instance.failed")).one()
        session.execute(AuditEvent.__table__.update().where(AuditEvent.__table__.c.id == event.id).values(
            after={"element_id": "work", "message": "ZeroDivisionError:division by zero"}))
    page = _page(page_as, sessions, case["id"], "en")
    assert "The case failed at “Work out the sum”." in page
    assert "division by zero" not in page


def test_the_auditor_reads_the_failure_worded_and_keeps_the_engines_message(as_: Any, page_as: Any,
                                                                            sessions: Any) -> None:
    case = _failed_case(as_, "audited", script_diagram("audited", "a = 1 / 0", name="Work out the sum"))
    with sessions.begin() as session:
        user_by_username(session, "auditor").locale = "uk"
    page = unescape(text(page_as("auditor").get(f"/audit/cases/{case['id']}")))
    failure = page.split("Скрипт кроку завершився з помилкою. Рядок 1 коду.")
    assert len(failure) > 1, page  # worded first, then the technical detail, titled as such
    assert "Технічна деталь" in failure[1] and "division by zero" in failure[1]
    assert "script_failed" not in page and "script_line" not in page
