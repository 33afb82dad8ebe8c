"""Deploy-time validation of a diagram, and what the engine reads from it.

A rejected diagram names each offending element and its line. SpiffWorkflow checks structure but
reports no line and a misleading message for some faults (ENGINE_NOTES), and never compiles scripts,
conditions or timer expressions, so those checks are made here before SpiffWorkflow sees the file.

Two runaways are refused here although the sandbox's bounds would stop them at run time: a timer cycle
of zero length (it would fire, or start cases, without pause) and a script loop that is certain never to
end (`while True:` with no `break`, `return` or `raise` in it). What no static check can see is left to
the bounds (engine.spiff.sandbox_bounds)."""

from __future__ import annotations

import ast
import builtins
from collections.abc import Callable
from datetime import timedelta
from typing import Any

from lxml import etree
from SpiffWorkflow.bpmn.parser.ValidationException import ValidationException
from SpiffWorkflow.bpmn.specs.event_definitions.timer import TimerEventDefinition
from SpiffWorkflow.exceptions import SpiffWorkflowException

from db.models import BusinessKeySequence, ProcessDefinition
from db.vocabulary import NotificationKind
from engine.core.errors import Code, ElementError, InvalidDiagram
from engine.core.settings import ROLES
from engine.procedures import labels
from engine.procedures.deployed_forms import diagram_form_keys, shipped_form
from engine.spiff.parser import NS, JarchyParser, UnsafeXml, element_line, parse_xml
from engine.spiff.sandbox import SAFE_NAMES, SandboxSyntaxError, check_expression, check_script
from engine.spiff.script_functions import FUNCTION_NAMES

BPMN = "{" + NS["bpmn"] + "}"
CAMUNDA = "{" + NS["camunda"] + "}"

# What SpiffWorkflow's Camunda parser runs, and the parts they are made of.
SUPPORTED = {
    "process", "startEvent", "endEvent", "intermediateCatchEvent", "intermediateThrowEvent", "boundaryEvent",
    "userTask", "scriptTask", "manualTask", "task", "subProcess", "callActivity", "transaction",
    "exclusiveGateway", "parallelGateway", "inclusiveGateway", "eventBasedGateway", "sequenceFlow",
    "laneSet", "lane", "flowNodeRef", "childLaneSet", "documentation", "extensionElements", "incoming",
    "outgoing", "conditionExpression", "script", "timerEventDefinition", "timeDate", "timeDuration",
    "timeCycle", "messageEventDefinition", "signalEventDefinition", "errorEventDefinition",
    "escalationEventDefinition", "terminateEventDefinition", "cancelEventDefinition",
    "multiInstanceLoopCharacteristics", "loopCardinality", "completionCondition", "standardLoopCharacteristics",
    "textAnnotation", "text", "association", "dataObject", "dataObjectReference", "dataStoreReference",
    "dataInputAssociation", "dataOutputAssociation", "sourceRef", "targetRef", "property",
    "ioSpecification", "dataInput", "dataOutput", "inputSet", "outputSet", "dataInputRefs", "dataOutputRefs",
    "group", "category", "categoryValue",
}
USER_TASKS = ("userTask", "manualTask")


FormSchema = Callable[[str], dict[str, Any] | None]


