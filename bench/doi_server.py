"""A stand-in for doi.org on 127.0.0.1: CSL-JSON for the DOIs it holds, 404 for the rest.

It serves a record kept in the tests' fixtures, as the real resolver answers content
negotiation, and counts the requests it answers.
"""

from __future__ import annotations

from pathlib import Path
from urllib.parse import unquote

from paperrefs.csl import Work, parse_csl

from bench.local_server import LocalServer

FIXTURES = Path(__file__).resolve().parent.parent / "tests" / "fixtures" / "doi"
DOI = "10.1126/science.169.3946.635"
RECORD = FIXTURES / "csl_crossref_transform_10.1126_science.169.3946.635.json"


def served_work() -> Work:
    return parse_csl(RECORD.read_bytes())


class FakeDoi(LocalServer):
    """Answers ``/<doi>`` with CSL-JSON, in any case, as doi.org does; 404 otherwise."""

    def __init__(self) -> None:
        self.records = {DOI.lower(): RECORD.read_bytes()}
        self.requests: list[str] = []
        super().__init__()

    @property
    def url(self) -> str:
        return self.base_url

    def answer(self, path: str) -> tuple[int, str, bytes]:
        doi = unquote(path.lstrip("/")).lower()
        self.requests.append(doi)
        body = self.records.get(doi)
        if body is None:
            return 404, "text/plain", b"Resource not found."
        return 200, "application/vnd.citationstyles.csl+json", body
