"""Public holidays in every interface language on every jurisdiction's install (issue 15, after review): where the
`holidays` package has no translation for the country (a Kyrgyz install's Uzbek and Ukrainian, an Uzbek install's
Cyrillic Uzbek, Kyrgyz and Russian, a Ukrainian install's all but Ukrainian) the names are the catalogs' reviewed
ones, never the package's English."""

from __future__ import annotations

import re
from datetime import date, datetime
from zoneinfo import ZoneInfo

import holidays
import pytest
from babel.messages.pofile import read_po

from api import CATALOGS
from engine.calendar import deadlines
from engine.calendar.days import BusinessCalendar
from engine.calendar.deadline_story import story
from engine.calendar.holiday_names import COUNTRY_NAMES, LABELS, MOVED_FROM, NAMES, SUBSTITUTED

COUNTRIES = {"KG": "Asia/Bishkek", "UZ": "Asia/Tashkent", "UA": "Europe/Kyiv"}
LANGUAGES = ("ky", "ru", "uz", "uz-Latn", "uk")
CATALOG = {"ky": "ky", "ru": "ru", "uz": "uz_Cyrl", "uz-Latn": "uz_Latn", "uk": "uk"}
LATIN = re.compile(r"[A-Za-z]")
CYRILLIC = re.compile(r"[\u0400-\u04FF]")


def in_its_script(text: str, language: str) -> bool:
    """Cyrillic letters and no Latin one, or (Uzbek in Latin script) the other way round."""
    if language == "uz-Latn":
        return bool(LATIN.search(text)) and not CYRILLIC.search(text)
    return bool(CYRILLIC.search(text)) and not LATIN.search(text)


def english_names(country: str, years: range) -> set[str]:
    found = holidays.country_holidays(country, years=years, language="en_US")
    return {name for day in found for name in found.get_list(day)}


@pytest.mark.parametrize("country", sorted(COUNTRIES))
def test_every_name_the_package_gives_is_in_the_catalogs(country: str) -> None:
    """A new version of the package naming a holiday the catalogs do not know fails here, not on a page."""
    unknown = set()
    for name in english_names(country, range(1991, 2041)):
        if SUBSTITUTED.fullmatch(name):
            continue
        base = next((name.removesuffix(label) for label, _ in LABELS if name.endswith(label)), name)
        if base not in NAMES:
            unknown.add(name)
    assert unknown == set()


@pytest.mark.parametrize("language", LANGUAGES)
def test_every_catalog_translates_every_holiday_name_in_its_script(language: str) -> None:
    with open(CATALOGS / CATALOG[language] / "LC_MESSAGES" / "messages.po", "rb") as po:
        catalog = read_po(po)
    wanted = [*NAMES, *(message for _, message in LABELS), MOVED_FROM]
    untranslated = [m for m in wanted if not (catalog.get(m) and catalog.get(m).string)]
    assert untranslated == []
    wrong_script = [m for m in wanted if not in_its_script(re.sub(r"%\(\w+\)s", "", catalog.get(m).string), language)]
    assert wrong_script == []


@pytest.mark.parametrize("country", sorted(COUNTRIES))
@pytest.mark.parametrize("language", LANGUAGES)
def test_the_holidays_of_the_years_shown_are_named_in_the_readers_language(country: str, language: str) -> None:
    cal = BusinessCalendar(country, COUNTRIES[country])
    shown = holidays.country_holidays(country, years=range(2025, 2029))
    named = {day: cal.holiday_names(day, language, CATALOGS) for day in shown}
    english = {day: cal.holiday_names(day, "en", CATALOGS) for day in shown}
    assert all(names and all(in_its_script(name, language) for name in names) for names in named.values()), named
    assert all(named[day] != english[day] for day in shown)


