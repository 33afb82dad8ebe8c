"""GET /api/v1/jurisdiction: the profile in force, as staff and scripts read it."""

from __future__ import annotations

from typing import Any

import pytest

from engine.core.settings import Settings


def test_the_profile_in_force_is_shown_with_its_sources(as_: Any) -> None:
    response = as_("pr").get("/api/v1/jurisdiction")
    assert response.status_code == 200, response.get_json()
    body = response.get_json()
    assert body["key"] == "KG"
    assert body["procedures"]["information_request"]["deadline"] | {"source": ""} == {
        "amount": 14, "unit": "working_days", "verified": True, "source": ""}
    assert body["procedures"]["public_information_request"]["deadline"]["verified"] is False
    assert body["refusal_grounds"] == []


@pytest.mark.jurisdiction("UA")
class TestUnderUkraine:
    def test_the_access_law_answers(self, as_: Any) -> None:
        body = as_("auditor").get("/api/v1/jurisdiction").get_json()
        clock = body["procedures"]["public_information_request"]
        assert (body["key"], clock["deadline"]["amount"], clock["urgent"]["amount"], clock["urgent"]["unit"]) == (
            "UA", 5, 48, "hours")
        assert clock["extension"]["until"] == {"amount": 20, "unit": "working_days"}
        assert [(g["key"], g["title"][:11]) for g in body["refusal_grounds"]][0] == ("not_held", "Розпорядник")
        assert body["appeal"]["route"]["uk"].startswith("Відмову")
        restricted = body["refusal_grounds"][1]
        assert restricted["law"].startswith("п. 2 ч. 1 ст. 22")
        assert restricted["laws"]["en"].startswith("art. 22 part 1 item 2")


class TestWithTheMediaDeadlineSet:
    @pytest.fixture
    def settings(self, database_url: str, tmp_path: Any) -> Settings:
        return Settings(database_url=database_url, secret_key="test-secret-key-0123456789", var_dir=tmp_path,
                        request_deadline_days=7)

    def test_the_setting_in_force_is_shown_instead_of_the_profiles_figure(self, as_: Any) -> None:
        body = as_("pr").get("/api/v1/jurisdiction").get_json()
        deadline = body["procedures"]["information_request"]["deadline"]
        assert (deadline["amount"], deadline["unit"], deadline["verified"]) == (7, "working_days", False)
        assert "JARCHY_REQUEST_DEADLINE_DAYS" in deadline["source"]
        # The access law's own clock is not touched by the media setting.
        assert body["procedures"]["public_information_request"]["deadline"]["amount"] == 10


def test_without_a_token_the_profile_is_not_shown(as_: Any) -> None:
    assert as_(None).get("/api/v1/jurisdiction").status_code == 401
