"""Hostile metadata from the network, through ``paperrefs add``, into ``papers.bib``.

A local server plays arXiv and serves titles, names, abstracts and DOIs carrying markup,
BibTeX break-outs, URLs with dangerous schemes, right-to-left text, emoji, combining
characters and a 1,000-author list. The bibliography that comes out must hold each text
as text: no field escapes its braces, no link target other than arXiv's, and BibTeX,
biber, pybtex and our own reader all read it back without a complaint.
"""

from __future__ import annotations

import subprocess
from dataclasses import replace
from pathlib import Path

import pybtex.errors
import pytest
from paperrefs.bibfile import BibEntry, read_bib
from paperrefs.entry import clean_text
from pybtex.database import parse_file

from tests.helpers.bibs import undo_escapes
from tests.helpers.cli import run_paperrefs
from tests.helpers.fake_arxiv import FakeArxiv, Paper, serving
from tests.helpers.paths import require_tool

pytestmark = pytest.mark.slow  # the command line against a server; BibTeX and biber


def hostile(title: str, authors: tuple[str, ...] = ("Eve Mallory",), **more: str) -> Paper:
    """A paper as the hostile server describes it."""
    fields = {"abstract": "An abstract.", **more}
    date = "2025-01-02T00:00:00Z"
    return Paper(title, authors, published=date, updated=date, **fields)


BREAKOUT = "Innocent}, url = {javascript:alert(1)}, x = {"
HOSTILE: dict[str, Paper] = {
    "2501.00001": hostile(
        "<script>alert('title')</script> &lt;b&gt;bold&lt;/b&gt; &amp;amp; <img src=x onerror=1>",
        ("<script>alert(1)</script> Smith", "O'Brien &amp; Sons"),
        abstract="<script>alert('abstract')</script>",
    ),
    "2501.00002": hostile(
        "MyST `code` *em* [x](javascript:alert(1)) {cite}`key` ```{include} /etc/passwd``` "
        "::: {raw} html # Heading .. raw:: html :role:`x` |subst|",
    ),
    "2501.00003": hostile(BREAKOUT, (BREAKOUT,), doi="javascript:alert(1)"),
    "2501.00004": hostile("Data URL data:text/html,<script>1</script>", doi="data:text/html,x"),
    "2501.00005": hostile(
        "עברית العربية mixed \u202eevil\u202c text \U0001f600\U0001f680 e\u0301\u0302 Z\u0335",
        ("Zoë Ça\u0327", "\u05d3\u05d5\u05d3 \u05dc\u05d5\u05d9"),
    ),
    "2501.00006": hostile(
        "Specials % & # _ $x^2$ { } \\ ~ ^ and a\n   hard   line break",
        tuple(f"Author{n:04d} Person" for n in range(1000)),
    ),
    "2501.00007": replace(hostile("No published date"), published=None),
}


