"""Cases that loop many times (a draft sent back for rework, a clarification asked again) are stored pruned of what
the engine no longer needs (engine/spiff/pruning.py): their state and tree stay the size they had after the first
loop, they still run to every end of their diagram, see the same data as the same case kept whole, show the same
progress, and move to another version and back. Driven through the engine's own operations, on both databases."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager, nullcontext
from typing import Any

import pytest
from SpiffWorkflow.util.task import TaskState
from sqlalchemy import select
from sqlalchemy.orm import undefer

from db.models import HumanTask, ProcessInstance
from db.vocabulary import TaskStatus
from engine.people.accounts import user_by_username
from engine.reads import progress
from engine.runtime import loading, migration, operations
from engine.spiff import pruning
from tests.conftest import REQUEST, deploy_shipped
from tests.versions import information_request_v2

ANSWER = {"answer": "Fares stay.", "confirm_no_confidential": True, "refuse": False}
REWORK = {"decision": "rework", "comment": "Cite the decree."}
DRAFT = {"kind": "press_release", "title": "Forty streets", "body": "Forty streets to be repaired.",
         "unit": "transport"}
TRANSLATIONS = {"ky": {"title": "Кырк көчө", "body": "Кырк көчө оңдолот."},
                "ru": {"title": "Сорок улиц", "body": "Сорок улиц отремонтируют."}}


@contextmanager
def unpruned() -> Iterator[None]:
    """The engine as it was before the pruning: the whole tree kept."""
    kept = pruning.prune
    pruning.prune = lambda wf: None  # type: ignore[assignment]
    try:
        yield
    finally:
        pruning.prune = kept


class Case:
    """One case driven through engine.runtime.operations, each operation in its own transaction; `whole`: never
    pruned (the engine before pruning), to compare with."""

    def __init__(self, sessions: Any, ctx: Any, key: str, data: dict[str, Any], starter: str, *,
                 whole: bool = False) -> None:
        self.sessions, self.ctx, self.whole = sessions, ctx, whole
        with self._engine(), sessions.begin() as s:
            self.id = operations.start(s, ctx, user_by_username(s, starter), key, dict(data)).id

    def _engine(self) -> Any:
        return unpruned() if self.whole else nullcontext()

    def complete(self, username: str, bpmn_id: str, **data: Any) -> None:
        with self._engine(), self.sessions.begin() as s:
            row = s.scalars(select(HumanTask).where(HumanTask.instance_id == self.id, HumanTask.bpmn_id == bpmn_id,
                                                    HumanTask.status == TaskStatus.OPEN)).first()
            assert row is not None, (bpmn_id, self.open())
            operations.complete_task(s, self.ctx, user_by_username(s, username), row.id, data)

    def deliver(self, name: str, **data: Any) -> None:
        with self._engine(), self.sessions.begin() as s:
            operations.deliver_message(s, self.ctx, user_by_username(s, "pr"), self.id, name, data)

    def fire_due(self) -> None:
        with self._engine(), self.sessions.begin() as s:
            from db.models import Timer
            from db.vocabulary import TimerStatus
            for timer in s.scalars(select(Timer).where(Timer.instance_id == self.id,
                                                       Timer.status == TimerStatus.PENDING)).all():
                operations.fire_timer(s, self.ctx, timer.id, self.ctx.now())

    def open(self) -> list[str]:
        with self.sessions() as s:
            return sorted(s.scalars(select(HumanTask.bpmn_id).where(HumanTask.instance_id == self.id,
                                                                    HumanTask.status == TaskStatus.OPEN)))

    def row(self) -> ProcessInstance:
        with self.sessions() as s:
            return s.scalars(select(ProcessInstance).where(ProcessInstance.id == self.id)
                             .options(undefer(ProcessInstance.state))).one()

    def size(self) -> int:
        return len(self.row().state.encode())

    def tasks(self) -> int:
        """The tasks in the stored tree, its subprocesses' included."""
        wf = self.workflow()
        return len(wf.tasks) + sum(len(sub.tasks) for sub in wf.subprocesses.values())

    def workflow(self) -> Any:
        with self.sessions() as s:
            return loading.load(s, self.ctx, s.get(ProcessInstance, self.id))[1]

    def seen(self) -> dict[str, Any]:
        """What the case's next steps see: each ready or waiting task's data (by element), and the case's data."""
        wf = self.workflow()
        waiting = sorted(((t.task_spec.name, t.data) for t in wf.get_tasks(state=TaskState.READY | TaskState.WAITING)),
                         key=lambda item: item[0])
        row = self.row()
        return {"tasks": waiting, "data": row.data, "status": row.status, "open": self.open()}

    def progress(self) -> tuple[list[str], list[str], list[str]]:
        with self.sessions() as s:
            found = progress.progress(s, self.ctx, s.get(ProcessInstance, self.id))
        return found.completed, found.active, found.reached


