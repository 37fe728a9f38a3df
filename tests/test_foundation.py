"""The project installs and its command line starts (tests/test_site.py builds the site)."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

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
