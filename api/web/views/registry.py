"""The registry of the media, for the PR department, its head and the administrator: journalists with their
accreditations, outlets, distribution lists, and the CSV import and export of outlets and journalists.

Every page calls the engine function the REST API calls (engine.people.registry, engine.people.registry_csv). A
form the engine refuses is shown again with the input kept and each offending field marked, with the engine's
status (422, or 409 for a duplicate); a refused import lists each problem by line and column, and nothing of it
is kept (the status rolls the request's transaction back)."""

from __future__ import annotations

import re
from datetime import date
from typing import Any

from flask import Response, flash, redirect, request, url_for
from flask_babel import format_date
from flask_babel import gettext as _

from api.database import session as db_session
from api.web import refusals
from api.web.signin import page, web_user
from api.web.views.common import ctx, page_blueprint, render
from api.web.vocabulary import OUTLET_KINDS
from db.models import User
from db.vocabulary import OutletKind
from engine.core.errors import Code, JarchyError
from engine.core.settings import LANGUAGES
from engine.people import accreditation, registry, registry_csv
from engine.people.access import may_keep_registry
from engine.reads import registry as reads

blp = page_blueprint("web_registry", "/registry")
PER_PAGE = 50
Errors = dict[str, list[str]]


def _actor() -> User:
    user = web_user()
    assert user is not None  # `page` let only the signed-in through
    return user


def _today() -> date:
    return ctx().cal.local_date(ctx().now())


def _errors(error: JarchyError, default_field: str) -> Errors:
    """The engine's errors by field (`journalist_ids.3` under `journalist_ids`); a refusal the pages word themselves
    (a duplicate name) in the reader's language."""
    found: Errors = {}
    for entry in error.errors:
        found.setdefault(str(entry.get("field") or default_field).split(".")[0], []).append(refusals.field(entry))
    if not error.errors:
        found[default_field] = [refusals.of(error)]
    return found


def _form_text(name: str) -> str | None:
    return request.form.get(name, "").strip() or None


def _date(name: str, errors: Errors) -> date | None:
    text = request.form.get(name, "").strip()
    try:
        day = date.fromisoformat(text) if len(text) == 10 else None
    except ValueError:
        day = None
    if day is None or not 1900 <= day.year <= 2200:
        errors.setdefault(name, []).append(_("Give a date between 1900 and 2200."))
        return None
    return day


def _ids(name: str) -> list[int]:
    return [int(v) for v in request.form.getlist(name) if re.fullmatch(r"\d{1,18}", v)]


# -- journalists ------------------------------------------------------------------------------------------

@blp.get("/journalists")
@page(may_keep_registry)
def journalists() -> tuple[str, int]:
    return _journalists_page({})


def _journalists_page(import_errors: dict[str, Any], status: int = 200) -> tuple[str, int]:
    q = request.args.get("q", "").strip()[:200] or None
    page_number = request.args.get("page", "1")
    found = reads.journalists(db_session(), _today(), page=int(page_number) if page_number.isdigit() and
                              len(page_number) < 8 else 1, per_page=PER_PAGE, q=q)
    return render("registry/journalists.html", status, found=found, q=q or "", import_errors=import_errors,
                  today=_today())


def _journalist_values() -> dict[str, Any]:
    outlet = request.form.get("outlet_id", "")
    return {"name": _form_text("name"), "email": _form_text("email"), "phone": _form_text("phone"),
            "outlet_id": int(outlet) if re.fullmatch(r"\d{1,18}", outlet) else None,
            # One choice a language, most preferred first (a typed list of codes is read the same way).
            "languages": [c for chosen in request.form.getlist("languages")
                          for c in re.split(r"[\s,;]+", chosen.lower()) if c],
            "active": request.form.get("active") == "1"}


def _journalist_page(row: reads.JournalistRow | None, values: dict[str, Any], errors: Errors,
                     status: int = 200) -> tuple[str, int]:
    # The languages to choose from, by name: the pages', the publications', and any the journalist already has.
    known = dict.fromkeys([*LANGUAGES, *ctx().settings.publication_languages, *(values.get("languages") or [])])
    return render("registry/journalist.html", status, found=row, values=values, errors=errors,
                  outlets=reads.all_outlets(db_session()), today=_today(), languages=list(known),
                  lists={r.row.id: r.row.name for r in reads.distribution_lists(db_session())})


