"""Where a case stands on its diagram: which BPMN elements are completed, active or waiting.

Read from the stored SpiffWorkflow state (loaded the way every runtime operation loads it), for the
case page's diagram: its tree, and the record of the elements passed in tasks pruned from it
(engine/spiff/pruning.py). The marks are element ids of the case's own diagram: the elements of a called
procedure (a call activity runs another diagram) are not drawn there, so the call activity itself is
marked waiting while the called procedure runs. An embedded subprocess is not marked itself: its
elements, drawn inside it, are.

The same read names the case's steps for a reader who cannot see the drawing (a phone, a screen reader): the named
elements in the order the case reached them (the task tree's depth-first order, which follows the flow), and the
next named elements the case may reach from where it stands (predicted by SpiffWorkflow: after an undecided gateway,
each branch's first step). Gateways are left out of both: their names are questions, not steps."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from SpiffWorkflow.bpmn.specs.mixins.events.intermediate_event import EventBasedGateway
from SpiffWorkflow.bpmn.specs.mixins.exclusive_gateway import ExclusiveGateway
from SpiffWorkflow.bpmn.specs.mixins.inclusive_gateway import InclusiveGateway
from SpiffWorkflow.bpmn.specs.mixins.parallel_gateway import ParallelGateway
from SpiffWorkflow.bpmn.specs.mixins.subworkflow_task import SubWorkflowTask
from SpiffWorkflow.util.task import TaskState
from sqlalchemy.orm import Session

from db.models import ProcessInstance
from engine.context import EngineContext
from engine.core.errors import Unreadable
from engine.runtime import loading
from engine.spiff import pruning

# A gateway's name is a question ("Verdict?"): it is drawn, marked and named, but it is not a step the case's list
# reads as done or coming; the steps behind it are.
GATEWAYS = (ExclusiveGateway, InclusiveGateway, ParallelGateway, EventBasedGateway)
# Tasks the case has not reached: certain (FUTURE) or predicted (LIKELY, MAYBE: behind an undecided gateway).
AHEAD = TaskState.FUTURE | TaskState.LIKELY | TaskState.MAYBE


@dataclass(frozen=True)
class Progress:
    completed: list[str] = field(default_factory=list)
    active: list[str] = field(default_factory=list)  # ready user tasks
    waiting: list[str] = field(default_factory=list)  # timers, message catches, a called procedure
    error: list[str] = field(default_factory=list)  # a script or expression that failed
    names: dict[str, str] = field(default_factory=dict)  # element id -> its name on the diagram
    reached: list[str] = field(default_factory=list)  # named elements, in the order the case reached them
    upcoming: list[str] = field(default_factory=list)  # named elements the case may reach next
    unreadable: str | None = None  # why the case's stored state cannot be read (then nothing is marked)

    def as_dict(self) -> dict[str, list[str]]:
        return {"completed": self.completed, "active": self.active, "waiting": self.waiting, "error": self.error}


def progress(session: Session, ctx: EngineContext, instance: ProcessInstance) -> Progress:
    try:
        definition, wf = loading.load(session, ctx, instance)
    except Unreadable as exc:
        return Progress(unreadable=exc.detail)
    called = set(definition.meta.get("called", []))
    completed: set[str] = set()
    active: set[str] = set()
    waiting: set[str] = set()
    error: set[str] = set()
    names: dict[str, str] = {}
    reached: dict[str, None] = {}
    upcoming: dict[str, None] = {}
    # The steps passed in tasks pruned from the stored tree (engine/spiff/pruning.py), reached before what it holds.
    for spec in _passed_specs(wf, called):
        if getattr(spec, "bpmn_name", None):
            names[spec.bpmn_id] = spec.bpmn_name
            if not isinstance(spec, GATEWAYS):
                reached[spec.bpmn_id] = None
        if not (isinstance(spec, SubWorkflowTask) and spec.spec not in called):
            completed.add(spec.bpmn_id)
    for task in wf.get_tasks():
        bpmn_id = getattr(task.task_spec, "bpmn_id", None)
        if not bpmn_id or _inside_called(task, called):
            continue
        if getattr(task.task_spec, "bpmn_name", None):
            names[bpmn_id] = task.task_spec.bpmn_name
            if not task.has_state(AHEAD) and not isinstance(task.task_spec, GATEWAYS):
                reached[bpmn_id] = None
        if isinstance(task.task_spec, SubWorkflowTask) and task.task_spec.spec not in called:
            continue  # an embedded subprocess is drawn with its elements inside: they carry the marks
        if task.state == TaskState.COMPLETED:
            completed.add(bpmn_id)
        elif task.state == TaskState.READY and task.task_spec.manual:
            active.add(bpmn_id)
        elif task.state in (TaskState.WAITING, TaskState.STARTED):  # STARTED: a called procedure runs
            waiting.add(bpmn_id)
        elif task.state == TaskState.ERROR:
            error.add(bpmn_id)
        if task.state in (TaskState.READY, TaskState.WAITING, TaskState.STARTED, TaskState.ERROR):
            for bpmn_id, name in _next_named(task, called):
                upcoming[bpmn_id] = None
                names.setdefault(bpmn_id, name)
    # An element passed before and reached again (a rework loop, one contribution of several) shows where it is now.
    completed -= active | waiting | error
    current = active | waiting | error
    return Progress(sorted(completed), sorted(active), sorted(waiting - active), sorted(error), names,
                    [k for k in reached if k in completed or k in current],
                    [k for k in upcoming if k not in current])


def _passed_specs(wf: Any, called: set[str]) -> list[Any]:
    """The specs of the elements passed in pruned tasks, outside called procedures, in the order first reached."""
    found = []
    for key, name in pruning.passed(wf):
        process = pruning.spec_of(wf, key)
        if process is None or (key and any(part in called for part in key.split("/"))):
            continue
        spec = process.task_specs.get(name)
        if getattr(spec, "bpmn_id", None):
            found.append(spec)
    return found


def _next_named(task: Any, called: set[str]) -> list[tuple[str, str]]:
    """The first named steps predicted after `task` (id, name), through unnamed elements and gateways."""
    found: list[tuple[str, str]] = []
    stack = list(reversed(task.children))
    seen: set[int] = set()
    while stack:
        child = stack.pop()
        if id(child) in seen or not child.has_state(AHEAD) or _inside_called(child, called):
            continue
        seen.add(id(child))
        bpmn_id = getattr(child.task_spec, "bpmn_id", None)
        if bpmn_id and getattr(child.task_spec, "bpmn_name", None) and not isinstance(child.task_spec, GATEWAYS):
            found.append((bpmn_id, child.task_spec.bpmn_name))
        elif child.children:
            stack.extend(reversed(child.children))
        elif isinstance(child.task_spec, GATEWAYS):
            # SpiffWorkflow predicts only two steps past an undecided one (TaskSpec.lookahead): a gateway where
            # paths meet before a question would hide the question's answers. Past a gateway it stopped at, the
            # diagram itself says what comes.
            found += [n for n in _named_after(child.task_spec) if n not in found]
    return found


def _named_after(spec: Any) -> list[tuple[str, str]]:
    """The first named steps after a gateway in the diagram (id, name), through gateways and unnamed elements."""
    found: list[tuple[str, str]] = []
    stack = list(reversed(spec.outputs))
    seen: set[int] = set()
    while stack:
        out = stack.pop()
        if id(out) in seen:
            continue
        seen.add(id(out))
        bpmn_id = getattr(out, "bpmn_id", None)
        if bpmn_id and getattr(out, "bpmn_name", None) and not isinstance(out, GATEWAYS):
            found.append((bpmn_id, out.bpmn_name))
        else:
            stack.extend(reversed(out.outputs))
    return found


def _inside_called(task: Any, called: set[str]) -> bool:
    """A task of a called procedure's diagram (the same test as the inbox's process key)."""
    workflow = task.workflow
    while workflow is not None and workflow is not workflow.top_workflow:
        if workflow.spec.name in called:
            return True
        workflow = workflow.parent_workflow
    return False
