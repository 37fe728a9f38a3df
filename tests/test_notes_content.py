"""The topic pages carry every note of the original blog post, with its date and its bullets.

Expectations come from ``tests/data/seed-notes.md``, a verbatim copy of the post the notes were
migrated from, so the check is against the source and not against a hand-kept list: which papers
have a note, under which "[Updated ...]" date, and what each note says.
"""

from __future__ import annotations

import itertools
import re
from collections import Counter, defaultdict
from pathlib import Path

import pytest

from tests.helpers.paths import REPO
from tests.helpers.seed_notes import (
    HEADING,
    LINK,
    NOTES,
    QUOTE,
    PageNote,
    SeedNote,
    parse_page,
    seed_notes,
)

LANDING = REPO / "docs" / "index.md"

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
_WORD = re.compile(r"[^\W\d_]+")


def words(text: str, shortest: int = 3) -> list[str]:
    plain = re.sub(LINK, lambda match: match["title"], text).lower()
    return [word for word in _WORD.findall(plain) if len(word) >= shortest]


def fix_seed_text(text: str) -> str:
    for slip, fixed in SEED_FIXES.items():
        text = text.replace(slip, fixed)
    return text


SEED_NOTES = list(seed_notes())
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
    [note for note in SEED_NOTES if any(QUOTE.search(b.text) for b in note.bullets)],
    ids=lambda note: note.key,
)
def test_quotes_from_the_papers_stay_verbatim(seed: SeedNote) -> None:
    note = NOTE_BY_KEY[seed.key]
    for bullet in seed.bullets:
        for quote in QUOTE.findall(fix_seed_text(bullet.text)):
            assert quote in note.text, f"{note.page}: quote changed or lost: {quote}"


@pytest.mark.parametrize("page", PAGES, ids=lambda page: page.name)
def test_topic_pages_have_one_title_and_no_skipped_heading_levels(page: Path) -> None:
    text = re.sub(r"^```.*?^```$", "", PAGE_TEXT[page.name], flags=re.DOTALL | re.MULTILINE)
    levels = [
        len(match["marks"]) for line in text.splitlines() if (match := HEADING.fullmatch(line))
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
