"""axe-core (Deque's accessibility engine, from npm) run in the page under test: every browser test that checks a
page's accessibility uses this one runner, so that all of them check the same rules.

The rules are those of WCAG 2.0, 2.1 and 2.2 at levels A and AA. A page fails on a serious or critical violation;
axe's "moderate" and "minor" findings (best practices mostly) are left to review. The pages' Content-Security-Policy
forbids injected scripts: the browser context must be made with `bypass_csp=True` for axe to get in."""

from __future__ import annotations

from pathlib import Path
from typing import Any

AXE = Path(__file__).resolve().parents[2] / "node_modules" / "axe-core" / "axe.min.js"
SERIOUS = ("serious", "critical")
TAGS = ("wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22aa")


def axe_run(page: Any, *, exclude: tuple[str, ...] = ()) -> dict[str, Any]:
    """axe's findings on the page as it stands: how many rules passed, and each violation with its nodes.
    `exclude` lists CSS selectors of parts axe does not look into (each caller says why)."""
    assert AXE.is_file(), "axe-core is installed by `make install` (npm ci)"
    if not page.evaluate("typeof window.axe !== 'undefined'"):
        page.add_script_tag(path=str(AXE))
    return page.evaluate("""async ([tags, exclude]) => {
        const context = exclude.length ? {include: [document], exclude: exclude.map(s => [s])} : document;
        const result = await axe.run(context, {runOnly: {type: 'tag', values: tags}});
        return {passed: result.passes.length,
                violations: result.violations.map(v => ({id: v.id, impact: v.impact,
                                                         nodes: v.nodes.map(n => n.target.join(' '))}))};
    }""", [list(TAGS), list(exclude)])


def violations(page: Any, *, exclude: tuple[str, ...] = (), at_least: int = 10) -> list[str]:
    """The page's serious and critical violations, one line each (rule, impact, the first nodes); asserts that axe
    checked something (`at_least` rules passed), lest an empty or broken page pass for an accessible one."""
    found = axe_run(page, exclude=exclude)
    assert found["passed"] > at_least, f"axe checked next to nothing ({found['passed']} rules passed): " \
        "the page is not what it should be"
    return [f"{v['id']} ({v['impact']}): {', '.join(v['nodes'][:3])}" for v in found["violations"]
            if v["impact"] in SERIOUS]
