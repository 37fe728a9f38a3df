"""The Atom parser reads every dialect arXiv has served and refuses anything else."""

from __future__ import annotations

import time
import xml.etree.ElementTree as ET

import pytest
from paperrefs.atom import ARXIV_NS, ATOM_NS, FeedError, ParsedFeed, parse_feed
from paperrefs.ids import ArxivId
from paperrefs.metadata import PaperMetadata

from tests.helpers.paths import ATOM_FIXTURES

FEED_OPEN = (
    f'<feed xmlns="{ATOM_NS}" xmlns:arxiv="{ARXIV_NS}" '
    'xmlns:opensearch="http://a9.com/-/spec/opensearch/1.1/">'
)


def fixture(name: str) -> bytes:
    return (ATOM_FIXTURES / name).read_bytes()


def feed_of(*entries: str) -> bytes:
    body = "".join(f"<entry>{entry}</entry>" for entry in entries)
    return f"<?xml version='1.0' encoding='UTF-8'?>{FEED_OPEN}{body}</feed>".encode()


def by_id(feed: ParsedFeed) -> dict[str, PaperMetadata]:
    return {str(paper.arxiv_id): paper for paper in feed.papers}


def test_dialect_a_reads_every_field_of_a_wrapped_entry() -> None:
    papers = by_id(parse_feed(fixture("dialect_a_three_papers.xml")))
    assert papers["2312.04567v2"] == PaperMetadata(
        arxiv_id=ArxivId("2312.04567", 2),
        title=(
            "Sparse Mixture Routing for Low-Latency Speech Translation in the Large "
            "Vocabulary Regime"
        ),
        authors=("Inés Castellano-Ruiz", "Tobias Weißmüller", "Chen Yuxuan"),
        primary_category="cs.CL",
        abstract=(
            "Simultaneous speech translation systems trade latency for quality, and "
            "mixture-of-experts decoders make that trade worse because every expert must be "
            "consulted for each partial hypothesis. We propose a routing rule that selects at "
            "most two experts per frame and show that it keeps BLEU within 0.3 points of the "
            "dense model while cutting the average lagging by 41%."
        ),
        published="2023-12-07",
        updated="2024-01-18",
        doi="10.1109/TASLP.2024.3351234",
        journal_ref=(
            "IEEE/ACM Transactions on Audio, Speech, and Language Processing 32 (2024) 1201-1214"
        ),
        comment="14 pages, 6 figures. Code and models will be released",
    )


def test_dialect_a_keeps_feed_order_old_style_ids_and_tex() -> None:
    feed = parse_feed(fixture("dialect_a_three_papers.xml"))
    assert [str(p.arxiv_id) for p in feed.papers] == [
        "1411.0321v3",
        "2312.04567v2",
        "hep-th/9905123v2",
    ]
    old = feed.papers[2]
    assert old.title == (
        r"Boundary States for $\mathcal{N}=2$ Coset Models on Non-Simply Connected Targets"
    )
    assert old.abstract.endswith("annulus amplitude for levels $k < 12$.")
    assert (old.primary_category, old.journal_ref, old.doi) == (
        "hep-th",
        "Nucl.Phys. B561 (1999) 433-470",
        None,
    )
    assert feed.errors == ()


def test_whitespace_is_collapsed_in_names_comments_and_abstracts() -> None:
    paper = parse_feed(fixture("dialect_a_three_papers.xml")).papers[0]
    assert paper.authors == ("Margarethe Lindqvist", "Oyelaran O. Adebayo")
    assert paper.comment == (
        "31 pages, 4 figures; v3: corrected the proof of Lemma 4.2 and added an appendix "
        "on cocycles"
    )
    assert "\n" not in paper.abstract
    assert "  " not in paper.abstract
    assert paper.abstract.startswith("We construct")
    # MSC codes are categories too in the classic dialect; the primary one is what counts.
    assert paper.primary_category == "math.DS"


