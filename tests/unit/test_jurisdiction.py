"""Jurisdiction profiles: the shipped ones carry the statutes' figures with their sources, and a malformed one
stops start-up with a message naming the file and the key."""

from __future__ import annotations

import tomllib
from importlib import resources
from pathlib import Path
from typing import Any

import pytest

from engine.context import EngineContext
from engine.core import jurisdiction
from engine.core.jurisdiction import Duration, ProfileError
from engine.core.settings import Settings, settings_from_env


def shipped(key: str) -> dict[str, Any]:
    return tomllib.loads((resources.files("jurisdictions") / f"{key}.toml").read_text(encoding="utf-8"))


def test_the_three_seed_jurisdictions_are_shipped() -> None:
    assert jurisdiction.available() == ["KG", "UA", "UZ"]


def test_ukraine_keeps_the_access_to_public_information_law() -> None:
    profile = jurisdiction.load("UA")
    clock = profile.data["procedures"]["public_information_request"]
    assert profile.deadline("public_information_request") == Duration(5, "working_days")
    assert (clock["urgent"]["amount"], clock["urgent"]["unit"]) == (48, "hours")
    assert clock["extension"]["until"] == {"amount": 20, "unit": "working_days"}
    assert clock["extension"]["announce_within"] == {"amount": 5, "unit": "working_days"}
    assert clock["forwarding"]["within"] == {"amount": 5, "unit": "working_days"}
    assert clock["forwarding"]["requester_told"] is True
    assert "art. 20 part 1" in clock["deadline"]["source"] and "art. 20 part 4" in clock["extension"]["source"]
    assert profile.refusal_ground_keys() == ["not_held", "restricted", "costs_unpaid", "request_incomplete"]
    assert "art. 23" in profile.data["appeal"]["source"] and profile.data["appeal"]["route"]["uk"]


def test_kyrgyz_media_requests_keep_fourteen_working_days() -> None:
    profile = jurisdiction.load("KG")
    assert profile.deadline("information_request") == Duration(14, "working_days")
    assert "002" in profile.data["procedures"]["information_request"]["deadline"]["source"]
    assert profile.data["publication_languages"] == ["ky", "ru"]


@pytest.mark.parametrize("key", ["KG", "UA", "UZ"])
def test_every_figure_says_where_it_comes_from_or_that_it_is_unchecked(key: str) -> None:
    data = shipped(key)
    for procedure, clocks in data["procedures"].items():
        for name, part in clocks.items():
            assert part["source"], f"{key} {procedure}.{name} has no source"
            if part.get("verified") is False:
                assert "to verify" in part["source"], f"{key} {procedure}.{name}: say what is to be verified"


def write(folder: Path, key: str, data: str) -> Path:
    path = folder / f"{key}.toml"
    path.write_text(data, encoding="utf-8")
    return path


def ukraine_with(old: str, new: str) -> str:
    text = (resources.files("jurisdictions") / "UA.toml").read_text(encoding="utf-8")
    assert old in text
    return text.replace(old, new, 1)


@pytest.mark.parametrize(("old", "new", "named"), [
    ('unit = "working_days"\nsource = "art. 20 part 1', 'unit = "weeks"\nsource = "art. 20 part 1',
     "procedures.public_information_request.deadline.unit: 'weeks' is not one of"),
    ('amount = 5\nunit = "working_days"\nsource = "art. 20 part 1',
     'amount = 0\nunit = "working_days"\nsource = "art. 20 part 1',
     "procedures.public_information_request.deadline.amount: 0 is less than the minimum of 1"),
    ('source = "art. 20 part 2: such a request is answered within 48 hours of its receipt"\n', "",
     "procedures.public_information_request.urgent: 'source' is a required property"),
    ('key = "costs_unpaid"', 'key = "not_held"', "refusal_grounds: the key 'not_held' is given twice"),
    ('key = "UA"', 'key = "UZ"', "key: 'UZ' is not the file's name 'UA'"),
    ('interface_languages = ["uk"]', 'interface_languages = []', "interface_languages: [] should be non-empty"),
    ('interface_languages = ["uk"]', 'interface_languages = ["uk-latn"]', "interface_languages.0: 'uk-latn' does not"),
    ('publication_languages = ["uk"]', 'publication_languages = ["uk-Latn"]', "publication_languages.0: 'uk-Latn'"),
])
def test_a_malformed_profile_is_refused_naming_the_file_and_the_key(tmp_path: Path, old: str, new: str,
                                                                     named: str) -> None:
    path = write(tmp_path, "UA", ukraine_with(old, new))
    with pytest.raises(ProfileError) as refused:
        jurisdiction.load("UA", tmp_path)
    assert str(refused.value).startswith(f"{path}: ")
    assert named in str(refused.value)


def test_a_profile_that_is_not_toml_is_refused_naming_the_file(tmp_path: Path) -> None:
    path = write(tmp_path, "UA", "key = [")
    with pytest.raises(ProfileError, match=f"^{path}: not TOML"):
        jurisdiction.load("UA", tmp_path)


@pytest.mark.parametrize("key", ["XX", "ua", "../KG"])
def test_an_unknown_jurisdiction_stops_start_up_naming_the_shipped_ones(key: str) -> None:
    with pytest.raises(ProfileError) as refused:
        EngineContext(Settings(jurisdiction=key))
    assert "JARCHY_JURISDICTION" in str(refused.value) or "shipped: KG, UA, UZ" in str(refused.value)


def test_the_jurisdiction_defaults_to_the_country() -> None:
    assert settings_from_env({"JARCHY_COUNTRY": "UA", "JARCHY_SECRET_KEY": "k"}).jurisdiction == "UA"
    assert settings_from_env({"JARCHY_COUNTRY": "UA", "JARCHY_JURISDICTION": "KG",
                              "JARCHY_SECRET_KEY": "k"}).jurisdiction == "KG"
    assert EngineContext(Settings(country="UZ", jurisdiction="UZ")).jurisdiction.key == "UZ"


def test_the_publication_languages_default_to_the_profiles() -> None:
    assert settings_from_env({"JARCHY_COUNTRY": "UA", "JARCHY_SECRET_KEY": "k"}).publication_languages == ("uk",)
    assert settings_from_env({"JARCHY_SECRET_KEY": "k"}).publication_languages == ("ky", "ru")
    assert settings_from_env({"JARCHY_JURISDICTION": "UZ", "JARCHY_SECRET_KEY": "k"}).publication_languages == ("uz",)
    assert settings_from_env({"JARCHY_COUNTRY": "UA", "JARCHY_PUBLICATION_LANGUAGES": "uk,en",
                              "JARCHY_SECRET_KEY": "k"}).publication_languages == ("uk", "en")


def test_uzbekistans_pages_speak_uzbek_in_latin_and_cyrillic_script() -> None:
    """An interface language may name its script (uz-Latn); every one a profile names is a language of the pages."""
    from engine.core.settings import LANGUAGES

    uzbekistan = jurisdiction.load("UZ").data
    assert uzbekistan["interface_languages"] == ["uz-Latn", "uz", "ru"]
    assert uzbekistan["publication_languages"] == ["uz"]  # a release's language names no script
    for key in ("KG", "UA", "UZ"):
        assert set(jurisdiction.load(key).data["interface_languages"]) <= set(LANGUAGES), key
