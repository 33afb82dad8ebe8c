"""Forms are deployed, not installed (issue 17, point 0): an administrator deploys a form version through
`POST /api/v1/forms` (or with a diagram), a deployment pins the forms it was deployed with, a running case keeps the
forms of its version while new cases take the new ones, and a bad form or a diagram reading a field nothing provides
is refused naming the path or the element and field. On both databases."""

from __future__ import annotations

import copy
import io
import json
from collections.abc import Callable
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import create_engine, func, select, text

from db.migrate import upgrade
from db.models import AuditEvent, FormVersion
from db.session import make_engine
from engine.procedures.forms import load_form
from tests.cases import start, submit, task_of
from tests.conftest import PG_ADMIN_URL, _postgres_url, shipped_diagram

FORMS = "/api/v1/forms"
DEFINITIONS = "/api/v1/process-definitions"
KEY = "information_request"
TRIAGE = "information_request/triage"
BASE = shipped_diagram("information_request.bpmn")


def with_priority(title: str = "Priority") -> dict[str, Any]:
    """The shipped triage form with a new required field."""
    schema = copy.deepcopy(load_form(TRIAGE))
    schema["properties"]["priority"] = {"title": title, "type": "string", "enum": ["low", "high"]}
    schema["required"] = [*schema["required"], "priority"]
    return schema


def problem_fields(response: Any, status: int = 422) -> dict[str, str]:
    assert response.status_code == status, response.get_data(as_text=True)[:2000]
    assert response.mimetype == "application/problem+json"
    return {e["field"]: e["code"] for e in response.get_json()["errors"]}


def form_rows(sessions: Any, key: str = TRIAGE) -> list[tuple[int, str]]:
    with sessions() as session:
        return [(r.version, r.origin) for r in session.scalars(
            select(FormVersion).where(FormVersion.key == key).order_by(FormVersion.version))]


# -- a running case keeps the forms of its version ----------------------------------------------------

def test_a_running_case_keeps_its_versions_form_while_a_new_case_gets_the_new_one(
        as_: Any, deployed: None, sessions: Any) -> None:
    old_case = start(as_)
    assert form_rows(sessions) == [(1, "shipped")]  # the shipped form became version 1 when the diagram was deployed

    made = as_("admin").post(FORMS, json={"key": TRIAGE, "schema": with_priority()})
    assert made.status_code == 201, made.get_json()
    assert made.get_json()["version"] == 2 and made.get_json()["key"] == TRIAGE
    redeployed = as_("admin").post(DEFINITIONS, data=BASE, headers={"Content-Type": "application/xml"})
    assert redeployed.status_code == 201 and redeployed.get_json()["version"] == 2  # same XML, a changed form
    new_case = start(as_)

    old_task, new_task = task_of(as_, "pr", old_case["id"], "triage"), task_of(as_, "pr", new_case["id"], "triage")
    assert "priority" not in old_task["form"]["schema"]["properties"]  # served its version's form
    assert new_task["form"]["schema"]["properties"]["priority"]["title"] == "Priority"
    # The old case's task validates against the old form: `priority` is no field of it, and not needed.
    assert "priority" in problem_fields(submit(as_, "pr", old_task["id"], handler="pr_department", contributors=[],
                                               priority="high"))
    assert submit(as_, "pr", old_task["id"], handler="pr_department", contributors=[]).status_code == 200
    # The new case's task needs it.
    assert problem_fields(submit(as_, "pr", new_task["id"], handler="pr_department", contributors=[])) == \
        {"priority": "required"}
    assert submit(as_, "pr", new_task["id"], handler="pr_department", contributors=[],
                  priority="high").status_code == 200


def test_the_same_diagram_and_the_same_forms_again_change_nothing(as_: Any, deployed: None, sessions: Any) -> None:
    again = as_("admin").post(DEFINITIONS, data=BASE, headers={"Content-Type": "application/xml"})
    assert again.status_code == 200 and again.get_json()["version"] == 1
    assert form_rows(sessions) == [(1, "shipped")]


# -- POST /forms ------------------------------------------------------------------------------------------

