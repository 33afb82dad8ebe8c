"""Every operation of the served OpenAPI document, walked with hostile input on both databases: never a 5xx,
every error problem details, a 422 naming the parameter or field at fault, and without a token a 401 before
anything is looked up (the same for an id that exists and one that does not).

The operations, their parameters and their body schemas are read from `/api/v1/openapi.json`, so an
endpoint added later is walked too; only the valid ids to aim at (an open case, its task) come from here.
The app runs with PROPAGATE_EXCEPTIONS off, as in production, so an unexpected exception shows as a 500."""

from __future__ import annotations

import itertools
import json
from collections.abc import Callable, Iterator
from typing import Any

import pytest

from tests.cases import start
from tests.conftest import REQUEST, seeded_app
from tests.integration.test_bad_input import World, assert_problem

BIG = "99999999999999999999"  # beyond a 64-bit integer
METHODS = ("get", "post", "put", "patch", "delete")

# Who calls an operation in the walk: someone it is meant for, so that input is checked, not only the role.
CALLERS = {
    "startProcessInstance": "pr", "deliverMessage": "pr", "completeTask": "pr", "claimTask": "pr",
    "unclaimTask": "pr", "extendDeadline": "prhead", "cancelProcessInstance": "prhead", "assignTask": "prhead",
    "routeTask": "prhead",
}
_serial = itertools.count(1)
# Valid bodies where the schema alone does not make one (the walk spoils one field at a time); what must be
# unique is new each time, so that a spoiled request reaches the database rather than stop at "exists".
BODIES: dict[str, Callable[[], dict[str, Any]]] = {
    "createToken": lambda: {"username": "walker", "password": "not the password"},
    "startProcessInstance": lambda: {"process_key": "information_request", "data": REQUEST},
    "deliverMessage": lambda: {"name": "clarification", "data": {"text": "Lines 5 and 7"}},
    "completeTask": lambda: {"data": {"handler": "pr_department", "contributors": []}},
    "assignTask": lambda: {"username": "pr"},
    "routeTask": lambda: {"role": "pr_department", "unit": None},
    "createUnit": lambda: {"key": f"walked-{next(_serial)}", "name": "Walked"},
    "createUser": lambda: {"username": f"walked{next(_serial)}", "display_name": "Walked",
                           "password": "a long enough password", "roles": ["legal"]},
    "updateUser": lambda: {"display_name": "Walker"},
    "saveFilter": lambda: {"name": f"Walked {next(_serial)}", "list": "cases"},  # a name once a user
}
CLARIFY = {"handler": "pr_department", "contributors": [], "needs_clarification": True,
           "clarification_question": "Which bus lines?"}
HOSTILE_TEXT = ["", "x" * 300, "x" * 100_000, "nul\x00byte", "\ud800", "жарчы ✓", "../../etc/passwd", " ", "%s%n"]
LONG_EMAIL = "walker@" + ".".join(["b" * 60] * 4) + ".kg"  # well-formed, 253 characters
HOSTILE_VALUES = [None, True, -1, 0, 10**30, 1.5e308, -(2**63), [], [[[[[]]]]], {}, {"a": {"b": {"c": []}}},
                  {"typename": "datetime", "value": "not-a-date"}, "2026-02-30", "9999-12-31T23:59:59-12:00",
                  "0001-01-01T00:00:00+14:00", LONG_EMAIL, *HOSTILE_TEXT]
HOSTILE_QUERY = ["", "abc", "-1", "0", BIG, "1e309", "9" * 5000, "x" * 1000, "2026-02-30", "0001-01-01",
                 "9999-12-31", "9999-12-31T23:59:59-12:00", "2026-03-02T09:00:00", "true", "[]", "%", "ж"]
HOSTILE_PATH_INT = ["0", "424242", BIG, "9" * 400]
HOSTILE_PATH_TEXT = ["no-such-thing", "x" * 300, "жарчы", "%25", ".."]
GARBLED = ["Bearer", "Bearer ", "Bearer garbage", "Basic dXNlcjpwYXNz", "Bearer " + "a" * 5000,
           "Bearer eyJhbGciOiJub25lIn0.eyJzdWIiOiJhZG1pbiJ9."]


