"""The Atom feed of dated notes, as bytes: deterministic, escaped, absolute, bounded."""

from __future__ import annotations

import xml.etree.ElementTree as ET

import feedparser
from paperrefs.feed import ATOM, MAX_ENTRIES, FeedEntry, atom_feed
from paperrefs.records import Action

SITE = "https://notes.example.org/sub/"
FEED = "https://notes.example.org/sub/feed.xml"


def entry(day: str, action: Action = Action.ADDED, title: str = "PPO", **extra: str) -> FeedEntry:
    anchor = extra.pop("anchor", "ppo")
    values = {
        "url": f"{SITE}notes/policy.html#{anchor}",
        "summary": "clips the update",
        "uid": f"notes/policy/{anchor}/{action}",
        **extra,
    }
    return FeedEntry(day, action, title, values["url"], values["summary"], values["uid"])


def feed_of(entries: list[FeedEntry], author: str = "Tester") -> bytes:
    return atom_feed(entries, title="Test notes", site_url=SITE, feed_url=FEED, author=author)


def children(data: bytes, tag: str) -> list[ET.Element]:
    return ET.fromstring(data).findall(f"{{{ATOM}}}{tag}")


def text_of(element: ET.Element, tag: str) -> str | None:
    return element.findtext(f"{{{ATOM}}}{tag}")


def test_the_same_entries_give_the_same_bytes() -> None:
    entries = [entry("2024-07-09", Action.UPDATED), entry("2024-07-04")]
    assert feed_of(entries) == feed_of(list(entries))


def test_the_feed_is_utf8_xml_ending_in_one_newline() -> None:
    data = feed_of([entry("2024-07-04", title="Schrödinger")])
    assert data.startswith(b"<?xml version='1.0' encoding='utf-8'?>\n<feed xmlns=")
    assert data.endswith(b"</feed>\n")
    assert "<title>Schrödinger</title>".encode() in data


def test_markup_in_titles_and_summaries_is_escaped_and_reads_back_as_written() -> None:
    title = "A <script>x</script> & \"quoted\" 'text'"
    summary = "loss < 0 & ratio > 1 </summary><evil/>"
    data = feed_of([entry("2024-07-04", title=title, summary=summary)])
    assert b"<script>" not in data
    assert b"<evil/>" not in data
    assert b"A &lt;script&gt;x&lt;/script&gt; &amp; " in data
    assert b"loss &lt; 0 &amp; ratio &gt; 1 &lt;/summary&gt;&lt;evil/&gt;" in data
    (element,) = children(data, "entry")
    assert text_of(element, "title") == title
    assert text_of(element, "summary") == summary


def test_quotes_and_ampersands_in_links_are_escaped_in_the_attribute() -> None:
    url = f'{SITE}notes/a.html?x=1&y="2"#ppo'
    data = feed_of([entry("2024-07-04", url=url)])
    assert b'href="https://notes.example.org/sub/notes/a.html?x=1&amp;y=&quot;2&quot;#ppo"' in data
    (element,) = children(data, "entry")
    link = element.find(f"{{{ATOM}}}link")
    assert link is not None
    assert link.attrib == {"rel": "alternate", "type": "text/html", "href": url}


def test_links_are_absolute_and_ids_are_tag_uris_of_the_site_host_and_date() -> None:
    data = feed_of([entry("2024-07-09", Action.UPDATED), entry("2024-07-04")])
    parsed = feedparser.parse(data)
    assert not parsed.bozo, parsed.get("bozo_exception")
    assert parsed.version == "atom10"
    assert parsed.feed.id == FEED
    assert [(link.rel, link.href) for link in parsed.feed.links] == [
        ("self", FEED),
        ("alternate", SITE),
    ]
    assert [item.link for item in parsed.entries] == [
        f"{SITE}notes/policy.html#ppo",
        f"{SITE}notes/policy.html#ppo",
    ]
    assert [item.id for item in parsed.entries] == [
        "tag:notes.example.org,2024-07-09:notes/policy/ppo/updated",
        "tag:notes.example.org,2024-07-04:notes/policy/ppo/added",
    ]


def test_only_added_entries_have_a_published_date() -> None:
    data = feed_of([entry("2024-07-09", Action.UPDATED), entry("2024-07-04", Action.ADDED)])
    updated, added = children(data, "entry")
    assert text_of(updated, "published") is None
    assert text_of(updated, "updated") == "2024-07-09T00:00:00Z"
    assert text_of(added, "published") == "2024-07-04T00:00:00Z"
    assert text_of(added, "updated") == "2024-07-04T00:00:00Z"


def test_an_entry_without_a_summary_is_summarized_by_its_title() -> None:
    (element,) = children(feed_of([entry("2024-07-04", title="TRPO", summary="")]), "entry")
    assert text_of(element, "summary") == "TRPO"


def test_the_feed_keeps_at_most_max_entries_the_first_ones_given() -> None:
    days = [f"2024-{month:02d}-{day:02d}" for month in range(12, 0, -1) for day in (28, 14)]
    entries = [
        entry(days[index % len(days)], anchor=f"n{index}") for index in range(MAX_ENTRIES + 5)
    ]
    kept = children(feed_of(entries), "entry")
    assert MAX_ENTRIES == 100
    assert len(kept) == MAX_ENTRIES
    assert [text_of(element, "id") for element in kept] == [
        f"tag:notes.example.org,{item.date}:{item.uid}" for item in entries[:MAX_ENTRIES]
    ]


def test_the_feed_is_updated_on_its_newest_date_whatever_the_order() -> None:
    data = feed_of([entry("2024-07-04"), entry("2024-09-01", anchor="b"), entry("2024-07-09")])
    assert ET.fromstring(data).findtext(f"{{{ATOM}}}updated") == "2024-09-01T00:00:00Z"


def test_the_author_defaults_to_the_feed_title() -> None:
    root = ET.fromstring(feed_of([], author=""))
    assert root.findtext(f"{{{ATOM}}}author/{{{ATOM}}}name") == "Test notes"


def test_an_empty_feed_is_valid_atom_dated_at_the_epoch() -> None:
    data = feed_of([])
    parsed = feedparser.parse(data)
    assert not parsed.bozo, parsed.get("bozo_exception")
    assert parsed.version == "atom10"
    assert parsed.entries == []
    assert parsed.feed.title == "Test notes"
    assert parsed.feed.updated == "1970-01-01T00:00:00Z"
    assert parsed.feed.author == "Tester"
    assert parsed.feed.generator == "paperrefs"