@blp.route("/journalists/new", methods=["GET", "POST"])
@page(may_keep_registry)
def new_journalist() -> Any:
    if request.method == "GET":
        return _journalist_page(None, {"languages": [], "active": True}, {})
    values = _journalist_values()
    values.pop("active")
    try:
        row = registry.create_journalist(db_session(), values, actor=_actor(), at=ctx().now())
    except JarchyError as error:
        return _journalist_page(None, values, _errors(error, "name"), error.status)
    flash(_("%(name)s was added to the registry.", name=row.name), "success")
    return redirect(url_for(".journalist", journalist_id=row.id))


@blp.route("/journalists/<id:journalist_id>", methods=["GET", "POST"])
@page(may_keep_registry)
def journalist(journalist_id: int) -> Any:
    row = registry.journalist_by_id(db_session(), journalist_id)
    if request.method == "GET":
        return _journalist_page(reads.journalist(db_session(), row, _today()),
                                registry.describe_journalist(row), {})
    values = _journalist_values()
    try:
        registry.update_journalist(db_session(), journalist_id, values, actor=_actor(), at=ctx().now())
    except JarchyError as error:
        return _journalist_page(reads.journalist(db_session(), row, _today()), values,
                                _errors(error, "name"), error.status)
    flash(_("The changes were saved."), "success")
    return redirect(url_for(".journalist", journalist_id=journalist_id))


@blp.post("/journalists/<id:journalist_id>/accreditations")
@page(may_keep_registry)
def accredit(journalist_id: int) -> Any:
    row = registry.journalist_by_id(db_session(), journalist_id)
    errors: Errors = {}
    valid_from, valid_until = _date("valid_from", errors), _date("valid_until", errors)
    if not errors and valid_from is not None and valid_until is not None:
        try:
            accreditation.accredit(db_session(), journalist_id, valid_from=valid_from, valid_until=valid_until,
                              actor=_actor(), at=ctx().now())
        except JarchyError as error:
            errors = _errors(error, "valid_until")
    if errors:
        values = registry.describe_journalist(row) | {"valid_from": request.form.get("valid_from", ""),
                                                      "valid_until": request.form.get("valid_until", "")}
        return _journalist_page(reads.journalist(db_session(), row, _today()), values, errors, 422)
    flash(_("%(name)s is accredited until %(day)s.", name=row.name, day=format_date(valid_until, "long")
                                                                         if valid_until else ""), "success")
    return redirect(url_for(".journalist", journalist_id=journalist_id))


@blp.post("/accreditations/<id:accreditation_id>/revoke")
@page(may_keep_registry)
def revoke(accreditation_id: int) -> Any:
    granted = accreditation.accreditation_by_id(db_session(), accreditation_id)
    row = registry.journalist_by_id(db_session(), granted.journalist_id)
    try:
        accreditation.revoke(db_session(), accreditation_id, reason=request.form.get("reason", ""), actor=_actor(),
                        at=ctx().now())
    except JarchyError as error:
        errors = {f"reason-{accreditation_id}": _errors(error, "reason").get("reason") or [refusals.of(error)]}
        if error.status == 409:  # revoked already: its form is gone from the page, so the sentence goes above it
            flash(refusals.of(error), "error")
        return _journalist_page(reads.journalist(db_session(), row, _today()), registry.describe_journalist(row),
                                errors, error.status)
    flash(_("The accreditation of %(name)s was revoked.", name=row.name), "success")
    return redirect(url_for(".journalist", journalist_id=row.id))


# -- outlets ----------------------------------------------------------------------------------------------

def _outlet_values() -> dict[str, Any]:
    return {"name": _form_text("name"), "kind": request.form.get("kind", ""), "country": _form_text("country"),
            "email": _form_text("email"), "phone": _form_text("phone"), "website": _form_text("website")}


def _outlets_page(values: dict[str, Any], errors: Errors, import_errors: dict[str, Any] | None = None,
                  status: int = 200) -> tuple[str, int]:
    return render("registry/outlets.html", status, outlets=reads.all_outlets(db_session()), values=values,
                  errors=errors, kinds=OUTLET_KINDS, import_errors=import_errors or {})


@blp.get("/outlets")
@page(may_keep_registry)
def outlets() -> tuple[str, int]:
    return _outlets_page({"kind": OutletKind.ONLINE.value}, {})


