"""The release approval procedure, driven through the REST API with users of the right roles: its state,
tasks, published output (JSON and Atom, without authentication) and audit events after every branch."""

from __future__ import annotations

from datetime import datetime, timedelta
from functools import partial
from typing import Any

import pytest
from defusedxml import ElementTree

from engine.background.sweeper import sweep
from tests import cases
from tests.cases import complete, inbox, open_tasks, submit, task_of
from tests.conftest import BISHKEK, deploy_shipped

ATOM = "{http://www.w3.org/2005/Atom}"
EMBARGO = "2026-03-05T10:00:00+06:00"  # Thu 5 Mar 2026; the clock stands at Mon 2 Mar 2026, 09:00
DRAFT = {
    "kind": "press_release",
    "title": "Forty streets to be repaired in 2026",
    "body": "The transport unit will repair forty streets in 2026.",
    "unit": "transport",
}
TRANSLATIONS = {
    "ky": {"title": "2026-жылы кырк көчө оңдолот", "body": "Транспорт бөлүмү 2026-жылы кырк көчөнү оңдойт."},
    "ru": {"title": "В 2026 году отремонтируют сорок улиц", "body": "Транспортный отдел отремонтирует сорок улиц."},
}
PR_APPROVE = {"decision": "approve", "confirm_no_confidential": True}


@pytest.fixture(autouse=True)
def release_approval_deployed(app: Any, sessions: Any, ctx: Any) -> None:
    deploy_shipped(sessions, ctx, "release_approval.bpmn")


# A draft release of the transport unit, by its press secretary unless a test says who.
start = partial(cases.start, process_key="release_approval", data=DRAFT, user="ps_transport")


def public(as_: Any) -> list[dict[str, Any]]:
    response = as_(None).get("/public/releases")
    assert response.status_code == 200
    return response.get_json()["items"]


def atom_entries(as_: Any) -> list[dict[str, str]]:
    response = as_(None).get("/public/releases.atom")
    assert response.status_code == 200
    assert response.mimetype == "application/atom+xml"
    feed = ElementTree.fromstring(response.data)  # the standard library's parser, defused
    assert feed.tag == f"{ATOM}feed"
    assert feed.findtext(f"{ATOM}title") == "Press releases"
    return [{"id": e.findtext(f"{ATOM}id") or "", "title": e.findtext(f"{ATOM}title") or "",
             "content": e.findtext(f"{ATOM}content") or "", "published": e.findtext(f"{ATOM}published") or ""}
            for e in feed.findall(f"{ATOM}entry")]


def published_events(as_: Any, instance_id: int) -> list[dict[str, Any]]:
    items = as_("auditor").get(f"/api/v1/audit?type=publication.published&instance_id={instance_id}").get_json()
    return items["items"]


def agreed_and_translated(as_: Any, case: dict[str, Any]) -> dict[str, Any]:
    """Through both reviews and the translation, to the PR department's publish task."""
    complete(as_, "head_transport", case["id"], "unit_head_review", decision="approve")
    complete(as_, "pr", case["id"], "pr_review", **PR_APPROVE, comment="Agreed.")
    after = complete(as_, "ps_transport", case["id"], "translate", translations=TRANSLATIONS)
    assert open_tasks(after) == [("publish", "pr_department", None)]
    return after


def test_a_draft_gets_a_number_and_goes_to_its_units_head(as_: Any) -> None:
    case = start(as_)
    assert case["business_key"] == "PR-2026-000001"
    assert (case["status"], case["started_by"], case["unit"]) == ("running", "ps_transport", "transport")
    assert case["data"]["embargo_until"] is None and case["data"]["review_comments"] == []
    assert open_tasks(case) == [("unit_head_review", "unit_head", "transport")]
    assert case["timers"] == []
    assert start(as_, user="pr", unit="health")["business_key"] == "PR-2026-000002"  # the PR department may start too
    task = task_of(as_, "head_transport", case["id"], "unit_head_review")
    assert task["form"]["key"] == "release_approval/unit_head_review"
    assert task["data"] == {}  # nothing of the form's is known yet
    assert inbox(as_, "head_health", case["id"]) == []


def test_only_press_secretaries_and_the_pr_department_may_start(as_: Any) -> None:
    for user in ("head_transport", "leader", "lawyer"):
        response = as_(user).post("/api/v1/process-instances", json={"process_key": "release_approval",
                                                                      "data": DRAFT})
        assert response.status_code == 403, user
    response = as_("ps_transport").post("/api/v1/process-instances",
                                        json={"process_key": "release_approval", "data": DRAFT | {"unit": "x"}})
    assert response.status_code == 422
    assert [e["field"] for e in response.get_json()["errors"]] == ["unit"]
    assert as_("admin").get("/api/v1/process-instances").get_json()["total"] == 0


