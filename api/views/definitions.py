from __future__ import annotations

import json
from typing import Any

from flask import Response, request
from flask.views import MethodView

from api import present
from api.auth import current_user
from api.blueprint import Blueprint
from api.database import session
from api.schemas import TEXT, DefinitionOut, page_of
from api.views.common import ctx
from engine.core.errors import Code, Invalid, problem
from engine.people.access import check_may_read_definitions
from engine.procedures import definitions

blp = Blueprint("definitions", __name__, url_prefix="/api/v1/process-definitions",
                description="Deployed BPMN diagrams and their versions")


def _uploaded_bpmn() -> bytes:
    if request.mimetype == "multipart/form-data":
        upload = request.files.get("file")
        if upload is None:
            raise Invalid("send the diagram as the multipart field 'file'",
                          [{"field": "file", "message": "is required"}], code=Code.REQUIRED)
        return upload.read()
    if request.mimetype not in ("application/xml", "text/xml", "application/bpmn+xml"):
        raise Invalid("send the BPMN XML as application/xml or as the multipart field 'file'",
                      [{"field": "(body)", "message": f"unsupported content type {request.mimetype!r}"}],
                      code=Code.CONTENT_TYPE, params={"content_type": request.mimetype})
    return request.get_data(cache=False)


def _uploaded_forms() -> dict[str, Any]:
    """The forms deployed with a diagram (multipart only): files in the field `forms`, each named `<name>.json`
    (the form `<process>/<name>` of the diagram's process) or `<process>/<name>.json`, and/or a text field `forms`
    holding a JSON object `{"<process>/<name>": schema}`. A file that is not JSON is refused, named by its file."""
    if request.mimetype != "multipart/form-data":
        return {}
    given: dict[str, Any] = {}
    problems = []
    for text in request.form.getlist("forms"):
        try:
            value = json.loads(text)
        except (ValueError, RecursionError):  # nested past the parser's stack: not a form either
            value = None
        if not isinstance(value, dict):
            problems.append(problem("forms", Code.FORM_NOT_JSON, "the field forms is not a JSON object "
                                                                 "{\"<process>/<name>\": schema}"))
            continue
        given |= value
    for upload in request.files.getlist("forms"):
        name = (upload.filename or "").removesuffix(".json")
        try:
            given[name] = json.loads(upload.read())
        except (ValueError, RecursionError):
            problems.append(problem(f"forms.{name}", Code.FORM_NOT_JSON, f"the file {upload.filename!r} is not JSON"))
    if problems:
        raise Invalid("a form sent with the diagram is not JSON", problems, code=Code.INVALID_INPUT,
                      params={"count": len(problems)})
    return given


@blp.route("")
class Definitions(MethodView):
    @blp.doc(operationId="listProcessDefinitions")
    @blp.response(200, page_of(DefinitionOut, "DefinitionPage"))
    def get(self) -> dict[str, Any]:
        """The latest version of every deployed procedure."""
        check_may_read_definitions(current_user())
        return present.whole([present.definition(d) for d in definitions.list_latest(session())])

    @blp.response(201, DefinitionOut)
    @blp.alt_response(200, schema=DefinitionOut, description="The same file as the latest version: nothing changed")
    @blp.alt_response(422, description="The diagram is invalid: `errors` name element ids and lines")
    @blp.doc(requestBody={"content": {
        "application/xml": {"schema": {"type": "string"}},
        "multipart/form-data": {"schema": {"type": "object", "properties": {
            "file": {"type": "string", "format": "binary"},
            "forms": {"type": "array", "items": {"type": "string", "format": "binary"},
                      "description": "forms deployed with the diagram: JSON files named `<name>.json` (the form "
                                     "`<process>/<name>`) or `<process>/<name>.json`; or one text field holding "
                                     "`{\"<process>/<name>\": schema}` (docs/forms.md)"}}}}}})
    @blp.doc(operationId="deployProcessDefinition")
    def post(self) -> Any:
        """Deploy a BPMN diagram as a new version of its process key (admin), with its forms (multipart field
        `forms`): every form it names is pinned at its latest version. The same file with the same forms: 200."""
        actor = current_user()
        result = definitions.deploy(session(), _uploaded_bpmn, actor=actor, at=ctx().now(),
                                    forms=_uploaded_forms)
        return present.deployed(result), 201 if result.created else 200


@blp.route("/<string:key>")
class Definition(MethodView):
    @blp.doc(operationId="getProcessDefinition")
    @blp.response(200, DefinitionOut)
    def get(self, key: str) -> dict[str, Any]:
        """The latest version of a procedure, with running instances per version."""
        check_may_read_definitions(current_user())
        latest = definitions.latest_definition(session(), key)
        assert latest is not None
        return present.definition(latest, definitions.running_counts(session(), key))


@blp.route("/<string:key>/versions/<version:version>")
class DefinitionVersion(MethodView):
    @blp.doc(operationId="getProcessDefinitionVersion")
    @blp.response(200, DefinitionOut)
    def get(self, key: str, version: int) -> dict[str, Any]:
        """One version of a procedure."""
        check_may_read_definitions(current_user())
        return present.definition(definitions.definition_version(session(), key, version))


@blp.route("/<string:key>/versions/<version:version>/bpmn")
class DefinitionVersionXml(MethodView):
    @blp.doc(operationId="getProcessDefinitionVersionBpmn")
    @blp.response(200, TEXT, description="The BPMN XML", content_type="application/xml")
    def get(self, key: str, version: int) -> Response:
        """The diagram of one version."""
        check_may_read_definitions(current_user())
        return Response(definitions.definition_version(session(), key, version).bpmn_xml, mimetype="application/xml")


@blp.route("/<string:key>/bpmn")
class DefinitionXml(MethodView):
    @blp.doc(operationId="getProcessDefinitionBpmn")
    @blp.response(200, TEXT, description="The BPMN XML", content_type="application/xml")
    def get(self, key: str) -> Response:
        """The diagram of the latest version."""
        check_may_read_definitions(current_user())
        latest = definitions.latest_definition(session(), key)
        assert latest is not None
        return Response(latest.bpmn_xml, mimetype="application/xml")
