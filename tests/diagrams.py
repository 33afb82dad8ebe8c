"""What the tests of the shipped diagrams share: parsing a diagram as the engine does, checking form
data with the engine's own form validation, running a diagram in memory, and reading the drawing (BPMNDI)."""

from __future__ import annotations

import json
from datetime import datetime
from pathlib import Path
from typing import Any

from jsonschema import Draft202012Validator
from lxml import etree
from SpiffWorkflow.bpmn import BpmnWorkflow
from SpiffWorkflow.util.task import TaskState

from engine.core.errors import Invalid
from engine.procedures import forms
from engine.procedures.forms import load_form
from engine.runtime import publications
from engine.spiff import serializer
from engine.spiff.clock import FrozenClock, using
from engine.spiff.loop import run_until_waiting
from engine.spiff.parser import NS, JarchyParser, parse_xml

ROOT = Path(__file__).resolve().parents[1]
WORKFLOWS, FORMS = ROOT / "workflows", ROOT / "forms"
CAMUNDA = f"{{{NS['camunda']}}}"
CAMUNDA_FORM_KEY = f"{CAMUNDA}formKey"
DI_NS = {
    **NS,
    "bpmndi": "http://www.omg.org/spec/BPMN/20100524/DI",
    "dc": "http://www.omg.org/spec/DD/20100524/DC",
    "di": "http://www.omg.org/spec/DD/20100524/DI",
}
# The units of the test cast (tests/conftest.py) and the default publication languages.
UNITS = frozenset({"transport", "health", "education"})
LANGUAGES = ("ky", "ru")
Box = tuple[float, float, float, float]

__all__ = ["CAMUNDA", "CAMUNDA_FORM_KEY", "DI_NS", "FORMS", "ROOT", "WORKFLOWS", "DiagramRun", "PublishingRun",
           "assert_forms_used", "assert_refused", "bounds", "check_form", "check_form_file", "diagram_root",
           "failing_fields", "form_files", "inside", "load_form", "parse_specs", "script_diagram"]


def script_diagram(key: str, script: str, *, task: str = "work", name: str = "Work") -> str:
    """A process of one script task `task` (named `name`) running `script`, which the PR department starts; the
    script's first line is line 9 of the diagram."""
    return f"""<?xml version="1.0" encoding="UTF-8"?>
<bpmn:definitions xmlns:bpmn="http://www.omg.org/spec/BPMN/20100524/MODEL"
    xmlns:camunda="http://camunda.org/schema/1.0/bpmn" id="defs" targetNamespace="http://jarchy.test">
  <bpmn:process id="{key}" name="{key}" isExecutable="true" camunda:candidateStarterGroups="pr_department">
    <bpmn:startEvent id="start"/>
    <bpmn:sequenceFlow id="f1" sourceRef="start" targetRef="{task}"/>
    <bpmn:scriptTask id="{task}" name="{name}">
      <bpmn:script>{script}</bpmn:script>
    </bpmn:scriptTask>
    <bpmn:sequenceFlow id="f2" sourceRef="{task}" targetRef="end"/>
    <bpmn:endEvent id="end"/>
  </bpmn:process>
</bpmn:definitions>
"""


def parse_specs(diagram: Path, *called: Path) -> tuple[Any, dict[str, Any]]:
    """The spec of the diagram's process (named like its file) and the specs of its subprocesses and of
    the diagrams it calls."""
    parser = JarchyParser()
    for path in (diagram, *called):
        parser.add_bpmn_xml(parse_xml(path.read_bytes()), path.name)
    return parser.get_spec(diagram.stem), parser.get_subprocess_specs(diagram.stem)


def form_files(key: str) -> list[Path]:
    """A procedure's form files (forms/<key>/*.json), in the order of their names."""
    return sorted((FORMS / key).glob("*.json"))