@pytest.fixture
def loops_deployed(cast: Any, sessions: Any, ctx: Any) -> None:
    for name in ("information_request.bpmn", "release_approval.bpmn", "press_conference.bpmn"):
        deploy_shipped(sessions, ctx, name)


def request(sessions: Any, ctx: Any, *, whole: bool = False) -> Case:
    return Case(sessions, ctx, "information_request", REQUEST, "pr", whole=whole)


def test_a_request_sent_back_200_times_is_stored_as_small_as_after_once_and_is_answered(
        sessions: Any, ctx: Any, loops_deployed: None) -> None:
    case = request(sessions, ctx)
    case.complete("pr", "triage", handler="press_secretary", unit="transport", contributors=[])
    sizes, trees = [], []
    for _ in range(200):
        case.complete("ps_transport", "prepare_answer", **ANSWER)
        case.complete("pr", "approve_answer", **REWORK)
        sizes.append(case.size())
        trees.append(case.tasks())
    assert sizes[-1] <= 2 * sizes[0], (sizes[0], sizes[-1])
    assert max(trees) <= trees[0] + 5, (trees[0], max(trees))
    # Kept whole, the tree is 1,000 tasks deep after about 198 loops, and SpiffWorkflow's iterators stop there: the
    # case waits with no open task. Pruned, it is answered.
    case.complete("ps_transport", "prepare_answer", **ANSWER)
    case.complete("pr", "approve_answer", decision="approve", confirm_no_confidential=True)
    case.complete("ps_transport", "send_answer", sent_via="email")
    row = case.row()
    assert (row.status, row.data["outcome"]) == ("completed", "answered")
    completed, active, reached = case.progress()
    assert {"triage", "prepare_answer", "approve_answer", "send_answer", "answer_sent"} <= set(completed)
    assert active == [] and reached[:2] == ["start", "register"]


def test_pruned_and_whole_cases_see_the_same_data_at_every_step(sessions: Any, ctx: Any, loops_deployed: None) -> None:
    """Reworks, contributions (a multi-instance task) and clarifications asked again (a message, back to triage):
    the pruned case's next tasks see what the whole one's do, its data and progress are the same."""
    cases = [request(sessions, ctx), request(sessions, ctx, whole=True)]

    def both(action: str, *args: Any, **data: Any) -> None:
        for case in cases:
            getattr(case, action)(*args, **data)
        pruned, whole = (case.seen() for case in cases)
        assert pruned == whole
        assert cases[0].progress()[:2] == cases[1].progress()[:2]
        assert set(cases[0].progress()[2]) == set(cases[1].progress()[2])

    for round_ in range(4):
        both("complete", "pr", "triage", handler="pr_department", contributors=[], needs_clarification=True,
             clarification_question=f"Which routes? ({round_})")
        both("deliver", "clarification", text=f"Bus 12, round {round_}")
    both("complete", "pr", "triage", handler="press_secretary", unit="transport", contributors=["health"])
    both("complete", "head_health", "contribute", contribution="Health: no change.")
    for round_ in range(6):
        both("complete", "ps_transport", "prepare_answer", **(ANSWER | {"answer": f"Draft {round_}"}))
        both("complete", "pr", "approve_answer", decision="rework", comment=f"Again ({round_})")
    both("complete", "ps_transport", "prepare_answer", **ANSWER)
    both("complete", "pr", "approve_answer", decision="approve", confirm_no_confidential=True)
    both("complete", "ps_transport", "send_answer", sent_via="email")
    assert cases[0].row().status == "completed"
    assert cases[0].tasks() < cases[1].tasks()


def test_a_request_whose_clarification_never_comes_after_many_asked_is_withdrawn(
        sessions: Any, ctx: Any, clock: Any, loops_deployed: None) -> None:
    case = request(sessions, ctx)
    sizes = []
    for round_ in range(30):
        case.complete("pr", "triage", handler="pr_department", contributors=[], needs_clarification=True,
                      clarification_question=f"Which routes? ({round_})")
        case.deliver("clarification", text="Bus 12")
        sizes.append(case.tasks())
    assert max(sizes) <= sizes[0] + 5, sizes
    case.complete("pr", "triage", handler="pr_department", contributors=[], needs_clarification=True,
                  clarification_question="And the fares?")
    clock.advance(days=30)
    case.fire_due()
    row = case.row()
    assert row.status == "completed" and row.data["outcome"] == "withdrawn", (row.status, row.data.get("outcome"))


