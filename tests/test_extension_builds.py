"""Bad input, hostile metadata, incremental and parallel builds of the test site.

Bad input and hostile metadata are static scenarios in tests/roots/ (test-bad-input,
test-hostile-bib); the incremental and parallel builds edit private copies of test-site."""

from __future__ import annotations

import json
import os
import shutil
import time
from io import StringIO
from pathlib import Path

import pytest
from bs4 import BeautifulSoup
from sphinx.testing.util import SphinxTestApp
from sphinx.util.console import strip_escape_sequences

from tests.helpers.html import body_texts, rewritten_pages
from tests.helpers.sphinx import MakeApp, build, html, warnings_of

pytestmark = pytest.mark.slow  # real Sphinx builds


@pytest.mark.sphinx("html", testroot="bad-input", freshenv=True)
def test_unresolved_and_malformed_input_warns_with_location(
    app: SphinxTestApp, warning: StringIO
) -> None:
    # tests/roots/test-bad-input/notes/mistakes.md makes each mistake once.
    app.build()
    warnings = warnings_of(warning)
    source = Path(app.srcdir) / "notes" / "mistakes.md"
    assert f"{source}:4: WARNING: arXiv:2401.99999 is not in the bibliography" in warnings
    assert "paperrefs sync" in warnings
    assert f"{source}:10: WARNING: the paper directive needs an :added: date" in warnings
    assert "not an arXiv ID: 'abc'" in warnings
    assert "[paperrefs.bad_id]" in warnings
    assert "':added: '2024-02-30' is not a date" not in warnings
    assert ":added: '2024-02-30' is not a date of the form YYYY-MM-DD [paperrefs.date]" in warnings
    assert ":updated: '2024-7-9' is not a date" in warnings
    assert (
        f"{source}:21: WARNING: :updated: 2024-07-04 is before :added: 2024-07-09; "
        "swapped by mistake? [paperrefs.date]"
    ) in warnings
    assert "'nosuchkey2020' is neither a key of the bibliography nor an arXiv ID" in warnings
    assert "[paperrefs.unresolved]" in warnings
    page = html(app, "notes/mistakes")
    soup = BeautifulSoup(page, "html.parser")
    fallback = soup.select_one(".paperrefs-unresolved a")
    assert fallback is not None
    assert fallback["href"] == "https://arxiv.org/abs/2401.99999"


def test_warnings_can_be_suppressed_by_subtype(make_app: MakeApp, site: Path) -> None:
    (site / "notes" / "preferences.md").write_text(
        "# Preference learning\n\n## X\n```{paper} 2401.99999\n:added: 2024-07-04\n```\n",
        encoding="utf-8",
    )
    app = build(make_app, site, confoverrides={"suppress_warnings": ["paperrefs.unresolved"]})
    assert warnings_of(app) == ""


@pytest.mark.sphinx("html", testroot="hostile-bib")
def test_hostile_metadata_stays_text_everywhere(app: SphinxTestApp) -> None:
    # evil2024script in tests/roots/test-hostile-bib/refs.bib, cited by notes/evil.md.
    app.build()
    outdir = Path(app.outdir)
    outputs = {
        "paper page": html(app, "papers/evil2024script"),
        "note": html(app, "notes/evil"),
        "changelog": html(app, "changelog"),
        "index": html(app, "references"),
        "feed": (outdir / "feed.xml").read_text(encoding="utf-8"),
    }
    for name, output in outputs.items():
        assert "<script>alert" not in output, name
        assert "<img src=x" not in output, name
        assert 'href="javascript:' not in output, name
    page = outputs["paper page"]
    assert "&lt;script&gt;alert(" in page  # shown, as text
    assert "/etc/passwd" in page  # the fence never ran
    assert "root:x:0:0" not in page
    soup = BeautifulSoup(page, "html.parser")
    assert all(not a.get("href", "").startswith("javascript") for a in soup.select("a"))
    assert "&lt;script&gt;" in outputs["feed"]
    # The search index holds titles as JSON string data, which Sphinx's search page
    # HTML-escapes before display; the title must be there as data, not as markup.
    index = (outdir / "searchindex.js").read_text(encoding="utf-8")
    data = json.loads(index[index.index("(") + 1 : index.rindex(")")])
    title = next(t for t in data["titles"] if "alert" in t)
    assert title.startswith("<script>alert(")
    assert "<img" not in "".join(data["titles"])


