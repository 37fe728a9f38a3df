"""Incremental builds: which documents to re-read, and which pages to rewrite.

Two vocabularies, each built by one constructor so that no caller can spell them
differently (a forgotten ``.lower()`` would leave pages silently stale):

- a *dependency token* names a paper the way a document named it while being read
  (by key, by arXiv ID, by DOI, or by a plain link; its own page names its whole entry);
  when what a token names changes in the bib,
  the documents that noted it are re-read (``env-get-outdated``);
- a *view* is a cross-document part of a page (a paper's "cited in" list and the papers
  read with it, the changelog, the index, the stats, the map of the notes); when its
  fingerprint changes, the pages that show it are rewritten without being re-read
  (``env-updated``).

Both fingerprints of the previous build live in the domain's snapshot.
"""

from __future__ import annotations

import hashlib
from typing import NewType

from sphinx.application import Sphinx
from sphinx.environment import BuildEnvironment

from paperrefs.ids import ArxivId, Doi
from paperrefs.library import Library, Paper
from paperrefs.notemap import mapped_papers, note_map
from paperrefs.sphinxext.bibtex_compat import (
    bibliographies_if_bibfiles_moved,
    pages_of_changed_bib_files,
)
from paperrefs.sphinxext.domain import PaperrefsDomain, domain_of
from paperrefs.sphinxext.render import link_face, tooltip

Token = NewType("Token", str)
View = NewType("View", str)

CHANGELOG = View("changelog")
INDEX = View("index")
STATS = View("stats")
GRAPH = View("graph")


def entry_token(key: str) -> Token:
    """The whole entry of a paper, as its own page shows it (BibTeX included)."""
    return Token(f"entry:{key.lower()}")


def key_token(key: str) -> Token:
    """A paper named by its key or an alias; keys are case-insensitive, as in BibTeX."""
    return Token(f"key:{key.lower()}")


def arxiv_token(arxiv_id: ArxivId) -> Token:
    """A paper named by its arXiv ID, whose entry the document shows."""
    return Token(f"arxiv:{arxiv_id.base}")


def citation_token(target: str | ArxivId) -> Token:
    """A paper cited inline, by key (``{cite}``) or by arXiv ID (``{arxiv}``). Once read, the
    document holds only which entry it is and how its citation reads (a snippet's text);
    the preview is filled in when the page is written (:func:`preview_view`), so editing a
    title or an abstract rewrites the citing pages without reading them again."""
    if isinstance(target, ArxivId):
        return Token(f"cite:arxiv:{target.base}")
    return Token(f"cite:key:{target.lower()}")


def doi_token(doi: Doi) -> Token:
    """A work named by its DOI, whose entry the document shows."""
    return Token(f"doi:{doi.folded}")


def version_token(key: str) -> Token:
    """The arXiv version the bib records of a paper, which a note covering an earlier version
    shows ("latest v3"); nothing else outside the paper's own page shows it."""
    return Token(f"version:{key.lower()}")


def link_token(target: ArxivId | Doi) -> Token:
    """A paper named by a plain link: only which entry it is matters, not what it says."""
    if isinstance(target, Doi):
        return Token(f"link:doi:{target.folded}")
    return Token(f"link:{target.base}")


def paper_view(key: str) -> View:
    """The "cited in" list of one paper's page."""
    return View(f"paper:{key}")


def preview_view(key: str) -> View:
    """The hover preview of one paper on a page that cites it inline."""
    return View(f"preview:{key}")


def related_view(key: str) -> View:
    """The papers read with one paper, on its page."""
    return View(f"related:{key}")


def digest(value: object) -> str:
    return hashlib.sha256(repr(value).encode("utf-8")).hexdigest()[:16]


def token_digests(library: Library) -> dict[Token, str]:
    """What each way of naming a paper (key, alias, arXiv ID, DOI) currently shows."""
    tokens: dict[Token, str] = {}
    for paper in library:
        tokens.setdefault(entry_token(paper.key), paper.digest)
        tokens.setdefault(version_token(paper.key), str(paper.version))
        label = digest(citation_text(paper))
        for name in (paper.key, *paper.aliases):
            tokens.setdefault(key_token(name), paper.shown_digest)
            tokens.setdefault(citation_token(name), label)
        if paper.arxiv_id:
            tokens.setdefault(arxiv_token(paper.arxiv_id), paper.shown_digest)
            tokens.setdefault(citation_token(paper.arxiv_id), label)
            tokens.setdefault(link_token(paper.arxiv_id), paper.key)  # which entry, only
        if paper.doi:
            doi = Doi(paper.doi)
            tokens.setdefault(doi_token(doi), paper.shown_digest)
            tokens.setdefault(link_token(doi), paper.key)
    return tokens


