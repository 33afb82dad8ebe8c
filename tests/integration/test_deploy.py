"""Deploying diagrams through `POST /api/v1/process-definitions` and `jarchy deploy`: versioning, and every
kind of invalid diagram refused with `422` naming the offending element and its line, leaving nothing behind.

The bad diagrams are the shipped `information_request.bpmn` with one small edit each; the expected line is
found in the edited text, so each test names the exact line of the offending element (or syntax error)."""

from __future__ import annotations

import hashlib
import io
import re
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import func, select

from db.models import AuditEvent, ProcessDefinition
from tests.cases import complete, start
from tests.conftest import shipped_diagram

URL = "/api/v1/process-definitions"
KEY = "information_request"
XML = {"Content-Type": "application/xml"}
BASE = shipped_diagram("information_request.bpmn").decode("utf-8")
DECLARATION = '<?xml version="1.0" encoding="UTF-8"?>\n'
PASSWD_MARKERS = ("root:", "/bin/bash", "/usr/sbin/nologin", "daemon:")


# -- helpers ------------------------------------------------------------------------------------------

def edit(old: str, new: str, text: str = BASE) -> str:
    """`text` with the one occurrence of `old` replaced: a bad diagram is a small edit of a good one."""
    assert text.count(old) == 1, f"{old!r} occurs {text.count(old)} times"
    return text.replace(old, new)


def line_of(text: str, needle: str) -> int:
    """The 1-based line on which the one occurrence of `needle` starts."""
    assert text.count(needle) == 1, f"{needle!r} occurs {text.count(needle)} times"
    return text[: text.index(needle)].count("\n") + 1


def element(tag: str, element_id: str, text: str = BASE) -> str:
    """The whole `<bpmn:tag id="element_id" ...>...</bpmn:tag>` of a non-empty element."""
    found = re.search(rf'<bpmn:{tag} id="{element_id}".*?</bpmn:{tag}>', text, re.S)
    assert found, f"no {tag} {element_id}"
    return found.group(0)


def retag(tag: str, element_id: str, new_tag: str, text: str = BASE) -> str:
    """`text` with one element's type changed (opening and closing tag)."""
    old = element(tag, element_id, text)
    return edit(old, old.replace(f"bpmn:{tag}", f"bpmn:{new_tag}"), text)


def deploy(client: Any, xml: str | bytes, **kw: Any) -> Any:
    data = xml.encode("utf-8") if isinstance(xml, str) else xml
    return client.post(URL, data=data, headers=kw.pop("headers", XML), **kw)


def definition_rows(sessions: Any) -> int:
    with sessions() as session:
        return int(session.scalar(select(func.count()).select_from(ProcessDefinition)) or 0)


def deployed_events(sessions: Any) -> int:
    with sessions() as session:
        return int(session.scalar(select(func.count()).select_from(AuditEvent)
                                  .where(AuditEvent.type == "definition.deployed")) or 0)


def assert_problem(response: Any, status: int) -> dict[str, Any]:
    assert response.status_code == status, response.get_data(as_text=True)[:2000]
    assert response.mimetype == "application/problem+json"
    body = response.get_json()
    assert body["status"] == status and body["title"] and body["detail"]
    return body


def assert_nothing_deployed(as_: Any, sessions: Any) -> None:
    assert as_("admin").get(f"{URL}/{KEY}").status_code == 404
    assert definition_rows(sessions) == 0
    assert deployed_events(sessions) == 0


# -- a changed version: a new name, a renamed task and a script that records another outcome -----------

V2 = edit('<bpmn:process id="information_request" name="Media information request"',
          '<bpmn:process id="information_request" name="Media information request (2nd edition)"',
          edit('<bpmn:userTask id="prepare_answer" name="Prepare the answer"',
               '<bpmn:userTask id="prepare_answer" name="Prepare the answer (v2)"',
               edit('<bpmn:script>outcome = "refused" if refuse else "answered"\n',
                    '<bpmn:script>outcome = "refused" if refuse else "answered_v2"\n')))


