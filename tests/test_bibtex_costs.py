"""Costs of sphinxcontrib-bibtex that grew with the site, and what paperrefs does about
them: per-citation plugin lookups, the parsed bib sent back by every ``-j`` worker, and
its pass's search of every citation for each entry. (That the builds still come out
right is checked by the parallel build test.)"""

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
from paperrefs.sphinxext.bibtex_pass import IndexedBibtexDomain
from pybtex.database import BibliographyData, Entry
from sphinxcontrib.bibtex.bibfile import BibData, BibFile
from sphinxcontrib.bibtex.domain import BibtexDomain, get_docnames

from tests.helpers.sphinx import MakeApp, build, html, warnings_of


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


# Bibliographies whose filters ask which documents cite an entry, in every way a filter can.
FILTERED = """# Filtered

A citation here: {cite:p}`schulman2015trust`.

```{bibliography}
:filter: cited and docname in docnames
:list: bullet
```

```{bibliography}
:filter: not cited or key == "schulman2017proximal"
:list: bullet
```

```{bibliography}
:filter: {"notes/preferences"} & docnames
:list: enumerated
```
"""


@pytest.mark.slow  # a real Sphinx build
def test_the_indexed_domain_gives_sphinxcontrib_bibtex_own_entries_and_order(
    make_app: MakeApp, site: Path
) -> None:
    (site / "filtered.md").write_text(FILTERED)
    index = site / "index.md"
    index.write_text(index.read_text().replace("references\n```", "references\nfiltered\n```"))
    app = build(make_app, site)
    assert warnings_of(app) == ""
    ours = app.env.domains["cite"]
    assert isinstance(ours, IndexedBibtexDomain)
    theirs = BibtexDomain(app.env)  # the same data, read by sphinxcontrib-bibtex's own code
    docnames = list(get_docnames(app.env))
    assert len(ours.bibliographies) == 4
    assert len(ours.citation_refs) >= 2
    for key in ours.bibliographies:
        entries = [name for name, _ in ours.get_filtered_entries(key)]
        assert entries == [name for name, _ in theirs.get_filtered_entries(key)]
        assert entries  # every filter above shows something
    assert list(ours.get_all_cited_keys(docnames)) == list(theirs.get_all_cited_keys(docnames))


@pytest.mark.slow  # a real Sphinx build
def test_a_broken_filter_warns_at_its_bibliography_as_sphinxcontrib_bibtex_does(
    make_app: MakeApp, site: Path
) -> None:
    """A filter that parses but cannot be evaluated (a regular expression that is a
    number) is found out by the pass, entry by entry: a warning at the bibliography for
    each of the four entries, and the entries cited anywhere are shown instead."""
    references = site / "references.md"
    text = references.read_text()
    references.write_text(
        text.replace("```{bibliography}\n", "```{bibliography}\n:filter: title % 1\n")
    )
    app = build(make_app, site)
    warnings = warnings_of(app).splitlines()
    assert len(warnings) == 4
    for warning in warnings:
        assert "references.md:6: WARNING: syntax error in :filter: expression;" in warning
        assert warning.endswith("[bibtex.filter_syntax_error]")
    assert "Reinforcement Learning" in html(app, "references")  # cited in preferences
