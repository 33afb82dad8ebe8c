"""One operation on one case, as the runtime's steps pass it along: built once the case's row is locked and
its workflow loaded (`steps.open`, or a new case's first step in `operations.start`), then handed to
`steps.advance`, `steps.save` and `projection.sync`. Apart from engine/runtime/steps.py so that projection.py
can take it without importing the steps that call it."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from SpiffWorkflow.bpmn import BpmnWorkflow
from sqlalchemy.orm import Session

from db.models import ProcessDefinition, ProcessInstance
from engine.context import EngineContext
from engine.spiff.clock import Clock


@dataclass(frozen=True, eq=False)
class Step:
    """The case (its row locked until the transaction ends), its diagram and workflow, who acts (None: the
    engine itself, a timer or a schedule) and the moment recorded for what the step does."""

    session: Session
    ctx: EngineContext
    instance: ProcessInstance
    definition: ProcessDefinition
    wf: BpmnWorkflow
    actor: str | None
    at: datetime
    # The clock the workflow's engine steps run on when it is not the engine's: a sweep fires as of its moment.
    now: Clock | None = None
    # The task the actor completes: its row is closed by the caller with the submitted data, not cancelled.
    completed_task_id: str | None = None

    @property
    def engine_clock(self) -> Clock:
        return self.now or self.ctx.clock
