"""Auditors: search cases and events, a case's timeline, export, the hash chain's verification and the signed
checkpoints of the audit's Merkle tree (their notes, tokens and the office's public key to download). Read only.

Every route is a GET and nothing here writes: auditors read everything and change nothing. The exports reuse
the REST API's CSV writer and event shape (`api.views.audit`), so a page download and `GET /api/v1/audit`
agree field for field.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Any

from flask import Response, request, url_for
from flask_babel import format_date, ngettext
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from werkzeug.datastructures import MultiDict

from api import present
from api.database import session as db_session
from api.schemas import AuditOut
from api.views.audit import checkpoint_page, csv_response, with_proofs
from api.web import refusals
from api.web.audit_words import AuditWords
from api.web.i18n import event_label, label
from api.web.signin import page
from api.web.unit_names import unit_text
from api.web.views.common import ctx, page_blueprint, render
from db.models import AuditCheckpoint, AuditEvent, ProcessInstance
from engine.audit import chain, checkpoints, keys, notes
from engine.core.errors import Code, NotFound
from engine.people.access import may_use_audit_pages
from engine.procedures.definitions import list_latest
from engine.reads import audit_search, queries
from engine.reads.choices import units as all_units

blp = page_blueprint("web_audit", "/audit")
PER_PAGE = 50
MAX_TEXT = 64
MIN_DAY, MAX_DAY = date(1900, 1, 1), date(2999, 12, 31)


@dataclass
class Query:
    """A page's query string, read: the values to filter by and the fields at fault."""

    values: dict[str, str] = field(default_factory=dict)
    errors: dict[str, str] = field(default_factory=dict)
    page: int = 1

    def text(self, args: MultiDict[str, str], name: str, choices: list[str] | None = None) -> str | None:
        value = args.get(name, "").strip()
        self.values[name] = value
        if not value:
            return None
        if len(value) > MAX_TEXT:
            self.errors[name] = ngettext("At most %(num)d character.", "At most %(num)d characters.", MAX_TEXT)
        elif choices is not None and value not in choices:
            self.errors[name] = _("Choose one of the listed values.")
        return value

    def day(self, args: MultiDict[str, str], name: str) -> date | None:
        value = args.get(name, "").strip()
        self.values[name] = value
        if not value:
            return None
        try:
            day = date.fromisoformat(value)
        except ValueError:
            self.errors[name] = _("Enter a date as YYYY-MM-DD.")
            return None
        if not MIN_DAY <= day <= MAX_DAY:
            # Also keeps the day's bounds (the next midnight, in UTC) inside what datetime can hold.
            self.errors[name] = _("Enter a date between %(first)s and %(last)s.", first=format_date(MIN_DAY, "long"),
                                  last=format_date(MAX_DAY, "long"))
            return None
        return day

    def range(self, since: date | None, until: date | None) -> None:
        if since and until and since > until:
            self.errors["to"] = _("The end date comes before the start date.")

    def paging(self, args: MultiDict[str, str]) -> None:
        value = args.get("page", "1").strip() or "1"
        # ASCII digits only ("²" is a digit int() refuses), and few of them (int() refuses 5,000 digits).
        if not (value.isascii() and value.isdigit() and len(value) <= 7) or not 1 <= int(value) <= 1_000_000:
            self.errors["page"] = _("The page must be a whole number from 1.")
        else:
            self.page = int(value)

    def url(self, endpoint: str, **changes: Any) -> str:
        return url_for(endpoint, **({k: v for k, v in self.values.items() if v} | changes))


def _procedures() -> list[str]:
    return [d.key for d in list_latest(db_session())]


def _options(values: Any, shown: Any = label) -> list[tuple[str, str]]:
    """A select's (value, label) pairs."""
    return [(value, shown(value)) for value in values]


def _event_choices() -> dict[str, Any]:
    return {"procedures": _options(_procedures(), AuditWords().procedure),
            "types": _options(audit_search.event_types(db_session()), event_label)}


def _event_query(args: MultiDict[str, str]) -> tuple[Query, audit_search.EventFilter]:
    q = Query()
    f = audit_search.EventFilter(
        process_key=q.text(args, "procedure", _procedures()),
        actor=q.text(args, "actor"),
        type=q.text(args, "type"),
        business_key=q.text(args, "case"),
        since=q.day(args, "from"),
        until=q.day(args, "to"),
    )
    q.range(f.since, f.until)
    q.paging(args)
    return q, f


