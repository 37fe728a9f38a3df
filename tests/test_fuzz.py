"""Fuzzing the parsers that take outside input: only their documented errors may escape.

``parse_arxiv_id`` raises InvalidArxivId, the bib reader BibError, the feed parser
FeedError; nothing else, whatever the input. Inputs are random text, text from each
format's own alphabet, and single-character mutations of valid documents, which reach
the deep corners of a parser far more often than random bytes do.
"""

from __future__ import annotations

from pathlib import Path

from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st
from paperrefs.atom import FeedError, parse_feed
from paperrefs.bibfile import BibError, decode_bib, insert_entries, parse_bib
from paperrefs.ids import InvalidArxivId, parse_arxiv_id

from tests.helpers.paths import ATOM_FIXTURES

FUZZ = settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
PATH = Path("refs.bib")


@st.composite
def mutated(draw: st.DrawFn, original: str, alphabet: str) -> str:
    """``original`` with a few characters deleted, replaced or inserted."""
    text = original
    for _ in range(draw(st.integers(1, 4))):
        at = draw(st.integers(0, len(text)))
        kind = draw(st.sampled_from(["delete", "replace", "insert", "cut"]))
        char = draw(st.sampled_from(alphabet))
        if kind == "delete":
            text = text[:at] + text[at + 1 :]
        elif kind == "replace":
            text = text[:at] + char + text[at + 1 :]
        elif kind == "insert":
            text = text[:at] + char + text[at:]
        else:
            text = text[:at]
    return text


# arXiv identifiers

ID_ALPHABET = "0123456789.vV/:-_ arXivhepth.GTmathcondmatHTTPShttps?#pdfabs\\\t\n\u0660\uff10"
VALID_IDS = [
    "2305.18290",
    "2305.18290v12",
    "arXiv:0704.0001",
    "hep-th/9901001",
    "math.GT/0309136v2",
    "https://arxiv.org/abs/2401.00001v2",
    "http://export.arxiv.org/pdf/cond-mat/0102536.pdf",
]


@FUZZ
@given(
    st.one_of(
        st.text(max_size=80),
        st.text(ID_ALPHABET, max_size=60),
        st.sampled_from(VALID_IDS).flatmap(lambda valid: mutated(valid, ID_ALPHABET)),
    )
)
def test_the_id_parser_raises_only_invalid_arxiv_id(text: str) -> None:
    try:
        parsed = parse_arxiv_id(text)
    except InvalidArxivId as error:
        refused: InvalidArxivId | None = error
    else:
        refused = None
    if refused is not None:
        assert refused.reason
        assert len(str(refused)) < 300
        return
    assert parse_arxiv_id(str(parsed)) == parsed  # what it accepts, it can print and re-read
    assert str(parsed).isascii()


# The bib reader

BIB_ALPHABET = '@{}()",=#%\n\r\t \\abcmisAZ09_-.:\ufeff\u00fc'
VALID_BIB = """% header
@string{nips = "NeurIPS"}
@preamble{"\\newcommand{\\x}{}"}
@comment{anything {here}}

@misc{alpha2020,
  title = {An {Odd} Title},
  author = "Ann Alpha and Bo Beta",
  booktitle = nips # { 2020},
  year = 2020,
  eprint = {2305.18290},
}

@Article{Zeta2021,
  title={Z}, ids = {zed, zz}}
"""


def check_bib_error(error: BibError, lowest_line: int) -> None:
    """A clean refusal: our file, a real line, a message, and ``file:line: message``."""
    assert error.path == PATH
    assert lowest_line <= error.line <= 10_000
    assert error.message
    assert str(error).startswith(f"{PATH}:")


def read_or_refuse(text: str) -> None:
    """Parse; on success the document must take a new entry and read back with it."""
    try:
        document = parse_bib(text, PATH)
    except BibError as error:
        check_bib_error(error, lowest_line=0)
        return
    key = "zzzzfuzz" + str(len(document.entries))
    new = f"@misc{{{key},\n  title = {{T}},\n}}\n"
    if document.get(key) is not None:
        return
    grown = parse_bib(insert_entries(document, [(key, new)]), PATH)
    assert sorted(grown.keys()) == sorted([*document.keys(), key])


@FUZZ
@given(st.text(max_size=200))
def test_the_bib_reader_refuses_random_text_cleanly(text: str) -> None:
    read_or_refuse(text)


@FUZZ
@given(st.text(BIB_ALPHABET, max_size=200))
@example("@misc{")
@example("@string{")
@example("@comment")
@example("@misc{a,title={x}}@")
@example("@{a,}")
@example("@misc(a, title = {x})")
def test_the_bib_reader_refuses_bib_like_text_cleanly(text: str) -> None:
    read_or_refuse(text)


@FUZZ
@given(mutated(VALID_BIB, BIB_ALPHABET))
def test_the_bib_reader_refuses_damaged_bibs_cleanly(text: str) -> None:
    read_or_refuse(text)


@FUZZ
@given(st.binary(max_size=200))
def test_undecodable_bytes_are_a_bib_error(data: bytes) -> None:
    try:
        text = decode_bib(data, PATH)
    except BibError as error:
        check_bib_error(error, lowest_line=1)
        return
    read_or_refuse(text)


# The feed parser

FEED = (ATOM_FIXTURES / "dialect_a_three_papers.xml").read_text(encoding="utf-8")
FEED_ALPHABET = "<>/=\"'&;!?[]-# \nabcdefentryidtitlexmlns:DOCTYPE"


@FUZZ
@given(
    st.one_of(
        st.binary(max_size=200),
        mutated(FEED, FEED_ALPHABET).map(lambda text: text.encode()),
    )
)
@example(b'<?xml version="1.0" encoding="TF-8"?><feed/>')  # found by this test
@example(b'<?xml version="1.0" encoding="utf-16"?><feed/>')
def test_the_feed_parser_raises_only_feed_error(data: bytes) -> None:
    try:
        feed = parse_feed(data)
    except FeedError:
        return
    for paper in feed.papers:
        assert parse_arxiv_id(str(paper.arxiv_id)) == paper.arxiv_id
        assert isinstance(paper.title, str)
