"""Fixtures only; what tests share besides fixtures lives in tests/helpers/.

Sphinx test roots live in tests/roots/test-<name>/.
"""

from __future__ import annotations

import subprocess
import sys
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from pytest_httpserver import HTTPServer

from tests.helpers.fake_arxiv import Action, FakeArxiv, RawServer
from tests.helpers.paths import REPO, ROOTS, copy_root

pytest_plugins = ("sphinx.testing.fixtures",)


@pytest.fixture(scope="session")
def rootdir() -> Path:
    """Where ``@pytest.mark.sphinx(testroot=...)`` finds its test projects."""
    return ROOTS


@pytest.fixture
def site(tmp_path: Path) -> Path:
    """A private copy of the ``test-site`` root, safe to edit between builds."""
    return copy_root("site", tmp_path)


@pytest.fixture(scope="session")
def site_html(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The real ``docs/`` site, built once per test session with warnings as errors."""
    out = tmp_path_factory.mktemp("site")
    command = [sys.executable, "-m", "sphinx", "-W", "--keep-going", "-q", "-b", "html"]
    command += ["-d", str(out / "doctrees"), str(REPO / "docs"), str(out / "html")]
    result = subprocess.run(command, capture_output=True, text=True)
    assert result.returncode == 0, result.stderr
    return out / "html"


@pytest.fixture(scope="session")
def httpserver_listen_address() -> tuple[str, int]:
    """pytest-httpserver's ``httpserver`` listens on 127.0.0.1, on a free port."""
    return "127.0.0.1", 0


@pytest.fixture
def arxiv(httpserver: HTTPServer) -> Iterator[FakeArxiv]:
    """A fake arXiv API at ``arxiv.url`` that knows no paper yet; exceptions raised in
    its handler fail the test."""
    fake = FakeArxiv().serve(httpserver)
    yield fake
    httpserver.check()


@pytest.fixture
def raw_server() -> Iterator[Callable[[list[Action]], RawServer]]:
    """Start raw-socket servers (``raw_server(actions).url``); all are closed afterwards."""
    servers: list[RawServer] = []

    def start(actions: list[Action]) -> RawServer:
        servers.append(RawServer(actions))
        return servers[-1]

    yield start
    for raw in servers:
        raw.close()
