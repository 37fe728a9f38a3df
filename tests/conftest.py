"""Fixtures only; what tests share besides fixtures lives in tests/helpers/.

Sphinx test roots live in tests/roots/test-<name>/.
"""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

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