def validate(data: bytes, known_process_keys: set[str] | None = None, form_schema: FormSchema = shipped_form,
             provided_by: Callable[[str], set[str]] = lambda key: set()) -> tuple[etree._Element, dict[str, Any]]:
    """Everything wrong with a diagram, or what the engine needs from it. `form_schema` gives the schema of a form
    key the diagram names (deployed, deployed with it, or shipped) or None where there is none; `provided_by` the
    names a deployed procedure it calls provides to it (its `meta["provides"]`)."""
    try:
        data.decode("utf-8")
    except UnicodeDecodeError as exc:
        line = data[: exc.start].count(b"\n") + 1
        raise InvalidDiagram([ElementError("The diagram must be UTF-8 encoded.", line=line,
                                           code=Code.DIAGRAM_ENCODING)]) from exc
    try:
        root = parse_xml(data)
    except UnsafeXml as exc:
        raise InvalidDiagram([ElementError(exc.message, line=exc.line, code=exc.code, params=exc.params)]) from exc
    if root.tag != f"{BPMN}definitions":
        raise InvalidDiagram([ElementError("The file is not a BPMN 2.0 diagram (no bpmn:definitions).",
                                           line=root.sourceline, code=Code.NOT_BPMN)])
    processes = root.findall(f"{BPMN}process")
    executable = [p for p in processes if p.get("isExecutable") == "true"] or processes
    if len(executable) != 1:
        raise InvalidDiagram([ElementError(
            f"A diagram must hold exactly one executable process; this one has {len(executable)}.",
            line=root.sourceline, code=Code.ONE_EXECUTABLE_PROCESS, params={"count": len(executable)})])
    process = executable[0]
    problems = [
        *_unsupported(process),
        *_dangling_flows(process),
        *_lanes(process),
        *_forms(process, form_schema),
        *_expressions(process),
    ]
    meta = extract_meta(root, process)
    problems += _unrouted_tasks(process, meta)
    problems += _starters(process, meta)
    problems += _calls(process, meta, (known_process_keys or set()) | {meta["key"]})
    problems += _lengths(process, meta)
    if not problems:
        problems = _fields_read(process, meta, form_schema, provided_by)
    if not problems:
        problems = _spiff_structure(root, meta["key"])
    if problems:
        raise InvalidDiagram(problems)
    # What a procedure that calls this one may read after the call.
    meta["provides"] = sorted(provided_names(process, meta, form_schema))
    return root, meta


def sandbox_problems(data: bytes) -> list[ElementError]:
    """What the sandbox refuses in a diagram's scripts, conditions, timers and expressions, as a deploy would say it:
    the modeler's check while the administrator draws (bpmnlint's jarchy/script-compiles shows them). A diagram
    that cannot be read has none here: the deploy says why."""
    try:
        root = parse_xml(data)
    except (UnsafeXml, etree.XMLSyntaxError, ValueError):
        return []
    processes = root.findall(f"{BPMN}process")
    executable = [p for p in processes if p.get("isExecutable") == "true"] or processes
    return [problem for process in executable for problem in _expressions(process)]


def _err(node: etree._Element, message: str, code: Code, **params: Any) -> ElementError:
    """Name the element an administrator can select in the modeler: an event, not its event definition."""
    owner = node
    while owner is not None and (owner.get("id") is None or _local(owner).endswith("EventDefinition")):
        owner = owner.getparent()
    return ElementError(message, element_id=owner.get("id") if owner is not None else None, line=node.sourceline,
                        code=code, params=params)


def _local(node: etree._Element) -> str:
    return etree.QName(node).localname


def _unsupported(process: etree._Element) -> list[ElementError]:
    out = []
    for node in process.iter(f"{BPMN}*"):
        if _local(node) not in SUPPORTED:
            out.append(_err(node, f"The element type {_local(node)!r} is not supported by Jarchy's engine.",
                            Code.UNSUPPORTED_ELEMENT, tag=_local(node)))
    return out


def _dangling_flows(process: etree._Element) -> list[ElementError]:
    ids = {n.get("id") for n in process.iter() if n.get("id")}
    out = []
    for flow in process.iter(f"{BPMN}sequenceFlow"):
        for end in ("sourceRef", "targetRef"):
            ref = flow.get(end)
            if not ref or ref not in ids:
                out.append(_err(flow, f"The sequence flow's {end} points to {ref!r}, which is not in the process.",
                                Code.DANGLING_FLOW, end=end, ref=ref))
    return out


