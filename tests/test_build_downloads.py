"""Each paper's single-entry ``.bib`` download: written beside its page only when its entry
changed, never copied by Sphinx on every build."""

from __future__ import annotations

import time
from pathlib import Path

import pytest
from bs4 import BeautifulSoup

from tests.helpers.sphinx import MakeApp, build, warnings_of

pytestmark = pytest.mark.slow  # real Sphinx builds

FileId = tuple[int, int]  # inode and mtime: a rename-into-place write changes both


def downloads(outdir: Path) -> dict[str, FileId]:
    return {
        path.name: (path.stat().st_ino, path.stat().st_mtime_ns)
        for path in (outdir / "papers").glob("*.bib")
    }


def test_a_no_op_rebuild_leaves_every_download_and_an_edit_writes_one(
    make_app: MakeApp, site: Path
) -> None:
    outdir = Path(build(make_app, site).outdir)
    first = downloads(outdir)
    assert sorted(first) == [
        "rafailov2023direct.bib",
        "schulman2015trust.bib",
        "schulman2017proximal.bib",
        "sutton2018reinforcement.bib",
    ]
    assert not list(outdir.glob("_downloads/**/*.bib"))  # Sphinx copies nothing
    assert not list((site / "papers").glob("*.bib"))  # nor do the sources hold copies

    time.sleep(0.01)
    build(make_app, site)
    assert downloads(outdir) == first

    bib = site / "refs.bib"
    bib.write_text(bib.read_text().replace("Proximal Policy", "Proximal-Policy"))
    app = build(make_app, site)
    assert warnings_of(app) == ""
    after = downloads(outdir)
    assert {name for name in first if after[name] != first[name]} == {"schulman2017proximal.bib"}
    assert "Proximal-Policy" in (outdir / "papers" / "schulman2017proximal.bib").read_text()


def test_a_download_deleted_from_the_output_comes_back(make_app: MakeApp, site: Path) -> None:
    outdir = Path(build(make_app, site).outdir)
    target = outdir / "papers" / "rafailov2023direct.bib"
    text = target.read_text(encoding="utf-8")
    target.unlink()
    build(make_app, site)
    assert target.read_text(encoding="utf-8") == text


def test_a_removed_entry_takes_its_download_with_it(make_app: MakeApp, site: Path) -> None:
    outdir = Path(build(make_app, site).outdir)
    bib = site / "refs.bib"
    text = bib.read_text()
    start = text.index("@", text.index("schulman2015trust") - 20)
    end = text.index("\n}\n", start) + 3
    bib.write_text(text[:start] + text[end:])
    build(make_app, site)
    assert "schulman2015trust.bib" not in downloads(outdir)


@pytest.mark.parametrize(("builder", "page"), [("html", "{}.html"), ("dirhtml", "{}/index.html")])
def test_the_paper_page_links_its_download(
    make_app: MakeApp, site: Path, builder: str, page: str
) -> None:
    app = build(make_app, site, builder)
    outdir = Path(app.outdir)
    soup = BeautifulSoup(
        (outdir / "papers" / page.format("rafailov2023direct")).read_text(), "html.parser"
    )
    link = soup.select_one("a.download")
    assert link is not None
    assert link.get_text() == "rafailov2023direct.bib"
    folder = outdir / "papers" / page.format("rafailov2023direct")
    target = (folder.parent / str(link["href"])).resolve()
    assert target.read_text(encoding="utf-8").startswith("@misc{rafailov2023direct,")
