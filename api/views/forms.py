"""Deployed forms: `POST /forms` deploys a version of a form (admin); the versions are read like the procedures'
(docs/forms.md)."""

from __future__ import annotations

from typing import Any

from flask.views import MethodView

from api import present
from api.auth import current_user
from api.blueprint import Blueprint
from api.database import session
from api.schemas import DeployedFormIn, DeployedFormOut, page_of
from api.views.common import ctx
from engine.core.errors import Code, NotFound
from engine.people.access import check_may_read_definitions
from engine.procedures import definitions, deployed_forms

blp = Blueprint("forms", __name__, url_prefix="/api/v1/forms",
                description="Deployed forms (JSON Schema 2020-12) and their versions")


@blp.route("")
class Forms(MethodView):
    @blp.doc(operationId="listForms")
    @blp.response(200, page_of(DeployedFormOut, "FormPage"))
    def get(self) -> dict[str, Any]:
        """The latest version of every deployed form, with the procedures that use it."""
        check_may_read_definitions(current_user())
        return present.whole(present.forms(session(), deployed_forms.latest_forms(session()),
                                           definitions.form_uses(session())))

    @blp.arguments(DeployedFormIn)
    @blp.response(201, DeployedFormOut)
    @blp.alt_response(200, schema=DeployedFormOut, description="The same schema as the latest version: nothing changed")
    @blp.alt_response(422, description="The form is invalid: each entry of `errors` names its path in the schema "
                                       "(`schema.properties.decision.default`)")
    @blp.doc(operationId="deployForm")
    def post(self, body: dict[str, Any]) -> Any:
        """Deploy a version of a form (admin). The procedures that use it take it when they are deployed again
        (`POST /process-definitions`, or the Forms admin page): a running case keeps the forms of its version."""
        made, created = deployed_forms.save_form(session(), body["key"], body["schema"], actor=current_user(),
                                                 at=ctx().now())
        shown = present.forms(session(), [made], definitions.form_uses(session()))[0]
        return shown, 201 if created else 200


@blp.route("/<path:form_key>/versions/<version:version>")
class FormVersionView(MethodView):
    @blp.doc(operationId="getFormVersion")
    @blp.response(200, DeployedFormOut)
    def get(self, form_key: str, version: int) -> dict[str, Any]:
        """One version of a form, with its schema."""
        check_may_read_definitions(current_user())
        row = deployed_forms.form_version(session(), form_key, version)
        return present.forms(session(), [row], definitions.form_uses(session()), with_schema=True)[0]


@blp.route("/<path:form_key>")
class FormView(MethodView):
    @blp.doc(operationId="getForm")
    @blp.response(200, page_of(DeployedFormOut, "FormVersionPage"))
    def get(self, form_key: str) -> dict[str, Any]:
        """Every version of a form (`process/name`), the newest first."""
        check_may_read_definitions(current_user())
        rows = deployed_forms.form_versions(session(), form_key)
        if not rows:
            raise NotFound(f"there is no form {form_key!r}", code=Code.FORM_NOT_FOUND, params={"form": form_key})
        return present.whole(present.forms(session(), rows, definitions.form_uses(session())))
