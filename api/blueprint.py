"""flask-smorest's Blueprint with a stricter JSON reader.

webargs turns only `JSONDecodeError` into a 400; JSON that Python cannot hold (nesting deeper than the
recursion limit, integers of thousands of digits) and strings the database cannot store (NUL, unpaired
surrogates) would otherwise surface as 500s deep inside the engine. They are refused here, once."""

from __future__ import annotations

import json
from typing import Any, NoReturn

import flask
from flask_smorest import Blueprint as SmorestBlueprint
from flask_smorest import abort
from webargs import core
from webargs.flaskparser import FlaskParser, is_json_request


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


class Blueprint(SmorestBlueprint):
    ARGUMENTS_PARSER = StrictJsonParser()