# -- versioning ---------------------------------------------------------------------------------------

def test_the_same_file_twice_is_one_version_and_a_changed_file_is_the_next(as_: Any, sessions: Any) -> None:
    admin = as_("admin")
    first = deploy(admin, BASE)
    assert first.status_code == 201, first.get_json()
    body = first.get_json()
    assert body["key"] == KEY and body["version"] == 1 and body["name"] == "Media information request"
    assert body["checksum"] == hashlib.sha256(BASE.encode("utf-8")).hexdigest()
    assert body["deployed_at"]

    again = deploy(admin, BASE)
    assert again.status_code == 200, again.get_json()
    assert again.get_json()["version"] == 1 and again.get_json()["checksum"] == body["checksum"]
    assert definition_rows(sessions) == 1 and deployed_events(sessions) == 1
    assert admin.get(f"{URL}/{KEY}").get_json()["version"] == 1

    second = deploy(admin, V2)
    assert second.status_code == 201, second.get_json()
    assert second.get_json()["version"] == 2
    assert second.get_json()["name"] == "Media information request (2nd edition)"
    assert second.get_json()["checksum"] == hashlib.sha256(V2.encode("utf-8")).hexdigest()
    assert definition_rows(sessions) == 2 and deployed_events(sessions) == 2

    latest = admin.get(f"{URL}/{KEY}").get_json()
    assert latest["version"] == 2 and latest["name"] == "Media information request (2nd edition)"
    listed = admin.get(URL).get_json()["items"]
    assert [(d["key"], d["version"]) for d in listed] == [(KEY, 2)]
    v1 = admin.get(f"{URL}/{KEY}/versions/1")
    assert v1.status_code == 200 and v1.get_json()["version"] == 1
    assert v1.get_json()["name"] == "Media information request"
    assert admin.get(f"{URL}/{KEY}/versions/3").status_code == 404


def test_each_version_serves_its_original_xml(as_: Any) -> None:
    admin = as_("admin")
    assert deploy(admin, BASE).status_code == 201
    assert deploy(admin, V2).status_code == 201
    for version, original in ((1, BASE), (2, V2)):
        response = admin.get(f"{URL}/{KEY}/versions/{version}/bpmn")
        assert response.status_code == 200
        assert response.mimetype == "application/xml"
        assert response.data == original.encode("utf-8")
    assert admin.get(f"{URL}/{KEY}/bpmn").data == V2.encode("utf-8")
    # Readers other than admin may read a diagram too.
    assert as_("pr").get(f"{URL}/{KEY}/versions/1/bpmn").data == BASE.encode("utf-8")


def test_a_running_instance_stays_on_its_version_and_a_new_one_gets_the_latest(as_: Any) -> None:
    admin = as_("admin")
    assert deploy(admin, BASE).status_code == 201
    old = start(as_)
    assert old["version"] == 1

    assert deploy(admin, V2).get_json()["version"] == 2
    assert admin.get(f"{URL}/{KEY}").get_json()["running_instances"] == {"1": 1}
    new = start(as_)
    assert new["version"] == 2
    assert admin.get(f"{URL}/{KEY}").get_json()["running_instances"] == {"1": 1, "2": 1}

    # The old instance goes on with version 1's tasks and scripts, the new one with version 2's.
    old_after = complete(as_, "pr", old["id"], "triage", handler="pr_department", contributors=[])
    assert old_after["version"] == 1
    assert [(t["bpmn_id"], t["name"]) for t in old_after["tasks"]] == [("prepare_answer", "Prepare the answer")]
    new_after = complete(as_, "pr", new["id"], "triage", handler="pr_department", contributors=[])
    assert new_after["version"] == 2
    assert [(t["bpmn_id"], t["name"]) for t in new_after["tasks"]] == [("prepare_answer", "Prepare the answer (v2)")]

    answer = {"answer": "Fares stay as they are.", "confirm_no_confidential": True, "refuse": False}
    complete(as_, "pr", old["id"], "prepare_answer", **answer)
    done = complete(as_, "pr", old["id"], "send_answer", sent_via="email")
    assert done["status"] == "completed" and done["version"] == 1
    assert done["data"]["outcome"] == "answered"  # version 1's script, not version 2's "answered_v2"
    complete(as_, "pr", new["id"], "prepare_answer", **answer)
    assert as_("pr").get(f"/api/v1/process-instances/{new['id']}").get_json()["data"]["outcome"] == "answered_v2"

    assert admin.get(f"{URL}/{KEY}").get_json()["running_instances"] == {"2": 1}
    assert admin.get(f"{URL}/{KEY}/versions/1").get_json()["version"] == 1