def test_a_kyrgyz_install_names_its_holidays_in_uzbek_and_ukrainian() -> None:
    kg = BusinessCalendar("KG", "Asia/Bishkek")
    assert kg.holiday_names("2026-03-21", "uz", CATALOGS) == ["Наврўз байрами"]
    assert kg.holiday_names("2026-03-21", "uz-Latn", CATALOGS) == ["Navro\u02bbz bayrami"]
    assert kg.holiday_names("2026-01-02", "uk", CATALOGS) == ["Новорічні свята"]
    assert kg.holiday_names("2026-03-21", "ky", CATALOGS) == ["Элдик Нооруз майрамы"]  # the package's own Kyrgyz


def test_an_uzbek_install_words_the_packages_labels_and_dates() -> None:
    uz = BusinessCalendar("UZ", "Asia/Tashkent")
    # The day off moved from the Saturday worked, its date as the reader writes it.
    assert uz.holiday_names("2026-12-31", "ru", CATALOGS) == ["Выходной день (перенесён с 12 декабря 2026\u202fг.)"]
    assert uz.holiday_names("2026-12-31", "ky", CATALOGS) == ["Дем алыш күнү (которулган күн: 2026-ж., 12-декабрь)"]
    assert uz.holiday_names("2026-03-23", "uz", CATALOGS) == ["Наврўз байрами (кўчирилган дам олиш куни)"]
    assert uz.holiday_names("2027-05-17", "ru", CATALOGS) == [
        "Курбан-байрам (перенесённый выходной, дата ориентировочная)"]
    # Where the package translates the country's names, they are its own.
    assert uz.holiday_names("2026-03-21", "uz-Latn", CATALOGS) == ["Navro\u02bbz bayrami"]


def test_the_saturday_worked_by_decree_names_the_day_off_it_was_moved_to() -> None:
    uz, kg = BusinessCalendar("UZ", "Asia/Tashkent"), BusinessCalendar("KG", "Asia/Bishkek")
    [saturday] = uz.days("2026-12-12", "2026-12-12")
    assert (saturday.working, saturday.kind, saturday.day_off_on) == (True, "worked_by_decree", date(2026, 12, 31))
    assert uz.days("2026-12-13", "2026-12-13")[0].day_off_on is None  # a plain Sunday
    assert kg.days("2026-12-12", "2026-12-12")[0].kind == "weekend"
    # An office's override of that Saturday is the office's, with no day off of the decree's.
    overridden = uz.with_overrides({date(2026, 12, 12): (False, "Decree revoked")})
    assert overridden.days("2026-12-12", "2026-12-12")[0].day_off_on is None


def test_a_deadline_names_its_holidays_with_the_reviewed_names() -> None:
    """The case page's derivation of a deadline (and the API's) names holidays as the calendar page does."""
    kg = BusinessCalendar("KG", "Asia/Bishkek")
    received = datetime(2026, 3, 2, 9, 0, tzinfo=ZoneInfo("Asia/Bishkek"))
    told = story(deadlines.start(received, 14, kg), kg, "uk", catalogs=CATALOGS)
    assert told is not None
    assert [(d.date, d.names) for d in told.days] == [
        (date(2026, 3, 8), ("Міжнародний жіночий день",)), (date(2026, 3, 20), ("Рамазан-байрам",)),
        (date(2026, 3, 21), ("Народне свято Нооруз",))]


@pytest.mark.parametrize(("language", "name"), [
    ("ru", "Выходной день (перенесён с 8 апреля 2024 г.)"),
    ("ky", "Дем алыш күнү (которулган күн: 2024-ж., 8-апрель)"),
    ("en", "Day off (moved from April 8, 2024)"),
    ("uk", "Вихідний день (перенесено з 8 квітня 2024 р.)"),
    ("uz", "Дам олиш куни (кўчирилган кун: 8 апрел, 2024)"),
    ("uz-Latn", "Dam olish kuni (koʻchirilgan kun: 8-aprel, 2024)"),
])
def test_a_day_off_moved_by_decree_is_worded_alike_where_the_package_translates_the_country(
        language: str, name: str) -> None:
    """Kyrgyzstan's package names are Russian, Kyrgyz and English; its moved day off came with a numeric date of
    the package's own ("Выходной (перенесено с 08.04.2024)", "Day off (substituted from 04/08/2024)")."""
    kg = BusinessCalendar("KG", "Asia/Bishkek")
    assert [n.replace("\u202f", " ") for n in kg.holiday_names("2024-03-22", language, CATALOGS)] == [name]
    assert not re.search(r"\d\d[./]\d\d[./]\d{4}", " ".join(kg.holiday_names("2024-01-02", language, CATALOGS)))


