"""sphinxcontrib-bibtex's parsed bib brought up to date entry by entry: after any edit it
holds what pybtex's parse of the whole file gives, or the whole file is parsed."""

from __future__ import annotations

import tempfile
from pathlib import Path

from hypothesis import given, settings
from hypothesis import strategies as st
from paperrefs.bibfile import BibEntry, read_bib
from paperrefs.sphinxext.bibtex_reading import brought_up_to_date, text_digest
from pybtex.database import BibliographyData
from sphinxcontrib.bibtex.bibfile import BibData, parse_bibdata

# Entries whose reading takes pybtex's own rules: names with a "von" part and a suffix,
# a month macro, braces, accents, a person list that ends in "others".
ENTRIES = [
    "@misc{{k{n},\n  title = {{{title}}},\n"
    "  author = {{Ludwig van Beethoven and Smith, Jr., John}},\n}}\n",
    '@article{{k{n},\n  title = "{title}",\n  author = {{Ann {{de la}} Alpha and others}},\n'
    "  month = jan,\n  year = 2020,\n}}\n",
    "@book{{K{n},\n  title = {{{title} {{RLHF}}}},\n  editor = {{Chlo{{\\'e}} Ångström}},\n}}\n",
]
TITLES = ["A", "B: {C}", "$\\alpha$-D", "Über E"]


def bib_text(kinds: list[int], titles: list[str]) -> str:
    return "% head\n\n" + "\n".join(
        ENTRIES[kind].format(n=index, title=title)
        for index, (kind, title) in enumerate(zip(kinds, titles, strict=True))
    )


def full_parse(bib: Path) -> BibData:
    return parse_bibdata([bib], "utf-8-sig")


def entries_of(data: BibliographyData) -> list[tuple[str, object, object, object]]:
    return [
        (key, entry.type, list(entry.fields.items()), dict(entry.persons))
        for key, entry in data.entries.items()
    ]


kinds = st.lists(st.integers(0, len(ENTRIES) - 1), min_size=1, max_size=6)


@given(
    before=kinds,
    after=kinds,
    titles=st.lists(st.sampled_from(TITLES), min_size=6, max_size=6),
    moved=st.integers(0, 3),
)
@settings(max_examples=80, deadline=None)
def test_a_reading_by_entry_equals_pybtex_reading_the_whole_file(
    before: list[int], after: list[int], titles: list[str], moved: int
) -> None:
    with tempfile.TemporaryDirectory() as folder:
        bib = Path(folder) / "refs.bib"
        bib.write_text(bib_text(before, ["A"] * len(before)), encoding="utf-8")
        old = full_parse(bib)
        old_texts = {entry.key: text_digest(entry.text) for entry in read_bib(bib).entries}
        edited = "\n" * moved + bib_text(after, titles[: len(after)])
        bib.write_text(edited, encoding="utf-8")
        new = brought_up_to_date(old, old_texts, read_bib(bib).entries)
        assert new is not None
        assert entries_of(new) == entries_of(full_parse(bib).data)
        assert list(new.entries) == list(full_parse(bib).data.entries)


def test_keys_pybtex_holds_as_one_are_left_to_a_whole_parse(tmp_path: Path) -> None:
    """pybtex's keys are case-blind (paperrefs refuses such a bib, so a build salvages it and
    never comes here; the rule holds all the same)."""
    bib = tmp_path / "refs.bib"
    bib.write_text(bib_text([0], ["A"]), encoding="utf-8")
    old = full_parse(bib)
    first = read_bib(bib).entries[0]
    text = ENTRIES[2].format(n=0, title="B")
    second = BibEntry("K0", "book", {"title": "B"}, text, 9)
    assert brought_up_to_date(old, {}, [first, second]) is None
    assert brought_up_to_date(old, {}, [first]) is not None
