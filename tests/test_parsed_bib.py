"""The parsed bib kept between builds: reused while the bytes are the same, whatever the
file's modification time says; read again as soon as one byte differs."""

from __future__ import annotations

import os
import tempfile
from pathlib import Path
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from paperrefs import bibfile, library
from paperrefs.parsed_bib import ParsedBib, read_parsed

from tests.helpers.bibs import HAND_WRITTEN, HAND_WRITTEN_KEYS

BROKEN = "@misc{b,\n  title = {B\n}\n"


def titles(parsed: ParsedBib) -> dict[str, str]:
    return {paper.key: paper.title for paper in parsed.library}


def setup_bib(tmp_path: Path, text: str = HAND_WRITTEN) -> tuple[Path, Path]:
    bib = tmp_path / "papers.bib"
    bib.write_text(text, encoding="utf-8")
    return bib, tmp_path / "build" / "parsed.pickle"


def test_the_same_bytes_are_read_once(tmp_path: Path) -> None:
    bib, record = setup_bib(tmp_path)
    first = read_parsed(bib, record)
    assert not first.reused
    assert record.is_file()
    again = read_parsed(bib, record)
    assert again.reused
    assert titles(again) == titles(first)
    assert set(HAND_WRITTEN_KEYS) <= set(titles(again))
    assert again.salvaged.text == first.salvaged.text


def test_a_touched_bib_is_the_same_bibliography(tmp_path: Path) -> None:
    bib, record = setup_bib(tmp_path)
    read_parsed(bib, record)
    later = bib.stat().st_mtime_ns + 5_000_000_000
    os.utime(bib, ns=(later, later))
    assert read_parsed(bib, record).reused


def test_an_edit_that_keeps_the_modification_time_is_still_seen(tmp_path: Path) -> None:
    bib, record = setup_bib(tmp_path)
    assert titles(read_parsed(bib, record))["zeta2021last"] == "Last"
    stat = bib.stat()
    bib.write_text(HAND_WRITTEN.replace("{Last}", "{Lost}"), encoding="utf-8")
    os.utime(bib, ns=(stat.st_atime_ns, stat.st_mtime_ns))
    edited = read_parsed(bib, record)
    assert not edited.reused
    assert titles(edited)["zeta2021last"] == "Lost"
    assert read_parsed(bib, record).reused  # the new reading is kept in turn


def test_a_broken_bib_keeps_its_problems_when_reused(tmp_path: Path) -> None:
    bib, record = setup_bib(tmp_path, HAND_WRITTEN + "\n" + BROKEN)
    first = read_parsed(bib, record)
    again = read_parsed(bib, record)
    assert again.reused
    assert [p.line for p in again.salvaged.problems] == [p.line for p in first.salvaged.problems]
    assert again.salvaged.damaged


def test_a_damaged_record_means_reading_the_bib_again(tmp_path: Path) -> None:
    bib, record = setup_bib(tmp_path)
    first = read_parsed(bib, record)
    record.write_bytes(record.read_bytes()[:80])  # cut off mid-pickle, as by a crash
    again = read_parsed(bib, record)
    assert not again.reused
    assert titles(again) == titles(first)


def test_a_record_of_another_file_is_not_taken(tmp_path: Path) -> None:
    bib, record = setup_bib(tmp_path)
    read_parsed(bib, record)
    other = tmp_path / "other.bib"
    other.write_text(HAND_WRITTEN, encoding="utf-8")
    assert not read_parsed(other, record).reused  # problems name their file


def test_no_record_and_no_bib(tmp_path: Path) -> None:
    bib, _ = setup_bib(tmp_path)
    assert not read_parsed(bib, None).reused
    missing = read_parsed(tmp_path / "absent.bib", tmp_path / "record")
    assert len(missing.library) == 0
    assert not (tmp_path / "record").exists()


# -- after an edit: the entries whose text is unchanged are taken from the record ----------

