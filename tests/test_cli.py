"""The ``paperrefs`` command line, run as a real process against a real HTTP server.

The runs against the fake arXiv are marked slow; ``check`` and ``--help`` need no server."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.helpers.bibs import HAND_WRITTEN, without_entries
from tests.helpers.cli import run_paperrefs
from tests.helpers.fake_arxiv import FakeArxiv, Paper
from tests.helpers.paths import REPO

# What the fake arXiv knows: one paper, at version 3.
DPO = Paper(
    title="Direct Preference Optimization: Your Language Model is Secretly a Reward Model",
    authors=("Rafael Rafailov", "Archit Sharma"),
    abstract="An abstract.",
    published="2023-05-29T17:57:46Z",
    updated="2024-07-29T22:26:36Z",
    journal_ref="NeurIPS 2023",
)


@pytest.fixture
def arxiv(arxiv: FakeArxiv) -> FakeArxiv:
    """The fake arXiv, knowing DPO (2305.18290, latest version 3) and no other paper."""
    arxiv.add("2305.18290", version=3, paper=DPO)
    return arxiv


@pytest.fixture
def bib(tmp_path: Path) -> Path:
    path = tmp_path / "bib" / "papers.bib"
    path.parent.mkdir()
    path.write_text(HAND_WRITTEN, encoding="utf-8")
    return path


@pytest.mark.slow
def test_add_inserts_one_entry_and_keeps_every_other_byte(
    arxiv: FakeArxiv, tmp_path: Path, bib: Path
) -> None:
    result = run_paperrefs(["add", "https://arxiv.org/pdf/2305.18290v2"], tmp_path, arxiv.url)
    assert result.returncode == 0, result.stderr
    assert result.stdout == "rafailov2023direct\n"
    assert arxiv.asked == ["2305.18290v2"]
    text = bib.read_text(encoding="utf-8")
    # Every other byte is where it was.
    assert without_entries(text, ["rafailov2023direct"]) == HAND_WRITTEN
    start = text.index("@misc{rafailov2023direct,")
    entry = text[start : text.index("\n\n", start)]
    assert "{2305.18290}" in entry  # eprint without the version
    assert "{NeurIPS 2023}" in entry


@pytest.mark.slow
def test_add_of_a_paper_already_there_asks_nothing_and_writes_nothing(
    arxiv: FakeArxiv, tmp_path: Path, bib: Path
) -> None:
    assert run_paperrefs(["add", "2305.18290"], tmp_path, arxiv.url).returncode == 0
    before = bib.stat().st_mtime_ns, bib.read_bytes()
    result = run_paperrefs(["add", "arXiv:2305.18290v1"], tmp_path, arxiv.url)
    assert result.returncode == 0
    assert result.stdout == "rafailov2023direct\n"
    assert "already in" in result.stderr
    assert (bib.stat().st_mtime_ns, bib.read_bytes()) == before
    assert len(arxiv.asked) == 1


@pytest.mark.slow
def test_malformed_id_is_bad_input_and_nothing_is_fetched(
    arxiv: FakeArxiv, tmp_path: Path, bib: Path
) -> None:
    result = run_paperrefs(["add", "2305.18290", "2401.1"], tmp_path, arxiv.url)
    assert result.returncode == 2
    assert "not an arXiv ID: '2401.1'" in result.stderr
    assert arxiv.asked == []
    assert bib.read_text(encoding="utf-8") == HAND_WRITTEN


@pytest.mark.slow
def test_unknown_id_exits_1_and_leaves_the_bib_alone(
    arxiv: FakeArxiv, tmp_path: Path, bib: Path
) -> None:
    result = run_paperrefs(["add", "2401.99999"], tmp_path, arxiv.url)
    assert result.returncode == 1
    assert "arXiv has no paper 2401.99999" in result.stderr
    assert bib.read_text(encoding="utf-8") == HAND_WRITTEN


@pytest.mark.slow
def test_broken_bib_is_refused_with_file_and_line(
    arxiv: FakeArxiv, tmp_path: Path, bib: Path
) -> None:
    broken = HAND_WRITTEN.replace("title = {Last},", "title = {Last,")
    bib.write_text(broken, encoding="utf-8")
    result = run_paperrefs(["add", "2305.18290"], tmp_path, arxiv.url)
    assert result.returncode == 2
    assert "bib/papers.bib:14: " in result.stderr  # where the broken entry starts
    assert arxiv.asked == []
    assert bib.read_text(encoding="utf-8") == broken


@pytest.mark.slow
def test_sync_fetches_what_the_notes_cite(arxiv: FakeArxiv, tmp_path: Path, bib: Path) -> None:
    docs = tmp_path / "docs"
    docs.mkdir()
    (docs / "note.md").write_text(
        "# Notes\n\n## DPO\n```{paper} 2305.18290\n:added: 2024-07-04\n```\n- text\n",
        encoding="utf-8",
    )
    result = run_paperrefs(["sync"], tmp_path, arxiv.url)
    assert result.returncode == 0, result.stderr
    assert arxiv.asked == ["2305.18290"]
    assert "@misc{rafailov2023direct," in bib.read_text(encoding="utf-8")


def test_check_passes_on_the_committed_project(tmp_path: Path) -> None:
    result = run_paperrefs(["check"], REPO, throttle=tmp_path / "throttle")
    assert result.returncode == 0, result.stderr
    assert "0 error(s)" in result.stderr


def test_check_reports_each_problem_with_its_location(tmp_path: Path, bib: Path) -> None:
    bib.write_text(
        HAND_WRITTEN
        + "\n@misc{bad2024one,\n  title = {Achieving 90% accuracy},\n  author = {A B},\n"
        "  year = {2024},\n  eprint = {2305.18290},\n  archiveprefix = {arXiv},\n"
        "  url = {javascript:alert(1)},\n  doi = {10.48550/arXiv.2305.18290}\n}\n"
        "\n@misc{bad2024two,\n  title = {Again},\n  author = {C D},\n  year = {2024},\n"
        "  eprint = {2305.18290v2},\n  archiveprefix = {arXiv},\n  url = {https://x.org},\n"
        "  doi = {10.1/x}\n}\n",
        encoding="utf-8",
    )
    docs = tmp_path / "docs"
    docs.mkdir()
    (docs / "note.md").write_text("See {arxiv}`1707.06347` and {cite}`nosuchkey`.\n")
    result = run_paperrefs(["check"], tmp_path)
    assert result.returncode == 2
    report = result.stderr
    assert "unescaped % in title" in report
    assert "url is not http(s)" in report
    assert "bad2024two is arXiv:2305.18290 again (already bad2024one)" in report
    assert f"{Path('docs') / 'note.md'}:1: error: arXiv:1707.06347 is cited but not in" in report
    assert "'nosuchkey' is cited but is not a key" in report
    assert "warning: Alpha2020 is not cited by any note" in report


def test_help_exit_codes_are_documented(tmp_path: Path) -> None:
    result = run_paperrefs(["--help"], tmp_path)
    assert result.returncode == 0, result.stderr
    assert "Exit codes: 0 all done; 1 some IDs could not be resolved" in result.stdout
