"""A stand-in for doi.org on 127.0.0.1: CSL-JSON for the DOIs it holds, 404 for the rest.

It serves a record kept in the tests' fixtures, as the real resolver answers content
negotiation, and counts the requests it answers.
"""

from __future__ import annotations

import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from types import TracebackType
from urllib.parse import unquote

from paperrefs.csl import Work, parse_csl

FIXTURES = Path(__file__).resolve().parent.parent / "tests" / "fixtures" / "doi"
DOI = "10.1126/science.169.3946.635"
RECORD = FIXTURES / "csl_crossref_transform_10.1126_science.169.3946.635.json"


def served_work() -> Work:
    return parse_csl(RECORD.read_bytes())


class FakeDoi:
    """Context manager: a threaded HTTP server answering ``/<doi>`` with CSL-JSON."""

    def __init__(self) -> None:
        self.records = {DOI.lower(): RECORD.read_bytes()}
        self.requests: list[str] = []
        self._server = ThreadingHTTPServer(("127.0.0.1", 0), self._handler())
        self._thread = threading.Thread(target=self._server.serve_forever, daemon=True)

    @property
    def url(self) -> str:
        host, port = self._server.server_address[:2]
        return f"http://{host!s}:{port}"

    def __enter__(self) -> FakeDoi:
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

    def _handler(self) -> type[BaseHTTPRequestHandler]:
        fake = self

        class Handler(BaseHTTPRequestHandler):
            def do_GET(self) -> None:
                doi = unquote(self.path.lstrip("/")).lower()
                fake.requests.append(doi)
                body = fake.records.get(doi)
                self.send_response(200 if body is not None else 404)
                kind = "application/vnd.citationstyles.csl+json" if body else "text/plain"
                body = body if body is not None else b"Resource not found."
                self.send_header("Content-Type", f"{kind}; charset=utf-8")
                self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                self.wfile.write(body)

            def log_message(self, format: str, *args: object) -> None:
                """Quiet, like the stand-in arXiv."""

        return Handler
