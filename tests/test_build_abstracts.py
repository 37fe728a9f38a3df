"""Abstracts, titles with TeX, "and others", link labels and cite snippets in a built site.

The scenario is tests/roots/test-abstracts: an arXiv entry whose title and abstract hold
TeX (``$\\omega$Test``, ``$\\{1, \\dots, n\\}$``, ``%``, ``&``, ``#``, lone braces), an entry
without an abstract, a book with a URL of its own, and an author list that ends in
"and others", cited by ``{cite}``.
"""

from __future__ import annotations

import json
import os
import re
import time
from html import unescape
from pathlib import Path

import pytest
from bs4 import BeautifulSoup
from sphinx.testing.util import SphinxTestApp

from tests.helpers.html import rewritten_pages, text_of
from tests.helpers.paths import copy_root
from tests.helpers.sphinx import MakeApp, build, html, warnings_of

pytestmark = pytest.mark.slow  # real Sphinx builds

OMEGA = "papers/hu2023omegatest"
ABSTRACT_START = "We show that"


def parsed(app: SphinxTestApp, page: str) -> BeautifulSoup:
    return BeautifulSoup(html(app, page), "html.parser")


@pytest.mark.sphinx("html", testroot="abstracts", freshenv=True)
def test_paper_page_shows_the_abstract_with_its_math(app: SphinxTestApp) -> None:
    app.build()
    assert warnings_of(app) == ""
    page = parsed(app, OMEGA)
    abstract = page.select_one("p.paperrefs-abstract")
    assert abstract is not None
    maths = [span.get_text() for span in abstract.select("span.math")]
    assert maths == [r"\(p\)", r"\(i \in \{1, \dots, n\}\)", r"\(\mathcal{O}(n^2)\)"]
    text = abstract.get_text()
    assert "100% of apps & #1 of the benchmarks" in text
    assert "An unbalanced { brace, a } and a price of $5 stay text." in text
    assert "textbackslash" not in text
    assert "\\$" not in text
    assert page.find("script", src=re.compile("mathjax")) is not None


@pytest.mark.sphinx("html", testroot="abstracts")
def test_an_entry_without_an_abstract_shows_none(app: SphinxTestApp) -> None:
    app.build()
    page = parsed(app, "papers/tester2023paper")
    assert page.select_one(".paperrefs-abstract") is None
    assert page.select_one("section#abstract") is None
    assert page.find("script", src=re.compile("mathjax")) is None


@pytest.mark.sphinx("html", testroot="abstracts")
def test_a_title_with_math_renders_on_pages_and_reads_as_text_elsewhere(
    app: SphinxTestApp,
) -> None:
    app.build()
    page = parsed(app, OMEGA)
    heading = page.select_one("section#paper-hu2023omegatest > h1")
    assert heading is not None
    assert heading.select_one("span.math") is not None
    assert page.title is not None
    assert page.title.get_text().startswith("ωTest: WebView-Oriented Testing")
    for shown in ("notes/testing", "references", "changelog"):
        title = parsed(app, shown).find("span", class_="math", string=r"\(\omega\)")
        assert title is not None, f"the title's math is not rendered on {shown}"
    script = (Path(app.outdir) / "searchindex.js").read_text(encoding="utf-8")
    searchindex = json.loads(script.removeprefix("Search.setIndex(").removesuffix(")"))
    assert "ωTest: WebView-Oriented Testing for Android Applications" in searchindex["titles"]
    assert not [title for title in searchindex["titles"] if "$" in title or "\\" in title]


@pytest.mark.sphinx("html", testroot="abstracts")
def test_tooltips_and_feed_are_plain_text(app: SphinxTestApp) -> None:
    app.build()
    note = parsed(app, "notes/testing")
    tips = [link["title"] for link in note.select("a[title]") if "ωTest" in link["title"]]
    assert tips, "no citation of the paper carries a preview"
    tip = tips[0]
    assert tip.startswith("ωTest: WebView-Oriented Testing for Android Applications — Jiajun Hu")
    assert " · Abstract: We show that p holds for every i ∈" in tip
    assert "$" not in tip.split("price of")[0]
    assert "\\" not in tip
    feed = (Path(app.outdir) / "feed.xml").read_text(encoding="utf-8")
    assert "ωTest: WebView-Oriented Testing for Android Applications." in feed
    assert "\\omega" not in feed
    assert "$" not in feed


