"""The files paperrefs adds to a site beyond the pages authors write.

- paper page stubs in the sources (one per entry, ``builder-inited``);
- each paper's single-entry ``.bib`` beside its page in the output (``env-updated``);
- its stylesheet and scripts, the index filter and the map's scripts only on the pages
  that hold them;
- the Atom feed and the whole ``papers.bib`` at the site root, and each topic page's own
  feed and bib (``build-finished``);
- MathJax, served from the site so math renders offline (``env-updated``);
- a ``<link rel="alternate">`` to the feed in every page's head, and to a topic's own
  feed in that topic's head.

Every file is written only when its bytes change, so live-reload servers do not loop.
"""

from __future__ import annotations

import importlib.util
import os
from html import escape
from pathlib import Path
from typing import Any

from docutils import nodes
from sphinx import addnodes
from sphinx.application import Sphinx
from sphinx.builders import Builder
from sphinx.builders.html import StandaloneHTMLBuilder
from sphinx.environment import BuildEnvironment
from sphinx.util.osutil import relative_uri

from paperrefs.feed import FeedEntry, atom_feed
from paperrefs.fsutil import write_if_changed
from paperrefs.pages import (
    download_name,
    entries_text,
    paged,
    single_entry,
    stub_files,
    write_stubs,
)
from paperrefs.records import Action
from paperrefs.sphinxext.domain import PaperrefsDomain, domain_of
from paperrefs.sphinxext.incremental import GRAPH, INDEX
from paperrefs.sphinxext.nodes import entry_download
from paperrefs.sphinxext.settings import Settings, settings_of
from paperrefs.sphinxext.topics import topic_files
from paperrefs.sphinxext.warnings import Warn, warn

STATIC = Path(__file__).parent / "static"
HTML_BUILDERS = {"html", "dirhtml"}
FILTER_SCRIPT = "paperrefs-filter.js"
# The map's scripts: force-graph, vendored from its npm release (static/force-graph/
# PROVENANCE.json), and ours. Their size together is the budget docs/howto/paperrefs.md states.
GRAPH_SCRIPTS = ("force-graph/force-graph.min.js", "paperrefs-graph.js")
GRAPH_SCRIPT_BUDGET = 200_000  # bytes, uncompressed; about 60 KB over the wire, gzipped
# MathJax's files come from the sphinx-mathjax-offline package; its own Sphinx hook is not
# used because it copies all 24 MB (every bundle) into each build and does not declare
# parallel safety, which fails `-j auto -W`. Only the bundle the pages load, and what it
# loads on demand (TeX extensions, fonts, menu, accessibility), is copied: about 7 MB.
MATHJAX_PATH = "mathjax/tex-chtml.js"
MATHJAX_PARTS = ("tex-chtml.js", "input/tex", "output/chtml", "a11y", "ui", "sre")
MATH_BUILDERS = {"html", "dirhtml", "singlehtml"}


def write_paper_stubs(app: Sphinx) -> None:
    """``builder-inited``: bring the paper page stubs in line with the bib just read."""
    folder = Path(app.srcdir) / settings_of(app.config).papers_dir
    write_stubs(folder, stub_files(domain_of(app.env).library))


def serves_downloads(builder: Builder) -> bool:
    return isinstance(builder, StandaloneHTMLBuilder) and builder.download_support


def write_entry_downloads(app: Sphinx, env: BuildEnvironment) -> None:
    """``env-updated``: each paper's ``.bib`` beside its page, written when its entry changed.

    Sphinx's own downloads are copied (after a byte comparison) on every build, which at
    thousands of papers costs a no-op build seconds. Here the digests of what was written
    are kept with the environment, pickled right after this event, so an unchanged entry
    costs one look at a folder listing; a file deleted from the output is written again.
    """
    if not serves_downloads(app.builder):
        return
    domain = domain_of(env)
    folder = Path(app.outdir) / settings_of(app.config).papers_dir
    papers = {download_name(paper): paper for paper in paged(domain.library)}
    digests = {name: paper.digest for name, paper in papers.items()}
    record = domain.snapshot.get("downloads", {})
    written: dict[str, str] = (
        record.get("written", {}) if record.get("folder") == str(folder) else {}
    )
    folder.mkdir(parents=True, exist_ok=True)
    present = {entry.name for entry in os.scandir(folder)}
    for name, paper in papers.items():
        if name not in present or written.get(name) != digests[name]:
            write_if_changed(folder / name, single_entry(paper).encode("utf-8"))
    for name in written.keys() - papers.keys():  # only files this extension wrote
        (folder / name).unlink(missing_ok=True)
    domain.snapshot["downloads"] = {"folder": str(folder), "written": digests}


