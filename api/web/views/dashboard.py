"""Leadership and the PR head: how requests are answered, what is open and overdue, publications by tone."""

from __future__ import annotations

from api.web.views.common import page_blueprint

blp = page_blueprint("web_dashboard")
