"""Diagrams speak every language, in a real browser: the case page's diagram in the reader's language with lanes
named by their role, and the modeler editing the Russian names and keeping every language through a deploy."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

from playwright.sync_api import expect
from sqlalchemy import select

from db.models import ProcessDefinition
from engine.people.accounts import user_by_username
from engine.runtime import operations
from tests.conftest import REQUEST


def test_the_case_pages_diagram_speaks_russian(open_as: Any, deployed: None, sessions: Any, ctx: Any) -> None:
    with sessions.begin() as session:
        pr = user_by_username(session, "pr")
        pr.locale = "ru"
        instance = operations.start(session, ctx, pr, "information_request", dict(REQUEST))
    page = open_as("pr")
    page.goto(f"/cases/{instance.id}")
    expect(page.locator("[data-bpmn-viewer]")).to_have_attribute("data-ready", "true")
    expect(page.locator('.djs-element[data-element-id="triage"]')).to_contain_text("Распределить")
    expect(page.locator('.djs-element[data-element-id="Lane_pr_department"]')).to_contain_text("Отдел по связям")
    expect(page.locator('.djs-element[data-element-id="Lane_pr_department"]')).not_to_contain_text("pr_department")
    assert page.js_errors == []


def test_the_modeler_edits_the_russian_names_and_keeps_every_language(open_as: Any, deployed: None,
                                                                      sessions: Any) -> None:
    page = open_as("admin")
    page.goto("/admin/procedures/information_request/versions/1/modeler")
    expect(page.locator("[data-bpmn-modeler]")).to_have_attribute("data-ready", "true")
    triage = page.locator('.djs-element[data-element-id="triage"]')
    expect(triage).to_contain_text("Triage")
    page.get_by_label("Names shown and edited in").select_option("ru")
    expect(triage).to_contain_text("Распределить")
    triage.click()
    page.locator('[data-group-id="group-general"] .bio-properties-panel-group-header').click()
    name = page.locator("#bio-properties-panel-name")
    expect(name).to_have_value("Распределить запрос")
    name.fill("Рассортировать запрос")
    expect(triage).to_contain_text("Рассортировать")
    page.get_by_label("Names shown and edited in").select_option("en")
    expect(triage).to_contain_text("Triage")

    with page.expect_download() as download:
        page.get_by_role("button", name="Download the XML").click()
    saved = Path(download.value.path()).read_text(encoding="utf-8")
    page.get_by_role("button", name="Deploy").click()
    expect(page.locator("#modeler-status")).to_contain_text("as version 2")
    with sessions() as session:
        stored = session.scalars(select(ProcessDefinition.bpmn_xml).where(ProcessDefinition.version == 2)).one()
    for xml in (saved, stored):
        task = re.search(r'<bpmn:userTask id="triage".*?</bpmn:userTask>', xml, re.S)
        assert task is not None
        assert 'name="Triage the request"' in task.group(0)
        assert '<jarchy:label lang="ru">Рассортировать запрос</jarchy:label>' in task.group(0)
        assert '<jarchy:label lang="uz-Latn">Soʻrovni taqsimlash</jarchy:label>' in task.group(0)
        assert "Распределить запрос" not in xml
    assert page.js_errors == []
