"""parse_arxiv_id: every accepted spelling gives the canonical ID, everything else a reason."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st
from paperrefs.ids import OLD_ARCHIVES, ArxivId, InvalidArxivId, parse_arxiv_id

versions = st.none() | st.integers(min_value=1, max_value=10**6)


@st.composite
def new_style(draw: st.DrawFn) -> str:
    year = draw(st.integers(min_value=7, max_value=99))
    month = draw(st.integers(min_value=4 if year == 7 else 1, max_value=12))
    digits = 4 if year < 15 else 5
    number = draw(st.integers(min_value=1, max_value=10**digits - 1))
    return f"{year:02d}{month:02d}.{number:0{digits}d}"


@st.composite
def old_style(draw: st.DrawFn) -> tuple[str, str]:
    """(canonical base, a spelling of it with any case and an optional subject class)."""
    archive = draw(st.sampled_from(sorted(OLD_ARCHIVES)))
    year, month = draw(
        st.sampled_from([(91, m) for m in range(7, 13)])
        | st.tuples(st.sampled_from([*range(92, 100), *range(0, 7)]), st.integers(1, 12))
        | st.tuples(st.just(7), st.integers(1, 3))
    )
    number = draw(st.integers(min_value=1, max_value=999))
    tail = f"/{year:02d}{month:02d}{number:03d}"
    spelled = "".join(draw(st.sampled_from([c.lower(), c.upper()])) for c in archive)
    subclass = draw(st.none() | st.text("ABCDEFGHIJKLMNOPQRSTUVWXYZ", min_size=2, max_size=2))
    return archive + tail, spelled + ("" if subclass is None else f".{subclass}") + tail


@st.composite
def spelled_id(draw: st.DrawFn) -> tuple[ArxivId, str]:
    """An expected canonical ID and one of the spellings people paste."""
    if draw(st.booleans()):
        base = draw(new_style())
        spelled = base
    else:
        base, spelled = draw(old_style())
    version = draw(versions)
    if version is not None:
        spelled += draw(st.sampled_from("vV")) + str(version)
    return ArxivId(base, version), draw(decorated(spelled))


@st.composite
def decorated(draw: st.DrawFn, core: str) -> str:
    style = draw(st.sampled_from(["bare", "prefix", "url"]))
    if style == "bare":
        return core
    if style == "prefix":
        return draw(st.sampled_from(["arXiv:", "arxiv:", "ARXIV:"])) + core
    scheme = draw(st.sampled_from(["http", "https"]))
    host = draw(st.sampled_from(["arxiv.org", "www.arxiv.org", "export.arxiv.org"]))
    kind = draw(st.sampled_from(["abs", "pdf", "html"]))
    suffix = draw(st.sampled_from(["", ".pdf"])) if kind == "pdf" else ""
    trailer = draw(st.sampled_from(["", "/", "?context=cs", "#S2"])) if not suffix else ""
    return f"{scheme}://{host}/{kind}/{core}{suffix}{trailer}"


near_misses = st.from_regex(
    r"\A(https?://(www\.)?arxiv\.org/(abs|pdf)/)?(arXiv:)?[0-9a-zA-Z.\-/vV]{0,24}(\.pdf)?\Z"
)


@given(spelled_id())
def test_every_accepted_spelling_gives_the_canonical_id(case: tuple[ArxivId, str]) -> None:
    expected, text = case
    assert parse_arxiv_id(text) == expected


@given(spelled_id())
def test_canonical_text_round_trips(case: tuple[ArxivId, str]) -> None:
    expected, _ = case
    assert str(expected) == str(parse_arxiv_id(str(expected)))
    assert parse_arxiv_id(str(expected)) == expected


@given(st.one_of(spelled_id().map(lambda case: case[1]), near_misses, st.text()))
def test_normalization_is_idempotent(text: str) -> None:
    try:
        parsed = parse_arxiv_id(text)
    except InvalidArxivId:
        return
    assert parse_arxiv_id(str(parsed)) == parsed


@given(st.one_of(st.text(), near_misses, st.binary().map(lambda b: b.decode("latin-1"))))
def test_arbitrary_text_raises_nothing_but_invalid_arxiv_id(text: str) -> None:
    try:
        parse_arxiv_id(text)
    except InvalidArxivId as exc:
        caught = exc
    else:
        return
    assert caught.text == text
    assert caught.reason


@pytest.mark.parametrize(
    "text",
    [
        "2401.1",
        "abc",
        "",
        " ",
        "\t\n",
        " 2401.00001",
        "2401.00001 ",
        "2401.00001.",
        "2401. 00001",
        "1" * 10_000,
        "2401.00001" + "v1" * 5_000,
        "２４０１.００００１",  # full-width digits
        "٢٤٠١.٠٠٠٠١",  # Arabic-Indic digits
        "2401.0000١",
        "9999.99999",
        "2413.00001",
        "2400.00001",
        "0703.0001",
        "1412.00001",
        "1501.0001",
        "2401.00000",
        "2401.00001v0",
        "2401.00001v01",
        "2401.00001v",
        "foo-ph/9901001",
        "hep-th/9106001",
        "hep-th/0704001",
        "hep-th/990100",
        "arXiv:",
        "https://arxiv.org/abs/",
        "https://example.org/abs/2401.00001",
    ],
)
def test_rejects(text: str) -> None:
    with pytest.raises(InvalidArxivId) as caught:
        parse_arxiv_id(text)
    assert caught.value.reason


def test_reject_message_is_short_even_for_huge_input() -> None:
    with pytest.raises(InvalidArxivId) as caught:
        parse_arxiv_id("x" * 10_000)
    assert len(str(caught.value)) < 200


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("2401.00001", ArxivId("2401.00001")),
        ("2401.00001v3", ArxivId("2401.00001", 3)),
        ("0704.0001", ArxivId("0704.0001")),
        ("arXiv:2401.00001", ArxivId("2401.00001")),
        ("https://arxiv.org/abs/2401.00001v2", ArxivId("2401.00001", 2)),
        ("https://arxiv.org/pdf/2401.00001v2.pdf", ArxivId("2401.00001", 2)),
        ("hep-th/9901001", ArxivId("hep-th/9901001")),
        ("math.GT/0309136v2", ArxivId("math/0309136", 2)),
        ("cond-mat/0102536", ArxivId("cond-mat/0102536")),
    ],
)
def test_the_reference_examples(text: str, expected: ArxivId) -> None:
    assert parse_arxiv_id(text) == expected
