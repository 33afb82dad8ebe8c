"""The pruning of a workflow's task tree (engine/spiff/pruning.py), in memory: a loop around a parallel split and
join, with a non-interrupting timer on one branch, reloaded from its serialization after every step as the runtime
does. Pruned before each save, the tree stays the size of one loop, a join still counts the branch that arrived
before it was pruned, the waiting tasks see the data they see in the same run kept whole, and the run reaches its
end."""

from __future__ import annotations

from datetime import datetime
from typing import Any
from zoneinfo import ZoneInfo

from SpiffWorkflow.bpmn import BpmnWorkflow
from SpiffWorkflow.util.task import TaskState

from engine.spiff import pruning, serializer
from engine.spiff.clock import FrozenClock, using
from engine.spiff.loop import run_until_waiting
from engine.spiff.parser import JarchyParser, parse_xml
from engine.spiff.sandbox import in_process_engine

DIAGRAM = b"""<?xml version="1.0" encoding="UTF-8"?>
<bpmn:definitions xmlns:bpmn="http://www.omg.org/spec/BPMN/20100524/MODEL" id="defs" targetNamespace="http://t">
  <bpmn:process id="looping" isExecutable="true">
    <bpmn:startEvent id="start"/>
    <bpmn:sequenceFlow id="f1" sourceRef="start" targetRef="again_merge"/>
    <bpmn:exclusiveGateway id="again_merge"/>
    <bpmn:sequenceFlow id="f2" sourceRef="again_merge" targetRef="split"/>
    <bpmn:parallelGateway id="split"/>
    <bpmn:sequenceFlow id="f3" sourceRef="split" targetRef="a"/>
    <bpmn:sequenceFlow id="f4" sourceRef="split" targetRef="b"/>
    <bpmn:userTask id="a" name="A"/>
    <bpmn:boundaryEvent id="reminder" attachedToRef="a" cancelActivity="false">
      <bpmn:timerEventDefinition><bpmn:timeDuration>"P1D"</bpmn:timeDuration></bpmn:timerEventDefinition>
    </bpmn:boundaryEvent>
    <bpmn:sequenceFlow id="f5" sourceRef="reminder" targetRef="remind"/>
    <bpmn:scriptTask id="remind"><bpmn:script>reminded = 1</bpmn:script></bpmn:scriptTask>
    <bpmn:sequenceFlow id="f6" sourceRef="remind" targetRef="reminded"/>
    <bpmn:endEvent id="reminded"/>
    <bpmn:userTask id="b" name="B"/>
    <bpmn:sequenceFlow id="f7" sourceRef="a" targetRef="join"/>
    <bpmn:sequenceFlow id="f8" sourceRef="b" targetRef="join"/>
    <bpmn:parallelGateway id="join"/>
    <bpmn:sequenceFlow id="f9" sourceRef="join" targetRef="review"/>
    <bpmn:userTask id="review" name="Review"/>
    <bpmn:sequenceFlow id="f10" sourceRef="review" targetRef="verdict"/>
    <bpmn:exclusiveGateway id="verdict" default="f12"/>
    <bpmn:sequenceFlow id="f11" sourceRef="verdict" targetRef="again_merge">
      <bpmn:conditionExpression>decision == "again"</bpmn:conditionExpression>
    </bpmn:sequenceFlow>
    <bpmn:sequenceFlow id="f12" sourceRef="verdict" targetRef="done"/>
    <bpmn:endEvent id="done"/>
  </bpmn:process>
</bpmn:definitions>
"""
START = datetime(2026, 3, 2, 9, 0, tzinfo=ZoneInfo("Asia/Bishkek"))


