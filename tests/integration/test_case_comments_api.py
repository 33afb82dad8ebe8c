"""Staff's discussion of a case through the API: a reader of the case posts, the other readers read it, nobody else
does; its author corrects it within a minute and never after; the audit trail holds every version; a mention tells
a reader and is refused for anyone else; only the case's own files and tasks are taken; nothing is deleted."""

from __future__ import annotations

import io
from typing import Any

import pytest

from tests import cases
from tests.files import pdf


@pytest.fixture
def case(as_: Any, deployed: None) -> dict[str, Any]:
    return cases.start(as_)


def comments_of(instance_id: int) -> str:
    return f"/api/v1/process-instances/{instance_id}/comments"


def say(as_: Any, user: str, instance_id: int, **body: Any) -> Any:
    return as_(user).post(comments_of(instance_id), json=body)


def attach(as_: Any, instance_id: int, name: str = "note.pdf") -> str:
    response = as_("pr").post(f"/api/v1/process-instances/{instance_id}/attachments",
                              data={"file": (io.BytesIO(pdf()), name)}, content_type="multipart/form-data")
    assert response.status_code == 201, response.get_json()
    return str(response.get_json()["id"])


def listed(as_: Any, user: str, instance_id: int, query: str = "") -> list[dict[str, Any]]:
    response = as_(user).get(comments_of(instance_id) + query)
    assert response.status_code == 200, response.get_json()
    return list(response.get_json()["items"])


def history(as_: Any, instance_id: int, kind: str) -> list[dict[str, Any]]:
    events = as_("auditor").get(f"/api/v1/process-instances/{instance_id}/history").get_json()["items"]
    return [e for e in events if e["type"] == kind]


def test_a_reader_posts_and_every_other_reader_reads_it_as_written(as_: Any, case: dict[str, Any]) -> None:
    posted = say(as_, "pr", case["id"], text="Line one\nline two <b>not bold</b>")
    assert posted.status_code == 201, posted.get_json()
    shown = posted.get_json()
    assert shown["text"] == "Line one\nline two <b>not bold</b>"
    assert shown["author"] == "pr" and shown["task_id"] is None and shown["edited_at"] is None
    assert shown["posted_at"].startswith("2026-03-02T09:00")
    for reader in ("prhead", "leader", "auditor", "admin"):
        assert [c["text"] for c in listed(as_, reader, case["id"])] == ["Line one\nline two <b>not bold</b>"], reader


def test_someone_who_may_not_read_the_case_neither_reads_nor_posts(as_: Any, case: dict[str, Any]) -> None:
    say(as_, "pr", case["id"], text="Internal")
    for outsider in ("ps_health", "lawyer"):
        assert as_(outsider).get(comments_of(case["id"])).status_code == 403
        assert say(as_, outsider, case["id"], text="Me too").status_code == 403
    assert as_(None).get(comments_of(case["id"])).status_code == 401
    assert as_("pr").get(comments_of(999999)).status_code == 404
    assert say(as_, "pr", 999999, text="Hello").status_code == 404
    assert [c["text"] for c in listed(as_, "pr", case["id"])] == ["Internal"]


def test_an_auditor_and_an_administrator_read_the_discussion_but_add_nothing(as_: Any, case: dict[str, Any]) -> None:
    for reader in ("auditor", "admin"):
        refused = say(as_, reader, case["id"], text="A remark")
        assert refused.status_code == 403 and refused.get_json()["code"] == "role_required"
    assert listed(as_, "auditor", case["id"]) == []


@pytest.mark.parametrize(("body", "field", "code"), [
    ({"text": ""}, "text", "required"),
    ({"text": "   \n "}, "text", "required"),
    ({"text": "x" * 4001}, "text", "too_long"),
    ({"text": "See the file", "attachments": ["no-such-file"]}, "attachments", "not_a_case_file"),
    ({"text": "On this task", "task_id": "no-such-task"}, "task_id", "not_a_case_task"),
])
def test_bad_input_is_refused_naming_the_field_and_nothing_is_kept(as_: Any, case: dict[str, Any],
                                                                   body: dict[str, Any], field: str,
                                                                   code: str) -> None:
    refused = say(as_, "pr", case["id"], **body)
    assert refused.status_code == 422, refused.get_json()
    assert [(e["field"], e["code"]) for e in refused.get_json()["errors"]] == [(field, code)]
    assert listed(as_, "pr", case["id"]) == []
    assert history(as_, case["id"], "case_comment.added") == []


def test_the_text_is_required_and_unknown_fields_are_refused(as_: Any, case: dict[str, Any]) -> None:
    missing = say(as_, "pr", case["id"], task_id=None)
    assert missing.status_code == 422 and [e["field"] for e in missing.get_json()["errors"]] == ["text"]
    extra = say(as_, "pr", case["id"], text="Hi", author="someone else")
    assert extra.status_code == 422 and [e["field"] for e in extra.get_json()["errors"]] == ["author"]


def test_files_and_tasks_of_another_case_are_refused(as_: Any, case: dict[str, Any]) -> None:
    other = cases.start(as_)
    foreign_file = attach(as_, other["id"])
    foreign_task = cases.task_of(as_, "pr", other["id"], "triage")["id"]
    refused = say(as_, "pr", case["id"], text="Look", attachments=[foreign_file], task_id=foreign_task)
    assert refused.status_code == 422
    assert sorted((e["field"], e["code"]) for e in refused.get_json()["errors"]) == [
        ("attachments", "not_a_case_file"), ("task_id", "not_a_case_task")]
    assert listed(as_, "pr", case["id"]) == []


