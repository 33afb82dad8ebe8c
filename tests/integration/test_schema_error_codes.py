"""The API's own schema errors carry a specific code and its parameters (issue 15, point 4): a missing field is
`required`, a wrong type names the type expected, a bad choice lists the choices, a length or a range its limit,
an unknown field names itself. One vocabulary with the engine's field problems (docs/errors.md), so a client
words every field problem from its code, never from marshmallow's English."""

from __future__ import annotations

from typing import Any

import pytest

from engine.core.settings import LANGUAGES, ROLES


def _problems(response: Any) -> dict[str, tuple[str, dict[str, Any]]]:
    assert response.status_code == 422, response.get_json()
    assert response.mimetype == "application/problem+json"
    body = response.get_json()
    assert body["code"] == "invalid_input"
    return {e["field"]: (e["code"], e["params"]) for e in body["errors"]}


def test_a_new_user_without_its_required_fields_names_each_as_required(as_: Any) -> None:
    found = _problems(as_("admin").post("/api/v1/users", json={"display_name": "Aida"}))
    assert found == {"username": ("required", {}), "password": ("required", {}), "roles": ("required", {})}


def test_wrong_types_name_the_type_expected(as_: Any) -> None:
    found = _problems(as_("admin").post("/api/v1/users", json={
        "username": 7, "display_name": ["A"], "password": True, "roles": "pr_head", "email": "not-an-address"}))
    assert found == {"username": ("must_be_text", {}), "display_name": ("must_be_text", {}),
                     "password": ("must_be_text", {}), "roles": ("not_a_list", {}),
                     "email": ("not_an_email", {"value": "not-an-address"})}


def test_a_bad_choice_lists_the_choices(as_: Any) -> None:
    found = _problems(as_("admin").patch("/api/v1/users/pr", json={"locale": "fr", "roles": ["wizard"]}))
    assert found == {"locale": ("not_one_of", {"choices": list(LANGUAGES)}),
                     "roles.0": ("not_one_of", {"choices": list(ROLES)})}


def test_an_unknown_field_names_itself(as_: Any) -> None:
    found = _problems(as_("admin").patch("/api/v1/users/pr", json={"display_name": "P", "colour": "red"}))
    assert found == {"colour": ("unknown_field", {"field": "colour"})}


def test_lengths_give_their_limit_short_and_long(as_: Any) -> None:
    found = _problems(as_("admin").patch("/api/v1/users/pr", json={"display_name": "x" * 201, "roles": [],
                                                                   "password": "short"}))
    assert found["display_name"] == ("too_long", {"limit": 200})
    assert found["roles"] == ("too_few", {"limit": 1})
    assert found["password"][0] == "too_short" and isinstance(found["password"][1]["limit"], int)


@pytest.mark.parametrize(("query", "expected"), [
    ("page=0", ("below_minimum", {"limit": 1})),
    ("per_page=1000", ("above_maximum", {"limit": 100})),
    ("page=first", ("not_an_integer", {})),
])
def test_a_query_parameter_out_of_range_or_of_the_wrong_type_says_which(as_: Any, query: str,
                                                                        expected: tuple[str, Any]) -> None:
    field = query.partition("=")[0]
    assert _problems(as_("admin").get(f"/api/v1/users?{query}")) == {field: expected}


def test_a_change_that_changes_nothing_and_dates_out_of_order_have_codes_of_their_own(as_: Any) -> None:
    assert _problems(as_("admin").patch("/api/v1/users/pr", json={})) == {"(body)": ("nothing_to_change", {})}
    found = _problems(as_("pr").get("/api/v1/media-plan?from=2026-05-02&to=2026-05-01"))
    assert found == {"to": ("ends_before_start", {})}
    found = _problems(as_("pr").get("/api/v1/media-plan?from=someday"))
    assert found == {"from": ("not_a_date", {"value": "someday"})}


def test_the_openapi_document_still_states_the_limits(as_: Any) -> None:
    """The coded validators stay marshmallow's (apispec reads their limits)."""
    spec = as_(None).get("/api/v1/openapi.json").get_json()
    user_in = spec["components"]["schemas"]["UserIn"]["properties"]
    assert user_in["display_name"]["maxLength"] == 200 and user_in["locale"]["enum"] == list(LANGUAGES)