def test_straight_approval_is_published_in_both_languages_then_distributed(as_: Any, clock: Any) -> None:
    case = start(as_)
    after = complete(as_, "head_transport", case["id"], "unit_head_review", decision="approve")
    assert open_tasks(after) == [("pr_review", "pr_department", None)]
    after = complete(as_, "pr", case["id"], "pr_review", **PR_APPROVE, comment="Agreed.")
    assert open_tasks(after) == [("translate", "press_secretary", "transport")]
    translate = task_of(as_, "ps_transport", case["id"], "translate")
    assert translate["form"]["schema"]["properties"]["translations"]["x-publication-languages"] is True
    after = complete(as_, "ps_transport", case["id"], "translate", translations=TRANSLATIONS)
    assert open_tasks(after) == [("publish", "pr_department", None)]
    assert public(as_) == [] and atom_entries(as_) == []  # agreed and translated, but not yet published

    clock.set(datetime(2026, 3, 2, 11, 30, tzinfo=BISHKEK))
    done = complete(as_, "pr", case["id"], "publish")
    assert done["status"] == "completed" and done["tasks"] == [] and done["timers"] == []
    assert datetime.fromisoformat(done["completed_at"]) == clock.now()
    assert done["data"]["outcome"] == "published"
    assert done["data"]["distributed_at"] == "2026-03-02T11:30:00+06:00"
    assert [(c["review"], c["decision"], c["comment"]) for c in done["data"]["review_comments"]] == [
        ("unit_head_review", "approve", ""), ("pr_review", "approve", "Agreed.")]

    (item,) = public(as_)
    assert set(item) == {"id", "business_key", "kind", "published_at", "translations", "media"}
    assert item["media"] == []  # none chosen
    assert (item["business_key"], item["kind"], item["translations"]) == \
        (case["business_key"], "press_release", TRANSLATIONS)
    assert datetime.fromisoformat(item["published_at"]) == clock.now()
    assert item["published_at"].endswith("+06:00")

    (entry,) = atom_entries(as_)
    assert entry["id"].endswith(f"/public/releases/{item['id']}")
    assert entry["title"] == TRANSLATIONS["ky"]["title"]
    for lang, text in TRANSLATIONS.items():
        assert f"[{lang}] {text['title']}\n{text['body']}" in entry["content"]
    assert datetime.fromisoformat(entry["published"]) == clock.now()

    (event,) = published_events(as_, case["id"])
    assert (event["actor"], event["subject"]) == ("pr", f"releases:{item['id']}")
    assert event["after"] == {"feed": "releases", "kind": "press_release", "translations": TRANSLATIONS, "media": []}
    history = as_("auditor").get(f"/api/v1/process-instances/{case['id']}/history").get_json()["items"]
    types = [e["type"] for e in history]
    assert types.index("publication.published") < types.index("instance.completed")
    assert types.count("task.completed") == 4


def test_the_unit_head_then_the_pr_department_send_it_back_before_approving(as_: Any) -> None:
    case = start(as_, kind="statement")
    after = complete(as_, "head_transport", case["id"], "unit_head_review", decision="rework",
                     comment="Give the cost.")
    assert open_tasks(after) == [("revise_draft", "press_secretary", "transport")]
    assert after["data"]["comment"] == "Give the cost."
    revise = task_of(as_, "ps_transport", case["id"], "revise_draft")
    assert revise["data"] == {"title": DRAFT["title"], "body": DRAFT["body"]}  # the form starts from the draft
    after = complete(as_, "ps_transport", case["id"], "revise_draft", title=DRAFT["title"],
                     body="Forty streets, 1.2 bn som.")
    assert open_tasks(after) == [("unit_head_review", "unit_head", "transport")]
    after = complete(as_, "head_transport", case["id"], "unit_head_review", decision="approve")
    assert open_tasks(after) == [("pr_review", "pr_department", None)]
    after = complete(as_, "pr", case["id"], "pr_review", decision="rework", comment="Shorter, please.")
    assert open_tasks(after) == [("revise_draft", "press_secretary", "transport")]
    after = complete(as_, "ps_transport", case["id"], "revise_draft", title="Forty streets", body="1.2 bn som.")
    # A draft the PR department sent back is agreed by the unit head again.
    assert open_tasks(after) == [("unit_head_review", "unit_head", "transport")]
    assert public(as_) == []
    complete(as_, "head_transport", case["id"], "unit_head_review", decision="approve", comment="Good.")
    complete(as_, "pr", case["id"], "pr_review", **PR_APPROVE)
    complete(as_, "ps_transport", case["id"], "translate", translations=TRANSLATIONS)
    done = complete(as_, "pr", case["id"], "publish")
    assert done["status"] == "completed"
    assert (done["data"]["title"], done["data"]["body"]) == ("Forty streets", "1.2 bn som.")
    assert [(c["review"], c["decision"], c["comment"]) for c in done["data"]["review_comments"]] == [
        ("unit_head_review", "rework", "Give the cost."),
        ("unit_head_review", "approve", ""),
        ("pr_review", "rework", "Shorter, please."),
        ("unit_head_review", "approve", "Good."),
        ("pr_review", "approve", ""),
    ]
    (item,) = public(as_)
    assert (item["kind"], item["business_key"]) == ("statement", case["business_key"])
    assert len(published_events(as_, case["id"])) == 1
    history = as_("auditor").get(f"/api/v1/process-instances/{case['id']}/history").get_json()["items"]
    reworks = [(e["actor"], e["after"]["comment"]) for e in history
               if e["type"] == "task.completed" and e["after"].get("decision") == "rework"]
    assert reworks == [("head_transport", "Give the cost."), ("pr", "Shorter, please.")]


