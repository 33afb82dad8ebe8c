"""Administrators: procedures and their versions, the modeler and deploy, users, units and the calendar.

Every page calls the engine function the REST API calls for the same thing. A form the engine (or the
page's own shape checks) refuses is shown again with the input kept and each offending field marked, with
the engine's status (422, or 409 for a duplicate). The modeler's deploy answers JSON that
assets/js/modeler.js reads: the new version, or the problems with their element ids and lines.
"""

from __future__ import annotations

import calendar as month_grid
from datetime import date, timedelta
from typing import Any

from flask import Response, flash, jsonify, redirect, request, url_for
from flask_babel import force_locale, format_date, ngettext
from flask_babel import gettext as _
from marshmallow import ValidationError
from marshmallow.validate import Email

from api import schemas
from api.database import session as db_session
from api.web import modeler_messages, refusals
from api.web.deadline_words import day_reason
from api.web.i18n import LANGUAGE_NAMES, current_language, diagram_name, label
from api.web.signin import page, web_user
from api.web.views.common import ctx, page_blueprint, render
from db.models import User
from engine.calendar import overrides
from engine.core.errors import Code, JarchyError
from engine.core.settings import BABEL_LOCALE, LANGUAGES, ROLES
from engine.people import accounts, unit_names
from engine.people.access import may_administer
from engine.procedures import definitions, deployed_forms, lint, validation
from engine.reads import calendar_overrides, choices, directory, procedure_versions
from engine.runtime import calendar_change

blp = page_blueprint("web_admin", "/admin")
USERNAME = schemas.USERNAME.regex  # the API's rules for a username and a unit key
UNIT_KEY = schemas.KEY.regex
SHORT = 200
Errors = dict[str, list[str]]


def _engine_errors(error: JarchyError, default_field: str) -> Errors:
    """The engine's errors by field (an error naming no field goes to `default_field`); a refusal the pages word
    themselves (a duplicate key, the last administrator) in the reader's language instead of the engine's English."""
    found: Errors = {}
    for entry in error.errors:
        found.setdefault(str(entry.get("field") or default_field), []).append(refusals.field(entry))
    if not error.errors:
        found[default_field] = [refusals.of(error)]
    return found


def _text(name: str, errors: Errors, *, required: bool = True, limit: int = SHORT) -> str:
    value = request.form.get(name, "").strip()
    if required and not value:
        errors.setdefault(name, []).append(_("Required."))
    elif len(value) > limit:
        errors.setdefault(name, []).append(ngettext("At most %(num)d character.", "At most %(num)d characters.", limit))
    return value


# -- procedures and the modeler ----------------------------------------------------------------------


@blp.get("/procedures")
@page(may_administer)
def procedures() -> tuple[str, int]:
    return render("admin/procedures.html", procedures=procedure_versions.procedures(db_session()))


@blp.get("/modeler")
@blp.get("/procedures/<string:key>/versions/<version:version>/modeler")
@page(may_administer)
def modeler(key: str | None = None, version: int = 0) -> tuple[str, int]:
    """The bpmn-js modeler on a deployed version, or on an empty diagram."""
    definition = definitions.definition_version(db_session(), key, version) if key is not None else None
    return render("admin/modeler.html", definition=definition, bpmn_messages=modeler_messages.translations(),
                  role_names=_role_names(), lint=_lint_options(deployed_forms.deployed_keys(db_session())))


def _lint_options(forms: set[str]) -> dict[str, Any]:
    """What the modeler's bpmnlint needs from the server (the same as a deploy's lint: lint.lint_options), with
    Jarchy's rules' messages in the reader's language (bpmnlint's own rules speak English)."""
    return lint.lint_options(forms) | {"messages": {
        "lane": _("The lane “{lane}” is not a role. Name a lane by a role: {roles}."),
        "noForm": _("The user task names no form (camunda:formKey)."),
        "form": _("There is no form “{form}”."),
        "cites": _("The documentation cites no clause of the regulation: name it (§ 9, art. 15, item 11) or say "
                   "“Design choice:”."),
        "undocumented": _("The element has no documentation: say which clause of the regulation it carries out, "
                          "or “Design choice:”."),
        "citesIn": _("The documentation in {language} cites no clause of the regulation, unlike the English one."),
    }}