@pytest.mark.parametrize("language", ["ky", "ru", "uk", "uz", "uz-Latn"])
def test_a_holidays_labels_read_alike_on_every_install(language: str) -> None:
    """"(estimated)" and "(observed)" are the catalogs' reviewed words on every install, never the package's own
    where it translates the country (its Kyrgyz "көрүлгөн күнү", its Ukrainian "(вихідний)")."""
    kg, uz = BusinessCalendar("KG", "Asia/Bishkek"), BusinessCalendar("UZ", "Asia/Tashkent")
    said = {"ru": "(дата ориентировочная)", "ky": "(датасы болжолдуу)", "uk": "(дата орієнтовна)",
            "uz": "(санаси тахминий)", "uz-Latn": "(sanasi taxminiy)"}[language]
    assert kg.holiday_names("2027-03-09", language, CATALOGS)[0].endswith(said)  # Eid al-Fitr, its date estimated
    assert uz.holiday_names("2026-03-20", language, CATALOGS)[0].endswith(said)
    observed = uz.holiday_names("2024-06-17", language, CATALOGS)[0]  # Eid al-Adha on a Sunday, observed Monday
    assert observed.endswith(("выходной)", "күнү)", "вихідний)", "куни)", "kuni)")), observed
    shown = holidays.country_holidays("KG", years=range(2020, 2041))
    assert not any("көрүлгөн" in name for day in shown for name in kg.holiday_names(day, language, CATALOGS))


@pytest.mark.parametrize(("country", "day", "names"), [
    ("KG", "2026-08-31", {"ru": "День независимости Кыргызской Республики",
                          "uk": "День незалежності Киргизької Республіки",
                          "uz": "Қирғиз Республикаси Мустақиллик куни",
                          "uz-Latn": "Qirgʻiz Respublikasi Mustaqillik kuni"}),
    ("UZ", "2026-09-01", {"ky": "Өзбекстан Республикасынын Көз карандысыздык күнү",
                          "ru": "День независимости Республики Узбекистан",
                          "uk": "День незалежності Республіки Узбекистан",
                          "uz": "Ўзбекистон Республикаси Мустақиллик куни"}),
    ("UA", "2021-08-24", {"ky": "Украинанын Көз карандысыздык күнү", "ru": "День независимости Украины",
                          "uz": "Украина Мустақиллик куни", "uz-Latn": "Ukraina Mustaqillik kuni"}),
    ("UZ", "2026-12-08", {"ru": "День Конституции Республики Узбекистан",
                          "uk": "День Конституції Республіки Узбекистан"}),
])
def test_a_holiday_several_countries_share_names_its_country(country: str, day: str, names: dict[str, str]) -> None:
    """"Independence Day" on an Uzbek install read in Russian is Uzbekistan's, not a generic "День независимости"."""
    cal = BusinessCalendar(country, COUNTRIES[country])
    assert {language: cal.holiday_names(day, language, CATALOGS) for language in names} == {
        language: [name] for language, name in names.items()}


@pytest.mark.parametrize("language", LANGUAGES)
def test_every_catalog_names_the_shared_holidays_by_country(language: str) -> None:
    with open(CATALOGS / CATALOG[language] / "LC_MESSAGES" / "messages.po", "rb") as po:
        catalog = read_po(po)
    for country, english in COUNTRY_NAMES:
        message = catalog.get(english, context=country)
        assert message is not None and message.string and message.string != catalog.get(english).string
