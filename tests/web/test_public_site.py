"""The office's public site, without an account: the latest publications, a release in both publication languages
side by side (000 §4.7), each page with the Open Graph tags a shared link previews, and the Atom entries linking to
the pages."""

from __future__ import annotations

from html import unescape
from typing import Any

from defusedxml import ElementTree

from tests.cases import complete
from tests.integration.test_release_approval_api import (
    TRANSLATIONS,
    agreed_and_translated,
    release_approval_deployed,
    start,
)
from tests.web.conftest import text

__all__ = ["release_approval_deployed"]
ATOM = "{http://www.w3.org/2005/Atom}"


def published(as_: Any) -> dict[str, Any]:
    case = start(as_)
    agreed_and_translated(as_, case)
    complete(as_, "pr", case["id"], "publish")
    (item,) = as_(None).get("/public/releases").get_json()["items"]
    return item


def test_a_release_page_shows_both_languages_side_by_side_with_its_preview_tags(as_: Any, page_as: Any) -> None:
    item = published(as_)
    response = page_as(None).get(f"/public/releases/{item['id']}")
    assert response.status_code == 200
    page = unescape(text(response))
    for lang, version in TRANSLATIONS.items():
        assert f'<section class="version" lang="{lang}" id="version-{lang}">' in page
        assert f"<h1>{version['title']}</h1>" in page and version["body"] in page
    assert page.index('lang="ky" id="version-ky"') < page.index('lang="ru" id="version-ru"')  # the state language first
    assert f'<meta property="og:title" content="{TRANSLATIONS["ky"]["title"]}">' in page
    assert f'<meta property="og:description" content="{TRANSLATIONS["ky"]["body"]}">' in page
    assert f'<meta property="og:url" content="http://localhost/public/releases/{item["id"]}">' in page
    # A response's id is not a release's, and an unknown one is not found.
    assert page_as(None).get(f"/public/releases/{item['id'] + 1}").status_code == 404
    assert page_as(None).get(f"/public/responses/{item['id']}").status_code == 404


def test_the_latest_page_lists_releases_and_the_feed_links_to_their_pages(as_: Any, page_as: Any) -> None:
    empty = unescape(text(page_as(None).get("/public")))
    assert empty.count("Nothing is published yet.") == 2
    item = published(as_)
    page = unescape(text(page_as(None).get("/public")))
    assert f'href="/public/releases/{item["id"]}"' in page
    ky, ru = TRANSLATIONS["ky"]["title"], TRANSLATIONS["ru"]["title"]
    assert f'<span lang="ky">{ky}</span> / <span lang="ru">{ru}</span>' in page
    feed = ElementTree.fromstring(as_(None).get("/public/releases.atom").data)
    (entry,) = feed.findall(f"{ATOM}entry")
    (link,) = [link.get("href") for link in entry.findall(f"{ATOM}link")]
    assert link.endswith(f"/public/releases/{item['id']}")
    assert page_as(None).get(link.replace("http://localhost", "")).status_code == 200


def test_the_reader_switches_between_both_languages_and_one(as_: Any, page_as: Any) -> None:
    item = published(as_)
    visitor = page_as(None)
    both = unescape(text(visitor.get(f"/public/releases/{item['id']}")))
    assert f'<a href="/public/releases/{item["id"]}?lang=ru" hreflang="ru" lang="ru">' in both
    assert '<link rel="alternate" hreflang="ky"' in both and '<link rel="alternate" hreflang="ru"' in both
    russian = unescape(text(visitor.get(f"/public/releases/{item['id']}?lang=ru")))
    assert TRANSLATIONS["ru"]["body"] in russian and TRANSLATIONS["ky"]["body"] not in russian
    assert f'<meta property="og:title" content="{TRANSLATIONS["ru"]["title"]}">' in russian
    assert '?lang=ru" hreflang="ru" lang="ru" aria-current="page">' in russian
    # The list follows the choice, and its links keep it.
    listed = unescape(text(visitor.get("/public?lang=ru")))
    assert TRANSLATIONS["ru"]["title"] in listed and TRANSLATIONS["ky"]["title"] not in listed
    assert f'href="/public/releases/{item["id"]}?lang=ru"' in listed
    # A version the office does not publish is not there.
    assert visitor.get(f"/public/releases/{item['id']}?lang=en").status_code == 404
    assert visitor.get("/public?lang=xx").status_code == 404
