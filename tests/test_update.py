"""``paperrefs update``: what changed on arXiv, reported; with --apply, what paperrefs wrote
follows, what a person typed stays; the key, the eprint and every other entry keep their bytes.

The command runs as a real process against a fake arXiv on 127.0.0.1.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from paperrefs.bibfile import read_bib
from paperrefs.entry import format_entry
from paperrefs.ids import parse_arxiv_id
from paperrefs.metadata import PaperMetadata

from tests.helpers.cli import run_paperrefs
from tests.helpers.fake_arxiv import ATOM_HEAD, FakeArxiv, Paper, atom_response, entry_xml
from tests.helpers.paths import snapshot

pytestmark = pytest.mark.slow  # the command line as a real process against a server

HAND = """% My reading list: this comment and the book below are mine.

@book{aaa2020book,
  title = {A Book},
  author = {Ann Author},
  year = {2020},
  publisher = {Press},
}
"""
V1 = Paper(title="A First Title", authors=("Ada Tester", "Adrian Del Maestro"))
V3 = Paper(
    title="A Better Title",
    authors=("Ada Tester", "Adrian Del Maestro"),
    updated="2024-05-12T10:00:00Z",
    doi="10.1103/PhysRevLett.1.2",
    journal_ref="Phys. Rev. Lett. 1, 2 (2024)",
)


def meta(text: str, paper: Paper) -> PaperMetadata:
    return PaperMetadata(
        arxiv_id=parse_arxiv_id(text),
        title=paper.title or "",
        authors=paper.authors,
        primary_category=paper.category,
        doi=paper.doi,
        journal_ref=paper.journal_ref,
        abstract=f"About {text}.",  # what the fake arXiv serves as the summary
    )


def feed(*entries: tuple[str, Paper]) -> bytes:
    body = "".join(entry_xml(parse_arxiv_id(text), paper) for text, paper in entries)
    return f"{ATOM_HEAD}{body}</feed>".encode()


def bib_with(tmp_path: Path, entry: str) -> Path:
    bib = tmp_path / "papers.bib"
    bib.write_text(HAND + "\n" + entry, encoding="utf-8")
    return bib


def answer(arxiv: FakeArxiv, *entries: tuple[str, Paper]) -> None:
    arxiv.answer = atom_response(feed(*entries))


PRISTINE = format_entry("tester2024first", meta("2401.00001v1", V1))


def test_update_reports_every_change_and_writes_nothing(arxiv: FakeArxiv, tmp_path: Path) -> None:
    bib = bib_with(tmp_path, PRISTINE)
    before = snapshot(bib)
    answer(arxiv, ("2401.00001v3", V3), ("2401.00001v1", V1))
    run = run_paperrefs(["update", "--bib", str(bib)], tmp_path, arxiv.url)
    assert run.returncode == 0, run.stderr
    assert "tester2024first (arXiv:2401.00001): arXiv has v3 (2024-05-12)" in run.stderr
    assert "title changed: 'A First Title' -> 'A Better Title'" in run.stderr
    assert "DOI changed: '10.48550/arXiv.2401.00001' -> '10.1103/PhysRevLett.1.2'" in run.stderr
    assert "journal reference appeared: Phys. Rev. Lett. 1, 2 (2024)" in run.stderr
    assert "1 entry checked, 1 out of date" in run.stderr
    assert snapshot(bib) == before
    assert arxiv.asked == ["2401.00001,2401.00001v1"]


def test_check_fails_when_anything_is_out_of_date(arxiv: FakeArxiv, tmp_path: Path) -> None:
    bib = bib_with(tmp_path, PRISTINE)
    answer(arxiv, ("2401.00001v3", V3), ("2401.00001v1", V1))
    assert (
        run_paperrefs(["update", "--check", "--bib", str(bib)], tmp_path, arxiv.url).returncode == 3
    )
    answer(arxiv, ("2401.00001v1", V1))
    assert (
        run_paperrefs(["update", "--check", "--bib", str(bib)], tmp_path, arxiv.url).returncode == 0
    )


def test_apply_rewrites_what_paperrefs_wrote_and_nothing_else(
    arxiv: FakeArxiv, tmp_path: Path
) -> None:
    bib = bib_with(tmp_path, PRISTINE)
    answer(arxiv, ("2401.00001v3", V3), ("2401.00001v1", V1))
    run = run_paperrefs(["update", "--apply", "--bib", str(bib)], tmp_path, arxiv.url)
    assert run.returncode == 0, run.stderr
    text = bib.read_text(encoding="utf-8")
    assert text == HAND + "\n" + format_entry("tester2024first", meta("2401.00001v3", V3))
    assert [entry.key for entry in read_bib(bib).entries] == ["aaa2020book", "tester2024first"]


def test_a_title_a_person_changed_is_kept_and_reported(arxiv: FakeArxiv, tmp_path: Path) -> None:
    edited = PRISTINE.replace("{A First Title}", "{A First Title, as I like it}")
    bib = bib_with(tmp_path, edited)
    answer(arxiv, ("2401.00001v3", V3), ("2401.00001v1", V1))
    run = run_paperrefs(["update", "--apply", "--bib", str(bib)], tmp_path, arxiv.url)
    assert "title differs from arXiv's and was set by hand or is not paperrefs' own: kept" in (
        run.stderr
    )
    entry = read_bib(bib).get("tester2024first")
    assert entry is not None
    assert entry.fields["title"] == "A First Title, as I like it"
    assert entry.fields["doi"] == "10.1103/PhysRevLett.1.2"
    assert entry.fields["version"] == "3"


def test_without_a_recorded_version_only_what_is_recognizably_ours_follows(
    arxiv: FakeArxiv, tmp_path: Path
) -> None:
    unversioned = format_entry("tester2024first", meta("2401.00001", V1))
    bib = bib_with(tmp_path, unversioned)
    answer(arxiv, ("2401.00001v3", V3))
    run = run_paperrefs(["update", "--apply", "--bib", str(bib)], tmp_path, arxiv.url)
    assert run.returncode == 0, run.stderr
    entry = read_bib(bib).get("tester2024first")
    assert entry is not None
    assert entry.fields["title"] == "A First Title"  # cannot tell who wrote it: kept
    assert entry.fields["doi"] == "10.1103/PhysRevLett.1.2"  # replaced paperrefs' fallback
    assert entry.fields["note"] == "Phys. Rev. Lett. 1, 2 (2024)"  # was absent
    assert entry.fields["version"] == "3"
    assert arxiv.asked == ["2401.00001"]


def test_a_name_that_is_no_entry_is_bad_input(arxiv: FakeArxiv, tmp_path: Path) -> None:
    bib = bib_with(tmp_path, PRISTINE)
    run = run_paperrefs(["update", "nosuchkey", "--bib", str(bib)], tmp_path, arxiv.url)
    assert run.returncode == 2
    assert "'nosuchkey' is neither a key, an arXiv ID nor a DOI of an entry" in run.stderr
    book = run_paperrefs(["update", "aaa2020book", "--bib", str(bib)], tmp_path, arxiv.url)
    assert book.returncode == 2
    assert "aaa2020book has neither an arXiv eprint nor a DOI" in book.stderr
    assert arxiv.asked == []


def test_an_entry_arxiv_does_not_know_exits_1(arxiv: FakeArxiv, tmp_path: Path) -> None:
    bib = bib_with(tmp_path, PRISTINE)
    answer(arxiv)
    run = run_paperrefs(["update", "--bib", str(bib)], tmp_path, arxiv.url)
    assert run.returncode == 1
    assert "tester2024first: arXiv has no paper for its eprint" in run.stderr