class Run:
    def __init__(self, prune: bool) -> None:
        parser = JarchyParser()
        parser.add_bpmn_xml(parse_xml(DIAGRAM), "looping.bpmn")
        self.specs = parser.get_spec("looping"), parser.get_subprocess_specs("looping")
        self.prune, self.clock, self.engine = prune, FrozenClock(START), in_process_engine()
        self.wf = BpmnWorkflow(*self.specs, script_engine=self.engine)
        self.step()

    def step(self) -> None:
        run_until_waiting(self.wf, self.clock)
        if self.prune:
            pruning.prune(self.wf)
        self.wf = serializer.load(serializer.dump(self.wf), self.specs, self.engine)

    def complete(self, name: str, **data: Any) -> None:
        task = next(t for t in self.wf.get_tasks(state=TaskState.READY, manual=True) if t.task_spec.name == name)
        with using(self.clock):
            task.data.update(data)
            task.run()
        self.step()

    def later(self, **delta: float) -> None:
        self.clock.advance(**delta)
        self.step()

    def seen(self) -> list[tuple[str, dict[str, Any]]]:
        return sorted((t.task_spec.name, t.data) for t in self.wf.get_tasks(state=TaskState.READY | TaskState.WAITING))

    def size(self) -> int:
        return len(self.wf.tasks)


def test_a_loop_around_a_join_stays_one_loop_deep_and_sees_what_the_whole_tree_sees() -> None:
    runs = [Run(prune=True), Run(prune=False)]

    def both(action: str, *args: Any, **data: Any) -> None:
        for run in runs:
            getattr(run, action)(*args, **data)
        assert runs[0].seen() == runs[1].seen()

    sizes = []
    for i in range(30):
        both("complete", "b", from_b=i)
        if i % 3 == 0:
            both("later", days=2)  # the reminder on `a` fires beside the work: an end reached, `a` still waits
        both("complete", "a", from_a=i)  # the join fires: `b` arrived in an earlier step, maybe pruned since
        assert sorted(t.task_spec.name for t in runs[0].wf.get_tasks(state=TaskState.READY, manual=True)) == [
            "review"]
        both("complete", "review", decision="again")
        sizes.append(runs[0].size())
    # The newest reminder's end is kept (the case's data merges what ended paths finished with): the tree holds
    # at most the loops since it, three here, however many loops ran.
    assert max(sizes[3:]) <= max(sizes[:3]) and runs[1].size() > 5 * max(sizes), (sizes, runs[1].size())
    both("complete", "a", from_a="last")
    both("complete", "b", from_b="last")
    both("complete", "review", decision="done")
    assert all(run.wf.is_completed() for run in runs)
    assert runs[0].wf.data == runs[1].wf.data
    assert runs[0].wf.data["from_b"] == "last" and runs[0].wf.data["reminded"] == 1
    passed = [name for key, name in pruning.passed(runs[0].wf) if key == pruning.TOP]
    assert {"a", "b", "review", "split", "join", "reminder", "remind", "reminded"} <= set(passed)


def test_an_event_postponed_many_times_is_stored_no_larger_than_after_the_first() -> None:
    """The event support's postponement loop starts its preparation (an embedded subprocess) again each time:
    pruned, the finished preparations and the cancelled boundary events of the old ones are gone."""
    from engine.context import EngineContext
    from engine.core.settings import Settings
    from tests.diagrams import parse_specs
    from tests.unit import test_event_support_diagram as event_support

    class Pruned(event_support.Run):
        def _reload(self) -> None:
            pruning.prune(self.wf)
            super()._reload()

    clock = FrozenClock(event_support.NOW)
    specs = parse_specs(event_support.DIAGRAM, *getattr(event_support, "CALLED", ()))
    engine = EngineContext(Settings(), clock).script_engine
    runs = [Pruned(specs, clock, engine, dict(event_support.START_DATA)),
            event_support.Run(specs, clock, engine, dict(event_support.START_DATA))]
    sizes: list[list[int]] = [[], []]
    for day in range(12, 24):
        for run, found in zip(runs, sizes, strict=True):
            run.complete("media_advisory", event_support.ADVISORY)
            run.complete("change_event", event_support.POSTPONE | {"new_starts_at": f"2026-03-{day}T15:00:00+06:00"})
            found.append(len(serializer.dump(run.wf)))
        assert runs[0].open_data("change_event") == runs[1].open_data("change_event")
    assert max(sizes[0]) <= 1.2 * sizes[0][0] and sizes[1][-1] > 5 * sizes[1][0], sizes
    for run in runs:
        run.prepared(advisory=False) if "media_advisory" not in run.ready() else run.prepared()
    assert runs[0].ready() == runs[1].ready() == ["change_event"]