ENTRY = "@misc{{{key},\n  title = {{{title}}},\n  author = {{Ann Alpha and Bo Beta}},\n}}\n"


def bib_of(titles: list[str], head: str = "") -> str:
    body = "\n".join(
        ENTRY.format(key=f"k{index}", title=title) for index, title in enumerate(titles)
    )
    return HAND_WRITTEN + head + "\n" + body


def read_fresh(bib: Path) -> ParsedBib:
    return read_parsed(bib, None)


def same_reading(one: ParsedBib, other: ParsedBib) -> None:
    assert one.salvaged.entries == other.salvaged.entries
    assert [str(p) for p in one.salvaged.problems] == [str(p) for p in other.salvaged.problems]
    assert one.salvaged.text == other.salvaged.text
    assert list(one.library.papers.items()) == list(other.library.papers.items())


edit_steps = st.lists(
    st.one_of(
        st.tuples(
            st.just("title"), st.integers(0, 5), st.sampled_from(["X", "Y {Z}", "$\\alpha$"])
        ),
        st.tuples(st.just("drop"), st.integers(0, 5), st.just("")),
        st.tuples(st.just("lines"), st.integers(0, 3), st.just("")),
        st.tuples(st.just("string"), st.just(0), st.sampled_from(["NeurIPS", "ICML"])),
        st.tuples(st.just("break"), st.integers(0, 5), st.just("")),
        st.tuples(st.just("twice"), st.integers(0, 5), st.just("")),
    ),
    min_size=1,
    max_size=6,
)


@given(steps=edit_steps)
@settings(max_examples=60, deadline=None)
def test_a_reading_after_edits_equals_a_fresh_one(steps: list[tuple[str, int, str]]) -> None:
    """Line numbers move, entries break, keys repeat, a macro changes: whatever reads as
    before is the record's, and the whole reading is what a first reading gives."""
    with tempfile.TemporaryDirectory() as folder:
        bib, record = setup_bib(Path(folder), bib_of(["A", "B", "C", "D", "E", "F"]))
        read_parsed(bib, record)
        titles_now = ["A", "B", "C", "D", "E", "F"]
        head = ""
        for kind, index, value in steps:
            text = bib_of(titles_now, head)
            if kind == "title" and index < len(titles_now):
                titles_now[index] = value
                text = bib_of(titles_now, head)
            elif kind == "drop" and index < len(titles_now):
                del titles_now[index]
                text = bib_of(titles_now, head)
            elif kind == "lines":
                head += "\n" * (index + 1)
                text = bib_of(titles_now, head)
            elif kind == "string":
                text = text.replace('"Advances in Neural Information Processing Systems"', value)
            elif kind == "break":
                text = text.replace(
                    f"@misc{{k{index},\n  title = {{", f"@misc{{k{index},\n  title = {{{{"
                )
            elif kind == "twice":
                text += ENTRY.format(key=f"k{index}", title="again")
            bib.write_text(text, encoding="utf-8")
            same_reading(read_parsed(bib, record), read_fresh(bib))


