"""The parsed bib kept between builds: reused while the bytes are the same, whatever the
file's modification time says; read again as soon as one byte differs."""

from __future__ import annotations

import os
from pathlib import Path

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
