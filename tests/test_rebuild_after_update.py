"""After the bibliography changes through the command line, an incremental build rewrites
the pages that show the changed entries and nothing else.

The commands run as real processes against a fake arXiv and a doi.org stand-in on
127.0.0.1; the builds are real Sphinx builds of a copy of ``tests/roots/test-doi``.
"""

from __future__ import annotations

import json
import shutil
import time
from pathlib import Path

import pytest
from pytest_httpserver import HTTPServer

from tests.helpers.cli import run_paperrefs
from tests.helpers.fake_arxiv import FakeArxiv, Paper
from tests.helpers.fake_doi import FIXTURES, SCIENCE, serve_doi
from tests.helpers.html import rewritten_pages
from tests.helpers.paths import ROOTS
from tests.helpers.sphinx import MakeApp, build

pytestmark = pytest.mark.slow  # real Sphinx builds and the command line against servers

# Pages every build rewrites whatever changed: Sphinx's own index and search page.
ALWAYS = {"genindex.html", "search.html"}


def site_with(tmp_path: Path, early_frank: bool = False) -> Path:
    site = tmp_path / "doi"
    shutil.copytree(ROOTS / "test-doi", site)
    if early_frank:  # the entry as written before the article had its volume and pages
        bib = site / "refs.bib"
        lines = bib.read_text(encoding="utf-8").splitlines(keepends=True)
        kept = [line for line in lines if not line.startswith(("  volume ", "  pages "))]
        assert len(kept) == len(lines) - 2
        bib.write_text("".join(kept), encoding="utf-8")
    return site


# The recorded answer without its abstract: the entry in the test root has none, and one
# filled in would rightly rewrite every page whose previews show it.
WITHOUT_ABSTRACT = json.dumps(
    {name: value for name, value in json.loads(SCIENCE).items() if name != "abstract"}
).encode()


def rebuilt_after(make_app: MakeApp, site: Path, change: list[str], server: str) -> set[str]:
    """Build, run ``paperrefs CHANGE`` on the site's bib, build again: the pages rewritten."""
    outdir = Path(build(make_app, site).outdir)
    stamp = time.time()
    time.sleep(0.05)
    run = run_paperrefs([*change, "--bib", str(site / "refs.bib")], site, server)
    assert run.returncode == 0, run.stderr
    build(make_app, site)
    return rewritten_pages(outdir, stamp)


def test_filling_in_a_doi_entry_rewrites_its_page_alone(
    make_app: MakeApp, httpserver: HTTPServer, arxiv: FakeArxiv, tmp_path: Path
) -> None:
    site = site_with(tmp_path, early_frank=True)
    serve_doi(httpserver, "10.1126/science.169.3946.635", WITHOUT_ABSTRACT)
    doi_url = ["--doi-url", httpserver.url_for("")]
    change = ["update", "frank1970structure", "--apply", *doi_url]
    rewritten = rebuilt_after(make_app, site, change, arxiv.url)
    # The note's card shows title, authors and year, none of which changed.
    assert rewritten == ALWAYS | {"papers/frank1970structure.html"}


def test_a_new_version_on_arxiv_rewrites_the_pages_that_show_the_entry(
    make_app: MakeApp, arxiv: FakeArxiv, tmp_path: Path
) -> None:
    site = site_with(tmp_path)
    arxiv.add(
        "2305.18290",
        version=3,
        paper=Paper(
            title="Direct Preference Optimization: Your Language Model is Secretly a Reward Model",
            authors=("Rafael Rafailov", "Archit Sharma"),
            journal_ref="NeurIPS 2023",
            abstract="",  # none, as the entry has none: only the version and venue change
        ),
    )
    change = ["update", "rafailov2023direct", "--apply"]
    rewritten = rebuilt_after(make_app, site, change, arxiv.url)
    # Only its own page: the notes that show it link it plainly, by its publisher's DOI.
    assert rewritten == ALWAYS | {"papers/rafailov2023direct.html"}


def test_a_new_version_rewrites_only_the_notes_that_show_a_version(
    make_app: MakeApp, arxiv: FakeArxiv, tmp_path: Path
) -> None:
    site = site_with(tmp_path)
    notes = site / "notes"
    covered = "# Covered\n\n## DPO as first posted\n```{paper} 2305.18290v1\n```\n- read early\n"
    (notes / "covered.md").write_text(covered)
    cited = "# Cited\n\n## In passing\n- no reward model, as in {arxiv}`2305.18290`\n"
    (notes / "cited.md").write_text(cited)
    index = site / "index.md"
    index.write_text(
        index.read_text().replace("notes/links\n", "notes/links\nnotes/covered\nnotes/cited\n")
    )
    # Only the version is new: the title, authors and (missing) venue stay as the bib has them.
    title = "Direct Preference Optimization: Your Language Model is Secretly a Reward Model"
    authors = ("Rafael Rafailov", "Archit Sharma")
    arxiv.add("2305.18290", version=3, paper=Paper(title=title, authors=authors, abstract=""))
    change = ["update", "rafailov2023direct", "--apply"]
    rewritten = rebuilt_after(make_app, site, change, arxiv.url)
    assert "notes/covered.html" in rewritten
    page = (site / "_build" / "html" / "notes" / "covered.html").read_text(encoding="utf-8")
    assert "this note covers v1; latest v3" in page
    # Its citation names the paper and links it, with a preview: no version in any of them.
    assert "notes/cited.html" not in rewritten


def test_a_new_doi_entry_adds_its_page_and_rewrites_nothing_else(
    make_app: MakeApp, httpserver: HTTPServer, arxiv: FakeArxiv, tmp_path: Path
) -> None:
    site = site_with(tmp_path)
    doi = "10.1101/2020.12.01.406702"
    serve_doi(
        httpserver, doi, (FIXTURES / "works_crossref_10.1101_2020.12.01.406702.json").read_bytes()
    )
    change = ["add", doi, "--doi-url", httpserver.url_for("")]
    rewritten = rebuilt_after(make_app, site, change, arxiv.url)
    assert rewritten == ALWAYS | {"papers/joyce2020identification.html"}
