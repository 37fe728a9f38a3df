"""Topic pages (the pages holding notes): where each one's Atom feed and bib are published.

The one rule for those addresses; the page's links (``views.py``), its ``<head>`` and the
files themselves (``site_files.py``) all ask it.
"""

from __future__ import annotations

from dataclasses import dataclass

from sphinx.config import Config

from paperrefs.records import Views
from paperrefs.sphinxext.settings import settings_of

# A folder of their own, so no topic's files can meet the site's feed.xml or papers.bib.
TOPICS_DIR = "topics"


@dataclass(frozen=True)
class TopicFiles:
    feed: str  # path from the site root; "" when the site publishes no feed
    bib: str


def topic_files(config: Config, views: Views, docname: str) -> TopicFiles | None:
    """The files of a topic page, or None when the page holds no note."""
    if docname not in views.topics:
        return None
    feed = f"{TOPICS_DIR}/{docname}.xml" if settings_of(config).feed_file else ""
    return TopicFiles(feed=feed, bib=f"{TOPICS_DIR}/{docname}.bib")
