"""Run real Sphinx builds of a test project, in-process, and read what they wrote."""

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


def warnings_of(app: SphinxTestApp) -> str:
    """The build's warnings, without colour codes, and without the notices that only
    appear because several builds share this test process (a real run is one process)."""
    text: str = app._warning.getvalue()  # type: ignore[attr-defined]
    text = re.sub(r"\x1b\[[0-9;]*m", "", text)
    return "".join(line for line in text.splitlines(keepends=True) if HARNESS_NOISE not in line)


def html(app: SphinxTestApp, page: str) -> str:
    return (Path(app.outdir) / f"{page}.html").read_text(encoding="utf-8")
