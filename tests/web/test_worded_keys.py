"""Issue 15, point 2: a person reads words, never the machine's keys. A sample case of each shipped procedure, read
in Russian on its case page and on the auditors' page of its events, shows no role key (`pr_department`), no event
type (`task.completed`) and no snake_case field or element name (`confirm_no_confidential`, `pr_review`)."""

from __future__ import annotations

import html
import re
from typing import Any

import pytest
from sqlalchemy import select, update

from api.cli import deployment_order, shipped_diagrams
from db.models import User
from db.vocabulary import EventType
from engine.background.sweeper import sweep
from engine.demo import seed
from engine.procedures.definitions import deploy_shipped
from tests import cases
from tests.conftest import BISHKEK
from tests.integration.test_draft_act_publication_api import DRAFT
from tests.integration.test_event_support_api import EVENT
from tests.integration.test_interview_request_api import REQUEST as INTERVIEW
from tests.web.conftest import text

SNAKE = re.compile(r"\b[a-z][a-z0-9]*(?:_[a-z0-9]+)+\b")
EVENT_KEYS = re.compile("|".join(re.escape(e.value) for e in EventType))


def visible(page: str, usernames: set[str]) -> str:
    """The text a reader sees (no tags, scripts or styles), less the usernames: people's names, not keys."""
    page = re.sub(r"<(script|style|template)\b.*?</\1>", " ", page, flags=re.S)
    words = html.unescape(re.sub(r"<[^>]+>", " ", page))
    return re.sub(r"\b(" + "|".join(map(re.escape, usernames)) + r")\b", " ", words)


@pytest.fixture
def sample_cases(app: Any, cast: Any, sessions: Any, ctx: Any, clock: Any, as_: Any) -> dict[str, int]:
    """One case of each shipped procedure, some of them worked on (the demo's), read by Russian readers."""
    shipped = shipped_diagrams()
    for name in deployment_order(shipped):
        with sessions.begin() as session:
            deploy_shipped(session, shipped[name], actor="system", at=ctx.now())
    with sessions.begin() as session:
        list(seed(session, ctx))
    cases.start(as_, "press_conference", {"format": "press_conference"})
    cases.start(as_, "interview_request", INTERVIEW)
    cases.start(as_, "event_support", EVENT)
    cases.start(as_, "draft_act_publication", DRAFT, user="ps_transport")
    moment = clock.now().replace(hour=9, second=1, tzinfo=BISHKEK)
    clock.set(moment)
    sweep(sessions, ctx, moment)  # the daily digest starts itself at 09:00
    with sessions.begin() as session:
        session.execute(update(User).where(User.username.in_(["prhead", "auditor"])).values(locale="ru"))
    listed = as_("admin").get("/api/v1/process-instances?per_page=100").get_json()["items"]
    found = {item["process_key"]: item["id"] for item in reversed(listed)}
    assert set(found) == {name.removesuffix(".bpmn") for name in shipped}
    return found


def test_a_case_and_its_audit_trail_read_in_russian_show_no_machine_key(page_as: Any, sessions: Any,
                                                                        sample_cases: dict[str, int]) -> None:
    with sessions() as session:
        usernames = set(session.scalars(select(User.username)))
    head, auditor = page_as("prhead"), page_as("auditor")
    for process_key, instance_id in sample_cases.items():
        for who, path in ((head, f"/cases/{instance_id}"), (auditor, f"/audit/cases/{instance_id}")):
            response = who.get(path)
            assert response.status_code == 200, (path, process_key)
            shown = visible(text(response), usernames)
            assert not SNAKE.findall(shown), (process_key, path, sorted(set(SNAKE.findall(shown))))
            assert not EVENT_KEYS.findall(shown), (process_key, path, sorted(set(EVENT_KEYS.findall(shown))))
    release = visible(text(auditor.get(f"/audit/cases/{sample_cases['release_approval']}")), usernames)
    # The PR department's approval: its fields by their forms' titles, its decision and the role by their words.
    assert "Задача создана" in release and "Роль" in release and "Отдел по связям" in release
    assert "Подтверждаю" in release