def test_dialect_a_ghost_entries_are_skipped() -> None:
    feed = parse_feed(fixture("dialect_a_ghosts.xml"))
    assert [str(p.arxiv_id) for p in feed.papers] == ["1305.2291v1"]
    assert feed.errors == ()


def test_dialect_b_reads_unicode_title_zero_and_first_doi() -> None:
    papers = by_id(parse_feed(fixture("dialect_b_three_papers.xml")))
    assert set(papers) == {"2511.20987v1", "2502.11873v3", "2507.00412v1"}
    assert papers["2511.20987v1"].title == "0"
    assert papers["2511.20987v1"].abstract.startswith("The number zero")
    sharp = papers["2502.11873v3"]
    assert sharp.title == "Sharp $ω$-Limit Sets for Stochastic Allen–Cahn Flows with Hölder Noise"
    assert sharp.doi == "10.1007/s00440-025-01377-2"
    assert sharp.authors == ("Léa Marchetti", "Dmitri Vasquez-Oyelowo")
    assert "θ > 1/4" in sharp.abstract
    assert "probability & in law" in sharp.abstract
    assert (sharp.published, sharp.updated) == ("2025-02-17", "2025-06-30")
    assert sharp.primary_category == "math.PR"
    assert papers["2507.00412v1"].comment is None
    assert papers["2507.00412v1"].journal_ref is None


def test_dialect_b_transitional_links_without_rel_do_not_matter() -> None:
    feed = parse_feed(fixture("dialect_b_transitional.xml"))
    (paper,) = feed.papers
    assert paper.arxiv_id == ArxivId("2511.06602", 2)
    assert paper.doi == "10.1145/3769102.3770001"
    assert (paper.published, paper.updated) == ("2025-11-09", "2025-11-12")


@pytest.mark.parametrize("name", ["dialect_a_error.xml", "dialect_b_error.xml"])
def test_error_feeds_yield_messages_and_never_papers(name: str) -> None:
    assert parse_feed(fixture(name)) == ParsedFeed((), ("incorrect id format for abc",))


def test_an_empty_feed_is_empty_not_an_error() -> None:
    assert parse_feed(fixture("dialect_b_empty.xml")) == ParsedFeed((), ())


def test_a_paper_titled_error_is_still_a_paper() -> None:
    feed = parse_feed(
        feed_of(
            "<id>http://arxiv.org/abs/2403.01234v1</id><title>Error</title>"
            '<arxiv:primary_category term="cs.IT"/><author><name>A. Author</name></author>'
        )
    )
    assert feed.errors == ()
    assert [p.title for p in feed.papers] == ["Error"]


def test_an_error_entry_without_summary_still_reports_something() -> None:
    feed = parse_feed(feed_of("<id>https://arxiv.org/api/errors#max_results</id>"))
    assert feed == ParsedFeed((), ("https://arxiv.org/api/errors#max_results",))


@pytest.mark.parametrize(
    "entry_id",
    [
        "",
        "http://arxiv.org/abs/",
        "http://arxiv.org/abs/not-an-id",
        "http://example.org/abs/2401.00001v1",
        "urn:uuid:60a76c80-d399-11d9-b93c-0003939e0af6",
    ],
)
def test_entries_without_a_usable_id_are_skipped(entry_id: str) -> None:
    feed = parse_feed(feed_of(f"<id>{entry_id}</id><title>Something</title>"))
    assert feed == ParsedFeed((), ())


def test_missing_title_and_dates_give_empty_strings_not_a_lost_paper() -> None:
    (paper,) = parse_feed(feed_of("<id>http://arxiv.org/abs/2104.00012v1</id>")).papers
    assert (paper.title, paper.published, paper.updated, paper.authors) == ("", "", "", ())


def test_without_primary_category_the_first_category_counts() -> None:
    (paper,) = parse_feed(
        feed_of(
            "<id>http://arxiv.org/abs/2401.00001v1</id><title>T</title>"
            '<category term=""/><category term="q-bio.NC"/><category term="cs.AI"/>'
        )
    ).papers
    assert paper.primary_category == "q-bio.NC"


