"""The Atom feed of dated notes: deterministic bytes, absolute links, text-only content."""

from __future__ import annotations

import xml.etree.ElementTree as ET
from dataclasses import dataclass
from urllib.parse import urlsplit

from paperrefs.records import Action

ATOM = "http://www.w3.org/2005/Atom"
MAX_ENTRIES = 100


@dataclass(frozen=True)
class FeedEntry:
    date: str  # ISO day
    action: Action
    title: str
    url: str  # absolute, to the note's section
    summary: str
    uid: str  # stable across builds: page, section and event


def atom_feed(
    entries: list[FeedEntry], *, title: str, site_url: str, feed_url: str, author: str
) -> bytes:
    """The feed as UTF-8 bytes; ElementTree escapes every text and attribute value."""
    ET.register_namespace("", ATOM)
    feed = ET.Element(f"{{{ATOM}}}feed")
    _text(feed, "title", title)
    _text(feed, "id", feed_url)
    ET.SubElement(feed, f"{{{ATOM}}}link", rel="self", href=feed_url)
    ET.SubElement(feed, f"{{{ATOM}}}link", rel="alternate", type="text/html", href=site_url)
    newest = max((entry.date for entry in entries), default="1970-01-01")
    _text(feed, "updated", f"{newest}T00:00:00Z")
    _text(ET.SubElement(feed, f"{{{ATOM}}}author"), "name", author or title)
    _text(feed, "generator", "paperrefs")
    host = urlsplit(site_url).hostname or "localhost"
    for entry in entries[:MAX_ENTRIES]:
        element = ET.SubElement(feed, f"{{{ATOM}}}entry")
        _text(element, "title", entry.title)
        _text(element, "id", f"tag:{host},{entry.date}:{entry.uid}")
        ET.SubElement(element, f"{{{ATOM}}}link", rel="alternate", type="text/html", href=entry.url)
        _text(element, "updated", f"{entry.date}T00:00:00Z")
        if entry.action is Action.ADDED:
            _text(element, "published", f"{entry.date}T00:00:00Z")
        _text(element, "summary", entry.summary or entry.title)
    ET.indent(feed)
    document: bytes = ET.tostring(feed, encoding="utf-8", xml_declaration=True)
    return document + b"\n"


def _text(parent: ET.Element, tag: str, text: str) -> ET.Element:
    element = ET.SubElement(parent, f"{{{ATOM}}}{tag}")
    element.text = text
    return element
