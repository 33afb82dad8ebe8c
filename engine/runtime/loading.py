"""Loading a case's workflow from its stored state, with the calendar in force: the one step of the runtime
that read models use too (where a case stands on its diagram). Reads only."""

from __future__ import annotations

from SpiffWorkflow.bpmn import BpmnWorkflow
from sqlalchemy.orm import Session

from db.models import ProcessDefinition, ProcessInstance
from engine.calendar import overrides
from engine.context import EngineContext
from engine.core.errors import Unreadable
from engine.core.faults import describe
from engine.procedures import case_definition
from engine.procedures.definitions import workflow_specs
from engine.spiff import serializer


def load(session: Session, ctx: EngineContext, instance: ProcessInstance) -> tuple[ProcessDefinition, BpmnWorkflow]:
    overrides.current(session, ctx)
    definition = case_definition.of_case(session, instance)
    assert definition is not None
    specs = workflow_specs(session, definition, instance.called_versions)
    try:
        return definition, serializer.load(instance.state, specs, ctx.script_engine)
    except Exception as exc:  # whatever the stored JSON makes SpiffWorkflow raise: the case cannot go on
        raise Unreadable(f"the case's stored state cannot be read ({describe(exc)}); an "
                         "administrator may cancel the case") from exc
