"""A stand-in for the arXiv API on 127.0.0.1 that counts the requests it answers.

It serves the corpus' own papers in arXiv's Atom format, so a build that fetches a
"new" ID gets the metadata the corpus model holds for it.
"""

from __future__ import annotations

from urllib.parse import parse_qs, urlsplit
from xml.sax.saxutils import escape

from paperrefs.metadata import PaperMetadata

from bench.local_server import LocalServer

FEED_HEAD = (
    '<?xml version="1.0" encoding="UTF-8"?>\n'
    '<feed xmlns="http://www.w3.org/2005/Atom" xmlns:arxiv="http://arxiv.org/schemas/atom">\n'
    "  <id>https://arxiv.org/api/bench</id>\n  <title>arXiv Query</title>\n"
    "  <updated>2025-01-31T00:00:00Z</updated>\n"
)


def atom_entry(meta: PaperMetadata) -> str:
    arxiv = meta.arxiv_id.base
    authors = "".join(
        f"    <author><name>{escape(name)}</name></author>\n" for name in meta.authors
    )
    extra = ""
    if meta.doi:
        extra += f"    <arxiv:doi>{escape(meta.doi)}</arxiv:doi>\n"
    if meta.journal_ref:
        extra += f"    <arxiv:journal_ref>{escape(meta.journal_ref)}</arxiv:journal_ref>\n"
    return (
        "  <entry>\n"
        f"    <id>http://arxiv.org/abs/{arxiv}v{meta.arxiv_id.version or 1}</id>\n"
        f"    <title>{escape(meta.title)}</title>\n"
        "    <updated>2025-01-15T00:00:00Z</updated>\n"
        "    <published>2025-01-15T00:00:00Z</published>\n"
        f"    <summary>{escape(meta.abstract)}</summary>\n"  # the model's, as the bib keeps it
        f'    <arxiv:primary_category term="{escape(meta.primary_category)}"/>\n'
        f"{extra}{authors}  </entry>\n"
    )


class FakeArxiv(LocalServer):
    """Answers ``/api/query?id_list=...`` with the corpus' papers it knows."""

    def __init__(self, papers: dict[str, PaperMetadata]) -> None:
        self.papers = papers  # by base arXiv ID
        self.requests: list[list[str]] = []
        super().__init__()

    @property
    def url(self) -> str:
        return f"{self.base_url}/api/query"

    def feed(self, ids: list[str]) -> bytes:
        entries = "".join(atom_entry(self.papers[i]) for i in ids if i in self.papers)
        return (FEED_HEAD + entries + "</feed>\n").encode("utf-8")

    def answer(self, path: str) -> tuple[int, str, bytes]:
        query = parse_qs(urlsplit(path).query)
        ids = [i.split("v")[0] for i in ",".join(query.get("id_list", [])).split(",") if i]
        self.requests.append(ids)
        return 200, "application/atom+xml", self.feed(ids)