def _lanes(process: etree._Element) -> list[ElementError]:
    return [
        _err(lane, f"The lane {lane.get('name')!r} is not a role. Name a lane by a role: {', '.join(ROLES)}.",
             Code.LANE_NOT_A_ROLE, lane=lane.get("name") or "", roles=", ".join(ROLES))
        for lane in process.iter(f"{BPMN}lane")
        if (lane.get("name") or "").strip() not in ROLES
    ]


def _forms(process: etree._Element, form_schema: FormSchema) -> list[ElementError]:
    out = []
    for tag in USER_TASKS:
        for task in process.iter(f"{BPMN}{tag}"):
            key = task.get(f"{CAMUNDA}formKey")
            if not key:
                out.append(_err(task, "The user task names no form (camunda:formKey).", Code.FORM_KEY_MISSING))
            elif form_schema(key) is None:
                out.append(_err(task, f"The form {key!r} is not deployed, deployed with the diagram, or shipped.",
                                Code.FORM_MISSING, form=key))
    for start in process.iter(f"{BPMN}startEvent"):
        key = start.get(f"{CAMUNDA}formKey")
        if key and form_schema(key) is None:
            out.append(_err(start, f"The start form {key!r} is not deployed, deployed with the diagram, or shipped.",
                            Code.FORM_MISSING, form=key))
    return out


# -- every name the diagram's expressions read is provided ----------------------------------------------------

# What the engine itself puts into a case's data, besides its forms and scripts: the channel and moment of a
# portal request (engine.runtime.portal), a scheduled start's occurrence (operations.start_scheduled), a
# handover's link to the case it came from (engine.runtime.handover.LINK), a draft act's published comments and
# its extended discussion (engine.runtime.draft_acts). (No shipped diagram reads one of these without a form or
# script of its own giving it too; a diagram an administrator draws may.)
ENGINE_FIELDS = frozenset({"channel", "received_at", "scheduled_for", "handed_over_from", "comments", "due_at",
                           "deadline", "discussion_ends_at"})
_KNOWN_NAMES = SAFE_NAMES | FUNCTION_NAMES | set(dir(builtins))


def provided_names(process: etree._Element, meta: dict[str, Any], form_schema: FormSchema) -> set[str]:
    """The names a diagram gives its case's data: its forms' fields (start form included) and what its scripts
    assign, and the element variables of its multi-instance loops."""
    names: set[str] = set()
    for key in diagram_form_keys(meta):
        schema = form_schema(key)
        if schema is not None:
            names |= _schema_fields(schema)
    for script in process.iter(f"{BPMN}script"):
        names |= _stored(script.text or "", "exec")
    for loop in process.iter(f"{BPMN}multiInstanceLoopCharacteristics"):
        for attribute in ("elementVariable", "collection"):
            if loop.get(f"{CAMUNDA}{attribute}"):
                names.add(loop.get(f"{CAMUNDA}{attribute}") or "")
    return names


def _schema_fields(schema: Any) -> set[str]:
    """The top-level fields a form may give: its properties, and those of its conditional branches."""
    if not isinstance(schema, dict):
        return set()
    names = set(schema.get("properties") or {}) if isinstance(schema.get("properties"), dict) else set()
    for word in ("if", "then", "else", "x-case"):
        names |= _schema_fields(schema.get(word))
    for word in ("allOf", "anyOf", "oneOf"):
        for sub in schema.get(word) or [] if isinstance(schema.get(word), list) else []:
            names |= _schema_fields(sub)
    return names


def _tree(source: str, mode: str) -> ast.AST | None:
    try:
        return ast.parse(source.strip() if mode == "eval" else source, mode=mode)
    except (SyntaxError, ValueError, RecursionError, MemoryError):
        return None  # the compile check reports it


