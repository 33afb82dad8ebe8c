"""The jurisdiction profile in force: the statutes' clocks for each request procedure (deadline, urgent track,
extension, forwarding), the grounds a refusal may cite and the appeal route it must state, and the languages.
One TOML file a jurisdiction in the `jurisdictions` package (`KG.toml`, `UZ.toml`, `UA.toml`), chosen by
`JARCHY_JURISDICTION`; every figure carries its legal source, and a figure not yet checked against the law's text
says so (`verified = false`). A profile is checked with a JSON Schema (jsonschema) when it is loaded, so a
malformed one stops start-up with a message naming the file and the key."""

from __future__ import annotations

import tomllib
from dataclasses import dataclass
from importlib import resources
from pathlib import Path
from string import Formatter
from typing import Any

from jsonschema import Draft202012Validator

UNITS = ("working_days", "calendar_days", "hours")
# The words of the letters to a requester, and the blanks each may have (`{reference}`, ...).
LETTER_WORDS: dict[str, frozenset[str]] = {
    "registered": frozenset({"reference", "subject", "due"}),
    "extended": frozenset({"reference", "subject", "due", "reason"}),
    "forwarded": frozenset({"reference", "subject", "holder"}),
    "refused": frozenset(),
    "partly_refused": frozenset(),
    "ground": frozenset(),
    "withheld": frozenset(),
    "documents": frozenset(),
}

_DURATION = {
    "type": "object",
    "required": ["amount", "unit"],
    "properties": {"amount": {"type": "integer", "minimum": 1, "maximum": 1000}, "unit": {"enum": list(UNITS)}},
    "additionalProperties": False,
}
_WORKING_DAYS = {**_DURATION, "properties": {**_DURATION["properties"], "unit": {"const": "working_days"}}}
_TEXTS = {"type": "object", "minProperties": 1, "additionalProperties": {"type": "string", "minLength": 1}}
# `ground`: the clock's legal ground as staff read it beside a due date, in each interface language.
_SOURCED = {"source": {"type": "string", "minLength": 1}, "verified": {"type": "boolean"}, "ground": _TEXTS}
_LANGUAGES = {"type": "array", "minItems": 1, "uniqueItems": True, "items": {"type": "string", "pattern": "^[a-z]{2}$"}}
# The pages' languages may name a script too (uz-Latn, engine.core.settings.LANGUAGES); a publication's may not.
_INTERFACE_LANGUAGES = {**_LANGUAGES, "items": {"type": "string", "pattern": "^[a-z]{2}(-[A-Z][a-z]{3})?$"}}
SCHEMA: dict[str, Any] = {
    "$schema": "https://json-schema.org/draft/2020-12/schema",
    "type": "object",
    "required": ["key", "name", "country", "law", "publication_languages", "interface_languages", "procedures",
                 "refusal_grounds", "appeal", "letter"],
    "additionalProperties": False,
    "properties": {
        "key": {"type": "string", "pattern": "^[A-Z]{2}$"},
        "name": {"type": "string", "minLength": 1},
        "country": {"type": "string", "pattern": "^[A-Z]{2}$"},
        "law": {"type": "string", "minLength": 1},
        "publication_languages": _LANGUAGES,
        "interface_languages": _INTERFACE_LANGUAGES,
        "procedures": {
            "type": "object",
            "minProperties": 1,
            "additionalProperties": {
                "type": "object",
                "required": ["deadline"],
                "additionalProperties": False,
                "properties": {
                    "deadline": {**_DURATION, "required": ["amount", "unit", "source"],
                                 "properties": {**_DURATION["properties"], **_SOURCED}},
                    "urgent": {**_DURATION, "required": ["amount", "unit", "applies_to", "source"],
                               "properties": {**_DURATION["properties"], **_SOURCED,
                                              "applies_to": {"type": "string", "minLength": 1}}},
                    "extension": {
                        "type": "object", "additionalProperties": False,
                        "required": ["until", "announce_within", "requester_told", "conditions", "source"],
                        # Counted from the day of receipt, in working days (the engine counts extensions so).
                        "properties": {"until": _WORKING_DAYS, "announce_within": _WORKING_DAYS,
                                       "requester_told": {"type": "string", "minLength": 1},
                                       "conditions": {"type": "string", "minLength": 1}, **_SOURCED},
                    },
                    "forwarding": {
                        "type": "object", "additionalProperties": False,
                        "required": ["within", "requester_told", "source"],
                        "properties": {"within": _DURATION, "requester_told": {"type": "boolean"}, **_SOURCED},
                    },
                },
            },
        },
        "refusal_grounds": {
            "type": "array",
            "items": {"type": "object", "required": ["key", "law", "title"], "additionalProperties": False,
                      "properties": {"key": {"type": "string", "pattern": "^[a-z][a-z0-9_]{0,39}$"},
                                     # An article in each language; a plain string (profiles written before
                                     # grounds were cited per language) is the English citation.
                                     "law": {"oneOf": [{"type": "string", "minLength": 1}, _TEXTS]},
                                     "title": _TEXTS}},
        },
        "appeal": {"type": "object", "required": ["route", "source"], "additionalProperties": False,
                   "properties": {"route": _TEXTS, **_SOURCED}},
        # The words of a refusal's letter (engine.spiff.requester_texts), in the profile's languages.
        "letter": {"type": "object", "required": list(LETTER_WORDS), "additionalProperties": False,
                   "properties": {name: _TEXTS for name in LETTER_WORDS}},
    },
}
_VALIDATOR = Draft202012Validator(SCHEMA)


class ProfileError(ValueError):
    """A profile that cannot be used; the message names the file and the key."""


@dataclass(frozen=True)
class Duration:
    amount: int
    unit: str


