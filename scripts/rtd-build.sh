#!/usr/bin/env bash
# Reproduces the commands Read the Docs runs for .readthedocs.yaml, in a throw-away shallow
# clone of the committed tree with a fresh virtual environment. Output: _readthedocs/.
set -euo pipefail
repo=$(git rev-parse --show-toplevel)
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

git clone --quiet --depth 1 "file://$repo" "$work/checkout"
cd "$work/checkout"
export READTHEDOCS=True READTHEDOCS_OUTPUT="$PWD/_readthedocs/" READTHEDOCS_LANGUAGE=en NO_COLOR=1
export READTHEDOCS_CANONICAL_URL="https://paperrefs.readthedocs.io/en/latest/"

python3 -m venv "$work/venv"
# shellcheck disable=SC1091
. "$work/venv/bin/activate"
python -m pip install --quiet --upgrade --no-cache-dir pip setuptools
python -m pip install --quiet --upgrade --no-cache-dir sphinx
python -m pip install --quiet --exists-action=w --no-cache-dir -r docs/requirements.txt
python -m pip install --quiet --upgrade --upgrade-strategy only-if-needed --no-cache-dir .

cd docs
python -m sphinx -T -W --keep-going -b html -d _build/doctrees -D language=en . "$READTHEDOCS_OUTPUT/html"
# formats: epub (same flags as html, -W included) and pdf (no -W; LaTeX's exit code is
# forgiven when a PDF comes out, as Read the Docs does).
python -m sphinx -T -W --keep-going -b epub -d _build/doctrees -D language=en . "$READTHEDOCS_OUTPUT/epub"
python -m sphinx -T -b latex -d _build/doctrees -D language=en . "$READTHEDOCS_OUTPUT/pdf"
if command -v latexmk >/dev/null; then
  (cd "$READTHEDOCS_OUTPUT/pdf" && latexmk -pdf -f -dvi- -ps- -interaction=nonstopmode -quiet ./*.tex >/dev/null) || true
  ls "$READTHEDOCS_OUTPUT"/pdf/*.pdf >/dev/null
else
  echo "latexmk not installed: skipped the PDF step (the LaTeX sources were built)"
fi

rm -rf "$repo/_readthedocs"
cp -r "$READTHEDOCS_OUTPUT" "$repo/_readthedocs"
echo "Read the Docs build reproduced: _readthedocs/html/index.html"