def citation_text(paper: Paper) -> tuple[str, ...]:
    """What an inline citation reads as, in every form a page shows it once read: the
    ``{arxiv}`` label (``render.short_citation``) and the ``{cite}`` snippet text
    (``collect.cite_text``); the key says which entry it is."""
    return (paper.key, paper.short_citation, paper.short_authors, paper.year)


def face(paper: Paper | None) -> tuple[str, ...]:
    return link_face(paper) if paper is not None else ()


def view_digests(domain: PaperrefsDomain) -> dict[View, str]:
    """A fingerprint of each view, to rewrite exactly the pages whose view changed."""
    views = domain.views()
    library = domain.library
    titles = {doc: title.astext() for doc, title in domain.env.titles.items()}
    digests = {paper_view(key): digest(citations) for key, citations in views.backlinks.items()}
    papers = library.shown_digests()
    changelog = [
        (item, titles.get(item.note.place.docname), papers.get(item.note.key))
        for item in views.changelog
    ]
    digests[CHANGELOG] = digest(changelog)
    homes = {key: notes[0].place.docname for key, notes in views.notes_by_key.items()}
    digests[INDEX] = digest(
        (
            sorted(papers.items()),
            sorted(homes.items()),
            sorted({doc: titles.get(doc) for doc in homes.values()}.items()),
            # Where each paper is cited, as the index links it: a snippet or a line number
            # that moved shows on the paper's page, not in the index.
            sorted(
                (key, [(c.place.docname, c.place.anchor, c.place.heading) for c in cs])
                for key, cs in views.backlinks.items()
            ),
        )
    )
    for key in previewed(domain):
        paper = library.by_key(key)
        digests[preview_view(key)] = digest(tooltip(paper) if paper is not None else None)
    for key, related in views.related.items():
        shown = [(paper, face(library.by_key(paper.key))) for paper in related]
        digests[related_view(key)] = digest(shown)
    topics = note_map(views)
    # The map links each section by its page, anchor and heading; a snippet or a line
    # number that moved is not on it.
    sections = [
        [(s.place.docname, s.place.anchor, s.place.heading, s.about, s.cites) for s in t.sections]
        for t in topics
    ]
    digests[GRAPH] = digest(
        (
            sections,
            [titles.get(topic.docname) for topic in topics],
            [(key, papers.get(key)) for key in mapped_papers(topics)],
        )
    )
    digests[STATS] = digest((len(library), sum(map(len, domain.notes.values()))))
    return digests


def previewed(domain: PaperrefsDomain) -> set[str]:
    """The papers whose preview some page shows."""
    prefix = preview_view("")
    return {
        view.removeprefix(prefix)
        for views in domain.shows.values()
        for view in views
        if view.startswith(prefix)
    }


def outdated_by_bib_changes(
    app: Sphinx, env: BuildEnvironment, added: set[str], changed: set[str], removed: set[str]
) -> list[str]:
    """``env-get-outdated``: re-read exactly the documents that show a changed entry."""
    domain = domain_of(env)
    before: dict[Token, str] = domain.snapshot.get("tokens", {})
    now = token_digests(domain.library)
    domain.snapshot["tokens"] = now
    touched = {token for token in before.keys() | now.keys() if before.get(token) != now.get(token)}
    outdated = {doc for doc, tokens in domain.depends.items() if tokens & touched}
    outdated |= bibliographies_if_bibfiles_moved(app, env)
    outdated |= pages_of_changed_bib_files(app, env)
    return sorted(doc for doc in outdated if doc not in removed and doc in env.found_docs)


def rewrite_changed_views(app: Sphinx, env: BuildEnvironment) -> list[str]:
    """``env-updated``: rewrite the pages whose cross-document view changed."""
    domain = domain_of(env)
    before: dict[View, str] = domain.snapshot.get("views", {})
    now = view_digests(domain)
    domain.snapshot["views"] = now
    changed = {view for view in before.keys() | now.keys() if before.get(view) != now.get(view)}
    return sorted(doc for doc, views in domain.shows.items() if views & changed)
