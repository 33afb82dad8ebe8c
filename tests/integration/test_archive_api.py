"""The public archive, `GET /public/archive` with `Accept: application/json`: everything published, found by words in
any of the five languages (case-insensitively, Cyrillic letters with marks kept apart: Ukrainian і/ї, Kyrgyz
ө/ү/ң, Uzbek ў/қ/ҳ), by kind, unit, language and the office's dates, paged; newest first, or best match first.
The user's words are plain terms, never query syntax; bad parameters are a 422 naming the parameter."""

from __future__ import annotations

from datetime import datetime
from pathlib import Path
from typing import Any

import pytest

from engine.core.settings import Settings
from tests.conftest import BISHKEK

JSON = {"Accept": "application/json"}
QUICK = """<?xml version="1.0" encoding="UTF-8"?>
<bpmn:definitions xmlns:bpmn="http://www.omg.org/spec/BPMN/20100524/MODEL"
    xmlns:camunda="http://camunda.org/schema/1.0/bpmn" id="defs" targetNamespace="http://jarchy.test">
  <bpmn:process id="quick_{what}" name="Quick {what}" isExecutable="true"
      camunda:candidateStarterGroups="pr_department">
    <bpmn:startEvent id="start"/>
    <bpmn:sequenceFlow id="f1" sourceRef="start" targetRef="publish"/>
    <bpmn:task id="publish" name="Publish on the website">
      <bpmn:extensionElements><camunda:properties>
        <camunda:property name="publish" value="{what}"/></camunda:properties></bpmn:extensionElements>
    </bpmn:task>
    <bpmn:sequenceFlow id="f2" sourceRef="publish" targetRef="end"/>
    <bpmn:endEvent id="end"/>
  </bpmn:process>
</bpmn:definitions>
"""
# A bridge in Bishkek (transport), in all five languages.
BRIDGE = {
    "ky": {"title": "Көпүрө курулушу", "body": "Бишкекте жаңы көпүрө курулат. Өкмөттүн чечими."},
    "ru": {"title": "Строительство моста", "body": "В Бишкеке построят новый мост. Пресс-релиз правительства."},
    "uk": {"title": "Будівництво мосту", "body": "У Бішкеку збудують новий міст. Їхати стане легше."},
    "uz": {"title": "Кўприк қурилиши", "body": "Бишкекда янги кўприк қурилади. Ҳукумат қарори."},
    "en": {"title": "Bridge construction", "body": "A new bridge will be built in Bishkek. Café owners welcome it."},
}
# New equipment for hospitals (health), a day later.
HOSPITALS = {
    "ky": {"title": "Ооруканалар жөнүндө", "body": "Ооруканаларга жаңы жабдуулар келди."},
    "ru": {"title": "О больницах", "body": "Больницы получили новое оборудование."},
    "uk": {"title": "Про лікарні", "body": "Лікарні отримали нове обладнання. Їжа для пацієнтів."},
    "uz": {"title": "Касалхоналар ҳақида", "body": "Касалхоналарга янги ускуналар келди."},
    "en": {"title": "About hospitals", "body": "Hospitals received new equipment."},
}
REBUTTAL = {"response_kind": "rebuttal", "outlet": "24.kg", "url": "https://24.kg/news/1", "unit": "transport",
            "text": "Сообщение о закрытии моста не соответствует действительности.",
            "summary": "Мост на проспекте Чуй закрыт.",
            "explanations": [{"claim": "Мост закрыт", "explanation": "Мост открыт для движения"}]}
BRIDGE_AT = datetime(2026, 3, 2, 9, 0, tzinfo=BISHKEK)  # Monday
HOSPITALS_AT = datetime(2026, 3, 3, 15, 0, tzinfo=BISHKEK)  # Tuesday
REBUTTAL_AT = datetime(2026, 3, 4, 0, 30, tzinfo=BISHKEK)  # Wednesday just after midnight: Tuesday in UTC


@pytest.fixture
def settings(database_url: str, tmp_path: Path) -> Settings:
    """An office that publishes in all five languages (a publication's language names no script: Uzbek is `uz`)."""
    return Settings(database_url=database_url, secret_key="test-secret-key-0123456789", var_dir=tmp_path,
                    publication_languages=tuple(BRIDGE))


def publish(as_: Any, clock: Any, what: str, at: datetime, data: dict[str, Any]) -> int:
    """A case of the quick diagram that publishes at once what it is given, at `at`: the publication's id."""
    clock.set(at)
    case = as_("pr").post("/api/v1/process-instances", json={"process_key": f"quick_{what}", "data": data})
    assert case.status_code == 201 and case.get_json()["status"] == "completed", case.get_json()
    feed = "releases" if what == "release" else "responses"
    (item,) = [i for i in as_(None).get(f"/public/{feed}").get_json()["items"]
               if i["business_key"] == case.get_json()["business_key"]]
    return int(item["id"])


