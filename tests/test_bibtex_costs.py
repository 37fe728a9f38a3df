"""Two costs of sphinxcontrib-bibtex that grew with the site, and what paperrefs does about
them: per-citation plugin lookups, and the parsed bib sent back by every ``-j`` worker.
(That the builds still come out right is checked by the parallel build test.)"""

from __future__ import annotations

import multiprocessing
import os
import pickle
from importlib.metadata import entry_points
from pathlib import Path
from typing import Any

import pybtex.plugin
import pytest
from paperrefs.sphinxext import bibtex_compat
from pybtex.database import BibliographyData, Entry
from sphinxcontrib.bibtex.bibfile import BibData, BibFile


def test_per_citation_plugins_are_found_without_scanning_packages(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    installed = {
        name: next(iter(entry_points(group="pybtex.backends", name=name))).load()
        for name in ("plaintext", "docutils")
    }
    bibtex_compat.look_up_pybtex_plugins_once()
    scans: list[dict[str, Any]] = []

    def counting_entry_points(**query: Any) -> Any:
        scans.append(query)
        return entry_points(**query)

    monkeypatch.setattr(pybtex.plugin, "entry_points", counting_entry_points)
    for name, plugin in installed.items():
        assert pybtex.plugin.find_plugin("pybtex.backends", name) is plugin
    assert scans == []


def parsed_bib() -> BibData:
    data = BibliographyData({"vaswani2017attention": Entry("misc", {"title": "Attention"})})
    files = {Path("papers.bib"): BibFile(mtime=1.0, keys={"vaswani2017attention": None})}
    return BibData(encoding="utf-8-sig", bibfiles=files, data=data)


def kept_home() -> Any:
    kept = bibtex_compat._BibDataKeptHome(*parsed_bib())
    kept.home = os.getpid()
    return kept


def pickled_in_a_worker(kept: Any, sent: Any) -> None:
    sent.send_bytes(pickle.dumps(kept, pickle.HIGHEST_PROTOCOL))


def test_the_reading_process_pickles_the_parsed_bib_in_full() -> None:
    again = pickle.loads(pickle.dumps(kept_home(), pickle.HIGHEST_PROTOCOL))
    assert type(again) is BibData
    assert again == parsed_bib()
    assert list(again.data.entries) == ["vaswani2017attention"]


def test_a_worker_sends_the_parsed_bib_back_without_its_entries() -> None:
    # Sphinx's -j workers are forked, as here.
    received, sent = multiprocessing.get_context("fork").Pipe(duplex=False)
    worker = multiprocessing.get_context("fork").Process(
        target=pickled_in_a_worker, args=(kept_home(), sent)
    )
    worker.start()
    back = pickle.loads(received.recv_bytes())
    worker.join()
    assert type(back) is BibData
    assert back.encoding == "utf-8-sig"
    assert back.bibfiles == parsed_bib().bibfiles
    assert len(back.data.entries) == 0
