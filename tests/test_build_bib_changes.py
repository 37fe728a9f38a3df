"""What a build does when the bib is touched or edited: its content decides, not its time."""

from __future__ import annotations

import os
import time
from pathlib import Path

import pytest

from tests.helpers.sphinx import MakeApp, build, html, warnings_of

pytestmark = pytest.mark.slow  # real Sphinx builds

KEPT = "paperrefs: bibliography unchanged, kept from the last build"
READ = "paperrefs: bibliography read"


def touch(path: Path) -> None:
    later = time.time_ns() + 2_000_000_000
    os.utime(path, ns=(later, later))


def test_a_touched_bib_is_not_read_again(make_app: MakeApp, site: Path) -> None:
    assert READ in build(make_app, site).status.getvalue()
    touch(site / "refs.bib")
    again = build(make_app, site)
    assert KEPT in again.status.getvalue()
    assert warnings_of(again) == ""


def test_an_edit_that_keeps_the_bib_time_is_still_read(make_app: MakeApp, site: Path) -> None:
    build(make_app, site)
    bib = site / "refs.bib"
    stat = bib.stat()
    bib.write_text(bib.read_text().replace("Proximal Policy", "Proximal-Policy"))
    os.utime(bib, ns=(stat.st_atime_ns, stat.st_mtime_ns))
    edited = build(make_app, site)
    assert READ in edited.status.getvalue()
    assert "Proximal-Policy" in html(edited, "papers/schulman2017proximal")


def test_editing_the_bib_still_rewrites_its_bibliography(make_app: MakeApp, site: Path) -> None:
    build(make_app, site)
    bib = site / "refs.bib"
    bib.write_text(bib.read_text().replace("Learning: An", "Learning: A New"))
    edited = build(make_app, site)
    assert "A New Introduction" in html(edited, "references")
