"""The modeler's listeners, hints and pop-ups in the administrator's language (issue 15, leftovers): a listener added
to a task is titled in Russian ("Начало: Класс Java"), and the panel's hints beside it are Russian too."""

from __future__ import annotations

from typing import Any

from playwright.sync_api import expect

from tests.browser.conftest import choose_language
from tests.browser.test_modeler_browser import LATIN_WORD, NAMES, OPEN_EVERYTHING, VISIBLE_WORDS, wait_for_the_diagram


def test_a_listener_added_in_russian_is_titled_in_russian(open_as: Any, deployed: None) -> None:
    page = open_as("admin")
    page.goto("/admin/procedures/information_request/versions/1/modeler")
    choose_language(page, "ru")
    wait_for_the_diagram(page)
    panel = page.locator("[data-properties-panel]")
    page.locator('.djs-element[data-element-id="triage"]').first.click(force=True)
    for group in ("group-CamundaPlatform__ExecutionListener", "group-CamundaPlatform__TaskListener"):
        header = panel.locator(f'[data-group-id="{group}"] .bio-properties-panel-group-header')
        header.locator("button.bio-properties-panel-add-entry").click()
    texts: list[str] = []
    for _round in range(3):
        panel.evaluate(OPEN_EVERYTHING)
        page.wait_for_timeout(100)
    texts += page.locator("[data-bpmn-modeler]").evaluate(VISIBLE_WORDS)
    titles = panel.locator(".bio-properties-panel-collapsible-entry-header-title").all_inner_texts()
    assert sorted(titles) == ["Начало: Класс Java", "Создать: Класс Java"], titles
    latin = sorted({w for t in texts + titles for w in LATIN_WORD.findall(t)} - NAMES)
    assert latin == [], latin
    expect(page.locator("#label-language")).to_have_value("ru")
    assert page.js_errors == []
