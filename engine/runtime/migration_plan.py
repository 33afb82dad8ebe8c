"""The plan of moving a procedure's running cases from one version to another (docs/migrations.md): the mapping of
elements (the same id by default, the administrator's entries over it, checked), and each case's verdict, movable
or blocked with its reason (`no_target`, `form_lacks`, `call_in_progress`, `timer_changes`, `not_running`,
`other_version`, `move_failed`). A case is read for the plan, never locked nor changed: its workflow is loaded and
moved in memory (engine/spiff/realign.py) to prove the move works, then dropped.

Written by hand: SpiffWorkflow compares specs and moves one workflow (`SpiffWorkflow.bpmn.util.diff`), but which of
an office's cases may move, and why not, is the office's rule: its forms, its called procedures pinned per case,
its timers that count statutory time."""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

from SpiffWorkflow.bpmn import BpmnWorkflow
from SpiffWorkflow.bpmn.specs.mixins.multiinstance_task import LoopTask
from SpiffWorkflow.util.task import TaskState
from sqlalchemy import select
from sqlalchemy.orm import Session

from db.models import ProcessDefinition, ProcessInstance
from db.vocabulary import InstanceStatus
from engine.context import EngineContext
from engine.core.errors import Code, Invalid, JarchyError, problem
from engine.core.faults import describe
from engine.procedures import deployed_forms
from engine.procedures.definitions import called_versions, latest_definition, workflow_specs
from engine.runtime import loading
from engine.spiff import pruning, realign, serializer

TIMERS = ("keep", "recompute")
MOVABLE = "movable"
# The cases a migration considers by default: running ones, and failed ones (moved to a fixed version, a failed
# case can be retried there).
CONSIDERED = (InstanceStatus.RUNNING, InstanceStatus.FAILED)


@dataclass
class Verdict:
    """One case's verdict: `reason` None means it can move."""

    instance_id: int
    business_key: str
    at: list[str]
    reason: str | None = None
    params: dict[str, Any] = field(default_factory=dict)
    message: str | None = None

    @property
    def movable(self) -> bool:
        return self.reason is None

    def as_dict(self) -> dict[str, Any]:
        out: dict[str, Any] = {"instance_id": self.instance_id, "business_key": self.business_key, "at": self.at,
                               "verdict": MOVABLE if self.movable else "blocked"}
        if not self.movable:
            out |= {"reason": self.reason, "code": self.reason, "element_id": self.params.get("element_id"),
                    "params": self.params}
        return out


@dataclass
class Versions:
    """The two versions and how elements map between them (`mapping`: the administrator's entries only)."""

    key: str
    old: ProcessDefinition
    new: ProcessDefinition
    mapping: dict[str, str]
    timers: str

    @property
    def called(self) -> set[str]:
        return set(self.old.meta.get("called", [])) | set(self.new.meta.get("called", []))


@dataclass
class Plan:
    versions: Versions
    verdicts: list[Verdict]
    sample_size: int = 10

    @property
    def movable(self) -> int:
        return sum(1 for v in self.verdicts if v.movable)

    @property
    def blocked(self) -> list[Verdict]:
        return [v for v in self.verdicts if not v.movable]

    @property
    def by_reason(self) -> dict[str, int]:
        return dict(Counter(str(v.reason) for v in self.blocked))

    @property
    def sample(self) -> list[Verdict]:
        """Up to `sample_size` cases of each verdict (movable, and each reason), in the order of their ids."""
        seen: Counter[str] = Counter()
        out = []
        for verdict in self.verdicts:
            kind = verdict.reason or MOVABLE
            if seen[kind] < self.sample_size:
                seen[kind] += 1
                out.append(verdict)
        return out

    def counts(self) -> dict[str, Any]:
        return {"cases": len(self.verdicts), "movable": self.movable, "blocked": len(self.blocked),
                "by_reason": self.by_reason}


# -- the versions and the mapping ----------------------------------------------------------------------------