def test_a_diagram_may_come_as_the_multipart_field_file(as_: Any, sessions: Any) -> None:
    admin = as_("admin")
    response = admin.post(URL, data={"file": (io.BytesIO(BASE.encode("utf-8")), "information_request.bpmn")},
                          content_type="multipart/form-data")
    assert response.status_code == 201, response.get_json()
    assert response.get_json()["key"] == KEY and response.get_json()["version"] == 1
    # The same bytes as a plain body: the same version.
    assert deploy(admin, BASE).status_code == 200
    assert definition_rows(sessions) == 1
    assert admin.get(f"{URL}/{KEY}/versions/1/bpmn").data == BASE.encode("utf-8")


def test_a_multipart_upload_without_the_field_file_is_refused(as_: Any, sessions: Any) -> None:
    response = as_("admin").post(URL, data={"diagram": (io.BytesIO(BASE.encode("utf-8")), "x.bpmn")},
                                 content_type="multipart/form-data")
    body = assert_problem(response, 422)
    assert [e.get("field") for e in body["errors"]] == ["file"]
    assert_nothing_deployed(as_, sessions)


# -- invalid diagrams: 422, the element and its line, and nothing deployed --------------------------------

ESCALATE = element("userTask", "escalate_overdue")


def _malformed() -> str:
    return edit("<bpmn:flowNodeRef>register</bpmn:flowNodeRef>", "<bpmn:flowNodeRef>register</bpmn:flowNodeRf>")