def _shown_events(events: list[AuditEvent]) -> list[dict[str, Any]]:
    """Each event with its case's registration number, and its subject and data in words (api.web.audit_words)."""
    keys = queries.business_keys(db_session(), {e.instance_id for e in events if e.instance_id})
    words = AuditWords()
    return [{"event": e, "business_key": keys.get(e.instance_id) if e.instance_id else None,
             "subject": words.subject(e), "changes": words.changes(e), "actor": words.actor(e.actor)} for e in events]


@blp.get("/events")
@page(may_use_audit_pages)
def events() -> tuple[str, int]:
    q, f = _event_query(request.args)
    choices = _event_choices()
    if q.errors:
        return render("audit/events.html", 422, q=q, result=None, rows=[], **choices)
    result = queries.paged(db_session(), audit_search.events(db_session(), f, ctx().cal.timezone), q.page, PER_PAGE)
    return render("audit/events.html", q=q, result=result, rows=_shown_events(result.items), **choices)


@blp.get("/events/export.<any(csv, json):fmt>")
@page(may_use_audit_pages)
def export(fmt: str) -> Response | tuple[str, int]:
    """The whole selection of the events page (its filters, every page of it) as a download."""
    q, f = _event_query(request.args)
    if q.errors:
        return render("audit/events.html", 422, q=q, result=None, rows=[], **_event_choices())
    selection = list(db_session().scalars(audit_search.events(db_session(), f, ctx().cal.timezone)))
    proofs = request.args.get("proofs")
    if proofs in ("true", "checkpoints"):  # the API's export with proofs, for the offline verifier
        return with_proofs(selection, fmt, proofs == "checkpoints", complete=f == audit_search.EventFilter())
    if fmt == "csv":
        return csv_response(selection)
    keys = queries.business_keys(db_session(), {e.instance_id for e in selection if e.instance_id})
    items = [AuditOut().dump(present.audit_event(e))
             | {"prev_hash": e.prev_hash, "business_key": keys.get(e.instance_id or 0)} for e in selection]
    return Response(json.dumps(items, ensure_ascii=False, indent=1), mimetype="application/json",
                    headers={"Content-Disposition": "attachment; filename=audit.json"})


@blp.get("/cases")
@page(may_use_audit_pages)
def cases() -> tuple[str, int]:
    args = request.args
    q = Query()
    units = [(unit.key, unit_text(unit)) for unit in all_units(db_session())]
    procedures = _procedures()
    f = audit_search.CaseFilter(
        process_key=q.text(args, "procedure", procedures),
        status=q.text(args, "status", list(audit_search.CASE_STATUSES)),
        unit=q.text(args, "unit", [key for key, _name in units]),
        since=q.day(args, "from"),
        until=q.day(args, "to"),
    )
    q.range(f.since, f.until)
    q.paging(args)
    words = AuditWords()
    choices = {"procedures": _options(procedures, words.procedure), "statuses": _options(audit_search.CASE_STATUSES),
               "units": units, "procedure": words.procedure}
    if q.errors:
        return render("audit/cases.html", 422, q=q, result=None, **choices)
    result = queries.paged(db_session(), audit_search.cases(db_session(), f, ctx().cal.timezone), q.page, PER_PAGE)
    return render("audit/cases.html", q=q, result=result, **choices)


@blp.get("/cases/<id:instance_id>")
@page(may_use_audit_pages)
def case(instance_id: int) -> tuple[str, int]:
    """Every event of the case, in chain order, with its data before and after and its hash."""
    instance = db_session().get(ProcessInstance, instance_id)
    if instance is None:
        raise NotFound(f"case {instance_id} does not exist", code=Code.CASE_NOT_FOUND)
    found = list(db_session().scalars(queries.audit_events(db_session(), instance_id=instance_id)))
    started_by = queries.usernames(db_session(), {instance.started_by_id}).get(instance.started_by_id or 0)
    return render("audit/case.html", instance=instance, started_by=started_by, rows=_shown_events(found),
                  procedure=AuditWords().procedure(instance.process_key))


@blp.get("/verify")
@page(may_use_audit_pages)
def verify() -> tuple[str, int]:
    """Runs the check at each visit: it reads the whole chain and writes nothing."""
    result = chain.verify(db_session())
    return render("audit/verify.html", result=result, reason=_reason(result.first_broken))


REASONS = {
    "deleted": _l("Events are missing from this point on: they were deleted."),
    "relinked": _l("Its link to the previous event does not match: an event before it was changed or removed."),
    "edited": _l("Its content was changed after it was written."),
    "head": _l("The chain's head does not match the last event: the newest events were removed or changed."),
}


def _reason(broken: dict[str, Any] | None) -> str | None:
    """The engine's reason, by its code, as a catalog message for the page."""
    if broken is None:
        return None
    return str(REASONS.get(str(broken.get("code")), broken.get("reason", "")))


