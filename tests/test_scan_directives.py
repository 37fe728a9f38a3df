"""The scanner reads each ``paper`` directive's options as MyST and docutils do, and skips
what ``exclude_patterns`` leaves out of the build."""

from __future__ import annotations

from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st
from myst_parser.parsers.options import TokenizeError, options_to_items
from paperrefs.ids import ArxivId
from paperrefs.location import Location
from paperrefs.scan import Citations, PaperDirective, scan_docs, scan_text

NOTE = Path("notes/a.md")


def directives(text: str, path: Path = NOTE) -> list[PaperDirective]:
    citations = Citations()
    scan_text(text, path, citations)
    return citations.directives


def options(text: str) -> dict[str, str]:
    (directive,) = directives(text)
    assert directive.unreadable == ""
    return dict(directive.options)


@pytest.mark.parametrize("fence", ["```", "````", "~~~", ":::", "::::"])
def test_option_lines_of_every_fence_kind(fence: str) -> None:
    options = ":added: 2024-07-04\n:updated: 2024-08-01\n"
    text = f"# T\n\n{fence}{{paper}} 2305.18290\n{options}{fence}\n"
    (directive,) = directives(text)
    assert directive == PaperDirective(
        Location(NOTE, 3), "2305.18290", {"added": "2024-07-04", "updated": "2024-08-01"}
    )


def test_myst_quotes_and_comments_are_removed_as_myst_does() -> None:
    text = "```{paper} x\n:added: '2024-07-04'\n:updated: \"2024-08-01\" # why\n```\n"
    assert options(text) == {"added": "2024-07-04", "updated": "2024-08-01"}
    assert options("```{paper} x\n:added: 2024-07-04 # first\n```\n") == {"added": "2024-07-04"}


VALUE_PARTS = st.sampled_from(
    [*"20-4 #,", "2024-07-04", "'2024-07-04'", '"2024-07-04"', "'it''s'", '"a\\"b"']
)
OPTION_LINES = st.lists(
    st.tuples(
        st.sampled_from(["added", "updated", "add ed", "x"]),
        st.sampled_from(["", " ", "  "]),
        st.lists(VALUE_PARTS, max_size=5).map("".join),
    ).map(lambda parts: f":{parts[0]}:{parts[1]}{parts[2]}"),
    min_size=1,
    max_size=3,
)


@given(OPTION_LINES)
def test_option_values_are_what_myst_makes_of_them(lines: list[str]) -> None:
    try:
        items, _ = options_to_items("\n".join(line[1:] for line in lines))
        expected: dict[str, str] | None = dict(items)
    except TokenizeError:
        expected = None
    (directive,) = directives("```{paper} x\n" + "\n".join(lines) + "\n```\n")
    if expected is None:
        assert directive.unreadable
    else:
        assert (dict(directive.options), directive.unreadable) == (expected, "")


def test_an_option_without_a_value_is_empty_not_absent() -> None:
    assert options("```{paper} x\n:added:\n```\n") == {"added": ""}


def test_a_blank_line_before_the_options_makes_them_body_text_as_in_myst() -> None:
    assert options("```{paper} x\n\n:added: 2024-07-04\n```\n") == {}


def test_a_yaml_block_of_options() -> None:
    text = "```{paper} x\n---\nadded: 2024-07-04\nupdated: 2024-08-01\n---\n```\n"
    assert options(text) == {"added": "2024-07-04", "updated": "2024-08-01"}


def test_an_option_line_myst_cannot_read_drops_every_option() -> None:
    (directive,) = directives("```{paper} x\n:added: 2024-07-04\n:nonsense\n```\n")
    assert directive.options == {}
    assert "nonsense" in directive.unreadable


def test_rst_field_list_options_with_continuation_lines() -> None:
    text = (
        "Title\n=====\n\n.. paper:: 2305.18290\n   :added: 2024-07-04\n   :updated: 2024-08-01,\n"
        "      2024-09-01\n\n   body\n"
    )
    (directive,) = directives(text, Path("a.rst"))
    assert directive.where == Location(Path("a.rst"), 4)
    assert directive.options == {"added": "2024-07-04", "updated": "2024-08-01,\n2024-09-01"}


def test_rst_keeps_quotes_as_docutils_does_and_stops_at_a_blank_line() -> None:
    text = '.. paper:: x\n   :added: "2024-07-04"\n\n   :updated: 2024-08-01\n'
    assert options(text) == {"added": '"2024-07-04"'}


def test_a_directive_without_an_argument_is_kept_and_cites_nothing() -> None:
    citations = Citations()
    scan_text("```{paper}\n:added: 2024-07-04\n```\n", NOTE, citations)
    assert citations.directives == [PaperDirective(Location(NOTE, 1), "", {"added": "2024-07-04"})]
    assert citations.keys == {}
    assert citations.arxiv == {}


def test_directives_shown_as_code_are_not_read() -> None:
    text = "````md\n```{paper} 2305.18290\n```\n````\n"
    assert directives(text) == []


def write(root: Path, name: str, text: str) -> Path:
    path = root / name
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8")
    return path


def test_scan_docs_skips_what_exclude_patterns_leave_out(tmp_path: Path) -> None:
    kept = write(tmp_path, "notes/a.md", "{arxiv}`2305.18290`\n")
    write(tmp_path, "drafts/b.md", "{arxiv}`1707.06347`\n")
    write(tmp_path, "notes/old/c.md", "{arxiv}`1502.05477`\n")
    write(tmp_path, "notes/private.md", "{cite}`secret`\n")
    citations = scan_docs(tmp_path, exclude=["drafts", "notes/old", "**/private.md"])
    assert citations.arxiv == {ArxivId("2305.18290"): [Location(kept, 1)]}
    assert citations.keys == {}
    assert len(scan_docs(tmp_path).arxiv) == 3


def test_scan_docs_reads_only_what_include_patterns_name(tmp_path: Path) -> None:
    kept = write(tmp_path, "notes/a.md", "{arxiv}`2305.18290`\n")
    write(tmp_path, "other/b.md", "{arxiv}`1707.06347`\n")
    citations = scan_docs(tmp_path, include=["notes/**"])
    assert citations.arxiv == {ArxivId("2305.18290"): [Location(kept, 1)]}
