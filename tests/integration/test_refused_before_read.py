"""Whoever may not act is told so before anything they sent is judged: a refusal (403) comes before a complaint
about the input (422), as it did when the views checked roles themselves, now that the engine checks."""

from __future__ import annotations

from typing import Any

import pytest


@pytest.mark.parametrize("who", ["pr", "auditor", "prhead"])
def test_a_calendar_override_by_a_non_administrator_is_refused_whatever_the_day(as_: Any, who: str) -> None:
    response = as_(who).put("/api/v1/calendar/overrides/not-a-day", json={"working": True, "reason": "Saturday"})
    assert response.status_code == 403
    assert as_("admin").put("/api/v1/calendar/overrides/not-a-day",
                            json={"working": True, "reason": "Saturday"}).status_code == 422


@pytest.mark.parametrize("who", ["pr", "auditor", "prhead"])
def test_a_deploy_by_a_non_administrator_is_refused_before_its_body_is_read(as_: Any, who: str) -> None:
    response = as_(who).post("/api/v1/process-definitions", data=b"not xml", content_type="text/plain")
    assert response.status_code == 403
    assert as_("admin").post("/api/v1/process-definitions", data=b"not xml",
                             content_type="text/plain").status_code == 422
