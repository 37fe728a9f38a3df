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
export READTHEDOCS_PROJECT=paperrefs

python3 -m venv "$work/venv"
# shellcheck disable=SC1091
. "$work/venv/bin/activate"
python -m pip install --quiet --upgrade --no-cache-dir pip setuptools
python -m pip install --quiet --upgrade --no-cache-dir sphinx
python -m pip install --quiet --exists-action=w --no-cache-dir -r docs/requirements.txt
python -m pip install --quiet --upgrade --upgrade-strategy only-if-needed --no-cache-dir .

cd docs
python -m sphinx -T -W --keep-going -b html -d _build/doctrees -D language=en . "$READTHEDOCS_OUTPUT/html"
# formats: epub (same flags as html, -W included) and pdf (no -W on the latex builder).
python -m sphinx -T -W --keep-going -b epub -d _build/doctrees -D language=en . "$READTHEDOCS_OUTPUT/epub"
python -m sphinx -T -b latex -d _build/doctrees -D language=en . "$READTHEDOCS_OUTPUT/pdf"
# Read the Docs then runs latexmk in the output folder with the rc file Sphinx wrote, the
# engine flag that follows latex_engine, and the project's slug as job name; a failure
# fails the build.
command -v latexmk >/dev/null || {
  echo "latexmk is not installed: install the packages in .ci/apt-packages.txt" >&2
  exit 1
}
cd "$READTHEDOCS_OUTPUT/pdf"
engine=$(sed -n "s/^\$pdflatex = '\([a-z]*\).*/\1/p" latexmkrc)
case "$engine" in
  xelatex) flag=-pdfxe ;;
  lualatex) flag=-pdflua ;;
  *) flag=-pdf ;;
esac
echo "latexmk -r latexmkrc $flag -f -dvi- -ps- -jobname=$READTHEDOCS_PROJECT -interaction=nonstopmode"
if ! latexmk -r latexmkrc "$flag" -f -dvi- -ps- "-jobname=$READTHEDOCS_PROJECT" \
  -interaction=nonstopmode >"$work/latexmk.out" 2>&1; then
  grep -A8 '^!' "$READTHEDOCS_PROJECT.log" >&2 || tail -40 "$work/latexmk.out" >&2
  echo "latexmk failed: the PDF does not build" >&2
  exit 1
fi
ls "$READTHEDOCS_PROJECT.pdf" >/dev/null
cd "$work/checkout"

rm -rf "$repo/_readthedocs"
cp -r "$READTHEDOCS_OUTPUT" "$repo/_readthedocs"
echo "Read the Docs build reproduced: _readthedocs/html/index.html"
