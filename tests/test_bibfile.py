"""Reading tolerantly, refusing broken files with a location, and writing surgically."""

from __future__ import annotations

import errno
import multiprocessing
import os
import subprocess
import sys
import textwrap
from pathlib import Path

import filelock
import pytest
from paperrefs.bibfile import (
    BibError,
    add_entries,
    insert_entries,
    parse_bib,
    read_bib,
)
from paperrefs.entry import format_entry
from paperrefs.fetching import add_papers
from paperrefs.fsutil import atomic_write
from paperrefs.ids import parse_arxiv_id
from paperrefs.metadata import PaperMetadata

from tests.helpers.bibs import HAND_WRITTEN
from tests.helpers.paths import snapshot


def entry(key: str) -> str:
    return f"@misc{{{key},\n  title = {{T}},\n}}\n"


def paper(arxiv_id: str, title: str = "Direct Preference Optimization") -> PaperMetadata:
    return PaperMetadata(
        arxiv_id=parse_arxiv_id(arxiv_id),
        title=title,
        authors=("Rafael Rafailov",),
        primary_category="cs.LG",
    )


def write(path: Path, text: str, encoding: str = "utf-8") -> Path:
    path.write_bytes(text.encode(encoding))
    return path


@pytest.fixture
def bib(tmp_path: Path) -> Path:
    return write(tmp_path / "papers.bib", HAND_WRITTEN)


# Reading


def test_reads_entries_with_their_text_line_and_fields(bib: Path) -> None:
    document = read_bib(bib)
    assert document.keys() == ["Alpha2020", "zeta2021last"]
    alpha, zeta = document.entries
    assert alpha.entry_type == "article"
    assert alpha.line == 8
    assert alpha.text.startswith("@Article{ Alpha2020 ,")
    assert alpha.text.endswith("year=2020}")
    assert dict(alpha.fields) == {
        "title": "An   {Odd}   Layout",
        "author": "Ann Alpha",
        "journal": "nips # { (NeurIPS)}",
        "year": "2020",
    }
    assert zeta.line == 14
    assert zeta.aliases == ("zeta2021", "OldKey")
    assert zeta.eprint == "arXiv:2104.00001v2"
    assert document.text == HAND_WRITTEN
    assert (document.has_bom, document.newline) == (False, "\n")


def test_lookup_ignores_case_and_follows_aliases(bib: Path) -> None:
    document = read_bib(bib)
    assert document.get("ALPHA2020") is document.entries[0]
    assert document.get("oldkey") is document.entries[1]
    assert document.get("zeta2021") is document.entries[1]
    assert document.get("missing") is None


def test_lookup_by_eprint_ignores_version_and_prefix(bib: Path) -> None:
    document = read_bib(bib)
    assert document.by_eprint("2104.00001") is document.entries[1]
    assert document.by_eprint("2104.00001v1") is document.entries[1]
    assert document.by_eprint("1707.06347") is None


def test_a_missing_file_is_an_empty_bibliography(tmp_path: Path) -> None:
    document = read_bib(tmp_path / "none.bib")
    assert (document.entries, document.text) == ([], "")


@pytest.mark.parametrize(
    ("text", "line", "words"),
    [
        ("% ok\n@misc{a,\n  title = {Y {Z},\n}\n\n@misc{b,\n  title = {X},\n}\n", 2, "braces"),
        ("@misc{a,\n  title = {X},\n}\n\n@misc{cut,\n  title = {Half", 5, "end of file"),
        ("@misc{a,\n  title = {X},\n}\n@misc{b\n  title = {X},\n}\n", 4, "comma"),
        ("@misc{a,\n  title = {X}\n  year = {2020},\n}\n", 3, "comma"),
        ("@misc{a,\n  title = {a \\{ b},\n}\n", 2, "textbraceleft"),
        ("@misc{a,\n  title = {a \\} b},\n}\n", 2, "textbraceleft"),
        ("@misc{a,\n  title = {X},\n%  year = {2020},\n}\n", 3, "no comments inside entries"),
        ("@misc{a,\n  title = ,\n}\n", 2, "missing"),
        ("\n\n@misc{,\n  title = {X},\n}\n", 3, "key"),
        ("@misc{a b,\n  title = {X},\n}\n", 1, "key"),
        ("@misc{a,\n  title = {X},\n  Title = {Y},\n}\n", 3, "twice"),
        ("@misc{a,\n  title = {X},\n  title = {Y},\n}\n", 1, "twice"),
        ("@misc{a,\n  title = {X} #,\n}\n", 2, "braces"),
    ],
)
def test_broken_files_are_refused_with_their_line(text: str, line: int, words: str) -> None:
    with pytest.raises(BibError) as caught:
        parse_bib(text, Path("refs.bib"))
    assert caught.value.line == line
    assert words in caught.value.message
    assert str(caught.value).startswith(f"refs.bib:{line}: ")


