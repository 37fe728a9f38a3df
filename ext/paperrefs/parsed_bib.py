"""The parsed bibliography, kept from one build to the next while the file's bytes stay the same.

Parsing the bib and turning each title, author and venue into display text costs seconds
at thousands of entries, on every build. The result is pickled next to the doctrees under
a digest of the file's bytes: a build whose bib is unchanged loads it instead. The digest,
not the modification time, decides: a touched file is the same bibliography, and an edit
that leaves the time as it was (a checkout, a copy that keeps times) is still an edit.
After an edit, the entries whose text did not change are taken from the record rather
than read again, so one entry's edit costs about one entry's reading. The record also
names the code that shaped it, so a new version never reads an old one's records.
"""

from __future__ import annotations

import hashlib
import pickle
from dataclasses import dataclass
from functools import cache
from pathlib import Path

from paperrefs import bibfile, ids, library, names, salvage, text
from paperrefs.fsutil import write_if_changed
from paperrefs.library import Library
from paperrefs.salvage import Salvaged, salvage_bytes

# The modules whose code decides what a parsed bib holds.
_SHAPERS = (bibfile, ids, library, names, salvage, text)


@dataclass
class ParsedBib:
    salvaged: Salvaged
    library: Library
    reused: bool  # loaded from the previous build's record, not parsed


def read_parsed(path: Path, record: Path | None) -> ParsedBib:
    """``path`` parsed (what parses of it), from ``record`` when that holds these bytes.

    A missing bib reads as an empty one. Raises OSError when the bib cannot be read;
    a record that cannot be read or written is only a missed shortcut.
    """
    try:
        data = path.read_bytes()
    except FileNotFoundError:
        return ParsedBib(Salvaged(), Library([]), reused=False)
    digest = _digest(path, data)
    kept = _load(record) if record is not None else None
    if kept is not None and kept[0] == digest:
        return ParsedBib(kept[1], kept[2], reused=True)
    before = kept[1:] if kept is not None else (Salvaged(), Library([]))
    known = {entry.text: entry for entry in before[0].entries}
    salvaged = salvage_bytes(data, path, known)
    parsed = ParsedBib(salvaged, Library(salvaged.entries, previous=before[1]), reused=False)
    if record is not None:
        _store(record, digest, parsed)
    return parsed


def _digest(path: Path, data: bytes) -> str:
    hashed = hashlib.sha256(str(path).encode("utf-8") + b"\0")
    hashed.update(data)
    return hashed.hexdigest()


@cache
def _code_digest() -> bytes:
    """The first bytes of every record: the code it was made by."""
    hashed = hashlib.sha256()
    for module in _SHAPERS:
        hashed.update(Path(module.__file__ or "").read_bytes())
    return hashed.hexdigest().encode("ascii")


def _load(record: Path) -> tuple[str, Salvaged, Library] | None:
    """The digest of the bytes ``record`` was made from, and what they read as."""
    code = _code_digest()
    try:
        with record.open("rb") as stream:
            if stream.read(len(code)) != code:
                return None
            digest, salvaged, shown = pickle.load(stream)
    except Exception:  # a missing record, or one from a crash or another Python: parse
        return None
    if not isinstance(salvaged, Salvaged) or not isinstance(shown, Library):
        return None
    return digest, salvaged, shown


def _store(record: Path, digest: str, parsed: ParsedBib) -> None:
    data = _code_digest() + pickle.dumps(
        (digest, parsed.salvaged, parsed.library), protocol=pickle.HIGHEST_PROTOCOL
    )
    try:
        record.parent.mkdir(parents=True, exist_ok=True)
        write_if_changed(record, data)
    except OSError:
        pass  # a read-only build folder: the next build parses again
