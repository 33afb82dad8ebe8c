"""A step's task rows written in one statement: the task it closed, the tasks it cancelled or moved, and the tasks
it opened go in one `INSERT ... ON CONFLICT (id) DO UPDATE` (both databases have it), where SQLAlchemy's unit of
work sends an UPDATE for the changed rows and an INSERT for the new ones (issue 19, point 2).

Written by hand because the ORM has no upsert in its flush: the rows are the session's own objects, written here
and then made to look flushed (a new one persistent, a changed one with its changes committed), so the rest of the
transaction and the answer see them as they are, and the flush that follows writes nothing of them again."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from sqlalchemy import inspect, null
from sqlalchemy.orm import Session, make_transient_to_detached
from sqlalchemy.orm.attributes import set_committed_value

from db.models import HumanTask
from db.session import insert_for, send_together

_COLUMNS = tuple(column.key for column in inspect(HumanTask).column_attrs)


def write(session: Session, *, along: Sequence[Any] = ()) -> None:
    """The session's new and changed task rows in one statement where the flush would send more than one, sent
    with `along` (the step's other hand-written writes of other tables: its case's words) in one round trip on
    PostgreSQL (db.session.send_together)."""
    new = [row for row in session.new if isinstance(row, HumanTask)]
    changed = [row for row in session.dirty if isinstance(row, HumanTask) and session.is_modified(row)]
    if not changed or len(new) + len(changed) < 2:  # one statement either way: the flush's
        send_together(session, along)
        return
    updated = sorted({key for row in changed for key in _changed_keys(row)})
    # A changed row's every column goes in (the database checks NOT NULL before it finds the conflict); only the
    # changed ones are set.
    upsert = insert_for(session)(HumanTask).values([*({key: getattr(row, key) for key in _COLUMNS} for row in changed),
                                                    *(_values(row) for row in new)])
    # The rows' changes are this statement's, the rest the flush's that follows.
    send_together(session, [*along, upsert.on_conflict_do_update(
        index_elements=[HumanTask.id], set_={key: upsert.excluded[key] for key in updated})])
    for row in changed:
        for key in _changed_keys(row):
            set_committed_value(row, key, getattr(row, key))
    for row in new:
        for key in _COLUMNS:
            setattr(row, key, getattr(row, key))  # loaded, as written: a column never set would load on access
        session.expunge(row)
        make_transient_to_detached(row)
        session.add(row)


def _changed_keys(row: HumanTask) -> list[str]:
    state = inspect(row)
    return [key for key in _COLUMNS if state.attrs[key].history.has_changes()]


def _values(row: HumanTask) -> dict[str, Any]:
    """A new row's columns; one never set is SQL NULL, as the flush leaves it (a JSON column set to
    None holds JSON null, as the flush writes it)."""
    given = row.__dict__
    return {key: given[key] if key in given else null() for key in _COLUMNS}
