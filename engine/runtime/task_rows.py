"""A step's task rows and its case's words written at once: the task it closed, the tasks it cancelled or moved and
the tasks it opened go in one `INSERT ... ON CONFLICT (id) DO UPDATE` (both databases have it), where SQLAlchemy's
unit of work sends an UPDATE for the changed rows and an INSERT for the new ones; on PostgreSQL the case's words
ride in the same statement as a data-modifying CTE (SQLite has none: there they are a statement of their own)
(issue 19, point 2). On PostgreSQL that holds for a single row too (a case's first task, its last one closed):
the words and the row in one statement, where the flush would send two.

Written by hand because the ORM has no upsert in its flush: the rows are the session's own objects, written here
and then made to look flushed (a new one persistent, a changed one with its changes committed), so the rest of the
transaction and the answer see them as they are, and the flush that follows writes nothing of them again. The
statement is built once for each set of changed columns and executed with one set of parameters a row, which
SQLAlchemy sends as one multi-row statement (its "insertmanyvalues"), compiled once: a statement of literal rows
would be compiled on every request. Every changed row is written with the columns any of them changed, each with
the value the session holds: they were all read under the case's lock, which every writer of a task's columns
takes (the reminder sweep's `reminded_at` is no step's)."""

from __future__ import annotations

from typing import Any

from sqlalchemy import event, inspect
from sqlalchemy.orm import Session, SessionTransaction, make_transient_to_detached
from sqlalchemy.orm.attributes import set_committed_value

from db.models import HumanTask, ProcessInstance
from db.session import insert_for, is_postgresql
from engine.core.errors import Code, Conflict
from engine.runtime import case_words

_COLUMNS = tuple(column.key for column in inspect(HumanTask).column_attrs)
_STATEMENTS: dict[tuple[str, tuple[str, ...], bool], Any] = {}  # by database, changed columns, with the words
_WRITTEN = "jarchy_task_rows_written"  # session.info: [(transaction, new rows made persistent here)]


def write(session: Session, instance: ProcessInstance) -> None:
    """The session's new and changed task rows in one statement where the flush would send more than one, with the
    case's words (in that statement on PostgreSQL)."""
    words = case_words.parameters(instance)
    new = [row for row in session.new if isinstance(row, HumanTask)]
    # The changed rows with the columns each changed, for those with one (a relationship changed alone would leave
    # nothing to set: the row would meet itself in the upsert and come back missing).
    changed = {row: keys for row in session.dirty if isinstance(row, HumanTask) and (keys := _changed_keys(row))}
    together = is_postgresql(session)
    # On SQLite the flush's own statements where no row changed (it inserts new rows in one) or only one is written.
    upsert = bool(new or changed) and (together or (bool(changed) and len(new) + len(changed) >= 2))
    if not (upsert and together):  # the words alone
        _execute(session, case_words.statement(session), words)
    if not upsert:
        return
    updated = tuple(sorted({key for keys in changed.values() for key in keys}))
    # A changed row's every column goes in (the database checks NOT NULL before it finds the conflict); only the
    # changed ones are set. A column never set on a new row is None: SQL NULL, as the flush leaves it.
    rows = [{key: getattr(row, key) for key in _COLUMNS} for row in changed] + \
        [{key: row.__dict__.get(key) for key in _COLUMNS} for row in new]
    written = session.connection().execute(_statement(session, updated, together),
                                           [row | words for row in rows] if together else rows).all()
    if len(written) != len(rows):  # a new row's id was another task's: nothing of it may be taken as written
        raise Conflict("a task of the case was written by someone else at the same moment; reload and try again",
                       code=Code.CHANGED_CONCURRENTLY)
    for row, keys in changed.items():
        for key in keys:
            set_committed_value(row, key, getattr(row, key))
    for row in new:
        for key in _COLUMNS:
            setattr(row, key, getattr(row, key))  # loaded, as written: a column never set would load on access
        session.expunge(row)
        make_transient_to_detached(row)
        session.add(row)
    # Persistent without the flush, the rows are not among the transaction's new objects: a rollback would leave
    # them in the session (`_forget`).
    session.info.setdefault(_WRITTEN, []).append((_innermost(session), new))


def _statement(session: Session, updated: tuple[str, ...], with_words: bool) -> Any:
    key = (session.get_bind().dialect.name, updated, with_words)
    statement = _STATEMENTS.get(key)
    if statement is None:
        upsert = insert_for(session)(HumanTask)
        # RETURNING makes SQLAlchemy send the rows' parameter sets as one multi-row statement.
        # A changed row is its own conflict and is updated; a new row whose id is another task's is not (their
        # case or creation differ), and is missing from what comes back.
        same_task = (HumanTask.instance_id == upsert.excluded.instance_id) & \
            (HumanTask.created_at == upsert.excluded.created_at)
        # Only new rows (nothing to update): a conflict is always another task's id.
        statement = (upsert.on_conflict_do_update(index_elements=[HumanTask.id],
                                                  set_={k: upsert.excluded[k] for k in updated}, where=same_task)
                     if updated else upsert.on_conflict_do_nothing(index_elements=[HumanTask.id])) \
            .returning(HumanTask.id)
        if with_words:
            statement = statement.add_cte(case_words.statement(session).cte("case_words_written"))
        _STATEMENTS[key] = statement
    return statement


def _execute(session: Session, statement: Any, parameters: Any) -> None:
    # On the session's connection, as Core: neither an autoflush first (the rows' changes are this statement's, the
    # rest the flush's that follows) nor the ORM's bulk mode.
    session.connection().execute(statement, parameters)


def _innermost(session: Session) -> SessionTransaction | None:
    return session.get_nested_transaction() or session.get_transaction()


@event.listens_for(Session, "after_soft_rollback")
def _forget(session: Session, previous: SessionTransaction) -> None:
    """New rows written inside a transaction or savepoint that rolled back leave the session, as the flush's new
    objects do."""
    kept = []
    for transaction, rows in session.info.get(_WRITTEN, []):
        inside = transaction
        while inside is not None and inside is not previous:
            inside = inside.parent
        if inside is None:
            kept.append((transaction, rows))
            continue
        for row in rows:
            if row in session:
                session.expunge(row)
    session.info[_WRITTEN] = kept


@event.listens_for(Session, "after_commit")
def _committed(session: Session) -> None:
    session.info.pop(_WRITTEN, None)


def _changed_keys(row: HumanTask) -> list[str]:
    state = inspect(row)
    return [key for key in _COLUMNS if state.attrs[key].history.has_changes()]
