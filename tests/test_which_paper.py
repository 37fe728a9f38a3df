"""One answer to "which arXiv paper is this entry", shared by the command line and the build.

An ``eprint`` shaped like an arXiv ID under another archive's ``archiveprefix`` once made
``paperrefs`` say "already in the bib" while the build said "not in the bibliography".
"""

from __future__ import annotations

from pathlib import Path

import pytest
from paperrefs.bibfile import parse_bib
from paperrefs.ids import parse_arxiv_id
from paperrefs.library import Library

from tests.helpers.cli import run_paperrefs
from tests.helpers.sphinx import MakeApp, build, warnings_of

pytestmark = pytest.mark.slow  # a real Sphinx build and the command line

ENTRY = """@misc{{other2023paper,
  title = {{A Paper Elsewhere}},
  author = {{Ann Other}},
  year = {{2023}},
  eprint = {{2305.18290}},{prefix}
}}
"""


@pytest.mark.parametrize(
    ("prefix", "is_arxiv"),
    [
        ("", True),
        ("\n  archiveprefix = {arXiv},", True),
        ("\n  archiveprefix = {ARXIV},", True),
        ("\n  eprinttype = {arxiv},", True),
        ("\n  archiveprefix = {HAL},", False),
        ("\n  eprinttype = {hal},", False),
    ],
    ids=["no prefix", "arXiv", "upper case", "eprinttype", "HAL", "eprinttype hal"],
)
def test_the_file_and_the_site_agree_on_which_paper_an_entry_is(
    prefix: str, is_arxiv: bool
) -> None:
    document = parse_bib(ENTRY.format(prefix=prefix), Path("papers.bib"))
    library = Library(document.entries)
    arxiv_id = parse_arxiv_id("2305.18290v2")
    in_file = document.by_eprint(str(arxiv_id))
    on_site = library.by_arxiv(arxiv_id)
    assert (in_file is not None) is is_arxiv
    assert (on_site is not None) is is_arxiv
    assert document.entries[0].arxiv_id == (arxiv_id.unversioned if is_arxiv else None)


def test_check_and_build_both_call_an_other_archives_eprint_missing(
    make_app: MakeApp, site: Path
) -> None:
    bib = site / "refs.bib"
    text = bib.read_text(encoding="utf-8")
    assert "  archiveprefix = {arXiv},\n  primaryclass = {cs.LG}," in text
    bib.write_text(
        text.replace(
            "archiveprefix = {arXiv},\n  primaryclass = {cs.LG},",
            "archiveprefix = {HAL},\n  primaryclass = {cs.LG},",
            1,
        ),
        encoding="utf-8",
    )
    check = run_paperrefs(["check", "--bib", str(bib), "--docs", str(site)], site)
    assert "arXiv:2305.18290 is cited but not in" in check.stderr
    assert check.returncode == 2
    warnings = warnings_of(build(make_app, site))
    assert "arXiv:2305.18290 is not in the bibliography" in warnings
