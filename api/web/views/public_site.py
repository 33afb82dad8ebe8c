"""The office's public site, page by page (the JSON and the Atom feeds are api/views/public.py): the latest
publications, a release in every publication language side by side (000 §4.7: the state and the official
language), and a response. A rebuttal's page tells the public what the piece distorted and what is true, claim by
claim (002 §16: the public is informed so that public opinion is not manipulated). Each page carries Open Graph
tags, so that a shared link previews.

The releases' languages switch with `?lang=`: by default every publication language side by side; with one of them,
that version alone (its title in the list, its text on the page), so that a reader of one language reads one column.
The interface's own language is the bar's switcher, a separate choice."""

from __future__ import annotations

from datetime import datetime

from flask import abort, request
from flask_babel import lazy_gettext as _l

from api import present
from api.database import session as db_session
from api.web.views.common import ctx, page_blueprint, render
from engine.reads import publications

blp = page_blueprint("web_public")
MEDIA = {"print": _l("Print"), "tv": _l("Television"), "radio": _l("Radio"), "online": _l("Website"),
         "social": _l("Social network"), "blog": _l("Blog")}
LATEST = 20


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
