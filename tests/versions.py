"""New versions of a shipped diagram, made in the test with lxml: what an administrator redrawing a procedure would
deploy (a task renamed, a step added, a form changed), for the tests of moving running cases between versions."""

from __future__ import annotations

from copy import deepcopy

from lxml import etree

from tests.diagrams import CAMUNDA_FORM_KEY, DI_NS, WORKFLOWS

BPMN = f"{{{DI_NS['bpmn']}}}"


def _root(name: str = "information_request.bpmn") -> etree._Element:
    return etree.fromstring((WORKFLOWS / name).read_bytes())


def renamed(root: etree._Element, old: str, new: str) -> None:
    """The element `old` is `new` everywhere the diagram names it (flows, lanes, the drawing)."""
    for node in root.iter():
        for attribute, value in node.attrib.items():
            if value == old:
                node.set(attribute, new)
        if node.text == old:
            node.text = new


def _by_id(root: etree._Element, element_id: str) -> etree._Element:
    found = root.xpath(f"//*[@id='{element_id}']")
    assert len(found) == 1, element_id
    return found[0]  # type: ignore[no-any-return]


def added_step(root: etree._Element, step: str, *, before: str, form: str, lane: str, name: str) -> None:
    """A user task `step` (in `lane`, with `form`) that every flow into `before` now goes through first."""
    target = _by_id(root, before)
    parent = target.getparent()
    task = etree.SubElement(parent, f"{BPMN}userTask", id=step, name=name)
    task.set(CAMUNDA_FORM_KEY, form)
    for flow in root.xpath(f"//bpmn:sequenceFlow[@targetRef='{before}']", namespaces=DI_NS):
        flow.set("targetRef", step)
        etree.SubElement(task, f"{BPMN}incoming").text = flow.get("id")
    for incoming in target.findall(f"{BPMN}incoming"):
        target.remove(incoming)
    flow_id = f"Flow_{step}_to_{before}"
    etree.SubElement(task, f"{BPMN}outgoing").text = flow_id
    etree.SubElement(target, f"{BPMN}incoming").text = flow_id
    etree.SubElement(parent, f"{BPMN}sequenceFlow", id=flow_id, sourceRef=step, targetRef=before)
    lane_node = root.xpath(f"//bpmn:lane[@name='{lane}']", namespaces=DI_NS)[0]
    etree.SubElement(lane_node, f"{BPMN}flowNodeRef").text = step
    shape = root.xpath(f"//bpmndi:BPMNShape[@bpmnElement='{before}']", namespaces=DI_NS)
    if shape:  # drawn where the step it precedes is, a little lower: the drawing is not what is tested
        copy = deepcopy(shape[0])
        copy.set("id", f"{step}_di")
        copy.set("bpmnElement", step)
        for child in list(copy):
            if child.tag != f"{{{DI_NS['dc']}}}Bounds":
                copy.remove(child)
        bounds = copy.find(f"{{{DI_NS['dc']}}}Bounds")
        bounds.set("y", str(float(bounds.get("y")) + 200))
        shape[0].addnext(copy)


def form_of(root: etree._Element, element_id: str, form: str) -> None:
    _by_id(root, element_id).set(CAMUNDA_FORM_KEY, form)


def information_request_v2() -> bytes:
    """The information request with `approve_answer` renamed `approve_reply` ("Approve the reply") and a step
    `check_answer` (the PR head checks the answer, with the escalation's form) before `send_answer`."""
    root = _root()
    renamed(root, "approve_answer", "approve_reply")
    _by_id(root, "approve_reply").set("name", "Approve the reply")
    added_step(root, "check_answer", before="send_answer", form="information_request/escalate_overdue",
               lane="pr_head", name="Check the answer")
    return etree.tostring(root, xml_declaration=True, encoding="UTF-8")


def timer_expression(root: etree._Element, element_id: str, expression: str) -> None:
    """The timer of event `element_id` counts by `expression`."""
    [node] = _by_id(root, element_id).xpath(".//bpmn:timeDate | .//bpmn:timeDuration", namespaces=DI_NS)
    node.text = expression


def information_request_v3() -> bytes:
    """Version 2 where the requester is given 15 working days for a clarification instead of 10."""
    root = etree.fromstring(information_request_v2())
    timer_expression(root, "clarification_timeout",
                     "end_of_working_day(add_working_days(clarification_requested_at, 15))")
    return etree.tostring(root, xml_declaration=True, encoding="UTF-8")