def edges(schema: dict[str, Any]) -> list[Any]:
    """The documented bounds of a value, and just past them: where an undeclared limit further in breaks."""
    out: list[Any] = []
    if "maxLength" in schema:
        out += ["x" * schema["maxLength"], "x" * (schema["maxLength"] + 1)]
    for bound, step in (("maximum", 1), ("minimum", -1)):
        if bound in schema:
            out += [schema[bound], schema[bound] + step]
    for bound in ("x-minimum", "x-maximum"):
        if bound in schema:
            out.append(schema[bound])
    if "enum" in schema:
        out += [str(value) for value in schema["enum"] if value is not None]
    return out


def deep(levels: int) -> Any:
    value: Any = "bottom"
    for _ in range(levels):
        value = {"a": value}
    return value


@pytest.fixture(scope="module")
def world(database_url: str, tmp_path_factory: pytest.TempPathFactory) -> Iterator[World]:
    with seeded_app(database_url, tmp_path_factory.mktemp("hostile_walk"), PROPAGATE_EXCEPTIONS=False) as app:
        world = World(app, "postgresql" if database_url.startswith("postgresql") else "sqlite")
        created = world.as_("admin").post("/api/v1/users", json={
            "username": "walker", "display_name": "Walker", "password": "a long enough password", "roles": ["legal"]})
        assert created.status_code == 201, created.get_json()
        yield world


@pytest.fixture(scope="module")
def openapi(world: World) -> dict[str, Any]:
    return world.as_(None).get("/api/v1/openapi.json").get_json()  # type: ignore[no-any-return]


def operations(openapi: dict[str, Any]) -> list[tuple[str, str, dict[str, Any]]]:
    found = []
    for path, item in openapi["paths"].items():
        for method, operation in item.items():
            if method in METHODS:
                params = item.get("parameters", []) + operation.get("parameters", [])
                found.append((method, path, operation | {"parameters": params}))
    assert len(found) >= 30, "the document lists every operation"
    return found


def resolve(openapi: dict[str, Any], schema: dict[str, Any]) -> dict[str, Any]:
    while "$ref" in schema:
        schema = openapi["components"]["schemas"][schema["$ref"].rsplit("/", 1)[1]]
    return schema


def is_public(operation: dict[str, Any]) -> bool:
    return operation.get("security") == []


class Target:
    """Fresh things to aim at, so that a walk that happened to succeed (a cancel, a completion) does not
    leave the next request nothing valid to reach."""

    def __init__(self, world: World) -> None:
        self.world = world
        self.task = start(world.as_)["tasks"][0]["id"]  # an open triage task
        waiting = start(world.as_)  # a case waiting for the requester's clarification (a message)
        done = world.as_("pr").post(f"/api/v1/tasks/{waiting['tasks'][0]['id']}/complete", json={"data": CLARIFY})
        assert done.status_code == 200, done.get_json()
        self.case = waiting["id"]
        notes = world.as_("pr").get("/api/v1/notifications").get_json()["items"]
        self.notification = notes[0]["id"] if notes else 1

    def path_value(self, name: str, schema: dict[str, Any]) -> str:
        known = {"instance_id": self.case, "task_id": self.task, "key": "information_request", "version": 1,
                 "username": "walker", "notification_id": self.notification, "day": "2026-03-10"}
        return str(known.get(name, 1 if schema.get("type") == "integer" else "x"))


def fill(path: str, operation: dict[str, Any], target: Target, **spoiled: str) -> str:
    for param in operation["parameters"]:
        if param["in"] == "path":
            value = spoiled.get(param["name"]) or target.path_value(param["name"], param.get("schema", {}))
            path = path.replace("{" + param["name"] + "}", value)
    return path


def valid_body(openapi: dict[str, Any], operation: dict[str, Any]) -> dict[str, Any] | None:
    content = operation.get("requestBody", {}).get("content", {})
    if "application/json" not in content:
        return None
    if operation.get("operationId") in BODIES:
        return BODIES[operation["operationId"]]()
    schema = resolve(openapi, content["application/json"]["schema"])
    return {name: example(resolve(openapi, prop)) for name, prop in schema.get("properties", {}).items()
            if name in schema.get("required", [])}


