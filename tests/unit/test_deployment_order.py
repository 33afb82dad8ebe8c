"""`jarchy init` deploys called processes before their callers, whatever their names."""

from __future__ import annotations

from api.cli import deployment_order

CALLER = b"""<bpmn:definitions xmlns:bpmn="http://www.omg.org/spec/BPMN/20100524/MODEL">
  <bpmn:process id="a_caller" isExecutable="true"><bpmn:callActivity id="c" calledElement="z_callee"/></bpmn:process>
</bpmn:definitions>"""
CALLEE = b"""<bpmn:definitions xmlns:bpmn="http://www.omg.org/spec/BPMN/20100524/MODEL">
  <bpmn:process id="z_callee" isExecutable="true"/></bpmn:definitions>"""


def test_a_callee_is_deployed_before_a_caller_that_sorts_first() -> None:
    assert deployment_order({"a_caller.bpmn": CALLER, "z_callee.bpmn": CALLEE}) == ["z_callee.bpmn", "a_caller.bpmn"]


def test_the_shipped_diagrams_deploy_in_an_order_that_works() -> None:
    from importlib import resources

    files = {p.name: p.read_bytes() for p in resources.files("workflows").iterdir() if p.name.endswith(".bpmn")}
    order = deployment_order(files)
    assert sorted(order) == sorted(files)
    assert order.index("press_conference.bpmn") < order.index("publication_response.bpmn")
