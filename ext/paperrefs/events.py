"""Event handlers, in build order: configuration, bibliography, what to re-read,
what to rewrite, placeholders, and the site-level files (feed, whole bib)."""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

from docutils import nodes
from sphinx.application import Sphinx
from sphinx.config import Config
from sphinx.environment import BuildEnvironment

from paperrefs.arxiv import ArxivClient
from paperrefs.bibfile import BibError
from paperrefs.domain import PaperrefsDomain
from paperrefs.feed import FeedEntry, atom_feed
from paperrefs.fetching import add_ids, api_url
from paperrefs.library import Library, is_web_url
from paperrefs.messages import warn
from paperrefs.nodes import note_marker
from paperrefs.pages import stub_files, write_if_changed, write_stubs
from paperrefs.scan import scan_docs
from paperrefs.views import ViewRenderer

STATIC = Path(__file__).parent / "static"
HTML_BUILDERS = {"html", "dirhtml"}


def domain_of(env: BuildEnvironment) -> PaperrefsDomain:
    domain = env.get_domain("paperrefs")
    assert isinstance(domain, PaperrefsDomain)
    return domain


def bib_path(app: Sphinx) -> Path:
    """paperrefs_bibfile, else the first of bibtex_bibfiles, relative to conf.py's folder."""
    name = app.config.paperrefs_bibfile or next(iter(app.config.bibtex_bibfiles or []), "")
    return (Path(app.confdir) / name).resolve()


def check_config(app: Sphinx, config: Config) -> None:
    if not (config.paperrefs_bibfile or config.bibtex_bibfiles):
        warn("config", "set paperrefs_bibfile (or bibtex_bibfiles) to the bibliography's path")
    papers_dir = config.paperrefs_papers_dir
    if not papers_dir or Path(papers_dir).is_absolute() or ".." in Path(papers_dir).parts:
        warn("config", f"paperrefs_papers_dir {papers_dir!r} must be a folder inside the docs")
        config.paperrefs_papers_dir = "papers"
    if fetch_requested(config):
        fetch_missing(app)


def fetch_requested(config: Config) -> bool:
    return bool(config.paperrefs_fetch) or os.environ.get("PAPERREFS_FETCH", "") in {"1", "true"}


def fetch_missing(app: Sphinx) -> None:
    """Opted-in builds fetch cited IDs the bib lacks, before sphinxcontrib-bibtex reads it.

    Runs in the main process before any worker starts; the bib is written only when
    arXiv returned new entries, so a build with nothing new leaves its mtime alone.
    """
    citations = scan_docs(Path(app.srcdir), app.config.paperrefs_papers_dir)
    try:
        with ArxivClient(api_url(app.config.paperrefs_api_url)) as client:
            report = add_ids(bib_path(app), sorted(citations.arxiv), client)
    except BibError as error:
        warn("bib", error.message, location=f"{error.path}:{error.line}")
        return
    for arxiv_id in report.missing:
        warn("fetch", f"arXiv has no paper arXiv:{arxiv_id}")
    for arxiv_id, reason in report.failed.items():
        warn("fetch", f"could not fetch arXiv:{arxiv_id} ({reason}); the bib is left as it was")


def load_bibliography(app: Sphinx) -> None:
    """Parse the bib once, then bring the paper page stubs in line with it."""
    domain = domain_of(app.env)
    path = bib_path(app)
    salvaged = domain.load_library(path)
    if salvaged.damaged:
        give_bibtex_what_parses(app, path, salvaged.text)
    write_stubs(Path(app.srcdir) / app.config.paperrefs_papers_dir, stub_files(domain.library))
    if STATIC.is_dir() and str(STATIC) not in app.config.html_static_path:
        app.config.html_static_path.append(str(STATIC))


def give_bibtex_what_parses(app: Sphinx, broken: Path, text: str) -> None:
    """Point sphinxcontrib-bibtex at a copy of the bib without its broken entries.

    On a bib it cannot parse, sphinxcontrib-bibtex aborts the whole build with a
    traceback; with this copy, ``{cite}`` keeps working for every other entry. The bib
    itself is never touched, and the copy lives with the doctrees. Runs before
    sphinxcontrib-bibtex reads its files (see the handler's priority in the registry).
    """
    copy = Path(app.doctreedir) / "paperrefs" / broken.name
    copy.parent.mkdir(parents=True, exist_ok=True)
    write_if_changed(copy, text)
    confdir = Path(app.confdir)
    app.config.bibtex_bibfiles = [
        str(copy) if (confdir / name).resolve() == broken else name
        for name in app.config.bibtex_bibfiles
    ]


def token_digests(library: Library) -> dict[str, str]:
    """What each way of naming a paper (key, alias, arXiv ID) currently shows."""
    tokens: dict[str, str] = {}
    for paper in library:
        for name in (paper.key, *paper.aliases):
            tokens.setdefault(f"key:{name.lower()}", paper.digest)
        if paper.arxiv_id:
            tokens.setdefault(f"arxiv:{paper.arxiv_id.base}", paper.digest)
            tokens.setdefault(f"link:{paper.arxiv_id.base}", paper.key)  # which entry, only
    return tokens