def example(schema: dict[str, Any]) -> Any:
    if "enum" in schema:
        return schema["enum"][0]
    kind = schema.get("type")
    if kind == "integer":
        return max(1, schema.get("minimum", 1))
    if kind == "number":
        return 1.0
    if kind == "boolean":
        return True
    if kind == "array":
        return []
    if kind == "object":
        return {}
    return {"email": "walker@example.kg", "date": "2026-03-10", "date-time": "2026-03-10T09:00:00+06:00"}.get(
        schema.get("format", ""), "walked")


def check(response: Any, what: str, field: str | set[str] | None = None) -> None:
    """Never a 5xx; every error problem details; a 422 names what was at fault (`field`, or one of them)."""
    text = response.get_data()[:300].decode(errors="replace")  # a PDF or a file is bytes
    assert response.status_code < 500, f"{what}: {response.status_code} {text}"
    if response.status_code >= 400:
        assert_problem(response)
    if response.status_code == 422:
        # A diagram's errors name elements or lines; a form's name its fields (without the `data.` prefix).
        named = [e.get("field") or e.get("element_id") or ("line" in e and f"line {e['line']}") or ""
                 for e in response.get_json().get("errors", [])]
        assert named and all(named), f"{what}: a 422 names no field: {text}"
        wanted = {field} if isinstance(field, str) else field or set()
        if wanted and "data" not in wanted:
            assert any(n == f or n.startswith(f"{f}.") for n in named for f in wanted), f"{what}: {named} lack {field}"


def send(world: World, who: str | None, method: str, path: str, **kw: Any) -> Any:
    client = world.as_(who)
    if who is None:
        # Hostile sign-ins come from an address of their own: the throttle they earn it must not stop the cast's.
        kw.setdefault("environ_base", {"REMOTE_ADDR": "203.0.113.66"})
    # An API client: an address that also serves a page (/public/archive) answers it JSON only when asked to.
    headers = {"Accept": "application/json"} | (kw.pop("headers", None) or {})
    return getattr(client._client, method)(path, headers=client._headers(headers), **kw)


def test_without_a_token_every_operation_is_a_401_whether_its_ids_exist_or_not(
        world: World, openapi: dict[str, Any]) -> None:
    target = Target(world)
    for method, template, operation in operations(openapi):
        if is_public(operation):
            continue
        paths = {fill(template, operation, target)}
        for param in operation["parameters"]:
            if param["in"] == "path":
                hostile = HOSTILE_PATH_INT if param.get("schema", {}).get("type") == "integer" else HOSTILE_PATH_TEXT
                paths |= {fill(template, operation, target, **{param["name"]: v}) for v in hostile}
        body = valid_body(openapi, operation)
        for path in sorted(paths):
            for header in (None, *GARBLED):
                headers = {"Authorization": header} if header else {}
                response = send(world, None, method, path, json=body, headers=headers)
                assert response.status_code == 401, f"{method.upper()} {path} {header!r}: {response.status_code}"
                assert_problem(response, 401)
                assert response.headers.get("WWW-Authenticate", "").startswith("Bearer")


def test_hostile_path_ids_are_never_a_server_error(world: World, openapi: dict[str, Any]) -> None:
    target = Target(world)
    for method, template, operation in operations(openapi):
        who = None if is_public(operation) else CALLERS.get(operation.get("operationId", ""), "admin")
        body = valid_body(openapi, operation)
        for param in operation["parameters"]:
            if param["in"] != "path":
                continue
            hostile = HOSTILE_PATH_INT if param.get("schema", {}).get("type") == "integer" else HOSTILE_PATH_TEXT
            for value in hostile:
                path = fill(template, operation, target, **{param["name"]: value})
                check(send(world, who, method, path, json=body), f"{method.upper()} {path}")


