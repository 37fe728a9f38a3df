"""The topic pages carry every note of the original blog post, with its date and its bullets.

Expectations come from ``tests/data/seed-notes.md``, a verbatim copy of the post the notes were
migrated from, so the check is against the source and not against a hand-kept list: which papers
have a note, under which "[Updated ...]" date, and what each note says.
"""

from __future__ import annotations

import itertools
import re
from collections import Counter, defaultdict
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path

import pytest
from paperrefs.ids import InvalidArxivId, parse_arxiv_id

from tests.conftest import REPO

SEED = Path(__file__).resolve().parent / "data" / "seed-notes.md"
NOTES = REPO / "docs" / "notes"
LANDING = REPO / "docs" / "index.md"

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

# Slips corrected during the migration (seed text -> page text). Applied to the seed before
# comparing, so every other word of the seed still has to be found on the pages.
SEED_FIXES = {
    "optmizes": "optimizes",
    "finuned": "fine-tuned",
    "dedeplication": "deduplication",
    "suprising": "surprising",
    "feed back": "feedback",
    "feed- back": "feedback",
    "bench marks": "benchmarks",
    'within the mode"': 'within the model"',
    "between two paper is": "between the two papers is",
    "with more step basically": "with more steps basically",
}

BULLET_WORDS_THRESHOLD = 0.85

_LINK = r"\[(?P<title>[^\]]+)\]\((?P<url>[^)\s]+)\)"
_UPDATED = re.compile(r"\[Updated (?P<date>[A-Z][a-z]+ \d{1,2}, \d{4})\]\s*")
_HEADING_NOTE = re.compile(rf"#{{1,6}}\s+{_LINK}\s*")
_ITEM_NOTE = re.compile(rf"(?P<indent> *)- {_LINK}(?P<rest>.*)")
_ITEM = re.compile(r"(?P<indent> *)- (?P<text>.*\S)\s*")
_HEADING = re.compile(r"(?P<marks>#{1,6})\s+(?P<title>.*\S)\s*")
_PAPER = re.compile(r"```\{paper\}\s+(?P<arg>\S+)\s*")
_OPTION = re.compile(r":(?P<name>[\w-]+):\s*(?P<value>.*\S)?\s*")
_QUOTE = re.compile(r"\"[^\"]+\"")
_WORD = re.compile(r"[^\W\d_]+")


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
        elif _HEADING.fullmatch(line):
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
        previous = _HEADING.fullmatch(lines[index - 1]) if index else None
        options: dict[str, str] = {}
        index += 1
        while index < len(lines) and lines[index].strip() != "```":
            option = _OPTION.fullmatch(lines[index])
            assert option, f"{path.name}:{index + 1}: not a directive option: {lines[index]!r}"
            options[option["name"]] = option["value"] or ""
            index += 1
        end = index + 1
        while end < len(lines) and not _HEADING.fullmatch(lines[end]):
            end += 1
        heading = previous["title"] if previous else None
        text = "\n".join(lines[index + 1 : end])
        notes.append(PageNote(paper_key(match["arg"]), path.name, heading, options, text))
        index = end
    return notes


def words(text: str, shortest: int = 3) -> list[str]:
    plain = re.sub(_LINK, lambda match: match["title"], text).lower()
    return [word for word in _WORD.findall(plain) if len(word) >= shortest]


def fix_seed_text(text: str) -> str:
    for slip, fixed in SEED_FIXES.items():
        text = text.replace(slip, fixed)
    return text


SEED_NOTES = parse_seed(SEED.read_text(encoding="utf-8"))
PAGES = sorted(NOTES.glob("*.md"))
PAGE_NOTES = [note for page in PAGES for note in parse_page(page)]
NOTE_BY_KEY = {note.key: note for note in PAGE_NOTES}
PAGE_TEXT = {page.name: page.read_text(encoding="utf-8") for page in PAGES}


def test_the_seed_parser_finds_the_posts_notes_and_dates() -> None:
    # Guards the parser itself: the post has 38 notes in six dated sections, and the World
    # Models paper is only cited inside another note.
    assert len(SEED_NOTES) == 38
    assert sorted({note.date for note in SEED_NOTES}) == [
        "2024-07-04",
        "2024-07-07",
        "2024-07-08",
        "2024-07-09",
        "2024-07-10",
        "2024-07-11",
    ]
    assert "1803.10122" not in {note.key for note in SEED_NOTES}
    shared = {note.key for note in SEED_NOTES if any(b.shared for b in note.bullets)}
    assert shared == {"2106.01345", "2106.02039"}


def test_every_seed_note_has_exactly_one_home() -> None:
    counts = Counter(note.key for note in PAGE_NOTES)
    duplicated = sorted(key for key, count in counts.items() if count > 1)
    missing = sorted({note.key for note in SEED_NOTES} - set(counts))
    extra = sorted(set(counts) - {note.key for note in SEED_NOTES})
    assert not duplicated, f"papers with more than one note: {duplicated}"
    assert not missing, f"seed notes missing from docs/notes/: {missing}"
    assert not extra, f"notes that are not in the seed: {extra}"


