"""Between a list page's URL and a saved filter's query: the pages name the procedure `process` and the inbox's views
`state`, where the API (and a saved filter) says `process_key`, `status`, `assigned` and `overdue`."""

from __future__ import annotations

from typing import Any

from flask import url_for

from db.models import SavedFilter
from engine.people.list_search import FIND_KEYS
from engine.people.saved_filters import OWN_KEYS, SEVERAL

# The inbox page's views (`state`) as the API's parameters.
INBOX_STATES: dict[str, dict[str, str]] = {
    "": {},
    "mine": {"assigned": "me"},
    "unassigned": {"assigned": "unassigned"},
    "overdue": {"overdue": "true"},
    "completed": {"status": "completed"},
    "everyone": {"assigned": "anyone"},
}
ENDPOINTS = {"inbox": "web_staff.inbox", "cases": "web_staff.cases"}


def query_of(list: str, args: Any) -> dict[str, Any]:
    """A saved filter's query from a list page's URL arguments (empty ones left out)."""
    query: dict[str, Any] = {key: args.get(key) for key in FIND_KEYS if args.get(key)}
    if args.get("process_key") or args.get("process"):
        query["process_key"] = args.get("process_key") or args.get("process")
    if list == "inbox":
        query |= INBOX_STATES.get(args.get("state") or "", {})
    elif list == "cases":
        # With the filters a dashboard number opens the list with, so that such a list saved reopens the same rows.
        for key in OWN_KEYS["cases"]:
            if key in SEVERAL and [v for v in args.getlist(key) if v]:
                query[key] = [v for v in args.getlist(key) if v]
            elif key not in SEVERAL and key != "process_key" and args.get(key):
                query[key] = args.get(key)
    return query


def page_args(row: SavedFilter) -> dict[str, Any]:
    """A list page's URL arguments for a saved filter's query."""
    query = dict(row.query)
    args = {key: query[key] for key in FIND_KEYS if query.get(key)}
    if query.get("process_key"):
        args["process"] = query["process_key"]
    if row.list == "inbox":
        state = next((name for name, wanted in INBOX_STATES.items()
                      if wanted and all(query.get(k) == v for k, v in wanted.items())), "")
        if state:
            args["state"] = state
    else:
        args |= {key: value for key, value in query.items() if key in OWN_KEYS["cases"] and key != "process_key"}
    return args


def url_of(row: SavedFilter) -> str:
    return url_for(ENDPOINTS[row.list], **page_args(row))