def outdated_by_bib_changes(
    app: Sphinx, env: BuildEnvironment, added: set[str], changed: set[str], removed: set[str]
) -> list[str]:
    """Re-read exactly the documents that show an entry whose bib text changed."""
    domain = domain_of(env)
    before: dict[str, str] = domain.snapshot.get("tokens", {})
    now = token_digests(domain.library)
    domain.snapshot["tokens"] = now
    touched = {token for token in before.keys() | now.keys() if before.get(token) != now.get(token)}
    outdated = {doc for doc, tokens in domain.depends.items() if tokens & touched}
    outdated |= bibliographies_if_bibfiles_moved(app, env)
    return sorted(doc for doc in outdated if doc not in removed and doc in env.found_docs)


def bibliographies_if_bibfiles_moved(app: Sphinx, env: BuildEnvironment) -> set[str]:
    """The documents holding a ``{bibliography}``, when the bib files it reads moved.

    sphinxcontrib-bibtex stores each bibliography's file paths when it reads the
    document; after a switch to or from the copy of a broken bib (give_bibtex_what_parses)
    those documents must be read again, or it looks up a file it no longer has.
    """
    files = [str(name) for name in app.config.bibtex_bibfiles or []]
    snapshot = domain_of(env).snapshot
    before = snapshot.get("bibtex_bibfiles", files)
    snapshot["bibtex_bibfiles"] = files
    if before == files:
        return set()
    cite_domain: Any = env.get_domain("cite")
    return {key.docname for key in cite_domain.bibliographies}


def rewrite_changed_views(app: Sphinx, env: BuildEnvironment) -> list[str]:
    """Rewrite the pages whose cross-document view (backlinks, changelog...) changed."""
    domain = domain_of(env)
    before: dict[str, str] = domain.snapshot.get("views", {})
    now = domain.view_digests()
    domain.snapshot["views"] = now
    changed = {view for view in before.keys() | now.keys() if before.get(view) != now.get(view)}
    return sorted(doc for doc, views in domain.shows.items() if views & changed)


def render_views(app: Sphinx, doctree: nodes.document, docname: str) -> None:
    ViewRenderer(domain_of(app.env), app.builder, docname).replace_all(doctree)
    for marker in list(doctree.findall(note_marker)):
        marker.parent.remove(marker)


def unlink_unsafe_bib_urls(app: Sphinx, doctree: nodes.document, docname: str) -> None:
    """Keep ``javascript:``, ``data:`` and ``file:`` URLs from the bib from becoming links.

    sphinxcontrib-bibtex's styles turn an entry's ``url``/``doi`` into a link whatever
    its scheme; in a rendered bibliography only http(s) targets stay links, the rest
    shows as plain text.
    """
    for entry in doctree.findall(lambda node: isinstance(node, nodes.citation | nodes.footnote)):
        for reference in list(entry.findall(nodes.reference)):
            target = reference.get("refuri")
            if target is not None and not is_web_url(target) and ":" in target.split("/")[0]:
                reference.replace_self(nodes.Text(reference.astext()))


def write_site_files(app: Sphinx, exception: BaseException | None) -> None:
    """The feed and the whole bibliography, for HTML sites only; rewritten only on change."""
    if exception is not None or app.builder.name not in HTML_BUILDERS:
        return
    outdir = Path(app.outdir)
    source = bib_path(app)
    if source.is_file():
        write_if_changed(outdir / "papers.bib", source.read_text(encoding="utf-8-sig"))
    if app.config.paperrefs_feed:
        write_feed(app, outdir / app.config.paperrefs_feed)


def site_url(app: Sphinx) -> str:
    base = app.config.html_baseurl or os.environ.get("READTHEDOCS_CANONICAL_URL", "")
    return base if not base or base.endswith("/") else base + "/"


def write_feed(app: Sphinx, path: Path) -> None:
    base = site_url(app)
    if not base:
        warn("feed", "set html_baseurl so the Atom feed can use absolute links; feed skipped")
        return
    domain = domain_of(app.env)
    entries = []
    for item in domain.views().changelog:
        place, paper = item.note.place, domain.library.by_key(item.note.key)
        url = base + app.builder.get_target_uri(place.docname)
        url += f"#{place.anchor}" if place.anchor else ""
        title = place.heading or (paper.display_title if paper else item.note.given)
        if item.action == "updated":
            title += " (updated)"
        summary = f"{paper.display_title}. {place.snippet}" if paper else place.snippet
        uid = f"{place.docname}/{place.anchor}/{item.action}"
        entries.append(FeedEntry(item.date, item.action, title, url, summary, uid))
    title = app.config.paperrefs_feed_title or app.config.html_title or app.config.project
    feed = atom_feed(
        entries, title=title, site_url=base, feed_url=base + path.name, author=app.config.author
    )
    write_if_changed(path, feed.decode("utf-8"))
