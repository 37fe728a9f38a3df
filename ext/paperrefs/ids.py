"""Paper identifiers: arXiv IDs in every accepted spelling, and DOIs.

Canonical forms follow arXiv's own rules: new style ``YYMM.NNNNN`` (4-digit numbers
before 2015), old style ``archive/YYMMNNN`` with the subject class dropped, an optional
lower-case ``vN`` version. Anything else is rejected with a reason a person can act on.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import total_ordering

MAX_INPUT_LENGTH = 200

# Archives of the pre-2007 identifier scheme (arXiv's list; it will not grow).
OLD_ARCHIVES = frozenset(
    [
        "acc-phys",
        "adap-org",
        "alg-geom",
        "ao-sci",
        "astro-ph",
        "atom-ph",
        "bayes-an",
        "chao-dyn",
        "chem-ph",
        "cmp-lg",
        "comp-gas",
        "cond-mat",
        "cs",
        "dg-ga",
        "funct-an",
        "gr-qc",
        "hep-ex",
        "hep-lat",
        "hep-ph",
        "hep-th",
        "math",
        "math-ph",
        "mtrl-th",
        "nlin",
        "nucl-ex",
        "nucl-th",
        "patt-sol",
        "physics",
        "plasm-ph",
        "q-alg",
        "q-bio",
        "quant-ph",
        "solv-int",
        "supr-con",
    ]
)

# re.ASCII keeps \d from matching other scripts' digits, which arXiv never uses.
_NEW = re.compile(r"(?P<yymm>\d{4})\.(?P<number>\d{4,5})(?:[vV](?P<version>\d+))?", re.ASCII)
_OLD = re.compile(
    r"(?P<archive>[a-zA-Z]+(?:-[a-zA-Z]+)?)(?:\.[A-Za-z]{2})?/"
    r"(?P<yymm>\d{4})(?P<number>\d{3})(?:[vV](?P<version>\d+))?",
    re.ASCII,
)
# The one rule for "this is a link to an arXiv paper": the parser strips it, the notes
# scanner finds it in text, the feed parser reads entry IDs with it, builds count it.
_ARXIV_PAGE = r"https?://(?:www\.|export\.)?arxiv\.org/(?:abs|pdf|html)/"
_ID_SHAPE = r"(?:[a-zA-Z-]+(?:\.[A-Za-z]{2})?/\d{7}|\d{4}\.\d{4,5})(?:[vV]\d+)?"
ARXIV_URL = re.compile(_ARXIV_PAGE + rf"(?P<id>{_ID_SHAPE})(?:\.pdf)?", re.ASCII | re.IGNORECASE)
_ANY_ARXIV_URL = re.compile(_ARXIV_PAGE + r"(?P<rest>.+)", re.ASCII | re.IGNORECASE)
_PREFIX = re.compile(r"arxiv:", re.IGNORECASE)


class InvalidArxivId(ValueError):
    """The text is not an arXiv identifier; ``reason`` says why."""

    def __init__(self, text: str, reason: str) -> None:
        shown = text if len(text) <= 60 else text[:57] + "..."
        super().__init__(f"not an arXiv ID: {shown!r} ({reason})")
        self.text = text
        self.reason = reason


@total_ordering
@dataclass(frozen=True)
class ArxivId:
    """A validated identifier: ``base`` is canonical and unversioned, ``version`` optional."""

    base: str
    version: int | None = None

    def __str__(self) -> str:
        return self.base if self.version is None else f"{self.base}v{self.version}"

    def __lt__(self, other: object) -> bool:
        if not isinstance(other, ArxivId):
            return NotImplemented
        return (self.base, self.version or 0) < (other.base, other.version or 0)

    @property
    def unversioned(self) -> ArxivId:
        return ArxivId(self.base)

    @property
    def is_old_style(self) -> bool:
        return "/" in self.base

    @property
    def year(self) -> int:
        """Year of the first version, read from the identifier's YYMM."""
        yy = int(self.base.split("/")[-1][:2])
        return 1900 + yy if yy >= 91 else 2000 + yy

    @property
    def abs_url(self) -> str:
        return f"https://arxiv.org/abs/{self}"

    @property
    def pdf_url(self) -> str:
        return f"https://arxiv.org/pdf/{self}"

    @property
    def doi(self) -> str:
        """arXiv's own DataCite DOI, which every paper has (always unversioned)."""
        return f"10.48550/arXiv.{self.base}"