# Each case: the bad diagram, the element id the error must name (None: no element, e.g. malformed XML)
# and a text whose line is the line the error must name.
CASES: dict[str, tuple[Callable[[], str], str | None, str]] = {
    "malformed_xml": (_malformed, None, "</bpmn:flowNodeRf>"),
    "flow_to_a_missing_target": (
        lambda: edit('sourceRef="handle_start" targetRef="triage_merge"',
                     'sourceRef="handle_start" targetRef="nowhere"'),
        "Flow_handle_start_to_triage", 'targetRef="nowhere"'),
    "send_task": (lambda: retag("userTask", "escalate_overdue", "sendTask"),
                  "escalate_overdue", '<bpmn:sendTask id="escalate_overdue"'),
    "business_rule_task": (lambda: retag("scriptTask", "withdraw", "businessRuleTask"),
                           "withdraw", '<bpmn:businessRuleTask id="withdraw"'),
    "form_not_in_forms": (
        lambda: edit('camunda:formKey="information_request/send_answer"',
                     'camunda:formKey="information_request/no_such_form"'),
        "send_answer", "information_request/no_such_form"),
    "user_task_without_form": (
        lambda: edit(' camunda:formKey="information_request/escalate_overdue"', ""),
        "escalate_overdue", '<bpmn:userTask id="escalate_overdue"'),
    "lane_not_a_role": (lambda: edit('name="unit_head"', 'name="Unit heads"'),
                        "Lane_unit_head", 'name="Unit heads"'),
    "script_imports_os": (
        lambda: edit('<bpmn:script>outcome = "withdrawn"</bpmn:script>',
                     '<bpmn:script>outcome = "withdrawn"\nimport os</bpmn:script>'),
        "withdraw", "import os"),
    "script_walks_to_subclasses": (
        lambda: edit('<bpmn:script>outcome = "withdrawn"</bpmn:script>',
                     '<bpmn:script>outcome = "withdrawn"\n'
                     'leak = ().__class__.__base__.__subclasses__()</bpmn:script>'),
        "withdraw", "leak = ()"),
    "condition_reads_a_dunder": (
        lambda: edit('handler == "press_secretary"', 'handler.__class__.__init__.__globals__["os"] is None'),
        "Flow_handler_press_secretary", "handler.__class__"),
    "condition_imports": (
        lambda: edit('handler == "press_secretary"', '__import__("os").system("id") == 0'),
        "Flow_handler_press_secretary", '__import__("os")'),
    "condition_syntax_error": (lambda: edit('handler == "press_secretary"', 'handler == "press_secretary" and'),
                               "Flow_handler_press_secretary", 'handler == "press_secretary" and'),
    "timer_duration_P1X": (
        lambda: edit('<bpmn:timeDate xsi:type="bpmn:tFormalExpression">due_at</bpmn:timeDate>',
                     '<bpmn:timeDuration xsi:type="bpmn:tFormalExpression">"P1X"</bpmn:timeDuration>'),
        "deadline_reached", '"P1X"'),
    "timer_expression_syntax_error": (
        lambda: edit("end_of_working_day(add_working_days(clarification_requested_at, 10))",
                     "end_of_working_day(add_working_days(clarification_requested_at, 10)"),
        "clarification_timeout", "add_working_days(clarification_requested_at, 10)"),
    "starter_group_not_a_role": (
        lambda: edit('camunda:candidateStarterGroups="pr_department,press_secretary"',
                     'camunda:candidateStarterGroups="pr_department,journalists"'),
        "information_request", "journalists"),
    "call_to_an_undeployed_process": (
        lambda: edit(ESCALATE, ESCALATE.replace("bpmn:userTask", "bpmn:callActivity").replace(
            'camunda:formKey="information_request/escalate_overdue"', 'calledElement="press_conference"')),
        "escalate_overdue", 'calledElement="press_conference"'),
}


@pytest.mark.parametrize("case", list(CASES))
def test_an_invalid_diagram_is_refused_naming_the_element_and_its_line(
        as_: Any, sessions: Any, case: str) -> None:
    make, element_id, needle = CASES[case]
    xml = make()
    body = assert_problem(deploy(as_("admin"), xml), 422)
    assert len(body["errors"]) == 1, body["errors"]
    error = body["errors"][0]
    assert error.get("element_id") == element_id, error
    assert error["line"] == line_of(xml, needle), error
    assert error["message"]
    assert_nothing_deployed(as_, sessions)


def test_an_invalid_new_version_leaves_the_old_one_latest(as_: Any, sessions: Any) -> None:
    admin = as_("admin")
    assert deploy(admin, BASE).status_code == 201
    bad = edit(' camunda:formKey="information_request/escalate_overdue"', "", V2)
    body = assert_problem(deploy(admin, bad), 422)
    assert body["errors"][0]["element_id"] == "escalate_overdue"
    assert admin.get(f"{URL}/{KEY}").get_json()["version"] == 1
    assert definition_rows(sessions) == 1 and deployed_events(sessions) == 1


CALLEE = """<?xml version="1.0" encoding="UTF-8"?>
<bpmn:definitions xmlns:bpmn="http://www.omg.org/spec/BPMN/20100524/MODEL" \
xmlns:camunda="http://camunda.org/schema/1.0/bpmn" id="Definitions_escalation" targetNamespace="http://jarchy.org/bpmn">
  <bpmn:process id="information_request_escalation" name="Escalation" isExecutable="true" \
camunda:candidateStarterGroups="pr_head">
    <bpmn:startEvent id="escalation_start">
      <bpmn:outgoing>Flow_escalation</bpmn:outgoing>
    </bpmn:startEvent>
    <bpmn:endEvent id="escalation_end">
      <bpmn:incoming>Flow_escalation</bpmn:incoming>
    </bpmn:endEvent>
    <bpmn:sequenceFlow id="Flow_escalation" sourceRef="escalation_start" targetRef="escalation_end" />
  </bpmn:process>
</bpmn:definitions>
"""