def test_a_form_is_deployed_once_and_the_same_schema_again_is_its_version(as_: Any, cast: Any, sessions: Any) -> None:
    schema = with_priority()
    first = as_("admin").post(FORMS, json={"key": "evidence/collect", "schema": schema})
    assert first.status_code == 201 and first.get_json()["version"] == 1
    assert first.get_json()["created_by"] == "admin" and first.get_json()["origin"] == "deployed"
    respaced = json.loads(json.dumps(schema, indent=4))
    again = as_("admin").post(FORMS, json={"key": "evidence/collect", "schema": respaced})
    assert again.status_code == 200 and again.get_json()["version"] == 1
    with sessions() as session:
        events = session.scalars(select(AuditEvent).where(AuditEvent.type == "form.deployed")).all()
        assert [(e.subject, e.actor, e.after["version"]) for e in events] == [("form:evidence/collect:1", "admin", 1)]
    versions = as_("auditor").get(f"{FORMS}/evidence/collect")
    assert versions.status_code == 200 and [v["version"] for v in versions.get_json()["items"]] == [1]
    one = as_("auditor").get(f"{FORMS}/evidence/collect/versions/1").get_json()
    assert one["schema"] == schema
    assert as_("admin").get(f"{FORMS}/evidence/collect/versions/2").status_code == 404
    assert as_("admin").get(f"{FORMS}/nothing/here").status_code == 404


@pytest.mark.parametrize(("schema", "field", "code"), [
    ({"type": "object", "properties": {"a": {"type": "nonsense"}}}, "schema.properties.a.type",
     "form_schema_invalid"),
    ({"type": "object", "properties": {"when": {"type": "string", "x-not-futur": True}}},
     "schema.properties.when.x-not-futur", "form_keyword_unknown"),
    ({"type": "object", "properties": {"when": {"type": "string", "format": "date-tiem"}}},
     "schema.properties.when.format", "form_format_unknown"),
    ({"type": "object", "properties": {"decision": {"type": "string", "default": "approve"}}},
     "schema.properties.decision.default", "form_decision_prefilled"),
    ({"type": "object", "properties": {"confirm_facts": {"type": "boolean", "x-carry": True}}},
     "schema.properties.confirm_facts.x-carry", "form_decision_prefilled"),
    ({"type": "object", "x-case": {"if": {"properties": {"medium": {"x-nope": 1}}}}},
     "schema.x-case.if.properties.medium.x-nope", "form_keyword_unknown"),
    # Each would pass the meta-schema and fail only when staff submit the task (a 500 on every submission).
    ({"type": "object", "properties": {"code": {"type": "string", "pattern": "("}}},
     "schema.properties.code.pattern", "form_schema_invalid"),
    ({"type": "object", "properties": {"code": {"$ref": "https://example.org/code.json"}}},
     "schema.properties.code.$ref", "form_schema_invalid"),
    ({"type": "object", "properties": {"code": {"$ref": "#/$defs/nowhere"}}},
     "schema.properties.code.$ref", "form_schema_invalid"),
])
def test_a_bad_form_is_refused_naming_its_path(as_: Any, cast: Any, sessions: Any, schema: dict[str, Any],
                                               field: str, code: str) -> None:
    response = as_("admin").post(FORMS, json={"key": "evidence/collect", "schema": schema})
    assert problem_fields(response) == {field: code}
    assert form_rows(sessions, "evidence/collect") == []


def test_a_form_nested_past_any_use_is_refused_not_a_server_error(as_: Any, cast: Any, sessions: Any) -> None:
    deep = '{"not": ' * 600 + "{}" + "}" * 600  # jsonschema's walk of it exhausts Python's stack
    body = '{"key": "evidence/collect", "schema": {"type": "object", "properties": {"a": ' + deep + "}}}"
    response = as_("admin").post(FORMS, data=body, headers={"Content-Type": "application/json"})
    assert problem_fields(response) == {"schema": "form_schema_invalid"}
    assert form_rows(sessions, "evidence/collect") == []


def test_a_bad_key_or_body_is_refused_naming_the_field(as_: Any, cast: Any) -> None:
    form = {"type": "object", "properties": {}}
    assert problem_fields(as_("admin").post(FORMS, json={"key": "no_process_part", "schema": form})) == \
        {"key": "form_key_invalid"}
    assert problem_fields(as_("admin").post(FORMS, json={"key": "../etc/passwd", "schema": form})) == \
        {"key": "form_key_invalid"}
    assert "schema" in problem_fields(as_("admin").post(FORMS, json={"key": "a/b", "schema": "not an object"}))
    assert "schema" in problem_fields(as_("admin").post(FORMS, json={"key": "a/b"}))
    assert as_("admin").post(FORMS, data="{", headers={"Content-Type": "application/json"}).status_code in (400, 422)


