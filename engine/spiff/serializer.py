"""(De)serialization of a workflow's whole state to JSON, with the serializer's version stored beside it.

Three departures from SpiffWorkflow's defaults (the first two measured in ENGINE_NOTES and tests/perf):
- the process spec is stored by reference, not embedded in every instance's state: the spec is more
  than half the bytes and most of the load time, and it already lives with its definition version;
  `load` takes the spec (and the specs of what it calls) parsed once per version;
- the script engine is not part of the state: `load` always re-attaches ours;
- case data stays plain JSON: SpiffWorkflow revives every dict that has a `typename` key as the typed
  value (or spec object) registered under that name, so a form or message field shaped like
  `{"typename": "datetime", "value": "not-a-date"}` would come back as an object, or break every load
  of its case. `dump` therefore wraps each such dict that SpiffWorkflow's converters did not make in an
  envelope of our own (`PLAIN`), which `load` turns back into the same plain dict. Hand-written: the
  library has no notion of escaping (`DictionaryConverter.restore` looks at `typename` alone).
The workflow's record of the elements its pruned tasks passed (engine/spiff/pruning.py) is stored beside its tasks.
A future SpiffWorkflow migration that rewrites specs inside a serialization would have to be given
the spec dictionaries back before it runs (`serializer_version` is stored for that)."""

from __future__ import annotations

import json
from contextvars import ContextVar
from datetime import date
from typing import Any
from uuid import UUID

from SpiffWorkflow.bpmn import BpmnWorkflow
from SpiffWorkflow.bpmn.script_engine import PythonScriptEngine
from SpiffWorkflow.bpmn.serializer import BpmnWorkflowSerializer
from SpiffWorkflow.bpmn.serializer.default.task_spec import MultiInstanceTaskConverter
from SpiffWorkflow.bpmn.serializer.default.workflow import BpmnWorkflowConverter, WorkflowConverter
from SpiffWorkflow.bpmn.serializer.helpers import DefaultRegistry
from SpiffWorkflow.bpmn.serializer.helpers.encoder import create_encoder
from SpiffWorkflow.bpmn.specs.defaults import NoneTask
from SpiffWorkflow.camunda.serializer.config import CAMUNDA_CONFIG

from engine.spiff.parser import ParallelMultiInstanceTask, PassThroughTask, SequentialMultiInstanceTask

# The elements a pruned tree passed (engine/spiff/pruning.py), stored beside the tasks.
PASSED = "jarchy_passed"
_specs: ContextVar[tuple[Any, dict[str, Any]]] = ContextVar("jarchy_workflow_specs")


class _SpecByReferenceConverter(BpmnWorkflowConverter):
    def to_dict(self, workflow: BpmnWorkflow) -> dict[str, Any]:
        dct = WorkflowConverter.to_dict(self, workflow)
        dct["spec"] = workflow.spec.name
        dct["subprocess_specs"] = sorted(workflow.subprocess_specs)
        dct["subprocesses"] = self.mapping_to_dict(workflow.subprocesses)
        dct["bpmn_events"] = self.registry.convert(workflow.bpmn_events)
        passed = getattr(workflow, PASSED, None)
        if passed:
            dct[PASSED] = passed
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
        setattr(workflow, PASSED, dct.pop(PASSED, None) or [])
        return workflow


class _Typed(dict):  # type: ignore[type-arg]
    """A dict made by one of SpiffWorkflow's converters: its `typename` is meant to be revived."""


class _Registry(DefaultRegistry):
    @staticmethod
    def _obj_to_dict(typename: str, func: Any, obj: Any, **kwargs: Any) -> _Typed:
        return _Typed(DefaultRegistry._obj_to_dict(typename, func, obj, **kwargs))


PLAIN = "jarchy_plain_dict"
TYPENAME = "typename"
_PRIMITIVES = (str, int, float, bool, type(None))


_CONFIG = dict(CAMUNDA_CONFIG)
_CONFIG[ParallelMultiInstanceTask] = MultiInstanceTaskConverter
_CONFIG[SequentialMultiInstanceTask] = MultiInstanceTaskConverter
_CONFIG[BpmnWorkflow] = _SpecByReferenceConverter
_CONFIG[PassThroughTask] = _CONFIG[NoneTask]

_registry = BpmnWorkflowSerializer.configure(_CONFIG, _Registry())
# SpiffWorkflow knows datetime and timedelta; scripts also make dates.
_registry.register(date, lambda v: {"value": v.isoformat()}, lambda v: date.fromisoformat(v["value"]))
# The envelope of a plain dict that has a `typename` key: its values are restored, the dict stays a dict.
_registry.convert_from_dict[PLAIN] = lambda dct, **kw: {k: _registry.restore(v, **kw) for k, v in dct["dict"].items()}
_serializer = BpmnWorkflowSerializer(_registry)
_encoder = create_encoder(_registry)
SERIALIZER_VERSION: str = _serializer.VERSION


def dump(workflow: BpmnWorkflow) -> str:
    """`BpmnWorkflowSerializer.serialize_json`, with every plain dict that has a `typename` key escaped."""
    _registry._encoder_mode = True
    try:
        dct = _escaped(_serializer.to_dict(workflow))
    finally:
        _registry._encoder_mode = False
    dct[_serializer.VERSION_KEY] = _serializer.VERSION
    return json.dumps(dct, cls=_encoder)


def _escaped(value: Any) -> Any:
    """The serialization with its plain dicts escaped. Converted objects are walked too (a message's payload
    is case data inside an event); what JSON cannot hold (sets, callables) is left to the encoder, as before."""
    if isinstance(value, _PRIMITIVES):
        return value
    if isinstance(value, _Typed):
        return _Typed({k: _escaped(v) for k, v in value.items()})
    if isinstance(value, dict):
        out = {k: _escaped(v) for k, v in value.items()}
        return _Typed({"dict": out, TYPENAME: PLAIN}) if TYPENAME in out else out
    if isinstance(value, (list, tuple)):
        return [_escaped(v) for v in value]
    typename = _registry.typenames.get(type(value))
    if typename is not None:  # as the encoder would convert it, but walked
        return _escaped(_registry.convert_to_dict[typename](value))
    return value


def load(state: str, specs: tuple[Any, dict[str, Any]], script_engine: PythonScriptEngine) -> BpmnWorkflow:
    """`specs`: the workflow's spec and subprocess specs, as `engine.procedures.definitions.workflow_specs` gives
    them."""
    token = _specs.set(specs)
    try:
        workflow = _serializer.deserialize_json(state)
    finally:
        _specs.reset(token)
    workflow.script_engine = script_engine
    return workflow


def registry() -> Any:
    """The serializer's converter registry: SpiffWorkflow's `SpecDiff` compares two specs through it."""
    return _registry
