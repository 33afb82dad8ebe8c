"""The staff pages pass axe-core (tests/browser/axe.py: no serious or critical violation of WCAG 2.2 A/AA) in English
and in Russian: the inbox with tasks, a search and a saved filter, a task form sent back with its errors, the case
page (its diagram drawn, the deadline's story, a comment, the history), the dashboard and the modeler's
surroundings; the cases list, starting a case, the notifications, absences and saved filters too. A task is then
taken and completed with the keyboard alone, and the case page is read on a phone (docs/accessibility.md)."""

from __future__ import annotations

from typing import Any

import pytest
from playwright.sync_api import expect

from tests.browser.axe import violations
from tests.browser.conftest import screenshot
from tests.cases import complete, start
from tests.conftest import PASSWORD
from tests.web.test_dashboard import requests  # noqa: F401 (cases answered on time and late, as a fixture)

pytestmark = pytest.mark.usefixtures("deployed")
PHONE = 375
# The modeler's drawing surface and properties panel are bpmn-js's and @bpmn-io/properties-panel's own widgets
# (an SVG editor with its own keyboard bindings, a panel of generated inputs): their accessibility is those projects',
# not something Jarchy's templates or stylesheet can fix, and an editor's canvas has no text alternative to check.
# Everything Jarchy puts around them (headings, buttons, the language choice, the problems list) is checked.
MODELER_WIDGETS = ("[data-canvas]", "[data-properties-panel]")


@pytest.fixture
def cases(as_: Any) -> dict[str, int]:
    """Two requests: one waiting for triage, one triaged to the transport unit with a comment on it; a saved filter."""
    waiting = start(as_)
    moved = start(as_, subject="Tram lines", outlet="24.kg")
    complete(as_, "pr", moved["id"], "triage", handler="press_secretary", unit="transport",
             contributors=["transport"])
    response = as_("pr").post(f"/api/v1/process-instances/{moved['id']}/comments",
                              json={"text": "The tram depot has the figures."})
    assert response.status_code == 201, response.get_json()
    response = as_("pr").post("/api/v1/saved-filters", json={"name": "Kaktus", "list": "inbox",
                                                             "query": {"q": "Kaktus", "sort": "-due"}})
    assert response.status_code == 201, response.get_json()
    return {"waiting": waiting["id"], "moved": moved["id"]}


def diagram_drawn(page: Any) -> None:
    expect(page.locator("[data-bpmn-viewer]")).to_have_attribute("data-ready", "true")


@pytest.mark.parametrize("locale", ["en-GB", "ru-RU"])
def test_the_staff_pages_have_no_serious_accessibility_violation(open_as: Any, cases: dict[str, int],
                                                                  locale: str) -> None:
    page = open_as("pr", locale=locale, bypass_csp=True)
    page.goto("/inbox?q=Kaktus")
    assert page.locator("table.inbox tbody tr").count() == 1
    assert violations(page) == [], "inbox with a search"
    page.goto("/saved-filters")
    page.locator(".saved-filters a").first.click()
    page.wait_for_url("**/inbox?**")
    assert page.locator("#q").input_value() == "Kaktus"
    assert violations(page) == [], "inbox opened from a saved filter"
    page.goto("/inbox")
    assert page.locator("table.inbox tbody tr").count() == 1
    assert violations(page) == [], "inbox"
    for path in ("/cases?q=tram&sort=-due", "/start", "/start/information_request", "/notifications",
                 "/settings/notifications", "/absences", "/saved-filters"):
        page.goto(path)
        assert violations(page) == [], path
    page.goto("/inbox")

    page.locator("table.inbox tbody a").first.click()
    page.wait_for_url("**/tasks/*")
    page.locator("form.schema-form button[type=submit]").click()  # the triage's choices left empty
    expect(page.locator("[aria-invalid=true]").first).to_be_visible()
    assert page.locator(".field-error").count() >= 1
    assert violations(page) == [], "a task form with its errors"

    page.goto(f"/cases/{cases['moved']}")
    diagram_drawn(page)
    assert page.locator("#deadline").is_visible() and page.locator(".case-comments li").count() == 1
    assert violations(page) == [], "case page"

    admin = open_as("admin", locale=locale, bypass_csp=True)
    admin.goto("/admin/procedures")
    admin.locator("a[href$='/modeler']").first.click()
    expect(admin.locator("[data-bpmn-modeler]")).to_have_attribute("data-ready", "true")
    assert violations(admin, exclude=MODELER_WIDGETS) == [], "the modeler's surroundings"
    assert page.js_errors == [] and admin.js_errors == []


@pytest.mark.usefixtures("deployed", "requests")
@pytest.mark.parametrize("locale", ["en-GB", "ru-RU"])
def test_the_dashboard_has_no_serious_accessibility_violation(open_as: Any, locale: str) -> None:
    page = open_as("leader", locale=locale, bypass_csp=True)
    page.wait_for_url("**/dashboard")
    assert violations(page) == []


