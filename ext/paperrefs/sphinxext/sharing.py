"""How a site's pages are shared and found: link previews (sphinxext-opengraph), a sitemap
(sphinx-sitemap) and a favicon, for every site without configuring them.

- ``config-inited`` (in :mod:`~paperrefs.sphinxext.defaults`): both extensions take the
  site's address from the settings (``html_baseurl``, else Read the Docs' canonical URL),
  which also becomes ``html_baseurl`` when ``conf.py`` gives none, for canonical links.
  That address already names the language and version (``/en/latest/``), so the sitemap
  adds only each page to it. Without an address there is no sitemap (it needs absolute
  URLs), silently, as there is no feed. No social-card images: they need matplotlib and
  draw one PNG per page. sphinxext-opengraph imports matplotlib's pyplot for them when it
  is installed, at about 0.7 s of every build; unless ``conf.py`` turns them on, that
  import is not made (``social_cards_left_out``).
- ``html-page-context``: a paper page is described by its paper (the abstract's first
  sentence, else title, authors and year), not by the buttons its text starts with;
  every title goes out as text, escaped once; a Twitter card names the preview's kind.
- ``builder-inited``: a serial build collects the sitemap's pages in an ordinary queue;
  sphinx-sitemap would start a server process for a queue that parallel workers can
  share, which a serial build does not need.
- ``build-finished``: the sitemap lists every page, not only the pages this build wrote
  (sphinx-sitemap collects the written ones, so an incremental build would shrink it),
  in a stable order.
"""

from __future__ import annotations

import queue
import re
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from html import escape
from multiprocessing import Manager
from typing import Any

import sphinx_sitemap
from docutils import nodes
from sphinx.application import Sphinx

from paperrefs.library import Paper
from paperrefs.sphinxext.domain import domain_of
from paperrefs.sphinxext.incremental import paper_view
from paperrefs.sphinxext.render import tooltip
from paperrefs.sphinxext.site_files import HTML_BUILDERS, STATIC
from paperrefs.text import one_line

FAVICON = STATIC / "paperrefs-favicon.svg"
# Sphinx's search and general index pages hold no content of their own.
NOT_IN_SITEMAP = ["search.html", "genindex.html", "search/", "genindex/"]
NO_SOCIAL_CARDS = {"enable": False}
SOCIAL_CARDS_MODULE = "sphinxext.opengraph._social_cards"
SITEMAP_WITHOUT_URL = "sitemap.configuration"
TWITTER_CARD = '<meta name="twitter:card" content="summary" />'
SENTENCE_END = re.compile(r"(?<=[.!?])\s+(?=[A-Z])")


@contextmanager
def social_cards_left_out(app: Sphinx) -> Iterator[None]:
    """While sphinxext-opengraph loads, keep its social-card module (and with it pyplot)
    from being imported, unless ``conf.py`` turns social cards on.

    An import of a module whose ``sys.modules`` entry is None fails, and sphinxext-opengraph
    takes that failure as "no matplotlib": it draws no cards, which is the default here.
    Extensions load before the configuration is complete, so the setting is read from the
    values ``conf.py`` set.
    """
    written = getattr(app.config, "_raw_config", {}).get("ogp_social_cards") or {}
    if written.get("enable") or SOCIAL_CARDS_MODULE in sys.modules:
        yield
        return
    sys.modules[SOCIAL_CARDS_MODULE] = None  # type: ignore[assignment]
    try:
        yield
    finally:
        if sys.modules.get(SOCIAL_CARDS_MODULE, False) is None:
            del sys.modules[SOCIAL_CARDS_MODULE]


