"""The map's JavaScript: force-graph exactly as released, with its licence and provenance,
and the map's scripts within the size budget the documentation states."""

from __future__ import annotations

import hashlib
import json
import re

from paperrefs.sphinxext.site_files import GRAPH_SCRIPT_BUDGET, GRAPH_SCRIPTS, STATIC

from tests.helpers.paths import REPO

VENDORED = STATIC / "force-graph"


def test_the_vendored_file_is_the_one_its_provenance_records() -> None:
    provenance = json.loads((VENDORED / "PROVENANCE.json").read_text(encoding="utf-8"))
    bundle = (VENDORED / "force-graph.min.js").read_bytes()
    assert provenance["package"] == "force-graph"
    assert re.fullmatch(r"\d+\.\d+\.\d+", provenance["version"])
    assert provenance["integrity"].startswith("sha512-")
    assert hashlib.sha256(bundle).hexdigest() == provenance["sha256"]
    assert len(bundle) == provenance["bytes"]
    assert provenance["tarball"] == f"force-graph-{provenance['version']}.tgz"


def test_the_vendored_file_ships_with_its_licence() -> None:
    licence = (VENDORED / "LICENSE").read_text(encoding="utf-8")
    assert licence.startswith("MIT License")
    assert "Vasco Asturiano" in licence
    assert json.loads((VENDORED / "PROVENANCE.json").read_text())["license"] == "MIT"


def test_the_maps_scripts_fit_the_stated_budget() -> None:
    size = sum((STATIC / script).stat().st_size for script in GRAPH_SCRIPTS)
    assert size <= GRAPH_SCRIPT_BUDGET
    howto = (REPO / "docs" / "howto" / "paperrefs.md").read_text(encoding="utf-8")
    assert f"{GRAPH_SCRIPT_BUDGET // 1000} KB of JavaScript" in howto


def test_the_refresh_script_takes_the_release_from_npm_pack() -> None:
    script = (REPO / "scripts" / "refresh-force-graph.sh").read_text(encoding="utf-8")
    assert 'npm pack --silent --json "force-graph@$version"' in script
    assert "PROVENANCE.json" in script
