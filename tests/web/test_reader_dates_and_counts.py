"""Dates and counts as the reader's language writes them (issue 15, point 5): a Russian page's dates are Babel's
(`31 декабря 2026 г.`, never `2026-12-31`), a task counts its working days left in the right plural form, and the
audit CSV keeps the office's clock and says which it is."""

from __future__ import annotations

import csv
import io
import re
from html import unescape
from typing import Any

from sqlalchemy import select

from db.models import HumanTask, Outlet
from engine.people.accounts import user_by_username
from engine.runtime import operations
from tests.conftest import REQUEST
from tests.web.conftest import text


def reads(sessions: Any, username: str, language: str) -> None:
    with sessions.begin() as session:
        user_by_username(session, username).locale = language


def page_text(web: Any, path: str) -> str:
    """The page as read, CLDR's narrow no-break space (`2026\u202fг.`) as a space."""
    return unescape(text(web.get(path))).replace("\u202f", " ")


def test_a_russian_page_writes_its_dates_in_russian(page_as: Any, sessions: Any) -> None:
    web = page_as("pr")
    reads(sessions, "pr", "ru")
    assert web.post("/registry/outlets", {"name": "Kaktus Media", "kind": "online", "country": "KG"}
                    ).status_code == 302
    with sessions() as session:
        outlet = session.scalars(select(Outlet.id)).one()
    added = web.post("/registry/journalists/new", [("name", "Aida Usenova"), ("outlet_id", str(outlet)),
                                                   ("email", "aida@kaktus.example"), ("languages", "ky")])
    assert added.status_code == 302
    page = added.headers["Location"]
    accredited = web.post(f"{page}/accreditations", {"valid_from": "2026-01-05", "valid_until": "2026-12-31"})
    # The long date ends with the year's abbreviation, whose full stop ends the sentence too.
    assert "аккредитован(а) до 31 декабря 2026 г.</p>" in page_text(web, accredited.headers["Location"])
    shown = page_text(web, page)
    assert "Аккредитован(а) до 31 декабря 2026 г.</p>" in shown and "5 января 2026 г." in shown
    assert "2026-12-31" not in shown.split("<main")[1].split("<form")[0]
    assert "31 декабря 2026 г." in page_text(web, "/registry/journalists")


def test_a_task_counts_its_working_days_left_in_the_readers_plural(page_as: Any, sessions: Any, ctx: Any,
                                                                   deployed: None) -> None:
    with sessions.begin() as session:
        case = operations.start(session, ctx, user_by_username(session, "pr"), "information_request", dict(REQUEST))
        task = session.scalars(select(HumanTask).where(HumanTask.instance_id == case.id)).one()
        left = ctx.cal.working_days_between(ctx.now(), task.due_at)
    web = page_as("pr")
    english = unescape(text(web.get(f"/tasks/{task.id}")))
    assert f">{left} working days left<" in english or f">{left} working day left<" in english
    for language, forms in (("ru", ("рабочий день", "рабочих дня", "рабочих дней")),
                            ("uk", ("робочий день", "робочі дні", "робочих днів"))):
        reads(sessions, "pr", language)
        shown = re.search(r'id="days-left">(.*?)<', unescape(text(web.get(f"/tasks/{task.id}"))))
        assert shown is not None
        form = forms[0] if left % 10 == 1 and left % 100 != 11 else forms[1] if 2 <= left % 10 <= 4 and not (
            12 <= left % 100 <= 14) else forms[2]
        assert shown.group(1).endswith(f"{left} {form}"), (language, shown.group(1))


def test_the_audit_csv_keeps_the_office_clock_and_names_it(page_as: Any, sessions: Any, ctx: Any,
                                                           deployed: None) -> None:
    with sessions.begin() as session:
        operations.start(session, ctx, user_by_username(session, "pr"), "information_request", dict(REQUEST))
    exported = page_as("auditor").get("/audit/events/export.csv")
    assert exported.headers["X-Time-Zone"] == "Asia/Bishkek"
    rows = list(csv.DictReader(io.StringIO(text(exported))))
    assert rows and {row["time_zone"] for row in rows} == {"Asia/Bishkek"}
    assert all(row["occurred_at"].endswith("+06:00") for row in rows)
