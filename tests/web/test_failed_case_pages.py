"""The administrator's pages of failed cases (docs/failed_cases.md): the list says where and why each case failed in
the reader's language; a case's page offers the values of the fields its failed step reads, and its Retry and Skip
run the same engine operations as the API. Nobody else opens them or acts through them."""

from __future__ import annotations

from html import unescape
from typing import Any

from engine.people.accounts import user_by_username
from tests.cases import events
from tests.integration.test_mending import failed_mend_case, status
from tests.web.conftest import text


def test_the_list_words_each_failure_in_the_readers_language(as_: Any, page_as: Any, sessions: Any) -> None:
    case = failed_mend_case(as_)
    with sessions.begin() as session:
        user_by_username(session, "admin").locale = "ru"
    page = unescape(text(page_as("admin").get("/admin/failed-cases")))
    assert case["business_key"] in page and "«Work out the share»" in page
    assert "Скрипт шага завершился с ошибкой." in page and "ZeroDivisionError" in page
    assert "/admin/failed-cases" in unescape(text(page_as("admin").get("/admin/procedures")))


def test_the_admin_corrects_a_field_on_the_page_and_the_case_runs_again(as_: Any, page_as: Any) -> None:
    case = failed_mend_case(as_)
    admin = page_as("admin")
    page = text(admin.get(f"/admin/failed-cases/{case['id']}"))
    assert 'name="data.count"' in page and 'value="0"' in page and 'name="data.total"' in page
    assert "&#34;error&#34;: [&#34;work&#34;]" in page  # the viewer marks the failed step
    drawn = admin.get(f"/admin/failed-cases/{case['id']}/diagram.bpmn")
    assert drawn.status_code == 200 and b'id="work"' in drawn.data
    bad = admin.post(f"/admin/failed-cases/{case['id']}/retry",
                     {"data.count": "four", "data.total": "12", "reason": "Fix the count"})
    assert bad.status_code == 422 and 'id="data.count-error"' in text(bad)
    nested = admin.post(f"/admin/failed-cases/{case['id']}/retry",  # past the JSON parser's stack
                        {"data.count": "[" * 100_000 + "]" * 100_000, "data.total": "12", "reason": "Fix the count"})
    assert nested.status_code == 422 and 'id="data.count-error"' in text(nested)
    assert status(as_, case["id"])["status"] == "failed"
    done = admin.post(f"/admin/failed-cases/{case['id']}/retry",
                      {"data.count": "4", "data.total": "12", "reason": "Fix the count"})
    assert done.status_code == 302, text(done)
    shown = status(as_, case["id"])
    assert shown["status"] == "running" and shown["data"]["share"] == 3
    (event,) = events(as_, case["id"], "instance.retried")
    assert (event["before"]["data"], event["after"]["data"]) == ({"count": 0}, {"count": 4})  # total unchanged
    history = unescape(text(page_as("pr").get(f"/cases/{case['id']}")))
    assert "Admin ran “Work out the share” again: Fix the count" in history


def test_a_reason_is_required_on_the_page_and_skip_goes_on(as_: Any, page_as: Any) -> None:
    case = failed_mend_case(as_)
    admin = page_as("admin")
    blank = admin.post(f"/admin/failed-cases/{case['id']}/skip", {"element_id": "work", "skip_reason": " "})
    assert blank.status_code == 422 and 'id="skip_reason-error"' in text(blank)
    skipped = admin.post(f"/admin/failed-cases/{case['id']}/skip",
                         {"element_id": "work", "skip_reason": "Not needed"})
    assert skipped.status_code == 302
    assert status(as_, case["id"])["status"] == "running"
    assert events(as_, case["id"], "instance.skipped")[0]["after"]["reason"] == "Not needed"
    history = unescape(text(page_as("pr").get(f"/cases/{case['id']}")))
    assert "Admin skipped “Work out the share”: Not needed" in history


def test_no_one_else_opens_the_pages_or_acts_through_them(as_: Any, page_as: Any) -> None:
    case = failed_mend_case(as_)
    for user in ("prhead", "auditor", "ps_transport", "pr"):
        web = page_as(user)
        assert web.get("/admin/failed-cases").status_code == 403
        assert web.get(f"/admin/failed-cases/{case['id']}").status_code == 403
        assert web.get(f"/admin/failed-cases/{case['id']}/diagram.bpmn").status_code == 403
        assert web.post(f"/admin/failed-cases/{case['id']}/retry",
                        {"data.count": "4", "reason": "r"}).status_code == 403
        assert web.post(f"/admin/failed-cases/{case['id']}/skip",
                        {"element_id": "work", "skip_reason": "r"}).status_code == 403
    assert status(as_, case["id"])["status"] == "failed"
    assert events(as_, case["id"], "instance.retried") == events(as_, case["id"], "instance.skipped") == []