def test_every_note_keeps_the_date_of_its_seed_section() -> None:
    wrong = {
        note.key: (NOTE_BY_KEY[note.key].options.get("added"), note.date)
        for note in SEED_NOTES
        if note.key in NOTE_BY_KEY and NOTE_BY_KEY[note.key].options.get("added") != note.date
    }
    assert not wrong, f"paper: (:added: on the page, date in the seed): {wrong}"


def test_changelog_groups_equal_the_seed_sections() -> None:
    def groups(pairs: list[tuple[str, str]]) -> dict[str, set[str]]:
        grouped: defaultdict[str, set[str]] = defaultdict(set)
        for date, key in pairs:
            grouped[date].add(key)
        return dict(grouped)

    from_pages = groups([(note.options.get("added", ""), note.key) for note in PAGE_NOTES])
    assert from_pages == groups([(note.date, note.key) for note in SEED_NOTES])


@pytest.mark.parametrize("note", PAGE_NOTES, ids=lambda note: note.key)
def test_each_paper_directive_sits_right_under_its_heading(note: PageNote) -> None:
    assert note.heading, f"{note.page}: the paper directive for {note.key} must follow a heading"
    assert set(note.options) <= {"added", "updated"}
    assert re.fullmatch(r"\d{4}-\d{2}-\d{2}", note.options.get("added", ""))


def missing_words(bullet: str, found: set[str]) -> list[str] | None:
    """The bullet's words not in ``found``, or None when enough of them are there."""
    expected = words(fix_seed_text(bullet)) or words(bullet, shortest=1)
    gone = [word for word in expected if word not in found]
    return gone if len(gone) > (1 - BULLET_WORDS_THRESHOLD) * len(expected) else None


@pytest.mark.parametrize("seed", SEED_NOTES, ids=lambda note: note.key)
def test_every_seed_bullet_survives_in_its_note(seed: SeedNote) -> None:
    note = NOTE_BY_KEY.get(seed.key)
    if note is None:
        pytest.fail(f"no note for {seed.key}")
    page_text = PAGE_TEXT[note.page]
    section = set(words(note.text, shortest=1))
    page = set(words(page_text, shortest=1))
    # Bullets shared by several papers are written once; the other sections link to them.
    links_to_shared = any(
        f"({target})=" in page_text for target in re.findall(r"\]\(#([\w-]+)\)", note.text)
    )
    lost = []
    for bullet in seed.bullets:
        gone = missing_words(bullet.text, section)
        if gone is not None and bullet.shared:
            if not links_to_shared:
                gone = [*gone, "(a link to the shared notes on this page)"]
            else:
                gone = missing_words(bullet.text, page)
        if gone is not None:
            lost.append(f"- {bullet.text}\n    (not found: {', '.join(sorted(set(gone)))})")
    assert not lost, f"{seed.title} ({note.page}) lost these bullets:\n" + "\n".join(lost)


@pytest.mark.parametrize(
    "seed",
    [note for note in SEED_NOTES if any(_QUOTE.search(b.text) for b in note.bullets)],
    ids=lambda note: note.key,
)
def test_quotes_from_the_papers_stay_verbatim(seed: SeedNote) -> None:
    note = NOTE_BY_KEY[seed.key]
    for bullet in seed.bullets:
        for quote in _QUOTE.findall(fix_seed_text(bullet.text)):
            assert quote in note.text, f"{note.page}: quote changed or lost: {quote}"


@pytest.mark.parametrize("page", PAGES, ids=lambda page: page.name)
def test_topic_pages_have_one_title_and_no_skipped_heading_levels(page: Path) -> None:
    text = re.sub(r"^```.*?^```$", "", PAGE_TEXT[page.name], flags=re.DOTALL | re.MULTILINE)
    levels = [
        len(match["marks"]) for line in text.splitlines() if (match := _HEADING.fullmatch(line))
    ]
    assert levels[:1] == [1], "a topic page starts with its # title"
    assert levels.count(1) == 1
    skips = [(a, b) for a, b in itertools.pairwise(levels) if b > a + 1]
    assert not skips, f"heading levels jump: {skips}"
    intro = PAGE_TEXT[page.name].split("\n## ", 1)[0].split("\n", 1)[1]
    assert intro.strip(), "a topic page has an introduction under its title"


def test_every_topic_page_is_in_the_landing_page_toctree() -> None:
    toctrees = re.findall(r"```\{toctree\}\n(.*?)```", LANDING.read_text(encoding="utf-8"), re.S)
    listed = [line.strip() for tree in toctrees for line in tree.splitlines()]
    for page in PAGES:
        assert listed.count(f"notes/{page.stem}") == 1, f"{page.name} is not in a toctree"
