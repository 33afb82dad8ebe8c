"""The archive's page, `/public/archive` in a browser: a search form (a search landmark, every field labelled), the
publications found with links to their pages, bad parameters named beside their fields; the same address answers
JSON to a client that asks for it. Nothing embargoed is found before its embargo ends."""

from __future__ import annotations

import re
from datetime import datetime, timedelta
from html import unescape
from typing import Any

from engine.background.sweeper import sweep
from tests.cases import complete
from tests.conftest import deploy_shipped
from tests.integration.test_archive_api import archived
from tests.integration.test_release_approval_api import EMBARGO, agreed_and_translated, start
from tests.web.conftest import text

__all__ = ["archived"]
BROWSER = {"Accept": "text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8"}


def page(page_as: Any, status: int = 200, **params: str) -> str:
    response = page_as(None).get("/public/archive", query_string=params, headers=BROWSER)
    assert response.status_code == status
    assert response.mimetype == "text/html" and "Accept" in response.headers["Vary"]
    return unescape(text(response))


def links(html: str) -> list[str]:
    results = html.split('id="results"', 1)[1].split("</ol>", 1)[0] if 'id="results"' in html else ""
    return re.findall(r'href="(/public/(?:releases|responses)/\d+)"', results)


def test_the_page_lists_what_is_found_with_links_to_the_publications(page_as: Any, archived: dict[str, int]) -> None:
    html = page(page_as)
    assert '<form method="get" action="/public/archive" class="filters" role="search" aria-label="Search the ' \
           'archive">' in html
    for name in ("q", "kind", "unit", "lang", "from", "to"):
        assert f'<label for="f-{name}">' in html and f'id="f-{name}"' in html
    assert "3 publications found" in html
    assert links(html) == [f"/public/responses/{archived['rebuttal']}", f"/public/releases/{archived['hospitals']}",
                           f"/public/releases/{archived['bridge']}"]
    found = page(page_as, q="МОСТ")
    assert links(found) == [f"/public/releases/{archived['bridge']}", f"/public/responses/{archived['rebuttal']}"]
    assert 'value="МОСТ"' in found and "Rebuttal: 24.kg" in found and "Строительство моста" in found
    assert links(page(page_as, q="мост", kind="response")) == [f"/public/responses/{archived['rebuttal']}"]
    assert "Nothing published matches the search." in page(page_as, q="трамвай")
    for link in links(html):
        assert page_as(None).get(link).status_code == 200


def test_bad_parameters_are_named_beside_their_fields(page_as: Any, archived: dict[str, int]) -> None:
    for params, field, message in (
            ({"from": "2026-13-01"}, "from", "Enter a date as YYYY-MM-DD."),
            ({"from": "2026-03-05", "to": "2026-03-04"}, "to", "The end date comes before the start date."),
            ({"kind": "podcast"}, "kind", "Choose one of the listed values."),
            ({"lang": "de"}, "lang", "Choose one of the listed values."),
            ({"q": "мост " * 41}, "q", "At most 200 characters."),
            ({"page": "0"}, None, "The page must be a whole number from 1.")):
        html = page(page_as, 422, **params)
        assert "The search could not be run:" in html and message in html
        assert links(html) == []
        if field:
            assert re.search(rf'id="f-{field}"[^>]*aria-invalid="true"|aria-invalid="true"[^>]*id="f-{field}"',
                             html.replace("\n", " ")) or f'id="f-{field}-error"' in html, field


def test_hostile_parameters_get_the_page_or_its_refusal_never_an_error(page_as: Any,
                                                                        archived: dict[str, int]) -> None:
    from tests.integration.test_hostile_walk import HOSTILE_QUERY

    for name in ("q", "kind", "unit", "lang", "from", "to", "page"):
        for value in HOSTILE_QUERY:
            response = page_as(None).get("/public/archive", query_string={name: value}, headers=BROWSER)
            assert response.status_code in (200, 422), (name, value[:20], response.status_code)
            assert response.mimetype == "text/html"


def test_one_address_answers_a_page_or_json_as_asked(page_as: Any, as_: Any, archived: dict[str, int]) -> None:
    client = page_as(None)
    assert client.get("/public/archive").mimetype == "text/html"  # no preference: the page
    assert client.get("/public/archive", headers={"Accept": "*/*"}).mimetype == "text/html"
    answer = client.get("/public/archive?q=мост", headers={"Accept": "application/json"})
    assert answer.mimetype == "application/json" and answer.headers["Vary"] == "Accept"
    assert [i["id"] for i in answer.get_json()["items"]] == [archived["bridge"], archived["rebuttal"]]
    refused = client.get("/public/archive?kind=podcast", headers={"Accept": "application/json"})
    assert refused.status_code == 422 and refused.mimetype == "application/problem+json"
    assert 'href="/public/archive"' in unescape(text(client.get("/public")))
    # The feeds' JSON stays as it was.
    assert len(as_(None).get("/public/releases").get_json()["items"]) == 2
    assert len(as_(None).get("/public/responses").get_json()["items"]) == 1


def test_an_embargoed_release_is_not_found_before_its_embargo_ends(page_as: Any, as_: Any, sessions: Any,
                                                                   ctx: Any) -> None:
    deploy_shipped(sessions, ctx, "release_approval.bpmn")
    case = start(as_, kind="announcement", embargo_until=EMBARGO)
    agreed_and_translated(as_, case)
    complete(as_, "pr", case["id"], "publish")

    def found() -> tuple[list[str], list[str]]:
        answer = as_(None).get("/public/archive?q=сорок", headers={"Accept": "application/json"}).get_json()
        return [i["business_key"] for i in answer["items"]], links(page(page_as, q="сорок"))

    embargo = datetime.fromisoformat(EMBARGO)
    assert found() == ([], [])
    assert sweep(sessions, ctx, embargo - timedelta(seconds=1)).fired == 0
    assert found() == ([], [])
    assert sweep(sessions, ctx, embargo + timedelta(seconds=1)).fired == 1
    keys, shown = found()
    (release,) = as_(None).get("/public/releases").get_json()["items"]
    assert (keys, shown) == ([case["business_key"]], [f"/public/releases/{release['id']}"])
