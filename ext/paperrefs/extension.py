"""The Sphinx extension's registry: every directive, role, event and setting in one place."""

from __future__ import annotations

from typing import Any

from sphinx.application import Sphinx

import paperrefs


def setup(app: Sphinx) -> dict[str, Any]:
    return {
        "version": paperrefs.__version__,
        "env_version": 1,
        "parallel_read_safe": True,
        "parallel_write_safe": True,
    }
