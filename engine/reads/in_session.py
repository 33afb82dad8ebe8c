"""The rows of a kind that the session already holds, loaded: read again they would come back as these very
objects (a query returns the session's own object for a row it holds, without refreshing it), so a reader asks
the database only for the others. The request that just moved a case presents it without reading it back."""

from __future__ import annotations

from collections.abc import Iterable
from typing import TypeVar

from sqlalchemy import inspect
from sqlalchemy.orm import Session
from sqlalchemy.orm.util import identity_key

T = TypeVar("T")


def held(session: Session, kind: type[T], ids: Iterable[int]) -> dict[int, T]:
    found: dict[int, T] = {}
    for id_ in ids:
        obj = session.identity_map.get(identity_key(kind, id_))
        if obj is not None and not inspect(obj).expired:
            found[id_] = obj
    return found
