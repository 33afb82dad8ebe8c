"""Every shipped procedure walked as a JSON-Schema form client would walk it: fill the served schema's defaults
and what it asks for, nothing else, and complete. Nothing a task serves pre-fills a decision or an attestation.

The filler knows only JSON Schema (types, formats, enums, consts, if/then, and the date bounds of ajv's format
vocabulary: `formatExclusiveMinimum`), not our procedures: a form that a generic client cannot complete from what
it is served fails here."""

from __future__ import annotations

import copy
import re
from datetime import datetime, timedelta
from typing import Any

import pytest
from jsonschema import Draft202012Validator, FormatChecker

from engine.background.sweeper import sweep
from engine.procedures.forms import is_decision
from tests.cases import attach
from tests.conftest import deploy_shipped
from tests.media import seed_media

# Called procedures first.
SHIPPED = ["press_conference", "release_approval", "information_request", "interview_request",
           "publication_response", "breach_report", "daily_digest"]
WHO = {("pr_department", None): "pr", ("pr_head", None): "prhead", ("legal", None): "lawyer",
       ("leadership", None): "leader", ("press_secretary", "transport"): "ps_transport",
       ("press_secretary", "health"): "ps_health", ("unit_head", "transport"): "head_transport",
       ("unit_head", "health"): "head_health"}
# The standard checker (the client's): our own formats (unit-key) are unknown to it and pass.
CHECKER = FormatChecker()


def value_for(prop: dict[str, Any], choice: int, now: datetime) -> Any:
    """A valid value of one field, the `choice`-th where the schema offers several."""
    if "const" in prop:
        return prop["const"]
    if "default" in prop and prop["default"] is not None:
        return copy.deepcopy(prop["default"])
    if "enum" in prop:
        options = [v for v in prop["enum"] if v is not None]
        return options[choice % len(options)]
    kind = prop.get("type", "string")
    if isinstance(kind, list):
        kind = next(k for k in kind if k != "null")
    if kind == "string":
        text = {"date-time": now.isoformat(), "date": now.date().isoformat(), "unit-key": "transport",
                "email": "desk@example.kg", "uri": "https://example.kg/a"}.get(prop.get("format", ""), "Text")
        if prop.get("format") == "date-time" and "formatExclusiveMinimum" in prop:  # a moment after the bound
            text = (datetime.fromisoformat(prop["formatExclusiveMinimum"]) + timedelta(days=1)).isoformat()
        if "pattern" in prop:  # the first of some everyday values that matches
            text = next(t for t in ("https://example.kg/a", "ky", "+996 555 000 000", "Text", "2026")
                        if re.search(prop["pattern"], t))
        return text.ljust(prop.get("minLength", 0), "x")
    if kind in ("integer", "number"):
        return max(prop.get("minimum", 1), 1)
    if kind == "boolean":
        return bool(choice % 2)
    if kind == "array":
        item = prop.get("items", {})
        if "enum" in item:
            return item["enum"][: max(prop.get("minItems", 1), 1)]
        return [value_for(item, choice, now) for _ in range(max(prop.get("minItems", 1), 1))]
    if kind == "object":
        return fill(prop, choice, now)
    raise AssertionError(f"no value for {prop}")


def fill(schema: dict[str, Any], choice: int, now: datetime) -> dict[str, Any]:
    """The served defaults and the required fields, then what the schema's conditions ask for."""
    props = schema.get("properties", {})
    data = {name: copy.deepcopy(p["default"]) for name, p in props.items() if "default" in p}
    for name in schema.get("required", []):
        data.setdefault(name, value_for(props.get(name, {}), choice, now))
    validator = Draft202012Validator(schema, format_checker=CHECKER)
    for _ in range(30):
        error = next(iter(sorted(validator.iter_errors(data), key=lambda e: len(e.absolute_path))), None)
        if error is None:
            return data
        repair(error, data, props, now)
    raise AssertionError(f"cannot fill {schema.get('title')}: {[e.message for e in validator.iter_errors(data)]}")


def repair(error: Any, data: dict[str, Any], props: dict[str, Any], now: datetime) -> None:
    target = error.instance
    if error.validator == "required":
        for name in error.validator_value:
            if name not in target:
                target[name] = value_for(error.schema.get("properties", {}).get(name) or props.get(name, {}), 0, now)
        return
    if error.validator == "anyOf":
        name = error.validator_value[0]["required"][0]
        target[name] = value_for(error.schema.get("properties", {}).get(name, {}), 0, now)
        return
    if error.validator == "not" and "required" in error.validator_value:
        for name in error.validator_value["required"]:
            target.pop(name, None)
        return
    if error.validator == "minProperties" and error.schema.get("properties"):
        name = next(iter(error.schema["properties"]))
        target[name] = value_for(error.schema["properties"][name], 0, now)
        return
    path = list(error.absolute_path)
    assert path, f"cannot repair {error.message}"
    parent: Any = data
    for step in path[:-1]:
        parent = parent[step]
    key = path[-1]
    whole = {**props.get(key, {}), **error.schema} if len(path) == 1 else error.schema
    whole.pop("default", None)  # the default is what failed
    if error.validator == "const":
        parent[key] = error.validator_value
    elif error.validator == "enum":
        parent[key] = error.validator_value[0]
    else:
        parent[key] = value_for(whole, 0, now)


