"""A deterministic corpus of papers and notes, the same for every site variant.

The corpus is a model, not files: each variant (paperrefs, B1, B0) renders it in its own
syntax, and every benchmark scenario is a small change to the model. Papers look like
what ``paperrefs add`` writes (their entries come from ``paperrefs.entry``), with titles
that hold LaTeX specials and non-ASCII text; citation popularity is Zipf-like, so a few
papers have many backlinks and most have one or none.
"""

from __future__ import annotations

import datetime
import random
from collections.abc import Collection
from dataclasses import dataclass, field

from paperrefs.entry import TakenKeys, format_entry, make_key
from paperrefs.ids import ArxivId
from paperrefs.metadata import PaperMetadata

SEED = 20240704
NOTES_PER_TOPIC = 10
ZIPF_EXPONENT = 1.1
BIB_HEADER = "% The shared bibliography. Written by `paperrefs add` and `paperrefs sync`.\n"


@dataclass(frozen=True)
class Size:
    name: str
    papers: int
    notes: int


SIZES = {
    "S": Size("S", 50, 20),
    "M": Size("M", 1_000, 300),
    "L": Size("L", 10_000, 2_000),
}

WORDS = [
    "attention",
    "policy",
    "gradient",
    "reward",
    "model",
    "diffusion",
    "flow",
    "transformer",
    "sparse",
    "mixture",
    "experts",
    "scaling",
    "law",
    "preference",
    "optimization",
    "offline",
    "online",
    "agent",
    "planning",
    "search",
    "retrieval",
    "memory",
    "graph",
    "kernel",
    "bayesian",
    "variational",
    "contrastive",
    "alignment",
    "reasoning",
    "proof",
    "theorem",
    "language",
    "vision",
    "robust",
    "causal",
    "latent",
    "world",
    "curriculum",
    "distillation",
    "quantization",
    "pruning",
    "calibration",
    "uncertainty",
    "benchmark",
    "dataset",
    "tokenizer",
    "decoding",
    "sampling",
    "energy",
    "score",
    "matching",
    "manifold",
    "geometry",
    "equivariant",
    "recurrent",
    "state",
    "space",
]
# Title words that stress escaping: LaTeX specials, Markdown/MyST syntax, non-ASCII.
SPECIAL_WORDS = (
    "90%",
    "Q&A",
    "#1",
    "snake_case",
    "$O(n)$",
    "{Braces}",
    "x^2",
    "~Tilde",
    "back\\slash",
    "*Stars*",
    "[Brackets]",
    "Hölder",
    "Schrödinger",
    "Gödel",
    "naïve",
    "Erdős",
    "Łukasiewicz",
    "Ångström",
    "東京",
    "GPT-4",
    "DeepSeek",
    "RLHF",
)
FIRST_NAMES = [
    "Ada",
    "Alan",
    "Grace",
    "Łukasz",
    "Zoë",
    "José",
    "Søren",
    "Chloé",
    "Jürgen",
    "Mónica",
    "Wei",
    "Yuki",
    "Amara",
    "Ilya",
    "Noam",
    "Fei-Fei",
    "Dmitri",
    "Aurélie",
    "Kwame",
    "Priya",
    "Mateo",
    "Nadia",
    "Oğuz",
    "Björn",
]
LAST_NAMES = [
    "Lovelace",
    "Turing",
    "Hopper",
    "Kapuśniak",
    "Núñez",
    "Kierkegaard",
    "Müller",
    "Dvořák",
    "Zhang",
    "Tanaka",
    "Okafor",
    "Sutskever",
    "Shazeer",
    "Li",
    "Petrov",
    "Dupont",
    "Mensah",
    "Raman",
    "García",
    "Haddad",
    "Yılmaz",
    "Ångström",
    "O'Neil",
    "van",
    "der",
    "Berg",
]
CATEGORIES = ("cs.LG", "cs.CL", "cs.AI", "stat.ML", "cs.CV", "math.OC", "cs.RO")
FILLER = [
    "the",
    "method",
    "trains",
    "a",
    "small",
    "model",
    "first",
    "and",
    "then",
    "reuses",
    "its",
    "estimates",
    "to",
    "guide",
    "a",
    "larger",
    "one",
    "which",
    "keeps",
    "the",
    "variance",
    "low",
    "while",
    "the",
    "bias",
    "stays",
    "bounded",
    "by",
    "a",
    "simple",
    "argument",
    "that",
    "the",
    "authors",
    "verify",
    "on",
    "several",
    "benchmarks",
    "with",
    "careful",
    "ablations",
    "of",
    "every",
    "part",
]


@dataclass(frozen=True)
class Paper:
    meta: PaperMetadata
    key: str
    words: tuple[str, ...]  # plain words of the title, for note headings

    @property
    def arxiv(self) -> str:
        return self.meta.arxiv_id.base

    @property
    def entry(self) -> str:
        return format_entry(self.key, self.meta)


@dataclass(frozen=True)
class Cite:
    """A citation inside a note: which paper, and how the author wrote it."""

    key: str
    form: str  # "arxiv" (role), "link" (plain arXiv link) or "cite" (sphinxcontrib-bibtex)


@dataclass
class Note:
    label: str  # explicit target, the same in every variant
    heading: str
    paper: str  # key of the paper the note is about
    added: str
    updated: tuple[str, ...]
    bullets: list[list[str | Cite]]  # each bullet: words and citations, in order
    remarks: list[str | Cite] = field(default_factory=list)


@dataclass
class Topic:
    name: str  # document name, e.g. "notes/topic-003"
    title: str
    notes: list[Note]


