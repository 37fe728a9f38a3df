"""The files paperrefs adds to a site beyond the pages authors write.

- paper page stubs in the sources (one per entry, ``builder-inited``);
- each paper's single-entry ``.bib`` beside its page in the output (``env-updated``);
- its stylesheet and scripts, the index filter only on the pages that hold an index;
- the Atom feed and the whole ``papers.bib`` at the site root (``build-finished``);
- MathJax, served from the site so math renders offline (``build-finished``);
- a ``<link rel="alternate">`` to the feed in every page's head.

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
from paperrefs.pages import download_name, paged, single_entry, stub_files, write_stubs
from paperrefs.records import Action
from paperrefs.sphinxext.domain import PaperrefsDomain, domain_of
from paperrefs.sphinxext.incremental import INDEX
from paperrefs.sphinxext.nodes import entry_download
from paperrefs.sphinxext.settings import Settings, settings_of
from paperrefs.sphinxext.warnings import Warn, warn

STATIC = Path(__file__).parent / "static"
HTML_BUILDERS = {"html", "dirhtml"}
FILTER_SCRIPT = "paperrefs-filter.js"
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


def add_static_files(app: Sphinx) -> None:
    """``builder-inited``: serve the stylesheet and scripts (registered in ``setup``)."""
    if STATIC.is_dir() and str(STATIC) not in app.config.html_static_path:
        app.config.html_static_path.append(str(STATIC))


def add_page_assets(
    app: Sphinx,
    pagename: str,
    templatename: str,
    context: dict[str, Any],
    doctree: nodes.document | None,
) -> None:
    """``html-page-context``: the index filter where an index is, the feed link everywhere."""
    builder = app.builder
    if not isinstance(builder, StandaloneHTMLBuilder):
        return
    # Scripts added during html-page-context belong to this page only.
    if INDEX in domain_of(app.env).shows.get(pagename, set()):
        builder.add_js_file(FILTER_SCRIPT, defer="defer")
    settings = settings_of(app.config)
    if settings.feed_file and "pathto" in context:
        title = f"{settings.site_title}: new notes"
        href = context["pathto"](settings.feed_file, 1)
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


def published_bib(app: Sphinx, settings: Settings) -> str | None:
    """The bibliography readers download: of a broken bib, only the entries that parse."""
    salvaged = domain_of(app.env).salvaged
    if salvaged.damaged:
        return salvaged.text
    source = settings.bib_path
    if source is None or not source.is_file():
        return None
    return source.read_text(encoding="utf-8-sig")


def write_feed(app: Sphinx, settings: Settings, path: Path) -> None:
    base = settings.site_url
    if not base:
        warn(Warn.FEED, "set html_baseurl so the Atom feed can use absolute links; feed skipped")
        return
    entries = feed_entries(domain_of(app.env), app, base)
    feed = atom_feed(
        entries,
        title=settings.feed_title,
        site_url=base,
        feed_url=base + path.name,
        author=settings.author,
    )
    write_if_changed(path, feed)


def feed_entries(domain: PaperrefsDomain, app: Sphinx, base: str) -> list[FeedEntry]:
    """The changelog as feed entries: absolute links to each note's section."""
    entries = []
    for item in domain.views().changelog:
        place, paper = item.note.place, domain.library.by_key(item.note.key)
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


def copy_mathjax(app: Sphinx, exception: BaseException | None) -> None:
    """``build-finished``: MathJax into ``_static/``, for HTML builders when math is offline.

    Runs once, in the main process, after the pages are written; a file whose bytes are
    already there is left alone.
    """
    if exception is not None or app.builder.name not in MATH_BUILDERS:
        return
    source = mathjax_source()
    if not settings_of(app.config).offline_math or source is None:
        return
    if app.config.mathjax_path != MATHJAX_PATH:
        return  # the site serves MathJax from somewhere else
    target = Path(app.outdir) / "_static" / "mathjax"
    for part in MATHJAX_PARTS:
        path = source / part
        files = sorted(p for p in path.rglob("*") if p.is_file()) if path.is_dir() else [path]
        for file in files:
            destination = target / file.relative_to(source)
            destination.parent.mkdir(parents=True, exist_ok=True)
            write_if_changed(destination, file.read_bytes())
