"""What a build does when the bib is touched or edited: its content decides, not its time."""

from __future__ import annotations

import os
import time
from pathlib import Path

import pytest
from bs4 import BeautifulSoup

from tests.helpers.html import rewritten_pages
from tests.helpers.sphinx import MakeApp, build, html, warnings_of

pytestmark = pytest.mark.slow  # real Sphinx builds


def bibliography_text(page: str) -> str:
    """What sphinxcontrib-bibtex's ``{bibliography}`` printed on the page."""
    found = BeautifulSoup(page, "html.parser").select_one("div.citation-list")
    return found.get_text(" ") if found is not None else ""


KEPT = "paperrefs: bibliography unchanged, kept from the last build"
READ = "paperrefs: bibliography read"


def touch(path: Path) -> None:
    later = time.time_ns() + 2_000_000_000
    os.utime(path, ns=(later, later))


def test_a_touched_bib_is_not_read_again(make_app: MakeApp, site: Path) -> None:
    assert READ in build(make_app, site).status.getvalue()
    touch(site / "refs.bib")
    again = build(make_app, site)
    assert KEPT in again.status.getvalue()
    assert warnings_of(again) == ""


def test_an_edit_that_keeps_the_bib_time_is_still_read(make_app: MakeApp, site: Path) -> None:
    build(make_app, site)
    bib = site / "refs.bib"
    stat = bib.stat()
    bib.write_text(bib.read_text().replace("Proximal Policy", "Proximal-Policy"))
    os.utime(bib, ns=(stat.st_atime_ns, stat.st_mtime_ns))
    edited = build(make_app, site)
    assert READ in edited.status.getvalue()
    assert "Proximal-Policy" in html(edited, "papers/schulman2017proximal")


def test_touching_the_bib_rewrites_nothing(make_app: MakeApp, site: Path) -> None:
    """sphinxcontrib-bibtex makes the bib a dependency of each ``{bibliography}`` page, and
    Sphinx compares times: the page and its toctree parent were rewritten unchanged."""
    outdir = Path(build(make_app, site).outdir)
    stamp = time.time()
    time.sleep(0.05)
    touch(site / "refs.bib")
    build(make_app, site)
    assert sorted(rewritten_pages(outdir, stamp)) == ["genindex.html", "search.html"]


def test_editing_the_bib_still_rewrites_its_bibliography(make_app: MakeApp, site: Path) -> None:
    build(make_app, site)
    bib = site / "refs.bib"
    bib.write_text(bib.read_text().replace("Learning: An", "Learning: A New"))
    edited = build(make_app, site)
    assert "A New Introduction" in bibliography_text(html(edited, "references"))


BIBTEX_KEPT = "sphinxcontrib-bibtex's last result kept"


def test_the_bibtex_pass_runs_again_only_when_citations_change(
    make_app: MakeApp, site: Path
) -> None:
    first = build(make_app, site)
    assert BIBTEX_KEPT not in first.status.getvalue()
    again = build(make_app, site)
    assert BIBTEX_KEPT in again.status.getvalue()
    assert "Sutton and Barto" in html(again, "notes/preferences")
    note = site / "notes" / "policy.md"
    note.write_text(note.read_text() + "\n- see also {cite:p}`schulman2015trust`\n")
    cited = build(make_app, site)
    assert BIBTEX_KEPT not in cited.status.getvalue()
    assert warnings_of(cited) == ""
    assert "Trust region policy optimization" in bibliography_text(html(cited, "references"))
    assert "Schulman" in html(cited, "notes/policy")
    # A citing note read again, with the same citations in it, changes nothing the pass
    # reads, though its citations now come last in sphinxcontrib-bibtex's list.
    other = site / "notes" / "preferences.md"
    other.write_text(other.read_text() + "\nA remark added later.\n")
    reworded = build(make_app, site)
    assert "notes/preferences" in reworded.status.getvalue()  # read again
    assert BIBTEX_KEPT in reworded.status.getvalue()
    assert "Sutton and Barto" in html(reworded, "notes/preferences")


COUNTING_STYLE = '''
from pathlib import Path
from pybtex.plugin import register_plugin
from pybtex.style.formatting.plain import Style


class Counting(Style):
    """The plain style, noting each entry it formats."""

    def format_entry(self, label, entry, bib_data=None):
        with (Path(__file__).parent / "formatted.txt").open("a") as log:
            log.write(entry.key + "\\n")
        return super().format_entry(label, entry, bib_data=bib_data)


register_plugin("pybtex.style.formatting", "counting", Counting, force=True)
bibtex_default_style = "counting"
'''


def formatted(site: Path) -> list[str]:
    """The keys the counting style formatted since the last call."""
    log = site / "formatted.txt"
    keys = sorted(log.read_text().split()) if log.exists() else []
    log.unlink(missing_ok=True)
    return keys