def test_incremental_builds_equal_clean_builds(
    make_app: MakeApp, tmp_path: Path, site: Path
) -> None:
    build(make_app, site)
    note = site / "notes" / "preferences.md"
    edits = [
        (
            "add a citation",
            lambda: note.write_text(note.read_text() + "- and {arxiv}`1502.05477`\n"),
        ),
        (
            "change a date",
            lambda: note.write_text(note.read_text().replace("2024-07-07", "2024-07-08")),
        ),
        (
            "edit a bib entry",
            lambda: (site / "refs.bib").write_text(
                (site / "refs.bib")
                .read_text()
                .replace("Trust Region Policy", "Trust-Region Policy")
            ),
        ),
        (
            "delete a note",
            lambda: (site / "notes" / "policy.md").write_text("# Policy optimization\n"),
        ),
    ]
    for step, (name, edit) in enumerate(edits):
        time.sleep(0.01)  # mtime resolution
        edit()
        incremental = build(make_app, site)
        assert warnings_of(incremental) == "", name
        clean_copy = tmp_path / f"clean{step}"
        shutil.copytree(site, clean_copy, ignore=shutil.ignore_patterns("_build", "papers"))
        clean = build(make_app, clean_copy)
        assert body_texts(Path(incremental.outdir)) == body_texts(Path(clean.outdir)), name


def test_no_op_rebuild_rewrites_nothing_of_ours(make_app: MakeApp, site: Path) -> None:
    first = build(make_app, site)
    outdir = Path(first.outdir)
    stamp = time.time()
    time.sleep(0.05)
    build(make_app, site)
    rewritten = sorted(
        str(path.relative_to(outdir))
        for path in [*outdir.rglob("*.html"), outdir / "feed.xml", outdir / "papers.bib"]
        if path.stat().st_mtime > stamp
    )
    assert rewritten == ["genindex.html", "search.html"]
    stubs = site / "papers"
    assert all(path.stat().st_mtime < stamp for path in stubs.iterdir())


def test_editing_one_citation_rewrites_only_what_shows_it(make_app: MakeApp, site: Path) -> None:
    first = build(make_app, site)
    outdir = Path(first.outdir)
    stamp = time.time()
    time.sleep(0.05)
    note = site / "notes" / "preferences.md"
    note.write_text(note.read_text() + "- compare {arxiv}`1502.05477`\n")
    os.utime(note)
    build(make_app, site)
    rewritten = sorted(rewritten_pages(outdir, stamp))
    assert rewritten == [
        "genindex.html",
        "index.html",  # the toctree parent of the edited note
        "notes/preferences.html",
        # TRPO is now cited beside DPO, PPO and Sutton and Barto in DPO's note: every
        # one of their pages lists it among the papers read with them, and TRPO's lists them.
        "papers/rafailov2023direct.html",
        "papers/schulman2015trust.html",
        "papers/schulman2017proximal.html",
        "papers/sutton2018reinforcement.html",
        "references.html",
        "search.html",
    ]


def test_rewording_a_citing_sentence_leaves_the_index(make_app: MakeApp, site: Path) -> None:
    """The index lists where each paper is cited, not the sentence that cites it."""
    first = build(make_app, site)
    outdir = Path(first.outdir)
    stamp = time.time()
    time.sleep(0.05)
    note = site / "notes" / "preferences.md"
    note.write_text(note.read_text().replace("no reward model,", "no reward model at all,"))
    build(make_app, site)
    rewritten = rewritten_pages(outdir, stamp)
    assert "papers/schulman2017proximal.html" in rewritten  # its "cited in" snippet
    assert "references.html" not in rewritten


