"""The test suite's own shape: test modules share through tests/helpers/, never each other.

A test module that imports another one runs that module's top-level code, ties the two
together for every later change, and hides where a helper really lives. conftest.py
holds fixtures and hooks only; what tests share besides fixtures is in tests/helpers/.
"""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

from tests.helpers.paths import TESTS

TEST_MODULES = sorted(TESTS.glob("test_*.py"))
HELPERS = sorted((TESTS / "helpers").glob("*.py"))


def is_forbidden(module: str) -> bool:
    """A test module or conftest, named absolutely (``tests.test_x``, ``tests.conftest``)."""
    parts = module.split(".")
    return parts[0] == "tests" and len(parts) > 1 and parts[1].startswith(("test_", "conftest"))


def package_of(path: Path) -> list[str]:
    """``["tests"]`` for a test module, ``["tests", "helpers"]`` for a helper."""
    return list(path.relative_to(TESTS.parent).parent.parts)


def forbidden_imports(source: str, package: list[str]) -> list[str]:
    """Each import in ``source`` (a module of ``package``) of a test module or of conftest,
    as ``line: statement``."""
    found = []
    for node in ast.walk(ast.parse(source)):
        if isinstance(node, ast.Import):
            names = [alias.name for alias in node.names]
        elif isinstance(node, ast.ImportFrom):
            base = node.module or ""
            if node.level:  # relative: resolve against the module's own package
                parent = package[: len(package) - (node.level - 1)]
                base = ".".join([*parent, *([base] if base else [])])
            names = [base] + [f"{base}.{alias.name}" for alias in node.names]
        else:
            continue
        if any(is_forbidden(name) for name in names):
            found.append(f"{node.lineno}: {ast.unparse(node)}")
    return found


@pytest.mark.parametrize(
    "path", TEST_MODULES + HELPERS, ids=lambda path: str(path.relative_to(TESTS))
)
def test_no_module_imports_a_test_module_or_conftest(path: Path) -> None:
    found = forbidden_imports(path.read_text(encoding="utf-8"), package_of(path))
    assert found == [], f"{path.name}: import it from tests.helpers instead"


def test_the_check_sees_every_form_of_such_an_import() -> None:
    sample = (
        "import tests.test_cli\n"
        "from tests.test_cli import run\n"
        "from tests import test_cli\n"
        "from tests.conftest import REPO\n"
        "from . import conftest\n"
        "from .test_cli import run\n"
        "def later():\n"
        "    from tests.test_cli import run\n"
        "from tests.helpers.paths import REPO\n"
        "from tests import helpers\n"
        "from .helpers import paths\n"
    )
    assert [line.split(":")[0] for line in forbidden_imports(sample, ["tests"])] == [
        "1",
        "2",
        "3",
        "4",
        "5",
        "6",
        "8",
    ]
    from_a_helper = "from ..test_cli import run\nfrom .paths import REPO\nfrom . import cli\n"
    assert len(forbidden_imports(from_a_helper, ["tests", "helpers"])) == 1


def test_conftest_holds_only_fixtures_and_hooks() -> None:
    tree = ast.parse((TESTS / "conftest.py").read_text(encoding="utf-8"))
    others = []
    for node in tree.body:
        if isinstance(node, ast.FunctionDef | ast.ClassDef):
            fixture = any("fixture" in ast.unparse(d) for d in getattr(node, "decorator_list", []))
            if not (fixture or node.name.startswith("pytest_")):
                others.append(node.name)
        elif isinstance(node, ast.Assign | ast.AnnAssign):
            targets = node.targets if isinstance(node, ast.Assign) else [node.target]
            names = [ast.unparse(target) for target in targets]
            if names != ["pytest_plugins"]:
                others.extend(names)
    assert others == [], "move these to tests/helpers/"
