"""Nothing technical on a staff page: each role signs in and walks every page it can reach from its own, with a
running case of each shipped procedure, and the visible text names no environment variable, no file path, no
`docs/` page and no bare language code (a language is shown by its name).

The walk follows the pages' own links (GET only), each page pattern once per role, every task and case page;
one language is enough (the messages' wording is the same in every catalog). The auditors' change tables quote
the stored values as they are (a user's `locale` among them): an auditor checks what was stored, and the page
agrees with the export."""

from __future__ import annotations

import re
from html.parser import HTMLParser
from typing import Any
from urllib.parse import urlsplit

from api.cli import deployment_order, shipped_diagrams
from api.web.i18n import LANGUAGE_NAMES
from engine.background.sweeper import sweep
from engine.core.settings import LANGUAGES
from engine.procedures.definitions import deploy_shipped
from tests import cases
from tests.integration.test_breach_report_api import REPORT
from tests.integration.test_daily_digest_api import MONDAY
from tests.integration.test_event_support_api import EVENT
from tests.integration.test_interview_request_api import REQUEST as INTERVIEW
from tests.integration.test_public_information_request_api import CITIZEN
from tests.integration.test_publication_response_api import PUBLICATION
from tests.integration.test_release_approval_api import DRAFT as RELEASE
from tests.integration.test_release_approval_api import PR_APPROVE, agreed_and_translated
from tests.web.conftest import text

# One member of the cast a role.
WALKERS = ("admin", "auditor", "prhead", "pr", "ps_transport", "head_transport", "leader", "lawyer")
STARTS: list[tuple[str, dict[str, Any], str]] = [
    ("information_request", cases.REQUEST, "pr"),
    ("public_information_request", CITIZEN, "pr"),
    ("release_approval", RELEASE, "ps_transport"),
    ("publication_response", PUBLICATION, "ps_transport"),
    ("press_conference", {"format": "press_conference"}, "pr"),
    ("event_support", EVENT, "pr"),
    ("interview_request", INTERVIEW, "pr"),
    ("breach_report", REPORT, "ps_transport"),
    ("draft_act_publication", {"title": "Rules for summer terraces", "unit": "transport",
                               "text": "1. A terrace may be placed on a pavement at least 2 metres wide."},
     "ps_transport"),
]
# Pages that are not pages to read: files, exports, feeds, the API, signing out, the public side.
SKIPPED = re.compile(r"^/(static|api|public|portal|files)/|/sign-out|\.(csv|json|pdf|ics|atom|bpmn|png|jpg)$|/export"
                     r"|/download")
CODES = "|".join(sorted({c for code in LANGUAGES for c in (code, code.replace("-", "_"))} | {"uz_Cyrl", "uz-Cyrl"},
                        key=len, reverse=True))
TECHNICAL = re.compile(rf"JARCHY_\w*|docs/\S*|[\w./-]+\.(?:md|py|bpmn)\b|(?<![\w.@/-])(?:{CODES})(?![\w.@/-])")
VISIBLE_ATTRIBUTES = ("title", "placeholder", "aria-label", "alt")


class Page(HTMLParser):
    """The text a person reads on a page (and in the attributes a browser shows), and the page's links."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.words: list[str] = []
        self.links: list[str] = []
        self._hidden: list[str] = []  # the tags being read whose text is not the page's own

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        found = dict(attrs)
        if tag in ("script", "style", "template") or (tag == "table" and "changes" in (found.get("class") or "")):
            self._hidden.append(tag)
        if tag == "a" and found.get("href"):
            self.links.append(str(found["href"]))
        self.words += [str(found[name]) for name in VISIBLE_ATTRIBUTES if found.get(name)]

    def handle_endtag(self, tag: str) -> None:
        if self._hidden and self._hidden[-1] == tag:
            self._hidden.pop()

    def handle_data(self, data: str) -> None:
        if not self._hidden and data.strip():
            self.words.append(data.strip())


def pattern(path: str) -> str:
    """A task's or a case's page stands for itself (each shows its own form and data); others by their shape."""
    return path if re.match(r"^/(tasks|cases|audit/cases)/\d+$", path) else re.sub(r"\d+", "N", path)


def walk(web: Any, limit: int = 120) -> dict[str, list[str]]:
    """Every page `web` reaches from its landing page: what each shows that is technical."""
    queue, seen, found = ["/"], set(), {}
    while queue and len(seen) < limit:
        path = queue.pop(0)
        if pattern(path) in seen:
            continue
        seen.add(pattern(path))
        response = web.get(path, follow_redirects=True)
        if response.status_code != 200 or response.mimetype != "text/html":
            continue
        page = Page()
        page.feed(text(response))
        technical = sorted({m.group(0) for word in page.words for m in TECHNICAL.finditer(word)})
        if technical:
            found[path] = technical
        for link in page.links:
            target = urlsplit(link)
            if not target.scheme and target.path.startswith("/") and not SKIPPED.search(target.path):
                queue.append(target.path + (f"?{target.query}" if target.query and "page=" not in target.query
                                            and "lang=" not in target.query else ""))
    return found


def running_cases(as_: Any, sessions: Any, ctx: Any) -> str:
    """The shipped procedures deployed as `jarchy init` deploys them, and a running case of each; the release at
    its translation, the page that once asked for a deployment's variable and language codes (its task's id)."""
    shipped = shipped_diagrams()
    with sessions.begin() as session:
        for name in deployment_order(shipped):
            deploy_shipped(session, shipped[name], actor="system", at=ctx.now())
    started = {key: cases.start(as_, key, data, user=user) for key, data, user in STARTS}
    release = started["release_approval"]["id"]
    cases.complete(as_, "head_transport", release, "unit_head_review", decision="approve")
    cases.complete(as_, "pr", release, "pr_review", **PR_APPROVE)
    (translate,) = cases.inbox(as_, "ps_transport", release)
    assert translate["bpmn_id"] == "translate"
    agreed_and_translated(as_, cases.start(as_, "release_approval", RELEASE, user="ps_transport"))  # its languages
    assert sweep(sessions, ctx, MONDAY).started == 1  # the daily digest starts on its timer
    return str(translate["id"])


def test_no_staff_page_shows_a_variable_a_path_or_a_language_code(as_: Any, page_as: Any, sessions: Any,
                                                                    ctx: Any, clock: Any) -> None:
    translate = running_cases(as_, sessions, ctx)
    clock.set(MONDAY)
    found = {username: walk(page_as(username)) for username in WALKERS}
    assert {user: pages for user, pages in found.items() if pages} == {}

    # The release's translations, one fieldset a publication language, each named in its language.
    page = text(page_as("ps_transport").get(f"/tasks/{translate}"))
    assert all(f"({LANGUAGE_NAMES[code]})" in page for code in ctx.settings.publication_languages)