def link_entry_downloads(app: Sphinx, doctree: nodes.document, docname: str) -> None:
    """``doctree-resolved``: a paper page's link to its ``.bib``, where the builder has one."""
    builder = app.builder
    for node in list(doctree.findall(entry_download)):
        if not serves_downloads(builder):
            node.replace_self(node.children)
            continue
        here = builder.get_target_uri(docname).partition("#")[0]
        target = f"{settings_of(app.config).papers_dir}/{node['slug']}.bib"
        link = addnodes.download_reference("", "", *node.children)
        link["refuri"] = relative_uri(here, target)
        node.replace_self(link)


# Files of the static folder a book has no media type for: an epub lists each file it holds
# by type and warns about these (it leaves scripts out of the book anyway).
NOT_IN_BOOKS = ("force-graph/LICENSE", "force-graph/PROVENANCE.json")


def add_static_files(app: Sphinx) -> None:
    """``builder-inited``: serve the stylesheet and scripts (registered in ``setup``)."""
    if STATIC.is_dir() and str(STATIC) not in app.config.html_static_path:
        app.config.html_static_path.append(str(STATIC))
    if app.builder.name == "epub":
        excluded = list(app.config.epub_exclude_files)  # a copy: never the shared default
        missing = [f"_static/{name}" for name in NOT_IN_BOOKS if f"_static/{name}" not in excluded]
        app.config.epub_exclude_files = excluded + missing


def add_page_assets(
    app: Sphinx,
    pagename: str,
    templatename: str,
    context: dict[str, Any],
    doctree: nodes.document | None,
) -> None:
    """``html-page-context``: the index filter where an index is, the map's scripts where a
    map is, the feed link everywhere and a topic's own feed on its page."""
    builder = app.builder
    if not isinstance(builder, StandaloneHTMLBuilder):
        return
    domain = domain_of(app.env)
    # Scripts added during html-page-context belong to this page only.
    shows = domain.shows.get(pagename, set())
    if INDEX in shows:
        builder.add_js_file(FILTER_SCRIPT, defer="defer")
    if GRAPH in shows:
        for script in GRAPH_SCRIPTS:
            builder.add_js_file(script, defer="defer")
    settings = settings_of(app.config)
    if not settings.feed_file or "pathto" not in context:
        return
    feeds = [(f"{settings.site_title}: new notes", settings.feed_file)]
    topic = topic_files(app.config, domain.views(), pagename)
    if topic is not None and topic.feed:
        feeds.append((f"{settings.site_title}: {page_title(app, pagename)}", topic.feed))
    for title, feed in feeds:
        href = context["pathto"](feed, 1)
        context["metatags"] = context.get("metatags", "") + (
            f'\n<link rel="alternate" type="application/atom+xml" '
            f'title="{escape(title)}" href="{escape(href)}" />'
        )


def write_site_files(app: Sphinx, exception: BaseException | None) -> None:
    """``build-finished``: the feed and the whole bibliography, for HTML sites only."""
    if exception is not None or app.builder.name not in HTML_BUILDERS:
        return
    outdir = Path(app.outdir)
    settings = settings_of(app.config)
    text = published_bib(app, settings)
    if text is not None:
        write_if_changed(outdir / "papers.bib", text.encode("utf-8"))
    if settings.feed_name:
        write_feed(app, settings, outdir / settings.feed_name)
    write_topic_files(app, settings, outdir)


