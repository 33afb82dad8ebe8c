"""A unit's name in each interface language: the rules of writing them and which one a reader sees.

`Unit.name` is the name in the default language (English, the interface's own); `Unit.names` holds the name per
code of engine.core.settings.LANGUAGES, the default language's always equal to `name`. A reader whose language has
no name of its own sees the default one, and the page says so (api.web.unit_names)."""

from __future__ import annotations

from typing import Any

from db.models import Unit
from engine.core.errors import Code, Invalid, problem
from engine.core.settings import LANGUAGES

DEFAULT_LANGUAGE = "en"
MAX_LENGTH = 200  # as a unit's `name` (api.schemas.SHORT)


def checked(name: str | None, names: Any, *, current: dict[str, str] | None = None) -> tuple[str, dict[str, str]]:
    """The default name and the names per language after a write of `name` and/or `names` over `current`.

    `names` maps language codes to names; a null removes a language's own name (not the default's). Refused, naming
    the field (`names.ru`): an unknown code, a blank or too long name, or a default-language name unlike `name`."""
    result = dict(current or {})
    errors: list[dict[str, Any]] = []
    if names is not None and not isinstance(names, dict):
        raise Invalid("names must map language codes to names",
                      [{"field": "names", "message": "an object of language codes and names"}], code=Code.NAMES_SHAPE)
    for code, text in (names or {}).items():
        field = f"names.{code}"
        if code not in LANGUAGES:
            errors.append(problem(field, Code.NOT_A_LANGUAGE, f"unknown language; languages are {', '.join(LANGUAGES)}",
                                  value=code))
        elif text is None and code != DEFAULT_LANGUAGE:
            result.pop(code, None)
        elif not isinstance(text, str) or not text.strip():
            errors.append(problem(field, Code.REQUIRED, "a name is required"))
        elif len(text.strip()) > MAX_LENGTH:
            errors.append(problem(field, Code.TOO_LONG, f"at most {MAX_LENGTH} characters", limit=MAX_LENGTH))
        else:
            result[code] = text.strip()
    if name is not None and len(name.strip()) > MAX_LENGTH:
        errors.append(problem("name", Code.TOO_LONG, f"at most {MAX_LENGTH} characters", limit=MAX_LENGTH))
    elif name is not None:
        given = (names or {}).get(DEFAULT_LANGUAGE)
        if isinstance(given, str) and given.strip() and given.strip() != name.strip():
            errors.append(problem(f"names.{DEFAULT_LANGUAGE}", Code.NAME_DIFFERS, "differs from name"))
        result[DEFAULT_LANGUAGE] = name.strip()
    if errors:
        raise Invalid(f"invalid unit name(s): {', '.join(e['field'] for e in errors)}", errors, code=Code.INVALID_INPUT)
    default = result.get(DEFAULT_LANGUAGE)
    if not default:
        raise Invalid("a unit needs a name", [{"field": "name", "message": "a name is required"}], code=Code.REQUIRED)
    return default, {code: result[code] for code in LANGUAGES if code in result}


def name_in(unit: Unit, language: str) -> tuple[str, str]:
    """The unit's name for a reader of `language`, and the language it is in (the default one where it has none)."""
    own = (unit.names or {}).get(language)
    if own:
        return own, language
    return unit.name, DEFAULT_LANGUAGE
