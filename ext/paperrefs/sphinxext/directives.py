"""The directives authors write: ``paper``, ``changelog``, ``paper-index``, ``paper-stats``,
``paper-graph``, and ``paper-page``, which only the generated paper pages use."""

from __future__ import annotations

from typing import ClassVar

from docutils import nodes
from docutils.parsers.rst import directives
from sphinx.util.docutils import SphinxDirective
from sphinx.util.typing import OptionSpec

from paperrefs.dates import ADDED_MISSING, is_iso_date, not_a_date, out_of_order, updated_parts
from paperrefs.ids import (
    ArxivId,
    InvalidArxivId,
    InvalidDoi,
    looks_like_doi,
    parse_arxiv_id,
    parse_doi,
)
from paperrefs.library import Paper
from paperrefs.sphinxext import render
from paperrefs.sphinxext.domain import PaperrefsDomain, domain_of
from paperrefs.sphinxext.incremental import (
    CHANGELOG,
    GRAPH,
    INDEX,
    STATS,
    arxiv_token,
    doi_token,
    entry_token,
    key_token,
    paper_view,
    related_view,
    version_token,
)
from paperrefs.sphinxext.nodes import (
    backlinks_placeholder,
    changelog_placeholder,
    entry_download,
    graph_placeholder,
    index_placeholder,
    note_marker,
    related_placeholder,
    stats_placeholder,
)
from paperrefs.sphinxext.warnings import SYNC_HINT, Warn, warn


class PaperrefsDirective(SphinxDirective):
    @property
    def domain(self) -> PaperrefsDomain:
        return domain_of(self.env)


class PaperDirective(PaperrefsDirective):
    """Marks the note about one paper and shows the paper's title, authors and links."""

    required_arguments = 1
    option_spec: ClassVar[OptionSpec] = {
        "added": directives.unchanged,
        "updated": directives.unchanged,
    }

    def run(self) -> list[nodes.Node]:
        given = self.arguments[0]
        arxiv_id, paper = self.lookup(given)
        version = arxiv_id.version if arxiv_id else None
        if paper is not None and version:  # the card then compares it with the bib's
            self.domain.note_dependency(self.env.docname, version_token(paper.key))
        added, updated = self.added_date(), self.updated_dates()
        if added and updated and updated[0] < added:
            warn(Warn.DATE, out_of_order(updated[0], added), location=self.get_location())
        marker = note_marker(
            key=paper.key if paper else "",
            given=str(arxiv_id) if arxiv_id else given,
            version=version,
            added=added,
            updated=updated,
        )
        self.set_source_info(marker)
        if paper is None:
            url = arxiv_id.abs_url if arxiv_id else None
            reason = f"Not in the bibliography yet: {SYNC_HINT}."
            return [marker, render.unresolved_card(given, url, reason)]
        return [marker, render.note_card(paper, version)]

    def lookup(self, given: str) -> tuple[ArxivId | None, Paper | None]:
        """Resolve an arXiv ID (any form), a DOI or a bib key; warn when it is none or unknown."""
        library = self.domain.library
        if looks_like_doi(given):
            return None, self.lookup_doi(given)
        try:
            arxiv_id = parse_arxiv_id(given)
        except InvalidArxivId as error:
            self.domain.note_dependency(self.env.docname, key_token(given))
            paper = library.by_key(given)
            if paper is None:
                warn(
                    Warn.UNRESOLVED,
                    f"{given!r} is neither a key of the bibliography nor an arXiv ID "
                    f"({error.reason}); {SYNC_HINT}",
                    location=self.get_location(),
                )
            return None, paper
        self.domain.note_dependency(self.env.docname, arxiv_token(arxiv_id))
        paper = library.by_arxiv(arxiv_id)
        if paper is None:
            warn(
                Warn.UNRESOLVED,
                f"arXiv:{arxiv_id} is not in the bibliography; {SYNC_HINT}",
                location=self.get_location(),
            )
        return arxiv_id, paper

    def lookup_doi(self, given: str) -> Paper | None:
        try:
            doi = parse_doi(given)
        except InvalidDoi as error:
            warn(Warn.BAD_ID, str(error), location=self.get_location())
            return None
        self.domain.note_dependency(self.env.docname, doi_token(doi))
        paper = self.domain.library.by_doi(doi)
        if paper is None:
            warn(
                Warn.UNRESOLVED,
                f"DOI {doi} is not in the bibliography; add it with `paperrefs add {doi}`",
                location=self.get_location(),
            )
        return paper

    def added_date(self) -> str:
        value = self.options.get("added")
        if value is None:
            warn(Warn.DATE, ADDED_MISSING, location=self.get_location())
            return ""
        return self.checked_date(value, "added")

    def updated_dates(self) -> list[str]:
        value = self.options.get("updated") or ""
        dates = [self.checked_date(part, "updated") for part in updated_parts(value)]
        return sorted({day for day in dates if day})

    def checked_date(self, value: str, option: str) -> str:
        if is_iso_date(value):
            return value
        warn(Warn.DATE, not_a_date(option, value), location=self.get_location())
        return ""