@pytest.fixture
def archived(as_: Any, clock: Any) -> dict[str, int]:
    """Two releases in five languages and a rebuttal, published on three days: their publications' ids."""
    for what in ("release", "response"):
        assert as_("admin").post("/api/v1/process-definitions", data=QUICK.format(what=what).encode(),
                                 headers={"Content-Type": "application/xml"}).status_code == 201
    return {
        "bridge": publish(as_, clock, "release", BRIDGE_AT,
                          {"kind": "press_release", "unit": "transport", "translations": BRIDGE}),
        "hospitals": publish(as_, clock, "release", HOSPITALS_AT,
                             {"kind": "statement", "unit": "health", "translations": HOSPITALS}),
        "rebuttal": publish(as_, clock, "response", REBUTTAL_AT, REBUTTAL),
    }


def search(as_: Any, status: int = 200, **params: Any) -> Any:
    response = as_(None).get("/public/archive", query_string=params, headers=JSON)
    assert response.status_code == status, response.get_json()
    assert response.headers["Vary"] == "Accept"
    return response.get_json()


def found(as_: Any, archived: dict[str, int], **params: Any) -> list[tuple[str, str | None]]:
    """What the search finds, by name and the language of the version found."""
    names = {(("releases" if name != "rebuttal" else "responses"), pid): name for name, pid in archived.items()}
    return [(names[(i["feed"], i["id"])], i["lang"]) for i in search(as_, **params)["items"]]


@pytest.mark.parametrize(("words", "expected"), [
    # Russian, whatever the case; a hyphenated word is two words
    ("ПРЕСС", [("bridge", "ru")]),
    ("пресс-релиз", [("bridge", "ru")]),
    ("больницы", [("hospitals", "ru")]),
    # Ukrainian і and ї are letters of their own
    ("ЇХАТИ", [("bridge", "uk")]),
    ("їжа", [("hospitals", "uk")]),
    ("лікарні", [("hospitals", "uk")]),
    ("бішкек", [("bridge", "uk")]),
    # Kyrgyz ө, ү, ң
    ("ӨКМӨТТҮН", [("bridge", "ky")]),
    ("көпүрө", [("bridge", "ky")]),
    ("жабдуулар", [("hospitals", "ky")]),
    # Uzbek (Cyrillic) ў, қ, ҳ
    ("кўприк", [("bridge", "uz")]),
    ("ҳукумат", [("bridge", "uz")]),
    # English, and a Latin letter's accent does not matter
    ("BRIDGE", [("bridge", "en")]),
    ("cafe", [("bridge", "en")]),
    ("équipment", [("hospitals", "en")]),
    # every word must occur (in one version)
    ("новый мост", [("bridge", "ru")]),
    ("новое мост", []),
    # a word finds the longer words it begins: "мост" finds "моста", in the release and the rebuttal's text
    ("мост", [("rebuttal", None), ("bridge", "ru")]),
    ("закрыт", [("rebuttal", None)]),
    ("ЧУЙ", [("rebuttal", None)]),
    ("трамвай", []),
])
def test_words_in_each_language_find_their_items_and_only_them(as_: Any, archived: dict[str, int], words: str,
                                                                expected: list[tuple[str, str | None]]) -> None:
    assert sorted(found(as_, archived, q=words)) == sorted(expected)


def test_an_item_found_in_several_languages_is_listed_once_in_its_best_version(as_: Any,
                                                                               archived: dict[str, int]) -> None:
    # "бишкек" begins a word of the Kyrgyz, Russian and Uzbek texts of the bridge (the Ukrainian says "Бішкеку").
    (hit,) = search(as_, q="Бишкек")["items"]
    assert (hit["id"], hit["lang"] in ("ky", "ru", "uz")) == (archived["bridge"], True)
    assert search(as_, q="Бишкек")["total"] == 1
    assert found(as_, archived, q="бишкек", lang="uz") == [("bridge", "uz")]
    assert found(as_, archived, q="бишкек", lang="uk") == []
    # Best match first: the release has the word in its title, which counts for more than the rebuttal's text.
    assert found(as_, archived, q="мост") == [("bridge", "ru"), ("rebuttal", None)]


def test_without_words_everything_is_listed_once_newest_first(as_: Any, archived: dict[str, int]) -> None:
    assert found(as_, archived) == [("rebuttal", None), ("hospitals", "ky"), ("bridge", "ky")]
    assert found(as_, archived, lang="uk") == [("hospitals", "uk"), ("bridge", "uk")]


