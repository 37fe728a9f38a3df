"""Abstracts and titles with TeX: written to the bib escaped, read back as what arXiv sent,
split into text and math for pages, and read as plain text for everything else."""

from __future__ import annotations

import json
from pathlib import Path

import pybtex.errors
import pytest
from bibtexparser.entrypoint import parse_string
from hypothesis import given, settings
from hypothesis import strategies as st
from paperrefs.bibfile import parse_bib
from paperrefs.csl import abstract_text, parse_csl
from paperrefs.entry import clean_text, escape_abstract, format_entry, format_work
from paperrefs.ids import parse_arxiv_id
from paperrefs.library import Library
from paperrefs.metadata import PaperMetadata
from paperrefs.text import Segment, latex_to_text, tex_segments, tex_to_plain
from pybtex.database import parse_string as pybtex_parse

from tests.helpers.bibs import undo_escapes
from tests.helpers.paths import REPO

ABSTRACT = (
    "We show that $p$ holds for every $i \\in \\{1, \\dots, n\\}$: 100% of cases & #1 "
    "in rank, at $\\mathcal{O}(n^2)$ cost; an unbalanced { brace, a } and $5 stay text."
)
FIXTURES = REPO / "tests" / "fixtures" / "doi"


def meta(abstract: str = ABSTRACT, title: str = "$\\omega$Test: A Title") -> PaperMetadata:
    return PaperMetadata(
        arxiv_id=parse_arxiv_id("2301.00001"),
        title=title,
        authors=("Ann Author",),
        primary_category="cs.SE",
        abstract=abstract,
    )


def library_of(text: str) -> Library:
    return Library(parse_bib(text, Path("refs.bib")).entries)


def test_the_abstract_is_the_last_field_escaped_on_one_line() -> None:
    entry = format_entry("k", meta("  We show\n  that $p$  holds.\t"))
    assert entry.endswith("  abstract      = {We show that \\$p\\$ holds.},\n}\n")


def test_no_abstract_no_field() -> None:
    assert "abstract" not in format_entry("k", meta(""))


def test_the_escaped_abstract_reads_back_as_arxiv_sent_it() -> None:
    assert latex_to_text(escape_abstract(ABSTRACT)) == ABSTRACT
    paper = library_of(format_entry("k", meta())).papers["k"]
    assert paper.abstract == ABSTRACT
    assert paper.title == "$\\omega$Test: A Title"


@settings(max_examples=200, deadline=None)
@given(st.text(st.one_of(st.characters(codec="utf-8"), st.sampled_from(list("%&#_${}~^\\")))))
def test_any_abstract_parses_cleanly_in_pybtex_and_bibtexparser(abstract: str) -> None:
    text = format_entry("k", meta(abstract))
    library = parse_string(text, parse_stack=[])
    assert library.failed_blocks == []
    fields = {field.key: field.value for field in library.entries[0].fields}
    with pybtex.errors.capture() as problems:
        pybtex_parse(text, "bibtex")
    assert problems == []
    if clean_text(abstract):
        assert undo_escapes(fields["abstract"][1:-1]) == clean_text(abstract)


def test_math_and_text_are_split_where_tex_delimits_them() -> None:
    assert tex_segments(ABSTRACT)[:4] == [
        Segment("We show that "),
        Segment("p", math=True),
        Segment(" holds for every "),
        Segment("i \\in \\{1, \\dots, n\\}", math=True),
    ]
    assert [s.text for s in tex_segments(ABSTRACT) if s.math][2] == "\\mathcal{O}(n^2)"
    assert tex_segments("$$x^2$$ and \\(y\\)") == [
        Segment("x^2", math=True),
        Segment(" and "),
        Segment("y", math=True),
    ]


@pytest.mark.parametrize(
    "text",
    [
        "costs $5 and $10",
        "an escaped \\$x\\$ pair",
        "a lone $ sign",
        "$ spaced $",
        "unbalanced { brace",
    ],
)
def test_text_that_only_looks_like_math_stays_text(text: str) -> None:
    assert all(not segment.math for segment in tex_segments(text))


@pytest.mark.parametrize(
    "tex",
    [
        "$\\href{javascript:alert(1)}{x}$",
        "$\\class{x}{y}$",
        "$\\style{color:red}{y}$",
        "$\\def\\alpha{b}$",
        "$\\require{html}$",
        "$\\unicode{x41}$",
        "$\\cssId{a}{b}$",
    ],
)
def test_math_that_could_make_markup_is_never_math(tex: str) -> None:
    assert tex_segments(tex) == [Segment(tex)]


def test_plain_text_reads_math_as_unicode() -> None:
    assert tex_to_plain("$\\omega$Test") == "ωTest"
    assert tex_to_plain("$ω$Test") == "ωTest"
    plain = tex_to_plain(ABSTRACT)
    assert plain.startswith("We show that p holds for every i ∈")
    assert "$" not in plain.split("and $5")[0]
    assert "100% of cases & #1 in rank" in plain
    assert tex_to_plain("no math at all") == "no math at all"


def test_display_title_is_plain_and_tex_title_keeps_the_math() -> None:
    paper = library_of(format_entry("k", meta())).papers["k"]
    assert paper.display_title == "ωTest: A Title"
    assert paper.tex_title == "$\\omega$Test: A Title"
    assert paper.plain_abstract.startswith("We show that p holds")


def test_and_others_reads_as_et_al() -> None:
    bib = "@misc{k,\n  title = {T},\n  author = {Ann Porres and Bob Smith and others},\n}\n"
    paper = library_of(bib).papers["k"]
    assert paper.authors == ("Ann Porres", "Bob Smith")
    assert paper.et_al
    assert paper.author_list == "Ann Porres, Bob Smith, et al."
    assert paper.short_authors == "Porres et al."
    alone = library_of(bib.replace("Bob Smith and others", "others")).papers["k"]
    assert alone.short_authors == "Porres et al."
    assert not library_of(bib.replace(" and others", "")).papers["k"].et_al


def test_jats_abstracts_become_plain_text_without_their_heading() -> None:
    jats = (
        "<jats:title>Abstract</jats:title><jats:p>First <jats:italic>part</jats:italic>."
        "</jats:p><jats:p>Second&amp;last <script>alert(1)</script>part.</jats:p>"
    )
    assert abstract_text(jats) == "First part. Second&last part."
    assert abstract_text("<jats:p>Abstract. During the glacial</jats:p>") == "During the glacial"
    assert abstract_text("&lt;p&gt;Escaped &amp;amp; twice&lt;/p&gt;") == "Escaped & twice"
    assert abstract_text("Plain text, as DataCite sends it.") == "Plain text, as DataCite sends it."


def test_a_crossref_abstract_reaches_the_entry() -> None:
    record = json.loads((FIXTURES / "works_crossref_10.1101_2020.12.01.406702.json").read_bytes())
    work = parse_csl(json.dumps(record["message"]).encode())
    assert work.abstract.startswith("Bacterial membrane lipids are critical")
    assert "<" not in work.abstract
    assert "Streptococcus agalactiae (Group B" in work.abstract
    entry = format_work("k", work)
    assert "  abstract      = {Bacterial membrane lipids are critical" in entry
    assert library_of(entry).papers["k"].abstract == work.abstract


def test_the_seed_bibliography_has_no_abstracts() -> None:
    assert "abstract" not in (REPO / "bib" / "papers.bib").read_text(encoding="utf-8")
