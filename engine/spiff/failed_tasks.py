"""Where a failed case's workflow stands still, and what its failed step reads: the seams of mending a failed
case (engine.runtime.mending acts on them, engine.reads.failed_cases shows them). No database here.

How a step fails in SpiffWorkflow 3.2, as measured (tests/integration/test_mending.py):
- a script, a gateway's condition or a multi-instance expression raises inside the task's run: the task is left in
  ERROR, with the data it saw; running it again (`READY`, then the engine steps) runs whatever spec it has now;
- a timer's expression raises while the event is being readied after its predecessor completed: the event's task
  stays FUTURE with no data of its own (its predecessor's is what it reads), and nothing readies it again.

SpiffWorkflow has no notion of "the failed tasks" beyond the ERROR state, nor a parser of what an expression
reads: both are written here by hand (the names are read with `ast`, which is what a script is to the sandbox)."""

from __future__ import annotations

import ast
from collections.abc import Iterable
from typing import Any

from SpiffWorkflow.bpmn import BpmnWorkflow
from SpiffWorkflow.bpmn.specs.event_definitions.timer import TimerEventDefinition
from SpiffWorkflow.bpmn.specs.mixins.events.intermediate_event import EventBasedGateway
from SpiffWorkflow.bpmn.specs.mixins.inclusive_gateway import InclusiveGateway
from SpiffWorkflow.bpmn.specs.mixins.parallel_gateway import ParallelGateway
from SpiffWorkflow.specs.ExclusiveChoice import ExclusiveChoice
from SpiffWorkflow.util.task import TaskState

GATEWAYS = (ExclusiveChoice, InclusiveGateway, ParallelGateway, EventBasedGateway)


def stuck(wf: BpmnWorkflow, element_id: str | None) -> list[Any]:
    """The tasks a failed case stopped at: every task in ERROR, and every timer (or the task of the element its
    failure names) left FUTURE after its predecessor completed: a timer whose expression failed. Called activities'
    tasks included; oldest first."""
    found = list(wf.get_tasks(state=TaskState.ERROR))
    found += [task for task in wf.get_tasks(state=TaskState.FUTURE)
              if task.parent is not None and task.parent.state == TaskState.COMPLETED
              and (task.task_spec.bpmn_id == element_id or _is_timer(task.task_spec))]
    return sorted(found, key=lambda task: task.last_state_change)


def _is_timer(spec: Any) -> bool:
    """A timer event: one left FUTURE after its predecessor completed is one whose expression failed (a healthy one
    waits, armed), whatever its element is called now (a migration may have renamed the element the failure names)."""
    definition = getattr(spec, "event_definition", None)
    return any(isinstance(candidate, TimerEventDefinition)
               for candidate in [definition, *(getattr(definition, "event_definitions", None) or [])])


def seen_data(task: Any) -> dict[str, Any]:
    """The data the stuck task runs with: its own in ERROR, its predecessor's while it waits to be readied."""
    if task.state == TaskState.FUTURE and task.parent is not None:
        return task.parent.data  # type: ignore[no-any-return]
    return task.data  # type: ignore[no-any-return]


def is_gateway(task: Any) -> bool:
    return isinstance(task.task_spec, GATEWAYS)


def expressions(spec: Any) -> list[str]:
    """The Python a step runs: its script, its outgoing flows' conditions, its timer's expression, its
    multi-instance expressions."""
    found: list[str] = []
    script = getattr(spec, "script", None)
    if isinstance(script, str):
        found.append(script)
    for condition, _target in getattr(spec, "cond_task_specs", None) or []:
        args = getattr(condition, "args", None)
        if args and isinstance(args[0], str):
            found.append(args[0])
    definition = getattr(spec, "event_definition", None)
    for candidate in [definition, *(getattr(definition, "event_definitions", None) or [])]:
        expression = getattr(candidate, "expression", None)
        if isinstance(expression, str):
            found.append(expression)
    for name in ("cardinality", "condition"):
        value = getattr(spec, name, None)
        if isinstance(value, str):
            found.append(value)
    item = getattr(spec, "data_input", None)  # a multi-instance's collection: a name of the case's data
    if isinstance(getattr(item, "bpmn_id", None), str):
        found.append(item.bpmn_id)
    return found


def names_read(spec: Any, known: Iterable[str]) -> list[str]:
    """The case-data names the step's Python reads before it sets them (the fields an administrator may have to
    correct), without the sandbox's builtins and functions (`known`); sorted. Python that does not parse gives
    none (a deployed diagram's compiled, so this is only a later version's concern)."""
    skip = set(known)
    read: set[str] = set()
    for source in expressions(spec):
        try:
            tree = ast.parse(source)
        except (SyntaxError, ValueError):
            continue
        assigned: set[str] = set()
        for node in _in_order(tree):
            if isinstance(node, ast.Name):
                if isinstance(node.ctx, ast.Load) and node.id not in assigned:
                    read.add(node.id)
                elif isinstance(node.ctx, ast.Store):
                    assigned.add(node.id)
            elif isinstance(node, ast.arg):
                assigned.add(node.arg)
    return sorted(name for name in read if name not in skip and not name.startswith("_"))


def _in_order(tree: ast.AST) -> list[ast.AST]:
    """The nodes in the order Python evaluates them closely enough for names: an assignment's value before its
    targets (`a = a + 1` reads `a`), a comprehension's source before its variable."""
    ordered: list[ast.AST] = []

    def visit(node: ast.AST) -> None:
        if isinstance(node, (ast.Assign, ast.AugAssign, ast.AnnAssign)):
            if node.value is not None:
                visit(node.value)
            targets = node.targets if isinstance(node, ast.Assign) else [node.target]
            if isinstance(node, ast.AugAssign) and isinstance(node.target, ast.Name):
                ordered.append(ast.Name(id=node.target.id, ctx=ast.Load()))
            for target in targets:
                visit(target)
            return
        if isinstance(node, (ast.ListComp, ast.SetComp, ast.GeneratorExp, ast.DictComp)):
            for generator in node.generators:
                visit(generator.iter)
                visit(generator.target)
                for condition in generator.ifs:
                    visit(condition)
            for part in ([node.key, node.value] if isinstance(node, ast.DictComp) else [node.elt]):
                visit(part)
            return
        ordered.append(node)
        for child in ast.iter_child_nodes(node):
            visit(child)

    visit(tree)
    return ordered
