"""One session per request on `g`; one commit per request, after the view succeeded."""

from __future__ import annotations

from flask import Flask, Response, current_app, g
from sqlalchemy.exc import DBAPIError, IntegrityError
from sqlalchemy.orm import Session
from sqlalchemy.orm.exc import StaleDataError

from api.errors import problem
from db.session import make_engine, make_sessionmaker


def init_app(app: Flask) -> None:
    engine = make_engine(app.config.get("DATABASE_URL"))
    app.extensions["jarchy.engine"] = engine
    app.extensions["jarchy.sessions"] = make_sessionmaker(engine)
    app.after_request(_commit)
    app.teardown_appcontext(_close)


def session() -> Session:
    if "db_session" not in g:
        g.db_session = current_app.extensions["jarchy.sessions"]()
    return g.db_session  # type: ignore[no-any-return]


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
        return problem(409, "Conflict", f"the change collided with another one; try again ({type(exc).__name__})")
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