def release(sessions: Any, ctx: Any) -> Case:
    return Case(sessions, ctx, "release_approval", DRAFT, "ps_transport")


def test_a_release_reworked_by_both_reviewers_many_times_is_released(sessions: Any, ctx: Any,
                                                                    loops_deployed: None) -> None:
    case = release(sessions, ctx)
    trees = []
    for round_ in range(25):
        case.complete("head_transport", "unit_head_review", decision="rework", comment=f"Cost? ({round_})")
        case.complete("ps_transport", "revise_draft", title=DRAFT["title"], body=f"Body {round_}")
        case.complete("head_transport", "unit_head_review", decision="approve")
        case.complete("pr", "pr_review", decision="rework", comment=f"Shorter ({round_})")
        case.complete("ps_transport", "revise_draft", title=DRAFT["title"], body=f"Short {round_}")
        trees.append(case.tasks())
    assert max(trees) <= trees[0] + 5, trees
    case.complete("head_transport", "unit_head_review", decision="approve")
    case.complete("pr", "pr_review", decision="approve", confirm_no_confidential=True)
    case.complete("ps_transport", "translate", translations=TRANSLATIONS)
    case.complete("pr", "publish")
    row = case.row()
    assert row.status == "completed" and row.data["body"] == "Short 24"
    completed = case.progress()[0]
    assert {"revise_draft", "unit_head_review", "pr_review", "translate", "publish", "released"} <= set(completed)


def test_a_pruned_request_moves_to_a_new_version_and_back_and_is_answered_there(
        sessions: Any, ctx: Any, loops_deployed: None) -> None:
    case = request(sessions, ctx)
    case.complete("pr", "triage", handler="press_secretary", unit="transport", contributors=[])
    for _ in range(40):
        case.complete("ps_transport", "prepare_answer", **ANSWER)
        case.complete("pr", "approve_answer", **REWORK)
    assert case.tasks() < 40, case.tasks()
    assert ["handle_request", "approve_answer"] in pruning.passed(case.workflow())
    with sessions.begin() as s:
        from engine.procedures.definitions import deploy
        deploy(s, information_request_v2(), actor="system", at=ctx.now())
    mapping = {"approve_answer": "approve_reply"}
    with sessions.begin() as s:
        # Without the mapping, the step the case passed (in a pruned task) has no place in the new version.
        _, plan = migration.start_migration(s, ctx, user_by_username(s, "admin"), "information_request", 1, 2,
                                            dry_run=True, cases=[case.id])
        assert [(v.reason, v.params.get("element_id"), v.params.get("passed")) for v in plan.verdicts] == [
            ("no_target", "approve_answer", True)]
        run, plan = migration.start_migration(s, ctx, user_by_username(s, "admin"), "information_request", 1, 2,
                                              mapping, cases=[case.id])
        assert [v.movable for v in plan.verdicts] == [True]
    with sessions.begin() as s:
        migration.move_case(s, ctx, run.id, case.id)
    assert case.row().version == 2
    assert ["handle_request", "approve_reply"] in pruning.passed(case.workflow())
    assert "Approve the reply" in [case_name for case_name in _names(case)]
    with sessions.begin() as s:
        migration.move_back(s, ctx, user_by_username(s, "admin"), run.id, case.id, key="information_request")
    assert case.row().version == 1 and case.open() == ["prepare_answer"]
    with sessions.begin() as s:
        run, plan = migration.start_migration(s, ctx, user_by_username(s, "admin"), "information_request", 1, 2,
                                              mapping, cases=[case.id])
    with sessions.begin() as s:
        migration.move_case(s, ctx, run.id, case.id)
    for _ in range(5):
        case.complete("ps_transport", "prepare_answer", **ANSWER)
        case.complete("pr", "approve_reply", **REWORK)
    case.complete("ps_transport", "prepare_answer", **ANSWER)
    case.complete("pr", "approve_reply", decision="approve", confirm_no_confidential=True)
    case.complete("prhead", "check_answer", action_taken="Checked.")
    case.complete("ps_transport", "send_answer", sent_via="email")
    assert case.row().status == "completed"


def _names(case: Case) -> list[str]:
    with case.sessions() as s:
        return list(progress.progress(s, case.ctx, s.get(ProcessInstance, case.id)).names.values())