def _stored(source: str, mode: str) -> set[str]:
    """The names a script assigns (anywhere in it), its functions' and lambdas' parameters included."""
    tree = _tree(source, mode)
    if tree is None:
        return set()
    names = {n.id for n in ast.walk(tree) if isinstance(n, ast.Name) and isinstance(n.ctx, (ast.Store, ast.Del))}
    names |= {a.arg for a in ast.walk(tree) if isinstance(a, ast.arg)}
    names |= {n.name for n in ast.walk(tree) if isinstance(n, (ast.FunctionDef, ast.AsyncFunctionDef))}
    names |= {n.name for n in ast.walk(tree) if isinstance(n, ast.ExceptHandler) and n.name}
    return names


def _read(source: str, mode: str) -> list[str]:
    """The free names a script or expression reads, in order: not assigned in it, not a builtin or a function of
    the sandbox."""
    tree = _tree(source, mode)
    if tree is None:
        return []
    own = _stored(source, mode)
    loaded = [n.id for n in ast.walk(tree) if isinstance(n, ast.Name) and isinstance(n.ctx, ast.Load)]
    return [name for name in dict.fromkeys(loaded) if name not in own and name not in _KNOWN_NAMES]


def _fields_read(process: etree._Element, meta: dict[str, Any], form_schema: FormSchema,
                 provided_by: Callable[[str], set[str]]) -> list[ElementError]:
    """Each name a condition, script, timer, due date or role/unit expression reads must be given by a form of
    the diagram, a script of it, a procedure it calls, or the engine: else the first case to get there fails.
    A diagram without a start form takes whatever data it is started with (through the API, or from the
    procedure that calls it): its names cannot be checked, and are not."""
    if not meta.get("start_form"):
        return []
    provided = provided_names(process, meta, form_schema) | ENGINE_FIELDS
    for called in meta.get("called", []):
        provided |= provided_by(called)
    out: list[ElementError] = []

    def check(node: etree._Element, source: str | None, mode: str, what: str) -> None:
        for name in _read(source or "", mode):
            if name not in provided:
                out.append(_err(node, f"The {what} reads `{name}`, which no form or script of the diagram "
                                      "provides.", Code.FIELD_NOT_PROVIDED, field=name, what=what))

    for script in process.iter(f"{BPMN}script"):
        check(script, script.text, "exec", "script")
    for cond in process.iter(f"{BPMN}conditionExpression", f"{BPMN}completionCondition"):
        check(cond, cond.text, "eval", "condition")
    for cardinality in process.iter(f"{BPMN}loopCardinality"):
        check(cardinality, cardinality.text, "eval", "loop cardinality")
    for kind in ("timeDate", "timeDuration", "timeCycle"):
        for timer in process.iter(f"{BPMN}{kind}"):
            check(timer, timer.text, "eval", "timer expression")
    for task in process.iter(*(f"{BPMN}{t}" for t in USER_TASKS)):
        check(task, task.get(f"{CAMUNDA}dueDate"), "eval", "due date expression")
        for prop in task.iterfind("./bpmn:extensionElements/camunda:properties/camunda:property", NS):
            if prop.get("name") in ("role", "unit"):
                check(prop, prop.get("value"), "eval", f"{prop.get('name')} expression")
    return out