def _role_names() -> dict[str, dict[str, str]]:
    """Each role's label in every interface language, by role key: the modeler draws a lane (whose name is the key)
    by its role's label in the language chosen for the names, and lists the roles by them."""
    names: dict[str, dict[str, str]] = {role: {} for role in ROLES}
    for language in LANGUAGES:
        with force_locale(BABEL_LOCALE.get(language, language)):
            for role in ROLES:
                names[role][language] = label(role)
    return names


@blp.get("/procedures/<string:key>/versions/<version:version>/bpmn")
@page(may_administer)
def diagram(key: str, version: int) -> Response:
    """A version's XML, for the modeler to open, or as a file (?download=1)."""
    definition = definitions.definition_version(db_session(), key, version)
    response = Response(definition.bpmn_xml, mimetype="application/xml")
    response.headers["Content-Security-Policy"] = "default-src 'none'; sandbox"  # data, never a document to run
    if request.args.get("download"):
        response.headers.set("Content-Disposition", "attachment", filename=f"{key}.v{version}.bpmn")
    return response


@blp.post("/deploy")
@page(may_administer)
def deploy() -> tuple[Response, int]:
    """The modeler's deploy: the BPMN XML as the body; JSON back (the problems' element ids for the markers)."""
    if request.mimetype not in ("application/xml", "text/xml", "application/bpmn+xml"):
        return jsonify(title=_("The diagram was not deployed"), detail=_("Send the diagram as XML."),
                       errors=[{"message": _("Send the diagram as XML."), "code": Code.CONTENT_TYPE,
                                "params": {"content_type": request.mimetype}}]), 415
    user = web_user()
    assert user is not None
    try:
        result = definitions.deploy(db_session(), request.get_data(cache=False), actor=user, at=ctx().now())
    except JarchyError as error:
        # A refusal the pages word themselves (a deploy racing another: 409) in the reader's language.
        # Each problem worded for the reader (the modeler shows `message`), its code and parameters kept.
        problems = [entry | {"message": refusals.field(entry)} for entry in error.errors]
        return jsonify(title=_("The diagram was not deployed"), detail=refusals.of(error),
                       errors=problems), error.status
    d = result.definition
    if result.created:
        message = _("Deployed %(name)s as version %(version)s.", name=diagram_name(d.meta, d.key, d.name),
                    version=d.version)
    else:
        message = _("Unchanged: the same diagram is still version %(version)s.", version=d.version)
    return jsonify(created=result.created, key=d.key, name=d.name, version=d.version, message=message,
                   lint_warnings=[w.as_dict() for w in result.warnings],
                   modeler_url=url_for(".modeler", key=d.key, version=d.version)), 201 if result.created else 200


@blp.post("/modeler/check")
@page(may_administer)
def check() -> tuple[Response, int]:
    """The modeler's check as the administrator draws: what the server's sandbox refuses in the diagram's scripts,
    conditions and timers (the browser cannot compile them), worded for the reader; the modeler shows them through
    bpmnlint's jarchy/script-compiles."""
    if request.mimetype not in ("application/xml", "text/xml", "application/bpmn+xml"):
        return jsonify(title=_("The diagram was not checked"), detail=_("Send the diagram as XML."),
                       errors=[{"message": _("Send the diagram as XML."), "code": Code.CONTENT_TYPE,
                                "params": {"content_type": request.mimetype}}]), 415
    found = [p.as_dict() for p in validation.sandbox_problems(request.get_data(cache=False))]
    return jsonify(problems=[p | {"message": refusals.field(p)} for p in found]), 200


# -- users ----------------------------------------------------------------------------------------------


