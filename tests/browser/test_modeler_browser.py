"""The administrators' modeler in a real browser: edit a deployed procedure, deploy it, see a rejected deploy's
problems at their elements; and the other admin pages at desktop and phone widths."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

from playwright.sync_api import expect

from tests.browser.conftest import choose_language, screenshot
from tests.conftest import shipped_diagram


def wait_for_the_diagram(page: Any) -> None:
    expect(page.locator("[data-bpmn-modeler]")).to_have_attribute("data-ready", "true")


def test_an_admin_renames_a_task_in_the_panel_and_deploys_version_2(open_as: Any, deployed: None) -> None:
    page = open_as("admin")
    page.get_by_role("link", name="Open in the modeler").first.click()
    wait_for_the_diagram(page)
    # A real edit: select the task on the canvas, rename it in the properties panel.
    page.locator('.djs-element[data-element-id="triage"]').click()
    page.locator('[data-group-id="group-general"] .bio-properties-panel-group-header').click()
    page.locator("#bio-properties-panel-name").fill("Sort the request")
    expect(page.locator('.djs-element[data-element-id="triage"]')).to_contain_text("Sort")
    screenshot(page, "modeler")
    with page.expect_download() as download:
        page.get_by_role("button", name="Download the XML").click()
    assert download.value.suggested_filename == "information_request.bpmn"
    assert 'name="Sort the request"' in Path(download.value.path()).read_text(encoding="utf-8")

    page.get_by_role("button", name="Deploy").click()
    expect(page.locator("#modeler-status")).to_contain_text("as version 2")
    page.get_by_role("button", name="Deploy").click()  # the same diagram again: nothing new
    expect(page.locator("#modeler-status")).to_contain_text("still version 2")

    page.get_by_role("link", name="Back to the procedures").click()
    versions = page.locator("tr[data-version]")
    expect(versions).to_have_count(2)
    expect(versions.first).to_have_attribute("data-version", "2")
    expect(versions.nth(1)).to_have_attribute("data-version", "1")
    screenshot(page, "procedures")
    page.locator('tr[data-version="2"]').get_by_role("link", name="Open in the modeler").click()
    wait_for_the_diagram(page)
    expect(page.locator('.djs-element[data-element-id="triage"]')).to_contain_text("Sort")
    assert page.js_errors == []


def test_a_broken_diagram_shows_its_problems_at_the_elements(open_as: Any, deployed: None) -> None:
    page = open_as("admin")
    page.goto("/admin/modeler")
    wait_for_the_diagram(page)
    broken = shipped_diagram("information_request.bpmn").replace(b'name="pr_head"', b'name="chief"')
    broken = re.sub(rb'(<bpmn:scriptTask id="register".*?<bpmn:script>)', rb"\1import os\n", broken, flags=re.S)
    page.locator("#modeler-upload").set_input_files(
        files=[{"name": "broken.bpmn", "mimeType": "application/xml", "buffer": broken}])
    expect(page.locator("#modeler-status")).to_contain_text("Opened broken.bpmn")
    page.get_by_role("button", name="Deploy").click()

    problems = page.locator("#modeler-problems li")
    expect(problems).to_have_count(2)
    expect(page.locator('.djs-element.jarchy-error[data-element-id="Lane_pr_head"]')).to_have_count(1)
    expect(page.locator('.djs-element.jarchy-error[data-element-id="register"]')).to_have_count(1)
    notes = page.locator(".jarchy-error-note")
    # Worded from each problem's code in the reader's language (here English), naming what is wrong.
    expect(notes.filter(has_text="The lane “chief” is not a role")).to_have_count(1)
    expect(notes.filter(has_text="Imports are not allowed in scripts (“os”)")).to_have_count(1)
    # The line of the script in the diagram as the modeler saved it (its own serialisation, not the file's).
    expect(problems.first).to_contain_text(re.compile(r"line \d+"))
    # The list leads to the element: selecting it shows it in the properties panel.
    problems.get_by_role("button").last.click()
    expect(page.locator("#bio-properties-panel-id")).to_have_value("register")
    assert page.js_errors == []


def test_the_users_and_calendar_pages_fit_a_desktop_and_a_phone(open_as: Any, deployed: None) -> None:
    for width in (1280, 375):
        page = open_as("admin", width=width)
        for path, name in (("/admin/users", "users"), ("/admin/calendar?month=2026-03", "calendar"),
                           ("/admin/units", None), ("/admin/procedures", None)):
            page.goto(path)
            if width == 1280 and name:
                screenshot(page, name)
            assert page.evaluate("document.documentElement.scrollWidth <= window.innerWidth"), (path, width)
        assert page.js_errors == []


def test_the_modeler_speaks_the_admins_language(open_as: Any, deployed: None) -> None:
    page = open_as("admin")
    page.goto("/admin/procedures/information_request/versions/1/modeler")
    choose_language(page, "ru")
    wait_for_the_diagram(page)
    expect(page.get_by_role("button", name="Инструмент «Рука»")).to_have_count(1)
    page.locator('.djs-element[data-element-id="triage"]').click()
    expect(page.locator(".bio-properties-panel-group-header-title", has_text="Общие")).to_have_count(1)
    assert page.js_errors == []


def test_a_file_that_is_no_diagram_is_refused_in_the_admins_words(open_as: Any, deployed: None) -> None:
    """bpmn-js's own reason is English ("unparsable content … detected"): the status says the page's sentence."""
    page = open_as("admin")
    page.goto("/admin/modeler")
    choose_language(page, "ru")
    wait_for_the_diagram(page)
    page.locator("#modeler-upload").set_input_files(
        files=[{"name": "notes.bpmn", "mimeType": "application/xml", "buffer": b"<notes>not a diagram</notes>"}])
    expect(page.locator("#modeler-status")).to_have_text("Не удалось открыть схему.")


def test_the_modeler_speaks_latin_uzbek(open_as: Any, deployed: None) -> None:
    page = open_as("admin")
    page.goto("/admin/procedures/information_request/versions/1/modeler")
    choose_language(page, "uz-Latn")
    wait_for_the_diagram(page)
    assert page.evaluate("document.documentElement.lang") == "uz-Latn"
    expect(page.get_by_role("button", name="«Qo\u02bbl» vositasi")).to_have_count(1)
    page.locator('.djs-element[data-element-id="triage"]').click()
    expect(page.locator(".bio-properties-panel-group-header-title", has_text="Umumiy")).to_have_count(1)
    assert page.js_errors == []


# The modeler's words a reader sees: text and the titles shown on hovering (buttons, markers, the search field's
# label), in the palette, the context pad, the search pad and every group of the properties panel. An element's
# own data (a name typed in another language, an expression) is no interface word: the shipped diagram names its
# elements in every language; form fields' values are not text. Marked lang="en": bpmn.io's logo, whose licence
# forbids changing it.
VISIBLE_WORDS = """(root) => {
  const words = [];
  // The engine's keys in the diagram (extension properties' names such as `role`) are data, not words.
  const data = '[lang="en"], [data-group-id="group-CamundaPlatform__ExtensionProperties"] ' +
    ".bio-properties-panel-collapsible-entry-header-title";
  const shown = (el) => !el.closest(data) && el.getClientRects().length > 0;
  const walker = document.createTreeWalker(root, NodeFilter.SHOW_TEXT);
  for (let node = walker.nextNode(); node; node = walker.nextNode()) {
    const parent = node.parentElement;
    if (parent && node.textContent.trim() && shown(parent) && !parent.closest("option:not(:checked)")) {
      words.push(node.textContent.trim());
    }
  }
  for (const el of root.querySelectorAll("[title], [aria-label], [placeholder]")) {
    if (el.closest(data)) continue;
    for (const name of ["title", "aria-label", "placeholder"]) {
      if (el.getAttribute(name)) words.push(el.getAttribute(name));
    }
  }
  return words;
}"""
OPEN_EVERYTHING = """(panel) => {
  panel.querySelectorAll(".bio-properties-panel-group-header:not(.open)").forEach((header) => header.click());
  for (const entry of panel.querySelectorAll(".bio-properties-panel-collapsible-entry")) {
    if (!entry.querySelector(":scope > .bio-properties-panel-collapsible-entry-entries.open")) {
      entry.querySelector(":scope > .bio-properties-panel-collapsible-entry-header").click();
    }
  }
}"""
# Names that are no word of any language: standards and formats (ISO 8601 dates, UTC, cron, BPMN, FEEL, JSON...),
# the Camunda engine and its Forms, the Java language.
NAMES = {"ISO", "UTC", "cron", "BPMN", "CMMN", "DMN", "FEEL", "JSON", "QName", "URL", "Java", "Camunda", "Forms"}
LATIN_WORD = re.compile(r"(?<![\w${])[A-Za-z][A-Za-z'’-]+")


def every_modeler_word(page: Any) -> list[str]:
    """Selects a user task, a timer event, a lane, the pool and the diagram itself; opens every panel group and
    list item of each; hovers the panel's buttons; and returns every text the modeler showed on the way."""
    texts: list[str] = []
    panel = page.locator("[data-properties-panel]")
    page.keyboard.press("Control+f")  # the search pad
    texts += page.locator("[data-bpmn-modeler]").evaluate(VISIBLE_WORDS)
    page.keyboard.press("Escape")
    for element in ("triage", "clarification_timeout", "Lane_pr_department", "Participant_information_request", None):
        if element is None:  # the diagram itself: a click outside every element
            page.locator(".djs-container svg").first.click(position={"x": 5, "y": 5})
        elif element.startswith(("Lane_", "Participant_")):  # by its name's strip, left of what it holds
            page.locator(f'.djs-element[data-element-id="{element}"]').first.click(position={"x": 12, "y": 20})
        else:
            page.locator(f'.djs-element[data-element-id="{element}"]').first.click(force=True)
        expect(panel.locator(".bio-properties-panel-header-type")).to_have_count(1)
        for _round in range(3):  # a group opened may show lists whose items open in turn
            panel.evaluate(OPEN_EVERYTHING)
            page.wait_for_timeout(100)  # Preact renders what was opened on its next frame
        for button in panel.locator("button[title]:visible").all()[:5]:
            button.hover()
        texts += page.locator("[data-bpmn-modeler]").evaluate(VISIBLE_WORDS)
    return texts


