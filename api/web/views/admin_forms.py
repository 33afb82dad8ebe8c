"""Administrators: the deployed forms, and the form editor.

The editor is a JSON Schema text (CodeMirror 6 in assets/js/form-editor.js over a plain textarea, which is the whole
editor without JavaScript) beside a preview of the form exactly as staff see it on a task page: rendered by the task
page's own renderer (api/web/formrender.py, api/templates/_form.html) from what the server answers to the schema
(`POST /admin/forms/preview`), with the problems `check_form` finds named by their path. Saving is the engine's
`save_form` (what `POST /api/v1/forms` calls); the page then offers to deploy each procedure that uses the form, which
is `definitions.deploy` of its latest diagram (what `POST /api/v1/process-definitions` calls): its new cases take the
new form, its running cases keep theirs. docs/forms.md says why this editor."""

from __future__ import annotations

import json
from typing import Any

from flask import flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from werkzeug.wrappers import Response

from api.database import session as db_session
from api.web import formrender, refusals
from api.web.i18n import diagram_name
from api.web.signin import page, web_user
from api.web.views.common import ctx, page_blueprint, render
from api.web.views.staff import form_options, office_form
from engine.core.errors import Code, JarchyError, NotFound, problem
from engine.people.access import may_administer
from engine.procedures import definitions, deployed_forms
from engine.reads import queries

blp = page_blueprint("web_admin_forms", "/admin/forms")
NEW_FORM = {"$schema": "https://json-schema.org/draft/2020-12/schema", "title": "", "type": "object",
            "additionalProperties": False, "required": [], "properties": {}}


@blp.get("")
@page(may_administer)
def forms() -> tuple[str, int]:
    """Every deployed form at its latest version: which procedures use it, deployed when and by whom."""
    session = db_session()
    rows = deployed_forms.latest_forms(session)
    return render("admin/forms.html", forms=rows, uses=definitions.form_uses(session),
                  names=_usernames(rows), procedure_name=lambda d: diagram_name(d.meta, d.key, d.name))


def _usernames(rows: list[Any]) -> dict[int, str]:
    return queries.usernames(db_session(), {r.created_by_id for r in rows if r.created_by_id})


def _parsed(text: str) -> tuple[Any, list[dict[str, Any]]]:
    """The schema a text holds, or why it is none (its JSON error, with line and column)."""
    try:
        return json.loads(text), []
    except (ValueError, RecursionError) as exc:  # a text nested past the parser's stack is no form either
        line, column = getattr(exc, "lineno", None), getattr(exc, "colno", None)
        return None, [problem("schema", Code.FORM_NOT_JSON, f"not JSON: {exc}", line=line, column=column)]


def _preview(schema: Any, key: str) -> dict[str, Any]:
    """What the preview shows: the form as staff see it, or its problems named by path."""
    problems = deployed_forms.check_form(schema, key) if schema is not None else []
    if problems or not isinstance(schema, dict):
        return {"schema": None, "fields": [], "problems": problems}
    shown = office_form(schema)
    options = form_options()
    try:
        fields, _loose = formrender.fields(shown, formrender.initial_values(shown, {}, options), options)
    except (KeyError, TypeError, ValueError, AttributeError) as exc:  # a schema the renderer cannot lay out
        return {"schema": None, "fields": [], "problems": [problem("schema", Code.FORM_SCHEMA_INVALID, str(exc))]}
    return {"schema": shown, "fields": fields, "problems": []}


def _words(problems: list[dict[str, Any]]) -> list[dict[str, str]]:
    """Each problem as the page says it: its path, and its reason in the reader's language (with the English detail
    of JSON Schema's own meta-validation, which names the keyword)."""
    out = []
    for p in problems:
        said = refusals.field(p)
        if p.get("code") in (Code.FORM_SCHEMA_INVALID, Code.FORM_NOT_JSON):
            said = f"{said} ({p['message']})"
        out.append({"field": p["field"], "message": said})
    return out


