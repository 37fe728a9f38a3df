"""The built site in a real browser: Debian's Chromium, driven by Playwright, reading the site
over HTTP from 127.0.0.1. Every request to another host is blocked and recorded, so a page
that needs the network to show its text or math fails here.

Screenshots land in test-artifacts/ (git-ignored) for a person to look at. axe-core (the
copy the axe-playwright-python package ships) checks the main kinds of page for
accessibility failures.
"""

from __future__ import annotations

import contextlib
import functools
import re
import subprocess
import sys
import threading
from collections.abc import Iterator
from dataclasses import dataclass, field
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import feedparser
import pytest
from axe_playwright_python.sync_playwright import Axe
from playwright.sync_api import Browser, Page, Playwright, Request, Route, expect, sync_playwright

from tests.helpers.paths import REPO, copy_root, require_tool

pytestmark = [pytest.mark.browser, pytest.mark.slow]  # slow: Chromium over the real site

CHROMIUM = "/usr/bin/chromium"
ARTIFACTS = REPO / "test-artifacts"
DESKTOP = {"width": 1280, "height": 900}
PHONE = {"width": 390, "height": 844}


class QuietHandler(SimpleHTTPRequestHandler):
    def log_message(self, format: str, *args: Any) -> None:
        pass


@contextlib.contextmanager
def serving(folder: Path) -> Iterator[str]:
    """``folder`` over HTTP on 127.0.0.1; yields its URL."""
    handler = functools.partial(QuietHandler, directory=str(folder))
    server = ThreadingHTTPServer(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}/"
    finally:
        server.shutdown()
        server.server_close()
        thread.join()


@pytest.fixture(scope="module")
def site_url(site_html: Path) -> Iterator[str]:
    with serving(site_html) as url:
        yield url


