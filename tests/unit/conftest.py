"""What the tests of the shipped diagrams (test_<procedure>_diagram.py) share: the procedure parsed once a module,
the office clock at the module's moment, the sandbox as the runtime builds it, and `start`, which starts a run.

A diagram module names, at its top: `DIAGRAM` (the .bpmn file) and, if it calls others, `CALLED` (theirs);
`NOW`, where the clock stands when a test begins; `Run`, its `tests.diagrams.DiagramRun`; and `START_DATA`,
what its start form is filled with unless a test changes it."""

from __future__ import annotations

from typing import Any

import pytest

from engine.context import EngineContext
from engine.core.settings import Settings
from engine.spiff.clock import FrozenClock
from tests.diagrams import DiagramRun, parse_specs


@pytest.fixture(scope="module")
def specs(request: pytest.FixtureRequest) -> tuple[Any, dict[str, Any]]:
    return parse_specs(request.module.DIAGRAM, *getattr(request.module, "CALLED", ()))


@pytest.fixture
def clock(request: pytest.FixtureRequest, clock: FrozenClock) -> FrozenClock:
    """At the module's `NOW` where it names one; elsewhere the suite's clock (tests/conftest.py)."""
    now = getattr(request.module, "NOW", None)
    return clock if now is None else FrozenClock(now)


@pytest.fixture
def engine(clock: FrozenClock) -> Any:
    """The sandbox exactly as the runtime builds it: the functions docs/diagrams.md promises, on the KG calendar."""
    return EngineContext(Settings(), clock).script_engine


@pytest.fixture
def start(request: pytest.FixtureRequest, specs: tuple[Any, dict[str, Any]], clock: FrozenClock,
          engine: Any) -> Any:
    """Start the module's `Run` with its `START_DATA`, changed by `changes`, without the fields named in `drop`."""

    def make(drop: tuple[str, ...] = (), **changes: Any) -> DiagramRun:
        data = {k: v for k, v in {**getattr(request.module, "START_DATA", {}), **changes}.items() if k not in drop}
        return request.module.Run(specs, clock, engine, data)

    return make