def english_words(language: str) -> set[str]:
    """The words of the modeler's English messages that the language's catalog never uses itself."""
    from babel.messages.pofile import read_po

    from api.web.modeler_messages import messages

    root = Path(__file__).resolve().parents[2] / "api" / "translations" / language / "LC_MESSAGES" / "messages.po"
    with root.open("rb") as source:
        own = {w.lower() for m in read_po(source) if isinstance(m.string, str) for w in LATIN_WORD.findall(m.string)}
    return {w.lower() for m in messages() for w in LATIN_WORD.findall(m) if len(w) > 2} - own - {"bpmn"}


def test_the_modeler_shows_no_english_in_russian(open_as: Any, deployed: None) -> None:
    page = open_as("admin")
    page.goto("/admin/procedures/information_request/versions/1/modeler")
    choose_language(page, "ru")
    wait_for_the_diagram(page)
    texts = every_modeler_word(page)
    assert "Пользовательская задача" in texts and "Дорожка" in texts, texts  # the panel header's types
    assert "Промежуточное событие получения: таймер" in texts, texts
    assert "Свернуть/развернуть раздел" in texts, texts  # the panel's own buttons (build.mjs)
    latin = sorted({w for t in texts for w in LATIN_WORD.findall(t)} - NAMES)
    assert latin == [], latin
    assert page.locator(".bjs-powered-by").get_attribute("lang") == "en"
    assert page.js_errors == []


def test_the_modeler_shows_no_english_in_latin_uzbek(open_as: Any, deployed: None) -> None:
    page = open_as("admin")
    page.goto("/admin/procedures/information_request/versions/1/modeler")
    choose_language(page, "uz-Latn")
    wait_for_the_diagram(page)
    texts = every_modeler_word(page)
    assert "Foydalanuvchi topshirigʻi" in texts, texts
    english = english_words("uz_Latn")
    found = sorted({w for t in texts for w in LATIN_WORD.findall(t) if w.lower() in english} - NAMES)
    assert found == [], found
    assert page.js_errors == []