def _expressions(process: etree._Element) -> list[ElementError]:
    out: list[ElementError] = []

    def compile_at(node: etree._Element, source: str | None, what: str, check: Any) -> None:
        if source is None or not source.strip():
            out.append(_err(node, f"The {what} is empty.", Code.EXPRESSION_EMPTY))
            return
        # An expression is compiled stripped: count the lines the stripping removed.
        skipped = source[: len(source) - len(source.lstrip())].count("\n") if check is check_expression else 0
        try:
            check(source.strip() if check is check_expression else source)
        except SandboxSyntaxError as exc:
            offset = skipped + (exc.lineno - 1 if exc.lineno else 0)
            line = node.sourceline + offset if node.sourceline else None
            # The sandbox's kind of refusal (an import, a name starting with "_", ...) with the line in the script.
            params = exc.params | ({"script_line": offset + 1} if exc.lineno else {})
            error = _err(node, f"The {what} is not allowed or does not compile: {exc.message}",
                         Code(exc.code), **params)
            out.append(ElementError(error.message, error.element_id, line, error.code, error.params))

    for script in process.iter(f"{BPMN}script"):
        compile_at(script, script.text, "script", check_script)
        out += _endless_loops(script)
    for cond in process.iter(f"{BPMN}conditionExpression", f"{BPMN}completionCondition"):
        compile_at(cond, cond.text, "condition", check_expression)
    for cardinality in process.iter(f"{BPMN}loopCardinality"):
        if not (cardinality.text or "").strip().isdigit():
            compile_at(cardinality, cardinality.text, "loop cardinality", check_expression)
    for kind in ("timeDate", "timeDuration", "timeCycle"):
        for timer in process.iter(f"{BPMN}{kind}"):
            compile_at(timer, timer.text, "timer expression", check_expression)
            out += _timer_literal(timer, kind)
    for task in process.iter(*(f"{BPMN}{t}" for t in USER_TASKS)):
        due = task.get(f"{CAMUNDA}dueDate")
        if due is not None:
            compile_at(task, due, "due date expression", check_expression)
        for prop in task.iterfind("./bpmn:extensionElements/camunda:properties/camunda:property", NS):
            if prop.get("name") in ("role", "unit"):
                compile_at(prop, prop.get("value"), f"{prop.get('name')} expression", check_expression)
    return out


def _timer_literal(timer: etree._Element, kind: str) -> list[ElementError]:
    """A quoted ISO value is checked now: SpiffWorkflow would otherwise fail silently at run time."""
    try:
        value = ast.literal_eval((timer.text or "").strip())
    except (ValueError, SyntaxError):
        return []  # an expression: compiled above, evaluated when the timer arms
    if not isinstance(value, str):
        return [_err(timer, f"The timer's {kind} must be an ISO 8601 text, not {value!r}.", Code.TIMER_NOT_TEXT,
                     value=repr(value))]
    try:
        if kind == "timeDate":
            TimerEventDefinition.get_datetime(value)
        elif kind == "timeDuration":
            TimerEventDefinition.parse_iso_duration(value)
        else:
            every = TimerEventDefinition.parse_iso_recurring_interval(value)[2]
            if every <= timedelta(0):
                return [_err(timer, f"The timer's cycle {value!r} has no time between its occurrences: it would "
                                    "fire without pause. Give it an interval longer than zero, e.g. R/P1D.",
                             Code.TIMER_NO_INTERVAL, value=value)]
    except Exception:  # SpiffWorkflow raises a bare Exception for a bad duration
        return [_err(timer, f"The timer's {kind} {value!r} is not a valid ISO 8601 value.", Code.TIMER_INVALID,
                     value=value)]
    return []


def _endless_loops(script: etree._Element) -> list[ElementError]:
    """`while <always true>:` loops that nothing inside them can leave."""
    try:
        tree = ast.parse(script.text or "")
    except (SyntaxError, RecursionError, MemoryError):
        return []  # reported by the compile check
    out = []
    for loop in ast.walk(tree):
        if isinstance(loop, ast.While) and _always_true(loop.test) and not _leaves(loop.body):
            line = script.sourceline + loop.lineno - 1 if script.sourceline else None
            out.append(ElementError(
                f"The script's loop at its line {loop.lineno} never ends: nothing in it leaves it "
                "(break, return or raise).",
                _err(script, "", Code.ENDLESS_LOOP).element_id, line, Code.ENDLESS_LOOP,
                {"script_line": loop.lineno}))
    return out


def _always_true(test: ast.expr) -> bool:
    try:
        return bool(ast.literal_eval(test))
    except (ValueError, TypeError, SyntaxError, MemoryError, RecursionError):
        return False