def versions(session: Session, key: str, from_version: int, to_version: int, mapping: dict[str, str] | None,
             timers: str = "keep") -> Versions:
    """The two versions, the mapping checked: each entry's old id an element of the old version, its new id one of
    the new, both of one kind (else 422 naming `mapping.<old id>`)."""
    latest_definition(session, key)  # 404 when the procedure is not deployed at all
    errors = []
    found: dict[str, ProcessDefinition] = {}
    for name, version in (("from_version", from_version), ("to_version", to_version)):
        definition = session.scalars(select(ProcessDefinition).where(
            ProcessDefinition.key == key, ProcessDefinition.version == version)).one_or_none()
        if definition is None:
            errors.append(problem(name, Code.VERSION_NOT_FOUND, f"process {key!r} has no version {version}",
                                  process=key, version=version))
        else:
            found[name] = definition
    if not errors and from_version == to_version:
        errors.append(problem("to_version", Code.SAME_VERSION, "a migration goes to another version",
                              version=to_version))
    if timers not in TIMERS:
        errors.append(problem("timers", Code.NOT_ONE_OF, "timers is keep or recompute", choices=list(TIMERS)))
    if errors:
        raise Invalid("the migration cannot be planned", errors, code=Code.INVALID_INPUT)
    old, new = found["from_version"], found["to_version"]
    mapping = dict(mapping or {})
    old_elements, new_elements = elements(session, old), elements(session, new)
    for old_id, new_id in mapping.items():
        where = f"mapping.{old_id}"
        if old_id not in old_elements:
            errors.append(problem(where, Code.NOT_AN_ELEMENT, f"version {old.version} has no element {old_id!r}",
                                  element_id=old_id, version=old.version))
        elif not isinstance(new_id, str) or new_id not in new_elements:
            errors.append(problem(where, Code.NOT_AN_ELEMENT, f"version {new.version} has no element {new_id!r}",
                                  element_id=str(new_id), version=new.version))
        elif realign.kind(old_elements[old_id]) != realign.kind(new_elements[new_id]):
            errors.append(problem(where, Code.KIND_DIFFERS,
                                  f"{old_id!r} is a {realign.kind(old_elements[old_id])}, {new_id!r} a "
                                  f"{realign.kind(new_elements[new_id])}", kind=realign.kind(old_elements[old_id]),
                                  target_kind=realign.kind(new_elements[new_id])))
    if errors:
        raise Invalid("the mapping names elements that do not match", errors, code=Code.INVALID_INPUT)
    return Versions(key, old, new, mapping, timers)


_ELEMENTS: dict[str, dict[str, Any]] = {}


def elements(session: Session, definition: ProcessDefinition) -> dict[str, Any]:
    """The version's own elements (its process and embedded subprocesses, not the processes it calls) by id; read
    once per diagram (by checksum: a migration checks its mapping again for every case it moves)."""
    found = _ELEMENTS.get(definition.checksum)
    if found is None:
        found = _ELEMENTS[definition.checksum] = _elements(session, definition)
    return found


def _elements(session: Session, definition: ProcessDefinition) -> dict[str, Any]:
    spec, subprocess_specs = workflow_specs(session, definition, called_versions(session, definition))
    called = set(definition.meta.get("called", []))
    found: dict[str, Any] = {}
    for name, process in ((spec.name, spec), *subprocess_specs.items()):
        if name in called and name != definition.key:
            continue
        for task_spec in process.task_specs.values():
            if task_spec.bpmn_id and task_spec.name == task_spec.bpmn_id:
                found[task_spec.bpmn_id] = task_spec
    return found


def unmapped(session: Session, v: Versions) -> list[str]:
    """The old version's elements with no target in the new (the same id, or the mapping's): those the
    administrator may map (the admin page offers a choice for each)."""
    new_elements = elements(session, v.new)
    return sorted(e for e in elements(session, v.old) if v.mapping.get(e, e) not in new_elements)


# -- the cases -----------------------------------------------------------------------------------------------

