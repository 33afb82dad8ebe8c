"""A sandbox process's reply is read as data and exceptions only: were a script ever to escape the sandbox, it
still could not make the server run anything by what it sends back."""

from __future__ import annotations

import os
import pickle
from datetime import UTC, date, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest

from engine.spiff.sandbox import SandboxSyntaxError
from engine.spiff.sandbox_replies import NotData, loads


def test_data_dates_zones_and_a_scripts_errors_come_back_as_sent() -> None:
    value = {"at": datetime(2026, 3, 2, 9, tzinfo=ZoneInfo("Asia/Bishkek")), "day": date(2026, 3, 2),
             "utc": datetime(2026, 3, 2, tzinfo=UTC), "span": timedelta(days=3), "seen": {1, 2},
             "pair": (1, "a"), "nested": [{"x": None, "y": 1.5, "z": True}]}
    assert loads(pickle.dumps(("done", value), pickle.HIGHEST_PROTOCOL)) == ("done", value)
    kind, error, line = loads(pickle.dumps(("raised", ZeroDivisionError("division by zero"), 3)))
    assert (kind, type(error), str(error), line) == ("raised", ZeroDivisionError, "division by zero", 3)
    refused = loads(pickle.dumps(("raised", SandboxSyntaxError("Imports are not allowed.", 2), 2)))
    assert isinstance(refused[1], SandboxSyntaxError) and refused[2] == 2


class _RunsACommand:
    def __reduce__(self) -> tuple[object, tuple[str]]:
        return (os.system, ("touch /tmp/jarchy-escaped",))


class _ClimbsByGetattr:
    def __reduce__(self) -> tuple[object, tuple[object, str]]:
        return (getattr, (ZeroDivisionError, "__subclasses__"))


@pytest.mark.parametrize("payload", [_RunsACommand(), _ClimbsByGetattr(), {"f": eval}, [open]])
def test_a_reply_that_would_run_code_here_is_refused(payload: object) -> None:
    with pytest.raises(NotData):
        loads(pickle.dumps(("done", payload)))
