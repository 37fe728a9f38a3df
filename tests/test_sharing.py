"""How pages are shared and found, through real builds: a sitemap of every page (paper pages
too, after an incremental or a parallel build as well), link-preview metadata, the favicon;
the site's address from ``html_baseurl`` or, on Read the Docs, ``READTHEDOCS_CANONICAL_URL``;
no sitemap and no warning without an address."""

from __future__ import annotations

import os
import queue
import re
import subprocess
import sys
from pathlib import Path

import pytest
from bs4 import BeautifulSoup
from paperrefs.environment import CANONICAL_URL
from paperrefs.library import Library
from paperrefs.sphinxext.render import tooltip

from tests.helpers.html import soup
from tests.helpers.sphinx import MakeApp, build, html, warnings_of

pytestmark = pytest.mark.slow  # real Sphinx builds

SITE = "https://notes.example.org/"
RTD = "https://notes.readthedocs.io/en/latest/"
OUTSIDE_SITEMAP = {"search.html", "genindex.html"}


def without_baseurl(site: Path) -> Path:
    conf = site / "conf.py"
    text = re.sub(r"(?m)^html_baseurl = .*$", "", conf.read_text(encoding="utf-8"))
    conf.write_text(text, encoding="utf-8")
    return site


def sitemap_links(outdir: Path) -> list[str]:
    text = (outdir / "sitemap.xml").read_text(encoding="utf-8")
    return re.findall(r"<loc>(.*?)</loc>", text)


def pages(outdir: Path) -> set[str]:
    return {
        path.relative_to(outdir).as_posix()
        for path in outdir.rglob("*.html")
        if not {"_static", "_sources"} & set(path.relative_to(outdir).parts)
    }


def meta(page: BeautifulSoup, name: str) -> str:
    tag = page.find("meta", attrs={"property": name}) or page.find("meta", attrs={"name": name})
    assert tag is not None, name
    return str(tag["content"])


def test_the_sitemap_lists_every_page_at_the_sites_address(make_app: MakeApp, site: Path) -> None:
    app = build(make_app, site)
    assert warnings_of(app) == ""
    outdir = Path(app.outdir)
    links = sitemap_links(outdir)
    assert links == sorted(links)
    assert {SITE + page for page in pages(outdir) - OUTSIDE_SITEMAP} == set(links)
    assert len(links) == len(set(links))
    assert SITE + "papers/schulman2015trust.html" in links  # orphan stubs are listed


def test_an_incremental_or_parallel_build_keeps_the_whole_sitemap(
    make_app: MakeApp, site: Path
) -> None:
    app = build(make_app, site)
    whole = (Path(app.outdir) / "sitemap.xml").read_bytes()
    # One process writes every page: no server process for a shared queue was started.
    assert type(app.sitemap_links) is queue.Queue  # type: ignore[attr-defined]
    note = site / "notes" / "policy.md"
    note.write_text(note.read_text(encoding="utf-8") + "\nOne more line.\n", encoding="utf-8")
    again = build(make_app, site)
    assert (Path(again.outdir) / "sitemap.xml").read_bytes() == whole

    parallel = build(make_app, site, parallel=2, freshenv=True)
    assert (Path(parallel.outdir) / "sitemap.xml").read_bytes() == whole
    assert type(parallel.sitemap_links) is not queue.Queue  # type: ignore[attr-defined]


def test_a_paper_page_is_previewed_as_its_paper(make_app: MakeApp, site: Path) -> None:
    app = build(make_app, site)
    page = BeautifulSoup(html(app, "papers/schulman2015trust"), "html.parser")
    paper = Library.load(site / "refs.bib").by_key("schulman2015trust")
    assert paper is not None
    assert meta(page, "og:title") == "Trust Region Policy Optimization"
    assert meta(page, "og:description") == tooltip(paper)
    assert meta(page, "description") == tooltip(paper)
    assert "Sergey Levine" in meta(page, "og:description")
    assert meta(page, "og:url") == SITE + "papers/schulman2015trust.html"
    assert meta(page, "og:type") == "website"
    assert meta(page, "twitter:card") == "summary"
    assert len(page.find_all("meta", attrs={"name": "description"})) == 1
    # A note page is described by its own text.
    note = BeautifulSoup(html(app, "notes/policy"), "html.parser")
    assert meta(note, "og:url") == SITE + "notes/policy.html"
    assert meta(note, "og:description")


