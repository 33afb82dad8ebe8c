"""(De)serialization of a workflow's whole state to JSON, with the serializer's version stored beside it.

The script engine is not part of the state (ENGINE_NOTES): `load` always re-attaches ours."""

from __future__ import annotations

from SpiffWorkflow.bpmn import BpmnWorkflow
from SpiffWorkflow.bpmn.script_engine import PythonScriptEngine
from SpiffWorkflow.bpmn.serializer import BpmnWorkflowSerializer
from SpiffWorkflow.bpmn.serializer.default.task_spec import MultiInstanceTaskConverter
from SpiffWorkflow.camunda.serializer.config import CAMUNDA_CONFIG

from engine.parser import ParallelMultiInstanceTask, SequentialMultiInstanceTask

_CONFIG = dict(CAMUNDA_CONFIG)
_CONFIG[ParallelMultiInstanceTask] = MultiInstanceTaskConverter
_CONFIG[SequentialMultiInstanceTask] = MultiInstanceTaskConverter

_serializer = BpmnWorkflowSerializer(BpmnWorkflowSerializer.configure(_CONFIG))
SERIALIZER_VERSION: str = _serializer.VERSION


def dump(workflow: BpmnWorkflow) -> str:
    return _serializer.serialize_json(workflow)


def load(state: str, script_engine: PythonScriptEngine) -> BpmnWorkflow:
    workflow = _serializer.deserialize_json(state)
    workflow.script_engine = script_engine
    return workflow


def dump_spec(spec: object) -> str:
    return _serializer.serialize_json(spec)  # type: ignore[arg-type]
