"""The OpenAPI document is complete enough to generate a client from."""

from __future__ import annotations

import io
import re
from typing import Any

import pytest
from sqlalchemy import select

from db.models import AuditEvent, Publication
from engine.audit import checkpoints
from engine.runtime.publications import media
from tests.cases import complete
from tests.conftest import REQUEST, deploy_shipped, seal_audit
from tests.files import png
from tests.migrating import deploy_v2

METHODS = {"get", "post", "put", "patch", "delete"}


def test_every_operation_has_a_unique_operation_id(app: Any) -> None:
    spec = app.test_client().get("/api/v1/openapi.json").get_json()
    ids = [op.get("operationId") for path in spec["paths"].values() for m, op in path.items() if m in METHODS]
    assert None not in ids and len(ids) == len(set(ids)) and len(ids) >= 30


def test_sign_in_and_health_need_no_token_in_the_document(app: Any) -> None:
    spec = app.test_client().get("/api/v1/openapi.json").get_json()
    assert spec["paths"]["/api/v1/auth/token"]["post"]["security"] == []
    assert spec["paths"]["/healthz"]["get"]["security"] == []
    assert spec["paths"]["/api/v1/auth/token"]["post"]["operationId"] == "createToken"


# What a GET needs to answer 200: the ids of things that exist, and the required query parameters.
EXAMPLES = {"key": "information_request", "version": "1", "username": "pr", "day": "2026-03-10",
            "from": "2026-03-01", "to": "2026-03-31", "start": "2026-03-02", "days": "14", "unit_key": "transport",
            "form_key": "information_request/triage"}


def _declared(spec: dict[str, Any], operation: dict[str, Any], status: int) -> set[str]:
    response = operation["responses"].get(str(status)) or operation["responses"].get("default", {})
    if "$ref" in response:
        response = spec["components"]["responses"][response["$ref"].rsplit("/", 1)[1]]
    return set(response.get("content", {}))


@pytest.mark.usefixtures("deployed")
def test_every_content_type_a_route_serves_is_declared_in_the_document(app: Any, as_: Any, sessions: Any,
                                                                       ctx: Any) -> None:
    """CSV, Atom, BPMN XML and JSON alike: each GET is asked for every representation its parameters offer."""
    spec = app.test_client().get("/api/v1/openapi.json").get_json()
    case = as_("pr").post("/api/v1/process-instances", json={"process_key": "information_request",
                                                              "data": REQUEST}).get_json()
    notes = as_("pr").get("/api/v1/notifications").get_json()["items"]
    deploy_shipped(sessions, ctx, "public_information_request.bpmn")
    filed = app.test_client().post("/public/requests", json={
        "requester_kind": "person", "requester_name": "A. Person", "contact": {"phone": "+996 555 000000"},
        "subject": "Parks", "question": "How many parks?"}).get_json()
    # The filed request is answered with a photo, so that its document downloads with the token.
    asked = as_("pr").get(f"/api/v1/process-instances?business_key={filed['reference']}").get_json()["items"][0]
    complete(as_, "pr", asked["id"], "triage", decision="answer", handler="pr_department", contributors=[])
    photo = as_("pr").post(f"/api/v1/process-instances/{asked['id']}/attachments",
                           data={"file": (io.BytesIO(png(64, 48)), "photo.png")},
                           content_type="multipart/form-data").get_json()
    complete(as_, "pr", asked["id"], "prepare_answer", answer="Twelve.", confirm_no_confidential=True, refuse=False,
             partly_refuse=False, documents=[photo["id"]])
    complete(as_, "pr", asked["id"], "send_answer", sent_via="portal")
    with sessions.begin() as session:  # the photo published with a release too, so that anyone may download it
        session.add(Publication(feed="releases", kind="press_release", instance_id=asked["id"],
                                business_key=asked["business_key"], published_at=ctx.now(),
                                content={"translations": {}, "media": media(session, asked["id"], [photo["id"]])}))
        draft = Publication(feed="drafts", kind="draft_act", instance_id=asked["id"],  # a draft act with the photo
                            business_key=asked["business_key"], published_at=ctx.now(),
                            content={"title": "A draft", "text": "Its text",
                                     "files": media(session, asked["id"], [photo["id"]])})
        session.add(draft)
        session.flush()
        draft_id = draft.id
    entry = as_("pr").post("/api/v1/media-plan", json={"title": "Briefing", "official": "The mayor",
                                                        "starts_at": "2026-03-10T10:00", "open_to_press": True})
    feed = as_("admin").post("/api/v1/media-plan/feed-link").get_json()
    deploy_v2(sessions, ctx)  # a dry run of moving the cases to it, to be read
    planned = as_("admin").post("/api/v1/process-definitions/information_request/migrations",
                                json={"from_version": 1, "to_version": 2, "dry_run": True}).get_json()
    values = EXAMPLES | {"instance_id": str(case["id"]), "task_id": case["tasks"][0]["id"],
                         "entry_id": str(entry.get_json()["id"]),
                         "notification_id": str(notes[0]["id"]), "reference": filed["reference"],
                         "token": filed["tracking_token"], "attachment_id": photo["id"],
                         "publication_id": str(draft_id), "migration_id": str(planned["id"])}
    seal_audit(sessions)
    with sessions.begin() as session:  # a signed checkpoint, so that proofs are served
        signed = checkpoints.create(session, ctx.settings, ctx.now())
        first_event = session.scalars(select(AuditEvent.id).where(AuditEvent.seq == 1)).one()
    values |= {"event_id": str(first_event)}
    sizes = {"from": str(signed.size), "to": str(signed.size)}  # the consistency proof's (the calendar's are days)
    served: set[tuple[str, str]] = set()
    for path, item in spec["paths"].items():
        operation = item.get("get")
        if operation is None:
            continue
        params = item.get("parameters", []) + operation.get("parameters", [])
        url = re.sub(r"{(\w+)}", lambda m: values[m.group(1)], path)
        # The calendar feed's token is a private link's, the portal's a tracking token.
        known = values | ({"token": feed["token"]} if path.endswith(".ics") else {}) | (
            sizes if path.endswith("/consistency") else {})
        required = {p["name"]: known[p["name"]] for p in params if p["in"] == "query" and p.get("required")}
        choices = [{}] + [{p["name"]: value} for p in params if p["in"] == "query"
                          for value in p.get("schema", {}).get("enum", [])]
        client = as_(None) if operation.get("security") == [] else as_("admin")
        statuses = []
        for choice in choices:
            response = client.get(url, query_string=required | choice)
            statuses.append(response.status_code)
            declared = _declared(spec, operation, response.status_code)
            assert response.mimetype in declared, (
                f"GET {url}?{choice}: {response.status_code} {response.mimetype} is not declared ({declared})")
            served.add((path, response.mimetype))
        assert any(200 <= s < 300 for s in statuses), f"GET {url} never answered 2xx: {statuses}"
    assert {("/api/v1/audit", "text/csv"), ("/public/releases.atom", "application/atom+xml"),
            ("/api/v1/process-definitions/{key}/bpmn", "application/xml"),
            ("/api/v1/media-plan.ics", "text/calendar")} <= served
