"""The benchmark's build sequence: a clean build, then one edit per build, on each variant.

Every run starts from the same freshly rendered corpus, applies the same edits in the
same order to the model, re-renders the variant (writing only files whose bytes changed)
and measures the build that follows. Variants are interleaved run by run, so load drift
on a shared machine hits them alike.
"""

from __future__ import annotations

import copy
import json
import os
import shutil
import time
from collections.abc import Callable
from dataclasses import asdict, dataclass, replace
from pathlib import Path

from paperrefs.metadata import PaperMetadata

from bench.arxiv_server import FakeArxiv
from bench.corpus import Cite, Corpus, Note, Topic, add_citation, edit_remarks, new_paper
from bench.measure import Build, FileState, excess_writes, run_build
from bench.sites import render, sync

Edit = Callable[[Corpus], None]


@dataclass(frozen=True)
class Step:
    name: str
    title: str
    edit: Edit | None = None
    variants: tuple[str, ...] = ("paperrefs", "b1", "b0")
    clean: bool = False
    jobs: str = "1"
    fetch: bool = False
    bib_kept: bool = True  # the build must leave the bib's bytes and mtime alone
    first_run_only: bool = False
    one_edit: bool = False  # compared with B1 against the incremental target


@dataclass
class Record:
    size: str
    variant: str
    step: str
    run: int
    build: Build
    requests: int
    excess: int
    bib_kept: bool | None  # None: no bib in this variant


