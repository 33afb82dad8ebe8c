"""What the API answers after an operation: the names and the business key the request already holds (the acting
user's, the case's) are not read again to build the answer, and what it does not hold is still named right."""

from __future__ import annotations

from typing import Any

import pytest

from engine.reads import queries
from tests import cases

pytestmark = pytest.mark.usefixtures("deployed")


@pytest.fixture
def lookups(monkeypatch: pytest.MonkeyPatch) -> dict[str, list[set[Any]]]:
    """Every username and business-key look-up that reaches the database, by the ids it asks for."""
    asked: dict[str, list[set[Any]]] = {"usernames": [], "business_keys": []}
    for name, wanted in asked.items():
        real = getattr(queries, name)

        def spy(session: Any, ids: set[Any], real: Any = real, wanted: list[set[Any]] = wanted) -> Any:
            if {i for i in ids if i is not None}:
                wanted.append(set(ids))
            return real(session, ids)

        monkeypatch.setattr(queries, name, spy)
    return asked


def clear(lookups: dict[str, list[set[Any]]]) -> None:
    for asked in lookups.values():
        asked.clear()


def test_starting_and_completing_answer_without_looking_up_the_actor_or_the_business_key(
        as_: Any, lookups: dict[str, list[set[Any]]]) -> None:
    as_("pr")  # signed in before counting
    case = cases.start(as_, user="pr")
    assert (case["started_by"], case["tasks"][0]["business_key"]) == ("pr", case["business_key"])
    triage = case["tasks"][0]["id"]
    done = cases.completion(as_, "pr", triage, handler="pr_department", unit="transport", contributors=[])
    assert (done["task"]["assignee"], done["task"]["business_key"]) == ("pr", case["business_key"])
    assert done["instance"]["started_by"] == "pr"
    assert [t["business_key"] for t in done["instance"]["tasks"]] == [case["business_key"]]
    assert lookups == {"usernames": [], "business_keys": []}


def test_a_completion_by_someone_else_than_the_starter_names_both_reading_only_the_starter(
        as_: Any, lookups: dict[str, list[set[Any]]]) -> None:
    case = cases.start(as_, user="pr")
    after_triage = cases.completion(as_, "pr", case["tasks"][0]["id"], handler="press_secretary",
                                    unit="transport", contributors=[])
    prepare = after_triage["instance"]["tasks"][0]
    as_("ps_transport")
    clear(lookups)
    done = cases.completion(as_, "ps_transport", prepare["id"], answer="Fares stay as they are in 2027.",
                            confirm_no_confidential=True, refuse=False)
    assert (done["task"]["assignee"], done["instance"]["started_by"]) == ("ps_transport", "pr")
    assert done["task"]["business_key"] == done["instance"]["business_key"] == case["business_key"]
    assert len(lookups["usernames"]) == 1 and lookups["business_keys"] == []


def test_claiming_answers_with_the_claimants_name_without_looking_it_up(
        as_: Any, lookups: dict[str, list[set[Any]]]) -> None:
    case = cases.start(as_, user="pr")
    clear(lookups)
    claimed = as_("pr").post(f"/api/v1/tasks/{case['tasks'][0]['id']}/claim")
    assert claimed.status_code == 200, claimed.get_json()
    assert (claimed.get_json()["assignee"], claimed.get_json()["business_key"]) == ("pr", case["business_key"])
    assert lookups["usernames"] == []
