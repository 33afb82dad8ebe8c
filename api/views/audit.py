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
from api.schemas import (
    TEXT,
    AuditOut,
    AuditQuery,
    CheckpointPage,
    ConsistencyOut,
    ConsistencyQuery,
    Page,
    ProofOut,
    ProofQuery,
    VerifyOut,
    page_of,
)
from api.views.common import ctx
from engine.audit import chain, checkpoints, keys, notes, outside, proofs
from engine.background import witnesses
from engine.core.errors import Code, Invalid, problem
from engine.people.access import check_may_read_audit
from engine.reads import queries

blp = Blueprint("audit", __name__, url_prefix="/api/v1/audit", description="The tamper-evident history")
# Moments are ISO 8601 in the office's time zone with its offset (`2026-03-02T09:00:00+06:00`); the last column
# names that zone on every row, so a file read away from the HTTP response still says which clock it keeps.
CSV_FIELDS = ["id", "seq", "occurred_at", "actor", "type", "instance_id", "task_id", "subject", "before", "after",
              "hash", "time_zone"]
PROOF_FIELDS = ["prev_hash", "leaf_index", "tree_size", "audit_path", "canonical"]


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
        filters = {"instance_id": args.get("instance_id"), "actor": args.get("actor"), "type": args.get("type"),
                   "since": args.get("from_"), "until": args.get("to")}
        query = queries.audit_events(session(), **filters)
        if args["proofs"] != "false":
            return with_proofs(session().scalars(query), args["format"], args["proofs"] == "checkpoints",
                               complete=not any(v is not None for v in filters.values()))
        if args["format"] == "csv":
            return csv_response(session().scalars(query))
        result = queries.paged(session(), query, args["page"], args["per_page"])
        return present.page(result, [present.audit_event(e) for e in result.items])


def csv_response(events: Any, proved: dict[int, dict[str, Any] | None] | None = None,
                 filename: str = "audit.csv") -> Response:
    """The events as CSV; with `proved` (each event's proof by id, engine.audit.proofs), also the proof columns
    and the canonical JSON the event's leaf and hash cover."""
    buffer = io.StringIO()
    writer = csv.DictWriter(buffer, fieldnames=CSV_FIELDS + (PROOF_FIELDS if proved is not None else []))
    writer.writeheader()
    zone = ctx().cal.timezone
    for e in events:
        row = present.audit_event(e)
        row["occurred_at"] = e.occurred_at.astimezone(zone).isoformat()
        row["time_zone"] = zone.key
        row["before"] = json.dumps(e.before, ensure_ascii=False) if e.before is not None else ""
        row["after"] = json.dumps(e.after, ensure_ascii=False) if e.after is not None else ""
        if proved is not None:
            proof = proved.get(e.id)
            row |= {"prev_hash": e.prev_hash, "canonical": chain.canonical(e),
                    "leaf_index": proof["leaf_index"] if proof else "",
                    "tree_size": proof["tree_size"] if proof else "",
                    "audit_path": " ".join(proof["audit_path"]) if proof else ""}
        writer.writerow(row)
    return Response(buffer.getvalue(), mimetype="text/csv",
                    headers={"Content-Disposition": f"attachment; filename={filename}", "X-Time-Zone": zone.key})


def with_proofs(events: Any, fmt: str, history_only: bool, *, complete: bool) -> Response:
    """An export with proofs (docs/audit.md, "Proofs and the offline verifier"): every matching event with its
    inclusion proof in the latest checkpoint and the checkpoints leading to it; `history_only`: the checkpoints
    alone, the file a CSV export is verified with. `complete`: the selection is the whole history (no filter)."""
    header, size = proofs.header(session(), keys.public_key(ctx().settings))
    header["complete"] = complete
    if history_only:
        return _json_download({"proofs": header}, "audit-checkpoints.json")
    proved = list(proofs.event_proofs(session(), events, size))
    if fmt == "csv":
        return csv_response([e for e, _ in proved], {e.id: p for e, p in proved}, "audit-proofs.csv")
    items = [AuditOut().dump(present.audit_event(e)) | proofs.exported(e, p) for e, p in proved]
    return _json_download({"items": items, "total": len(items), "page": 1, "per_page": max(len(items), 1),
                           "proofs": header}, "audit-proofs.json")


def _json_download(body: dict[str, Any], filename: str) -> Response:
    return Response(json.dumps(body, ensure_ascii=False, indent=1, default=str), mimetype="application/json",
                    headers={"Content-Disposition": f"attachment; filename={filename}"})


@blp.route("/verify")
class Verify(MethodView):
    @blp.doc(operationId="verifyAuditChain")
    @blp.response(200, VerifyOut)
    def get(self) -> dict[str, Any]:
        """Check the hash chain; names the first broken event."""
        check_may_read_audit(current_user())
        result = chain.verify(session())
        latest = checkpoints.latest(session())
        against = None if latest is None else outside.against(
            session(), latest.size, bytes.fromhex(latest.root), latest.signed_at)
        return present.verification(result, against)


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


@blp.route("/events/<id:event_id>/proof")
class Proof(MethodView):
    @blp.doc(operationId="auditEventProof")
    @blp.arguments(ProofQuery, location="query")
    @blp.response(200, ProofOut)
    def get(self, args: dict[str, Any], event_id: int) -> dict[str, Any]:
        """The event's inclusion proof (RFC 9162) in a signed checkpoint (`checkpoint`: its size; default the
        latest)."""
        check_may_read_audit(current_user())
        return present.inclusion(proofs.inclusion(session(), event_id, args.get("checkpoint")))


@blp.route("/consistency")
class ConsistencyProof(MethodView):
    @blp.doc(operationId="auditConsistencyProof")
    @blp.arguments(ConsistencyQuery, location="query")
    @blp.response(200, ConsistencyOut)
    def get(self, args: dict[str, Any]) -> dict[str, Any]:
        """The proof (RFC 9162) that the checkpoint of size `from` is a prefix of the one of size `to`."""
        check_may_read_audit(current_user())
        if args["from_"] > args["to"]:
            raise Invalid("from must not exceed to", [problem("from", Code.ABOVE_MAXIMUM, "from must not exceed "
                                                              "to", limit=args["to"])], code=Code.INVALID_INPUT)
        return present.consistency(proofs.consistency(session(), args["from_"], args["to"]))
