"""The event's pages without JavaScript: the start form in the reader's language, a case started from it (a
checkbox for open_to_press, the optional end and media plan entry left empty), and the standing task to postpone
or cancel it, completed from its page with who was told."""

from __future__ import annotations

from typing import Any

import pytest
from sqlalchemy import select

from db.models import HumanTask, ProcessInstance
from tests.conftest import deploy_shipped
from tests.web.conftest import text

START = {"title": "The mayor opens the new bus depot", "official": "Mayor", "starts_at": "2026-03-05T10:00",
         "ends_at": "", "place": "Bus depot No. 3", "format": "visit", "open_to_press": "true", "unit": "transport",
         "media_plan_entry": ""}


@pytest.fixture(autouse=True)
def deployed(app: Any, sessions: Any, ctx: Any) -> None:
    deploy_shipped(sessions, ctx, "release_approval.bpmn")
    deploy_shipped(sessions, ctx, "event_support.bpmn")


def test_the_start_form_speaks_the_readers_language(page_as: Any) -> None:
    web = page_as("pr")
    web.post("/language", {"locale": "ru", "next": "/start/event_support"})
    page = text(web.get("/start/event_support"))
    assert "Запланировать информационное обеспечение мероприятия" in page
    assert "Визит или рабочая поездка" in page and "Открыто для прессы" in page
    # The media plan's entry is the plan's to link (readOnly): never a field to type in.
    assert 'name="media_plan_entry"' not in web.get("/start/event_support").get_data(as_text=True)


def test_an_event_started_from_its_page_and_cancelled_from_the_task_page(page_as: Any, sessions: Any) -> None:
    web = page_as("pr")
    response = web.post("/start/event_support", START)
    assert response.status_code == 302, text(response)
    with sessions.begin() as session:
        instance = session.scalars(select(ProcessInstance)).one()
        assert instance.business_key == "EV-2026-000001"
        data = instance.data
        assert (data["starts_at"], data["open_to_press"], data["ends_at"], data["media_plan_entry"]) == \
            ("2026-03-05T10:00:00+06:00", True, None, None)
        task = session.scalars(select(HumanTask.id).where(HumanTask.instance_id == instance.id,
                                                          HumanTask.bpmn_id == "change_event")).one()
    page = text(web.get(f"/tasks/{task}"))
    assert "Postpone or cancel the event" in page
    assert 'checked' not in page.split('name="decision"', 1)[1].split(">", 1)[0]  # a decision is never pre-filled
    refused = web.post(f"/tasks/{task}", {"decision": "cancel", "reason": "The depot is not finished."})
    assert refused.status_code == 422
    done = web.post(f"/tasks/{task}", {"decision": "cancel", "reason": "The depot is not finished.",
                                       "told": "The mayor's office\n24.kg"})
    assert done.status_code == 302, text(done)
    with sessions.begin() as session:
        instance = session.scalars(select(ProcessInstance)).one()
        assert (instance.status, instance.data["outcome"], instance.data["told"]) == \
            ("completed", "cancelled", ["The mayor's office", "24.kg"])
