"""A doi.org stand-in on the test's HTTP server, and the recorded answers it serves.

The bodies in ``tests/fixtures/doi/`` were recorded from Crossref and DataCite (their
provenance is in that folder's README). doi.org resolves a DOI whatever its case, and so
does the stand-in.
"""

from __future__ import annotations

import re

from paperrefs.doi import CSL_JSON
from pytest_httpserver import HTTPServer
from werkzeug import Request, Response

from tests.helpers.paths import REPO

FIXTURES = REPO / "tests" / "fixtures" / "doi"
ZENODO = (FIXTURES / "csl_datacite_10.5281_zenodo.30799.json").read_bytes()
SCIENCE = (FIXTURES / "csl_crossref_transform_10.1126_science.169.3946.635.json").read_bytes()
NOT_FOUND = (FIXTURES / "works_crossref_404_10.1371_notarealdoi.txt").read_bytes()


def serve_doi(
    httpserver: HTTPServer, doi: str, body: bytes | None, status: int = 200
) -> list[Request]:
    """Answer requests for ``doi`` with ``body`` as CSL-JSON, or with doi.org's 404 when
    ``body`` is None; return the requests as they arrive."""
    seen: list[Request] = []

    def handler(request: Request) -> Response:
        seen.append(request)
        if body is None:
            return Response(NOT_FOUND, status=404, content_type="text/plain")
        kind = CSL_JSON if status == 200 else "text/plain"
        return Response(body, status=status, content_type=kind)

    path = re.compile(f"/{re.escape(doi)}", re.IGNORECASE)
    httpserver.expect_request(path).respond_with_handler(handler)
    return seen