def test_prefixes_do_not_matter_only_namespaces() -> None:
    document = (
        f'<a:feed xmlns:a="{ATOM_NS}"><a:entry>'
        "<a:id>http://arxiv.org/abs/2401.00001v2</a:id><a:title>Prefixed</a:title>"
        f'<x:primary_category xmlns:x="{ARXIV_NS}" term="cs.CV"/>'
        f'<y:doi xmlns:y="{ARXIV_NS}">10.1000/xyz</y:doi>'
        "</a:entry></a:feed>"
    )
    (paper,) = parse_feed(document.encode()).papers
    assert (paper.title, paper.primary_category, paper.doi) == ("Prefixed", "cs.CV", "10.1000/xyz")


def test_elements_in_a_foreign_namespace_are_not_read() -> None:
    (paper,) = parse_feed(
        feed_of(
            "<id>http://arxiv.org/abs/2401.00001v1</id><title>Real</title>"
            '<doi xmlns="http://example.org/other">10.9999/wrong</doi>'
            '<primary_category xmlns="http://example.org/other" term="wrong"/>'
        )
    ).papers
    assert (paper.doi, paper.primary_category) == (None, "")


@pytest.mark.parametrize("name", ["dialect_a_three_papers.xml", "dialect_b_three_papers.xml"])
def test_element_order_inside_entries_does_not_matter(name: str) -> None:
    root = ET.fromstring(fixture(name))
    for entry in root.iter(f"{{{ATOM_NS}}}entry"):
        # Regroup by tag; same-tag elements (authors, DOIs) keep their relative order.
        entry[:] = sorted(entry, key=lambda element: element.tag, reverse=True)
    assert parse_feed(ET.tostring(root)) == parse_feed(fixture(name))


def test_any_dtd_is_refused_even_without_entities() -> None:
    document = fixture("dialect_b_empty.xml").replace(b"<feed ", b"<!DOCTYPE feed>\n<feed ", 1)
    with pytest.raises(FeedError, match="DTDForbidden"):
        parse_feed(document)


def test_billion_laughs_is_refused_fast() -> None:
    started = time.perf_counter()
    with pytest.raises(FeedError, match="DTD"):
        parse_feed(fixture("billion_laughs.xml"))
    assert time.perf_counter() - started < 1.0


@pytest.mark.parametrize(
    "document",
    [
        b"",
        b"   ",
        b"not xml at all",
        b'<?xml version="1.0"?><feed xmlns="http://www.w3.org/2005/Atom"><entry>',
        b"<feed><entry><id>http://arxiv.org/abs/2401.00001v1</id></entry></feed>",
        b'<rss version="2.0"><channel><title>arXiv</title></channel></rss>',
        b'<html xmlns="http://www.w3.org/1999/xhtml"><body><p>Sign in</p></body></html>',
        b'<!DOCTYPE feed [<!ENTITY x SYSTEM "file:///etc/passwd">]>'
        b'<feed xmlns="http://www.w3.org/2005/Atom"><title>&x;</title></feed>',
    ],
    ids=["empty", "blank", "text", "unclosed", "no-ns", "rss", "xhtml", "external-entity"],
)
def test_anything_but_an_atom_feed_is_a_feed_error(document: bytes) -> None:
    with pytest.raises(FeedError):
        parse_feed(document)


def test_a_captive_portal_page_is_a_feed_error() -> None:
    with pytest.raises(FeedError):
        parse_feed(fixture("captive_portal.html"))


@pytest.mark.parametrize("name", ["dialect_a_three_papers.xml", "dialect_b_three_papers.xml"])
def test_every_truncation_of_a_feed_is_a_feed_error(name: str) -> None:
    data = fixture(name)
    end = data.rindex(b"</feed>")
    for cut in range(0, end, 97):
        with pytest.raises(FeedError):
            parse_feed(data[:cut])


def test_feed_error_is_a_value_error() -> None:
    assert issubclass(FeedError, ValueError)
