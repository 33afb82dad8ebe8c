"""Reading BPMN: safe XML parsing and SpiffWorkflow's Camunda 7 parser, adapted to Jarchy.

Jarchy's diagrams use Camunda 7's extension attributes (`camunda:formKey`,
`camunda:candidateStarterGroups`, `camunda:properties`, `camunda:collection`, `camunda:dueDate`)
because bpmn-js's Camunda properties panel edits all of them; see docs/diagrams.md.

Written here by hand, because SpiffWorkflow does not do it:
- parsing without DTDs, entities or network access, with a size bound (lxml is configured, not
  replaced);
- a multi-instance task that reads `camunda:collection`/`camunda:elementVariable` as its input and
  gathers each instance's result into a separate output collection (Camunda's own semantics in
  SpiffWorkflow overwrite the input list with the element variable).
"""

from __future__ import annotations

import re
from typing import Any

from lxml import etree
from SpiffWorkflow.bpmn.parser.BpmnParser import full_tag
from SpiffWorkflow.bpmn.parser.event_parsers import (
    CONDITIONAL_EVENT_XPATH,
    MESSAGE_EVENT_XPATH,
    SIGNAL_EVENT_XPATH,
    TIMER_EVENT_XPATH,
)
from SpiffWorkflow.bpmn.specs.data_spec import TaskDataReference
from SpiffWorkflow.bpmn.specs.defaults import CallActivity, ManualTask, NoneTask, StartEvent
from SpiffWorkflow.bpmn.specs.defaults import ParallelMultiInstanceTask as ParallelMI
from SpiffWorkflow.bpmn.specs.defaults import SequentialMultiInstanceTask as SequentialMI
from SpiffWorkflow.camunda.parser import CamundaParser
from SpiffWorkflow.camunda.parser.event_parsers import CamundaStartEventParser
from SpiffWorkflow.camunda.parser.task_spec import (
    CallActivityParser,
    CamundaTaskParser,
    UserTaskParser,
)
from SpiffWorkflow.camunda.specs.user_task import UserTask

from engine.core.errors import Code

MAX_BPMN_BYTES = 5 * 1024 * 1024
BPMN_NS = "http://www.omg.org/spec/BPMN/20100524/MODEL"
CAMUNDA_NS = "http://camunda.org/schema/1.0/bpmn"
NS = {"bpmn": BPMN_NS, "camunda": CAMUNDA_NS}


