"""Moving a running workflow onto another version of its diagram, in memory: where the case stands (its waiting
elements), which element of the new version each old one becomes (the same id, unless the administrator's mapping
names another), and the move itself.

The move is SpiffWorkflow's own (`SpiffWorkflow.bpmn.util.diff`: a `SpecDiff` per process, `migrate_workflow`
re-pointing every task at its new spec and resetting the READY and WAITING branches so that what follows them is
predicted from the new diagram). Written here by hand is what the library leaves to its caller:
- the alignment is by id plus the administrator's mapping only: `SpecDiff` also guesses a renamed element from its
  neighbours, a guess an administrator must not find applied to hundreds of cases without having seen it;
- `reset_branch` clears a reset task's `internal_data` (a waiting timer's computed due moment) and replaces its
  data by its parent's: both are put back, so a waiting task keeps what it held and a timer its moment (unless the
  plan says to count it again);
- a case in a call activity keeps the called process's pinned version (spiff-arena refuses every started call
  activity); the called part is not realigned, as its diagram does not change.
No database here: engine/runtime/migration_plan.py and migration.py decide which cases move."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from SpiffWorkflow.bpmn import BpmnWorkflow
from SpiffWorkflow.bpmn.specs.event_definitions.timer import TimerEventDefinition
from SpiffWorkflow.bpmn.util.diff import SpecDiff, migrate_workflow
from SpiffWorkflow.util.task import TaskState

from engine.spiff import pruning, serializer
from engine.spiff.parser import connect_loops

# Where a case stands: tasks waiting for a person, an event or a called process, and a failed one.
WHERE = TaskState.READY | TaskState.WAITING | TaskState.STARTED | TaskState.ERROR
# What `migrate_workflow` resets (its default also resets WAITING tasks: a waiting timer reset is updated at once,
# counts its moment again from its parent's data and the real clock, and may fire then and there: tested).
RESET = TaskState.READY


def spec_name(name: str, bpmn_id: str | None, mapping: dict[str, str]) -> str:
    """The name of the new version's spec for the old spec `name` of element `bpmn_id`: SpiffWorkflow names a
    multi-instance task's inner spec `<id> [child]` and a boundary event's parent `<id>.BoundaryEventSplit`."""
    if bpmn_id and bpmn_id in mapping and name.startswith(bpmn_id):
        return mapping[bpmn_id] + name[len(bpmn_id):]
    if not bpmn_id and "." in name:
        head, _, tail = name.partition(".")
        if head in mapping:
            return f"{mapping[head]}.{tail}"
    return name


def kind(spec: Any) -> str:
    """What an element is, for the mapping's check (a user task maps to a user task)."""
    return type(spec).__name__


def target(spec: Any, new_process: Any, mapping: dict[str, str]) -> Any:
    """The new version's spec an old spec becomes, or None."""
    if new_process is None:
        return None
    return new_process.task_specs.get(spec_name(spec.name, spec.bpmn_id, mapping))


def timer_expressions(spec: Any) -> list[str]:
    """The expressions of a timer event's (or an event-based gateway's) timers."""
    definition = getattr(spec, "event_definition", None)
    found = [definition] if isinstance(definition, TimerEventDefinition) else [
        d for d in getattr(definition, "event_definitions", []) if isinstance(d, TimerEventDefinition)]
    return [d.expression for d in found]


def waiting(wf: BpmnWorkflow) -> list[Any]:
    """The tasks where the case stands (diagram elements only, not SpiffWorkflow's inner joins and splits)."""
    return [t for t in wf.get_tasks(state=WHERE) if t.task_spec.bpmn_id]


@dataclass(frozen=True)
class _Diff:
    """What `migrate_workflow` reads of a `WorkflowDiff`: each task's new spec (None: the task keeps its own)."""

    alignment: dict[Any, Any]


_DIFFS: dict[tuple[int, int, frozenset[tuple[str, str]]], tuple[Any, Any, SpecDiff]] = {}
_DIFFS_LIMIT = 64


