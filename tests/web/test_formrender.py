"""api.web.formrender: every kind of JSON Schema field as inputs, the posted form back as data, errors placed."""

from __future__ import annotations

from datetime import datetime
from typing import Any
from zoneinfo import ZoneInfo

import pytest
from werkzeug.datastructures import MultiDict

from api.web import formrender
from api.web.formrender import Field, Options

BISHKEK = ZoneInfo("Asia/Bishkek")
OPTIONS = Options(units=[("health", "Health"), ("transport", "Transport")], languages=("ky", "ru"), tz=BISHKEK,
                  now=datetime(2026, 3, 2, 9, 0, tzinfo=BISHKEK))
SCHEMA: dict[str, Any] = {
    "type": "object",
    "required": ["tone", "count", "when"],
    "properties": {
        "tone": {"title": "Tone", "type": "string", "enum": ["positive", "neutral", "negative"],
                 "x-enum-labels": {"negative": "Critical"}},
        "channel": {"type": "string", "enum": ["email", "phone", "fax", "letter", "web"]},
        "urgent": {"title": "Urgent", "type": "boolean", "default": False},
        "confirm": {"title": "Confirmed", "type": "boolean", "const": True},
        "count": {"title": "Count", "type": "integer", "minimum": 1, "maximum": 9},
        "when": {"title": "When", "type": "string", "format": "date-time", "default": "$now"},
        "day": {"title": "Day", "type": "string", "format": "date"},
        "mail": {"title": "E-mail", "type": "string", "format": "email"},
        "unit": {"title": "Unit", "type": ["string", "null"], "format": "unit-key", "default": None},
        "short": {"title": "Short", "type": "string", "maxLength": 100},
        "long": {"title": "Long", "type": "string", "maxLength": 5000},
        "tags": {"title": "Tags", "type": "array", "items": {"type": "string", "enum": ["a", "b"]}},
        "units": {"title": "Units", "type": "array", "items": {"type": "string", "format": "unit-key"},
                  "default": []},
        "links": {"title": "Links", "type": "array", "items": {"type": "string"}},
        "facts": {"title": "Facts", "type": "array", "items": {
            "title": "Fact", "type": "object", "required": ["claim"],
            "properties": {"claim": {"title": "Claim", "type": "string"}, "true": {"type": "boolean"}}}},
        "contact": {"title": "Contact", "type": "object", "properties": {
            "email": {"title": "E-mail", "type": "string", "format": "email"},
            "phone": {"title": "Phone", "type": "string"}}},
        "translations": {"title": "Translations", "type": "object", "x-publication-languages": True,
                         "additionalProperties": {"title": "Translation", "type": "object", "properties": {
                             "title": {"title": "Title", "type": "string"}}}},
        "extra": {"title": "Extra", "type": "object"},
    },
}


@pytest.fixture(autouse=True)
def request_context(app: Any) -> Any:
    with app.test_request_context("/"):
        yield


def by_name(fields: list[Field]) -> dict[str, Field]:
    found: dict[str, Field] = {}
    for item in fields:
        found[item.name] = item
        found.update(by_name(item.children))
    return found


def test_each_kind_of_field_gets_its_input() -> None:
    values = formrender.initial_values(SCHEMA, {"facts": [{"claim": "Fares rise"}]}, OPTIONS)
    fields = by_name(formrender.fields(SCHEMA, values, OPTIONS)[0])
    kinds = {name: f.kind for name, f in fields.items()}
    assert kinds == {
        "tone": "radios", "channel": "select", "urgent": "checkbox", "confirm": "checkbox", "count": "number",
        "when": "datetime", "day": "date", "mail": "email", "unit": "select", "short": "text", "long": "textarea",
        "tags": "checkboxes", "units": "checkboxes", "links": "lines", "facts": "repeat", "facts.0": "group",
        "facts.0.claim": "text", "facts.0.true": "checkbox", "facts.1": "group", "facts.1.claim": "text",
        "facts.1.true": "checkbox", "contact": "group", "contact.email": "email", "contact.phone": "text",
        "translations": "group", "translations.ky": "group", "translations.ky.title": "text",
        "translations.ru": "group", "translations.ru.title": "text", "extra": "json"}
    assert fields["tone"].choices == [("positive", "Positive"), ("neutral", "Neutral"), ("negative", "Critical")]
    assert fields["unit"].choices == [("health", "Health"), ("transport", "Transport")]
    assert fields["when"].value == "2026-03-02T09:00"  # `$now`, in the office's zone
    assert fields["urgent"].value is False and fields["facts.0.claim"].value == "Fares rise"
    assert fields["count"].attrs == {"min": 1, "max": 9, "step": "1"} and fields["short"].attrs == {"maxlength": 100}
    assert [f.required for f in (fields["tone"], fields["count"], fields["urgent"], fields["confirm"], fields["day"])] \
        == [True, True, False, True, False]
    assert fields["contact.email"].id == "f-contact-email"


