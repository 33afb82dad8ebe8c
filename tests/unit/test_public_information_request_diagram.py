"""The request for public information cites, in every element, the article of law it follows, or says that it is
a design choice no article makes."""

from __future__ import annotations

from pathlib import Path

from tests.diagrams import NS, diagram_root

DIAGRAM = Path(__file__).resolve().parents[2] / "workflows" / "public_information_request.bpmn"
ELEMENTS = ("startEvent", "endEvent", "task", "userTask", "scriptTask", "exclusiveGateway", "eventBasedGateway",
            "intermediateCatchEvent", "boundaryEvent", "subProcess")


def test_every_element_cites_its_article_or_says_it_is_a_design_choice() -> None:
    root = diagram_root(DIAGRAM)
    elements = [e for kind in ELEMENTS for e in root.iter(f"{{{NS['bpmn']}}}{kind}")]
    assert len(elements) == 34  # three of them the gateways where paths meet
    uncited = []
    for element in elements:
        doc = element.find("bpmn:documentation", NS)
        text = doc.text if doc is not None and doc.text else ""
        if "art." not in text and "Design choice" not in text:
            uncited.append(element.get("id"))
    assert uncited == []


def test_no_clock_is_written_in_the_diagram_every_figure_is_the_profiles() -> None:
    root = diagram_root(DIAGRAM)
    register = root.find(".//bpmn:scriptTask[@id='register']/bpmn:script", NS)
    assert register is not None
    assert register.text == ('deadline = statutory_deadline("public_information_request", received_at, urgent)\n'
                             "due_at = deadline_due(deadline)")
