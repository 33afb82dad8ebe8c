"""The office's public site, page by page (the JSON and the Atom feeds are api/views/public.py): the latest
publications, a release in every publication language side by side (000 §4.7: the state and the official
language), and a response. A rebuttal's page tells the public what the piece distorted and what is true, claim by
claim (002 §16: the public is informed so that public opinion is not manipulated). Each page carries Open Graph
tags, so that a shared link previews.

The releases' languages switch with `?lang=`: by default every publication language side by side; with one of them,
that version alone (its title in the list, its text on the page), so that a reader of one language reads one column.
The interface's own language is the bar's switcher, a separate choice. The archive's search is here too."""

from __future__ import annotations

from datetime import datetime

from flask import Response, abort, make_response, request
from flask_babel import lazy_gettext as _l
from flask_babel import ngettext

from api import present
from api.database import session as db_session
from api.present import PUBLIC_PAGES
from api.web.unit_names import unit_text
from api.web.views.audit import Query
from api.web.views.common import ctx, page_blueprint, render
from engine.core.settings import LANGUAGES
from engine.reads import archive, publications
from engine.reads.choices import units

blp = page_blueprint("web_public")
MEDIA = {"print": _l("Print"), "tv": _l("Television"), "radio": _l("Radio"), "online": _l("Website"),
         "social": _l("Social network"), "blog": _l("Blog")}
LATEST = 20
FEED_NAMES = {"release": _l("Press releases"), "response": _l("Rebuttals and comments"),
              "draft": _l("Draft acts for discussion")}
ALL_OF_FEED = {"release": _l("All press releases"), "response": _l("All rebuttals and comments"),
               "draft": _l("All draft acts and adopted texts")}
# /public/archive answers JSON or this page by the Accept header: a cache must keep the two apart.
VARY = {"Vary": "Accept"}


def chosen_language(available: list[str]) -> str | None:
    """The publication language asked for with `?lang=`, or None for all side by side; one the page has no
    version in is not found (a link to a version that does not exist)."""
    lang = request.args.get("lang") or None
    if lang is not None and lang not in available:
        abort(404)
    return lang


@blp.get("/public")
def latest() -> tuple[str, int]:
    session = db_session()
    languages = list(ctx().settings.publication_languages)
    lang = chosen_language(languages)
    return render("public/latest.html", releases=publications.latest(session, "releases", LATEST),
                  responses=publications.latest(session, "responses", LATEST),
                  languages=[lang] if lang else languages, switch=languages, lang=lang)


@blp.get("/public/releases/<int:publication_id>")
def release(publication_id: int) -> tuple[str, int]:
    row = publications.one(db_session(), "releases", publication_id)
    translations = row.content.get("translations") or {}
    # In the deployment's order of publication languages, then any other the release was published in.
    order = [lang for lang in ctx().settings.publication_languages if lang in translations]
    order += [lang for lang in translations if lang not in order]
    lang = chosen_language(order)
    shown = [lang] if lang else order
    root = request.url_root.rstrip("/")
    return render("public/release.html", row=row, versions=[(code, translations[code]) for code in shown],
                  switch=order, lang=lang,
                  media=[present.published_file(item, root) for item in row.content.get("media") or []])


@blp.get("/public/responses/<int:publication_id>")
def response(publication_id: int) -> tuple[str, int]:
    row = publications.one(db_session(), "responses", publication_id)
    piece = row.content.get("piece_published_at")
    return render("public/response.html", row=row, content=row.content, media=MEDIA,
                  piece_published_at=datetime.fromisoformat(piece) if isinstance(piece, str) else None)


def wants_json() -> bool:
    """The archive's JSON for a client that prefers `application/json`; the page for a browser, or `*/*`."""
    return request.accept_mimetypes.best_match(["text/html", "application/json"]) == "application/json"


def archive_page() -> Response:
    """`/public/archive` for a browser (the route is the API's, api/views/public.py: one address, two forms);
    bad parameters are named on the page, with the search form to correct them."""
    args, q = request.args, Query()
    words = args.get("q", "").strip()
    q.values["q"] = words
    if len(words) > archive.MAX_WORDS:
        q.errors["q"] = ngettext("At most %(num)d character.", "At most %(num)d characters.", archive.MAX_WORDS)
    asked = archive.Search(words=words or None, kind=q.text(args, "kind", list(archive.KIND_CHOICES)),
                           unit=q.text(args, "unit"), lang=q.text(args, "lang", list(archive.LANGUAGES)),
                           since=q.day(args, "from"), until=q.day(args, "to"))
    q.range(asked.since, asked.until)
    q.paging(args)
    session, settings = db_session(), ctx().settings
    choices = {"units": [(u.key, unit_text(u)) for u in units(session)],
               "languages": [lang for lang in settings.publication_languages if lang in LANGUAGES],
               "feeds": [(feed, archive.KINDS[source]) for feed, source in archive.FEEDS.items()]}
    result = None if q.errors else archive.search(session, asked, ctx().cal.timezone, q.page)
    page, status = render("public/archive.html", 422 if q.errors else 200, q=q, result=result, pages=PUBLIC_PAGES,
                          max_words=archive.MAX_WORDS, feed_names=FEED_NAMES, all_of_feed=ALL_OF_FEED, **choices)
    response = make_response(page, status)
    response.headers.update(VARY)
    return response