@pytest.fixture(scope="module")
def abstracts_url(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """tests/roots/test-abstracts built with the real site's theme: its entries have
    abstracts, which the real site's bib (the verified seed metadata) has none of."""
    out = tmp_path_factory.mktemp("abstracts")
    source = copy_root("abstracts", out)  # the build writes paper stubs into its sources
    command = [sys.executable, "-m", "sphinx", "-W", "--keep-going", "-q", "-b", "html"]
    command += ["-D", "html_theme=sphinx_book_theme"]
    command += ["-d", str(out / "doctrees"), str(source)]
    result = subprocess.run([*command, str(out / "html")], capture_output=True, text=True)
    assert result.returncode == 0, result.stderr
    with serving(out / "html") as url:
        yield url


@pytest.fixture(scope="module")
def playwright() -> Iterator[Playwright]:
    with sync_playwright() as driver:
        yield driver


@pytest.fixture(scope="module")
def browser(playwright: Playwright) -> Iterator[Browser]:
    # Playwright's own browser download cannot work offline: use the system's Chromium.
    executable = require_tool("chromium", CHROMIUM)
    browser = playwright.chromium.launch(executable_path=executable)
    yield browser
    browser.close()


@dataclass
class Journal:
    """What a page did that a reader would suffer from."""

    outside: list[str] = field(default_factory=list)
    errors: list[str] = field(default_factory=list)
    failed: list[str] = field(default_factory=list)

    def problems(self) -> list[str]:
        return (
            [f"request to another host: {url}" for url in self.outside]
            + [f"JavaScript error: {text}" for text in self.errors]
            + [f"failed request: {text}" for text in self.failed]
        )


def open_page(browser: Browser, journal: Journal, **options: Any) -> Page:
    context = browser.new_context(**options)

    def only_this_machine(route: Route, request: Request) -> None:
        if urlsplit(request.url).hostname == "127.0.0.1":
            route.continue_()
        else:
            journal.outside.append(request.url)
            route.abort()

    context.route("**/*", only_this_machine)
    page = context.new_page()
    page.on(
        "console", lambda message: message.type == "error" and journal.errors.append(message.text)
    )
    page.on("pageerror", lambda error: journal.errors.append(str(error)))
    page.on(
        "response",
        lambda response: (
            response.status >= 400 and journal.failed.append(f"{response.status} {response.url}")
        ),
    )
    return page


@pytest.fixture
def journal() -> Journal:
    return Journal()


@pytest.fixture
def page(browser: Browser, journal: Journal) -> Iterator[Page]:
    page = open_page(browser, journal, viewport=DESKTOP)
    yield page
    page.context.close()


@pytest.fixture
def phone(browser: Browser, journal: Journal) -> Iterator[Page]:
    page = open_page(browser, journal, viewport=PHONE, is_mobile=True, has_touch=True)
    yield page
    page.context.close()


def screenshot(page: Page, name: str) -> None:
    """The first screen as a reader sees it, and the whole page."""
    ARTIFACTS.mkdir(exist_ok=True)
    page.screenshot(path=ARTIFACTS / f"{name}.png")
    page.screenshot(path=ARTIFACTS / f"{name}-full.png", full_page=True)


def test_from_the_landing_page_to_a_paper_and_back_to_the_citing_note(
    page: Page, site_url: str, journal: Journal
) -> None:
    page.goto(site_url)
    expect(page.locator("article h1")).to_have_text(re.compile("ML paper notes"))
    screenshot(page, "landing-page")

    page.get_by_role("link", name="Policy optimization and learned objectives").first.click()
    expect(page).to_have_url(re.compile(r"notes/policy-optimization\.html$"))
    expect(page.locator("article h1")).to_have_text(re.compile("Policy optimization"))
    screenshot(page, "topic-page")

    # PPO's note cites TRPO inline; hovering shows the preview, clicking opens its page.
    citation = page.locator("#proximal-policy-optimization-ppo a:has(.paperrefs-cite)").first
    citation.hover()
    preview = page.locator(".paperrefs-preview")
    expect(preview).to_be_visible()
    expect(preview.locator(".paperrefs-preview-title")).to_have_text(
        "Trust Region Policy Optimization"
    )
    expect(preview.locator(".paperrefs-preview-year")).to_have_text("2015")
    expect(preview.locator(".paperrefs-preview-authors")).to_contain_text("John Schulman")
    citation.click()
    expect(page).to_have_url(re.compile(r"papers/schulman2015trust\.html$"))
    expect(page.locator("article h1")).to_have_text(re.compile("Trust Region Policy Optimization"))
    expect(page.locator("a.paperrefs-button", has_text="PDF")).to_have_attribute(
        "href", re.compile(r"arxiv\.org/pdf/1502\.05477")
    )
    screenshot(page, "paper-page")

    page.locator("ul.paperrefs-backlinks a", has_text="Trust Region Policy Optimization").click()
    expect(page).to_have_url(
        re.compile(r"notes/policy-optimization\.html#trust-region-policy-optimization-trpo$")
    )
    expect(page.locator("#trust-region-policy-optimization-trpo h2")).to_be_in_viewport()
    assert journal.problems() == []


def test_the_citation_preview_shows_hostile_metadata_as_text(
    page: Page, site_url: str, journal: Journal
) -> None:
    page.goto(site_url + "notes/policy-optimization.html")
    citation = page.locator("#proximal-policy-optimization-ppo a:has(.paperrefs-cite)").first
    hostile = '<img src=x onerror="window.injected=1">Title — <b>Eve</b> (2020)'
    citation.evaluate("(link, text) => link.setAttribute('title', text)", hostile)
    citation.hover()
    preview = page.locator(".paperrefs-preview")
    expect(preview.locator(".paperrefs-preview-title")).to_have_text(
        '<img src=x onerror="window.injected=1">Title'
    )
    expect(preview.locator(".paperrefs-preview-authors")).to_have_text("<b>Eve</b>")
    expect(preview.locator("img, b")).to_have_count(0)
    assert page.evaluate("window.injected") is None
    page.mouse.move(0, 0)
    expect(preview).to_be_hidden()
    assert citation.get_attribute("title") == hostile  # the native tooltip is back
    assert journal.problems() == []


def test_paper_pages_offer_a_copy_button_and_the_single_entry(
    page: Page, site_url: str, journal: Journal
) -> None:
    page.goto(site_url + "papers/rafailov2023direct.html")
    block = page.locator("div.highlight-bibtex")
    block.hover()
    expect(block.locator("button.copybtn")).to_be_visible()
    download = page.locator("a.download", has_text="rafailov2023direct.bib")
    response = page.request.get(site_url + "papers/" + str(download.get_attribute("href")))
    assert response.ok
    assert response.text().startswith("@misc{rafailov2023direct,")
    assert journal.problems() == []


def test_searching_grpo_finds_the_deepseekmath_note(
    page: Page, site_url: str, journal: Journal
) -> None:
    page.goto(site_url + "changelog.html")
    page.locator(".bd-sidebar-primary button.search-button-field").click()
    field = page.locator("#pst-search-dialog input[name=q]")
    expect(field).to_be_focused()
    field.fill("GRPO")
    field.press("Enter")
    expect(page).to_have_url(re.compile(r"search\.html\?q=GRPO"))
    hit = page.locator("#search-results li", has=page.locator('a[href*="deepseek-models"]'))
    expect(hit.first).to_contain_text("GRPO")
    assert journal.problems() == []


def visible_years(page: Page) -> set[str]:
    years: list[str] = page.locator("li.paperrefs-index-item:visible").evaluate_all(
        "items => items.map(item => item.className.match(/paperrefs-year-(\\d+)/)[1])"
    )
    return set(years)


def test_the_references_index_filters_by_topic_year_and_text_without_a_reload(
    page: Page, site_url: str, journal: Journal
) -> None:
    page.goto(site_url + "references.html")
    items = page.locator("li.paperrefs-index-item")
    visible = page.locator("li.paperrefs-index-item:visible")
    total = items.count()
    assert total >= 40
    expect(visible).to_have_count(total)
    screenshot(page, "references-index")
    page.evaluate("window.notReloaded = true")
    # Within the filter: the map's description names topics too.
    controls = page.locator("form.paperrefs-filter")

    controls.get_by_label("Year").select_option("2017")
    assert 0 < visible.count() < total
    assert visible_years(page) == {"2017"}
    expect(page.locator(".paperrefs-filter-count")).to_have_text(
        f"{visible.count()} of {total} papers match"
    )

    controls.get_by_label("Year").select_option("")
    controls.get_by_label("Topic").select_option(label="Policy optimization and learned objectives")
    expect(visible).to_have_count(4)  # TRPO, PPO, DPO, learned objectives
    expect(page.locator("section.paperrefs-index-group:visible")).to_have_count(1)

    controls.get_by_label("Topic").select_option("")
    controls.get_by_label("Title or author").fill("kapusniak")  # the author is Kapuśniak
    expect(visible).to_have_count(1)
    expect(visible).to_contain_text("Metric Flow Matching")
    controls.get_by_label("Title or author").fill("reward model secretly")
    expect(visible).to_have_count(1)
    expect(visible).to_contain_text("Direct Preference Optimization")
    controls.get_by_label("Title or author").fill("")
    expect(visible).to_have_count(total)

    assert page.evaluate("window.notReloaded") is True
    assert journal.problems() == []


def test_without_javascript_the_index_is_complete_and_has_no_dead_controls(
    browser: Browser, site_url: str, journal: Journal
) -> None:
    page = open_page(browser, journal, viewport=DESKTOP, java_script_enabled=False)
    page.goto(site_url + "references.html")
    expect(page.locator("form.paperrefs-filter")).to_have_count(0)
    expect(page.locator("li.paperrefs-index-item:visible")).to_have_count(
        page.locator("li.paperrefs-index-item").count()
    )
    page.context.close()
    assert journal.problems() == []


def test_the_changelog_links_a_feed_that_resolves(
    page: Page, site_url: str, journal: Journal
) -> None:
    page.goto(site_url + "changelog.html")
    link = page.get_by_role("link", name="Atom feed of the changelog")
    expect(link).to_be_visible()
    response = page.request.get(site_url + str(link.get_attribute("href")))
    assert response.ok
    assert "<feed" in response.text()
    alternate = page.locator('link[rel=alternate][type="application/atom+xml"]')
    assert alternate.get_attribute("href") == link.get_attribute("href")
    assert journal.problems() == []


def test_math_is_rendered_from_the_site_itself(page: Page, site_url: str, journal: Journal) -> None:
    # The DPO loss, the site's displayed equation, is on the policy-optimization page.
    page.goto(site_url + "notes/policy-optimization.html")
    equation = page.locator("#direct-preference-optimization-dpo div.math")
    expect(equation.locator("mjx-container")).to_have_count(1)
    expect(equation.locator("mjx-merror")).to_have_count(0)
    assert "\\frac" not in equation.inner_text()
    box = equation.locator("mjx-container").bounding_box()
    assert box is not None
    assert box["height"] > 30  # a fraction stacks: not one line of text
    assert journal.problems() == []


def test_a_paper_page_shows_its_abstract_with_the_math_rendered(
    page: Page, abstracts_url: str, journal: Journal
) -> None:
    page.goto(abstracts_url + "papers/hu2023omegatest.html")
    abstract = page.locator("p.paperrefs-abstract")
    expect(abstract).to_contain_text("We show that")
    expect(abstract.locator("mjx-container")).to_have_count(3)
    expect(abstract.locator("mjx-merror")).to_have_count(0)
    assert "\\dots" not in abstract.inner_text()
    assert "$" not in abstract.inner_text().split("price of")[0]
    expect(page.locator("h1 mjx-container")).to_have_count(1)  # the title's ω
    screenshot(page, "paper-abstract")
    assert journal.problems() == []


def test_the_citation_preview_shows_the_start_of_the_abstract(
    page: Page, abstracts_url: str, journal: Journal
) -> None:
    page.goto(abstracts_url + "notes/testing.html")
    page.locator("a:has(.paperrefs-cite)", has_text="Hu et al., 2023").hover()
    preview = page.locator(".paperrefs-preview")
    expect(preview.locator(".paperrefs-preview-title")).to_have_text(
        "ωTest: WebView-Oriented Testing for Android Applications"
    )
    expect(preview.locator(".paperrefs-preview-abstract")).to_contain_text(
        "We show that p holds for every i ∈"
    )
    screenshot(page, "preview-abstract")
    assert journal.problems() == []


def test_no_page_logs_an_error_or_reaches_another_host(
    page: Page, site_url: str, site_html: Path, journal: Journal
) -> None:
    pages = sorted(
        path.relative_to(site_html).as_posix()
        for path in site_html.rglob("*.html")
        if not {"_static", "_sources"} & set(path.relative_to(site_html).parts)
    )
    assert len(pages) > 50
    for name in pages:
        page.goto(site_url + name, wait_until="load")
    assert journal.problems() == []


def overflows(page: Page) -> bool:
    return bool(
        page.evaluate("document.documentElement.scrollWidth > document.documentElement.clientWidth")
    )


def test_a_phone_can_open_the_menu_and_read_without_sideways_scrolling(
    phone: Page, site_url: str, journal: Journal
) -> None:
    phone.goto(site_url)
    screenshot(phone, "landing-page-phone")
    navigation = phone.locator(".bd-sidebar-primary")
    expect(navigation).not_to_be_in_viewport()
    phone.locator("button.primary-toggle").first.click()
    expect(navigation).to_be_in_viewport()
    navigation.get_by_role("link", name="References").click()
    expect(phone).to_have_url(re.compile(r"references\.html$"))
    for name in ("", "references.html", "changelog.html", "papers/rafailov2023direct.html"):
        phone.goto(site_url + name)
        assert not overflows(phone), name
    screenshot(phone, "paper-page-phone")
    assert journal.problems() == []


def wait_for_the_map(page: Page) -> None:
    """Until the layout has settled and the whole map is in view."""
    expect(page.locator("div.paperrefs-graph[data-state=drawn]")).to_have_count(1, timeout=20_000)
    page.wait_for_timeout(400)  # the zoom-to-fit animation


def node_on_screen(page: Page, kind: str, title: str) -> dict[str, float]:
    """Where a node of the map is drawn, in page coordinates."""
    point: dict[str, float] | None = page.locator(".paperrefs-graph-canvas").evaluate(
        """(canvas, [kind, title]) => {
          const graph = canvas.paperrefsGraph;
          const node = graph.graphData().nodes.find(
            (node) => node.kind === kind && node.label === title);
          if (!node) return null;
          const at = graph.graph2ScreenCoords(node.x, node.y);
          const box = canvas.getBoundingClientRect();
          return { x: box.left + at.x, y: box.top + at.y };
        }""",
        [kind, title],
    )
    assert point is not None, title
    return point


def test_the_map_draws_shows_titles_on_hover_and_opens_a_paper_on_click(
    page: Page, site_url: str, journal: Journal
) -> None:
    page.goto(site_url + "references.html")
    canvas = page.locator(".paperrefs-graph-canvas")
    canvas.scroll_into_view_if_needed()
    wait_for_the_map(page)
    expect(canvas.locator("canvas")).to_have_count(1)
    # Every link of the list is a node: one per topic page, note section and paper.
    listed = page.locator("ul.paperrefs-graph-list a").evaluate_all(
        "links => new Set(links.map(link => link.href)).size"
    )
    drawn = canvas.evaluate("canvas => canvas.paperrefsGraph.graphData().nodes.length")
    assert drawn == listed > 60
    expect(canvas.locator("canvas")).to_have_attribute(
        "aria-label", re.compile(r"Map of 7 topics, \d+ notes")
    )
    expect(canvas.get_by_role("button", name="Zoom in")).to_be_visible()  # not hidden in an img
    page.wait_for_timeout(300)
    screenshot(page, "map")

    zoom = "canvas => canvas.paperrefsGraph.zoom()"
    before = canvas.evaluate(zoom)
    page.locator(".paperrefs-graph-tools button[aria-label='Zoom in']").click()
    page.wait_for_timeout(400)
    assert canvas.evaluate(zoom) > before
    page.locator(".paperrefs-graph-tools button[aria-label='Fit the whole map']").click()
    page.wait_for_timeout(500)

    # Zoom in on TRPO with the wheel, under the pointer, then hover over it and click it.
    title = "Trust Region Policy Optimization"
    point = node_on_screen(page, "paper", title)
    page.mouse.move(point["x"], point["y"])
    page.mouse.wheel(0, -300)
    page.wait_for_timeout(500)
    assert canvas.evaluate(zoom) > before
    point = node_on_screen(page, "paper", title)
    page.mouse.move(point["x"] - 20, point["y"])
    page.mouse.move(point["x"], point["y"], steps=5)  # as a hand would, from beside it
    tip = page.locator(".paperrefs-graph-tip")
    expect(tip).to_be_visible()
    expect(tip.locator(".paperrefs-graph-tip-title")).to_have_text(title)
    expect(tip.locator(".paperrefs-graph-tip-kind")).to_have_text("Paper")
    page.mouse.click(point["x"], point["y"])
    expect(page).to_have_url(re.compile(r"papers/schulman2015trust\.html$"))
    assert journal.problems() == []


def test_the_map_and_a_topic_page_in_the_dark_theme(
    browser: Browser, site_url: str, journal: Journal
) -> None:
    page = open_page(browser, journal, viewport=DESKTOP, color_scheme="dark")
    page.goto(site_url + "references.html")
    expect(page.locator("html")).to_have_attribute("data-theme", "dark")
    page.locator(".paperrefs-graph-canvas").scroll_into_view_if_needed()
    wait_for_the_map(page)
    screenshot(page, "map-dark")
    page.goto(site_url + "notes/policy-optimization.html")
    expect(page.get_by_role("link", name="Atom feed of this topic")).to_be_visible()
    screenshot(page, "topic-page-dark")
    page.context.close()
    assert journal.problems() == []


def test_without_javascript_the_map_is_its_list_of_links(
    browser: Browser, site_url: str, journal: Journal
) -> None:
    page = open_page(browser, journal, viewport=DESKTOP, java_script_enabled=False)
    page.goto(site_url + "references.html")
    expect(page.locator(".paperrefs-graph-canvas")).to_have_count(0)
    topics = page.locator("ul.paperrefs-graph-list > li.paperrefs-graph-topic > p > a")
    expect(topics).to_have_count(7)
    expect(topics.first).to_be_visible()
    expect(
        page.locator("li.paperrefs-graph-paper a", has_text="Trust Region").first
    ).to_be_visible()
    page.context.close()
    assert journal.problems() == []


def test_a_paper_page_lists_the_papers_read_with_it(
    page: Page, site_url: str, journal: Journal
) -> None:
    page.goto(site_url + "papers/schulman2017proximal.html")
    section = page.locator("section#read-with")
    expect(section.locator("h2")).to_have_text(re.compile("Read with"))
    rows = section.locator("ul.paperrefs-related > li")
    assert 1 <= rows.count() <= 5
    expect(rows.first).to_contain_text("cited together in")
    section.scroll_into_view_if_needed()
    screenshot(page, "paper-page-read-with")
    rows.first.locator("a").click()
    expect(page).to_have_url(re.compile(r"papers/[a-z0-9]+\.html$"))
    assert journal.problems() == []


def test_a_topic_page_offers_its_feed_and_its_bib(
    page: Page, site_url: str, journal: Journal
) -> None:
    page.goto(site_url + "notes/policy-optimization.html")
    feed_link = page.get_by_role("link", name="Atom feed of this topic")
    expect(feed_link).to_be_visible()
    alternates = page.locator('link[rel=alternate][type="application/atom+xml"]')
    hrefs = alternates.evaluate_all("links => links.map(link => link.getAttribute('href'))")
    assert feed_link.get_attribute("href") in hrefs
    screenshot(page, "topic-page-links")

    response = page.request.get(site_url + "notes/" + str(feed_link.get_attribute("href")))
    assert response.ok
    feed = feedparser.parse(response.body())
    assert not feed.bozo, feed.get("bozo_exception")
    assert feed.feed.title.endswith("Policy optimization and learned objectives")
    assert feed.entries
    assert all("notes/policy-optimization.html#" in entry.link for entry in feed.entries)

    bib_link = page.get_by_role("link", name=re.compile(r"BibTeX of the \d+ papers cited here"))
    bib = page.request.get(site_url + "notes/" + str(bib_link.get_attribute("href")))
    assert bib.ok
    assert "@misc{schulman2017proximal," in bib.text()
    assert journal.problems() == []


def test_the_references_filter_offers_arxiv_categories(
    page: Page, site_url: str, journal: Journal
) -> None:
    page.goto(site_url + "references.html")
    category = page.get_by_label("arXiv category")
    options = category.locator("option").all_text_contents()
    assert options[0] == "All categories"
    assert any(option.startswith("cs.LG (") for option in options)
    category.select_option("cs.LG")
    visible = page.locator("li.paperrefs-index-item:visible")
    assert visible.count() > 0
    classes = visible.evaluate_all("items => items.map(item => item.className)")
    assert all("paperrefs-category-cs.LG" in names for names in classes)
    assert journal.problems() == []


# One page of each kind a reader meets: landing, topic, paper, references, changelog.
AXE_PAGES = (
    "index.html",
    "notes/policy-optimization.html",
    "papers/schulman2015trust.html",
    "references.html",
    "changelog.html",
)
BLOCKING = {"serious", "critical"}
# axe-core preloads the stylesheets for this experimental rule and resolves `@import`
# against the page instead of the stylesheet (a 404 for the theme's `../basic.css`).
AXE_SKIPS = {"css-orientation-lock"}


def axe_failures(page: Page) -> list[str]:
    """The serious and critical failures axe-core finds, experimental rules included
    (label-in-name is one), as "rule (impact): element" lines."""
    axe = Axe()
    page.evaluate(axe.axe_script)
    experimental = page.evaluate("axe.getRules(['experimental']).map(rule => rule.ruleId)")
    rules = {rule: {"enabled": rule not in AXE_SKIPS} for rule in experimental}
    options = {"resultTypes": ["violations"], "rules": rules, "preload": False}
    results = axe.run(page, options=options).response
    return [
        f"{violation['id']} ({violation['impact']}): {' '.join(node['target'])}"
        for violation in results["violations"]
        if violation["impact"] in BLOCKING
        for node in violation["nodes"]
    ]


@pytest.mark.parametrize("scheme", ["light", "dark"])
@pytest.mark.parametrize("device", ["desktop", "phone"])
def test_axe_core_finds_no_serious_failure(
    browser: Browser, site_url: str, journal: Journal, scheme: str, device: str
) -> None:
    screen = (
        {"viewport": DESKTOP} if device == "desktop" else {"viewport": PHONE, "is_mobile": True}
    )
    page = open_page(browser, journal, color_scheme=scheme, **screen)
    failures = []
    for name in AXE_PAGES:
        page.goto(site_url + name, wait_until="networkidle")
        assert page.evaluate("document.documentElement.dataset.theme") == scheme
        failures += [f"{name}: {failure}" for failure in axe_failures(page)]
    page.context.close()
    assert failures == []
    assert journal.problems() == []


def test_the_favicon_and_sitemap_are_served(page: Page, site_url: str, journal: Journal) -> None:
    page.goto(site_url + "papers/schulman2015trust.html")
    icon = page.locator('link[rel="icon"]')
    response = page.request.get(site_url + "papers/" + str(icon.get_attribute("href")))
    assert response.ok
    assert "<svg" in response.text()
    sitemap = page.request.get(site_url + "sitemap.xml")
    assert sitemap.ok
    assert "papers/schulman2015trust.html</loc>" in sitemap.text()
    assert journal.problems() == []