def test_an_edited_entry_is_the_only_one_formatted_again(make_app: MakeApp, site: Path) -> None:
    """sphinxcontrib-bibtex's pass formats every cited entry twice, for the entry and its
    tooltip; here once, when both have the same style, and after an edit of one entry the
    others' formatting is the last build's."""
    (site / "conf.py").write_text((site / "conf.py").read_text() + COUNTING_STYLE)
    note = site / "notes" / "policy.md"
    note.write_text(note.read_text() + "\n- see also {cite:p}`schulman2015trust`\n")
    build(make_app, site)
    cited = ["schulman2015trust", "sutton2018reinforcement"]
    assert formatted(site) == cited
    bib = site / "refs.bib"
    bib.write_text(bib.read_text().replace("Trust Region", "Trusted Region"))
    edited = build(make_app, site)
    assert formatted(site) == ["schulman2015trust"]
    assert warnings_of(edited) == ""
    shown = bibliography_text(html(edited, "references"))
    assert "Trusted region policy optimization" in shown
    assert "Reinforcement Learning: An Introduction" in shown
    assert "Trusted region policy" in html(edited, "notes/policy")  # the {cite}'s tooltip
    # A style is code: changed in conf.py under the same name, it formats everything again.
    conf = site / "conf.py"
    conf.write_text(
        conf.read_text().replace(
            '    """The plain style, noting each entry it formats."""\n',
            '    """The plain style, noting each entry it formats."""\n\n'
            '    default_name_style = "lastfirst"\n',
        )
    )
    restyled = build(make_app, site)
    assert formatted(site) == cited
    assert "Barto, Andrew" in bibliography_text(html(restyled, "references"))


UP_TO_DATE = "checking bibtex cache... up to date"


def test_an_edited_entry_reaches_cite_without_a_whole_parse(make_app: MakeApp, site: Path) -> None:
    """sphinxcontrib-bibtex's reading is brought up to date entry by entry; an edit that
    kept the file's time, which it would not have seen, reaches ``{cite}`` as well."""
    first = build(make_app, site)
    assert "parsing bibtex file" in first.status.getvalue()
    bib = site / "refs.bib"
    stat = bib.stat()
    bib.write_text(bib.read_text().replace("Learning: An", "Learning: A New"))
    os.utime(bib, ns=(stat.st_atime_ns, stat.st_mtime_ns))
    edited = build(make_app, site)
    assert UP_TO_DATE in edited.status.getvalue()
    assert "parsing bibtex file" not in edited.status.getvalue()
    assert "A New Introduction" in bibliography_text(html(edited, "references"))
    assert "A New Introduction" in html(edited, "notes/preferences")  # the tooltip
    touch(bib)
    assert UP_TO_DATE in build(make_app, site).status.getvalue()


def test_a_bib_with_string_macros_is_parsed_whole(make_app: MakeApp, site: Path) -> None:
    """An ``@string`` changes how pybtex reads the entries that use it, which themselves
    stay as they were: no entry of such a bib is read alone."""
    bib = site / "refs.bib"
    text = bib.read_text().replace("publisher = {MIT Press}", "publisher = mitp")
    bib.write_text('@string{mitp = "MIT Press"}\n\n' + text)
    build(make_app, site)
    bib.write_text(bib.read_text().replace('"MIT Press"', '"The MIT Press"'))
    edited = build(make_app, site)
    assert "parsing bibtex file" in edited.status.getvalue()
    assert warnings_of(edited) == ""
    assert "The MIT Press" in bibliography_text(html(edited, "references"))


NEW_ENTRY = """
@misc{aardvark2019first,
  title = {A Paper That Sorts First},
  author = {Ann Aardvark},
  year = {2019},
}
"""


def test_a_new_entry_leaves_every_citation_anchor_and_citing_page_as_it_was(
    make_app: MakeApp, site: Path
) -> None:
    """A ``{cite}`` links to an anchor named for its entry: an entry added before it in the
    bib moves no anchor, so no citing page is rewritten, and outside links keep working."""
    outdir = Path(build(make_app, site).outdir)
    anchor = 'href="../references.html#cite-1-sutton2018reinforcement"'
    assert anchor in (outdir / "notes" / "preferences.html").read_text()
    assert 'id="cite-1-sutton2018reinforcement"' in (outdir / "references.html").read_text()
    stamp = time.time()
    time.sleep(0.05)
    bib = site / "refs.bib"
    bib.write_text(NEW_ENTRY + bib.read_text())
    build(make_app, site)
    assert "notes/preferences.html" not in rewritten_pages(outdir, stamp)
    assert "papers/aardvark2019first.html" in rewritten_pages(outdir, stamp)
