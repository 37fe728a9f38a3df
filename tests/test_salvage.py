"""Reading a broken bibliography for a build: good entries survive, problems name their line."""

from __future__ import annotations

from pathlib import Path

import pytest
from paperrefs.salvage import Salvaged, blank_block, salvage_bib

GOOD_A = "@misc{a,\n  title = {A}\n}\n"
GOOD_C = "@misc{c,\n  title = {C}\n}\n"
GOOD_E = "@misc{e,\n  title = {E}\n}\n"
UNCLOSED_B = "@misc{b,\n  title = {B\n}\n"  # the brace of the title is never closed
NO_COMMA_D = "@misc{d,\n  title = {D} year = 2020\n}\n"  # a comma is missing on line 2

UNCLOSED_MESSAGE = (
    "cannot read the block starting `@misc{b,`: Unexpected block start: `@misc`. Was still "
    "looking for field-value closing `,` or `}` (unbalanced braces or a missing comma?)"
)


def bib(tmp_path: Path, text: str) -> Path:
    path = tmp_path / "refs.bib"
    path.write_bytes(text.encode("utf-8"))
    return path


# -- blank_block --------------------------------------------------------------------------------


def test_blank_block_empties_the_block_holding_the_line_from_its_at_to_the_next() -> None:
    text = "% lead\n" + GOOD_A + "\n" + UNCLOSED_B + GOOD_C
    assert blank_block(text, 7) == "% lead\n" + GOOD_A + "\n\n\n\n" + GOOD_C


def test_blank_block_keeps_every_line_so_later_lines_keep_their_numbers() -> None:
    text = GOOD_A + UNCLOSED_B + GOOD_C
    blanked = blank_block(text, 5)
    assert blanked.count("\n") == text.count("\n")
    assert blanked.splitlines()[6] == "@misc{c,"


def test_blank_block_of_the_last_block_empties_it_to_the_end() -> None:
    text = GOOD_A + UNCLOSED_B
    assert blank_block(text, 4) == GOOD_A + "\n\n\n"


def test_blank_block_keeps_crlf_line_endings() -> None:
    text = (GOOD_A + UNCLOSED_B + GOOD_C).replace("\n", "\r\n")
    assert blank_block(text, 4) == (GOOD_A + "\n\n\n" + GOOD_C).replace("\n", "\r\n")


@pytest.mark.parametrize("line", [0, -1, 8, 100])
def test_blank_block_of_a_line_outside_the_text_changes_nothing(line: int) -> None:
    text = GOOD_A + UNCLOSED_B + "\n"
    assert blank_block(text, line) == text


# -- salvage_bib --------------------------------------------------------------------------------


def test_a_good_file_has_no_problems_and_its_text_is_unchanged(tmp_path: Path) -> None:
    text = "% refs\n" + GOOD_A + "\n" + GOOD_C
    salvaged = salvage_bib(bib(tmp_path, text))
    assert [entry.key for entry in salvaged.entries] == ["a", "c"]
    assert salvaged.problems == []
    assert not salvaged.damaged
    assert salvaged.text == text


def test_one_broken_entry_is_left_out_and_named_at_its_line(tmp_path: Path) -> None:
    path = bib(tmp_path, GOOD_A + "\n" + UNCLOSED_B + GOOD_C)
    salvaged = salvage_bib(path)
    assert [(entry.key, entry.line) for entry in salvaged.entries] == [("a", 1), ("c", 8)]
    assert [(p.path, p.line, p.message) for p in salvaged.problems] == [(path, 5, UNCLOSED_MESSAGE)]
    assert salvaged.damaged
    assert salvaged.text == GOOD_A + "\n\n\n\n" + GOOD_C


def test_two_broken_entries_are_both_left_out_and_both_named(tmp_path: Path) -> None:
    path = bib(tmp_path, GOOD_A + UNCLOSED_B + GOOD_C + NO_COMMA_D + GOOD_E)
    salvaged = salvage_bib(path)
    assert [(entry.key, entry.line) for entry in salvaged.entries] == [
        ("a", 1),
        ("c", 7),
        ("e", 13),
    ]
    assert [(p.line, p.message) for p in salvaged.problems] == [
        (4, UNCLOSED_MESSAGE),
        (11, "field `title`: expected `,` after the value (missing comma or brace?)"),
    ]
    assert salvaged.text == GOOD_A + "\n\n\n" + GOOD_C + "\n\n\n" + GOOD_E


def test_latin1_bytes_are_reported_at_their_line_and_every_entry_still_read(
    tmp_path: Path,
) -> None:
    path = tmp_path / "refs.bib"
    path.write_bytes((GOOD_A + "@misc{b,\n  author = {M\xfcller}\n}\n").encode("latin-1"))
    salvaged = salvage_bib(path)
    assert [entry.key for entry in salvaged.entries] == ["a", "b"]
    assert salvaged.entries[1].fields["author"] == "M\ufffdller"
    assert [(p.line, p.message) for p in salvaged.problems] == [
        (
            5,
            "byte 0xFC (column 14) is not UTF-8; convert the file to UTF-8 "
            "(e.g. `iconv -f latin1 -t utf-8`)",
        )
    ]


def test_a_missing_file_reads_as_an_empty_bibliography(tmp_path: Path) -> None:
    assert salvage_bib(tmp_path / "absent.bib") == Salvaged(entries=[], problems=[], text="")


def test_a_path_that_cannot_be_read_raises_oserror(tmp_path: Path) -> None:
    # A folder cannot be read as a file, even by root (permission bits would not stop root).
    folder = tmp_path / "refs.bib"
    folder.mkdir()
    with pytest.raises(OSError, match="Is a directory"):
        salvage_bib(folder)
