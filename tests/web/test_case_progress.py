"""engine.reads.progress: a case's marks on its own diagram while a called procedure runs inside it."""

from __future__ import annotations

from typing import Any

from db.models import ProcessInstance
from engine.reads.progress import progress
from tests.cases import complete
from tests.integration.test_publication_response_api import deployed, observed, rebutted, start, tick

# The publication response with the press conference it calls, deployed for each test; sweeps as the serve loop.
__all__ = ["deployed", "tick"]


def test_a_called_procedure_is_one_waiting_element_of_the_callers_diagram(as_: Any, sessions: Any, ctx: Any,
                                                                         tick: Any) -> None:
    case = start(as_)
    rebutted(as_, case)
    observed(as_, tick, case)
    complete(as_, "prhead", case["id"], "assess_escalation", resolved=False, escalate="press_conference",
             assessment="Escalated.")
    with sessions.begin() as session:
        instance = session.get(ProcessInstance, case["id"])
        assert instance is not None
        marks = progress(session, ctx, instance)
    assert "hold_press_conference" in marks.waiting
    assert {"verify_facts", "draft_rebuttal", "assess_escalation"} <= set(marks.completed)
    # The press conference's own elements (its plan task is ready) are not on this diagram.
    assert marks.active == [] and "plan" not in marks.completed + marks.waiting


def test_a_list_of_groups_gets_room_for_another_without_completing_the_task(
        as_: Any, page_as: Any, sessions: Any) -> None:
    """Verify the facts: each checked claim is a group of fields; "Add another" keeps what was typed."""
    from db.models import HumanTask
    from tests.web.conftest import text

    case = start(as_)
    with sessions() as session:
        task = session.query(HumanTask).filter_by(instance_id=case["id"], bpmn_id="verify_facts").one()
    web = page_as("ps_transport")
    page = text(web.get(f"/tasks/{task.id}"))
    assert 'name="facts.0.claim"' in page and 'name="facts.1.claim"' not in page
    typed = [("verdict", "distorted"), ("facts.0.claim", "Fares doubled"), ("facts.0.finding", "distorted"),
             ("facts.0.established", "They rose 10%"), ("_add", "facts")]
    again = web.post(f"/tasks/{task.id}", typed)
    assert again.status_code == 200
    page = text(again)
    assert 'name="facts.1.claim"' in page and "Fares doubled" in page and "They rose 10%" in page
    with sessions() as session:
        assert session.get(HumanTask, task.id).status == "open"
    done = web.post(f"/tasks/{task.id}", typed[:-1] + [("facts.1.claim", "No tender"),
                                                      ("facts.1.finding", "distorted"),
                                                      ("facts.1.established", "Tender No. 7 was held")])
    assert done.status_code == 302
    with sessions() as session:
        facts = session.get(HumanTask, task.id).data["facts"]
    assert [f["claim"] for f in facts] == ["Fares doubled", "No tender"]



def test_the_steps_in_words_follow_the_case_and_what_may_come_next(as_: Any, sessions: Any, ctx: Any,
                                                                    tick: Any) -> None:
    """The case page's list of steps: the named steps reached, in the order reached, then the first steps of each
    branch the case may take; gateways (questions, not steps) and a called procedure's own steps left out."""
    case = start(as_)
    with sessions.begin() as session:
        first = progress(session, ctx, session.get(ProcessInstance, case["id"]))
    assert first.reached[:2] == ["start", "open_response"]
    assert first.reached.index("verify_facts") < first.reached.index("deadline_reached")  # its timer waits too
    assert {"set_rebuttal", "set_comment", "set_answer"} <= set(first.upcoming)  # each verdict's first step
    assert "verdict_is" not in first.reached + first.upcoming
    rebutted(as_, case)
    observed(as_, tick, case)
    complete(as_, "prhead", case["id"], "assess_escalation", resolved=False, escalate="press_conference",
             assessment="Escalated.")
    with sessions.begin() as session:
        later = progress(session, ctx, session.get(ProcessInstance, case["id"]))
    steps = later.reached
    assert steps.index("verify_facts") < steps.index("draft_rebuttal") < steps.index("assess_escalation") \
        < steps.index("hold_press_conference") == len(steps) - 1
    assert "plan" not in steps + later.upcoming  # the press conference's own task
    assert later.upcoming == ["conference_held"]
    assert not {"verdict_is", "approval_is", "escalation_split"} & set(steps)