def test_one_edited_entry_is_the_only_one_read_again(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    bib, record = setup_bib(tmp_path, bib_of(["A", "B", "C"]))
    read_parsed(bib, record)
    read: list[str] = []
    shown: list[str] = []
    real_read, real_show = bibfile._to_entry, library.paper_from_entry

    def reading(block: Any, path: Path) -> Any:
        read.append(block.key)
        return real_read(block, path)

    def showing(entry: Any) -> Any:
        shown.append(entry.key)
        return real_show(entry)

    monkeypatch.setattr(bibfile, "_to_entry", reading)
    monkeypatch.setattr(library, "paper_from_entry", showing)
    bib.write_text("\n\n" + bib_of(["A", "Bee", "C"]), encoding="utf-8")  # lines move, too
    edited = read_parsed(bib, record)
    assert read == shown == ["k1"]
    assert titles(edited)["k1"] == "Bee"
    assert edited.library.papers["k2"].line == edited.salvaged.entries[-1].line
    same_reading(edited, read_fresh(bib))


# -- a bib of entries alone: only the new blocks are split ---------------------------------

PLAIN_EDITS = [
    "title", "drop", "blank", "comment", "remark", "header", "at-in-field",
    "unclosed", "twice", "string", "bad-key", "indent", "head", "crlf",
]  # fmt: skip
plain_steps = st.lists(
    st.tuples(st.sampled_from(PLAIN_EDITS), st.integers(0, 5)), min_size=1, max_size=6
)


def edited_plain(blocks: list[str], kind: str, index: int) -> None:
    """One edit of a bib's blocks, in place."""
    if index >= len(blocks):
        return
    block = blocks[index]
    if kind == "title":
        blocks[index] = block.replace("title = {", "title = {New ", 1)
    elif kind == "drop":
        del blocks[index]
    elif kind == "blank":
        blocks[index] = "\n\n" + block
    elif kind == "comment":
        blocks[index] = block + "% see @misc{other, for the preprint\n"
    elif kind == "remark":  # a comment the splitter skips
        blocks[index] = block + "  % checked against the PDF\n"
    elif kind == "header":  # as paperrefs starts a bib
        blocks.insert(0, "% The shared bibliography.\n")
    elif kind == "at-in-field":
        blocks[index] = block.replace("author = {", "author = {\n@home and ", 1)
    elif kind == "unclosed":
        blocks[index] = block.replace("title = {", "title = {{", 1)
    elif kind == "twice":
        blocks.append(block)
    elif kind == "string":
        blocks.insert(index, '@string{ venue = "Venue" }\n')
    elif kind == "bad-key":
        blocks[index] = block.replace("@misc{", "@misc{bad key", 1)
    elif kind == "indent":  # an entry that does not start a line
        blocks[index] = "  " + block
    elif kind == "head":  # text before the first entry, which the splitter reads too
        blocks.insert(0, "See @misc{unfinished,\n")
    elif kind == "crlf":
        blocks[:] = [part.replace("\n", "\r\n") for part in blocks]


@given(steps=plain_steps)
@settings(max_examples=80, deadline=None)
def test_splitting_only_new_blocks_reads_as_a_whole_split(steps: list[tuple[str, int]]) -> None:
    """Entries edited, moved, broken, doubled, and text that is not an entry put between
    them: the reading after each edit is what a first reading of the file gives."""
    with tempfile.TemporaryDirectory() as folder:
        blocks = [
            ENTRY.format(key=f"k{index}", title=title) for index, title in enumerate("ABCDEF")
        ]
        bib, record = setup_bib(Path(folder), "\n".join(blocks))
        read_parsed(bib, record)
        for kind, index in steps:
            edited_plain(blocks, kind, index)
            bib.write_bytes("\n".join(blocks).encode("utf-8"))
            same_reading(read_parsed(bib, record), read_fresh(bib))


def test_after_one_entry_is_edited_only_its_block_is_split(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    header = "% The shared bibliography.\n\n"
    entries = [ENTRY.format(key=key, title=key) for key in "abcd"]
    entries[1] += "% read twice\n"
    bib, record = setup_bib(tmp_path, header + "\n".join(entries))
    read_parsed(bib, record)
    split: list[str] = []
    real_split = bibfile._split

    def splitting(text: str) -> Any:
        split.append(text)
        return real_split(text)

    monkeypatch.setattr(bibfile, "_split", splitting)
    bib.write_text("\n\n" + bib.read_text().replace("title = {c}", "title = {Sea}"))
    edited = read_parsed(bib, record)
    assert split == [ENTRY.format(key="c", title="Sea").rstrip()]
    assert titles(edited)["c"] == "Sea"
    assert [entry.line for entry in edited.salvaged.entries] == [5, 10, 16, 21]
    same_reading(edited, read_fresh(bib))
