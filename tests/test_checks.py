"""``paperrefs check``: what it reports about a bibliography and the notes citing it."""

from __future__ import annotations

from pathlib import Path

from paperrefs.bibfile import BibDocument, BibEntry, parse_bib
from paperrefs.checks import Problem, check_citations, check_entry, check_project, same_paper_twice
from paperrefs.location import Location
from paperrefs.scan import Citations, scan_text

BIB = Path("refs.bib")


def arxiv_entry(key: str, eprint: str = "2305.18290", **extra: str) -> str:
    fields = {
        "title": "Direct Preference Optimization",
        "author": "Rafael Rafailov",
        "year": "2023",
        "eprint": eprint,
        "archiveprefix": "arXiv",
        "url": f"https://arxiv.org/abs/{eprint}",
        "doi": "10.48550/arXiv.2305.18290",
        **extra,
    }
    body = ",\n".join(f"  {name} = {{{value}}}" for name, value in fields.items() if value)
    return f"@misc{{{key},\n{body}\n}}\n"


BOOK = "@book{sutton2018,\n  title = {RL},\n  author = {Sutton},\n  year = {2018}\n}\n"


def document(*entries: str) -> BibDocument:
    return parse_bib("\n".join(entries), BIB)


def only(text: str) -> BibEntry:
    (entry,) = document(text).entries
    return entry


def messages(problems: list[Problem]) -> list[tuple[int, str, str]]:
    return [(p.where.line, p.severity, p.message) for p in problems]


def cited(text: str, path: Path = Path("note.md")) -> Citations:
    citations = Citations()
    scan_text(text, path, citations)
    return citations


# -- check_entry --------------------------------------------------------------------------------


def test_a_complete_arxiv_entry_has_no_problems() -> None:
    assert check_entry(BIB, only(arxiv_entry("dpo"))) == []


def test_every_missing_required_field_is_an_error_at_the_entry_line() -> None:
    entry = only("% lead\n\n@misc{bare,\n  note = {nothing else}\n}\n")
    assert messages(check_entry(BIB, entry)) == [
        (3, "error", "bare has no title field"),
        (3, "error", "bare has no author field"),
        (3, "error", "bare has no year field"),
    ]


def test_an_entry_with_an_eprint_also_needs_the_arxiv_fields() -> None:
    entry = only(
        "@misc{e,\n  title = {T},\n  author = {A},\n  year = {2020},\n  eprint = {2001.00001}\n}\n"
    )
    assert messages(check_entry(BIB, entry)) == [
        (1, "error", "e has no archiveprefix field"),
        (1, "error", "e has no url field"),
        (1, "error", "e has no doi field"),
    ]


def test_an_editor_stands_in_for_the_author_and_blank_values_count_as_missing() -> None:
    entry = only("@book{b,\n  title = {  },\n  editor = {E},\n  year = {2001}\n}\n")
    assert messages(check_entry(BIB, entry)) == [(1, "error", "b has no title field")]


def test_an_unescaped_percent_is_an_error_naming_the_field_and_an_escaped_one_is_not() -> None:
    entry = only(arxiv_entry("dpo", title="100% better", note="50\\% fewer"))
    assert messages(check_entry(BIB, entry)) == [
        (1, "error", "dpo: unescaped % in title (write \\%)"),
    ]


def test_a_url_that_is_not_http_is_an_error_quoting_it() -> None:
    entry = only(arxiv_entry("dpo", url="javascript:alert(1)"))
    assert messages(check_entry(BIB, entry)) == [
        (1, "error", "dpo: url is not http(s): 'javascript:alert(1)'"),
    ]


# -- same_paper_twice ---------------------------------------------------------------------------


def test_the_same_arxiv_paper_under_two_keys_is_an_error_at_the_second() -> None:
    doc = document(arxiv_entry("dpo"), BOOK, arxiv_entry("rafailov2023"))
    assert messages(same_paper_twice(BIB, doc)) == [
        (17, "error", "rafailov2023 is arXiv:2305.18290 again (already dpo)"),
    ]


def test_a_versioned_or_prefixed_eprint_is_still_the_same_paper() -> None:
    doc = document(
        arxiv_entry("dpo"),
        arxiv_entry("dpo_v2", "2305.18290v2"),
        arxiv_entry("dpo_p", "arXiv:2305.18290"),
    )
    assert messages(same_paper_twice(BIB, doc)) == [
        (11, "error", "dpo_v2 is arXiv:2305.18290 again (already dpo)"),
        (21, "error", "dpo_p is arXiv:2305.18290 again (already dpo)"),
    ]


def test_an_eprint_of_another_archive_is_not_the_arxiv_paper_of_that_number() -> None:
    doc = document(arxiv_entry("dpo"), arxiv_entry("hal", archiveprefix="HAL"))
    assert same_paper_twice(BIB, doc) == []


# -- check_citations ----------------------------------------------------------------------------


def test_citations_of_entries_that_exist_report_nothing() -> None:
    doc = document(arxiv_entry("dpo"), BOOK)
    citations = cited("{arxiv}`2305.18290v3`\n{cite:t}`Sutton2018`\n")
    assert check_citations(BIB, doc, citations) == []


