"""Administrators: procedures and their versions, the modeler and deploy, users, units and the calendar."""

from __future__ import annotations

from api.web.views.common import page_blueprint

blp = page_blueprint("web_admin", "/admin")
