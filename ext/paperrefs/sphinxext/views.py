"""Cross-document views, rendered into placeholders once every document has been read:
a paper page's "cited in" list and the papers read with it, the changelog, the references
index, the site stats and the map of the notes; and a topic page's feed and bib links."""

from __future__ import annotations

from collections.abc import Iterable

from docutils import nodes
from sphinx.application import Sphinx
from sphinx.builders import Builder
from sphinx.util.osutil import relative_uri

from paperrefs.library import Paper
from paperrefs.notemap import MapSection, note_map
from paperrefs.records import Action, Citation, CitationKind, Place, Views
from paperrefs.sphinxext import render
from paperrefs.sphinxext.domain import PaperrefsDomain, domain_of, internal_link
from paperrefs.sphinxext.nodes import (
    PLACEHOLDERS,
    PLAIN_TEXT,
    backlinks_placeholder,
    changelog_placeholder,
    graph_placeholder,
    index_placeholder,
    note_marker,
    related_placeholder,
    stats_placeholder,
)
from paperrefs.sphinxext.settings import settings_of
from paperrefs.sphinxext.site_files import MATH_BUILDERS
from paperrefs.sphinxext.topics import topic_files
from paperrefs.text import anchor_slug, human_date

# Sphinx's search leaves out what carries this class. Every view lists what other pages
# show (titles, headings, a note's sentences), and the search finds it there: listed in
# the views as well, a query for a title would also turn up the index, the changelog, the
# map and every paper page read with it; and writing the index at 10,000 papers would
# spend a second on search words for it.
NO_SEARCH = "no-search"

KIND_LABELS = {
    CitationKind.NOTE: "note",
    CitationKind.ARXIV: "citation",
    CitationKind.LINK: "link",
    CitationKind.CITE: "citation",
}


def render_views(app: Sphinx, doctree: nodes.document, docname: str) -> None:
    """``doctree-resolved``, after every other handler of paperrefs (which then need not walk
    a filled index): fill every placeholder, drop the note markers."""
    renderer = ViewRenderer(domain_of(app.env), app.builder, docname)
    renderer.replace_all(doctree)
    renderer.add_topic_links(doctree)
    math_for_builder(app, doctree)


def is_placeholder(node: nodes.Node) -> bool:
    return isinstance(node, (*PLACEHOLDERS, note_marker))


def math_for_builder(app: Sphinx, doctree: nodes.document) -> None:
    """Math from metadata stays math where MathJax renders it, and is text everywhere else:
    a LaTeX or EPUB file never receives untrusted TeX."""
    if app.builder.name in MATH_BUILDERS:
        return
    for math in list(doctree.findall(nodes.math)):
        if PLAIN_TEXT in math.attributes:
            math.replace_self(nodes.Text(math[PLAIN_TEXT]))