def check_form_file(path: Path) -> None:
    """A shipped form is a JSON Schema 2020-12 (declared so) of an object closed to other fields, with a title and
    a description, each field titled."""
    schema = json.loads(path.read_text(encoding="utf-8"))
    assert schema["$schema"] == "https://json-schema.org/draft/2020-12/schema"
    Draft202012Validator.check_schema(schema)
    assert schema["type"] == "object" and schema["additionalProperties"] is False
    assert schema["title"] and schema["description"]
    for name, prop in schema["properties"].items():
        assert prop.get("title"), f"{path.stem}.{name} has no title"


def assert_forms_used(diagram: Path, key: str) -> None:
    """Every form file of the procedure `key` is named by an element of its diagram (`camunda:formKey`), and every
    form the diagram names is a file."""
    keys = set(diagram_root(diagram).xpath("//@camunda:formKey", namespaces=NS))
    assert {f"{key}/{p.stem}" for p in form_files(key)} == keys
    assert all((FORMS / f"{k}.json").is_file() for k in keys)


def check_form(key: str, data: dict[str, Any], now: datetime, case: dict[str, Any] | None = None) -> dict[str, Any]:
    """The data as the engine stores it: defaults filled in, then validated with Jarchy's keywords (against the
    case's data `case`, as the task sees it, where the form checks itself against it). A diagram's run has no
    files: an id starting with `file-` stands for a file attached to the case (`x-attachment`)."""
    schema = load_form(key)
    filled = forms.fill_defaults(schema, data, now)
    forms.validate(schema, filled, now=now, unit_exists=UNITS.__contains__, languages=LANGUAGES, case=case,
                   attached=lambda ids: {i for i in ids if i.startswith("file-")})
    return filled


def failing_fields(key: str, data: dict[str, Any], now: datetime, case: dict[str, Any] | None = None) -> list[str]:
    """The fields `check_form` refuses, as the API's 422 names them; none when the data passes."""
    try:
        check_form(key, data, now, case)
    except Invalid as exc:
        return [e["field"] for e in exc.errors]
    return []


def assert_refused(key: str, data: dict[str, Any], now: datetime, field: str, message: str) -> None:
    """`check_form` refuses the data, naming `field` with a message containing `message` (as the API's 422)."""
    try:
        check_form(key, data, now)
    except Invalid as exc:
        errors: dict[str, list[str]] = {}
        for error in exc.errors:
            errors.setdefault(error["field"], []).append(error["message"])
        assert field in errors, errors
        assert any(message in text for text in errors[field]), errors
        return
    raise AssertionError(f"{key} accepted {data}")