FIRST = "@misc{Alpha2020,\n  ids = {OldKey},\n}\n\n"


@pytest.mark.parametrize(
    "second",
    [
        "@misc{Alpha2020,\n  title = {X},\n}\n",  # exact duplicate
        "@misc{ALPHA2020,\n  title = {X},\n}\n",  # pybtex and biber ignore case
        "@misc{oldkey,\n  title = {X},\n}\n",  # a key equal to another entry's alias
        "@misc{beta,\n  ids = {alpha2020},\n}\n",  # an alias equal to another key
    ],
)
def test_duplicate_keys_are_refused_even_if_only_case_differs(second: str) -> None:
    with pytest.raises(BibError) as caught:
        parse_bib(FIRST + second, Path("refs.bib"))
    assert caught.value.line == 5
    assert "already used by the entry on line 1" in caught.value.message


def test_a_string_defined_twice_is_refused() -> None:
    with pytest.raises(BibError) as caught:
        parse_bib('@string{a = "x"}\n@string{a = "y"}\n', Path("refs.bib"))
    assert caught.value.line == 2


def test_latin1_is_refused_at_the_line_of_the_first_bad_byte(tmp_path: Path) -> None:
    path = write(
        tmp_path / "latin.bib", "% one\n% two\n@misc{a,\n  author = {Müller},\n}\n", "latin-1"
    )
    with pytest.raises(BibError) as caught:
        read_bib(path)
    assert caught.value.line == 4
    assert "convert the file to UTF-8" in caught.value.message


def test_an_unreadable_path_is_a_bib_error_without_a_line(tmp_path: Path) -> None:
    with pytest.raises(BibError) as caught:
        read_bib(tmp_path)
    assert caught.value.line == 0
    assert str(caught.value) == f"{tmp_path}: cannot read: Is a directory"


def test_errors_are_not_repeated_in_the_log(caplog: pytest.LogCaptureFixture) -> None:
    with pytest.raises(BibError):
        parse_bib("@misc{a,\n  title = {", Path("refs.bib"))
    assert caplog.records == []


def test_entries_are_hashable_and_compare_by_value(bib: Path) -> None:
    assert len({*read_bib(bib).entries, *read_bib(bib).entries}) == 2


def test_bom_and_crlf_are_remembered(tmp_path: Path) -> None:
    path = write(tmp_path / "b.bib", "\ufeff@misc{a,\r\n  title = {X},\r\n}\r\n")
    document = read_bib(path)
    assert (document.has_bom, document.newline, document.keys()) == (True, "\r\n", ["a"])
    assert document.entries[0].line == 1


# Inserting


def test_insertion_keeps_every_other_byte(bib: Path) -> None:
    add_entries(
        bib, [("beta", entry("beta")), ("aardvark", entry("aardvark")), ("zz", entry("zz"))]
    )
    expected = (
        HAND_WRITTEN.replace("@Article{", "@misc{aardvark,\n  title = {T},\n}\n\n@Article{")
        .replace(
            "% This one is about Zeta.\n",
            "@misc{beta,\n  title = {T},\n}\n\n% This one is about Zeta.\n",
        )
        .replace(
            "  eprint = {arXiv:2104.00001v2},\n}\n",
            "  eprint = {arXiv:2104.00001v2},\n}\n\n@misc{zz,\n  title = {T},\n}\n",
        )
    )
    assert bib.read_text(encoding="utf-8") == expected
    assert read_bib(bib).keys() == ["aardvark", "Alpha2020", "beta", "zeta2021last", "zz"]


def test_insertion_into_a_bom_crlf_file(tmp_path: Path) -> None:
    original = "\ufeff% head\r\n\r\n@misc{m,\r\n  title = {X},\r\n}\r\n"
    path = write(tmp_path / "b.bib", original)
    add_entries(path, [("a", entry("a")), ("z", entry("z"))])
    assert (
        path.read_bytes()
        == (
            "\ufeff% head\r\n\r\n@misc{a,\r\n  title = {T},\r\n}\r\n\r\n"
            "@misc{m,\r\n  title = {X},\r\n}\r\n\r\n@misc{z,\r\n  title = {T},\r\n}\r\n"
        ).encode()
    )


def test_a_file_without_final_newline_keeps_its_bytes(tmp_path: Path) -> None:
    path = write(tmp_path / "b.bib", "@misc{a,\n  title = {X},\n}")
    add_entries(path, [("b", entry("b"))])
    assert path.read_text(encoding="utf-8") == "@misc{a,\n  title = {X},\n}\n\n" + entry("b")[:-1]