def test_rework_needs_a_comment(as_: Any) -> None:
    case = start(as_)
    review = task_of(as_, "head_transport", case["id"], "unit_head_review")
    response = submit(as_, "head_transport", review["id"], decision="rework")
    assert response.status_code == 422
    assert [e["field"] for e in response.get_json()["errors"]] == ["comment"]
    assert open_tasks(as_("pr").get(f"/api/v1/process-instances/{case['id']}").get_json()) == \
        [("unit_head_review", "unit_head", "transport")]


def test_approving_needs_the_confidentiality_confirmation(as_: Any) -> None:
    case = start(as_)
    complete(as_, "head_transport", case["id"], "unit_head_review", decision="approve")
    task = task_of(as_, "pr", case["id"], "pr_review")
    for data in ({"decision": "approve", "confirm_no_confidential": False}, {"decision": "approve"}):
        response = as_("pr").post(f"/api/v1/tasks/{task['id']}/complete", json={"data": data})
        assert response.status_code == 422
        assert [e["field"] for e in response.get_json()["errors"]] == ["confirm_no_confidential"]
    assert as_("pr").get(f"/api/v1/tasks/{task['id']}").get_json()["status"] == "open"
    assert public(as_) == []


def test_a_translation_missing_a_language_is_refused(as_: Any) -> None:
    case = start(as_)
    complete(as_, "head_transport", case["id"], "unit_head_review", decision="approve")
    complete(as_, "pr", case["id"], "pr_review", **PR_APPROVE)
    translate = task_of(as_, "ps_transport", case["id"], "translate")
    response = submit(as_, "ps_transport", translate["id"], translations={"ru": TRANSLATIONS["ru"]})
    assert response.status_code == 422
    errors = response.get_json()["errors"]
    assert [e["field"] for e in errors] == ["translations"]
    assert "ky" in errors[0]["message"]
    empty = submit(as_, "ps_transport", translate["id"],
                   translations={**TRANSLATIONS, "ky": {"title": "Кырк көчө", "body": ""}})
    assert empty.status_code == 422
    assert [e["field"] for e in empty.get_json()["errors"]] == ["translations.ky.body"]
    case_now = as_("pr").get(f"/api/v1/process-instances/{case['id']}").get_json()
    assert open_tasks(case_now) == [("translate", "press_secretary", "transport")]
    assert "translations" not in case_now["data"]


