"""The PDF and the other builders that leave documents out.

The ``latex`` builder writes only the documents of its toctree: every paper page and any
note marked ``orphan`` has no address in the PDF. Links to them must become the paper's
own link or plain text, never a crash.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.sphinx_build import MakeApp, build, warnings_of

ORPHAN_NOTE = """---
orphan: true
---

# Drafts

## Trust Region Policy Optimization, again
```{paper} 1502.05477
:added: 2024-07-10
```
- cites {arxiv}`1707.06347` and {cite}`sutton2018reinforcement`
"""


def with_orphan_note(site: Path) -> Path:
    (site / "notes" / "drafts.md").write_text(ORPHAN_NOTE, encoding="utf-8")
    return site


@pytest.mark.parametrize("builder", ["latex", "epub", "texinfo", "singlehtml"])
def test_an_orphan_note_never_crashes_a_builder(
    make_app: MakeApp, site: Path, builder: str
) -> None:
    app = build(make_app, with_orphan_note(site), builder)
    assert warnings_of(app) == ""


def test_in_the_pdf_links_to_an_orphan_note_are_its_title(make_app: MakeApp, site: Path) -> None:
    app = build(make_app, with_orphan_note(site), "latex")
    tex = next(Path(app.outdir).glob("*.tex")).read_text(encoding="utf-8")
    # The changelog names the note and its page without linking to either.
    assert "Trust Region Policy Optimization, again" in tex
    assert "(new note, in Drafts)" in tex
    assert "notes/drafts" not in tex
    # Paper pages are left out too: citations link to arXiv.
    assert r"\sphinxhref{https://arxiv.org/abs/1707.06347}" in tex