@blp.post("/preview")
@page(may_administer)
def preview() -> str:
    """The preview fragment for a schema being edited (the editor asks for it as the text changes)."""
    schema, problems = _parsed(request.form.get("schema", ""))
    shown = _preview(schema, request.form.get("key", ""))
    return render_template("admin/_form_preview.html", preview=shown,
                           problems=_words(problems + shown["problems"]))


def _editor(key: str | None, text: str, *, errors: list[dict[str, str]] | None = None, status: int = 200,
            saved: Any = None) -> tuple[str, int]:
    session = db_session()
    versions = deployed_forms.form_versions(session, key) if key else []
    schema, problems = _parsed(text)
    shown = _preview(schema, key or "")
    uses = definitions.form_uses(session).get(key, []) if key else []
    latest = versions[0] if versions else None
    # A procedure is offered to deploy where its latest version pins an older version of the form.
    stale = [d for d in uses if latest is not None and (d.forms or {}).get(key) != latest.version]
    return render("admin/form_editor.html", status, key=key, text=text, versions=versions, preview=shown,
                  problems=_words(problems + shown["problems"]), errors=errors or [], uses=uses, stale=stale,
                  latest=latest, names=_usernames(versions),
                  procedure_name=lambda d: diagram_name(d.meta, d.key, d.name))


@blp.get("/new")
@page(may_administer)
def new_form() -> tuple[str, int]:
    return _editor(None, json.dumps(NEW_FORM, indent=2, ensure_ascii=False))


@blp.get("/edit/<path:key>")
@page(may_administer)
def edit_form(key: str) -> tuple[str, int]:
    latest = deployed_forms.latest_form(db_session(), key)
    if latest is None:
        raise NotFound(f"there is no form {key!r}", code=Code.FORM_NOT_FOUND, params={"form": key})
    return _editor(key, json.dumps(latest.schema, indent=2, ensure_ascii=False))


@blp.post("/save")
@page(may_administer)
def save_form() -> Response | tuple[str, int]:
    """Save the edited schema as a new version of the form (the same schema: nothing changes)."""
    key = request.form.get("key", "").strip()
    text = request.form.get("schema", "")
    exists = bool(key) and deployed_forms.latest_form(db_session(), key) is not None
    schema, problems = _parsed(text)
    if problems:
        return _editor(key if exists else None, text, errors=_words(problems), status=422)
    user = web_user()
    assert user is not None
    try:
        made, created = deployed_forms.save_form(db_session(), key, schema, actor=user, at=ctx().now())
    except JarchyError as error:
        found = _words(error.errors) or [{"field": "schema", "message": refusals.of(error)}]
        return _editor(key if exists else None, text, errors=found, status=error.status)
    if created:
        flash(_("Saved %(key)s as version %(version)s.", key=key, version=made.version), "success")
    else:
        flash(_("Unchanged: the same form is still version %(version)s.", version=made.version), "success")
    return redirect(url_for(".edit_form", key=key))


@blp.post("/deploy/<path:key>")
@page(may_administer)
def deploy_procedure(key: str) -> Response:
    """Deploy the latest diagram of a procedure with the latest versions of its forms: its new cases take them."""
    process = request.form.get("process", "")
    user = web_user()
    assert user is not None
    latest = definitions.latest_definition(db_session(), process)
    assert latest is not None
    try:
        done = definitions.deploy(db_session(), latest.bpmn_xml.encode("utf-8"), actor=user, at=ctx().now())
    except JarchyError as error:
        flash(_("%(procedure)s was not deployed: %(reason)s", procedure=diagram_name(latest.meta, latest.key,
                                                                                   latest.name),
                reason="; ".join(refusals.field(e) for e in error.errors) or refusals.of(error)), "error")
        return redirect(url_for(".edit_form", key=key))
    d = done.definition
    if done.created:
        flash(_("Deployed %(name)s as version %(version)s.", name=diagram_name(d.meta, d.key, d.name),
                version=d.version), "success")
    else:
        flash(_("Unchanged: the same diagram is still version %(version)s.", version=d.version), "success")
    return redirect(url_for(".edit_form", key=key))
