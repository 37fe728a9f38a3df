"""Every page of the built site, read as HTML: links and anchors resolve, headings go down one
level at a time, images have alt text and links say where they lead."""

from __future__ import annotations

import re
from collections.abc import Iterator
from functools import cache
from pathlib import Path
from urllib.parse import unquote, urlsplit

import pytest
from bs4 import BeautifulSoup, Tag

pytestmark = pytest.mark.slow  # reads the real site, built once per session

GENERIC_LINK_TEXTS = {"here", "click here", "link", "this", "more", "read more", "this page"}
HEADING = re.compile(r"h[1-6]")


@cache
def parse(path: Path) -> BeautifulSoup:
    return BeautifulSoup(path.read_text(encoding="utf-8"), "html.parser")


def pages(root: Path) -> Iterator[Path]:
    for path in sorted(root.rglob("*.html")):
        if not {"_static", "_sources", "_downloads"} & set(path.relative_to(root).parts):
            yield path


def local_targets(page: Path) -> Iterator[tuple[str, str]]:
    """(attribute value, what it is) for every reference to a file or anchor of the site."""
    soup = parse(page)
    for tag, attribute in (("a", "href"), ("link", "href"), ("script", "src"), ("img", "src")):
        for element in soup.find_all(tag):
            value = element.get(attribute)
            if isinstance(value, str) and value:
                yield value, f"<{tag} {attribute}>"


def broken_target(page: Path, root: Path, value: str) -> str | None:
    parts = urlsplit(value)
    if parts.scheme or parts.netloc:
        return None  # outside the site: not ours to crawl
    target = (page.parent / unquote(parts.path)).resolve() if parts.path else page
    if not target.is_relative_to(root.resolve()):
        return "points outside the site"
    if target.is_dir():
        target = target / "index.html"
    if not target.is_file():
        return "no such file"
    if parts.fragment and target.suffix == ".html":
        anchor = unquote(parts.fragment)
        soup = parse(target)
        if soup.find(id=anchor) is None and soup.find(attrs={"name": anchor}) is None:
            return f"no anchor #{anchor} in {target.relative_to(root.resolve())}"
    return None


def test_every_internal_link_and_anchor_resolves(site_html: Path) -> None:
    broken = []
    checked = 0
    for page in pages(site_html):
        for value, kind in local_targets(page):
            checked += 1
            problem = broken_target(page, site_html, value)
            if problem:
                broken.append(f"{page.relative_to(site_html)}: {kind} {value}: {problem}")
    assert checked > 1000
    assert broken == []


def heading_levels(page: Path) -> list[int]:
    """Levels of the headings a reader meets in the page's main content, in order; the
    theme's print-only copy of the title and contents is hidden on screen."""
    main = parse(page).find("main")
    assert isinstance(main, Tag), page
    return [
        int(heading.name[1])
        for heading in main.find_all(HEADING)
        if heading.find_parent(class_="onlyprint") is None
    ]


def skipped_levels(levels: list[int]) -> list[str]:
    problems = []
    previous = 0
    for level in levels:
        if level > previous + 1:
            problems.append(f"h{previous} to h{level}")
        previous = level
    return problems


def test_headings_start_at_one_h1_and_never_skip_a_level(site_html: Path) -> None:
    problems = {}
    for page in pages(site_html):
        levels = heading_levels(page)
        found = skipped_levels(levels) + ([] if levels.count(1) == 1 else ["not one h1"])
        if found:
            problems[str(page.relative_to(site_html))] = found
    assert problems == {}


@pytest.mark.parametrize(
    ("levels", "expected"),
    [([1, 2, 3, 2], []), ([1, 4], ["h1 to h4"]), ([1, 2, 2, 4], ["h2 to h4"])],
)
def test_the_heading_check_finds_skips(levels: list[int], expected: list[str]) -> None:
    assert skipped_levels(levels) == expected


def accessible_name(link: Tag) -> str:
    label = link.get("aria-label")
    return label if isinstance(label, str) else link.get_text(" ", strip=True)


def test_links_and_images_say_what_they_are(site_html: Path) -> None:
    problems = []
    for page in pages(site_html):
        soup = parse(page)
        where = page.relative_to(site_html)
        for image in soup.find_all("img"):
            if image.get("alt") is None:
                problems.append(f"{where}: image {image.get('src')} has no alt text")
        for link in soup.select("main a[href]"):
            name = accessible_name(link)
            if not name and not link.get("title"):
                problems.append(f"{where}: link to {link['href']} has no text")
            elif name.lower() in GENERIC_LINK_TEXTS:
                problems.append(f"{where}: link to {link['href']} only says {name!r}")
    assert problems == []
