"""The map of the notes: topics, the sections of notes on them, and the papers each cites.

Sphinx-free: a tree derived from the build's views, in the site's reading order. The
Sphinx layer renders it as a nested list of links, which the map's script draws as a graph;
the same list is what readers without JavaScript get.
"""

from __future__ import annotations

from dataclasses import dataclass

from paperrefs.records import Place, Views, section_of


@dataclass(frozen=True)
class MapSection:
    """A section of a page that cites papers: the note about ``about``, when it is one."""

    place: Place
    about: str  # the key of the paper the section is the note of; "" for other sections
    cites: tuple[str, ...]  # every key it cites (its own paper included), in reading order


@dataclass(frozen=True)
class MapTopic:
    docname: str
    sections: tuple[MapSection, ...]


def note_map(views: Views) -> list[MapTopic]:
    """Every page that cites a paper, each with its citing sections, in reading order."""
    order = views.doc_order

    def position(place: Place) -> tuple[int, str, int]:
        return (order.get(place.docname, len(order)), place.docname, place.line)

    every = sorted(
        (citation for cited in views.backlinks.values() for citation in cited),
        key=lambda citation: (position(citation.place), citation.key),
    )
    # Sections in the order of their first citation; keys within one likewise.
    first: dict[tuple[str, str], Place] = {}
    cites: dict[tuple[str, str], dict[str, None]] = {}
    for citation in every:
        section = section_of(citation.place)
        first.setdefault(section, citation.place)
        cites.setdefault(section, {})[citation.key] = None
    about = {
        section_of(note.place): key for key, notes in views.notes_by_key.items() for note in notes
    }
    topics: dict[str, list[MapSection]] = {}
    for section, place in first.items():
        topics.setdefault(place.docname, []).append(
            MapSection(place, about.get(section, ""), tuple(cites[section]))
        )
    return [MapTopic(docname, tuple(sections)) for docname, sections in topics.items()]


def mapped_papers(topics: list[MapTopic]) -> list[str]:
    """The keys the map shows, each once, in the order the map first meets them."""
    seen: dict[str, None] = {}
    for topic in topics:
        for section in topic.sections:
            seen.update(dict.fromkeys(section.cites))
    return list(seen)
