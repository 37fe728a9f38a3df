"""Bad and odd bibliography files at the command line.

A file other tools would misread is refused with ``file:line``, before any request and
without a byte changed; a file that is merely unusual (BOM, CRLF, no final newline,
``@string``/``@preamble``/``@comment``, empty, absent) is handled and keeps every byte.
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path

import pytest
from paperrefs.bibfile import read_bib

from tests.helpers.cli import run_paperrefs
from tests.helpers.fake_arxiv import FakeArxiv
from tests.helpers.paths import snapshot

pytestmark = pytest.mark.slow  # the command line as a real process against a server

NEW_KEY = "tester2023paper"  # what the fake arXiv's 2305.18290 becomes

GOOD = "@misc{alpha2020first,\n  title = {First},\n  year = {2020},\n}\n"
ZETA = "@misc{zeta2021last,\n  title = {Last},\n  year = {2021},\n}\n"

BROKEN: dict[str, tuple[bytes, int, str]] = {
    "duplicate-key": ((GOOD + "\n" + GOOD).encode(), 6, "already used by the entry on line 1"),
    "case-only-duplicate": (
        (GOOD + "\n" + GOOD.replace("alpha2020first", "Alpha2020First")).encode(),
        6,
        "keys are case-insensitive",
    ),
    "unbalanced-braces": (
        (GOOD + "\n" + ZETA.replace("{Last}", "{Last")).encode(),
        6,
        "unbalanced braces",
    ),
    "cut-mid-entry": ((GOOD + "\n" + ZETA[:30]).encode(), 6, "end of file"),
    "missing-comma": ((GOOD + "\n" + ZETA.replace("{Last},", "{Last}")).encode(), 8, "comma"),
    "latin-1": (("% Müller\n" + GOOD).encode("latin-1"), 1, "not UTF-8"),
}


@pytest.fixture
def arxiv(arxiv: FakeArxiv) -> FakeArxiv:
    """The fake arXiv, knowing 2305.18290 (by Ada Tester)."""
    arxiv.add("2305.18290")
    return arxiv


def bib_at(tmp_path: Path, content: bytes) -> Path:
    path = tmp_path / "bib" / "papers.bib"
    path.parent.mkdir(exist_ok=True)
    path.write_bytes(content)
    return path


def notes(tmp_path: Path) -> None:
    docs = tmp_path / "docs"
    docs.mkdir(exist_ok=True)
    (docs / "note.md").write_text("# Notes\n\nSee {arxiv}`2305.18290`.\n", encoding="utf-8")


# Refused, with a location, before any request


@pytest.mark.parametrize("case", list(BROKEN))
def test_a_broken_bib_is_refused_with_file_and_line_by_add(
    arxiv: FakeArxiv, tmp_path: Path, case: str
) -> None:
    content, line, words = BROKEN[case]
    bib = bib_at(tmp_path, content)
    before = snapshot(bib)
    result = run_paperrefs(["add", "2305.18290"], tmp_path, arxiv.url)
    assert result.returncode == 2
    assert f"error: {Path('bib') / 'papers.bib'}:{line}: " in result.stderr
    assert words in result.stderr
    assert "Traceback" not in result.stderr
    assert (result.stdout, arxiv.asked) == ("", [])
    assert snapshot(bib) == before


@pytest.mark.parametrize("case", list(BROKEN))
def test_a_broken_bib_is_refused_with_file_and_line_by_sync_and_check(
    arxiv: FakeArxiv, tmp_path: Path, case: str
) -> None:
    content, line, words = BROKEN[case]
    bib = bib_at(tmp_path, content)
    notes(tmp_path)
    before = snapshot(bib)
    for command in ("sync", "check"):
        result = run_paperrefs([command], tmp_path, arxiv.url)
        assert result.returncode == 2, command
        assert f"{Path('bib') / 'papers.bib'}:{line}: " in result.stderr
        assert words in result.stderr
        assert "Traceback" not in result.stderr
    assert arxiv.asked == []
    assert snapshot(bib) == before


def test_the_same_paper_under_two_keys_is_flagged_and_never_added_again(
    arxiv: FakeArxiv, tmp_path: Path
) -> None:
    twice = (
        "@misc{first2023dpo,\n  title = {DPO},\n  eprint = {2305.18290},\n}\n\n"
        "@misc{second2023dpo,\n  title = {DPO again},\n  eprint = {arXiv:2305.18290v2},\n}\n"
    )
    bib = bib_at(tmp_path, twice.encode())
    notes(tmp_path)
    before = snapshot(bib)
    added = run_paperrefs(["add", "2305.18290v3"], tmp_path, arxiv.url)
    assert added.returncode == 0, added.stderr
    assert added.stdout == "first2023dpo\n"  # the first entry answers; nothing is fetched
    checked = run_paperrefs(["check"], tmp_path, arxiv.url)
    assert checked.returncode == 2
    assert (
        f"{Path('bib') / 'papers.bib'}:6: error: second2023dpo is arXiv:2305.18290 again "
        "(already first2023dpo)" in checked.stderr
    )
    assert arxiv.asked == []
    assert snapshot(bib) == before


@pytest.fixture
def read_only(tmp_path: Path) -> Iterator[list[Path]]:
    """Paths the test makes read-only; made writable again so the tmp folder can go."""
    paths: list[Path] = []
    yield paths
    for path in paths:
        path.chmod(0o755 if path.is_dir() else 0o644)


@pytest.mark.parametrize(
    ("target", "message"),
    [("file", "the file is read-only"), ("folder", "folder bib is read-only")],
)
def test_a_read_only_bib_or_folder_is_refused_before_fetching(
    arxiv: FakeArxiv,
    tmp_path: Path,
    read_only: list[Path],
    target: str,
    message: str,
) -> None:
    bib = bib_at(tmp_path, GOOD.encode())
    before = snapshot(bib)
    locked = bib if target == "file" else bib.parent
    locked.chmod(0o444 if target == "file" else 0o555)
    read_only.append(locked)
    result = run_paperrefs(["add", "2305.18290"], tmp_path, arxiv.url)
    assert result.returncode == 2
    assert f"error: {Path('bib') / 'papers.bib'}: {message}" in result.stderr
    assert arxiv.asked == []
    assert snapshot(bib) == before
    assert sorted(os.listdir(bib.parent)) == ["papers.bib"]


def test_a_read_only_bib_that_needs_no_write_is_fine(
    arxiv: FakeArxiv, tmp_path: Path, read_only: list[Path]
) -> None:
    bib = bib_at(tmp_path, b"@misc{dpo,\n  title = {DPO},\n  eprint = {2305.18290},\n}\n")
    bib.chmod(0o444)
    read_only.append(bib)
    result = run_paperrefs(["add", "2305.18290"], tmp_path, arxiv.url)
    assert (result.returncode, result.stdout, arxiv.asked) == (0, "dpo\n", [])


def test_a_missing_folder_is_refused_before_fetching_and_not_created(
    arxiv: FakeArxiv, tmp_path: Path
) -> None:
    result = run_paperrefs(["add", "--bib", "nope/papers.bib", "2305.18290"], tmp_path, arxiv.url)
    assert result.returncode == 2
    assert f"error: {Path('nope') / 'papers.bib'}: folder nope does not exist" in result.stderr
    assert arxiv.asked == []
    assert not (tmp_path / "nope").exists()


# Unusual but valid: handled, every byte kept

HAND_MADE = (
    "% Hand-made, with every kind of block.\n"
    '@string{nips = "Advances in Neural Information Processing Systems"}\n'
    '@preamble{"\\newcommand{\\noopsort}[1]{}"}\n'
    "@comment{jabref-meta: databaseType:bibtex;}\n\n"
    "@misc{alpha2020first,\n    title={An   {Odd}   Layout},  booktitle = nips,\n  year=2020}\n\n"
    "@misc{zeta2021last,\n  title = {Last},\n  year = {2021},\n}"
)

ODD: dict[str, bytes] = {
    "string-preamble-comment": (HAND_MADE + "\n").encode(),
    "no-final-newline": HAND_MADE.encode(),
    "bom": ("\ufeff" + HAND_MADE + "\n").encode(),
    "crlf": (HAND_MADE + "\n").replace("\n", "\r\n").encode(),
    "bom-crlf-no-final-newline": ("\ufeff" + HAND_MADE).replace("\n", "\r\n").encode(),
}


@pytest.mark.parametrize("case", list(ODD))
def test_odd_but_valid_files_get_the_entry_and_keep_every_byte(
    arxiv: FakeArxiv, tmp_path: Path, case: str
) -> None:
    original = ODD[case]
    bib = bib_at(tmp_path, original)
    result = run_paperrefs(["add", "2305.18290"], tmp_path, arxiv.url)
    assert result.returncode == 0, result.stderr
    assert result.stdout == f"{NEW_KEY}\n"
    after = bib.read_bytes()
    newline = b"\r\n" if b"\r\n" in original else b"\n"
    start = after.index(f"@misc{{{NEW_KEY},".encode())
    end = after.index(newline + b"}" + newline, start) + len(newline) * 2 + 1
    # The new entry and the blank line after it are the only new bytes.
    assert after[:start] + after[end + len(newline) :] == original
    assert after[end : end + len(newline)] == newline
    assert after.count(b"\n") == after.count(b"\r\n") or newline == b"\n"
    assert after.startswith(b"\xef\xbb\xbf") == original.startswith(b"\xef\xbb\xbf")
    assert read_bib(bib).keys() == ["alpha2020first", NEW_KEY, "zeta2021last"]


@pytest.mark.parametrize("content", [None, b"", b"\n\n"], ids=["absent", "empty", "blank"])
def test_an_absent_or_empty_bib_gets_its_first_entry(
    arxiv: FakeArxiv, tmp_path: Path, content: bytes | None
) -> None:
    bib = tmp_path / "bib" / "papers.bib"
    bib.parent.mkdir()
    if content is not None:
        bib.write_bytes(content)
    result = run_paperrefs(["add", "2305.18290"], tmp_path, arxiv.url)
    assert result.returncode == 0, result.stderr
    assert read_bib(bib).keys() == [NEW_KEY]
    assert bib.read_bytes().startswith((content or b"") + b"@misc{")
