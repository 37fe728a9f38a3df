"""Reading built HTML: a page's visible text, every page of an output folder, and which
pages a rebuild wrote."""

from __future__ import annotations

from pathlib import Path

from bs4 import BeautifulSoup


def soup(path: Path) -> BeautifulSoup:
    """A built page, parsed."""
    return BeautifulSoup(path.read_text(encoding="utf-8"), "html.parser")


def text_of(page: str) -> str:
    """The words a reader sees in a page's article, whitespace collapsed."""
    parsed = BeautifulSoup(page, "html.parser")
    body = parsed.select_one("article") or parsed
    return " ".join(body.get_text(" ").split())


def body_texts(outdir: Path) -> dict[str, str]:
    """Every HTML page's article markup, for comparing two builds' visible output."""
    result = {}
    for path in sorted(outdir.rglob("*.html")):
        page = soup(path)
        article = page.select_one("div.body") or page.select_one("article") or page
        result[str(path.relative_to(outdir))] = str(article)
    return result


def rewritten_pages(outdir: Path, since: float) -> set[str]:
    """The HTML pages under ``outdir`` written after the wall-clock time ``since``."""
    return {
        str(path.relative_to(outdir))
        for path in outdir.rglob("*.html")
        if path.stat().st_mtime > since
    }