class DiagramRun:
    """One instance of a procedure run in memory (no database), reloaded from its serialization after every
    step, because our workers reload an instance between steps. The data a step submits is first checked
    against the task's form (`_check`), defaults filled in; the start event gets the start form's data,
    checked against `<key>/start`.

    Subclasses set `key` (the procedure) and may set `match_prefix`: then a task is found by the start of
    its name (`monitor` finds `monitor [child]`)."""

    key = ""
    match_prefix = False

    def __init__(self, specs: tuple[Any, dict[str, Any]], clock: FrozenClock, engine: Any,
                 start: dict[str, Any] | None = None) -> None:
        self.clock, self.engine = clock, engine
        self.wf = BpmnWorkflow(specs[0], specs[1], script_engine=engine)
        self.completed: list[str] = []
        self.wf.get_tasks(state=TaskState.READY)[0].data.update(self._start_data(start or {}))
        self._engine_steps()
        self._reload()

    def _start_data(self, start: dict[str, Any]) -> dict[str, Any]:
        return self._check(f"{self.key}/start", start)

    def _check(self, key: str, data: dict[str, Any], case: dict[str, Any] | None = None) -> dict[str, Any]:
        """The data as the engine stores it (see `check_form`)."""
        return check_form(key, data, self.clock.now(), case)

    def _note(self, task: Any) -> None:
        """Called for each task the engine completes by itself."""

    def _engine_steps(self) -> None:
        """The runtime's own loop: engine steps, the timers due by the clock, the deadline's timers retimed."""
        run_until_waiting(self.wf, self.clock, self._note)

    def _reload(self) -> None:
        self.wf = serializer.load(serializer.dump(self.wf), (self.wf.spec, self.wf.subprocess_specs), self.engine)

    def ready(self) -> list[str]:
        return sorted(t.task_spec.name for t in self.wf.get_tasks(state=TaskState.READY, manual=True))

    def tasks(self, name: str) -> list[Any]:
        """The ready tasks called `name` (with `match_prefix`: whose name starts with it)."""
        return [t for t in self.wf.get_tasks(state=TaskState.READY, manual=True)
                if (t.task_spec.name.startswith(name) if self.match_prefix else t.task_spec.name == name)]

    def task(self, name: str, **where: Any) -> Any:
        found = [t for t in self.tasks(name) if all(t.data.get(k) == v for k, v in where.items())]
        assert found, f"no ready task {name}{f' {where}' if where else ''}; ready: {self.ready()}"
        return found[0]

    def complete(self, name: str, data: dict[str, Any] | None = None, **where: Any) -> None:
        task = self.task(name, **where)
        with using(self.clock):
            task.data.update(self._check(task.task_spec.form.key, data or {}, task.data))
            task.run()
        self._engine_steps()
        self.completed.append(name)
        self._reload()

    def at(self, moment: str) -> None:
        """Move the clock and fire whatever timers are due by then."""
        self.clock.set(datetime.fromisoformat(moment))
        self._engine_steps()
        self._reload()

    def waiting(self) -> dict[str, Any]:
        """bpmn id of each waiting event -> the due moment of its timer (None for a message only).

        An event-based gateway waits itself, with the due moment of its timer branch; the catch
        events behind it stay MAYBE until one of them fires."""
        return {t.task_spec.bpmn_id: t.internal_data.get("event_value")
                for t in self.wf.get_tasks(state=TaskState.WAITING)
                if getattr(t.task_spec, "event_definition", None) is not None and t.task_spec.bpmn_id}

    @property
    def data(self) -> dict[str, Any]:
        assert self.wf.is_completed(), f"still running; ready: {self.ready()}"
        return self.wf.data

    def open_data(self, name: str) -> dict[str, Any]:
        return self.task(name).data


class PublishingRun(DiagramRun):
    """A run that notes what the engine would publish, as the runtime does: the tasks carrying the extension
    property `publish` that the engine completes."""

    def __init__(self, specs: tuple[Any, dict[str, Any]], clock: FrozenClock, engine: Any,
                 start: dict[str, Any] | None = None) -> None:
        self.published: list[tuple[str, str, dict[str, Any]]] = []
        super().__init__(specs, clock, engine, start)

    def _note(self, task: Any) -> None:
        what = publications.publishes(task)
        if what:
            self.published.append((task.task_spec.bpmn_id, what, dict(task.data)))


def diagram_root(diagram: Path) -> etree._Element:
    return parse_xml(diagram.read_bytes())


def bounds(node: etree._Element) -> Box:
    b = node.find("dc:Bounds", DI_NS)
    assert b is not None
    return float(b.get("x")), float(b.get("y")), float(b.get("width")), float(b.get("height"))


def inside(inner: tuple[float, ...], outer: tuple[float, ...]) -> bool:
    x, y, w, h = inner
    ox, oy, ow, oh = outer
    return ox <= x and oy <= y and x + w <= ox + ow and y + h <= oy + oh


def assert_each_element_cites(diagram: Path, citations: dict[str, str], *, ignore_case: bool = False) -> None:
    """Every flow node of the diagram is in `citations`, and its documentation cites the clause given for it (or says
    it is a design choice): the clause of each element, not merely clause numbers somewhere in the file."""
    root = diagram_root(diagram)
    elements = {e.get("id"): e for e in root.xpath("//bpmn:process//*[bpmn:incoming or bpmn:outgoing]",
                                                     namespaces=NS)}
    assert set(elements) == set(citations)
    for element_id, clause in citations.items():
        documentation = elements[element_id].findtext("bpmn:documentation", namespaces=NS) or ""
        if ignore_case:
            clause, documentation = clause.lower(), documentation.lower()
        assert clause in documentation, f"{element_id} does not cite {clause}"