def busiest_note(corpus: Corpus) -> Note:
    """The middle note of the middle topic: an ordinary note, neither first nor last."""
    topic = corpus.topics[len(corpus.topics) // 2]
    return topic.notes[len(topic.notes) // 2]


def edit_text(corpus: Corpus) -> None:
    edit_remarks(busiest_note(corpus), "and a sentence added later")


def cite_existing(corpus: Corpus) -> None:
    note = busiest_note(corpus)
    cited = {
        item.key
        for paragraph in [*note.bullets, note.remarks]
        for item in paragraph
        if isinstance(item, Cite)
    }
    key = next(key for key in reversed(corpus.papers) if key not in cited and key != note.paper)
    add_citation(note, key)


def note_on_new_paper(corpus: Corpus, count: int, seed: int) -> None:
    """A new note, dated after every other, about a paper the bib does not hold yet."""
    papers = new_paper(corpus, seed, count)
    last = max(note.added for _, note in corpus.notes())
    existing = [key for key in corpus.papers if key not in corpus.unfetched][:2]
    number = len(corpus.notes()) + 1
    bullets: list[list[str | Cite]] = [
        ["first", "impressions", "of", "a", "new", "paper"],
        ["builds", "on", *(Cite(key, "arxiv") for key in existing)],
    ]
    bullets += [["also", "related:", Cite(paper.key, "link")] for paper in papers[1:]]
    note = Note(f"n{number:05d}", f"Note {number}: Fresh", papers[0].key, last, (), bullets)
    topic = corpus.topics[-1]
    corpus.topics[-1] = Topic(topic.name, topic.title, [*topic.notes, note])


def retitle_cited_paper(corpus: Corpus) -> None:
    """A hand edit of one bib entry: the title of a paper that several notes cite."""
    note = busiest_note(corpus)
    key = next(item.key for item in note.bullets[1] if isinstance(item, Cite))
    paper = corpus.papers[key]
    corpus.papers[key] = replace(
        paper, meta=replace(paper.meta, title=paper.meta.title + " Revisited")
    )


STEPS = (
    Step("clean", "clean build", clean=True),
    Step("noop", "no-op rebuild", one_edit=True),
    Step("edit-text", "edit one note's text", edit_text, one_edit=True),
    Step("add-citation", "add a citation of an existing paper", cite_existing, one_edit=True),
    Step(
        "new-id",
        "add a note on a new arXiv ID (fetched)",
        lambda corpus: note_on_new_paper(corpus, 1, 1),
        fetch=True,
        bib_kept=False,
    ),
    Step(
        "edit-bib",
        "hand-edit one bib entry",
        retitle_cited_paper,
        variants=("paperrefs", "b1"),
        one_edit=True,
    ),
    Step("touch-bib", "touch the bib, no change", variants=("paperrefs", "b1"), one_edit=True),
    Step("noop-fetch", "no-op, fetching enabled", variants=("paperrefs",), fetch=True),
    Step(
        "fetch-150",
        "add a note citing 150 new IDs (fetched)",
        lambda corpus: note_on_new_paper(corpus, 150, 2),
        variants=("paperrefs",),
        fetch=True,
        bib_kept=False,
        first_run_only=True,
    ),
    Step("clean-jauto", "clean build, -j auto", clean=True, jobs="auto", first_run_only=True),
)


class VariantRun:
    """One variant's copy of the corpus on disk, kept in step with the model."""

    def __init__(self, variant: str, corpus: Corpus, root: Path, server: FakeArxiv) -> None:
        self.variant = variant
        self.corpus = corpus
        self.root = root
        self.server = server
        self.rendered: dict[str, str] | None = None

    @property
    def bib(self) -> Path | None:
        path = self.root / "bib" / "papers.bib"
        return path if self.variant != "b0" else None

    def reset(self, base: Corpus) -> None:
        shutil.rmtree(self.root, ignore_errors=True)
        self.corpus = copy.deepcopy(base)
        self.rendered = None
        self.refresh()

    def refresh(self) -> None:
        files = render(self.variant, self.corpus)
        sync(self.root, files, self.rendered)
        self.rendered = files

    def environment(self, fetch: bool) -> dict[str, str]:
        env = {
            "PAPERREFS_ARXIV_API": self.server.url,
            "PAPERREFS_THROTTLE_FILE": str(self.root.parent / f"throttle-{self.variant}"),
        }
        if fetch:
            env["PAPERREFS_FETCH"] = "1"
        return env

    def parents(self) -> dict[str, str]:
        pages = ["changelog", "references", *(topic.name for topic in self.corpus.topics)]
        return {f"{page}.html": "index.html" for page in pages}

    def step(self, step: Step, base: Corpus) -> tuple[Build, int, bool | None]:
        if step.clean:
            self.reset(base)
        if step.edit is not None:
            step.edit(self.corpus)
            self.refresh()
        if step.name == "touch-bib" and self.bib is not None:
            now = time.time_ns()
            os.utime(self.bib, ns=(now, now))
        before = FileState.of(self.bib) if self.bib else None
        asked = len(self.server.requests)
        build = run_build(self.root, step.jobs, self.environment(step.fetch))
        if build.returncode != 0:
            raise RuntimeError(f"{self.variant} {step.name} failed:\n{build.log[-3000:]}")
        requests = len(self.server.requests) - asked
        kept = FileState.of(self.bib) == before if self.bib and before else None
        if self.corpus.unfetched:
            self.settle_fetch()
        return build, requests, kept

    def settle_fetch(self) -> None:
        """After a fetching build the bib must hold exactly what the model says."""
        if self.variant == "paperrefs":
            assert self.bib is not None
            fetched = self.bib.read_text(encoding="utf-8")
            if fetched != self.corpus.bib_text():
                raise RuntimeError("the fetched bib differs from the model's bib")
        self.corpus.unfetched.clear()
        self.rendered = render(self.variant, self.corpus)
        sync(self.root, self.rendered, None)


def run_size(
    size: str,
    base: Corpus,
    work: Path,
    runs: int,
    variants: tuple[str, ...],
    log: Callable[[str], None],
    steps: tuple[Step, ...] = STEPS,
) -> list[Record]:
    records: list[Record] = []
    with FakeArxiv(served_papers(base, steps)) as server:
        for run in range(runs):
            for variant in variants:
                site = VariantRun(variant, base, work / size / variant, server)
                for step in steps:
                    if variant not in step.variants or (step.first_run_only and run > 0):
                        continue
                    build, requests, kept = site.step(step, base)
                    excess = len(excess_writes(build, site.parents()))
                    records.append(
                        Record(size, variant, step.name, run, build, requests, excess, kept)
                    )
                    log(
                        f"{size} run {run + 1}/{runs} {variant:9} {step.name:12} "
                        f"{build.wall:7.2f} s  reread {build.reread:5}  "
                        f"rewritten {len(build.rewritten):5} (excess {excess})  http {requests}"
                    )
    return records


def served_papers(base: Corpus, steps: tuple[Step, ...]) -> dict[str, PaperMetadata]:
    """Every paper of the corpus and every paper a step will add, by arXiv ID."""
    probe = copy.deepcopy(base)
    for step in steps:
        if step.edit is not None:
            step.edit(probe)
    return {paper.arxiv: paper.meta for paper in probe.papers.values()}


def save_records(records: list[Record], path: Path, note: str) -> None:
    """Keep a size's records, so a later run can add a size without redoing this one."""
    rows = []
    for record in records:
        row = asdict(record)
        row["build"]["rewritten"] = sorted(record.build.rewritten)
        row["build"]["changed"] = sorted(record.build.changed)
        row["build"]["log"] = ""
        rows.append(row)
    path.write_text(json.dumps({"note": note, "records": rows}), encoding="utf-8")


def load_records(path: Path) -> tuple[list[Record], str]:
    saved = json.loads(path.read_text(encoding="utf-8"))
    records = []
    for row in saved["records"]:
        build = row.pop("build")
        build["rewritten"], build["changed"] = set(build["rewritten"]), set(build["changed"])
        records.append(Record(build=Build(**build), **row))
    return records, str(saved["note"])