def spec_diff(old_process: Any, new_process: Any, mapping: dict[str, str]) -> SpecDiff:
    """SpiffWorkflow's comparison of two versions of a process, aligned by id and the mapping alone; made once per
    pair of (cached, parsed once per version: engine.procedures.definitions) specs, not once per case."""
    key = (id(old_process), id(new_process), frozenset(mapping.items()))
    held = _DIFFS.get(key)
    if held is not None and held[0] is old_process and held[1] is new_process:
        return held[2]
    diff = SpecDiff(serializer.registry(), old_process, new_process)
    diff.alignment = {spec: target(spec, new_process, mapping) for spec in old_process.task_specs.values()}
    diff.comparisons = {spec: diff._compare_task_specs(spec, new) for spec, new in diff.alignment.items()
                        if new is not None}
    if len(_DIFFS) >= _DIFFS_LIMIT:
        _DIFFS.pop(next(iter(_DIFFS)))
    _DIFFS[key] = (old_process, new_process, diff)
    return diff


def called_subworkflows(wf: BpmnWorkflow, called: set[str]) -> set[Any]:
    """The subworkflows of called processes (keys `called`), and everything inside them."""
    inside = set()
    for sub in wf.subprocesses.values():
        node = sub
        while node is not None and node is not wf:
            if node.spec.name in called:
                inside.add(sub)
                break
            node = node.parent_workflow
    return inside


def move(wf: BpmnWorkflow, new_spec: Any, new_subprocess_specs: dict[str, Any], mapping: dict[str, str], *,
         called: set[str], recount_timers: bool) -> None:
    """`wf` re-pointed at the new version (`new_spec`, `new_subprocess_specs`), its waiting tasks keeping their ids,
    data and their timers' due moments, except a timer whose expression changed when `recount_timers`: it is
    counted again by the new expression when the engine next refreshes its timers. `called`: the called
    processes' keys (their subworkflows keep their pinned specs)."""
    # The elements passed in pruned tasks (engine/spiff/pruning.py) named as the new version names them; a called
    # process's keep their names, as its diagram does not change.
    pruning.rename_passed(wf, lambda key, spec: None if key and any(p in called for p in key.split("/"))
                          else spec_name(spec.name, spec.bpmn_id, mapping))
    kept = {task.id: (task.data, dict(task.internal_data), timer_expressions(task.task_spec))
            for task in wf.get_tasks(state=RESET | TaskState.WAITING)}
    frozen = called_subworkflows(wf, called)
    parts = [(wf, new_spec)] + [(sub, new_subprocess_specs.get(sub.spec.name)) for sub in wf.subprocesses.values()
                                if sub not in frozen]
    for workflow, new_process in parts:
        if new_process is None:
            continue  # an embedded subprocess the new version lacks: the plan blocked any case waiting in it
        diff = spec_diff(workflow.spec, new_process, mapping)
        alignment = {task: diff.alignment.get(task.task_spec) for task in workflow.get_tasks(skip_subprocesses=True)}
        migrate_workflow(_Diff(alignment), workflow, new_process, reset_mask=RESET)
        for task in workflow.get_tasks(state=TaskState.WAITING, skip_subprocesses=True):
            # What follows a waiting event is predicted from the new diagram; the event itself is left waiting.
            task._drop_children()
            task.task_spec._predict(task)
        _drop_stale_predictions(workflow, new_process)
    wf.subprocess_specs = new_subprocess_specs
    for process in (new_spec, *new_subprocess_specs.values()):
        connect_loops(process)
    for task in wf.get_tasks(state=RESET | TaskState.WAITING):
        if task.id not in kept:
            continue
        data, internal, expressions = kept[task.id]
        task.data = data
        if recount_timers and timer_expressions(task.task_spec) != expressions:
            internal.pop("event_value", None)
        task.internal_data = internal


FORESEEN = TaskState.PREDICTED_MASK | TaskState.FUTURE


def _drop_stale_predictions(workflow: Any, new_process: Any) -> None:
    """Predicted tasks of elements the new version lacks (predicted under a task that was not reset, such as a
    running multi-instance task) are dropped and their parent predicted again from the new diagram: a case that has
    not reached a removed element takes the new path, and nothing of the old diagram is left to store."""
    for task in list(workflow.get_tasks(state=FORESEEN, skip_subprocesses=True)):
        if task.id not in workflow.tasks or new_process.task_specs.get(task.task_spec.name) is task.task_spec:
            continue
        parent = task.parent
        workflow._remove_task(task.id)
        if parent is not None and parent.has_state(FORESEEN):
            parent.task_spec._predict(parent, mask=FORESEEN)