class PaperPageDirective(PaperrefsDirective):
    """The body of a generated paper page: metadata, links, abstract, backlinks and BibTeX."""

    required_arguments = 1

    def run(self) -> list[nodes.Node]:
        key = self.arguments[0]
        self.domain.note_dependency(self.env.docname, entry_token(key))
        paper = self.domain.library.by_key(key)
        if paper is None:  # the stub outlived its entry; the next build deletes it
            return [nodes.paragraph("", f"{key} is no longer in the bibliography.")]
        self.domain.note_shows(self.env.docname, paper_view(paper.key))
        self.domain.note_shows(self.env.docname, related_view(paper.key))
        page = nodes.section(ids=[nodes.make_id(f"paper-{paper.key}")])
        page += nodes.title("", "", *render.tex_nodes(paper.tex_title))
        page += render.authors_node(paper, render.AUTHORS_ON_PAGE)
        published = render.published_paragraph(paper)
        meta = render.meta_text(paper, venue=published is None)  # the venue once, not twice
        page += nodes.paragraph("", meta, classes=["paperrefs-meta"])
        if published is not None:
            page += published
        page += render.links_paragraph(paper, None)
        if (abstract := render.abstract_paragraph(paper)) is not None:
            page += self.subsection("Abstract", abstract)
        page += self.subsection("Cited in", backlinks_placeholder(key=paper.key))
        page += self.subsection("Read with", related_placeholder(key=paper.key))
        page += self.subsection("BibTeX", *self.bibtex_nodes(paper))
        return [page]

    def subsection(self, title: str, *content: nodes.Node) -> nodes.section:
        section = nodes.section(ids=[nodes.make_id(title)])
        section += nodes.title("", title)
        section += content
        return section

    def bibtex_nodes(self, paper: Paper) -> list[nodes.Node]:
        block = nodes.literal_block(paper.bibtex, paper.bibtex, language="bibtex")
        # Not a Sphinx download: Sphinx would copy every entry's file on every build.
        download = entry_download(slug=paper.slug)
        download += nodes.literal("", f"{paper.slug}.bib")
        paragraph = nodes.paragraph("", "Download this entry: ")
        paragraph += download
        return [block, paragraph]


class ChangelogDirective(PaperrefsDirective):
    """Every dated note and update, newest first, grouped by day."""

    option_spec: ClassVar[OptionSpec] = {"limit": directives.nonnegative_int}

    def run(self) -> list[nodes.Node]:
        self.domain.note_shows(self.env.docname, CHANGELOG)
        return [changelog_placeholder(limit=self.options.get("limit", 0))]


class PaperIndexDirective(PaperrefsDirective):
    """The references index: every paper, grouped by the topic of its note."""

    def run(self) -> list[nodes.Node]:
        self.domain.note_shows(self.env.docname, INDEX)
        return [index_placeholder()]


class PaperStatsDirective(PaperrefsDirective):
    """One computed line: how many papers and notes the site holds."""

    def run(self) -> list[nodes.Node]:
        self.domain.note_shows(self.env.docname, STATS)
        return [stats_placeholder()]


class PaperGraphDirective(PaperrefsDirective):
    """The map of the notes: topics, notes and papers, and the citations between them."""

    def run(self) -> list[nodes.Node]:
        self.domain.note_shows(self.env.docname, GRAPH)
        return [graph_placeholder()]
