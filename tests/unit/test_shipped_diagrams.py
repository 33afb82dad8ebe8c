"""What every shipped diagram must be, whatever its procedure: deployable, documented, every element named,
every user task with its form, lanes named by roles with their elements drawn inside them, and drawn so
that it renders cleanly in bpmn-js (diagram interchange complete; no shapes or labels on one another;
edges that leave their source and reach their target with straight segments)."""

from __future__ import annotations

import itertools
from importlib import resources

import pytest
from lxml import etree

from engine.core.settings import ROLES
from engine.procedures.validation import validate
from engine.spiff.parser import NS
from tests.diagrams import DI_NS, ROOT, Box, bounds, diagram_root, inside

DIAGRAMS = sorted(p.name for p in resources.files("workflows").iterdir() if p.name.endswith(".bpmn"))
FORM_KEY = f"{{{NS['camunda']}}}formKey"


def _root(name: str) -> etree._Element:
    return diagram_root(ROOT / "workflows" / name)


def _overlap(a: Box, b: Box) -> bool:
    return a[0] < b[0] + b[2] and b[0] < a[0] + a[2] and a[1] < b[1] + b[3] and b[1] < a[1] + a[3]


def _on_border(point: tuple[float, float], box: Box) -> bool:
    x, y = point
    bx, by, bw, bh = box
    return (x in (bx, bx + bw) and by <= y <= by + bh) or (y in (by, by + bh) and bx <= x <= bx + bw)


def test_every_procedure_of_the_contract_is_shipped() -> None:
    assert {"information_request.bpmn", "release_approval.bpmn", "publication_response.bpmn",
            "press_conference.bpmn", "interview_request.bpmn", "daily_digest.bpmn",
            "public_information_request.bpmn", "breach_report.bpmn", "event_support.bpmn"} <= set(DIAGRAMS)


@pytest.mark.parametrize("name", DIAGRAMS)
def test_it_deploys_and_cites_the_regulation(name: str) -> None:
    calls = {c.get("calledElement") for c in _root(name).iter(f"{{{NS['bpmn']}}}callActivity")}
    _root_element, meta = validate((ROOT / "workflows" / name).read_bytes(), known_process_keys=calls)
    assert meta["key"] == name.removesuffix(".bpmn")
    # A regulation's clauses are paragraphs (§), a law's are articles (art.).
    assert "§" in meta["documentation"] or "art." in meta["documentation"], \
        "the documentation cites the clauses it implements"


@pytest.mark.parametrize("name", DIAGRAMS)
def test_every_element_has_a_name_and_every_user_task_a_form(name: str) -> None:
    root = _root(name)
    (process,) = root.xpath("//bpmn:process", namespaces=NS)
    # A sequence flow is named only where it says which way (out of a deciding gateway, or a condition): bpmnlint's
    # label-required and superfluous-label judge those (tests/unit/test_shipped_lint.py).
    unnamed = [e.get("id") for e in process.iter() if isinstance(e.tag, str) and e.get("id")
               and not etree.QName(e).localname.endswith(("EventDefinition", "laneSet", "Specification"))
               and etree.QName(e).localname not in ("dataInput", "dataOutput", "inputSet", "outputSet", "sequenceFlow")
               and not e.get("name")]
    assert unnamed == []
    for task in root.xpath("//bpmn:userTask", namespaces=NS):
        key = task.get(FORM_KEY)
        assert key and (ROOT / "forms" / f"{key}.json").is_file(), task.get("id")


@pytest.mark.parametrize("name", DIAGRAMS)
def test_lanes_are_roles_and_hold_what_is_drawn_in_them(name: str) -> None:
    root = _root(name)
    lanes = root.xpath("//bpmn:lane", namespaces=NS)
    assert lanes and all(lane.get("name") in ROLES for lane in lanes)
    shapes = {s.get("bpmnElement"): bounds(s) for s in root.xpath("//bpmndi:BPMNShape", namespaces=DI_NS)}
    for lane in lanes:
        for ref in lane.xpath("bpmn:flowNodeRef", namespaces=NS):
            assert inside(shapes[ref.text], shapes[lane.get("id")]), f"{ref.text} is not drawn in {lane.get('name')}"


