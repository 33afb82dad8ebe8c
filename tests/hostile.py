"""Names that are markup, stored everywhere an administrator or a user can store a name, for the tests that read
every page (tests/web/test_names_are_text.py) and the pages whose scripts draw diagrams
(tests/browser/test_names_are_text_browser.py).

Each payload is different, so a test can tell where each one shows; `injected` lists what of them an HTML page
holds as markup instead of text."""

from __future__ import annotations

from datetime import date, datetime
from html.parser import HTMLParser
from typing import Any
from xml.sax.saxutils import escape, quoteattr

PROCESS = '<script>alert("process")</script><a href="//evil">process</a>'
TASK = '"><svg onload=alert("task")><form action=//evil>task'
TIMER = "<style>body{display:none}</style>timer 100%"
DOCUMENTATION = '<a href="//evil">documentation</a><script>alert("doc")</script>'
UNIT = '<a href="//evil">unit</a>"><svg onload=alert("unit")>'
USER = '<script>alert("user")</script><style>body{display:none}</style>user'
SUBJECT = "<form action=//evil><button>subject</button></form>"
REASON = '<a href="//evil" style="position:fixed">reason</a>'
UNIT_KEY = "evil"
USERNAME = "mallory"
KEY = "hostile"
OVERRIDE_DAY = date(2026, 3, 9)


def diagram(lane: str = "pr_department") -> bytes:
    """A procedure whose process, user task and timer are named by payloads, with documentation that is one too;
    drawn (BPMNDI), so that bpmn-js shows the names. Lanes are roles: a payload lane is refused at deploy."""
    return f"""<?xml version="1.0" encoding="UTF-8"?>
<bpmn:definitions xmlns:bpmn="http://www.omg.org/spec/BPMN/20100524/MODEL"
    xmlns:bpmndi="http://www.omg.org/spec/BPMN/20100524/DI" xmlns:dc="http://www.omg.org/spec/DD/20100524/DC"
    xmlns:di="http://www.omg.org/spec/DD/20100524/DI" xmlns:camunda="http://camunda.org/schema/1.0/bpmn"
    id="defs" targetNamespace="http://jarchy.test">
  <bpmn:process id="{KEY}" name={quoteattr(PROCESS)} isExecutable="true" camunda:candidateStarterGroups="pr_department">
    <bpmn:documentation>{escape(DOCUMENTATION)}</bpmn:documentation>
    <bpmn:laneSet id="lanes"><bpmn:lane id="lane" name={quoteattr(lane)}>
      <bpmn:flowNodeRef>start</bpmn:flowNodeRef><bpmn:flowNodeRef>work</bpmn:flowNodeRef>
    </bpmn:lane></bpmn:laneSet>
    <bpmn:startEvent id="start" camunda:formKey="information_request/start"/>
    <bpmn:sequenceFlow id="f1" sourceRef="start" targetRef="work"/>
    <bpmn:userTask id="work" name={quoteattr(TASK)} camunda:formKey="information_request/contribute">
      <bpmn:documentation>{escape(DOCUMENTATION)}</bpmn:documentation>
    </bpmn:userTask>
    <bpmn:boundaryEvent id="nudge" name={quoteattr(TIMER)} attachedToRef="work" cancelActivity="false">
      <bpmn:timerEventDefinition><bpmn:timeDuration>"P5D"</bpmn:timeDuration></bpmn:timerEventDefinition>
    </bpmn:boundaryEvent>
    <bpmn:sequenceFlow id="f2" sourceRef="work" targetRef="done"/>
    <bpmn:endEvent id="done"/>
    <bpmn:sequenceFlow id="f3" sourceRef="nudge" targetRef="nudged"/>
    <bpmn:endEvent id="nudged"/>
  </bpmn:process>
  <bpmndi:BPMNDiagram id="drawing">
    <bpmndi:BPMNPlane id="plane" bpmnElement="{KEY}">
      <bpmndi:BPMNShape id="start_di" bpmnElement="start"><dc:Bounds x="100" y="100" width="36" height="36"/>
      </bpmndi:BPMNShape>
      <bpmndi:BPMNShape id="work_di" bpmnElement="work"><dc:Bounds x="200" y="78" width="160" height="80"/>
      </bpmndi:BPMNShape>
      <bpmndi:BPMNShape id="nudge_di" bpmnElement="nudge"><dc:Bounds x="262" y="140" width="36" height="36"/>
        <bpmndi:BPMNLabel><dc:Bounds x="240" y="180" width="120" height="40"/></bpmndi:BPMNLabel>
      </bpmndi:BPMNShape>
      <bpmndi:BPMNShape id="done_di" bpmnElement="done"><dc:Bounds x="430" y="100" width="36" height="36"/>
      </bpmndi:BPMNShape>
      <bpmndi:BPMNShape id="nudged_di" bpmnElement="nudged"><dc:Bounds x="262" y="260" width="36" height="36"/>
      </bpmndi:BPMNShape>
      <bpmndi:BPMNEdge id="f1_di" bpmnElement="f1"><di:waypoint x="136" y="118"/><di:waypoint x="200" y="118"/>
      </bpmndi:BPMNEdge>
      <bpmndi:BPMNEdge id="f2_di" bpmnElement="f2"><di:waypoint x="360" y="118"/><di:waypoint x="430" y="118"/>
      </bpmndi:BPMNEdge>
      <bpmndi:BPMNEdge id="f3_di" bpmnElement="f3"><di:waypoint x="280" y="176"/><di:waypoint x="280" y="260"/>
      </bpmndi:BPMNEdge>
    </bpmndi:BPMNPlane>
  </bpmndi:BPMNDiagram>
</bpmn:definitions>
""".encode()