@blp.post("/outlets")
@page(may_keep_registry)
def create_outlet() -> Any:
    values = _outlet_values()
    try:
        row = registry.create_outlet(db_session(), values, actor=_actor(), at=ctx().now())
    except JarchyError as error:
        return _outlets_page(values, _errors(error, "name"), status=error.status)
    flash(_("%(name)s was added to the registry.", name=row.name), "success")
    return redirect(url_for(".outlets"))


@blp.route("/outlets/<id:outlet_id>", methods=["GET", "POST"])
@page(may_keep_registry)
def outlet(outlet_id: int) -> Any:
    row = registry.outlet_by_id(db_session(), outlet_id)
    if request.method == "GET":
        return render("registry/outlet.html", outlet=row, values=registry.describe_outlet(row), errors={},
                      kinds=OUTLET_KINDS)
    values = _outlet_values()
    try:
        registry.update_outlet(db_session(), outlet_id, values, actor=_actor(), at=ctx().now())
    except JarchyError as error:
        return render("registry/outlet.html", error.status, outlet=row, values=values,
                      errors=_errors(error, "name"), kinds=OUTLET_KINDS)
    flash(_("The changes were saved."), "success")
    return redirect(url_for(".outlet", outlet_id=outlet_id))


# -- CSV ------------------------------------------------------------------------------------------------

@blp.get("/<any(outlets, journalists):what>.csv")
@page(may_keep_registry)
def export(what: str) -> Response:
    text = (registry_csv.export_outlets if what == "outlets" else registry_csv.export_journalists)(db_session())
    return Response(text, mimetype="text/csv", headers={"Content-Disposition": f"attachment; filename={what}.csv"})


@blp.post("/<any(outlets, journalists):what>/import")
@page(may_keep_registry)
def import_csv(what: str) -> Any:
    upload = request.files.get("file")
    importer = registry_csv.import_outlets if what == "outlets" else registry_csv.import_journalists
    try:
        if upload is None or not upload.filename:
            raise JarchyError("no file", [{"field": "file", "line": None, "message": "is required"}],
                              code=Code.REQUIRED)
        result = importer(db_session(), upload.read(), actor=_actor(), at=ctx().now())
    except JarchyError as error:
        problems = {"rows": [row | {"message": refusals.field(row)} for row in error.errors], "status": 422}
        if what == "outlets":
            return _outlets_page({"kind": OutletKind.ONLINE.value}, {}, problems, status=422)
        return _journalists_page(problems, 422)
    flash(_("Imported: %(created)s added, %(updated)s changed, %(unchanged)s unchanged.", created=result.created,
            updated=result.updated, unchanged=result.unchanged), "success")
    return redirect(url_for(f".{what}"))


# -- distribution lists -----------------------------------------------------------------------------------

@blp.get("/lists")
@page(may_keep_registry)
def lists() -> tuple[str, int]:
    return render("registry/lists.html", lists=reads.distribution_lists(db_session()))


def _list_page(list_id: int | None, values: dict[str, Any], errors: Errors, status: int = 200) -> tuple[str, int]:
    return render("registry/list.html", status, list_id=list_id, values=values, errors=errors,
                  journalists=reads.all_journalists(db_session()))


def _list_values() -> dict[str, Any]:
    return {"name": _form_text("name"), "description": _form_text("description"),
            "journalist_ids": _ids("journalist_ids")}


@blp.route("/lists/new", methods=["GET", "POST"])
@page(may_keep_registry)
def new_list() -> Any:
    if request.method == "GET":
        return _list_page(None, {"journalist_ids": []}, {})
    values = _list_values()
    try:
        row = registry.create_list(db_session(), values, actor=_actor(), at=ctx().now())
    except JarchyError as error:
        return _list_page(None, values, _errors(error, "name"), error.status)
    flash(_("The distribution list %(name)s was created.", name=row.name), "success")
    return redirect(url_for(".lists"))


@blp.route("/lists/<id:list_id>", methods=["GET", "POST"])
@page(may_keep_registry)
def edit_list(list_id: int) -> Any:
    row = registry.list_by_id(db_session(), list_id)
    if request.method == "GET":
        return _list_page(list_id, {"name": row.name, "description": row.description,
                                    "journalist_ids": registry.members(db_session(), list_id)}, {})
    values = _list_values()
    try:
        registry.update_list(db_session(), list_id, values, actor=_actor(), at=ctx().now())
    except JarchyError as error:
        return _list_page(list_id, values, _errors(error, "name"), error.status)
    flash(_("The changes were saved."), "success")
    return redirect(url_for(".edit_list", list_id=list_id))