@pytest.mark.parametrize("name", DIAGRAMS)
def test_diagram_interchange_is_complete_and_nothing_is_drawn_on_anything_else(name: str) -> None:
    root = _root(name)
    ids = {e.get("id"): e for e in root.iter() if isinstance(e.tag, str) and e.get("id")}
    shapes = root.xpath("//bpmndi:BPMNShape", namespaces=DI_NS)
    edges = root.xpath("//bpmndi:BPMNEdge", namespaces=DI_NS)
    drawn = [s.get("bpmnElement") for s in shapes + edges]
    assert len(drawn) == len(set(drawn))
    assert set(drawn) <= set(ids), set(drawn) - set(ids)
    must_draw = {e.get("id") for e in root.xpath(
        "//bpmn:participant | //bpmn:lane | //bpmn:sequenceFlow | //bpmn:process//*[bpmn:incoming or "
        "bpmn:outgoing]", namespaces=NS)}
    assert must_draw <= set(drawn), must_draw - set(drawn)

    box = {s.get("bpmnElement"): bounds(s) for s in shapes}
    kind = {i: etree.QName(ids[i]).localname for i in box}
    parent = {i: ids[i].getparent().get("id") for i in box}
    (pool,) = [i for i in box if kind[i] == "participant"]
    lanes = [i for i in box if kind[i] == "lane"]
    nodes = [i for i in box if kind[i] not in ("participant", "lane")]
    assert all(inside(box[i], box[pool]) for i in lanes + nodes)
    for a, b in itertools.combinations(lanes, 2):
        assert not _overlap(box[a], box[b]), (a, b)
    for a, b in itertools.combinations(nodes, 2):
        if not _overlap(box[a], box[b]):
            continue
        contained = (kind[b] == "subProcess" and parent[a] == b and inside(box[a], box[b])) or \
                    (kind[a] == "subProcess" and parent[b] == a and inside(box[b], box[a]))
        boundary = next(((e, h) for e, h in ((a, b), (b, a))
                         if kind[e] == "boundaryEvent" and ids[e].get("attachedToRef") == h), None)
        on_host = boundary is not None and _on_border(
            (box[boundary[0]][0] + box[boundary[0]][2] / 2, box[boundary[0]][1] + box[boundary[0]][3] / 2),
            box[boundary[1]])
        assert contained or on_host, f"{a} and {b} overlap"
    for event in root.xpath("//bpmn:boundaryEvent", namespaces=NS):
        x, y, w, h = box[event.get("id")]
        assert _on_border((x + w / 2, y + h / 2), box[event.get("attachedToRef")]), event.get("id")
    labels = {s.get("bpmnElement"): bounds(s.find("bpmndi:BPMNLabel", DI_NS)) for s in shapes + edges
              if s.find("bpmndi:BPMNLabel", DI_NS) is not None}
    for owner, label in labels.items():
        for other in nodes:
            if kind[other] != "subProcess" and other != owner:
                assert not _overlap(label, box[other]), f"the label of {owner} is on {other}"
    for (a, la), (b, lb) in itertools.combinations(labels.items(), 2):
        assert not _overlap(la, lb), f"the labels of {a} and {b} overlap"
    for edge in edges:
        flow = ids[edge.get("bpmnElement")]
        points = [(float(p.get("x")), float(p.get("y"))) for p in edge.xpath("di:waypoint", namespaces=DI_NS)]
        assert len(points) >= 2
        assert _on_border(points[0], box[flow.get("sourceRef")]), f"{flow.get('id')} does not leave its source"
        assert _on_border(points[-1], box[flow.get("targetRef")]), f"{flow.get('id')} does not reach its target"
        for (x1, y1), (x2, y2) in itertools.pairwise(points):
            assert x1 == x2 or y1 == y2, f"{flow.get('id')} has a slanted segment"
