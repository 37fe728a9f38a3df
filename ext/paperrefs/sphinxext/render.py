"""Docutils nodes that show one paper: its card, its short citation, its links.

Untrusted text only ever enters as ``nodes.Text``.

Every function here is builder-agnostic: generic nodes that HTML, LaTeX and EPUB
writers all know (plus :class:`collapsible`, which each builder registers).
"""

from __future__ import annotations

from docutils import nodes
from sphinx import addnodes

from paperrefs.ids import ArxivId, Doi
from paperrefs.library import Paper
from paperrefs.records import CitationKind
from paperrefs.sphinxext.nodes import CITATION_KIND, COVERED_VERSION, GENERATED, collapsible
from paperrefs.text import is_web_url

AUTHORS_IN_CARD = 6
AUTHORS_ON_PAGE = 12


def paper_xref(
    paper: Paper, content: nodes.Node, kind: CitationKind | None = None
) -> addnodes.pending_xref:
    """A link to the paper's page; ``kind`` set means it counts as a citation."""
    xref = addnodes.pending_xref(
        "",
        content,
        refdomain="paperrefs",
        reftype="paper",
        reftarget=paper.key,
        refexplicit=True,
        refwarn=False,
    )
    if kind is not None:
        xref[CITATION_KIND] = kind
    return xref


def external_link(text: str, url: str, classes: list[str] | None = None) -> nodes.Node:
    """A link for an http(s) URL; anything else stays plain text."""
    if not is_web_url(url):
        return nodes.Text(text)
    reference = nodes.reference("", text, refuri=url, classes=classes or [])
    reference[GENERATED] = True  # not an author's citation of the paper
    return reference


def links_paragraph(paper: Paper, version: int | None) -> nodes.paragraph:
    """Abstract, PDF and DOI links; a versioned citation links to that version."""
    arxiv = ArxivId(paper.arxiv_id.base, version) if paper.arxiv_id and version else paper.arxiv_id
    links: list[tuple[str, str | None]] = [
        ("Abstract", arxiv.abs_url if arxiv else paper.url),
        ("PDF", arxiv.pdf_url if arxiv else None),
        ("DOI", paper.doi_url),
    ]
    paragraph = nodes.paragraph(classes=["paperrefs-links"])
    for label, url in links:
        if url and is_web_url(url):
            if len(paragraph):
                paragraph += nodes.Text(" ")
            paragraph += external_link(label, url, ["paperrefs-button"])
    return paragraph


def meta_text(paper: Paper, version: int | None = None, *, venue: bool = True) -> str:
    parts = [paper.year, paper.venue if venue else ""]
    if paper.arxiv_id:
        parts.append(f"arXiv:{ArxivId(paper.arxiv_id.base, version)}")
    return " · ".join(part for part in parts if part)


def published_paragraph(paper: Paper) -> nodes.paragraph | None:
    """Where an arXiv paper was published, linked by its DOI, when the bib knows it."""
    doi = paper.published_doi
    if doi is None and not (paper.arxiv_id and paper.venue):
        return None
    paragraph = nodes.paragraph(classes=["paperrefs-published"])
    paragraph += nodes.Text("Published: " if doi is None else "Published")
    if doi is not None:
        paragraph += nodes.Text(f" in {paper.venue}: " if paper.venue else ": ")
        paragraph += external_link(f"doi:{doi}", Doi(doi).url)
    else:
        paragraph += nodes.Text(paper.venue)
    return paragraph


def authors_node(paper: Paper, limit: int) -> nodes.Element:
    """The author list; a long one is cut short with a way to see every name."""
    authors = paper.authors
    paragraph = nodes.paragraph(classes=["paperrefs-authors"])
    if len(authors) <= limit:
        paragraph += nodes.Text(", ".join(authors))
        return paragraph
    paragraph += nodes.Text(", ".join(authors[:limit]) + f", and {len(authors) - limit} more")
    everyone = collapsible(summary=f"Show all {len(authors)} authors")
    everyone += nodes.paragraph("", ", ".join(authors))
    container = nodes.container(classes=["paperrefs-authors-block"])
    container += [paragraph, everyone]
    return container


def note_card(paper: Paper, version: int | None) -> nodes.container:
    """What a ``paper`` directive shows under a note's heading."""
    card = nodes.container(classes=["paperrefs-card"])
    title = nodes.paragraph(classes=["paperrefs-title"])
    title += paper_xref(paper, nodes.inline("", paper.display_title))
    card += title
    card += authors_node(paper, AUTHORS_IN_CARD)
    meta = meta_text(paper, version)
    if version:
        meta += f" · {covers(paper, version)}"
    card += nodes.paragraph("", meta, classes=["paperrefs-meta"])
    card += links_paragraph(paper, version)
    return card


def unresolved_card(given: str, url: str | None, reason: str) -> nodes.container:
    """The visible fallback when a paper is not in the bibliography."""
    card = nodes.container(classes=["paperrefs-card", "paperrefs-unresolved"])
    title = nodes.paragraph(classes=["paperrefs-title"])
    title += external_link(given, url) if url else nodes.Text(given)
    card += title
    card += nodes.paragraph("", reason, classes=["paperrefs-meta"])
    return card


def short_citation(paper: Paper, version: int | None, kind: CitationKind) -> addnodes.pending_xref:
    label = paper.short_citation + (f", v{version}" if version else "")
    xref = paper_xref(paper, nodes.inline("", label, classes=["paperrefs-cite"]), kind)
    xref[COVERED_VERSION] = version
    xref["reftitle"] = tooltip(paper)
    return xref


def covers(paper: Paper, version: int) -> str:
    """Which version a note covers, and the newer one the bib records if there is one."""
    if paper.older_than_recorded(version):
        return f"this note covers v{version}; latest v{paper.version}"
    return f"this note covers version {version}"


def link_face(paper: Paper) -> tuple[str, ...]:
    """All that a list of links to papers shows of each (its text and hover preview): a
    page listing the paper changes only when this does."""
    return (paper.display_title, paper.short_citation, tooltip(paper))


def tooltip(paper: Paper) -> str:
    """Plain text for a hover preview: title, authors, year."""
    authors = ", ".join(paper.authors[:3]) + (" et al." if len(paper.authors) > 3 else "")
    return f"{paper.display_title} — {authors} ({paper.year})" if authors else paper.display_title
