"""A row by its key, or the 404 that names what is missing: the registry's, the media plan's and any other
`*_by_id` read through it."""

from __future__ import annotations

from typing import Any, TypeVar

from sqlalchemy.orm import Session

from engine.core.errors import Code, NotFound

T = TypeVar("T")


def by_key(session: Session, model: type[T], key: Any, what: str) -> T:
    """The `model` row of `key`; `NotFound` ("<what> <key> does not exist") when there is none."""
    row = session.get(model, key)
    if row is None:
        raise NotFound(f"{what} {key} does not exist", code=Code.RECORD_NOT_FOUND, params={"key": key})
    return row
