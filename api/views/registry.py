"""The registry of the media (engine.people.registry): outlets, journalists, their accreditations and the
distribution lists; outlets and journalists also as CSV, exported (`?format=csv`) and imported all or nothing."""

from __future__ import annotations

from typing import Any

from flask import Response, request
from flask.views import MethodView

from api import present
from api.auth import current_user
from api.blueprint import Blueprint
from api.database import session
from api.schemas import (
    TEXT,
    AccreditationIn,
    AccreditationOut,
    DistributionListIn,
    DistributionListOut,
    DistributionListPatch,
    ImportedOut,
    JournalistIn,
    JournalistOut,
    JournalistPatch,
    JournalistQuery,
    OutletIn,
    OutletOut,
    OutletPatch,
    OutletQuery,
    RevokeIn,
    page_of,
)
from api.views.common import ctx
from engine.core.errors import Code, Invalid
from engine.people import accreditation, registry, registry_csv
from engine.people.access import check_may_read_registry
from engine.reads import registry as reads

blp = Blueprint("registry", __name__, url_prefix="/api/v1",
                description="The registry of the media: outlets, journalists, accreditations, distribution lists "
                            "(pr_department, pr_head, admin; the auditor reads)")
CSV_BODY = {"requestBody": {"content": {
    "text/csv": {"schema": {"type": "string"}},
    "multipart/form-data": {"schema": {"type": "object", "properties": {"file": {"type": "string",
                                                                              "format": "binary"}}}}}}}


def uploaded_csv() -> bytes:
    """The CSV file of an import: the body (text/csv) or the multipart field `file`."""
    if request.mimetype == "multipart/form-data":
        upload = request.files.get("file")
        if upload is None:
            raise Invalid("send the CSV file as the multipart field 'file'",
                          [{"field": "file", "message": "is required"}], code=Code.REQUIRED)
        return upload.read()
    if request.mimetype not in ("text/csv", "text/plain", "application/csv"):
        raise Invalid("send the CSV file as text/csv or as the multipart field 'file'",
                      [{"field": "(body)", "message": f"unsupported content type {request.mimetype!r}"}],
                      code=Code.CONTENT_TYPE, params={"content_type": request.mimetype})
    return request.get_data(cache=False)


def csv_file(text: str, name: str) -> Response:
    return Response(text, mimetype="text/csv", headers={"Content-Disposition": f"attachment; filename={name}"})


def _today() -> Any:
    return ctx().cal.local_date(ctx().now())


# -- outlets ----------------------------------------------------------------------------------------------

@blp.route("/outlets")
class Outlets(MethodView):
    @blp.doc(operationId="listOutlets")
    @blp.arguments(OutletQuery, location="query")
    @blp.response(200, page_of(OutletOut, "OutletPage"))
    @blp.alt_response(200, schema=TEXT, content_type="text/csv", description="Every outlet, as the import reads it")
    def get(self, args: dict[str, Any]) -> Any:
        """Outlets by name (print, TV, radio, online, news agencies, bloggers)."""
        check_may_read_registry(current_user())
        if args["format"] == "csv":
            return csv_file(registry_csv.export_outlets(session()), "outlets.csv")
        found = reads.outlets(session(), page=args["page"], per_page=args["per_page"], q=args.get("q"),
                              kind=args.get("kind"))
        return present.page(found, [present.outlet(o) for o in found.items])

    @blp.doc(operationId="createOutlet")
    @blp.arguments(OutletIn)
    @blp.response(201, OutletOut)
    def post(self, body: dict[str, Any]) -> dict[str, Any]:
        """Add an outlet; a name already in the registry is 409."""
        return present.outlet(registry.create_outlet(session(), body, actor=current_user(), at=ctx().now()))


@blp.route("/outlets/<id:outlet_id>")
class OutletView(MethodView):
    @blp.doc(operationId="updateOutlet")
    @blp.arguments(OutletPatch)
    @blp.response(200, OutletOut)
    def patch(self, body: dict[str, Any], outlet_id: int) -> dict[str, Any]:
        """Change an outlet's name, kind, country or contacts."""
        return present.outlet(registry.update_outlet(session(), outlet_id, body, actor=current_user(),
                                                     at=ctx().now()))


@blp.route("/outlets/import")
class OutletsImport(MethodView):
    @blp.doc(operationId="importOutlets", **CSV_BODY)
    @blp.response(200, ImportedOut)
    @blp.alt_response(422, description="Nothing imported: `errors` name each problem's `line` and column (`field`)")
    def post(self) -> dict[str, Any]:
        """Import outlets from CSV (`id, name, kind, country, email, phone, website`): a line with an id, or the
        name of an outlet already there, changes it; others are added. All or nothing."""
        result = registry_csv.import_outlets(session(), uploaded_csv(), actor=current_user(), at=ctx().now())
        return present.imported(result)


# -- journalists ------------------------------------------------------------------------------------------