def _leaves(body: list[ast.stmt]) -> bool:
    """Whether a statement of `body` leaves the loop: a `break` not inside an inner loop, a `return` or a
    `raise` anywhere but in a function defined inside it."""
    for statement in body:
        for node in _walk_same_scope(statement):
            if isinstance(node, (ast.Return, ast.Raise)):
                return True
            if isinstance(node, ast.Break) and not _in_inner_loop(statement, node):
                return True
    return False


def _walk_same_scope(node: ast.AST) -> list[ast.AST]:
    """`node` and what is inside it, but not inside a function it defines (that code runs only if called)."""
    if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef, ast.Lambda, ast.ClassDef)):
        return []
    found = [node]
    for child in ast.iter_child_nodes(node):
        found += _walk_same_scope(child)
    return found


def _in_inner_loop(top: ast.stmt, target: ast.Break) -> bool:
    """Whether `target` belongs to a loop nested in `top` (its break leaves that loop, not ours; a break in
    that loop's `else:` does leave ours)."""
    for node in _walk_same_scope(top):
        if isinstance(node, (ast.While, ast.For, ast.AsyncFor)) and any(
                inner is target for part in node.body for inner in _walk_same_scope(part)):
            return True
    return False


def _unrouted_tasks(process: etree._Element, meta: dict[str, Any]) -> list[ElementError]:
    """A user task must reach someone: through its lane, or a `role` expression."""
    return [
        _err(node, "The user task is in no lane and names no role: put it in a lane named by a role, "
                   "or give it a 'role' extension property.", Code.TASK_UNROUTED)
        for node in process.iter(*(f"{BPMN}{t}" for t in USER_TASKS))
        if not meta["tasks"][node.get("id")]["lane"] and not meta["tasks"][node.get("id")]["role"]
    ]


def _starters(process: etree._Element, meta: dict[str, Any]) -> list[ElementError]:
    unknown = [r for r in meta["starters"] if r not in ROLES]
    if unknown:
        return [_err(process, f"Starter group(s) {', '.join(unknown)} are not roles.", Code.STARTERS_NOT_ROLES,
                     groups=", ".join(unknown))]
    if not meta["starters"] and not meta["start_timers"]:
        return [_err(process, "No one may start this process: set candidate starter groups or put the start "
                              "event in a lane.", Code.NO_STARTER)]
    return []


def _calls(process: etree._Element, meta: dict[str, Any], known: set[str]) -> list[ElementError]:
    return [
        _err(call, f"The call activity calls {call.get('calledElement')!r}, which is not deployed.",
             Code.CALL_NOT_DEPLOYED, process=call.get("calledElement") or "")
        for call in process.iter(f"{BPMN}callActivity")
        if call.get("calledElement") not in known
    ]


# What the database keeps of a diagram, and how long each may be (its columns' lengths).
ID_LENGTH = ProcessDefinition.__table__.c.key.type.length  # also the tasks' and timers' element ids
NAME_LENGTH = ProcessDefinition.__table__.c.name.type.length  # also a task's name in the inbox
PREFIX_LENGTH = BusinessKeySequence.__table__.c.prefix.type.length


def _lengths(process: etree._Element, meta: dict[str, Any]) -> list[ElementError]:
    """Identifiers and names longer than the columns that keep them are refused here, naming the element,
    not left to fail when a case reaches them (PostgreSQL refuses an overlong value; SQLite keeps it)."""
    out = []
    for node in process.iter():
        element_id = node.get("id")
        if element_id is not None and len(element_id) > ID_LENGTH:
            out.append(ElementError(f"The element id is {len(element_id)} characters long; at most {ID_LENGTH} "
                                    "are allowed.", element_id=element_id, line=node.sourceline,
                                    code=Code.ID_TOO_LONG, params={"limit": ID_LENGTH}))
    for node in [process, *process.iter(*(f"{BPMN}{t}" for t in USER_TASKS))]:
        name = node.get("name") or ""
        if len(name) > NAME_LENGTH:
            out.append(_err(node, f"The name is {len(name)} characters long; at most {NAME_LENGTH} are allowed.",
                            Code.NAME_TOO_LONG, limit=NAME_LENGTH))
    prefix = meta["business_key_prefix"]
    if not 1 <= len(prefix) <= PREFIX_LENGTH:
        out.append(_err(process, f"The businessKeyPrefix {prefix[:40]!r} must have 1 to {PREFIX_LENGTH} characters.",
                        Code.PREFIX_LENGTH, limit=PREFIX_LENGTH))
    return out


