"""bpmnlint in the modeler (bpmn-js-bpmnlint with assets/lint/config.js): a problem is marked on its element as
the diagram is opened or drawn, with the count on the linter's button, and goes when it is fixed."""

from __future__ import annotations

import re
from typing import Any

from playwright.sync_api import expect

from tests.conftest import shipped_diagram


def open_file(page: Any, name: str, data: bytes) -> None:
    page.locator("#modeler-upload").set_input_files(files=[{"name": name, "mimeType": "application/xml",
                                                             "buffer": data}])
    expect(page.locator("#modeler-status")).to_contain_text(f"Opened {name}")


def test_a_lane_that_is_no_role_is_marked_on_the_lane_and_goes_when_fixed(open_as: Any, deployed: None) -> None:
    page = open_as("admin")
    page.goto("/admin/modeler")
    expect(page.locator("[data-bpmn-modeler]")).to_have_attribute("data-ready", "true")
    good = shipped_diagram("information_request.bpmn")
    open_file(page, "broken.bpmn", good.replace(b'name="pr_head"', b'name="chief"'))
    lane = page.locator('[data-element-id="Lane_pr_head"]')
    overlay = page.locator('.djs-overlay-container [data-container-id="Lane_pr_head"] .bjsl-overlay')
    expect(overlay).to_have_count(1)
    overlay.locator(".bjsl-icon").hover()
    expect(overlay.locator('li.error[data-rule="jarchy/lane-is-role"]')).to_contain_text("chief")
    expect(page.locator(".bjsl-button")).to_contain_text("1")
    assert lane.count() == 1
    open_file(page, "fixed.bpmn", good)
    expect(page.locator('.djs-overlay-container [data-container-id="Lane_pr_head"] .bjsl-overlay')).to_have_count(0)
    expect(page.locator(".bjsl-button.bjsl-button-error")).to_have_count(0)


def test_a_script_the_sandbox_refuses_is_marked_on_its_task_from_the_servers_check(open_as: Any,
                                                                                   deployed: None) -> None:
    page = open_as("admin")
    page.goto("/admin/modeler")
    expect(page.locator("[data-bpmn-modeler]")).to_have_attribute("data-ready", "true")
    broken = re.sub(rb'(<bpmn:scriptTask id="register".*?<bpmn:script>)', rb"\1import os\n",
                    shipped_diagram("information_request.bpmn"), flags=re.S)
    open_file(page, "script.bpmn", broken)
    overlay = page.locator('.djs-overlay-container [data-container-id="register"] .bjsl-overlay')
    expect(overlay).to_have_count(1)
    # The list drops down on hover; the task sits under the palette, so its words are read without it.
    expect(overlay.locator('li.error[data-rule="jarchy/script-compiles"]')).to_contain_text("os")
    assert page.js_errors == []