@pytest.mark.parametrize(
    ("original", "result"),
    [
        ("", "@misc{a,\n  title = {T},\n}\n\n@misc{b,\n  title = {T},\n}\n"),
        ("% head\n", "% head\n\n@misc{a,\n  title = {T},\n}\n\n@misc{b,\n  title = {T},\n}\n"),
        ("% head", "% head\n\n@misc{a,\n  title = {T},\n}\n\n@misc{b,\n  title = {T},\n}\n"),
        ("% head\n\n", "% head\n\n@misc{a,\n  title = {T},\n}\n\n@misc{b,\n  title = {T},\n}\n"),
    ],
)
def test_first_entries_follow_the_header(original: str, result: str) -> None:
    document = parse_bib(original, Path("refs.bib"))
    assert insert_entries(document, [("b", entry("b")), ("a", entry("a"))]) == result


def test_an_unsorted_file_still_gets_a_deterministic_place() -> None:
    document = parse_bib(entry("m") + "\n" + entry("c") + "\n" + entry("x"), Path("refs.bib"))
    text = insert_entries(document, [("d", entry("d")), ("a", entry("a")), ("y", entry("y"))])
    assert parse_bib(text, Path("refs.bib")).keys() == ["a", "d", "m", "c", "x", "y"]


def test_the_header_comment_stays_on_top() -> None:
    document = parse_bib("% header\n" + entry("m"), Path("refs.bib"))
    assert insert_entries(document, [("a", entry("a"))]).startswith("% header\n@misc{a,")


def test_existing_or_malformed_new_entries_are_refused(bib: Path) -> None:
    before = snapshot(bib)
    for new in [("ALPHA2020", entry("ALPHA2020")), ("oldkey", entry("oldkey"))]:
        with pytest.raises(ValueError, match="already"):
            add_entries(bib, [new])
    with pytest.raises(ValueError, match="exactly one entry"):
        add_entries(bib, [("b", entry("b") + entry("c"))])
    with pytest.raises(BibError):
        add_entries(bib, [("b", "@misc{b,\n  title = {T,\n}\n")])
    assert snapshot(bib) == before


# add_papers


def test_add_papers_formats_inserts_and_returns_keys(tmp_path: Path) -> None:
    path = write(tmp_path / "papers.bib", "% header\n")
    dpo, ppo = paper("2305.18290v2"), paper("1707.06347", "Proximal Policy Optimization")
    assert add_papers(path, [dpo, ppo]) == {
        dpo.arxiv_id: "rafailov2023direct",
        ppo.arxiv_id: "rafailov2017proximal",
    }
    expected = (
        "% header\n\n"
        + format_entry("rafailov2017proximal", ppo)
        + "\n"
        + format_entry("rafailov2023direct", dpo)
    )
    assert path.read_text(encoding="utf-8") == expected


def test_a_paper_already_present_keeps_its_key_and_nothing_is_written(bib: Path) -> None:
    before = snapshot(bib)
    requested = parse_arxiv_id("2104.00001v3")
    assert add_papers(bib, [paper(str(requested))]) == {requested: "zeta2021last"}
    assert snapshot(bib) == before


def test_a_colliding_key_is_suffixed_and_the_old_one_kept(tmp_path: Path) -> None:
    path = write(tmp_path / "papers.bib", "@misc{Rafailov2023Direct,\n  title = {Other},\n}\n")
    keys = add_papers(path, [paper("2305.18290"), paper("2305.18290v1"), paper("2311.00001")])
    assert sorted(set(keys.values())) == ["rafailov2023directa", "rafailov2023directb"]
    assert read_bib(path).keys() == [
        "Rafailov2023Direct",
        "rafailov2023directa",
        "rafailov2023directb",
    ]


@pytest.mark.parametrize(
    ("content", "line"),
    [
        (b"@misc{a,\n  title = {X},\n}\n\n@misc{cut,\n  title = {", 5),
        (b"% x\n@misc{a,\n  title = {Y {Z},\n}\n\n@misc{b,\n  title = {X},\n}\n", 2),
        ("@misc{a,\n  author = {Müller},\n}\n".encode("latin-1"), 2),
        (b"@misc{a,\n  title = {X},\n}\n\n@misc{A,\n  title = {X},\n}\n", 5),
    ],
    ids=["truncated", "unbalanced", "latin-1", "duplicate"],
)
def test_a_broken_file_is_never_written(tmp_path: Path, content: bytes, line: int) -> None:
    path = tmp_path / "papers.bib"
    path.write_bytes(content)
    before = snapshot(path)
    with pytest.raises(BibError) as caught:
        add_papers(path, [paper("2305.18290")])
    assert caught.value.line == line
    assert snapshot(path) == before