def test_only_an_administrator_deploys_a_form(as_: Any, cast: Any, sessions: Any) -> None:
    form = {"type": "object", "properties": {}}
    assert as_("pr").post(FORMS, json={"key": "a/b", "schema": form}).status_code == 403
    assert as_("auditor").post(FORMS, json={"key": "a/b", "schema": form}).status_code == 403
    assert as_(None).post(FORMS, json={"key": "a/b", "schema": form}).status_code == 401
    assert as_(None).get(FORMS).status_code == 401
    assert form_rows(sessions, "a/b") == []


def test_the_list_names_the_procedures_that_use_each_form(as_: Any, deployed: None) -> None:
    listed = {f["key"]: f for f in as_("admin").get(FORMS).get_json()["items"]}
    assert listed[TRIAGE]["version"] == 1
    assert listed[TRIAGE]["used_by"] == [{"process": KEY, "version": 1, "form_version": 1}]


# -- deploy-time checks of the diagram -----------------------------------------------------------------

def test_a_diagram_whose_condition_reads_a_field_no_form_provides_is_refused(
        as_: Any, deployed: None, sessions: Any) -> None:
    edited = BASE.replace(b">needs_clarification == True<", b">priority == 'high'<")
    assert edited != BASE
    response = as_("admin").post(DEFINITIONS, data=edited, headers={"Content-Type": "application/xml"})
    assert response.status_code == 422
    (error,) = [e for e in response.get_json()["errors"] if e["code"] == "field_not_provided"]
    assert error["field"] == "priority" and error["element_id"] == "Flow_clarification_yes"
    assert "`priority`" in error["message"]
    # With the form that provides it, deployed with the diagram, it is taken.
    body = {"file": (io.BytesIO(edited), "information_request.bpmn"),
            "forms": [(io.BytesIO(json.dumps(with_priority()).encode()), "triage.json")]}
    taken = as_("admin").post(DEFINITIONS, data=body, content_type="multipart/form-data")
    assert taken.status_code == 201, taken.get_json()
    assert form_rows(sessions) == [(1, "shipped"), (2, "deployed")]


def test_forms_deployed_with_a_diagram_in_multipart_are_its_forms(as_: Any, deployed: None, sessions: Any) -> None:
    changed = with_priority(title="How urgent")
    body = {"file": (io.BytesIO(BASE), "information_request.bpmn"),
            "forms": json.dumps({TRIAGE: changed})}
    response = as_("admin").post(DEFINITIONS, data=body, content_type="multipart/form-data")
    assert response.status_code == 201 and response.get_json()["version"] == 2
    case = start(as_)
    assert task_of(as_, "pr", case["id"], "triage")["form"]["schema"]["properties"]["priority"]["title"] == \
        "How urgent"
    bad = {"file": (io.BytesIO(BASE), "information_request.bpmn"),
           "forms": [(io.BytesIO(b"{not json"), "triage.json")]}
    assert problem_fields(as_("admin").post(DEFINITIONS, data=bad, content_type="multipart/form-data")) == \
        {"forms.triage": "form_not_json"}
    nested = "[" * 100_000 + "]" * 100_000  # past the JSON parser's stack
    deep = {"file": (io.BytesIO(BASE), "information_request.bpmn"), "forms": nested}
    assert problem_fields(as_("admin").post(DEFINITIONS, data=deep, content_type="multipart/form-data")) == \
        {"forms": "form_not_json"}
    deep_file = {"file": (io.BytesIO(BASE), "information_request.bpmn"),
                 "forms": [(io.BytesIO(nested.encode()), "triage.json")]}
    assert problem_fields(as_("admin").post(DEFINITIONS, data=deep_file, content_type="multipart/form-data")) == \
        {"forms.triage": "form_not_json"}
    wrong = {"file": (io.BytesIO(BASE), "information_request.bpmn"),
             "forms": json.dumps({TRIAGE: {"type": "object", "properties": {"decision": {"default": "yes"}}}})}
    assert problem_fields(as_("admin").post(DEFINITIONS, data=wrong, content_type="multipart/form-data")) == \
        {f"forms.{TRIAGE}.properties.decision.default": "form_decision_prefilled"}
    assert form_rows(sessions) == [(1, "shipped"), (2, "deployed")]