def test_a_posted_form_becomes_the_schemas_data() -> None:
    form = MultiDict([
        ("tone", "negative"), ("urgent", "true"), ("count", "3"), ("when", "2026-03-02T08:15"), ("day", "2026-03-01"),
        ("mail", " a@b.kg "), ("unit", ""), ("short", "  "), ("long", "line one\r\nline two\r\n"),
        ("tags", "a"), ("tags", "b"), ("links", "https://a.kg\n\n https://b.kg \n"),
        ("facts.0.claim", "Fares rise"), ("facts.1.claim", ""), ("contact.email", ""), ("contact.phone", "555"),
        ("translations.ky.title", "Аталыш"), ("translations.ru.title", ""), ("extra", '{"k": [1, 2]}'),
        ("not_in_the_schema", "ignored"), ("csrf_token", "x"),
    ])
    assert formrender.parse(SCHEMA, form, OPTIONS) == {
        "tone": "negative", "urgent": True, "confirm": False, "count": 3, "when": "2026-03-02T08:15:00+06:00",
        "day": "2026-03-01", "mail": "a@b.kg", "long": "line one\nline two", "tags": ["a", "b"], "units": [],
        "links": ["https://a.kg", "https://b.kg"], "facts": [{"claim": "Fares rise", "true": False}],
        "contact": {"phone": "555"}, "translations": {"ky": {"title": "Аталыш"}}, "extra": {"k": [1, 2]}}


def test_what_does_not_parse_is_kept_as_typed_for_the_engine_to_refuse() -> None:
    form = MultiDict([("count", "three"), ("when", "yesterday"), ("extra", "{not json"), ("tone", "angry")])
    data = formrender.parse(SCHEMA, form, OPTIONS)
    assert (data["count"], data["when"], data["extra"], data["tone"]) == ("three", "yesterday", "{not json", "angry")
    fields = by_name(formrender.fields(SCHEMA, data, OPTIONS)[0])
    assert (fields["count"].value, fields["when"].value, fields["extra"].value) == ("three", "yesterday", "{not json")


def test_errors_go_beside_their_fields_in_the_readers_words() -> None:
    errors = [
        {"field": "count", "message": "'three' is not of type 'integer'", "code": "type"},
        {"field": "count", "message": "10 is greater than the maximum of 9", "code": "maximum"},
        {"field": "contact.email", "message": "'x' is not a 'email'", "code": "format"},
        {"field": "facts.0.claim", "message": "is required", "code": "required"},
        {"field": "translations.ru", "message": "is required", "code": "required"},
        {"field": "confirm", "message": "must be confirmed", "code": "const"},
        {"field": "tone", "message": "must be one of: positive, neutral, negative", "code": "enum"},
        {"field": "short", "message": "'aaa' is too short", "code": "minLength"},  # no minLength in its schema
        {"field": "(form)", "message": "something about the whole form", "code": "oneOf"},
        {"field": "gone.deeper", "message": "an old field", "code": "whatever"},
    ]
    fields, loose = formrender.fields(SCHEMA, {}, OPTIONS, errors)
    found = by_name(fields)
    assert found["count"].errors == ["Enter a number.", "Must be at most 9."]
    assert found["contact.email"].errors == ["Enter a valid e-mail address."]
    assert found["facts.0.claim"].errors == ["This field is required."]
    assert found["translations.ru"].errors == ["This field is required."]
    assert found["confirm"].errors == ["This must be confirmed."]
    assert found["tone"].errors == ["Choose one of the options."]
    assert found["short"].errors == ["This value cannot be taken."]  # never the engine's English
    assert loose == ["This value cannot be taken."]  # said once
    assert [f.name for f in formrender.field_errors(fields)] == [
        "tone", "confirm", "count", "short", "facts.0.claim", "contact.email", "translations.ru"]


def test_the_engine_names_each_errors_kind(app: Any) -> None:
    from engine.core.errors import Invalid
    from engine.procedures.forms import validate

    with pytest.raises(Invalid) as raised:
        validate(SCHEMA, {"count": 0, "mail": "nope", "when": "2026-03-02T09:00:00+06:00", "tone": "x"},
                 now=OPTIONS.now, unit_exists=lambda key: True)
    assert {(e["field"], e["code"]) for e in raised.value.errors} == {
        ("count", "minimum"), ("mail", "format"), ("tone", "enum")}
    assert all(set(e) == {"field", "message", "code", "params"} for e in raised.value.errors)
    assert raised.value.code == "invalid_input" and raised.value.params == {"count": 3}


def test_a_cases_data_is_shown_with_the_forms_titles_and_labels() -> None:
    shown = formrender.readable([SCHEMA], {"tone": "negative", "urgent": True, "units": ["health"],
                                           "when": "2026-03-02T09:00:00+06:00", "contact": {"phone": "555"},
                                           "facts": [{"claim": "Fares rise"}], "internal": "not shown"})
    assert [(s.title, s.text) for s in shown] == [
        ("Tone", "Critical"), ("Urgent", "Yes"), ("When", "Mar 2, 2026, 9:00\u202fAM"), ("Units", "health"),
        ("Facts", ""), ("Contact", "")]
    assert [(r.title, r.text) for r in shown[4].rows[0].rows] == [("Claim", "Fares rise")]
    assert shown[4].rows[0].title == "Fact 1" and [(r.title, r.text) for r in shown[5].rows] == [("Phone", "555")]
