"""The PR head reassigns several tasks from the inbox with the keyboard alone (docs/absences.md)."""

from __future__ import annotations

from typing import Any

from sqlalchemy import select

from db.models import HumanTask, User
from tests.cases import open_task, start


def test_the_pr_head_reassigns_chosen_tasks_with_the_keyboard(open_as: Any, as_: Any, deployed: None, pr2: str,
                                                              sessions: Any) -> None:
    chosen = [open_task(start(as_), "triage") for _ in range(2)]
    page = open_as("prhead")
    page.goto("/inbox?state=everyone")
    for task_id in chosen:  # each checkbox is reached and ticked from the keyboard, named by its task and case
        box = page.locator(f"#pick-{task_id}")
        box.focus()
        page.keyboard.press("Space")
        assert box.is_checked()
    page.get_by_label("Give them to").focus()
    page.get_by_label("Give them to").select_option("pr2")
    page.get_by_label("Reason").focus()
    page.keyboard.type("pr is on a course")
    page.keyboard.press("Tab")
    with page.expect_navigation():
        page.keyboard.press("Enter")  # the Reassign button
    page.get_by_text("2 tasks reassigned.").wait_for()
    with sessions() as session:
        pr2_id = session.scalars(select(User.id).where(User.username == "pr2")).one()
        assert {session.get(HumanTask, t).assignee_id for t in chosen} == {pr2_id}
    assert page.js_errors == []