class UnsafeXml(Exception):
    """A file refused before it is parsed as a diagram: `message` in English for logs, `code` and `params` for a
    page to word it."""

    def __init__(self, message: str, line: int | None = None, *, code: Code = Code.XML_MALFORMED,
                 params: dict[str, Any] | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.line = line
        self.code = code
        self.params = dict(params or {})


def parse_xml(data: bytes) -> etree._Element:
    """Parse a diagram without ever resolving an entity, loading a DTD or touching the network."""
    if len(data) > MAX_BPMN_BYTES:
        raise UnsafeXml(f"The file is larger than {MAX_BPMN_BYTES // (1024 * 1024)} MiB.",
                        code=Code.DIAGRAM_TOO_LARGE, params={"limit": MAX_BPMN_BYTES // (1024 * 1024)})
    # Refused before libxml2 sees it, so not even an entity declaration is ever processed.
    doctype = re.search(rb"<!DOCTYPE|<!ENTITY", data, re.IGNORECASE)
    if doctype:
        raise UnsafeXml("Document type declarations (DTDs, entities) are not allowed in a diagram.",
                        data[: doctype.start()].count(b"\n") + 1, code=Code.DIAGRAM_DTD)
    parser = etree.XMLParser(
        resolve_entities=False,
        no_network=True,
        load_dtd=False,
        dtd_validation=False,
        huge_tree=False,
        remove_comments=True,
        remove_pis=True,
    )
    try:
        return etree.fromstring(data, parser)
    except etree.XMLSyntaxError as exc:
        raise UnsafeXml(f"The XML is malformed: {exc.msg}", exc.lineno) from exc


def _camunda_properties(node: etree._Element) -> dict[str, str]:
    props = node.xpath("./bpmn:extensionElements/camunda:properties/camunda:property", namespaces=NS)
    return {p.get("name"): p.get("value", "") for p in props if p.get("name")}


class _CollectingMultiInstance:
    """`camunda:collection` and `camunda:elementVariable` are the input; the task's extension
    properties `outputCollection` and `outputElement` name where each instance's result goes."""

    def _add_multiinstance_task(self, loop_characteristics: etree._Element) -> None:
        prefix = "bpmn:multiInstanceLoopCharacteristics"
        cardinality = self.xpath(f"./{prefix}/bpmn:loopCardinality")  # type: ignore[attr-defined]
        cardinality = cardinality[0].text if cardinality else None
        collection = loop_characteristics.get(f"{{{CAMUNDA_NS}}}collection")
        element = loop_characteristics.get(f"{{{CAMUNDA_NS}}}elementVariable")
        if cardinality is None and collection is None:
            self.raise_validation_exception(  # type: ignore[attr-defined]
                "A multi-instance task needs a collection or a loop cardinality."
            )
        condition = self.xpath(f"./{prefix}/bpmn:completionCondition")  # type: ignore[attr-defined]
        props = _camunda_properties(self.node)  # type: ignore[attr-defined]
        output_collection, output_element = props.get("outputCollection"), props.get("outputElement")
        spec = self.spec  # type: ignore[attr-defined]
        original = spec.task_specs.pop(self.task.name)  # type: ignore[attr-defined]
        params = {
            "task_spec": "",
            "cardinality": cardinality,
            "data_input": TaskDataReference(collection) if collection else None,
            "input_item": TaskDataReference(element) if element else None,
            "data_output": TaskDataReference(output_collection) if output_collection else None,
            "output_item": TaskDataReference(output_element) if output_element else None,
            "condition": condition[0].text if condition else None,
        }
        sequential = loop_characteristics.get("isSequential") == "true"
        cls = SequentialMultiInstanceTask if sequential else ParallelMultiInstanceTask
        self.task = cls(spec, original.name, **params)  # type: ignore[attr-defined]
        self._copy_task_attrs(original, loop_characteristics)  # type: ignore[attr-defined]


class _AlignedOutput:
    """Each instance's result goes to its input's position, not to the end in order of completion,
    so that `outputCollection[i]` belongs to `collection[i]` however the instances finish."""

    def merge_child(self, workflow: Any, child: Any) -> None:
        parent = child.parent
        super().merge_child(workflow, child)  # type: ignore[misc]
        data_input = self.data_input.get(parent) if self.data_input is not None else None  # type: ignore[attr-defined]
        index = child.internal_data.get("key_or_index")
        if self.data_output is None or self.output_item is None:  # type: ignore[attr-defined]
            return
        output = self.data_output.get(parent)  # type: ignore[attr-defined]
        aligned = isinstance(data_input, list) and isinstance(output, list) and output is not data_input
        if aligned and isinstance(index, int) and output:
            item = output.pop()  # the base class appended it
            output.extend([None] * (len(data_input) - len(output)))
            output[index] = item


class ParallelMultiInstanceTask(_AlignedOutput, ParallelMI):
    pass


class SequentialMultiInstanceTask(_AlignedOutput, SequentialMI):
    pass


def own_property(task_spec: Any, name: str) -> str | None:
    """An extension property of a plain task itself. Only a plain `bpmn:task` (PassThroughTask) carries the
    properties that make the engine act (`publish`, `tells_requester`): SpiffWorkflow's Camunda parser gives a
    subprocess the properties of every task inside it too, and a script task none."""
    if not isinstance(task_spec, PassThroughTask):
        return None
    value = (getattr(task_spec, "extensions", None) or {}).get(name)
    return value if isinstance(value, str) else None


class PassThroughTask(NoneTask):
    """A plain `bpmn:task` does nothing and waits for no one, as in Camunda 7 (SpiffWorkflow makes it a
    manual task). A diagram marks such a task to publish (`publish`), to tell the requester (`tells_requester`)
    or names a step of its own."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.manual = False


class _UserTaskParser(_CollectingMultiInstance, UserTaskParser):
    pass


class _TaskParser(_CollectingMultiInstance, CamundaTaskParser):
    pass


class _CallActivityParser(_CollectingMultiInstance, CallActivityParser):
    pass


class _StartEventParser(CamundaStartEventParser):
    """A process's own timer start event is Jarchy's scheduler's business (engine/procedures/schedules.py): each
    occurrence starts a new case, which begins at a plain start. SpiffWorkflow would instead wait inside
    one case. Timer start events of event subprocesses stay SpiffWorkflow's."""

    def create_task(self) -> Any:
        top_level = etree.QName(self.node.getparent()).localname == "process"
        xpaths = [MESSAGE_EVENT_XPATH, SIGNAL_EVENT_XPATH, CONDITIONAL_EVENT_XPATH]
        if not top_level:
            xpaths.append(TIMER_EVENT_XPATH)
        task = self._create_task(self.get_event_definition(xpaths))
        self.spec.start.connect(task)
        return task


class JarchyParser(CamundaParser):
    OVERRIDE_PARSER_CLASSES = {
        **CamundaParser.OVERRIDE_PARSER_CLASSES,
        full_tag("startEvent"): (_StartEventParser, StartEvent),
        full_tag("userTask"): (_UserTaskParser, UserTask),
        full_tag("task"): (_TaskParser, PassThroughTask),
        full_tag("manualTask"): (_TaskParser, ManualTask),
        full_tag("callActivity"): (_CallActivityParser, CallActivity),
    }

    def get_spec(self, process_id: str, required: bool = True) -> Any:
        spec = super().get_spec(process_id, required)
        if spec is not None:
            connect_loops(spec)
        return spec

    def get_subprocess_specs(self, name: str, specs: Any = None, require_call_activity_specs: bool = True) -> Any:
        found = super().get_subprocess_specs(name, specs, require_call_activity_specs)
        for spec in found.values():
            connect_loops(spec)
        return found


def connect_loops(process: Any) -> None:
    """A multi-instance task hears each of its instances complete through its inner spec's `completed_event`, which
    SpiffWorkflow connects only when the task creates an instance (or when it deserializes a spec, which we never
    do: specs are stored by reference). A case loaded in a process that never created an instance with these specs
    (a worker just started, or the same loop moved onto a new version) would never leave its loop: connected here,
    once per parsed spec (tests/unit/test_realign.py)."""
    for spec in process.task_specs.values():
        inner = getattr(spec, "task_spec", None)
        if isinstance(spec, (ParallelMI, SequentialMI)) and inner in process.task_specs:
            child = process.task_specs[inner]
            if not child.completed_event.is_connected(spec.merge_child):
                child.completed_event.connect(spec.merge_child)


def element_line(root: etree._Element, element_id: str | None) -> int | None:
    """SpiffWorkflow's ValidationException has no line: find the element's own."""
    if not element_id:
        return None
    found = root.xpath("//*[@id=$id]", id=element_id)
    return found[0].sourceline if found else None
