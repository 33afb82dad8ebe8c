"""Names that are markup (tests/hostile.py) in the pages whose scripts draw them: the case page's diagram and the
modeler (bpmn-js, its properties panel) show each as text, and no element or attribute of theirs reaches the page."""

from __future__ import annotations

import re
from typing import Any

from playwright.sync_api import expect

from engine.people import accounts
from engine.runtime import operations
from tests import hostile
from tests.conftest import REQUEST

# What of a payload a live page holds as markup: handlers, links and forms to the evil host, inline scripts,
# the style that hides the page.
INJECTED = """() => {
  const found = [];
  for (const el of document.querySelectorAll("*")) {
    const tag = el.tagName.toLowerCase();
    for (const name of el.getAttributeNames()) {
      const value = el.getAttribute(name) || "";
      if (name.startsWith("on")) found.push(`<${tag} ${name}>`);
      if (["href", "xlink:href", "action", "formaction", "src"].includes(name) && value.includes("evil")) {
        found.push(`<${tag} ${name}=${value}>`);
      }
    }
    if (tag === "script" && !el.src) found.push("an inline <script>");
    if (tag === "style" && el.textContent.replace(/\\s/g, "").includes("display:none")) found.push("a <style>");
  }
  if (getComputedStyle(document.body).display === "none") found.push("a hidden body");
  return found;
}"""


def drawn_text(page: Any, element_id: str) -> str:
    """The text bpmn-js draws for an element, its lines joined without the spaces where it wrapped them."""
    return re.sub(r"\s", "", page.locator(f'.djs-element[data-element-id="{element_id}"]').first.text_content())


def bare(name: str) -> str:
    return re.sub(r"\s", "", name)


def test_the_case_diagram_and_the_modeler_show_hostile_names_as_text(open_as: Any, sessions: Any, ctx: Any) -> None:
    hostile.store_everywhere(sessions, ctx, ctx.now())
    with sessions.begin() as session:
        starter = accounts.user_by_username(session, hostile.USERNAME)
        case = operations.start(session, ctx, starter, hostile.KEY,
                             REQUEST | {"subject": hostile.SUBJECT, "unit": hostile.UNIT_KEY}).id
    dialogs: list[str] = []

    staff = open_as(hostile.USERNAME)
    staff.on("dialog", lambda dialog: (dialogs.append(dialog.message), dialog.dismiss()))
    staff.goto(f"/cases/{case}")
    expect(staff.locator("[data-bpmn-viewer]")).to_have_attribute("data-ready", "true")
    assert drawn_text(staff, "work") == bare(hostile.TASK)
    assert drawn_text(staff, "nudge_label") == bare(hostile.TIMER)
    expect(staff.locator("h1")).to_contain_text(hostile.SUBJECT)
    expect(staff.locator(".who")).to_have_text(hostile.USER)
    assert staff.evaluate(INJECTED) == []
    assert staff.js_errors == []

    admin = open_as("admin")
    admin.on("dialog", lambda dialog: (dialogs.append(dialog.message), dialog.dismiss()))
    admin.goto(f"/admin/procedures/{hostile.KEY}/versions/1/modeler")
    expect(admin.locator("[data-bpmn-modeler]")).to_have_attribute("data-ready", "true")
    expect(admin.locator("h1")).to_contain_text(hostile.PROCESS)
    assert drawn_text(admin, "work") == bare(hostile.TASK)
    admin.locator('.djs-element[data-element-id="work"]').first.click()
    expect(admin.locator(".bio-properties-panel-header-label")).to_have_text(hostile.TASK)
    admin.locator('[data-group-id="group-general"] .bio-properties-panel-group-header').click()
    expect(admin.locator("#bio-properties-panel-name")).to_have_value(hostile.TASK)
    admin.locator('[data-group-id="group-documentation"] .bio-properties-panel-group-header').click()
    expect(admin.locator("#bio-properties-panel-documentation")).to_have_value(hostile.DOCUMENTATION)
    admin.locator('.djs-element[data-element-id="nudge"]').first.click()
    expect(admin.locator(".bio-properties-panel-header-label")).to_have_text(hostile.TIMER)
    assert admin.evaluate(INJECTED) == []
    assert admin.js_errors == [] and dialogs == []
