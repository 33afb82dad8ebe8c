from __future__ import annotations

import csv
import io
import json
from typing import Any

from flask import Response
from flask.views import MethodView

from api import present
from api.auth import current_user
from api.blueprint import Blueprint
from api.database import session
from api.schemas import TEXT, AuditOut, AuditQuery, CheckpointPage, Page, VerifyOut, page_of
from api.views.common import ctx
from engine.audit import chain, checkpoints, keys, notes
from engine.background import witnesses
from engine.people.access import check_may_read_audit
from engine.reads import queries

blp = Blueprint("audit", __name__, url_prefix="/api/v1/audit", description="The tamper-evident history")
# Moments are ISO 8601 in the office's time zone with its offset (`2026-03-02T09:00:00+06:00`); the last column
# names that zone on every row, so a file read away from the HTTP response still says which clock it keeps.
CSV_FIELDS = ["id", "seq", "occurred_at", "actor", "type", "instance_id", "task_id", "subject", "before", "after",
              "hash", "time_zone"]


@blp.route("")
class Events(MethodView):
    @blp.doc(operationId="searchAuditEvents")
    @blp.arguments(AuditQuery, location="query")
    @blp.response(200, page_of(AuditOut, "AuditPage"))
    @blp.alt_response(200, schema=TEXT, content_type="text/csv",
                      description="The matching events; with format=csv every one of them, as CSV")
    def get(self, args: dict[str, Any]) -> Any:
        """Search the history; `format=csv` exports every match."""
        check_may_read_audit(current_user())
        query = queries.audit_events(session(), instance_id=args.get("instance_id"), actor=args.get("actor"),
                                     type=args.get("type"), since=args.get("from_"), until=args.get("to"))
        if args["format"] == "csv":
            return csv_response(session().scalars(query))
        result = queries.paged(session(), query, args["page"], args["per_page"])
        return present.page(result, [present.audit_event(e) for e in result.items])


def csv_response(events: Any) -> Response:
    buffer = io.StringIO()
    writer = csv.DictWriter(buffer, fieldnames=CSV_FIELDS)
    writer.writeheader()
    zone = ctx().cal.timezone
    for e in events:
        row = present.audit_event(e)
        row["occurred_at"] = e.occurred_at.astimezone(zone).isoformat()
        row["time_zone"] = zone.key
        row["before"] = json.dumps(e.before, ensure_ascii=False) if e.before is not None else ""
        row["after"] = json.dumps(e.after, ensure_ascii=False) if e.after is not None else ""
        writer.writerow(row)
    return Response(buffer.getvalue(), mimetype="text/csv",
                    headers={"Content-Disposition": "attachment; filename=audit.csv", "X-Time-Zone": zone.key})


@blp.route("/verify")
class Verify(MethodView):
    @blp.doc(operationId="verifyAuditChain")
    @blp.response(200, VerifyOut)
    def get(self) -> dict[str, Any]:
        """Check the hash chain; names the first broken event."""
        check_may_read_audit(current_user())
        return present.verification(chain.verify(session()))


@blp.route("/checkpoints")
class Checkpoints(MethodView):
    @blp.doc(operationId="listAuditCheckpoints")
    @blp.arguments(Page, location="query")
    @blp.response(200, CheckpointPage)
    def get(self, args: dict[str, Any]) -> dict[str, Any]:
        """The signed checkpoints of the audit's Merkle tree, newest first, each timestamp verified now, with every
        push, and the public key they are signed with."""
        check_may_read_audit(current_user())
        return checkpoint_page(args["page"], args["per_page"])


def checkpoint_page(page: int, per_page: int) -> dict[str, Any]:
    """A page of checkpoints in the API's shape (the auditors' page shows the same)."""
    settings = ctx().settings
    result = queries.paged(session(), checkpoints.newest_first(), page, per_page)
    trusted = checkpoints.trusted_certificates(settings)
    pushes = witnesses.pushes_of(session(), [row.id for row in result.items])
    items = [present.checkpoint(row, checkpoints.timestamp_verdict(row, trusted), pushes[row.id])
             for row in result.items]
    return {"public_key": notes.public_key_pem(keys.public_key(settings))} | present.page(result, items)