def _user_form(errors: Errors, *, new: bool) -> dict[str, Any]:
    """The user form's fields, shape-checked here; the rules (roles, unit, password, language) are the engine's."""
    values: dict[str, Any] = {
        "display_name": _text("display_name", errors),
        "email": _text("email", errors, required=False) or None,
        "roles": [r for r in request.form.getlist("roles") if r],
        "unit": request.form.get("unit", "").strip() or None,
        "locale": request.form.get("locale", "en"),
    }
    if values["email"]:
        try:
            Email()(values["email"])
        except ValidationError:
            errors.setdefault("email", []).append(_("Not an e-mail address."))
    if new:
        values["username"] = request.form.get("username", "").strip()
        if not USERNAME.match(values["username"]):
            errors.setdefault("username", []).append(
                _("Use 1-64 letters, digits, '_', '.', '@' or '-', starting with a letter or digit."))
        values["password"] = request.form.get("password", "")
    return values


def _user_page(user: User | None, values: dict[str, Any], errors: Errors, status: int = 200) -> tuple[str, int]:
    return render("admin/user.html", status, account=user, values=values, errors=errors, roles=ROLES,
                  units=choices.units(db_session()), languages=[(c, LANGUAGE_NAMES[c]) for c in LANGUAGES])


@blp.get("/users")
@page(may_administer)
def users() -> tuple[str, int]:
    return render("admin/users.html", users=directory.all_users(db_session()), languages=LANGUAGE_NAMES)


@blp.route("/users/new", methods=["GET", "POST"])
@page(may_administer)
def new_user() -> Any:
    if request.method == "GET":
        return _user_page(None, {"roles": [], "locale": "en"}, {})
    errors: Errors = {}
    values = _user_form(errors, new=True)
    if errors:
        return _user_page(None, values, errors, 422)
    actor = web_user()
    assert actor is not None
    try:
        user = accounts.create_user(db_session(), actor=actor, at=ctx().now(), **values)
    except JarchyError as error:
        return _user_page(None, values, _engine_errors(error, "username"), error.status)
    flash(_("The user %(username)s was created.", username=user.username), "success")
    return redirect(url_for(".edit_user", username=user.username))


@blp.route("/users/<string:username>", methods=["GET", "POST"])
@page(may_administer)
def edit_user(username: str) -> Any:
    user = accounts.user_by_username(db_session(), username)
    if request.method == "GET":
        values = {"display_name": user.display_name, "email": user.email, "roles": user.roles,
                  "unit": user.unit_key, "locale": user.locale}
        return _user_page(user, values, {})
    errors: Errors = {}
    values = _user_form(errors, new=False)
    if errors:
        return _user_page(user, values, errors, 422)
    actor = web_user()
    assert actor is not None
    try:
        accounts.update_user(db_session(), username, values, actor=actor, at=ctx().now())
    except JarchyError as error:
        return _user_page(user, values, _engine_errors(error, "display_name"), error.status)
    flash(_("The changes were saved."), "success")
    return redirect(url_for(".edit_user", username=username))


@blp.post("/users/<string:username>/active")
@page(may_administer)
def set_active(username: str) -> Any:
    """Deactivate (signed out at once; open tasks go back to their lanes) or reactivate."""
    active = request.form.get("active") == "1"
    actor = web_user()
    assert actor is not None
    accounts.update_user(db_session(), username, {"active": active}, actor=actor, at=ctx().now())
    flash(_("%(username)s can sign in again.", username=username) if active
          else _("%(username)s was deactivated.", username=username), "success")
    return redirect(url_for(".edit_user", username=username))