@pytest.fixture(scope="module")
def written(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The bib after ``paperrefs add`` of every hostile paper (built once: it is slow)."""
    folder = tmp_path_factory.mktemp("hostile")
    (folder / "bib").mkdir()
    fake = FakeArxiv()
    for arxiv_id, paper in HOSTILE.items():
        fake.add(arxiv_id, paper=paper)
    with serving(fake):
        result = run_paperrefs(["add", *HOSTILE], folder, fake.url)
    assert result.returncode == 0, result.stderr
    assert len(result.stdout.split()) == len(HOSTILE)
    return folder / "bib" / "papers.bib"


@pytest.mark.parametrize(
    "paper",
    [
        hostile(""),
        hostile(" \n\t "),
        hostile("Nobody wrote this", authors=()),
        hostile("Blank names", authors=("", "  ")),
    ],
    ids=["empty-title", "blank-title", "no-authors", "blank-authors"],
)
def test_an_entry_without_title_or_authors_is_refused_not_written(
    arxiv: FakeArxiv, tmp_path: Path, paper: Paper
) -> None:
    arxiv.add("2501.00008", paper=paper)
    bib = tmp_path / "bib" / "papers.bib"
    bib.parent.mkdir()
    bib.write_text("% header\n", encoding="utf-8")
    result = run_paperrefs(["add", "2501.00008"], tmp_path, arxiv.url)
    assert result.returncode == 1
    assert "error: could not fetch 2501.00008: arXiv's entry for it has no " in result.stderr
    assert bib.read_text(encoding="utf-8") == "% header\n"


def entries(bib: Path) -> dict[str, BibEntry]:
    return {entry.fields["eprint"]: entry for entry in read_bib(bib).entries}


def test_every_paper_is_one_entry_with_only_our_fields(written: Path) -> None:
    found = entries(written)
    assert sorted(found) == sorted(HOSTILE)
    allowed = {
        "title",
        "author",
        "year",
        "eprint",
        "version",
        "archiveprefix",
        "primaryclass",
        "doi",
        "url",
        "abstract",
    }
    for entry in found.values():
        assert set(entry.fields) <= allowed, entry.key
        assert entry.entry_type == "misc"


def test_the_only_link_targets_are_arxivs_own(written: Path) -> None:
    for arxiv_id, entry in entries(written).items():
        assert entry.fields["url"] == f"https://arxiv.org/abs/{arxiv_id}"
        assert entry.fields["doi"] == f"10.48550/arXiv.{arxiv_id}"
    text = written.read_text(encoding="utf-8")
    assert "url           = {javascript" not in text
    assert "doi           = {data:" not in text


def test_every_text_reads_back_as_it_was_sent(written: Path) -> None:
    found = entries(written)
    for arxiv_id, paper in HOSTILE.items():
        entry = found[arxiv_id]
        shown = undo_escapes(entry.fields["title"])
        assert shown == clean_text(paper.title or ""), arxiv_id


def test_pybtex_reads_every_entry_and_author_without_errors(written: Path) -> None:
    with pybtex.errors.capture() as problems:
        database = parse_file(str(written), "bibtex")
    assert problems == []
    by_eprint = {entry.fields["eprint"]: entry for entry in database.entries.values()}
    assert len(by_eprint["2501.00006"].persons["author"]) == 1000
    assert len(by_eprint["2501.00001"].persons["author"]) == 2
    assert len(by_eprint["2501.00003"].persons["author"]) == 1  # the break-out is one name


BIBTEX_DOC = r"""\documentclass{article}
\begin{document}
\nocite{*}
\bibliographystyle{plain}
\bibliography{papers}
\end{document}
"""

BIBER_DOC = r"""\documentclass{article}
\usepackage[backend=biber]{biblatex}
\addbibresource{papers.bib}
\begin{document}
\nocite{*}
\printbibliography
\end{document}
"""


def tex_run(folder: Path, *command: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        command, cwd=folder, capture_output=True, text=True, errors="replace", timeout=300
    )


@pytest.mark.tex
def test_bibtex_reads_it_without_errors_or_warnings(written: Path, tmp_path: Path) -> None:
    bibtex = require_tool("bibtex")
    (tmp_path / "papers.bib").write_bytes(written.read_bytes())
    # BibTeX needs only the .aux LaTeX would write; writing it directly skips LaTeX,
    # whose fonts cannot typeset emoji or Hebrew anyway.
    (tmp_path / "doc.aux").write_text("\\citation{*}\n\\bibstyle{plain}\n\\bibdata{papers}\n")
    result = tex_run(tmp_path, bibtex, "doc")
    log = (tmp_path / "doc.blg").read_text(encoding="utf-8", errors="replace")
    assert result.returncode == 0, log
    assert "You've used 7 entries" in log
    assert "Warning" not in log
    assert "error" not in log.lower()


@pytest.mark.tex
def test_biber_reads_it_without_errors_or_warnings(written: Path, tmp_path: Path) -> None:
    biber = require_tool("biber")
    (tmp_path / "papers.bib").write_bytes(written.read_bytes())
    (tmp_path / "doc.tex").write_text(BIBER_DOC)
    pdflatex = require_tool("pdflatex")
    tex_run(tmp_path, pdflatex, "-interaction=nonstopmode", "doc.tex")
    result = tex_run(tmp_path, biber, "--validate-datamodel", "doc")
    log = (tmp_path / "doc.blg").read_text(encoding="utf-8", errors="replace")
    assert result.returncode == 0, log
    assert "WARN" not in log
    assert "ERROR" not in log
    bbl = (tmp_path / "doc.bbl").read_text(encoding="utf-8")
    assert bbl.count("\\entry{") == 7
