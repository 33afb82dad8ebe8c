"""The engine loop: run a workflow until it waits. The runtime (engine/runtime/steps.py) and the diagram tests
(tests/diagrams.py) both call it, so the tests run production's loop, not a copy of it. No database here."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from SpiffWorkflow.bpmn import BpmnWorkflow

from engine.calendar import deadlines
from engine.spiff.clock import Clock, using

# Each retiming round only acts on what the last one changed; three is more than any shipped diagram needs.
RETIME_ROUNDS = 3


def run_until_waiting(wf: BpmnWorkflow, clock: Clock, did_complete_task: Callable[[Any], None] | None = None) -> None:
    """Run the engine steps, fire the timers due by `clock`'s now and run what follows them; then, while a step
    moved or paused the case's deadline, move the timers that follow it (one now due fires at once).
    `did_complete_task` is called for each task the engine completes by itself."""
    with using(clock):
        wf.do_engine_steps(did_complete_task=did_complete_task)
        wf.refresh_timers()
        wf.do_engine_steps(did_complete_task=did_complete_task)
        for _ in range(RETIME_ROUNDS):
            if not deadlines.retime(wf):
                break
            wf.refresh_timers()
            wf.do_engine_steps(did_complete_task=did_complete_task)
