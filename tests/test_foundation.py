"""The project installs, its command line starts, and the real site builds warning-free."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

from tests.conftest import REPO

BIN = Path(sys.executable).parent


@pytest.mark.parametrize(
    "command",
    [[str(BIN / "paperrefs"), "--help"], [sys.executable, "-m", "paperrefs", "--help"]],
    ids=["script", "module"],
)
def test_help_lists_the_subcommands(command: list[str]) -> None:
    result = subprocess.run(command, capture_output=True, text=True, check=True)
    for subcommand in ("add", "sync", "check"):
        assert subcommand in result.stdout


def test_package_imports_without_sphinx() -> None:
    code = "import sys, paperrefs, paperrefs.cli; print('sphinx' in sys.modules)"
    result = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True
    )
    assert result.stdout.strip() == "False"


def test_the_site_builds_without_warnings(tmp_path: Path) -> None:
    result = subprocess.run(
        [
            sys.executable,
            "-m",
            "sphinx",
            "-W",
            "--keep-going",
            "-q",
            "-b",
            "html",
            "-d",
            str(tmp_path / "doctrees"),
            str(REPO / "docs"),
            str(tmp_path / "html"),
        ],
        capture_output=True,
        text=True,
    )
    assert result.returncode == 0, result.stderr
    assert (tmp_path / "html" / "index.html").exists()
