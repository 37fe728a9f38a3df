"""The seed blog post the notes were migrated from, and the notes pages, parsed.

``tests/data/seed-notes.md`` is a verbatim copy of the post: which papers have a note,
under which "[Updated ...]" date, and what each note says. The parsers here read it and
the topic pages in ``docs/notes/`` into comparable records.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import datetime
from functools import cache
from pathlib import Path

from paperrefs.ids import InvalidArxivId, parse_arxiv_id

from tests.helpers.paths import DATA, REPO

SEED = DATA / "seed-notes.md"
NOTES = REPO / "docs" / "notes"

# The three papers that are not on arXiv, by the URL the post links to.
NON_ARXIV_KEYS = {
    "https://inria.hal.science/inria-00625001/PDF/Preference-based_Policy_Learning.pdf": (
        "akrour2011preference"
    ),
    "https://inria.hal.science/hal-00980839/PDF/programming_by_feedback.pdf": (
        "schoenauer2014programming"
    ),
    "https://papers.nips.cc/paper_files/paper/2012/file/"
    "16c222aa19898e5058938167c8ab6c57-Paper.pdf": "wilson2012bayesian",
}


LINK = r"\[(?P<title>[^\]]+)\]\((?P<url>[^)\s]+)\)"
_UPDATED = re.compile(r"\[Updated (?P<date>[A-Z][a-z]+ \d{1,2}, \d{4})\]\s*")
_HEADING_NOTE = re.compile(rf"#{{1,6}}\s+{LINK}\s*")
_ITEM_NOTE = re.compile(rf"(?P<indent> *)- {LINK}(?P<rest>.*)")
_ITEM = re.compile(r"(?P<indent> *)- (?P<text>.*\S)\s*")
HEADING = re.compile(r"(?P<marks>#{1,6})\s+(?P<title>.*\S)\s*")
_PAPER = re.compile(r"```\{paper\}\s+(?P<arg>\S+)\s*")
_OPTION = re.compile(r":(?P<name>[\w-]+):\s*(?P<value>.*\S)?\s*")
QUOTE = re.compile(r"\"[^\"]+\"")


@dataclass
class SeedBullet:
    text: str
    shared: bool  # written once for several papers whose headings follow each other


@dataclass
class SeedNote:
    key: str
    date: str
    title: str
    bullets: list[SeedBullet] = field(default_factory=list)


@dataclass
class PageNote:
    key: str
    page: str
    heading: str | None
    options: dict[str, str]
    text: str


def paper_key(reference: str) -> str:
    """A paper's identity: the normalized arXiv ID (version kept), or its bib key."""
    if reference in NON_ARXIV_KEYS:
        return NON_ARXIV_KEYS[reference]
    try:
        return str(parse_arxiv_id(reference))
    except InvalidArxivId:
        return reference


def parse_seed(text: str) -> list[SeedNote]:
    """Every paper with a note of its own, with its section date and its bullets."""
    lines = text.splitlines()
    if lines and lines[0].strip() == "---":  # Jekyll front matter
        lines = lines[lines.index("---", 1) + 1 :]
    notes: list[SeedNote] = []
    date: str | None = None
    owners: list[SeedNote] = []  # the notes the next bullets belong to
    owner_indent = -1  # bullets belong to a list-item note only if indented under it
    owners_have_bullets = False

    def new_note(title: str, url: str) -> SeedNote:
        assert date is not None, f"note {title!r} comes before any [Updated ...] date"
        note = SeedNote(paper_key(url), date, title)
        notes.append(note)
        return note

    for line in lines:
        if match := _UPDATED.fullmatch(line):
            date = datetime.strptime(match["date"], "%B %d, %Y").date().isoformat()
            owners = []
        elif match := _HEADING_NOTE.fullmatch(line):
            note = new_note(match["title"], match["url"])
            consecutive = owners and owner_indent < 0 and not owners_have_bullets
            owners = [*owners, note] if consecutive else [note]
            owner_indent, owners_have_bullets = -1, False
        elif HEADING.fullmatch(line):
            owners = []
        elif match := _ITEM_NOTE.fullmatch(line):
            note = new_note(match["title"], match["url"])
            owners, owner_indent, owners_have_bullets = [note], len(match["indent"]), False
            if remark := match["rest"].strip():  # e.g. "(Anthropic)" after the link
                note.bullets.append(SeedBullet(remark, shared=False))
        elif match := _ITEM.fullmatch(line):
            if owners and len(match["indent"]) > owner_indent:
                for note in owners:
                    note.bullets.append(SeedBullet(match["text"], shared=len(owners) > 1))
                owners_have_bullets = True
            else:  # a list item that only groups notes, such as "- Early papers"
                owners = []
    return notes


def parse_page(path: Path) -> list[PageNote]:
    """Every ``paper`` directive of a page, with the text of its section."""
    lines = path.read_text(encoding="utf-8").splitlines()
    notes: list[PageNote] = []
    index = 0
    while index < len(lines):
        match = _PAPER.fullmatch(lines[index])
        if not match:
            index += 1
            continue
        previous = HEADING.fullmatch(lines[index - 1]) if index else None
        options: dict[str, str] = {}
        index += 1
        while index < len(lines) and lines[index].strip() != "```":
            option = _OPTION.fullmatch(lines[index])
            assert option, f"{path.name}:{index + 1}: not a directive option: {lines[index]!r}"
            options[option["name"]] = option["value"] or ""
            index += 1
        end = index + 1
        while end < len(lines) and not HEADING.fullmatch(lines[end]):
            end += 1
        heading = previous["title"] if previous else None
        text = "\n".join(lines[index + 1 : end])
        notes.append(PageNote(paper_key(match["arg"]), path.name, heading, options, text))
        index = end
    return notes


@cache
def seed_notes() -> tuple[SeedNote, ...]:
    """Every note of the seed post, parsed once."""
    return tuple(parse_seed(SEED.read_text(encoding="utf-8")))
