"""A request reads what it needs once: the forms of a completion (the task's, to validate it; the next task's, to
pre-fill it; both again to present the answer after the commit) come from the database once each."""

from __future__ import annotations

import re
from collections import Counter
from typing import Any

import pytest
from sqlalchemy import event

from tests.conftest import REQUEST

pytestmark = pytest.mark.usefixtures("deployed")


def test_a_completion_reads_each_form_and_the_definition_once(app: Any, as_: Any) -> None:
    def triage(case: dict[str, Any]) -> Any:
        return as_("pr").post(f"/api/v1/tasks/{case['tasks'][0]['id']}/complete",
                              json={"data": {"handler": "pr_department", "contributors": []}})

    earlier, case = (as_("pr").post("/api/v1/process-instances",
                                    json={"process_key": "information_request", "data": REQUEST}).get_json()
                     for _ in range(2))
    triage(earlier)  # the process has now read both forms' schemas (cached by checksum across requests)
    reads: Counter[str] = Counter()

    def count(_conn: Any, _cursor: Any, statement: str, *_: Any) -> None:
        found = re.match(r"\s*SELECT\b.*?\bFROM\s+(form_versions|process_definitions)\b", statement, re.S)
        if found:
            reads[found.group(1)] += 1

    engine = app.extensions["jarchy.engine"]
    event.listen(engine, "before_cursor_execute", count)
    try:
        answer = triage(case)
    finally:
        event.remove(engine, "before_cursor_execute", count)
    assert answer.status_code == 200
    # the triage form and the answer's form, once each; the definition for the engine, once more after the commit
    assert reads == Counter({"form_versions": 2, "process_definitions": 2})