def test_a_new_co_citation_rewrites_exactly_the_pages_whose_reading_list_changed(
    make_app: MakeApp, site: Path
) -> None:
    """Citing Sutton and Barto in PPO's note changes what PPO and TRPO are read with (and
    Sutton and Barto's own page); DPO's list (PPO, Sutton and Barto, one note each) and its
    "cited in" stay as they were, so its page is not rewritten."""
    first = build(make_app, site)
    outdir = Path(first.outdir)
    stamp = time.time()
    time.sleep(0.05)
    note = site / "notes" / "policy.md"
    note.write_text(note.read_text() + "- the textbook: {cite:t}`sutton2018reinforcement`\n")
    build(make_app, site)
    assert sorted(rewritten_pages(outdir, stamp)) == [
        "genindex.html",
        "index.html",
        "notes/policy.html",
        "papers/schulman2015trust.html",  # read with Sutton and Barto now
        "papers/schulman2017proximal.html",  # read with Sutton and Barto twice now
        "papers/sutton2018reinforcement.html",
        "references.html",  # the index and the map
        "search.html",
    ]
    ppo = BeautifulSoup(html(first, "papers/schulman2017proximal"), "html.parser")
    assert [a["href"] for a in ppo.select("ul.paperrefs-related > li > p > a")] == [
        "sutton2018reinforcement.html",  # two notes
        "rafailov2023direct.html",
        "schulman2015trust.html",
    ]


def test_a_new_title_rewrites_the_pages_that_list_the_paper_as_read_with(
    make_app: MakeApp, site: Path
) -> None:
    """Pages showing a paper's title among the papers read with it are rewritten when the
    title changes, without a single note being read again."""
    first = build(make_app, site)
    outdir = Path(first.outdir)
    stamp = time.time()
    time.sleep(0.05)
    bib = site / "refs.bib"
    bib.write_text(bib.read_text().replace("An Introduction", "An Introduction, 2nd ed."))
    again = build(make_app, site)
    assert [docname for docname in read_docs(again) if docname.startswith("notes/")] == []
    rewritten = rewritten_pages(outdir, stamp)
    assert {"papers/rafailov2023direct.html", "papers/schulman2017proximal.html"} <= rewritten
    assert "papers/schulman2015trust.html" not in rewritten  # never cited beside it
    assert "2nd ed." in html(first, "papers/rafailov2023direct")


def read_docs(app: SphinxTestApp) -> list[str]:
    """The documents a build read, from its progress lines."""
    lines = strip_escape_sequences(app.status.getvalue()).splitlines()
    return [line.rsplit(" ", 1)[-1] for line in lines if line.startswith("reading sources...")]


def preview_of(page: str, label: str) -> str:
    """The hover preview of the inline citation reading ``label``."""
    for link in BeautifulSoup(page, "html.parser").select("a.reference"):
        if link.get_text() == label:
            return str(link.get("title", ""))
    raise AssertionError(f"no citation reads {label!r}")


def cite_trpo_inline_and_build(make_app: MakeApp, site: Path) -> None:
    """DPO's note cites TRPO inline, where it shows no card of it; then a first build."""
    note = site / "notes" / "preferences.md"
    note.write_text(note.read_text() + "- trust regions, as in {arxiv}`1502.05477`\n")
    build(make_app, site)


def test_a_new_title_reaches_the_previews_of_citing_notes_without_reading_them(
    make_app: MakeApp, site: Path
) -> None:
    """An inline citation reads "Schulman et al., 2015" and previews the title: the note
    that cites TRPO inline (and carries no card of it) is rewritten with the new title in
    its preview without being read again."""
    cite_trpo_inline_and_build(make_app, site)
    bib = site / "refs.bib"
    bib.write_text(bib.read_text().replace("Trust Region Policy", "Trust-Region Policy"))
    again = build(make_app, site)
    assert warnings_of(again) == ""
    preview = preview_of(html(again, "notes/preferences"), "Schulman et al., 2015")
    assert preview.startswith("Trust-Region Policy Optimization — John Schulman")
    assert "notes/preferences" not in read_docs(again)
    assert "notes/policy" in read_docs(again)  # it shows TRPO's card


def test_a_new_first_author_reads_the_citing_notes_again(make_app: MakeApp, site: Path) -> None:
    """The label an inline citation reads as is in the note's snippets too: a change to it
    is read again."""
    cite_trpo_inline_and_build(make_app, site)
    bib = site / "refs.bib"
    bib.write_text(bib.read_text().replace("author = {John Schulman", "author = {Jane Schulmann"))
    again = build(make_app, site)
    assert "notes/preferences" in read_docs(again)
    assert "Schulmann et al., 2015" in html(again, "notes/preferences")
    snippets = BeautifulSoup(html(again, "papers/schulman2015trust"), "html.parser")
    assert "Schulmann et al., 2015" in snippets.select_one("ul.paperrefs-backlinks").get_text()