def test_a_comment_on_a_task_refers_to_the_case_files_and_is_found_by_its_task(as_: Any,
                                                                              case: dict[str, Any]) -> None:
    file_id = attach(as_, case["id"])
    task = cases.task_of(as_, "pr", case["id"], "triage")
    on_task = say(as_, "pr", case["id"], text="Fares are on page 2", task_id=task["id"], attachments=[file_id])
    assert on_task.status_code == 201, on_task.get_json()
    say(as_, "prhead", case["id"], text="On the case as a whole")
    assert [c["text"] for c in listed(as_, "pr", case["id"])] == ["Fares are on page 2", "On the case as a whole"]
    only_task = listed(as_, "pr", case["id"], f"?task_id={task['id']}")
    assert [(c["text"], c["attachments"], c["task_id"]) for c in only_task] == [
        ("Fares are on page 2", [file_id], task["id"])]


def test_its_author_edits_within_a_minute_and_the_trail_keeps_both(as_: Any, case: dict[str, Any],
                                                                  clock: Any) -> None:
    posted = say(as_, "pr", case["id"], text="Fares rise in Jnauary").get_json()
    clock.advance(seconds=59)
    edited = as_("pr").patch(f"/api/v1/comments/{posted['id']}", json={"text": "Fares rise in January"})
    assert edited.status_code == 200, edited.get_json()
    assert edited.get_json()["text"] == "Fares rise in January" and edited.get_json()["edited_at"] is not None
    assert [c["text"] for c in listed(as_, "prhead", case["id"])] == ["Fares rise in January"]

    added = history(as_, case["id"], "case_comment.added")
    changed = history(as_, case["id"], "case_comment.edited")
    assert [(e["actor"], e["after"]["text"]) for e in added] == [("pr", "Fares rise in Jnauary")]
    assert [(e["actor"], e["before"]["text"], e["after"]["text"]) for e in changed] == [
        ("pr", "Fares rise in Jnauary", "Fares rise in January")]
    assert as_("auditor").get("/api/v1/audit/verify").get_json()["ok"] is True


def test_after_a_minute_a_comment_stands_as_it_is(as_: Any, case: dict[str, Any], clock: Any) -> None:
    posted = say(as_, "pr", case["id"], text="Final word").get_json()
    clock.advance(seconds=61)
    late = as_("pr").patch(f"/api/v1/comments/{posted['id']}", json={"text": "Changed my mind"})
    assert late.status_code == 409
    assert (late.get_json()["code"], late.get_json()["params"]) == ("edit_window_over", {"seconds": 60})
    assert [c["text"] for c in listed(as_, "pr", case["id"])] == ["Final word"]
    assert history(as_, case["id"], "case_comment.edited") == []


def test_only_the_author_edits_and_no_one_deletes(as_: Any, case: dict[str, Any]) -> None:
    posted = say(as_, "pr", case["id"], text="Mine").get_json()
    path = f"/api/v1/comments/{posted['id']}"
    other = as_("prhead").patch(path, json={"text": "Yours now"})
    assert other.status_code == 403 and other.get_json()["code"] == "not_comment_author"
    assert as_("ps_health").patch(path, json={"text": "Hidden"}).status_code == 404
    assert as_("pr").patch("/api/v1/comments/999999", json={"text": "None"}).status_code == 404
    assert as_("pr").delete(path).status_code == 405
    assert as_("admin").delete(path).status_code == 405
    assert [c["text"] for c in listed(as_, "pr", case["id"])] == ["Mine"]


def test_a_mention_notifies_a_reader_in_their_language(as_: Any, case: dict[str, Any], sessions: Any) -> None:
    from db.models import User

    with sessions.begin() as session:
        session.query(User).filter_by(username="leader").one().locale = "ru"
    posted = say(as_, "pr", case["id"], text="@prhead and @leader, please look. Mail press@gov.kg too.")
    assert posted.status_code == 201, posted.get_json()
    assert posted.get_json()["mentions"] == ["prhead", "leader"]
    for user in ("prhead", "leader"):
        told = as_(user).get("/api/v1/notifications").get_json()["items"]
        mention = [n for n in told if n["kind"] == "mention"]
        assert len(mention) == 1 and mention[0]["instance_id"] == case["id"], user
        assert case["business_key"] in mention[0]["message"]
    leader_told = [n for n in as_("leader").get("/api/v1/notifications").get_json()["items"] if n["kind"] == "mention"]
    assert "упоминает вас в деле" in leader_told[0]["message"]
    assert not [n for n in as_("pr").get("/api/v1/notifications").get_json()["items"] if n["kind"] == "mention"]


def test_a_mention_of_someone_who_may_not_read_the_case_is_refused_and_tells_them_nothing(
        as_: Any, case: dict[str, Any]) -> None:
    refused = say(as_, "pr", case["id"], text="@ps_health what do you think? @nobody_here")
    assert refused.status_code == 422
    assert [(e["field"], e["code"], e["params"]) for e in refused.get_json()["errors"]] == [
        ("text", "mention_not_reader", {"username": "ps_health"}),
        ("text", "mention_not_reader", {"username": "nobody_here"})]
    assert as_("ps_health").get("/api/v1/notifications").get_json()["items"] == []
    assert listed(as_, "pr", case["id"]) == []


def test_an_edit_tells_only_the_newly_mentioned(as_: Any, case: dict[str, Any]) -> None:
    posted = say(as_, "pr", case["id"], text="@prhead look").get_json()
    as_("pr").patch(f"/api/v1/comments/{posted['id']}", json={"text": "@prhead and @leader look"})
    for user, count in (("prhead", 1), ("leader", 1)):
        told = [n for n in as_(user).get("/api/v1/notifications").get_json()["items"] if n["kind"] == "mention"]
        assert len(told) == count, user
