"""A user's absences on the staff site: record one (away from, until, a deputy), end it; the PR head and the
administrator record one for a member of staff (illness) and see who is away. The same engine functions as
`/api/v1/users/{username}/absences` (engine.runtime.absences)."""

from __future__ import annotations

from datetime import date
from typing import Any

from flask import Response, flash, redirect, request, url_for
from flask_babel import gettext as _

from api import present
from api.database import session as db_session
from api.web import refusals
from api.web.signin import page, web_user
from api.web.views.common import ctx, page_blueprint, render
from db.models import User
from engine.core.errors import Code, Invalid, JarchyError, NotFound
from engine.people.access import may_set_absences
from engine.reads import absences as absence_reads
from engine.reads import directory
from engine.runtime import absences

blp = page_blueprint("web_absences", "/absences")
Errors = dict[str, list[str]]
FIELDS = ("user", "from", "until", "deputy", "note")


def _user() -> User:
    user = web_user()
    assert user is not None  # `page` let only the signed-in through
    return user


@blp.get("")
@page()
def absences_page() -> tuple[str, int]:
    return _page()


@blp.post("")
@page()
def record() -> Response | tuple[str, int]:
    user = _user()
    values = {name: request.form.get(name, "").strip() for name in FIELDS}
    whom = values["user"] if may_set_absences(user) and values["user"] else user.username
    errors: Errors = {}
    days = {}
    for name in ("from", "until"):
        try:
            days[name] = date.fromisoformat(values[name])
        except ValueError:
            errors[name] = [refusals.field({"code": Code.NOT_A_DATE, "params": {}})]
    if errors:
        return _page(values=values, errors=errors, status=422)
    try:
        absences.record(db_session(), ctx(), user, whom, absences.Period(days["from"], days["until"]),
                        deputy=values["deputy"], note=values["note"] or None)
    except Invalid as exc:
        return _page(values=values, errors=_errors(exc), status=422)
    except NotFound as exc:
        # Whose absence it is comes from the form's choice here (the API has it in its path, hence its 404).
        if exc.code != Code.USER_NOT_FOUND:
            raise
        return _page(values=values, errors={"user": [refusals.of(exc)]}, status=422)
    flash(_("The absence is recorded: from its first day, the tasks the deputy may take pass to the deputy."),
          "success")
    return redirect(url_for("web_absences.absences_page"))


@blp.post("/<username>/<id:absence_id>/end")
@page()
def end(username: str, absence_id: int) -> Response:
    absences.end(db_session(), ctx(), _user(), username, absence_id)
    flash(_("The absence is ended. The tasks handed over stay with whoever has them."), "success")
    return redirect(url_for("web_absences.absences_page"))


def _errors(error: JarchyError) -> Errors:
    found: Errors = {}
    for entry in error.errors:
        found.setdefault(str(entry.get("field") or "from").split(".")[0], []).append(refusals.field(entry))
    if not error.errors:
        found["from"] = [refusals.of(error)]
    return found


def _page(*, values: dict[str, Any] | None = None, errors: Errors | None = None, status: int = 200) \
        -> tuple[str, int]:
    session, user, now = db_session(), _user(), ctx().now()
    keeper = may_set_absences(user)
    mine = present.absences(session, absence_reads.of_user(session, user.id))
    others = present.absences(session, absence_reads.everyone(session, since=now)) if keeper else []
    people = directory.active_users(session)
    return render("staff/absences.html", status, mine=mine, others=others, keeper=keeper, now=now,
                  people=people, values=values or {}, errors=errors or {})
