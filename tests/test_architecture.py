"""The package's layout is its architecture, and the docs describe the code that exists.

Everything that imports Sphinx or docutils lives in ``paperrefs.sphinxext``; every other
module imports without them (the command line must start without Sphinx). The settings
and warnings tables of ``docs/howto/paperrefs.md`` list exactly what the code declares.
"""

from __future__ import annotations

import ast
import re
import subprocess
import sys
from pathlib import Path

import pytest
from paperrefs.sphinxext.settings import SETTINGS
from paperrefs.sphinxext.warnings import Warn

from tests.helpers.paths import REPO

PACKAGE = REPO / "ext" / "paperrefs"
SPHINX_LAYER = PACKAGE / "sphinxext"
HOWTO = REPO / "docs" / "howto" / "paperrefs.md"
ARCHITECTURE = REPO / "docs" / "architecture.md"
FRAMEWORKS = ("sphinx", "docutils", "sphinxcontrib", "myst_parser")


def module_name(path: Path) -> str:
    parts = path.relative_to(PACKAGE.parent).with_suffix("").parts
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def modules() -> list[Path]:
    return sorted(PACKAGE.rglob("*.py"))


def core_modules() -> list[str]:
    # __main__ runs the command line when imported; it imports only paperrefs.cli.
    return [
        module_name(path)
        for path in modules()
        if SPHINX_LAYER not in path.parents and path.name != "__main__.py"
    ]


def imported_roots(path: Path) -> set[str]:
    """Top-level packages a module imports at run time (``TYPE_CHECKING`` blocks excluded)."""
    tree = ast.parse(path.read_text(encoding="utf-8"))
    skipped = {
        id(node)
        for block in ast.walk(tree)
        if isinstance(block, ast.If) and "TYPE_CHECKING" in ast.unparse(block.test)
        for child in block.body
        for node in ast.walk(child)
    }
    roots: set[str] = set()
    for node in ast.walk(tree):
        if id(node) in skipped:
            continue
        if isinstance(node, ast.Import):
            roots |= {alias.name.split(".")[0] for alias in node.names}
        elif isinstance(node, ast.ImportFrom) and node.module and not node.level:
            roots.add(node.module.split(".")[0])
    return roots


def test_only_the_sphinx_layer_imports_sphinx_or_docutils() -> None:
    outside = {
        module_name(path): sorted(imported_roots(path) & set(FRAMEWORKS))
        for path in modules()
        if SPHINX_LAYER not in path.parents and imported_roots(path) & set(FRAMEWORKS)
    }
    assert outside == {}
    inside = [path for path in modules() if SPHINX_LAYER in path.parents]
    assert len(inside) >= 10  # the layer is where the rule says, not an empty folder


@pytest.mark.parametrize("module", core_modules())
def test_each_core_module_imports_without_sphinx_in_a_fresh_interpreter(module: str) -> None:
    code = (
        f"import sys, {module}\n"
        f"print(sorted(m for m in sys.modules if m.split('.')[0] in {FRAMEWORKS!r}))"
    )
    result = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True
    )
    assert result.stdout.strip() == "[]"


def table_rows(heading: str) -> list[list[str]]:
    """The rows of the first Markdown table under ``## heading`` in the how-to page."""
    text = HOWTO.read_text(encoding="utf-8")
    section = text.split(f"\n## {heading}\n", 1)[1].split("\n## ", 1)[0]
    rows = [line for line in section.splitlines() if line.startswith("|")]
    return [[cell.strip() for cell in row.strip("|").split("|")] for row in rows[2:]]


def test_the_settings_table_lists_exactly_the_declared_settings_and_defaults() -> None:
    rows = {row[0].strip("`"): row[1] for row in table_rows("Settings")}
    assert list(rows) == [declared.name for declared in SETTINGS]
    for declared in SETTINGS:
        if declared.default:  # empty defaults are described in words ("first of ...")
            assert rows[declared.name] == f"`{declared.default!r}`".replace("'", '"')


def test_the_warnings_table_lists_exactly_the_warning_subtypes() -> None:
    documented = [re.fullmatch(r"`paperrefs\.(\w+)`", row[0]) for row in table_rows("Warnings")]
    assert [match[1] if match else None for match in documented] == [w.value for w in Warn]


def test_the_architecture_page_lists_every_module_of_both_layers() -> None:
    text = ARCHITECTURE.read_text(encoding="utf-8")
    listed: set[str] = set()
    for heading, folder in (("The core", PACKAGE), ("The Sphinx layer", SPHINX_LAYER)):
        section = text.split(f"\n## {heading}\n", 1)[1].split("\n## ", 1)[0]
        for row in [line for line in section.splitlines() if line.startswith("|")][2:]:
            first = row.strip("|").split("|")[0]
            listed |= {str(folder / name) for name in re.findall(r"`([\w.]+\.py)`", first)}
    on_disk = {str(path) for path in modules() if path.name not in {"__main__.py"}}
    on_disk -= {str(PACKAGE / "__init__.py")}
    assert sorted(listed) == sorted(on_disk)
