"""A stand-in for the arXiv API on 127.0.0.1 that counts the requests it answers.

It serves the corpus' own papers in arXiv's Atom format, so a build that fetches a
"new" ID gets the metadata the corpus model holds for it.
"""

from __future__ import annotations

import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from types import TracebackType
from urllib.parse import parse_qs, urlsplit
from xml.sax.saxutils import escape

from paperrefs.metadata import PaperMetadata

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


class FakeArxiv:
    """Context manager: a threaded HTTP server answering ``/api/query?id_list=...``."""

    def __init__(self, papers: dict[str, PaperMetadata]) -> None:
        self.papers = papers  # by base arXiv ID
        self.requests: list[list[str]] = []
        self._server = ThreadingHTTPServer(("127.0.0.1", 0), self._handler())
        self._thread = threading.Thread(target=self._server.serve_forever, daemon=True)

    @property
    def url(self) -> str:
        host, port = self._server.server_address[:2]
        return f"http://{host!s}:{port}/api/query"

    def __enter__(self) -> FakeArxiv:
        self._thread.start()
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        traceback: TracebackType | None,
    ) -> None:
        self._server.shutdown()
        self._server.server_close()
        self._thread.join()

    def feed(self, ids: list[str]) -> bytes:
        entries = "".join(atom_entry(self.papers[i]) for i in ids if i in self.papers)
        return (FEED_HEAD + entries + "</feed>\n").encode("utf-8")

    def _handler(self) -> type[BaseHTTPRequestHandler]:
        fake = self

        class Handler(BaseHTTPRequestHandler):
            def do_GET(self) -> None:
                query = parse_qs(urlsplit(self.path).query)
                ids = [i.split("v")[0] for i in ",".join(query.get("id_list", [])).split(",") if i]
                fake.requests.append(ids)
                body = fake.feed(ids)
                self.send_response(200)
                self.send_header("Content-Type", "application/atom+xml; charset=utf-8")
                self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                self.wfile.write(body)

            def log_message(self, format: str, *args: object) -> None:
                """Quiet: the benchmark reports the count, not a log line per request."""

        return Handler
