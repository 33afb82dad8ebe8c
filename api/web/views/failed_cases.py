"""Administrators' pages of failed cases (docs/failed_cases.md): the list, with where and why each failed in the
reader's language, and a case's page with the step it stopped at, a form correcting the fields that step reads
(each value written as JSON: the value a script will read), and the buttons to run the step again or skip it with a
reason. They call the engine functions the REST API calls (engine.runtime.mending); a refusal is shown on the form
with the engine's status."""

from __future__ import annotations

import json
from typing import Any

from flask import Response, flash, redirect, request, url_for
from flask_babel import gettext as _

from api.database import session as db_session
from api.web import case_failure, refusals
from api.web.i18n import current_language, label, named, translated
from api.web.procedure_names import procedure_names
from api.web.signin import page, web_user
from api.web.views.common import ctx, page_blueprint, render
from db.models import ProcessDefinition, ProcessInstance
from db.vocabulary import InstanceStatus
from engine.core.errors import Code, JarchyError, NotFound
from engine.people.access import may_mend_cases
from engine.procedures import labels
from engine.reads import failed_cases
from engine.runtime import mending

blp = page_blueprint("web_failed", "/admin/failed-cases")
Errors = dict[str, list[str]]
FIELD = "data."  # a corrected field's input is named data.<field>, as the API names it in a refusal


@blp.get("")
@page(may_mend_cases)
def listed() -> tuple[str, int]:
    process_key = request.args.get("process_key") or None
    value = request.args.get("page", "1").strip()
    # ASCII digits, few of them (the offset must fit the database's integers): anything else is the first page.
    number = int(value) if value.isascii() and value.isdigit() and len(value) <= 7 and int(value) >= 1 else 1
    result = failed_cases.failed_cases(db_session(), ctx(), process_key=process_key, page=number, per_page=20)
    return render("admin/failed_cases.html", result=result, process_key=process_key,
                  procedures=procedure_names(), sentences={item.instance_id: _why(item) for item in result.items})


def _why(item: failed_cases.FailedCase) -> str:
    return case_failure.sentence({"code": item.code, "params": item.params},
                                 named(item.element_name, item.element_names) if item.element_id else None)


def _failed_case(instance_id: int) -> failed_cases.FailedCase:
    instance = db_session().get(ProcessInstance, instance_id)
    if instance is None:
        raise NotFound(f"case {instance_id} does not exist", code=Code.CASE_NOT_FOUND, params={"case_id": instance_id})
    return failed_cases.failed_case(db_session(), ctx(), instance)


def _page(instance_id: int, values: dict[str, str], errors: Errors, status: int = 200) -> tuple[str, int]:
    instance = db_session().get(ProcessInstance, instance_id)
    if instance is None:
        raise NotFound(f"case {instance_id} does not exist", code=Code.CASE_NOT_FOUND, params={"case_id": instance_id})
    if instance.status != InstanceStatus.FAILED:
        return render("admin/failed_case.html", status, instance=instance, case=None, values={}, errors={},
                      procedures=procedure_names(), fields=[], why=None)
    case = failed_cases.failed_case(db_session(), ctx(), instance)
    fields = _fields(case)
    shown = {f"{FIELD}{name}": json.dumps(value, ensure_ascii=False) for name, value, _absent in fields} | values
    return render("admin/failed_case.html", status, instance=instance, case=case, values=shown, errors=errors,
                  procedures=procedure_names(), fields=fields, why=_why(case))


def _fields(case: failed_cases.FailedCase) -> list[tuple[str, Any, bool]]:
    """The fields the failed steps read: (name, value now, whether the data lacks it), each once."""
    seen: dict[str, tuple[str, Any, bool]] = {}
    for step in case.steps:
        for name, value in step.values.items():
            seen.setdefault(name, (name, value, False))
        for name in step.absent:
            seen.setdefault(name, (name, None, True))
    return sorted(seen.values())


@blp.get("/<id:instance_id>")
@page(may_mend_cases)
def one(instance_id: int) -> tuple[str, int]:
    return _page(instance_id, {}, {})


@blp.get("/<id:instance_id>/diagram.bpmn")
@page(may_mend_cases)
def diagram(instance_id: int) -> Response:
    """The diagram of the version the case runs on, named in the reader's language, for the page's viewer."""
    instance = db_session().get(ProcessInstance, instance_id)
    definition = db_session().get(ProcessDefinition, instance.definition_id) if instance is not None else None
    if instance is None or definition is None:
        raise NotFound(f"case {instance_id} does not exist", code=Code.CASE_NOT_FOUND, params={"case_id": instance_id})
    shown = labels.localized(definition.bpmn_xml.encode("utf-8"), current_language(), lane_label=label,
                             fallback=translated)
    response = Response(shown, mimetype="application/xml")
    response.headers["Content-Security-Policy"] = "default-src 'none'; sandbox"  # data, never a document to run
    return response


@blp.post("/<id:instance_id>/retry")
@page(may_mend_cases)
def retry(instance_id: int) -> Any:
    """Corrections are the fields whose JSON the administrator changed (an absent field left blank stays absent)."""
    case = _failed_case(instance_id)
    errors: Errors = {}
    values = {key: value for key, value in request.form.items() if key.startswith(FIELD)}
    corrections: dict[str, Any] = {}
    original = {name: (value, absent) for name, value, absent in _fields(case)}
    for key, text in values.items():
        name, text = key.removeprefix(FIELD), text.strip()
        if name not in original or (original[name][1] and not text):
            continue
        try:
            value = json.loads(text)
        except (ValueError, RecursionError):  # nested past the parser's stack: no value either
            errors[key] = [_("This is not a JSON value: write text in double quotes (\"like this\") and numbers "
                             "as they are.")]
            continue
        if original[name][1] or value != original[name][0]:
            corrections[name] = value
    values["reason"] = request.form.get("reason", "")
    if errors:
        return _page(instance_id, values, errors, 422)
    actor = web_user()
    assert actor is not None
    try:
        instance = mending.retry(db_session(), ctx(), actor, instance_id, reason=values["reason"],
                                 corrections=corrections or None)
    except JarchyError as error:
        return _page(instance_id, values, _engine_errors(error), error.status)
    return _after(instance)


@blp.post("/<id:instance_id>/skip")
@page(may_mend_cases)
def skip(instance_id: int) -> Any:
    element_id = request.form.get("element_id", "")
    reason = request.form.get("skip_reason", "")
    actor = web_user()
    assert actor is not None
    try:
        instance = mending.skip(db_session(), ctx(), actor, instance_id, element_id=element_id, reason=reason)
    except JarchyError as error:
        errors = {("skip_reason" if field == "reason" else field): texts
                  for field, texts in _engine_errors(error).items()}
        return _page(instance_id, {"skip_reason": reason}, errors, error.status)
    return _after(instance)


def _engine_errors(error: JarchyError) -> Errors:
    found: Errors = {}
    for entry in error.errors:
        found.setdefault(str(entry.get("field") or "reason"), []).append(refusals.field(entry))
    if not error.errors:
        found["reason"] = [refusals.of(error)]
    return found


def _after(instance: ProcessInstance) -> Any:
    if instance.status == InstanceStatus.FAILED:
        flash(_("The case %(case)s failed again: see why below.", case=instance.business_key), "error")
        return redirect(url_for(".one", instance_id=instance.id))
    flash(_("The case %(case)s runs again.", case=instance.business_key), "success")
    return redirect(url_for(".listed"))
