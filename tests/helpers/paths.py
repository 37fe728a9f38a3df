"""Where things are: the repository, the test roots and data, the tools tests drive."""

from __future__ import annotations

import os
import shutil
from pathlib import Path

import pytest

TESTS = Path(__file__).resolve().parent.parent
REPO = TESTS.parent
ROOTS = TESTS / "roots"
DATA = TESTS / "data"
ATOM_FIXTURES = TESTS / "fixtures" / "atom"
IN_CI = os.environ.get("CI", "").lower() in {"1", "true", "yes"}


def require_tool(name: str, path: str | None = None) -> str:
    """Return the executable's path; skip without it, but fail in CI where it must exist."""
    found = path if path and Path(path).exists() else shutil.which(name)
    if found:
        return found
    message = f"{name} is not installed (see .ci/apt-packages.txt)"
    if IN_CI:
        pytest.fail(message)
    pytest.skip(message)


def snapshot(path: Path) -> tuple[bytes, int]:
    """A file's bytes and modification time: both must stay when nothing is written."""
    return path.read_bytes(), path.stat().st_mtime_ns


def copy_root(name: str, tmp_path: Path) -> Path:
    """A private copy of the test root ``tests/roots/test-<name>``, safe to edit."""
    target = tmp_path / name
    shutil.copytree(ROOTS / f"test-{name}", target)
    return target
