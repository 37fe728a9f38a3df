"""Shared fixtures. Sphinx test roots live in tests/roots/test-<name>/."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

pytest_plugins = ("sphinx.testing.fixtures",)

REPO = Path(__file__).resolve().parent.parent
ROOTS = Path(__file__).resolve().parent / "roots"
IN_CI = os.environ.get("CI", "").lower() in {"1", "true", "yes"}


@pytest.fixture(scope="session")
def rootdir() -> Path:
    """Where ``@pytest.mark.sphinx(testroot=...)`` finds its test projects."""
    return ROOTS


def require_tool(name: str, path: str | None = None) -> str:
    """Return the executable's path; skip without it, but fail in CI where it must exist."""
    found = path if path and Path(path).exists() else shutil.which(name)
    if found:
        return found
    message = f"{name} is not installed (see .ci/apt-packages.txt)"
    if IN_CI:
        pytest.fail(message)
    pytest.skip(message)


@pytest.fixture
def site(tmp_path: Path) -> Path:
    """A private copy of the ``test-site`` root, safe to edit between builds."""
    return copy_root("site", tmp_path)


def snapshot(path: Path) -> tuple[bytes, int]:
    """A file's bytes and modification time: both must stay when nothing is written."""
    return path.read_bytes(), path.stat().st_mtime_ns


def copy_root(name: str, tmp_path: Path) -> Path:
    target = tmp_path / name
    shutil.copytree(ROOTS / f"test-{name}", target)
    return target


@pytest.fixture(scope="session")
def site_html(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The real ``docs/`` site, built once per test session with warnings as errors."""
    out = tmp_path_factory.mktemp("site")
    command = [sys.executable, "-m", "sphinx", "-W", "--keep-going", "-q", "-b", "html"]
    command += ["-d", str(out / "doctrees"), str(REPO / "docs"), str(out / "html")]
    result = subprocess.run(command, capture_output=True, text=True)
    assert result.returncode == 0, result.stderr
    return out / "html"