@pytest.mark.sphinx("html", testroot="abstracts")
def test_a_paper_page_is_described_by_the_first_sentence_of_its_abstract(
    app: SphinxTestApp,
) -> None:
    app.build()
    page = (Path(app.outdir) / f"{OMEGA}.html").read_text(encoding="utf-8")
    found = re.search(r'<meta property="og:description" content="([^"]*)"', page)
    assert found is not None
    description = unescape(found.group(1))
    assert description.startswith("We show that p holds for every i")
    assert "$" not in description
    assert "\\" not in description
    assert "An unbalanced" not in description  # the second sentence
    assert f'<meta name="description" content="{found.group(1)}"' in page


@pytest.mark.sphinx("html", testroot="abstracts")
def test_names_labels_and_journal_references_say_what_they_are(app: SphinxTestApp) -> None:
    app.build()
    others = text_of(html(app, "papers/porres2021cited"))
    assert "Ann Porres, Bob Smith, et al." in others
    assert "others" not in others.split("BibTeX")[0]
    book = parsed(app, "papers/knuth1984texbook")
    labels = {link.get_text(): link["href"] for link in book.select("a.paperrefs-button")}
    assert labels == {"Book page": "https://example.org/texbook"}
    omega = text_of(html(app, OMEGA))
    assert "Journal reference: ISSTA 2023" in omega
    index = text_of(html(app, "references"))
    assert "Cited by Its Key — Porres et al., 2021" in index


@pytest.mark.sphinx("html", testroot="abstracts")
def test_cited_in_snippets_show_citations_as_readers_see_them(app: SphinxTestApp) -> None:
    app.build()
    cited = parsed(app, "papers/porres2021cited").select_one("p.paperrefs-snippet")
    assert cited is not None
    assert cited.get_text() == "extends the test generator of Porres et al., 2021 to web views"
    textual = parsed(app, "papers/knuth1984texbook").select_one("p.paperrefs-snippet")
    assert textual is not None
    assert textual.get_text() == "compare with Tester, 2023 and Knuth (1984)"


@pytest.mark.sphinx("html", testroot="abstracts")
def test_the_bibliography_reads_the_escapes_back_and_renders_the_math(
    app: SphinxTestApp,
) -> None:
    app.build()
    entry = parsed(app, "bibliography").find("div", class_="citation")
    assert entry is not None
    assert entry.find("span", class_="math", string=r"\(\omega\)") is not None
    assert "\\$" not in entry.get_text()
    assert "textbackslash" not in entry.get_text()
    others = [
        cited
        for cited in parsed(app, "bibliography").select("div.citation")
        if "Porres" in cited.get_text()
    ]
    assert "Ann Porres, Bob Smith, et al. Cited by its key." in others[0].get_text()


@pytest.mark.sphinx("html", testroot="abstracts")
def test_a_cite_tooltip_reads_like_the_bibliography(app: SphinxTestApp) -> None:
    app.build()
    tips = [link["title"] for link in parsed(app, "notes/testing").select(".bibtex-citation a")]
    assert "Ann Porres, Bob Smith, et al. Cited by its key. Workshop on Keys, 2021." in tips


@pytest.mark.sphinx("latex", testroot="abstracts")
def test_latex_gets_the_math_of_metadata_as_text(app: SphinxTestApp) -> None:
    app.build()
    tex = next(Path(app.outdir).glob("*.tex")).read_text(encoding="utf-8")
    assert "ωTest: WebView" in tex
    assert r"\(\omega\)" not in tex
    assert "Shing\\sphinxhyphen{}Chi Cheung. ωtest: WebView" in tex  # the bibliography
    assert "\\$" not in tex


def test_editing_an_abstract_rewrites_the_pages_that_show_it(
    make_app: MakeApp, tmp_path: Path
) -> None:
    """The paper page shows the abstract and every citation's preview shows its start;
    the index and changelog follow any change of the entry. sphinxcontrib-bibtex's
    bibliography page does not: its style shows no abstract, so it is not rewritten."""
    site = copy_root("abstracts", tmp_path)
    outdir = Path(build(make_app, site).outdir)
    stamp = time.time()
    time.sleep(0.05)
    bib = site / "refs.bib"
    bib.write_text(bib.read_text(encoding="utf-8").replace("We show", "We prove"))
    os.utime(bib)
    build(make_app, site)
    assert sorted(rewritten_pages(outdir, stamp)) == [
        "changelog.html",
        "genindex.html",
        "index.html",  # the toctree parent of the re-read note
        "notes/testing.html",  # its citations' previews show the abstract
        OMEGA + ".html",
        # The papers read with it: their lists preview it, abstract included.
        "papers/knuth1984texbook.html",
        "papers/porres2021cited.html",
        "papers/tester2023paper.html",
        "references.html",
        "search.html",
    ]
    assert "We prove that" in text_of(html_of(outdir, OMEGA))


def html_of(outdir: Path, page: str) -> str:
    return (outdir / f"{page}.html").read_text(encoding="utf-8")