def test_editing_an_entry_leaves_pages_that_only_link_to_it(make_app: MakeApp, site: Path) -> None:
    """A plain arXiv link shows its author's text: a new title of the entry changes
    nothing on the page, so the page is neither re-read nor rewritten."""
    first = build(make_app, site)
    outdir = Path(first.outdir)
    stamp = time.time()
    time.sleep(0.05)
    bib = site / "refs.bib"
    bib.write_text(bib.read_text().replace("Proximal Policy", "Proximal-Policy"))
    build(make_app, site)
    rewritten = rewritten_pages(outdir, stamp)
    assert "papers/schulman2017proximal.html" in rewritten
    assert "notes/policy.html" in rewritten  # its note card shows the title
    assert "notes/preferences.html" not in rewritten  # only links to it


def test_a_field_only_the_bibliography_style_shows_rewrites_what_cites_the_entry(
    make_app: MakeApp, site: Path
) -> None:
    """sphinxcontrib-bibtex's style shows an edition, which paperrefs' own views do not:
    the page that ``{cite}``s the book and the bibliography are rewritten with it (their
    entries are filled in as they are written), and no other note."""
    first = build(make_app, site)
    outdir = Path(first.outdir)
    stamp = time.time()
    time.sleep(0.05)
    bib = site / "refs.bib"
    bib.write_text(bib.read_text().replace("edition = {2}", "edition = {3}"))
    again = build(make_app, site)
    assert warnings_of(again) == ""
    rewritten = rewritten_pages(outdir, stamp)
    assert "3 edition" in html(again, "notes/preferences")  # the citation's preview
    assert "3 edition" in html(again, "references")
    assert "notes/policy.html" not in rewritten


def test_parallel_build_equals_serial(make_app: MakeApp, tmp_path: Path, site: Path) -> None:
    other = tmp_path / "parallel"
    shutil.copytree(site, other)
    serial = build(make_app, site)
    parallel = build(make_app, other, parallel=2)
    assert warnings_of(parallel) == ""
    assert body_texts(Path(serial.outdir)) == body_texts(Path(parallel.outdir))

    # Workers send the parsed bib back without its entries; the environment the main
    # process keeps must still hold them, or the next build's new citation finds nothing.
    for root in (site, other):
        note = root / "notes" / "preferences.md"
        note.write_text(note.read_text() + "- trust regions: {cite:p}`schulman2015trust`\n")
    serial = build(make_app, site)
    parallel = build(make_app, other, parallel=2)
    assert warnings_of(parallel) == ""
    assert "Trust region policy optimization" in html(parallel, "notes/preferences")
    assert body_texts(Path(serial.outdir)) == body_texts(Path(parallel.outdir))


def search_pages(outdir: Path, word: str) -> set[str]:
    """The pages Sphinx's search finds a word on, in their text or their titles (the word
    stemmed, as the index keeps it)."""
    script = (outdir / "searchindex.js").read_text(encoding="utf-8")
    index = json.loads(script.removeprefix("Search.setIndex(").removesuffix(")"))
    pages = set()
    for kind in ("terms", "titleterms"):
        found = index[kind].get(word, [])
        pages |= {index["docnames"][n] for n in ([found] if isinstance(found, int) else found)}
    return pages


def test_search_finds_a_title_where_it_is_shown_not_in_the_lists_of_every_paper(
    make_app: MakeApp, site: Path
) -> None:
    """DPO's title ("... is Secretly a Reward Model") is on its page and in its note's card;
    the index, the changelog, the map and the pages of the papers read with it list it
    too, and the search leaves those lists out."""
    outdir = Path(build(make_app, site).outdir)
    assert "Secretly" in (outdir / "references.html").read_text(encoding="utf-8")
    assert "Secretly" in (outdir / "changelog.html").read_text(encoding="utf-8")
    assert search_pages(outdir, "secret") == {"papers/rafailov2023direct", "notes/preferences"}