def _spiff_structure(root: etree._Element, key: str) -> list[ElementError]:
    parser = JarchyParser()
    try:
        parser.add_bpmn_xml(root, filename=f"{key}.bpmn")
        parser.get_spec(key)
    except ValidationException as exc:
        # SpiffWorkflow's own English is kept for logs and `detail` only: a page says its code.
        return [ElementError(f"{exc}".split("\n")[0], exc.id, element_line(root, exc.id), Code.DIAGRAM_UNREADABLE)]
    except (SpiffWorkflowException, KeyError, ValueError, TypeError, AttributeError) as exc:
        return [ElementError(f"SpiffWorkflow cannot read the diagram: {exc}", line=None,
                             code=Code.DIAGRAM_UNREADABLE)]
    return []


def extract_meta(root: etree._Element, process: etree._Element) -> dict[str, Any]:
    """What the engine reads from a diagram, stored with the version so it is not re-parsed per request."""
    lane_of: dict[str, str] = {}
    for lane in process.iter(f"{BPMN}lane"):
        for ref in lane.iterfind(f"{BPMN}flowNodeRef"):
            lane_of[(ref.text or "").strip()] = (lane.get("name") or "").strip()
    props = _properties(process)
    starters = [s.strip() for s in (process.get(f"{CAMUNDA}candidateStarterGroups") or "").split(",") if s.strip()]
    start_events = process.findall(f"{BPMN}startEvent")
    start = start_events[0] if start_events else None
    timer_start = start is not None and start.find(f"{BPMN}timerEventDefinition") is not None
    if not starters and start is not None and start.get("id") in lane_of and not timer_start:
        starters = [lane_of[start.get("id")]]
    words = labels.read(root)
    tasks = {}
    for tag in USER_TASKS:
        for task in process.iter(f"{BPMN}{tag}"):
            task_props = _properties(task)
            tasks[task.get("id")] = {
                "name": task.get("name") or task.get("id"),
                "names": words["labels"].get(task.get("id"), {}),
                "lane": lane_of.get(task.get("id")),
                "form": task.get(f"{CAMUNDA}formKey"),
                "role": task_props.get("role"),
                "unit": task_props.get("unit"),
                "due": task.get(f"{CAMUNDA}dueDate"),
                "notification": task_props.get("notification") or NotificationKind.TASK,
            }
    doc = process.find(f"{BPMN}documentation")
    key = process.get("id")
    return {
        "key": key,
        "name": process.get("name") or key,
        "documentation": (doc.text or "").strip() if doc is not None else "",
        "starters": starters,
        "business_key_prefix": props.get("businessKeyPrefix") or (key or "X")[:2].upper(),
        "start_form": start.get(f"{CAMUNDA}formKey") if start is not None else None,
        "tasks": tasks,
        "called": sorted({c.get("calledElement") for c in process.iter(f"{BPMN}callActivity")} - {None}),
        "start_timers": [s.get("id") for s in start_events if s.find(f"{BPMN}timerEventDefinition") is not None],
        **words,
    }


def _properties(node: etree._Element) -> dict[str, str]:
    return {
        p.get("name"): p.get("value", "")
        for p in node.iterfind("./bpmn:extensionElements/camunda:properties/camunda:property", NS)
        if p.get("name")
    }