def write_topic_files(app: Sphinx, settings: Settings, outdir: Path) -> None:
    """Each topic page's feed (its notes' dated updates) and bib (the entries it cites)."""
    domain = domain_of(app.env)
    views = domain.views()
    for docname, keys in views.topics.items():
        files = topic_files(app.config, views, docname)
        if files is None:
            continue
        papers = [paper for key in keys if (paper := domain.library.by_key(key)) is not None]
        (outdir / files.bib).parent.mkdir(parents=True, exist_ok=True)
        write_if_changed(outdir / files.bib, entries_text(papers).encode("utf-8"))
        if files.feed:
            title = f"{settings.feed_title}: {page_title(app, docname)}"
            write_feed(app, settings, outdir / files.feed, title=title, docname=docname)


def page_title(app: Sphinx, docname: str) -> str:
    title = app.env.titles.get(docname)
    return title.astext() if title is not None else docname


def published_bib(app: Sphinx, settings: Settings) -> str | None:
    """The bibliography readers download: of a broken bib, only the entries that parse."""
    salvaged = domain_of(app.env).salvaged
    if salvaged.damaged:
        return salvaged.text
    source = settings.bib_path
    if source is None or not source.is_file():
        return None
    return source.read_text(encoding="utf-8-sig")


def write_feed(
    app: Sphinx, settings: Settings, path: Path, *, title: str = "", docname: str | None = None
) -> None:
    """The site's feed, or with ``docname`` the feed of that topic page's notes alone."""
    base = settings.site_url
    if not base:
        if docname is None:  # once, not once more per topic
            warn(
                Warn.FEED, "set html_baseurl so the Atom feed can use absolute links; feed skipped"
            )
        return
    entries = feed_entries(domain_of(app.env), app, base, docname)
    relative = path.relative_to(app.outdir).as_posix()
    site_url = base if docname is None else base + app.builder.get_target_uri(docname)
    feed = atom_feed(
        entries,
        title=title or settings.feed_title,
        site_url=site_url,
        feed_url=base + relative,
        author=settings.author,
    )
    write_if_changed(path, feed)


def feed_entries(
    domain: PaperrefsDomain, app: Sphinx, base: str, docname: str | None = None
) -> list[FeedEntry]:
    """The changelog as feed entries: absolute links to each note's section; only the
    notes of page ``docname`` when one is given."""
    entries = []
    for item in domain.views().changelog:
        place, paper = item.note.place, domain.library.by_key(item.note.key)
        if docname is not None and place.docname != docname:
            continue
        url = base + app.builder.get_target_uri(place.docname)
        url += f"#{place.anchor}" if place.anchor else ""
        title = place.heading or (paper.display_title if paper else item.note.given)
        if item.action is Action.UPDATED:
            title += " (updated)"
        summary = f"{paper.display_title}. {place.snippet}" if paper else place.snippet
        uid = f"{place.docname}/{place.anchor}/{item.action}"
        entries.append(FeedEntry(item.date, item.action, title, url, summary, uid))
    return entries


def mathjax_source() -> Path | None:
    """MathJax's folder in the sphinx-mathjax-offline package, found without importing it."""
    spec = importlib.util.find_spec("sphinx-mathjax-offline")
    if spec is None or spec.origin is None:
        return None
    folder = Path(spec.origin).parent / "static" / "mathjax"
    return folder if folder.is_dir() else None


def copy_mathjax(app: Sphinx, env: BuildEnvironment) -> list[str]:
    """``env-updated``: MathJax into ``_static/``, for HTML builders when math is offline.

    Runs once, in the main process, before any page is written: Sphinx gives a script tag
    a checksum only when its file is already in the output, so copying later would make a
    clean build's pages differ from a rebuild's. A file whose bytes are there is left alone.
    """
    source = mathjax_source()
    if app.builder.name not in MATH_BUILDERS or source is None:
        return []
    if not settings_of(app.config).offline_math or app.config.mathjax_path != MATHJAX_PATH:
        return []  # the site serves MathJax from somewhere else
    target = Path(app.outdir) / "_static" / "mathjax"
    for part in MATHJAX_PARTS:
        path = source / part
        files = sorted(p for p in path.rglob("*") if p.is_file()) if path.is_dir() else [path]
        for file in files:
            destination = target / file.relative_to(source)
            destination.parent.mkdir(parents=True, exist_ok=True)
            write_if_changed(destination, file.read_bytes())
    return []
