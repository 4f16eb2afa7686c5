"""Accessibility of the real pages: axe-core finds no serious or critical WCAG 2.1 A/AA problem.

axe-core is a devDependency installed by ``npm ci`` (``make test`` runs it); the test injects it
from node_modules/ into each page. The app itself never serves it.
"""

from __future__ import annotations

from pathlib import Path

import pytest

pytestmark = pytest.mark.browser

REPO = Path(__file__).resolve().parents[2]
AXE = REPO / "node_modules" / "axe-core" / "axe.min.js"
ARTICLE = "2020-11-25-putin-erdogan-call"  # in tests/mapfixture/articles/
TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]
BLOCKING = {"serious", "critical"}
_SHOWN_TARGETS = 3

# Leaflet draws its tiles with ``mix-blend-mode: plus-lighter`` (leaflet.css, a fix for seams
# in Chromium), a blend mode axe does not know: its colour-contrast rule then throws on the
# first text over the map and skips the whole page. Excluding the tiles
# from axe's context does not help, since they are the background of every label and control
# on the map. The tiles are opaque, so blending them normally draws the same picture.
_AXE_TILE_STYLE = ".leaflet-container img.leaflet-tile { mix-blend-mode: normal !important; }"

# path, and whether it is the map page (wait for its explorer before checking).
PAGES = [
    ("/", True),
    ("/?lang=vi", True),
    ("/articles", False),
    (f"/articles/{ARTICLE}", False),
    ("/ogc/?f=html", False),
]


def check(page, where: str) -> None:
    """Run axe-core on the page as it is and fail on a serious or critical violation, or on a
    rule that could not run (it would otherwise pass unseen)."""
    if not AXE.is_file():
        pytest.fail(f"{AXE} is missing: run `npm ci` (`make test` does) to install axe-core")
    if not page.evaluate("() => typeof axe !== 'undefined'"):
        # Evaluated, not added as a <script>: the page's CSP rightly refuses inline scripts.
        page.evaluate(AXE.read_text("utf-8") + "\n;undefined")
        page.add_style_tag(content=_AXE_TILE_STYLE)
    result = page.evaluate(
        """(values) => axe.run(document, {runOnly: {type: 'tag', values}})
            .then(r => ({violations: r.violations,
                         errors: r.incomplete.filter(i => i.error).map(i => i.id + ': '
                             + i.error.message)}))""",
        TAGS,
    )
    assert not result["errors"], f"axe rules failed to run on {where}: {result['errors']}"
    violations = [v for v in result["violations"] if v["impact"] in BLOCKING]
    assert not violations, f"axe on {where}:\n{describe(violations)}"


def describe(violations: list[dict]) -> str:
    lines = []
    for v in violations:
        targets = [" ".join(map(str, n["target"])) for n in v["nodes"][:_SHOWN_TARGETS]]
        more = len(v["nodes"]) - len(targets)
        lines.append(
            f"{v['id']} ({v['impact']}, {len(v['nodes'])} elements): {v['help']}\n    "
            + "\n    ".join(targets)
            + (f"\n    … and {more} more" if more > 0 else "")
        )
    return "\n".join(lines)


@pytest.mark.parametrize(("path", "is_map"), PAGES, ids=[p for p, _ in PAGES])
def test_page_has_no_serious_accessibility_violation(
    open_page, server, path: str, is_map: bool
) -> None:
    watched = open_page(server)
    response = watched.goto(path)
    assert response.status == 200
    page = watched.page
    if is_map:
        page.wait_for_selector("body[data-explore=ready]")
    if is_map or path.startswith("/articles/"):
        page.wait_for_selector(".leaflet-tile-loaded")
    check(page, path)


def test_map_in_use_has_no_serious_accessibility_violation(open_page, server) -> None:
    """The states a reader brings about: overlays greyed out by a filter, search results,
    the layer downloads unfolded, an event chosen in the list with its popup open."""
    watched = open_page(server)
    path = f"/?sentence={ARTICLE}:14"  # most overlays have nothing to show: greyed out
    assert watched.goto(path).status == 200
    page = watched.page
    page.wait_for_selector("body[data-explore=ready]")
    page.wait_for_selector(".leaflet-tile-loaded")
    assert page.locator(".ov-none").count() > 0
    page.locator(".layer-downloads summary").click()
    page.locator("#search-input").fill("mos")
    page.wait_for_selector("#search-results:not([hidden]) [aria-selected=true]")
    check(page, f"{path} with search results and layer downloads open")
    page.locator("#sentence-clear").click()
    page.locator("#search-input").fill("")
    page.locator("#event-list [role=option]").nth(1).click()
    page.locator(".leaflet-popup .fp").wait_for()
    watched.wait_until_still()
    # The popup fades in: half transparent, its text would be paler than it is.
    page.wait_for_function(
        "() => getComputedStyle(document.querySelector('.leaflet-popup')).opacity === '1'"
    )
    check(page, "/ with an event chosen in the list and its popup open")


def test_skip_links_lead_the_keyboard_to_search_list_and_layers(open_page, explore_server):
    """The first Tab stops are skip links: search is one Tab and Enter away, not dozens of
    markers later; the markers are no Tab stops (the list and search reach the features)."""
    watched = open_page(explore_server)
    page = watched.page
    focused = """() => { const e = document.activeElement; if (!e) return null;
                         return e.getAttribute('role') === 'option' ? 'option'
                                : e.id || e.className; }"""

    def skip(tabs: int) -> str:
        watched.open_explorer()  # the keyboard starts from the top of a fresh page
        for _ in range(tabs):
            page.keyboard.press("Tab")
        assert "skip-link" in page.evaluate(focused)
        assert page.locator(".skip-link:focus").is_visible()  # shown while focused
        page.keyboard.press("Enter")
        return page.evaluate(focused)

    assert skip(1) == "search-input"  # 1 Tab from the top
    assert skip(2) == "option"  # the list's current row
    assert skip(3) == "map-controls"
    assert page.locator(".leaflet-marker-icon[tabindex='0']").count() == 0
    assert page.locator(".leaflet-marker-icon").count() > 0