@blp.post("/users/<string:username>/password")
@page(may_administer)
def set_password(username: str) -> Any:
    user = accounts.user_by_username(db_session(), username)
    password = request.form.get("password", "")
    errors: Errors = {}
    if password != request.form.get("password_again", ""):
        errors["password_again"] = [_("The two passwords differ.")]
    actor = web_user()
    assert actor is not None
    if not errors:
        try:
            accounts.update_user(db_session(), username, {"password": password}, actor=actor,
                                 at=ctx().now())
        except JarchyError as error:
            errors = _engine_errors(error, "password")
    if errors:
        values = {"display_name": user.display_name, "email": user.email, "roles": user.roles,
                  "unit": user.unit_key, "locale": user.locale}
        return _user_page(user, values, errors, 422)
    flash(_("The password of %(username)s was set.", username=username), "success")
    return redirect(url_for(".edit_user", username=username))


# -- units ----------------------------------------------------------------------------------------------


def _units_page(values: dict[str, str], errors: Errors, status: int = 200) -> tuple[str, int]:
    return render("admin/units.html", status, units=directory.units_with_user_counts(db_session()),
                  values=values, errors=errors)


@blp.get("/units")
@page(may_administer)
def units() -> tuple[str, int]:
    return _units_page({}, {})


@blp.post("/units")
@page(may_administer)
def create_unit() -> Any:
    errors: Errors = {}
    values = {"key": request.form.get("key", "").strip(), "name": _text("name", errors)}
    if not UNIT_KEY.match(values["key"]):
        errors.setdefault("key", []).append(
            _("Use 1-64 lower-case letters, digits, '_' or '-', starting with a letter or digit."))
    if errors:
        return _units_page(values, errors, 422)
    actor = web_user()
    assert actor is not None
    try:
        accounts.create_unit(db_session(), key=values["key"], name=values["name"], actor=actor,
                             at=ctx().now())
    except JarchyError as error:
        return _units_page(values, _engine_errors(error, "key"), error.status)
    flash(_("The unit %(key)s was created.", key=values["key"]), "success")
    return redirect(url_for(".units"))


def _unit_names_page(key: str, values: dict[str, str], errors: Errors, status: int = 200) -> tuple[str, int]:
    return render("admin/unit.html", status, unit=accounts.unit_by_key(db_session(), key), values=values,
                  errors=errors, languages=[(c, LANGUAGE_NAMES[c]) for c in LANGUAGES],
                  default_language=unit_names.DEFAULT_LANGUAGE)


@blp.get("/units/<string:key>")
@page(may_administer)
def edit_unit(key: str) -> tuple[str, int]:
    unit = accounts.unit_by_key(db_session(), key)
    values = {f"names.{code}": (unit.names or {}).get(code, "") for code in LANGUAGES}
    return _unit_names_page(key, values | {f"names.{unit_names.DEFAULT_LANGUAGE}": unit.name}, {})


@blp.post("/units/<string:key>")
@page(may_administer)
def rename_unit(key: str) -> Any:
    """The unit's name per language: the default one is required, an emptied other one falls back to it."""
    errors: Errors = {}
    default = f"names.{unit_names.DEFAULT_LANGUAGE}"
    values = {f"names.{code}": _text(f"names.{code}", errors, required=f"names.{code}" == default)
              for code in LANGUAGES}
    if errors:
        return _unit_names_page(key, values, errors, 422)
    actor = web_user()
    assert actor is not None
    names = {field.removeprefix("names."): value or None for field, value in values.items()}
    try:
        accounts.update_unit(db_session(), key, {"name": values[default], "names": names}, actor=actor,
                             at=ctx().now())
    except JarchyError as error:
        return _unit_names_page(key, values, _engine_errors(error, default), error.status)
    flash(_("The names of the unit %(key)s were saved.", key=key), "success")
    return redirect(url_for(".units"))


# -- calendar -------------------------------------------------------------------------------------------


def _month(text: str | None, today: date) -> date:
    """The first day of the month asked for (YYYY-MM), else of this month."""
    try:
        first = date.fromisoformat(f"{text}-01") if text and len(text) == 7 else None
    except ValueError:
        first = None
    return first if first is not None and 1900 <= first.year <= 2200 else today.replace(day=1)


