"""The office's public site, page by page (the JSON and the Atom feeds are api/views/public.py). A rebuttal's page
tells the public what the piece distorted and what is true, claim by claim (002 §16: the public is informed so that
public opinion is not manipulated)."""

from __future__ import annotations

from datetime import datetime

from flask_babel import lazy_gettext as _l

from api.database import session as db_session
from api.web.views.common import page_blueprint, render
from engine.reads import publications

blp = page_blueprint("web_public")
MEDIA = {"print": _l("Print"), "tv": _l("Television"), "radio": _l("Radio"), "online": _l("Website"),
         "social": _l("Social network"), "blog": _l("Blog")}


@blp.get("/public/responses/<int:publication_id>")
def response(publication_id: int) -> str:
    row = publications.one(db_session(), "responses", publication_id)
    piece = row.content.get("piece_published_at")
    return render("public/response.html", row=row, content=row.content, media=MEDIA,
                  piece_published_at=datetime.fromisoformat(piece) if isinstance(piece, str) else None)