@dataclass(frozen=True)
class Extension:
    until: int  # working days after the day of receipt, in all
    announce_within: int  # working days after the day of receipt
    source: str


@dataclass(frozen=True)
class Profile:
    key: str
    source: str  # the file it was read from
    data: dict[str, Any]  # the file as read (checked by SCHEMA)

    def deadline(self, process_key: str, *, urgent: bool = False) -> Duration | None:
        """The statutory clock of a procedure (its urgent track when `urgent` and the law has one), or None where
        the profile sets none."""
        procedure = self.data["procedures"].get(process_key)
        if procedure is None:
            return None
        clock = procedure["urgent"] if urgent and "urgent" in procedure else procedure["deadline"]
        return Duration(clock["amount"], clock["unit"])

    def ground(self, process_key: str, language: str, *, urgent: bool = False) -> tuple[str, str] | None:
        """The legal ground of a procedure's clock (its urgent track's when `urgent`) worded for staff, and the
        language it is in (`language`, else the fallback's): None where the profile words none."""
        procedure = self.data["procedures"].get(process_key)
        if procedure is None:
            return None
        clock = procedure["urgent"] if urgent and "urgent" in procedure else procedure["deadline"]
        texts = clock.get("ground")
        if not texts:
            return None
        shown = in_language(texts, language)
        return shown, language if texts.get(language) == shown else next(k for k, v in texts.items() if v == shown)

    def extension(self, process_key: str) -> Extension | None:
        """How a procedure's deadline may be extended, or None where the law gives no rule."""
        rule = self.data["procedures"].get(process_key, {}).get("extension")
        if rule is None:
            return None
        return Extension(until=rule["until"]["amount"], announce_within=rule["announce_within"]["amount"],
                         source=rule["source"])

    def clocks(self) -> tuple[tuple[str, bool, int, str], ...]:
        """Every clock as plain data: (procedure, urgent track, amount, unit)."""
        out = []
        for key, procedure in sorted(self.data["procedures"].items()):
            out.append((key, False, procedure["deadline"]["amount"], procedure["deadline"]["unit"]))
            if "urgent" in procedure:
                out.append((key, True, procedure["urgent"]["amount"], procedure["urgent"]["unit"]))
        return tuple(out)

    def refusal_ground_keys(self) -> list[str]:
        return [ground["key"] for ground in self.data["refusal_grounds"]]

    def refusal_grounds(self, language: str = "en") -> list[tuple[str, str]]:
        """`(key, title)` of each ground, titled in `language` where the profile has it."""
        return [(ground["key"], in_language(ground["title"], language)) for ground in self.data["refusal_grounds"]]

    def refusal_ground(self, key: str, language: str) -> tuple[str, str] | None:
        """`(title, article of law)` of the ground `key` in `language`; None for a ground the profile does not list
        (one the office wrote itself where the profile lists none)."""
        for ground in self.data["refusal_grounds"]:
            if ground["key"] == key:
                return in_language(ground["title"], language), in_language(texts(ground["law"]), language)
        return None


def texts(value: str | dict[str, str]) -> dict[str, str]:
    """A profile's text by language; a plain string is English."""
    return value if isinstance(value, dict) else {"en": value}


def in_language(texts: dict[str, str], language: str) -> str:
    """The text in `language`, else in English, else the first one the profile gives."""
    return texts.get(language) or texts.get("en") or next(iter(texts.values()))


def available() -> list[str]:
    """The keys of the shipped profiles."""
    return sorted(Path(p.name).stem for p in resources.files("jurisdictions").iterdir() if p.name.endswith(".toml"))


def load(key: str, folder: Path | None = None) -> Profile:
    """The profile `key` from `folder` (default: the shipped ones); `ProfileError` naming the file and key."""
    if not key.isalpha() or not key.isupper() or len(key) != 2:
        raise ProfileError(f"JARCHY_JURISDICTION: {key!r} is not a jurisdiction key (two capital letters)")
    path = (folder / f"{key}.toml") if folder else resources.files("jurisdictions") / f"{key}.toml"
    name = f"jurisdictions/{key}.toml" if folder is None else str(path)
    try:
        data = tomllib.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError as exc:
        raise ProfileError(f"{name}: no such profile (shipped: {', '.join(available())})") from exc
    except tomllib.TOMLDecodeError as exc:
        raise ProfileError(f"{name}: not TOML: {exc}") from exc
    return check(data, name, expected_key=key)


def check(data: dict[str, Any], name: str, *, expected_key: str) -> Profile:
    errors = sorted(_VALIDATOR.iter_errors(data), key=lambda e: list(e.absolute_path))
    if errors:
        first = errors[0]
        where = ".".join(str(part) for part in first.absolute_path) or "(the file)"
        raise ProfileError(f"{name}: {where}: {first.message}")
    if data["key"] != expected_key:
        raise ProfileError(f"{name}: key: {data['key']!r} is not the file's name {expected_key!r}")
    keys = [ground["key"] for ground in data["refusal_grounds"]]
    duplicate = next((k for k in keys if keys.count(k) > 1), None)
    if duplicate:
        raise ProfileError(f"{name}: refusal_grounds: the key {duplicate!r} is given twice")
    for word, blanks in LETTER_WORDS.items():
        for language, text in data["letter"][word].items():
            try:
                used = {field for _, field, _, _ in Formatter().parse(text) if field is not None}
            except ValueError as exc:
                raise ProfileError(f"{name}: letter.{word}.{language}: {exc}") from exc
            if not used <= blanks:
                raise ProfileError(f"{name}: letter.{word}.{language}: unknown blank "
                                   f"{{{sorted(used - blanks)[0]}}}; it may use {', '.join(sorted(blanks)) or 'none'}")
    return Profile(key=expected_key, source=name, data=data)