def test_a_call_to_a_deployed_process_is_accepted(as_: Any) -> None:
    admin = as_("admin")
    callee = edit(ESCALATE, ESCALATE.replace("bpmn:userTask", "bpmn:callActivity").replace(
        'camunda:formKey="information_request/escalate_overdue"', 'calledElement="information_request_escalation"'))
    assert deploy(admin, callee).status_code == 422  # not deployed yet
    assert deploy(admin, CALLEE).status_code == 201
    response = deploy(admin, callee)
    assert response.status_code == 201, response.get_json()
    assert response.get_json()["key"] == KEY



# -- hostile XML -------------------------------------------------------------------------------------

XXE = edit(DECLARATION, DECLARATION + '<!DOCTYPE x [<!ENTITY e SYSTEM "file:///etc/passwd">]>\n',
           edit("Media information request: Bishkek", "&e; Bishkek"))
LOLS = "".join(f' <!ENTITY lol{i} "{f"&lol{i - 1};" * 10}">\n' for i in range(1, 10))
BOMB = edit(DECLARATION, DECLARATION + '<!DOCTYPE lolz [\n <!ENTITY lol0 "lol">\n' + LOLS + "]>\n",
            edit("Media information request: Bishkek", "&lol9; Bishkek"))


def test_an_external_entity_is_refused_and_never_read(as_: Any, sessions: Any) -> None:
    for send in (lambda: deploy(as_("admin"), XXE),
                 lambda: as_("admin").post(URL, data={"file": (io.BytesIO(XXE.encode("utf-8")), "x.bpmn")},
                                           content_type="multipart/form-data")):
        response = send()
        text = response.get_data(as_text=True)
        body = assert_problem(response, 422)
        assert body["errors"] and all(e.get("line") for e in body["errors"])
        assert not any(marker in text for marker in PASSWD_MARKERS), text
    assert_nothing_deployed(as_, sessions)


def test_a_billion_laughs_is_refused_quickly(as_: Any, sessions: Any) -> None:
    began = time.monotonic()
    response = deploy(as_("admin"), BOMB)
    assert time.monotonic() - began < 2.0
    body = assert_problem(response, 422)
    assert body["errors"] and all(e.get("line") for e in body["errors"])
    assert "lollol" not in response.get_data(as_text=True)
    assert_nothing_deployed(as_, sessions)


@pytest.mark.parametrize("name", ["xxe", "billion_laughs"])
def test_a_doctype_is_reported_at_its_own_line(as_: Any, name: str) -> None:
    xml = {"xxe": XXE, "billion_laughs": BOMB}[name]
    body = assert_problem(deploy(as_("admin"), xml), 422)
    assert [e["line"] for e in body["errors"]] == [line_of(xml, "<!DOCTYPE")] == [2]


# -- line numbers, expressions and encodings ------------------------------------------------------------

def test_a_multi_line_condition_error_names_the_faulty_line(as_: Any) -> None:
    xml = edit('<bpmn:conditionExpression xsi:type="bpmn:tFormalExpression">handler == "press_secretary"',
               '<bpmn:conditionExpression xsi:type="bpmn:tFormalExpression">\n          handler.__class__ == str')
    body = assert_problem(deploy(as_("admin"), xml), 422)
    assert [(e["element_id"], e["line"]) for e in body["errors"]] == [
        ("Flow_handler_press_secretary", line_of(xml, "handler.__class__"))]


