"""Docutils nodes that show one paper: its card, its short citation, its links.

Untrusted text only ever enters as ``nodes.Text``.

Every function here is builder-agnostic: generic nodes that HTML, LaTeX and EPUB
writers all know (plus :class:`collapsible`, which each builder registers).
"""

from __future__ import annotations

from urllib.parse import urlsplit

from docutils import nodes
from sphinx import addnodes

from paperrefs.ids import ArxivId, Doi
from paperrefs.library import Paper
from paperrefs.records import CitationKind
from paperrefs.sphinxext.nodes import (
    CITATION_KIND,
    COVERED_VERSION,
    GENERATED,
    PLAIN_TEXT,
    collapsible,
)
from paperrefs.text import (
    PREVIEW_ABSTRACT_LENGTH,
    is_web_url,
    math_to_plain,
    shorten,
    tex_segments,
)

AUTHORS_IN_CARD = 6
AUTHORS_ON_PAGE = 12
ABSTRACT_MARK = " · Abstract: "  # between a tooltip's citation and its abstract


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


def tex_nodes(text: str) -> list[nodes.Node]:
    """A title or abstract as text and inline math nodes, for MathJax to render.

    Each math node carries its plain form: builders without MathJax show that instead
    (``views.math_for_builder``), so untrusted TeX never reaches a LaTeX file.
    """
    result: list[nodes.Node] = []
    for segment in tex_segments(text):
        if segment.math:
            math = nodes.math(segment.text, segment.text)
            math[PLAIN_TEXT] = math_to_plain(segment.text)
            result.append(math)
        else:
            result.append(nodes.Text(segment.text))
    return result


def title_inline(paper: Paper) -> nodes.inline:
    return nodes.inline("", "", *tex_nodes(paper.tex_title))


def abstract_paragraph(paper: Paper) -> nodes.paragraph | None:
    """The abstract, its math rendered; None for an entry without one."""
    if not paper.abstract:
        return None
    return nodes.paragraph("", "", *tex_nodes(paper.abstract), classes=["paperrefs-abstract"])


def external_link(text: str, url: str, classes: list[str] | None = None) -> nodes.Node:
    """A link for an http(s) URL; anything else stays plain text."""
    if not is_web_url(url):
        return nodes.Text(text)
    reference = nodes.reference("", text, refuri=url, classes=classes or [])
    reference[GENERATED] = True  # not an author's citation of the paper
    return reference


# Entry types whose own URL is the page of a book.
BOOK_TYPES = frozenset({"book", "incollection", "inbook"})


def links_paragraph(paper: Paper, version: int | None) -> nodes.paragraph:
    """Abstract, PDF and DOI links; a versioned citation links to that version.

    Only arXiv's page is an "Abstract": any other URL is named for what it is.
    """
    arxiv = ArxivId(paper.arxiv_id.base, version) if paper.arxiv_id and version else paper.arxiv_id
    links: list[tuple[str, str | None]] = []
    if arxiv:
        links += [("Abstract", arxiv.abs_url), ("PDF", arxiv.pdf_url)]
    elif paper.url and paper.url != paper.doi_url:
        links.append((url_label(paper), paper.url))
    links.append(("DOI", paper.doi_url))
    paragraph = nodes.paragraph(classes=["paperrefs-links"])
    for label, url in links:
        if url and is_web_url(url):
            if len(paragraph):
                paragraph += nodes.Text(" ")
            paragraph += external_link(label, url, ["paperrefs-button"])
    return paragraph


def url_label(paper: Paper) -> str:
    """What a non-arXiv URL is: a book's page, or a page on some host."""
    if paper.entry_type.lower() in BOOK_TYPES:
        return "Book page"
    host = (urlsplit(paper.url or "").hostname or "").removeprefix("www.")
    return host or "Web page"


def meta_text(paper: Paper, version: int | None = None, *, venue: bool = True) -> str:
    parts = [paper.year, paper.venue if venue else ""]
    if paper.arxiv_id:
        parts.append(f"arXiv:{ArxivId(paper.arxiv_id.base, version)}")
    return " · ".join(part for part in parts if part)


def published_paragraph(paper: Paper) -> nodes.paragraph | None:
    """Where an arXiv paper was published: the journal reference its authors gave, and the
    publisher's DOI, when the bib knows them."""
    doi = paper.published_doi
    reference = paper.venue if paper.arxiv_id else ""
    if doi is None and not reference:
        return None
    paragraph = nodes.paragraph(classes=["paperrefs-published"])
    if reference:
        paragraph += nodes.Text(f"Journal reference: {reference}")
    if doi is not None:
        paragraph += nodes.Text(" · Published version: " if reference else "Published: ")
        paragraph += external_link(f"doi:{doi}", Doi(doi).url)
    return paragraph


def authors_node(paper: Paper, limit: int) -> nodes.Element:
    """The author list; a long one is cut short with a way to see every name."""
    authors = paper.authors
    paragraph = nodes.paragraph(classes=["paperrefs-authors"])
    if len(authors) <= limit:
        paragraph += nodes.Text(paper.author_list)
        return paragraph
    more = "others" if paper.et_al else f"{len(authors) - limit} more"
    paragraph += nodes.Text(", ".join(authors[:limit]) + f", and {more}")
    everyone = collapsible(summary=f"Show all {len(authors)} authors named")
    everyone += nodes.paragraph("", paper.author_list)
    container = nodes.container(classes=["paperrefs-authors-block"])
    container += [paragraph, everyone]
    return container


def note_card(paper: Paper, version: int | None) -> nodes.container:
    """What a ``paper`` directive shows under a note's heading."""
    card = nodes.container(classes=["paperrefs-card"])
    title = nodes.paragraph(classes=["paperrefs-title"])
    title += paper_xref(paper, title_inline(paper))
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
    return xref  # its preview is added when the page is written (``domain.resolve_xref``)


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
    """Plain text for a hover preview: title, authors and year, then the abstract shortened
    (the shape ``paperrefs-preview.js`` reads; HTML writers fold a newline in an attribute
    into a space, so the abstract is marked by words, which read well in any tooltip)."""
    more = len(paper.authors) > 3 or paper.et_al
    authors = ", ".join(paper.authors[:3]) + (" et al." if more else "")
    text = f"{paper.display_title} — {authors} ({paper.year})" if authors else paper.display_title
    if abstract := paper.plain_abstract:
        text += ABSTRACT_MARK + shorten(abstract, PREVIEW_ABSTRACT_LENGTH)
    return text
