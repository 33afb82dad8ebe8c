"""Auditors: search cases and events, a case's timeline, export, and the hash chain's verification. Read only."""

from __future__ import annotations

from api.web.views.common import page_blueprint

blp = page_blueprint("web_audit", "/audit")
