"""A plain task marked `publish` runs by itself and publishes what the case holds, on the public pages."""

from __future__ import annotations

from typing import Any

from defusedxml import ElementTree

ATOM = "{http://www.w3.org/2005/Atom}"
DIAGRAM = """<?xml version="1.0" encoding="UTF-8"?>
<bpmn:definitions xmlns:bpmn="http://www.omg.org/spec/BPMN/20100524/MODEL"
    xmlns:camunda="http://camunda.org/schema/1.0/bpmn" id="defs" targetNamespace="http://jarchy.test">
  <bpmn:process id="quick_note" name="Quick note" isExecutable="true" camunda:candidateStarterGroups="pr_department">
    <bpmn:startEvent id="start"/>
    <bpmn:sequenceFlow id="f1" sourceRef="start" targetRef="kind"/>
    <bpmn:scriptTask id="kind" name="It is a comment"><bpmn:script>response_kind = "comment"</bpmn:script>
    </bpmn:scriptTask>
    <bpmn:sequenceFlow id="f2" sourceRef="kind" targetRef="publish"/>
    <bpmn:task id="publish" name="Publish on the website">
      <bpmn:extensionElements><camunda:properties>
        <camunda:property name="publish" value="response"/></camunda:properties></bpmn:extensionElements>
    </bpmn:task>
    <bpmn:sequenceFlow id="f3" sourceRef="publish" targetRef="end"/>
    <bpmn:endEvent id="end"/>
  </bpmn:process>
</bpmn:definitions>
"""


def test_a_plain_publishing_task_runs_by_itself_and_publishes_on_the_public_pages(as_: Any) -> None:
    assert as_("admin").post("/api/v1/process-definitions", data=DIAGRAM.encode(),
                             headers={"Content-Type": "application/xml"}).status_code == 201
    assert as_(None).get("/public/responses").get_json() == {"items": []}
    data = {"outlet": "24.kg", "url": "https://24.kg/news/1", "text": "The fares stay as they are."}
    case = as_("pr").post("/api/v1/process-instances", json={"process_key": "quick_note", "data": data}).get_json()
    assert case["status"] == "completed" and case["tasks"] == []
    items = as_(None).get("/public/responses").get_json()["items"]
    assert [(i["business_key"], i["kind"], i["outlet"], i["url"], i["text"]) for i in items] == [
        (case["business_key"], "comment", "24.kg", "https://24.kg/news/1", "The fares stay as they are.")]
    assert items[0]["published_at"] == "2026-03-02T09:00:00+06:00"
    feed = as_(None).get("/public/responses.atom")
    assert feed.mimetype == "application/atom+xml"
    entries = ElementTree.fromstring(feed.data).findall(f"{ATOM}entry")
    assert [e.findtext(f"{ATOM}content") for e in entries] == ["The fares stay as they are."]
    events = as_("auditor").get(f"/api/v1/audit?instance_id={case['id']}&type=publication.published").get_json()
    assert events["total"] == 1