def describe_page(
    app: Sphinx,
    pagename: str,
    templatename: str,
    context: dict[str, Any],
    doctree: nodes.document | None,
) -> None:
    """``html-page-context``, before sphinxext-opengraph's: what a link preview shows.

    Values go in as the page's own ``og:`` fields (a page's front matter still wins), which
    the extension writes as they are: so they are escaped here, once.
    """
    if doctree is None:
        return
    fields = dict(context.get("meta") or {})
    title = app.env.titles.get(pagename)
    if title is not None:
        fields.setdefault("og:title", escape(title.astext()))
    paper = paper_on_page(app, pagename)
    if paper is not None and "og:description" not in fields:
        description = escape(paper_description(paper))
        fields["og:description"] = description
        context["metatags"] = (
            context.get("metatags", "") + f'\n<meta name="description" content="{description}" />'
        )
    context["meta"] = fields  # a copy: the environment's metadata stays as read


def add_twitter_card(
    app: Sphinx,
    pagename: str,
    templatename: str,
    context: dict[str, Any],
    doctree: nodes.document | None,
) -> None:
    """``html-page-context``, after sphinxext-opengraph's (which adds a card only with an
    image): previews on sites that read Twitter's tags show title and description."""
    metatags = context.get("metatags", "")
    if doctree is not None and "og:title" in metatags and "twitter:card" not in metatags:
        context["metatags"] = metatags + TWITTER_CARD + "\n"


def paper_on_page(app: Sphinx, pagename: str) -> Paper | None:
    """The paper whose generated page this is, if it is one."""
    domain = domain_of(app.env)
    for view in domain.shows.get(pagename, set()):
        if view.startswith(paper_view("")):
            return domain.library.by_key(view.removeprefix(paper_view("")))
    return None


def paper_description(paper: Paper) -> str:
    """The abstract's first sentence where the entry has an abstract, else the paper's
    one-line summary (title, authors, year). Never made up."""
    abstract = one_line(paper.plain_abstract)
    if abstract:
        return SENTENCE_END.split(abstract, maxsplit=1)[0]
    return tooltip(paper)


def take_over_sitemap_queue(app: Sphinx) -> None:
    """Put :func:`sitemap_queue` in place of sphinx-sitemap's ``builder-inited`` handler."""
    for listener in list(app.events.listeners.get("builder-inited", [])):
        if listener.handler is sphinx_sitemap.record_builder_type:
            app.disconnect(listener.id)
            app.connect("builder-inited", sitemap_queue, listener.priority)


def sitemap_queue(app: Sphinx) -> None:
    """``builder-inited``: what sphinx-sitemap's own handler records, with its queue of pages
    shared between processes only when pages are written by parallel workers.

    Its handler always starts a server process for the queue: a second process as large
    as the build for its first moments (half the peak memory of a small site's build),
    and one kept per build by a process that runs many builds, such as a test suite.
    """
    builder = getattr(app, "builder", None)
    if builder is None:
        return
    builder.env.is_directory_builder = type(builder).__name__ == "DirectoryHTMLBuilder"
    shared = app.parallel > 1
    app.sitemap_links = Manager().Queue() if shared else queue.Queue()  # type: ignore[attr-defined]


def list_every_page(app: Sphinx, exception: BaseException | None) -> None:
    """``build-finished``, before sphinx-sitemap writes: every document into its list.

    Its own function makes each link (so its excludes, directory URLs and dates apply);
    a link already there is not repeated, and the list is sorted so the file's bytes do
    not depend on the order parallel workers wrote pages in.
    """
    links = getattr(app, "sitemap_links", None)
    if exception is not None or links is None or app.builder.name not in HTML_BUILDERS:
        return
    found = drain(links)
    for docname in sorted(app.env.all_docs):
        sphinx_sitemap.add_html_link(app, docname, "page.html", {}, None)
    found = drain(links) | found
    for link, updated in sorted(found.items()):
        links.put((link, updated))


def drain(links: queue.Queue[tuple[str, str | None]]) -> dict[str, str | None]:
    found: dict[str, str | None] = {}
    while True:
        try:
            link, updated = links.get_nowait()
        except queue.Empty:
            return found
        found[link] = updated
