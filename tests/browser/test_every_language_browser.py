"""Checked, not hoped (issue 15, point 8): in every interface language but English, the inbox, a task, the case page
with its drawn diagram and the modeler show no known English label and no raw key. One load of each page a language:
the two people sign in once, and their account's language changes between rounds (a page follows it at once)."""

from __future__ import annotations

import re
from typing import Any

import pytest
from playwright.sync_api import expect
from sqlalchemy import select

from db.models import HumanTask
from db.vocabulary import EventType
from engine.core.settings import LANGUAGES
from engine.people.accounts import user_by_username
from engine.runtime import operations
from tests.conftest import REQUEST

pytestmark = pytest.mark.usefixtures("deployed")

# The English source of the most visible messages (the bar, the inbox, the task and case pages, the modeler) and
# the shipped diagram's names: any of them on a Russian page is a message or a name left untranslated.
ENGLISH = (
    "Inbox", "Sign out", "Start a case", "Cases", "Language", "Due", "History", "Deploy", "Task", "Procedure",
    "Unassigned", "Overdue", "All open", "Assigned to me", "earliest due first", "Complete the task", "Take it",
    "Registered", "Diagram", "Properties", "Download the XML", "Names and documentation shown in", "New procedure",
    # information_request.bpmn
    "Media information request", "Request received", "Register and set the deadline", "Triage the request",
    "Prepare the answer", "Contribute to the answer", "Approve the answer", "Send the answer", "Answer sent",
    "Request closed", "Deadline reached", "Escalate the overdue request", "Wait for the requester",
    "PR department", "Who prepares the answer?",
)
ENGLISH_FOUND = re.compile(r"(?<![\w-])(" + "|".join(re.escape(w) for w in ENGLISH) + r")(?![\w-])")
# A key as the code spells it: snake_case (`pr_department`), an audit event type (`task.completed`).
KEY_FOUND = re.compile(r"\b[a-z]+(?:_[a-z]+)+\b|\b(?:"
                       + "|".join(re.escape(e.value) for e in EventType if "." in e.value) + r")\b")
# What a person sees: the page's text, the diagram's drawn names included (SVG text is not innerText everywhere).
VISIBLE = """() => [document.body.innerText,
  ...Array.from(document.querySelectorAll("svg text"), t => t.textContent)].join("\\n")"""


def findings(page: Any) -> list[str]:
    text = page.evaluate(VISIBLE)
    return sorted({m.group(0) for pattern in (ENGLISH_FOUND, KEY_FOUND) for m in pattern.finditer(text)})


def test_no_english_label_or_raw_key_on_the_main_pages_in_any_language(open_as: Any, sessions: Any,
                                                                        ctx: Any) -> None:
    with sessions.begin() as session:
        case = operations.start(session, ctx, user_by_username(session, "pr"), "information_request", dict(REQUEST))
        task_id = session.scalars(select(HumanTask.id).where(HumanTask.instance_id == case.id)).one()  # triage
    pr, admin = open_as("pr"), open_as("admin")
    found: dict[str, dict[str, list[str]]] = {}
    for language in (code for code in LANGUAGES if code != "en"):
        with sessions.begin() as session:
            for username in ("pr", "admin"):
                user_by_username(session, username).locale = language
        pages: dict[str, list[str]] = {}
        pr.goto("/inbox")
        pages["inbox"] = findings(pr)
        pr.goto(f"/tasks/{task_id}")
        pages["task"] = findings(pr)
        pr.goto(f"/cases/{case.id}")
        expect(pr.locator("[data-bpmn-viewer]")).to_have_attribute("data-ready", "true")
        pages["case"] = findings(pr)
        admin.goto("/admin/procedures/information_request/versions/1/modeler")
        expect(admin.locator("[data-bpmn-modeler]")).to_have_attribute("data-ready", "true")
        pages["modeler"] = findings(admin)
        found[language] = {page: words for page, words in pages.items() if words}
    left = [f"{language} {page}: {', '.join(words)}" for language, pages in found.items()
            for page, words in pages.items()]
    assert not left, "\n".join(left)
    assert pr.js_errors == [] and admin.js_errors == []