class ViewRenderer:
    """Replaces the placeholders of one resolved doctree."""

    def __init__(self, domain: PaperrefsDomain, builder: Builder, docname: str) -> None:
        self.domain = domain
        self.views: Views = domain.views()
        self.builder = builder
        self.docname = docname
        self.env = domain.env
        self.titles: dict[str, str] = {}

    def replace_all(self, doctree: nodes.document) -> None:
        # Found in one walk, before any is filled: a filled index is a thousand items long.
        for placeholder in list(doctree.findall(is_placeholder)):
            assert isinstance(placeholder, nodes.Element)
            placeholder.replace_self(self.rendered(placeholder))

    def rendered(self, placeholder: nodes.Element) -> list[nodes.Node]:
        if isinstance(placeholder, backlinks_placeholder):
            return self.backlinks(placeholder["key"])
        if isinstance(placeholder, related_placeholder):
            return self.related(placeholder["key"])
        if isinstance(placeholder, changelog_placeholder):
            return self.changelog(placeholder["limit"])
        if isinstance(placeholder, index_placeholder):
            return self.index()
        if isinstance(placeholder, stats_placeholder):
            return self.stats()
        if isinstance(placeholder, graph_placeholder):
            return self.graph()
        return []  # a note marker: it has done its work once the document was read

    # -- links ------------------------------------------------------------------------------

    def link_to(self, place: Place, content: nodes.Element) -> nodes.Element:
        """A link to a note's place; its text alone where the output leaves the note out."""
        link = internal_link(self.builder, self.docname, place.docname, place.anchor, content)
        return link if link is not None else content

    def paper_link(self, paper: Paper, content: nodes.Element) -> nodes.Node:
        """Views are rendered after cross-references were resolved: resolve directly."""
        xref = render.paper_xref(paper, content)
        reference = self.domain.resolve_xref(
            self.env, self.docname, self.builder, "paper", paper.key, xref, content
        )
        return reference if reference is not None else content

    def page_title(self, docname: str) -> str:
        if docname not in self.titles:  # a changelog names each page once per note
            title = self.env.titles.get(docname)
            self.titles[docname] = title.astext() if title is not None else docname
        return self.titles[docname]

    def place_label(self, place: Place) -> str:
        page = self.page_title(place.docname)
        return f"{page} › {place.heading}" if place.heading and place.heading != page else page

    # -- paper pages: cited in --------------------------------------------------------------

    def backlinks(self, key: str) -> list[nodes.Node]:
        citations = self.views.backlinks.get(key, [])
        if not citations:
            return [nodes.paragraph("", "No note cites this paper yet.")]
        items = nodes.bullet_list(classes=["paperrefs-backlinks", NO_SEARCH])
        for group in group_by_place(citations):
            items += self.backlink_item(group)
        return [items]

    def backlink_item(self, citations: list[Citation]) -> nodes.list_item:
        place = citations[0].place
        line = nodes.paragraph()
        line += self.link_to(place, nodes.inline("", self.place_label(place)))
        kinds = sorted({KIND_LABELS[citation.kind] for citation in citations})
        line += nodes.Text(f" ({', '.join(kinds)})")
        versions = sorted({c.version for c in citations if c.version})
        if versions:
            line += nodes.Text(" · covers " + ", ".join(f"version {v}" for v in versions))
            paper = self.domain.library.by_key(citations[0].key)
            if paper is not None and paper.older_than_recorded(versions[0]):
                line += nodes.Text(f"; latest v{paper.version}")
        item = nodes.list_item()
        item += line
        if place.snippet:
            item += nodes.paragraph("", place.snippet, classes=["paperrefs-snippet"])
        return item

    # -- paper pages: read with ------------------------------------------------------------

    def related(self, key: str) -> list[nodes.Node]:
        items = nodes.bullet_list(classes=["paperrefs-related", NO_SEARCH])
        for related in self.views.related.get(key, []):
            paper = self.domain.library.by_key(related.key)
            if paper is None:
                continue
            line = nodes.paragraph()
            line += self.paper_link(paper, nodes.inline("", paper.display_title))
            together = "1 note" if related.shared == 1 else f"{related.shared} notes"
            line += nodes.Text(f" — {paper.short_citation} · cited together in {together}")
            items += nodes.list_item("", line)
        if not items.children:
            return [nodes.paragraph("", "No other paper is cited in the same notes yet.")]
        return [items]

    # -- topic pages: their feed and bib ----------------------------------------------------

    def add_topic_links(self, doctree: nodes.document) -> None:
        """Under a topic page's title: its own feed and the bib of what its notes cite."""
        files = topic_files(self.env.config, self.views, self.docname)
        if files is None or self.builder.format != "html":
            return
        title = doctree.next_node(nodes.title)
        if title is None:
            return
        here = self.builder.get_target_uri(self.docname)
        paragraph = nodes.paragraph(classes=["paperrefs-topic-links"])
        if files.feed:
            paragraph += nodes.reference(
                "", "Atom feed of this topic", refuri=relative_uri(here, files.feed)
            )
            paragraph += nodes.Text(" · ")
        count = len(self.views.topics.get(self.docname, []))
        paragraph += nodes.reference(
            "",
            f"BibTeX of the {count} papers cited here" if count != 1 else "BibTeX of the paper",
            refuri=relative_uri(here, files.bib),
        )
        parent = title.parent
        parent.insert(parent.index(title) + 1, paragraph)

    # -- the map of the notes ---------------------------------------------------------------

    def graph(self) -> list[nodes.Node]:
        """The map as nested lists of links (topic, section, paper), which the map's script
        reads and draws; readers without JavaScript get the lists themselves."""
        topics = nodes.bullet_list(classes=["paperrefs-graph-list"])
        for topic in note_map(self.views):
            item = nodes.list_item(classes=["paperrefs-graph-topic"])
            page = Place(topic.docname, "", "", 0, "")
            item += nodes.paragraph(
                "", "", self.link_to(page, nodes.inline("", self.page_title(topic.docname)))
            )
            sections = nodes.bullet_list()
            for section in topic.sections:
                if section.place.anchor:
                    sections += self.graph_section(section)
                else:  # cited before any heading: the page itself cites them
                    sections.extend(self.graph_papers(section).children)
            item += sections
            topics += item
        if not topics.children:
            return [nodes.paragraph("", "No note cites a paper yet.")]
        graph = nodes.container(classes=["paperrefs-graph", NO_SEARCH])
        graph += topics
        return [graph]

    def graph_section(self, section: MapSection) -> nodes.list_item:
        item = nodes.list_item(classes=["paperrefs-graph-note"])
        label = section.place.heading or self.page_title(section.place.docname)
        item += nodes.paragraph("", "", self.link_to(section.place, nodes.inline("", label)))
        item += self.graph_papers(section)
        return item

    def graph_papers(self, section: MapSection) -> nodes.bullet_list:
        papers = nodes.bullet_list()
        for key in section.cites:
            paper = self.domain.library.by_key(key)
            if paper is None:
                continue
            classes = ["paperrefs-graph-paper"]
            if key == section.about:
                classes.append("paperrefs-graph-about")
            item = nodes.list_item(classes=classes)
            item += nodes.paragraph(
                "", "", self.paper_link(paper, nodes.inline("", paper.display_title))
            )
            papers += item
        return papers

    # -- changelog --------------------------------------------------------------------------

    def changelog(self, limit: int) -> list[nodes.Node]:
        days: dict[str, nodes.bullet_list] = {}
        for item in self.views.changelog:
            if item.date not in days:
                if limit and len(days) == limit:
                    break
                days[item.date] = nodes.bullet_list(classes=["paperrefs-changelog-day", NO_SEARCH])
            days[item.date] += self.changelog_row(item.note.place, item.note.key, item.action)
        if not days:
            return [nodes.paragraph("", "No dated notes yet.")]
        result: list[nodes.Node] = []
        feed = self.feed_link()
        if feed is not None:
            result.append(feed)
        for day, rows in days.items():
            section = nodes.section(ids=[f"changelog-{day}"], classes=["paperrefs-changelog"])
            section += nodes.title("", human_date(day))
            section += rows
            result.append(section)
        return result

    def changelog_row(self, place: Place, key: str, action: Action) -> nodes.list_item:
        paper = self.domain.library.by_key(key) if key else None
        line = nodes.paragraph()
        line += self.link_to(
            place, nodes.inline("", place.heading or self.page_title(place.docname))
        )
        if paper is not None:
            line += nodes.Text(" — ")
            line += nodes.emphasis("", "", *render.tex_nodes(paper.tex_title))
        line += nodes.Text(f" ({'new note' if action is Action.ADDED else 'updated'}, in ")
        line += self.link_to(
            Place(place.docname, "", "", 0, ""), nodes.inline("", self.page_title(place.docname))
        )
        line += nodes.Text(")")
        return nodes.list_item("", line)

    def feed_link(self) -> nodes.paragraph | None:
        """A visible link to the Atom feed, on sites that publish one."""
        feed = settings_of(self.env.config).feed_file
        if not feed or self.builder.format != "html":
            return None
        here = self.builder.get_target_uri(self.docname)
        paragraph = nodes.paragraph(classes=["paperrefs-feed-link"])
        paragraph += nodes.Text("Follow new notes in a feed reader: ")
        paragraph += nodes.reference(
            "", "Atom feed of the changelog", refuri=relative_uri(here, feed)
        )
        return paragraph

    # -- references index -------------------------------------------------------------------

    def index(self) -> list[nodes.Node]:
        result: list[nodes.Node] = []
        download = self.bib_download()
        if download is not None:
            result.append(download)
        for title, anchor, papers in self.index_groups():
            section = nodes.section(ids=[f"papers-{anchor}"], classes=["paperrefs-index-group"])
            section += nodes.title("", title)
            items = nodes.bullet_list(classes=["paperrefs-index", NO_SEARCH])
            for paper in papers:
                items += self.index_item(paper, anchor)
            section += items
            result.append(section)
        return result

    def index_groups(self) -> list[tuple[str, str, list[Paper]]]:
        """Papers grouped by the page of their note, in site order; the rest at the end."""
        order = self.views.doc_order
        groups: dict[str, list[Paper]] = {}
        cited_only: list[Paper] = []
        uncited: list[Paper] = []
        for paper in self.domain.library:
            notes = self.views.notes_by_key.get(paper.key)
            if notes:
                groups.setdefault(notes[0].place.docname, []).append(paper)
            elif paper.key in self.views.backlinks:
                cited_only.append(paper)
            else:
                uncited.append(paper)
        result = [
            (self.page_title(doc), anchor_slug(doc), sorted(papers, key=by_year_then_title))
            for doc, papers in sorted(
                groups.items(), key=lambda kv: (order.get(kv[0], 1 << 30), kv[0])
            )
        ]
        if cited_only:
            result.append(
                ("Cited in passing", "cited-in-passing", sorted(cited_only, key=by_year_then_title))
            )
        if uncited:
            result.append(("Not cited yet", "not-cited", sorted(uncited, key=by_year_then_title)))
        return result

    def index_item(self, paper: Paper, group: str) -> nodes.list_item:
        item = nodes.list_item(
            classes=[
                "paperrefs-index-item",
                f"paperrefs-year-{paper.year}",
                f"paperrefs-topic-{group}",
                *([f"paperrefs-category-{paper.category}"] if paper.category else []),
            ]
        )
        line = nodes.paragraph()
        line += self.paper_link(paper, render.title_inline(paper))
        line += nodes.Text(f" — {paper.short_authors}, {paper.year}")
        item += line
        places = unique_pages(self.views.backlinks.get(paper.key, []))
        if places:
            cited = nodes.paragraph(classes=["paperrefs-index-notes"])
            cited += nodes.Text("Notes: ")
            for position, place in enumerate(places):
                if position:
                    cited += nodes.Text("; ")
                cited += self.link_to(place, nodes.inline("", self.place_label(place)))
            item += cited
        return item

    def bib_download(self) -> nodes.paragraph | None:
        """A link to the whole bibliography, which HTML builds copy to the site root."""
        if self.builder.format != "html":
            return None
        here = self.builder.get_target_uri(self.docname)
        paragraph = nodes.paragraph(classes=["paperrefs-bib-download"])
        paragraph += nodes.Text("The whole bibliography as one BibTeX file: ")
        paragraph += nodes.reference(
            "", "download papers.bib", refuri=relative_uri(here, "papers.bib")
        )
        return paragraph

    # -- stats ------------------------------------------------------------------------------

    def stats(self) -> list[nodes.Node]:
        papers = len(self.domain.library)
        notes = sum(len(notes) for notes in self.domain.notes.values())
        topics = len({doc for doc, notes in self.domain.notes.items() if notes})
        text = f"{papers} papers, {notes} notes on {topics} topic pages."
        return [nodes.paragraph("", text, classes=["paperrefs-stats"])]


def group_by_place(citations: Iterable[Citation]) -> list[list[Citation]]:
    groups: dict[tuple[str, str], list[Citation]] = {}
    for citation in citations:
        groups.setdefault((citation.place.docname, citation.place.anchor), []).append(citation)
    return list(groups.values())


def unique_pages(citations: Iterable[Citation]) -> list[Place]:
    seen: dict[tuple[str, str], Place] = {}
    for citation in citations:
        seen.setdefault((citation.place.docname, citation.place.anchor), citation.place)
    return list(seen.values())


def by_year_then_title(paper: Paper) -> tuple[str, str]:
    return (paper.year, paper.display_title.lower())