def _calendar_page(values: dict[str, str], errors: Errors, status: int = 200) -> tuple[str, int]:
    session = db_session()
    cal = overrides.current(session, ctx())
    today = cal.local_date(ctx().now())
    shown = _month(request.values.get("month") or values.get("date", "")[:7] or None, today)
    weeks = month_grid.Calendar(firstweekday=0).monthdatescalendar(shown.year, shown.month)
    days = {d.date: d for d in cal.days(weeks[0][0], weeks[-1][-1])}
    previous = (shown - timedelta(days=1)).replace(day=1)
    following = (shown + timedelta(days=32)).replace(day=1)
    weekdays = [format_date(d, "EEE") for d in weeks[0]]
    listed = calendar_overrides.list_overrides(session)
    chosen = _date_or_none(values.get("date", ""))
    overridden = {o.day for o in listed}
    chosen_day = cal.days(chosen, chosen)[0] if chosen else None
    language, catalogs, typed = current_language(), ctx().settings.catalogs, cal.overrides()
    reasons = {day.date: day_reason(day, cal.holiday_names(day.date, language, catalogs) if day.kind == "holiday"
                                    else [], typed.get(day.date, (False, ""))[1])
               for day in [*days.values(), *([chosen_day] if chosen_day else [])]}
    return render("admin/calendar.html", status, reasons=reasons, chosen_day=chosen_day,
                  shown=shown, today=today, weeks=weeks, days=days,
                  weekdays=weekdays, previous=previous, following=following, country=cal.country,
                  overrides=listed, overridden_days=overridden, values=values, errors=errors)


@blp.get("/calendar")
@page(may_administer)
def calendar() -> tuple[str, int]:
    """The month; `?date=` opens the form on that day: its override as it stands, else the day flipped
    (declaring a day is changing it) with the reason left to the admin."""
    values = {"date": request.args.get("date", ""), "working": "", "reason": ""}
    chosen = _date_or_none(values["date"])
    if chosen is not None:
        existing = next((o for o in calendar_overrides.list_overrides(db_session()) if o.day == chosen), None)
        if existing is not None:
            values |= {"working": "1" if existing.working else "0", "reason": existing.reason}
        else:
            working = overrides.current(db_session(), ctx()).is_working_day(chosen)
            values["working"] = "0" if working else "1"
    return _calendar_page(values, {})


def _date_or_none(text: str) -> date | None:
    """A YYYY-MM-DD date between 1900 and 2200 (the API's rule for an override's day)."""
    try:
        parsed = date.fromisoformat(text) if len(text) == 10 else None
    except ValueError:
        return None
    return parsed if parsed is not None and 1900 <= parsed.year <= 2200 else None


@blp.post("/calendar/overrides")
@page(may_administer)
def set_override() -> Any:
    """Declare a day a working day or a day off (every running case's deadline is counted again)."""
    errors: Errors = {}
    values = {"date": request.form.get("date", "").strip(), "working": request.form.get("working", ""),
              "reason": _text("reason", errors)}
    day = _date_or_none(values["date"])
    if day is None:
        errors["date"] = [_("Give a date between 1900 and 2200.")]
    if values["working"] not in ("0", "1"):
        errors["working"] = [_("Choose a working day or a day off.")]
    if errors:
        return _calendar_page(values, errors, 422)
    actor = web_user()
    assert actor is not None and day is not None
    try:
        _row, moved = calendar_change.set_override(db_session(), ctx(), day=day, working=values["working"] == "1",
                                                  reason=values["reason"], actor=actor, at=ctx().now())
    except JarchyError as error:
        return _calendar_page(values, _engine_errors(error, "date"), error.status)
    shown = format_date(day, "long")
    flash((_("%(day)s is now a working day.", day=shown) if values["working"] == "1"
           else _("%(day)s is now a day off.", day=shown))
          + " " + ngettext("Deadlines moved in %(num)d case.", "Deadlines moved in %(num)d cases.", len(moved)),
          "success")
    return redirect(url_for(".calendar", month=day.isoformat()[:7]))