def test_a_loop_cardinality_that_does_not_compile_in_the_sandbox_is_refused(as_: Any, sessions: Any) -> None:
    xml = edit('<bpmn:multiInstanceLoopCharacteristics camunda:collection="contributors" '
               'camunda:elementVariable="contributor" />',
               "<bpmn:multiInstanceLoopCharacteristics>\n"
               "          <bpmn:loopCardinality>len(().__class__.__base__.__subclasses__())</bpmn:loopCardinality>\n"
               "        </bpmn:multiInstanceLoopCharacteristics>")
    body = assert_problem(deploy(as_("admin"), xml), 422)
    expected = [("contribute", line_of(xml, "loopCardinality>len"))]
    assert [(e["element_id"], e["line"]) for e in body["errors"]] == expected
    assert_nothing_deployed(as_, sessions)


def test_a_diagram_in_another_encoding_is_deployed_or_refused_never_a_server_error(as_: Any) -> None:
    # Without the labels and documentation in other languages (windows-1251 has no Kyrgyz or Uzbek letters).
    unlabelled = re.sub(r"\s*<jarchy:(label|documentation) [^>]*>[^<]*</jarchy:\1>", "", BASE)
    cyrillic = edit('name="Media information request" isExecutable', 'name="Запрос СМИ" isExecutable', unlabelled)
    data = edit('encoding="UTF-8"', 'encoding="windows-1251"', cyrillic).encode("cp1251")
    response = deploy(as_("admin"), data)
    assert response.status_code in (201, 422), response.status_code
    if response.status_code == 201:
        assert response.get_json()["name"] == "Запрос СМИ"
        stored = as_("admin").get(f"{URL}/{KEY}/versions/1/bpmn")
        assert stored.data == data
    else:
        # The first byte that is not ASCII (the documentation's `§`) is where UTF-8 fails.
        first_not_ascii = next(at for at, byte in enumerate(data) if byte > 127)
        assert response.get_json()["errors"][0]["line"] == data[:first_not_ascii].count(b"\n") + 1


# -- transport and access ----------------------------------------------------------------------------

@pytest.mark.parametrize("multipart", [False, True], ids=["body", "multipart"])
def test_a_body_over_5_mib_is_refused_with_413(as_: Any, sessions: Any, multipart: bool) -> None:
    big = BASE.encode("utf-8") + b"<!--" + b" " * (5 * 1024 * 1024) + b"-->"
    if multipart:
        response = as_("admin").post(URL, data={"file": (io.BytesIO(big), "big.bpmn")},
                                     content_type="multipart/form-data")
    else:
        response = deploy(as_("admin"), big)
    assert_problem(response, 413)
    assert_nothing_deployed(as_, sessions)


@pytest.mark.parametrize("content_type", ["text/plain", "application/json", "application/octet-stream"])
def test_a_wrong_content_type_is_refused_with_a_clear_message(as_: Any, sessions: Any, content_type: str) -> None:
    response = deploy(as_("admin"), BASE, headers={"Content-Type": content_type})
    assert 400 <= response.status_code < 500
    body = assert_problem(response, response.status_code)
    assert "application/xml" in body["detail"] and "file" in body["detail"]
    assert any(content_type in e["message"] for e in body.get("errors", [])), body
    assert_nothing_deployed(as_, sessions)


@pytest.mark.parametrize("user", ["pr", "prhead", "auditor", "ps_transport"])
def test_only_an_admin_may_deploy(as_: Any, sessions: Any, user: str) -> None:
    assert_problem(deploy(as_(user), BASE), 403)
    assert_nothing_deployed(as_, sessions)


def test_deploying_needs_a_token(as_: Any, sessions: Any) -> None:
    assert_problem(deploy(as_(None), BASE), 401)
    assert_nothing_deployed(as_, sessions)


# -- the command line -----------------------------------------------------------------------------------