@blp.route("/journalists")
class Journalists(MethodView):
    @blp.doc(operationId="listJournalists")
    @blp.arguments(JournalistQuery, location="query")
    @blp.response(200, page_of(JournalistOut, "JournalistPage"))
    @blp.alt_response(200, schema=TEXT, content_type="text/csv",
                      description="Every journalist, as the import reads it")
    def get(self, args: dict[str, Any]) -> Any:
        """Journalists by name, with their accreditations and lists."""
        check_may_read_registry(current_user())
        if args["format"] == "csv":
            return csv_file(registry_csv.export_journalists(session()), "journalists.csv")
        found = reads.journalists(session(), args.get("on") or _today(), page=args["page"],
                                  per_page=args["per_page"], q=args.get("q"), outlet_id=args.get("outlet_id"),
                                  list_id=args.get("list_id"), accredited=args.get("accredited"),
                                  active=args.get("active"))
        return present.page(found, [present.journalist(j) for j in found.items])

    @blp.doc(operationId="createJournalist")
    @blp.arguments(JournalistIn)
    @blp.response(201, JournalistOut)
    def post(self, body: dict[str, Any]) -> dict[str, Any]:
        """Add a journalist (an e-mail address is required: releases are sent there)."""
        row = registry.create_journalist(session(), body, actor=current_user(), at=ctx().now())
        return present.journalist(reads.journalist(session(), row, _today()))


@blp.route("/journalists/<id:journalist_id>")
class JournalistView(MethodView):
    @blp.doc(operationId="updateJournalist")
    @blp.arguments(JournalistPatch)
    @blp.response(200, JournalistOut)
    def patch(self, body: dict[str, Any], journalist_id: int) -> dict[str, Any]:
        """Change a journalist's name, outlet, contacts or languages, or make them inactive."""
        row = registry.update_journalist(session(), journalist_id, body, actor=current_user(), at=ctx().now())
        return present.journalist(reads.journalist(session(), row, _today()))


@blp.route("/journalists/import")
class JournalistsImport(MethodView):
    @blp.doc(operationId="importJournalists", **CSV_BODY)
    @blp.response(200, ImportedOut)
    @blp.alt_response(422, description="Nothing imported: `errors` name each problem's `line` and column (`field`)")
    def post(self) -> dict[str, Any]:
        """Import journalists from CSV (`id, name, outlet, email, phone, languages, active`): a line with an id, or
        the e-mail address of a journalist already there, changes them; others are added. All or nothing."""
        result = registry_csv.import_journalists(session(), uploaded_csv(), actor=current_user(), at=ctx().now())
        return present.imported(result)


@blp.route("/journalists/<id:journalist_id>/accreditations")
class Accreditations(MethodView):
    @blp.doc(operationId="accreditJournalist")
    @blp.arguments(AccreditationIn)
    @blp.response(201, AccreditationOut)
    def post(self, body: dict[str, Any], journalist_id: int) -> dict[str, Any]:
        """Accredit a journalist from `valid_from` to `valid_until` (both days included)."""
        row = accreditation.accredit(session(), journalist_id, valid_from=body["valid_from"],
                                valid_until=body["valid_until"], actor=current_user(), at=ctx().now())
        return present.accreditation(row)


@blp.route("/accreditations/<id:accreditation_id>/revoke")
class Revoke(MethodView):
    @blp.doc(operationId="revokeAccreditation")
    @blp.arguments(RevokeIn)
    @blp.response(200, AccreditationOut)
    def post(self, body: dict[str, Any], accreditation_id: int) -> dict[str, Any]:
        """Revoke an accreditation, with the reason; revoking it again is 409."""
        row = accreditation.revoke(session(), accreditation_id, reason=body["reason"], actor=current_user(),
                              at=ctx().now())
        return present.accreditation(row)


# -- distribution lists -----------------------------------------------------------------------------------

@blp.route("/distribution-lists")
class DistributionLists(MethodView):
    @blp.doc(operationId="listDistributionLists")
    @blp.response(200, page_of(DistributionListOut, "DistributionListPage"))
    def get(self) -> dict[str, Any]:
        """Every distribution list by name, with its members (journalist ids)."""
        check_may_read_registry(current_user())
        return present.whole([present.distribution_list(r.row, r.journalist_ids)
                              for r in reads.distribution_lists(session())])

    @blp.doc(operationId="createDistributionList")
    @blp.arguments(DistributionListIn)
    @blp.response(201, DistributionListOut)
    def post(self, body: dict[str, Any]) -> dict[str, Any]:
        """Add a distribution list (the accredited pool, bloggers, foreign media, diplomatic missions, ...)."""
        row = registry.create_list(session(), body, actor=current_user(), at=ctx().now())
        return present.distribution_list(row, registry.members(session(), row.id))


@blp.route("/distribution-lists/<id:list_id>")
class DistributionListView(MethodView):
    @blp.doc(operationId="updateDistributionList")
    @blp.arguments(DistributionListPatch)
    @blp.response(200, DistributionListOut)
    def patch(self, body: dict[str, Any], list_id: int) -> dict[str, Any]:
        """Rename or describe a list, or set its members (the whole list of journalist ids)."""
        row = registry.update_list(session(), list_id, body, actor=current_user(), at=ctx().now())
        return present.distribution_list(row, registry.members(session(), row.id))
