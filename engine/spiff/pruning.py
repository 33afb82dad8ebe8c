"""Pruning a workflow's task tree before it is stored: what the engine can no longer need is removed, so that a case's
stored state and the cost of each of its steps stay flat however many times it loops (a draft sent back for rework
two hundred times is stored as small as after the first time).

SpiffWorkflow never prunes: every task the case ever passed stays in the tree, every loop iteration adds its tasks,
each finished subprocess keeps its own workflow, and all of it is walked by every engine step and serialized by
every save (ENGINE_NOTES, "Serialization"; its iterators also stop 1,000 tasks deep). Hand-written: the library has
no pruning of its own (`reset_from_task_id` removes what follows a task, never what precedes it).

What `prune` removes, in the top workflow and in each subprocess's own tree:
- every task that is neither the root, nor the lowest common ancestor ("the cut") of what is kept, nor below it.
  What is kept: every unfinished task (READY, WAITING, STARTED, ERROR and the predicted FUTURE, LIKELY, MAYBE), the
  parent of each (a timer re-reads its parent's data, a failed task's mending reads it, a draft's discussion
  follows it), for a task on a path a non-interrupting boundary event started, that event and the path between
  them (the case's data tells such paths apart by that ancestor), and, in the top workflow, the newest completed end
  event of each end (the case's data merges what its ended paths finished with). Below the cut nothing is removed:
  a parallel branch that finished and waits at a join, the join's earlier arrivals, the boundary events of a
  waiting task, a completed multi-instance child: all are below the cut, since the tasks still waiting descend
  from the same split. Above the cut the path is linear by construction (the cut is the lowest task every kept one
  descends from), and is replaced by the root's direct link to the cut: old loop iterations, completed branches
  that nothing waiting descends from or joins with, the cancelled boundary events of finished tasks.
- the workflows of subprocesses whose task is removed or finished (completed or cancelled): SpiffWorkflow only
  consults a subprocess while its task runs (`SubWorkflowTask._update_hook`), and copies its data out when it ends.

Why the kept tasks see the same data: SpiffWorkflow holds each task's whole data in memory, and its serializer
stores a task's data as a delta against its parent only when it has one (`TaskConverter.to_dict`): the cut, given the
root as its new parent, is stored as its delta against the root and restored whole. A workflow's `last_task`
that is removed is forgotten (None), as SpiffWorkflow's own migration does (`bpmn.util.diff`); it is set again by
the next task to complete, before anything reads it. Waiting catch events stay registered (they are kept);
entries of removed tasks are dropped from the event manager.

What the engine's own reads of finished steps use instead (the history stays whole in the audit trail, which
pruning never touches): `passed(wf)`, the elements the workflow and its subprocesses passed in pruned tasks, in
the order first reached, one entry an element however often it was passed (bounded by the diagram's size, not by
the case's age). Stored with the state by the serializer (engine/spiff/serializer.py); read by the case's progress
(engine/reads/progress.py) and by the check of the steps a case passed before it moves to another version
(engine/runtime/migration_plan.py), renamed with the mapping when it moves (engine/spiff/realign.py).

Called from the one place a case is saved (engine/runtime/steps.py `save`), after the step's projections have read
the whole tree (a timer fired in this very step is told from one a message beat)."""

from __future__ import annotations

from collections.abc import Callable, Iterable
from typing import Any

from SpiffWorkflow.bpmn import BpmnWorkflow
from SpiffWorkflow.bpmn.specs.defaults import BoundaryEvent, EndEvent
from SpiffWorkflow.util.task import TaskState

from engine.spiff.serializer import PASSED

# Tasks the engine will still run or look at: kept, with what they descend from up to the cut.
UNFINISHED = (TaskState.READY | TaskState.WAITING | TaskState.STARTED | TaskState.ERROR | TaskState.FUTURE
              | TaskState.LIKELY | TaskState.MAYBE)
FINISHED = TaskState.COMPLETED | TaskState.CANCELLED
TOP = ""


def passed(wf: BpmnWorkflow) -> list[list[str]]:
    """The elements passed in pruned tasks, in the order first reached, each `[workflow key, task spec name]`: the
    key is `TOP`, or the spec names of the subprocesses from the top down, joined by '/'."""
    found = getattr(wf, PASSED, None)
    if found is None:
        found = []
        setattr(wf, PASSED, found)
    return found  # type: ignore[no-any-return]


def workflow_key(workflow: Any) -> str:
    """`workflow`'s key in `passed`: the spec names of the subprocesses from the top workflow down to it."""
    names = []
    while workflow is not None and workflow is not workflow.top_workflow:
        names.append(workflow.spec.name)
        workflow = workflow.parent_workflow
    return "/".join(reversed(names))


def spec_of(wf: BpmnWorkflow, key: str) -> Any:
    """The process spec of the workflow keyed `key` (None: the case's specs have no such process)."""
    if key == TOP:
        return wf.spec
    return wf.subprocess_specs.get(key.rsplit("/", 1)[-1])


