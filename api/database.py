"""One session per request on `g`; one commit per request, after the view succeeded.

A GET (or HEAD) only reads: its session begins without SQLite's write lock (`db.session.read_only`), so reads
are answered while a write is under way (a case's scripts running up to their bound, say), and a flush of a
change in it is refused, since a read transaction cannot always be made a writing one on SQLite."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import AbstractContextManager, contextmanager
from typing import Any

from flask import Flask, Response, current_app, g, request
from sqlalchemy import event
from sqlalchemy.exc import DBAPIError, IntegrityError
from sqlalchemy.orm import Session, sessionmaker
from sqlalchemy.orm.exc import StaleDataError
from werkzeug.datastructures import FileStorage

from api.errors import problem
from db.session import make_engine, make_sessionmaker, read_only
from engine.core.errors import Code

READS = frozenset({"GET", "HEAD", "OPTIONS"})
READING = "jarchy.reading"  # session.info: the session of a request that only reads


def init_app(app: Flask) -> None:
    engine = make_engine(app.config.get("DATABASE_URL"))
    app.extensions["jarchy.engine"] = engine
    app.extensions["jarchy.sessions"] = make_sessionmaker(engine)
    app.extensions["jarchy.read_sessions"] = make_sessionmaker(read_only(engine))
    app.after_request(_commit)
    app.teardown_appcontext(_close)


class Apart:
    """Transactions apart from the request's, on the same database (engine.people.sign_in.Apart): a sign-in counts
    its failures in them, so that a failure stays written although the request answers 401 and rolls back."""

    def reading(self) -> AbstractContextManager[Session]:
        return current_app.extensions["jarchy.read_sessions"]()  # type: ignore[no-any-return]

    @contextmanager
    def writing(self) -> Iterator[Session]:
        with current_app.extensions["jarchy.sessions"].begin() as own:
            yield own


def received_file(field: str = "file") -> FileStorage | None:
    """The file part `field` of the request's multipart body, read with no transaction open.

    Who sent it and whether they may attach it were read first; a body of gigabytes may then take minutes to
    arrive, and the transaction of those reads would hold SQLite's write lock (BEGIN IMMEDIATE) all that while,
    every other writer waiting. So that transaction, which has only read, ends here, and the next statement begins
    another once the body is in."""
    end_reads("before reading its body")
    return request.files.get(field)


def end_reads(why: str) -> None:
    """The request's transaction ended where it has only read (else RuntimeError): on SQLite it holds the write lock
    from its first statement, which transactions of the request's own (`own`) would wait for. Objects it loaded
    are expired: read again what is needed in the next transaction."""
    db = g.get("db_session")
    if db is not None:
        if db.new or db.deleted or any(db.is_modified(o) for o in db.dirty):
            raise RuntimeError(f"{request.path} changed something {why}")
        db.rollback()  # nothing written: only the reads end


def own() -> sessionmaker[Session]:
    """Sessions apart from the request's, for a request that runs transactions of its own one after another (a
    migration's cases, each moved in its own): call `end_reads` first."""
    return current_app.extensions["jarchy.sessions"]  # type: ignore[no-any-return]


def session() -> Session:
    if "db_session" not in g:
        reading = request.method in READS
        g.db_session = current_app.extensions["jarchy.read_sessions" if reading else "jarchy.sessions"]()
        g.db_session.info[READING] = reading
    return g.db_session  # type: ignore[no-any-return]


@event.listens_for(Session, "before_flush")
def _refuse_writes_when_reading(db: Session, _context: Any, _instances: Any) -> None:
    if db.info.get(READING) and (db.new or db.deleted or any(db.is_modified(o) for o in db.dirty)):
        raise RuntimeError(f"a {request.method} request may not write; {request.path} tried")


def _commit(response: Response) -> Response:
    db = g.pop("db_session", None)
    if db is None:
        return response
    try:
        if response.status_code < 400:
            db.commit()
        else:
            db.rollback()
    except (StaleDataError, IntegrityError) as exc:
        db.rollback()
        return problem(409, "Conflict", f"the change collided with another one; try again ({type(exc).__name__})",
                       code=Code.CHANGED_CONCURRENTLY)
    except DBAPIError:
        db.rollback()
        raise
    finally:
        g.db_session_closed = db
    return response


def _close(_exc: BaseException | None) -> None:
    for key in ("db_session", "db_session_closed"):
        db = g.pop(key, None)
        if db is not None:
            db.close()
