"""(De)serialization of a workflow's whole state to JSON, with the serializer's version stored beside it.

Two departures from SpiffWorkflow's defaults, both measured in ENGINE_NOTES and tests/perf:
- the process spec is stored by reference, not embedded in every instance's state: the spec is more
  than half the bytes and most of the load time, and it already lives with its definition version;
  `load` takes the spec (and the specs of what it calls) parsed once per version;
- the script engine is not part of the state: `load` always re-attaches ours.
A future SpiffWorkflow migration that rewrites specs inside a serialization would have to be given
the spec dictionaries back before it runs (`serializer_version` is stored for that)."""

from __future__ import annotations

from contextvars import ContextVar
from datetime import date
from typing import Any
from uuid import UUID

from SpiffWorkflow.bpmn import BpmnWorkflow
from SpiffWorkflow.bpmn.script_engine import PythonScriptEngine
from SpiffWorkflow.bpmn.serializer import BpmnWorkflowSerializer
from SpiffWorkflow.bpmn.serializer.default.task_spec import MultiInstanceTaskConverter
from SpiffWorkflow.bpmn.serializer.default.workflow import BpmnWorkflowConverter, WorkflowConverter
from SpiffWorkflow.bpmn.specs.defaults import NoneTask
from SpiffWorkflow.camunda.serializer.config import CAMUNDA_CONFIG

from engine.parser import ParallelMultiInstanceTask, PassThroughTask, SequentialMultiInstanceTask

_specs: ContextVar[tuple[Any, dict[str, Any]]] = ContextVar("jarchy_workflow_specs")


class _SpecByReferenceConverter(BpmnWorkflowConverter):
    def to_dict(self, workflow: BpmnWorkflow) -> dict[str, Any]:
        dct = WorkflowConverter.to_dict(self, workflow)
        dct["spec"] = workflow.spec.name
        dct["subprocess_specs"] = sorted(workflow.subprocess_specs)
        dct["subprocesses"] = self.mapping_to_dict(workflow.subprocesses)
        dct["bpmn_events"] = self.registry.convert(workflow.bpmn_events)
        return dct

    def from_dict(self, dct: dict[str, Any]) -> BpmnWorkflow:
        spec, subprocess_specs = _specs.get()
        stored = dct.pop("spec")
        if stored != spec.name:
            raise ValueError(f"the stored state is of {stored!r}, not of {spec.name!r}")
        dct.pop("subprocess_specs", None)
        workflow = self.target_class(spec, subprocess_specs, deserializing=True)
        workflow.tasks = self.mapping_from_dict(dct["tasks"], UUID, workflow=workflow)
        workflow.task_tree = workflow.tasks.get(UUID(dct["root"]))
        self.set_default_attributes(workflow, dct)
        self.subprocesses_from_dict(dct["subprocesses"], workflow)
        workflow.bpmn_events = self.registry.restore(dct.pop("bpmn_events", []))
        return workflow


_CONFIG = dict(CAMUNDA_CONFIG)
_CONFIG[ParallelMultiInstanceTask] = MultiInstanceTaskConverter
_CONFIG[SequentialMultiInstanceTask] = MultiInstanceTaskConverter
_CONFIG[BpmnWorkflow] = _SpecByReferenceConverter
_CONFIG[PassThroughTask] = _CONFIG[NoneTask]

_registry = BpmnWorkflowSerializer.configure(_CONFIG)
# SpiffWorkflow knows datetime and timedelta; scripts also make dates.
_registry.register(date, lambda v: {"value": v.isoformat()}, lambda v: date.fromisoformat(v["value"]))
_serializer = BpmnWorkflowSerializer(_registry)
SERIALIZER_VERSION: str = _serializer.VERSION


def dump(workflow: BpmnWorkflow) -> str:
    return _serializer.serialize_json(workflow)


def load(state: str, specs: tuple[Any, dict[str, Any]], script_engine: PythonScriptEngine) -> BpmnWorkflow:
    """`specs`: the workflow's spec and subprocess specs, as `engine.definitions.workflow_specs` gives them."""
    token = _specs.set(specs)
    try:
        workflow = _serializer.deserialize_json(state)
    finally:
        _specs.reset(token)
    workflow.script_engine = script_engine
    return workflow