def test_every_page_has_the_favicon(make_app: MakeApp, site: Path) -> None:
    app = build(make_app, site)
    outdir = Path(app.outdir)
    for name in ("index.html", "papers/schulman2015trust.html"):
        icon = soup(outdir / name).find("link", rel="icon")
        assert icon is not None, name
        assert (outdir / name).parent.joinpath(str(icon["href"])).resolve().is_file()
        assert str(icon["href"]).endswith("paperrefs-favicon.svg")


def test_a_sites_own_favicon_wins(make_app: MakeApp, site: Path) -> None:
    (site / "mine.png").write_bytes(b"\x89PNG\r\n\x1a\n")
    with (site / "conf.py").open("a", encoding="utf-8") as conf:
        conf.write('\nhtml_favicon = "mine.png"\n')
    app = build(make_app, site)
    icon = BeautifulSoup(html(app, "index"), "html.parser").find("link", rel="icon")
    assert icon is not None
    assert str(icon["href"]).endswith("mine.png")


def test_on_read_the_docs_every_url_is_the_canonical_one(
    make_app: MakeApp, site: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv(CANONICAL_URL, RTD)
    monkeypatch.setenv("READTHEDOCS", "True")
    app = build(make_app, without_baseurl(site))
    assert warnings_of(app) == ""
    outdir = Path(app.outdir)
    links = sitemap_links(outdir)
    assert RTD + "papers/schulman2015trust.html" in links
    assert all(link.startswith(RTD) for link in links)
    assert not any("1.0" in link for link in links)  # the version is in the address once
    page = BeautifulSoup(html(app, "papers/schulman2015trust"), "html.parser")
    assert meta(page, "og:url") == RTD + "papers/schulman2015trust.html"
    canonical = page.find("link", rel="canonical")
    assert canonical is not None
    assert canonical["href"] == RTD + "papers/schulman2015trust.html"


def test_without_an_address_there_is_no_sitemap_and_no_warning(
    make_app: MakeApp, site: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.delenv(CANONICAL_URL, raising=False)
    with (without_baseurl(site) / "conf.py").open("a", encoding="utf-8") as conf:
        conf.write('\npaperrefs_feed = ""\n')
    app = build(make_app, site)
    assert warnings_of(app) == ""
    assert not (Path(app.outdir) / "sitemap.xml").exists()
    page = BeautifulSoup(html(app, "papers/schulman2015trust"), "html.parser")
    assert meta(page, "og:title") == "Trust Region Policy Optimization"


# A stand-in for matplotlib that leaves a mark when imported and offers nothing else, so
# sphinxext-opengraph, finding no pyplot in it, draws no cards either way.
MARKING_MATPLOTLIB = "import pathlib, os\npathlib.Path(os.environ['IMPORTED_MARK']).touch()\n"


@pytest.mark.parametrize("cards", [False, True])
def test_matplotlib_is_imported_only_for_social_cards(
    site: Path, tmp_path: Path, cards: bool
) -> None:
    """An installed matplotlib costs every build its pyplot import unless the import is
    left out; a site that turns social cards on still gets it."""
    fake = tmp_path / "fake" / "matplotlib"
    fake.mkdir(parents=True)
    (fake / "__init__.py").write_text(MARKING_MATPLOTLIB)
    if cards:
        with (site / "conf.py").open("a") as conf:
            conf.write('ogp_social_cards = {"enable": True}\n')
    mark = tmp_path / "imported"
    paths = [str(fake.parent), *filter(None, [os.environ.get("PYTHONPATH")])]
    env = {**os.environ, "PYTHONPATH": os.pathsep.join(paths), "IMPORTED_MARK": str(mark)}
    command = [sys.executable, "-m", "sphinx", "-q", "-b", "html", str(site), str(tmp_path / "out")]
    run = subprocess.run(command, env=env, capture_output=True, text=True, timeout=300)
    assert run.returncode == 0, run.stderr
    assert mark.exists() is cards
