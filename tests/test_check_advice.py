"""``paperrefs check`` on the notes' paper directives, and the advice it attaches."""

from __future__ import annotations

from pathlib import Path

import pytest
from paperrefs.bibfile import parse_bib
from paperrefs.checks import (
    Problem,
    check_citations,
    check_directives,
    close_ids,
    unclosed_brace_line,
)
from paperrefs.location import Location
from paperrefs.scan import Citations, PaperDirective, scan_text

NOTE = Path("note.md")
BIB = Path("refs.bib")


def directive(
    options: dict[str, str] | None = None, argument: str = "2305.18290"
) -> PaperDirective:
    return PaperDirective(Location(NOTE, 3), argument, options or {})


def found(problems: list[Problem]) -> list[tuple[str, str]]:
    return [(problem.message, problem.hint) for problem in problems]


def test_a_directive_with_good_dates_has_no_problem() -> None:
    options = {"added": "2024-07-04", "updated": "2024-08-01, 2024-09-01"}
    assert check_directives([directive(options)]) == []


def test_every_date_problem_is_an_error_at_the_directive_line() -> None:
    problems = check_directives(
        [directive({"added": "2024-07-04", "updated": "2024-07-01, 2024-02-30"})]
    )
    assert [(str(p.where), p.severity) for p in problems] == [("note.md:3", "error")] * 2
    assert [p.message for p in problems] == [
        ":updated: '2024-02-30' is not a date of the form YYYY-MM-DD",
        ":updated: 2024-07-01 is before :added: 2024-07-04; swapped by mistake?",
    ]


def test_a_missing_argument_and_an_unknown_option() -> None:
    problems = check_directives([directive({"add": "2024-07-04", "colour": "x"}, argument="")])
    assert found(problems) == [
        ("the paper directive needs an argument: the paper's arXiv ID or its key", ""),
        ("the paper directive has no option :add:", "did you mean :added:?"),
        ("the paper directive has no option :colour:", "it takes :added: and :updated:"),
        (
            "the paper directive needs an :added: date (YYYY-MM-DD), the day the note was written",
            "",
        ),
    ]


def test_options_that_cannot_be_read_are_said_so() -> None:
    unreadable = PaperDirective(Location(NOTE, 3), "x", {}, "MyST cannot read the option line 'a'")
    problems = check_directives([unreadable])
    assert problems[0].message == (
        "the options of this paper directive cannot be read: MyST cannot read the option line 'a'"
    )
    assert problems[0].hint.startswith("write each option on its own line as `:name: value`")


@pytest.mark.parametrize(
    ("wanted", "expected"),
    [
        ("2305.18209", ["2305.18290"]),  # two neighbours swapped
        ("2305.18291", ["2305.18290", "2305.18292"]),  # one digit off either
        ("2305.19280", []),  # two apart, not neighbours
        ("2305.1829", []),  # another length: not an ID of the same shape
        ("1707.06347", []),  # itself is not a typo
        ("hep-th/9901002", ["hep-th/9901001"]),
    ],
)
def test_ids_one_typo_apart(wanted: str, expected: list[str]) -> None:
    known = ["2305.18290", "2305.18292", "1707.06347", "hep-th/9901001"]
    assert close_ids(wanted, known) == expected


def test_the_hint_does_not_change_which_problem_it_is() -> None:
    where = Location(NOTE, 1)
    assert Problem(where, "error", "x", "a hint") == Problem(where, "error", "x")
    assert str(Problem(where, "error", "x", "a hint")) == "note.md:1: error: x"


def test_a_cited_key_close_to_an_alias_suggests_the_alias() -> None:
    document = parse_bib("@misc{dpo,\n  ids = {rafailov2023direct},\n  title = {T}\n}\n", BIB)
    citations = Citations()
    scan_text("{cite}`Rafailov2023Directt`\n", NOTE, citations)
    assert found(check_citations(BIB, document, citations)) == [
        (
            "'Rafailov2023Directt' is cited but is not a key of refs.bib",
            "did you mean rafailov2023direct?",
        ),
        ("dpo is not cited by any note", ""),
    ]


@pytest.mark.parametrize(
    ("text", "line"),
    [
        ("@misc{a,\n  title = {T,\n  year = {2020}\n}\n", 2),
        ("@misc{a,\n  title = {T},\n  note = {x {y} z,\n}\n", 3),
        ("@misc{a,\n  title = {T},\n  year = {2020}\n\n@misc{b,\n  title = {U}\n}\n", None),
    ],
)
def test_the_line_whose_brace_never_closes(text: str, line: int | None) -> None:
    assert unclosed_brace_line(text.splitlines(), 1) == line
