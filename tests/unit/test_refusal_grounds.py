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
                       "law": "п. 3 ч. 1 ст. 22, ст. 21 Закону України «Про доступ до публічної інформації»",
                       "appeal": refusal["appeal"]}
    assert refusal["appeal"].startswith("Відмову може бути оскаржено")
    assert texts.letter("refused", None, refusal, None) == (
        "У задоволенні вашого запиту на інформацію відмовлено.\n"
        "Підстава: Не оплачено фактичні витрати на копіювання або друк "
        "(п. 3 ч. 1 ст. 22, ст. 21 Закону України «Про доступ до публічної інформації»)\n\n"
        + refusal["appeal"])
    with pytest.raises(ValueError, match="not a refusal ground"):
        texts.refusal("embarrassing")


def test_an_english_letter_cites_the_article_in_english() -> None:
    refusal = RequesterTexts.of(jurisdiction.load("UA"), "en").refusal("restricted")
    assert refusal["law"] == 'art. 22 part 1 item 2 and art. 6 part 2 of the Law of Ukraine "On Access to Public ' \
                             'Information"'
    assert refusal["title"].startswith("The information is of restricted access")


@pytest.mark.parametrize(("language", "title", "law"), [
    ("uk", "Інформація належить до інформації з обмеженим доступом", "п. 2 ч. 1 ст. 22, ч. 2 ст. 6 Закону України"),
    ("ru", "Информация относится к информации с ограниченным доступом", "п. 2 ч. 1 ст. 22, ч. 2 ст. 6 Закона Украины"),
    ("ky", "Маалымат жеткиликтүүлүгү чектелген маалыматка кирет", "22-беренесинин 1-бөлүгүнүн 2-пункту"),
    ("uz", "Ахборот фойдаланиш чекланган ахборот тоифасига киради", "22-моддаси 1-қисмининг 2-банди"),
    ("uz-Latn", "Axborot foydalanish cheklangan axborot toifasiga kiradi", "22-moddasi 1-qismining 2-bandi"),
    ("en", "The information is of restricted access", "art. 22 part 1 item 2"),
])
def test_every_ground_is_titled_and_cited_in_every_interface_language(language: str, title: str, law: str) -> None:
    profile = jurisdiction.load("UA")
    found = profile.refusal_ground("restricted", language)
    assert found is not None
    assert found[0].startswith(title) and law in found[1]
    for key in profile.refusal_ground_keys():
        shown = profile.refusal_ground(key, language)
        assert shown is not None
        # No English citation in a letter or page of another language.
        assert language == "en" or not any(word in " ".join(shown) for word in ("art.", "part", "item", "Law"))


def test_a_profile_citing_a_ground_in_one_string_still_loads_as_english() -> None:
    data = dict(jurisdiction.load("UA").data)
    data["refusal_grounds"] = [{"key": "secret", "law": "art. 5", "title": {"en": "State secret"}}]
    profile = jurisdiction.check(data, "jurisdictions/UA.toml", expected_key="UA")
    assert profile.refusal_ground("secret", "uk") == ("State secret", "art. 5")
    assert profile.refusal_ground("other", "uk") is None


def test_a_profile_without_the_letters_words_stops_start_up_naming_the_key() -> None:
    data = dict(jurisdiction.load("UA").data)
    del data["letter"]
    with pytest.raises(jurisdiction.ProfileError, match="letter"):
        jurisdiction.check(data, "jurisdictions/UA.toml", expected_key="UA")
