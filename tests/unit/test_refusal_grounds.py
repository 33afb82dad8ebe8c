"""A refusal's ground comes from the law in force: the forms offer the profile's grounds and refuse any other, and
the letter sent states the ground, its article and the appeal route in the profile's language."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from engine.core import jurisdiction
from engine.core.errors import Invalid
from engine.procedures.forms import load_form, served, validate
from engine.spiff.requester_texts import RequesterTexts

NOW = datetime(2026, 3, 2, 9, 0, tzinfo=UTC)
PREPARE = load_form("public_information_request/prepare_answer")
REFUSAL = {"confirm_no_confidential": True, "refuse": True, "partly_refuse": False}


def test_the_form_offers_the_grounds_of_the_law_in_force_titled() -> None:
    grounds = jurisdiction.load("UA").refusal_grounds("uk")
    field = served(PREPARE, NOW, refusal_grounds=grounds)["properties"]["refusal_ground"]
    assert field["enum"] == ["not_held", "restricted", "costs_unpaid", "request_incomplete"]
    assert field["x-enum-labels"]["not_held"].startswith("Розпорядник не володіє")


def test_a_ground_the_law_does_not_give_is_refused_naming_the_field() -> None:
    keys = tuple(jurisdiction.load("UA").refusal_ground_keys())
    with pytest.raises(Invalid) as refused:
        validate(PREPARE, REFUSAL | {"refusal_ground": "embarrassing"}, now=NOW, unit_exists=lambda _: True,
                 refusal_grounds=keys)
    assert [e["field"] for e in refused.value.errors] == ["refusal_ground"]
    validate(PREPARE, REFUSAL | {"refusal_ground": "restricted"}, now=NOW, unit_exists=lambda _: True,
             refusal_grounds=keys)


def test_where_the_profile_lists_no_grounds_yet_the_office_writes_its_own() -> None:
    assert jurisdiction.load("KG").refusal_ground_keys() == []
    validate(PREPARE, REFUSAL | {"refusal_ground": "State secret (Law on state secrets, art. 5)"}, now=NOW,
             unit_exists=lambda _: True, refusal_grounds=())
    assert "enum" not in served(PREPARE, NOW)["properties"]["refusal_ground"]


def test_the_refusal_letter_states_ground_article_and_appeal_in_the_profiles_language() -> None:
    texts = RequesterTexts.of(jurisdiction.load("UA"), "uk")
    refusal = texts.refusal("costs_unpaid")
    assert refusal == {"ground": "costs_unpaid", "title": "Не оплачено фактичні витрати на копіювання або друк",
                       "law": "art. 22 part 1 item 3; art. 21", "appeal": refusal["appeal"]}
    assert refusal["appeal"].startswith("Відмову може бути оскаржено")
    assert texts.letter("refused", None, refusal, None) == (
        "У задоволенні вашого запиту на інформацію відмовлено.\n"
        "Підстава: Не оплачено фактичні витрати на копіювання або друк (art. 22 part 1 item 3; art. 21)\n\n"
        + refusal["appeal"])
    with pytest.raises(ValueError, match="not a refusal ground"):
        texts.refusal("embarrassing")


def test_a_profile_without_the_letters_words_stops_start_up_naming_the_key() -> None:
    data = dict(jurisdiction.load("UA").data)
    del data["letter"]
    with pytest.raises(jurisdiction.ProfileError, match="letter"):
        jurisdiction.check(data, "jurisdictions/UA.toml", expected_key="UA")