@dataclass
class Corpus:
    papers: dict[str, Paper]  # by key, in creation order
    topics: list[Topic]
    # Papers a variant with a fetcher must not find in its bib yet (arXiv serves them).
    unfetched: set[str] = field(default_factory=set)
    works: dict[str, str] = field(default_factory=dict)  # key -> entry of a work known by DOI

    def notes(self) -> list[tuple[Topic, Note]]:
        return [(topic, note) for topic in self.topics for note in topic.notes]

    def bib_text(self, *, include_unfetched: bool = True) -> str:
        entries = {
            key: paper.entry
            for key, paper in self.papers.items()
            if include_unfetched or key not in self.unfetched
        } | self.works
        keys = sorted(entries, key=str.lower)
        return BIB_HEADER + "\n" + "\n".join(entries[key] for key in keys)

    def by_arxiv(self, base: str) -> Paper:
        return next(paper for paper in self.papers.values() if paper.arxiv == base)


def generate(size: Size, seed: int = SEED) -> Corpus:
    rng = random.Random(f"{seed}-{size.name}")
    papers: dict[str, Paper] = {}
    taken = TakenKeys()
    for number in range(size.papers):
        paper = make_paper(rng, number, taken)
        papers[paper.key] = paper
        taken.add(paper.key)
    keys = list(papers)
    subjects = rng.sample(keys, size.notes)
    popularity = keys[:]
    rng.shuffle(popularity)
    weights = [1 / (rank + 1) ** ZIPF_EXPONENT for rank in range(len(popularity))]
    topics: list[Topic] = []
    start = datetime.date(2023, 1, 1)
    for index, subject in enumerate(subjects):
        if index % NOTES_PER_TOPIC == 0:
            number = len(topics) + 1
            title = f"Topic {number:03d}: {' '.join(rng.sample(WORDS, 2)).capitalize()}"
            topics.append(Topic(f"notes/topic-{number:03d}", title, []))
        added = start + datetime.timedelta(days=index * 700 // max(1, size.notes))
        cited = pick_cited(rng, popularity, weights, subject)
        topics[-1].notes.append(make_note(rng, index, papers[subject], added, cited))
    return Corpus(papers, topics)


def make_paper(
    rng: random.Random, number: int, taken: TakenKeys | Collection[str], yymm: str | None = None
) -> Paper:
    year = rng.randint(15, 24)
    yymm = yymm or f"{year:02d}{rng.randint(1, 12):02d}"
    # Version 1, as the stand-in arXiv serves it: entries record the version they describe.
    arxiv_id = ArxivId(f"{yymm}.{10000 + number:05d}", 1)
    words = tuple(rng.sample(WORDS, rng.randint(3, 7)))
    title_words = [word.capitalize() for word in words]
    if rng.random() < 0.6:
        title_words.insert(rng.randint(0, len(title_words)), rng.choice(SPECIAL_WORDS))
    count = rng.choice((1, 2, 3, 4, 6, 8, 12)) if rng.random() < 0.97 else 40
    authors = tuple(f"{rng.choice(FIRST_NAMES)} {rng.choice(LAST_NAMES)}" for _ in range(count))
    meta = PaperMetadata(
        arxiv_id=arxiv_id,
        title=" ".join(title_words),
        authors=authors,
        primary_category=rng.choice(CATEGORIES),
        doi=f"10.1000/bench.{number}" if rng.random() < 0.2 else None,
        journal_ref=f"Proc. Bench Conf. {2000 + year}" if rng.random() < 0.3 else None,
    )
    return Paper(meta, make_key(meta, taken), words)


def pick_cited(
    rng: random.Random, popularity: list[str], weights: list[float], subject: str
) -> list[str]:
    wanted = rng.randint(3, 8)
    cited: list[str] = []
    while len(cited) < wanted:
        (key,) = rng.choices(popularity, weights)
        if key != subject and key not in cited:
            cited.append(key)
    return cited


def make_note(
    rng: random.Random, index: int, paper: Paper, added: datetime.date, cited: list[str]
) -> Note:
    updated: tuple[str, ...] = ()
    if rng.random() < 0.2:
        days = sorted(rng.sample(range(1, 400), rng.randint(1, 5)))
        updated = tuple((added + datetime.timedelta(days=day)).isoformat() for day in days)
    bullets: list[list[str | Cite]] = [filler(rng) for _ in range(rng.randint(3, 5))]
    for key in cited:
        bullet = bullets[rng.randint(1, len(bullets) - 1)]
        form = rng.choices(("arxiv", "link", "cite"), (4, 3, 3))[0]
        bullet.insert(rng.randint(1, len(bullet)), Cite(key, form))
    heading = f"Note {index + 1}: {' '.join(paper.words[:3]).capitalize()}"
    return Note(
        f"n{index + 1:05d}", heading, paper.key, added.isoformat(), updated, bullets, filler(rng)
    )


def filler(rng: random.Random) -> list[str | Cite]:
    start = rng.randint(0, len(FILLER) - 20)
    return list(FILLER[start : start + rng.randint(12, 20)])


# Scenario edits, applied to the model in place.


def edit_remarks(note: Note, words: str) -> None:
    note.remarks.extend(words.split())


def add_citation(note: Note, key: str, form: str = "arxiv") -> None:
    note.remarks.append(Cite(key, form))


def new_paper(corpus: Corpus, rng_seed: int, count: int = 1) -> list[Paper]:
    """Papers arXiv knows but the bib does not, with IDs no corpus paper uses."""
    rng = random.Random(rng_seed)
    made: list[Paper] = []
    for offset in range(count):
        number = 80_000 + 1_000 * rng_seed + offset
        paper = make_paper(rng, number, corpus.papers.keys(), yymm="2501")
        corpus.papers[paper.key] = paper
        corpus.unfetched.add(paper.key)
        made.append(paper)
    return made