def store_everywhere(sessions: Any, ctx: Any, at: datetime) -> None:
    """The hostile diagram deployed, a unit and a PR department member named by payloads, and a calendar
    override whose reason is one."""
    from engine.people.accounts import create_unit, create_user
    from engine.procedures.definitions import deploy
    from engine.runtime import calendar_change
    from tests.conftest import PASSWORD

    with sessions.begin() as session:
        deploy(session, diagram(), actor="admin", at=at)
        create_unit(session, key=UNIT_KEY, name=UNIT, actor="admin", at=at)
        create_user(session, username=USERNAME, display_name=USER, password=PASSWORD, roles=["pr_department"],
                    unit=UNIT_KEY, actor="admin", at=at)
        calendar_change.set_override(session, ctx, day=OVERRIDE_DAY, working=False, reason=REASON, actor="admin",
                                    at=at)


class _Elements(HTMLParser):
    """Every start tag with its attributes, and the page's text as a reader sees it (entities decoded)."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.tags: list[tuple[str, dict[str, str]]] = []
        self.text: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.tags.append((tag, {name: value or "" for name, value in attrs}))

    def handle_data(self, data: str) -> None:
        self.text.append(data)


def read(page: str) -> tuple[list[tuple[str, dict[str, str]]], str]:
    """A page's elements and its text."""
    parser = _Elements()
    parser.feed(page)
    parser.close()
    return parser.tags, "".join(parser.text)


def injected(page: str) -> list[str]:
    """The elements and attributes of the payloads that the page holds as markup (none when every name is text)."""
    found = []
    for tag, attrs in read(page)[0]:
        if tag == "script" and not attrs.get("src"):
            found.append("an inline <script>")
        if tag in ("svg", "style"):
            found.append(f"a <{tag}>")
        found += [f"<{tag} {name}=...>" for name in attrs if name.startswith("on")]
            # The payloads point at //evil; the hostile unit's own page (/admin/units/evil) is the application's link.
        found += [f"<{tag} {name}={value!r}>" for name, value in attrs.items()
                  if name in ("href", "action", "formaction", "src") and "//evil" in value]
        if "style" in attrs and "display:none" in attrs["style"].replace(" ", ""):
            found.append(f"<{tag} style=...>")
    return found