def focused(page: Any, selector: str) -> bool:
    return page.evaluate("s => document.activeElement !== null && document.activeElement.matches(s)", selector)


def tab_to(page: Any, selector: str, *, back: bool = False, limit: int = 120) -> None:
    """Presses Tab (Shift+Tab with `back`) until the element matching `selector` has the focus, and checks that the
    focus can be seen there (WCAG 2.4.7): an outline, or the browser's own ring."""
    for _ in range(limit):
        if focused(page, selector):
            break
        page.keyboard.press("Shift+Tab" if back else "Tab")
    else:
        raise AssertionError(f"{selector} is not reached with the keyboard")
    outline = page.evaluate("() => { const s = getComputedStyle(document.activeElement);"
                            " return [s.outlineStyle, s.outlineWidth]; }")
    assert outline[0] != "none" and outline[1] != "0px", (selector, outline)
    ring, around = page.evaluate(RING)
    assert max(contrast(colour, around) for colour in ring) >= 3, (selector, ring, around)


# The focus ring's colours (its outline, and a box-shadow drawn around it) and the background it is drawn on: the
# nearest ancestor's that is not transparent.
RING = """() => {
    const s = getComputedStyle(document.activeElement);
    const ring = [s.outlineColor, ...(s.boxShadow.match(/rgba?\\([^)]*\\)/g) || [])];
    for (let el = document.activeElement.parentElement; el; el = el.parentElement) {
        const bg = getComputedStyle(el).backgroundColor;
        if (bg !== 'rgba(0, 0, 0, 0)' && bg !== 'transparent') return [ring, bg];
    }
    return [ring, 'rgb(255, 255, 255)'];
}"""


def contrast(one: str, other: str) -> float:
    """WCAG's contrast ratio of two CSS colours `rgb(r, g, b)`: a focus ring needs 3:1 on its background (1.4.11)."""
    def luminance(colour: str) -> float:
        channels = [int(c) / 255 for c in colour[colour.index("(") + 1:colour.index(")")].split(",")[:3]]
        r, g, b = (c / 12.92 if c <= 0.03928 else ((c + 0.055) / 1.055) ** 2.4 for c in channels)
        return 0.2126 * r + 0.7152 * g + 0.0722 * b
    lighter, darker = sorted((luminance(one), luminance(other)), reverse=True)
    return (lighter + 0.05) / (darker + 0.05)


def test_a_task_is_taken_and_completed_with_the_keyboard_alone(open_as: Any, as_: Any) -> None:
    case = start(as_)
    complete(as_, "pr", case["id"], "triage", handler="pr_department", contributors=[])
    page = open_as(None)
    tab_to(page, "#username")
    page.keyboard.type("pr")
    page.keyboard.press("Tab")
    page.keyboard.type(PASSWORD)
    page.keyboard.press("Enter")
    page.wait_for_url("**/inbox**")
    # The first stop of every page is the way past the bar, and it shows itself.
    page.keyboard.press("Tab")
    assert focused(page, "a.skip") and page.locator("a.skip").is_visible()
    # The time left's legal ground shows on focus, and Escape hides it.
    tab_to(page, "button.left")
    tip = page.locator(".has-tip .tip").first
    expect(tip).to_be_visible()
    assert "§9" in tip.inner_text()
    page.keyboard.press("Escape")
    expect(tip).to_be_hidden()
    tab_to(page, "table.inbox a[href*='/tasks/']", back=True)
    page.keyboard.press("Enter")
    page.wait_for_url("**/tasks/*")
    assert "Prepare the answer" in page.locator("h1").inner_text()

    tab_to(page, "form[action$='/claim'] button")
    page.keyboard.press("Enter")
    expect(page.locator("form[action$='/claim']")).to_have_count(0)
    tab_to(page, "#f-answer")
    page.keyboard.type("Fares stay as they are in 2027.")
    tab_to(page, "#f-confirm_no_confidential")
    page.keyboard.press("Space")
    assert page.locator("#f-confirm_no_confidential").is_checked()
    tab_to(page, "form.schema-form button[type=submit]")
    page.keyboard.press("Enter")
    page.wait_for_url("**/inbox")
    assert page.locator(".flash.success").count() == 1

    # The case moved on: the answer waits to be sent, and its history says who completed the answer.
    assert [t["bpmn_id"] for t in as_("pr").get(f"/api/v1/tasks?instance_id={case['id']}").get_json()["items"]] \
        == ["send_answer"]
    page.goto(f"/cases/{case['id']}")
    history = page.locator("ol.timeline").inner_text()
    assert "Pr took “Prepare the answer”." in history and "Pr completed “Prepare the answer”." in history
    assert page.js_errors == []


