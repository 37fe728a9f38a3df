#!/usr/bin/env bash
# Refresh the vendored force-graph, the library that draws the map of the notes (paper-graph).
#
#   scripts/refresh-force-graph.sh 1.52.0
#
# Takes the exact released file from the npm package (npm pack checks the tarball against the
# integrity the registry publishes), copies its minified bundle and LICENSE into the package's
# static folder, and records where they came from in PROVENANCE.json, whose sha256 a test
# compares with the file. Nothing is built or changed: the site serves the release as is.
set -euo pipefail

version="${1:?usage: scripts/refresh-force-graph.sh VERSION}"
repo="$(cd "$(dirname "$0")/.." && pwd)"
target="$repo/ext/paperrefs/sphinxext/static/force-graph"
work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT

(cd "$work" && npm pack --silent --json "force-graph@$version" > pack.json)
tarball="$(python3 -c 'import json, sys; print(json.load(open(sys.argv[1]))[0]["filename"])' "$work/pack.json")"
tar -xzf "$work/$tarball" -C "$work" package/dist/force-graph.min.js package/LICENSE package/package.json

mkdir -p "$target"
cp "$work/package/dist/force-graph.min.js" "$target/force-graph.min.js"
cp "$work/package/LICENSE" "$target/LICENSE"
python3 - "$work" "$target" <<'PY'
import hashlib
import json
import sys
from pathlib import Path

work, target = Path(sys.argv[1]), Path(sys.argv[2])
pack = json.loads((work / "pack.json").read_text())[0]
package = json.loads((work / "package" / "package.json").read_text())
bundle = (target / "force-graph.min.js").read_bytes()
provenance = {
    "package": pack["name"],
    "version": pack["version"],
    "license": package.get("license", ""),
    "homepage": package.get("homepage", ""),
    "tarball": pack["filename"],
    "integrity": pack["integrity"],
    "shasum": pack["shasum"],
    "file": "package/dist/force-graph.min.js",
    "sha256": hashlib.sha256(bundle).hexdigest(),
    "bytes": len(bundle),
}
(target / "PROVENANCE.json").write_text(json.dumps(provenance, indent=2) + "\n")
PY
echo "force-graph $version vendored into ${target#"$repo"/}"