def chosen_cases(session: Session, key: str, from_version: int, cases: list[int] | None) -> list[ProcessInstance]:
    """The cases a migration considers: those named (each a case of the procedure, else 422 naming `cases.<n>`),
    else every running or failed case of the old version, in the order of their ids."""
    if cases is None:
        return list(session.scalars(select(ProcessInstance).where(
            ProcessInstance.process_key == key, ProcessInstance.version == from_version,
            ProcessInstance.status.in_(CONSIDERED)).order_by(ProcessInstance.id)))
    rows = {row.id: row for row in session.scalars(select(ProcessInstance).where(ProcessInstance.id.in_(cases)))}
    errors = [problem(f"cases.{n}", Code.NOT_A_CASE_OF, f"case {case_id} is not a case of {key!r}", case_id=case_id,
                      process=key)
              for n, case_id in enumerate(cases) if case_id not in rows or rows[case_id].process_key != key]
    if errors:
        raise Invalid("some chosen cases are not cases of this procedure", errors, code=Code.INVALID_INPUT)
    return [rows[case_id] for case_id in sorted(set(cases))]


def plan(session: Session, ctx: EngineContext, key: str, from_version: int, to_version: int,
         mapping: dict[str, str] | None = None, *, cases: list[int] | None = None, timers: str = "keep",
         sample: int = 10) -> Plan:
    """Each case's verdict (read only: nothing is locked or written)."""
    v = versions(session, key, from_version, to_version, mapping, timers)
    form_cache: dict[str, dict[str, Any] | None] = {}
    verdicts = [examine(session, ctx, instance, v, form_cache).verdict
                for instance in chosen_cases(session, key, from_version, cases)]
    return Plan(v, verdicts, sample)


@dataclass
class Examined:
    """A case's verdict and, where it can move, its workflow moved in memory onto the new version with the called
    versions it keeps (`pinned`)."""

    verdict: Verdict
    wf: BpmnWorkflow | None = None
    pinned: dict[str, int] = field(default_factory=dict)


def new_pins(session: Session, instance: ProcessInstance, new: ProcessDefinition) -> dict[str, int]:
    """The called versions a moved case runs with: those it pinned, and the latest of a process newly called."""
    latest = called_versions(session, new)
    kept = instance.called_versions or {}
    return {key: kept.get(key, version) for key, version in latest.items()}


def examine(session: Session, ctx: EngineContext, instance: ProcessInstance, v: Versions,
            form_cache: dict[str, dict[str, Any] | None] | None = None) -> Examined:
    """The case's verdict; where it can move, its workflow moved (in memory) and proved to store and load."""
    verdict = Verdict(instance.id, instance.business_key, [])
    if instance.status not in CONSIDERED:
        verdict.reason, verdict.params = Code.NOT_RUNNING, {"status": str(instance.status)}
        return Examined(verdict)
    if instance.version != v.old.version:
        verdict.reason, verdict.params = Code.OTHER_VERSION, {"version": instance.version}
        return Examined(verdict)
    try:
        _, wf = loading.load(session, ctx, instance)
    except JarchyError as exc:
        verdict.reason, verdict.message = Code.MOVE_FAILED, exc.detail
        return Examined(verdict)
    pinned = new_pins(session, instance, v.new)
    new_spec, new_subprocess_specs = workflow_specs(session, v.new, pinned)
    frozen = realign.called_subworkflows(wf, v.called)
    where = [t for t in realign.waiting(wf) if t.workflow not in frozen]
    verdict.at = sorted({t.task_spec.bpmn_id for t in where})
    blocked = _where_blocked(wf, where, new_spec, new_subprocess_specs, v) or _history_blocked(
        session, instance, wf, frozen, new_spec, new_subprocess_specs, v, form_cache if form_cache is not None else {})
    if blocked is not None:
        verdict.reason, verdict.params = blocked
        return Examined(verdict)
    try:
        realign.move(wf, new_spec, new_subprocess_specs, v.mapping, called=v.called,
                     recount_timers=v.timers == "recompute")
        # Stored and read back as the next operation on the case will: a move SpiffWorkflow cannot store fails here.
        wf = serializer.load(serializer.dump(wf), (new_spec, new_subprocess_specs), ctx.script_engine)
    except Exception as exc:  # whatever SpiffWorkflow raises moving this case: it stays where it is, said why
        verdict.reason, verdict.message = Code.MOVE_FAILED, describe(exc)
        return Examined(verdict)
    return Examined(verdict, wf, pinned)


