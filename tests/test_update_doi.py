"""``paperrefs update`` for entries known by DOI alone: doi.org's current record fills in
what the entry lacks, a differing value is reported and kept, and every other byte stays.

The command runs as a real process against a doi.org stand-in on 127.0.0.1 serving the
recorded Crossref answer for Frank (1970) in ``tests/fixtures/doi/`` and versions of it
made earlier in the paper's life (no volume, issue or pages yet).
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from paperrefs.bibfile import read_bib
from paperrefs.csl import parse_csl
from paperrefs.entry import format_work
from pytest_httpserver import HTTPServer
from werkzeug import Request

from tests.helpers.cli import Run, run_paperrefs
from tests.helpers.fake_arxiv import FakeArxiv
from tests.helpers.fake_doi import CSL_JSON, SCIENCE, serve_doi
from tests.helpers.paths import snapshot

pytestmark = pytest.mark.slow  # the command line as a real process against a server

DOI = "10.1126/science.169.3946.635"
KEY = "frank1970structure"
RECORD: dict[str, Any] = json.loads(SCIENCE)
# The record as it stood online-first: the issue it would appear in not yet assigned.
EARLY = {name: value for name, value in RECORD.items() if name not in {"volume", "issue", "page"}}
MINE = """% My reading list.

@book{aaa2020book,
  title = {A Book},
  author = {Ann Author},
  year = {2020},
  publisher = {Press},
}
"""


def entry_from(record: dict[str, Any]) -> str:
    return format_work(KEY, parse_csl(json.dumps(record).encode()))


def serve(httpserver: HTTPServer, record: dict[str, Any] | None) -> list[Request]:
    return serve_doi(httpserver, DOI, None if record is None else json.dumps(record).encode())


def bib_with(tmp_path: Path, entry: str) -> Path:
    bib = tmp_path / "papers.bib"
    bib.write_text(MINE + "\n" + entry, encoding="utf-8")
    return bib


def update(
    httpserver: HTTPServer, arxiv: FakeArxiv, bib: Path, *args: str, names: tuple[str, ...] = ()
) -> Run:
    command = ["update", *names, *args, "--bib", str(bib), "--doi-url", httpserver.url_for("")]
    return run_paperrefs(command, bib.parent, arxiv.url)


def test_what_appeared_in_the_record_is_reported_then_filled_in_where_paperrefs_puts_it(
    httpserver: HTTPServer, arxiv: FakeArxiv, tmp_path: Path
) -> None:
    bib = bib_with(tmp_path, entry_from(EARLY))
    before = snapshot(bib)
    seen = serve(httpserver, RECORD)
    report = update(httpserver, arxiv, bib)
    assert report.returncode == 0, report.stderr
    assert f"{KEY} (doi:{DOI}): doi.org's current record" in report.stderr
    assert "volume appeared: 169" in report.stderr
    assert "pages appeared: 635--641" in report.stderr
    assert "1 entry checked, 1 out of date" in report.stderr
    assert snapshot(bib) == before  # without --apply nothing is written
    assert update(httpserver, arxiv, bib, "--check").returncode == 3

    applied = update(httpserver, arxiv, bib, "--apply")
    assert applied.returncode == 0, applied.stderr
    assert bib.read_text(encoding="utf-8") == MINE + "\n" + entry_from(RECORD)
    assert update(httpserver, arxiv, bib, "--check").returncode == 0
    assert arxiv.asked == []  # no arXiv entry, no request to arXiv
    assert {request.headers["Accept"] for request in seen} == {CSL_JSON}


def test_a_value_that_differs_from_the_record_is_kept_and_does_not_fail_the_check(
    httpserver: HTTPServer, arxiv: FakeArxiv, tmp_path: Path
) -> None:
    mine = entry_from(RECORD).replace("{The Structure of Ordinary Water:", "{On Water:")
    bib = bib_with(tmp_path, mine)
    serve(httpserver, RECORD)
    applied = update(httpserver, arxiv, bib, "--apply")
    assert applied.returncode == 0, applied.stderr
    assert "title differs from doi.org's" in applied.stderr
    assert "delete the field and run update --apply" in applied.stderr
    assert "1 entry checked, 0 out of date, 1 with values kept as they are" in applied.stderr
    assert bib.read_text(encoding="utf-8") == MINE + "\n" + mine
    assert update(httpserver, arxiv, bib, "--check").returncode == 0


def test_a_deleted_field_takes_the_records_value(
    httpserver: HTTPServer, arxiv: FakeArxiv, tmp_path: Path
) -> None:
    full = entry_from(RECORD)
    title_line = next(line for line in full.splitlines(keepends=True) if "title " in line)
    bib = bib_with(tmp_path, full.replace(title_line, ""))
    serve(httpserver, RECORD)
    assert update(httpserver, arxiv, bib, "--apply").returncode == 0
    assert bib.read_text(encoding="utf-8") == MINE + "\n" + full


def test_a_hand_written_entry_differing_only_in_form_is_up_to_date(
    httpserver: HTTPServer, arxiv: FakeArxiv, tmp_path: Path
) -> None:
    hand = (
        "@article{frank70,\n"
        '  author = "Henry S. Frank",\n'
        "  title = {The structure of ordinary {W}ater: {N}ew data and interpretations are "
        "yielding new insights into this fascinating substance},\n"
        "  journal = {Science}, year = 1970, volume = {169}, number = {3946},\n"
        "  pages = {635-641}, doi = {10.1126/SCIENCE.169.3946.635},\n"
        "  url = {https://www.science.org/doi/10.1126/science.169.3946.635},\n"
        "}\n"
    )
    bib = bib_with(tmp_path, hand)
    serve(httpserver, RECORD)
    report = update(httpserver, arxiv, bib, "--check", names=("frank70",))
    assert report.returncode == 0, report.stderr
    assert "1 entry checked, 0 out of date\n" in report.stderr, report.stderr
    # The one thing the record adds is its abstract, which is no staleness.
    changes = [line for line in report.stderr.splitlines() if line.startswith("  ")]
    assert [line.split(":")[0] for line in changes] == ["  abstract appeared"]
    assert bib.read_text(encoding="utf-8") == MINE + "\n" + hand


def test_an_entry_of_another_type_gets_nothing_filled_in(
    httpserver: HTTPServer, arxiv: FakeArxiv, tmp_path: Path
) -> None:
    hand = (
        "@misc{frank1970,\n  title = {The Structure of Ordinary Water},\n"
        "  author = {Frank, Henry S.},\n  year = {1970},\n"
        "  doi = {10.1126/science.169.3946.635},\n}\n"
    )
    bib = bib_with(tmp_path, hand)
    serve(httpserver, RECORD)
    report = update(httpserver, arxiv, bib, "--apply", names=(f"doi:{DOI.upper()}",))
    assert report.returncode == 0, report.stderr
    assert "entry type differs from the record's (@article): kept @misc" in report.stderr
    assert bib.read_text(encoding="utf-8") == MINE + "\n" + hand


def test_a_doi_that_no_longer_resolves_exits_1_and_writes_nothing(
    httpserver: HTTPServer, arxiv: FakeArxiv, tmp_path: Path
) -> None:
    bib = bib_with(tmp_path, entry_from(EARLY))
    before = snapshot(bib)
    serve(httpserver, None)
    report = update(httpserver, arxiv, bib, "--apply")
    assert report.returncode == 1
    assert f"error: {KEY}: no DOI {DOI} is registered" in report.stderr
    assert snapshot(bib) == before


def test_a_proceedings_paper_written_as_inproceedings_takes_what_its_chapter_record_adds(
    httpserver: HTTPServer, arxiv: FakeArxiv, tmp_path: Path
) -> None:
    # Crossref files papers of proceedings volumes as book chapters; people write them
    # as @inproceedings. The two are one record: its pages are filled in, without noise.
    chapter = {
        **RECORD,
        "type": "book-chapter",
        "container-title": "Machine Learning and Knowledge Discovery in Databases",
        "editor": [{"family": "Gunopulos", "given": "Dimitrios"}],
    }
    hand = (
        "@inproceedings{frank70,\n  title = {The Structure of Ordinary Water: New data and"
        " interpretations are yielding new insights into this fascinating substance},\n"
        "  author = {Frank, Henry S.},\n  year = {1970},\n"
        "  booktitle = {Machine Learning and Knowledge Discovery in Databases},\n"
        "  doi = {10.1126/science.169.3946.635},\n}\n"
    )
    bib = bib_with(tmp_path, hand)
    serve(httpserver, chapter)
    report = update(httpserver, arxiv, bib, "--apply")
    assert report.returncode == 0, report.stderr
    assert "entry type differs" not in report.stderr
    entry = read_bib(bib).get("frank70")
    assert entry is not None
    assert (entry.entry_type, entry.fields["pages"]) == ("inproceedings", "635--641")
    assert entry.fields["editor"] == "Gunopulos, Dimitrios"