def parse_arxiv_id(text: str) -> ArxivId:
    """Parse any accepted spelling of an arXiv ID or arXiv URL; raise InvalidArxivId."""
    if not text:
        raise InvalidArxivId(text, "empty")
    if len(text) > MAX_INPUT_LENGTH:
        raise InvalidArxivId(text, f"longer than {MAX_INPUT_LENGTH} characters")
    if any(ch.isspace() for ch in text):
        raise InvalidArxivId(text, "contains whitespace")
    if not text.isascii():
        raise InvalidArxivId(text, "contains non-ASCII characters")
    core = _strip_url(text)
    if _PREFIX.match(core):
        core = core[len("arxiv:") :]
    return _parse_core(text, core)


def is_arxiv_id(text: str) -> bool:
    try:
        parse_arxiv_id(text)
    except InvalidArxivId:
        return False
    return True


def _strip_url(text: str) -> str:
    match = _ANY_ARXIV_URL.fullmatch(text)
    if not match:
        return text
    rest = re.split(r"[?#]", match["rest"], maxsplit=1)[0].rstrip("/")
    if rest.lower().endswith(".pdf"):
        rest = rest[: -len(".pdf")]
    return rest


def _parse_core(text: str, core: str) -> ArxivId:
    if match := _NEW.fullmatch(core):
        return ArxivId(_new_style(text, match["yymm"], match["number"]), _version(text, match))
    if match := _OLD.fullmatch(core):
        return ArxivId(_old_style(text, match), _version(text, match))
    raise InvalidArxivId(text, "expected a form like 2305.18290, hep-th/9901001 or an arXiv URL")


def _new_style(text: str, yymm: str, number: str) -> str:
    year, month = int(yymm[:2]), int(yymm[2:])
    if not 1 <= month <= 12:
        raise InvalidArxivId(text, f"month {yymm[2:]} does not exist")
    if (year, month) < (7, 4):
        raise InvalidArxivId(text, "new-style IDs start in April 2007 (0704)")
    digits = 4 if year < 15 else 5
    if len(number) != digits:
        raise InvalidArxivId(text, f"IDs from 20{yymm[:2]} have {digits}-digit numbers")
    if int(number) == 0:
        raise InvalidArxivId(text, "the number part cannot be zero")
    return f"{yymm}.{number}"


def _old_style(text: str, match: re.Match[str]) -> str:
    archive, yymm = match["archive"].lower(), match["yymm"]
    if archive not in OLD_ARCHIVES:
        raise InvalidArxivId(text, f"unknown archive {match['archive']!r}")
    year, month = int(yymm[:2]), int(yymm[2:])
    if not 1 <= month <= 12:
        raise InvalidArxivId(text, f"month {yymm[2:]} does not exist")
    full_year = 1900 + year if year >= 91 else 2000 + year
    if not (1991, 7) <= (full_year, month) <= (2007, 3):
        raise InvalidArxivId(text, "old-style IDs run from July 1991 to March 2007")
    return f"{archive}/{yymm}{match['number']}"


def _version(text: str, match: re.Match[str]) -> int | None:
    if match["version"] is None:
        return None
    version = int(match["version"])
    if version < 1 or match["version"].startswith("0"):
        raise InvalidArxivId(text, "versions are numbered from v1")
    return version


# DOIs

_DOI_PREFIXES = ("https://doi.org/", "http://doi.org/", "https://dx.doi.org/", "http://dx.doi.org/")


def normalize_doi(text: str) -> str:
    """A DOI without the resolver URL or ``doi:`` it is often written with."""
    doi = text.strip()
    lowered = doi.lower()
    for prefix in (*_DOI_PREFIXES, "doi:"):
        if lowered.startswith(prefix):
            return doi[len(prefix) :].strip()
    return doi