def _new_process(wf: BpmnWorkflow, task: Any, new_spec: Any, new_subprocess_specs: dict[str, Any]) -> Any:
    return new_spec if task.workflow is wf else new_subprocess_specs.get(task.workflow.spec.name)


def _where_blocked(wf: BpmnWorkflow, where: Iterable[Any], new_spec: Any, new_subprocess_specs: dict[str, Any],
                   v: Versions) -> tuple[str, dict[str, Any]] | None:
    """Why the elements the case waits at cannot move, if they cannot."""
    for task in where:
        spec = task.task_spec
        target = realign.target(spec, _new_process(wf, task, new_spec, new_subprocess_specs), v.mapping)
        if target is None:
            return Code.NO_TARGET, {"element_id": spec.bpmn_id}
        calls = getattr(spec, "spec", None)
        if calls in v.called and task.state == TaskState.STARTED and getattr(target, "spec", None) != calls:
            return Code.CALL_IN_PROGRESS, {"element_id": spec.bpmn_id, "process": getattr(target, "spec", None)}
        if v.timers == "keep" and realign.timer_expressions(spec) != realign.timer_expressions(target):
            return Code.TIMER_CHANGES, {"element_id": spec.bpmn_id}
    return None


def _history_blocked(session: Session, instance: ProcessInstance, wf: BpmnWorkflow, frozen: set[Any], new_spec: Any,
                     new_subprocess_specs: dict[str, Any], v: Versions,
                     form_cache: dict[str, dict[str, Any] | None]) -> tuple[str, dict[str, Any]] | None:
    """Why the steps the case passed cannot move: one the new version lacks (its history would name nothing), or
    one whose new form requires fields the case's data lacks (later steps would read what it never gave)."""
    data = instance.data or {}
    tasks_meta = v.new.meta.get("tasks", {})
    # The steps passed in tasks still in the tree, and those of tasks pruned from it (engine/spiff/pruning.py): the
    # latter with no data of their own left, which the case's data holds where later steps still read it.
    passed = [(task.task_spec, pruning.workflow_key(task.workflow), task.data)
              for task in wf.get_tasks(state=TaskState.COMPLETED) if task.workflow not in frozen]
    for key, name in pruning.passed(wf):
        process = pruning.spec_of(wf, key)
        if process is not None and name in process.task_specs and not (key and any(
                part in v.called for part in key.split("/"))):
            passed.append((process.task_specs[name], key, {}))
    for spec, key, task_data in passed:
        if not spec.bpmn_id:
            continue
        new_process = new_spec if key == pruning.TOP else new_subprocess_specs.get(key.rsplit("/", 1)[-1])
        target = realign.target(spec, new_process, v.mapping)
        if target is None:
            return Code.NO_TARGET, {"element_id": spec.bpmn_id, "passed": True}
        if spec.name != spec.bpmn_id or isinstance(spec, LoopTask):
            continue  # a multi-instance task: each instance's fields are its own, gathered into another field
        form_key = (tasks_meta.get(target.bpmn_id) or {}).get("form")
        if not form_key:
            continue
        if form_key not in form_cache:
            form_cache[form_key] = _form(session, v.new, form_key)
        schema = form_cache[form_key] or {}
        missing = [name for name in schema.get("required", []) if name not in data and name not in task_data]
        if missing:
            return Code.FORM_LACKS, {"element_id": spec.bpmn_id, "form": form_key, "fields": missing}
    return None


def _form(session: Session, definition: ProcessDefinition, key: str) -> dict[str, Any] | None:
    """The form `key` as the version `definition` pinned it when it was deployed (None if it has none such): the
    new version's forms decide what a case must already hold."""
    try:
        return deployed_forms.form_of(session, definition, key)
    except (FileNotFoundError, ValueError):
        return None

