"""The office's public pages: published releases and responses, as JSON and as Atom feeds (feedgen), and the
archive's search (JSON for `Accept: application/json`, else the page of api/web/views/public_site.py).
No authentication; nothing appears before it is published (an embargoed release waits for its timer)."""

from __future__ import annotations

from typing import Any

from feedgen.feed import FeedGenerator
from flask import Response, request
from flask.views import MethodView
from flask_smorest import abort
from lxml import etree
from marshmallow import EXCLUDE, ValidationError

from api import present
from api.blueprint import Blueprint
from api.database import session
from api.schemas import (
    TEXT,
    ArchiveHit,
    ArchiveQuery,
    PublicReleasePage,
    PublicRequestFiled,
    PublicRequestIn,
    PublicRequestStatus,
    PublicResponsePage,
    TrackingQuery,
    page_of,
)
from api.uploads import file_response, public_file
from api.views.attachments import BINARY
from api.views.common import ctx
from api.web.views import public_site
from engine.files import kinds
from engine.reads import archive, publications
from engine.reads import attachments as attachment_reads
from engine.reads import portal as tracking
from engine.runtime import portal

blp = Blueprint("public", __name__, url_prefix="/public",
                description="Published releases and responses; requests for public information from anyone")
# A filed request's token and a requester's letters are for them alone: no shared cache may keep them.
PRIVATE = {"Cache-Control": "no-store"}
TITLES = {"releases": "Press releases", "responses": "Rebuttals and comments"}
ATOM = "{http://www.w3.org/2005/Atom}"
ARCHIVE_ANSWER = ("The publications found, as JSON for a client that prefers application/json; otherwise the "
                  "archive's page (HTML)")


def _feed(feed: str) -> Response:
    rows = publications.latest(session(), feed)
    generator = FeedGenerator()
    base = request.url_root.rstrip("/")
    generator.id(f"{base}/public/{feed}")
    generator.title(TITLES[feed])
    generator.link(href=f"{base}/public/{feed}.atom", rel="self")
    generator.link(href=f"{base}/public/{feed}", rel="alternate")
    generator.updated(rows[0].published_at if rows else None)
    for row in reversed(rows):  # feedgen puts the last added first
        entry = generator.add_entry()
        entry.id(f"{base}/public/{feed}/{row.id}")
        entry.published(row.published_at)
        entry.updated(row.published_at)
        if feed == "releases":
            translations = row.content.get("translations", {})
            first = next(iter(translations.values()), {"title": row.business_key, "body": ""})
            entry.title(first.get("title") or row.business_key)
            entry.content("\n\n".join(f"[{lang}] {t.get('title', '')}\n{t.get('body', '')}"
                                      for lang, t in translations.items()), type="text")
            entry.link(href=f"{base}/public/releases/{row.id}", rel="alternate")
        else:
            entry.title(f"{row.kind.title()}: {row.content.get('outlet') or row.business_key}")
            # 002 §16: a rebuttal's readers learn each distorted claim and what is true.
            explained = [f"- {e.get('claim')}: {e.get('explanation')}" for e in row.content.get("explanations") or []]
            entry.content("\n\n".join([row.content.get("text") or "", *(["\n".join(explained)] if explained else [])]),
                          type="text")
            entry.link(href=f"{base}/public/responses/{row.id}", rel="alternate")
            if row.content.get("url"):
                entry.link(href=row.content["url"], rel="related")
    atom = generator.atom_str(pretty=True)
    if feed == "releases":
        atom = _with_enclosures(atom, {f"{base}/public/releases/{row.id}": row for row in rows}, base)
    return Response(atom, mimetype="application/atom+xml")


def _with_enclosures(atom: bytes, rows: dict[str, Any], base: str) -> bytes:
    """Each release's entry with a link rel="enclosure" a file it carries (000 §4.2: its photo, video and audio).

    Added to feedgen's output by hand: feedgen 1.0 writes an Atom entry's links with their href alone (its loop in
    FeedEntry.atom_entry shadows the link it reads the attributes from), and an enclosure without its rel, type
    and length would read as one more alternate page."""
    if not any(row.content.get("media") for row in rows.values()):
        return atom
    root = etree.fromstring(atom, parser=etree.XMLParser(resolve_entities=False, no_network=True))
    for entry in root.iter(f"{ATOM}entry"):
        row = rows.get(entry.findtext(f"{ATOM}id") or "")
        for item in (row.content.get("media") or []) if row is not None else []:
            etree.SubElement(entry, f"{ATOM}link", href=f"{base}/public/media/{item['id']}", rel="enclosure",
                             type=str(item.get("content_type")), length=str(item.get("size") or 0),
                             title=str(item.get("filename")))
    return bytes(etree.tostring(root, xml_declaration=True, encoding="UTF-8", pretty_print=True))


@blp.route("/releases")
class Releases(MethodView):
    @blp.doc(operationId="listPublicReleases")
    @blp.public()
    @blp.response(200, PublicReleasePage)
    def get(self) -> dict[str, Any]:
        """Published releases, newest first, in every publication language."""
        root = request.url_root.rstrip("/")
        return {"items": [present.publication(r, root) for r in publications.latest(session(), "releases")]}


@blp.route("/releases.atom")
class ReleasesAtom(MethodView):
    @blp.doc(operationId="releasesAtomFeed")
    @blp.public()
    @blp.response(200, TEXT, description="An Atom feed", content_type="application/atom+xml")
    def get(self) -> Response:
        """Published releases as an Atom feed."""
        return _feed("releases")


