"""The OpenAPI document is complete enough to generate a client from."""

from __future__ import annotations

from typing import Any

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