def test_a_cited_but_missing_id_is_an_error_at_each_place_it_is_cited() -> None:
    doc = document(BOOK)
    citations = cited(
        "{cite}`sutton2018`\n{arxiv}`1707.06347`\n\n[PPO](https://arxiv.org/abs/1707.06347v2)\n"
    )
    assert [
        (str(p.where), p.severity, p.message) for p in check_citations(BIB, doc, citations)
    ] == [
        ("note.md:2", "error", "arXiv:1707.06347 is cited but not in refs.bib; run paperrefs sync"),
        ("note.md:4", "error", "arXiv:1707.06347 is cited but not in refs.bib; run paperrefs sync"),
    ]


def test_a_cited_but_missing_key_is_an_error_at_each_place_it_is_cited() -> None:
    doc = document(BOOK)
    citations = cited("{cite:p}`sutton2018,nobody`\n\n{cite}`nobody`\n")
    assert [(str(p.where), p.message) for p in check_citations(BIB, doc, citations)] == [
        ("note.md:1", "'nobody' is cited but is not a key of refs.bib"),
        ("note.md:3", "'nobody' is cited but is not a key of refs.bib"),
    ]


def test_an_invalid_id_is_an_error_at_its_place() -> None:
    doc = document(BOOK)
    citations = cited("{cite}`sutton2018`\n{arxiv}`2399.00001`\n")
    assert messages(check_citations(BIB, doc, citations)) == [
        (2, "error", "not an arXiv ID: '2399.00001' (month 99 does not exist)"),
    ]


def test_an_entry_no_note_cites_is_a_warning_at_its_line() -> None:
    doc = document(arxiv_entry("dpo"), BOOK)
    assert messages(check_citations(BIB, doc, cited("{cite}`SUTTON2018`\n"))) == [
        (1, "warning", "dpo is not cited by any note"),
    ]
    assert messages(check_citations(BIB, doc, cited("{arxiv}`2305.18290`\n"))) == [
        (11, "warning", "sutton2018 is not cited by any note"),
    ]


def test_an_entry_cited_by_one_of_its_aliases_is_cited() -> None:
    doc = document(arxiv_entry("dpo", ids="rafailov2023"))
    assert check_citations(BIB, doc, cited("{cite}`Rafailov2023`\n")) == []


def test_citing_the_number_of_an_entry_of_another_archive_is_reported_missing() -> None:
    doc = document(arxiv_entry("hal", archiveprefix="HAL"))
    assert messages(check_citations(BIB, doc, cited("{arxiv}`2305.18290`\n"))) == [
        (1, "error", "arXiv:2305.18290 is cited but not in refs.bib; run paperrefs sync"),
        (1, "warning", "hal is not cited by any note"),
    ]


# -- check_project ------------------------------------------------------------------------------


def test_check_project_reports_entries_duplicates_and_citations_in_that_order(
    tmp_path: Path,
) -> None:
    bib = tmp_path / "refs.bib"
    bib.write_text(
        arxiv_entry("dpo", title="100% DPO")
        + "\n"
        + arxiv_entry("dpo2", "2305.18290v2")
        + "\n"
        + BOOK,
        encoding="utf-8",
    )
    docs = tmp_path / "docs"
    docs.mkdir()
    (docs / "note.md").write_text("# N\n\n{arxiv}`2305.18290`\n{cite}`gone`\n", encoding="utf-8")
    problems = check_project(bib, docs)
    assert [str(problem) for problem in problems] == [
        f"{bib}:1: error: dpo: unescaped % in title (write \\%)",
        f"{bib}:11: error: dpo2 is arXiv:2305.18290 again (already dpo)",
        f"{docs / 'note.md'}:4: error: 'gone' is cited but is not a key of {bib}",
        f"{bib}:21: warning: sutton2018 is not cited by any note",
    ]


def test_check_project_of_a_missing_bibliography_is_one_error_for_the_whole_file(
    tmp_path: Path,
) -> None:
    bib = tmp_path / "absent.bib"
    assert check_project(bib, tmp_path) == [
        Problem(Location(bib), "error", "the bibliography does not exist")
    ]
    assert str(check_project(bib, tmp_path)[0]) == f"{bib}: error: the bibliography does not exist"


def test_check_project_of_an_unreadable_bibliography_stops_at_its_first_error(
    tmp_path: Path,
) -> None:
    bib = tmp_path / "refs.bib"
    bib.write_text(BOOK + "@misc{broken,\n  title = {x\n", encoding="utf-8")
    (tmp_path / "note.md").write_text("{cite}`nobody`\n", encoding="utf-8")
    problems = check_project(bib, tmp_path)
    assert [(p.where, p.severity) for p in problems] == [(Location(bib, 6), "error")]
    assert problems[0].message.startswith("cannot read the block starting `@misc{broken,`")


def test_a_problem_prints_as_path_line_severity_message() -> None:
    problem = Problem(Location(Path("docs/a.md"), 7), "warning", "x is not cited by any note")
    assert str(problem) == "docs/a.md:7: warning: x is not cited by any note"