@blp.route("/media/<attachment_id>")
class PublishedFile(MethodView):
    @blp.doc(operationId="downloadPublishedFile", responses={"200": {
        "description": "The file, as a download (Content-Disposition: attachment), of one of the types taken",
        "content": {content_type: BINARY for content_type in kinds.ALLOWED}}})
    @blp.public()
    def get(self, attachment_id: str) -> Response:
        """A photo, video, audio or document that a published release carries, for anyone; any other file: 404."""
        row = publications.published_file(session(), attachment_id)
        return public_file(file_response(row, attachment_reads.content_of(ctx(), row)))


@blp.route("/media/<attachment_id>/thumbnail")
class PublishedThumbnail(MethodView):
    @blp.doc(operationId="publishedFileThumbnail", responses={"200": {
        "description": "A JPEG of at most 480 pixels a side", "content": {"image/jpeg": BINARY}}})
    @blp.public()
    def get(self, attachment_id: str) -> Response:
        """The thumbnail of a photo a published release carries."""
        row = publications.published_file(session(), attachment_id)
        return public_file(file_response(row, attachment_reads.thumbnail_of(ctx(), row), thumbnail=True))


@blp.route("/responses")
class Responses(MethodView):
    @blp.doc(operationId="listPublicResponses")
    @blp.public()
    @blp.response(200, PublicResponsePage)
    def get(self) -> dict[str, Any]:
        """Published rebuttals and comments, newest first."""
        return {"items": [present.publication(r) for r in publications.latest(session(), "responses")]}


@blp.route("/responses.atom")
class ResponsesAtom(MethodView):
    @blp.doc(operationId="responsesAtomFeed")
    @blp.public()
    @blp.response(200, TEXT, description="An Atom feed", content_type="application/atom+xml")
    def get(self) -> Response:
        """Published rebuttals and comments as an Atom feed."""
        return _feed("responses")


@blp.route("/requests")
class Requests(MethodView):
    @blp.doc(operationId="filePublicRequest",
             responses={"429": {"description": "too many requests from this address; see Retry-After"}})
    @blp.public()
    @blp.arguments(PublicRequestIn)
    @blp.response(201, PublicRequestFiled)
    def post(self, body: dict[str, Any]) -> dict[str, Any]:
        """File a request for public information, without an account: a reference number and a private tracking
        token (shown once) come back. At most a few an hour from one address."""
        filed = portal.file_request(session(), ctx(), body, address=request.remote_addr)
        return present.filed_request(filed), PRIVATE


@blp.route("/requests/<reference>")
class RequestTracking(MethodView):
    @blp.doc(operationId="trackPublicRequest")
    @blp.public()
    @blp.arguments(TrackingQuery, location="query")
    @blp.response(200, PublicRequestStatus)
    def get(self, args: dict[str, Any], reference: str) -> dict[str, Any]:
        """A filed request as its requester follows it: status, deadline, extension, forwarding, the answer or the
        refusal once sent, and every letter. A wrong reference or token: 404."""
        return present.tracking(tracking.track(session(), reference, args["token"])), PRIVATE


@blp.route("/requests/<reference>/documents/<attachment_id>")
class RequestDocument(MethodView):
    @blp.doc(operationId="downloadPublicRequestDocument", responses={"200": {
        "description": "The document, as a download (Content-Disposition: attachment)",
        "content": {content_type: BINARY for content_type in kinds.ALLOWED}}})
    @blp.public()
    @blp.arguments(TrackingQuery, location="query")
    def get(self, args: dict[str, Any], reference: str, attachment_id: str) -> Response:
        """A document sent with the answer, to the holder of the request's token. A wrong reference or token, a file
        not among the documents sent, and any file before the answer is sent: 404."""
        row = tracking.sent_document(session(), reference, args["token"], attachment_id)
        response = file_response(row, attachment_reads.content_of(ctx(), row))
        response.headers.update(PRIVATE)
        return response


@blp.route("/archive")
class Archive(MethodView):
    @blp.doc(operationId="searchPublicArchive", parameters=[{"in": "query", "schema": ArchiveQuery}])
    @blp.public()
    @blp.response(200, page_of(ArchiveHit, "ArchivePage"), description=ARCHIVE_ANSWER)
    @blp.alt_response(200, schema=TEXT, content_type="text/html", description=ARCHIVE_ANSWER)
    @blp.alt_response(422, response="UNPROCESSABLE_ENTITY")
    def get(self) -> Any:
        """Search everything published (releases, responses), by words in any publication language, kind, unit,
        language and date; newest first, or best match first when words are given."""
        if not public_site.wants_json():
            return public_site.archive_page()
        given = {name: value for name, value in request.args.items() if value.strip()}
        try:
            args = ArchiveQuery().load(given, unknown=EXCLUDE)
        except ValidationError as exc:
            abort(422, errors={"query": exc.messages}, headers=public_site.VARY)
        asked = archive.Search(words=args.get("q"), kind=args.get("kind"), unit=args.get("unit"),
                               lang=args.get("lang"), since=args.get("from_"), until=args.get("to"))
        result = archive.search(session(), asked, ctx().cal.timezone, args["page"], args["per_page"])
        return present.page(result, [present.archive_hit(hit) for hit in result.items]), public_site.VARY