# Whether the element matching the selector is drawn wholly inside the diagram's frame.
IN_FRAME = """s => { const el = document.querySelector(s).getBoundingClientRect();
    const frame = document.querySelector('#diagram').getBoundingClientRect();
    return el.left >= frame.left && el.right <= frame.right && el.top >= frame.top && el.bottom <= frame.bottom; }"""


def test_the_case_page_on_a_phone_lists_its_steps_and_zooms_its_diagram(open_as: Any, cases: dict[str, int]) -> None:
    page = open_as("pr", width=PHONE, height=812, bypass_csp=True)
    page.goto(f"/cases/{cases['moved']}")
    diagram_drawn(page)
    steps = page.locator("ol.case-steps li").all_inner_texts()
    assert steps[0] == "Done: Request received"
    assert "Done: Triage the request" in steps
    assert "Now, waiting for a person: Contribute to the answer" in steps
    assert any(s.startswith("May come next: ") for s in steps), steps
    # The list is read before the drawing, one step a line.
    assert page.locator("ol.case-steps").bounding_box()["y"] < page.locator("#diagram").bounding_box()["y"]
    assert page.evaluate("document.scrollingElement.scrollWidth") <= PHONE + 1

    def scale() -> float:
        return page.evaluate("() => document.querySelector('#diagram .viewport').transform.baseVal.consolidate()"
                             ".matrix.a")

    fitted = scale()
    tab_to(page, "button[data-zoom=in]")
    page.keyboard.press("Enter")
    page.keyboard.press("Enter")
    assert scale() > fitted * 1.5
    # Zoomed in, the first step (at the drawing's left edge) is out of the frame; reached by Tab, it is shown.
    first = "#diagram [role=button]"
    assert not page.evaluate(IN_FRAME, first)
    for _ in range(5):
        if focused(page, first):
            break
        page.keyboard.press("Tab")
    assert focused(page, first) and page.evaluate(IN_FRAME, first)
    assert page.locator("#diagram-step h3").inner_text() == "Request received"
    tab_to(page, "button[data-zoom=fit]", back=True)
    page.keyboard.press("Space")
    assert scale() == pytest.approx(fitted)
    assert page.evaluate("document.scrollingElement.scrollWidth") <= PHONE + 1
    assert violations(page) == []
    screenshot(page, "case-phone")
    # The deadline's legal ground opens within the screen too.
    tab_to(page, "button.left")
    expect(page.locator(".has-tip .tip").first).to_be_visible()
    assert page.evaluate("document.scrollingElement.scrollWidth") <= PHONE + 1
    assert page.js_errors == []


def test_a_tip_shown_by_the_mouse_hides_with_escape_wherever_the_focus_is(open_as: Any, as_: Any) -> None:
    case = start(as_)
    complete(as_, "pr", case["id"], "triage", handler="pr_department", contributors=[])
    page = open_as("pr")
    page.goto("/inbox")
    tip = page.locator(".has-tip .tip").first
    page.locator("button.left").first.hover()
    expect(tip).to_be_visible()
    assert page.evaluate("document.activeElement === document.body")  # the mouse showed it, not the focus
    page.keyboard.press("Escape")
    expect(tip).to_be_hidden()
    page.mouse.move(0, 0)
    page.locator("button.left").first.hover()
    expect(tip).to_be_visible()  # shown again on the next visit
    assert page.js_errors == []


def test_the_language_changes_with_its_button_not_at_each_option_passed(open_as: Any) -> None:
    """Arrows on the bar's language choice pass its options without reloading the page (WCAG 3.2.2): the page
    changes once, to the option chosen, with the button."""
    page = open_as("pr")
    page.goto("/inbox")
    posts: list[str] = []
    page.on("request", lambda r: posts.append(r.url) if r.method == "POST" else None)
    tab_to(page, "#locale")
    assert page.locator("#locale").input_value() == "en"
    page.keyboard.press("ArrowUp")  # Українська
    page.keyboard.press("ArrowUp")  # Oʻzbekcha
    tab_to(page, "form.language button[type=submit]")
    page.keyboard.press("Enter")
    expect(page.locator("html")).to_have_attribute("lang", "uz-Latn")
    assert [p.rsplit("/", 1)[1] for p in posts] == ["language"]
    assert page.locator("#locale").input_value() == "uz-Latn"


def test_the_keyboard_goes_past_the_case_diagram_in_one_step(open_as: Any, cases: dict[str, int]) -> None:
    """Each step of the drawing is a tab stop; having read the steps' list, a keyboard skips them all at once."""
    page = open_as("pr")
    page.goto(f"/cases/{cases['moved']}")
    diagram_drawn(page)
    tab_to(page, "a.skip-diagram")
    assert page.locator("a.skip-diagram").bounding_box()["x"] >= 0  # shown where it is, once focused
    page.keyboard.press("Enter")
    page.keyboard.press("Tab")
    assert focused(page, "dl.facts a"), "the case's registration number, first of its facts"
    assert page.js_errors == []