@pytest.fixture
def all_shipped(app: Any, cast: Any, sessions: Any, ctx: Any) -> None:
    for name in SHIPPED:
        deploy_shipped(sessions, ctx, f"{name}.bpmn")
    seed_media(sessions, ctx)  # the registry's journalists, offered to the press conference's accreditation


def assert_standard_defaults(schema: dict[str, Any]) -> None:
    """Every `default` served is a valid value of its own field (a standard client fills it as it is)."""
    for name, prop in schema.get("properties", {}).items():
        if "default" in prop:
            errors = list(Draft202012Validator(prop, format_checker=CHECKER).iter_errors(prop["default"]))
            assert errors == [], f"{schema.get('title')}: default of {name}: {[e.message for e in errors]}"


def with_files(as_: Any, who: str, case_id: int, schema: dict[str, Any], data: dict[str, Any]) -> None:
    """A field that holds files (`x-attachment`, attachment ids) gets a file the client uploads to the case first,
    as a client of the attachments API does."""
    for name, prop in schema.get("properties", {}).items():
        if prop.get("x-attachment") and name in data and not prop.get("x-among"):
            uploaded = attach(as_, who, case_id, name=f"{name}.pdf")
            data[name] = [uploaded] if prop.get("type") == "array" else uploaded


def walk(as_: Any, sessions: Any, ctx: Any, clock: Any, process_key: str, variant: int) -> set[str]:
    """One case of `process_key` taken to its end; the tasks it went through."""
    from engine.procedures.forms import load_form, served

    if process_key == "daily_digest":
        assert sweep(sessions, ctx, clock.now()).started == 1
        (listed,) = as_("admin").get("/api/v1/process-instances?process_key=daily_digest").get_json()["items"]
        case_id = listed["id"]
    else:
        definition = as_("admin").get(f"/api/v1/process-definitions/{process_key}").get_json()
        assert definition["key"] == process_key
        schema = served(load_form(f"{process_key}/start"), clock.now())
        assert_standard_defaults(schema)
        started = as_("pr").post("/api/v1/process-instances",
                                 json={"process_key": process_key, "data": fill(schema, variant, clock.now())})
        assert started.status_code == 201, started.get_json()
        case_id = started.get_json()["id"]
    visits: dict[str, int] = {}
    for _ in range(60):
        case = as_("admin").get(f"/api/v1/process-instances/{case_id}").get_json()
        if case["status"] != "running":
            assert case["status"] == "completed", case.get("failure")
            return set(visits)
        if not case["tasks"]:
            assert case["timers"], f"{process_key} waits for neither a task nor a timer"
            due = min(datetime.fromisoformat(t["due_at"]) for t in case["timers"])
            clock.set(max(clock.now(), due + timedelta(seconds=1)))  # a timer fires once its moment has passed
            sweep(sessions, ctx, clock.now())
            continue
        listed = case["tasks"][0]
        who = WHO[(listed["role"], listed["unit"])]
        task = as_(who).get(f"/api/v1/tasks/{listed['id']}").get_json()
        schema = task["form"]["schema"] or {"type": "object"}
        assert "$now" not in str(schema), f"{task['bpmn_id']} serves a default that is no value"
        assert_standard_defaults(schema)
        decided = sorted(name for name in task["data"] if is_decision(name))
        assert decided == [], f"{task['bpmn_id']} comes with {decided} filled in"
        choice = variant if visits.get(task["bpmn_id"], 0) == 0 else 0  # a loop is left the first way
        visits[task["bpmn_id"]] = visits.get(task["bpmn_id"], 0) + 1
        data = fill(schema, choice, clock.now()) if task["form"]["schema"] else {}
        with_files(as_, who, case_id, schema, data)
        done = as_(who).post(f"/api/v1/tasks/{task['id']}/complete", json={"data": data})
        assert done.status_code == 200, (task["bpmn_id"], data, done.get_json())
    raise AssertionError(f"{process_key} did not end: {visits}, {case['tasks'] or case['timers']}")


def test_every_shipped_form_is_completed_with_what_it_serves(as_: Any, all_shipped: None, sessions: Any, ctx: Any,
                                                              clock: Any) -> None:
    reached: dict[str, set[str]] = {}
    for process_key in ["daily_digest", *SHIPPED[:-1]]:  # the digest first: the others' sweeps start digests too
        for variant in range(3):
            clock.set(datetime(2026, 3, 2 + variant, 9, 0, 1, tzinfo=clock.now().tzinfo))
            if process_key == "daily_digest" and variant:
                continue  # one a working day; the second sweep of a day starts none
            reached.setdefault(process_key, set()).update(walk(as_, sessions, ctx, clock, process_key, variant))
    # The walks reach every user task whose way opens by a choice of the form (overdue escalations open by time).
    assert {"triage", "prepare_answer", "approve_answer", "send_answer"} <= reached["information_request"]
    assert {"unit_head_review", "pr_review", "revise_draft", "translate"} <= reached["release_approval"]
    assert {"verify_facts", "draft_rebuttal", "draft_comment", "pr_approval", "publish_response",
            "assess_escalation"} <= reached["publication_response"]
    assert {"review_breach", "record_measure"} <= reached["breach_report"]
    assert {"confirm_event", "notify_media", "closing_release"} <= reached["press_conference"]
