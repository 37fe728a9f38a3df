"""The parsed bibliography, kept from one build to the next while the file's bytes stay the same.

Parsing the bib and turning each title, author and venue into display text costs seconds
at thousands of entries, on every build. The result is pickled next to the doctrees under
a digest of the file's bytes: a build whose bib is unchanged loads it instead. The digest,
not the modification time, decides: a touched file is the same bibliography, and an edit
that leaves the time as it was (a checkout, a copy that keeps times) is still an edit.
The digest also covers the code that shapes the result, so a new version never reads an
old one's records.
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
    if record is not None:
        kept = _load(record, digest)
        if kept is not None:
            return ParsedBib(kept[0], kept[1], reused=True)
    salvaged = salvage_bytes(data, path)
    parsed = ParsedBib(salvaged, Library(salvaged.entries), reused=False)
    if record is not None:
        _store(record, digest, parsed)
    return parsed


def _digest(path: Path, data: bytes) -> str:
    hashed = hashlib.sha256(_code_digest().encode("ascii"))
    hashed.update(str(path).encode("utf-8") + b"\0")
    hashed.update(data)
    return hashed.hexdigest()


@cache
def _code_digest() -> str:
    hashed = hashlib.sha256()
    for module in _SHAPERS:
        hashed.update(Path(module.__file__ or "").read_bytes())
    return hashed.hexdigest()


def _load(record: Path, digest: str) -> tuple[Salvaged, Library] | None:
    try:
        with record.open("rb") as stream:
            if stream.read(len(digest)) != digest.encode("ascii"):
                return None
            salvaged, shown = pickle.load(stream)
    except Exception:  # a record from a crash or another Python: parse instead
        return None
    if not isinstance(salvaged, Salvaged) or not isinstance(shown, Library):
        return None
    return salvaged, shown


def _store(record: Path, digest: str, parsed: ParsedBib) -> None:
    data = digest.encode("ascii") + pickle.dumps(
        (parsed.salvaged, parsed.library), protocol=pickle.HIGHEST_PROTOCOL
    )
    try:
        record.parent.mkdir(parents=True, exist_ok=True)
        write_if_changed(record, data)
    except OSError:
        pass  # a read-only build folder: the next build parses again