# -- signed checkpoints ---------------------------------------------------------------------------------------------

# Why a checkpoint's timestamp is not verified, by the code of engine.audit.timestamps (the check of a kept token,
# or the last request to the TSA when there is none).
TIMESTAMP_REASONS = {
    "imprint_mismatch": _l("The token is over other data than this checkpoint."),
    "digest_mismatch": _l("The token's signed digest does not match its content: it was altered."),
    "bad_signature": _l("The timestamp authority's signature on the token does not verify."),
    "unknown_signer": _l("The token does not carry the certificate of the authority that signed it."),
    "not_a_tsa_certificate": _l("The token is signed by a certificate that is not one for timestamps."),
    "certificate_expired": _l("The certificate that signed the token was not valid at the time it names."),
    "untrusted_tsa": _l("The token is signed by an authority the office does not trust (the setting "
                        "JARCHY_TSA_CERT)."),
    "malformed": _l("The token cannot be read as a timestamp."),
    "tsa_unreachable": _l("The timestamp authority could not be reached."),
    "tsa_refused": _l("The timestamp authority refused the request."),
    "tsa_bad_response": _l("The timestamp authority's answer was not a usable timestamp."),
}


def _timestamp_reason(code: str | None) -> str:
    found = TIMESTAMP_REASONS.get(code or "")
    return str(found) if found is not None else _("The timestamp could not be checked.")


def _shown_checkpoint(item: dict[str, Any]) -> dict[str, Any]:
    """An item of the API's listing with its timestamp worded for the page: `stamp` is `verified` (with its
    time and TSA), `invalid` (a kept token that does not verify: why), `failed` (no token: the TSA's failure)
    or `none` (no TSA asked)."""
    verdict = item["timestamp"]
    if verdict is None:
        stamp: dict[str, Any] = {"state": "none"}
    elif verdict["verified"]:
        stamp = {"state": "verified", "time": datetime.fromisoformat(verdict["time"]), "tsa": verdict["tsa"]}
    elif "timestamp_token" in item:
        stamp = {"state": "invalid", "reason": _timestamp_reason(verdict.get("code"))}
    else:
        stamp = {"state": "failed", "reason": _timestamp_reason(verdict.get("code"))}
    return item | {"stamp": stamp}


@blp.get("/checkpoints")
@page(may_use_audit_pages)
def checkpoint_list() -> tuple[str, int]:
    """The signed checkpoints, newest first, as `GET /api/v1/audit/checkpoints` lists them (each token verified
    now), with the files an auditor keeps outside the office."""
    q = Query()
    q.paging(request.args)
    if q.errors:
        return render("audit/checkpoints.html", 422, q=q, result=None, rows=[], key_error=None)
    try:
        result = checkpoint_page(q.page, PER_PAGE)
    except keys.KeyUnavailable as exc:
        return render("audit/checkpoints.html", 503, q=q, result=None, rows=[], key_error=refusals.of(exc))
    return render("audit/checkpoints.html", q=q, result=result, key_error=None,
                  rows=[_shown_checkpoint(item) for item in result["items"]])


def _checkpoint(size: int) -> AuditCheckpoint:
    row = checkpoints.by_size(db_session(), size)
    if row is None:
        raise NotFound(f"no checkpoint of size {size}")
    return row


def _download(body: str | bytes, mimetype: str, filename: str) -> Response:
    return Response(body, mimetype=mimetype, headers={"Content-Disposition": f"attachment; filename={filename}"})


@blp.get("/checkpoints/<id:size>.note")
@page(may_use_audit_pages)
def checkpoint_note(size: int) -> Response:
    """The checkpoint's signed note, byte for byte as signed and pushed (`checkpoints/<size>.note`)."""
    return _download(_checkpoint(size).note, "text/plain", f"{size}.note")


@blp.get("/checkpoints/<id:size>.tsr")
@page(may_use_audit_pages)
def checkpoint_token(size: int) -> Response:
    """The checkpoint's RFC 3161 timestamp token (DER), as pushed (`checkpoints/<size>.tsr`)."""
    token = _checkpoint(size).timestamp_token
    if token is None:
        raise NotFound(f"the checkpoint of size {size} has no timestamp")
    return _download(token, "application/octet-stream", f"{size}.tsr")


@blp.get("/audit_public_key.pem")
@page(may_use_audit_pages)
def public_key() -> Response:
    """The office's public key the checkpoints are signed with (PEM); a key that cannot be read: 503, worded."""
    return _download(notes.public_key_pem(keys.public_key(ctx().settings)), "application/x-pem-file",
                     "audit_public_key.pem")
