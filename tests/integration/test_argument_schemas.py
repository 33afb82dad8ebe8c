"""An operation's argument schema is one instance shared by every request (api/blueprint.py): what one request's
input did to it never reaches another's answer, one after the other or at the same time."""

from __future__ import annotations

from concurrent.futures import ThreadPoolExecutor
from typing import Any


def _named(answer: Any) -> set[str]:
    assert answer.status_code in (400, 422), answer.get_data(as_text=True)[:300]
    return {e.get("field") for e in answer.get_json().get("errors", [])}


def test_each_request_gets_the_errors_of_its_own_input(as_: Any) -> None:
    pr = as_("pr")
    assert _named(pr.post("/api/v1/process-instances", json={"process_key": 5})) == {"process_key"}
    assert _named(pr.post("/api/v1/process-instances", json={"process_key": "x", "data": "text"})) == {"data"}
    assert _named(pr.get("/api/v1/tasks?per_page=0")) == {"per_page"}
    assert _named(pr.get("/api/v1/tasks?page=0")) == {"page"}


def test_requests_at_the_same_time_do_not_mix_their_errors(app: Any, as_: Any) -> None:
    headers = {"Authorization": f"Bearer {as_('pr').token}"}

    def ask(i: int) -> set[str]:
        wrong = {"page": "0"} if i % 2 else {"per_page": "0"}
        query = "&".join(f"{k}={v}" for k, v in wrong.items())
        return _named(app.test_client().get(f"/api/v1/tasks?{query}", headers=headers)) ^ set(wrong)

    with ThreadPoolExecutor(max_workers=4) as pool:
        assert list(pool.map(ask, range(40))) == [set()] * 40
