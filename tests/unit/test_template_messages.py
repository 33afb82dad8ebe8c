"""The templates translate only their own words with `_()`: Jinja trusts what `_()` returns as markup, so a name
from data (a diagram's, a form's) must go through `|translated`, which Jinja escapes. No app, no database."""

from __future__ import annotations

from pathlib import Path

from jinja2 import Environment, nodes

TEMPLATES = Path(__file__).resolve().parents[2] / "api" / "templates"
# How many leading arguments of each are the message (and its context or plural): string literals.
GETTEXT = {"_": 1, "gettext": 1, "ngettext": 2, "pgettext": 2, "npgettext": 3}


def _non_literal_messages(source: str) -> list[str]:
    environment = Environment(extensions=["jinja2.ext.i18n"], autoescape=True)  # as the app's: only parsed here
    found = []
    for call in environment.parse(source).find_all(nodes.Call):
        if isinstance(call.node, nodes.Name) and call.node.name in GETTEXT:
            literal = call.args[:GETTEXT[call.node.name]]
            if len(literal) < GETTEXT[call.node.name] or not all(isinstance(arg, nodes.Const) for arg in literal):
                found.append(f"line {call.lineno}: {call.node.name}(...)")
    return found


def test_every_message_a_template_translates_is_written_in_the_template() -> None:
    offending = {str(path.relative_to(TEMPLATES)): found for path in sorted(TEMPLATES.rglob("*.html"))
                 if (found := _non_literal_messages(path.read_text(encoding="utf-8")))}
    assert offending == {}


def test_the_check_finds_a_name_given_to_underscore() -> None:
    assert _non_literal_messages('{{ _("Inbox") }} {{ t.name|translated }}') == []
    assert _non_literal_messages("<h1>{{ _(definition.name) }}</h1>") == ["line 1: _(...)"]
