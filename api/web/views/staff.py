"""Staff: the inbox, a task with its form, starting a case, the cases and a case with its diagram."""

from __future__ import annotations

from api.web.views.common import page_blueprint

blp = page_blueprint("web_staff")