def test_a_diagram_may_name_a_form_deployed_through_the_api_or_given_with_it_and_no_other(
        as_: Any, deployed: None, sessions: Any) -> None:
    """The lint's form-exists rule knows the forms deployed (POST /forms) and those a multipart deploy brings, as
    the modeler's page does (tests/web/test_modeler_lint.py): an administrator adds a form, then a diagram that
    uses it."""
    admin = as_("admin")
    naming = BASE.replace(b'formKey="information_request/triage"', b'formKey="information_request/triage_decree"')
    assert naming != BASE
    refused = admin.post(DEFINITIONS, data=naming, headers={"Content-Type": "application/xml"})
    assert refused.status_code == 422 and "information_request/triage_decree" in refused.get_data(as_text=True)
    assert admin.post(FORMS, json={"key": "information_request/triage_decree", "schema": with_priority()}
                      ).status_code == 201
    taken = admin.post(DEFINITIONS, data=naming, headers={"Content-Type": "application/xml"})
    assert taken.status_code == 201, taken.get_json()
    given = naming.replace(b"information_request/triage_decree", b"information_request/triage_given")
    body = {"file": (io.BytesIO(given), "information_request.bpmn"),
            "forms": json.dumps({"information_request/triage_given": with_priority()})}
    with_forms = admin.post(DEFINITIONS, data=body, content_type="multipart/form-data")
    assert with_forms.status_code == 201, with_forms.get_json()


# -- jarchy init and the command line -------------------------------------------------------------------

def test_init_deploys_the_shipped_forms_as_version_1_and_never_overrides_an_administrators(
        jarchy: Callable[..., Any], as_: Any, sessions: Any, tmp_path: Path) -> None:
    assert jarchy("init").exit_code == 0
    assert form_rows(sessions) == [(1, "shipped")]
    path = tmp_path / "triage.json"
    path.write_text(json.dumps(with_priority()), encoding="utf-8")
    said = jarchy("forms", "deploy", TRIAGE, str(path))
    assert said.exit_code == 0 and "version 2 deployed" in said.output
    again = jarchy("init")
    assert again.exit_code == 0, again.output
    assert form_rows(sessions) == [(1, "shipped"), (2, "deployed")]  # the administrator's stays the latest
    latest = as_("admin").get(f"{DEFINITIONS}/{KEY}").get_json()
    assert latest["version"] == 1  # init deployed no version of the diagram for the administrator's form
    # `jarchy deploy --forms DIR` deploys the diagram with the forms of DIR/<process>/<name>.json.
    folder = tmp_path / "forms" / KEY
    folder.mkdir(parents=True)
    (folder / "triage.json").write_text(json.dumps(with_priority("Urgency")), encoding="utf-8")
    diagram = tmp_path / "information_request.bpmn"
    diagram.write_bytes(BASE)
    deployed = jarchy("deploy", str(diagram), "--forms", str(tmp_path / "forms"))
    assert deployed.exit_code == 0, deployed.output
    assert "information_request version 2 deployed" in deployed.output and f"{TRIAGE} v3" in deployed.output


# -- the migration --------------------------------------------------------------------------------------

@pytest.mark.parametrize("kind", ["sqlite", "postgresql"])
def test_the_migration_pins_the_shipped_forms_of_the_definitions_deployed_before_it(kind: str, tmp_path: Any) -> None:
    schema = f"jarchy_deployed_forms_{kind}"
    url = f"sqlite:///{tmp_path / 'old.db'}" if kind == "sqlite" else _postgres_url(schema)
    engine = make_engine(url)
    upgrade(engine, "0022")
    meta = {"start_form": "information_request/start", "tasks": {"triage": {"form": TRIAGE},
                                                                  "gone": {"form": "information_request/gone"}}}
    with engine.begin() as conn:
        conn.execute(text(
            "INSERT INTO process_definitions (key, name, version, checksum, bpmn_xml, meta, deployed_at, origin) "
            "VALUES ('information_request', 'x', 1, 'c', '<x/>', :meta, :at, 'shipped')"),
            {"meta": json.dumps(meta), "at": datetime(2026, 3, 1, 4, 0, tzinfo=UTC)})
    upgrade(engine)
    with engine.connect() as conn:
        pinned = conn.execute(text("SELECT forms FROM process_definitions")).scalar_one()
        rows = conn.execute(text("SELECT key, version, origin FROM form_versions ORDER BY key")).all()
        count = conn.execute(select(func.count()).select_from(FormVersion.__table__)).scalar_one()
    engine.dispose()
    pinned = json.loads(pinned) if isinstance(pinned, str) else pinned
    assert pinned == {"information_request/start": 1, TRIAGE: 1}  # a key with no shipped file is left out
    assert [tuple(r) for r in rows] == [("information_request/start", 1, "shipped"), (TRIAGE, 1, "shipped")]
    assert count == 2
    if kind == "postgresql":
        admin = create_engine(PG_ADMIN_URL, isolation_level="AUTOCOMMIT")
        with admin.connect() as conn:
            conn.execute(text(f'DROP SCHEMA IF EXISTS "{schema}" CASCADE'))
        admin.dispose()