def test_hostile_query_parameters_are_a_422_naming_them_or_harmless(world: World, openapi: dict[str, Any]) -> None:
    target = Target(world)
    for method, template, operation in operations(openapi):
        who = None if is_public(operation) else CALLERS.get(operation.get("operationId", ""), "admin")
        required = {p["name"]: example(p.get("schema", {})) for p in operation["parameters"]
                    if p["in"] == "query" and p.get("required")}
        for param in operation["parameters"]:
            if param["in"] != "query":
                continue
            for value in [*HOSTILE_QUERY, *map(str, edges(param.get("schema", {})))]:
                query = {k: str(v) for k, v in required.items()} | {param["name"]: value}
                path = fill(template, operation, target)
                response = send(world, who, method, path, query_string=query)
                # With others required, the one named may be another of the request's (a range, from and to).
                check(response, f"{method.upper()} {path}?{param['name']}={value[:20]!r}", set(query))
            absurd = {"page": "1000000", "per_page": "100"} if param["name"] == "page" else {}
            if absurd:
                check(send(world, who, method, fill(template, operation, target), query_string=absurd), "last page")


def test_hostile_json_bodies_are_a_4xx_naming_the_field_and_never_a_server_error(
        world: World, openapi: dict[str, Any]) -> None:
    target = Target(world)
    for method, template, operation in operations(openapi):
        body = valid_body(openapi, operation)
        if body is None:
            continue
        who = None if is_public(operation) else CALLERS.get(operation.get("operationId", ""), "admin")
        schema = resolve(openapi, operation["requestBody"]["content"]["application/json"]["schema"])
        name = f"{method.upper()} {template}"
        consumes = "{instance_id}" in template or "{task_id}" in template  # an accepted request uses it up
        path = fill(template, operation, target)
        json_headers = {"Content-Type": "application/json"}
        for raw in ('{"a": ', "[" * 5000, '{"a": 1' + "0" * 5000 + "}", "\xff\xfe", "null", "[]", '"x"', "1e999"):
            check(send(world, who, method, path, data=raw, headers=json_headers), f"{name} body {raw[:12]!r}")
        check(send(world, who, method, path, json=body | {"unexpected_field": 1}), f"{name} unknown field")
        check(send(world, who, method, path, json=body | {"deep": deep(200)}), f"{name} deep")
        # Where the body made from the schema is refused as it is, the field at fault may be another one.
        baseline = send(world, who, method, path, json=body)
        check(baseline, f"{name} as documented")
        if baseline.status_code < 400 and consumes:
            target = Target(world)
            path = fill(template, operation, target)
        named = baseline.status_code != 422
        for field, prop in schema.get("properties", {}).items():
            for value in [*HOSTILE_VALUES, *edges(resolve(openapi, prop))]:
                spoiled = (valid_body(openapi, operation) or {}) | {field: value}
                response = send(world, who, method, path, data=json.dumps(spoiled), headers=json_headers)
                check(response, f"{name} {field}={str(value)[:30]!r}", field if named else None)
                if response.status_code < 400 and consumes:
                    target = Target(world)  # it was accepted: aim the rest at fresh ones
                    path = fill(template, operation, target)
        if operation.get("operationId") in ("startProcessInstance", "completeTask", "deliverMessage"):
            for value in HOSTILE_VALUES:
                data = {"subject": value, "text": value, "handler": value, "unit": value, "deep": deep(60)}
                check(send(world, who, method, path, json=body | {"data": data}), f"{name} data {str(value)[:30]!r}")


def test_hostile_diagrams_are_a_422_and_never_a_server_error(world: World, openapi: dict[str, Any]) -> None:
    deploy = openapi["paths"]["/api/v1/process-definitions"]["post"]
    assert "application/xml" in deploy["requestBody"]["content"]
    bomb = ('<?xml version="1.0"?><!DOCTYPE d [<!ENTITY a "aaaaaaaaaa"><!ENTITY b "&a;&a;&a;&a;&a;&a;&a;&a;">'
            '<!ENTITY c "&b;&b;&b;&b;&b;&b;&b;&b;">]><d>&c;&c;&c;&c;&c;</d>')
    external = '<?xml version="1.0"?><!DOCTYPE d [<!ENTITY e SYSTEM "file:///etc/passwd">]><d>&e;</d>'
    for body in (b"", b"\xff\xfe\x00", b"<" * 10_000, bomb.encode(), external.encode(), b"<a>" * 20_000):
        response = send(world, "admin", "post", "/api/v1/process-definitions", data=body,
                        headers={"Content-Type": "application/xml"})
        check(response, f"deploy {body[:20]!r}")
        assert response.status_code in (400, 413, 422), response.status_code