def test_another_units_head_and_press_secretary_are_refused(as_: Any) -> None:
    case = start(as_)
    review = task_of(as_, "head_transport", case["id"], "unit_head_review")
    assert inbox(as_, "head_health", case["id"]) == []
    for user in ("head_health", "ps_transport", "pr"):
        response = as_(user).post(f"/api/v1/tasks/{review['id']}/complete", json={"data": {"decision": "approve"}})
        assert response.status_code == 403, user
    complete(as_, "head_transport", case["id"], "unit_head_review", decision="rework", comment="Shorter.")
    revise = task_of(as_, "ps_transport", case["id"], "revise_draft")
    assert inbox(as_, "ps_health", case["id"]) == []
    response = as_("ps_health").post(f"/api/v1/tasks/{revise['id']}/complete",
                                     json={"data": {"title": "Hijacked", "body": "Not my unit."}})
    assert response.status_code == 403
    assert as_("ps_health").get(f"/api/v1/tasks/{revise['id']}").status_code == 403
    complete(as_, "ps_transport", case["id"], "revise_draft", title="Forty streets", body="Shorter.")
    complete(as_, "head_transport", case["id"], "unit_head_review", decision="approve")
    pr_review = task_of(as_, "pr", case["id"], "pr_review")
    for user in ("head_transport", "ps_transport"):
        response = as_(user).post(f"/api/v1/tasks/{pr_review['id']}/complete", json={"data": PR_APPROVE})
        assert response.status_code == 403, user
    complete(as_, "pr", case["id"], "pr_review", **PR_APPROVE)
    translate = task_of(as_, "ps_transport", case["id"], "translate")
    response = as_("ps_health").post(f"/api/v1/tasks/{translate['id']}/complete",
                                     json={"data": {"translations": TRANSLATIONS}})
    assert response.status_code == 403
    after = complete(as_, "ps_transport", case["id"], "translate", translations=TRANSLATIONS)
    publish = after["tasks"][0]
    response = as_("ps_transport").post(f"/api/v1/tasks/{publish['id']}/complete", json={"data": {}})
    assert response.status_code == 403  # the press secretary does not publish
    assert public(as_) == []


def test_an_embargoed_release_appears_only_when_its_timer_fires(as_: Any, sessions: Any, ctx: Any) -> None:
    case = start(as_, kind="announcement", embargo_until=EMBARGO)
    assert case["data"]["embargo_until"] == EMBARGO
    agreed_and_translated(as_, case)
    after = complete(as_, "pr", case["id"], "publish")
    assert after["status"] == "running" and after["tasks"] == []
    assert [(t["bpmn_id"], datetime.fromisoformat(t["due_at"])) for t in after["timers"]] == \
        [("embargo", datetime.fromisoformat(EMBARGO))]
    timers = as_("pr").get(f"/api/v1/timers?instance_id={case['id']}").get_json()["items"]
    assert [t["bpmn_id"] for t in timers] == ["embargo"]
    assert public(as_) == [] and atom_entries(as_) == []
    assert published_events(as_, case["id"]) == []

    embargo = datetime.fromisoformat(EMBARGO)
    assert sweep(sessions, ctx, embargo - timedelta(seconds=1)).fired == 0
    assert public(as_) == []
    fired_at = embargo + timedelta(seconds=1)
    assert sweep(sessions, ctx, fired_at).fired == 1

    (item,) = public(as_)
    assert (item["business_key"], item["kind"], item["translations"]) == \
        (case["business_key"], "announcement", TRANSLATIONS)
    assert datetime.fromisoformat(item["published_at"]) == fired_at
    (entry,) = atom_entries(as_)
    assert entry["title"] == TRANSLATIONS["ky"]["title"]
    assert datetime.fromisoformat(entry["published"]) == fired_at
    done = as_("pr").get(f"/api/v1/process-instances/{case['id']}").get_json()
    assert done["status"] == "completed" and done["tasks"] == [] and done["timers"] == []
    assert datetime.fromisoformat(done["completed_at"]) == fired_at
    assert done["data"]["outcome"] == "published"
    assert datetime.fromisoformat(done["data"]["distributed_at"]) == fired_at
    (event,) = published_events(as_, case["id"])
    assert event["actor"] is None  # the timer published it, no one's hand
    assert datetime.fromisoformat(event["occurred_at"]) == fired_at
    assert sweep(sessions, ctx, fired_at + timedelta(hours=1)).fired == 0
    assert len(public(as_)) == 1


def test_an_embargo_in_the_past_publishes_at_once(as_: Any) -> None:
    case = start(as_, embargo_until="2026-03-01T12:00:00+06:00")
    agreed_and_translated(as_, case)
    done = complete(as_, "pr", case["id"], "publish")
    assert done["status"] == "completed" and done["timers"] == []
    assert [i["business_key"] for i in public(as_)] == [case["business_key"]]


def test_releases_are_listed_newest_first(as_: Any, clock: Any) -> None:
    first, second = start(as_, title="First"), start(as_, user="pr", kind="bulletin", title="Second")
    for case in (first, second):
        agreed_and_translated(as_, case)
    complete(as_, "pr", second["id"], "publish")
    clock.advance(hours=2)
    complete(as_, "pr", first["id"], "publish")
    items = public(as_)
    assert [(i["business_key"], i["kind"]) for i in items] == \
        [(first["business_key"], "press_release"), (second["business_key"], "bulletin")]
    assert datetime.fromisoformat(items[0]["published_at"]) - datetime.fromisoformat(items[1]["published_at"]) \
        == timedelta(hours=2)
    assert [e["id"].rsplit("/", 1)[1] for e in atom_entries(as_)] == [str(i["id"]) for i in items]