def test_kind_unit_language_and_dates_narrow_the_search(as_: Any, archived: dict[str, int]) -> None:
    assert [n for n, _ in found(as_, archived, kind="release")] == ["hospitals", "bridge"]
    assert [n for n, _ in found(as_, archived, kind="statement")] == ["hospitals"]
    assert [n for n, _ in found(as_, archived, kind="response")] == ["rebuttal"]
    assert [n for n, _ in found(as_, archived, kind="rebuttal")] == ["rebuttal"]
    assert [n for n, _ in found(as_, archived, kind="comment")] == []
    assert [n for n, _ in found(as_, archived, unit="transport")] == ["rebuttal", "bridge"]
    assert [n for n, _ in found(as_, archived, unit="health", q="жаңы")] == ["hospitals"]
    assert sorted(found(as_, archived, q="жаңы")) == [("bridge", "ky"), ("hospitals", "ky")]
    assert found(as_, archived, lang="en", kind="press_release") == [("bridge", "en")]
    # Days are the office's (Asia/Bishkek): the rebuttal of Wednesday 00:30 is Tuesday in UTC.
    assert [n for n, _ in found(as_, archived, **{"from": "2026-03-04"})] == ["rebuttal"]
    assert [n for n, _ in found(as_, archived, to="2026-03-03")] == ["hospitals", "bridge"]
    assert [n for n, _ in found(as_, archived, **{"from": "2026-03-03", "to": "2026-03-03"})] == ["hospitals"]
    assert [n for n, _ in found(as_, archived, q="мост", **{"from": "2026-03-02", "to": "2026-03-02"})] == ["bridge"]
    # A parameter left blank (an empty field of a form) is not given.
    assert len(found(as_, archived, q="", kind="", lang="", unit="", **{"from": "", "to": ""})) == 3


def test_pages_of_the_archive(as_: Any, archived: dict[str, int]) -> None:
    first = search(as_, per_page=2)
    assert (first["total"], first["page"], first["per_page"]) == (3, 1, 2)
    second = search(as_, per_page=2, page=2)
    assert [i["id"] for i in first["items"]] == [archived["rebuttal"], archived["hospitals"]]
    assert [i["id"] for i in second["items"]] == [archived["bridge"]]
    assert search(as_, per_page=2, page=3) == {"items": [], "total": 3, "page": 3, "per_page": 2}
    assert search(as_)["per_page"] == 20


def test_a_hit_names_its_publication_and_its_public_page(as_: Any, archived: dict[str, int]) -> None:
    (release,) = search(as_, q="кўприк")["items"]
    assert release == {
        "feed": "releases", "id": archived["bridge"], "business_key": release["business_key"],
        "kind": "press_release", "unit": "transport", "lang": "uz", "published_at": "2026-03-02T09:00:00+06:00",
        "title": BRIDGE["uz"]["title"], "snippet": BRIDGE["uz"]["body"],
        "url": f"/public/releases/{archived['bridge']}"}
    (response,) = search(as_, q="действительности")["items"]
    assert response["snippet"].startswith("Сообщение о закрытии моста") and "Мост открыт для движения" in \
        response["snippet"]
    assert (response["feed"], response["kind"], response["title"], response["lang"], response["url"]) == (
        "responses", "rebuttal", "24.kg", None, f"/public/responses/{archived['rebuttal']}")
    assert response["published_at"] == "2026-03-04T00:30:00+06:00"
    for hit in (release, response):
        assert as_(None).get(hit["url"]).status_code == 200


@pytest.mark.parametrize("words", ['"мост', 'мост"', "мост*", "-мост", "NEAR(мост пресс)", "мост OR пресс",
                                   "мост AND NOT пресс", "(((", "title_words:мост", "^мост", "мост'; DROP TABLE x; --",
                                   "'мост':*", "мост & !пресс", "мост | пресс", "*", "-", "\\", "мост:*"])
def test_query_syntax_in_the_words_is_only_punctuation(as_: Any, archived: dict[str, int], words: str) -> None:
    result = search(as_, q=words)
    assert all(i["feed"] in ("releases", "responses") for i in result["items"])
    if "мост" in words and "пресс" not in words and "DROP" not in words and "title_words" not in words:
        assert sorted(n for n, _ in found(as_, archived, q=words)) == ["bridge", "rebuttal"]
    assert [n for n, _ in found(as_, archived, q="near")] == []


@pytest.mark.parametrize(("params", "field"), [
    ({"from": "2026-13-01"}, "from"),
    ({"to": "yesterday"}, "to"),
    ({"from": "2026-03-05", "to": "2026-03-04"}, "to"),
    ({"kind": "podcast"}, "kind"),
    ({"lang": "de"}, "lang"),
    ({"lang": "uz-Latn"}, "lang"),  # the pages speak it; a publication is in `uz`
    ({"page": "0"}, "page"),
    ({"page": "x"}, "page"),
    ({"per_page": "1000"}, "per_page"),
    ({"q": "мост " * 41}, "q"),
    ({"unit": "Not A Key!"}, "unit"),
])
def test_bad_parameters_are_named(as_: Any, params: dict[str, str], field: str) -> None:
    problem = search(as_, 422, **params)
    assert [e["field"] for e in problem["errors"]] == [field]
    assert problem["status"] == 422 and field in problem["detail"]