def prune(wf: BpmnWorkflow) -> None:
    """Remove from `wf` (the top workflow) what the engine can no longer need (the module's docstring says what
    and why), noting the elements of removed completed tasks in `passed(wf)`."""
    removed: list[tuple[str, Any]] = []
    # Keyed before anything is removed: a subprocess finds its parent workflow through its task.
    keys = {id(sub): workflow_key(sub) for sub in wf.subprocesses.values()}
    _prune_tree(wf, TOP, removed, top=True)
    gone: set[int] = set()
    for sub in sorted(wf.subprocesses.values(), key=lambda s: s.depth):
        task = _task_of(wf, sub)
        key = keys[id(sub)]
        if task is None or task.has_state(FINISHED):
            gone.add(id(sub))
            removed.extend((key, t) for t in sub.tasks.values())
            del wf.subprocesses[sub.parent_task_id]
        else:
            _prune_tree(sub, key, removed, top=False)
    if not removed:
        return
    _note_passed(wf, removed)
    events = wf.event_manager.tasks
    for task_id in [i for i, t in events.items() if t.workflow.tasks.get(i) is not t or id(t.workflow) in gone]:
        del events[task_id]


def _task_of(wf: BpmnWorkflow, sub: Any) -> Any:
    """The task that runs subprocess `sub`, if it is still in its (pruned) workflow's tree, else None
    (`BpmnSubWorkflow.parent_workflow` would raise)."""
    found = wf.tasks.get(sub.parent_task_id)
    for other in wf.subprocesses.values():
        if found is not None:
            break
        found = other.tasks.get(sub.parent_task_id)
    return found


def _note_passed(wf: BpmnWorkflow, removed: Iterable[tuple[str, Any]]) -> None:
    record = passed(wf)
    seen = {(key, name) for key, name in record}
    for key, task in sorted(removed, key=lambda kt: kt[1].last_state_change):
        spec = task.task_spec
        if task.state != TaskState.COMPLETED or not getattr(spec, "bpmn_id", None) or (key, spec.name) in seen:
            continue
        seen.add((key, spec.name))
        record.append([key, spec.name])


def _prune_tree(workflow: Any, key: str, removed: list[tuple[str, Any]], *, top: bool) -> None:
    root = workflow.task_tree
    kept = [t for t in workflow.tasks.values() if t.has_state(UNFINISHED)]
    if top:
        newest: dict[str, Any] = {}
        for task in workflow.tasks.values():
            if task.state == TaskState.COMPLETED and isinstance(task.task_spec, EndEvent):
                held = newest.get(task.task_spec.name)
                if held is None or task.last_state_change >= held.last_state_change:
                    newest[task.task_spec.name] = task
        kept += newest.values()
    if not kept:
        return  # a finished (or cancelled) workflow: what it ended with is its whole record
    cut = _common_ancestor([_reach(task) for task in kept])
    if cut is None or cut is root or cut.parent is root:
        return
    below = _subtree(cut)
    if len(below) + 1 == len(workflow.tasks):
        return
    keep_ids = {root.id, *(t.id for t in below)}
    removed.extend((key, t) for t in workflow.tasks.values() if t.id not in keep_ids)
    cut._parent = root.id
    root._children = [cut.id]
    workflow.tasks = {root.id: root} | {t.id: t for t in below}  # parents before children, as the serializer needs
    if workflow.last_task is not None and workflow.last_task.id not in keep_ids:
        workflow.last_task = None


def _reach(task: Any) -> Any:
    """The highest task `task` needs kept above it: its parent, or the non-interrupting boundary event that started
    the path it is on (the case's data keeps such a path's values apart)."""
    node, reach = task.parent, task.parent or task
    while node is not None:
        spec = node.task_spec
        if isinstance(spec, BoundaryEvent) and not spec.cancel_activity:
            reach = node
        node = node.parent
    return reach


def _common_ancestor(tasks: list[Any]) -> Any:
    """The lowest task each of `tasks` is or descends from."""
    path: list[Any] = []
    node = tasks[0]
    while node is not None:
        path.append(node)
        node = node.parent
    path.reverse()
    depth = {id(t): i for i, t in enumerate(path)}
    lowest = len(path) - 1
    for task in tasks[1:]:
        node = task
        while node is not None and id(node) not in depth:
            node = node.parent
        if node is None:
            return None  # not of one tree: nothing is cut
        lowest = min(lowest, depth[id(node)])
    return path[lowest]


def _subtree(task: Any) -> list[Any]:
    """`task` and every task below it, each after its parent."""
    found, stack = [], [task]
    while stack:
        node = stack.pop()
        found.append(node)
        stack.extend(reversed(node.children))
    return found


def rename_passed(wf: BpmnWorkflow, rename: Callable[[str, Any], str | None]) -> None:
    """The elements in `passed(wf)` named as another version names them: `rename(key, old spec)` gives the new spec's
    name (None: it keeps its name). Called before the workflow's specs are replaced."""
    renamed: list[list[str]] = []
    for key, name in passed(wf):
        process = spec_of(wf, key)
        spec = process.task_specs.get(name) if process is not None else None
        entry = [key, (rename(key, spec) if spec is not None else None) or name]
        if entry not in renamed:
            renamed.append(entry)
    passed(wf)[:] = renamed
