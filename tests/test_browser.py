"""The built site in a real browser: Debian's Chromium, driven by Playwright, reading the site
over HTTP from 127.0.0.1. Every request to another host is blocked and recorded, so a page
that needs the network to show its text or math fails here.

Screenshots land in test-artifacts/ (git-ignored) for a person to look at.
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

import pytest
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

    page.get_by_label("Year").select_option("2017")
    assert 0 < visible.count() < total
    assert visible_years(page) == {"2017"}
    expect(page.locator(".paperrefs-filter-count")).to_have_text(
        f"{visible.count()} of {total} papers match"
    )

    page.get_by_label("Year").select_option("")
    page.get_by_label("Topic").select_option(label="Policy optimization and learned objectives")
    expect(visible).to_have_count(4)  # TRPO, PPO, DPO, learned objectives
    expect(page.locator("section.paperrefs-index-group:visible")).to_have_count(1)

    page.get_by_label("Topic").select_option("")
    page.get_by_label("Title or author").fill("kapusniak")  # the author is Kapuśniak
    expect(visible).to_have_count(1)
    expect(visible).to_contain_text("Metric Flow Matching")
    page.get_by_label("Title or author").fill("reward model secretly")
    expect(visible).to_have_count(1)
    expect(visible).to_contain_text("Direct Preference Optimization")
    page.get_by_label("Title or author").fill("")
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