def test_a_missing_folder_is_an_error_not_a_surprise(tmp_path: Path) -> None:
    with pytest.raises(BibError, match="does not exist"):
        add_papers(tmp_path / "nope" / "papers.bib", [paper("2305.18290")])
    assert not (tmp_path / "nope").exists()


def test_a_held_lock_times_out_with_a_clear_error(bib: Path) -> None:
    before = snapshot(bib)
    with filelock.FileLock(f"{bib}.lock"), pytest.raises(BibError, match="another process"):
        add_papers(bib, [paper("1707.06347")], timeout=0.2)
    assert snapshot(bib) == before


def _add_many(path: str, prefix: str, start: multiprocessing.synchronize.Barrier) -> None:
    start.wait()
    for number in range(1, 31):
        add_papers(Path(path), [paper(f"{prefix}.{number:05d}", f"Paper {prefix} {number}")])


def test_concurrent_writers_lose_nothing(tmp_path: Path) -> None:
    path = write(tmp_path / "papers.bib", "% header\n")
    context = multiprocessing.get_context("fork")
    start = context.Barrier(2)
    workers = [
        context.Process(target=_add_many, args=(str(path), prefix, start))
        for prefix in ("2301", "2302")
    ]
    for worker in workers:
        worker.start()
    for worker in workers:
        worker.join(timeout=60)
    assert [worker.exitcode for worker in workers] == [0, 0]
    document = read_bib(path)
    assert len(document.entries) == 60
    for prefix in ("2301", "2302"):
        for number in range(1, 31):
            assert document.by_eprint(f"{prefix}.{number:05d}") is not None


# Atomic writes


def test_atomic_write_keeps_the_mode_and_leaves_no_temp_file(tmp_path: Path) -> None:
    path = write(tmp_path / "papers.bib", "old")
    path.chmod(0o640)
    atomic_write(path, b"new")
    assert path.read_bytes() == b"new"
    assert path.stat().st_mode & 0o777 == 0o640
    assert os.listdir(tmp_path) == ["papers.bib"]


def test_atomic_write_creates_new_files_with_the_umask(tmp_path: Path) -> None:
    umask = os.umask(0o022)
    try:
        atomic_write(tmp_path / "new.bib", b"data")
    finally:
        os.umask(umask)
    assert (tmp_path / "new.bib").stat().st_mode & 0o777 == 0o644


def test_atomic_write_writes_through_a_symlink(tmp_path: Path) -> None:
    target = write(tmp_path / "real.bib", "old")
    link = tmp_path / "papers.bib"
    link.symlink_to(target)
    atomic_write(link, b"new")
    assert link.is_symlink()
    assert target.read_bytes() == b"new"


def test_atomic_write_refuses_a_missing_folder(tmp_path: Path) -> None:
    with pytest.raises(FileNotFoundError, match="folder does not exist"):
        atomic_write(tmp_path / "nope" / "papers.bib", b"x")
    assert not (tmp_path / "nope").exists()


FULL_DISK = textwrap.dedent(
    """
    import resource, signal, sys
    from pathlib import Path
    from paperrefs.bibfile import BibError
    from paperrefs.fetching import add_papers
    from paperrefs.fsutil import atomic_write
    from paperrefs.ids import parse_arxiv_id
    from paperrefs.metadata import PaperMetadata

    signal.signal(signal.SIGXFSZ, signal.SIG_IGN)  # get EFBIG instead of being killed
    resource.setrlimit(resource.RLIMIT_FSIZE, (200, resource.RLIM_INFINITY))
    path = Path(sys.argv[1])
    if sys.argv[2] == "atomic_write":
        try:
            atomic_write(path, b"x" * 100_000)
        except OSError as error:
            print(error.errno)
    else:
        meta = PaperMetadata(parse_arxiv_id("2305.18290"), "T" * 500, ("A B",), "cs.LG")
        try:
            add_papers(path, [meta])
        except BibError as error:
            print(error.line, error.message)
    """
)


@pytest.mark.parametrize("operation", ["atomic_write", "add_papers"])
def test_a_failed_write_leaves_the_original_intact(tmp_path: Path, operation: str) -> None:
    path = write(tmp_path / "papers.bib", "% header\n")
    before = snapshot(path)
    result = subprocess.run(
        [sys.executable, "-c", FULL_DISK, str(path), operation],
        capture_output=True,
        text=True,
        timeout=60,
        check=True,
    )
    if operation == "atomic_write":
        assert result.stdout.strip() == str(errno.EFBIG)
    else:
        assert result.stdout.startswith("0 could not write")
    assert snapshot(path) == before
    assert set(os.listdir(tmp_path)) - {"papers.bib.lock"} == {"papers.bib"}
