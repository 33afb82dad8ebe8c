"""The API's schema errors with codes: each of marshmallow's messages carries the code and parameters of its kind.

marshmallow words an error in English only ("Missing data for required field.", "Longer than maximum length
200."); it has no codes (marshmallow-code/marshmallow#915), and messages given as dicts would read as the errors
of a nested schema. So each message is made a `Coded` text: still the English string marshmallow and webargs pass
along untouched, with the `code` (engine.core.errors.Code, the vocabulary of the engine's own field problems) and
`params` that api.errors puts into the problem details' `errors`. Every request schema derives from `Schema` here,
which codes each bound field's messages by their key (`required`, `invalid`, ...) and the field's type, and each
validator's by what it checks and the value it refused (`Length`: too short or too long, and the limit)."""

from __future__ import annotations

import copy
from collections.abc import Callable
from datetime import date
from functools import cache
from typing import Any

import marshmallow
from marshmallow import ValidationError, fields, validate

from engine.core.errors import Code


class Coded(str):
    """An English message with its code and parameters; `format` (marshmallow fills in its fields so) keeps them."""

    code: Code
    params: dict[str, Any]

    def __new__(cls, text: str, code: Code, params: dict[str, Any] | None = None) -> Coded:
        made = super().__new__(cls, text)
        made.code, made.params = code, dict(params or {})
        return made

    def __reduce__(self) -> tuple[Any, ...]:  # copied (schemas are deep-copied) with its code
        return Coded, (str(self), self.code, self.params)

    def format(self, *args: Any, **kwargs: Any) -> Coded:  # type: ignore[override]
        value = kwargs.get("input")
        shown = {"value": value} if isinstance(value, (str, int, float)) and self.code in VALUED else {}
        return Coded(super().format(*args, **kwargs), self.code, self.params | shown)


VALUED = frozenset({Code.NOT_A_DATE, Code.NOT_AN_EMAIL})  # codes whose sentence names the refused value

# A field's type -> the code of its `invalid` message (the first class of the field's MRO listed here).
INVALID: list[tuple[type[fields.Field], Code]] = [
    (fields.Email, Code.NOT_AN_EMAIL),
    (fields.String, Code.MUST_BE_TEXT),
    (fields.Boolean, Code.MUST_BE_BOOLEAN),
    (fields.Integer, Code.NOT_AN_INTEGER),
    (fields.Number, Code.NOT_A_NUMBER),
    (fields.DateTime, Code.NOT_A_DATE),
    (fields.Date, Code.NOT_A_DATE),
    (fields.Time, Code.NOT_A_DATE),
    (fields.List, Code.NOT_A_LIST),
    (fields.Tuple, Code.NOT_A_LIST),
    (fields.Mapping, Code.NOT_AN_OBJECT),
]
BY_KEY = {"required": Code.REQUIRED, "null": Code.REQUIRED, "invalid_utf8": Code.MUST_BE_TEXT,
          "too_large": Code.ABOVE_MAXIMUM, "special": Code.NOT_A_NUMBER, "invalid_awareness": Code.NO_TIME_ZONE,
          "format": Code.NOT_A_DATE, "type": Code.NOT_AN_OBJECT, "unknown": Code.NOT_ONE_OF}


def _field_code(field: fields.Field, key: str) -> Code:
    if key == "invalid":
        return next((code for kind, code in INVALID if isinstance(field, kind)), Code.INVALID_INPUT)
    if key == "unknown" and isinstance(field, fields.Enum):
        return Code.NOT_ONE_OF
    return BY_KEY.get(key, Code.INVALID_INPUT)


def _field_params(field: fields.Field, code: Code) -> dict[str, Any]:
    if code == Code.NOT_ONE_OF and isinstance(field, fields.Enum):
        return {"choices": [m.value if field.by_value else m.name for m in field.enum]}
    return {}


def coded_as(validator: validate.Validator, code: Code) -> validate.Validator:
    """A validator of ours whose refusal has a code of its own (a key's shape, a language code)."""
    validator.jarchy_code = code  # type: ignore[attr-defined]
    return validator


def _bound(value: Any) -> Any:
    return value.isoformat() if isinstance(value, date) else value


