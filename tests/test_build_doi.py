"""Works known by DOI in a real Sphinx build: noted, linked, cited in, and warned about."""

from __future__ import annotations

import re
import shutil
import time
from io import StringIO
from pathlib import Path

import pytest
from sphinx.testing.util import SphinxTestApp

from tests.helpers.html import rewritten_pages
from tests.helpers.paths import ROOTS
from tests.helpers.sphinx import MakeApp, build, html

pytestmark = pytest.mark.slow  # real Sphinx builds


def text(page: str) -> str:
    return " ".join(re.sub(r"<[^>]+>", " ", page).split())


@pytest.mark.sphinx("html", testroot="doi", freshenv=True)
def test_a_doi_in_any_spelling_names_its_entry(app: SphinxTestApp) -> None:
    app.build()
    domain = app.env.domains["paperrefs"]
    notes = [note.key for note in domain.notes["notes/works"]]  # type: ignore[attr-defined]
    assert notes == ["fenner2015d21", "frank1970structure", ""]
    works = text(html(app, "notes/works"))
    assert "D2.1: Artefact, Contributor, And Organisation Relationship Data Schema" in works


@pytest.mark.sphinx("html", testroot="doi", freshenv=True)
def test_doi_links_count_as_citations_of_the_entry_that_carries_the_doi(
    app: SphinxTestApp,
) -> None:
    app.build()
    schema = text(html(app, "papers/fenner2015d21"))
    assert "Works without arXiv › The data schema (note)" in schema
    assert "Links › Passing mentions (link)" in schema
    dpo = text(html(app, "papers/rafailov2023direct"))
    assert "Links › Passing mentions (link)" in dpo  # through its publisher's DOI


@pytest.mark.sphinx("html", testroot="doi", freshenv=True)
def test_a_doi_the_bib_lacks_warns_with_its_place_and_the_command_to_add_it(
    app: SphinxTestApp, warning: StringIO
) -> None:
    app.build()
    warnings = re.sub(r"\x1b\[[0-9;]*m", "", warning.getvalue())
    assert re.search(
        r"notes/works\.md:\d+: WARNING: DOI 10\.1000/not-in-the-bib is not in the "
        r"bibliography; add it with `paperrefs add 10\.1000/not-in-the-bib` "
        r"\[paperrefs\.unresolved\]",
        warnings,
    ), warnings
    assert warnings.count("WARNING") == 1


def test_editing_a_doi_entry_rewrites_the_note_but_not_the_page_that_only_links_it(
    make_app: MakeApp, tmp_path: Path
) -> None:
    site = tmp_path / "doi"
    shutil.copytree(ROOTS / "test-doi", site)
    outdir = Path(build(make_app, site).outdir)
    stamp = time.time()
    time.sleep(0.05)
    bib = site / "refs.bib"
    bib.write_text(bib.read_text().replace("Data Schema}", "Data Schema, Revised}"))
    build(make_app, site)
    rewritten = rewritten_pages(outdir, stamp)
    assert "papers/fenner2015d21.html" in rewritten
    assert "notes/works.html" in rewritten  # its note card shows the title
    assert "notes/links.html" not in rewritten  # only links to it


@pytest.mark.sphinx("html", testroot="doi", freshenv=True)
def test_the_page_of_an_arxiv_paper_says_where_it_was_published(app: SphinxTestApp) -> None:
    app.build()
    page = html(app, "papers/rafailov2023direct")
    assert "Published: doi:10.5555/NeurIPS.2023.Direct" in text(page)
    assert 'href="https://doi.org/10.5555/NeurIPS.2023.Direct"' in page
    assert "Published" not in text(html(app, "papers/frank1970structure"))  # is the publication
