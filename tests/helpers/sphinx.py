"""Run real Sphinx builds of a test project, in-process, and read what they wrote.

Two ways in: ``build(make_app, srcdir)`` for a copy a test edits between builds, and the
``app``/``warning`` fixtures of ``sphinx.testing`` with
``@pytest.mark.sphinx("html", testroot="name")`` for a static scenario in
``tests/roots/test-name/``. Give a test its own copy with ``srcdir="unique-name"`` in the
marker when its build writes to the sources or when its output must not mix with
another test's; add ``freshenv=True`` when it checks warnings, which an unchanged
incremental build does not repeat.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from io import StringIO
from pathlib import Path
from typing import Any

from sphinx.testing.util import SphinxTestApp

MakeApp = Callable[..., SphinxTestApp]


def build(make_app: MakeApp, srcdir: Path, builder: str = "html", **options: Any) -> SphinxTestApp:
    app = make_app(
        builder,
        srcdir=srcdir,
        builddir=srcdir / "_build",
        status=StringIO(),
        warning=StringIO(),
        **options,
    )
    app.build()
    return app


HARNESS_NOISE = "is already registered"


def warnings_of(source: SphinxTestApp | StringIO) -> str:
    """The build's warnings (from its app, or the ``warning`` fixture's stream), without
    colour codes, and without the notices that only appear because several builds share
    this test process (a real run is one process)."""
    stream = source if isinstance(source, StringIO) else source.warning
    text = stream.getvalue()
    text = re.sub(r"\x1b\[[0-9;]*m", "", text)
    return "".join(line for line in text.splitlines(keepends=True) if HARNESS_NOISE not in line)


def html(app: SphinxTestApp, page: str) -> str:
    return (Path(app.outdir) / f"{page}.html").read_text(encoding="utf-8")