def _refusal(validator: Any, value: Any) -> tuple[Code, dict[str, Any]]:
    """Which limit `value` broke, told by the validator's kind and the value itself."""
    own = getattr(validator, "jarchy_code", None)
    if own is not None:
        return own, {"value": value} if own in (Code.NOT_A_LANGUAGE, Code.NOT_A_COUNTRY) else {}
    if isinstance(validator, validate.Length):
        many = not isinstance(value, (str, bytes))
        short = validator.equal is not None and len(value) < validator.equal or (
            validator.min is not None and len(value) < validator.min)
        limit = validator.equal if validator.equal is not None else validator.min if short else validator.max
        if short:
            return (Code.TOO_FEW if many else Code.TOO_SHORT), {"limit": limit}
        return (Code.TOO_MANY if many else Code.TOO_LONG), {"limit": limit}
    if isinstance(validator, validate.Range):
        if isinstance(validator.min, date) and isinstance(validator.max, date):
            return Code.YEAR_OUT_OF_RANGE, {"first": validator.min.year, "last": validator.max.year}
        low = validator.min is not None and (value < validator.min or (
            value == validator.min and not validator.min_inclusive))
        return (Code.BELOW_MINIMUM, {"limit": _bound(validator.min)}) if low else (
            Code.ABOVE_MAXIMUM, {"limit": _bound(validator.max)})
    if isinstance(validator, validate.OneOf):
        return Code.NOT_ONE_OF, {"choices": list(validator.choices)}
    if isinstance(validator, validate.Email):
        return Code.NOT_AN_EMAIL, {"value": value}
    if isinstance(validator, validate.URL):
        return Code.NOT_A_URL, {"value": value}
    return Code.INVALID_INPUT, {}


def _coding(validator: Callable[[Any], Any]) -> Callable[[Any], Any]:
    """The validator, its refusals coded; one of marshmallow's stays an instance of its class (apispec reads its
    limits into the OpenAPI document)."""
    if isinstance(validator, validate.Validator) and not isinstance(validator, _CodedValidator):
        made = copy.copy(validator)
        made.__class__ = _coded_class(type(validator))
        return made
    if isinstance(validator, _CodedValidator):
        return validator

    def check(value: Any) -> Any:
        return _checked(validator, value)

    return check


class _CodedValidator:
    """Marks a validator whose refusals are coded already."""


@cache
def _coded_class(kind: type[validate.Validator]) -> type[validate.Validator]:
    def __call__(self: Any, value: Any) -> Any:  # noqa: N807
        return _checked(super(made, self).__call__, value, self)

    made = type(kind.__name__, (kind, _CodedValidator), {"__call__": __call__, "__module__": kind.__module__})
    return made


def _checked(check: Callable[[Any], Any], value: Any, validator: Any = None) -> Any:
    try:
        return check(value)
    except ValidationError as exc:
        messages = exc.messages if isinstance(exc.messages, list) else [exc.messages]
        if any(isinstance(m, Coded) for m in messages):
            raise
        code, params = _refusal(validator if validator is not None else check, value)
        raise ValidationError(Coded(" ".join(str(m) for m in messages), code, params)) from exc


def code_field(field: fields.Field) -> None:
    """Code the messages and validators of `field` and of the fields it holds (a list's items, a dict's values)."""
    field.error_messages = {key: message if isinstance(message, Coded) or not isinstance(message, str)
                            else Coded(message, code := _field_code(field, key), _field_params(field, code))
                            for key, message in field.error_messages.items()}
    field.validators = [_coding(v) for v in field.validators]
    for inner in (getattr(field, "inner", None), getattr(field, "key_field", None),
                  getattr(field, "value_field", None), *getattr(field, "tuple_fields", ())):
        if isinstance(inner, fields.Field):
            code_field(inner)


class Schema(marshmallow.Schema):
    """Every request and response schema of the API: its errors carry codes."""

    error_messages = {"unknown": Coded("Unknown field.", Code.UNKNOWN_FIELD),  # noqa: RUF012 (marshmallow's API)
                      "type": Coded("Invalid input type.", Code.NOT_AN_OBJECT)}

    def on_bind_field(self, field_name: str, field_obj: fields.Field) -> None:
        code_field(field_obj)
