"""sphinxcontrib-bibtex's reading of the bib, brought up to date by entry and by content.

sphinxcontrib-bibtex keeps its parsed bib (pybtex's entries) with the environment, and
parses the whole file again whenever the file's modification time moved: every edit of
one entry, every ``paperrefs update --apply`` or ``add``, and a mere touch cost a full
parse (half a second at 1,000 papers), while an edit that kept the time (a checkout) went
unseen. paperrefs has already read the file, entry by entry, before it does. From that
reading this brings its parsed bib up to date first: unchanged entries are kept, and only
entries whose text changed are parsed, each alone, by pybtex itself; sphinxcontrib-bibtex
then finds its reading current and keeps it.

Parsing an entry alone reads it as the whole file would when no ``@string`` or
``@preamble`` block is in the file; with one, or with anything paperrefs' reading and
pybtex's might disagree on (a bib paperrefs had to salvage, several bib files, an entry
pybtex reads differently), the whole file is left to sphinxcontrib-bibtex, as before.
"""

from __future__ import annotations

import hashlib
import re
from collections.abc import Sequence
from typing import Any

from pybtex.database import BibliographyData, BibliographyDataError, Entry
from pybtex.database.input.bibtex import Parser
from pybtex.scanner import PybtexSyntaxError
from sphinx.application import Sphinx
from sphinxcontrib.bibtex.bibfile import BibData, BibFile, get_mtime

from paperrefs.bibfile import BibEntry
from paperrefs.sphinxext.bibtex_compat import bib_files
from paperrefs.sphinxext.domain import domain_of
from paperrefs.sphinxext.settings import settings_of

# Blocks that change how pybtex reads the entries after them, or what it keeps beside them.
_FILE_WIDE = re.compile(r"^[ \t]*@[ \t]*(string|preamble)\b", re.IGNORECASE | re.MULTILINE)


def bring_bibtex_reading_up_to_date(app: Sphinx) -> None:
    """``builder-inited``, after paperrefs read the bib and before sphinxcontrib-bibtex
    checks its reading: see the module's description."""
    cite: Any = app.env.get_domain("cite")
    domain = domain_of(app.env)
    path = settings_of(app.config).bib_path
    salvaged = domain.salvaged
    old: BibData = cite.data["bibdata"]
    texts = {entry.key: text_digest(entry.text) for entry in salvaged.entries}
    before: dict[str, str] | None = domain.snapshot.get("bibtex_entry_texts")
    whole, whole_before = text_digest(salvaged.text), domain.snapshot.get("bibtex_bib_text")
    domain.snapshot["bibtex_entry_texts"], domain.snapshot["bibtex_bib_text"] = texts, whole
    if path is None or path not in old.bibfiles:
        return  # a first build, or a bib sphinxcontrib-bibtex does not read: it parses
    if whole == whole_before:  # unchanged, perhaps touched: its reading stands, at the new time
        old.bibfiles[path] = old.bibfiles[path]._replace(mtime=get_mtime(path))
        return
    usable = (
        before is not None
        and bib_files(app) == [path] == list(old.bibfiles)
        and old.encoding == app.config.bibtex_encoding
        and not salvaged.damaged
        and not _FILE_WIDE.search(salvaged.text)
    )
    new = brought_up_to_date(old, before or {}, salvaged.entries) if usable else None
    if new is None:  # the whole file parsed by sphinxcontrib-bibtex, whatever its time says
        old.bibfiles[path] = old.bibfiles[path]._replace(mtime=float("-inf"))
        return
    keys = dict.fromkeys(new.entries.keys())
    bibfiles = {path: BibFile(mtime=get_mtime(path), keys=keys)}
    cite.data["bibdata"] = BibData(encoding=old.encoding, bibfiles=bibfiles, data=new)


def brought_up_to_date(
    old: BibData, old_texts: dict[str, str], entries: Sequence[BibEntry]
) -> BibliographyData | None:
    """pybtex's reading of ``entries`` (a whole bib, in file order), taking from ``old``
    each entry whose text digest is in ``old_texts`` as it was; None when pybtex would
    read one of them differently from paperrefs (then the whole file must be parsed)."""
    data = BibliographyData()
    kept = old.data.entries
    try:
        for entry in entries:
            same = old_texts.get(entry.key) == text_digest(entry.text) and entry.key in kept
            read = kept[entry.key] if same else _read_alone(entry)
            if read is None:
                return None
            data.add_entry(entry.key, read)
    except BibliographyDataError:  # a key pybtex holds twice, by its case-blind rule
        return None
    return data


def _read_alone(entry: BibEntry) -> Entry | None:
    """pybtex's reading of one entry's text, or None unless it reads as that one entry."""
    parser = Parser()
    try:
        parsed = parser.parse_string(entry.text)
    except (PybtexSyntaxError, BibliographyDataError):
        return None
    if list(parsed.entries) != [entry.key]:
        return None
    found: Entry = parsed.entries[entry.key]
    return found


def text_digest(text: str) -> str:
    return hashlib.sha256(text.encode("utf-8")).hexdigest()[:24]