def test_the_cli_deploys_a_good_file_and_names_key_and_version(
        jarchy: Callable[..., Any], as_: Any, sessions: Any, tmp_path: Path) -> None:
    path = tmp_path / "information_request.bpmn"
    path.write_text(BASE, encoding="utf-8")
    result = jarchy("deploy", str(path))
    assert result.exit_code == 0, result.output
    assert "information_request version 1" in result.output
    assert as_("admin").get(f"{URL}/{KEY}").get_json()["version"] == 1
    assert deployed_events(sessions) == 1

    again = jarchy("deploy", str(path))
    assert again.exit_code == 0, again.output
    assert "information_request version 1" in again.output and "unchanged" in again.output
    assert definition_rows(sessions) == 1

    path.write_text(V2, encoding="utf-8")
    third = jarchy("deploy", str(path))
    assert third.exit_code == 0, third.output
    assert "information_request version 2" in third.output
    assert as_("admin").get(f"{URL}/{KEY}").get_json()["version"] == 2


@pytest.mark.parametrize("case", ["user_task_without_form", "malformed_xml", "script_imports_os"])
def test_the_cli_refuses_a_bad_file_naming_the_element_and_line(
        jarchy: Callable[..., Any], as_: Any, sessions: Any, tmp_path: Path, case: str) -> None:
    make, element_id, needle = CASES[case]
    xml = make()
    path = tmp_path / "bad.bpmn"
    path.write_text(xml, encoding="utf-8")
    result = jarchy("deploy", str(path))
    assert result.exit_code == 1, result.output
    assert "bad.bpmn: rejected" in result.output
    assert f"line {line_of(xml, needle)}" in result.output
    if element_id:
        assert f"element {element_id}" in result.output
    assert_nothing_deployed(as_, sessions)


# -- jarchy init and an administrator's edits -------------------------------------------------------------

def latest_versions(as_: Any) -> dict[str, tuple[int, str]]:
    return {d["key"]: (d["version"], d["origin"]) for d in as_("admin").get(f"{URL}?per_page=100").get_json()["items"]}


def test_init_run_again_never_deploys_a_shipped_diagram_above_an_administrators_edit(
        jarchy: Callable[..., Any], as_: Any, sessions: Any) -> None:
    first = jarchy("init")
    assert first.exit_code == 0, first.output
    assert latest_versions(as_)[KEY] == (1, "shipped")
    edited = BASE.replace('name="Media information request"', 'name="Media information request (city edit)"')
    assert edited != BASE
    response = as_("admin").post(URL, data=edited.encode(), headers={"Content-Type": "application/xml"})
    assert response.status_code == 201 and response.get_json()["version"] == 2

    again = jarchy("init")  # what `make run` does every time
    assert again.exit_code == 0, again.output
    assert latest_versions(as_)[KEY] == (2, "deployed")  # the administrator's edit stays the latest
    (said,) = [line for line in again.output.splitlines() if line.startswith("information_request.bpmn:")]
    assert "version 2 is an administrator's" in said and "jarchy deploy " in said
    assert said.endswith("workflows/information_request.bpmn)")
    assert definition_rows(sessions) == len(latest_versions(as_)) + 1


def test_init_deploys_a_changed_shipped_diagram_above_the_shipped_one_only(
        jarchy: Callable[..., Any], as_: Any, monkeypatch: pytest.MonkeyPatch) -> None:
    from api import cli

    assert jarchy("init").exit_code == 0
    before = latest_versions(as_)
    shipped = cli.shipped_diagrams()
    changed = shipped["information_request.bpmn"].replace(b'name="Media information request"',
                                                           b'name="Media information request, release 0.5"')
    monkeypatch.setattr(cli, "shipped_diagrams", lambda: shipped | {"information_request.bpmn": changed})
    result = jarchy("init")
    assert result.exit_code == 0, result.output
    assert "information_request version 2 deployed" in result.output
    after = latest_versions(as_)
    assert after[KEY] == (2, "shipped") and {k: v for k, v in after.items() if k != KEY} == \
        {k: v for k, v in before.items() if k != KEY}
    assert jarchy("init").output.count("deployed") == 0  # and then it is unchanged
