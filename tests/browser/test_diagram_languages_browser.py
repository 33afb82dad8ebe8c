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
    page.get_by_label("Names and documentation shown in").select_option("ru")
    expect(triage).to_contain_text("Распределить")
    triage.click()
    page.locator('[data-group-id="group-general"] .bio-properties-panel-group-header').click()
    name = page.locator("#bio-properties-panel-name")
    expect(name).to_have_value("Распределить запрос")
    name.fill("Рассортировать запрос")
    expect(triage).to_contain_text("Рассортировать")
    page.get_by_label("Names and documentation shown in").select_option("en")
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


def _deployed_version_2(sessions: Any) -> str:
    with sessions() as session:
        return str(session.scalars(select(ProcessDefinition.bpmn_xml).where(ProcessDefinition.version == 2)).one())


def _element(xml: str, tag: str, element_id: str) -> str:
    found = re.search(rf'<bpmn:{tag} id="{element_id}".*?(?:/>|</bpmn:{tag}>)', xml, re.S)
    assert found is not None, element_id
    return found.group(0)


def test_the_modeler_edits_the_documentation_in_the_language_chosen(open_as: Any, deployed: None,
                                                                    sessions: Any) -> None:
    english = ("Regulation on interaction with the media, §9: the PR department answers itself or assigns the press "
               "secretary of the unit concerned; §10: sector departments or unit heads contribute where needed.")
    shipped_russian = "Положение о взаимодействии со СМИ, п. 9: отдел по связям с общественностью отвечает сам"
    russian = "Положение о взаимодействии со СМИ, п. 9: отвечает отдел по связям с общественностью."
    page = open_as("admin")
    page.goto("/admin/procedures/information_request/versions/1/modeler")
    expect(page.locator("[data-bpmn-modeler]")).to_have_attribute("data-ready", "true")
    language = page.locator("#label-language")
    page.locator('.djs-element[data-element-id="triage"]').click()
    page.locator('[data-group-id="group-documentation"] .bio-properties-panel-group-header').click()
    documentation = page.locator("#bio-properties-panel-documentation")
    entry = page.locator('[data-entry-id="documentation"]')
    expect(documentation).to_have_value(english)
    expect(entry).not_to_contain_text("In English")

    # Each language shows its own text and edits it alone.
    language.select_option("ru")
    expect(documentation).to_have_value(re.compile("^" + re.escape(shipped_russian)))
    documentation.fill(russian)
    documentation.blur()
    # A language left without documentation shows the English under it, to translate from.
    language.select_option("ky")
    expect(documentation).to_have_value(re.compile("^ЖМК менен өз ара"))
    documentation.fill("")
    documentation.blur()
    expect(entry).to_contain_text(f"In English: {english}")
    language.select_option("ru")
    expect(documentation).to_have_value(russian)
    expect(entry).not_to_contain_text("In English")
    # Undo reaches no further back than the switch: the Russian text stays Russian.
    page.locator(".modeler-canvas").click(position={"x": 5, "y": 5})
    page.keyboard.press("Control+z")
    page.locator('.djs-element[data-element-id="triage"]').click()
    expect(documentation).to_have_value(russian)
    language.select_option("en")
    expect(documentation).to_have_value(english)
    language.select_option("ru")
    # The pool's process documentation too (the documentation group stays open).
    page.locator('.djs-element[data-element-id="Participant_information_request"]').click(position={"x": 8, "y": 300})
    process = page.locator("#bio-properties-panel-processDocumentation")
    expect(process).to_have_value(re.compile("^Информационный запрос СМИ: мэрия"))
    process.fill("Запрос информации от СМИ: Положение о взаимодействии со СМИ (002).")
    process.blur()

    page.get_by_role("button", name="Deploy").click()
    expect(page.locator("#modeler-status")).to_contain_text("as version 2")
    xml = _deployed_version_2(sessions)
    task = _element(xml, "userTask", "triage")
    assert f"<bpmn:documentation>{english}</bpmn:documentation>" in task
    assert f'<jarchy:documentation lang="ru">{russian}</jarchy:documentation>' in task
    assert 'jarchy:documentation lang="ky"' not in task
    assert '<jarchy:documentation lang="uk">Положення про взаємодію із ЗМІ, п. 9' in task
    process_head = xml[xml.index('<bpmn:process id="information_request"'):xml.index("<bpmn:laneSet")]
    assert "<bpmn:documentation>Media information request: Bishkek mayor's office" in process_head
    assert ('<jarchy:documentation lang="ru">Запрос информации от СМИ: Положение о взаимодействии со СМИ (002).'
            "</jarchy:documentation>") in process_head
    assert page.js_errors == []


def test_the_modeler_draws_lanes_by_their_role_and_chooses_a_role_from_the_list(open_as: Any, deployed: None,
                                                                               sessions: Any) -> None:
    with sessions.begin() as session:
        user_by_username(session, "admin").locale = "ru"
    page = open_as("admin")
    page.goto("/admin/procedures/information_request/versions/1/modeler")
    expect(page.locator("[data-bpmn-modeler]")).to_have_attribute("data-ready", "true")
    # Opened in the administrator's language: the lanes name their roles in Russian, never by their keys.
    pr_department = page.locator('.djs-element[data-element-id="Lane_pr_department"]')
    expect(pr_department).to_contain_text("Отдел по связям с общественностью")
    expect(pr_department).not_to_contain_text("pr_department")
    expect(page.locator(".modeler-canvas")).not_to_contain_text("pr_head")
    page.locator("#label-language").select_option("uk")
    expect(pr_department).to_contain_text("Відділ зі зв")

    # The panel chooses a lane's role from the roles, by name.
    page.locator("#label-language").select_option("ru")
    head = page.locator('.djs-element[data-element-id="Lane_pr_head"]')
    head.click(position={"x": 10, "y": 30})
    page.locator('[data-group-id="group-general"] .bio-properties-panel-group-header').click()
    role = page.locator("#bio-properties-panel-name")
    expect(role).to_have_value("pr_head")
    expect(role.locator("option:checked")).to_have_text("Руководитель отдела по связям с общественностью")
    role.select_option(label="Руководство")
    expect(head).to_contain_text("Руководство")

    page.get_by_role("button", name="Развернуть", exact=True).click()
    expect(page.locator("#modeler-status")).to_have_class(re.compile("ok"))
    xml = _deployed_version_2(sessions)
    assert '<bpmn:lane id="Lane_pr_department" name="pr_department">' in xml
    assert '<bpmn:lane id="Lane_pr_head" name="leadership">' in xml
    assert "Руководство" not in xml
    assert page.js_errors == []
