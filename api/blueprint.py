"""flask-smorest's Blueprint with a stricter JSON reader, and the bearer token asked for first.

Every operation wants a token unless it is declared public (`@blp.public()`, which also documents it with
`security: []`): without one the answer is 401 before anything is looked up or validated, so a caller
without a token cannot tell an existing id from a missing one.

webargs turns only `JSONDecodeError` into a 400; JSON that Python cannot hold (nesting deeper than the
recursion limit, integers of thousands of digits) and strings the database cannot store (NUL, unpaired
surrogates) would otherwise surface as 500s deep inside the engine. They are refused here, once."""

from __future__ import annotations

import json
from collections.abc import Callable
from typing import Any, NoReturn

import flask
from flask import current_app, request
from flask_smorest import Blueprint as SmorestBlueprint
from flask_smorest import abort
from flask_smorest.utils import resolve_schema_instance
from webargs import core
from webargs.flaskparser import FlaskParser, is_json_request

from api.auth import current_user


def unstorable_text(value: Any) -> str | None:
    """The first problem with a JSON value's strings, or None."""
    stack = [value]
    while stack:
        item = stack.pop()
        if isinstance(item, str):
            if "\x00" in item:
                return "contains a NUL character"
            try:
                item.encode("utf-8")
            except UnicodeEncodeError:
                return "contains an unpaired surrogate (not valid Unicode text)"
        elif isinstance(item, dict):
            stack.extend(item.keys())
            stack.extend(item.values())
        elif isinstance(item, list):
            stack.extend(item)
    return None


class StrictJsonParser(FlaskParser):
    def _raw_load_json(self, req: flask.Request) -> Any:
        if not is_json_request(req):
            return core.missing
        raw = req.get_data(cache=True)
        if not raw:
            return core.missing
        try:
            value = json.loads(raw)
        except (json.JSONDecodeError, UnicodeDecodeError, RecursionError, ValueError):
            _invalid("Invalid JSON body.")
        problem = unstorable_text(value)
        if problem:
            _invalid(f"The JSON body {problem}.")
        return value


def _invalid(message: str) -> NoReturn:
    abort(400, messages={"json": [message]})
    raise AssertionError("unreachable")


PUBLIC = "jarchy_public"


def _authenticate_first() -> None:
    view = current_app.view_functions.get(request.endpoint or "")
    view_class = getattr(view, "view_class", None)
    method = request.method.lower()
    if view_class is not None:
        view = getattr(view_class, method, None) or (getattr(view_class, "get", None) if method == "head" else None)
    if request.method == "OPTIONS" or getattr(view, PUBLIC, False):
        return
    current_user()


class Blueprint(SmorestBlueprint):
    ARGUMENTS_PARSER = StrictJsonParser()

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.before_request(_authenticate_first)

    def arguments(self, schema: Any, *args: Any, **kwargs: Any) -> Callable[[Any], Any]:
        """flask-smorest's, with a schema class made an instance once, here: given the class, webargs builds a
        new instance for every request, and marshmallow copies each declared field into it (and our codes are
        put on each copy), a third of a millisecond a request. Loading keeps no state on the instance, so the
        threads of a process share it, as they share a response's."""
        return super().arguments(resolve_schema_instance(schema), *args, **kwargs)  # type: ignore[no-any-return]

    def public(self) -> Callable[[Any], Any]:
        """An operation anyone may call without a token, documented as such."""

        def decorator(func: Any) -> Any:
            func = self.doc(security=[])(func)
            setattr(func, PUBLIC, True)
            return func

        return decorator
