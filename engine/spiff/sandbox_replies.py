"""Reading a sandbox process's reply: data and exceptions only, never an object that could run code here.

The sandbox process runs administrators' scripts. Were one ever to escape RestrictedPython there, a plain
`pickle.loads` of its reply would let it run code in the server (a pickle may call any importable callable).
So the reply is unpickled with an allow-list: the basic types, the `datetime` classes, a zone (`ZoneInfo`, which
pickles through `getattr(ZoneInfo, "_unpickle")`: that one `getattr` is allowed, no other), and exception
classes (a script's error travels as its exception). Hand-written: `pickle.Unpickler.find_class` is the
standard library's documented way to restrict globals ("Restricting Globals" in its documentation).
"""

from __future__ import annotations

import builtins
import importlib
import io
import pickle
from datetime import date, datetime, time, timedelta, timezone
from typing import Any
from zoneinfo import ZoneInfo

_CLASSES: dict[tuple[str, str], Any] = {
    ("datetime", "datetime"): datetime, ("datetime", "date"): date, ("datetime", "time"): time,
    ("datetime", "timedelta"): timedelta, ("datetime", "timezone"): timezone, ("zoneinfo", "ZoneInfo"): ZoneInfo,
}
_BUILTIN_TYPES = (set, frozenset, bytearray, complex)
# Exceptions defined outside the standard library that a script's error may be: ours and the libraries'.
_EXCEPTION_MODULES = ("engine.", "SpiffWorkflow.", "RestrictedPython.")


class NotData(pickle.UnpicklingError):
    """The reply held something other than data and exceptions."""


def _zone_getattr(owner: Any, name: str) -> Any:
    if owner is ZoneInfo and name == "_unpickle":
        return ZoneInfo._unpickle  # type: ignore[attr-defined]
    raise NotData(f"a sandbox reply may not look up {name!r}")


class _Unpickler(pickle.Unpickler):
    def find_class(self, module: str, name: str) -> Any:
        if (module, name) in _CLASSES:
            return _CLASSES[(module, name)]
        if module == "builtins":
            if name == "getattr":
                return _zone_getattr
            found = getattr(builtins, name, None)
            if isinstance(found, type) and (issubclass(found, BaseException) or found in _BUILTIN_TYPES):
                return found
        elif module.startswith(_EXCEPTION_MODULES):
            try:
                found = getattr(importlib.import_module(module), name, None)
            except ImportError:
                found = None
            if isinstance(found, type) and issubclass(found, BaseException):
                return found
        raise NotData(f"a sandbox reply may not hold {module}.{name}")


def loads(data: bytes) -> Any:
    return _Unpickler(io.BytesIO(data)).load()
